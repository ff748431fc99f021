"""New revisions of a source, the re-anchoring report, and re-attaching orphans by hand."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from .. import policy, selectors, services
from ..forms import ReattachForm, RevisionForm
from ..models import Anchor, Source, SourceRevision


def _source_for(request: HttpRequest, pk: int) -> Source:
    """The source, or 404 when the viewer may not read it (a private source's existence is
    not revealed)."""
    source = get_object_or_404(Source.objects.select_related("current_revision"), pk=pk)
    if not policy.can_view_source(request.user, source):
        raise Http404("No such source.")
    return source


@login_required
@require_http_methods(["GET", "POST"])
def revision_new(request: HttpRequest, pk: int) -> HttpResponse:
    source = _source_for(request, pk)
    if not policy.can_revise_source(request.user, source):
        raise PermissionDenied(
            "Only the person who imported this source and site staff can add a revision."
        )
    if request.method == "POST":
        form = RevisionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                revision = services.source_revise(
                    source=source,
                    text=form.cleaned_data["body"],
                    note=form.cleaned_data["note"],
                    actor=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Revision {revision.number} is saved.")
                return redirect("debates:revision", pk=source.pk, number=revision.number)
    else:
        form = RevisionForm(initial={"text": source.current_revision.text})
    return render(
        request,
        "debates/revision_new.html",
        {"source": source, "form": form},
        status=400 if form.errors else 200,
    )


def revision_list(request: HttpRequest, pk: int) -> HttpResponse:
    source = _source_for(request, pk)
    items = source.revisions.select_related("created_by").order_by("-number")
    return render(
        request,
        "debates/revisions.html",
        {
            "source": source,
            "revisions": items,
            "can_revise": policy.can_revise_source(request.user, source),
        },
    )


def revision_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    source = _source_for(request, pk)
    revision = get_object_or_404(SourceRevision, source=source, number=number)
    notes = selectors.source_annotations(source=source, viewer=request.user)
    passages = selectors.orphaned_passages(source=source)
    return render(
        request,
        "debates/revision.html",
        {
            "source": source,
            "revision": revision,
            "report": revision.report or {},
            "orphan_notes": [
                (note, policy.can_reattach(request.user, note.anchor, note))
                for note in notes.orphans
            ],
            "orphan_passages": [(p, policy.can_reattach(request.user, p.anchor)) for p in passages],
            "is_current": source.current_revision_id == revision.pk,
        },
    )


@login_required
@require_POST
def anchor_reattach(request: HttpRequest, pk: int, anchor_id: int) -> HttpResponse:
    source = _source_for(request, pk)
    anchor = get_object_or_404(Anchor.objects.select_related("source"), pk=anchor_id, source=source)
    annotation = anchor.annotations.filter(author=request.user, parent__isnull=True).first()
    if not policy.can_reattach(request.user, anchor, annotation):
        raise PermissionDenied("You cannot re-attach this.")
    form = ReattachForm(request.POST)
    back = reverse(
        "debates:revision", kwargs={"pk": source.pk, "number": source.current_revision.number}
    )
    if not form.is_valid():
        messages.error(request, "Type or paste the words to attach it to.")
        return redirect(back)
    try:
        services.anchor_reattach(
            actor=request.user, anchor=anchor, quote=form.cleaned_data["quote"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    messages.success(request, "Re-attached.")
    note = annotation or anchor.annotations.filter(parent__isnull=True).first()
    if note is not None:
        return redirect(f"{source.get_absolute_url()}#note-{note.pk}")
    return redirect(anchor.passage.get_absolute_url())

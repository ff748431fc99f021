"""Annotating sources: create, reply, edit, delete/restore, hide, flag, cite as evidence.

Each action is a plain form POST that redirects back to the reader, so it works without
JavaScript; the reader's script only fills in the selected span.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from .. import policy, selectors, services
from ..forms import AnnotationEditForm, AnnotationForm, CiteForm, FlagForm, ReplyForm
from ..models import Annotation, Source


def _reader_url(source_id: int, fragment: str = "") -> str:
    url = reverse("debates:source", args=[source_id])
    return f"{url}#{fragment}" if fragment else url


def _annotation_for(request: HttpRequest, pk: int) -> Annotation:
    """The note, or 404 when the viewer may not see it (its source, and for a reply its
    thread's root, included)."""
    annotation = get_object_or_404(
        Annotation.objects.select_related("anchor__source", "debate", "author", "parent__debate"),
        pk=pk,
    )
    if not policy.can_view_annotation(request.user, annotation):
        raise Http404("No such annotation.")
    return annotation


def _source_for(request: HttpRequest, pk: int) -> Source:
    """The source with text to annotate, or 404 (also when the viewer may not read it)."""
    source = get_object_or_404(Source.objects.select_related("current_revision"), pk=pk)
    if not policy.can_view_source(request.user, source) or source.current_revision is None:
        raise Http404("No such source, or it has no text yet.")
    return source


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@login_required
@require_http_methods(["GET", "POST"])
def annotation_new(request: HttpRequest, pk: int) -> HttpResponse:
    """POST from the reader's selection form; GET is the no-script page for one passage."""
    source = _source_for(request, pk)
    debates = selectors.annotation_debates(viewer=request.user)
    if request.method == "POST":
        form = AnnotationForm(request.POST, source=source, debates=debates, prefix="note")
        if form.is_valid():
            data = form.cleaned_data
            try:
                annotation = services.annotation_create(
                    actor=request.user,
                    source=source,
                    start=data["start"],
                    end=data["end"],
                    body=data["body"],
                    tags=data["tags"],
                    motivation=data["motivation"],
                    visibility=data["visibility"],
                    debate=data["debate"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Your note is saved.")
                return redirect(_reader_url(source.pk, f"note-{annotation.pk}"))
        status = 400
    else:
        revision = source.current_revision
        try:
            start, end = int(request.GET["start"]), int(request.GET["end"])
        except (KeyError, ValueError):
            raise Http404("Choose a passage to annotate.") from None
        if not 0 <= start < end <= len(revision.text):
            raise Http404("That passage is not in this source.")
        form = AnnotationForm(
            initial={"start": start, "end": end, "revision": revision.number},
            source=source,
            debates=debates,
            prefix="note",
        )
        status = 200
    span = _span_preview(source, form)
    context = {"source": source, "form": form, "quote": span}
    claims = selectors.citable_claims(source=source, viewer=request.user)
    if claims and not form.is_bound:
        context["cite_form"] = CiteForm(
            source=source, claims=claims, initial=form.initial, prefix="cite"
        )
    return render(request, "debates/annotation_new.html", context, status=status)


def _span_preview(source, form) -> str:
    if form.is_bound:
        start, end = form.data.get(form.add_prefix("start")), form.data.get(form.add_prefix("end"))
    else:
        start, end = form.initial.get("start"), form.initial.get("end")
    try:
        start, end = int(start), int(end)
    except (TypeError, ValueError):
        return ""
    return source.current_revision.text[start:end]


@login_required
@require_POST
def annotation_reply(request: HttpRequest, pk: int) -> HttpResponse:
    parent = _annotation_for(request, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Your reply was not saved: {_form_errors(form)}")
        return redirect(_reader_url(parent.anchor.source_id, f"note-{parent.pk}"))
    try:
        reply = services.annotation_reply(
            actor=request.user, parent=parent, body=form.cleaned_data["body"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_reader_url(parent.anchor.source_id, f"note-{parent.pk}"))
    return redirect(_reader_url(parent.anchor.source_id, f"note-{reply.pk}"))


@login_required
@require_http_methods(["GET", "POST"])
def annotation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = _annotation_for(request, pk)
    if not policy.can_edit_annotation(request.user, annotation):
        raise PermissionDenied("Only its author can edit a note.")
    debates = selectors.annotation_debates(viewer=request.user)
    initial = {
        "body": annotation.body,
        "tags": " ".join(t.name for t in annotation.tags.all()),
        "motivation": annotation.motivation,
        "visibility": annotation.visibility,
        "debate": annotation.debate_id,
    }
    form = AnnotationEditForm(
        request.POST if request.method == "POST" else None, initial=initial, debates=debates
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.annotation_update(
                actor=request.user,
                annotation=annotation,
                body=data["body"],
                tags=data["tags"],
                motivation=data["motivation"],
                visibility=data["visibility"],
                debate=data["debate"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your note is updated.")
            return redirect(_reader_url(annotation.anchor.source_id, f"note-{annotation.pk}"))
    return render(
        request,
        "debates/annotation_edit.html",
        {"annotation": annotation, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def annotation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = _annotation_for(request, pk)
    services.annotation_delete(actor=request.user, annotation=annotation)
    messages.success(request, "Your note is deleted. A moderator can restore it if needed.")
    return redirect(_reader_url(annotation.anchor.source_id))


@login_required
@require_POST
def annotation_restore(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = _annotation_for(request, pk)
    try:
        # Checks policy (403) and records the act in the debate's audit log.
        services.annotation_restore(annotation=annotation, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The note is restored.")
    return redirect(_reader_url(annotation.anchor.source_id, f"note-{annotation.pk}"))


@login_required
@require_POST
def annotation_hide(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = _annotation_for(request, pk)
    hidden = request.POST.get("hidden") == "1"
    try:
        # Checks policy (403) and records the act in the debate's audit log.
        services.annotation_hide(
            annotation=annotation,
            actor=request.user,
            hidden=hidden,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The note is hidden." if hidden else "The note is visible again.")
    return redirect(_reader_url(annotation.anchor.source_id, f"note-{annotation.pk}"))


@login_required
@require_POST
def annotation_flag(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = _annotation_for(request, pk)
    form = FlagForm(request.POST)
    if form.is_valid():
        try:
            services.flag_add(
                actor=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                annotation=annotation,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Thank you: a moderator will look at this note.")
    else:
        messages.error(request, f"The flag was not saved: {_form_errors(form)}")
    return redirect(_reader_url(annotation.anchor.source_id, f"note-{annotation.pk}"))


@login_required
@require_POST
def cite(request: HttpRequest, pk: int) -> HttpResponse:
    source = _source_for(request, pk)
    claims = selectors.citable_claims(source=source, viewer=request.user)
    form = CiteForm(request.POST, source=source, claims=claims, prefix="cite")
    if not form.is_valid():
        messages.error(request, f"Nothing was cited: {_form_errors(form)}")
        return redirect(_reader_url(source.pk))
    data = form.cleaned_data
    claim = data["claim_obj"]
    # The editing services ask the policy, apply the pending limit, keep history and audit.
    try:
        if data["mode"] == "argue":
            target = services.argument_with_evidence_add(
                actor=request.user,
                parent=claim,
                stance=data["stance"] or "supports",
                text=data["text"],
                source=source,
                start=data["start"],
                end=data["end"],
            )
            done = (
                "Your argument is published."
                if target.status == "published"
                else "Your argument is proposed; a moderator will review it."
            )
        else:
            evidence = services.evidence_attach(
                actor=request.user,
                claim=claim,
                source=source,
                start=data["start"],
                end=data["end"],
                relation=data["relation"],
            )
            target = claim
            done = (
                "The passage is cited."
                if evidence.status == "published"
                else "Your evidence is proposed; a moderator will review it."
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_reader_url(source.pk))
    messages.success(request, done)
    return redirect(target)

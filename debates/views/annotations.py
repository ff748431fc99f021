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

from .. import policy, services
from ..forms import AnnotationEditForm, AnnotationForm, CiteForm, FlagForm, ReplyForm
from ..models import Annotation, Debate, Flag, Source
from ..selectors import pickers
from ..selectors.notes import note_thread
from .pickers import cite_picker, query_of

# The session key naming the note just deleted, for the reader's "Undo" without JavaScript.
UNDO_KEY = "crux_undo_note"


def _reader_url(source_id: int, fragment: str = "") -> str:
    url = reverse("debates:source", args=[source_id])
    return f"{url}#{fragment}" if fragment else url


def _annotation_for(request: HttpRequest, pk: int) -> Annotation:
    """The note, or 404 when the viewer may not see it (its source, and for a reply its
    thread's root, included) or it is withheld from them ("see classmates' work after you
    post"): every view of one note loads it here (the mentions endpoint too), and answers
    in the same words as when there is no such note."""
    annotation = (
        Annotation.objects.select_related("anchor__source", "debate", "author", "parent__debate")
        .filter(pk=pk)
        .first()
    )
    if annotation is None or not policy.can_open_annotation(request.user, annotation):
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


def note_defaults(debates: list[Debate]) -> dict:
    """A new note's audience: the members of the first debate grounded in the source that
    the person belongs to, if there is one; else private (the form's own default)."""
    if not debates:
        return {}
    return {"visibility": Annotation.Visibility.DEBATE, "debate": debates[0].pk}


def _cite_form(request: HttpRequest, source: Source, data=None, **kwargs) -> CiteForm:
    viewer = request.user
    return CiteForm(
        data,
        source=source,
        prefix="cite",
        lookup=lambda pk: pickers.citable_claim(source=source, viewer=viewer, pk=pk),
        **kwargs,
    )


def reader_forms(request: HttpRequest, source: Source) -> dict:
    """The reader's forms for a signed-in person: the note (with its default audience),
    the highlight, and the cite form when they may cite this source in a debate grounded in
    it. Its claim picker is filled once words are selected, so this reads no claims."""
    viewer = request.user
    number = source.current_revision.number
    debates = pickers.grounded_debates(source=source, viewer=viewer)
    context = {
        "annotation_form": AnnotationForm(
            source=source,
            debates=debates,
            initial={"revision": number, **note_defaults(debates)},
            prefix="note",
        ),
        "flag_reasons": Flag.Reason.choices,
    }
    if pickers.can_cite_from(source=source, viewer=viewer):
        picker = cite_picker(request, source, waiting=True)
        initial = {"revision": number}
        context["cite_form"] = _cite_form(request, source, initial=initial, picker=picker)
    return context


@login_required
@require_http_methods(["GET", "POST"])
def annotation_new(request: HttpRequest, pk: int) -> HttpResponse:
    """POST from the reader's selection form; GET is the no-script page for one passage."""
    source = _source_for(request, pk)
    debates = pickers.grounded_debates(source=source, viewer=request.user)
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
            initial={
                "start": start,
                "end": end,
                "revision": revision.number,
                **note_defaults(debates),
            },
            source=source,
            debates=debates,
            prefix="note",
        )
        status = 200
    span = _span_preview(source, form)
    context = {"source": source, "form": form, "quote": span}
    if not form.is_bound and pickers.can_cite_from(source=source, viewer=request.user):
        # The claim picker; its search box submits the page's GET form (?q=) without script.
        query = query_of(request)
        picker = cite_picker(request, source, like=span, query=query, search_form="claim-search")
        initial = {k: form.initial[k] for k in ("start", "end", "revision")}
        context["cite_form"] = _cite_form(request, source, initial=initial, picker=picker)
        context["claim_query"] = query
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
    # The debates grounded in the note's source (and the one it is addressed to, if another).
    source = annotation.anchor.source
    debates = pickers.grounded_debates(source=source, viewer=request.user)
    if annotation.debate is not None and annotation.debate not in debates:
        debates.append(annotation.debate)
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
    """The note's "Delete" asks first (a <details> in the note, no script needed), then
    offers "Undo": in place with htmx, else at the top of the reader's notes."""
    annotation = _annotation_for(request, pk)
    services.annotation_delete(actor=request.user, annotation=annotation)
    if request.htmx:
        return render(request, "debates/_note_deleted.html", {"note": annotation})
    request.session[UNDO_KEY] = annotation.pk
    messages.success(request, "Your note is deleted.", extra_tags="undo")
    return redirect(_reader_url(annotation.anchor.source_id, "notes-title"))


def _restorable(request: HttpRequest, pk: int) -> Annotation:
    """The note to restore: one the person may see, or their own deleted one (404 else)."""
    annotation = (
        Annotation.objects.select_related("anchor__source", "debate", "author", "parent__debate")
        .filter(pk=pk)
        .first()
    )
    if annotation is None:
        raise Http404("No such annotation.")
    own = request.user.is_authenticated and annotation.author_id == request.user.pk
    if not (own or policy.can_open_annotation(request.user, annotation)):
        raise Http404("No such annotation.")
    return annotation


@login_required
@require_POST
def annotation_restore(request: HttpRequest, pk: int) -> HttpResponse:
    """A moderator's restore, or the author's "Undo" right after deleting."""
    annotation = _restorable(request, pk)
    try:
        # Checks policy (403) and records a moderator's act in the debate's audit log.
        services.annotation_restore(annotation=annotation, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if request.session.get(UNDO_KEY) == annotation.pk:
            del request.session[UNDO_KEY]
        if request.htmx:
            thread = note_thread(annotation=annotation, viewer=request.user)
            context = {"thread": thread, "note": annotation, "flag_reasons": Flag.Reason.choices}
            return render(request, "debates/_thread.html", context)
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
    form = _cite_form(request, source, request.POST)
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

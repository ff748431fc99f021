"""Editing a map in place: thin views over the claim and evidence services.

Every action is a real form at a real URL. A plain GET shows the form as a page and its
POST redirects back to the map (or the claim page) with a message. With htmx the GET
returns just the form, loaded into a panel under the claim; a successful POST returns the
refreshed `#map-tree`, and a refused one returns the form again (400, or 409 for a stale
edit) retargeted into the same panel.

The fourteen edit views have one shape: `@edit_view(load)` loads the debate and the object
(404 when the viewer may not see it); the view builds its form and returns an `Edit` (what
the form shows, the one service call it makes, and who may have the form); `_run` shows it
or calls the service, turning refusals into statuses with `errors.form_status`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import policy, selectors, services
from ..errors import DOMAIN_ERRORS, EditConflict, form_status, messages_of
from ..forms import editing as edit_forms
from ..models import Claim, ClaimLink, Debate, Evidence
from ..models.maps import LIVE_STATUSES
from ..selectors import duplicates
from ..selectors.history import claim_edits_for, claim_versions, evidence_events, word_diff
from . import maps
from .maps import _claim_for

FORM = "debates/edit/_form.html"
CONFLICT = "debates/edit/_conflict.html"
SIMILAR = "debates/edit/_similar.html"
ISSUE_PANEL = "map-actions-panel"


def _panel(claim: Claim | None) -> str:
    return f"claim-{claim.pk}-panel" if claim is not None else ISSUE_PANEL


@require_GET
def claim_more(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The rarer actions on a map node (undercut, reorder, move, link, history, delete),
    loaded into its panel on demand; without htmx, the claim page lists them all."""
    from ..templatetags.crux_edit import claim_tools

    debate = maps._debate_for(request, slug)
    claim = _claim_for(request, debate, pk)
    if not request.htmx:
        return redirect(f"{claim.get_absolute_url()}#claim-actions")
    context = {"request": request, "debate": debate}
    has_replies = selectors.visible_children(claim).exists()
    tools = claim_tools(context, claim, _Replies(has_replies))
    siblings = list(
        selectors.siblings(claim).filter(status__in=LIVE_STATUSES).values_list("pk", flat=True)
    )
    return render(
        request,
        "debates/edit/_more.html",
        {
            "debate": debate,
            "claim": claim,
            "tools": tools,
            "first": not siblings or siblings[0] == claim.pk,
            "last": not siblings or siblings[-1] == claim.pk,
        },
    )


class _Replies:
    """Stands in for a map node where only "has it replies?" matters (claim_tools)."""

    def __init__(self, has_replies: bool):
        self.children = [True] if has_replies else []


def _evidence_for(request: HttpRequest, debate: Debate, pk: int) -> Evidence:
    """The evidence, or 404 when the viewer may not see it or its claim is withheld from
    them, with the same words as when there is no such evidence."""
    evidence = (
        Evidence.objects.select_related("claim", "passage__anchor", "passage__source", "author")
        .filter(claim__debate=debate, pk=pk)
        .first()
    )
    if (
        evidence is None
        or not policy.can_view_evidence(request.user, evidence, debate)
        or policy.claim_withheld(request.user, evidence.claim, debate)
    ):
        raise Http404("No such evidence.")
    evidence.claim.debate = debate
    return evidence


def _next_url(request: HttpRequest) -> str:
    """A same-site page to return to (the claim page when the action started there)."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and allowed else ""


def _map_anchor(debate: Debate, claim: Claim | None) -> str:
    anchor = f"#claim-{claim.pk}" if claim is not None else ""
    return f"{debate.get_absolute_url()}{anchor}"


def _form_response(
    request: HttpRequest,
    context: dict,
    *,
    status: int = 200,
    fragment: str = FORM,
    retarget: bool = False,
) -> HttpResponse:
    """The form alone for htmx (retargeted into its panel when refused, or `retarget`),
    else a page."""
    context.setdefault("next", _next_url(request))
    context["in_place"] = bool(request.htmx)
    if request.htmx:
        response = render(request, fragment, context, status=status)
        if status >= 400 or retarget:
            response["HX-Retarget"] = f"#{context['panel_id']}"
            response["HX-Reswap"] = "innerHTML"
        return response
    return render(
        request, "debates/edit/page.html", {**context, "fragment": fragment}, status=status
    )


def _done(
    request: HttpRequest, debate: Debate, message: str, claim: Claim | None = None
) -> HttpResponse:
    """After a write: the refreshed map tree (htmx) or a redirect with a message."""
    if request.htmx:
        on_map = claim is not None and claim.deleted_at is None
        flash = {"claim_id": claim.pk, "message": message} if on_map else None
        response = maps.render_map_tree(request, debate, flash=flash)
        # Said once: under the claim when it is on the map, else above the map.
        status = render_to_string(
            "debates/edit/_status.html", {"message": "" if flash else message}, request
        )
        response.content += status.encode()
        return response
    messages.success(request, message)
    return redirect(_next_url(request) or _map_anchor(debate, claim))


@dataclass
class Edit:
    """One in-place form as its view describes it; `_run` shows it or carries it out.

    `form` is bound on POST. `write(cleaned_data)` calls the one service the form is for and
    returns the message to show and the claim it concerns. `allowed()` says whether the
    person may have this form at all (403 with `refusal` if not): it is asked only when the
    form is shown, since on POST the service asks the policy itself. `page()` is the rest
    of what the form shows. `conflict(error)` answers a 409 (the service has passed its
    permission check by then); `done(message, claim)` replaces `_done` after the write.
    `hold(cleaned_data)` takes a last look before the write: what it returns (if anything)
    is added to the form shown again, with a 200 and nothing written (claim_add's "this
    looks like a claim already on the map").
    """

    form: forms.Form
    page: Callable[[], dict]
    write: Callable[[dict], tuple[str, Claim | None]]
    allowed: Callable[[], bool]
    refusal: str
    conflict: Callable[[EditConflict], HttpResponse] | None = None
    done: Callable[[str, Claim | None], HttpResponse] | None = None
    hold: Callable[[dict], dict | None] | None = None


def edit_view(load: Callable[[HttpRequest, Debate, int], object] | None = None, key: str = "pk"):
    """The prologue the edit views share: logged in, GET or POST, the debate (404 unless
    the viewer may see it) and, with `load`, the claim, evidence or link the URL's `key`
    names (404 likewise). The view gets `(request, debate[, obj], **rest)` and returns an
    `Edit`, which `_run` shows or carries out."""

    def decorate(view: Callable[..., Edit]) -> Callable[..., HttpResponse]:
        @login_required
        @require_http_methods(["GET", "POST"])
        @wraps(view)
        def wrapper(request: HttpRequest, slug: str, **kwargs) -> HttpResponse:
            debate = maps._debate_for(request, slug)
            loaded = (load(request, debate, kwargs.pop(key)),) if load is not None else ()
            return _run(request, debate, view(request, debate, *loaded, **kwargs))

        return wrapper

    return decorate


def _run(request: HttpRequest, debate: Debate, edit: Edit) -> HttpResponse:
    """A GET shows the form; a POST with a valid form writes and says so (`_done`). An
    invalid form shows it again (400); so does a refusal from the service, with the status
    `errors.form_status` gives it (400, or 409), while a 403 or 404 is raised for Django's
    pages as the service raised it."""
    form = edit.form
    if request.method != "POST":
        return _show(request, debate, edit)
    if form.is_valid():
        held = edit.hold(form.cleaned_data) if edit.hold is not None else None
        if held:
            return _show(request, debate, edit, extra=held)
        try:
            message, claim = edit.write(form.cleaned_data)
        except DOMAIN_ERRORS as error:
            status = form_status(error)
            if status is None:
                raise
            if isinstance(error, EditConflict) and edit.conflict is not None:
                return edit.conflict(error)
            form.add_error(None, messages_of(error))
            return _show(request, debate, edit, status=status)
        if edit.done is not None:
            return edit.done(message, claim)
        return _done(request, debate, message, claim)
    return _show(request, debate, edit, status=400)


def _show(
    request: HttpRequest,
    debate: Debate,
    edit: Edit,
    *,
    status: int = 200,
    extra: dict | None = None,
) -> HttpResponse:
    if not edit.allowed():
        raise PermissionDenied(edit.refusal)
    context = {"debate": debate, "form": edit.form, **edit.page(), **(extra or {})}
    # A held form (`extra`) goes back into its panel, as a refused one does.
    return _form_response(request, context, status=status, retarget=extra is not None)


def _data(request: HttpRequest):
    """What a form is bound to: the POST, or nothing on GET."""
    return request.POST if request.method == "POST" else None


def _status_words(status: str, published: str, proposed: str) -> str:
    return published if status == Claim.Status.PUBLISHED else proposed


@require_GET
def panel_close(request: HttpRequest) -> HttpResponse:
    """Empties an edit panel: the in-place "Cancel" (without JS, Cancel is a link back)."""
    return HttpResponse("")


# --- add -------------------------------------------------------------------------------


@edit_view()
def claim_add(request: HttpRequest, debate: Debate) -> Edit:
    """A new issue (no parent), position or argument (`parent`, with a `stance`)."""
    data = request.POST if request.method == "POST" else request.GET
    parent = None
    if data.get("parent"):
        try:
            parent = _claim_for(request, debate, int(data["parent"]))
        except ValueError:
            raise Http404("No such claim.") from None
    initial = {"stance": data.get("stance") or "supports"}
    form = edit_forms.ClaimAddForm(_data(request), parent=parent, initial=initial)
    kind = services.kind_under(parent)
    # As one types, the claims already on the map that look like it (`claim_similar`).
    similar_id = f"{_panel(parent)}-similar"
    similar_url = reverse("debates:claim_similar", args=[debate.slug])
    if parent is not None:
        similar_url += f"?parent={parent.pk}"
    form.fields["text"].widget.attrs.update(
        {
            "hx-get": similar_url,
            "hx-trigger": "input changed delay:400ms",
            "hx-target": f"#{similar_id}",
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
        }
    )

    def page():
        return {
            "similar_id": similar_id,
            "claim": parent,
            "action": reverse("debates:claim_add", args=[debate.slug]),
            "hidden": {"parent": parent.pk if parent else ""},
            "heading": f"Add {'a' if kind == 'position' else 'an'} {kind}",
            "intro": _status_words(
                policy.contribution_status(request.user, debate),
                "It is published at once.",
                "A moderator reviews it before others see it.",
            ),
            "submit": f"Add the {kind}",
            "panel_id": _panel(parent),
        }

    def write(data):
        claim = services.claim_add(
            actor=request.user,
            debate=debate,
            text=data["text"],
            parent=parent,
            stance=data.get("stance", ""),
        )
        message = _status_words(
            claim.status,
            f"Your {kind} is published.",
            f"Your {kind} is proposed; a moderator will review it.",
        )
        return message, claim

    def hold(data):
        """A near copy of a claim the writer can see is held until they confirm it."""
        if request.POST.get("confirm_duplicate") == "1":
            return None
        held = duplicates.similar_claims(
            debate=debate,
            text=data["text"],
            viewer=request.user,
            limit=SIMILAR_SHOWN,
            exclude=[parent.pk] if parent is not None else None,
            min_score=duplicates.thresholds().hold,
        )
        return {"similar": held, "held": True} if held else None

    return Edit(
        form,
        page,
        write,
        hold=hold,
        allowed=lambda: policy.can_add_claim(request.user, debate, parent),
        refusal=(
            "Only moderators start new issues."
            if parent is None
            else "You cannot add claims to this debate."
        ),
    )


SIMILAR_SHOWN = 3  # claims offered as "this looks like…"
SIMILAR_MIN_CHARS = 10  # typed before any are offered


@login_required
@require_GET
def claim_similar(request: HttpRequest, slug: str) -> HttpResponse:
    """The add form's hint as one types (`?text=`, and `?parent=`, the claim answered, which
    is never offered): the claims of the debate the writer can see that look like the text,
    as a fragment for the form's live region. 404 for a debate one cannot see."""
    debate = maps._debate_for(request, slug)
    text = request.GET.get("text") or ""
    try:
        parent = int(request.GET.get("parent") or 0) or None
    except ValueError:
        parent = None
    similar = []
    if len(text.strip()) >= SIMILAR_MIN_CHARS:
        similar = duplicates.similar_claims(
            debate=debate,
            text=text,
            viewer=request.user,
            limit=SIMILAR_SHOWN,
            exclude=[parent] if parent else None,
        )
    return render(request, SIMILAR, {"debate": debate, "similar": similar})


# --- edit ------------------------------------------------------------------------------


@edit_view(_claim_for)
def claim_edit(request: HttpRequest, debate: Debate, claim: Claim) -> Edit:
    form = edit_forms.ClaimEditForm(
        _data(request), initial={"text": claim.text, "version": claim.version}
    )

    def page():
        return {
            "claim": claim,
            "action": reverse("debates:claim_edit", args=[debate.slug, claim.pk]),
            "heading": "Edit the claim",
            "intro": _status_words(
                policy.edit_status(request.user, claim, debate),
                f"Saving makes version {claim.version + 1}.",
                "Your edit waits for a moderator; until then the approved text stays shown.",
            ),
            "submit": "Save",
            "panel_id": _panel(claim),
        }

    def write(data):
        result = services.claim_edit(
            actor=request.user, claim=claim, text=data["text"], base_version=data["version"]
        )
        message = (
            "Your edit is proposed; a moderator will review it."
            if result.is_pending
            else f"Saved as version {result.claim.version}."
        )
        return message, claim

    return Edit(
        form,
        page,
        write,
        allowed=lambda: policy.edit_status(request.user, claim, debate) is not None,
        refusal="You cannot edit this claim.",
        conflict=lambda error: _conflict(request, debate, error, form.cleaned_data["text"]),
    )


def _conflict(
    request: HttpRequest, debate: Debate, conflict: EditConflict, mine: str
) -> HttpResponse:
    """409: someone saved first. Show their version and ours; saving again goes on top of
    theirs (the form now carries their version)."""
    current = conflict.claim
    current.debate = debate
    saved_by, saved_at = selectors.last_saved_by(current)
    form = edit_forms.ClaimEditForm(initial={"text": mine, "version": current.version})
    context = {
        "debate": debate,
        "claim": current,
        "form": form,
        "mine": mine,
        "base_version": conflict.base_version,
        "saved_by": saved_by,
        "saved_at": saved_at,
        "action": reverse("debates:claim_edit", args=[debate.slug, current.pk]),
        "panel_id": _panel(current),
    }
    return _form_response(request, context, status=409, fragment=CONFLICT)


# --- resubmit a rejected claim ---------------------------------------------------------


@edit_view(_claim_for)
def claim_resubmit(request: HttpRequest, debate: Debate, claim: Claim) -> Edit:
    """Its author edits a rejected claim, the moderator's reason in view, and sends it
    back for review (`services.claim_resubmit`)."""
    form = edit_forms.ClaimEditForm(
        _data(request), initial={"text": claim.text, "version": claim.version}
    )

    def page():
        return {
            "claim": claim,
            "action": reverse("debates:claim_resubmit", args=[debate.slug, claim.pk]),
            "heading": "Edit and resubmit",
            "rejected_reason": claim.status_reason or "The moderator gave no reason.",
            "intro": (
                f"Saving makes version {claim.version + 1} and sends it back to the "
                "moderators, who review it again."
            ),
            "submit": "Resubmit for review",
            "panel_id": _panel(claim),
        }

    def write(data):
        services.claim_resubmit(
            actor=request.user, claim=claim, text=data["text"], base_version=data["version"]
        )
        return "Your claim is resubmitted; a moderator will review it again.", claim

    def done(message, _claim):
        if request.htmx:
            return _done(request, debate, message, claim)
        messages.success(request, message)
        return redirect(_next_url(request) or claim.get_absolute_url())

    return Edit(
        form,
        page,
        write,
        allowed=lambda: policy.can_resubmit_claim(request.user, claim, debate),
        refusal="Only its author can resubmit a rejected claim, while they may contribute here.",
        done=done,
    )


# --- restructure -----------------------------------------------------------------------


@edit_view(_claim_for)
def claim_reorder(request: HttpRequest, debate: Debate, claim: Claim) -> Edit:
    def page():
        return {
            "claim": claim,
            "action": reverse("debates:claim_reorder", args=[debate.slug, claim.pk]),
            "heading": "Move among its siblings",
            "choices": [("up", "↑ Move up"), ("down", "↓ Move down")],
            "panel_id": _panel(claim),
        }

    def write(data):
        direction = request.POST.get("direction", "")
        services.claim_reorder(actor=request.user, claim=claim, direction=direction)
        return "The claim is moved.", claim

    return Edit(
        edit_forms.ActionForm(),
        page,
        write,
        allowed=lambda: policy.can_restructure(request.user, debate),
        refusal="Only moderators reorder the map.",
    )


def _parent_edit(request: HttpRequest, debate: Debate, claim: Claim, *, linking: bool) -> Edit:
    parents = selectors.valid_parents(claim=claim, exclude_current=True)
    if linking:
        linked = set(claim.links_out.values_list("parent_id", flat=True))
        parents = [p for p in parents if p.pk not in linked]
    elif claim.kind == Claim.Kind.ARGUMENT and claim.parent is not None:
        # An argument may stay where it is and only change its stance.
        parents = [claim.parent, *parents]
    form = edit_forms.ParentForm(_data(request), claim=claim, parents=parents)
    name = "claim_link" if linking else "claim_move"

    def page():
        links = list(claim.links_out.select_related("parent").order_by("pk")) if linking else []
        intro = (
            "The claim stays where it is and also appears, as a reference, under the claim "
            "you choose."
            if linking
            else "The claim moves with everything under it."
        )
        return {
            "claim": claim,
            "action": reverse(f"debates:{name}", args=[debate.slug, claim.pk]),
            "heading": (
                "Cross-link under a second parent" if linking else "Move under another parent"
            ),
            "intro": (
                intro
                if parents or links
                else "There is no claim of the right kind to put it under."
            ),
            "submit": "Cross-link" if linking else "Move",
            "panel_id": _panel(claim),
            "links": links,
        }

    def write(data):
        service = services.claim_link if linking else services.claim_move
        service(
            actor=request.user, claim=claim, parent=data["parent"], stance=data.get("stance", "")
        )
        return ("The cross-link is added." if linking else "The claim is moved."), claim

    return Edit(
        form,
        page,
        write,
        allowed=lambda: policy.can_restructure(request.user, debate),
        refusal="Only moderators cross-link claims." if linking else "Only moderators move claims.",
    )


@edit_view(_claim_for)
def claim_move(request: HttpRequest, debate: Debate, claim: Claim) -> Edit:
    return _parent_edit(request, debate, claim, linking=False)


@edit_view(_claim_for)
def claim_link(request: HttpRequest, debate: Debate, claim: Claim) -> Edit:
    return _parent_edit(request, debate, claim, linking=True)


def _link_for(request: HttpRequest, debate: Debate, pk: int) -> ClaimLink:
    """The cross-link, or 404 when the viewer may not see the claim it links."""
    link = get_object_or_404(
        ClaimLink.objects.select_related("claim", "parent"), debate=debate, pk=pk
    )
    link.claim = _claim_for(request, debate, link.claim_id)
    return link


@edit_view(_link_for, key="link_pk")
def claim_unlink(request: HttpRequest, debate: Debate, link: ClaimLink) -> Edit:
    claim = link.claim

    def page():
        return {
            "claim": claim,
            "action": reverse("debates:claim_unlink", args=[debate.slug, link.pk]),
            "heading": "Remove the cross-link",
            "intro": f"It will no longer appear under “{link.parent.text}”.",
            "submit": "Remove the cross-link",
            "danger": True,
            "panel_id": _panel(claim),
        }

    def write(data):
        services.claim_unlink(actor=request.user, link=link)
        return "The cross-link is removed.", claim

    return Edit(
        edit_forms.ActionForm(),
        page,
        write,
        allowed=lambda: policy.can_restructure(request.user, debate),
        refusal="Only moderators remove cross-links.",
    )


# --- delete and restore ----------------------------------------------------------------


@edit_view(_claim_for)
def claim_delete(request: HttpRequest, debate: Debate, claim: Claim) -> Edit:
    def page():
        below = selectors.visible_children(claim).count()
        return {
            "claim": claim,
            "action": reverse("debates:claim_delete", args=[debate.slug, claim.pk]),
            "heading": "Delete the claim",
            "intro": (
                "It leaves the map"
                + (
                    f" with the {below} repl{'y' if below == 1 else 'ies'} under it"
                    if below
                    else ""
                )
                + "; a moderator can restore it from its history."
            ),
            "submit": "Delete",
            "danger": True,
            "panel_id": _panel(claim),
        }

    def write(data):
        services.claim_delete(actor=request.user, claim=claim, reason=data["reason"])
        return "The claim is deleted.", None

    def done(message, _claim):
        # The claim is gone from the map: back to the map itself, whatever page it was on.
        if request.htmx:
            return _done(request, debate, message)
        messages.success(request, message)
        return redirect(debate.get_absolute_url())

    return Edit(
        edit_forms.ConfirmForm(_data(request)),
        page,
        write,
        allowed=lambda: policy.can_delete_claim(request.user, claim, debate),
        refusal="You cannot delete this claim.",
        done=done,
    )


@edit_view(_claim_for)
def claim_restore(request: HttpRequest, debate: Debate, claim: Claim) -> Edit:
    def page():
        return {
            "claim": claim,
            "action": reverse("debates:claim_restore", args=[debate.slug, claim.pk]),
            "heading": "Restore the claim",
            "intro": "It returns to the map where it stood, with what was under it.",
            "submit": "Restore",
            "panel_id": _panel(claim),
        }

    def write(data):
        services.claim_restore(actor=request.user, claim=claim)
        return "The claim is restored.", claim

    return Edit(
        edit_forms.ActionForm(),
        page,
        write,
        allowed=lambda: policy.can_restore(request.user, debate),
        refusal="Only moderators restore deleted claims.",
    )


@login_required
@require_GET
def deleted_claims(request: HttpRequest, slug: str) -> HttpResponse:
    """Moderators' list of deleted claims and detached evidence, to restore them."""
    debate = maps._debate_for(request, slug)
    if not policy.can_restore(request.user, debate):
        raise PermissionDenied("Only moderators see deleted claims.")
    claims = (
        Claim.objects.filter(debate=debate, deleted_at__isnull=False)
        .select_related("author", "parent")
        .order_by("-deleted_at", "-pk")
    )
    evidence = (
        Evidence.objects.filter(claim__debate=debate, deleted_at__isnull=False)
        .select_related("claim", "passage__anchor", "passage__source", "author")
        .order_by("-deleted_at", "-pk")
    )
    return render(
        request,
        "debates/edit/deleted.html",
        {"debate": debate, "claims": claims, "evidence": evidence},
    )


# --- history ---------------------------------------------------------------------------


@require_GET
def claim_history(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    debate = maps._debate_for(request, slug)
    claim = _claim_for(request, debate, pk)  # 404 too when withheld, as on the map
    if not policy.can_view_history(request.user, claim, debate):
        raise Http404("No such claim.")
    viewer = request.user
    return render(
        request,
        "debates/edit/history.html",
        {
            "debate": debate,
            "claim": claim,
            "versions": claim_versions(claim=claim, viewer=viewer),
            "edits": claim_edits_for(claim=claim, viewer=viewer),
            "evidence_events": evidence_events(claim=claim, viewer=viewer),
            "detached": (
                list(
                    claim.evidence.filter(deleted_at__isnull=False).select_related(
                        "passage__anchor", "passage__source"
                    )
                )
                if policy.can_restore(viewer, debate)
                else []
            ),
            "can_restore": policy.can_restore(viewer, debate),
        },
    )


@login_required
@require_POST
def evidence_revert(request: HttpRequest, slug: str, pk: int, history_id: int) -> HttpResponse:
    """Restore an earlier relation and note of an evidence link (a button on the history)."""
    debate = maps._debate_for(request, slug)
    evidence = _evidence_for(request, debate, pk)
    history_url = reverse("debates:claim_history", args=[debate.slug, evidence.claim_id])
    try:
        services.evidence_revert(actor=request.user, evidence=evidence, history_id=history_id)
    except DOMAIN_ERRORS as error:
        if form_status(error) is None:
            raise
        messages.error(request, " ".join(messages_of(error)))
        return redirect(f"{history_url}#evidence-history-title")
    messages.success(request, "The evidence link reads as it did then again.")
    return redirect(f"{history_url}#evidence-history-title")


@edit_view(_claim_for)
def claim_revert(request: HttpRequest, debate: Debate, claim: Claim, history_id: int) -> Edit:
    record = claim.history.filter(history_id=history_id).first()
    if record is None:
        raise Http404("No such version.")
    if claim.redactions.filter(history_id=history_id).exists() and not policy.can_read_redacted(
        request.user
    ):
        raise Http404("That version's text is redacted.")
    form = edit_forms.RevertForm(_data(request), initial={"version": claim.version})
    history_url = reverse("debates:claim_history", args=[debate.slug, claim.pk])

    def page():
        return {
            "claim": claim,
            "action": reverse("debates:claim_revert", args=[debate.slug, claim.pk, history_id]),
            "heading": f"Restore the text of version {record.version}",
            "intro": (
                f"It becomes version {claim.version + 1}; every version stays in the history."
            ),
            "diff": word_diff(claim.text, record.text),
            "submit": "Restore this version",
            "panel_id": _panel(claim),
            "next": history_url,
        }

    def write(data):
        services.claim_revert(
            actor=request.user,
            claim=claim,
            history_id=history_id,
            base_version=data["version"],
        )
        return f"The text of version {record.version} is restored.", claim

    def conflict(error):
        stale = edit_forms.RevertForm(data={"version": error.claim.version})
        stale.is_valid()
        stale.add_error(
            None,
            f"Someone saved version {error.claim.version} since you loaded the page; "
            "look at the history again before restoring.",
        )
        context = {
            "debate": debate,
            **page(),
            "form": stale,
            "diff": word_diff(error.claim.text, record.text),
        }
        return _form_response(request, context, status=409)

    def done(message, _claim):
        messages.success(request, message)
        return redirect(history_url)

    return Edit(
        form,
        page,
        write,
        allowed=lambda: policy.can_restore(request.user, debate),
        refusal="Only moderators restore earlier versions.",
        conflict=conflict,
        done=done,
    )


# --- evidence --------------------------------------------------------------------------


@edit_view(_claim_for)
def evidence_attach(request: HttpRequest, debate: Debate, claim: Claim) -> Edit:
    sources = list(debate.sources.exclude(current_revision=None).order_by("title"))
    form = edit_forms.EvidenceForm(
        _data(request), sources=sources, passages=edit_forms.passages_for(debate)
    )
    user = request.user

    def page():
        attached = (
            claim.evidence.filter(deleted_at__isnull=True)
            .exclude(status__in=[Evidence.Status.REJECTED, Evidence.Status.WITHDRAWN])
            .select_related("passage__anchor", "passage__source")
        )
        return {
            "claim": claim,
            "action": reverse("debates:evidence_attach", args=[debate.slug, claim.pk]),
            "heading": "Attach evidence",
            "intro": _status_words(
                policy.contribution_status(user, debate),
                "Ground the claim in a passage of this debate's sources.",
                "Ground the claim in a passage; a moderator reviews it first.",
            ),
            "submit": "Attach",
            "panel_id": _panel(claim),
            "attached": [
                (item, policy.can_edit_evidence(user, item, debate))
                for item in attached
                if policy.can_view_evidence(user, item, debate, claim_visible=True)
            ],
        }

    def write(data):
        evidence = services.evidence_attach(
            actor=user,
            claim=claim,
            passage=data.get("passage_obj"),
            source=data.get("source_obj"),
            quote=data.get("quote", ""),
            relation=data["relation"],
            note=data["note"],
        )
        message = _status_words(
            evidence.status,
            "The evidence is attached.",
            "Your evidence is proposed; a moderator will review it.",
        )
        return message, claim

    return Edit(
        form,
        page,
        write,
        allowed=lambda: policy.can_attach_evidence(user, claim, debate),
        refusal="You cannot attach evidence to this claim.",
    )


def _evidence_page(debate: Debate, evidence: Evidence, name: str, **extra) -> Callable[[], dict]:
    def page():
        return {
            "claim": evidence.claim,
            "evidence": evidence,
            "action": reverse(f"debates:{name}", args=[debate.slug, evidence.pk]),
            "panel_id": _panel(evidence.claim),
            **extra,
        }

    return page


@edit_view(_evidence_for)
def evidence_edit(request: HttpRequest, debate: Debate, evidence: Evidence) -> Edit:
    form = edit_forms.EvidenceEditForm(
        _data(request), initial={"relation": evidence.relation, "note": evidence.note}
    )

    def write(data):
        services.evidence_edit(
            actor=request.user, evidence=evidence, relation=data["relation"], note=data["note"]
        )
        return "The evidence link is saved.", evidence.claim

    return Edit(
        form,
        _evidence_page(
            debate, evidence, "evidence_edit", heading="Edit the evidence link", submit="Save"
        ),
        write,
        allowed=lambda: policy.can_edit_evidence(request.user, evidence, debate),
        refusal="You cannot edit this evidence.",
    )


@edit_view(_evidence_for)
def evidence_detach(request: HttpRequest, debate: Debate, evidence: Evidence) -> Edit:
    def write(data):
        services.evidence_detach(actor=request.user, evidence=evidence, reason=data["reason"])
        return "The evidence is detached.", evidence.claim

    return Edit(
        edit_forms.ConfirmForm(_data(request)),
        _evidence_page(
            debate,
            evidence,
            "evidence_detach",
            heading="Detach the evidence",
            intro="The claim no longer cites this passage; a moderator can re-attach it.",
            submit="Detach",
            danger=True,
        ),
        write,
        allowed=lambda: policy.can_edit_evidence(request.user, evidence, debate),
        refusal="You cannot detach this evidence.",
    )


@edit_view(_evidence_for)
def evidence_restore(request: HttpRequest, debate: Debate, evidence: Evidence) -> Edit:
    def write(data):
        services.evidence_restore(actor=request.user, evidence=evidence)
        return "The evidence is attached again.", evidence.claim

    return Edit(
        edit_forms.ActionForm(),
        _evidence_page(
            debate,
            evidence,
            "evidence_restore",
            heading="Re-attach the evidence",
            submit="Re-attach",
        ),
        write,
        allowed=lambda: policy.can_restore(request.user, debate),
        refusal="Only moderators re-attach detached evidence.",
    )

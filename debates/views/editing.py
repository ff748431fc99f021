"""Editing a map in place: thin views over the claim and evidence services.

Every action is a real form at a real URL. A plain GET shows the form as a page and its
POST redirects back to the map (or the claim page) with a message. With htmx the GET
returns just the form, loaded into a panel under the claim; a successful POST returns the
refreshed `#map-tree`, and a refused one returns the form again (400, or 409 for a stale
edit) retargeted into the same panel.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import policy, selectors, services
from ..errors import EditConflict
from ..forms import editing as edit_forms
from ..models import Claim, ClaimLink, Debate, Evidence
from ..models.maps import LIVE_STATUSES
from ..selectors.history import claim_edits_for, claim_versions, evidence_events, word_diff
from . import maps

FORM = "debates/edit/_form.html"
CONFLICT = "debates/edit/_conflict.html"
ISSUE_PANEL = "map-actions-panel"


def _panel(claim: Claim | None) -> str:
    return f"claim-{claim.pk}-panel" if claim is not None else ISSUE_PANEL


def _claim_for(request: HttpRequest, debate: Debate, pk: int) -> Claim:
    """The claim, or 404 when the viewer may not see it (deleted ones: moderators only)."""
    claim = get_object_or_404(
        Claim.objects.select_related("author", "parent"), debate=debate, pk=pk
    )
    if not policy.can_view_claim(request.user, claim, debate):
        raise Http404("No such claim.")
    claim.debate = debate
    return claim


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
    evidence = get_object_or_404(
        Evidence.objects.select_related("claim", "passage__anchor", "passage__source", "author"),
        claim__debate=debate,
        pk=pk,
    )
    if not policy.can_view_evidence(request.user, evidence, debate):
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
    request: HttpRequest, context: dict, *, status: int = 200, fragment: str = FORM
) -> HttpResponse:
    """The form alone for htmx (retargeted into its panel when refused), else a page."""
    context.setdefault("next", _next_url(request))
    context["in_place"] = bool(request.htmx)
    if request.htmx:
        response = render(request, fragment, context, status=status)
        if status >= 400:
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


def _refused(form, error: ValidationError) -> None:
    form.add_error(None, error)


def _form_or_write(
    request: HttpRequest, context: dict, write: Callable[[dict], tuple[str, Claim | None]]
) -> HttpResponse:
    """The shape of every in-place form: a GET shows `context["form"]`; a POST with a valid
    form calls `write(cleaned_data)`, which does the act and returns the message and the
    claim it concerns for `_done`. A ValidationError from it, or an invalid form, shows the
    form again (400)."""
    form = context["form"]
    if request.method != "POST":
        return _form_response(request, context)
    if form.is_valid():
        try:
            message, claim = write(form.cleaned_data)
        except ValidationError as error:
            _refused(form, error)
        else:
            return _done(request, context["debate"], message, claim)
    return _form_response(request, context, status=400)


def _status_words(status: str, published: str, proposed: str) -> str:
    return published if status == Claim.Status.PUBLISHED else proposed


@require_GET
def panel_close(request: HttpRequest) -> HttpResponse:
    """Empties an edit panel: the in-place "Cancel" (without JS, Cancel is a link back)."""
    return HttpResponse("")


# --- add -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def claim_add(request: HttpRequest, slug: str) -> HttpResponse:
    """A new issue (no parent), position or argument (`parent`, with a `stance`)."""
    debate = maps._debate_for(request, slug)
    data = request.POST if request.method == "POST" else request.GET
    parent = None
    if data.get("parent"):
        try:
            parent = _claim_for(request, debate, int(data["parent"]))
        except ValueError:
            raise Http404("No such claim.") from None
    if not policy.can_add_claim(request.user, debate, parent):
        raise PermissionDenied(
            "Only moderators start new issues."
            if parent is None
            else "You cannot add claims to this debate."
        )
    initial = {"stance": data.get("stance") or "supports"}
    form = edit_forms.ClaimAddForm(
        request.POST if request.method == "POST" else None, parent=parent, initial=initial
    )
    kind = services.kind_under(parent)
    status = policy.contribution_status(request.user, debate)
    context = {
        "debate": debate,
        "claim": parent,
        "form": form,
        "action": reverse("debates:claim_add", args=[debate.slug]),
        "hidden": {"parent": parent.pk if parent else ""},
        "heading": f"Add {'a' if kind == 'position' else 'an'} {kind}",
        "intro": _status_words(
            status,
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

    return _form_or_write(request, context, write)


# --- edit ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def claim_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    debate = maps._debate_for(request, slug)
    claim = _claim_for(request, debate, pk)
    edit_status = policy.edit_status(request.user, claim, debate)
    if edit_status is None:
        raise PermissionDenied("You cannot edit this claim.")
    form = edit_forms.ClaimEditForm(
        request.POST if request.method == "POST" else None,
        initial={"text": claim.text, "version": claim.version},
    )
    context = {
        "debate": debate,
        "claim": claim,
        "form": form,
        "action": reverse("debates:claim_edit", args=[debate.slug, claim.pk]),
        "heading": "Edit the claim",
        "intro": _status_words(
            edit_status,
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

    try:
        return _form_or_write(request, context, write)
    except EditConflict as conflict:
        return _conflict(request, debate, conflict, form.cleaned_data["text"])


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


# --- restructure -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def claim_reorder(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    debate = maps._debate_for(request, slug)
    claim = _claim_for(request, debate, pk)
    if not policy.can_restructure(request.user, debate):
        raise PermissionDenied("Only moderators reorder the map.")
    form = edit_forms.ActionForm()
    context = {
        "debate": debate,
        "claim": claim,
        "form": form,
        "action": reverse("debates:claim_reorder", args=[debate.slug, claim.pk]),
        "heading": "Move among its siblings",
        "choices": [("up", "↑ Move up"), ("down", "↓ Move down")],
        "panel_id": _panel(claim),
    }

    def write(data):
        direction = request.POST.get("direction", "")
        services.claim_reorder(actor=request.user, claim=claim, direction=direction)
        return "The claim is moved.", claim

    return _form_or_write(request, context, write)


def _parent_view(request: HttpRequest, slug: str, pk: int, *, linking: bool) -> HttpResponse:
    debate = maps._debate_for(request, slug)
    claim = _claim_for(request, debate, pk)
    if not policy.can_restructure(request.user, debate):
        raise PermissionDenied(
            "Only moderators cross-link claims." if linking else "Only moderators move claims."
        )
    parents = selectors.valid_parents(claim=claim, exclude_current=True)
    if linking:
        linked = set(claim.links_out.values_list("parent_id", flat=True))
        parents = [p for p in parents if p.pk not in linked]
    elif claim.kind == Claim.Kind.ARGUMENT and claim.parent is not None:
        # An argument may stay where it is and only change its stance.
        parents = [claim.parent, *parents]
    form = edit_forms.ParentForm(
        request.POST if request.method == "POST" else None, claim=claim, parents=parents
    )
    name = "claim_link" if linking else "claim_move"
    context = {
        "debate": debate,
        "claim": claim,
        "form": form,
        "action": reverse(f"debates:{name}", args=[debate.slug, claim.pk]),
        "heading": "Cross-link under a second parent" if linking else "Move under another parent",
        "intro": (
            "The claim stays where it is and also appears, as a reference, under the claim "
            "you choose."
            if linking
            else "The claim moves with everything under it."
        ),
        "submit": "Cross-link" if linking else "Move",
        "panel_id": _panel(claim),
        "links": (list(claim.links_out.select_related("parent").order_by("pk")) if linking else []),
    }
    if not parents and not context["links"]:
        context["intro"] = "There is no claim of the right kind to put it under."

    def write(data):
        service = services.claim_link if linking else services.claim_move
        service(
            actor=request.user, claim=claim, parent=data["parent"], stance=data.get("stance", "")
        )
        return ("The cross-link is added." if linking else "The claim is moved."), claim

    return _form_or_write(request, context, write)


@login_required
@require_http_methods(["GET", "POST"])
def claim_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _parent_view(request, slug, pk, linking=False)


@login_required
@require_http_methods(["GET", "POST"])
def claim_link(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _parent_view(request, slug, pk, linking=True)


@login_required
@require_http_methods(["GET", "POST"])
def claim_unlink(request: HttpRequest, slug: str, link_pk: int) -> HttpResponse:
    debate = maps._debate_for(request, slug)
    link = get_object_or_404(
        ClaimLink.objects.select_related("claim", "parent"), debate=debate, pk=link_pk
    )
    claim = _claim_for(request, debate, link.claim_id)
    if not policy.can_restructure(request.user, debate):
        raise PermissionDenied("Only moderators remove cross-links.")
    form = edit_forms.ActionForm()
    context = {
        "debate": debate,
        "claim": claim,
        "form": form,
        "action": reverse("debates:claim_unlink", args=[debate.slug, link.pk]),
        "heading": "Remove the cross-link",
        "intro": f"It will no longer appear under “{link.parent.text}”.",
        "submit": "Remove the cross-link",
        "danger": True,
        "panel_id": _panel(claim),
    }
    if request.method == "POST":
        services.claim_unlink(actor=request.user, link=link)
        return _done(request, debate, "The cross-link is removed.", claim)
    return _form_response(request, context)


# --- delete and restore ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def claim_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    debate = maps._debate_for(request, slug)
    claim = _claim_for(request, debate, pk)
    if not policy.can_delete_claim(request.user, claim, debate):
        raise PermissionDenied("You cannot delete this claim.")
    form = edit_forms.ConfirmForm(request.POST if request.method == "POST" else None)
    below = selectors.visible_children(claim).count()
    context = {
        "debate": debate,
        "claim": claim,
        "form": form,
        "action": reverse("debates:claim_delete", args=[debate.slug, claim.pk]),
        "heading": "Delete the claim",
        "intro": (
            "It leaves the map"
            + (f" with the {below} repl{'y' if below == 1 else 'ies'} under it" if below else "")
            + "; a moderator can restore it from its history."
        ),
        "submit": "Delete",
        "danger": True,
        "panel_id": _panel(claim),
    }
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_delete(
                actor=request.user, claim=claim, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            _refused(form, error)
        else:
            if request.htmx:
                return _done(request, debate, "The claim is deleted.")
            messages.success(request, "The claim is deleted.")
            return redirect(debate.get_absolute_url())
    return _form_response(request, context, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def claim_restore(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    debate = maps._debate_for(request, slug)
    claim = _claim_for(request, debate, pk)
    if not policy.can_restore(request.user, debate):
        raise PermissionDenied("Only moderators restore deleted claims.")
    form = edit_forms.ActionForm()
    context = {
        "debate": debate,
        "claim": claim,
        "form": form,
        "action": reverse("debates:claim_restore", args=[debate.slug, claim.pk]),
        "heading": "Restore the claim",
        "intro": "It returns to the map where it stood, with what was under it.",
        "submit": "Restore",
        "panel_id": _panel(claim),
    }

    def write(data):
        services.claim_restore(actor=request.user, claim=claim)
        return "The claim is restored.", claim

    return _form_or_write(request, context, write)


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
    claim = _claim_for(request, debate, pk)
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
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(f"{history_url}#evidence-history-title")
    messages.success(request, "The evidence link reads as it did then again.")
    return redirect(f"{history_url}#evidence-history-title")


@login_required
@require_http_methods(["GET", "POST"])
def claim_revert(request: HttpRequest, slug: str, pk: int, history_id: int) -> HttpResponse:
    debate = maps._debate_for(request, slug)
    claim = _claim_for(request, debate, pk)
    if not policy.can_restore(request.user, debate):
        raise PermissionDenied("Only moderators restore earlier versions.")
    record = claim.history.filter(history_id=history_id).first()
    if record is None:
        raise Http404("No such version.")
    form = edit_forms.RevertForm(
        request.POST if request.method == "POST" else None, initial={"version": claim.version}
    )
    history_url = reverse("debates:claim_history", args=[debate.slug, claim.pk])
    context = {
        "debate": debate,
        "claim": claim,
        "form": form,
        "action": reverse("debates:claim_revert", args=[debate.slug, claim.pk, history_id]),
        "heading": f"Restore the text of version {record.version}",
        "intro": f"It becomes version {claim.version + 1}; every version stays in the history.",
        "diff": word_diff(claim.text, record.text),
        "submit": "Restore this version",
        "panel_id": _panel(claim),
        "next": history_url,
    }
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_revert(
                actor=request.user,
                claim=claim,
                history_id=history_id,
                base_version=form.cleaned_data["version"],
            )
        except EditConflict as conflict:
            form = edit_forms.RevertForm(data={"version": conflict.claim.version})
            form.is_valid()
            form.add_error(
                None,
                f"Someone saved version {conflict.claim.version} since you loaded the page; "
                "look at the history again before restoring.",
            )
            context.update(form=form, diff=word_diff(conflict.claim.text, record.text))
            return _form_response(request, context, status=409)
        except ValidationError as error:
            _refused(form, error)
        else:
            messages.success(request, f"The text of version {record.version} is restored.")
            return redirect(history_url)
    return _form_response(request, context, status=400 if form.is_bound else 200)


# --- evidence --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def evidence_attach(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    debate = maps._debate_for(request, slug)
    claim = _claim_for(request, debate, pk)
    if not policy.can_attach_evidence(request.user, claim, debate):
        raise PermissionDenied("You cannot attach evidence to this claim.")
    sources = list(debate.sources.exclude(current_revision=None).order_by("title"))
    form = edit_forms.EvidenceForm(
        request.POST if request.method == "POST" else None,
        sources=sources,
        passages=edit_forms.passages_for(debate),
    )
    status = policy.contribution_status(request.user, debate)
    attached = list(
        claim.evidence.filter(deleted_at__isnull=True)
        .exclude(status__in=[Evidence.Status.REJECTED, Evidence.Status.WITHDRAWN])
        .select_related("passage__anchor", "passage__source")
    )
    user = request.user
    context = {
        "debate": debate,
        "claim": claim,
        "form": form,
        "action": reverse("debates:evidence_attach", args=[debate.slug, claim.pk]),
        "heading": "Attach evidence",
        "intro": _status_words(
            status,
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
            actor=request.user,
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

    return _form_or_write(request, context, write)


@login_required
@require_http_methods(["GET", "POST"])
def evidence_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    debate = maps._debate_for(request, slug)
    evidence = _evidence_for(request, debate, pk)
    if not policy.can_edit_evidence(request.user, evidence, debate):
        raise PermissionDenied("You cannot edit this evidence.")
    form = edit_forms.EvidenceEditForm(
        request.POST if request.method == "POST" else None,
        initial={"relation": evidence.relation, "note": evidence.note},
    )
    context = {
        "debate": debate,
        "claim": evidence.claim,
        "evidence": evidence,
        "form": form,
        "action": reverse("debates:evidence_edit", args=[debate.slug, evidence.pk]),
        "heading": "Edit the evidence link",
        "submit": "Save",
        "panel_id": _panel(evidence.claim),
    }

    def write(data):
        services.evidence_edit(
            actor=request.user, evidence=evidence, relation=data["relation"], note=data["note"]
        )
        return "The evidence link is saved.", evidence.claim

    return _form_or_write(request, context, write)


@login_required
@require_http_methods(["GET", "POST"])
def evidence_detach(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    debate = maps._debate_for(request, slug)
    evidence = _evidence_for(request, debate, pk)
    if not policy.can_edit_evidence(request.user, evidence, debate):
        raise PermissionDenied("You cannot detach this evidence.")
    form = edit_forms.ConfirmForm(request.POST if request.method == "POST" else None)
    context = {
        "debate": debate,
        "claim": evidence.claim,
        "evidence": evidence,
        "form": form,
        "action": reverse("debates:evidence_detach", args=[debate.slug, evidence.pk]),
        "heading": "Detach the evidence",
        "intro": "The claim no longer cites this passage; a moderator can re-attach it.",
        "submit": "Detach",
        "danger": True,
        "panel_id": _panel(evidence.claim),
    }
    if request.method == "POST" and form.is_valid():
        services.evidence_detach(
            actor=request.user, evidence=evidence, reason=form.cleaned_data["reason"]
        )
        return _done(request, debate, "The evidence is detached.", evidence.claim)
    return _form_response(request, context, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def evidence_restore(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    debate = maps._debate_for(request, slug)
    evidence = _evidence_for(request, debate, pk)
    if not policy.can_restore(request.user, debate):
        raise PermissionDenied("Only moderators re-attach detached evidence.")
    form = edit_forms.ActionForm()
    context = {
        "debate": debate,
        "claim": evidence.claim,
        "evidence": evidence,
        "form": form,
        "action": reverse("debates:evidence_restore", args=[debate.slug, evidence.pk]),
        "heading": "Re-attach the evidence",
        "submit": "Re-attach",
        "panel_id": _panel(evidence.claim),
    }

    def write(data):
        services.evidence_restore(actor=request.user, evidence=evidence)
        return "The evidence is attached again.", evidence.claim

    return _form_or_write(request, context, write)

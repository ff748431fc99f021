"""Pages for moderators and owners: the queues, the acts on queue items, the audit log,
debate settings and members; and everyone's notifications and claim flags.

Every act is a real form at a real URL (GET shows it, POST does it and redirects back); with
htmx the form loads into the queue item and the item is replaced by a one-line outcome.
Private debates are 404 to those who cannot see them; a visible debate's forbidden action is
403 with a message. A page or form is shown only to those the policy lets use it; a POST goes
straight to its service, which asks the policy itself, and its refusals become statuses
through `errors.form_status` (400/409 on the page; 403/404 raised for Django's pages).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from .. import policy, selectors, services
from ..errors import DOMAIN_ERRORS, form_status, messages_of
from ..forms.moderation import (
    AuditFilterForm,
    ClaimFlagForm,
    DebateSettingsForm,
    EditApproveForm,
    FlagResolveForm,
    MemberAddForm,
    MemberRoleForm,
    MergeForm,
    NoteForm,
    ReasonForm,
)
from ..models import Annotation, AuditEntry, Claim, ClaimEdit, Debate, Evidence, Flag, Membership
from ..selectors import duplicates
from ..selectors import moderation as queues
from ..selectors.activity import name_actors, notifications_of
from ..selectors.history import word_diff
from .maps import _claim_for, _debate_for
from .pickers import as_int, merge_picker, query_of

AUDIT_PAGE_SIZE = 50


def _moderated_debate(request: HttpRequest, slug: str) -> Debate:
    debate = _debate_for(request, slug)
    _require_reviewer(request, debate)
    return debate


def _require_reviewer(request: HttpRequest, debate: Debate) -> None:
    if not policy.can_moderate(request.user, debate):
        raise PermissionDenied("Only this debate's owner and moderators can review it.")


def _refusal(error: BaseException) -> list[str]:
    """What to tell the person about a service's refusal that the page shows itself (400,
    409); anything else (403, 404, a bug) is raised again for Django's pages."""
    if form_status(error) is None:
        raise error
    return messages_of(error)


def _next_url(request: HttpRequest, default: str) -> str:
    """Where to go after an act: the page it came from when that is on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


# --- queues ------------------------------------------------------------------------------


@login_required
def queue(request: HttpRequest, slug: str) -> HttpResponse:
    debate = _moderated_debate(request, slug)
    (debate_queue,) = queues.moderation_queue(debates=[debate])
    return render(
        request,
        "debates/moderation/queue.html",
        {
            "debate": debate,
            "queue": debate_queue,
            # Proposals that look like published claims, each a one-click merge (the
            # queue's own merge act, its target given).
            "likely": duplicates.likely_duplicates(debate=debate) if debate_queue.claims else [],
            "can": {"moderate": True, "audit": True, "manage": _can_manage(request, debate)},
        },
    )


def _can_manage(request: HttpRequest, debate: Debate) -> bool:
    return policy.can_manage_debate(request.user, debate)


@login_required
def queue_all(request: HttpRequest) -> HttpResponse:
    debates = queues.moderated_debates(user=request.user).select_related("owner")
    debate_queues = queues.moderation_queue(debates=debates)
    site_flags = queues.site_flags(user=request.user)
    return render(
        request,
        "debates/moderation/queue_all.html",
        {
            "queues": debate_queues,
            "waiting": [q for q in debate_queues if q.count],
            "site_flags": site_flags,
            "total": sum(q.count for q in debate_queues) + len(site_flags),
        },
    )


@login_required
@require_POST
def site_flag_act(request: HttpRequest, pk: int, act: str) -> HttpResponse:
    """Uphold (hiding the note) or dismiss a flag on a note outside any debate: staff."""
    flag = get_object_or_404(
        Flag.objects.select_related("annotation"),
        pk=pk,
        annotation__isnull=False,
        annotation__debate__isnull=True,
    )
    reason = request.POST.get("reason", "")
    try:
        if act == "uphold":
            services.flag_uphold(flag=flag, actor=request.user, reason=reason, hide_note=True)
            done = "Flag upheld; the note is hidden."
        elif act == "dismiss":
            services.flag_dismiss(flag=flag, actor=request.user, reason=reason)
            done = "Flag dismissed."
        else:
            raise Http404("No such act.")
    except DOMAIN_ERRORS as error:
        messages.error(request, " ".join(_refusal(error)))
    else:
        messages.success(request, done)
    return redirect(f"{reverse('debates:queue_all')}#site-flags")


# --- acts on queue items -----------------------------------------------------------------


def _load_claim(debate: Debate, pk: int) -> Claim:
    return get_object_or_404(Claim.objects.select_related("author", "parent"), debate=debate, pk=pk)


def _load_edit(debate: Debate, pk: int) -> ClaimEdit:
    return get_object_or_404(
        ClaimEdit.objects.select_related("claim", "author"), claim__debate=debate, pk=pk
    )


def _load_evidence(debate: Debate, pk: int) -> Evidence:
    return get_object_or_404(
        Evidence.objects.select_related("claim", "author", "passage__anchor", "passage__source"),
        claim__debate=debate,
        pk=pk,
    )


def _load_flag(debate: Debate, pk: int) -> Flag:
    return get_object_or_404(
        Flag.objects.select_related(
            "claim", "annotation__anchor", "annotation__author", "created_by"
        )
        .filter(Q(claim__debate=debate) | Q(annotation__debate=debate))
        # A note its author has since made private is no longer anyone else's business.
        .exclude(annotation__visibility=Annotation.Visibility.PRIVATE),
        pk=pk,
    )


@dataclass(frozen=True)
class Act:
    """One thing a moderator can do to one kind of queue item."""

    title: str  # the form page's heading and button
    load: Callable
    form: Callable  # (data, obj) -> Form
    run: Callable  # (obj, actor, cleaned_data) -> None
    done: str  # the outcome line; "{text}" is the item's short text
    danger: bool = False
    searchable: bool = False  # its form takes `query`, the picker's search (?q=)


def _plain(form_class):
    return lambda data, obj: form_class(data)


def _claim_text(obj) -> str:
    claim = obj if isinstance(obj, Claim) else obj.claim
    return str(claim)


ACTS: dict[tuple[str, str], Act] = {
    ("claim", "approve"): Act(
        "Approve this claim",
        _load_claim,
        _plain(NoteForm),
        lambda obj, actor, data: services.claim_approve(
            claim=obj, actor=actor, reason=data["reason"]
        ),
        "Approved and published: {text}",
    ),
    ("claim", "edit"): Act(
        "Edit, then approve",
        _load_claim,
        lambda data, obj: EditApproveForm(data, initial={"text": obj.text}),
        lambda obj, actor, data: services.claim_approve(
            claim=obj, actor=actor, text=data["text"], reason=data["reason"]
        ),
        "Edited and published: {text}",
    ),
    ("claim", "reject"): Act(
        "Reject this claim",
        _load_claim,
        _plain(ReasonForm),
        lambda obj, actor, data: services.claim_reject(
            claim=obj, actor=actor, reason=data["reason"]
        ),
        "Rejected: {text}",
        danger=True,
    ),
    ("claim", "merge"): Act(
        "Merge as a duplicate",
        _load_claim,
        # The claim picker: the closest claims first, `query` (?q=) searching the rest.
        lambda data, obj, query="": MergeForm(
            data,
            targets=selectors.merge_targets(claim=obj),
            picker=merge_picker(
                obj,
                query=query,
                selected=as_int((data or {}).get("target")),
                search_form=f"merge-{obj.pk}-search",
            ),
        ),
        lambda obj, actor, data: services.claim_merge(
            claim=obj, target=data["target"], actor=actor, reason=data["reason"]
        ),
        "Merged as a duplicate: {text}",
        searchable=True,
    ),
    ("edit", "approve"): Act(
        "Approve this edit",
        _load_edit,
        _plain(NoteForm),
        lambda obj, actor, data: services.claim_edit_approve(edit=obj, actor=actor),
        "Edit approved: {text}",
    ),
    ("edit", "edit"): Act(
        "Edit, then approve",
        _load_edit,
        lambda data, obj: EditApproveForm(data, initial={"text": obj.text}),
        lambda obj, actor, data: services.claim_edit_approve(
            edit=obj, actor=actor, text=data["text"]
        ),
        "Edit approved with your changes: {text}",
    ),
    ("edit", "reject"): Act(
        "Reject this edit",
        _load_edit,
        _plain(ReasonForm),
        lambda obj, actor, data: services.claim_edit_reject(
            edit=obj, actor=actor, reason=data["reason"]
        ),
        "Edit rejected; the claim keeps its text: {text}",
        danger=True,
    ),
    ("evidence", "approve"): Act(
        "Approve this evidence",
        _load_evidence,
        _plain(NoteForm),
        lambda obj, actor, data: services.evidence_approve(evidence=obj, actor=actor),
        "Evidence approved for: {text}",
    ),
    ("evidence", "reject"): Act(
        "Reject this evidence",
        _load_evidence,
        _plain(ReasonForm),
        lambda obj, actor, data: services.evidence_reject(
            evidence=obj, actor=actor, reason=data["reason"]
        ),
        "Evidence rejected for: {text}",
        danger=True,
    ),
    ("flag", "uphold"): Act(
        "Uphold this flag",
        _load_flag,
        lambda data, obj: FlagResolveForm(data, flag=obj),
        lambda obj, actor, data: services.flag_uphold(
            flag=obj,
            actor=actor,
            reason=data["reason"],
            hide_note=data.get("hide_note", False),
            reject_claim=data.get("reject_claim", False),
        ),
        "Flag upheld.",
    ),
    ("flag", "dismiss"): Act(
        "Dismiss this flag",
        _load_flag,
        _plain(NoteForm),
        lambda obj, actor, data: services.flag_dismiss(
            flag=obj, actor=actor, reason=data["reason"]
        ),
        "Flag dismissed.",
    ),
}


def _item_text(kind: str, obj) -> str:
    if kind in ("claim", "edit", "evidence"):
        return _claim_text(obj)
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def queue_act(request: HttpRequest, slug: str, kind: str, pk: int, act: str) -> HttpResponse:
    posted = request.method == "POST"
    # The form is the reviewers' page; a POST is refused (403) by the service itself.
    debate = _debate_for(request, slug) if posted else _moderated_debate(request, slug)
    spec = ACTS.get((kind, act))
    if spec is None:
        raise Http404("No such moderation action.")
    obj = spec.load(debate, pk)
    queue_url = reverse("debates:queue", args=[debate.slug])
    data = request.POST if request.method == "POST" else None
    if spec.searchable:
        form = spec.form(data, obj, query=query_of(request))
    else:
        form = spec.form(data, obj)
    # Several forms can be open in one queue page: keep their ids apart.
    form.auto_id = f"id_{kind}{obj.pk}_{act}_%s"
    status = 400 if posted else 200
    if posted and form.is_valid():
        try:
            result = spec.run(obj, request.user, form.cleaned_data)
        except DOMAIN_ERRORS as error:
            form.add_error(None, _refusal(error))
            status = form_status(error)
        else:
            # What the service returns reads as it is now ("edit, then approve" changed
            # the text); `obj` is as it was loaded.
            shown = result if isinstance(result, type(obj)) else obj
            done = spec.done.format(text=_item_text(kind, shown))
            if request.htmx:
                response = render(
                    request,
                    "debates/moderation/act.html#outcome",
                    {"debate": debate, "done": done, "kind": kind, "obj": obj},
                )
                return reswap(retarget(response, f"#item-{kind}-{obj.pk}"), "outerHTML")
            messages.success(request, done)
            return redirect(_next_url(request, queue_url))
    if posted:
        _require_reviewer(request, debate)  # the form again, with its errors
    context = {
        "debate": debate,
        "spec": spec,
        "kind": kind,
        "act": act,
        "obj": obj,
        "form": form,
        "next": _next_url(request, queue_url),
        "action_url": request.path,
    }
    if kind == "edit":
        context["diff"] = word_diff(obj.claim.text, obj.text)
    template = "debates/moderation/act.html"
    if request.htmx:
        template += "#act-form"
    return render(request, template, context, status=status)


# --- flagging a claim --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def claim_flag(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    debate = _debate_for(request, slug)
    claim = _claim_for(request, debate, pk)
    form = ClaimFlagForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_add(
                actor=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                claim=claim,
            )
        except DOMAIN_ERRORS as error:
            form.add_error(None, _refusal(error))
        else:
            done = "Thank you: the moderators will look at this claim."
            if request.htmx:
                return render(
                    request, "debates/moderation/flag.html#flagged", {"done": done, "claim": claim}
                )
            messages.success(request, done)
            return redirect(_next_url(request, claim.get_absolute_url()))
    # Showing the form (on POST the service asked the policy).
    if not policy.can_flag(request.user, debate):
        raise PermissionDenied("You cannot flag claims in this debate.")
    template = "debates/moderation/flag.html" + ("#flag-form" if request.htmx else "")
    return render(
        request,
        template,
        {"debate": debate, "claim": claim, "form": form},
        status=400 if form.errors else 200,
    )


# --- the audit log -----------------------------------------------------------------------


@login_required
def audit_log(request: HttpRequest, slug: str) -> HttpResponse:
    debate = _debate_for(request, slug)
    if not policy.can_view_audit(request.user, debate):
        raise PermissionDenied("Only this debate's owner and moderators can read its audit log.")
    entries = AuditEntry.objects.filter(debate=debate)
    actor_ids = entries.exclude(actor=None).values("actor")
    people = get_user_model().objects.filter(pk__in=actor_ids).order_by("username")
    form = AuditFilterForm(request.GET or None, people=people)
    filters = {}
    if form.is_valid():
        if form.cleaned_data["action"]:
            entries = entries.filter(action=form.cleaned_data["action"])
            filters["action"] = form.cleaned_data["action"]
        if form.cleaned_data["person"]:
            entries = entries.filter(actor__username=form.cleaned_data["person"])
            filters["person"] = form.cleaned_data["person"]
    entries = entries.select_related("actor", "claim", "annotation__anchor", "evidence")
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    return render(
        request,
        "debates/moderation/audit.html",
        {
            "debate": debate,
            "page": page,
            "form": form,
            "filter_query": query,
            "is_filtered": bool(filters),
            "can": {"moderate": True, "audit": True, "manage": _can_manage(request, debate)},
        },
        status=400 if form.errors else 200,
    )


# --- debate settings and members ---------------------------------------------------------


def _require_manager(request: HttpRequest, debate: Debate) -> None:
    """The settings page and its pieces are the owner's; the writes behind its forms ask
    the policy themselves, so only what shows the page calls this."""
    if not policy.can_manage_debate(request.user, debate):
        raise PermissionDenied("Only the debate's owner can change its settings and members.")


def _settings_page(
    request: HttpRequest,
    debate: Debate,
    *,
    settings_form=None,
    add_form=None,
    status: int = 200,
    partial: str = "",
) -> HttpResponse:
    _require_manager(request, debate)
    if settings_form is None:
        settings_form = DebateSettingsForm(instance=debate, prefix="settings")
    members = list(
        Membership.objects.filter(debate=debate).select_related("user").order_by("user__username")
    )
    if not any(m.user_id == debate.owner_id for m in members):
        members.insert(0, Membership(debate=debate, user=debate.owner, role="owner"))
    context = {
        "debate": debate,
        "settings_form": settings_form,
        "add_form": add_form or MemberAddForm(prefix="member"),
        "members": members,
        "roles": services.MEMBER_ROLES,
        "can": {"moderate": True, "audit": True, "manage": True},
    }
    template = "debates/moderation/settings.html" + (f"#{partial}" if partial else "")
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def debate_settings(request: HttpRequest, slug: str) -> HttpResponse:
    debate = _debate_for(request, slug)
    if request.method == "GET":
        return _settings_page(request, debate)
    # Bound to a copy so a refused change does not leave the page showing unsaved values.
    form = DebateSettingsForm(
        request.POST, instance=Debate.objects.get(pk=debate.pk), prefix="settings"
    )
    if form.is_valid():
        try:
            services.debate_update(
                debate=debate,
                actor=request.user,
                **{name: form.cleaned_data[name] for name in services.SETTING_FIELDS},
            )
        except DOMAIN_ERRORS as error:
            form.add_error(None, _refusal(error))
        else:
            messages.success(request, "The debate's settings are saved.")
            url = reverse("debates:debate_settings", args=[debate.slug])
            # The title and the tabs above the form may have changed: load the page again.
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    partial = "settings-form" if request.htmx else ""
    return _settings_page(request, debate, settings_form=form, status=400, partial=partial)


@login_required
@require_POST
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    debate = _debate_for(request, slug)
    form = MemberAddForm(request.POST, prefix="member")
    if form.is_valid():
        user = form.cleaned_data["user"]
        try:
            services.member_set(
                debate=debate, actor=request.user, user=user, role=form.cleaned_data["role"]
            )
        except DOMAIN_ERRORS as error:
            form.add_error(None, _refusal(error))
        else:
            messages.success(request, f"{user.public_name} is now {form.cleaned_data['role']}.")
            return _members_done(request, debate)
    partial = "members" if request.htmx else ""
    return _settings_page(request, debate, add_form=form, status=400, partial=partial)


def _members_done(request: HttpRequest, debate: Debate) -> HttpResponse:
    if request.htmx:
        return _settings_page(request, debate, partial="members")
    return redirect(reverse("debates:debate_settings", args=[debate.slug]) + "#members")


def _members_refused(request: HttpRequest, debate: Debate, error: BaseException) -> HttpResponse:
    """A refused change of role or membership, told on the members list."""
    said = _refusal(error)
    # The list is the owner's: say nothing on it to anyone else.
    _require_manager(request, debate)
    messages.error(request, " ".join(said))
    if request.htmx:
        return _settings_page(request, debate, partial="members", status=400)
    return redirect(reverse("debates:debate_settings", args=[debate.slug]) + "#members")


def _member_user(debate: Debate, user_id: int):
    return get_object_or_404(get_user_model(), pk=user_id)


@login_required
@require_POST
def member_role(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    debate = _debate_for(request, slug)
    user = _member_user(debate, user_id)
    form = MemberRoleForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Choose moderator, contributor, viewer or reader.")
        services.member_set(
            debate=debate,
            actor=request.user,
            user=user,
            role=form.cleaned_data["role"],
            require_existing=True,
        )
    except DOMAIN_ERRORS as error:
        return _members_refused(request, debate, error)
    messages.success(request, f"{user.public_name} is now {form.cleaned_data['role']}.")
    return _members_done(request, debate)


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    debate = _debate_for(request, slug)
    user = _member_user(debate, user_id)
    try:
        services.member_remove(debate=debate, actor=request.user, user=user)
    except DOMAIN_ERRORS as error:
        return _members_refused(request, debate, error)
    messages.success(request, f"{user.public_name} is no longer a member.")
    return _members_done(request, debate)


# --- notifications -----------------------------------------------------------------------


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    items = notifications_of(request.user)  # with actors' pseudonyms, if any
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    name_actors(page)
    return render(
        request,
        "debates/moderation/notifications.html",
        {"page": page, "has_unread": any(n.read_at is None for n in page)},
    )


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_read_all(actor=request.user)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
    return redirect("debates:notifications")


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    # Someone else's notification is 404: its existence is theirs.
    notification = get_object_or_404(request.user.notifications, pk=pk)
    services.notification_read(actor=request.user, notification=notification)
    target = notification.url or reverse("debates:notifications")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("debates:notifications")
    return redirect(target)

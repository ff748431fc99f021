"""Moderation: the review queue, what moderators do to what is in it, debate settings and
members, and the reader's side of notifications.

Every act asks `policy` first (PermissionDenied), validates (ValidationError with a message a
person can act on), writes in one transaction with `.save()` so django-simple-history keeps
each step, then writes the audit log and tells the people concerned (`audit.notify`, which
stays quiet when someone acts on their own contribution).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, Func, IntegerField, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from . import audit, editing, policy, services
from .models import (
    Annotation,
    AuditEntry,
    Claim,
    ClaimEdit,
    ClaimLink,
    Debate,
    Evidence,
    Flag,
    Membership,
    Notification,
)

Action = AuditEntry.Action
Verb = Notification.Verb


def _quote(text: str, words: int = 12) -> str:
    parts = text.split()
    short = " ".join(parts[:words])
    return f"“{short}{'…' if len(parts) > words else ''}”"


def _claim_url(claim: Claim, debate: Debate) -> str:
    return reverse("debates:claim", args=[debate.slug, claim.pk])


def _record_and_notify(
    *,
    debate: Debate,
    actor,
    action: str,
    claim: Claim,
    summary: str,
    recipient,
    verb: str,
    message: str,
    reason: str = "",
    evidence: Evidence | None = None,
    url: str = "",
) -> None:
    """Write the act to the debate's audit log, then tell `recipient` (linking to the
    claim's page unless `url` says otherwise)."""
    audit.record(
        debate=debate,
        actor=actor,
        action=action,
        claim=claim,
        evidence=evidence,
        summary=summary,
        reason=reason,
    )
    audit.notify(
        recipient=recipient,
        actor=actor,
        verb=verb,
        debate=debate,
        url=url or _claim_url(claim, debate),
        message=message,
    )


def _require_moderator(user, debate: Debate) -> None:
    if not policy.can_moderate(user, debate):
        raise PermissionDenied("Only this debate's owner and moderators can do that.")


def _require_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(f"Give a reason for {what}; its author will read it.")
    return reason


# --- the queue (reads) -------------------------------------------------------------------


@dataclass
class QueueClaim:
    claim: Claim
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class QueueEdit:
    edit: ClaimEdit
    diff: SafeString  # editing.word_diff: <del>/<ins> marked, escaped

    @property
    def is_stale(self) -> bool:
        """The claim changed since the edit was written; approving it as is would undo that."""
        return self.edit.claim.version != self.edit.base_version


@dataclass
class DebateQueue:
    debate: Debate
    claims: list[QueueClaim] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    edits: list[QueueEdit] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.claims) + len(self.evidence) + len(self.edits) + len(self.flags)


def moderation_queue(*, debates) -> list[DebateQueue]:
    """What waits for review in `debates` (a list or queryset), grouped by debate.

    Five queries whatever the queue's size: the debates, proposed claims, evidence (proposed,
    or on a proposed claim), pending edits and open flags, each with what it shows joined in.
    """
    debates = list(debates)
    queues = {d.pk: DebateQueue(debate=d) for d in debates}
    ids = list(queues)
    claims = (
        Claim.objects.filter(debate__in=ids, status=Claim.Status.PROPOSED, deleted_at__isnull=True)
        .select_related("author", "parent")
        .order_by("created_at", "pk")
    )
    by_claim: dict[int, QueueClaim] = {}
    for claim in claims:
        item = QueueClaim(claim=claim)
        by_claim[claim.pk] = item
        queues[claim.debate_id].claims.append(item)
    evidence = (
        Evidence.objects.filter(
            claim__debate__in=ids, claim__deleted_at__isnull=True, deleted_at__isnull=True
        )
        .filter(
            Q(status=Evidence.Status.PROPOSED, claim__status=Claim.Status.PUBLISHED)
            | Q(claim__status=Claim.Status.PROPOSED)
        )
        .select_related("claim", "author", "passage__anchor", "passage__source")
        .order_by("created_at", "pk")
    )
    for item in evidence:
        if item.claim.status == Claim.Status.PROPOSED:
            if item.claim_id in by_claim:
                by_claim[item.claim_id].evidence.append(item)
        elif item.status == Evidence.Status.PROPOSED:
            queues[item.claim.debate_id].evidence.append(item)
    edits = (
        ClaimEdit.objects.filter(
            claim__debate__in=ids, claim__deleted_at__isnull=True, status=ClaimEdit.Status.PROPOSED
        )
        .select_related("claim", "author")
        .order_by("created_at", "pk")
    )
    for edit in edits:
        queues[edit.claim.debate_id].edits.append(
            QueueEdit(edit=edit, diff=editing.word_diff(edit.claim.text, edit.text))
        )
    flags = (
        Flag.objects.filter(status=Flag.Status.OPEN)
        .filter(Q(claim__debate__in=ids) | Q(annotation__debate__in=ids))
        .exclude(annotation__visibility=Annotation.Visibility.PRIVATE)
        .select_related("claim", "annotation__anchor", "annotation__author", "created_by")
        .order_by("created_at", "pk")
    )
    for flag in flags:
        debate_id = flag.claim.debate_id if flag.claim_id else flag.annotation.debate_id
        queues[debate_id].flags.append(flag)
    return list(queues.values())


def site_flags(*, user) -> list[Flag]:
    """Open flags on notes that belong to no debate (public notes on a source): no debate's
    moderators see them, so they are site staff's. Empty for everyone else."""
    if not (user.is_authenticated and user.is_staff):
        return []
    return list(
        Flag.objects.filter(
            status=Flag.Status.OPEN, annotation__isnull=False, annotation__debate__isnull=True
        )
        .exclude(annotation__visibility=Annotation.Visibility.PRIVATE)
        .select_related("annotation__anchor", "annotation__author", "created_by")
        .order_by("created_at", "pk")
    )


def moderated_debates(*, user):
    return Debate.objects.filter(policy.moderated_debates_q(user)).order_by("title", "pk")


def _count(queryset) -> Subquery:
    """A scalar subquery counting `queryset`'s rows (0 when there are none)."""
    counted = (
        queryset.order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(n=Func(F("pk"), function="COUNT"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def header_counts(*, user) -> dict:
    """For the page header, in one query: unread notifications, whether the user moderates
    any debate, and how many items wait in the queues of the debates they moderate."""
    from django.contrib.auth import get_user_model

    debates = Debate.objects.filter(policy.moderated_debates_q(user)).values("pk")
    live_claims = {"claim__deleted_at__isnull": True, "claim__debate__in": debates}
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            n_unread=_count(Notification.objects.filter(recipient=user, read_at__isnull=True)),
            n_moderates=Exists(debates),
            n_claims=_count(
                Claim.objects.filter(
                    debate__in=debates, status=Claim.Status.PROPOSED, deleted_at__isnull=True
                )
            ),
            n_evidence=_count(
                Evidence.objects.filter(
                    status=Evidence.Status.PROPOSED,
                    deleted_at__isnull=True,
                    claim__status=Claim.Status.PUBLISHED,
                    **live_claims,
                )
            ),
            n_edits=_count(
                ClaimEdit.objects.filter(status=ClaimEdit.Status.PROPOSED, **live_claims)
            ),
            n_flags=_count(
                Flag.objects.filter(status=Flag.Status.OPEN)
                .filter(Q(claim__debate__in=debates) | Q(annotation__debate__in=debates))
                .exclude(annotation__visibility=Annotation.Visibility.PRIVATE)
            ),
        )
        .values("n_unread", "n_moderates", "n_claims", "n_evidence", "n_edits", "n_flags")
        .first()
    )
    if row is None:
        return {"unread": 0, "moderates": False, "pending": 0}
    pending = row["n_claims"] + row["n_evidence"] + row["n_edits"] + row["n_flags"]
    return {"unread": row["n_unread"], "moderates": bool(row["n_moderates"]), "pending": pending}


# --- claims ------------------------------------------------------------------------------


def _check_proposed(claim: Claim) -> None:
    if claim.deleted_at is not None:
        raise ValidationError("This claim was deleted.")
    if claim.status != Claim.Status.PROPOSED:
        raise ValidationError(
            f"This claim is {claim.get_status_display()}, not waiting for review any more."
        )


@transaction.atomic
def claim_approve(*, claim: Claim, actor, text: str | None = None, reason: str = "") -> Claim:
    """Publish a proposed claim with the evidence its author proposed with it.

    With `text`, the moderator edits it first (edit then approve): the edit is the claim's
    next version, so its history shows what the author wrote and what was published.
    """
    debate = claim.debate
    _require_moderator(actor, debate)
    claim = (
        Claim.objects.select_for_update(of=("self",))
        .select_related("parent", "author")
        .get(pk=claim.pk)
    )
    _check_proposed(claim)
    parent = claim.parent
    if parent is not None and (
        parent.status != Claim.Status.PUBLISHED or parent.deleted_at is not None
    ):
        raise ValidationError(
            "Its parent claim is not published; approve or merge the parent first."
        )
    url = _claim_url(claim, debate)
    edited = text is not None and text.strip() != claim.text
    if edited:
        text = text.strip()
        if not text:
            raise ValidationError("A claim needs some text.")
        editing.claim_text_save(
            claim=claim,
            debate=debate,
            actor=actor,
            text=text,
            action=Action.CLAIM_EDITED,
            summary=f"{_quote(claim.text)} → {_quote(text)} before approving it",
            reason=reason,
            message=f"A moderator edited your claim {_quote(claim.text)} in “{debate.title}”.",
        )
    claim.status = Claim.Status.PUBLISHED
    claim.status_reason = ""
    claim.save()
    approved_evidence = 0
    for evidence in claim.evidence.filter(
        status=Evidence.Status.PROPOSED, deleted_at__isnull=True, author_id=claim.author_id
    ):
        evidence.status = Evidence.Status.PUBLISHED
        evidence.save()
        services.evidence_source_join(claim=claim, passage=evidence.passage)
        approved_evidence += 1
    with_evidence = (
        f" with {approved_evidence} evidence link{'s' if approved_evidence != 1 else ''}"
        if approved_evidence
        else ""
    )
    _record_and_notify(
        debate=debate,
        actor=actor,
        action=Action.CLAIM_APPROVED,
        claim=claim,
        summary=f"{_quote(claim.text)}{with_evidence}",
        reason=reason,
        recipient=claim.author,
        verb=Verb.APPROVED,
        message=f"Your {claim.kind} {_quote(claim.text)} is approved and published in "
        f"“{debate.title}”.",
    )
    if parent is not None and parent.author_id not in (None, claim.author_id):
        audit.notify(
            recipient=parent.author,
            actor=actor,
            verb=Verb.ANSWERED,
            debate=debate,
            url=url,
            message=f"A new {claim.kind} {claim.relation} your claim {_quote(parent.text, 8)}: "
            f"{_quote(claim.text)}.",
        )
    return claim


@transaction.atomic
def claim_reject(*, claim: Claim, actor, reason: str) -> Claim:
    """Reject a proposed claim (and the evidence proposed with it); the reason is kept on
    the claim, where its author reads it, and sent to them."""
    debate = claim.debate
    _require_moderator(actor, debate)
    reason = _require_reason(reason, "rejecting a claim")
    claim = Claim.objects.select_for_update(of=("self",)).select_related("author").get(pk=claim.pk)
    _check_proposed(claim)
    if claim.children.filter(deleted_at__isnull=True, status=Claim.Status.PROPOSED).exists():
        raise ValidationError(
            "Replies to this claim are waiting for review; reject or merge them first."
        )
    claim.status = Claim.Status.REJECTED
    claim.status_reason = reason
    claim.save()
    for evidence in claim.evidence.filter(status=Evidence.Status.PROPOSED, deleted_at__isnull=True):
        evidence.status = Evidence.Status.REJECTED
        evidence.save()
    _record_and_notify(
        debate=debate,
        actor=actor,
        action=Action.CLAIM_REJECTED,
        claim=claim,
        summary=_quote(claim.text),
        reason=reason,
        recipient=claim.author,
        verb=Verb.REJECTED,
        message=f"Your {claim.kind} {_quote(claim.text)} in “{debate.title}” was rejected: "
        f"{reason}",
    )
    return claim


def merge_targets(*, claim: Claim):
    """Claims `claim` may be merged into: published, same debate, same kind, not itself or
    below it."""
    excluded = editing.subtree_ids(claim)
    return (
        Claim.objects.published()
        .filter(debate_id=claim.debate_id, kind=claim.kind)
        .exclude(pk__in=excluded)
        .order_by("order", "pk")
    )


@transaction.atomic
def claim_merge(*, claim: Claim, target: Claim, actor, reason: str = "") -> Claim:
    """Merge a duplicate into `target`: its replies, evidence and cross-links move over.

    A passage the target already cites is not cited twice: that evidence is detached
    (soft-deleted, so it can be restored). A cross-link that would repeat one the target
    has, or link the target to itself, is removed. The duplicate stays, marked merged, so
    its history and its author's notification still lead somewhere.
    """
    debate = claim.debate
    _require_moderator(actor, debate)
    claim = Claim.objects.select_for_update(of=("self",)).select_related("author").get(pk=claim.pk)
    if claim.deleted_at is not None or claim.status not in (
        Claim.Status.PROPOSED,
        Claim.Status.PUBLISHED,
    ):
        raise ValidationError(f"This claim is {claim.get_status_display()}; it cannot be merged.")
    if target.debate_id != claim.debate_id:
        raise ValidationError("A claim can only be merged into a claim of the same debate.")
    if target.pk == claim.pk:
        raise ValidationError("A claim cannot be merged into itself.")
    if target.kind != claim.kind:
        raise ValidationError(
            f"A {claim.kind} can only be merged into another {claim.kind}, not an {target.kind}."
            if target.kind[0] in "aeiou"
            else f"A {claim.kind} can only be merged into another {claim.kind}, "
            f"not a {target.kind}."
        )
    if target.status != Claim.Status.PUBLISHED or target.deleted_at is not None:
        raise ValidationError("Merge into a published claim.")
    if target.pk in editing.subtree_ids(claim):
        raise ValidationError("A claim cannot be merged into one of its own replies.")
    now = timezone.now()
    next_order = max(target.children.values_list("order", flat=True), default=0) + 1
    moved_children = 0
    for child in claim.children.order_by("order", "pk"):
        child.parent = target
        child.order = next_order
        next_order += 1
        child.save()
        moved_children += 1
    cited = set(
        target.evidence.filter(deleted_at__isnull=True).values_list("passage_id", flat=True)
    )
    moved_evidence = 0
    for evidence in claim.evidence.filter(deleted_at__isnull=True).order_by("pk"):
        if evidence.passage_id in cited:
            evidence.deleted_at = now
        else:
            evidence.claim = target
            cited.add(evidence.passage_id)
            moved_evidence += 1
        evidence.save()
    for link in ClaimLink.objects.filter(Q(parent=claim) | Q(claim=claim)):
        new_claim = target if link.claim_id == claim.pk else link.claim
        new_parent = target if link.parent_id == claim.pk else link.parent
        clash = ClaimLink.objects.filter(claim=new_claim, parent=new_parent).exclude(pk=link.pk)
        if new_claim.pk == new_parent.pk or new_claim.parent_id == new_parent.pk or clash.exists():
            link.delete()
        else:
            link.claim, link.parent = new_claim, new_parent
            link.save()
    for edit in claim.edits.filter(status=ClaimEdit.Status.PROPOSED):
        edit.status = ClaimEdit.Status.WITHDRAWN
        edit.reason = "The claim was merged into another one."
        edit.reviewed_by, edit.reviewed_at = actor, now
        edit.save()
    claim.status = Claim.Status.MERGED
    claim.merged_into = target
    claim.status_reason = reason.strip() or f"A duplicate of {_quote(target.text)}."
    claim.save()
    _record_and_notify(
        debate=debate,
        actor=actor,
        action=Action.CLAIM_MERGED,
        claim=claim,
        summary=f"{_quote(claim.text)} into {_quote(target.text)} ({moved_children} "
        f"repl{'y' if moved_children == 1 else 'ies'}, {moved_evidence} evidence moved)",
        reason=reason,
        recipient=claim.author,
        verb=Verb.MERGED,
        message=f"Your {claim.kind} {_quote(claim.text)} was merged as a duplicate into "
        f"{_quote(target.text)} in “{debate.title}”.",
        url=_claim_url(target, debate),
    )
    return claim


# --- pending edits of published claims ---------------------------------------------------


def _check_pending_edit(edit: ClaimEdit) -> None:
    if edit.status != ClaimEdit.Status.PROPOSED:
        raise ValidationError(f"This edit is {edit.get_status_display()} already.")
    if edit.claim.deleted_at is not None or edit.claim.status != Claim.Status.PUBLISHED:
        raise ValidationError("The claim this edit is for is no longer published.")


@transaction.atomic
def claim_edit_approve(*, edit: ClaimEdit, actor, text: str | None = None) -> ClaimEdit:
    """Apply a pending edit as the claim's next version.

    Only if nobody changed the claim since the edit was written: otherwise approving would
    silently undo the later change. With `text` (edit then approve) the moderator has seen
    the current text and writes the result, so the version check is theirs to make.
    """
    claim = Claim.objects.select_for_update(of=("self",)).get(pk=edit.claim_id)
    debate = claim.debate
    _require_moderator(actor, debate)
    edit = ClaimEdit.objects.select_related("author").get(pk=edit.pk)
    edit.claim = claim
    _check_pending_edit(edit)
    if text is None:
        if claim.version != edit.base_version:
            raise ValidationError(
                f"The claim changed since this edit was written (it was version "
                f"{edit.base_version}, it is now version {claim.version}). Use “edit then "
                "approve” to fold the edit into the current text, or reject it."
            )
        new_text = edit.text
    else:
        new_text = text.strip()
        if not new_text:
            raise ValidationError("A claim needs some text.")
    old = claim.text
    changed = " (edited by the moderator)" if text is not None and new_text != edit.text else ""
    # The edit's author is told below, as an approval; no "edited" notice to the claim's.
    editing.claim_text_save(
        claim=claim,
        debate=debate,
        actor=actor,
        text=new_text,
        action=Action.EDIT_APPROVED,
        summary=f"{_quote(old)} → {_quote(new_text)}{changed}, now version {claim.version + 1}",
    )
    edit.status = ClaimEdit.Status.APPROVED
    edit.reviewed_by, edit.reviewed_at = actor, timezone.now()
    edit.save()
    url = _claim_url(claim, debate)
    if changed:
        audit.notify(
            recipient=edit.author,
            actor=actor,
            verb=Verb.EDITED,
            debate=debate,
            url=url,
            message=f"A moderator adjusted your edit of {_quote(old)} before approving it.",
        )
    audit.notify(
        recipient=edit.author,
        actor=actor,
        verb=Verb.APPROVED,
        debate=debate,
        url=url,
        message=f"Your edit of {_quote(old)} in “{debate.title}” is approved.",
    )
    return edit


@transaction.atomic
def claim_edit_reject(*, edit: ClaimEdit, actor, reason: str) -> ClaimEdit:
    debate = edit.claim.debate
    _require_moderator(actor, debate)
    reason = _require_reason(reason, "rejecting an edit")
    edit = (
        ClaimEdit.objects.select_for_update(of=("self",))
        .select_related("claim", "author")
        .get(pk=edit.pk)
    )
    if edit.status != ClaimEdit.Status.PROPOSED:
        raise ValidationError(f"This edit is {edit.get_status_display()} already.")
    edit.status = ClaimEdit.Status.REJECTED
    edit.reason = reason
    edit.reviewed_by, edit.reviewed_at = actor, timezone.now()
    edit.save()
    _record_and_notify(
        debate=debate,
        actor=actor,
        action=Action.EDIT_REJECTED,
        claim=edit.claim,
        summary=f"{_quote(edit.text)} for {_quote(edit.claim.text)}",
        reason=reason,
        recipient=edit.author,
        verb=Verb.REJECTED,
        message=f"Your edit of {_quote(edit.claim.text)} was rejected: {reason}",
    )
    return edit


# --- evidence ----------------------------------------------------------------------------


def _evidence_summary(evidence: Evidence) -> str:
    return f"{_quote(evidence.passage.anchor.exact, 10)} {evidence.relation} " + _quote(
        evidence.claim.text, 8
    )


def _locked_evidence(evidence: Evidence) -> Evidence:
    """The evidence row, locked and freshly read with what its review shows."""
    return (
        Evidence.objects.select_for_update(of=("self",))
        .select_related("claim__debate", "passage__anchor", "author")
        .get(pk=evidence.pk)
    )


@transaction.atomic
def evidence_approve(*, evidence: Evidence, actor) -> Evidence:
    evidence = _locked_evidence(evidence)
    debate = evidence.claim.debate
    _require_moderator(actor, debate)
    if evidence.deleted_at is not None or evidence.status != Evidence.Status.PROPOSED:
        raise ValidationError("This evidence is not waiting for review any more.")
    if evidence.claim.status != Claim.Status.PUBLISHED:
        raise ValidationError("Its claim is not published; review the claim first.")
    evidence.status = Evidence.Status.PUBLISHED
    evidence.save()
    services.evidence_source_join(claim=evidence.claim, passage=evidence.passage)
    _record_and_notify(
        debate=debate,
        actor=actor,
        action=Action.EVIDENCE_APPROVED,
        claim=evidence.claim,
        evidence=evidence,
        summary=_evidence_summary(evidence),
        recipient=evidence.author,
        verb=Verb.APPROVED,
        message=f"Your evidence for {_quote(evidence.claim.text, 8)} is approved.",
    )
    return evidence


@transaction.atomic
def evidence_reject(*, evidence: Evidence, actor, reason: str) -> Evidence:
    evidence = _locked_evidence(evidence)
    debate = evidence.claim.debate
    _require_moderator(actor, debate)
    reason = _require_reason(reason, "rejecting evidence")
    if evidence.deleted_at is not None or evidence.status != Evidence.Status.PROPOSED:
        raise ValidationError("This evidence is not waiting for review any more.")
    evidence.status = Evidence.Status.REJECTED
    evidence.save()
    _record_and_notify(
        debate=debate,
        actor=actor,
        action=Action.EVIDENCE_REJECTED,
        claim=evidence.claim,
        evidence=evidence,
        summary=_evidence_summary(evidence),
        reason=reason,
        recipient=evidence.author,
        verb=Verb.REJECTED,
        message=f"Your evidence for {_quote(evidence.claim.text, 8)} was rejected: {reason}",
    )
    return evidence


# --- flags and annotations ---------------------------------------------------------------


def flag_debate(flag: Flag) -> Debate | None:
    if flag.claim_id:
        return flag.claim.debate
    return flag.annotation.debate


def flag_add(*, actor, reason: str, note: str = "", claim=None, annotation=None) -> Flag:
    """Anyone who may see a claim or note may flag it for the moderators."""
    if claim is not None:
        debate = claim.debate
        if not (policy.can_flag(actor, debate) and policy.can_view_claim(actor, claim, debate)):
            raise PermissionDenied("Log in as someone who can see this debate to flag it.")
    elif annotation is not None:
        if not (actor.is_authenticated and policy.can_view_annotation(actor, annotation)):
            raise PermissionDenied("Log in as someone who can see this note to flag it.")
        if annotation.author_id == actor.pk:
            raise ValidationError("You cannot flag your own note; edit or delete it instead.")
    return services.flag_create(
        author=actor, reason=reason, note=note, claim=claim, annotation=annotation
    )


def _flag_target(flag: Flag) -> str:
    if flag.claim_id:
        return f"claim {_quote(flag.claim.text, 10)}"
    return f"note {_quote(flag.annotation.body or flag.annotation.anchor.exact, 10)}"


def _resolve_flag(*, flag: Flag, actor, status: str, action: str, reason: str) -> Flag:
    flag = (
        Flag.objects.select_for_update(of=("self",))
        .select_related("claim__debate", "annotation__debate", "annotation__anchor")
        .get(pk=flag.pk)
    )
    debate = flag_debate(flag)
    if debate is None:
        # Flags on notes outside any debate belong to site staff.
        if not policy.can_moderate_annotation(actor, flag.annotation):
            raise PermissionDenied("Only site staff can resolve this flag.")
    else:
        _require_moderator(actor, debate)
    if flag.status != Flag.Status.OPEN:
        raise ValidationError(f"This flag was {flag.get_status_display()} already.")
    flag.status = status
    flag.resolved_by, flag.resolved_at = actor, timezone.now()
    flag.save()
    if debate is not None:
        audit.record(
            debate=debate,
            actor=actor,
            action=action,
            flag=flag,
            claim=flag.claim,
            annotation=flag.annotation,
            summary=f"{flag.get_reason_display()} flag on the {_flag_target(flag)}",
            reason=reason.strip(),
        )
    return flag


@transaction.atomic
def flag_uphold(
    *, flag: Flag, actor, reason: str = "", hide_note: bool = False, reject_claim: bool = False
) -> Flag:
    """Agree with a flag; optionally act on it in the same step: hide the flagged note, or
    reject the flagged claim if it is still a proposal (with the reason given)."""
    flag = _resolve_flag(
        flag=flag, actor=actor, status=Flag.Status.UPHELD, action=Action.FLAG_UPHELD, reason=reason
    )
    if hide_note and flag.annotation_id and not flag.annotation.hidden:
        annotation_hide(annotation=flag.annotation, actor=actor, hidden=True, reason=reason)
    if reject_claim and flag.claim_id:
        claim_reject(
            claim=flag.claim,
            actor=actor,
            reason=reason or f"Flagged as {flag.get_reason_display()}.",
        )
    return flag


@transaction.atomic
def flag_dismiss(*, flag: Flag, actor, reason: str = "") -> Flag:
    return _resolve_flag(
        flag=flag,
        actor=actor,
        status=Flag.Status.DISMISSED,
        action=Action.FLAG_DISMISSED,
        reason=reason,
    )


@transaction.atomic
def annotation_hide(
    *, annotation: Annotation, actor, hidden: bool = True, reason: str = ""
) -> Annotation:
    """Hide a note from readers (its author and moderators still see it), or show it again.

    Logged in the debate's audit log; a note outside any debate (staff only) has no debate
    log to go in.
    """
    if not policy.can_moderate_annotation(actor, annotation):
        raise PermissionDenied("Only a moderator can hide or unhide a note.")
    if annotation.hidden == hidden:
        raise ValidationError("This note is hidden already." if hidden else "This note is shown.")
    services.annotation_set_hidden(annotation=annotation, hidden=hidden)
    if annotation.debate_id is not None:
        audit.record(
            debate=annotation.debate,
            actor=actor,
            action=Action.ANNOTATION_HIDDEN if hidden else Action.ANNOTATION_UNHIDDEN,
            annotation=annotation,
            summary=f"note by {annotation.author.public_name}: "
            f"{_quote(annotation.body or annotation.anchor.exact, 10)}",
            reason=reason.strip(),
        )
    return annotation


@transaction.atomic
def annotation_restore(*, annotation: Annotation, actor) -> Annotation:
    """Bring back a note its author deleted; logged in the note's debate, if it has one."""
    if not policy.can_moderate_annotation(actor, annotation):
        raise PermissionDenied("Only a moderator can restore a deleted note.")
    if annotation.deleted_at is None:
        raise ValidationError("This note is not deleted.")
    services.annotation_restore(annotation=annotation)
    if annotation.debate_id is not None:
        audit.record(
            debate=annotation.debate,
            actor=actor,
            action=Action.ANNOTATION_RESTORED,
            annotation=annotation,
            summary=f"note by {annotation.author.public_name}: "
            f"{_quote(annotation.body or annotation.anchor.exact, 10)}",
        )
    return annotation


# --- debate settings and members ---------------------------------------------------------

SETTING_FIELDS = ("title", "description", "visibility", "contribution_mode")
MEMBER_ROLES = [
    (r.value, r.label) for r in Membership.Role if r.value != Membership.Role.OWNER.value
]


def _require_manager(actor, debate: Debate) -> None:
    if not policy.can_manage_debate(actor, debate):
        raise PermissionDenied("Only the debate's owner can change its settings and members.")


@transaction.atomic
def debate_update(*, debate: Debate, actor, reason: str = "", **values) -> Debate:
    """Change a debate's title, description, visibility or contribution mode."""
    _require_manager(actor, debate)
    unknown = set(values) - set(SETTING_FIELDS)
    if unknown:
        raise ValueError(f"Not a debate setting: {', '.join(sorted(unknown))}")
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    if "title" in values and not values["title"]:
        raise ValidationError("A debate needs a title.")
    if values.get("visibility", debate.visibility) not in Debate.Visibility.values:
        raise ValidationError("Choose who may see the debate from the list.")
    if values.get("contribution_mode", debate.contribution_mode) not in Debate.Mode.values:
        raise ValidationError("Choose how people contribute from the list.")
    changes = []
    for name, value in values.items():
        old = getattr(debate, name)
        if old == value:
            continue
        label = Debate._meta.get_field(name).verbose_name
        if name == "description":
            changes.append("description")
        elif name in ("visibility", "contribution_mode"):
            choices = dict(Debate._meta.get_field(name).choices)
            changes.append(f"{label}: {choices[old]} → {choices[value]}")
        else:
            changes.append(f"{label}: “{old}” → “{value}”")
        setattr(debate, name, value)
    if not changes:
        return debate
    debate.save()
    audit.record(
        debate=debate,
        actor=actor,
        action=Action.SETTINGS_CHANGED,
        summary="; ".join(changes),
        reason=reason,
    )
    return debate


@transaction.atomic
def member_set(
    *, debate: Debate, actor, user, role: str, require_existing: bool = False
) -> Membership:
    """Add `user` to the debate with `role`, or change their role (only an existing
    member's, with `require_existing`). The owner's row is fixed."""
    _require_manager(actor, debate)
    if role not in dict(MEMBER_ROLES):
        raise ValidationError(
            f"“{role}” is not a role you can give; choose moderator, contributor or viewer."
        )
    if user.pk == debate.owner_id:
        raise ValidationError(f"{user.public_name} owns this debate; the owner's role is fixed.")
    old = (
        Membership.objects.select_for_update()
        .filter(debate=debate, user=user)
        .values_list("role", flat=True)
    )
    old_role = old.first()
    if old_role is None and require_existing:
        raise ValidationError(f"{user.public_name} is not a member; add them first.")
    if old_role == role:
        raise ValidationError(f"{user.public_name} is {role} already.")
    membership = services.membership_set(debate=debate, user=user, role=role)
    summary = (
        f"{user.public_name} ({user.username}): {old_role} → {role}"
        if old_role
        else f"added {user.public_name} ({user.username}) as {role}"
    )
    audit.record(debate=debate, actor=actor, action=Action.MEMBER_CHANGED, summary=summary)
    return membership


@transaction.atomic
def member_remove(*, debate: Debate, actor, user) -> None:
    _require_manager(actor, debate)
    if user.pk == debate.owner_id:
        raise ValidationError("The owner cannot be removed from their own debate.")
    membership = Membership.objects.filter(debate=debate, user=user).first()
    if membership is None:
        raise ValidationError(f"{user.public_name} is not a member of this debate.")
    membership.delete()
    audit.record(
        debate=debate,
        actor=actor,
        action=Action.MEMBER_REMOVED,
        summary=f"{user.public_name} ({user.username}), who was {membership.role}",
    )


# --- notifications -----------------------------------------------------------------------


def notification_read(*, notification: Notification, user) -> Notification:
    if notification.recipient_id != user.pk:
        raise PermissionDenied("This notification is someone else's.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_read_all(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).aggregate(
        n=Count("pk")
    )["n"]

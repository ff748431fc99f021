"""Claims on a map: add, edit with optimistic locking, reorder, move, cross-link, delete,
restore and revert."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from .. import policy
from ..errors import EditConflict
from ..models import (
    AuditEntry,
    Claim,
    ClaimEdit,
    ClaimLink,
    ClaimVersionRedaction,
    Debate,
    Evidence,
)
from ..models.maps import ALLOWED_PARENTS, PLACE_RULES
from ..selectors.maps import siblings, subtree_ids, visible_children
from . import audit, notifications
from ._base import check_live, check_text, history_user, require, save_as, short

STANCES = {
    Claim.Relation.SUPPORTS: "supports",
    Claim.Relation.OPPOSES: "opposes",
    Claim.Relation.UNDERCUTS: "undercuts",
}


def kind_under(parent: Claim | None) -> Claim.Kind:
    """The kind of claim that answers `parent`: issue at the root, position under an issue,
    argument under anything else."""
    if parent is None:
        return Claim.Kind.ISSUE
    if parent.kind == Claim.Kind.ISSUE:
        return Claim.Kind.POSITION
    return Claim.Kind.ARGUMENT


def check_pending_limit(*, user, debate: Debate) -> None:
    """Refuse a new proposal once `user` has CRUX_MAX_PENDING_PER_DAY of them waiting in
    this debate from the last 24 hours (the setting at 0 turns this off)."""

    from ..models import ClaimEdit

    limit = settings.CRUX_MAX_PENDING_PER_DAY
    if not limit:
        return
    since = timezone.now() - timedelta(days=1)
    pending = (
        Claim.objects.filter(
            debate=debate, author=user, status=Claim.Status.PROPOSED, created_at__gte=since
        ).count()
        + Evidence.objects.filter(
            claim__debate=debate,
            author=user,
            status=Evidence.Status.PROPOSED,
            deleted_at__isnull=True,
            created_at__gte=since,
        ).count()
        + ClaimEdit.objects.filter(
            claim__debate=debate,
            author=user,
            status=ClaimEdit.Status.PROPOSED,
            created_at__gte=since,
        ).count()
    )
    if pending >= limit:
        raise ValidationError(
            f"You have {pending} contributions waiting for review in this debate from the last "
            f"24 hours, the most allowed; please wait until a moderator has looked at them."
        )


def check_claim_place(*, kind: str, parent: Claim | None, relation: str, debate: Debate) -> None:
    """Raise a ValidationError unless a claim of `kind` may stand under `parent` this way."""
    if kind not in ALLOWED_PARENTS:
        raise ValidationError(f"“{kind}” is not a kind of claim.")
    if kind == Claim.Kind.ISSUE:
        if parent is not None or relation:
            raise ValidationError("An issue is the root of a map; it has no parent.")
        return
    if parent is None:
        raise ValidationError(f"A {kind} needs a parent claim.")
    if parent.debate_id != debate.pk:
        raise ValidationError("The parent claim belongs to another debate.")
    if parent.kind not in ALLOWED_PARENTS[kind]:
        raise ValidationError(f"{PLACE_RULES[kind]}, not under an {parent.kind}.")
    if kind == Claim.Kind.POSITION and relation != Claim.Relation.ANSWERS:
        raise ValidationError("A position answers its issue.")
    if kind == Claim.Kind.ARGUMENT and relation not in {
        Claim.Relation.SUPPORTS,
        Claim.Relation.OPPOSES,
        Claim.Relation.UNDERCUTS,
    }:
        raise ValidationError("An argument supports, opposes or undercuts its parent.")


@transaction.atomic
def _claim_insert(
    *,
    debate: Debate,
    kind: str,
    text: str,
    author,
    parent: Claim | None = None,
    relation: str = "",
    status: str = Claim.Status.PROPOSED,
) -> Claim:
    text = text.strip()
    if not text:
        raise ValidationError("A claim needs some text.")
    if kind == Claim.Kind.POSITION and not relation:
        relation = Claim.Relation.ANSWERS
    check_claim_place(kind=kind, parent=parent, relation=relation, debate=debate)
    siblings = Claim.objects.filter(debate=debate, parent=parent)
    order = (siblings.aggregate(m=Max("order"))["m"] or 0) + 1
    claim = Claim(
        debate=debate,
        kind=kind,
        parent=parent,
        relation=relation,
        text=text,
        author=author,
        status=status,
        order=order,
    )
    # simple-history (untyped) reads `_history_user`; the first history row names who wrote it
    cast(Any, claim)._history_user = author
    claim.save(force_insert=True)
    return claim


@transaction.atomic
def claim_add(
    *,
    actor,
    debate: Debate,
    text: str,
    parent: Claim | None = None,
    stance: str = "",
) -> Claim:
    """A new issue (moderators), position under an issue or argument under a position or
    argument with a stance; published or proposed as the person's role and the debate's
    mode decide, and proposals count against the daily pending limit."""
    require(
        policy.can_add_claim(actor, debate, parent),
        "Only moderators start new issues."
        if parent is None
        else "You cannot add claims to this debate.",
    )
    if parent is not None:
        # A classmate's claim withheld from the actor ("see classmates' work after you post")
        # takes no reply from them: as far as they know it is not there.
        require(not policy.claim_withheld(actor, parent, debate), "There is no such claim.")
    status = policy.contribution_status(actor, debate)
    require(status is not None, "You cannot add claims to this debate.")
    text = check_text(text)
    if parent is not None:
        check_live(parent, "The claim you answer")
    kind = kind_under(parent)
    relation = {
        Claim.Kind.ISSUE: "",
        Claim.Kind.POSITION: Claim.Relation.ANSWERS,
    }.get(kind, stance)
    if kind == Claim.Kind.ARGUMENT and stance not in STANCES:
        raise ValidationError("Choose whether the argument supports, opposes or undercuts.")
    if status == Claim.Status.PROPOSED:
        check_pending_limit(user=actor, debate=debate)
    claim = _claim_insert(
        debate=debate,
        kind=kind,
        text=text,
        author=actor,
        parent=parent,
        relation=relation,
        status=cast(str, status),  # not None: require() above refused it
    )
    _stamp_created(claim, actor)
    published = status == Claim.Status.PUBLISHED
    audit.record_map_change(
        debate=debate,
        actor=actor,
        action=AuditEntry.Action.CLAIM_ADDED if published else AuditEntry.Action.CLAIM_PROPOSED,
        claim=claim,
        summary=f"{claim.get_kind_display().capitalize()}: {short(claim.text, 200)}",
    )
    if published and parent is not None and parent.author is not None:
        word = {"supports": "supported", "opposes": "opposed", "undercuts": "undercut"}.get(
            relation, "answered"
        )
        notifications.notify(
            recipient=parent.author,
            actor=actor,
            verb="answered",
            debate=debate,
            message=f"{actor.public_name} {word} “{short(parent.text)}”: “{short(text)}”",
            url=f"{debate.get_absolute_url()}#claim-{claim.pk}",
        )
    return claim


@dataclass
class EditResult:
    claim: Claim
    proposed_edit: ClaimEdit | None = None

    @property
    def is_pending(self) -> bool:
        return self.proposed_edit is not None


def _locked(claim: Claim) -> Claim:
    """The claim's row, locked until the transaction ends (PostgreSQL) and freshly read."""
    return Claim.objects.select_for_update().get(pk=claim.pk)


@transaction.atomic
def claim_edit(*, actor, claim: Claim, text: str, base_version: int) -> EditResult:
    """Change a claim's text, refusing a stale form.

    `base_version` is the version the editor loaded. The row is locked and re-read; if
    someone saved since, `EditConflict` says so instead of overwriting their work. Where the
    person publishes, the text changes now as a new version; where they propose (their own
    published claim in a reviewed debate), a `ClaimEdit` waits for review and the claim
    keeps showing the approved text.
    """
    debate = claim.debate
    current = _locked(claim)
    status = policy.edit_status(actor, current, debate)
    require(status is not None, "You cannot edit this claim.")
    if current.version != base_version:
        raise EditConflict(current, base_version)
    text = check_text(text)
    if text == current.text:
        raise ValidationError("The text is unchanged; there is nothing to save.")
    if status == Claim.Status.PROPOSED:
        check_pending_limit(user=actor, debate=debate)
        # One waiting edit per person and claim: a newer proposal replaces theirs.
        for older in ClaimEdit.objects.filter(
            claim=current, author=actor, status=ClaimEdit.Status.PROPOSED
        ):
            older.status = ClaimEdit.Status.WITHDRAWN
            older.reason = "Replaced by a newer proposal."
            older.save()
        edit = ClaimEdit.objects.create(
            claim=current, base_version=current.version, text=text, author=actor
        )
        audit.record_map_change(
            debate=debate,
            actor=actor,
            action=AuditEntry.Action.EDIT_PROPOSED,
            claim=current,
            summary=f"Proposed: {short(text, 200)}",
        )
        return EditResult(current, edit)
    claim_text_save(
        claim=current,
        debate=debate,
        actor=actor,
        text=text,
        action=AuditEntry.Action.CLAIM_EDITED,
        summary=f"v{current.version + 1}: “{short(current.text, 120)}” → “{short(text, 120)}”",
        message=f"{actor.public_name} edited your claim: “{short(text)}”",
    )
    return EditResult(current)


def claim_text_save(
    *,
    claim: Claim,
    debate: Debate,
    actor,
    text: str,
    action: str,
    summary: str,
    reason: str = "",
    message: str = "",
) -> Claim:
    """Save `text` as the claim's next version, the history naming `actor`; log `action`
    with `summary` (and `reason`), and, with `message`, tell the claim's author that it was
    edited when someone else did it. The caller has checked, validated and locked."""
    claim.text = text
    claim.version += 1
    save_as(claim, actor)
    audit.record_map_change(
        debate=debate, actor=actor, action=action, claim=claim, summary=summary, reason=reason
    )
    if message and claim.author_id and claim.author_id != getattr(actor, "pk", None):
        notifications.notify(
            recipient=claim.author,
            actor=actor,
            verb="edited",
            debate=debate,
            message=message,
            url=reverse("debates:claim", args=[debate.slug, claim.pk]),
        )
    return claim


@transaction.atomic
def claim_resubmit(*, actor, claim: Claim, text: str, base_version: int) -> Claim:
    """The author of a rejected claim changes its text and sends it back for review: it is
    the claim's next version, pending again, with the same stale-form check as an edit.
    The rejection and its reason stay in the claim's history and in the audit log."""
    debate = claim.debate
    current = _locked(claim)
    require(
        policy.can_resubmit_claim(actor, current, debate),
        "Only its author can resubmit a rejected claim, while they may contribute here.",
    )
    if current.version != base_version:
        raise EditConflict(current, base_version)
    text = check_text(text)
    if text == current.text:
        raise ValidationError(
            "Change the text before resubmitting it: this text was rejected as it stands."
        )
    check_pending_limit(user=actor, debate=debate)
    old_text, reason = current.text, current.status_reason
    current.text = text
    current.version += 1
    current.status = Claim.Status.PROPOSED
    current.status_reason = ""
    save_as(current, actor)
    policy.forget_paths(debate, current)
    audit.record_map_change(
        debate=debate,
        actor=actor,
        action=AuditEntry.Action.CLAIM_RESUBMITTED,
        claim=current,
        summary=f"v{current.version}: “{short(old_text, 120)}” → “{short(text, 120)}”",
        reason=f"Rejected because: {reason}" if reason else "",
    )
    return current


@transaction.atomic
def claim_reorder(*, actor, claim: Claim, direction: str) -> Claim:
    """Move a claim one place up or down among its siblings, renumbering them 1..n."""
    debate = claim.debate
    require(policy.can_restructure(actor, debate), "Only moderators reorder the map.")
    if direction not in ("up", "down"):
        raise ValidationError("Move a claim “up” or “down”.")
    row = list(siblings(claim).select_for_update())
    index = next((i for i, s in enumerate(row) if s.pk == claim.pk), None)
    if index is None:
        raise ValidationError("A deleted claim has no place to move in.")
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(row):
        raise ValidationError(
            f"This claim is already {'first' if direction == 'up' else 'last'} among its row."
        )
    row[index], row[target] = row[target], row[index]
    for number, sibling in enumerate(row, start=1):
        if sibling.order != number:
            sibling.order = number
            save_as(sibling, actor, update_fields=["order"])
    moved = next(s for s in row if s.pk == claim.pk)
    audit.record_map_change(
        debate=debate,
        actor=actor,
        action=AuditEntry.Action.CLAIM_REORDERED,
        claim=moved,
        summary=f"Moved {direction} to place {target + 1}: {short(moved.text, 200)}",
    )
    return moved


def _check_new_parent(claim: Claim, parent: Claim, relation: str) -> None:
    if claim.kind == Claim.Kind.ISSUE:
        raise ValidationError("An issue is the root of a map; it stands under nothing.")
    if parent.debate_id != claim.debate_id:
        raise ValidationError("The new parent belongs to another debate.")
    check_live(parent, "The new parent")
    if parent.pk in subtree_ids(claim):
        raise ValidationError(
            "A claim cannot stand under itself or under one of its own replies; that would "
            "make a circle."
        )
    check_claim_place(kind=claim.kind, parent=parent, relation=relation, debate=claim.debate)


def _relation_for(claim: Claim, stance: str) -> str:
    return Claim.Relation.ANSWERS if claim.kind == Claim.Kind.POSITION else stance


@transaction.atomic
def claim_move(*, actor, claim: Claim, parent: Claim, stance: str = "") -> Claim:
    """Put a claim (with everything under it) under another parent, last among its new
    siblings; an argument takes the stance it has towards its new parent."""
    debate = claim.debate
    require(policy.can_restructure(actor, debate), "Only moderators move claims.")
    current = _locked(claim)
    relation = _relation_for(current, stance)
    if parent.pk == current.parent_id and relation == current.relation:
        raise ValidationError("The claim already stands there that way.")
    _check_new_parent(current, parent, relation)
    if ClaimLink.objects.filter(claim=current, parent=parent).exists():
        raise ValidationError(
            "The claim is cross-linked under that parent; remove the cross-link first."
        )
    old_parent = current.parent
    if parent.pk != current.parent_id:
        siblings = Claim.objects.filter(debate=debate, parent=parent)
        current.order = (siblings.aggregate(m=Max("order"))["m"] or 0) + 1
    current.parent = parent
    current.relation = relation
    save_as(current, actor)
    policy.forget_paths(debate, claim)
    audit.record_map_change(
        debate=debate,
        actor=actor,
        action=AuditEntry.Action.CLAIM_MOVED,
        claim=current,
        summary=(
            f"“{short(current.text)}” from “{short(old_parent.text if old_parent else '')}” "
            f"to “{short(parent.text)}” ({relation})"
        ),
    )
    return current


@transaction.atomic
def claim_link(*, actor, claim: Claim, parent: Claim, stance: str = "") -> ClaimLink:
    """Let a claim also stand under a second parent (shown there as a reference)."""
    debate = claim.debate
    require(policy.can_restructure(actor, debate), "Only moderators cross-link claims.")
    check_live(claim)
    relation = _relation_for(claim, stance)
    if parent.pk == claim.parent_id:
        raise ValidationError("The claim already stands under that parent.")
    _check_new_parent(claim, parent, relation)
    if ClaimLink.objects.filter(claim=claim, parent=parent).exists():
        raise ValidationError("The claim is already cross-linked under that parent.")
    order = (ClaimLink.objects.filter(parent=parent).aggregate(m=Max("order"))["m"] or 0) + 1
    link = ClaimLink(
        debate=debate, claim=claim, parent=parent, relation=relation, author=actor, order=order
    )
    save_as(link, actor)
    audit.record_map_change(
        debate=debate,
        actor=actor,
        action=AuditEntry.Action.CLAIM_LINKED,
        claim=claim,
        summary=f"“{short(claim.text)}” also {relation} “{short(parent.text)}”",
    )
    return link


@transaction.atomic
def claim_unlink(*, actor, link: ClaimLink) -> None:
    """Remove a cross-link; the claim stays where it stands, the link stays in history."""
    debate = link.debate
    require(policy.can_restructure(actor, debate), "Only moderators remove cross-links.")
    claim, parent = link.claim, link.parent
    cast(Any, link)._history_user = history_user(actor)  # read by simple-history (untyped)
    link.delete()
    audit.record_map_change(
        debate=debate,
        actor=actor,
        action=AuditEntry.Action.CLAIM_UNLINKED,
        claim=claim,
        summary=f"“{short(claim.text)}” no longer under “{short(parent.text)}”",
    )


@transaction.atomic
def claim_delete(*, actor, claim: Claim, reason: str = "") -> Claim:
    """Soft-delete: the claim (and what hangs under it) leaves the map but is kept and can
    be restored by a moderator. Authors may delete their own claim while nobody has
    answered it; moderators may delete any claim."""
    debate = claim.debate
    current = _locked(claim)
    has_replies = visible_children(current).exists()
    if not policy.can_delete_claim(actor, current, debate, has_replies=has_replies):
        if has_replies and policy.can_delete_claim(actor, current, debate):
            raise ValidationError(
                "Others have replied to this claim, so it cannot be deleted; ask a moderator."
            )
        raise PermissionDenied("You cannot delete this claim.")
    current.deleted_at = timezone.now()
    save_as(current, actor)
    policy.forget_paths(debate, claim)
    audit.record_map_change(
        debate=debate,
        actor=actor,
        action=AuditEntry.Action.CLAIM_DELETED,
        claim=current,
        summary=short(current.text, 200),
        reason=reason,
    )
    return current


@transaction.atomic
def claim_restore(*, actor, claim: Claim) -> Claim:
    """Bring a deleted claim back where it stood (its parent must be on the map)."""
    debate = claim.debate
    require(policy.can_restore(actor, debate), "Only moderators restore deleted claims.")
    current = _locked(claim)
    if current.deleted_at is None:
        raise ValidationError("This claim is not deleted.")
    if current.parent is not None and current.parent.deleted_at is not None:
        raise ValidationError(
            f"Its parent “{short(current.parent.text)}” is deleted too; restore that first."
        )
    current.deleted_at = None
    save_as(current, actor)
    policy.forget_paths(debate, claim)
    audit.record_map_change(
        debate=debate,
        actor=actor,
        action=AuditEntry.Action.CLAIM_RESTORED,
        claim=current,
        summary=short(current.text, 200),
    )
    return current


@transaction.atomic
def claim_revert(*, actor, claim: Claim, history_id: int, base_version: int) -> Claim:
    """Restore an earlier version's text as a NEW version (history is never rewritten),
    with the same stale-form check as an edit."""
    debate = claim.debate
    require(policy.can_restore(actor, debate), "Only moderators restore earlier versions.")
    current = _locked(claim)
    if current.version != base_version:
        raise EditConflict(current, base_version)
    record = current.history.filter(history_id=history_id).first()
    if record is None:
        raise ValidationError("That version is not in this claim's history.")
    if ClaimVersionRedaction.objects.filter(claim=current, history_id=history_id).exists():
        raise ValidationError("A moderator redacted that version's text; it cannot be restored.")
    if record.text == current.text:
        raise ValidationError("That version's text is the text shown now; nothing to restore.")
    return claim_text_save(
        claim=current,
        debate=debate,
        actor=actor,
        text=record.text,
        action=AuditEntry.Action.CLAIM_REVERTED,
        summary=f"v{current.version + 1} restores the text of v{record.version}",
        message=f"{actor.public_name} restored an earlier text of your claim.",
    )


@transaction.atomic
def claim_version_redact(*, actor, claim: Claim, history_id: int, reason: str) -> list[int]:
    """Redact an old version's text from the claim's history (a moderator's act): the text
    is kept for staff, everyone else reads that a moderator redacted it. Every saved state
    with that same text is redacted with it, since each would show it again. Returns the
    history ids redacted. The current text cannot be redacted: edit the claim first."""
    debate = claim.debate
    require(policy.can_redact_version(actor, debate), "Only moderators redact earlier versions.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why the text is redacted (the audit log keeps it).")
    if len(reason) > 500:
        raise ValidationError("Keep the reason under 500 characters.")
    current = _locked(claim)
    record = current.history.filter(history_id=history_id).first()
    if record is None:
        raise ValidationError("That version is not in this claim's history.")
    if record.text == current.text:
        raise ValidationError(
            "That is the claim's current text; edit the claim first, then redact the old version."
        )
    same_text = set(current.history.filter(text=record.text).values_list("history_id", flat=True))
    done = set(
        ClaimVersionRedaction.objects.filter(claim=current, history_id__in=same_text).values_list(
            "history_id", flat=True
        )
    )
    if history_id in done:
        raise ValidationError("That version is redacted already.")
    redacted = sorted(same_text - done)
    ClaimVersionRedaction.objects.bulk_create(
        ClaimVersionRedaction(
            claim=current, history_id=pk, redacted_by=history_user(actor), reason=reason
        )
        for pk in redacted
    )
    # The summary names the version, never its text.
    audit.record(
        debate=debate,
        actor=actor,
        action=AuditEntry.Action.VERSION_REDACTED,
        claim=current,
        summary=f"Redacted the text of version {record.version} of “{short(current.text, 120)}”",
        reason=reason,
    )
    return redacted


def _stamp_created(obj, actor) -> None:
    """Name the actor on the history row of a row made by `objects.create()` elsewhere."""
    user = history_user(actor)
    if user is None:
        return
    record = obj.history.order_by("-history_id").first()
    if record is not None and record.history_user_id is None:
        type(record).objects.filter(pk=record.pk).update(history_user=user)

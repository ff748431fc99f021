"""Editing a map in place: add, edit (with optimistic locking), reorder, move, cross-link,
delete and restore claims; attach, edit, detach and restore evidence; restore versions.

Every function is keyword-only, takes the acting person as `actor=`, asks `policy` itself
(PermissionDenied), validates (ValidationError with a message a person can act on), writes
inside one transaction with `.save()` so django-simple-history keeps every version, and
records the act in the audit log. The reads the history page needs live at the end.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import audit, policy, services
from .models import AuditEntry, Claim, ClaimEdit, ClaimLink, Debate, Evidence, Passage, Source

STANCES = {
    Claim.Relation.SUPPORTS: "supports",
    Claim.Relation.OPPOSES: "opposes",
    Claim.Relation.UNDERCUTS: "undercuts",
}
# Claims one may stand under or act on: not rejected, withdrawn or merged away.
LIVE_STATUSES = (Claim.Status.PUBLISHED, Claim.Status.PROPOSED)
MAX_CLAIM_CHARS = 2000


class EditConflict(Exception):
    """Someone saved the claim after the editor loaded it; carries the claim as now saved."""

    def __init__(self, claim: Claim, base_version: int):
        self.claim = claim
        self.base_version = base_version
        super().__init__(
            f"“{claim}” was changed (now version {claim.version}) since you loaded version "
            f"{base_version}."
        )


def _short(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _history_user(actor):
    return actor if actor is not None and actor.is_authenticated else None


def _save(obj, actor, **kwargs) -> None:
    """Save through the model so simple-history writes a version that names the actor."""
    obj._history_user = _history_user(actor)
    obj.save(**kwargs)


def _stamp_created(obj, actor) -> None:
    """Name the actor on the history row of a row made by `objects.create()` elsewhere."""
    user = _history_user(actor)
    if user is None:
        return
    record = obj.history.order_by("-history_id").first()
    if record is not None and record.history_user_id is None:
        type(record).objects.filter(pk=record.pk).update(history_user=user)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _check_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError("A claim needs some text.")
    if len(text) > MAX_CLAIM_CHARS:
        raise ValidationError(
            f"The text is too long ({len(text):,} characters; the limit is {MAX_CLAIM_CHARS:,})."
        )
    return text


def _check_live(claim: Claim, what: str = "This claim") -> None:
    if claim.deleted_at is not None:
        raise ValidationError(f"{what} is deleted.")
    if claim.status not in LIVE_STATUSES:
        raise ValidationError(f"{what} is {claim.get_status_display()}.")


# --- adding ----------------------------------------------------------------------------


def kind_under(parent: Claim | None) -> str:
    """The kind of claim that answers `parent`: issue at the root, position under an issue,
    argument under anything else."""
    if parent is None:
        return Claim.Kind.ISSUE
    if parent.kind == Claim.Kind.ISSUE:
        return Claim.Kind.POSITION
    return Claim.Kind.ARGUMENT


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
    _require(
        policy.can_add_claim(actor, debate, parent),
        "Only moderators start new issues."
        if parent is None
        else "You cannot add claims to this debate.",
    )
    status = policy.contribution_status(actor, debate)
    _require(status is not None, "You cannot add claims to this debate.")
    text = _check_text(text)
    if parent is not None:
        _check_live(parent, "The claim you answer")
    kind = kind_under(parent)
    relation = {
        Claim.Kind.ISSUE: "",
        Claim.Kind.POSITION: Claim.Relation.ANSWERS,
    }.get(kind, stance)
    if kind == Claim.Kind.ARGUMENT and stance not in STANCES:
        raise ValidationError("Choose whether the argument supports, opposes or undercuts.")
    if status == Claim.Status.PROPOSED:
        services.check_pending_limit(user=actor, debate=debate)
    claim = services.claim_create(
        debate=debate,
        kind=kind,
        text=text,
        author=actor,
        parent=parent,
        relation=relation,
        status=status,
    )
    _stamp_created(claim, actor)
    published = status == Claim.Status.PUBLISHED
    audit.record(
        debate=debate,
        actor=actor,
        action=AuditEntry.Action.CLAIM_ADDED if published else AuditEntry.Action.CLAIM_PROPOSED,
        claim=claim,
        summary=f"{claim.get_kind_display().capitalize()}: {_short(claim.text, 200)}",
    )
    if published and parent is not None and parent.author is not None:
        word = {"supports": "supported", "opposes": "opposed", "undercuts": "undercut"}.get(
            relation, "answered"
        )
        audit.notify(
            recipient=parent.author,
            actor=actor,
            verb="answered",
            debate=debate,
            message=f"{actor.public_name} {word} “{_short(parent.text)}”: “{_short(text)}”",
            url=f"{debate.get_absolute_url()}#claim-{claim.pk}",
        )
    return claim


# --- editing the text ------------------------------------------------------------------


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
    _require(status is not None, "You cannot edit this claim.")
    if current.version != base_version:
        raise EditConflict(current, base_version)
    text = _check_text(text)
    if text == current.text:
        raise ValidationError("The text is unchanged; there is nothing to save.")
    if status == Claim.Status.PROPOSED:
        services.check_pending_limit(user=actor, debate=debate)
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
        audit.record(
            debate=debate,
            actor=actor,
            action=AuditEntry.Action.EDIT_PROPOSED,
            claim=current,
            summary=f"Proposed: {_short(text, 200)}",
        )
        return EditResult(current, edit)
    claim_text_save(
        claim=current,
        debate=debate,
        actor=actor,
        text=text,
        action=AuditEntry.Action.CLAIM_EDITED,
        summary=f"v{current.version + 1}: “{_short(current.text, 120)}” → “{_short(text, 120)}”",
        message=f"{actor.public_name} edited your claim: “{_short(text)}”",
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
    _save(claim, actor)
    audit.record(
        debate=debate, actor=actor, action=action, claim=claim, summary=summary, reason=reason
    )
    if message and claim.author_id and claim.author_id != getattr(actor, "pk", None):
        audit.notify(
            recipient=claim.author,
            actor=actor,
            verb="edited",
            debate=debate,
            message=message,
            url=reverse("debates:claim", args=[debate.slug, claim.pk]),
        )
    return claim


def last_saved_by(claim: Claim):
    """Who saved the claim's current version and when (from its history), or (None, None)."""
    record = (
        claim.history.filter(version=claim.version)
        .select_related("history_user")
        .order_by("history_id")
        .first()
    )
    if record is None:
        return None, None
    return record.history_user, record.history_date


# --- restructuring ---------------------------------------------------------------------


def _siblings(claim: Claim):
    return Claim.objects.filter(
        debate_id=claim.debate_id, parent_id=claim.parent_id, deleted_at__isnull=True
    ).order_by("order", "pk")


@transaction.atomic
def claim_reorder(*, actor, claim: Claim, direction: str) -> Claim:
    """Move a claim one place up or down among its siblings, renumbering them 1..n."""
    debate = claim.debate
    _require(policy.can_restructure(actor, debate), "Only moderators reorder the map.")
    if direction not in ("up", "down"):
        raise ValidationError("Move a claim “up” or “down”.")
    siblings = list(_siblings(claim).select_for_update())
    index = next((i for i, s in enumerate(siblings) if s.pk == claim.pk), None)
    if index is None:
        raise ValidationError("A deleted claim has no place to move in.")
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(siblings):
        raise ValidationError(
            f"This claim is already {'first' if direction == 'up' else 'last'} among its siblings."
        )
    siblings[index], siblings[target] = siblings[target], siblings[index]
    for number, sibling in enumerate(siblings, start=1):
        if sibling.order != number:
            sibling.order = number
            _save(sibling, actor, update_fields=["order"])
    moved = next(s for s in siblings if s.pk == claim.pk)
    audit.record(
        debate=debate,
        actor=actor,
        action=AuditEntry.Action.CLAIM_REORDERED,
        claim=moved,
        summary=f"Moved {direction} to place {target + 1}: {_short(moved.text, 200)}",
    )
    return moved


def subtree_ids(claim: Claim) -> set[int]:
    """The claim and everything below it (one query for the whole debate)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Claim.objects.filter(debate_id=claim.debate_id).values_list(
        "pk", "parent_id"
    ):
        children.setdefault(parent_id, []).append(pk)
    found, stack = set(), [claim.pk]
    while stack:
        pk = stack.pop()
        found.add(pk)
        stack.extend(children.get(pk, []))
    return found


def valid_parents(*, claim: Claim, exclude_current: bool = True) -> list[Claim]:
    """Where a claim may be moved or cross-linked to: a live claim of the right kind in the
    same debate that is not the claim itself or below it (which would make a cycle)."""
    allowed = services.ALLOWED_PARENTS.get(claim.kind, set())
    if not allowed:
        return []
    below = subtree_ids(claim)
    candidates = Claim.objects.filter(
        debate_id=claim.debate_id,
        kind__in=allowed,
        status__in=LIVE_STATUSES,
        deleted_at__isnull=True,
    ).exclude(pk__in=below)
    if exclude_current and claim.parent_id:
        candidates = candidates.exclude(pk=claim.parent_id)
    return list(candidates.order_by("order", "pk"))


def _check_new_parent(claim: Claim, parent: Claim, relation: str) -> None:
    if claim.kind == Claim.Kind.ISSUE:
        raise ValidationError("An issue is the root of a map; it stands under nothing.")
    if parent.debate_id != claim.debate_id:
        raise ValidationError("The new parent belongs to another debate.")
    _check_live(parent, "The new parent")
    if parent.pk in subtree_ids(claim):
        raise ValidationError(
            "A claim cannot stand under itself or under one of its own replies; that would "
            "make a circle."
        )
    services.check_claim_place(
        kind=claim.kind, parent=parent, relation=relation, debate=claim.debate
    )


def _relation_for(claim: Claim, stance: str) -> str:
    return Claim.Relation.ANSWERS if claim.kind == Claim.Kind.POSITION else stance


@transaction.atomic
def claim_move(*, actor, claim: Claim, parent: Claim, stance: str = "") -> Claim:
    """Put a claim (with everything under it) under another parent, last among its new
    siblings; an argument takes the stance it has towards its new parent."""
    debate = claim.debate
    _require(policy.can_restructure(actor, debate), "Only moderators move claims.")
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
    _save(current, actor)
    audit.record(
        debate=debate,
        actor=actor,
        action=AuditEntry.Action.CLAIM_MOVED,
        claim=current,
        summary=(
            f"“{_short(current.text)}” from “{_short(old_parent.text if old_parent else '')}” "
            f"to “{_short(parent.text)}” ({relation})"
        ),
    )
    return current


@transaction.atomic
def claim_link(*, actor, claim: Claim, parent: Claim, stance: str = "") -> ClaimLink:
    """Let a claim also stand under a second parent (shown there as a reference)."""
    debate = claim.debate
    _require(policy.can_restructure(actor, debate), "Only moderators cross-link claims.")
    _check_live(claim)
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
    _save(link, actor)
    audit.record(
        debate=debate,
        actor=actor,
        action=AuditEntry.Action.CLAIM_LINKED,
        claim=claim,
        summary=f"“{_short(claim.text)}” also {relation} “{_short(parent.text)}”",
    )
    return link


@transaction.atomic
def claim_unlink(*, actor, link: ClaimLink) -> None:
    """Remove a cross-link; the claim stays where it stands, the link stays in history."""
    debate = link.debate
    _require(policy.can_restructure(actor, debate), "Only moderators remove cross-links.")
    claim, parent = link.claim, link.parent
    link._history_user = _history_user(actor)
    link.delete()
    audit.record(
        debate=debate,
        actor=actor,
        action=AuditEntry.Action.CLAIM_UNLINKED,
        claim=claim,
        summary=f"“{_short(claim.text)}” no longer under “{_short(parent.text)}”",
    )


# --- deleting and restoring ------------------------------------------------------------


def visible_children(claim: Claim):
    return claim.children.filter(deleted_at__isnull=True, status__in=LIVE_STATUSES)


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
    _save(current, actor)
    audit.record(
        debate=debate,
        actor=actor,
        action=AuditEntry.Action.CLAIM_DELETED,
        claim=current,
        summary=_short(current.text, 200),
        reason=reason,
    )
    return current


@transaction.atomic
def claim_restore(*, actor, claim: Claim) -> Claim:
    """Bring a deleted claim back where it stood (its parent must be on the map)."""
    debate = claim.debate
    _require(policy.can_restore(actor, debate), "Only moderators restore deleted claims.")
    current = _locked(claim)
    if current.deleted_at is None:
        raise ValidationError("This claim is not deleted.")
    if current.parent is not None and current.parent.deleted_at is not None:
        raise ValidationError(
            f"Its parent “{_short(current.parent.text)}” is deleted too; restore that first."
        )
    current.deleted_at = None
    _save(current, actor)
    audit.record(
        debate=debate,
        actor=actor,
        action=AuditEntry.Action.CLAIM_RESTORED,
        claim=current,
        summary=_short(current.text, 200),
    )
    return current


@transaction.atomic
def claim_revert(*, actor, claim: Claim, history_id: int, base_version: int) -> Claim:
    """Restore an earlier version's text as a NEW version (history is never rewritten),
    with the same stale-form check as an edit."""
    debate = claim.debate
    _require(policy.can_restore(actor, debate), "Only moderators restore earlier versions.")
    current = _locked(claim)
    if current.version != base_version:
        raise EditConflict(current, base_version)
    record = current.history.filter(history_id=history_id).first()
    if record is None:
        raise ValidationError("That version is not in this claim's history.")
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


# --- evidence --------------------------------------------------------------------------


@transaction.atomic
def evidence_revert(*, actor, evidence: Evidence, history_id: int) -> Evidence:
    """Bring back an earlier relation and note of an evidence link, as a new revision."""
    debate = evidence.claim.debate
    _require(policy.can_restore(actor, debate), "Only moderators restore earlier versions.")
    current = Evidence.objects.select_for_update().get(pk=evidence.pk)
    if current.deleted_at is not None:
        raise ValidationError("This evidence is detached; re-attach it first.")
    record = current.history.filter(history_id=history_id).first()
    if record is None:
        raise ValidationError("That state is not in this evidence link's history.")
    if (record.relation, record.note) == (current.relation, current.note):
        raise ValidationError("That is how this evidence link reads now; nothing to restore.")
    current.relation, current.note = record.relation, record.note
    _save(current, actor)
    audit.record(
        debate=debate,
        actor=actor,
        action=AuditEntry.Action.EVIDENCE_EDITED,
        claim=current.claim,
        evidence=current,
        summary=(
            f"restored the evidence link of {record.history_date:%d %b %Y %H:%M}: "
            f"{current.get_relation_display()}"
        ),
    )
    return current


@transaction.atomic
def evidence_attach(
    *,
    actor,
    claim: Claim,
    passage: Passage | None = None,
    source: Source | None = None,
    quote: str = "",
    start: int | None = None,
    end: int | None = None,
    relation: str = Evidence.Relation.SUPPORTS,
    note: str = "",
) -> Evidence:
    """Ground a claim in a passage: a chosen passage, an exact quote of a source (resolved
    to a passage) or a span of a source's current text. Published or proposed as the
    person's role decides."""
    debate = claim.debate
    _require(
        policy.can_attach_evidence(actor, claim, debate),
        "You cannot attach evidence to this claim.",
    )
    status = policy.contribution_status(actor, debate)
    if relation not in Evidence.Relation.values:
        raise ValidationError(f"“{relation}” is not a kind of evidence.")
    if passage is None:
        if source is None or source.current_revision_id is None:
            raise ValidationError("Choose a passage, or paste a quote from one of the sources.")
        if start is not None and end is not None:
            passage = services.passage_create(source=source, start=start, end=end, created_by=actor)
        else:
            quote = (quote or "").strip()
            if not quote:
                raise ValidationError("Choose a passage, or paste a quote from a source.")
            passage = services.passage_for_quote(source=source, quote=quote, created_by=actor)
    if status == Evidence.Status.PROPOSED:
        services.check_pending_limit(user=actor, debate=debate)
    evidence = services.evidence_add(
        claim=claim,
        passage=passage,
        author=actor,
        relation=relation,
        note=(note or "").strip(),
        status=status,
    )
    _stamp_created(evidence, actor)
    published = status == Evidence.Status.PUBLISHED
    audit.record(
        debate=debate,
        actor=actor,
        action=(
            AuditEntry.Action.EVIDENCE_ADDED if published else AuditEntry.Action.EVIDENCE_PROPOSED
        ),
        claim=claim,
        evidence=evidence,
        summary=f"“{_short(passage.anchor.exact, 120)}” {relation} “{_short(claim.text, 120)}”",
    )
    return evidence


@transaction.atomic
def evidence_edit(*, actor, evidence: Evidence, relation: str, note: str = "") -> Evidence:
    debate = evidence.claim.debate
    _require(policy.can_edit_evidence(actor, evidence, debate), "You cannot edit this evidence.")
    if relation not in Evidence.Relation.values:
        raise ValidationError(f"“{relation}” is not a kind of evidence.")
    note = (note or "").strip()
    if relation == evidence.relation and note == evidence.note:
        raise ValidationError("Nothing changed; there is nothing to save.")
    evidence.relation, evidence.note = relation, note
    _save(evidence, actor)
    audit.record(
        debate=debate,
        actor=actor,
        action=AuditEntry.Action.EVIDENCE_EDITED,
        claim=evidence.claim,
        evidence=evidence,
        summary=f"Now {relation}: {_short(evidence.passage.anchor.exact, 160)}",
    )
    return evidence


@transaction.atomic
def evidence_detach(*, actor, evidence: Evidence, reason: str = "") -> Evidence:
    """Soft: the link is kept (and restorable by moderators), just no longer shown."""
    debate = evidence.claim.debate
    _require(policy.can_edit_evidence(actor, evidence, debate), "You cannot detach this evidence.")
    evidence.deleted_at = timezone.now()
    _save(evidence, actor)
    audit.record(
        debate=debate,
        actor=actor,
        action=AuditEntry.Action.EVIDENCE_DETACHED,
        claim=evidence.claim,
        evidence=evidence,
        summary=_short(evidence.passage.anchor.exact, 200),
        reason=reason,
    )
    return evidence


@transaction.atomic
def evidence_restore(*, actor, evidence: Evidence) -> Evidence:
    debate = evidence.claim.debate
    _require(policy.can_restore(actor, debate), "Only moderators re-attach detached evidence.")
    if evidence.deleted_at is None:
        raise ValidationError("This evidence is attached already.")
    if Evidence.objects.filter(
        claim_id=evidence.claim_id, passage_id=evidence.passage_id, deleted_at__isnull=True
    ).exists():
        raise ValidationError("The claim cites this passage again already.")
    evidence.deleted_at = None
    _save(evidence, actor)
    audit.record(
        debate=debate,
        actor=actor,
        action=AuditEntry.Action.EVIDENCE_RESTORED,
        claim=evidence.claim,
        evidence=evidence,
        summary=_short(evidence.passage.anchor.exact, 200),
    )
    return evidence


@transaction.atomic
def argument_with_evidence_add(
    *,
    actor,
    parent: Claim,
    stance: str,
    text: str,
    source: Source,
    start: int,
    end: int,
) -> Claim:
    """A new argument resting on a span of a source (the reader's "cite" form): one
    contribution, so one check of the pending limit."""
    argument = claim_add(actor=actor, debate=parent.debate, text=text, parent=parent, stance=stance)
    debate = parent.debate
    passage = services.passage_create(source=source, start=start, end=end, created_by=actor)
    evidence = services.evidence_add(
        claim=argument,
        passage=passage,
        author=actor,
        relation=Evidence.Relation.SUPPORTS,
        status=argument.status,
    )
    _stamp_created(evidence, actor)
    audit.record(
        debate=debate,
        actor=actor,
        action=(
            AuditEntry.Action.EVIDENCE_ADDED
            if argument.status == Claim.Status.PUBLISHED
            else AuditEntry.Action.EVIDENCE_PROPOSED
        ),
        claim=argument,
        evidence=evidence,
        summary=f"“{_short(passage.anchor.exact, 120)}” supports “{_short(argument.text, 120)}”",
    )
    return argument


# --- reads for the history page --------------------------------------------------------

_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> SafeString:
    """`new` with the words removed since `old` in <del> and the words added in <ins>."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(out))  # noqa: S308 - every piece of text is escaped above


HISTORY_FIELDS = {
    "text": "text",
    "status": "status",
    "parent": "place",
    "relation": "stance",
    "order": "order",
    "deleted_at": "deleted/restored",
    "status_reason": "reason",
    "merged_into": "merged into",
}


@dataclass
class ClaimVersion:
    record: object
    diff: SafeString | None
    changed: list[str] = field(default_factory=list)
    event: str = ""
    can_restore: bool = False


def claim_versions(*, claim: Claim, viewer) -> list[ClaimVersion]:
    """Every saved state of a claim, newest first, each with what changed and a word diff
    of its text against the state before; moderators may restore earlier texts."""
    records = list(claim.history.select_related("history_user").order_by("history_id"))
    restorer = policy.can_restore(viewer, claim.debate)
    versions: list[ClaimVersion] = []
    previous = None
    for record in records:
        if previous is None:
            event, changed, diff = "created", [], None
        else:
            changed = [
                HISTORY_FIELDS[name]
                for name in HISTORY_FIELDS
                if getattr(previous, f"{name}_id" if name in ("parent", "merged_into") else name)
                != getattr(record, f"{name}_id" if name in ("parent", "merged_into") else name)
            ]
            diff = word_diff(previous.text, record.text) if previous.text != record.text else None
            if previous.deleted_at is None and record.deleted_at is not None:
                event = "deleted"
            elif previous.deleted_at is not None and record.deleted_at is None:
                event = "restored"
            elif diff is not None:
                event = "text edited"
            elif "place" in changed or "stance" in changed:
                event = "moved"
            elif "status" in changed:
                event = f"status: {record.get_status_display()}"
            elif changed == ["order"]:
                event = "reordered"
            else:
                event = "saved"
        versions.append(
            ClaimVersion(
                record=record,
                diff=diff,
                changed=changed,
                event=event,
                can_restore=restorer and record.text != claim.text,
            )
        )
        previous = record
    # Offer "restore" once per distinct text: on its newest record.
    seen: set[str] = set()
    for version in reversed(versions):
        if version.record.text in seen:
            version.can_restore = False
        seen.add(version.record.text)
    return list(reversed(versions))


@dataclass
class EvidenceEvent:
    record: object
    event: str
    passage: Passage | None
    # The link's relation or note differs now: a moderator may bring this state back.
    restorable: bool = False


def evidence_events(*, claim: Claim, viewer) -> list[EvidenceEvent]:
    """What happened to the claim's evidence links (attached, edited, detached, restored,
    reviewed), newest first. Others' proposals are left to their author and moderators."""
    moderating = policy.can_moderate(viewer, claim.debate)
    records = list(
        Evidence.history.filter(claim_id=claim.pk)
        .select_related("history_user")
        .order_by("history_id")
    )
    passages = Passage.objects.select_related("anchor", "source").in_bulk(
        {r.passage_id for r in records}
    )
    last: dict[int, object] = {}
    events: list[EvidenceEvent] = []
    for record in records:
        before = last.get(record.id)
        last[record.id] = record
        visible = moderating or policy.can_view_evidence(
            viewer, record, claim.debate, claim_visible=True
        )
        if not visible:
            continue
        if before is None:
            event = "attached" if record.status == Evidence.Status.PUBLISHED else "proposed"
        elif before.deleted_at is None and record.deleted_at is not None:
            event = "detached"
        elif before.deleted_at is not None and record.deleted_at is None:
            event = "re-attached"
        elif before.status != record.status:
            event = record.get_status_display()
        elif before.relation != record.relation or before.note != record.note:
            event = "edited"
        else:
            continue
        events.append(EvidenceEvent(record, event, passages.get(record.passage_id)))
    for item in events:
        now = last[item.record.id]
        item.restorable = now.deleted_at is None and (now.relation, now.note) != (
            item.record.relation,
            item.record.note,
        )
    return list(reversed(events))


def claim_edits_for(*, claim: Claim, viewer) -> list[ClaimEdit]:
    """Proposed edits of the claim with their outcome and reasons: all of them for
    moderators, a person's own for everyone else."""
    edits = ClaimEdit.objects.filter(claim=claim).select_related("author", "reviewed_by")
    if not policy.can_moderate(viewer, claim.debate):
        if not viewer.is_authenticated:
            return []
        edits = edits.filter(author=viewer)
    return list(edits.order_by("-created_at", "-pk"))


def pending_edits_by_claim(*, debate: Debate, viewer) -> dict[int, ClaimEdit]:
    """The newest waiting edit per claim that the viewer may see, in one query (for the map:
    a marker on each node with an edit waiting for review)."""
    if not viewer.is_authenticated:
        return {}
    edits = ClaimEdit.objects.filter(
        claim__debate=debate, status=ClaimEdit.Status.PROPOSED
    ).order_by("created_at", "pk")
    if not policy.can_moderate(viewer, debate):
        edits = edits.filter(author=viewer)
    return {edit.claim_id: edit for edit in edits}

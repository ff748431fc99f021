"""Evidence: grounding claims in passages, editing, detaching, restoring and reverting."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .. import policy
from ..models import (
    AuditEntry,
    Claim,
    Evidence,
    Passage,
    Source,
)
from . import audit
from ._base import require, save_as, short
from .claims import _stamp_created, check_pending_limit, claim_add
from .sources import passage_create, passage_for_quote


def evidence_source_join(*, claim: Claim, passage: Passage) -> None:
    """Published evidence grounds its debate in the passage's source (a proposal does not,
    until it is approved: a rejected one must leave no trace on the debate)."""
    if not claim.debate.sources.filter(pk=passage.source_id).exists():
        claim.debate.sources.add(passage.source_id)


@transaction.atomic
def _evidence_insert(
    *,
    claim: Claim,
    passage: Passage,
    author,
    relation: str = Evidence.Relation.SUPPORTS,
    note: str = "",
    status: str = Evidence.Status.PROPOSED,
) -> Evidence:
    if relation not in Evidence.Relation.values:
        raise ValidationError(f"“{relation}” is not a kind of evidence.")
    if status == Evidence.Status.PUBLISHED:
        evidence_source_join(claim=claim, passage=passage)
    if Evidence.objects.filter(claim=claim, passage=passage, deleted_at__isnull=True).exists():
        raise ValidationError("This passage is already cited by this claim.")
    evidence = Evidence(
        claim=claim, passage=passage, relation=relation, note=note, author=author, status=status
    )
    cast(Any, evidence)._history_user = author  # read by simple-history (untyped)
    evidence.save(force_insert=True)
    return evidence


@transaction.atomic
def evidence_revert(*, actor, evidence: Evidence, history_id: int) -> Evidence:
    """Bring back an earlier relation and note of an evidence link, as a new revision."""
    debate = evidence.claim.debate
    require(policy.can_restore(actor, debate), "Only moderators restore earlier versions.")
    current = Evidence.objects.select_for_update().get(pk=evidence.pk)
    if current.deleted_at is not None:
        raise ValidationError("This evidence is detached; re-attach it first.")
    record = current.history.filter(history_id=history_id).first()
    if record is None:
        raise ValidationError("That state is not in this evidence link's history.")
    if (record.relation, record.note) == (current.relation, current.note):
        raise ValidationError("That is how this evidence link reads now; nothing to restore.")
    current.relation, current.note = record.relation, record.note
    save_as(current, actor)
    audit.record_map_change(
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
    require(
        policy.can_attach_evidence(actor, claim, debate)
        and not policy.claim_withheld(actor, claim, debate),
        "You cannot attach evidence to this claim.",
    )
    status = policy.contribution_status(actor, debate)
    if relation not in Evidence.Relation.values:
        raise ValidationError(f"“{relation}” is not a kind of evidence.")
    cited = source if passage is None else passage.source
    # One cannot cite what one may not read (the API takes any passage or source id).
    require(
        cited is None or policy.can_view_source(actor, cited),
        "You cannot cite a source you cannot read.",
    )
    if passage is None:
        if source is None or source.current_revision_id is None:
            raise ValidationError("Choose a passage, or paste a quote from one of the sources.")
        if start is not None and end is not None:
            passage = passage_create(source=source, start=start, end=end, created_by=actor)
        else:
            quote = (quote or "").strip()
            if not quote:
                raise ValidationError("Choose a passage, or paste a quote from a source.")
            passage = passage_for_quote(source=source, quote=quote, created_by=actor)
    if status == Evidence.Status.PROPOSED:
        check_pending_limit(user=actor, debate=debate)
    evidence = _evidence_insert(
        claim=claim,
        passage=passage,
        author=actor,
        relation=relation,
        note=(note or "").strip(),
        status=cast(str, status),  # not None, or can_attach_evidence() would have refused
    )
    _stamp_created(evidence, actor)
    published = status == Evidence.Status.PUBLISHED
    audit.record_map_change(
        debate=debate,
        actor=actor,
        action=(
            AuditEntry.Action.EVIDENCE_ADDED if published else AuditEntry.Action.EVIDENCE_PROPOSED
        ),
        claim=claim,
        evidence=evidence,
        summary=f"“{short(passage.anchor.exact, 120)}” {relation} “{short(claim.text, 120)}”",
    )
    return evidence


@transaction.atomic
def evidence_edit(*, actor, evidence: Evidence, relation: str, note: str = "") -> Evidence:
    debate = evidence.claim.debate
    require(policy.can_edit_evidence(actor, evidence, debate), "You cannot edit this evidence.")
    if relation not in Evidence.Relation.values:
        raise ValidationError(f"“{relation}” is not a kind of evidence.")
    note = (note or "").strip()
    if relation == evidence.relation and note == evidence.note:
        raise ValidationError("Nothing changed; there is nothing to save.")
    evidence.relation, evidence.note = relation, note
    save_as(evidence, actor)
    audit.record_map_change(
        debate=debate,
        actor=actor,
        action=AuditEntry.Action.EVIDENCE_EDITED,
        claim=evidence.claim,
        evidence=evidence,
        summary=f"Now {relation}: {short(evidence.passage.anchor.exact, 160)}",
    )
    return evidence


@transaction.atomic
def evidence_detach(*, actor, evidence: Evidence, reason: str = "") -> Evidence:
    """Soft: the link is kept (and restorable by moderators), just no longer shown."""
    debate = evidence.claim.debate
    require(policy.can_edit_evidence(actor, evidence, debate), "You cannot detach this evidence.")
    evidence.deleted_at = timezone.now()
    save_as(evidence, actor)
    audit.record_map_change(
        debate=debate,
        actor=actor,
        action=AuditEntry.Action.EVIDENCE_DETACHED,
        claim=evidence.claim,
        evidence=evidence,
        summary=short(evidence.passage.anchor.exact, 200),
        reason=reason,
    )
    return evidence


@transaction.atomic
def evidence_restore(*, actor, evidence: Evidence) -> Evidence:
    debate = evidence.claim.debate
    require(policy.can_restore(actor, debate), "Only moderators re-attach detached evidence.")
    if evidence.deleted_at is None:
        raise ValidationError("This evidence is attached already.")
    if Evidence.objects.filter(
        claim_id=evidence.claim_id, passage_id=evidence.passage_id, deleted_at__isnull=True
    ).exists():
        raise ValidationError("The claim cites this passage again already.")
    evidence.deleted_at = None
    save_as(evidence, actor)
    audit.record_map_change(
        debate=debate,
        actor=actor,
        action=AuditEntry.Action.EVIDENCE_RESTORED,
        claim=evidence.claim,
        evidence=evidence,
        summary=short(evidence.passage.anchor.exact, 200),
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
    passage = passage_create(source=source, start=start, end=end, created_by=actor)
    evidence = _evidence_insert(
        claim=argument,
        passage=passage,
        author=actor,
        relation=Evidence.Relation.SUPPORTS,
        status=argument.status,
    )
    _stamp_created(evidence, actor)
    audit.record_map_change(
        debate=debate,
        actor=actor,
        action=(
            AuditEntry.Action.EVIDENCE_ADDED
            if argument.status == Claim.Status.PUBLISHED
            else AuditEntry.Action.EVIDENCE_PROPOSED
        ),
        claim=argument,
        evidence=evidence,
        summary=f"“{short(passage.anchor.exact, 120)}” supports “{short(argument.text, 120)}”",
    )
    return argument

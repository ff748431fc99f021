"""Review: what moderators do to proposals — approve, reject, merge — and to pending edits
and evidence."""

from __future__ import annotations

from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .. import policy
from ..models import (
    AuditEntry,
    Claim,
    ClaimEdit,
    ClaimLink,
    Debate,
    Evidence,
    Notification,
)
from ..selectors.maps import subtree_ids
from . import audit, notifications
from ._base import check_text, quote
from .claims import claim_text_save
from .evidence import evidence_source_join

Action = AuditEntry.Action
Verb = Notification.Verb


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
    audit.record_map_change(
        debate=debate,
        actor=actor,
        action=action,
        claim=claim,
        evidence=evidence,
        summary=summary,
        reason=reason,
    )
    notifications.notify(
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
        # `edited` holds only when text is not None; the same limits as every claim write.
        text = check_text(cast(str, text))
        claim_text_save(
            claim=claim,
            debate=debate,
            actor=actor,
            text=text,
            action=Action.CLAIM_EDITED,
            summary=f"{quote(claim.text)} → {quote(text)} before approving it",
            reason=reason,
            message=f"A moderator edited your claim {quote(claim.text)} in “{debate.title}”.",
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
        evidence_source_join(claim=claim, passage=evidence.passage)
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
        summary=f"{quote(claim.text)}{with_evidence}",
        reason=reason,
        recipient=claim.author,
        verb=Verb.APPROVED,
        message=f"Your {claim.kind} {quote(claim.text)} is approved and published in "
        f"“{debate.title}”.",
    )
    if parent is not None and parent.author_id not in (None, claim.author_id):
        notifications.notify(
            recipient=parent.author,
            actor=actor,
            verb=Verb.ANSWERED,
            debate=debate,
            url=url,
            message=f"A new {claim.kind} {claim.relation} your claim {quote(parent.text, 8)}: "
            f"{quote(claim.text)}.",
        )
    policy.forget_paths(debate, claim)
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
        summary=quote(claim.text),
        reason=reason,
        recipient=claim.author,
        verb=Verb.REJECTED,
        message=f"Your {claim.kind} {quote(claim.text)} in “{debate.title}” was rejected: {reason}",
    )
    policy.forget_paths(debate, claim)
    return claim


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
    if target.pk in subtree_ids(claim):
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
    claim.status_reason = reason.strip() or f"A duplicate of {quote(target.text)}."
    claim.save()
    _record_and_notify(
        debate=debate,
        actor=actor,
        action=Action.CLAIM_MERGED,
        claim=claim,
        summary=f"{quote(claim.text)} into {quote(target.text)} ({moved_children} "
        f"repl{'y' if moved_children == 1 else 'ies'}, {moved_evidence} evidence moved)",
        reason=reason,
        recipient=claim.author,
        verb=Verb.MERGED,
        message=f"Your {claim.kind} {quote(claim.text)} was merged as a duplicate into "
        f"{quote(target.text)} in “{debate.title}”.",
        url=_claim_url(target, debate),
    )
    policy.forget_paths(debate, claim)
    return claim


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
        new_text = check_text(text)  # the same limits as every claim write
    old = claim.text
    changed = " (edited by the moderator)" if text is not None and new_text != edit.text else ""
    # The edit's author is told below, as an approval; no "edited" notice to the claim's.
    claim_text_save(
        claim=claim,
        debate=debate,
        actor=actor,
        text=new_text,
        action=Action.EDIT_APPROVED,
        summary=f"{quote(old)} → {quote(new_text)}{changed}, now version {claim.version + 1}",
    )
    edit.status = ClaimEdit.Status.APPROVED
    edit.reviewed_by, edit.reviewed_at = actor, timezone.now()
    edit.save()
    url = _claim_url(claim, debate)
    if changed:
        notifications.notify(
            recipient=edit.author,
            actor=actor,
            verb=Verb.EDITED,
            debate=debate,
            url=url,
            message=f"A moderator adjusted your edit of {quote(old)} before approving it.",
        )
    notifications.notify(
        recipient=edit.author,
        actor=actor,
        verb=Verb.APPROVED,
        debate=debate,
        url=url,
        message=f"Your edit of {quote(old)} in “{debate.title}” is approved.",
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
        summary=f"{quote(edit.text)} for {quote(edit.claim.text)}",
        reason=reason,
        recipient=edit.author,
        verb=Verb.REJECTED,
        message=f"Your edit of {quote(edit.claim.text)} was rejected: {reason}",
    )
    return edit


def _evidence_summary(evidence: Evidence) -> str:
    return f"{quote(evidence.passage.anchor.exact, 10)} {evidence.relation} " + quote(
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
    evidence_source_join(claim=evidence.claim, passage=evidence.passage)
    _record_and_notify(
        debate=debate,
        actor=actor,
        action=Action.EVIDENCE_APPROVED,
        claim=evidence.claim,
        evidence=evidence,
        summary=_evidence_summary(evidence),
        recipient=evidence.author,
        verb=Verb.APPROVED,
        message=f"Your evidence for {quote(evidence.claim.text, 8)} is approved.",
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
        message=f"Your evidence for {quote(evidence.claim.text, 8)} was rejected: {reason}",
    )
    return evidence

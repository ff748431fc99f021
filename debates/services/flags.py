"""Flags: anyone who sees a claim or note may flag it; moderators uphold or dismiss."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .. import policy
from ..models import (
    AuditEntry,
    Debate,
    Flag,
)
from . import audit
from ._base import quote
from .annotations import annotation_hide
from .review import _require_moderator, claim_reject

if TYPE_CHECKING:
    from ..models import Annotation, Claim

Action = AuditEntry.Action


def flag_debate(flag: Flag) -> Debate | None:
    # The casts hold by Flag's check constraint: exactly one of claim and annotation is set.
    if flag.claim_id:
        return cast("Claim", flag.claim).debate
    return cast("Annotation", flag.annotation).debate


def flag_add(*, actor, reason: str, note: str = "", claim=None, annotation=None) -> Flag:
    """Anyone who may see a claim or note may flag it for the moderators."""
    if claim is not None:
        debate = claim.debate
        if not (policy.can_flag(actor, debate) and policy.can_open_claim(actor, claim, debate)):
            raise PermissionDenied("Log in as someone who can see this debate to flag it.")
    elif annotation is not None:
        if not (actor.is_authenticated and policy.can_open_annotation(actor, annotation)):
            raise PermissionDenied("Log in as someone who can see this note to flag it.")
        if annotation.author_id == actor.pk:
            raise ValidationError("You cannot flag your own note; edit or delete it instead.")
    else:
        raise ValidationError("Flag one claim or one annotation.")
    if reason not in Flag.Reason.values:
        raise ValidationError(f"“{reason}” is not a reason; choose one from the list.")
    if claim is not None and annotation is not None:
        raise ValidationError("Flag one claim or one annotation.")
    open_flags = Flag.objects.filter(
        created_by=actor, claim=claim, annotation=annotation, status=Flag.Status.OPEN
    )
    if open_flags.exists():
        raise ValidationError("You have already flagged this; a moderator will look at it.")
    return Flag.objects.create(
        created_by=actor,
        reason=reason,
        note=note.strip()[:2000],
        claim=claim,
        annotation=annotation,
    )


def _flag_target(flag: Flag) -> str:
    if flag.claim_id:
        return f"claim {quote(cast('Claim', flag.claim).text, 10)}"
    note = cast("Annotation", flag.annotation)
    return f"note {quote(note.body or note.anchor.exact, 10)}"


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
    if hide_note and flag.annotation_id and not cast("Annotation", flag.annotation).hidden:
        annotation_hide(
            annotation=cast("Annotation", flag.annotation), actor=actor, hidden=True, reason=reason
        )
    if reject_claim and flag.claim_id:
        claim_reject(
            claim=cast("Claim", flag.claim),
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

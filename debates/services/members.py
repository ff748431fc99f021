"""Members of a debate and their roles."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from .. import policy
from ..models import (
    AuditEntry,
    Debate,
    Membership,
)
from . import audit
from .debates import _require_manager

Action = AuditEntry.Action


MEMBER_ROLES = [
    (r.value, r.label) for r in Membership.Role if r.value != Membership.Role.OWNER.value
]


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
    membership = membership_set(debate=debate, user=user, role=role)
    policy.forget_role(user, debate)
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
    policy.forget_role(user, debate)
    audit.record(
        debate=debate,
        actor=actor,
        action=Action.MEMBER_REMOVED,
        summary=f"{user.public_name} ({user.username}), who was {membership.role}",
    )


def membership_set(*, debate: Debate, user, role: str) -> Membership:
    if role not in Membership.Role.values:
        raise ValidationError(
            f"“{role}” is not a role; choose one of {', '.join(Membership.Role.values)}."
        )
    membership, _ = Membership.objects.update_or_create(
        debate=debate, user=user, defaults={"role": role}
    )
    return membership

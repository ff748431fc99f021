"""Members of a debate and their roles."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from .. import policy
from ..models import (
    AuditEntry,
    Debate,
    Membership,
    Notification,
)
from . import audit, notifications
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
    member's, with `require_existing`). The owner's row is fixed. Someone added is told
    (in the app and by email), with a link to the debate."""
    _require_manager(actor, debate)
    if role not in dict(MEMBER_ROLES):
        raise ValidationError(
            f"“{role}” is not a role you can give; choose moderator, contributor, viewer or reader."
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
    if old_role is None:
        notifications.notify(
            recipient=user,
            actor=actor,
            verb=Notification.Verb.ADDED,
            debate=debate,
            url=debate.get_absolute_url(),
            message=f"{actor.public_name} added you to “{debate.title}” as {role}.",
        )
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


@transaction.atomic
def member_grant(*, debate: Debate, actor, grantor, user, role: str, reason: str) -> Membership:
    """Give `user` `role` on the authority of `grantor`, who must manage the debate (the
    person who shared it with a class, say), because of `actor`'s act (a student joining
    the class). Quiet: nobody is notified, the audit log says why (`reason`). Another app
    keeps track of what it granted, to take it back with `member_ungrant`."""
    _require_manager(grantor, debate)
    if role not in dict(MEMBER_ROLES):
        raise ValidationError(f"“{role}” is not a role that can be granted.")
    if user.pk == debate.owner_id:
        raise ValidationError(f"{user.public_name} owns this debate; the owner's role is fixed.")
    old_role = (
        Membership.objects.select_for_update()
        .filter(debate=debate, user=user)
        .values_list("role", flat=True)
        .first()
    )
    membership = membership_set(debate=debate, user=user, role=role)
    if old_role == role:
        return membership
    policy.forget_role(user, debate)
    change = f"{old_role} → {role}" if old_role else f"added as {role}"
    audit.record(
        debate=debate,
        actor=actor,
        action=Action.MEMBER_CHANGED,
        summary=f"{user.public_name} ({user.username}): {change} ({reason})",
    )
    return membership


@transaction.atomic
def member_ungrant(
    *, debate: Debate, actor, user, role: str, restore: str = "", reason: str
) -> bool:
    """Take back `role`, given by `member_grant`: the membership goes, or returns to
    `restore` (the role the person held before the grant). A membership that no longer has
    `role` was changed by hand since, and is left as it is. Taking back needs no authority
    over the debate: it only ever returns a person to where they stood before the grant.
    True if anything changed."""
    membership = (
        Membership.objects.select_for_update().filter(debate=debate, user=user, role=role).first()
    )
    if membership is None or user.pk == debate.owner_id:
        return False
    if restore:
        membership_set(debate=debate, user=user, role=restore)
        change = f"{role} → {restore}"
    else:
        membership.delete()
        change = f"removed, who was {role}"
    policy.forget_role(user, debate)
    audit.record(
        debate=debate,
        actor=actor,
        action=Action.MEMBER_CHANGED if restore else Action.MEMBER_REMOVED,
        summary=f"{user.public_name} ({user.username}): {change} ({reason})",
    )
    return True


def membership_set(*, debate: Debate, user, role: str) -> Membership:
    if role not in Membership.Role.values:
        raise ValidationError(
            f"“{role}” is not a role; choose one of {', '.join(Membership.Role.values)}."
        )
    membership, _ = Membership.objects.update_or_create(
        debate=debate, user=user, defaults={"role": role}
    )
    return membership

"""What the class services share: asking the policy, logging the act, finding a member."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from ..models import ClassAuditEntry, ClassMember, Classroom

MAX_NAME_CHARS = 200
MAX_DESCRIPTION_CHARS = 2000


def require(allowed: bool, message: str) -> None:
    """Refuse with 403 and `message` unless the policy `allowed` it."""
    if not allowed:
        raise PermissionDenied(message)


def refuse_if_archived(classroom: Classroom) -> None:
    if classroom.archived:
        raise PermissionDenied(
            f"“{classroom.name}” is archived: it is read-only until its teacher brings it back."
        )


def person(actor):
    """The user row that stands for `actor` (None for anonymous and the console)."""
    return actor if actor is not None and actor.is_authenticated and actor.pk else None


def audit(*, classroom: Classroom, actor, action: str, summary: str) -> ClassAuditEntry:
    if action not in ClassAuditEntry.Action.values:
        raise ValueError(f"Unknown class audit action {action!r}")
    return ClassAuditEntry.objects.create(
        classroom=classroom, actor=person(actor), action=action, summary=summary[:300]
    )


def named(user) -> str:
    return f"{user.public_name} ({user.username})"


def current_member(classroom: Classroom, user, *, lock: bool = False) -> ClassMember:
    """`user`'s current place in the class, or a ValidationError saying they have none."""
    rows = ClassMember.objects.filter(classroom=classroom, user=user, left_at=None)
    member = (rows.select_for_update() if lock else rows).first()
    if member is None:
        raise ValidationError(f"{user.public_name} is not in this class.")
    member.user = user  # the caller's object, so forgetting its cached role reaches them
    member.classroom = classroom
    return member


def check_name(name: str, description: str) -> tuple[str, str]:
    name = (name or "").strip()
    description = (description or "").strip()
    if not name:
        raise ValidationError("A class needs a name.")
    if len(name) > MAX_NAME_CHARS:
        raise ValidationError(f"The name is too long (the limit is {MAX_NAME_CHARS} characters).")
    if len(description) > MAX_DESCRIPTION_CHARS:
        raise ValidationError(
            f"The description is too long (the limit is {MAX_DESCRIPTION_CHARS:,} characters)."
        )
    return name, description

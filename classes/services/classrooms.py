"""A class itself: creating it, its name, its join code, joining on or off, the archive."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import policy
from ..models import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, ClassAuditEntry, ClassMember, Classroom
from . import sharing
from ._base import audit, check_name, refuse_if_archived, require

Action = ClassAuditEntry.Action
# Tries at an unused code before giving up (a clash is one in billions).
CODE_TRIES = 20


def _new_code() -> str:
    for _ in range(CODE_TRIES):
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        if not Classroom.objects.filter(join_code=code).exists():
            return code
    raise RuntimeError("No unused join code found; is the code space exhausted?")


@transaction.atomic
def class_create(*, actor, name: str, description: str = "") -> Classroom:
    """A new class, with `actor` as its teacher and a fresh join code, open for joining."""
    require(policy.can_create_class(actor), "Log in to create a class.")
    name, description = check_name(name, description)
    for _ in range(3):
        try:
            # A savepoint: a code taken a moment ago by another new class is drawn again.
            with transaction.atomic():
                classroom = Classroom.objects.create(
                    name=name, description=description, join_code=_new_code(), created_by=actor
                )
            break
        except IntegrityError:
            continue
    else:
        raise RuntimeError("Could not give the class a unique join code.")
    ClassMember.objects.create(
        classroom=classroom, user=actor, role=ClassMember.Role.TEACHER, via=ClassMember.Via.CREATED
    )
    policy.forget_class_role(actor, classroom)
    audit(classroom=classroom, actor=actor, action=Action.CREATED, summary=name)
    return classroom


@transaction.atomic
def class_update(*, actor, classroom: Classroom, name: str, description: str) -> Classroom:
    refuse_if_archived(classroom)
    require(
        policy.can_manage_roster(actor, classroom),
        "Only the class's teachers change its name and description.",
    )
    name, description = check_name(name, description)
    if (name, description) == (classroom.name, classroom.description):
        return classroom
    classroom.name, classroom.description = name, description
    classroom.save(update_fields=["name", "description", "updated_at"])
    audit(classroom=classroom, actor=actor, action=Action.UPDATED, summary=name)
    return classroom


@transaction.atomic
def class_code_regenerate(*, actor, classroom: Classroom) -> str:
    """A new join code (and so a new link and QR code): the old ones stop working at once."""
    refuse_if_archived(classroom)
    require(
        policy.can_manage_roster(actor, classroom), "Only the class's teachers change its code."
    )
    old = classroom.display_code
    classroom.join_code = _new_code()
    classroom.save(update_fields=["join_code", "updated_at"])
    audit(
        classroom=classroom,
        actor=actor,
        action=Action.CODE_REGENERATED,
        summary=f"{old} → {classroom.display_code}",
    )
    return classroom.join_code


@transaction.atomic
def class_joining_set(*, actor, classroom: Classroom, joining_open: bool) -> Classroom:
    """Let people join with the code and the link, or stop them (teachers still add people)."""
    refuse_if_archived(classroom)
    require(
        policy.can_manage_roster(actor, classroom),
        "Only the class's teachers open and close joining.",
    )
    if classroom.joining_open == joining_open:
        return classroom
    classroom.joining_open = joining_open
    classroom.save(update_fields=["joining_open", "updated_at"])
    action = Action.JOINING_OPENED if joining_open else Action.JOINING_CLOSED
    audit(classroom=classroom, actor=actor, action=action, summary=classroom.display_code)
    return classroom


@transaction.atomic
def class_archive(*, actor, classroom: Classroom) -> Classroom:
    """End of term: the class becomes read-only and takes no one; its students keep reading
    the shared maps (as readers) and their work stays where it is."""
    require(policy.can_archive(actor, classroom), "Only the class's teacher archives it.")
    if classroom.archived:
        raise ValidationError(f"“{classroom.name}” is archived already.")
    classroom.archived_at = timezone.now()
    classroom.save(update_fields=["archived_at", "updated_at"])
    audit(classroom=classroom, actor=actor, action=Action.ARCHIVED, summary=classroom.name)
    sharing.sync_class(classroom=classroom, actor=actor, reason=f"class “{classroom.name}”")
    return classroom


@transaction.atomic
def class_unarchive(*, actor, classroom: Classroom) -> Classroom:
    require(
        policy.can_archive(actor, classroom),
        "Only the class's teacher brings it back from the archive.",
    )
    if not classroom.archived:
        raise ValidationError(f"“{classroom.name}” is not archived.")
    classroom.archived_at = None
    classroom.save(update_fields=["archived_at", "updated_at"])
    audit(classroom=classroom, actor=actor, action=Action.UNARCHIVED, summary=classroom.name)
    sharing.sync_class(classroom=classroom, actor=actor, reason=f"class “{classroom.name}”")
    return classroom

"""Who is in a class: joining with the code or link, leaving, teachers adding (one by one
or a pasted list), removing, and making co-teachers. Each change brings the roles of the
people concerned in the class's shared maps in step (`sharing.sync_class`), and in the
copies given in the class (`groups.copies_join`, `groups.copies_leave`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from debates.models import Notification
from debates.services.notifications import notify

from .. import policy
from ..models import ClassAuditEntry, ClassMember, Classroom, normal_join_code
from . import groups, sharing
from ._base import audit, current_member, named, refuse_if_archived, require

Action = ClassAuditEntry.Action
Role = ClassMember.Role

# The most names a teacher may paste at once.
MAX_BULK_ENTRIES = 300
NO_SUCH_CODE = (
    "No class takes new members with this code. Check it with your teacher: it may have "
    "changed, or joining may be closed."
)


@dataclass
class JoinResult:
    member: ClassMember
    joined: bool  # False: they were in the class already


@dataclass
class BulkAddResult:
    added: list = field(default_factory=list)  # users now in the class as students
    already: list = field(default_factory=list)  # users who were in it already
    not_found: list[str] = field(default_factory=list)  # entries as typed, matching no one


def _place(classroom: Classroom, user, *, role: str, via: str, added_by=None) -> ClassMember:
    """Put `user` in the class (again, for a former member) with `role`."""
    member = ClassMember.objects.select_for_update().filter(classroom=classroom, user=user).first()
    now = timezone.now()
    if member is None:
        member = ClassMember.objects.create(
            classroom=classroom, user=user, role=role, via=via, added_by=added_by, joined_at=now
        )
    else:
        member.role, member.via, member.added_by = role, via, added_by
        member.joined_at, member.left_at = now, None
        member.save(update_fields=["role", "via", "added_by", "joined_at", "left_at"])
    policy.forget_class_role(user, classroom)
    return member


@transaction.atomic
def class_join(*, actor, code: str, via: str = ClassMember.Via.CODE) -> JoinResult:
    """Join the class whose code (typed, or in the link) is `code`, as a student."""
    require(actor.is_authenticated, "Log in or sign up to join a class.")
    if via not in (ClassMember.Via.CODE, ClassMember.Via.LINK):
        raise ValueError(f"Joining is by code or link, not {via!r}")
    normal = normal_join_code(code)
    classroom = Classroom.objects.filter(join_code=normal).first() if normal else None
    if classroom is None:
        raise ValidationError(NO_SUCH_CODE)
    role = policy.role_in_class(actor, classroom)
    if role is not None:
        return JoinResult(current_member(classroom, actor), joined=False)
    if not policy.can_join(actor, classroom):
        # Closed or archived: told as an unknown code, so a closed class stays quiet.
        raise ValidationError(NO_SUCH_CODE)
    member = _place(classroom, actor, role=Role.STUDENT, via=via)
    audit(classroom=classroom, actor=actor, action=Action.JOINED, summary=named(actor))
    sharing.sync_class(
        classroom=classroom, actor=actor, reason=f"joined class “{classroom.name}”", users=[actor]
    )
    groups.copies_join(classroom=classroom, users=[actor], actor=actor)
    return JoinResult(member, joined=True)


@transaction.atomic
def class_leave(*, actor, classroom: Classroom) -> None:
    """Leave the class (students and co-teachers): its maps' class roles go with it."""
    refuse_if_archived(classroom)
    require(
        policy.can_leave(actor, classroom),
        "The class's teacher cannot leave it; archive it at the end of term instead.",
    )
    member = current_member(classroom, actor, lock=True)
    _depart(member, actor=actor, action=Action.LEFT, reason=f"left class “{classroom.name}”")


def _depart(member: ClassMember, *, actor, action: str, reason: str) -> None:
    classroom = member.classroom
    member.left_at = timezone.now()
    if member.role == Role.CO_TEACHER:
        member.role = Role.STUDENT  # a former member; should they return, it is as a student
    member.save(update_fields=["left_at", "role"])
    policy.forget_class_role(member.user, classroom)
    audit(classroom=classroom, actor=actor, action=action, summary=named(member.user))
    sharing.sync_class(classroom=classroom, actor=actor, reason=reason, users=[member.user])
    groups.copies_leave(classroom=classroom, user=member.user, actor=actor, reason=reason)


@transaction.atomic
def class_member_remove(*, actor, classroom: Classroom, user) -> None:
    """Take someone out of the class: teachers remove students, the teacher co-teachers.
    They become a former member; their work in the maps stays, their class roles go."""
    refuse_if_archived(classroom)
    require(
        policy.can_manage_roster(actor, classroom),
        "Only the class's teachers remove people from it.",
    )
    member = current_member(classroom, user, lock=True)
    if member.role == Role.TEACHER:
        raise ValidationError("The class's teacher cannot be removed from it.")
    if member.role == Role.CO_TEACHER:
        require(
            policy.can_manage_teachers(actor, classroom),
            "Only the class's teacher removes a co-teacher.",
        )
    _depart(
        member,
        actor=actor,
        action=Action.REMOVED,
        reason=f"removed from class “{classroom.name}”",
    )


@transaction.atomic
def class_member_role_set(*, actor, classroom: Classroom, user, role: str) -> ClassMember:
    """Make a student co-teacher (they then moderate the class's maps), or a co-teacher a
    student again: the class's teacher."""
    refuse_if_archived(classroom)
    require(
        policy.can_manage_teachers(actor, classroom),
        "Only the class's teacher makes co-teachers.",
    )
    if role not in (Role.STUDENT, Role.CO_TEACHER):
        raise ValidationError("Choose co-teacher or student.")
    member = current_member(classroom, user, lock=True)
    if member.role == Role.TEACHER:
        raise ValidationError("The class's teacher stays its teacher.")
    if member.role == role:
        raise ValidationError(f"{user.public_name} is {Role(role).label} already.")
    old = member.get_role_display()
    member.role = role
    member.save(update_fields=["role"])
    policy.forget_class_role(user, classroom)
    audit(
        classroom=classroom,
        actor=actor,
        action=Action.ROLE_CHANGED,
        summary=f"{named(user)}: {old} → {Role(role).label}",
    )
    sharing.sync_class(
        classroom=classroom,
        actor=actor,
        reason=f"{Role(role).label} in class “{classroom.name}”",
        users=[user],
    )
    return member


def split_entries(text: str) -> list[str]:
    """A pasted list of usernames and addresses, one per line or separated by commas,
    semicolons or spaces, each once, in the order given ("Name <a@b.org>" gives a@b.org)."""
    entries: list[str] = []
    seen: set[str] = set()
    for part in re.split(r"[\n,;]+", text or ""):
        angled = re.search(r"<([^<>\s]+@[^<>\s]+)>", part)
        for raw in [angled.group(1)] if angled else part.split():
            entry = raw.strip("<>\"'()")
            if entry and entry.lower() not in seen:
                seen.add(entry.lower())
                entries.append(entry)
    return entries


@transaction.atomic
def class_members_add(*, actor, classroom: Classroom, entries: str | list[str]) -> BulkAddResult:
    """Add students by a list of usernames or email addresses (a pasted list, or a list).

    Only active accounts are found; an entry matching none is reported back as typed, as
    "not found", and nothing else is said about it. Each student added is told so (a
    notification, and an email when they have an address).
    """
    refuse_if_archived(classroom)
    require(policy.can_manage_roster(actor, classroom), "Only the class's teachers add students.")
    wanted = split_entries(entries if isinstance(entries, str) else "\n".join(entries))
    if not wanted:
        raise ValidationError("Paste at least one username or email address.")
    if len(wanted) > MAX_BULK_ENTRIES:
        raise ValidationError(
            f"That is {len(wanted)} names; add at most {MAX_BULK_ENTRIES} at a time."
        )
    emails = [e for e in wanted if "@" in e]
    usernames = [e for e in wanted if "@" not in e]
    query = Q(pk__in=[])
    for email in emails:
        query |= Q(email__iexact=email)
    for username in usernames:
        query |= Q(username__iexact=username)
    found = list(get_user_model().objects.filter(query, is_active=True))
    by_email = {u.email.lower(): u for u in found if u.email}
    by_name = {u.username.lower(): u for u in found}
    members = {
        m.user_id: m
        for m in ClassMember.objects.select_for_update().filter(classroom=classroom, user__in=found)
    }
    result = BulkAddResult()
    seen: set[int] = set()
    for entry in wanted:
        user = by_email.get(entry.lower()) if "@" in entry else by_name.get(entry.lower())
        if user is None:
            result.not_found.append(entry)
            continue
        if user.pk in seen:
            continue  # the same person by username and address
        seen.add(user.pk)
        member = members.get(user.pk)
        if member is not None and member.left_at is None:
            result.already.append(user)
            continue
        _place(classroom, user, role=Role.STUDENT, via=ClassMember.Via.ADDED, added_by=actor)
        audit(classroom=classroom, actor=actor, action=Action.ADDED, summary=named(user))
        result.added.append(user)
    if result.added:
        sharing.sync_class(
            classroom=classroom,
            actor=actor,
            reason=f"added to class “{classroom.name}”",
            users=result.added,
        )
        groups.copies_join(classroom=classroom, users=result.added, actor=actor)
        _tell_added(classroom, result.added, actor=actor)
    return result


def _tell_added(classroom: Classroom, users: list, *, actor) -> None:
    """Tell each student a teacher added that they are in the class now: a notification
    in the app and, for those with an address, an email once the write commits."""
    url = classroom.get_absolute_url()
    by = actor.public_name if getattr(actor, "pk", None) else "A teacher"
    for user in users:
        notify(
            recipient=user,
            actor=actor,
            verb=Notification.Verb.ADDED,
            message=f"{by} added you to the class “{classroom.name}”.",
            url=url,
        )

"""Small groups in a class, and copies of a template map for the class, each group or each
student.

A student is in at most one group of a class (the database says so too). Groups are made by
hand (`group_create`, `group_member_add`, `group_member_remove`, `group_delete`) or at
random (`groups_make_random`, which replaces the class's groups). Only current students are
put in groups.

`class_copies_give` clones a template map (`debates.services.debate_copies`, one call, a
fixed number of queries per copy) into private copies owned by the class's teacher: one for
the whole class, one per group or one per student. The students of each copy get the debate
role of the chosen mode (`MapShare.ROLE_FOR_MODE`), the class's teachers and co-teachers
moderate every copy, and `GroupCopy` records which copy is whose. Each role a copy gave is
a `ClassGrant`, like a shared map's roles: someone who leaves the class or is removed loses
them (`copies_leave`; a role held otherwise stays), and someone who joins after the copies
were given gets what the copies gave the others (`copies_join`): a place in the class's
copy, their own copy, or a place in the smallest group that has a copy, and that copy.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from debates import policy as debate_policy
from debates import services as debate_services
from debates.models import Debate, Membership

from .. import policy
from ..models import (
    ClassAuditEntry,
    ClassGrant,
    ClassGroup,
    ClassGroupMember,
    ClassMember,
    Classroom,
    GroupCopy,
    MapShare,
)
from ._base import audit, named, person, refuse_if_archived, require

Action = ClassAuditEntry.Action
MAX_GROUP_NAME_CHARS = 100
MAX_GROUPS = 200
REFUSED = "Only the class's teachers and co-teachers make and change its groups."

# The contribution mode of a copy, by how the students may work in it: they propose in a
# reviewed copy and add directly in an open one. Read-only copies keep the template's.
COPY_MODE_FOR = {
    MapShare.Mode.PROPOSE: Debate.Mode.REVIEWED,
    MapShare.Mode.CONTRIBUTE: Debate.Mode.OPEN,
}


def _allowed(actor, classroom: Classroom) -> None:
    refuse_if_archived(classroom)
    require(policy.can_manage_groups(actor, classroom), REFUSED)


def _check_group_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError("A group needs a name.")
    if len(name) > MAX_GROUP_NAME_CHARS:
        raise ValidationError(
            f"The group's name is too long (the limit is {MAX_GROUP_NAME_CHARS} characters)."
        )
    return name


def _students(classroom: Classroom, users: Iterable | None = None) -> list:
    """The class's current students (those of `users`, if given), by username; a
    ValidationError names anyone of `users` who is not one."""
    rows = ClassMember.objects.filter(
        classroom=classroom, role=ClassMember.Role.STUDENT, left_at=None
    ).select_related("user")
    if users is None:
        return sorted((m.user for m in rows), key=lambda u: u.username.lower())
    users = list(users)
    found = {m.user_id for m in rows.filter(user__in=[u.pk for u in users])}
    missing = [u for u in users if u.pk not in found]
    if missing:
        names = ", ".join(u.public_name for u in missing)
        raise ValidationError(f"Only the class's students go in groups; not: {names}.")
    return users


def _group_of(classroom: Classroom, group: ClassGroup) -> ClassGroup:
    if group.classroom_id != classroom.pk:
        raise ValidationError("That group is not in this class.")
    return group


@transaction.atomic
def group_create(*, actor, classroom: Classroom, name: str, students: Iterable = ()) -> ClassGroup:
    """A group of `students` (current students of the class) named `name`; a student in
    another group of the class moves to this one."""
    _allowed(actor, classroom)
    name = _check_group_name(name)
    students = _students(classroom, students)
    if ClassGroup.objects.filter(classroom=classroom, name=name).exists():
        raise ValidationError(f"The class has a group named “{name}” already.")
    try:
        with transaction.atomic():
            group = ClassGroup.objects.create(
                classroom=classroom, name=name, created_by=person(actor)
            )
    except IntegrityError as error:
        raise ValidationError(f"The class has a group named “{name}” already.") from error
    ids = [u.pk for u in students]
    ClassGroupMember.objects.filter(classroom=classroom, user_id__in=ids).delete()
    ClassGroupMember.objects.bulk_create(
        [ClassGroupMember(classroom=classroom, group=group, user=u) for u in students]
    )
    who = ", ".join(u.public_name for u in students) or "nobody yet"
    audit(
        classroom=classroom,
        actor=actor,
        action=Action.GROUP_CREATED,
        summary=f"“{name}”: {who}",
    )
    return group


def deal(people: list, *, count: int | None = None, size: int | None = None, seed=None):
    """`people` shuffled (reproducibly for a given `seed`) and dealt into `count` groups, or
    into as few groups as hold at most `size` each; sizes differ by at most one."""
    if (count is None) == (size is None):
        raise ValidationError("Give either a number of groups or a group size.")
    if not people:
        raise ValidationError("The class has no students to put in groups.")
    if count is not None:
        if count < 1:
            raise ValidationError("Make at least one group.")
        groups = min(count, len(people))
    else:
        if size is None or size < 1:
            raise ValidationError("A group holds at least one student.")
        groups = math.ceil(len(people) / size)
    if groups > MAX_GROUPS:
        raise ValidationError(f"That is too many groups (the limit is {MAX_GROUPS}).")
    shuffled = list(people)
    random.Random(seed).shuffle(shuffled)  # noqa: S311 - fairness, not secrecy
    return [shuffled[i::groups] for i in range(groups)]


@transaction.atomic
def groups_make_random(
    *,
    actor,
    classroom: Classroom,
    count: int | None = None,
    size: int | None = None,
    seed: int | str | None = None,
) -> list[ClassGroup]:
    """Put every current student of the class in a group at random: `count` groups, or
    groups of at most `size`; sizes differ by at most one. The class's groups before are
    replaced (copies given to them stay, under their old names)."""
    _allowed(actor, classroom)
    students = _students(classroom)
    # Sorted first so that one seed always deals the same class the same way.
    dealt = deal(sorted(students, key=lambda u: u.pk), count=count, size=size, seed=seed)
    ClassGroup.objects.filter(classroom=classroom).delete()
    by = person(actor)
    groups = ClassGroup.objects.bulk_create(
        [
            ClassGroup(classroom=classroom, name=f"Group {i}", created_by=by)
            for i in range(1, len(dealt) + 1)
        ]
    )
    if any(g.pk is None for g in groups):  # databases that return no ids
        groups = list(ClassGroup.objects.filter(classroom=classroom).order_by("pk"))
    ClassGroupMember.objects.bulk_create(
        [
            ClassGroupMember(classroom=classroom, group=group, user=user)
            for group, members in zip(groups, dealt, strict=True)
            for user in members
        ]
    )
    how = f"{count} groups" if count is not None else f"groups of at most {size}"
    audit(
        classroom=classroom,
        actor=actor,
        action=Action.GROUPS_MADE,
        summary=f"{how}: {len(students)} students in {len(groups)} groups",
    )
    return groups


@transaction.atomic
def group_member_add(*, actor, classroom: Classroom, group: ClassGroup, user) -> None:
    """Put a student in `group`, taking them out of any other group of the class."""
    _allowed(actor, classroom)
    group = _group_of(classroom, group)
    _students(classroom, [user])
    current = ClassGroupMember.objects.filter(classroom=classroom, user=user).first()
    if current is not None and current.group_id == group.pk:
        raise ValidationError(f"{user.public_name} is in “{group.name}” already.")
    if current is not None:
        current.delete()
    ClassGroupMember.objects.create(classroom=classroom, group=group, user=user)
    audit(
        classroom=classroom,
        actor=actor,
        action=Action.GROUP_MEMBER_ADDED,
        summary=f"{named(user)} → “{group.name}”",
    )


@transaction.atomic
def group_member_remove(*, actor, classroom: Classroom, group: ClassGroup, user) -> None:
    """Take a student out of `group` (their copies stay theirs)."""
    _allowed(actor, classroom)
    group = _group_of(classroom, group)
    deleted, _ = ClassGroupMember.objects.filter(group=group, user=user).delete()
    if not deleted:
        raise ValidationError(f"{user.public_name} is not in “{group.name}”.")
    audit(
        classroom=classroom,
        actor=actor,
        action=Action.GROUP_MEMBER_REMOVED,
        summary=f"{named(user)} out of “{group.name}”",
    )


@transaction.atomic
def group_delete(*, actor, classroom: Classroom, group: ClassGroup) -> None:
    """Delete a group; its students are in no group, and its copies stay (their members
    keep their roles), listed under the group's name."""
    _allowed(actor, classroom)
    group = _group_of(classroom, group)
    name = group.name
    group.delete()
    audit(classroom=classroom, actor=actor, action=Action.GROUP_DELETED, summary=f"“{name}”")


# --- copies --------------------------------------------------------------------------------


def _copy_title(template: Debate, whose: str) -> str:
    suffix = f" · {whose}"
    return template.title[: 200 - len(suffix)].rstrip() + suffix


@transaction.atomic
def class_copies_give(
    *, actor, classroom: Classroom, template: Debate, copy_for: str, mode: str
) -> list[GroupCopy]:
    """Copies of `template`: one for the whole class, one per group (with students) or one
    per student (`copy_for`), all made by one `debate_copies` call. Each copy is private,
    owned by the class's teacher, moderated by its teachers and co-teachers; its students
    get the role `mode` names (read, propose, contribute)."""
    refuse_if_archived(classroom)
    require(
        policy.can_give_copies(actor, classroom, template),
        "Only a teacher of the class who may copy the map (its owner or a moderator) gives "
        "copies of it.",
    )
    if copy_for not in GroupCopy.For.values:
        raise ValidationError("Choose a copy for the class, for each group or for each student.")
    if mode not in MapShare.Mode.values:
        raise ValidationError(f"“{mode}” is not a way to work; choose read, propose or contribute.")
    members = list(
        ClassMember.objects.filter(classroom=classroom, left_at=None).select_related("user")
    )
    owner = next(m.user for m in members if m.role == ClassMember.Role.TEACHER)
    teachers = [
        (m.user, Membership.Role.MODERATOR) for m in members if m.teaches and m.user.pk != owner.pk
    ]
    students = sorted(
        (m.user for m in members if m.role == ClassMember.Role.STUDENT),
        key=lambda u: u.username.lower(),
    )
    role = MapShare.ROLE_FOR_MODE[MapShare.Mode(mode)]
    # (title, group, student, the students of the copy)
    units: list[tuple[str, ClassGroup | None, Any, list]] = []
    if copy_for == GroupCopy.For.CLASS:
        units.append((classroom.name, None, None, students))
    elif copy_for == GroupCopy.For.STUDENT:
        units.extend((s.public_name, None, s, [s]) for s in students)
    else:
        current = {s.pk: s for s in students}
        by_group: dict[int, list] = {}
        for row in ClassGroupMember.objects.filter(classroom=classroom).order_by("user__username"):
            if row.user_id in current:
                by_group.setdefault(row.group_id, []).append(current[row.user_id])
        for group in ClassGroup.objects.filter(classroom=classroom).order_by("name", "pk"):
            if by_group.get(group.pk):
                units.append((group.name, group, None, by_group[group.pk]))
        if not units:
            raise ValidationError("The class has no groups with students yet: make groups first.")
    if not units:
        raise ValidationError("The class has no students to give copies to.")
    copies = debate_services.debate_copies(
        actor=actor,
        debate=template,
        titles=[_copy_title(template, whose) for whose, _, _, _ in units],
        members=[teachers + [(s, role) for s in people] for _, _, _, people in units],
        owner=owner,
        visibility=Debate.Visibility.PRIVATE,
        contribution_mode=COPY_MODE_FOR.get(MapShare.Mode(mode), template.contribution_mode),
    )
    by = person(actor)
    now = timezone.now()  # one time for the batch, so it lists in the order made
    rows = GroupCopy.objects.bulk_create(
        [
            GroupCopy(
                classroom=classroom,
                template=template,
                debate=debate,
                copy_for=copy_for,
                mode=mode,
                group=group,
                group_name=group.name if group is not None else "",
                student=student,
                created_by=by,
                created_at=now,
            )
            for debate, (_, group, student, _) in zip(copies, units, strict=True)
        ]
    )
    # What the class gave, remembered so that it goes when the person leaves the class
    # (`copies_leave`): one insert for every copy.
    ClassGrant.objects.bulk_create(
        [
            ClassGrant(debate=debate, user=user, role=member_role, previous_role="")
            for debate, (_, _, _, people) in zip(copies, units, strict=True)
            for user, member_role in teachers + [(s, role) for s in people]
            if user.pk != owner.pk
        ]
    )
    label = GroupCopy.For(copy_for).label
    audit(
        classroom=classroom,
        actor=actor,
        action=Action.COPIES_GIVEN,
        summary=(
            f"“{template.title}” for {label} ({MapShare.Mode(mode).label}): "
            f"{len(rows)} cop{'ies' if len(rows) != 1 else 'y'}"
        ),
    )
    return rows


# --- copies and the roster -----------------------------------------------------------------


def copies_leave(*, classroom: Classroom, user, actor, reason: str) -> None:
    """`user` left the class or was removed: the roles its copies gave them go (a role held
    by hand before stays, or comes back), and they are in none of its groups."""
    grants = ClassGrant.objects.select_for_update().filter(
        user=user, debate__class_copy__classroom=classroom
    )
    for grant in grants.select_related("debate"):
        debate_services.member_ungrant(
            debate=grant.debate,
            actor=actor,
            user=user,
            role=grant.role,
            restore=grant.previous_role,
            reason=reason,
        )
        grant.delete()
    ClassGroupMember.objects.filter(classroom=classroom, user=user).delete()


def copies_join(*, classroom: Classroom, users: Iterable, actor) -> None:
    """`users` just became students of the class (or came back) after copies of maps were
    given in it: each gets what the copies gave the others. From a copy for the whole class,
    a role in it. From copies per group, a role in their group's copy; someone in no group
    is put in the smallest group that has a copy (the fewest current students; by name on
    a tie). From copies per student, their own copy if they had one, else a new copy of the
    template, made on the authority of the teacher who gave the others (none when the
    template is gone or they may no longer copy it: the class's log says so)."""
    users = list(users)
    copies = list(
        GroupCopy.objects.filter(classroom=classroom)
        .select_related("debate__owner", "template", "created_by", "group")
        .order_by("created_at", "pk")
    )
    if not users or not copies:
        return
    # The copies given together: one batch per template, "for", mode and moment.
    batches: dict[tuple, list[GroupCopy]] = {}
    for copy in copies:
        key = (copy.template_id, copy.copy_for, copy.mode, copy.created_at)
        batches.setdefault(key, []).append(copy)
    group_of = dict(
        ClassGroupMember.objects.filter(classroom=classroom, user__in=users).values_list(
            "user_id", "group_id"
        )
    )
    for user in users:
        for batch in batches.values():
            first = batch[0]
            role = MapShare.ROLE_FOR_MODE[MapShare.Mode(first.mode)]
            target: GroupCopy | None = None
            if first.copy_for == GroupCopy.For.CLASS:
                target = first
            elif first.copy_for == GroupCopy.For.STUDENT:
                target = next((c for c in batch if c.student_id == user.pk), None)
                if target is None:
                    _late_copy(classroom, batch, user, role, actor)
                    continue
            else:
                if user.pk not in group_of:
                    group = _smallest_group(classroom, batch)
                    if group is not None:
                        ClassGroupMember.objects.create(classroom=classroom, group=group, user=user)
                        group_of[user.pk] = group.pk
                        audit(
                            classroom=classroom,
                            actor=actor,
                            action=Action.GROUP_MEMBER_ADDED,
                            summary=f"{named(user)} → “{group.name}” (joined after copies "
                            "were given: the smallest group)",
                        )
                wanted = group_of.get(user.pk)
                target = next((c for c in batch if c.group_id and c.group_id == wanted), None)
            if target is not None:
                _grant_copy(target.debate, user, role, actor, classroom)


def _smallest_group(classroom: Classroom, batch: list[GroupCopy]) -> ClassGroup | None:
    """Of the groups (still there) that have a copy in `batch`, the one with the fewest
    current students; by name, then age, on a tie."""
    groups = {c.group_id: c.group for c in batch if c.group is not None}
    if not groups:
        return None
    sizes = dict(
        ClassGroupMember.objects.filter(
            group_id__in=list(groups),
            user__class_memberships__classroom=classroom,
            user__class_memberships__role=ClassMember.Role.STUDENT,
            user__class_memberships__left_at=None,
        )
        .order_by()
        .values_list("group_id")
        .annotate(n=Count("pk"))
    )
    return min(groups.values(), key=lambda g: (sizes.get(g.pk, 0), _natural_key(g.name), g.pk))


def _natural_key(name: str) -> list:
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


def _grant_copy(debate: Debate, user, role: str, actor, classroom: Classroom) -> None:
    """Give `user` `role` in a class's copy, as a `ClassGrant` (nothing when they hold as
    much already, by hand)."""
    from .sharing import RANK

    if user.pk == debate.owner_id:
        return
    grant = ClassGrant.objects.select_for_update().filter(debate=debate, user=user).first()
    held = (
        Membership.objects.filter(debate=debate, user=user).values_list("role", flat=True).first()
    )
    if held is not None and RANK[held] >= RANK[role]:
        return
    debate_services.member_grant(
        debate=debate,
        actor=actor,
        grantor=debate.owner,
        user=user,
        role=role,
        reason=f"class “{classroom.name}”",
    )
    if grant is None:
        ClassGrant.objects.create(debate=debate, user=user, role=role, previous_role=held or "")
    else:
        grant.role = role
        grant.save(update_fields=["role", "updated_at"])


def _late_copy(classroom: Classroom, batch: list[GroupCopy], user, role: str, actor) -> None:
    """A copy of the batch's template for a student who joined after it was given."""
    first = batch[0]
    template, by = first.template, first.created_by
    if template is None or by is None or not debate_policy.can_copy_debate(by, template):
        audit(
            classroom=classroom,
            actor=actor,
            action=Action.COPIES_GIVEN,
            summary=f"No copy for {named(user)}, who joined after the copies were given: "
            "the template is gone or may no longer be copied.",
        )
        return
    owner = first.debate.owner
    teachers = [
        (m.user, Membership.Role.MODERATOR)
        for m in ClassMember.objects.filter(classroom=classroom, left_at=None).select_related(
            "user"
        )
        if m.teaches and m.user_id != owner.pk
    ]
    members = [*teachers, (user, role)]
    (debate,) = debate_services.debate_copies(
        actor=by,
        debate=template,
        titles=[_copy_title(template, user.public_name)],
        members=[members],
        owner=owner,
        visibility=Debate.Visibility.PRIVATE,
        contribution_mode=COPY_MODE_FOR.get(MapShare.Mode(first.mode), template.contribution_mode),
    )
    GroupCopy.objects.create(
        classroom=classroom,
        template=template,
        debate=debate,
        copy_for=GroupCopy.For.STUDENT,
        mode=first.mode,
        student=user,
        created_by=by,
        created_at=first.created_at,  # listed with the copies given with it
    )
    ClassGrant.objects.bulk_create(
        [ClassGrant(debate=debate, user=u, role=r, previous_role="") for u, r in members]
    )
    audit(
        classroom=classroom,
        actor=actor,
        action=Action.COPIES_GIVEN,
        summary=f"“{template.title}” for {named(user)}, who joined after the copies were given",
    )

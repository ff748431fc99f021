"""Reads for a class's groups page and the copies listed on the class page: a fixed number
of queries whatever the number of groups, students and copies."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from debates import policy as debate_policy
from debates.models import Debate, Membership

from .. import policy
from ..models import ClassGroup, ClassGroupMember, ClassMember, Classroom, GroupCopy


@dataclass
class GroupRow:
    group: ClassGroup
    students: list = field(default_factory=list)  # current students, by username
    copies: list[GroupCopy] = field(default_factory=list)


@dataclass
class GroupsPage:
    classroom: Classroom
    groups: list[GroupRow]
    ungrouped: list  # current students in no group
    students: list  # every current student, by username (to pick from)
    copies: list[GroupCopy]  # every copy given in the class, newest first
    templates: list[Debate]  # maps the viewer may give copies of


def _copies(classroom: Classroom):
    return GroupCopy.objects.filter(classroom=classroom).select_related(
        "debate", "template", "student", "group"
    )


def copy_templates(*, user, classroom: Classroom) -> list[Debate]:
    """The maps `user` may give copies of: those they own or moderate, and those shared with
    the class that they moderate; never a copy given to a class."""
    if not user.is_authenticated:
        return []
    moderating = Membership.objects.filter(
        user=user, role__in=debate_policy.MODERATING_ROLES
    ).values("debate")
    mine = Q(owner=user) | Q(pk__in=moderating)
    if user.is_staff:
        mine |= Q(class_shares__classroom=classroom)
    return list(
        Debate.objects.filter(mine)
        .filter(class_copy__isnull=True)
        .distinct()
        .order_by("title", "pk")
    )


def groups_page(*, user, classroom: Classroom) -> GroupsPage:
    """The class's groups with their students and copies, the students in no group, every
    copy given, and the maps the viewer may copy: five queries."""
    students = sorted(
        (
            m.user
            for m in ClassMember.objects.filter(
                classroom=classroom, role=ClassMember.Role.STUDENT, left_at=None
            ).select_related("user")
        ),
        key=lambda u: u.username.lower(),
    )
    by_id = {u.pk: u for u in students}
    rows = {
        g.pk: GroupRow(g) for g in ClassGroup.objects.filter(classroom=classroom).order_by("pk")
    }
    grouped = set()
    for user_id, group_id in ClassGroupMember.objects.filter(classroom=classroom).values_list(
        "user_id", "group_id"
    ):
        if user_id in by_id and group_id in rows:
            rows[group_id].students.append(by_id[user_id])
            grouped.add(user_id)
    for row in rows.values():
        row.students.sort(key=lambda u: u.username.lower())
    copies = list(_copies(classroom).order_by("-created_at", "pk"))
    for copy in copies:
        if copy.group_id in rows:
            rows[copy.group_id].copies.append(copy)
    groups = sorted(rows.values(), key=lambda r: (_natural(r.group.name), r.group.pk))
    return GroupsPage(
        classroom=classroom,
        groups=groups,
        ungrouped=[u for u in students if u.pk not in grouped],
        students=students,
        copies=copies,
        templates=copy_templates(user=user, classroom=classroom),
    )


def _natural(name: str) -> tuple:
    """Sort "Group 2" before "Group 10"."""
    head, _, tail = name.rpartition(" ")
    return (head.lower(), int(tail), "") if tail.isdigit() else (name.lower(), -1, name)


@dataclass
class MyGroup:
    group: ClassGroup
    students: list


def class_copies(*, user, classroom: Classroom) -> list[GroupCopy]:
    """The copies given in the class that `user` sees on its page: all of them for its
    teachers; for a student, the copies they are a member of (their own, their group's, the
    class's). One query."""
    rows = _copies(classroom).order_by("-created_at", "pk")
    if not policy.can_teach(user, classroom):
        rows = rows.filter(debate__memberships__user=user.pk)
    return list(rows)


def my_group(*, user, classroom: Classroom) -> MyGroup | None:
    """The group `user` is in, in this class, with its current students (two queries), or
    None."""
    if not user.is_authenticated:
        return None
    place = (
        ClassGroupMember.objects.filter(classroom=classroom, user=user)
        .select_related("group")
        .first()
    )
    if place is None:
        return None
    current = ClassMember.objects.filter(
        classroom=classroom, role=ClassMember.Role.STUDENT, left_at=None
    ).values("user")
    students = [
        m.user
        for m in ClassGroupMember.objects.filter(group=place.group, user__in=current)
        .select_related("user")
        .order_by("user__username")
    ]
    return MyGroup(place.group, students)

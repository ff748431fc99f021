"""The one place that answers "may this person do this in that class?".

A person's role in a class is read once per request and kept on the user object, like
`debates.policy.role_in`. Only current members count: a former student is an outsider
again. Whoever may not see a class gets 404 from its pages, never 403, so a class's
existence (and its private ids) is not revealed; what a member may see but not do is 403.

An archived class is read-only: no joining, no roster or sharing changes, until its teacher
brings it back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from debates import policy as debate_policy
from debates.models import Debate

from .models import ClassMember, Classroom

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    Person = User | AnonymousUser

Role = ClassMember.Role
TEACHING_ROLES = {Role.TEACHER, Role.CO_TEACHER}


def role_in_class(user: Person, classroom: Classroom) -> str | None:
    """The user's current role in the class, or None (outsiders and former members)."""
    if not user.is_authenticated:
        return None
    cache = user.__dict__.setdefault("_crux_class_roles", {})
    if classroom.pk not in cache:
        cache[classroom.pk] = (
            ClassMember.objects.filter(classroom=classroom, user=user, left_at=None)
            .values_list("role", flat=True)
            .first()
        )
    return cache[classroom.pk]


def remember_class_role(user: Person, classroom: Classroom, role: str | None) -> None:
    """Tell the cache a role a selector has read anyway, so asking costs nothing."""
    if user.is_authenticated:
        user.__dict__.setdefault("_crux_class_roles", {})[classroom.pk] = role


def forget_class_role(user: Person, classroom: Classroom) -> None:
    """Drop the cached role after a write changed it."""
    user.__dict__.get("_crux_class_roles", {}).pop(classroom.pk, None)


def _staff(user: Person) -> bool:
    return bool(user.is_authenticated and user.is_staff)


def can_create_class(user: Person) -> bool:
    return user.is_authenticated


def can_view_class(user: Person, classroom: Classroom) -> bool:
    """Its current members and site staff; everyone else gets 404."""
    return _staff(user) or role_in_class(user, classroom) is not None


def can_teach(user: Person, classroom: Classroom) -> bool:
    """Teachers and co-teachers (and staff): they see the roster, the join code and the
    class's audit log, whether or not it is archived."""
    return _staff(user) or role_in_class(user, classroom) in TEACHING_ROLES


def can_manage_roster(user: Person, classroom: Classroom) -> bool:
    """Add and remove students, open and close joining, make a new code, rename the class."""
    return not classroom.archived and can_teach(user, classroom)


def can_manage_teachers(user: Person, classroom: Classroom) -> bool:
    """Make a student co-teacher, or a co-teacher a student again, or remove a co-teacher:
    the class's teacher (its creator) and staff."""
    if classroom.archived:
        return False
    return _staff(user) or role_in_class(user, classroom) == Role.TEACHER


def can_archive(user: Person, classroom: Classroom) -> bool:
    """Archive the class at the end of term, or bring it back: its teacher and staff."""
    return _staff(user) or role_in_class(user, classroom) == Role.TEACHER


def can_share_maps(user: Person, classroom: Classroom) -> bool:
    """Share maps with the class, change how, stop sharing (which map: `can_share_map`)."""
    return not classroom.archived and can_teach(user, classroom)


def can_share_map(user: Person, classroom: Classroom, debate: Debate) -> bool:
    """Share `debate` with the class, or change how it is shared: a teacher of the class who
    also manages the debate, since the share gives its members roles in it."""
    return can_share_maps(user, classroom) and debate_policy.can_manage_debate(user, debate)


def can_join(user: Person, classroom: Classroom) -> bool:
    """Signed-in people not in the class yet (former members too), while it takes members."""
    if not user.is_authenticated or classroom.archived or not classroom.joining_open:
        return False
    return role_in_class(user, classroom) is None


def can_leave(user: Person, classroom: Classroom) -> bool:
    """Students and co-teachers leave; the teacher stays (the class is theirs)."""
    if classroom.archived:
        return False
    return role_in_class(user, classroom) in (Role.STUDENT, Role.CO_TEACHER)


def visible_classes_q(user: Person) -> Q:
    """A filter for the classes a person belongs to now (staff open any class by its page,
    but their list holds only their own)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    return Q(members__user=user, members__left_at__isnull=True)


# Every class action by name, for the role × action table in tests and for templates.
def can(user: Person, action: str, classroom: Classroom, target=None) -> bool:
    checks = {
        "view": lambda: can_view_class(user, classroom),
        "teach": lambda: can_teach(user, classroom),
        "manage_roster": lambda: can_manage_roster(user, classroom),
        "manage_teachers": lambda: can_manage_teachers(user, classroom),
        "archive": lambda: can_archive(user, classroom),
        "share_maps": lambda: can_share_maps(user, classroom),
        "share_map": lambda: can_share_map(user, classroom, target),
        "join": lambda: can_join(user, classroom),
        "leave": lambda: can_leave(user, classroom),
    }
    if action not in checks:
        raise ValueError(f"Unknown action {action!r}; known: {', '.join(sorted(checks))}")
    return bool(checks[action]())

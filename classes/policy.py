"""The one place that answers "may this person do this in that class?".

A person's role in a class is read once per request and kept on the user object, like
`debates.policy.role_in`. Only current members count: a former student is an outsider
again. Whoever may not see a class gets 404 from its pages, never 403, so a class's
existence (and its private ids) is not revealed; what a member may see but not do is 403.

An archived class is read-only: no joining, no roster or sharing changes, until its teacher
brings it back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
    """Drop the cached role after a write changed it (and whether they may wait on an
    assignment, `_may_wait`, which a change of class changes too)."""
    user.__dict__.get("_crux_class_roles", {}).pop(classroom.pk, None)
    user.__dict__.pop("_crux_may_wait", None)


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


def can_set_assignments(user: Person, classroom: Classroom) -> bool:
    """Set, change and publish assignments: the class's teachers, while it is not archived."""
    return not classroom.archived and can_teach(user, classroom)


def can_delete_assignment(user: Person, classroom: Classroom) -> bool:
    """Delete an assignment with its tasks, grades and comments: the class's teachers,
    while it is not archived (the service asks them to confirm when grades were released)."""
    return not classroom.archived and can_teach(user, classroom)


def can_grade(user: Person, classroom: Classroom) -> bool:
    """Grade students' work, comment on it privately and release grades: the class's
    teachers, while it is not archived (they still see grades in an archived class)."""
    return not classroom.archived and can_teach(user, classroom)


def can_manage_groups(user: Person, classroom: Classroom) -> bool:
    """Make groups (by hand or at random), move students between them, delete them: the
    class's teachers, while it is not archived. Students see only their own group."""
    return not classroom.archived and can_teach(user, classroom)


def can_give_copies(user: Person, classroom: Classroom, debate: Debate) -> bool:
    """Give the class, each group or each student a copy of `debate`: a teacher of the class
    who may copy the map (its owner, a moderator, or staff)."""
    return can_manage_groups(user, classroom) and debate_policy.can_copy_debate(user, debate)


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
        "set_assignments": lambda: can_set_assignments(user, classroom),
        "delete_assignment": lambda: can_delete_assignment(user, classroom),
        "manage_groups": lambda: can_manage_groups(user, classroom),
        "give_copies": lambda: can_give_copies(user, classroom, target),
        "join": lambda: can_join(user, classroom),
        "leave": lambda: can_leave(user, classroom),
    }
    if action not in checks:
        raise ValueError(f"Unknown action {action!r}; known: {', '.join(sorted(checks))}")
    return bool(checks[action]())


# --- "see classmates' work only after you post" ---------------------------------------------
#
# Both hooks below answer in one of two forms. For one debate or source (`debate=`,
# `source=`: a map, a claim page, the reader) they return a subquery that depends on no row.
# For a list that crosses debates or sources (search, recent activity, notifications, a
# person's claims) they take `debate_ref` or `source_ref`, the path from the caller's row to
# its debate or source, and return an expression correlated with each row (`author_ref`:
# the path to the row's author). Either way the only query run here is `_may_wait`'s, at
# most once per request, and none of the subquery itself.


def _outer(path: str, depth: int):
    from django.db.models import OuterRef

    ref: Any = path
    for _ in range(depth):
        ref = OuterRef(ref)
    return ref


def _naming(
    *,
    debate: Debate | None,
    source,
    debate_ref: str | None = None,
    source_ref: str | None = None,
    depth: int = 1,
) -> Q | None:
    """Assignments whose tasks name `debate` (or `source`, or a map citing it), or, by
    reference, the debate or source of the caller's row `depth` subqueries out; None when
    the hooks are asked about nothing."""
    if debate is not None:
        return Q(tasks__debate=debate)
    if source is not None:
        return Q(tasks__source=source) | Q(tasks__debate__sources=source)
    if debate_ref is not None:
        return Q(tasks__debate=_outer(debate_ref, depth))
    if source_ref is not None:
        ref = _outer(source_ref, depth)
        return Q(tasks__source=ref) | Q(tasks__debate__sources=ref)
    return None


def _open_assignments(user: User):
    """The published, not yet closed "see classmates' work only after you post" assignments
    of the (not archived) classes in which `user` is a current student."""
    from django.db.models.functions import Coalesce
    from django.utils import timezone

    from .models import Assignment

    return (
        Assignment.objects.filter(see_after_post=True, published=True)
        .filter(
            classroom__members__user=user,
            classroom__members__role=Role.STUDENT,
            classroom__members__left_at__isnull=True,
            classroom__archived_at__isnull=True,
        )
        .annotate(closes=Coalesce("late_until", "due_at"))
        .filter(closes__gte=timezone.now())
    )


def _waiting(user: User, names: Q):
    """The open "see after you post" assignments named by `names`, in classes where `user`
    is a current student, to which `user` has not posted yet (see `withheld_authors`)."""
    from django.db.models import Exists, OuterRef

    from debates.models import Annotation, Claim

    from .models import Task

    window = {
        "created_at__gte": OuterRef("created_at"),
        "created_at__lte": OuterRef("closes"),
    }
    claimed = Claim.objects.filter(
        author=user,
        debate__in=Task.objects.filter(assignment=OuterRef(OuterRef("pk"))).values("debate"),
        deleted_at__isnull=True,
        status__in=[Claim.Status.PUBLISHED, Claim.Status.PROPOSED],
        **window,
    )
    noted = Annotation.objects.filter(
        author=user,
        anchor__source__in=Task.objects.filter(assignment=OuterRef(OuterRef("pk"))).values(
            "source"
        ),
        parent__isnull=True,
        deleted_at__isnull=True,
        **window,
    ).exclude(visibility=Annotation.Visibility.PRIVATE)
    return (
        _open_assignments(user)
        .filter(names)
        .annotate(posted=Exists(claimed) | Exists(noted))
        .filter(posted=False)
    )


def _may_wait(user: User) -> bool:
    """Whether `user` has any open assignment (`_open_assignments`) at all: only then can
    `withheld_authors` withhold anything from them, since `_waiting` narrows the same
    assignments. Most people are in no such class, and for them the hooks answer None at
    once instead of building and running their nested subqueries (most of the cost of
    opening one claim by id). One small query, kept on the user object for the request like
    the roles above."""
    memo = user.__dict__
    if "_crux_may_wait" not in memo:
        memo["_crux_may_wait"] = _open_assignments(user).exists()
    return memo["_crux_may_wait"]


def withheld_authors(
    user: Person,
    *,
    debate: Debate | None = None,
    source=None,
    debate_ref: str | None = None,
    source_ref: str | None = None,
    author_ref: str = "author",
):
    """The classmates whose claims and notes `user` may not see yet in `debate` or on
    `source` (a hook of `debates.policy.withheld_q`), as a subquery of user ids; or, by
    reference (`debate_ref`/`source_ref`, see above), an expression true for the rows of a
    cross-debate list that are withheld; None when `user` waits on no such assignment
    (`_may_wait`: one small query, once per request). The subquery itself runs in the
    caller's query.

    They are the other current students of each class in which `user` is a current student
    and which has an open (published, not yet closed) assignment with "see classmates' work
    only after you post" whose tasks name the debate (or the source, or a map citing it),
    while `user` has made no contribution to it: a claim (not rejected, withdrawn or
    deleted) in one of its maps or a note (not private, not a reply) on one of its
    readings, since the assignment was set. Teachers' work and everyone else's stays.
    """
    from django.db.models import Exists, OuterRef

    if not user.is_authenticated:
        return None
    if debate is not None or source is not None:
        names = _naming(debate=debate, source=source)
        if names is None or not _may_wait(user):
            return None
        waiting = _waiting(user, names)
        return (
            ClassMember.objects.filter(
                classroom__in=waiting.values("classroom"), role=Role.STUDENT, left_at__isnull=True
            )
            .exclude(user=user)
            .values("user_id")
        )
    names = _naming(debate=None, source=None, debate_ref=debate_ref, source_ref=source_ref)
    if names is None or not _may_wait(user):
        return None
    # Per row: an assignment naming the row's debate (or source) that `user` waits on, in
    # a class of which the row's author is another current student.
    classmate = ClassMember.objects.filter(
        classroom=OuterRef("classroom"),
        user=_outer(author_ref, 2),
        role=Role.STUDENT,
        left_at__isnull=True,
    ).exclude(user=user)
    return Exists(_waiting(user, names).filter(Exists(classmate)))


# --- "anonymous to classmates" ---------------------------------------------------------------


def pseudonym_expression(
    user: Person,
    *,
    debate: Debate | None = None,
    source=None,
    author="author",
    debate_ref: str | None = None,
    source_ref: str | None = None,
):
    """A subquery giving the pseudonym ("Student 7") under which `user` sees the author of
    a row (by its field `author`) in `debate` or on `source`, or, by reference, in the
    row's own debate or on its own source (`debate_ref`/`source_ref`: the path from the row),
    NULL for the author's own name (a hook of `debates.policy.shown_author_expression`); no
    query runs here.

    A pseudonym is shown when `user` is a current student of a class that has a published
    "anonymous to classmates" assignment whose tasks name the debate (or the source, or a
    map citing it), and the author is another student (current or former) of that class.
    The number is the student's place in the class's roster, in the order they first came:
    the same in every assignment of the class. Teachers are never students, so they always
    see names, and teachers' own names always show.
    """
    from django.db.models import CharField, Count, Exists, OuterRef, Subquery, Value
    from django.db.models.functions import Cast, Concat

    from .models import Assignment

    if not user.is_authenticated:
        return None
    fixed = debate is not None or source is not None
    names = _naming(
        debate=debate, source=source, debate_ref=debate_ref, source_ref=source_ref, depth=2
    )
    if names is None:
        return None
    place = (
        ClassMember.objects.filter(
            classroom=OuterRef("classroom"), role=Role.STUDENT, pk__lte=OuterRef("pk")
        )
        .order_by()
        .values("classroom")
        .annotate(n=Count("pk"))
        .values("n")
    )
    pseudonyms = ClassMember.objects.filter(user=OuterRef(author), role=Role.STUDENT).exclude(
        user=user
    )
    if fixed:
        # The classes concerned, in a subquery that depends on no row (run once per query).
        classes = ClassMember.objects.filter(
            user=user,
            role=Role.STUDENT,
            left_at__isnull=True,
            classroom__in=Assignment.objects.filter(names, anonymous=True, published=True).values(
                "classroom"
            ),
        ).values("classroom")
        pseudonyms = pseudonyms.filter(classroom__in=classes)
    else:
        # The classes concerned depend on the row's debate or source.
        viewer_student = ClassMember.objects.filter(
            classroom=OuterRef("classroom"), user=user, role=Role.STUDENT, left_at__isnull=True
        )
        anonymous = Assignment.objects.filter(
            names, classroom=OuterRef("classroom"), anonymous=True, published=True
        )
        pseudonyms = pseudonyms.filter(Exists(viewer_student), Exists(anonymous))
    named = (
        pseudonyms.annotate(
            pseudonym=Concat(
                Value("Student "),
                Cast(Subquery(place), output_field=CharField()),
                output_field=CharField(),
            )
        )
        .order_by("pk")
        .values("pseudonym")[:1]
    )
    return Subquery(named, output_field=CharField())

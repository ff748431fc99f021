"""Reads for the class pages: "My classes", a class's page and roster, the join page.

Each returns data (never HTML) in a fixed number of queries whatever the class's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F, OuterRef, Subquery

from debates import policy as debate_policy
from debates.models import Debate, Membership, Source
from debates.selectors.moderation import count_of

from .. import policy
from ..models import ClassAuditEntry, ClassMember, Classroom, MapShare, normal_join_code
from .assignments import class_assignments

Role = ClassMember.Role
# Entries of the class's audit log shown on its roster page.
AUDIT_SHOWN = 30


# --- My classes --------------------------------------------------------------------------


@dataclass
class MyClass:
    classroom: Classroom
    role: str  # teacher, co_teacher or student
    students: int  # students in it now
    maps: int  # maps shared with it

    @property
    def teaches(self) -> bool:
        return self.role in policy.TEACHING_ROLES

    @property
    def role_label(self) -> str:
        return Role(self.role).label


def my_classes(*, user) -> list[MyClass]:
    """The classes `user` is in now (teaching or learning), current ones first, then the
    archived; one query whatever their number."""
    if not user.is_authenticated:
        return []
    outer = OuterRef("pk")
    rows = (
        Classroom.objects.filter(policy.visible_classes_q(user))
        .select_related("created_by")
        .annotate(
            my_role=Subquery(
                ClassMember.objects.filter(classroom=outer, user=user, left_at=None).values("role")[
                    :1
                ]
            ),
            n_students=count_of(
                ClassMember.objects.filter(classroom=outer, role=Role.STUDENT, left_at=None)
            ),
            n_maps=count_of(MapShare.objects.filter(classroom=outer)),
        )
        .order_by(F("archived_at").desc(nulls_first=True), "name", "pk")
    )
    mine = []
    for classroom in rows:
        policy.remember_class_role(user, classroom, classroom.my_role)
        mine.append(MyClass(classroom, classroom.my_role, classroom.n_students, classroom.n_maps))
    return mine


# --- a class's page ----------------------------------------------------------------------


@dataclass
class SharedMap:
    share: MapShare
    debate: Debate
    my_role: str | None  # the viewer's role in the debate (by the share, or by hand)

    @property
    def mode(self) -> str:
        return self.share.mode


@dataclass
class ClassPage:
    classroom: Classroom
    role: str | None  # the viewer's role in the class (None: site staff looking in)
    teachers: list[ClassMember]  # the teacher first, then co-teachers
    students: int  # how many students are in it now
    maps: list[SharedMap]
    readings: list[Source]  # the sources of the shared maps that the viewer may read
    # The class's assignments (`selectors.assignments.AssignmentRow`), with a student's progress.
    assignments: list = field(default_factory=list)
    shareable: list[Debate] = field(default_factory=list)  # maps the viewer may share here

    @property
    def teaches(self) -> bool:
        return self.role in policy.TEACHING_ROLES

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else ""


def class_page(*, user, classroom: Classroom) -> ClassPage:
    """What a class's page shows to `user` (who may see the class): its teachers, its
    number of students, its maps with the viewer's role in each, and the readings. Three
    queries, and one more for those who may share maps (their own maps, to pick from)."""
    role = policy.role_in_class(user, classroom)
    members = list(
        ClassMember.objects.filter(classroom=classroom, left_at=None)
        .select_related("user")
        .order_by("role", "user__username")
    )
    teachers = [m for m in members if m.role in policy.TEACHING_ROLES]
    teachers.sort(key=lambda m: (m.role != Role.TEACHER, m.user.username.lower()))
    students = sum(1 for m in members if m.role == Role.STUDENT)
    shares = list(
        MapShare.objects.filter(classroom=classroom)
        .select_related("debate", "debate__owner")
        .annotate(
            my_role=Subquery(
                Membership.objects.filter(debate=OuterRef("debate"), user=user.pk).values("role")[
                    :1
                ]
            )
        )
        .order_by("debate__title", "pk")
    )
    maps = []
    for share in shares:
        debate = share.debate
        my_role = Membership.Role.OWNER if debate.owner_id == user.pk else share.my_role
        if user.is_authenticated:
            # Remembered for the debates' policy, so asking it about these maps costs nothing.
            user.__dict__.setdefault("_crux_roles", {})[debate.pk] = my_role
        maps.append(SharedMap(share, debate, my_role))
    readings = list(
        Source.objects.filter(debates__class_shares__classroom=classroom)
        .filter(debate_policy.visible_sources_q(user))
        .distinct()
        .order_by("title", "pk")
    )
    page = ClassPage(
        classroom=classroom,
        role=role,
        teachers=teachers,
        students=students,
        maps=maps,
        readings=readings,
    )
    page.assignments = class_assignments(user=user, classroom=classroom)
    if policy.can_share_maps(user, classroom):
        page.shareable = shareable_maps(user=user, classroom=classroom)
    return page


def shareable_maps(*, user, classroom: Classroom) -> list[Debate]:
    """The maps `user` owns that are not shared with the class yet."""
    return list(
        Debate.objects.filter(owner=user.pk)
        .exclude(class_shares__classroom=classroom)
        .order_by("title", "pk")
    )


# --- the roster --------------------------------------------------------------------------


@dataclass
class Roster:
    classroom: Classroom
    teachers: list[ClassMember]
    students: list[ClassMember]
    former: list[ClassMember]  # people who left or were removed
    audit: list[ClassAuditEntry]


def roster(*, classroom: Classroom) -> Roster:
    """Everyone who is or was in the class, and its recent audit log: two queries."""
    rows = list(
        ClassMember.objects.filter(classroom=classroom)
        .select_related("user", "added_by")
        .order_by("user__username")
    )
    teachers = [m for m in rows if m.left_at is None and m.role in policy.TEACHING_ROLES]
    teachers.sort(key=lambda m: m.role != Role.TEACHER)
    audit = list(
        ClassAuditEntry.objects.filter(classroom=classroom).select_related("actor")[:AUDIT_SHOWN]
    )
    return Roster(
        classroom=classroom,
        teachers=teachers,
        students=[m for m in rows if m.left_at is None and m.role == Role.STUDENT],
        former=[m for m in rows if m.left_at is not None],
        audit=audit,
    )


# --- joining -----------------------------------------------------------------------------


def class_by_code(*, code: str) -> Classroom | None:
    """The class whose join code `code` is (as typed or in a link), taking members or not;
    None if there is none."""
    normal = normal_join_code(code)
    if not normal:
        return None
    return Classroom.objects.filter(join_code=normal).select_related("created_by").first()

"""The teaching part of the demo (`load_demo`): a seminar class around the demo map, so every
class page has something on it. Built through `classes.services` and `debates.services`
like a teacher and students would build it; the demo students' accounts come from
`debates.demo.build.ensure_demo_user`, as the other demo users do.

The class: the demo teacher teaches it, the demo moderator co-teaches, the demo student and
four more students are in it. The demo map is shared for proposals; two groups each have
their own copy of it to argue in; two assignments are set: one due next week (see-after-
post, with work on time and an approved argument) and one already past its due date with
the late window still open (so its work is marked late). Ana's work on the first is graded,
commented on and released; the demo student's grade there is a draft, not released yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from debates import services as debate_services
from debates.demo.build import ensure_demo_user
from debates.models import Claim, Debate, Source

from . import services
from .models import ClassMember, Classroom, MapShare, Task

CLASS_NAME = "Seminar: Russia–North Korea relations"
CLASS_DESCRIPTION = (
    "Read the article, ground the map's arguments in it, and answer each other's claims."
)


@dataclass(frozen=True)
class DemoStudent:
    username: str
    display_name: str
    password: str


# Local demo accounts; load_demo prints the passwords, they are not secrets.
DEMO_STUDENTS = (
    DemoStudent("ana", "Ana Lima", "crux-ana-demo"),
    DemoStudent("ben", "Ben Okafor", "crux-ben-demo"),
    DemoStudent("chen", "Chen Wei", "crux-chen-demo"),
    DemoStudent("dora", "Dora Novak", "crux-dora-demo"),
)

# Sentences of the demo article the students annotate and cite.
NOTE_QUOTES = (
    "Moscow argues that influence and restraint on the Korean crisis contribute to regional order.",
    "Tokyo’s postwar position, and Beijing’s rising power converge.",
)


@dataclass
class ClassDemo:
    classroom: Classroom
    created: bool


def _ensure_students() -> dict[str, object]:
    return {
        spec.username: ensure_demo_user(spec.username, spec.display_name, spec.password)
        for spec in DEMO_STUDENTS
    }


def _span(source: Source, quote: str) -> tuple[int, int]:
    text = source.current_revision.text
    start = text.find(quote)
    if start < 0:  # the article changed: any sentence-sized span will do for a demo
        start = min(200, max(0, len(text) - 80))
        return start, start + 60
    return start, start + len(quote)


@transaction.atomic
def load_class_demo(*, debate: Debate, source: Source, people: dict) -> ClassDemo:
    """The seminar class around `debate` (the demo map). Safe to run again: an existing
    class of the demo teacher with this name is kept as it is."""
    teacher, co_teacher, student = people["teacher"], people["moderator"], people["student"]
    existing = Classroom.objects.filter(created_by=teacher, name=CLASS_NAME).first()
    students = _ensure_students()
    if existing is not None:
        return ClassDemo(classroom=existing, created=False)

    classroom = services.class_create(actor=teacher, name=CLASS_NAME, description=CLASS_DESCRIPTION)
    services.class_members_add(
        actor=teacher,
        classroom=classroom,
        entries=[co_teacher.username, student.username, *students],
    )
    services.class_member_role_set(
        actor=teacher, classroom=classroom, user=co_teacher, role=ClassMember.Role.CO_TEACHER
    )
    services.class_map_share(
        actor=teacher, classroom=classroom, debate=debate, mode=MapShare.Mode.PROPOSE
    )
    # Two groups, each arguing in its own copy of the map.
    services.groups_make_random(actor=teacher, classroom=classroom, count=2, seed="crux-demo")
    services.class_copies_give(
        actor=teacher,
        classroom=classroom,
        template=debate,
        copy_for="group",
        mode=MapShare.Mode.CONTRIBUTE,
    )

    now = timezone.now()
    issue = debate.claims.filter(kind=Claim.Kind.ISSUE).order_by("order", "pk").first()
    grounding = services.assignment_create(
        actor=teacher,
        classroom=classroom,
        title="Ground the debate in the article",
        instructions=(
            "Add an argument under the first issue that cites the sentence it rests on, and "
            "annotate two passages you find doubtful. You see your classmates' work once you "
            "have posted your own."
        ),
        due_at=now + timedelta(days=7),
        late_until=now + timedelta(days=9),
        see_after_post=True,
        tasks=[
            services.TaskSpec(kind=Task.Kind.ARGUE, count=1, debate=debate, claim=issue),
            services.TaskSpec(kind=Task.Kind.ANNOTATE, count=2, source=source),
        ],
    )
    services.assignment_create(
        actor=teacher,
        classroom=classroom,
        title="First reading notes",
        instructions="Two notes on the article's first sections, questions welcome.",
        due_at=now - timedelta(days=1),
        late_until=now + timedelta(days=5),
        tasks=[services.TaskSpec(kind=Task.Kind.ANNOTATE, count=2, source=source)],
    )

    # Work: Ana finished everything and her argument was approved; Stu Dent and Ben wrote
    # notes (late for the reading notes, whose due date has passed); Chen and Dora not yet.
    position = (
        debate.claims.filter(parent=issue, kind=Claim.Kind.POSITION).order_by("order", "pk").first()
    )
    start, end = _span(source, NOTE_QUOTES[0])
    argument = debate_services.argument_with_evidence_add(
        actor=students["ana"],
        parent=position or issue,
        stance="supports",
        text="Russia's stated restraint is part of how it claims a say in the region.",
        source=source,
        start=start,
        end=end,
    )
    debate_services.claim_approve(claim=argument, actor=co_teacher)
    for who, quote, body in (
        ("ana", NOTE_QUOTES[0], "Who judges what counts as restraint here?"),
        ("ana", NOTE_QUOTES[1], "Three powers in one sentence: which one drives the rest?"),
        (student.username, NOTE_QUOTES[1], "This sentence carries the whole section."),
        (student.username, NOTE_QUOTES[0], "Is this Moscow's claim or the author's view?"),
        ("ben", NOTE_QUOTES[0], "Compare with the sanctions section below."),
    ):
        author = students.get(who) or student
        start, end = _span(source, quote)
        debate_services.annotation_create(
            actor=author,
            source=source,
            start=start,
            end=end,
            body=body,
            motivation="questioning" if body.endswith("?") else "commenting",
            visibility="public",
        )

    # Grading: Ana's work on the first assignment is graded, commented and released; Stu
    # Dent's grade is a draft the teacher has not released yet.
    services.feedback_add(
        actor=teacher,
        assignment=grounding,
        student=students["ana"],
        kind="claim",
        object_id=argument.pk,
        comment="Well grounded: the quoted sentence carries the claim. Say why it matters.",
        points=2,
    )
    services.grade_set(
        actor=teacher,
        assignment=grounding,
        student=students["ana"],
        score=None,
        comment="A grounded argument and two careful questions on the text. Well done.",
    )
    services.grades_release(actor=teacher, assignment=grounding, students=[students["ana"]])
    services.grade_set(
        actor=teacher,
        assignment=grounding,
        student=student,
        score=None,
        comment="Good questions; the map still needs your argument.",
    )
    return ClassDemo(classroom=classroom, created=True)

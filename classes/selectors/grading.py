"""Reads for grading: the rubric's auto-score from each student's work in an assignment,
the teachers' grading table and per-student page, and a student's released grade.

The rubric rewards grounding. A student's work in an assignment is what they made in its
window (`Assignment.created_at` to `closes_at`): their claims in the maps its tasks name
(published or proposed, not deleted) and their notes (public or shared, top-level, not
hidden or deleted) on its readings (the annotate tasks' sources and the maps' sources).
Points, with the weights stored on the assignment:

- each claim: `rubric_claim`, plus `rubric_grounded` when it cites the source (it has
  evidence that is not rejected or deleted);
- each passage covered: `rubric_passage` per distinct passage cited by their claims'
  evidence or annotated by their notes;
- each reply to a classmate (a claim under another student's claim): `rubric_reply`;
- each task completed: `rubric_task`, half of it (rounded down) when completed late.

Grades and comments are private: teachers see them; the student only once released.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from debates.models import Annotation, Claim, Evidence

from .. import policy
from ..models import Assignment, ClassMember, FeedbackItem, Grade, Task
from .assignments import COUNTED_CLAIM_STATUSES, AssignmentPage, StudentProgress, progress

Role = ClassMember.Role


@dataclass
class Contribution:
    """One claim, piece of evidence or note of the student's, with the teachers' comments."""

    kind: str  # claim, evidence or note
    pk: int
    text: str
    url: str
    late: bool
    grounded: bool = False
    feedback: list[FeedbackItem] = field(default_factory=list)


@dataclass
class Work:
    claims: list[Contribution] = field(default_factory=list)
    evidence: list[Contribution] = field(default_factory=list)
    notes: list[Contribution] = field(default_factory=list)
    passages: set[tuple[int, int, int]] = field(default_factory=set)  # (source, start, end)
    replies: int = 0

    @property
    def contributions(self) -> list[Contribution]:
        return [*self.claims, *self.evidence, *self.notes]


@dataclass
class RubricLine:
    label: str
    count: int
    points: int


@dataclass
class Breakdown:
    lines: list[RubricLine]

    @property
    def total(self) -> int:
        return sum(line.points for line in self.lines)


def rubric_weights(assignment: Assignment) -> dict[str, int]:
    return {
        "claim": assignment.rubric_claim,
        "grounded": assignment.rubric_grounded,
        "passage": assignment.rubric_passage,
        "reply": assignment.rubric_reply,
        "task": assignment.rubric_task,
    }


def rubric(assignment: Assignment, work: Work, done: StudentProgress) -> Breakdown:
    """The rubric's lines for one student's work and task progress."""
    w = rubric_weights(assignment)
    grounded = sum(1 for c in work.claims if c.grounded)
    on_time = sum(1 for t in done.tasks if t.complete and not t.late)
    late = sum(1 for t in done.tasks if t.late)
    return Breakdown(
        [
            RubricLine("Claims", len(work.claims), len(work.claims) * w["claim"]),
            RubricLine("Claims citing the source", grounded, grounded * w["grounded"]),
            RubricLine("Passages covered", len(work.passages), len(work.passages) * w["passage"]),
            RubricLine("Replies to classmates", work.replies, work.replies * w["reply"]),
            RubricLine("Tasks completed on time", on_time, on_time * w["task"]),
            RubricLine("Tasks completed late", late, late * (w["task"] // 2)),
        ]
    )


def _tasks(assignment: Assignment) -> list[Task]:
    return list(assignment.tasks.select_related("claim", "source", "debate"))


def _students(assignment: Assignment, user_id: int | None = None) -> list[ClassMember]:
    rows = ClassMember.objects.filter(
        classroom_id=assignment.classroom_id, role=Role.STUDENT, left_at=None
    )
    if user_id is not None:
        rows = rows.filter(user_id=user_id)
    return list(rows.select_related("user").order_by("user__username"))


def work_many(
    *, assignment: Assignment, tasks: list[Task], students: list[ClassMember], classmates=None
) -> dict[int, Work]:
    """Each student's work in the assignment (by user id): three queries whatever their
    number. `classmates`: the user ids whose claims a reply must answer (default: the
    students given)."""
    user_ids = [m.user_id for m in students]
    classmates = set(classmates if classmates is not None else user_ids)
    out = {uid: Work() for uid in user_ids}
    maps = {t.debate_id for t in tasks if t.debate_id}
    readings = {t.source_id for t in tasks if t.source_id}
    if not user_ids:
        return out
    window = {
        "created_at__gte": assignment.created_at,
        "created_at__lte": assignment.closes_at,
    }
    by_claim: dict[int, Work] = {}
    if maps:
        claims = (
            Claim.objects.filter(
                debate_id__in=maps,
                author_id__in=user_ids,
                status__in=COUNTED_CLAIM_STATUSES,
                deleted_at__isnull=True,
                **window,
            )
            .annotate(
                grounded=Exists(
                    Evidence.objects.filter(claim=OuterRef("pk"), deleted_at__isnull=True).exclude(
                        status="rejected"
                    )
                )
            )
            .select_related("debate", "parent")
            .order_by("created_at", "pk")
        )
        for claim in claims:
            mine = out[claim.author_id]
            by_claim[claim.pk] = mine
            mine.claims.append(
                Contribution(
                    "claim",
                    claim.pk,
                    claim.text,
                    claim.get_absolute_url(),
                    claim.created_at > assignment.due_at,
                    grounded=claim.grounded,
                )
            )
            parent_author = claim.parent.author_id if claim.parent_id else None
            if parent_author in classmates and parent_author != claim.author_id:
                mine.replies += 1
        evidence = (
            Evidence.objects.filter(claim_id__in=list(by_claim), deleted_at__isnull=True)
            .exclude(status="rejected")
            .select_related("passage__anchor", "claim")
            .order_by("created_at", "pk")
        )
        for ev in evidence:
            mine = by_claim[ev.claim_id]
            span = ev.passage.anchor
            mine.passages.add((span.source_id, span.start, span.end))
            label = ev.passage.label or f"#{ev.passage_id}"
            mine.evidence.append(
                Contribution(
                    "evidence",
                    ev.pk,
                    f"Cites passage {label} for “{ev.claim.text[:80]}”",
                    ev.passage.get_absolute_url(),
                    ev.created_at > assignment.due_at,
                )
            )
    sources = Q(anchor__source_id__in=readings) | Q(anchor__source__debates__in=maps)
    notes = (
        Annotation.objects.filter(
            sources,
            author_id__in=user_ids,
            parent__isnull=True,
            deleted_at__isnull=True,
            hidden=False,
            **window,
        )
        .exclude(visibility=Annotation.Visibility.PRIVATE)
        .select_related("anchor__source")
        .distinct()
        .order_by("created_at", "pk")
    )
    for n in notes:
        mine = out[n.author_id]
        mine.passages.add((n.anchor.source_id, n.anchor.start, n.anchor.end))
        mine.notes.append(
            Contribution(
                "note",
                n.pk,
                f"“{n.anchor.exact[:80]}”: {n.body}",
                n.anchor.source.get_absolute_url(),
                n.created_at > assignment.due_at,
            )
        )
    return out


def auto_scores(*, assignment: Assignment, students: list[ClassMember]) -> dict[int, Breakdown]:
    """The rubric for each of `students` (by user id); for the services."""
    tasks = _tasks(assignment)
    done = progress(assignment=assignment, students=students, tasks=tasks)
    classmates = ClassMember.objects.filter(
        classroom_id=assignment.classroom_id, role=Role.STUDENT, left_at=None
    ).values_list("user_id", flat=True)
    work = work_many(
        assignment=assignment, tasks=tasks, students=students, classmates=list(classmates)
    )
    return {m.user_id: rubric(assignment, work[m.user_id], done[m.user_id]) for m in students}


# --- the teachers' grading table -----------------------------------------------------------


@dataclass
class GradeRow:
    member: ClassMember
    progress: StudentProgress
    breakdown: Breakdown
    grade: Grade | None
    comments: int  # private comments on the student's contributions

    @property
    def final(self) -> int:
        return self.grade.final if self.grade else self.breakdown.total

    @property
    def released(self) -> bool:
        return bool(self.grade and self.grade.released_at)


def grading_table(
    *, user, assignment: Assignment, page: AssignmentPage | None = None
) -> list[GradeRow]:
    """Every current student's auto-score, rubric, grade and number of comments, for the
    class's teachers (empty for anyone else): a fixed number of queries. `page`, the
    teacher's `assignment_page` already drawn, lends its tasks and progress rather than
    counting them again."""
    if not policy.can_teach(user, assignment.classroom):
        return []
    if page is not None and page.teaches:
        tasks = page.tasks
        students = [row.member for row in page.students]
        done = {row.member.user_id: row for row in page.students}
    else:
        tasks = _tasks(assignment)
        students = _students(assignment)
        done = progress(assignment=assignment, students=students, tasks=tasks)
    work = work_many(assignment=assignment, tasks=tasks, students=students)
    grades = {g.student_id: g for g in Grade.objects.filter(assignment=assignment)}
    counts = dict(
        FeedbackItem.objects.filter(assignment=assignment)
        .values("student_id")
        .annotate(n=Count("pk"))
        .values_list("student_id", "n")
    )
    return [
        GradeRow(
            member=m,
            progress=done[m.user_id],
            breakdown=rubric(assignment, work[m.user_id], done[m.user_id]),
            grade=grades.get(m.user_id),
            comments=counts.get(m.user_id, 0),
        )
        for m in students
    ]


@dataclass
class StudentGrading:
    member: ClassMember
    breakdown: Breakdown
    grade: Grade | None
    work: Work
    general: list[FeedbackItem]  # comments on contributions no longer in the work

    @property
    def final(self) -> int:
        return self.grade.final if self.grade else self.breakdown.total


def _student_grading(assignment: Assignment, member: ClassMember) -> StudentGrading:
    tasks = _tasks(assignment)
    done = progress(assignment=assignment, students=[member], tasks=tasks)[member.user_id]
    classmates = ClassMember.objects.filter(
        classroom_id=assignment.classroom_id, role=Role.STUDENT, left_at=None
    ).values_list("user_id", flat=True)
    work = work_many(
        assignment=assignment, tasks=tasks, students=[member], classmates=list(classmates)
    )[member.user_id]
    items = FeedbackItem.objects.filter(assignment=assignment, student_id=member.user_id)
    by_key = {(c.kind, c.pk): c for c in work.contributions}
    general: list[FeedbackItem] = []
    for item in items.select_related("by"):
        target = by_key.get((item.kind, item.object_id))
        (target.feedback if target else general).append(item)
    return StudentGrading(
        member=member,
        breakdown=rubric(assignment, work, done),
        grade=Grade.objects.filter(assignment=assignment, student_id=member.user_id).first(),
        work=work,
        general=general,
    )


def student_grading(*, user, assignment: Assignment, student_id: int) -> StudentGrading | None:
    """One student's contributions with the teachers' comments, for the teachers; None for
    anyone else or when the student is not a current student of the class."""
    if not policy.can_teach(user, assignment.classroom):
        return None
    found = _students(assignment, student_id)
    return _student_grading(assignment, found[0]) if found else None


def my_grade(*, user, assignment: Assignment) -> StudentGrading | None:
    """The viewer's own grade, rubric and comments, once released; None before (and for
    anyone who is not a current student of the class)."""
    if not user.is_authenticated:
        return None
    released = Grade.objects.filter(
        assignment=assignment, student=user, released_at__isnull=False
    ).exists()
    if not released:
        return None
    found = _students(assignment, user.pk)
    return _student_grading(assignment, found[0]) if found else None

"""Reads for assignments: a class's list, one assignment's page, each student's progress.

Progress is counted, never stored, from the students' own work: claims (with evidence) in
the maps a task names and notes on the readings, made between the assignment's creation and
the end of its late window (`Assignment.closes_at`). Work after the due date and within the
late window counts and is marked late; after it, it does not count. Rejected, withdrawn
and deleted claims, deleted or hidden notes and private notes (only their author sees them)
never count. The whole class's progress is a fixed number of queries whatever its size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from debates.models import Annotation, Claim, Debate, Evidence, Source, SourceRevision

from .. import policy
from ..models import Assignment, ClassMember, Classroom, FeedbackItem, Grade, Task

Role = ClassMember.Role
COUNTED_CLAIM_STATUSES = (Claim.Status.PUBLISHED, Claim.Status.PROPOSED)


@dataclass
class Item:
    """One piece of work that counts for a task."""

    kind: str  # "claim" or "note"
    pk: int
    created_at: datetime
    late: bool
    url: str = ""


@dataclass
class TaskProgress:
    task: Task
    items: list[Item] = field(default_factory=list)

    @property
    def done(self) -> int:
        return len(self.items)

    @property
    def complete(self) -> bool:
        return self.done >= self.task.count

    @property
    def late(self) -> bool:
        """Completed only by late work: the item that reached the count came late."""
        return self.complete and self.items[self.task.count - 1].late

    @property
    def late_items(self) -> int:
        return sum(1 for item in self.items if item.late)

    @property
    def shown(self) -> int:
        return min(self.done, self.task.count)


@dataclass
class StudentProgress:
    member: ClassMember
    tasks: list[TaskProgress]

    @property
    def complete(self) -> bool:
        return all(t.complete for t in self.tasks)

    @property
    def late(self) -> bool:
        return self.complete and any(t.late for t in self.tasks)

    @property
    def started(self) -> bool:
        return any(t.items for t in self.tasks)

    @property
    def status(self) -> str:
        if self.complete:
            return "done late" if self.late else "done"
        return "in progress" if self.started else "not started"


def _section_span(structure: dict, title: str) -> tuple[int, int] | None:
    """Where the section called `title` starts and ends in its revision's text."""
    for section in structure.get("sections", []):
        if (section.get("title") or "").strip().lower() != title.strip().lower():
            continue
        blocks = section.get("blocks", [])
        starts = [b["start"] for b in blocks]
        if section.get("heading_start") is not None:
            starts.append(section["heading_start"])
        ends = [b["end"] for b in blocks]
        if section.get("heading_end") is not None:
            ends.append(section["heading_end"])
        if starts and ends:
            return min(starts), max(ends)
    return None


def _ancestors_reach(parents: dict[int, int | None], claim_id: int, target: int) -> bool:
    seen: set[int] = set()
    node = parents.get(claim_id)
    while node is not None and node not in seen:
        if node == target:
            return True
        seen.add(node)
        node = parents.get(node)
    return False


def progress(
    *, assignment: Assignment, students: list[ClassMember], tasks: list[Task] | None = None
) -> dict[int, StudentProgress]:
    """Each student's progress (by user id) in the assignment's tasks: at most four
    queries (claims, the maps' parent links, notes, section structures), whatever the
    class's size or the number of tasks."""
    if tasks is None:
        tasks = list(assignment.tasks.select_related("claim", "source", "debate"))
    counted = progress_many(
        assignments=[assignment], tasks={assignment.pk: tasks}, students=students
    )
    return counted[assignment.pk]


def progress_many(
    *,
    assignments: list[Assignment],
    tasks: dict[int, list[Task]],
    students: list[ClassMember],
) -> dict[int, dict[int, StudentProgress]]:
    """`progress` for several assignments of a class at once (by assignment id, then user
    id), in the same at most four queries whatever their number."""
    if not assignments:
        return {}
    by_pk = {a.pk: a for a in assignments}
    every = [t for a in assignments for t in tasks.get(a.pk, [])]
    user_ids = [m.user_id for m in students]
    found: dict[tuple[int, int], list[Item]] = defaultdict(list)
    start = min(a.created_at for a in assignments)
    closes = max(a.closes_at for a in assignments)

    def placed(task: Task, kind: str, pk: int, when) -> Item | None:
        """The work as an item of `task`'s assignment (late or not); None outside its window."""
        assignment = by_pk[task.assignment_id]
        if not assignment.created_at <= when <= assignment.closes_at:
            return None
        return Item(kind, pk, when, when > assignment.due_at)

    claim_tasks = [t for t in every if t.kind != Task.Kind.ANNOTATE and t.debate_id]
    if claim_tasks and user_ids:
        rows = list(
            Claim.objects.filter(
                debate_id__in={t.debate_id for t in claim_tasks},
                author_id__in=user_ids,
                status__in=COUNTED_CLAIM_STATUSES,
                deleted_at__isnull=True,
                created_at__gte=start,
                created_at__lte=closes,
            )
            .annotate(
                grounded=Exists(
                    Evidence.objects.filter(claim=OuterRef("pk"), deleted_at__isnull=True).exclude(
                        status="rejected"
                    )
                )
            )
            .values(
                "pk",
                "debate_id",
                "kind",
                "parent_id",
                "author_id",
                "parent__author_id",
                "created_at",
                "grounded",
            )
            .order_by("created_at", "pk")
        )
        parents: dict[int, int | None] = {}
        if any(t.kind == Task.Kind.ARGUE for t in claim_tasks):
            argue_maps = {t.debate_id for t in claim_tasks if t.kind == Task.Kind.ARGUE}
            parents = dict(
                Claim.objects.filter(debate_id__in=argue_maps).values_list("pk", "parent_id")
            )
        classmates = set(user_ids)
        for row in rows:
            for task in claim_tasks:
                if row["debate_id"] != task.debate_id:
                    continue
                if task.kind == Task.Kind.ARGUE:
                    ok = (
                        row["kind"] == Claim.Kind.ARGUMENT
                        and row["grounded"]
                        and (
                            task.claim_id is None
                            or _ancestors_reach(parents, row["pk"], task.claim_id)
                        )
                    )
                elif task.kind == Task.Kind.ANSWER:
                    ok = task.claim_id is not None and row["parent_id"] == task.claim_id
                else:  # REPLY: under a claim by another student of the class
                    author = row["parent__author_id"]
                    ok = author in classmates and author != row["author_id"]
                item = placed(task, "claim", row["pk"], row["created_at"]) if ok else None
                if item is not None:
                    found[(task.pk, row["author_id"])].append(item)

    note_tasks = [t for t in every if t.kind == Task.Kind.ANNOTATE and t.source_id]
    if note_tasks and user_ids:
        notes = list(
            Annotation.objects.filter(
                anchor__source_id__in={t.source_id for t in note_tasks},
                author_id__in=user_ids,
                parent__isnull=True,
                deleted_at__isnull=True,
                hidden=False,
                created_at__gte=start,
                created_at__lte=closes,
            )
            .exclude(visibility=Annotation.Visibility.PRIVATE)
            .values(
                "pk",
                "author_id",
                "created_at",
                "anchor__source_id",
                "anchor__start",
                "anchor__revision_id",
            )
            .order_by("created_at", "pk")
        )
        structures: dict[int, dict] = {}
        if any(t.section for t in note_tasks):
            structures = dict(
                SourceRevision.objects.filter(
                    pk__in={n["anchor__revision_id"] for n in notes}
                ).values_list("pk", "structure")
            )
        for note in notes:
            for task in note_tasks:
                if note["anchor__source_id"] != task.source_id:
                    continue
                if task.section:
                    span = _section_span(
                        structures.get(note["anchor__revision_id"]) or {}, task.section
                    )
                    if span is None or not span[0] <= note["anchor__start"] < span[1]:
                        continue
                item = placed(task, "note", note["pk"], note["created_at"])
                if item is not None:
                    found[(task.pk, note["author_id"])].append(item)

    return {
        a.pk: {
            m.user_id: StudentProgress(
                member=m,
                tasks=[
                    TaskProgress(t, found.get((t.pk, m.user_id), [])) for t in tasks.get(a.pk, [])
                ],
            )
            for m in students
        }
        for a in assignments
    }


# --- the class page's list and the assignment page ---------------------------------------


@dataclass
class AssignmentRow:
    assignment: Assignment
    tasks: list[Task]
    mine: StudentProgress | None = None  # the viewer's progress, for students
    state: str = "open"


def _visible_assignments(user, classroom: Classroom):
    rows = Assignment.objects.filter(classroom=classroom)
    if not policy.can_teach(user, classroom):
        rows = rows.filter(published=True)
    return rows


def class_assignments(*, user, classroom: Classroom) -> list[AssignmentRow]:
    """The class's assignments for its page, with the viewer's own progress for students:
    two queries, and for a student up to five more, whatever the number of assignments."""
    assignments = list(_visible_assignments(user, classroom).order_by("due_at", "pk"))
    tasks_by: dict[int, list[Task]] = defaultdict(list)
    for task in Task.objects.filter(assignment__in=assignments).select_related(
        "claim", "source", "debate"
    ):
        tasks_by[task.assignment_id].append(task)
    now = timezone.now()
    member = None
    if policy.role_in_class(user, classroom) == Role.STUDENT:
        member = ClassMember.objects.filter(classroom=classroom, user=user, left_at=None).first()
    counted = (
        progress_many(assignments=assignments, tasks=tasks_by, students=[member])
        if member is not None
        else {}
    )
    out = []
    for assignment in assignments:
        row = AssignmentRow(assignment, tasks_by[assignment.pk], state=assignment.state(now))
        if member is not None:
            row.mine = counted[assignment.pk][user.pk]
        out.append(row)
    return out


@dataclass
class AssignmentPage:
    assignment: Assignment
    tasks: list[Task]
    state: str
    teaches: bool
    mine: StudentProgress | None  # a student's own progress
    students: list[StudentProgress]  # every student's, for teachers


def assignment_for(*, user, classroom: Classroom, pk: int) -> Assignment | None:
    """The assignment if the person may see it (drafts: teachers only); None otherwise."""
    return _visible_assignments(user, classroom).filter(pk=pk).first()


def assignment_page(*, user, assignment: Assignment) -> AssignmentPage:
    """One assignment: for a student their tasks and progress; for teachers every current
    student's progress. A fixed number of queries whatever the class's size."""
    classroom = assignment.classroom
    teaches = policy.can_teach(user, classroom)
    tasks = list(assignment.tasks.select_related("claim", "source", "debate"))
    students = list(
        ClassMember.objects.filter(classroom=classroom, role=Role.STUDENT, left_at=None)
        .select_related("user")
        .order_by("user__username")
    )
    mine = None
    table: list[StudentProgress] = []
    if teaches:
        by_user = progress(assignment=assignment, students=students, tasks=tasks)
        table = [by_user[m.user_id] for m in students]
    else:
        me = [m for m in students if m.user_id == user.pk]
        if me:
            mine = progress(assignment=assignment, students=me, tasks=tasks)[user.pk]
    return AssignmentPage(
        assignment=assignment,
        tasks=tasks,
        state=assignment.state(),
        teaches=teaches,
        mine=mine,
        students=table,
    )


def task_choices(*, classroom: Classroom) -> tuple[list[Debate], list[Source]]:
    """The maps shared with the class and their sources: what tasks may name."""
    maps = list(Debate.objects.filter(class_shares__classroom=classroom).order_by("title", "pk"))
    readings = list(
        Source.objects.filter(debates__class_shares__classroom=classroom)
        .distinct()
        .order_by("title", "pk")
    )
    return maps, readings


@dataclass
class AssignmentLoss:
    """What deleting an assignment takes with it (the students' claims and notes stay in
    the maps and readings: progress is counted from them, never stored)."""

    tasks: int
    grades: int  # every grade, drafts and released
    released: int  # grades the students have seen
    feedback: int  # the teachers' private comments on contributions

    @property
    def drafts(self) -> int:
        return self.grades - self.released


def assignment_loss(assignment: Assignment) -> AssignmentLoss:
    """What `assignment_delete` would remove, counted in three queries whatever the class's
    size (for the confirmation page and the service's own check)."""
    grades = Grade.objects.filter(assignment=assignment).aggregate(
        all=Count("pk"), released=Count("pk", filter=Q(released_at__isnull=False))
    )
    return AssignmentLoss(
        tasks=Task.objects.filter(assignment=assignment).count(),
        grades=grades["all"],
        released=grades["released"],
        feedback=FeedbackItem.objects.filter(assignment=assignment).count(),
    )

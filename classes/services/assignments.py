"""Setting, changing and deleting assignments: teachers of the class, while it is not
archived."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from debates.models import Claim, Debate, Source

from .. import policy
from ..models import (
    MAX_TASK_COUNT,
    Assignment,
    ClassAuditEntry,
    Classroom,
    MapShare,
    Task,
)
from ..selectors.assignments import AssignmentLoss, assignment_loss
from ._base import audit, refuse_if_archived, require

Action = ClassAuditEntry.Action
MAX_TITLE_CHARS = 200
MAX_INSTRUCTIONS_CHARS = 5000
MAX_TASKS = 20
RUBRIC_KEYS = ("claim", "grounded", "passage", "reply", "task")
MAX_RUBRIC_POINTS = 100
MAX_REASON_CHARS = 500


@dataclass
class TaskSpec:
    """One task as a teacher asks for it (the form's row, or a test's)."""

    kind: str
    count: int = 1
    debate: Debate | None = None
    claim: Claim | None = None
    source: Source | None = None
    section: str = ""


def _check(classroom: Classroom, title, instructions, due_at, late_until, tasks) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError("An assignment needs a title.")
    if len(title) > MAX_TITLE_CHARS:
        raise ValidationError(f"The title is too long (the limit is {MAX_TITLE_CHARS}).")
    if len(instructions or "") > MAX_INSTRUCTIONS_CHARS:
        raise ValidationError(
            f"The instructions are too long (the limit is {MAX_INSTRUCTIONS_CHARS:,})."
        )
    if not isinstance(due_at, datetime):
        raise ValidationError("An assignment needs a due date.")
    if late_until is not None and late_until < due_at:
        raise ValidationError("The late window must end after the due date.")
    if not tasks:
        raise ValidationError("An assignment needs at least one task.")
    if len(tasks) > MAX_TASKS:
        raise ValidationError(f"At most {MAX_TASKS} tasks.")
    shared = set(MapShare.objects.filter(classroom=classroom).values_list("debate_id", flat=True))
    readings = set(
        Source.objects.filter(debates__in=shared).values_list("pk", flat=True).distinct()
    )
    for n, spec in enumerate(tasks, start=1):
        where = f"Task {n}: "
        if spec.kind not in Task.Kind.values:
            raise ValidationError(where + "choose what the task asks for.")
        if not 1 <= int(spec.count or 0) <= MAX_TASK_COUNT:
            raise ValidationError(where + f"the number must be from 1 to {MAX_TASK_COUNT}.")
        if spec.kind == Task.Kind.ANNOTATE:
            if spec.source is None or spec.source.pk not in readings:
                raise ValidationError(
                    where + "choose a reading (a source of a map shared with the class)."
                )
            continue
        if spec.debate is None or spec.debate.pk not in shared:
            raise ValidationError(where + "choose a map shared with the class.")
        if spec.kind in (Task.Kind.ARGUE, Task.Kind.ANSWER) or spec.claim is not None:
            claim = spec.claim
            if claim is None and spec.kind == Task.Kind.ANSWER:
                raise ValidationError(where + "name the counterargument to answer.")
            if claim is not None and (claim.debate_id != spec.debate.pk or claim.deleted_at):
                raise ValidationError(where + "that claim is not in the chosen map.")
            if spec.kind == Task.Kind.ARGUE and claim is not None and claim.kind != "issue":
                raise ValidationError(where + "name an issue (a question at the top of the map).")
            if spec.kind == Task.Kind.ANSWER and claim is not None and claim.kind != "argument":
                raise ValidationError(where + "name an argument (the counterargument).")
    return title


def _rubric(rubric: dict[str, int] | None) -> dict[str, int]:
    """The grading rubric's weights as the assignment's fields (`rubric_claim`, ...); keys
    left out keep their value (or default)."""
    fields = {}
    for key, value in (rubric or {}).items():
        if key not in RUBRIC_KEYS:
            raise ValueError(f"Unknown rubric weight {key!r}")
        if value is None:
            continue
        if not 0 <= int(value) <= MAX_RUBRIC_POINTS:
            raise ValidationError(f"Rubric points must be from 0 to {MAX_RUBRIC_POINTS}.")
        fields[f"rubric_{key}"] = int(value)
    return fields


def _write_tasks(assignment: Assignment, tasks: Sequence[TaskSpec]) -> None:
    Task.objects.bulk_create(
        [
            Task(
                assignment=assignment,
                kind=spec.kind,
                count=int(spec.count),
                debate=spec.debate if spec.kind != Task.Kind.ANNOTATE else None,
                claim=spec.claim if spec.kind in (Task.Kind.ARGUE, Task.Kind.ANSWER) else None,
                source=spec.source if spec.kind == Task.Kind.ANNOTATE else None,
                section=(spec.section or "").strip()[:300]
                if spec.kind == Task.Kind.ANNOTATE
                else "",
                order=n,
            )
            for n, spec in enumerate(tasks)
        ]
    )


@transaction.atomic
def assignment_create(
    *,
    actor,
    classroom: Classroom,
    title: str,
    due_at: datetime,
    tasks: Sequence[TaskSpec],
    instructions: str = "",
    late_until: datetime | None = None,
    see_after_post: bool = False,
    anonymous: bool = False,
    published: bool = True,
    rubric: dict[str, int] | None = None,
) -> Assignment:
    """Set an assignment to the class, with its tasks (and the grading rubric's weights:
    `rubric`, by key of `RUBRIC_KEYS`; the defaults for those left out)."""
    refuse_if_archived(classroom)
    require(policy.can_set_assignments(actor, classroom), "Only the class's teachers set work.")
    title = _check(classroom, title, instructions, due_at, late_until, tasks)
    weights = _rubric(rubric)
    assignment = Assignment.objects.create(
        classroom=classroom,
        title=title,
        instructions=(instructions or "").strip(),
        due_at=due_at,
        late_until=late_until,
        see_after_post=see_after_post,
        anonymous=anonymous,
        published=published,
        created_by=actor,
        **weights,
    )
    _write_tasks(assignment, tasks)
    audit(classroom=classroom, actor=actor, action=Action.ASSIGNMENT_SET, summary=f"“{title}”")
    return assignment


@transaction.atomic
def assignment_update(
    *,
    actor,
    assignment: Assignment,
    title: str,
    due_at: datetime,
    tasks: Sequence[TaskSpec],
    instructions: str = "",
    late_until: datetime | None = None,
    see_after_post: bool = False,
    anonymous: bool = False,
    published: bool = True,
    rubric: dict[str, int] | None = None,
) -> Assignment:
    """Change an assignment; its tasks are replaced by `tasks` (progress is counted from
    the students' work, so nothing they did is lost). `rubric`: the grading weights to
    change, as in `assignment_create`."""
    classroom = assignment.classroom
    refuse_if_archived(classroom)
    require(policy.can_set_assignments(actor, classroom), "Only the class's teachers set work.")
    title = _check(classroom, title, instructions, due_at, late_until, tasks)
    weights = _rubric(rubric)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    assignment.title = title
    assignment.instructions = (instructions or "").strip()
    assignment.due_at = due_at
    assignment.late_until = late_until
    assignment.see_after_post = see_after_post
    assignment.anonymous = anonymous
    assignment.published = published
    for name, value in weights.items():
        setattr(assignment, name, value)
    assignment.save()
    assignment.tasks.all().delete()
    _write_tasks(assignment, tasks)
    audit(classroom=classroom, actor=actor, action=Action.ASSIGNMENT_CHANGED, summary=f"“{title}”")
    return assignment


@transaction.atomic
def assignment_delete(
    *, actor, assignment: Assignment, reason: str = "", force: bool = False
) -> AssignmentLoss:
    """Delete an assignment with its tasks, grades (drafts and released) and the teachers'
    comments; the students' own claims and notes stay where they are. Refused (a
    ValidationError saying why) when grades were released for it, unless `force` is given
    — from a confirmation step that showed the teacher what goes. Logged in the class's
    audit log with `reason`. Returns what was removed."""
    classroom = assignment.classroom
    refuse_if_archived(classroom)
    require(
        policy.can_delete_assignment(actor, classroom),
        "Only the class's teachers delete assignments.",
    )
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON_CHARS:
        raise ValidationError(f"The reason is too long (the limit is {MAX_REASON_CHARS}).")
    locked = (
        Assignment.objects.select_for_update().filter(pk=assignment.pk, classroom=classroom).first()
    )
    if locked is None:
        raise ValidationError("This assignment has been deleted already.")
    loss = assignment_loss(locked)
    if loss.released and not force:
        n = loss.released
        raise ValidationError(
            f"Grades for “{locked.title}” were released to {n} student{'s' if n != 1 else ''}: "
            "deleting it takes those grades and your comments away from them. Confirm on the "
            "delete page to delete it anyway."
        )
    title = locked.title
    locked.delete()
    lost = f"{loss.tasks} task{'s' if loss.tasks != 1 else ''}, {loss.grades} grade" + (
        f"{'s' if loss.grades != 1 else ''} ({loss.released} released)"
    )
    audit(
        classroom=classroom,
        actor=actor,
        action=Action.ASSIGNMENT_DELETED,
        summary=f"“{title}”: {lost}" + (f". Reason: {reason}" if reason else ""),
    )
    return loss

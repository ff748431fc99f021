"""Grading: the teachers' private comments on a student's contributions, each student's
grade (the rubric's auto-score, the teacher's override and comment) and its release with
a notification. Teachers and co-teachers of the class only, never in an archived class;
every act is in the class's audit log."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from debates.models import Notification
from debates.services.notifications import notify

from .. import policy
from ..models import Assignment, ClassAuditEntry, ClassMember, FeedbackItem, Grade
from ..selectors.grading import auto_scores, work_many
from ._base import audit, named, refuse_if_archived, require

Action = ClassAuditEntry.Action
MAX_COMMENT_CHARS = 5000
MAX_SCORE = 10000
MAX_POINTS = 1000


def _may_grade(actor, assignment: Assignment) -> None:
    classroom = assignment.classroom
    refuse_if_archived(classroom)
    require(policy.can_grade(actor, classroom), "Only the class's teachers grade work.")


def _student(assignment: Assignment, student) -> ClassMember:
    member = (
        ClassMember.objects.filter(
            classroom_id=assignment.classroom_id,
            user=student,
            role=ClassMember.Role.STUDENT,
            left_at=None,
        )
        .select_related("user")
        .first()
    )
    if member is None:
        raise ValidationError(f"{student.public_name} is not a student of this class.")
    return member


def _comment(comment: str) -> str:
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT_CHARS:
        raise ValidationError(f"The comment is too long (the limit is {MAX_COMMENT_CHARS:,}).")
    return comment


@transaction.atomic
def grade_set(
    *, actor, assignment: Assignment, student, score: int | None, comment: str = ""
) -> Grade:
    """Grade a student's whole assignment: the rubric's auto-score is stored as computed
    now; `score` (None: the auto-score stands) and `comment` are the teacher's. A released
    grade stays released (the student sees the change)."""
    _may_grade(actor, assignment)
    member = _student(assignment, student)
    if score is not None and not 0 <= int(score) <= MAX_SCORE:
        raise ValidationError(f"The score must be from 0 to {MAX_SCORE:,}.")
    comment = _comment(comment)
    auto = auto_scores(assignment=assignment, students=[member])[member.user_id].total
    grade, _ = Grade.objects.select_for_update().get_or_create(
        assignment=assignment, student=member.user
    )
    grade.auto_score = auto
    grade.score = int(score) if score is not None else None
    grade.comment = comment
    grade.graded_by = actor
    grade.save()
    audit(
        classroom=assignment.classroom,
        actor=actor,
        action=Action.GRADED,
        summary=f"{named(member.user)} in “{assignment.title}”: {grade.final}",
    )
    return grade


@transaction.atomic
def feedback_add(
    *,
    actor,
    assignment: Assignment,
    student,
    kind: str,
    object_id: int,
    comment: str,
    points: int | None = None,
) -> FeedbackItem:
    """A private comment (and optional points) on one of the student's claims, pieces of
    evidence or notes in the assignment."""
    _may_grade(actor, assignment)
    member = _student(assignment, student)
    if kind not in FeedbackItem.Kind.values:
        raise ValidationError("Comment on a claim, a piece of evidence or a note.")
    comment = _comment(comment)
    if not comment:
        raise ValidationError("Write a comment.")
    if points is not None and not -MAX_POINTS <= int(points) <= MAX_POINTS:
        raise ValidationError(f"Points must be from -{MAX_POINTS} to {MAX_POINTS}.")
    work = work_many(assignment=assignment, tasks=list(assignment.tasks.all()), students=[member])[
        member.user_id
    ]
    if not any(c.kind == kind and c.pk == object_id for c in work.contributions):
        raise ValidationError(f"That {kind} is not part of this student's work here.")
    item = FeedbackItem.objects.create(
        assignment=assignment,
        student=member.user,
        kind=kind,
        object_id=object_id,
        comment=comment,
        points=int(points) if points is not None else None,
        by=actor,
    )
    audit(
        classroom=assignment.classroom,
        actor=actor,
        action=Action.FEEDBACK_GIVEN,
        summary=f"on a {kind} of {named(member.user)} in “{assignment.title}”",
    )
    return item


@transaction.atomic
def grades_release(*, actor, assignment: Assignment, students: Sequence | None = None) -> int:
    """Release the grades and comments of `students` (None: every current student) to
    them, each with a notification; a student without a grade yet gets the auto-score.
    Returns how many were newly released (releasing again changes nothing)."""
    _may_grade(actor, assignment)
    members = list(
        ClassMember.objects.filter(
            classroom_id=assignment.classroom_id, role=ClassMember.Role.STUDENT, left_at=None
        ).select_related("user")
    )
    if students is not None:
        wanted = {s.pk for s in students}
        if not wanted <= {m.user_id for m in members}:
            raise ValidationError("Release grades to students of this class only.")
        members = [m for m in members if m.user_id in wanted]
    existing = {
        g.student_id: g
        for g in Grade.objects.select_for_update().filter(
            assignment=assignment, student_id__in=[m.user_id for m in members]
        )
    }
    pending = [
        m for m in members if existing.get(m.user_id) is None or not existing[m.user_id].released
    ]
    missing = [m for m in pending if m.user_id not in existing]
    scores = auto_scores(assignment=assignment, students=missing) if missing else {}
    now = timezone.now()
    url = assignment.get_absolute_url()
    for member in pending:
        grade = existing.get(member.user_id)
        if grade is None:
            grade = Grade(
                assignment=assignment,
                student=member.user,
                auto_score=scores[member.user_id].total,
                graded_by=actor,
            )
        grade.released_at = now
        grade.save()
        notify(
            recipient=member.user,
            actor=actor,
            verb=Notification.Verb.GRADED,
            message=f"Your grade for “{assignment.title}” is out: {grade.final}.",
            url=url + "#grade",
        )
    if pending:
        audit(
            classroom=assignment.classroom,
            actor=actor,
            action=Action.GRADES_RELEASED,
            summary=f"“{assignment.title}”: "
            + ", ".join(named(m.user) for m in pending[:10])
            + (f" and {len(pending) - 10} more" if len(pending) > 10 else ""),
        )
    return len(pending)

"""Grading and feedback on an assignment: a teacher's private comment on one contribution
(`FeedbackItem`) and each student's grade for the whole assignment (`Grade`).

Both are private: the class's teachers see them; the student sees them only once the
teacher has released the grade (`Grade.released_at`); classmates never. The rubric's
weights live on the `Assignment` (its `rubric_*` fields); the auto-score is computed by
`classes.selectors.grading` and stored with the grade as the teacher's starting point.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .assignments import Assignment


class FeedbackItem(models.Model):
    """A teacher's private comment (and optional points) on one claim, piece of evidence
    or note a student made for an assignment."""

    class Kind(models.TextChoices):
        CLAIM = "claim", "claim"
        EVIDENCE = "evidence", "evidence"
        NOTE = "note", "note"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="feedback")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The claim's, evidence's or note's id (they may be deleted later; the comment stays).
    object_id = models.PositiveIntegerField()
    comment = models.TextField()
    points = models.SmallIntegerField(null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assignment", "student", "at", "pk"]
        indexes = [models.Index(fields=["assignment", "student"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.comment[:40]}"


class Grade(models.Model):
    """One student's grade for one assignment: the rubric's `auto_score`, the teacher's
    `score` (None: the auto-score stands) and comment; hidden from the student until
    `released_at`."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="grades")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    auto_score = models.PositiveIntegerField(default=0)
    score = models.PositiveIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assignment", "student"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "student"], name="one_grade_per_student"),
            models.CheckConstraint(condition=Q(score__lte=10000), name="grade_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment}: {self.final}"

    @property
    def final(self) -> int:
        """The teacher's score, or the auto-score when they gave none."""
        return self.score if self.score is not None else self.auto_score

    @property
    def released(self) -> bool:
        return self.released_at is not None

"""Assignments set to a class (`Assignment`) and the tasks each one asks for (`Task`).

Progress is never stored: `classes.selectors.assignments` counts it from the students' own
claims and notes in the shared maps and readings, made between the assignment's creation
and the end of its late window.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from debates.models import Claim, Debate, Source

from .classrooms import Classroom

MAX_TASK_COUNT = 50


class Assignment(models.Model):
    """Work set to a class's students, due at `due_at`; work after it and up to
    `late_until` counts but is marked late; after that, it does not count. Without a late
    window (`late_until` empty) nothing after `due_at` counts."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="assignments")
    title = models.CharField(max_length=200)
    instructions = models.TextField(blank=True)
    due_at = models.DateTimeField()
    late_until = models.DateTimeField(null=True, blank=True)
    # Students see classmates' claims and notes in the assignment's maps and readings only
    # once they have made one contribution that counts for it.
    see_after_post = models.BooleanField(default=False)
    # Classmates see pseudonyms ("Student 7") instead of names; teachers see names.
    anonymous = models.BooleanField(default=False)
    # A draft (unpublished) assignment is seen by the class's teachers only.
    published = models.BooleanField(default=True)
    # The grading rubric's weights (classes.selectors.grading): points per claim, extra
    # points per claim that cites the source, per passage covered (cited or annotated),
    # per reply to a classmate, and per task completed (half for a task completed late).
    rubric_claim = models.PositiveSmallIntegerField(default=1)
    rubric_grounded = models.PositiveSmallIntegerField(default=3)
    rubric_passage = models.PositiveSmallIntegerField(default=2)
    rubric_reply = models.PositiveSmallIntegerField(default=2)
    rubric_task = models.PositiveSmallIntegerField(default=4)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["classroom", "due_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(late_until__isnull=True) | Q(late_until__gte=F("due_at")),
                name="late_window_after_due",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("classes:assignment", args=[self.classroom_id, self.pk])

    @property
    def closes_at(self):
        """The last moment work counts: the end of the late window, or the due date."""
        return self.late_until or self.due_at

    def state(self, now=None) -> str:
        """open, late (in the late window) or closed."""
        now = now or timezone.now()
        if now <= self.due_at:
            return "open"
        if now <= self.closes_at:
            return "late"
        return "closed"


class Task(models.Model):
    """One thing an assignment asks each student to do, `count` times."""

    class Kind(models.TextChoices):
        ARGUE = "argue", "add arguments with evidence to an issue"
        ANNOTATE = "annotate", "annotate passages of a source"
        ANSWER = "answer", "answer a counterargument"
        REPLY = "reply", "reply to classmates' claims"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    count = models.PositiveSmallIntegerField(default=1)
    # The map (shared with the class) it happens in: argue, answer and reply.
    debate = models.ForeignKey(
        Debate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The issue (argue) or the counterargument (answer).
    claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The reading (annotate), optionally only within one section.
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    section = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["assignment", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(count__gte=1) & Q(count__lte=MAX_TASK_COUNT), name="task_count_range"
            ),
        ]

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        n = self.count
        if self.kind == self.Kind.ARGUE:
            where = f" to the issue “{self.claim}”" if self.claim_id else ""
            return f"Add {n} argument{'s' if n != 1 else ''} with evidence{where}"
        if self.kind == self.Kind.ANNOTATE:
            what = f" of “{self.source.title}”" if self.source_id and self.source else ""
            within = f", in the section “{self.section}”" if self.section else ""
            return f"Annotate {n} passage{'s' if n != 1 else ''}{what}{within}"
        if self.kind == self.Kind.ANSWER:
            what = f" “{self.claim}”" if self.claim_id else ""
            times = f" ({n} replies)" if n != 1 else ""
            return f"Answer the counterargument{what}{times}"
        return f"Reply to {n} classmate{'s' if n != 1 else ''}' claim{'s' if n != 1 else ''}"

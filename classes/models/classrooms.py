"""A class (`Classroom`: `class` is a keyword) and the people in it (`ClassMember`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

# Join codes are read aloud and copied from a projector: no 0/O, 1/I/L, and no U (so
# fewer codes spell words). 30 symbols, 8 of them: 6.6 × 10^11 codes.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
JOIN_CODE_LENGTH = 8


def normal_join_code(text: str) -> str:
    """A typed join code as stored: capitals, without spaces or hyphens; '' if it cannot
    be one (a wrong length, or a symbol codes never use)."""
    code = "".join(ch for ch in (text or "").upper() if ch not in " -\t")
    if len(code) != JOIN_CODE_LENGTH or any(ch not in JOIN_CODE_ALPHABET for ch in code):
        return ""
    return code


class Classroom(models.Model):
    """A class: its teachers and students (`members`), a join code, the maps shared with it.

    Archived at the end of term: read-only, nobody joins, the maps stay readable.
    """

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # Stored without the hyphen shown to people (see `display_code`).
    join_code = models.CharField(max_length=JOIN_CODE_LENGTH, unique=True)
    # Off: neither the code nor the link lets anyone join (teachers still add people).
    joining_open = models.BooleanField(default=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="classes_created"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(join_code=""), name="classroom_has_a_join_code"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("classes:detail", args=[self.pk])

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    @property
    def display_code(self) -> str:
        half = len(self.join_code) // 2
        return f"{self.join_code[:half]}-{self.join_code[half:]}"

    def join_path(self) -> str:
        return reverse("classes:join_link", args=[self.join_code])


class ClassMember(models.Model):
    """A person in a class, with their role. Someone who leaves or is removed keeps their
    row with `left_at` set (a former member: their work stays attributable); joining
    again clears it."""

    class Role(models.TextChoices):
        TEACHER = "teacher", "teacher"
        CO_TEACHER = "co_teacher", "co-teacher"
        STUDENT = "student", "student"

    class Via(models.TextChoices):
        CREATED = "created", "created the class"
        CODE = "code", "joined with the code"
        LINK = "link", "joined with the link"
        ADDED = "added", "added by a teacher"

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="class_memberships"
    )
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.STUDENT)
    via = models.CharField(max_length=8, choices=Via.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["classroom", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["classroom", "user"], name="one_place_per_class"),
            # The class's creator: exactly one, and never a former member.
            models.UniqueConstraint(
                fields=["classroom"],
                condition=Q(role="teacher"),
                name="one_teacher_per_class",
            ),
            models.CheckConstraint(
                condition=~Q(role="teacher") | Q(left_at__isnull=True),
                name="the_teacher_stays",
            ),
        ]
        indexes = [models.Index(fields=["user", "left_at"], name="class_member_user_idx")]

    def __str__(self) -> str:
        state = " (former)" if self.left_at else ""
        return f"{self.user} is {self.role}{state} of {self.classroom}"

    @property
    def active(self) -> bool:
        return self.left_at is None

    @property
    def teaches(self) -> bool:
        return self.role in (self.Role.TEACHER, self.Role.CO_TEACHER)

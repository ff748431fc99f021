"""Small groups in a class (`ClassGroup`, `ClassGroupMember`) and the copies of a template
map given to the class, a group or a student (`GroupCopy`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from debates.models import Debate

from .classrooms import Classroom
from .sharing import MapShare


class ClassGroup(models.Model):
    """A small group of a class's students. A student is in at most one group of a class."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["classroom", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["classroom", "name"], name="group_names_differ"),
            models.CheckConstraint(condition=~Q(name=""), name="group_has_a_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.classroom})"


class ClassGroupMember(models.Model):
    """A student in a group. `classroom` repeats the group's class so that the database
    keeps a student to one group per class."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(ClassGroup, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="class_groups"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["group", "user"]
        constraints = [
            models.UniqueConstraint(fields=["classroom", "user"], name="one_group_per_class"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.group}"


class GroupCopy(models.Model):
    """A copy of a template map given to the whole class (no group, no student), to a group
    or to one student. The copy is an ordinary private debate owned by the teacher."""

    class For(models.TextChoices):
        CLASS = "class", "the whole class"
        GROUP = "group", "each group"
        STUDENT = "student", "each student"

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="copies")
    template = models.ForeignKey(
        Debate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    debate = models.OneToOneField(Debate, on_delete=models.CASCADE, related_name="class_copy")
    copy_for = models.CharField(max_length=8, choices=For.choices)
    mode = models.CharField(max_length=10, choices=MapShare.Mode.choices)
    # Kept when the group is deleted: the copy stays listed under the class (no group).
    group = models.ForeignKey(
        ClassGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="class_copies",
    )
    group_name = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["classroom", "-created_at", "pk"]
        verbose_name_plural = "group copies"
        indexes = [models.Index(fields=["classroom", "copy_for"], name="class_copy_for_idx")]

    def __str__(self) -> str:
        return f"{self.debate} for {self.copy_for} in {self.classroom}"

"""The class's own audit log: who created, joined, left, was added or removed, shared a map."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from .classrooms import Classroom


class ClassAuditEntry(models.Model):
    """One act in a class. Never edited or deleted (the debate roles a share grants are
    logged in each debate's own audit log too)."""

    class Action(models.TextChoices):
        CREATED = "created", "created the class"
        UPDATED = "updated", "changed the class's name or description"
        CODE_REGENERATED = "code_regenerated", "made a new join code"
        JOINING_OPENED = "joining_opened", "opened joining"
        JOINING_CLOSED = "joining_closed", "closed joining"
        ARCHIVED = "archived", "archived the class"
        UNARCHIVED = "unarchived", "brought the class back from the archive"
        JOINED = "joined", "joined"
        LEFT = "left", "left"
        ADDED = "added", "added a member"
        REMOVED = "removed", "removed a member"
        ROLE_CHANGED = "role_changed", "changed a member's role"
        MAP_SHARED = "map_shared", "shared a map"
        SHARE_CHANGED = "share_changed", "changed how a map is shared"
        MAP_UNSHARED = "map_unshared", "stopped sharing a map"
        ASSIGNMENT_SET = "assignment_set", "set an assignment"
        ASSIGNMENT_CHANGED = "assignment_changed", "changed an assignment"
        ASSIGNMENT_DELETED = "assignment_deleted", "deleted an assignment"
        GROUP_CREATED = "group_created", "made a group"
        GROUPS_MADE = "groups_made", "made groups at random"
        GROUP_MEMBER_ADDED = "group_member_added", "put a student in a group"
        GROUP_MEMBER_REMOVED = "group_member_removed", "took a student out of a group"
        GROUP_DELETED = "group_deleted", "deleted a group"
        COPIES_GIVEN = "copies_given", "gave copies of a map"
        GRADED = "graded", "graded a student's work"
        FEEDBACK_GIVEN = "feedback_given", "commented on a student's contribution"
        GRADES_RELEASED = "grades_released", "released grades"

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="audit_entries")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    summary = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "class audit entries"

    def __str__(self) -> str:
        return f"{self.actor}: {self.get_action_display()} — {self.summary}"

"""Imports of argument maps that run in the background, and what the progress page shows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from .maps import Claim, Debate


class ImportJob(models.Model):
    """One uploaded map file on its way into a debate: queued, running, done or failed.

    The file's text waits here for the worker and is dropped once the job ends. The import
    itself is one transaction, so a job that fails or is killed half-way leaves no claims.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "waiting for a worker"
        RUNNING = "running", "importing"
        DONE = "done", "imported"
        FAILED = "failed", "failed"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    format = models.CharField(max_length=20)
    filename = models.CharField(max_length=255, blank=True)
    data = models.TextField(blank=True, help_text="The file's text until the job ends.")
    title = models.CharField(max_length=200, blank=True, help_text="The new debate's title.")
    visibility = models.CharField(
        max_length=10,
        choices=Debate.Visibility.choices,
        default=Debate.Visibility.PRIVATE,
        help_text="Who may see the new debate.",
    )
    into = models.ForeignKey(
        Debate, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    under = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    stage = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True, help_text="Why it failed, in the reader's words.")
    debate = models.ForeignKey(
        Debate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claims = models.PositiveIntegerField(default=0, help_text="Claims imported.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="import_progress_percent", condition=models.Q(progress__lte=100)
            )
        ]

    def __str__(self) -> str:
        return f"{self.format} import {self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

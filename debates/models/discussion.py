"""A claim's discussion: clarifying questions and answers that are not arguments.

A comment is a question ("what do you mean by 'cheap'?") or its answer; it takes no side,
so it is not on the map and counts for no label. One level of replies: a reply hangs from
a top-level comment, never from another reply.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .maps import Claim


class ClaimComment(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claim_comments",
    )
    # A reply names the top-level comment it answers (one level: the service refuses more).
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)
    hidden = models.BooleanField(default=False, help_text="Hidden by a moderator.")

    class Meta:
        ordering = ["claim", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(name="claim_comment_not_blank", condition=~Q(body="")),
            models.CheckConstraint(
                name="claim_comment_not_own_parent", condition=~Q(parent=models.F("pk"))
            ),
        ]
        indexes = [models.Index(fields=["claim", "created_at"], name="claim_comment_thread")]

    def __str__(self) -> str:
        body = self.body if len(self.body) <= 60 else self.body[:59] + "…"
        return f"{self.author}: {body}"

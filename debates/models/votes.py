"""Votes on claims: two questions asked apart, so truth and relevance are never mixed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .maps import Claim


class Vote(models.Model):
    """One person's answer to one question about one claim; changeable, one per question.

    *Acceptability*: "is it true / acceptable?" on five steps, 0 (no) to 4 (yes).
    *Relevance*, for an argument: "if true, how much does it bear on its parent?", 0 (not at
    all) to 4 (decisively) — Kialo's impact scale.
    """

    class Question(models.TextChoices):
        ACCEPTABILITY = "acceptability", "acceptability"
        RELEVANCE = "relevance", "relevance"

    ACCEPTABILITY_STEPS = (
        (0, "unacceptable"),
        (1, "doubtful"),
        (2, "uncertain"),
        (3, "plausible"),
        (4, "acceptable"),
    )
    RELEVANCE_STEPS = (
        (0, "no bearing"),
        (1, "little bearing"),
        (2, "some bearing"),
        (3, "strong bearing"),
        (4, "decisive"),
    )

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claim_votes"
    )
    question = models.CharField(max_length=16, choices=Question.choices)
    value = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "user", "question"], name="one_vote_per_question"
            ),
            models.CheckConstraint(name="vote_value_in_range", condition=models.Q(value__lte=4)),
            models.CheckConstraint(
                name="vote_question_valid",
                condition=models.Q(question__in=["acceptability", "relevance"]),
            ),
        ]
        indexes = [models.Index(fields=["claim", "question"], name="vote_claim_question")]

    def __str__(self) -> str:
        return f"{self.user} rates {self.question} of {self.claim_id}: {self.value}"

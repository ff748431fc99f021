"""Notes on passages: annotations, their threads and tags."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .maps import Debate
from .sources import Anchor


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Annotation(models.Model):
    """A person's note on an anchor; a reply has a parent annotation and the same anchor."""

    class Motivation(models.TextChoices):
        COMMENTING = "commenting", "commenting"
        HIGHLIGHTING = "highlighting", "highlighting"
        QUESTIONING = "questioning", "questioning"
        TAGGING = "tagging", "tagging"
        REPLYING = "replying", "replying"

    class Visibility(models.TextChoices):
        PRIVATE = "private", "only me"
        DEBATE = "debate", "debate members"
        PUBLIC = "public", "public"

    anchor = models.ForeignKey(Anchor, on_delete=models.PROTECT, related_name="annotations")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="annotations"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies"
    )
    debate = models.ForeignKey(
        Debate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="annotations",
        help_text="The debate whose members may see it when visibility is 'debate members'.",
    )
    body = models.TextField(blank=True, help_text="Markdown.")
    tags = models.ManyToManyField(Tag, blank=True, related_name="annotations")
    motivation = models.CharField(
        max_length=12, choices=Motivation.choices, default=Motivation.COMMENTING
    )
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    hidden = models.BooleanField(default=False, help_text="Hidden by a moderator.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Web Annotation provenance, kept from what a client or an import file sent (protocol 5.1).
    canonical = models.CharField(
        max_length=2000,
        blank=True,
        default="",
        help_text="The IRI the annotation is known by everywhere, kept as the client sent it.",
    )
    via = models.JSONField(
        default=list,
        blank=True,
        help_text="IRIs of the annotations this one was copied from (a client's own id first).",
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["anchor__start", "created_at"]
        constraints = [
            models.CheckConstraint(
                name="debate_visibility_names_a_debate",
                condition=~Q(visibility="debate") | Q(debate__isnull=False),
                violation_error_message="An annotation for debate members must name the debate.",
            ),
            models.CheckConstraint(
                name="annotation_not_own_parent", condition=~Q(parent=models.F("pk"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:60]}"

"""Sources, their immutable revisions, and the anchors and passages on their text."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

# Selectors store this much context either side of a quote (W3C TextQuoteSelector).
QUOTE_CONTEXT = 32


class Source(models.Model):
    """A document that maps are grounded in. Its text lives in immutable revisions.

    A public source is everyone's reading; a private one is for its importer, staff and the
    members of the debates grounded in it. Imports are private unless the importer says so.
    """

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public"
        PRIVATE = "private", "Private"

    title = models.CharField(max_length=300)
    author = models.CharField(
        "author or origin", max_length=300, blank=True, help_text="Who wrote it, or where from."
    )
    url = models.URLField("original address", blank=True, max_length=500)
    licence = models.CharField(max_length=200, blank=True, help_text="Licence or reuse note.")
    language = models.CharField(max_length=16, default="en")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    # Points at the newest revision so the reader needs no "latest" subquery.
    current_revision = models.ForeignKey(
        "SourceRevision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("debates:source", args=[self.pk])


class SourceRevision(models.Model):
    """One immutable text of a source plus the structure the importer found in it."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    # ParsedArticle.to_dict(): title, format and sections with character offsets into text.
    structure = models.JSONField(default=dict)
    note = models.CharField(max_length=300, blank=True)
    # How the anchors of the previous revision fared: counts by outcome (see revisions.py).
    report = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["source", "number"]
        constraints = [
            models.UniqueConstraint(fields=["source", "number"], name="revision_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="revision_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.source} (revision {self.number})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("Source revisions are immutable; create a new revision instead.")
        super().save(*args, **kwargs)


class Anchor(models.Model):
    """A span of a source's text, held by position and by quote so it survives new revisions.

    `revision` is the revision the selectors currently resolve against; when a source gets
    a new revision the anchor is re-anchored (position, then quote, then fuzzy quote) or
    marked orphaned, never dropped.
    """

    class Status(models.TextChoices):
        ANCHORED = "anchored", "anchored"
        ORPHANED = "orphaned", "orphaned"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="anchors")
    revision = models.ForeignKey(SourceRevision, on_delete=models.PROTECT, related_name="anchors")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    exact = models.TextField()
    prefix = models.CharField(max_length=QUOTE_CONTEXT, blank=True)
    suffix = models.CharField(max_length=QUOTE_CONTEXT, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ANCHORED)

    class Meta:
        ordering = ["source", "start", "end"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="anchor_not_empty"),
        ]
        indexes = [models.Index(fields=["revision", "start"])]

    def __str__(self) -> str:
        quote = self.exact if len(self.exact) <= 60 else self.exact[:57] + "…"
        return f"“{quote}” [{self.start}:{self.end}]"


class Passage(models.Model):
    """A named, citable anchor: a paragraph, list item, heading, sentence or any selection."""

    class Kind(models.TextChoices):
        HEADING = "heading", "heading"
        PARAGRAPH = "paragraph", "paragraph"
        LIST_ITEM = "list_item", "list item"
        SENTENCE = "sentence", "sentence"
        SELECTION = "selection", "selection"

    anchor = models.OneToOneField(Anchor, on_delete=models.CASCADE, related_name="passage")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="passages")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    label = models.CharField(max_length=200, blank=True)
    section = models.CharField(max_length=300, blank=True, help_text="Section title, if any.")
    page = models.PositiveIntegerField(
        null=True, blank=True, help_text="Page of the imported PDF on which it starts, if any."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["source", "anchor__start"]

    def __str__(self) -> str:
        return self.label or str(self.anchor)

    def get_absolute_url(self) -> str:
        reader = reverse("debates:source", args=[self.source_id])
        return f"{reader}?passage={self.pk}#passage-{self.pk}"

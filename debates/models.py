"""The Crux domain: sources and their passages, annotations, and debate maps.

Invariants that one row can state are CHECK/UNIQUE constraints here; the one that spans
rows (a claim's parent is of the right kind and in the same debate) is a database
trigger installed by migration 0002, so no write path can break it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models, router, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

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


def _release_members_only_notes(debates: models.QuerySet) -> None:
    """Notes for the members of `debates` become private notes of their authors.

    `Annotation.debate` is SET_NULL, but a members-only note must name its debate (the
    `debate_visibility_names_a_debate` constraint): without this, deleting such a debate
    fails. The notes are their authors', so they are kept, for their authors alone.
    """
    Annotation.objects.filter(debate__in=debates, visibility=Annotation.Visibility.DEBATE).update(
        visibility=Annotation.Visibility.PRIVATE, updated_at=timezone.now()
    )


class DebateQuerySet(models.QuerySet):
    def delete(self):
        """Delete the debates (with their claims, links, evidence, flags, audit log and
        notifications); their members-only notes are kept as their authors' private notes."""
        with transaction.atomic(using=self.db):
            _release_members_only_notes(self)
            return super().delete()

    delete.alters_data = True
    delete.queryset_only = True


class Debate(models.Model):
    class Visibility(models.TextChoices):
        PRIVATE = "private", "private (members only)"
        UNLISTED = "unlisted", "unlisted (anyone with the link)"
        PUBLIC = "public", "public"

    class Mode(models.TextChoices):
        OPEN = "open", "open (members add claims directly)"
        REVIEWED = "reviewed", "reviewed (moderators approve proposals)"
        CLOSED = "closed", "closed (no new contributions)"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_debates"
    )
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    contribution_mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.REVIEWED)
    sources = models.ManyToManyField(Source, related_name="debates", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DebateQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("debates:map", args=[self.slug])

    def delete(self, using=None, keep_parents=False):
        """Delete the debate with everything in it; its members-only notes stay, private to
        their authors (see `DebateQuerySet.delete`)."""
        using = using or router.db_for_write(Debate, instance=self)
        with transaction.atomic(using=using):
            _release_members_only_notes(Debate.objects.using(using).filter(pk=self.pk))
            return super().delete(using=using, keep_parents=keep_parents)


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "owner"
        MODERATOR = "moderator", "moderator"
        CONTRIBUTOR = "contributor", "contributor"
        VIEWER = "viewer", "viewer"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["debate", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "debate"], name="one_membership_per_debate"),
        ]

    def __str__(self) -> str:
        return f"{self.user} is {self.role} of {self.debate}"


class ClaimQuerySet(models.QuerySet):
    def published(self) -> ClaimQuerySet:
        return self.filter(status=Claim.Status.PUBLISHED, deleted_at__isnull=True)

    def issues(self) -> ClaimQuerySet:
        return self.filter(kind=Claim.Kind.ISSUE)


class Claim(models.Model):
    """A node of a debate map. One table for the whole map, so a map loads in one query.

    An issue is the controversy (a question, the root); positions answer an issue;
    arguments support or oppose a position or another argument (an opposing argument
    under an argument is a counterargument) or undercut the link between an argument and
    its parent.
    """

    class Kind(models.TextChoices):
        ISSUE = "issue", "issue"
        POSITION = "position", "position"
        ARGUMENT = "argument", "argument"

    class Relation(models.TextChoices):
        NONE = "", "none (an issue is a root)"
        ANSWERS = "answers", "answers"
        SUPPORTS = "supports", "supports"
        OPPOSES = "opposes", "opposes"
        UNDERCUTS = "undercuts", "undercuts"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "proposed"
        PUBLISHED = "published", "published"
        REJECTED = "rejected", "rejected"
        WITHDRAWN = "withdrawn", "withdrawn"
        MERGED = "merged", "merged into another claim"

    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="claims")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # RESTRICT, not PROTECT: a claim with replies cannot be deleted on its own, but a
    # debate's delete takes its whole tree at once.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.RESTRICT, related_name="children"
    )
    relation = models.CharField(max_length=10, choices=Relation.choices, blank=True)
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claims",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    status_reason = models.TextField(blank=True, help_text="Why it was rejected or withdrawn.")
    version = models.PositiveIntegerField(default=1, help_text="Raised on every edit.")
    order = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Set when a moderator merges this claim, as a duplicate, into another one.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_claims"
    )

    history = HistoricalRecords()
    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["debate", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                name="claim_kind_relation",
                condition=(
                    Q(kind="issue", parent__isnull=True, relation="")
                    | Q(kind="position", parent__isnull=False, relation="answers")
                    | Q(
                        kind="argument",
                        parent__isnull=False,
                        relation__in=["supports", "opposes", "undercuts"],
                    )
                ),
                violation_error_message=(
                    "An issue has no parent; a position answers an issue; an argument "
                    "supports, opposes or undercuts a position or an argument."
                ),
            ),
            models.CheckConstraint(
                name="claim_not_own_parent", condition=~Q(parent=models.F("pk"))
            ),
            models.CheckConstraint(name="claim_text_not_blank", condition=~Q(text="")),
        ]
        indexes = [models.Index(fields=["debate", "status"])]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:77] + "…"

    def get_absolute_url(self) -> str:
        return reverse("debates:claim", args=[self.debate.slug, self.pk])

    @property
    def is_counterargument(self) -> bool:
        return (
            self.kind == self.Kind.ARGUMENT
            and self.relation == self.Relation.OPPOSES
            and (self.parent is not None and self.parent.kind == self.Kind.ARGUMENT)
        )


class ClaimEdit(models.Model):
    """A proposed new text for a published claim, waiting for a moderator.

    Approval is pinned to the version approved: in a reviewed debate a proposer's edit of a
    published claim is kept here while the claim itself keeps showing the approved text.
    Approving applies it as the claim's next version (if nobody changed the claim since
    `base_version`); rejecting leaves the claim as it was and the edit, with its reason, here.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", "pending review"
        APPROVED = "approved", "approved"
        REJECTED = "rejected", "rejected"
        WITHDRAWN = "withdrawn", "withdrawn"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="edits")
    base_version = models.PositiveIntegerField(
        help_text="The claim version this edit started from."
    )
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="claim_edits"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    reason = models.TextField(blank=True, help_text="Why it was rejected.")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["claim", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(name="claim_edit_text_not_blank", condition=~Q(text="")),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"Edit of {self.claim} (v{self.base_version}, {self.status})"


class ClaimLink(models.Model):
    """A cross-link: a claim that also stands under a second parent (Kialo's "-> See")."""

    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="claim_links")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="links_out")
    parent = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="linked_children")
    relation = models.CharField(
        max_length=10,
        choices=[(c.value, c.label) for c in Claim.Relation if c.value],
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    order = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["parent", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "parent"], name="one_link_per_parent"),
            models.CheckConstraint(
                name="link_not_to_itself", condition=~Q(claim=models.F("parent"))
            ),
            models.CheckConstraint(
                name="link_relation_valid",
                condition=Q(relation__in=["answers", "supports", "opposes", "undercuts"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim} → also under {self.parent}"


class Evidence(models.Model):
    """A claim grounded in a passage of a source."""

    class Relation(models.TextChoices):
        SUPPORTS = "supports", "supports"
        OPPOSES = "opposes", "opposes"
        CONTEXT = "context", "context"

    # Evidence goes through the same review as claims.
    Status = Claim.Status

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    passage = models.ForeignKey(Passage, on_delete=models.PROTECT, related_name="evidence")
    relation = models.CharField(max_length=10, choices=Relation.choices, default=Relation.SUPPORTS)
    note = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    created_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["claim", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "passage"],
                condition=Q(deleted_at__isnull=True),
                name="cite_a_passage_once_per_claim",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.passage} {self.relation} {self.claim}"


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


class Flag(models.Model):
    """Someone's report that a claim or an annotation needs a moderator's look."""

    class Reason(models.TextChoices):
        UNSUPPORTED = "unsupported", "unsupported"
        UNCLEAR = "unclear", "unclear"
        DUPLICATE = "duplicate", "duplicate"
        OFF_TOPIC = "off_topic", "off-topic"
        ABUSIVE = "abusive", "abusive"
        OTHER = "other", "other"

    class Status(models.TextChoices):
        OPEN = "open", "open"
        UPHELD = "upheld", "upheld"
        DISMISSED = "dismissed", "dismissed"

    claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    annotation = models.ForeignKey(
        Annotation, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    reason = models.CharField(max_length=12, choices=Reason.choices)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="flag_names_one_target",
                condition=(
                    Q(claim__isnull=False, annotation__isnull=True)
                    | Q(claim__isnull=True, annotation__isnull=False)
                ),
                violation_error_message="A flag is about exactly one claim or one annotation.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason} flag on {self.claim or self.annotation}"


class AuditEntry(models.Model):
    """One act in a debate: who did what, to what, when and why. Never edited or deleted."""

    class Action(models.TextChoices):
        CLAIM_ADDED = "claim_added", "added a claim"
        CLAIM_PROPOSED = "claim_proposed", "proposed a claim"
        CLAIM_EDITED = "claim_edited", "edited a claim"
        EDIT_PROPOSED = "edit_proposed", "proposed an edit"
        CLAIM_MOVED = "claim_moved", "moved a claim"
        CLAIM_REORDERED = "claim_reordered", "reordered claims"
        CLAIM_LINKED = "claim_linked", "cross-linked a claim"
        CLAIM_UNLINKED = "claim_unlinked", "removed a cross-link"
        CLAIM_DELETED = "claim_deleted", "deleted a claim"
        CLAIM_RESTORED = "claim_restored", "restored a claim"
        CLAIM_REVERTED = "claim_reverted", "restored an earlier version"
        CLAIM_APPROVED = "claim_approved", "approved a claim"
        CLAIM_REJECTED = "claim_rejected", "rejected a claim"
        CLAIM_MERGED = "claim_merged", "merged a duplicate"
        EDIT_APPROVED = "edit_approved", "approved an edit"
        EDIT_REJECTED = "edit_rejected", "rejected an edit"
        EVIDENCE_ADDED = "evidence_added", "attached evidence"
        EVIDENCE_PROPOSED = "evidence_proposed", "proposed evidence"
        EVIDENCE_EDITED = "evidence_edited", "edited evidence"
        EVIDENCE_DETACHED = "evidence_detached", "detached evidence"
        EVIDENCE_RESTORED = "evidence_restored", "re-attached evidence"
        EVIDENCE_APPROVED = "evidence_approved", "approved evidence"
        EVIDENCE_REJECTED = "evidence_rejected", "rejected evidence"
        ANNOTATION_HIDDEN = "annotation_hidden", "hid a note"
        ANNOTATION_UNHIDDEN = "annotation_unhidden", "unhid a note"
        ANNOTATION_RESTORED = "annotation_restored", "restored a deleted note"
        FLAG_UPHELD = "flag_upheld", "upheld a flag"
        FLAG_DISMISSED = "flag_dismissed", "dismissed a flag"
        MEMBER_CHANGED = "member_changed", "changed a member's role"
        MEMBER_REMOVED = "member_removed", "removed a member"
        SETTINGS_CHANGED = "settings_changed", "changed the debate's settings"

    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="audit_entries")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=24, choices=Action.choices)
    claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    evidence = models.ForeignKey(
        Evidence, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    annotation = models.ForeignKey(
        Annotation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    flag = models.ForeignKey(
        Flag, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.CharField(max_length=300, help_text="What was done, in words.")
    reason = models.TextField(blank=True, help_text="Why, as the actor gave it.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name_plural = "audit entries"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["debate", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.actor} {self.get_action_display()}: {self.summary}"


class Notification(models.Model):
    """Tells a person what happened to something they contributed."""

    class Verb(models.TextChoices):
        APPROVED = "approved", "approved"
        REJECTED = "rejected", "rejected"
        EDITED = "edited", "edited"
        ANSWERED = "answered", "answered"
        MERGED = "merged", "merged"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=10, choices=Verb.choices)
    debate = models.ForeignKey(
        Debate, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"To {self.recipient}: {self.message}"

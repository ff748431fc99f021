"""Debate maps: debates and their members, claims, pending edits, cross-links and evidence."""

from __future__ import annotations

from django.conf import settings
from django.db import models, router, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .sources import Passage, Source


def _release_members_only_notes(debates: models.QuerySet) -> None:
    """Notes for the members of `debates` become private notes of their authors.

    `Annotation.debate` is SET_NULL, but a members-only note must name its debate (the
    `debate_visibility_names_a_debate` constraint): without this, deleting such a debate
    fails. The notes are their authors', so they are kept, for their authors alone.
    """
    from .annotations import Annotation

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

    class VoteTotals(models.TextChoices):
        AFTER_VOTING = "after", "after one has voted (unbiased first votes)"
        ALWAYS = "always", "to everyone who can read the map"

    vote_totals = models.CharField(
        "vote totals shown",
        max_length=10,
        choices=VoteTotals.choices,
        default=VoteTotals.AFTER_VOTING,
    )
    sources = models.ManyToManyField(Source, related_name="debates", blank=True)
    # The template map this one was copied from (`services.debate_copy`); the copy is
    # independent of it, and outlives it.
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
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
        # Reads the map and its sources, adds nothing: what a class gets from a map shared
        # "read-only" (a viewer proposes in reviewed debates).
        READER = "reader", "reader"

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


class ClaimVersionRedaction(models.Model):
    """A moderator's redaction of one saved version of a claim (a simple-history record):
    its text is kept, for staff, but the history shows everyone else that it was redacted.

    A row of its own rather than a field on Claim, which simple-history would copy into
    every version and so into the very records it should mark.
    """

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="redactions")
    history_id = models.PositiveIntegerField(help_text="The HistoricalClaim record redacted.")
    redacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True, help_text="Why, as the moderator gave it.")

    class Meta:
        ordering = ["claim", "history_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "history_id"], name="one_redaction_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"Version record {self.history_id} of claim {self.claim_id}, redacted"


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


# Where each kind of claim may stand (the database trigger of migration 0002 enforces it).
ALLOWED_PARENTS: dict[str, set[str]] = {
    Claim.Kind.ISSUE: set(),
    Claim.Kind.POSITION: {Claim.Kind.ISSUE},
    Claim.Kind.ARGUMENT: {Claim.Kind.POSITION, Claim.Kind.ARGUMENT},
}
PLACE_RULES: dict[str, str] = {
    Claim.Kind.POSITION: "A position answers an issue",
    Claim.Kind.ARGUMENT: "An argument stands under a position or an argument",
}
# Claims one may stand under or act on: not rejected, withdrawn or merged away.
LIVE_STATUSES = (Claim.Status.PUBLISHED, Claim.Status.PROPOSED)

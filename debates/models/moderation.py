"""What moderation leaves behind: flags, the audit log and notifications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .annotations import Annotation
from .maps import Claim, Debate, Evidence


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
        VERSION_REDACTED = "version_redacted", "redacted an earlier version"
        CLAIM_APPROVED = "claim_approved", "approved a claim"
        CLAIM_REJECTED = "claim_rejected", "rejected a claim"
        CLAIM_RESUBMITTED = "claim_resubmitted", "resubmitted a rejected claim"
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
        COMMENT_HIDDEN = "comment_hidden", "hid a comment"
        COMMENT_UNHIDDEN = "comment_unhidden", "unhid a comment"
        FLAG_UPHELD = "flag_upheld", "upheld a flag"
        FLAG_DISMISSED = "flag_dismissed", "dismissed a flag"
        MEMBER_CHANGED = "member_changed", "changed a member's role"
        MEMBER_REMOVED = "member_removed", "removed a member"
        SETTINGS_CHANGED = "settings_changed", "changed the debate's settings"
        DEBATE_COPIED = "debate_copied", "made this map as a copy"
        MAP_IMPORTED = "map_imported", "imported claims from a file"

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
    """Tells a person what happened to something they contributed, or that someone
    replied to their note, mentioned them or added them to a debate."""

    class Verb(models.TextChoices):
        APPROVED = "approved", "approved"
        REJECTED = "rejected", "rejected"
        EDITED = "edited", "edited"
        ANSWERED = "answered", "answered"
        MERGED = "merged", "merged"
        REPLIED = "replied", "replied"
        MENTIONED = "mentioned", "mentioned"
        ADDED = "added", "added"
        GRADED = "graded", "graded"  # a teacher released a grade (classes)
        COMMENTED = "commented", "commented"  # a question or answer on one's claim

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
    # The note a reply or a mention is about: a person hears of one note once.
    annotation = models.ForeignKey(
        Annotation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "annotation"],
                condition=Q(annotation__isnull=False),
                name="notification_once_per_note",
                violation_error_message="This person has already been told about this note.",
            ),
        ]

    def __str__(self) -> str:
        return f"To {self.recipient}: {self.message}"

"""Maps shared with a class, and the debate memberships those shares granted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from debates.models import Debate, Membership

from .classrooms import Classroom


class MapShare(models.Model):
    """A debate map shared with a class. Its students get the debate role that `mode` names
    (`ROLE_FOR_MODE`); its teachers and co-teachers moderate it."""

    class Mode(models.TextChoices):
        READ = "read", "read only"
        PROPOSE = "propose", "propose (reviewed)"
        CONTRIBUTE = "contribute", "contribute"

    # What a student of the class is made in the debate, by mode. A viewer proposes in a
    # reviewed map and publishes in an open one: the map's own mode still applies.
    ROLE_FOR_MODE = {
        Mode.READ: Membership.Role.READER,
        Mode.PROPOSE: Membership.Role.VIEWER,
        Mode.CONTRIBUTE: Membership.Role.CONTRIBUTOR,
    }

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="shares")
    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="class_shares")
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.PROPOSE)
    # Whose authority over the debate stands behind the roles the share grants.
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["classroom", "-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["classroom", "debate"], name="one_share_per_map"),
        ]

    def __str__(self) -> str:
        return f"{self.debate} shared with {self.classroom} ({self.mode})"


class ClassGrant(models.Model):
    """A debate membership that classes granted, one per person and debate whatever the
    number of classes behind it: `role` is what the grant set; `previous_role` is what the
    person held by hand before (blank: nothing), given back when the grant ends.

    A membership a person held by hand at least as high as what a share would give is never
    touched and has no grant; one changed by hand after the grant stops being the grant's.
    """

    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="class_grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="class_grants"
    )
    role = models.CharField(max_length=12, choices=Membership.Role.choices)
    previous_role = models.CharField(max_length=12, choices=Membership.Role.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["debate", "user"]
        constraints = [
            models.UniqueConstraint(fields=["debate", "user"], name="one_grant_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.user} granted {self.role} of {self.debate}"

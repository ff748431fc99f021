"""People who use Crux. A custom user model from the first migration, so it can grow."""

import re
import unicodedata

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Replace
from django.urls import reverse

# Characters a name may be padded with to pass for another: "Ms.Teacher", "ms_teacher".
_NAME_PADDING = (" ", "_", ".", "-")


class User(AbstractUser):
    display_name = models.CharField(
        max_length=80,
        blank=True,
        help_text="How your name appears on maps and annotations. Defaults to your username.",
    )
    bio = models.TextField(blank=True, max_length=1000)

    class Meta:
        ordering = ["username"]
        constraints = [
            # One account per address, whatever its case; several may have none (made by a
            # command, or by the admin).
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_unique_ci",
                condition=~Q(email=""),
                violation_error_message="An account with this email address already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", args=[self.username])


def comparable_name(name: str) -> str:
    """A name as a reader would take it: case, width and padding (spaces, underscores, dots,
    hyphens) ignored, so "Ms_Teacher" and "ms teacher" compare equal."""
    name = unicodedata.normalize("NFKC", name or "").casefold()
    return re.sub(r"[\s_.\-]+", "", name)


def _comparable_column(column: str) -> models.Func:
    expression: models.Func = Lower(column)
    for character in _NAME_PADDING:
        expression = Replace(expression, models.Value(character), models.Value(""))
    return expression


def name_imitates_another(name: str, *, user_pk: int | None = None) -> bool:
    """Whether `name`, as a display name, would pass for someone else's username or display
    name (the person's own username is theirs to show)."""
    wanted = comparable_name(name)
    if not wanted:
        return False
    others = User.objects.all() if user_pk is None else User.objects.exclude(pk=user_pk)
    return (
        others.annotate(
            _username=_comparable_column("username"), _display=_comparable_column("display_name")
        )
        .filter(Q(_username=wanted) | Q(_display=wanted))
        .exists()
    )

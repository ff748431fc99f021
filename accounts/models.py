"""People who use Crux. A custom user model from the first migration, so it can grow."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse


class User(AbstractUser):
    display_name = models.CharField(
        max_length=80,
        blank=True,
        help_text="How your name appears on maps and annotations. Defaults to your username.",
    )
    bio = models.TextField(blank=True, max_length=1000)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", args=[self.username])

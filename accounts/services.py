"""The only code that writes people's accounts: signing up and editing a profile.

Keyword-only, like `debates.services`: each validates (ValidationError) and writes in one
transaction. The forms check shapes for the page; these check again, so a command or an
API that calls them gets the same rules.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from .models import User

PROFILE_FIELDS = ("display_name", "email", "bio")


def _check_email_free(email: str) -> None:
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError("An account with this email address already exists.")


@transaction.atomic
def user_signup(*, username: str, email: str, password: str, display_name: str = "") -> User:
    """A new account. Nobody acts for it: the person does not exist until it is made."""
    email = User.objects.normalize_email((email or "").strip())
    if not email:
        raise ValidationError("An email address is needed, to reset your password.")
    _check_email_free(email)
    user = User(username=username, email=email, display_name=(display_name or "").strip())
    user.full_clean(exclude=["password"])
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save()  # which tells the password validators, as Django's own forms do
    return user


@transaction.atomic
def profile_update(*, actor, display_name: str, email: str, bio: str) -> User:
    """The actor's own name as shown, email address and bio."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied("Log in to edit your profile.")
    user = User.objects.select_for_update().get(pk=actor.pk)
    user.display_name = (display_name or "").strip()
    user.email = User.objects.normalize_email((email or "").strip())
    user.bio = bio or ""
    user.full_clean(exclude=["password"], validate_unique=False)
    user.save(update_fields=list(PROFILE_FIELDS))
    return user

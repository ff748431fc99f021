"""What every service shares: asking the policy, naming the actor in history, short quotes."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from ..models import Claim
from ..models.maps import LIVE_STATUSES

MAX_CLAIM_CHARS = 2000


def require(allowed: bool, message: str) -> None:
    """Refuse with 403 and `message` unless the policy `allowed` it."""
    if not allowed:
        raise PermissionDenied(message)


def short(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def quote(text: str, words: int = 12) -> str:
    parts = text.split()
    shown = " ".join(parts[:words])
    return f"“{shown}{'…' if len(parts) > words else ''}”"


def person(actor):
    """The user row that stands for `actor` (None for anonymous and the console)."""
    return actor if actor is not None and actor.is_authenticated and actor.pk else None


def history_user(actor):
    return person(actor)


def save_as(obj, actor, **kwargs) -> None:
    """Save through the model so simple-history writes a version that names the actor."""
    obj._history_user = history_user(actor)
    obj.save(**kwargs)


def check_text(text: str) -> str:
    """A claim's text, stripped, or a ValidationError saying what is wrong with it."""
    text = (text or "").strip()
    if not text:
        raise ValidationError("A claim needs some text.")
    if len(text) > MAX_CLAIM_CHARS:
        raise ValidationError(
            f"The text is too long ({len(text):,} characters; the limit is {MAX_CLAIM_CHARS:,})."
        )
    return text


def check_live(claim: Claim, what: str = "This claim") -> None:
    if claim.deleted_at is not None:
        raise ValidationError(f"{what} is deleted.")
    if claim.status not in LIVE_STATUSES:
        raise ValidationError(f"{what} is {claim.get_status_display()}.")


def renamed(message: str, name: str, shown: str) -> str:
    """`message` as someone who knows its actor as `shown` reads it: messages about an act
    begin with the actor's name, and only that is replaced (a claim quoted in the message
    may contain the same letters)."""
    if name and message.startswith(name):
        return shown + message[len(name) :]
    return message

"""Notifications: tell a person, in the app and by email once the write commits, what
happened to their contribution; and mark notifications read."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .. import policy
from ..models import (
    Annotation,
    Debate,
    Notification,
)
from ._base import person, renamed

log = logging.getLogger(__name__)


def notify(
    *,
    recipient,
    actor,
    verb: str,
    message: str,
    url: str = "",
    debate: Debate | None = None,
    annotation: Annotation | None = None,
) -> Notification | None:
    """An in-app notification plus an email; None when there is nobody else to tell.
    With `annotation` (a reply or a mention) the caller has asked who may read the note."""
    if recipient is None or (actor is not None and getattr(actor, "pk", None) == recipient.pk):
        return None
    if debate is not None and not policy.can_view_debate(recipient, debate):
        return None  # e.g. removed from a private debate: tell them nothing of it
    if verb not in Notification.Verb.values:
        raise ValueError(f"Unknown notification verb {verb!r}")
    where = _where(debate, annotation)
    if where and getattr(actor, "pk", None) is not None:
        # Another app may withhold the actor's work from the recipient for now, or show the
        # actor under a pseudonym (classes: "see classmates' work only after you post",
        # "anonymous to classmates"): tell nothing of withheld work; name the actor as the
        # recipient knows them, in the app and in the email.
        if policy.withholds(recipient, actor, **where):
            return None
        shown = policy.shown_name(recipient, actor, **where)
        if shown != actor.public_name:
            message = renamed(message, actor.public_name, shown)
    notification = Notification.objects.create(
        recipient=recipient,
        actor=person(actor),
        verb=verb,
        debate=debate,
        annotation=annotation,
        message=message[:300],
        url=url[:500],
    )
    if recipient.email:
        transaction.on_commit(lambda: _email(notification))
    return notification


def _where(debate: Debate | None, annotation: Annotation | None) -> dict:
    """Where the act happened, as the policy's hooks judge it: a note on its source (as
    the reader shows it), anything else in its debate."""
    if annotation is not None:
        return {"source": annotation.anchor.source}
    if debate is not None:
        return {"debate": debate}
    return {}


def _subject(message: str) -> str:
    """One line for an email subject: a newline or control character in a header makes
    Django refuse the mail (BadHeaderError), so runs of them become one space."""
    line = " ".join("".join(c if c.isprintable() else " " for c in message[:400]).split())
    return f"Crux: {line[:120]}"


def _email(notification: Notification) -> None:
    base = getattr(settings, "CRUX_SITE_URL", "").rstrip("/")
    link = f"\n\n{base}{notification.url}" if notification.url else ""
    try:
        send_mail(
            subject=_subject(notification.message),
            message=f"{notification.message}{link}\n\n— Crux",
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
    except Exception:  # a mail server being down must not break the act that was done
        log.exception("Could not email notification %s", notification.pk)


def notification_read(*, actor, notification: Notification) -> Notification:
    if notification.recipient_id != actor.pk:
        raise PermissionDenied("This notification is someone else's.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_read_all(*, actor) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )

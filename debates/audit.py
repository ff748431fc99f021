"""The audit log and notifications: what every write service records after it acts.

`record` writes one AuditEntry per act (who, what, to what, when, why); `notify` tells a
contributor what happened to their claim, evidence or note, in the app and by email (sent
through Django's email backend once the transaction commits, so a rolled-back act sends
nothing). Nobody is notified of their own acts.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from . import policy
from .models import AuditEntry, Debate, Notification

log = logging.getLogger(__name__)


def record(
    *,
    debate: Debate,
    actor,
    action: str,
    summary: str,
    reason: str = "",
    claim=None,
    evidence=None,
    annotation=None,
    flag=None,
) -> AuditEntry:
    if action not in AuditEntry.Action.values:
        raise ValueError(f"Unknown audit action {action!r}")
    return AuditEntry.objects.create(
        debate=debate,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        summary=summary[:300],
        reason=reason,
        claim=claim,
        evidence=evidence,
        annotation=annotation,
        flag=flag,
    )


def notify(
    *, recipient, actor, verb: str, message: str, url: str = "", debate: Debate | None = None
) -> Notification | None:
    """An in-app notification plus an email; None when there is nobody else to tell."""
    if recipient is None or (actor is not None and getattr(actor, "pk", None) == recipient.pk):
        return None
    if debate is not None and not policy.can_view_debate(recipient, debate):
        return None  # e.g. removed from a private debate: tell them nothing of it
    if verb not in Notification.Verb.values:
        raise ValueError(f"Unknown notification verb {verb!r}")
    notification = Notification.objects.create(
        recipient=recipient,
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        debate=debate,
        message=message[:300],
        url=url[:500],
    )
    if recipient.email:
        transaction.on_commit(lambda: _email(notification))
    return notification


def _email(notification: Notification) -> None:
    base = getattr(settings, "CRUX_SITE_URL", "").rstrip("/")
    link = f"\n\n{base}{notification.url}" if notification.url else ""
    try:
        send_mail(
            subject=f"Crux: {notification.message[:120]}",
            message=f"{notification.message}{link}\n\n— Crux",
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
    except Exception:  # a mail server being down must not break the act that was done
        log.exception("Could not email notification %s", notification.pk)

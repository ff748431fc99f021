"""Who hears of a note: the authors of the note it replies to, and the people its body
@mentions. Each person hears of one note once, and only if they may read it: a private
note tells nobody, a members-only note only the debate's members, and nobody is told of
their own note."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse

from .. import policy
from ..markdown import mentioned_usernames
from ..models import Annotation, Notification
from . import notifications
from ._base import quote

Verb = Notification.Verb


def note_notify(*, actor, note: Annotation, replying_to: Annotation | None = None) -> int:
    """Tell the people `note` concerns (once it commits, by email too): the authors of the
    note it replies to and of its thread's first note (`replying_to`), and the people it
    mentions. Called again after an edit, it tells only those not told before. Returns how
    many were told."""
    if note.visibility == Annotation.Visibility.PRIVATE or note.deleted_at is not None:
        return 0
    wanted: dict[int, tuple[Any, str]] = {}
    if replying_to is not None:
        root = note.parent or replying_to
        for author in (replying_to.author, root.author):
            if author is not None:
                wanted.setdefault(author.pk, (author, Verb.REPLIED))
    names = mentioned_usernames(note.body)
    if names:
        for user in get_user_model().objects.filter(username__in=names, is_active=True):
            wanted.setdefault(user.pk, (user, Verb.MENTIONED))
    if getattr(actor, "pk", None) is not None:
        wanted.pop(actor.pk, None)
    if not wanted:
        return 0
    told = set(
        Notification.objects.filter(annotation=note, recipient__in=list(wanted)).values_list(
            "recipient_id", flat=True
        )
    )
    source = note.anchor.source
    url = reverse("debates:source", args=[source.pk]) + f"#note-{note.pk}"
    what = "a reply" if note.parent_id else "a note"
    count = 0
    for pk, (user, verb) in wanted.items():
        if pk in told or not policy.can_view_annotation(user, note):
            continue
        if verb == Verb.REPLIED:
            message = f"{actor.public_name} replied to your note on “{source.title}”: "
        else:
            message = f"{actor.public_name} mentioned you in {what} on “{source.title}”: "
        debate = note.debate
        if debate is not None and not policy.can_view_debate(user, debate):
            debate = None  # a public note of a private debate: tell of the note alone
        try:
            # A savepoint: an edit saved at the same moment may have told them first.
            with transaction.atomic():
                sent = notifications.notify(
                    recipient=user,
                    actor=actor,
                    verb=verb,
                    debate=debate,
                    annotation=note,
                    url=url,
                    message=message + quote(note.body, 16),
                )
        except IntegrityError:
            continue
        count += sent is not None
    return count

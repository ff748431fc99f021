"""A claim's discussion: clarifying questions and their answers, which are not arguments.

Comments take no side and change nothing on the map, so they go in no claim history and
send no live map event; a moderator's hiding is logged in the debate's audit log, and the
claim's author hears of a question on their claim (`notify`), as the author of the
comment answered hears of the answer.
"""

from __future__ import annotations

from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .. import policy
from ..formats.unstorable import UNSTORABLE as _UNSTORABLE
from ..models import AuditEntry, Claim, ClaimComment, Notification
from . import audit
from ._base import MAX_CLAIM_CHARS, person, quote, require
from .notifications import notify

# A comment is as long as a claim may be: a question, not an essay.
MAX_COMMENT_CHARS = MAX_CLAIM_CHARS


def check_body(body: str) -> str:
    """A comment's text, stripped, or a ValidationError saying what is wrong with it."""
    body = (body or "").strip()
    if not body:
        raise ValidationError("Write a question or an answer.")
    if _UNSTORABLE.search(body):
        raise ValidationError(
            "The text contains NUL bytes or broken characters (lone surrogates); "
            "it cannot be saved."
        )
    if len(body) > MAX_COMMENT_CHARS:
        raise ValidationError(
            f"The comment is too long ({len(body):,} characters; "
            f"the limit is {MAX_COMMENT_CHARS:,})."
        )
    return body


@transaction.atomic
def comment_add(
    *, actor, claim: Claim, body: str, parent: ClaimComment | None = None
) -> ClaimComment:
    """Ask a clarifying question on `claim`, or answer one (`parent`: a top-level comment
    of the same claim; an answer to an answer joins the same thread)."""
    debate = claim.debate
    require(
        policy.can_comment(actor, claim, debate),
        "Only members of this debate can ask questions on its claims.",
    )
    # Nor on a classmate's claim withheld from them ("see classmates' work after you post").
    require(not policy.claim_withheld(actor, claim, debate), "There is no such claim.")
    body = check_body(body)
    if parent is not None:
        if parent.claim_id != claim.pk:
            raise ValidationError("That comment is about another claim.")
        if parent.parent_id is not None:
            parent = cast(ClaimComment, parent.parent)  # one level of replies
        visible = ClaimComment.objects.filter(pk=parent.pk).filter(
            policy.visible_comments_q(actor, debate)
        )
        if parent.deleted_at is not None or parent.hidden or not visible.exists():
            raise ValidationError("That question is no longer shown; it takes no answers.")
    comment = ClaimComment.objects.create(
        claim=claim, author=person(actor), parent=parent, body=body
    )
    url = f"{claim.get_absolute_url()}#comment-{comment.pk}"
    name = getattr(actor, "public_name", "Someone")
    told = set()
    if parent is not None and parent.author is not None:
        notify(
            recipient=parent.author,
            actor=actor,
            verb=Notification.Verb.COMMENTED,
            message=f"{name} answered your question on “{claim}”: {quote(body)}",
            url=url,
            debate=debate,
        )
        told.add(parent.author_id)
    if claim.author is not None and claim.author_id not in told:
        what = "answered a question" if parent is not None else "asked a question"
        notify(
            recipient=claim.author,
            actor=actor,
            verb=Notification.Verb.COMMENTED,
            message=f"{name} {what} on your claim “{claim}”: {quote(body)}",
            url=url,
            debate=debate,
        )
    return comment


@transaction.atomic
def comment_delete(*, actor, comment: ClaimComment) -> ClaimComment:
    """Its author takes back a comment (softly: kept for the moderators); its answers go
    with it."""
    require(policy.can_delete_comment(actor, comment), "Only its author can delete a comment.")
    comment.deleted_at = timezone.now()
    comment.save(update_fields=["deleted_at"])
    return comment


@transaction.atomic
def comment_hide(
    *, actor, comment: ClaimComment, hidden: bool = True, reason: str = ""
) -> ClaimComment:
    """A moderator hides a comment from readers (its author still sees it), or shows it
    again; logged in the debate's audit log."""
    claim = comment.claim
    debate = claim.debate
    require(policy.can_hide_comment(actor, debate), "Only a moderator can hide a comment.")
    if comment.hidden == hidden:
        raise ValidationError(
            "This comment is hidden already." if hidden else "This comment is shown."
        )
    comment.hidden = hidden
    comment.save(update_fields=["hidden"])
    who = comment.author.public_name if comment.author is not None else "a former member"
    audit.record(
        debate=debate,
        actor=actor,
        action=AuditEntry.Action.COMMENT_HIDDEN if hidden else AuditEntry.Action.COMMENT_UNHIDDEN,
        claim=claim,
        summary=f"comment by {who}: {quote(comment.body, 10)}",
        reason=(reason or "").strip(),
    )
    return comment

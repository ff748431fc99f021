"""A claim's discussion thread: the clarifying questions on it and their answers."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import policy
from ..models import Claim, ClaimComment, Debate


@dataclass
class Thread:
    """A top-level comment (a question) and the answers to it, oldest first."""

    comment: ClaimComment
    replies: list[ClaimComment] = field(default_factory=list)


def claim_discussion(*, claim: Claim, viewer, debate: Debate | None = None) -> list[Thread]:
    """The threads on `claim` that `viewer` may read, oldest first (one query, none when
    they may not read the claim). Each comment carries `shown_author` when another app
    shows its author under a pseudonym."""
    debate = debate or claim.debate
    if not policy.can_view_comments(viewer, claim, debate):
        return []
    comments = (
        ClaimComment.objects.filter(claim=claim)
        .filter(policy.visible_comments_q(viewer, debate))
        .select_related("author")
        .order_by("created_at", "pk")
    )
    shown = policy.shown_author_expression(viewer, debate=debate)
    if shown is not None:
        comments = comments.annotate(shown_author=shown)
    threads: dict[int, Thread] = {}
    replies: list[ClaimComment] = []
    for comment in comments:
        if comment.parent_id is None:
            threads[comment.pk] = Thread(comment)
        else:
            replies.append(comment)
    for reply in replies:
        thread = threads.get(reply.parent_id)  # type: ignore[arg-type]
        if thread is not None:
            thread.replies.append(reply)
    return list(threads.values())

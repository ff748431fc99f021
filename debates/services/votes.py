"""Votes on claims: acceptability and relevance, one each per person, changeable."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from .. import policy
from ..models import Claim, Vote
from . import events
from ._base import check_live, person, require, save_as

STEPS: dict[str, dict[int, str]] = {
    Vote.Question.ACCEPTABILITY.value: dict(Vote.ACCEPTABILITY_STEPS),
    Vote.Question.RELEVANCE.value: dict(Vote.RELEVANCE_STEPS),
}


def _check(actor, claim: Claim, question: str) -> None:
    require(
        policy.can_vote(actor, claim.debate)
        and not policy.claim_withheld(actor, claim, claim.debate),
        "Only members of this debate can rate its claims.",
    )
    if question not in STEPS:
        raise ValidationError(f"“{question}” is not a question; rate acceptability or relevance.")
    check_live(claim)
    if claim.status != Claim.Status.PUBLISHED:
        raise ValidationError("Only published claims can be rated.")
    if question == Vote.Question.RELEVANCE and claim.kind != Claim.Kind.ARGUMENT:
        raise ValidationError(
            "Only arguments are rated for relevance: an issue or a position bears on nothing."
        )


@transaction.atomic
def vote_cast(*, actor, claim: Claim, question: str, value: int | str) -> Vote:
    """Record (or change) `actor`'s answer to `question` about `claim`."""
    _check(actor, claim, question)
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise ValidationError("A rating is a whole number from 0 to 4.") from None
    if value not in STEPS[question]:
        raise ValidationError("A rating is a whole number from 0 to 4.")
    vote = (
        Vote.objects.select_for_update()
        .filter(claim=claim, user=person(actor), question=question)
        .first()
    )
    if vote is not None and vote.value == value:
        return vote
    if vote is None:
        vote = Vote(claim=claim, user=person(actor), question=question, value=value)
    else:
        vote.value = value
    reason = f"rated {question}: {STEPS[question][value]}"
    vote._change_reason = reason  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            save_as(vote, actor)
    except IntegrityError:
        # The same person voted twice at once: the other request's vote stands; change it.
        vote = Vote.objects.select_for_update().get(
            claim=claim, user=person(actor), question=question
        )
        vote.value = value
        vote._change_reason = reason  # type: ignore[attr-defined]
        save_as(vote, actor)
    transaction.on_commit(lambda: events.map_changed(debate_id=claim.debate_id))
    return vote


@transaction.atomic
def vote_clear(*, actor, claim: Claim, question: str) -> bool:
    """Take back `actor`'s answer to `question` about `claim`; whether there was one."""
    _check(actor, claim, question)
    vote = Vote.objects.filter(claim=claim, user=person(actor), question=question).first()
    if vote is None:
        return False
    vote._history_user = person(actor)  # type: ignore[attr-defined]
    vote.delete()
    transaction.on_commit(lambda: events.map_changed(debate_id=claim.debate_id))
    return True

"""Listings: public debates, recent activity, a person's claims."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce

from .. import policy
from ..models import (
    Claim,
    Debate,
    Notification,
)


def debates_visible_to(user) -> QuerySet[Debate]:
    return Debate.objects.filter(policy.visible_debates_q(user))


def public_debates() -> QuerySet[Debate]:
    """Listed debates for the home page, with their published claim counts."""
    return (
        Debate.objects.filter(visibility=Debate.Visibility.PUBLIC)
        .select_related("owner")
        .annotate(
            claim_count=Count(
                "claims",
                filter=Q(claims__status=Claim.Status.PUBLISHED, claims__deleted_at__isnull=True),
            )
        )
        .order_by("-updated_at", "pk")
    )


def _listed_debates(viewer) -> QuerySet[Debate]:
    """Public debates plus, for a signed-in person, the private ones they belong to.

    Unlisted debates are reachable by link only, so they never show up in listings.
    """
    listed = debates_visible_to(viewer)
    if not viewer.is_authenticated or viewer.is_staff:
        return listed.filter(visibility=Debate.Visibility.PUBLIC)
    return listed.exclude(
        Q(visibility=Debate.Visibility.UNLISTED) & ~Q(owner=viewer) & ~Q(memberships__user=viewer)
    )


def recent_activity(*, viewer, limit: int = 10) -> list[Claim]:
    """The newest published claims in debates the viewer may open, whose every ancestor is
    published too (a reply under a deleted or rejected claim is off the map): the policy
    walks up from each candidate, in one query whatever the depth. Work withheld from the
    viewer in its debate is left out; `shown_author` is the author's pseudonym, if any."""
    claims = Claim.objects.published()
    # The author's name as the viewer knows it in the claim's debate ("Student 7"), for a
    # template that names authors.
    shown = policy.shown_author_expression(viewer, debate_field="debate")
    if shown is not None:
        claims = claims.annotate(shown_author=shown)
    candidates = list(
        claims.filter(debate__in=_listed_debates(viewer))
        .exclude(kind=Claim.Kind.ISSUE)
        # Work another app withholds (classes: "see classmates' work after you post"),
        # each claim judged in its own debate.
        .filter(policy.withheld_q(viewer, debate_field="debate"))
        .select_related("debate", "author", "parent")
        .order_by("-created_at", "-pk")[: limit * 3]
    )
    on_map = policy.on_live_paths(candidates)
    return [claim for claim in candidates if claim.pk in on_map][:limit]


def claims_by_author(*, author, viewer) -> QuerySet[Claim]:
    """The author's claims that the viewer may see (none under a deleted or rejected
    claim: `visible_claims_q` asks about the ancestors too), newest first.

    Left out too: claims withheld from the viewer in their debate (classes: "see
    classmates' work after you post"), and those the viewer knows under a pseudonym there
    ("anonymous to classmates"): listed under the author's name, they would unmask them."""
    claims = (
        Claim.objects.filter(author=author, debate__in=debates_visible_to(viewer))
        .filter(policy.visible_claims_q(viewer))
        .filter(policy.withheld_q(viewer, debate_field="debate"))
    )
    shown = policy.shown_author_expression(viewer, debate_field="debate")
    if shown is not None:
        claims = claims.alias(shown_author=shown).filter(shown_author__isnull=True)
    return claims.select_related("debate").order_by("-created_at", "-pk")


def notifications_of(viewer) -> QuerySet[Notification]:
    """The viewer's notifications, newest first, each with `shown_actor`: the name under
    which the viewer knows its actor where it happened (a pseudonym, "Student 7", in a
    class's anonymous assignment; NULL: their own name), judged per row, in the query."""
    items = viewer.notifications.select_related("actor", "debate")
    by_note = policy.shown_author_expression(
        viewer, source_field="annotation__anchor__source", author="actor"
    )
    by_debate = policy.shown_author_expression(viewer, debate_field="debate", author="actor")
    if by_note is not None and by_debate is not None:
        items = items.annotate(shown_actor=Coalesce(by_note, by_debate))
    return items


def name_actors(notifications: Iterable[Notification]) -> None:
    """Write each notification's actor into its message as the viewer knows them (see
    `notifications_of`): a message written before the actor became a pseudonym to them
    names them as they are known now."""
    for item in notifications:
        shown = getattr(item, "shown_actor", None)
        name = item.actor.public_name if item.actor is not None else ""
        if shown and name and item.message.startswith(name):
            item.message = shown + item.message[len(name) :]

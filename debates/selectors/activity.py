"""Listings: public debates, recent activity, a person's claims."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from .. import policy
from ..models import (
    Claim,
    Debate,
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
    walks up from each candidate, in one query whatever the depth."""
    candidates = list(
        Claim.objects.published()
        .filter(debate__in=_listed_debates(viewer))
        .exclude(kind=Claim.Kind.ISSUE)
        .select_related("debate", "author", "parent")
        .order_by("-created_at", "-pk")[: limit * 3]
    )
    on_map = policy.on_live_paths(candidates)
    return [claim for claim in candidates if claim.pk in on_map][:limit]


def claims_by_author(*, author, viewer) -> QuerySet[Claim]:
    """The author's claims that the viewer may see (none under a deleted or rejected
    claim: `visible_claims_q` asks about the ancestors too), newest first."""
    return (
        Claim.objects.filter(author=author, debate__in=debates_visible_to(viewer))
        .filter(policy.visible_claims_q(viewer))
        .select_related("debate")
        .order_by("-created_at", "-pk")
    )

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
    published too (a reply under a deleted or rejected claim is off the map)."""
    candidates = list(
        Claim.objects.published()
        .filter(debate__in=_listed_debates(viewer))
        .exclude(kind=Claim.Kind.ISSUE)
        .select_related("debate", "author", "parent")
        .order_by("-created_at", "-pk")[: limit * 3]
    )
    on_map = _on_published_paths(candidates)
    return [claim for claim in candidates if claim.pk in on_map][:limit]


def _on_published_paths(claims: list[Claim]) -> set[int]:
    """The pks of `claims` whose ancestors are all published: one query per map level."""
    parent_of = {c.pk: c.parent_id for c in claims}
    live: dict[int, bool] = {}
    frontier = {p for p in parent_of.values() if p is not None}
    parents: dict[int, int | None] = {}
    while frontier:
        rows = Claim.objects.filter(pk__in=frontier).values_list(
            "pk", "parent_id", "status", "deleted_at"
        )
        frontier = set()
        for pk, parent_id, status, deleted_at in rows:
            live[pk] = status == Claim.Status.PUBLISHED and deleted_at is None
            parents[pk] = parent_id
            if parent_id is not None and parent_id not in live:
                frontier.add(parent_id)

    def path_live(pk: int | None) -> bool:
        while pk is not None:
            if not live.get(pk, False):
                return False
            pk = parents.get(pk)
        return True

    return {pk for pk, parent_id in parent_of.items() if path_live(parent_id)}


def claims_by_author(*, author, viewer) -> QuerySet[Claim]:
    return (
        Claim.objects.filter(author=author, debate__in=debates_visible_to(viewer))
        .filter(policy.visible_claims_q(viewer))
        .select_related("debate")
        .order_by("-created_at", "-pk")
    )

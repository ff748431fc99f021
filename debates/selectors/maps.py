"""Reads of a debate map: the whole tree, a claim's evidence, the shape around a claim."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from .. import policy
from ..models import (
    Claim,
    ClaimLink,
    Debate,
    Evidence,
)
from ..models.maps import ALLOWED_PARENTS, LIVE_STATUSES


@dataclass
class MapNode:
    claim: Claim
    children: list[MapNode] = field(default_factory=list)
    # Claims that also stand here through a cross-link (shown as references, not subtrees).
    links: list[ClaimLink] = field(default_factory=list)

    @property
    def pro_count(self) -> int:
        return sum(1 for c in self.children if c.claim.relation == Claim.Relation.SUPPORTS) + sum(
            1 for link in self.links if link.relation == Claim.Relation.SUPPORTS
        )

    @property
    def con_count(self) -> int:
        opposing = {Claim.Relation.OPPOSES, Claim.Relation.UNDERCUTS}
        return sum(1 for c in self.children if c.claim.relation in opposing) + sum(
            1 for link in self.links if link.relation in opposing
        )

    @property
    def reply_count(self) -> int:
        return len(self.children) + len(self.links)


@dataclass
class DebateMap:
    debate: Debate
    issues: list[MapNode]
    nodes: dict[int, MapNode]
    can_moderate: bool
    # Levels (issues are level 1) drawn in full on the page; deeper replies load on demand.
    # None: draw every level.
    render_depth: int | None = None

    @property
    def claim_count(self) -> int:
        return len(self.nodes)

    def limit_depth(self, budget: int, *, root: MapNode | None = None, root_level: int = 1) -> None:
        """Draw whole levels, from `root` (or the issues) down, while they add up to at
        most `budget` nodes; at least the first two (issues and their positions)."""
        level, depth = list(self.issues) if root is None else [root], root_level
        drawn = len(level)
        while level:
            below = [child for node in level for child in node.children]
            if not below:
                self.render_depth = None if root is None else depth
                return
            if drawn + len(below) > budget and depth > root_level:
                self.render_depth = depth
                return
            drawn += len(below)
            level, depth = below, depth + 1
        self.render_depth = depth

    @property
    def evidence_count(self) -> int:
        return sum(n.claim.evidence_count for n in self.nodes.values())


def _published_evidence() -> Q:
    return Q(evidence__status=Evidence.Status.PUBLISHED, evidence__deleted_at__isnull=True)


# Kept (with their reasons) but never drawn on a map.
OFF_MAP = [Claim.Status.REJECTED, Claim.Status.WITHDRAWN, Claim.Status.MERGED]


def debate_map(*, debate: Debate, viewer) -> DebateMap:
    """The whole map as a tree, in three queries whatever its size.

    Moderators see proposals (marked pending); authors see their own; everyone else sees
    published claims only. A claim whose parent the viewer cannot see is not reachable.
    """
    moderating = policy.can_moderate(viewer, debate)
    claims = Claim.objects.filter(debate=debate, deleted_at__isnull=True)
    if moderating:
        claims = claims.exclude(status__in=OFF_MAP)
    else:
        claims = claims.filter(policy.visible_claims_q(viewer)).exclude(status__in=OFF_MAP)
    claims = (
        claims.select_related("author")
        .annotate(evidence_count=Count("evidence", filter=_published_evidence()))
        .order_by("order", "pk")
    )

    nodes = {claim.pk: MapNode(claim) for claim in claims}
    issues: list[MapNode] = []
    for node in nodes.values():
        parent_id = node.claim.parent_id
        if parent_id is None:
            issues.append(node)
        elif parent_id in nodes:
            nodes[parent_id].children.append(node)
    # Drop nodes whose ancestors are hidden from this viewer.
    reachable: dict[int, MapNode] = {}
    stack = list(issues)
    while stack:
        node = stack.pop()
        reachable[node.claim.pk] = node
        stack.extend(node.children)
    for node in reachable.values():
        node.children = [c for c in node.children if c.claim.pk in reachable]

    links = ClaimLink.objects.filter(debate=debate).select_related("claim").order_by("order", "pk")
    for link in links:
        if link.claim_id in reachable and link.parent_id in reachable:
            reachable[link.parent_id].links.append(link)
    return DebateMap(debate=debate, issues=issues, nodes=reachable, can_moderate=moderating)


def claim_detail(*, claim: Claim, viewer) -> dict:
    """A claim's evidence (with quotes and sources) that the viewer may see."""
    evidence = (
        Evidence.objects.filter(claim=claim, deleted_at__isnull=True)
        .filter(policy.visible_evidence_q(viewer, claim.debate))
        .exclude(status__in=[Evidence.Status.REJECTED, Evidence.Status.WITHDRAWN])
        .select_related("passage__anchor", "passage__source", "author")
        .order_by("relation", "pk")
    )
    return {"evidence": list(evidence)}


def siblings(claim: Claim):
    return Claim.objects.filter(
        debate_id=claim.debate_id, parent_id=claim.parent_id, deleted_at__isnull=True
    ).order_by("order", "pk")


def subtree_ids(claim: Claim) -> set[int]:
    """The claim and everything below it (one query for the whole debate)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Claim.objects.filter(debate_id=claim.debate_id).values_list(
        "pk", "parent_id"
    ):
        children.setdefault(parent_id, []).append(pk)
    found, stack = set(), [claim.pk]
    while stack:
        pk = stack.pop()
        found.add(pk)
        stack.extend(children.get(pk, []))
    return found


def valid_parents(*, claim: Claim, exclude_current: bool = True) -> list[Claim]:
    """Where a claim may be moved or cross-linked to: a live claim of the right kind in the
    same debate that is not the claim itself or below it (which would make a cycle)."""
    allowed = ALLOWED_PARENTS.get(claim.kind, set())
    if not allowed:
        return []
    below = subtree_ids(claim)
    candidates = Claim.objects.filter(
        debate_id=claim.debate_id,
        kind__in=allowed,
        status__in=LIVE_STATUSES,
        deleted_at__isnull=True,
    ).exclude(pk__in=below)
    if exclude_current and claim.parent_id:
        candidates = candidates.exclude(pk=claim.parent_id)
    return list(candidates.order_by("order", "pk"))


def visible_children(claim: Claim):
    return claim.children.filter(deleted_at__isnull=True, status__in=LIVE_STATUSES)


def last_saved_by(claim: Claim):
    """Who saved the claim's current version and when (from its history), or (None, None)."""
    record = (
        claim.history.filter(version=claim.version)
        .select_related("history_user")
        .order_by("history_id")
        .first()
    )
    if record is None:
        return None, None
    return record.history_user, record.history_date


def merge_targets(*, claim: Claim):
    """Claims `claim` may be merged into: published, same debate, same kind, not itself or
    below it."""
    excluded = subtree_ids(claim)
    return (
        Claim.objects.published()
        .filter(debate_id=claim.debate_id, kind=claim.kind)
        .exclude(pk__in=excluded)
        .order_by("order", "pk")
    )

"""Reads of a debate map: the whole tree, a claim's evidence, the shape around a claim."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, cast

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.base import ModelState
from django.db.models.expressions import RawSQL

from .. import policy
from ..models import (
    Claim,
    ClaimLink,
    Debate,
    Evidence,
)
from ..models.maps import ALLOWED_PARENTS, LIVE_STATUSES

if TYPE_CHECKING:
    from typing import TypedDict

    from django_stubs_ext import WithAnnotations

    class _EvidenceCount(TypedDict):
        evidence_count: int
        pending_evidence_count: int

    # A claim as the map loads it: annotated with its published evidence count.
    CountedClaim = WithAnnotations[Claim, _EvidenceCount]


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
    # The top of what was loaded: the map's issues, or a subtree's one claim.
    issues: list[MapNode]
    nodes: dict[int, MapNode]
    can_moderate: bool
    # Levels (issues are level 1) drawn in full on the page; deeper replies load on demand.
    # None: draw every level.
    render_depth: int | None = None
    # A subtree (`claim_subtree`): its claim's node, also `issues[0]`.
    root: MapNode | None = None

    @property
    def claim_count(self) -> int:
        return len(self.nodes)

    def limit_depth(self, budget: int, *, root: MapNode | None = None, root_level: int = 1) -> None:
        """Draw whole levels, from `root` (or the issues) down, while they add up to at
        most `budget` nodes; at least the first two (issues and their positions)."""
        top = list(self.issues) if root is None else [root]
        self.render_depth = _render_depth(
            _level_sizes(top), budget, root_level=root_level, whole_map=root is None
        )

    @cached_property
    def evidence_count(self) -> int:
        return sum(cast("CountedClaim", n.claim).evidence_count for n in self.nodes.values())


def _level_sizes(top: list[MapNode]) -> Iterator[int]:
    """How many nodes each level has, from `top` down (computed as far as it is read)."""
    level = top
    while level:
        yield len(level)
        level = [child for node in level for child in node.children]


def _render_depth(
    sizes: Iterable[int], budget: int, *, root_level: int, whole_map: bool
) -> int | None:
    """The deepest level drawn in full (see `DebateMap.limit_depth`), from the number of
    nodes on each level, the top one (at `root_level`) first."""
    sizes = iter(sizes)
    drawn, depth = next(sizes, 0), root_level
    if not drawn:
        return depth
    for below in sizes:
        if drawn + below > budget and depth > root_level:
            return depth
        drawn += below
        depth += 1
    return None if whole_map else depth


def _published_evidence() -> Q:
    return Q(evidence__status=Evidence.Status.PUBLISHED, evidence__deleted_at__isnull=True)


def _pending_evidence(viewer, moderating: bool) -> Q | None:
    """The proposed evidence a viewer may see counted on a claim: moderators all of it, an
    author their own (so a proposal with its evidence does not read "0 evidence"); None
    for anonymous readers, who see none."""
    pending = Q(evidence__status=Evidence.Status.PROPOSED, evidence__deleted_at__isnull=True)
    if moderating:
        return pending
    if viewer is not None and viewer.is_authenticated:
        return pending & Q(evidence__author=viewer)
    return None


# Kept (with their reasons) but never drawn on a map.
OFF_MAP = [Claim.Status.REJECTED, Claim.Status.WITHDRAWN, Claim.Status.MERGED]


def _drawable(*, debate: Debate, viewer, moderating: bool) -> QuerySet[Claim]:
    """The claims of `debate` that may be drawn on `viewer`'s map, each judged by its own
    row: moderators see proposals (marked pending); authors see their own; everyone else
    sees published claims only. Deleted, rejected, withdrawn and merged claims are never
    drawn.

    A claim is on the map only when its parent is too, up to an issue: `debate_map` keeps
    what it reaches from the issues, `claim_path` and `claim_subtree` check the chain. Every
    map selector takes its visibility from here, so a stricter rule goes in this one place.
    """
    claims = Claim.objects.filter(debate=debate, deleted_at__isnull=True)
    if not moderating:
        # Rows judged alone: every caller checks the chain to an issue itself.
        claims = claims.filter(policy.visible_claims_q(viewer, ancestors=False))
        if viewer is not None:
            # Work another app withholds (classes: "see classmates' work after you post").
            claims = claims.filter(policy.withheld_q(viewer, debate=debate))
    return claims.exclude(status__in=OFF_MAP)


# The claim fields a map draws and its toolbars ask the policy about; the rest (history
# fields, the reason of a status) load on access. No author row: the map names no authors,
# and building 10,000 of them was a third of a big map's load time.
MAP_FIELDS = (
    "id",
    "debate_id",
    "kind",
    "parent_id",
    "relation",
    "text",
    "author_id",
    "status",
    "order",
    "deleted_at",
    "merged_into_id",
)


def _map_claims(claims: QuerySet[Claim], pending: Q | None = None) -> Iterator[Claim]:
    """`claims` with their `MAP_FIELDS`, published evidence count and (`pending`: the
    proposed evidence the viewer may see) pending evidence count, as model instances
    built straight from the rows: what `.only(*MAP_FIELDS)` gives (other fields load on
    access), without `Model.__init__`'s per-field work, which was most of loading a map of
    10,000 claims. Claim has no `__init__` of its own and no init signals to skip."""
    names: tuple[str, ...] = (*MAP_FIELDS, "evidence_count")
    counts = {"evidence_count": Count("evidence", filter=_published_evidence())}
    if pending is not None:
        names = (*names, "pending_evidence_count")
        counts["pending_evidence_count"] = Count("evidence", filter=pending)
    rows = claims.annotate(**counts).values_list(*names)
    alias = claims.db
    new = Claim.__new__
    for row in rows:
        claim = new(Claim)
        claim.__dict__["pending_evidence_count"] = 0
        claim.__dict__.update(zip(names, row, strict=True))
        claim._state = ModelState()
        claim._state.adding = False
        claim._state.db = alias
        yield claim


def debate_map(*, debate: Debate, viewer) -> DebateMap:
    """The whole map as a tree, in three queries whatever its size.

    Moderators see proposals (marked pending); authors see their own; everyone else sees
    published claims only. A claim whose parent the viewer cannot see is not reachable.
    """
    moderating = policy.can_moderate(viewer, debate)
    claims = _map_claims(
        _drawable(debate=debate, viewer=viewer, moderating=moderating).order_by("order", "pk"),
        _pending_evidence(viewer, moderating),
    )

    nodes = {claim.id: MapNode(claim) for claim in claims}
    issues: list[MapNode] = []
    for node in nodes.values():
        parent_id = node.claim.parent_id
        if parent_id is None:
            issues.append(node)
        elif parent_id in nodes:
            nodes[parent_id].children.append(node)
    # Drop nodes whose ancestors are hidden from this viewer (every child of a reachable
    # node is reachable, so the children lists stand as they are).
    reachable: dict[int, MapNode] = {}
    stack = list(issues)
    while stack:
        node = stack.pop()
        reachable[node.claim.id] = node
        stack.extend(node.children)

    links = ClaimLink.objects.filter(debate=debate).select_related("claim").order_by("order", "pk")
    for link in links:
        if link.claim_id in reachable and link.parent_id in reachable:
            reachable[link.parent_id].links.append(link)
    return DebateMap(debate=debate, issues=issues, nodes=reachable, can_moderate=moderating)


# --- a claim's neighbourhood, without loading the whole map -----------------------------
#
# The claim page and the "Show N replies" fragment need a claim's ancestors and the few
# levels below it, not a map of 10,000 claims. Recursive CTEs walk `parent_id` (one indexed
# step per level; plain SQL that SQLite and PostgreSQL both run) and give only ids; the rows
# come from `_drawable`, and what is on the viewer's map is decided, as in `debate_map`, by
# an unbroken chain of drawable claims up to an issue.


# Walks up and down `parent_id`: up from a claim to its issue (the policy's walk, UNION, so
# a parent cycle in bad data ends it); `down` from a claim to the given depth (the claim is
# depth 0); the others combine the two.
_PATH_SQL = policy.CLAIM_CHAIN_SQL
_BELOW_SQL = (
    "WITH RECURSIVE down(id, depth) AS ("
    " SELECT id, 0 FROM debates_claim WHERE id = %s"
    " UNION ALL SELECT c.id, down.depth + 1 FROM debates_claim c"
    " JOIN down ON c.parent_id = down.id WHERE down.depth < %s)"
    " SELECT id FROM down"
)
_AROUND_SQL = (
    "WITH RECURSIVE up(id, parent_id) AS ("
    " SELECT id, parent_id FROM debates_claim WHERE id = %s"
    " UNION SELECT c.id, c.parent_id FROM debates_claim c JOIN up ON c.id = up.parent_id),"
    " down(id, depth) AS ("
    " SELECT id, 0 FROM debates_claim WHERE id = %s"
    " UNION ALL SELECT c.id, down.depth + 1 FROM debates_claim c"
    " JOIN down ON c.parent_id = down.id WHERE down.depth < %s)"
    " SELECT id FROM up UNION SELECT id FROM down"
)
_LINKED_PATHS_SQL = (
    "WITH RECURSIVE down(id, depth) AS ("
    " SELECT id, 0 FROM debates_claim WHERE id = %s"
    " UNION ALL SELECT c.id, down.depth + 1 FROM debates_claim c"
    " JOIN down ON c.parent_id = down.id WHERE down.depth < %s),"
    " up(id, parent_id) AS ("
    " SELECT id, parent_id FROM debates_claim WHERE id IN"
    " (SELECT claim_id FROM debates_claimlink WHERE parent_id IN (SELECT id FROM down))"
    " UNION SELECT c.id, c.parent_id FROM debates_claim c JOIN up ON c.id = up.parent_id)"
    " SELECT id FROM up"
)


class _Ids(RawSQL):
    """Ids from one of the walks above, for `pk__in`. On PostgreSQL as an array read once
    (`IN (SELECT unnest(ARRAY(…)))`), so the planner looks the few rows up by key instead
    of hashing every claim of the debate to join the walk (10,000 claims: 4 ms → 0.1 ms)."""

    def as_postgresql(self, compiler, connection):
        sql, params = self.as_sql(compiler, connection)
        return f"(SELECT unnest(ARRAY{sql}))", params


def _path_ids(claim_pk: int) -> _Ids:
    """The claim and its ancestors."""
    return _Ids(_PATH_SQL, [claim_pk])


def _below_ids(claim_pk: int, depth: int) -> _Ids:
    """The claim and its descendants down to `depth` levels below it."""
    return _Ids(_BELOW_SQL, [claim_pk, depth])


def _around_ids(claim_pk: int, depth: int) -> _Ids:
    """The claim, its ancestors, and its descendants down to `depth` levels below it."""
    return _Ids(_AROUND_SQL, [claim_pk, claim_pk, depth])


def _linked_paths_ids(claim_pk: int, depth: int) -> _Ids:
    """The claims cross-linked under the claim or its descendants down to `depth`, and
    their ancestors (to tell which of them are on the viewer's map)."""
    return _Ids(_LINKED_PATHS_SQL, [claim_pk, depth])


def _on_map(pk: int | None, parent_of: Mapping[int, int | None]) -> bool:
    """Whether `pk` (None: above the issues) and every claim above it are in `parent_of`
    (drawable claim → its parent): an unbroken chain up to an issue."""
    seen: set[int] = set()
    while pk is not None:
        if pk not in parent_of or pk in seen:
            return False
        seen.add(pk)
        pk = parent_of[pk]
    return True


@dataclass
class ClaimPath:
    """Where a claim stands on the viewer's map."""

    claim: Claim
    # Root first (an issue), down to the claim's parent; empty when the parent is off the map.
    ancestors: list[Claim]
    # The claim's parent (if it has one) and everything above it are on the viewer's map.
    parent_on_map: bool
    # The claim itself is on the map (drawable, under a parent that is on the map).
    on_map: bool


def claim_path(*, claim: Claim, viewer) -> ClaimPath:
    """The claim's ancestors on the viewer's map, root first, in one query whatever the
    map's size (a recursive walk up from the claim)."""
    debate = claim.debate
    moderating = policy.can_moderate(viewer, debate)
    rows = {
        c.pk: c
        for c in _drawable(debate=debate, viewer=viewer, moderating=moderating)
        .filter(pk__in=_path_ids(claim.pk))
        .order_by()
    }
    parent_of = {pk: c.parent_id for pk, c in rows.items()}
    parent_on_map = _on_map(claim.parent_id, parent_of)
    ancestors: list[Claim] = []
    if parent_on_map:
        parent_id = claim.parent_id
        while parent_id is not None:
            ancestors.insert(0, rows[parent_id])
            parent_id = rows[parent_id].parent_id
    return ClaimPath(
        claim=claim,
        ancestors=ancestors,
        parent_on_map=parent_on_map,
        on_map=parent_on_map and claim.pk in rows,
    )


def _stub(pk: int, parent_id: int | None, relation: str) -> Claim:
    """A claim below the drawn levels, loaded only as far as its parent's reply counts
    need (any other field loads on access, as with `.only()`)."""
    return Claim.from_db(
        connection.alias, ["id", "parent_id", "relation"], [pk, parent_id, relation]
    )


def claim_subtree(*, claim: Claim, viewer, budget: int, root_level: int = 1) -> DebateMap | None:
    """The claim and the replies below it on the viewer's map, or None when the claim is
    not on it; four queries whatever the size of the map or of the subtree.

    Levels are drawn as `DebateMap.limit_depth(budget, root=…, root_level=…)` would draw
    them on the whole map (the claim's own replies always; a budget of 1 gives just
    those), and `render_depth` is set. The level below the last one drawn is loaded only
    as far as its parents' reply counts need. `root` (and `issues[0]`) is the claim's node;
    `nodes` holds the drawn nodes.
    """
    debate = claim.debate
    moderating = policy.can_moderate(viewer, debate)
    drawable = _drawable(debate=debate, viewer=viewer, moderating=moderating)

    # 1. The shape (ids, parents, relations): the claim's ancestors, to tell whether it is
    #    on the map, and what is below it down to the deepest level that could be drawn
    #    (each drawn level adds a node, so at most `budget` levels), plus one.
    shape = (
        drawable.filter(pk__in=_around_ids(claim.pk, budget + 1))
        .order_by("order", "pk")
        .values_list("pk", "parent_id", "relation")
    )
    children: dict[int | None, list[tuple[int, int | None, str]]] = {}
    parent_of: dict[int, int | None] = {}
    for row in shape:
        children.setdefault(row[1], []).append(row)
        parent_of[row[0]] = row[1]
    if not _on_map(claim.pk, parent_of):
        return None

    def level_sizes() -> Iterator[int]:
        level = [claim.pk]
        while level:
            yield len(level)
            level = [row[0] for pk in level for row in children.get(pk, [])]

    render_depth = _render_depth(level_sizes(), budget, root_level=root_level, whole_map=False)
    drawn_depth = (render_depth or root_level) - root_level

    # 2. The drawn levels in full, as `debate_map` loads them.
    rows = {
        c.pk: c
        for c in _map_claims(
            drawable.filter(pk__in=_below_ids(claim.pk, drawn_depth)).order_by("order", "pk"),
            _pending_evidence(viewer, moderating),
        )
    }
    if claim.pk not in rows:  # gone since the shape was read
        return None
    root = MapNode(rows[claim.pk])
    nodes = {claim.pk: root}
    level = [root]
    for _ in range(drawn_depth):
        below = []
        for node in level:
            for pk, _parent, _relation in children.get(node.claim.pk, []):
                if pk in rows:
                    nodes[pk] = MapNode(rows[pk])
                    node.children.append(nodes[pk])
                    below.append(nodes[pk])
        level = below
    for node in level:
        node.children = [MapNode(_stub(*row)) for row in children.get(node.claim.pk, [])]

    # 3. and 4. Cross-links under the drawn claims whose claim is on the viewer's map,
    #    wherever on it that claim stands.
    linked = dict(
        drawable.filter(pk__in=_linked_paths_ids(claim.pk, drawn_depth))
        .order_by()
        .values_list("pk", "parent_id")
    )
    links = (
        ClaimLink.objects.filter(parent_id__in=_below_ids(claim.pk, drawn_depth))
        .select_related("claim")
        .order_by("order", "pk")
    )
    for link in links:
        if link.parent_id in nodes and _on_map(link.claim_id, linked):
            nodes[link.parent_id].links.append(link)

    return DebateMap(
        debate=debate,
        issues=[root],
        nodes=nodes,
        can_moderate=moderating,
        render_depth=render_depth,
        root=root,
    )


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


@dataclass(frozen=True)
class OutlineRow:
    """One step of drawing the outline without recursion (see `outline_rows`).

    An opening row draws a node's `<li>` and card, then either closes it (no replies, or
    its replies are left for "Show N replies") or opens its group of replies. A closing
    row (`close`) ends that group: the node's cross-links, then `</ul></details></li>`.
    """

    node: MapNode
    level: int
    close: bool = False
    # The node has replies but stands at the deepest drawn level: "Show N replies".
    collapsed: bool = False

    @property
    def has_replies(self) -> bool:
        return bool(self.node.children or self.node.links)

    @property
    def expanded(self) -> bool:
        return self.has_replies and not self.collapsed

    @property
    def child_level(self) -> int:
        return self.level + 1


def outline_rows(
    top: Iterable[MapNode], render_depth: int | None, level: int = 1
) -> list[OutlineRow]:
    """The outline from `top` (at `level`) down as a flat pre-order list of rows, so a
    template draws a map of any depth in one loop. Levels deeper than `render_depth`
    (None: every level) are left for "Show N replies"."""
    rows: list[OutlineRow] = []
    stack: list[OutlineRow] = [OutlineRow(node, level) for node in reversed(list(top))]
    while stack:
        row = stack.pop()
        if row.close:
            rows.append(row)
            continue
        collapsed = bool(render_depth) and row.level >= cast(int, render_depth)
        row = OutlineRow(row.node, row.level, collapsed=collapsed and row.has_replies)
        rows.append(row)
        if row.expanded:
            stack.append(OutlineRow(row.node, row.level, close=True))
            below = reversed(row.node.children)
            stack.extend(OutlineRow(child, row.child_level) for child in below)
    return rows

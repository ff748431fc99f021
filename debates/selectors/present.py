"""Reads for showing a map to a class: one claim at a time on a projector (`slide`) and the
whole map on paper (`handout`).

Both show the published map only, within what the viewer may see of it: a teacher who
moderates presents to a room, so proposals waiting for review (even the teacher's own) and
anything under a deleted or unpublished claim stay off the screen and off the paper. They
never load an author, so no name can reach a slide or a page. A claim's cross-links (a
claim that also stands under it, `ClaimLink`) show under it as "See also" entries when the
linked claim is on that same published map. Each runs a fixed number of queries whatever
the size of the map.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from .. import policy
from ..models import Claim, ClaimLink, Debate, Evidence, Source
from .maps import _drawable, _linked_paths_ids, _on_map, _path_ids

_PUBLISHED_CHILD = Q(children__status=Claim.Status.PUBLISHED, children__deleted_at__isnull=True)
_OPPOSING = [Claim.Relation.OPPOSES, Claim.Relation.UNDERCUTS]


def _shown(*, debate: Debate, viewer) -> QuerySet[Claim]:
    """The rows that may be shown: the viewer's drawable claims (`_drawable`, where the map's
    visibility rule lives), published ones only. The chain up to an issue is the caller's."""
    moderating = policy.can_moderate(viewer, debate)
    return _drawable(debate=debate, viewer=viewer, moderating=moderating).filter(
        status=Claim.Status.PUBLISHED
    )


def _evidence(claim_ids: Iterable[int]) -> dict[int, list[Evidence]]:
    """The published evidence of the given claims, with quotes and sources, by claim."""
    rows = (
        Evidence.objects.filter(
            claim_id__in=list(claim_ids),
            status=Evidence.Status.PUBLISHED,
            deleted_at__isnull=True,
        )
        .select_related("passage__anchor", "passage__source")
        .order_by("claim_id", "relation", "pk")
    )
    found: dict[int, list[Evidence]] = {}
    for item in rows:
        found.setdefault(item.claim_id, []).append(item)
    return found


_LINK_STANCES = {"answers": "Position", "supports": "Pro", "undercuts": "Undercut"}


@dataclass
class SeeAlso:
    """A cross-link under a claim: `claim` also stands there ("See also: …"), with the
    link's own relation to that parent. `number`: the claim's place in a handout's outline
    when it is printed there ("" otherwise)."""

    claim: Claim
    relation: str
    number: str = ""

    @property
    def stance(self) -> str:
        return _LINK_STANCES.get(self.relation, "Con")


@dataclass
class SlideItem:
    """A claim on a slide: its published replies counted, its evidence ready to quote."""

    claim: Claim
    pro_count: int = 0
    con_count: int = 0
    reply_count: int = 0
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Slide:
    """One step of a presentation: a claim (None: the title slide, whose children are the
    map's issues), where it stands, its replies, and its neighbours for "next"/"previous"."""

    debate: Debate
    current: SlideItem | None
    ancestors: list[Claim]
    children: list[SlideItem]
    previous: Claim | None = None
    next: Claim | None = None
    # 1-based place of the claim among its siblings, and how many there are.
    position: int = 0
    sibling_count: int = 0
    # The claims cross-linked under this one that are on the published map ("See also").
    links: list[SeeAlso] = field(default_factory=list)

    @property
    def parent(self) -> Claim | None:
        return self.ancestors[-1] if self.ancestors else None


def _items(claims: QuerySet[Claim]) -> list[SlideItem]:
    """Claims with their published replies counted (children only: the claims cross-linked
    under a claim are its slide's `links`, "See also"), in map order."""
    counted = claims.annotate(
        replies=Count("children", filter=_PUBLISHED_CHILD, distinct=True),
        pros=Count(
            "children",
            filter=_PUBLISHED_CHILD & Q(children__relation=Claim.Relation.SUPPORTS),
            distinct=True,
        ),
        cons=Count(
            "children",
            filter=_PUBLISHED_CHILD & Q(children__relation__in=_OPPOSING),
            distinct=True,
        ),
    ).order_by("order", "pk")
    return [
        SlideItem(claim, pro_count=claim.pros, con_count=claim.cons, reply_count=claim.replies)
        for claim in counted
    ]


def _see_also(shown: QuerySet[Claim], claim_pk: int) -> list[SeeAlso]:
    """The cross-links under claim `claim_pk` whose claim is on the published map the
    viewer may see (an unbroken chain of shown claims up to an issue), in their order: two
    queries whatever the map's size (one when there is no link)."""
    links = list(
        ClaimLink.objects.filter(parent_id=claim_pk)
        .only("id", "claim_id", "parent_id", "relation", "order")
        .order_by("order", "pk")
    )
    if not links:
        return []
    rows = {
        c.pk: c
        for c in shown.filter(pk__in=_linked_paths_ids(claim_pk, 0))
        .only("id", "parent_id", "kind", "relation", "text", "status")
        .order_by()
    }
    parents = {pk: c.parent_id for pk, c in rows.items()}
    return [
        SeeAlso(rows[link.claim_id], link.relation)
        for link in links
        if _on_map(link.claim_id, parents)
    ]


def slide(*, debate: Debate, viewer, claim_pk: int | None = None) -> Slide | None:
    """The slide of claim `claim_pk` (None: the title slide), or None when that claim is not
    on the published map the viewer may see. Five queries whatever the map's size (six
    with the viewer's role): the path up to the issue, the claim's siblings and replies
    with their counts, their evidence, and the cross-links under the claim with the paths
    of their claims (the last only when there are links)."""
    shown = _shown(debate=debate, viewer=viewer)
    if claim_pk is None:
        issues = _items(shown.filter(parent__isnull=True))
        evidence = _evidence(item.claim.pk for item in issues)
        for item in issues:
            item.evidence = evidence.get(item.claim.pk, [])
        return Slide(debate=debate, current=None, ancestors=[], children=issues)

    path = {c.pk: c for c in shown.filter(pk__in=_path_ids(claim_pk)).order_by()}
    if not _on_map(claim_pk, {pk: c.parent_id for pk, c in path.items()}):
        return None
    claim = path[claim_pk]
    ancestors: list[Claim] = []
    parent_id = claim.parent_id
    while parent_id is not None:
        ancestors.insert(0, path[parent_id])
        parent_id = path[parent_id].parent_id

    here = Q(parent_id=claim.pk) | (
        Q(parent__isnull=True) if claim.parent_id is None else Q(parent_id=claim.parent_id)
    )
    siblings: list[SlideItem] = []
    children: list[SlideItem] = []
    current = None
    for item in _items(shown.filter(here)):
        if item.claim.pk == claim.pk:
            current = item
        (children if item.claim.parent_id == claim.pk else siblings).append(item)
    if current is None:  # gone since the path was read
        return None
    evidence = _evidence([claim.pk, *(item.claim.pk for item in children)])
    for item in [current, *children]:
        item.evidence = evidence.get(item.claim.pk, [])
    at = siblings.index(current)
    return Slide(
        debate=debate,
        current=current,
        ancestors=ancestors,
        children=children,
        previous=siblings[at - 1].claim if at > 0 else None,
        next=siblings[at + 1].claim if at + 1 < len(siblings) else None,
        position=at + 1,
        sibling_count=len(siblings),
        links=_see_also(shown, claim.pk),
    )


@dataclass
class HandoutRow:
    """A claim of the handout's outline: its number ("2.1.3"), level (issues are 1),
    evidence and the claims cross-linked under it ("See also")."""

    claim: Claim
    number: str
    level: int
    evidence: list[Evidence] = field(default_factory=list)
    links: list[SeeAlso] = field(default_factory=list)


@dataclass
class Handout:
    debate: Debate
    sources: list[Source]
    rows: list[HandoutRow]
    # Claims on the published map, and the deepest level printed when it was too big to
    # print whole (None: every level is printed).
    total_claims: int
    depth: int | None = None

    @property
    def cut(self) -> bool:
        return self.depth is not None

    @property
    def evidence_count(self) -> int:
        return sum(len(row.evidence) for row in self.rows)


# What the outline needs of a claim; the author is never loaded.
_HANDOUT_FIELDS = ("id", "debate_id", "kind", "parent_id", "relation", "text", "status", "order")


def handout(*, debate: Debate, viewer, max_claims: int) -> Handout:
    """The published map the viewer may see, as a numbered outline with each claim's
    evidence, and the debate's sources. A map of more than `max_claims` claims gives
    whole levels from the issues down while they add up to at most `max_claims` (the
    issues at least, and never more than `max_claims` rows). Under each printed claim, the
    claims cross-linked there that are on the published map, with their number when they
    are printed too. Five queries whatever the map's size (six with the viewer's role)."""
    claims = list(
        _shown(debate=debate, viewer=viewer).only(*_HANDOUT_FIELDS).order_by("order", "pk")
    )
    children: dict[int | None, list[Claim]] = {}
    for claim in claims:
        children.setdefault(claim.parent_id, []).append(claim)

    # Level sizes of what hangs, unbroken, from the issues (the reachable map).
    sizes: list[int] = []
    reachable: dict[int, Claim] = {}
    level = children.get(None, [])
    while level:
        sizes.append(len(level))
        reachable.update((claim.pk, claim) for claim in level)
        level = [child for claim in level for child in children.get(claim.pk, [])]
    total = sum(sizes)
    depth: int | None = None
    if total > max_claims:
        depth, printed = 1, sizes[0]
        while depth < len(sizes) and printed + sizes[depth] <= max_claims:
            printed += sizes[depth]
            depth += 1

    rows: list[HandoutRow] = []
    stack = [(claim, str(i), 1) for i, claim in enumerate(children.get(None, []), 1)]
    stack.reverse()
    while stack and len(rows) < max_claims:
        claim, number, at = stack.pop()
        rows.append(HandoutRow(claim, number, at))
        if depth is None or at < depth:
            below = children.get(claim.pk, [])
            stack.extend(
                (child, f"{number}.{i}", at + 1) for i, child in reversed(list(enumerate(below, 1)))
            )
    evidence = _evidence(row.claim.pk for row in rows)
    numbers = {row.claim.pk: row.number for row in rows}
    links: dict[int, list[SeeAlso]] = {}
    for link in (
        ClaimLink.objects.filter(debate=debate)
        .only("id", "claim_id", "parent_id", "relation", "order")
        .order_by("order", "pk")
    ):
        if link.parent_id in numbers and link.claim_id in reachable:
            links.setdefault(link.parent_id, []).append(
                SeeAlso(reachable[link.claim_id], link.relation, numbers.get(link.claim_id, ""))
            )
    for row in rows:
        row.evidence = evidence.get(row.claim.pk, [])
        row.links = links.get(row.claim.pk, [])
    return Handout(
        debate=debate,
        sources=list(debate.sources.order_by("title", "pk")),
        rows=rows,
        total_claims=total,
        depth=depth,
    )

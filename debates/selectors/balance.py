"""The balance view: how well each side of each controversy is argued and grounded.

For every position we follow its whole subtree and give each argument a net polarity
relative to the position (supports keeps the side, opposes and undercuts flip it), then
count arguments and those that carry evidence on each side. For each issue and each
source, every block (paragraph or list item) becomes one cell of a coverage strip,
coloured by the side(s) whose evidence cites text inside it (evidence that opposes its
claim counts for the other side), so a teacher sees at a glance that a source argues
one side. Only published, non-deleted claims and evidence count, so the view is the same
for everyone who may open the debate.

It also reads the map as reasoning (`_reasoning`): the *open challenges* (arguments that
oppose or undercut something and that no published argument opposes or undercuts in
turn, under them or cross-linked there), *steel-man coverage* (a position is steel-manned
when it has a counterargument, an argument attacking it, and a rebuttal, an argument
attacking one of those) and *pro/con depth asymmetry* (the longest chain of replies that
starts with an argument for a position against the longest that starts with one against
it). Five queries whatever the size of the map.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from django.db.models import Count, F, Q

from ..models import Claim, ClaimLink, Debate, Evidence, Passage, Source

if TYPE_CHECKING:
    from typing import TypedDict

    from django_stubs_ext import WithAnnotations

    class _EvidenceCount(TypedDict):
        published_evidence: int

    # A claim as `debate_balance` loads it: annotated with its published evidence count.
    CountedClaim = WithAnnotations[Claim, _EvidenceCount]

BLOCK_KINDS = (Passage.Kind.PARAGRAPH, Passage.Kind.LIST_ITEM)
MIXED = "mixed"
NONE = "none"
# Relations that attack their parent (an undercut attacks the link to it).
ATTACKS = (Claim.Relation.OPPOSES, Claim.Relation.UNDERCUTS)
# Depths of the pro and con chains this far apart (or more) are flagged.
ASYMMETRY = 2
# Enough distinct hues for the positions of the widest issue; they cycle after that.
PALETTE = ("#1f5fa8", "#b35900", "#6a3d9a", "#137a63", "#a0306e", "#5c6b00")


def short(text: str, limit: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass
class Side:
    """One side of a controversy: for or against one position."""

    key: str  # "for-12" or "against-12"
    position: Claim
    against: bool
    colour: str

    @property
    def label(self) -> str:
        return f"{'against' if self.against else 'for'} ‘{short(self.position.text)}’"


@dataclass
class ArgumentSummary:
    claim: Claim
    evidence_count: int
    subtree: int  # how many claims stand under it, itself included


@dataclass
class PositionBalance:
    position: Claim
    colour: str
    supporting: list[ArgumentSummary] = field(default_factory=list)
    opposing: list[ArgumentSummary] = field(default_factory=list)
    for_count: int = 0
    for_evidenced: int = 0
    against_count: int = 0
    against_evidenced: int = 0
    evidence_count: int = 0  # on the position itself
    # Steel-man coverage: an argument attacks the position (a counterargument), and an
    # argument attacks one of those (a rebuttal).
    has_counter: bool = False
    has_rebuttal: bool = False
    # The longest chain of replies starting with an argument for it, and against it
    # (0: no such argument; 1: the argument alone; 2: with a reply under it; ...).
    pro_depth: int = 0
    con_depth: int = 0

    @property
    def lopsided(self) -> bool:
        return (self.for_count == 0) != (self.against_count == 0)

    @property
    def steel_manned(self) -> bool:
        return self.has_counter and self.has_rebuttal

    @property
    def asymmetric(self) -> bool:
        return abs(self.pro_depth - self.con_depth) >= ASYMMETRY

    @property
    def deeper_side(self) -> str:
        """ "pro" or "con": the side argued deeper (when `asymmetric`)."""
        return "pro" if self.pro_depth > self.con_depth else "con"


@dataclass
class Challenge:
    """An argument attacking `target` that nobody has answered yet."""

    claim: Claim
    target: Claim
    position: Claim | None  # the position it is argued about (None: unknown)


@dataclass
class IssueBalance:
    issue: Claim
    positions: list[PositionBalance]
    sides: list[Side] = field(default_factory=list)
    sources: list[SourceCoverage] = field(default_factory=list)
    open_challenges: list[Challenge] = field(default_factory=list)

    @property
    def steel_manned(self) -> int:
        return sum(1 for pb in self.positions if pb.steel_manned)


@dataclass
class Cell:
    passage: Passage
    number: int
    sides: list[Side]

    @property
    def state(self) -> str:
        if not self.sides:
            return NONE
        return MIXED if len(self.sides) > 1 else self.sides[0].key

    @property
    def kind_label(self) -> str:
        return "List item" if self.passage.kind == Passage.Kind.LIST_ITEM else "Paragraph"

    @property
    def colour(self) -> str:
        return self.sides[0].colour if len(self.sides) == 1 else ""

    @property
    def against(self) -> bool:
        return len(self.sides) == 1 and self.sides[0].against

    @property
    def description(self) -> str:
        where = f"{self.kind_label} {self.number} (“{short(self.passage.anchor.exact, 60)}”)"
        if not self.sides:
            return f"{where}: cited by no side"
        sides = " and ".join(side.label for side in self.sides)
        return f"{where}: cited {sides}"


@dataclass
class SourceCoverage:
    source: Source
    cells: list[Cell]
    counts: list[tuple[Side, int]]  # cells cited by exactly that side, largest first
    mixed: int
    uncited: int

    @property
    def cited(self) -> int:
        return len(self.cells) - self.uncited

    @property
    def summary(self) -> str:
        """One sentence a teacher can read at a glance."""
        total = len(self.cells)
        if total == 0:
            return "This source has no paragraphs to cite."
        if self.cited == 0:
            return f"None of its {total} passages is cited by any side yet."
        phrases = []
        for i, (side, n) in enumerate(self.counts):
            verb = ("is" if n == 1 else "are") + " cited " if i == 0 else ""
            phrases.append(f"{n} {verb}{side.label}")
        if self.mixed:
            verb = ("is" if self.mixed == 1 else "are") + " cited " if not phrases else ""
            phrases.append(f"{self.mixed} {verb}by several sides")
        listed = (
            phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
        )
        neither = (
            f"{self.uncited} passage{'s' if self.uncited != 1 else ''} "
            f"{'is' if self.uncited == 1 else 'are'} cited by neither."
        )
        return f"Of {self.cited} cited passage{'s' if self.cited != 1 else ''}, {listed}; {neither}"

    @property
    def leaning(self) -> Side | None:
        """The side that three quarters or more of the cited passages argue alone, if any."""
        if not self.counts or self.cited < 2:
            return None
        side, n = self.counts[0]
        return side if n * 4 >= self.cited * 3 else None


@dataclass
class DebateBalance:
    debate: Debate
    issues: list[IssueBalance]

    @property
    def position_count(self) -> int:
        return sum(len(item.positions) for item in self.issues)

    @property
    def steel_manned(self) -> int:
        return sum(item.steel_manned for item in self.issues)

    @property
    def open_challenge_count(self) -> int:
        return sum(len(item.open_challenges) for item in self.issues)


def _signs(claims: dict[int, Claim]) -> tuple[dict[int, tuple[int, int]], list[int]]:
    """For each reachable argument: (its position's pk, +1 for or -1 against it).

    Positions map to themselves with +1. Walks down from positions, so a claim whose
    ancestors are not all published is left out, as it is from the map. Also returns the
    walk's order (parents before children), which sizes subtrees without recursion.
    """
    children: dict[int, list[Claim]] = {}
    for claim in claims.values():
        if claim.parent_id is not None:
            children.setdefault(claim.parent_id, []).append(claim)
    signs: dict[int, tuple[int, int]] = {}
    walk: list[int] = []
    stack = [
        (claim, claim.pk, 1)
        for claim in claims.values()
        if claim.kind == Claim.Kind.POSITION and claim.parent_id in claims
    ]
    while stack:
        claim, position_pk, sign = stack.pop()
        signs[claim.pk] = (position_pk, sign)
        walk.append(claim.pk)
        for child in children.get(claim.pk, []):
            if child.kind != Claim.Kind.ARGUMENT:
                continue
            flip = 1 if child.relation == Claim.Relation.SUPPORTS else -1
            stack.append((child, position_pk, sign * flip))
    return signs, walk


def debate_balance(*, debate: Debate) -> DebateBalance:
    """Argument counts per side of each position, and the coverage strip of each source."""
    claims = {
        claim.pk: claim
        for claim in Claim.objects.published()
        .filter(debate=debate)
        .annotate(
            published_evidence=Count(
                "evidence",
                filter=Q(
                    evidence__status=Evidence.Status.PUBLISHED,
                    evidence__deleted_at__isnull=True,
                ),
            )
        )
        .order_by("order", "pk")
    }
    signs, walk = _signs(claims)
    children: dict[int | None, list[CountedClaim]] = {}
    for claim in claims.values():
        if claim.pk in signs or claim.kind == Claim.Kind.ISSUE:
            children.setdefault(claim.parent_id, []).append(claim)

    subtree_size: dict[int, int] = {}
    for pk in reversed(walk):  # children before their parents
        subtree_size[pk] = 1 + sum(subtree_size.get(c.pk, 0) for c in children.get(pk, []))

    issues: list[IssueBalance] = []
    balances: dict[int, PositionBalance] = {}
    balance: PositionBalance | None  # a position's, then looked up by position
    for issue in children.get(None, []):
        positions = []
        sides: list[Side] = []
        for i, position in enumerate(
            c for c in children.get(issue.pk, []) if c.kind == Claim.Kind.POSITION
        ):
            colour = PALETTE[i % len(PALETTE)]
            balance = PositionBalance(
                position=position, colour=colour, evidence_count=position.published_evidence
            )
            for child in children.get(position.pk, []):
                summary = ArgumentSummary(
                    claim=child,
                    evidence_count=child.published_evidence,
                    subtree=subtree_size.get(child.pk, 1),
                )
                if signs[child.pk][1] > 0:
                    balance.supporting.append(summary)
                else:
                    balance.opposing.append(summary)
            balances[position.pk] = balance
            positions.append(balance)
            sides.append(Side(f"for-{position.pk}", position, against=False, colour=colour))
            sides.append(Side(f"against-{position.pk}", position, against=True, colour=colour))
        issues.append(IssueBalance(issue=issue, positions=positions, sides=sides))
    for pk, (position_pk, sign) in signs.items():
        if pk == position_pk:
            continue
        balance = balances.get(position_pk)
        if balance is None:  # a position under an issue that is not published
            continue
        evidenced = claims[pk].published_evidence > 0
        if sign > 0:
            balance.for_count += 1
            balance.for_evidenced += evidenced
        else:
            balance.against_count += 1
            balance.against_evidenced += evidenced

    _reasoning(debate=debate, claims=claims, signs=signs, walk=walk, issues=issues)
    _coverage(debate=debate, signs=signs, issues=issues)
    return DebateBalance(debate=debate, issues=issues)


def _reasoning(
    *,
    debate: Debate,
    claims: dict[int, CountedClaim],
    signs: dict[int, tuple[int, int]],
    walk: list[int],
    issues: list[IssueBalance],
) -> None:
    """Open challenges, steel-man coverage and pro/con depth of every position (one query:
    the cross-links; the rest is read from the claims already loaded, without recursion).

    Only the claims the map reaches count (`signs`). A cross-link counts under its second
    parent too: an argument linked as opposing a challenge answers it, and one linked as
    opposing a position is a counterargument to it. Depths follow the tree alone, so a
    cross-link can never make a chain endless.
    """
    # Each reachable claim's attackers: its children (and cross-linked claims) that oppose
    # or undercut it.
    attackers: dict[int, set[int]] = {}
    for pk in signs:
        claim = claims[pk]
        if claim.relation in ATTACKS and claim.parent_id in signs:
            attackers.setdefault(claim.parent_id, set()).add(pk)
    links = ClaimLink.objects.filter(debate=debate, relation__in=ATTACKS).values_list(
        "claim_id", "parent_id"
    )
    for claim_id, parent_id in links:
        if claim_id in signs and parent_id in signs:
            attackers.setdefault(parent_id, set()).add(claim_id)

    # Height of each claim's subtree in the tree (1: no replies), children first.
    children: dict[int, list[int]] = {}
    for pk in walk:
        above = claims[pk].parent_id
        if above is not None and above in signs and pk != signs[pk][0]:
            children.setdefault(above, []).append(pk)
    height: dict[int, int] = {}
    for pk in reversed(walk):
        height[pk] = 1 + max((height[c] for c in children.get(pk, [])), default=0)

    for item in issues:
        for pb in item.positions:
            position = pb.position.pk
            counters = attackers.get(position, set())
            pb.has_counter = bool(counters)
            pb.has_rebuttal = any(attackers.get(c) for c in counters)
            for child in children.get(position, []):
                if claims[child].relation == Claim.Relation.SUPPORTS:
                    pb.pro_depth = max(pb.pro_depth, height[child])
                else:
                    pb.con_depth = max(pb.con_depth, height[child])
        in_issue = {pb.position.pk: pb.position for pb in item.positions}
        item.open_challenges = [
            Challenge(
                claim=claims[pk],
                target=claims[cast(int, claims[pk].parent_id)],
                position=in_issue.get(signs[pk][0]),
            )
            for pk in walk
            if signs[pk][0] in in_issue
            and pk != signs[pk][0]
            and claims[pk].relation in ATTACKS
            and not attackers.get(pk)
        ]
        item.open_challenges.sort(key=lambda c: c.claim.pk)


def _coverage(
    *, debate: Debate, signs: dict[int, tuple[int, int]], issues: list[IssueBalance]
) -> None:
    """For each issue, one strip per source of the debate over its current revision's blocks.

    Each issue has its own strips: a passage cited in one controversy says nothing about
    the sides of another, and mixing them would make every busy passage look "mixed".
    """
    sources = list(debate.sources.select_related("current_revision").order_by("title", "pk"))
    blocks = (
        Passage.objects.filter(
            source__in=sources,
            kind__in=BLOCK_KINDS,
            anchor__revision=F("source__current_revision"),
            anchor__status="anchored",
        )
        .select_related("anchor")
        .order_by("source", "anchor__start", "anchor__end", "pk")
    )
    by_source: dict[int, list[Passage]] = {source.pk: [] for source in sources}
    for passage in blocks:
        by_source[passage.source_id].append(passage)

    cited = Evidence.objects.filter(
        claim__debate=debate,
        claim__status=Claim.Status.PUBLISHED,
        claim__deleted_at__isnull=True,
        status=Evidence.Status.PUBLISHED,
        deleted_at__isnull=True,
        passage__source__in=sources,
        passage__anchor__revision=F("passage__source__current_revision"),
        passage__anchor__status="anchored",
    ).values_list(
        "claim_id",
        "relation",
        "passage__source_id",
        "passage__anchor__start",
        "passage__anchor__end",
    )
    # For each issue and source, (block index) -> side keys, found by the blocks' offsets.
    starts = {pk: [p.anchor.start for p in passages] for pk, passages in by_source.items()}
    issue_of = {pb.position.pk: item for item in issues for pb in item.positions}
    hits: dict[tuple[int, int], dict[int, set[str]]] = {}
    for claim_id, relation, source_id, start, end in cited:
        if claim_id not in signs:
            continue  # evidence on an issue, or under a claim that is not published
        position_pk, sign = signs[claim_id]
        if relation == Evidence.Relation.OPPOSES:
            sign = -sign
        item = issue_of.get(position_pk)
        if item is None:
            continue
        key = f"{'for' if sign > 0 else 'against'}-{position_pk}"
        found = hits.setdefault((item.issue.pk, source_id), {})
        passages = by_source[source_id]
        i = max(0, bisect_left(starts[source_id], start) - 1)
        while i < len(passages) and passages[i].anchor.start < end:
            if passages[i].anchor.end > start:
                found.setdefault(i, set()).add(key)
            i += 1

    for item in issues:
        item.sources = [
            _strip(source, by_source[source.pk], hits.get((item.issue.pk, source.pk), {}), item)
            for source in sources
        ]


def _strip(
    source: Source, passages: list[Passage], hits: dict[int, set[str]], item: IssueBalance
) -> SourceCoverage:
    """One source's cells for one issue: each block with the sides that cite it."""
    side_by_key = {side.key: side for side in item.sides}
    order = {key: n for n, key in enumerate(side_by_key)}
    cells = []
    tally: dict[str, int] = {}
    mixed = 0
    for i, passage in enumerate(passages):
        keys = sorted(hits.get(i, ()), key=order.__getitem__)
        cell = Cell(passage=passage, number=i + 1, sides=[side_by_key[k] for k in keys])
        cells.append(cell)
        if len(keys) == 1:
            tally[keys[0]] = tally.get(keys[0], 0) + 1
        elif keys:
            mixed += 1
    counts = sorted(
        ((side_by_key[k], n) for k, n in tally.items()),
        key=lambda pair: (-pair[1], order[pair[0].key]),
    )
    uncited = sum(1 for cell in cells if not cell.sides)
    return SourceCoverage(source=source, cells=cells, counts=counts, mixed=mixed, uncited=uncited)

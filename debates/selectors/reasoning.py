"""Reads for reasoning with a map: the votes on its claims and which claims stand.

``map_verdicts`` reads the claims a viewer sees on the map, their cross-links and the vote
totals (three queries whatever the size) and hands them to the pure functions of
``debates.reasoning``: grounded labels with their explanations, and DF-QuAD scores whose base
is each claim's mean acceptability vote and whose link weights are the mean relevance votes.
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db.models import Count, Q

from .. import policy, reasoning
from ..models import Claim, ClaimLink, Debate, Vote

QUESTIONS = (Vote.Question.ACCEPTABILITY, Vote.Question.RELEVANCE)


@dataclass
class Tally:
    """The votes on one question about one claim."""

    question: str
    distribution: list[int] = field(default_factory=lambda: [0] * 5)  # votes per step 0..4
    mine: int | None = None  # the viewer's own vote
    shown: bool = False  # whether the viewer may see the totals

    @property
    def count(self) -> int:
        return sum(self.distribution)

    @property
    def mean(self) -> float | None:
        if not self.count:
            return None
        return sum(step * n for step, n in enumerate(self.distribution)) / self.count

    @property
    def steps(self) -> list[tuple[int, str, int, int]]:
        """(value, label, votes, per cent of votes) per step, for the distribution bars."""
        labels = dict(
            Vote.ACCEPTABILITY_STEPS
            if self.question == Vote.Question.ACCEPTABILITY
            else Vote.RELEVANCE_STEPS
        )
        total = self.count or 1
        return [(v, labels[v], n, round(100 * n / total)) for v, n in enumerate(self.distribution)]


def claim_votes(*, claim: Claim, viewer) -> dict[str, Tally]:
    """The two tallies of one claim, with the viewer's votes and whether totals show (one
    query)."""
    tallies: dict[str, Tally] = {str(q): Tally(q) for q in QUESTIONS}
    me = viewer.pk if viewer.is_authenticated else None
    rows = (
        Vote.objects.filter(claim=claim)
        .values_list("question", "value")
        .annotate(n=Count("pk"), mine=Count("pk", filter=Q(user_id=me)))
        .order_by()
    )
    for question, value, n, mine in rows:
        tallies[question].distribution[value] = n
        if mine:
            tallies[question].mine = value
    for tally in tallies.values():
        tally.shown = policy.can_see_vote_totals(
            viewer, claim.debate, has_voted=tally.mine is not None
        )
    return tallies


@dataclass
class MapReasoning:
    verdicts: reasoning.Verdicts
    scores: dict[int, float]
    text: dict[int, str]
    # Mean acceptability (0..1) and relevance (0..1) from the votes, where there are any.
    acceptability: dict[int, float]
    relevance: dict[int, float]

    def label(self, pk: int) -> str | None:
        return self.verdicts.labels.get(pk)

    def why(self, pk: int) -> str:
        return reasoning.explain(pk, self.verdicts, self.text) if pk in self.verdicts else ""

    def impact(self, pk: int) -> float | None:
        """Acceptability × relevance from the votes (0..1), None without both."""
        if pk in self.acceptability and pk in self.relevance:
            return self.acceptability[pk] * self.relevance[pk]
        return None


_pause_lock = threading.Lock()
_pauses = 0
_collecting = True


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the garbage collector for a pure pass that allocates many small objects: the
    collector, set off by them, would walk every object of the process again and again (a
    third of the time in a busy process). The pause is process-wide, so overlapping passes
    (threads) count themselves in and the last one out restores what was before."""
    global _pauses, _collecting
    with _pause_lock:
        if _pauses == 0:
            _collecting = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0 and _collecting:
                gc.enable()


# Recent results per process, keyed by the debate's change stamp (every write to a map, a
# vote included, gives it a new one) and by whose view it is: a map is reasoned about once
# per change, not once per page.
_CACHE: OrderedDict[tuple, MapReasoning] = OrderedDict()
_CACHE_SIZE = 64


def map_reasoning(*, debate: Debate, viewer, the_map=None) -> MapReasoning:
    """Labels, explanations and scores for the claims `viewer` sees published on the map.
    Given the whole map as the map page loaded it (`selectors.debate_map`), its claims and
    cross-links are reused and only the votes are read."""
    moderating = policy.can_moderate(viewer, debate)
    whose = "all" if moderating or viewer.is_staff else (viewer.pk or "anonymous")
    key = (debate.pk, debate.updated_at.isoformat(), whose)
    # The map page reads the votes whether or not the result is cached, so it runs the same
    # queries every time (its query count is tested); other pages read nothing on a hit.
    from_map = the_map is not None and the_map.root is None
    votes = _vote_sums(debate) if from_map else None
    found = _CACHE.get(key)
    if found is not None:
        _CACHE.move_to_end(key)
        return found
    result = _from_map(debate, the_map, votes) if from_map else _compute(debate, viewer, moderating)
    _CACHE[key] = result
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return result


def _from_map(debate: Debate, the_map, votes) -> MapReasoning:
    """From a loaded map: its published claims (the tree already holds only what the viewer
    sees, on live paths) and its cross-links between them."""
    claims = [
        (node.claim.pk, node.claim.parent_id, node.claim.relation, node.claim.text)
        for node in the_map.nodes.values()
        if node.claim.status == Claim.Status.PUBLISHED
    ]
    known = {pk for pk, *_ in claims}
    links = [
        reasoning.Edge(link.claim_id, link.parent_id, link.relation)
        for node in the_map.nodes.values()
        for link in node.links
        if link.claim_id in known and link.parent_id in known
    ]
    return _reason(claims, links, votes)


def _compute(debate: Debate, viewer, moderating: bool) -> MapReasoning:
    rows = Claim.objects.filter(debate=debate).published()
    if not moderating:
        rows = rows.filter(policy.withheld_q(viewer, debate=debate))
    claims = list(rows.order_by().values_list("pk", "parent_id", "relation", "text"))
    known = {pk for pk, *_ in claims}
    links = [
        reasoning.Edge(child, parent, relation)
        for child, parent, relation in ClaimLink.objects.filter(debate=debate)
        .order_by()
        .values_list("claim_id", "parent_id", "relation")
        if child in known and parent in known
    ]
    # Claims under a claim the viewer does not see are off the map for them.
    on_map = {pk for pk, parent, *_ in claims if parent is None}
    children = defaultdict(list)
    for pk, parent, *_ in claims:
        if parent is not None:
            children[parent].append(pk)
    queue = list(on_map)
    for pk in queue:
        for child in children.get(pk, ()):
            if child not in on_map:
                on_map.add(child)
                queue.append(child)
    return _reason(
        [row for row in claims if row[0] in on_map],
        [link for link in links if link.child in on_map and link.parent in on_map],
        _vote_sums(debate),
    )


def _vote_sums(debate: Debate) -> dict[tuple[int, str], list[int]]:
    """(claim, question) → [sum of the votes, number of votes] for the debate (one query)."""
    sums: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for claim_id, question, value, n in (
        Vote.objects.filter(claim__debate=debate)
        .values_list("claim_id", "question", "value")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        total = sums[(claim_id, question)]
        total[0] += value * n
        total[1] += n
    return sums


def _reason(
    claims: list[tuple], links: list[reasoning.Edge], sums: dict[tuple[int, str], list[int]]
) -> MapReasoning:
    """The labels and scores of `claims` ((pk, parent, relation, text), parents on the map)
    with `links`, weighed by the votes' `sums`."""
    known = {pk for pk, *_ in claims}
    graph = reasoning.Graph.build(
        [(pk, parent if parent in known else None, relation) for pk, parent, relation, _ in claims],
        links,
    )
    acceptability = {
        pk: s / (4 * n) for (pk, q), (s, n) in sums.items() if q == Vote.Question.ACCEPTABILITY
    }
    relevance = {
        pk: s / (4 * n) for (pk, q), (s, n) in sums.items() if q == Vote.Question.RELEVANCE
    }
    weights = {}
    for edge in graph.edges:
        if edge.child in relevance:
            weights[(edge.child, edge.parent)] = relevance[edge.child]
    with _collector_paused():
        verdicts = reasoning.grounded(graph)
        scores = reasoning.df_quad(graph, acceptability, weights)
    return MapReasoning(
        verdicts=verdicts,
        scores=scores,
        text={pk: text for pk, _, _, text in claims},
        acceptability=acceptability,
        relevance=relevance,
    )

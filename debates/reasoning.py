"""Which claims of a map stand, given the attacks on it — pure functions, no database.

The map is read as an abstract argumentation framework (Dung 1995):

- an argument that *opposes* its parent attacks it;
- an *undercut* attacks the link between its parent and the parent's parent (the parent's
  bearing on what it answers), not the parent's own acceptability;
- a cross-link is a second placement: a claim cross-linked as opposing under a second parent
  attacks that parent too;
- *supports* defend nothing by themselves in the labelling (a support is not an attack), but
  they count in the gradual score and in the explanations ("defended by …").

A link is an argument node of its own, so that an undercut can defeat it: the attack of c on p
goes through the node (c→p), which stands only while c stands and no undercut of it stands.
The standard encoding: (c→p) attacks p; a helper node ¬c attacks (c→p); c attacks ¬c. So ¬c is
in exactly when c is out, and undecided when c is.

``grounded(graph)`` computes the *grounded labelling*: the least complete labelling, unique and
always defined, in linear time (a queue, never recursion): a node is IN when all its attackers
are OUT, OUT when some attacker is IN, UNDEC otherwise (cycles of attack with nothing to
break them). Claims get the labels *stands* (IN), *defeated* (OUT), *undecided* (UNDEC), each
with the claims that explain it.

``df_quad(graph, base, weight)`` is the gradual score of DF-QuAD (Rago, Toni, Aurisicchio and
Baroni, KR 2016): each claim's strength in [0, 1] starts from a base score (from the votes on
its acceptability; 0.5 without votes) and is pulled down by its attackers' aggregated strength
and up by its supporters'; a relevance weight in [0, 1] scales what each reply contributes (the
votes on its relevance), and an undercut scales its link down by its own strength.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

STANDS, DEFEATED, UNDECIDED = "stands", "defeated", "undecided"
SUPPORTS, OPPOSES, UNDERCUTS, ANSWERS = "supports", "opposes", "undercuts", "answers"


@dataclass(frozen=True)
class Edge:
    """`child` stands under `parent` with `relation` (its tree place or a cross-link)."""

    child: int
    parent: int
    relation: str


@dataclass
class Graph:
    """A map's claims (ids) and placements. ``tree_parent`` gives each claim's own parent,
    which decides what an undercut under it aims at."""

    claims: list[int] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    tree_parent: dict[int, int] = field(default_factory=dict)

    @classmethod
    def build(
        cls, claims: Iterable[tuple[int, int | None, str]], links: Iterable[Edge] = ()
    ) -> Graph:
        """From (id, parent id, relation) rows and cross-links; links to unknown claims are
        skipped."""
        graph = cls()
        known: set[int] = set()
        rows = list(claims)
        for pk, _, _ in rows:
            graph.claims.append(pk)
            known.add(pk)
        for pk, parent, relation in rows:
            if parent is not None and parent in known:
                graph.tree_parent[pk] = parent
                graph.edges.append(Edge(pk, parent, relation))
        for link in links:
            if link.child in known and link.parent in known and link.child != link.parent:
                graph.edges.append(link)
        return graph


@dataclass
class Verdict:
    label: str
    # For *defeated*: the standing claims that attack it (directly). For *stands*: the
    # claims that attacked it and were answered (each defeated, or its link undercut).
    # For *undecided*: the undecided claims it is caught with.
    because: list[int] = field(default_factory=list)
    # Attacks on it whose link was undercut: (attacker, the standing undercut).
    undercut: list[tuple[int, int]] = field(default_factory=list)
    # Its supporters that stand (it is "defended by" them, in the explanation).
    supported_by: list[int] = field(default_factory=list)


@dataclass
class Framework:
    """The map as an argumentation framework over integer nodes: 0..n-1 are the claims (in
    `graph.claims` order), then one node per attack link (c→p) and one helper ¬c per claim
    that opposes something. `attackers[x]` lists the nodes attacking x."""

    claims: list[int]
    attackers: list[list[int]]
    # Attack link node → (attacking claim's index, attacked claim's index).
    links: dict[int, tuple[int, int]]

    @property
    def size(self) -> int:
        return len(self.attackers)


def _framework(graph: Graph) -> Framework:
    index = {pk: i for i, pk in enumerate(graph.claims)}
    attackers: list[list[int]] = [[] for _ in graph.claims]
    links: dict[int, tuple[int, int]] = {}
    link_of: dict[tuple[int, int], int] = {}
    helper: dict[int, int] = {}
    for edge in graph.edges:
        if edge.relation != OPPOSES:
            continue
        child, parent = index[edge.child], index[edge.parent]
        if (child, parent) in link_of:
            continue
        node = len(attackers)
        attackers.append([])
        link_of[(child, parent)] = node
        links[node] = (child, parent)
        attackers[parent].append(node)
        if child not in helper:
            helper[child] = len(attackers)
            attackers.append([child])  # ¬child, attacked by child
        attackers[node].append(helper[child])
    for edge in graph.edges:
        if edge.relation != UNDERCUTS:
            continue
        target = graph.tree_parent.get(edge.parent)
        if target is None:
            continue
        undercut = link_of.get((index[edge.parent], index[target]))
        if undercut is not None:
            attackers[undercut].append(index[edge.child])
    return Framework(graph.claims, attackers, links)


IN, OUT, UNDEC = 1, -1, 0


def _label(framework: Framework) -> list[int]:
    """The grounded labelling (IN, OUT or UNDEC per node), in O(nodes + attacks)."""
    size = framework.size
    attacks: list[list[int]] = [[] for _ in range(size)]
    alive = [0] * size  # attackers not yet OUT
    for target, sources in enumerate(framework.attackers):
        alive[target] = len(sources)
        for source in sources:
            attacks[source].append(target)
    label = [UNDEC] * size
    done = [False] * size
    queue = deque(node for node in range(size) if alive[node] == 0)
    while queue:
        node = queue.popleft()
        if done[node]:
            continue
        done[node] = True
        label[node] = IN
        for target in attacks[node]:
            if done[target]:
                continue
            done[target] = True
            label[target] = OUT
            for next_target in attacks[target]:
                if done[next_target]:
                    continue
                alive[next_target] -= 1
                if alive[next_target] == 0:
                    queue.append(next_target)
    return label


class Verdicts(Mapping[int, Verdict]):
    """Each claim's verdict: its label at once, what explains it when it is asked for (a
    map draws ten thousand labels and explains one claim)."""

    def __init__(self, graph: Graph, framework: Framework, label: list[int]):
        self._framework = framework
        self._label = label
        self._graph = graph
        self._index = {pk: i for i, pk in enumerate(framework.claims)}
        names = {IN: STANDS, OUT: DEFEATED, UNDEC: UNDECIDED}
        self.labels: dict[int, str] = {pk: names[label[i]] for i, pk in enumerate(framework.claims)}
        self._made: dict[int, Verdict] = {}
        self._supporters: dict[int, list[int]] | None = None

    def __len__(self) -> int:
        return len(self.labels)

    def __iter__(self):
        return iter(self.labels)

    def __contains__(self, pk: object) -> bool:
        return pk in self.labels

    def __getitem__(self, pk: int) -> Verdict:
        made = self._made.get(pk)
        if made is None:
            made = self._made[pk] = self._explain(pk)
        return made

    def _explain(self, pk: int) -> Verdict:
        framework, label, claims = self._framework, self._label, self._framework.claims
        i = self._index[pk]  # KeyError for a claim not on the map, as a dict would
        verdict = Verdict(self.labels[pk])
        for link in framework.attackers[i]:
            attacker = framework.links[link][0]
            if verdict.label == DEFEATED:
                if label[link] == IN:
                    verdict.because.append(claims[attacker])
            elif verdict.label == STANDS:
                undercut = next(
                    (u for u in framework.attackers[link] if u < len(claims) and label[u] == IN),
                    None,
                )
                if undercut is not None and label[attacker] != OUT:
                    verdict.undercut.append((claims[attacker], claims[undercut]))
                else:
                    verdict.because.append(claims[attacker])
            elif label[link] == UNDEC:
                verdict.because.append(claims[attacker])
        if self._supporters is None:
            self._supporters = defaultdict(list)
            for edge in self._graph.edges:
                if edge.relation == SUPPORTS:
                    self._supporters[edge.parent].append(edge.child)
        verdict.supported_by = [
            s for s in self._supporters.get(pk, ()) if label[self._index[s]] == IN
        ]
        return verdict


def grounded(graph: Graph) -> Verdicts:
    """Each claim's verdict under grounded semantics: its label (`.labels`, computed at
    once) and what explains it (computed when a verdict is read)."""
    framework = _framework(graph)
    return Verdicts(graph, framework, _label(framework))


def explain(pk: int, verdicts: Mapping[int, Verdict], text: Mapping[int, str]) -> str:
    """A plain-language "why" for claim `pk`'s label; `text` names claims."""
    verdict = verdicts[pk]

    def named(ids: Iterable[int]) -> str:
        quoted = [f"“{_short(text.get(i, f'claim {i}'))}”" for i in ids]
        if len(quoted) <= 1:
            return "".join(quoted)
        return ", ".join(quoted[:-1]) + " and " + quoted[-1]

    if verdict.label == DEFEATED:
        return f"Defeated: {named(verdict.because)} attacks it and stands unanswered."
    if verdict.label == UNDECIDED:
        if verdict.because:
            return (
                f"Undecided: it is caught in a cycle of attacks with {named(verdict.because)}, "
                "which nothing on the map settles."
            )
        return "Undecided: the attacks around it go round in a circle that nothing settles."
    parts = []
    if not verdict.because and not verdict.undercut:
        parts.append("Stands: nothing on the map attacks it.")
    else:
        answered = []
        for attacker in verdict.because:
            defeaters = verdicts[attacker].because
            answered.append(
                f"{named([attacker])} is answered by {named(defeaters)}"
                if defeaters
                else f"{named([attacker])} is itself defeated"
            )
        for attacker, undercut in verdict.undercut:
            answered.append(
                f"{named([attacker])} does not bear on it, as {named([undercut])} shows"
            )
        parts.append("Stands: every attack on it is answered — " + "; ".join(answered) + ".")
    if verdict.supported_by:
        parts.append(f"Supported by {named(verdict.supported_by)}.")
    return " ".join(parts)


def _short(text: str, length: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


# --- the gradual score ---------------------------------------------------------------------


def df_quad(
    graph: Graph,
    base: Mapping[int, float] | None = None,
    weight: Mapping[tuple[int, int], float] | None = None,
    *,
    default_base: float = 0.5,
    rounds: int = 100,
    tolerance: float = 1e-9,
) -> dict[int, float]:
    """Each claim's DF-QuAD strength. `base`: claim → base score in [0, 1] (default 0.5);
    `weight`: (child, parent) → how much the reply bears on that parent in [0, 1] (default
    1). An undercut u of the link (c→p) multiplies its weight by (1 − strength of u).

    On a map without cycles the scores are computed children first, in one pass; cycles
    (through cross-links) are iterated until they settle or `rounds` pass."""
    base = base or {}
    weight = weight or {}
    claims = graph.claims
    index = {pk: i for i, pk in enumerate(claims)}
    undercutters: dict[tuple[int, int], list[int]] = defaultdict(list)
    for edge in graph.edges:
        if edge.relation == UNDERCUTS:
            target = graph.tree_parent.get(edge.parent)
            if target is not None:
                undercutters[(edge.parent, target)].append(index[edge.child])
    # Per claim: its replies as (child index, weight, undercut indices, is an attack).
    replies: list[list[tuple[int, float, list[int], bool]]] = [[] for _ in claims]
    for edge in graph.edges:
        if edge.relation not in (OPPOSES, SUPPORTS):
            continue
        key = (edge.child, edge.parent)
        replies[index[edge.parent]].append(
            (
                index[edge.child],
                _clamp(weight.get(key, 1.0)),
                undercutters.get(key, []),
                edge.relation == OPPOSES,
            )
        )
    start = [_clamp(base.get(pk, default_base)) for pk in claims]
    strength = list(start)
    scored = [i for i in range(len(claims)) if replies[i]]

    def score(i: int) -> float:
        keep_attack = keep_support = 1.0  # ∏(1 − contribution)
        for child, w, undercuts, attack in replies[i]:
            for u in undercuts:
                w *= 1.0 - strength[u]
            if attack:
                keep_attack *= 1.0 - strength[child] * w
            else:
                keep_support *= 1.0 - strength[child] * w
        base_i = start[i]
        attack_v, support_v = 1.0 - keep_attack, 1.0 - keep_support
        if attack_v >= support_v:
            return base_i - base_i * (attack_v - support_v)
        return base_i + (1.0 - base_i) * (support_v - attack_v)

    order = _children_first(graph, index)
    if order is not None:
        for i in order:
            if replies[i]:
                strength[i] = score(i)
    else:
        for _ in range(rounds):
            change = 0.0
            for i in scored:
                new = score(i)
                change = max(change, abs(new - strength[i]))
                strength[i] = new
            if change < tolerance:
                break
    return dict(zip(claims, strength, strict=True))


def _children_first(graph: Graph, index: Mapping[int, int] | None = None) -> list[int] | None:
    """The claims' indices (in `graph.claims`) so that every claim comes after all that bear
    on it (its children, cross-linked replies and undercuts of its links), or None when
    there is a cycle."""
    if index is None:
        index = {pk: i for i, pk in enumerate(graph.claims)}
    count = len(graph.claims)
    depends: list[set[int]] = [set() for _ in range(count)]
    for edge in graph.edges:
        child = index[edge.child]
        depends[index[edge.parent]].add(child)
        if edge.relation == UNDERCUTS:
            target = graph.tree_parent.get(edge.parent)
            if target is not None:
                depends[index[target]].add(child)
    waiting = [len(d) for d in depends]
    needed_by: list[list[int]] = [[] for _ in range(count)]
    for parent, children in enumerate(depends):
        for child in children:
            needed_by[child].append(parent)
    ready = deque(i for i in range(count) if waiting[i] == 0)
    order = []
    while ready:
        i = ready.popleft()
        order.append(i)
        for parent in needed_by[i]:
            waiting[parent] -= 1
            if waiting[parent] == 0:
                ready.append(parent)
    return order if len(order) == count else None


def _clamp(value: float) -> float:
    return 0.0 if value < 0 else 1.0 if value > 1 else float(value)

"""Computed acceptability (issue 13, point 2): grounded labels and DF-QuAD scores on maps,
as pure functions, with properties checked on generated maps."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from debates import reasoning
from debates.reasoning import DEFEATED, OPPOSES, STANDS, SUPPORTS, UNDECIDED, UNDERCUTS, Edge, Graph


def tree(*rows, links=()):
    return Graph.build(rows, links)


def test_an_unattacked_claim_stands_and_an_unanswered_attack_defeats():
    graph = tree((1, None, ""), (2, 1, "answers"), (3, 2, OPPOSES), (4, 2, SUPPORTS))
    verdicts = reasoning.grounded(graph)
    assert verdicts[3].label == STANDS and verdicts[4].label == STANDS
    assert verdicts[2].label == DEFEATED and verdicts[2].because == [3]
    text = {1: "Issue", 2: "Position", 3: "Attack", 4: "Support"}
    assert reasoning.explain(2, verdicts, text) == (
        "Defeated: “Attack” attacks it and stands unanswered."
    )


def test_a_counterargument_reinstates():
    graph = tree((1, None, ""), (2, 1, "answers"), (3, 2, OPPOSES), (5, 3, OPPOSES))
    verdicts = reasoning.grounded(graph)
    assert [verdicts[i].label for i in (2, 3, 5)] == [STANDS, DEFEATED, STANDS]
    why = reasoning.explain(2, verdicts, {3: "Attack", 5: "Rebuttal"})
    assert why == "Stands: every attack on it is answered — “Attack” is answered by “Rebuttal”."


def test_an_undercut_cancels_the_attack_but_not_the_attacker():
    graph = tree((1, None, ""), (2, 1, "answers"), (3, 2, OPPOSES), (6, 3, UNDERCUTS))
    verdicts = reasoning.grounded(graph)
    assert verdicts[2].label == STANDS and verdicts[3].label == STANDS
    assert verdicts[2].undercut == [(3, 6)]
    assert "does not bear on it" in reasoning.explain(2, verdicts, {3: "A", 6: "U"})


def test_cross_links_attack_every_parent_and_cycles_are_undecided():
    graph = tree(
        (1, None, ""),
        (2, 1, "answers"),
        (7, 1, "answers"),
        (3, 2, OPPOSES),
        links=[Edge(3, 7, OPPOSES)],
    )
    verdicts = reasoning.grounded(graph)
    assert verdicts[2].label == verdicts[7].label == DEFEATED
    # 8 and 9 attack each other: nothing settles them, nor what they attack.
    cyclic = tree(
        (1, None, ""),
        (2, 1, "answers"),
        (8, 2, OPPOSES),
        (9, 8, OPPOSES),
        links=[Edge(8, 9, OPPOSES)],
    )
    verdicts = reasoning.grounded(cyclic)
    assert {verdicts[i].label for i in (2, 8, 9)} == {UNDECIDED}
    assert reasoning.explain(2, verdicts, {}).startswith("Undecided")


@st.composite
def maps(draw, max_claims=40):
    n = draw(st.integers(2, max_claims))
    rows = [(1, None, ""), (2, 1, "answers")]
    for pk in range(3, n + 1):
        parent = draw(st.integers(2, pk - 1))
        rows.append((pk, parent, draw(st.sampled_from([SUPPORTS, OPPOSES, UNDERCUTS]))))
    links = []
    for _ in range(draw(st.integers(0, 4))):
        child, parent = draw(st.integers(3, n)) if n >= 3 else 2, draw(st.integers(2, n))
        if child != parent:
            links.append(Edge(child, parent, draw(st.sampled_from([SUPPORTS, OPPOSES]))))
    return Graph.build(rows, links)


@settings(max_examples=200, deadline=None)
@given(maps())
def test_labels_are_the_least_complete_labelling(graph):
    framework = reasoning._framework(graph)
    label = reasoning._label(framework)
    nodes = range(framework.size)
    attackers = framework.attackers
    IN, OUT = reasoning.IN, reasoning.OUT
    for node in nodes:
        mine = attackers[node]
        if label[node] == IN:
            assert all(label[a] == OUT for a in mine)
        elif label[node] == OUT:
            assert any(label[a] == IN for a in mine)
        else:
            assert not any(label[a] == IN for a in mine)
            assert not all(label[a] == OUT for a in mine)
    # The least fixed point of the characteristic function, computed naively.
    grounded: set = set()
    while True:
        defeated = {t for t in nodes if any(a in grounded for a in attackers[t])}
        nxt = {n for n in nodes if all(a in defeated for a in attackers[n])}
        if nxt == grounded:
            break
        grounded = nxt
    assert grounded == {n for n in nodes if label[n] == IN}


@settings(max_examples=200, deadline=None)
@given(maps(), st.data())
def test_an_unattacked_attacker_defeats_its_target(graph, data):
    target = data.draw(st.sampled_from(graph.claims[1:]))
    new = max(graph.claims) + 1
    graph.claims.append(new)
    graph.tree_parent[new] = target
    graph.edges.append(Edge(new, target, OPPOSES))
    verdicts = reasoning.grounded(graph)
    assert verdicts[new].label == STANDS
    assert verdicts[target].label == DEFEATED and new in verdicts[target].because


@settings(max_examples=200, deadline=None)
@given(maps(), st.data())
def test_df_quad_scores_are_bounded_and_monotone(graph, data):
    base = {pk: data.draw(st.floats(0, 1)) for pk in graph.claims}
    scores = reasoning.df_quad(graph, base)
    assert all(0.0 <= s <= 1.0 for s in scores.values())
    bare = [pk for pk in graph.claims if not any(e.parent == pk for e in graph.edges)]
    for pk in bare:
        assert scores[pk] == base[pk]
    # One more supporter never lowers its parent; one more attacker never raises it.
    target = data.draw(st.sampled_from(graph.claims[1:]))
    for relation, worse in ((SUPPORTS, False), (OPPOSES, True)):
        g = Graph(list(graph.claims), list(graph.edges), dict(graph.tree_parent))
        new = max(g.claims) + 1
        g.claims.append(new)
        g.tree_parent[new] = target
        g.edges.append(Edge(new, target, relation))
        if reasoning._children_first(graph) is None:
            continue  # monotonicity is DF-QuAD's on acyclic graphs
        after = reasoning.df_quad(g, {**base, new: 0.8})
        if worse:
            assert after[target] <= scores[target] + 1e-9
        else:
            assert after[target] >= scores[target] - 1e-9


def test_df_quad_on_a_small_map():
    graph = tree((1, None, ""), (2, 1, "answers"), (3, 2, SUPPORTS), (4, 2, OPPOSES))
    scores = reasoning.df_quad(graph, {2: 0.5, 3: 0.8, 4: 0.4})
    # support 0.8 > attack 0.4: 0.5 + 0.5 × (0.8 − 0.4) = 0.7
    assert abs(scores[2] - 0.7) < 1e-9
    # A relevance weight of 0.5 on the supporter: 0.5 + 0.5 × (0.4 − 0.4) = 0.5
    weighted = reasoning.df_quad(graph, {2: 0.5, 3: 0.8, 4: 0.4}, {(3, 2): 0.5})
    assert abs(weighted[2] - 0.5) < 1e-9


def test_ten_thousand_claims_in_one_pass():
    rows = [(1, None, ""), (2, 1, "answers")]
    rows += [(pk, pk // 2, OPPOSES if pk % 3 else SUPPORTS) for pk in range(3, 10_001)]
    graph = Graph.build(rows)
    verdicts = reasoning.grounded(graph)
    assert len(verdicts) == 10_000
    assert len(reasoning.df_quad(graph)) == 10_000

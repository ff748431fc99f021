"""AIF JSON (AIFdb / OVA nodesets): reading into a MapDoc, writing, round trips, bad input."""

import json

import pytest
from hypothesis import HealthCheck, given, settings

from debates.formats import aif
from debates.formats.mapdoc import (
    ANSWERS,
    ARGUMENT,
    ISSUE,
    OPPOSES,
    POSITION,
    SUPPORTS,
    UNDERCUTS,
    FormatError,
    MapClaim,
    MapDoc,
    MapEvidence,
    MapLink,
    MapPassage,
    MapSource,
)
from tests.map_strategies import map_docs, shape


def aif_json(nodes, edges=(), **top):
    """An AIF document from (id, type, text) triples and (from, to) pairs."""
    return json.dumps(
        {
            "nodes": [{"nodeID": i, "type": t, "text": x} for i, t, x in nodes],
            "edges": [
                {"edgeID": f"e{n}", "fromID": a, "toID": b} for n, (a, b) in enumerate(edges)
            ],
            **top,
        }
    )


def claims_by_key(doc):
    return {c.key: c for c in doc.claims}


def placed(doc):
    """key -> (kind, parent, relation) for every claim."""
    return {c.key: (c.kind, c.parent, c.relation) for c in doc.claims}


def links(doc):
    return sorted((x.claim, x.parent, x.relation) for x in doc.links)


# The example of /work/shared/FORMATS.md, written out again.
FORMATS_EXAMPLE = """{"nodes": [{"nodeID": "10", "text": "Cities should charge", "type": "I"},
  {"nodeID": "11", "text": "Default Inference", "type": "RA", "scheme": "Default Inference"},
  {"nodeID": "12", "text": "Road space is scarce", "type": "I"},
  {"nodeID": "13", "text": "Default Conflict", "type": "CA"},
  {"nodeID": "14", "text": "Speaker A : road space is scarce", "type": "L"},
  {"nodeID": "15", "text": "Asserting", "type": "YA"}],
 "edges": [{"edgeID": "1", "fromID": "12", "toID": "11"},
  {"edgeID": "2", "fromID": "11", "toID": "10"},
  {"edgeID": "3", "fromID": "14", "toID": "15"}, {"edgeID": "4", "fromID": "15", "toID": "12"}],
 "locutions": [{"nodeID": "14", "personID": "3", "start": null, "end": null}]}"""


# ---------------------------------------------------------------------------------------------
# Reading


def test_formats_example_support_and_locution():
    doc = aif.parse(FORMATS_EXAMPLE)
    assert doc.format == "aif"
    issue = doc.claims[0]
    assert (issue.kind, issue.text, issue.parent) == (ISSUE, aif.DEFAULT_TITLE, None)
    assert doc.title == aif.DEFAULT_TITLE
    assert placed(doc) == {
        issue.key: (ISSUE, None, ""),
        "10": (POSITION, issue.key, ANSWERS),
        "12": (ARGUMENT, "10", SUPPORTS),
    }
    [source] = doc.sources
    assert source.text == "Speaker A : road space is scarce"
    [passage] = source.passages
    assert (passage.key, passage.label) == ("14", "Speaker A")
    assert doc.evidence == [
        MapEvidence(claim="12", passage="14", relation="context", note="Asserting")
    ]
    # The CA with no edges at all is ignored, and said so.
    assert doc.meta["ignored_nodes"] == {"CA without edges": 1}


def test_linked_premises_share_one_group_and_are_written_back_into_one_ra():
    doc = aif.parse(
        aif_json(
            [
                ("c", "I", "Charge"),
                ("p1", "I", "Roads are scarce"),
                ("p2", "I", "Scarce goods get prices"),
                ("ra", "RA", "Default Inference"),
            ],
            [("p1", "ra"), ("p2", "ra"), ("ra", "c")],
        )
    )
    by_key = claims_by_key(doc)
    assert placed(doc)["p1"] == (ARGUMENT, "c", SUPPORTS)
    assert placed(doc)["p2"] == (ARGUMENT, "c", SUPPORTS)
    assert by_key["p1"].extra["aif_group"] == by_key["p2"].extra["aif_group"] == "ra"
    written = json.loads(aif.write(doc))
    ras = [n for n in written["nodes"] if n["type"] == "RA" and "crux" not in n]
    assert len(ras) == 1
    into_ra = [e["fromID"] for e in written["edges"] if e["toID"] == ras[0]["nodeID"]]
    assert len(into_ra) == 2
    again = aif.parse(aif.write(doc))
    groups = {c.text: c.extra.get("aif_group") for c in again.claims}
    assert groups["Roads are scarce"] == groups["Scarce goods get prices"] is not None


def test_single_premise_has_no_group():
    doc = aif.parse(
        aif_json([("c", "I", "A"), ("p", "I", "B"), ("ra", "RA", "")], [("p", "ra"), ("ra", "c")])
    )
    assert claims_by_key(doc)["p"].extra == {}


def test_conflict_on_an_i_node_opposes():
    doc = aif.parse(
        aif_json(
            [
                ("c", "I", "Charge"),
                ("a", "I", "It is regressive"),
                ("ca", "CA", "Default Conflict"),
            ],
            [("a", "ca"), ("ca", "c")],
        )
    )
    assert placed(doc)["a"] == (ARGUMENT, "c", OPPOSES)
    assert placed(doc)["c"][0] == POSITION


def test_conflict_on_an_inference_is_an_undercut_under_its_premise():
    doc = aif.parse(
        aif_json(
            [
                ("c", "I", "Charge"),
                ("p", "I", "Roads are scarce"),
                ("ra", "RA", "DI"),
                ("u", "I", "Scarcity does not justify a price"),
                ("ca", "CA", "DC"),
            ],
            [("p", "ra"), ("ra", "c"), ("u", "ca"), ("ca", "ra")],
        )
    )
    assert placed(doc)["p"] == (ARGUMENT, "c", SUPPORTS)
    assert placed(doc)["u"] == (ARGUMENT, "p", UNDERCUTS)
    # Written back: the undercut's CA points at the RA, not at an I-node.
    written = json.loads(aif.write(doc))
    types = {n["nodeID"]: n["type"] for n in written["nodes"]}
    texts = {n["nodeID"]: n["text"] for n in written["nodes"]}
    u_id = next(i for i, t in texts.items() if t == "Scarcity does not justify a price")
    [ca] = [e["toID"] for e in written["edges"] if e["fromID"] == u_id]
    assert types[ca] == "CA"
    [target] = [e["toID"] for e in written["edges"] if e["fromID"] == ca]
    assert types[target] == "RA"
    assert placed(aif.parse(aif.write(doc))) == placed(
        aif.parse(aif.write(aif.parse(aif.write(doc))))
    )


def test_conflict_on_a_conflict_is_an_undercut_under_the_attacker():
    doc = aif.parse(
        aif_json(
            [
                ("c", "I", "Charge"),
                ("a", "I", "Regressive"),
                ("ca1", "CA", "DC"),
                ("u", "I", "Rebates fix that"),
                ("ca2", "CA", "DC"),
            ],
            [("a", "ca1"), ("ca1", "c"), ("u", "ca2"), ("ca2", "ca1")],
        )
    )
    assert placed(doc)["a"] == (ARGUMENT, "c", OPPOSES)
    assert placed(doc)["u"] == (ARGUMENT, "a", UNDERCUTS)


def test_rephrase_merges_into_the_rephrased_claim():
    doc = aif.parse(
        aif_json(
            [
                ("c", "I", "Cities should charge"),
                ("r", "I", "Charging is what cities should do"),
                ("ma", "MA", "Default Rephrase"),
            ],
            [("r", "ma"), ("ma", "c")],
        )
    )
    by_key = claims_by_key(doc)
    assert by_key["r"].merged_into == "c"
    assert by_key["c"].merged_into is None
    back = aif.parse(aif.write(doc))
    texts = {c.key: c.text for c in back.claims}
    merged = {texts[c.key]: texts[c.merged_into] for c in back.claims if c.merged_into}
    assert merged == {"Charging is what cities should do": "Cities should charge"}


def test_rephrase_loop_is_cut():
    doc = aif.parse(
        aif_json(
            [("a", "I", "A"), ("b", "I", "B"), ("m1", "MA", ""), ("m2", "MA", "")],
            [("a", "m1"), ("m1", "b"), ("b", "m2"), ("m2", "a")],
        )
    )
    by_key = claims_by_key(doc)
    assert (by_key["a"].merged_into, by_key["b"].merged_into) == ("b", None)
    assert doc.meta["dropped_relations"][0]["claim"] == "b"


def test_isolated_i_nodes_are_kept_as_positions():
    doc = aif.parse(aif_json([("x", "I", "Alone"), ("y", "I", "Also alone")], title="Congestion"))
    assert [c.text for c in doc.claims] == ["Congestion", "Alone", "Also alone"]
    assert doc.title == "Congestion"
    assert [c.kind for c in doc.claims] == [ISSUE, POSITION, POSITION]


def test_string_and_integer_ids():
    text = json.dumps(
        {
            "nodes": [
                {"nodeID": "15_163907070207948843", "type": "I", "text": "A"},
                {"nodeID": 542833, "type": "I", "text": "B"},
                {
                    "nodeID": 7,
                    "type": "RA",
                    "text": "DI",
                    "scheme": "Default Inference",
                    "schemeID": "72",
                    "timestamp": "2015-01-01 10:00:00",
                },
            ],
            "edges": [
                {"edgeID": 1, "fromID": 542833, "toID": "7"},
                {"edgeID": 2, "fromID": "7", "toID": "15_163907070207948843"},
            ],
        }
    )
    doc = aif.parse(text)
    assert placed(doc)["542833"] == (ARGUMENT, "15_163907070207948843", SUPPORTS)


def test_wrapper_with_title_and_text():
    inner = json.loads(FORMATS_EXAMPLE)
    text = json.dumps(
        {
            "AIF": inner,
            "text": "<p>Speaker A : road space is scarce</p>",
            "OVA": {"firstname": "A", "nodes": []},
            "title": "Road pricing",
        }
    )
    doc = aif.parse(text)
    assert doc.claims[0].text == doc.title == "Road pricing"
    assert doc.meta["text"].startswith("<p>")
    assert placed(doc)["12"] == (ARGUMENT, "10", SUPPORTS)


def test_premise_of_several_conclusions_first_is_parent_rest_are_links():
    doc = aif.parse(
        aif_json(
            [("a", "I", "A"), ("b", "I", "B"), ("p", "I", "P"), ("r1", "RA", ""), ("r2", "CA", "")],
            [("p", "r1"), ("r1", "a"), ("p", "r2"), ("r2", "b")],
        )
    )
    assert placed(doc)["p"] == (ARGUMENT, "a", SUPPORTS)
    assert links(doc) == [("p", "b", OPPOSES)]


def test_cycle_is_broken_into_a_link_when_another_parent_exists():
    # p supports b, b supports p (a cycle); p also supports root r, listed last.
    doc = aif.parse(
        aif_json(
            [
                ("p", "I", "P"),
                ("b", "I", "B"),
                ("r", "I", "R"),
                ("s1", "RA", ""),
                ("s2", "RA", ""),
                ("s3", "RA", ""),
            ],
            [("p", "s1"), ("s1", "b"), ("b", "s2"), ("s2", "p"), ("p", "s3"), ("s3", "r")],
        )
    )
    assert placed(doc)["r"][0] == POSITION
    assert placed(doc)["p"] == (ARGUMENT, "r", SUPPORTS)
    assert placed(doc)["b"] == (ARGUMENT, "p", SUPPORTS)
    assert links(doc) == [("p", "b", SUPPORTS)]
    assert [c.key for c in doc.claims].index("r") < [c.key for c in doc.claims].index("p")


def test_pure_cycle_makes_its_first_node_a_position_and_drops_the_closing_relation():
    # Mutual attack, no root: common in OVA analyses of disagreements.
    doc = aif.parse(
        aif_json(
            [("a", "I", "A"), ("b", "I", "B"), ("c1", "CA", ""), ("c2", "CA", "")],
            [("a", "c1"), ("c1", "b"), ("b", "c2"), ("c2", "a")],
        )
    )
    assert placed(doc)["a"][0] == POSITION
    assert placed(doc)["b"] == (ARGUMENT, "a", OPPOSES)
    assert doc.links == []
    assert doc.meta["dropped_relations"] == [
        {"claim": "a", "parent": "b", "relation": OPPOSES, "why": "it closes a cycle"}
    ]


def test_self_support_is_dropped():
    doc = aif.parse(aif_json([("a", "I", "A"), ("s", "RA", "")], [("a", "s"), ("s", "a")]))
    assert placed(doc)["a"][0] == POSITION
    assert doc.meta["dropped_relations"][0]["why"] == "a claim cannot stand under itself"


def test_children_listed_before_their_parent_are_reordered():
    doc = aif.parse(
        aif_json(
            [("p", "I", "Premise"), ("s", "RA", ""), ("c", "I", "Conclusion")],
            [("p", "s"), ("s", "c")],
        )
    )
    assert [c.key for c in doc.claims][1:] == ["c", "p"]


def test_locution_listed_twice_is_one_passage_and_one_line():
    nodes = [
        {"nodeID": "1", "type": "I", "text": "Charge"},
        {"nodeID": "2", "type": "L", "text": "Ann : we should charge"},
        {"nodeID": "2", "type": "L", "text": "Ann : we should charge"},
        {"nodeID": "3", "type": "YA", "text": "Asserting"},
        {"nodeID": "4", "type": "L", "text": "Bob : no"},
    ]
    edges = [
        {"fromID": "2", "toID": "3"},
        {"fromID": "3", "toID": "1"},
        {"fromID": "2", "toID": "3"},
    ]
    locutions = [{"nodeID": "2"}, {"nodeID": "2"}, {"nodeID": "4"}]
    doc = aif.parse(json.dumps({"nodes": nodes, "edges": edges, "locutions": locutions}))
    [source] = doc.sources
    assert source.text == "Ann : we should charge\nBob : no"
    assert [p.key for p in source.passages] == ["2", "4"]
    assert doc.evidence == [MapEvidence("1", "2", "context", "Asserting")]


def test_transitions_preferences_and_unknown_types_are_ignored():
    doc = aif.parse(
        aif_json(
            [
                ("c", "I", "C"),
                ("p", "I", "P"),
                ("ra", "RA", ""),
                ("l1", "L", "A : x"),
                ("l2", "L", "B : y"),
                ("ta", "TA", "Default Transition"),
                ("ya", "YA", "Arguing"),
                ("pa", "PA", "Default Preference"),
                ("zz", "XYZ", "whatever"),
            ],
            [
                ("l1", "ta"),
                ("ta", "l2"),
                ("ta", "ya"),
                ("ya", "ra"),
                ("p", "ra"),
                ("ra", "c"),
                ("p", "pa"),
                ("pa", "c"),
                ("zz", "c"),
            ],
        )
    )
    assert placed(doc)["p"] == (ARGUMENT, "c", SUPPORTS)
    assert doc.evidence == []
    assert doc.meta["ignored_nodes"] == {"XYZ": 1, "YA not joining an L-node to an I-node": 1}


def test_bom_bytes_and_crlf_are_read():
    doc = aif.parse(("\ufeff" + FORMATS_EXAMPLE.replace("\n", "\r\n")).encode())
    assert placed(doc)["12"] == (ARGUMENT, "10", SUPPORTS)


def test_twenty_thousand_i_nodes():
    # A chain 0 <- 1 <- 2 … (deep, so nothing may recurse) plus isolated nodes, listed children
    # first so the parents-first ordering has work to do.
    count = 20_000
    chain = count // 2
    nodes = [(f"i{n}", "I", f"Claim {n}") for n in range(count)]
    nodes += [(f"s{n}", "RA" if n % 2 else "CA", "") for n in range(1, chain)]
    edges = []
    for n in range(1, chain):
        edges += [(f"i{n}", f"s{n}"), (f"s{n}", f"i{n - 1}")]
    nodes.reverse()
    doc = aif.parse(aif_json(nodes, edges))
    assert len(doc.claims) == count + 1
    by_key = placed(doc)
    assert by_key["i0"][0] == POSITION
    assert by_key[f"i{chain - 1}"] == (
        ARGUMENT,
        f"i{chain - 2}",
        SUPPORTS if (chain - 1) % 2 else OPPOSES,
    )
    assert by_key[f"i{count - 1}"][0] == POSITION
    written = aif.write(doc)
    back = aif.parse(written)
    assert shape(back) == shape(doc)


# ---------------------------------------------------------------------------------------------
# Writing and round trips


def example_doc():
    doc = MapDoc(title="Congestion", description="A worked example")
    doc.claims = [
        MapClaim("q", "Should cities charge?", ISSUE),
        MapClaim("yes", "Yes", POSITION, "q", ANSWERS, tags=["policy"]),
        MapClaim("no", "No", POSITION, "q", ANSWERS),
        MapClaim("a", "Roads are scarce", ARGUMENT, "yes", SUPPORTS, extra={"aif_group": "g"}),
        MapClaim(
            "b", "Scarce goods get prices", ARGUMENT, "yes", SUPPORTS, extra={"aif_group": "g"}
        ),
        MapClaim("u", "Scarcity is no reason", ARGUMENT, "a", UNDERCUTS),
        MapClaim("v", "No is not an answer", ARGUMENT, "no", UNDERCUTS),
        MapClaim("o", "It is regressive", ARGUMENT, "yes", OPPOSES),
        MapClaim("m", "Roads are full", ARGUMENT, "yes", SUPPORTS, merged_into="a"),
    ]
    doc.links = [MapLink("o", "no", SUPPORTS), MapLink("u", "b", OPPOSES)]
    doc.sources = [
        MapSource(
            "s1",
            "Hearing",
            "Ann : roads are full. Bob : it is regressive.",
            passages=[
                MapPassage("p1", "Ann : roads are full."),
                MapPassage("p2", "Bob : it is regressive."),
            ],
        )
    ]
    doc.evidence = [
        MapEvidence("a", "p1", SUPPORTS, "Asserting"),
        MapEvidence("o", "p2", "context", ""),
        MapEvidence("o", "p2", "context", ""),  # a duplicate, written once
    ]
    return doc


def test_written_example_reads_back():
    doc = example_doc()
    written = aif.write(doc)
    data = json.loads(written)
    assert {n["type"] for n in data["nodes"]} == {"I", "RA", "CA", "MA", "L", "YA"}
    assert [n for n in data["nodes"] if n.get("crux", {}).get("issue")][0][
        "text"
    ] == "Should cities charge?"
    assert len(data["locutions"]) == 2
    back = aif.parse(written)
    assert shape(back) == shape(doc)
    assert back.title == "Congestion" and back.description == "A worked example"
    texts = {c.key: c.text for c in back.claims}
    assert {texts[c.key]: c.tags for c in back.claims if c.tags} == {"Yes": ["policy"]}
    assert {texts[c.key]: texts[c.merged_into] for c in back.claims if c.merged_into} == {
        "Roads are full": "Roads are scarce"
    }
    groups = [
        c.extra.get("aif_group")
        for c in back.claims
        if c.text in ("Roads are scarce", "Scarce goods get prices")
    ]
    assert groups[0] == groups[1] is not None
    assert [(texts[e.claim], e.relation, e.note) for e in back.evidence] == [
        ("Roads are scarce", SUPPORTS, "Asserting"),
        ("It is regressive", "context", "Asserting"),
    ]
    [source] = back.sources
    assert source.text == "Ann : roads are full.\nBob : it is regressive."
    assert aif.write(back) == written


def test_write_is_deterministic_whatever_the_link_order():
    doc = example_doc()
    first = aif.write(doc)
    doc.links.reverse()
    assert aif.write(doc) == first  # links are written in the order of their claims


def test_write_refuses_a_malformed_doc():
    doc = MapDoc(title="x", claims=[MapClaim("a", "A", ARGUMENT, "missing", SUPPORTS)])
    with pytest.raises(FormatError, match="Node a"):
        aif.write(doc)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(map_docs())
def test_round_trip_keeps_the_shape(doc):
    written = aif.write(doc)
    back = aif.parse(written)
    assert shape(back) == shape(doc)
    assert aif.write(back) == written


# ---------------------------------------------------------------------------------------------
# Bad input

N7 = '{"nodeID": "n7", "type": "I", "text": "A"}'
ONE = '{"nodes": [{"nodeID": "1", "type": "I", "text": "A"}], '


BAD_INPUT = [
    (
        '{"nodes": [{"nodeID": "1", "type": "I", "text": "A"}',
        r"Line 1: Not valid JSON at column",
    ),
    ('{"nodes": [\n{"nodeID": "1",, "type": "I"}]}', r"Line 2: Not valid JSON at column 16"),
    ("[" * 100_000, "nested too deeply"),
    ("", "empty"),
    ("\x00\x00garbage", r"Line 1: Not valid JSON"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
    ("[1, 2]", "JSON object"),
    ('{"edges": []}', "No “nodes” list"),
    ('{"AIF": [1]}', "“AIF” must be an object"),
    ('{"nodes": {"1": "I"}}', "“nodes” must be a list, not an object"),
    ('{"nodes": ["I"]}', "Entry 1 of “nodes” is not an object"),
    ('{"nodes": [{"type": "I", "text": "A"}]}', "Entry 1 of “nodes” has no nodeID"),
    (
        '{"nodes": [{"nodeID": 1.5, "type": "I", "text": "A"}]}',
        "entry 1 of “nodes” must be a string or an integer",
    ),
    (
        '{"nodes": [{"nodeID": true, "type": "I", "text": "A"}]}',
        "must be a string or an integer, not true/false",
    ),
    (
        '{"nodes": [{"nodeID": "n7", "type": "I", "text": 12}]}',
        "Node n7: Its text must be a string, not a number",
    ),
    (
        '{"nodes": [{"nodeID": "n7", "type": "I", "text": "  "}]}',
        "Node n7: An I-node .* has no text",
    ),
    ('{"nodes": [{"nodeID": "n7", "type": "I"}]}', "Node n7: An I-node .* has no text"),
    ('{"nodes": [{"nodeID": "n7", "text": "A"}]}', "Node n7: The node has no type"),
    (
        '{"nodes": [{"nodeID": "n7", "type": "I", "text": "A\\u0000B"}]}',
        "Node n7: Its text holds a NUL",
    ),
    (
        '{"nodes": [{"nodeID": "n7", "type": "I", "text": "A\\ud800"}]}',
        "Node n7: Its text holds a NUL or an invalid",
    ),
    (
        '{"nodes": [{"nodeID": "n7", "type": "I", "text": "' + "x" * 5001 + '"}]}',
        "Node n7: A claim is 5,001 characters",
    ),
    (
        '{"nodes": [' + N7 + ", " + N7.replace('"A"', '"B"') + "]}",
        "Node n7: Two different nodes",
    ),
    (
        ONE + '"edges": {"a": 1}}',
        "“edges” must be a list",
    ),
    (
        ONE + '"edges": [7]}',
        "Entry 1 of “edges” is not an object",
    ),
    (
        ONE + '"edges": [{"edgeID": "e9", "fromID": "1"}]}',
        "Edge e9 has no toID",
    ),
    (
        ONE + '"edges": [{"edgeID": "e9", "fromID": "1", "toID": "99"}]}',
        "Node 99: Edge e9 points at it",
    ),
    (
        ONE + '"edges": [{"fromID": "ghost", "toID": "1"}]}',
        "Node ghost: Entry 1 of “edges” points at it",
    ),
    (
        ONE + '"locutions": "L"}',
        "“locutions” must be a list",
    ),
]


@pytest.mark.parametrize(
    ("text", "message"), BAD_INPUT, ids=[message[:40] for _, message in BAD_INPUT]
)
def test_bad_input_names_the_line_or_node(text, message):
    with pytest.raises(FormatError, match=message):
        aif.parse(text)


def test_inference_without_premise_names_the_node():
    text = aif_json([("c", "I", "C"), ("ra7", "RA", "")], [("ra7", "c")])
    with pytest.raises(
        FormatError, match="Node ra7: An inference .RA. node has no premise"
    ) as caught:
        aif.parse(text)
    assert caught.value.node == "ra7"


def test_conflict_without_conclusion_names_the_node():
    text = aif_json([("a", "I", "A"), ("ca3", "CA", "")], [("a", "ca3")])
    with pytest.raises(FormatError, match="Node ca3: A conflict .CA. node has no conclusion"):
        aif.parse(text)


def test_rephrase_without_conclusion_names_the_node():
    text = aif_json([("a", "I", "A"), ("ma", "MA", "")], [("a", "ma")])
    with pytest.raises(FormatError, match="Node ma: A rephrase .MA. node has no conclusion"):
        aif.parse(text)


def test_json_syntax_error_has_line_attribute():
    with pytest.raises(FormatError) as caught:
        aif.parse('{\n"nodes": [\n}')
    assert caught.value.line == 3


def test_deeply_nested_values_inside_a_node_do_not_break_the_reader():
    deep = "[" * 500 + "]" * 500
    text = '{"nodes": [{"nodeID": "1", "type": "I", "text": "A", "extra": ' + deep + "}]}"
    assert placed(aif.parse(text))["1"][0] == POSITION

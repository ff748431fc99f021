"""Argdown read into and written from a MapDoc (debates.formats.argdown). No database."""

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from debates.formats import argdown
from debates.formats.mapdoc import (
    ANSWERS,
    ARGUMENT,
    ISSUE,
    MAX_CLAIM_CHARS,
    OPPOSES,
    POSITION,
    SUPPORTS,
    UNDERCUTS,
    FormatError,
    MapClaim,
    MapDoc,
    MapLink,
)
from tests.map_strategies import map_docs, shape

# Every construct the reader knows, in one file.
EXAMPLE = """\ufeff
===
title: Should the town close Market Street to cars?
author: 'Ms. O''Brien'
tags: [transport, "town, centre"]
grades:
  - 9
  - 10
viewer:
  mode: strict
===
// A class exercise.
# Main claims

[Close]: The town should close Market Street
to cars on weekdays. #policy #(town centre)
  + <Footfall>: Pedestrian streets draw more shoppers. {source: survey 2023, weight: 2}
    - <Online>: Shoppers are moving online anyway.
      <_ <Local>: Market Street sells food, which people still buy in person.
  <+ [Air]
  - <Deliveries>: Shops need deliveries in the morning.
    <- <Windows>: Deliveries can use a morning window.
  +> [Green plan]: The town's green plan asks for fewer car trips.
  -> [Parking income]: The town earns money from street parking.
  - [Buses]: Buses would need a new route. /* to check
with the bus company */
    >< [Same route]: The buses could keep their route on the side street.

[Air]: Fewer cars mean cleaner air. <!-- a citation is missing -->
  + <Footfall>
  _> <Windows>
  +> [Close]

# Reconstruction
<Footfall>

(1) Shoppers prefer streets without traffic.
(2) [Shops]: More shoppers mean more sales.
-- modus ponens {uses: 1} --
(3) Shops on a closed street sell more.
(4) The council wants shops to sell more.
----
(5) [Close]

<Online>
  - [Close]
"""


def claim_map(doc: MapDoc) -> dict[str, tuple]:
    return {c.key: (c.kind, c.parent, c.relation, c.text) for c in doc.claims}


def test_example_reads_every_construct():
    doc = argdown.parse(EXAMPLE)
    assert doc.format == "argdown"
    assert doc.title == "Should the town close Market Street to cars?"
    assert doc.meta["author"] == "Ms. O'Brien"
    assert doc.meta["tags"] == ["transport", "town, centre"]
    assert doc.meta["grades"] == ["9", "10"]
    assert doc.meta["viewer"] == {"mode": "strict"}
    claims = claim_map(doc)
    assert claims == {
        "issue": (ISSUE, None, "", "Should the town close Market Street to cars?"),
        # +> makes [Close] support [Green plan]; [Green plan] stands under nothing: a position.
        "Green plan": (
            POSITION,
            "issue",
            ANSWERS,
            "The town's green plan asks for fewer car trips.",
        ),
        "Parking income": (
            POSITION,
            "issue",
            ANSWERS,
            "The town earns money from street parking.",
        ),
        "Close": (
            ARGUMENT,
            "Green plan",
            SUPPORTS,
            "The town should close Market Street to cars on weekdays.",
        ),
        "Footfall": (ARGUMENT, "Close", SUPPORTS, "Pedestrian streets draw more shoppers."),
        "Online": (ARGUMENT, "Footfall", OPPOSES, "Shoppers are moving online anyway."),
        "Local": (
            ARGUMENT,
            "Online",
            UNDERCUTS,
            "Market Street sells food, which people still buy in person.",
        ),
        "Air": (ARGUMENT, "Close", SUPPORTS, "Fewer cars mean cleaner air."),
        "Deliveries": (ARGUMENT, "Close", OPPOSES, "Shops need deliveries in the morning."),
        "Windows": (ARGUMENT, "Deliveries", OPPOSES, "Deliveries can use a morning window."),
        "Buses": (ARGUMENT, "Close", OPPOSES, "Buses would need a new route."),
        "Same route": (
            ARGUMENT,
            "Buses",
            OPPOSES,
            "The buses could keep their route on the side street.",
        ),
        "Untitled 1": (ARGUMENT, "Footfall", SUPPORTS, "Shoppers prefer streets without traffic."),
        "Shops": (ARGUMENT, "Footfall", SUPPORTS, "More shoppers mean more sales."),
        "Untitled 2": (ARGUMENT, "Footfall", SUPPORTS, "Shops on a closed street sell more."),
        "Untitled 3": (ARGUMENT, "Footfall", SUPPORTS, "The council wants shops to sell more."),
    }
    # Parents first, otherwise in the order of first mention.
    keys = [c.key for c in doc.claims]
    assert keys.index("Green plan") < keys.index("Close") < keys.index("Footfall")
    assert keys[:2] == ["issue", "Green plan"]
    links = {(x.claim, x.parent, x.relation) for x in doc.links}
    assert links == {
        ("Close", "Parking income", OPPOSES),  # -> : the parent attacks the child
        ("Footfall", "Air", SUPPORTS),
        ("Air", "Windows", UNDERCUTS),  # _> : the parent undercuts the child
        ("Close", "Online", OPPOSES),  # - under <Online>: [Close] attacks <Online>
    }
    # Written at both ends (<+ [Air] and +> [Close]; <Footfall> nested and as the PCS's
    # conclusion): each is one relation.
    assert len(doc.links) == 4
    by_key = {c.key: c for c in doc.claims}
    assert by_key["Close"].tags == ["policy", "town centre"]
    assert by_key["Footfall"].extra["data"] == {"source": "survey 2023", "weight": "2"}
    assert by_key["Close"].extra["group"] == "Main claims"
    assert by_key["Untitled 1"].extra["group"] == "Reconstruction"
    assert by_key["Close"].line == 15
    assert by_key["Buses"].line == 25
    assert by_key["Air"].line == 29  # where its text is, not its first mention
    assert "warnings" not in doc.meta


def test_example_writes_stably():
    once = argdown.write(argdown.parse(EXAMPLE))
    again = argdown.parse(once)
    assert shape(again) == shape(argdown.parse(EXAMPLE))
    assert argdown.write(again) == once
    assert "#policy #(town centre)" in once
    assert "{source: survey 2023, weight: 2}" in once
    assert 'author: "Ms. O\'Brien"' in once


def test_written_form():
    doc = MapDoc(title="Q?")
    doc.claims = [
        MapClaim("q", "Q?", ISSUE),
        MapClaim("p", "Yes.", POSITION, "q", ANSWERS),
        MapClaim("a", "Because.", ARGUMENT, "p", SUPPORTS),
        MapClaim("b", "Not so.", ARGUMENT, "a", OPPOSES),
        MapClaim("c", "Not so.", ARGUMENT, "p", UNDERCUTS),
    ]
    doc.links = [MapLink("b", "p", SUPPORTS)]
    assert argdown.write(doc) == (
        "===\n"
        'title: "Q?"\n'
        "===\n"
        "\n"
        "[Yes]: Yes.\n"
        "  + <Because>: Because.\n"
        "    - <Not so>: Not so.\n"
        "  <_ <Not so (2)>: Not so.\n"
        "\n"
        "[Yes]\n"
        "  + <Not so>\n"
    )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(map_docs())
def test_round_trip(doc):
    written = argdown.write(doc)
    back = argdown.parse(written)
    assert shape(back) == shape(doc)
    assert argdown.write(back) == written
    assert "warnings" not in back.meta


# Characters and sequences the writer has to escape, mixed with plain ones.
TRICKY = st.sampled_from(
    [*"ab #{}()[]<>/\\*!-+_:,.\"'=`@%|;?", "//", "/*", "*/", "<!--", "-->", "#(", "\u200f", "مد"]
)
tricky_texts = st.lists(TRICKY, min_size=1, max_size=25).map("".join).map(str.strip).filter(bool)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            tricky_texts,
            st.sampled_from((SUPPORTS, OPPOSES, UNDERCUTS)),
            st.integers(0, 50),
            st.lists(st.text(alphabet="ab -_()é", min_size=1, max_size=6), max_size=3),
        ),
        min_size=1,
        max_size=6,
    ),
    tricky_texts,
)
def test_round_trip_of_tricky_texts_and_tags(items, title):
    doc = MapDoc(title=title)
    doc.claims = [MapClaim("i", title, ISSUE), MapClaim("p", items[0][0], POSITION, "i", ANSWERS)]
    for number, (text, relation, parent, tags) in enumerate(items[1:]):
        parent_key = doc.claims[1 + parent % (len(doc.claims) - 1)].key
        doc.claims.append(MapClaim(f"k{number}", text, ARGUMENT, parent_key, relation, tags=tags))
    written = argdown.write(doc)
    back = argdown.parse(written)
    assert shape(back) == shape(doc)
    assert argdown.write(back) == written
    kept = {" ".join(t.split()) for c in doc.claims for t in c.tags if ")" not in t}
    assert {t for c in back.claims for t in c.tags} == kept - {""}


PIECES = st.sampled_from(
    "[A]|[B]: b|<C>|<D>: d|+ |- |<+ |+> |-> |>< |<_ |_> |  |\t|\n|\n\n|(1) |(2) x|----|"
    "-- r {a: b} --|===|title: x|# H|#t|#(m w)|{k: v}|{|}|//|/*|*/|<!--|-->|\\|text|:|"
    "\r\n|- [A]|  + [B]|  -> <C>|key:|  - item|'q|\"q".split("|")
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=30).map("".join))
def test_any_input_reads_or_fails_cleanly(text):
    try:
        doc = argdown.parse(text)
    except FormatError as error:
        assert str(error).startswith("Line ")
        return
    written = argdown.write(doc)
    back = argdown.parse(written)
    assert shape(back) == shape(doc)
    assert argdown.write(back) == written


def chain(depth: int, text=lambda i: f"level {i}") -> MapDoc:
    doc = MapDoc(title="Deep?")
    doc.claims = [MapClaim("c0", "Deep?", ISSUE), MapClaim("c1", text(1), POSITION, "c0", ANSWERS)]
    for i in range(2, depth + 1):
        relation = (SUPPORTS, OPPOSES, UNDERCUTS)[i % 3]
        doc.claims.append(MapClaim(f"c{i}", text(i), ARGUMENT, f"c{i - 1}", relation))
    return doc


def test_deep_maps_keep_their_nesting():
    doc = chain(40)
    written = argdown.write(doc)
    assert "\n" + "  " * 39 + "- <level 40>: level 40\n" in written
    back = argdown.parse(written)
    assert shape(back) == shape(doc)
    # Deeper than MAX_WRITE_DEPTH: continued in a new block, still the same tree.
    deep = chain(argdown.MAX_WRITE_DEPTH * 2 + 5)
    written = argdown.write(deep)
    assert max(len(x) - len(x.lstrip()) for x in written.splitlines()) <= 2 * 60
    assert shape(argdown.parse(written)) == shape(deep)


def test_unicode_rtl_markdown_and_escapes_survive():
    texts = [
        "مدينة تفرض رسوم الازدحام",
        "עיר — ‏שלום‏ עולם",
        "北朝鮮 and naïve ﬁnance “quoted”",
        "**bold**, _emphasis_ and [a link](https://example.org/a_(b)) (p. 12) 50%",
        "#hashtag #(not a tag) {not: data} \\( \\n back\\slash \\\\",
        "// not a comment, /* nor this */ <!-- nor this --> and a // b",
        "-> See 1.2. [1] x:y (3) <Title> [Title]: text",
        "ends with a backslash \\",
    ]
    doc = chain(len(texts), text=lambda i: texts[i - 1])
    back = argdown.parse(argdown.write(doc))
    assert [c.text for c in back.claims[1:]] == texts
    assert all(not c.tags and "data" not in c.extra for c in back.claims)
    assert shape(back) == shape(doc)


def test_empty_lines_crlf_tabs_and_wrapped_text():
    text = (
        "===\r\ntitle: T\r\n===\r\n\r\n\r\n[A]: first line\r\n   second line\r\n"
        "\r\n\r\n\t+ <B>: under A\r\n\r\n\t\t- <C>: wrapped\r\n\t\t  text\r\n\r\n"
    )
    doc = argdown.parse(text)
    assert claim_map(doc) == {
        "issue": (ISSUE, None, "", "T"),
        "A": (POSITION, "issue", ANSWERS, "first line second line"),
        "B": (ARGUMENT, "A", SUPPORTS, "under A"),
        "C": (ARGUMENT, "B", OPPOSES, "wrapped text"),
    }
    assert argdown.parse(text.replace("\r\n", "\r")).claims == doc.claims


def test_multi_line_claims_are_joined_when_written():
    doc = chain(2, text=lambda i: f"line one\nline two {i}\r\nline three")
    back = argdown.parse(argdown.write(doc))
    assert [c.text for c in back.claims[1:]] == [
        "line one line two 1 line three",
        "line one line two 2 line three",
    ]


def test_longest_claim_passes_and_longer_fails():
    ok = chain(2, text=lambda i: "x" * MAX_CLAIM_CHARS)
    assert argdown.parse(argdown.write(ok)).claims[2].text == "x" * MAX_CLAIM_CHARS
    too_long = "===\ntitle: T\n===\n[A]: a\n  + <B>: " + "y" * (MAX_CLAIM_CHARS + 1) + "\n"
    with pytest.raises(
        FormatError, match=f"^Line 5: A claim is {MAX_CLAIM_CHARS + 1:,} characters long"
    ):
        argdown.parse(too_long)


def test_duplicate_relations_are_merged():
    doc = argdown.parse(
        "===\ntitle: T\n===\n[A]: a\n  + [B]: b\n  + [B]\n\n"
        "[B]\n  +> [A]\n  - [C]: c\n\n[C]\n  -> [B]\n"
    )
    assert claim_map(doc)["B"] == (ARGUMENT, "A", SUPPORTS, "b")
    assert claim_map(doc)["C"] == (ARGUMENT, "B", OPPOSES, "c")
    assert doc.links == []
    assert "warnings" not in doc.meta


def test_conflicting_relation_keeps_the_first_and_warns():
    doc = argdown.parse("===\ntitle: T\n===\n[A]: a\n  + [B]: b\n  - [B]\n")
    assert claim_map(doc)["B"] == (ARGUMENT, "A", SUPPORTS, "b")
    assert doc.meta["warnings"] == [
        "Line 6: [B] already supports [A]; the second relation is ignored."
    ]


def test_cycles_end_and_are_reported():
    doc = argdown.parse("===\ntitle: T\n===\n[A]: a\n  + [B]: b\n    + [A]\n")
    assert claim_map(doc) == {
        "issue": (ISSUE, None, "", "T"),
        "A": (POSITION, "issue", ANSWERS, "a"),
        "B": (ARGUMENT, "A", SUPPORTS, "b"),
    }
    assert "Line 6" in doc.meta["warnings"][0]
    # A cycle with no way in: the first element read becomes the position.
    doc = argdown.parse(
        "===\ntitle: T\n===\n<A>: a\n  +> <B>: b\n\n<B>\n  +> <C>: c\n\n<C>\n  +> <A>\n"
    )
    assert claim_map(doc)["C"][:3] == (POSITION, "issue", ANSWERS)
    assert claim_map(doc)["B"][:3] == (ARGUMENT, "C", SUPPORTS)
    assert claim_map(doc)["A"][:3] == (ARGUMENT, "B", SUPPORTS)


def test_mention_before_definition_and_title_only_elements():
    doc = argdown.parse("===\ntitle: T\n===\n[A]\n  + <B>\n\n[A]: the text of A\n")
    assert claim_map(doc) == {
        "issue": (ISSUE, None, "", "T"),
        "A": (POSITION, "issue", ANSWERS, "the text of A"),
        "B": (ARGUMENT, "A", SUPPORTS, "B"),
    }
    assert doc.meta["warnings"] == ["Line 5: <B> is never given a text; its title is used."]


def test_without_front_matter_the_single_root_is_the_issue():
    doc = argdown.parse(
        "[Uniforms]: Schools should require uniforms.\n  + [Cost]: cheaper\n  - [Freedom]\n"
    )
    assert claim_map(doc) == {
        "Uniforms": (ISSUE, None, "", "Schools should require uniforms."),
        "Cost": (POSITION, "Uniforms", ANSWERS, "cheaper"),
        "Freedom": (POSITION, "Uniforms", ANSWERS, "Freedom"),
    }
    assert doc.title == "Schools should require uniforms."
    assert [c.extra.get("argdown_relation") for c in doc.claims] == [None, SUPPORTS, OPPOSES]


def test_without_front_matter_several_roots_get_a_default_issue():
    doc = argdown.parse("[A]: a\n\n[B]: b\n  - plain untitled text\n")
    assert claim_map(doc) == {
        "issue": (ISSUE, None, "", argdown.DEFAULT_ISSUE),
        "A": (POSITION, "issue", ANSWERS, "a"),
        "B": (POSITION, "issue", ANSWERS, "b"),
        "Untitled 1": (ARGUMENT, "B", OPPOSES, "plain untitled text"),
    }
    empty = argdown.parse("")
    assert [(c.kind, c.text) for c in empty.claims] == [(ISSUE, argdown.DEFAULT_ISSUE)]


def test_statement_and_argument_with_one_title_stay_apart():
    doc = argdown.parse("===\ntitle: T\n===\n[X]: statement\n  + <X>: argument\n")
    assert claim_map(doc)["<X>"] == (ARGUMENT, "X", SUPPORTS, "argument")
    written = argdown.write(doc)
    assert shape(argdown.parse(written)) == shape(doc)


def test_anonymous_premise_conclusion_structure():
    doc = argdown.parse("===\ntitle: T\n===\n(1) [P]: p\n(2) q\n----\n(3) [C]: c\n")
    assert claim_map(doc) == {
        "issue": (ISSUE, None, "", "T"),
        "P": (ARGUMENT, "C", SUPPORTS, "p"),
        "C": (POSITION, "issue", ANSWERS, "c"),
        "Untitled 1": (ARGUMENT, "C", SUPPORTS, "q"),
    }


def test_twenty_thousand_claims():
    rng = random.Random(12)
    doc = MapDoc(title="Big map")
    doc.claims = [MapClaim("c0", "Big map", ISSUE)]
    doc.claims += [MapClaim(f"c{i}", f"Position {i}", POSITION, "c0", ANSWERS) for i in (1, 2, 3)]
    for i in range(4, 20_000):
        parent = i - 1 if i % 4 else rng.randint(1, i - 1)
        relation = rng.choice((SUPPORTS, OPPOSES, UNDERCUTS))
        text = f"Claim {i % 97} and مدينة" + (" with #tag, {braces}" if i % 10 == 0 else "")
        doc.claims.append(MapClaim(f"c{i}", text, ARGUMENT, f"c{parent}", relation))
    pairs = {(f"c{rng.randint(4, 19_999)}", f"c{rng.randint(1, 19_999)}") for _ in range(300)}
    for claim, parent in sorted(pairs):
        if claim != parent and doc.claims[int(claim[1:])].parent != parent:
            doc.links.append(MapLink(claim, parent, SUPPORTS))
    written = argdown.write(doc)
    back = argdown.parse(written)
    assert len(back.claims) == 20_000
    assert shape(back) == shape(doc)
    assert argdown.write(back) == written


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[A]: a\n+ [B]: b\n", "Line 2: The relation “\\+” has nothing to stand under"),
        ("===\ntitle: T\n===\n\n  - [B]: b\n", "Line 5: The relation “-” has nothing"),
        ("[A]: a\n\n   stray text\n", "Line 3: An indented line must be a relation"),
        ("===\ntitle: T\n[A]: a\n", "Line 1: The front matter opened here is never closed"),
        ("===\ntitle: T\njust words\n===\n", "Line 3: A front matter line must read"),
        ('===\ntitle: "T\n===\n', "Line 2: A quoted value is not closed"),
        ("===\n  - x\n===\n", "Line 2: This indented front matter line belongs to no key"),
        ("===\ntitle: [a, b]\n===\n", "Line 2: The front matter’s title must be text"),
        ("[A]: a\n\n/* never\nclosed\n", "Line 3: The comment “/\\*” is never closed"),
        ("[A]: a <!-- open\n", "Line 1: The comment “<!--” is never closed"),
        ("[A]: a\n[B]: b\x00\n", "Line 2: The control character U\\+0000 is not allowed"),
        ("[A]: a\n\n\n[B]: \x1b[31m\n", "Line 4: The control character U\\+001B"),
        ("[A]: a\n----\n(1) x\n", "Line 2: An inference line"),
        ("<A>: a\n\n(1) x\n(2) y\n", "Line 3: Numbered statements need an inference line"),
        ("<A>: a\n\n(1) x\n----\n\n[B]: b\n", "Line 4: An inference line must be followed"),
        ("<A>: a\n\n(1)\n", "Line 3: A numbered line has no statement"),
        ("[A]: a\n  + #onlytag\n", "Line 2: A claim has no text"),
    ],
)
def test_bad_input_names_the_line(text, message):
    with pytest.raises(FormatError, match="^" + message):
        argdown.parse(text)


def test_position_cannot_be_a_second_parent_child():
    doc = argdown.parse("[Q]: q\n  + [A]: a\n    - [B]: b\n\n[B]\n  +> [Q]\n")
    # [Q] is the issue (the only root); "[B] supports [Q]" cannot stand twice under the issue.
    assert claim_map(doc)["B"] == (ARGUMENT, "A", OPPOSES, "b")
    assert doc.links == []
    assert "dropped" in doc.meta["warnings"][0]

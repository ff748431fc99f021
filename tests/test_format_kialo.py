"""Kialo discussion exports (debates.formats.kialo): both variants in, the flat one out."""

import pytest
from hypothesis import given, settings

from debates.formats import kialo
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
    MapEvidence,
    MapLink,
    MapPassage,
    MapSource,
)

from .map_strategies import map_docs, shape

FLAT = (
    "\ufeffDiscussion Title: Should the library open on Sundays?\r\n"
    "\r\n"
    "1. The library should open on Sundays.\r\n"
    "1.1. Pro: Weekend is when students \\(and workers\\) are free.\r\n"
    "1.1.1. Con: -> See 1.2.1.\r\n"
    "1.1.2. Pro: A survey [see the ﬁgures](https://example.org/survey_\\(2021\\)) agrees [1].\r\n"
    "1.2. Con: Staff deserve a day off.\\nAsk \\@union first.\r\n"
    "1.2.1. Pro: “Overtime” is costly [2].\r\n"
    "1.2.2. Con: Volunteers could staff it \\[citation needed\\].\r\n"
    "\r\n"
    "Sources:\r\n"
    "[1] https://example.org/survey_\\(2021\\)\r\n"
    '"Two thirds would visit on Sundays."\r\n'
    "\r\n"
    "[2] budget report 2020 p. 4\r\n"
    "“Overtime pay doubles the hourly cost.”\r\n"
)

INDENTED = """Discussion Name:
Should the library open on Sundays?

1. Thesis:
The library should open on Sundays.

  1.1. Pro:
  Students are free at the weekend (p. 12 [7]).

    1.1.1. Con:
    -> See 1.3.

    1.1.2. Pro:
    First paragraph.
<4 spaces>
    Second paragraph with **markdown**.

  1.2. Con:
  Staff deserve a day off [8].

  1.3. Con:
  It costs money.

Sources:
[7] www.example.org/a study with spaces
"Students visit most on weekends."

"A second excerpt."
[8] https://example.org/staff
""".replace("<4 spaces>", "    ")  # a paragraph break is a line of only the indentation


def by_key(doc: MapDoc) -> dict[str, MapClaim]:
    return {c.key: c for c in doc.claims}


def same_map(doc: MapDoc) -> tuple:
    """``shape`` without the order of the claims: a Kialo file lists them depth first, so a map
    listed in another order comes back reordered (siblings keep their order)."""
    claims, links = shape(doc)
    return sorted(claims, key=repr), links


def error_of(text: str) -> str:
    with pytest.raises(FormatError) as info:
        kialo.parse(text)
    return str(info.value)


# --- reading the two variants


def test_flat_example():
    doc = kialo.parse(FLAT)
    assert doc.format == "kialo-flat"
    assert doc.title == "Should the library open on Sundays?"
    claims = by_key(doc)
    assert [c.key for c in doc.claims] == ["title", "1", "1.1", "1.1.2", "1.2", "1.2.1", "1.2.2"]
    assert claims["title"].kind == ISSUE and claims["title"].line == 1
    thesis, first = claims["1"], claims["1.1"]
    assert (thesis.kind, thesis.parent, thesis.relation) == (POSITION, "title", ANSWERS)
    assert (first.kind, first.relation, first.line) == (ARGUMENT, SUPPORTS, 4)
    assert claims["1.2"].relation == OPPOSES and claims["1.2"].parent == "1"
    # Escapes undone, inside a link's URL too; the markdown link and the ligature kept.
    assert claims["1.1"].text == "Weekend is when students (and workers) are free."
    assert claims["1.1.2"].text == (
        "A survey [see the ﬁgures](https://example.org/survey_(2021)) agrees [1]."
    )
    assert claims["1.2"].text == "Staff deserve a day off.\nAsk @union first."
    assert claims["1.2.1"].text == "“Overtime” is costly [2]."
    assert claims["1.2.2"].text == "Volunteers could staff it [citation needed]."
    # A cross-link to a claim that comes later in the file.
    assert doc.links == [MapLink(claim="1.2.1", parent="1.1", relation=OPPOSES)]
    # Both footnotes' excerpts form one source; the malformed URL is kept as text.
    [source] = doc.sources
    assert source.title == "Sources of Should the library open on Sundays?" and source.url == ""
    assert [(p.key, p.exact) for p in source.passages] == [
        ("fn1", "Two thirds would visit on Sundays."),
        ("fn2", "Overtime pay doubles the hourly cost."),
    ]
    assert all(p.exact in source.text for p in source.passages)
    assert source.passages[0].label == "[1] https://example.org/survey_(2021)"
    assert source.passages[1].label == "[2] budget report 2020 p. 4"
    assert [(e.claim, e.passage, e.relation) for e in doc.evidence] == [
        ("1.1.2", "fn1", SUPPORTS),
        ("1.2.1", "fn2", SUPPORTS),
    ]


def test_indented_example():
    doc = kialo.parse(INDENTED)
    assert doc.format == "kialo-indented"
    claims = by_key(doc)
    assert claims["title"].text == "Should the library open on Sundays?"
    assert claims["1"].text == "The library should open on Sundays." and claims["1"].line == 4
    assert claims["1.1"].text == "Students are free at the weekend (p. 12 [7])."
    assert claims["1.1"].line == 7
    # A line holding only the indentation is a paragraph break inside the claim.
    assert claims["1.1.2"].text == "First paragraph.\n\nSecond paragraph with **markdown**."
    assert (claims["1.3"].relation, claims["1.3"].parent) == (OPPOSES, "1")
    assert "1.1.1" not in claims  # the link line is a link, not a claim
    assert doc.links == [MapLink(claim="1.3", parent="1.1", relation=OPPOSES)]
    [source] = doc.sources
    assert [p.exact for p in source.passages] == [
        "Students visit most on weekends.",
        "A second excerpt.",
    ]
    assert source.passages[0].label == "[7] www.example.org/a study with spaces"
    # [7] has two excerpts: the claim citing it gets both; [8] has none.
    assert [(e.claim, e.passage) for e in doc.evidence] == [("1.1", "fn7"), ("1.1", "fn7.2")]
    assert doc.meta["kialo_footnotes"][1] == {
        "n": 8,
        "url": "https://example.org/staff",
        "passages": [],
    }


def test_the_indented_variant_reads_the_same_map_as_the_flat_one():
    flat = kialo.parse(
        "Discussion Title: Q?\n\n1. Yes.\n1.1. Pro: Because.\n1.1.1. Con: -> See 1.2.\n"
        "1.2. Con: But.\n"
    )
    indented = kialo.parse(
        "Discussion Name:\nQ?\n\n1. Thesis:\nYes.\n\n  1.1. Pro:\n  Because.\n\n"
        "    1.1.1. Con:\n    -> See 1.2.\n\n  1.2. Con:\n  But.\n"
    )
    assert shape(flat) == shape(indented)
    assert (flat.format, indented.format) == ("kialo-flat", "kialo-indented")


def test_a_missing_title_makes_the_thesis_the_issue():
    doc = kialo.parse("1. Cities should charge.\n1.1. Pro: Roads are full.\n")
    assert doc.format == "kialo-flat"
    assert doc.title == "Cities should charge."
    assert [(c.key, c.text, c.kind) for c in doc.claims[:2]] == [
        ("title", "Cities should charge.", ISSUE),
        ("1", "Cities should charge.", POSITION),
    ]
    indented = kialo.parse("Discussion Name:\n\n1. Thesis:\nCities should charge.\n")
    assert indented.format == "kialo-indented" and indented.title == "Cities should charge."


def test_multi_thesis_discussions_make_the_root_the_issue():
    doc = kialo.parse(
        "Discussion Title: Which tax?\n\n1. Which tax?\n1.1. Thesis: Land tax.\n"
        "1.1.1. Pro: Cannot be dodged.\n1.2. Thesis: Carbon tax.\n1.2.1. Con: -> See 1.1.1.\n"
    )
    assert [(c.key, c.kind, c.parent, c.relation) for c in doc.claims] == [
        ("1", ISSUE, None, ""),
        ("1.1", POSITION, "1", ANSWERS),
        ("1.1.1", ARGUMENT, "1.1", SUPPORTS),
        ("1.2", POSITION, "1", ANSWERS),
    ]
    assert doc.links == [MapLink("1.1.1", "1.2", OPPOSES)]


def test_claims_under_a_link_line_stand_under_its_target():
    doc = kialo.parse(
        "Discussion Title: T\n\n1. A\n1.1. Pro: -> See 1.2.\n1.1.1. Con: Under the link.\n"
        "1.2. Pro: B\n"
    )
    claims = by_key(doc)
    assert claims["1.1.1"].parent == "1.2"
    keys = [c.key for c in doc.claims]
    assert keys.index("1.2") < keys.index("1.1.1")  # parents listed first
    assert doc.links == [MapLink("1.2", "1", SUPPORTS)]


def test_empty_lines_between_claims_and_a_title_on_the_next_line():
    doc = kialo.parse("Discussion Title:\nT?\n\n\n1. A\n\n1.1. Pro: B\n\n\n1.2. Con: C\n\n")
    assert doc.title == "T?"
    assert [c.text for c in doc.claims] == ["T?", "A", "B", "C"]


def test_unicode_right_to_left_and_markdown_are_kept():
    texts = [
        "المدن يجب أن تفرض رسوماً",
        "עיר צריכה לגבות מחיר",
        "北朝鮮 **bold** _em_ `code` > quote",
        "naïve ﬁnance “quoted” — 50% #tag a-b x:y",
        "[link](https://example.org/a_(b)) and [1] literal and \\( literal backslash",
    ]
    doc = MapDoc(title=texts[0])
    doc.claims = [
        MapClaim("i", texts[0], ISSUE),
        MapClaim("p", texts[1], POSITION, parent="i", relation=ANSWERS),
        MapClaim("a", texts[2], ARGUMENT, parent="p", relation=SUPPORTS),
        MapClaim("b", texts[3], ARGUMENT, parent="a", relation=OPPOSES),
        MapClaim("c", texts[4], ARGUMENT, parent="b", relation=SUPPORTS),
    ]
    written = kialo.write(doc)
    assert "[link](https://example.org/a_\\(b\\))" in written  # a link stays a link
    assert "\\[1\\] literal" in written and "\\\\\\( literal" in written
    back = kialo.parse(written)
    assert [c.text for c in back.claims] == texts
    assert back.evidence == [] and back.sources == []


def test_thirty_five_levels_deep():
    lines = ["Discussion Title: Deep", "", "1. Root"]
    path = "1"
    for depth in range(2, 37):
        path += ".1"
        lines.append(f"{path}. {'Pro' if depth % 2 else 'Con'}: Level {depth}")
    doc = kialo.parse("\n".join(lines))
    assert len(doc.claims) == 37
    deepest = doc.claims[-1]
    assert deepest.key == path and deepest.text == "Level 36" and deepest.relation == OPPOSES
    assert deepest.parent == path.rpartition(".")[0]
    assert kialo.write(doc) == "\n".join(lines) + "\n"


def test_a_claim_of_the_longest_length_is_read_and_a_longer_one_is_refused():
    text = "x" * MAX_CLAIM_CHARS
    doc = kialo.parse(f"Discussion Title: T\n\n1. A\n1.1. Pro: {text}\n")
    assert doc.claims[-1].text == text
    message = error_of(f"Discussion Title: T\n\n1. A\n1.1. Pro: {text}y\n")
    assert message.startswith("Line 4:") and f"{MAX_CLAIM_CHARS + 1:,} characters" in message
    # Escapes count once unescaped: 5,000 "(" written as "\(" fit.
    doc = kialo.parse("Discussion Title: T\n\n1. " + "\\(" * MAX_CLAIM_CHARS + "\n")
    assert doc.claims[-1].text == "(" * MAX_CLAIM_CHARS


def test_bytes_are_read_as_utf8():
    doc = kialo.parse("Discussion Title: Ça va?\n\n1. Oui.\n".encode())
    assert doc.title == "Ça va?"


# --- errors name the line


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("", 1, "empty"),
        ("\n  \r\n\n", 1, "empty"),
        ("Discussion Title:\n\n", 1, "no thesis"),
        ("Hello there\n1. A\n", 1, "not a Kialo export"),
        # numbering
        ("Discussion Title: T\n\n1. A\n1.1. Pro: B\n1.3. Con: C\n", 5, "1.2."),
        ("Discussion Title: T\n\n1. A\n1.2. Pro: B\n", 4, "1.1."),
        ("Discussion Title: T\n\n1. A\n1.1.1. Pro: B\n", 4, "no parent 1.1."),
        ("Discussion Title: T\n\n1. A\n1.1. Pro: B\n1.1. Con: C\n", 5, "first on line 4"),
        ("Discussion Title: T\n\n2. A\n", 3, "numbered 1."),
        ("Discussion Title: T\n\n1. A\n2. B\n", 4, "one thesis"),
        # lines that are not claims
        ("Discussion Title: T\n\n1. A\nRoad space is scarce.\n", 4, "Expected a claim"),
        ("Discussion Title: T\n\n1. A\n1.1. Road space is scarce.\n", 4, "no stance"),
        ("Discussion Title: T\n\n1. A\n1.1. Maybe: Road space.\n", 4, "no stance"),
        ("Discussion Title: T\n\n1. A\n1.1. Pro: \n", 4, "no text"),
        ("Discussion Title: T\n\n1. A\n1.1. Pro: \\n\n", 4, "no text"),
        ("Discussion Title: T\n\n1. Thesis: A\n1.1.1. Thesis: B\n", 4, "no parent"),
        ("Discussion Title: T\n\n1. A\n1.1. Pro: B\n1.1.1. Thesis: C\n", 5, "deeper"),
        ("Discussion Title: T\n\n1. A\n1.1. Thesis: B\n1.2. Pro: C\n", 5, "several theses"),
        # cross-links
        ("Discussion Title: T\n\n1. A\n1.1. Pro: B\n1.1.1. Con: -> See 1.9.\n", 5, "1.9"),
        ("Discussion Title: T\n\n1. A\n1.1. Pro: -> See 1.1.\n", 4, "itself"),
        ("Discussion Title: T\n\n1. A\n1.1. Pro: B\n1.1.1. Con: -> See 1.1.\n", 5, "itself"),
        ("Discussion Title: T\n\n1. A\n1.1. Pro: B\n1.1.1. Con: -> See 1.\n", 5, "answers"),
        (
            "Discussion Title: T\n\n1. A\n1.1. Pro: -> See 1.2.\n1.2. Con: -> See 1.1.\n",
            4,
            "circle",
        ),
        (
            "Discussion Title: T\n\n1. A\n1.1. Pro: -> See 1.1.1.\n1.1.1. Con: B\n",
            5,
            "leads back",
        ),
        # garbage
        ("Discussion Title: T\n\n1. A\x00\x01\x02\n", 3, "NUL byte"),
        ("Discussion Title: T\r\n\r\n1. A\r\n1.1. Pro: \x1b[31mred\n", 4, "U+001B"),
        ("Discussion Title: T\n\n1. A\n1.1. Pro: B \udcff\n", 4, "control character"),
        # sources
        ("Discussion Title: T\n\n1. A\n\nSources:\nA quote\n", 6, "footnote"),
        ("Discussion Title: T\n\n1. A\n\nSources:\n[1] x\n[1] y\n", 7, "listed twice"),
        # the indented variant
        ("Discussion Name:\nT\n\nSome text\n", 4, "claim header"),
        ("Discussion Name:\nT\n\n1. Thesis:\nA\n\n  1.1.\n  B\n", 7, "no stance"),
        ("Discussion Name:\nT\n\n1. Thesis:\nA\n\n  1.1. Maybe:\n  B\n", 7, "not a stance"),
        ("Discussion Name:\nT\n\n1. Thesis:\nA\n\n  1.1. Pro:\n\n  1.2. Con:\n  B\n", 7, "text"),
        ("Discussion Name:\nT\n\n1. Thesis:\nA\n\n    1.1.2. Pro:\n    B\n", 7, "1.1."),
        ("Discussion Name:\nT\n\n1. Pro:\nA\n", 4, "thesis"),
    ],
)
def test_errors_name_the_line(text, line, words):
    message = error_of(text)
    assert message.startswith(f"Line {line}:"), message
    assert words in message, message


def test_undecodable_bytes_name_the_line():
    message = error_of(b"Discussion Title: T\n\n1. A \xff\xfe\n")
    assert message.startswith("Line 3:")


# --- writing and round trips


def test_write_flat_example():
    doc = kialo.parse(FLAT)
    assert kialo.write(doc) == (
        "Discussion Title: Should the library open on Sundays?\n"
        "\n"
        "1. The library should open on Sundays.\n"
        "1.1. Pro: Weekend is when students \\(and workers\\) are free.\n"
        "1.1.1. Pro: A survey [see the ﬁgures](https://example.org/survey_\\(2021\\)) agrees [1].\n"
        "1.1.2. Con: -> See 1.2.1.\n"
        "1.2. Con: Staff deserve a day off.\\nAsk \\@union first.\n"
        "1.2.1. Pro: “Overtime” is costly [2].\n"
        "1.2.2. Con: Volunteers could staff it \\[citation needed\\].\n"
        "\n"
        "Sources:\n"
        "[1] https://example.org/survey_\\(2021\\)\n"
        '"Two thirds would visit on Sundays."\n'
        "\n"
        "[2] budget report 2020 p. 4\n"
        '"Overtime pay doubles the hourly cost."\n'
    )


@pytest.mark.parametrize("text", [FLAT, INDENTED], ids=["flat", "indented"])
def test_export_import_export_is_stable(text):
    doc = kialo.parse(text)
    written = kialo.write(doc)
    again = kialo.parse(written)
    assert again.format == "kialo-flat"
    assert shape(again) == shape(doc)

    # Paths may be renumbered (links come after their siblings): compare evidence by text.
    def cited(d):
        return [(by_key(d)[e.claim].text, e.passage, e.relation) for e in d.evidence]

    assert cited(again) == cited(doc)
    assert [p.exact for s in again.sources for p in s.passages] == [
        p.exact for s in doc.sources for p in s.passages
    ]
    assert again.meta == doc.meta
    assert kialo.write(again) == written


@settings(max_examples=60, deadline=None)
@given(map_docs(relations=(SUPPORTS, OPPOSES), links=True, max_positions=1))
def test_round_trip_of_generated_maps(doc):
    written = kialo.write(doc)
    back = kialo.parse(written)
    assert same_map(back) == same_map(doc)
    assert kialo.write(back) == written


@settings(max_examples=40, deadline=None)
@given(map_docs(relations=(SUPPORTS, OPPOSES), links=True, max_positions=3))
def test_round_trip_of_generated_maps_with_several_positions(doc):
    written = kialo.write(doc)
    back = kialo.parse(written)
    assert same_map(back) == same_map(doc)
    assert kialo.write(back) == written


def test_several_positions_are_written_as_a_multi_thesis_discussion():
    doc = MapDoc(title="Which tax?")
    doc.claims = [
        MapClaim("i", "Which tax?", ISSUE),
        MapClaim("p1", "Land tax.", POSITION, parent="i", relation=ANSWERS),
        MapClaim("p2", "Carbon tax.", POSITION, parent="i", relation=ANSWERS),
        MapClaim("a", "Cannot be dodged.", ARGUMENT, parent="p1", relation=SUPPORTS),
    ]
    doc.links = [MapLink("a", "p2", OPPOSES)]
    assert kialo.write(doc) == (
        "Discussion Title: Which tax?\n\n1. Which tax?\n1.1. Thesis: Land tax.\n"
        "1.1.1. Pro: Cannot be dodged.\n1.2. Thesis: Carbon tax.\n1.2.1. Con: -> See 1.1.1.\n"
    )
    assert same_map(kialo.parse(kialo.write(doc))) == same_map(doc)


def test_an_issue_without_positions_is_the_title_alone():
    doc = MapDoc(title="Open question", claims=[MapClaim("i", "Open question", ISSUE)])
    written = kialo.write(doc)
    assert written == "Discussion Title: Open question\n\n"
    assert shape(kialo.parse(written)) == shape(doc)


def test_undercuts_are_written_as_con():
    doc = MapDoc(title="T")
    doc.claims = [
        MapClaim("i", "T", ISSUE),
        MapClaim("p", "P", POSITION, parent="i", relation=ANSWERS),
        MapClaim("a", "A", ARGUMENT, parent="p", relation=SUPPORTS),
        MapClaim("u", "U", ARGUMENT, parent="a", relation=UNDERCUTS),
    ]
    written = kialo.write(doc)
    assert "1.1.1. Con: U" in written
    assert by_key(kialo.parse(written))["1.1.1"].relation == OPPOSES


def test_multi_line_and_awkward_texts_survive():
    texts = [
        "Line one\nLine two\n\nNew paragraph",
        "-> See 1.1.",  # text that looks like a cross-link
        "Pro: starts like a stance",
        "Ends with a backslash \\",
        "A literal \\n is not a line break",
        "Sources:",
        "[3] looks like a footnote",
    ]
    doc = MapDoc(title="T")
    doc.claims = [
        MapClaim("i", "T", ISSUE),
        MapClaim("p", "P", POSITION, parent="i", relation=ANSWERS),
    ] + [
        MapClaim(f"a{n}", text, ARGUMENT, parent="p", relation=SUPPORTS)
        for n, text in enumerate(texts)
    ]
    written = kialo.write(doc)
    assert "1.1. Pro: Line one\\nLine two\\n\\nNew paragraph\n" in written
    assert "1.2. Pro: \\-> See 1.1.\n" in written
    back = kialo.parse(written)
    assert [c.text for c in back.claims[2:]] == texts
    assert back.links == [] and back.evidence == []
    assert kialo.write(back) == written


def test_evidence_from_a_crux_map_becomes_footnotes_and_comes_back():
    doc = MapDoc(title="T")
    doc.claims = [
        MapClaim("i", "T", ISSUE),
        MapClaim("p", "P", POSITION, parent="i", relation=ANSWERS),
        MapClaim("a", "Cited twice", ARGUMENT, parent="p", relation=SUPPORTS),
        MapClaim("b", "Not cited [1]", ARGUMENT, parent="p", relation=OPPOSES),
    ]
    doc.sources = [
        MapSource(
            "s1",
            "Survey",
            "Intro. Two thirds agree (n=400). More text.",
            url="https://example.org/s(1)",
            passages=[MapPassage("q1", "Two thirds agree (n=400).")],
        ),
        MapSource(
            "s2",
            "Book",
            'He said "no".\nThen left.',
            passages=[MapPassage("q2", 'He said "no".\nThen left.'), MapPassage("q3", "left")],
        ),
    ]
    doc.evidence = [MapEvidence("a", "q1"), MapEvidence("a", "q2"), MapEvidence("p", "q3")]
    written = kialo.write(doc)
    assert "1.1. Pro: Cited twice [1] [2]\n" in written
    assert "1.2. Con: Not cited \\[1\\]\n" in written
    assert written.endswith(
        "Sources:\n[1] https://example.org/s\\(1\\)\n"
        '"Two thirds agree \\(n=400\\)."\n\n[2] Book\n"He said "no".\\nThen left."\n\n'
        '[3] Book\n"left"\n'
    )
    back = kialo.parse(written)
    claims = by_key(back)
    assert claims["1.2"].text == "Not cited [1]"
    passages = {p.key: p.exact for s in back.sources for p in s.passages}
    cited = sorted((claims[e.claim].text, passages[e.passage]) for e in back.evidence)
    assert cited == [
        ("Cited twice [1] [2]", 'He said "no".\nThen left.'),
        ("Cited twice [1] [2]", "Two thirds agree (n=400)."),
        ("P [3]", "left"),
    ]
    assert kialo.write(back) == written


def test_a_twenty_thousand_line_file():
    lines = ["Discussion Title: Big", "", "1. Root"]
    for i in range(1, 10_000):
        lines.append(f"1.{i}. {'Pro' if i % 2 else 'Con'}: Claim {i} \\(with escapes\\) [x](y)")
        lines.append(f"1.{i}.1. Con: -> See 1.{i % 9_999 + 1}.")
    lines.append("1.10000. Pro: Last")
    assert len(lines) == 20_002
    doc = kialo.parse("\n".join(lines))
    assert len(doc.claims) == 10_001 + 1  # the issue, the thesis and 10,000 arguments
    assert len(doc.links) == 9_999
    claims = by_key(doc)
    assert claims["1.5000"].text == "Claim 5000 (with escapes) [x](y)"
    assert claims["1.5000"].relation == OPPOSES and claims["1.5000"].line == 2 + 2 * 5000
    assert doc.links[0] == MapLink("1.2", "1.1", OPPOSES)
    assert kialo.write(doc) == "\n".join(lines) + "\n"


def test_a_map_with_several_issues_writes_a_file_that_reads_back():
    from debates.formats.mapdoc import ANSWERS, ISSUE, POSITION, MapClaim, MapDoc

    doc = MapDoc(
        title="Two questions",
        claims=[
            MapClaim("i1", "First question?", ISSUE),
            MapClaim("p1", "First answer.", POSITION, "i1", ANSWERS),
            MapClaim("i2", "Second question?", ISSUE),
            MapClaim("p2", "Second answer.", POSITION, "i2", ANSWERS),
            MapClaim("p3", "Another second answer.", POSITION, "i2", ANSWERS),
        ],
    )
    text = kialo.write(doc)
    again = kialo.parse(text)
    texts = {c.text: c for c in again.claims}
    assert texts["Second question?"].kind == POSITION
    assert texts["Second answer."].relation == "supports"
    assert texts["Second answer."].parent == texts["Second question?"].key
    assert kialo.write(again) == kialo.write(kialo.parse(kialo.write(again)))

"""Tests of the article importer (pure functions, no database)."""

import json
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from debates.formats.article import (
    ArticleError,
    Block,
    ParsedArticle,
    Section,
    parse_article,
)

SEED_PATH = Path(__file__).resolve().parent.parent / "debates/demo/russia-north-korea-relations.txt"
SEED = SEED_PATH.read_text(encoding="utf-8")

SEED_SECTION_TITLES = [
    "",
    "Historical background and strategic logic",
    "Key channels of engagement",
    "Controversies and debates from a pragmatic perspective",
    "Regional security implications",
    "Policy options and the practical path forward",
    "See also",
]
SEED_LABELS = {
    "Key channels of engagement": [
        "Diplomatic exchanges",
        "Security and deterrence",
        "Economic and energy dimensions",
        "Arms issues and technology",
    ],
    "Controversies and debates from a pragmatic perspective": [
        "Sanctions versus engagement",
        "Denuclearization versus stability",
        "Sovereignty and moral critique",
        "Regional influence and China",
    ],
    "Regional security implications": [
        "Peninsula stability",
        "US–Russia–North Korea dynamics",
        "Alliance politics and deterrence",
    ],
    "Policy options and the practical path forward": [
        "Tactical diplomacy",
        "Targeted sanctions enforcement",
        "Confidence-building measures",
        "Economic engagement as leverage",
    ],
    "See also": [
        "Russia",
        "North Korea",
        "Kim Jong-un",
        "Vladimir Putin",
        "Korean Peninsula security",
        "sanctions",
        "arms control",
        "diplomacy",
        "United States",
        "China",
    ],
}


# --- helpers --------------------------------------------------------------------------------


def block_text(article: ParsedArticle, block: Block) -> str:
    return article.text[block.start : block.end]


def section_named(article: ParsedArticle, title: str) -> Section:
    return next(section for section in article.sections if section.title == title)


def outline(article: ParsedArticle) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """The article as plain data: section titles with (kind, label, text) of each block."""
    return [
        (
            section.title,
            [(b.kind, b.label, block_text(article, b)) for b in section.blocks],
        )
        for section in article.sections
    ]


def normalised(text: str) -> str:
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def assert_invariants(article: ParsedArticle, source: str) -> None:
    text = article.text
    assert text == normalised(source)
    assert article.format in {"scraped", "markdown", "plain"}
    assert article.title == article.title.strip()
    assert any(section.blocks for section in article.sections)

    position = 0
    for index, section in enumerate(article.sections):
        if section.heading_start is None:
            assert section.heading_end is None
            assert section.title == ""
            assert index == 0, "only the opening section may lack a heading"
        else:
            assert position <= section.heading_start < section.heading_end <= len(text)
            heading = text[section.heading_start : section.heading_end]
            assert heading == heading.strip()
            assert section.title == heading
            position = section.heading_end
        for block in section.blocks:
            assert block.kind in {"paragraph", "list_item"}
            assert position <= block.start < block.end <= len(text)
            visible = text[block.start : block.end]
            assert visible and visible == visible.strip()
            if block.kind == "paragraph":
                assert block.label == ""
            position = block.end

    assert ParsedArticle.from_dict(json.loads(json.dumps(article.to_dict()))) == article
    assert parse_article(source) == article


# --- the seed article -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> ParsedArticle:
    return parse_article(SEED)


def test_seed_title_is_repaired_from_the_lead(seed):
    assert seed.title == "Russia–North Korea relations"


def test_seed_is_detected_as_scraped(seed):
    assert seed.format == "scraped"


def test_seed_has_the_seven_expected_sections_in_order(seed):
    assert [section.title for section in seed.sections] == SEED_SECTION_TITLES


def test_seed_lead_is_one_paragraph_opening_with_the_subject(seed):
    lead = seed.sections[0]
    assert lead.heading_start is None
    assert [b.kind for b in lead.blocks] == ["paragraph"]
    lead_text = block_text(seed, lead.blocks[0])
    assert lead_text.startswith("Russia–North Korea relations have long")
    assert lead_text.endswith("drive how states interact.")


def test_seed_historical_background_is_one_paragraph(seed):
    section = section_named(seed, "Historical background and strategic logic")
    assert [b.kind for b in section.blocks] == ["paragraph"]
    assert block_text(seed, section.blocks[0]).startswith("The roots of Russian–Korean")


@pytest.mark.parametrize("title", sorted(SEED_LABELS))
def test_seed_list_sections_have_the_expected_labels(seed, title):
    section = section_named(seed, title)
    assert [b.kind for b in section.blocks] == ["list_item"] * len(SEED_LABELS[title])
    assert [b.label for b in section.blocks] == SEED_LABELS[title]


def test_seed_list_item_text_includes_its_label_but_not_the_bullet(seed):
    item = section_named(seed, "Key channels of engagement").blocks[0]
    text = block_text(seed, item)
    assert text.startswith("Diplomatic exchanges: Moscow has hosted")
    assert text.endswith("See Vladimir Putin and Kim Jong-un for the principal figures involved.")
    assert seed.text[item.start - 3 : item.start] == " - "


def test_seed_see_phrases_inside_items_stay_inside_them(seed):
    section = section_named(seed, "Controversies and debates from a pragmatic perspective")
    first = block_text(seed, section.blocks[0])
    assert first.endswith("See sanctions and diplomacy.")
    all_titles = {section.title for section in seed.sections}
    assert not any(title.startswith("See ") and title != "See also" for title in all_titles)


def test_seed_see_also_items_are_whole_names(seed):
    section = section_named(seed, "See also")
    assert [block_text(seed, b) for b in section.blocks] == SEED_LABELS["See also"]


def test_seed_heading_offsets_point_at_the_headings(seed):
    for section in seed.sections[1:]:
        assert seed.text[section.heading_start : section.heading_end] == section.title
        line_start = seed.text.rfind("\n", 0, section.heading_start) + 1
        assert line_start == section.heading_start


def test_seed_text_is_stored_unchanged(seed):
    assert seed.text == SEED


def test_seed_satisfies_the_invariants(seed):
    assert_invariants(seed, SEED)


# --- scraped style beyond the seed ----------------------------------------------------------

HARBOUR = """Port Harbour DisputeEdit
The Port Harbour dispute is a long-running disagreement over dredging rights in the estuary.
Origins - The quarrel began when the council sold the northern quay. Fishermen objected at once.
Main arguments - The council framed the sale as routine. - Cost: Dredging the channel costs more \
than the port earns. - Ecology and fisheries: Silt from dredging harms spawning grounds - or so \
the fishermen say. - Jobs: Shipping brings work to the town.
Legal proceedings - The case reached the high court in 2019. The plan failed - and nobody noticed.
Critics were blunt - Moscow, they said, had nothing to do with it.
See also - Estuary law - River Dee - dredging
"""


@pytest.fixture(scope="module")
def harbour() -> ParsedArticle:
    return parse_article(HARBOUR)


def test_scraped_article_with_other_headings_is_split_into_sections(harbour):
    assert harbour.format == "scraped"
    assert [s.title for s in harbour.sections] == [
        "",
        "Origins",
        "Main arguments",
        "Legal proceedings",
        "See also",
    ]


def test_scraped_title_keeps_the_lead_wording(harbour):
    assert harbour.title == "Port Harbour dispute"


def test_text_before_the_first_item_is_a_paragraph(harbour):
    blocks = section_named(harbour, "Main arguments").blocks
    assert [(b.kind, b.label) for b in blocks] == [
        ("paragraph", ""),
        ("list_item", "Cost"),
        ("list_item", "Ecology and fisheries"),
        ("list_item", "Jobs"),
    ]
    assert block_text(harbour, blocks[0]) == "The council framed the sale as routine."


def test_a_spaced_hyphen_inside_an_item_does_not_start_a_new_item(harbour):
    item = section_named(harbour, "Main arguments").blocks[2]
    assert block_text(harbour, item) == (
        "Ecology and fisheries: Silt from dredging harms spawning grounds"
        " - or so the fishermen say."
    )


def test_a_sentence_with_a_spaced_hyphen_is_not_a_heading(harbour):
    section = section_named(harbour, "Legal proceedings")
    texts = [block_text(harbour, b) for b in section.blocks]
    assert texts == [
        "The case reached the high court in 2019. The plan failed - and nobody noticed.",
        "Critics were blunt - Moscow, they said, had nothing to do with it.",
    ]


def test_a_line_of_its_own_with_a_lowercase_dash_clause_is_a_paragraph():
    article = parse_article(
        "Tidal Power\nTidal power converts the energy of tides into electricity.\n"
        "The plan failed - and nobody noticed.\n"
        "Costs - Building a barrage is expensive.\n"
    )
    assert [s.title for s in article.sections] == ["", "Costs"]
    assert [block_text(article, b) for b in article.sections[0].blocks] == [
        "Tidal power converts the energy of tides into electricity.",
        "The plan failed - and nobody noticed.",
    ]


def test_names_list_accepts_lowercase_and_hyphenated_names(harbour):
    section = section_named(harbour, "See also")
    assert [b.label for b in section.blocks] == ["Estuary law", "River Dee", "dredging"]


def test_a_body_opening_with_a_colon_phrase_alone_is_a_paragraph():
    article = parse_article(
        "Harbour\nThe harbour is old.\nSummary - In short: the harbour needs repair.\n"
    )
    section = section_named(article, "Summary")
    assert [(b.kind, b.label) for b in section.blocks] == [("paragraph", "")]


def test_en_dash_and_unspaced_hyphen_never_split():
    article = parse_article(
        "Trade\nTrade is the exchange of goods.\n"
        "Partners - US–China trade - Kim Jong-un - Well-known ports\n"
    )
    section = section_named(article, "Partners")
    assert [block_text(article, b) for b in section.blocks] == [
        "US–China trade",
        "Kim Jong-un",
        "Well-known ports",
    ]


def test_scraped_title_without_a_matching_lead_is_kept_as_cleaned():
    article = parse_article(
        "Harbour Politics TodayEdit\nFishing towns have argued about quays for centuries.\n"
        "Origins - It began with a sale.\n"
    )
    assert article.title == "Harbour Politics Today"


def test_title_repair_never_stretches_a_word():
    article = parse_article(
        "Russia\nRussian cuisine is varied and hearty.\nDishes - Borscht is a soup.\n"
    )
    assert article.title == "Russia"


def test_title_repair_skips_a_leading_article_in_the_lead():
    article = parse_article(
        "Battle of HastingsEdit\nThe Battle of Hastings was fought in 1066.\n"
        "Aftermath - William became king.\n"
    )
    assert article.title == "Battle of Hastings"


def test_bracketed_edit_link_is_removed_from_the_title():
    article = parse_article(
        "Quay Dispute [edit]\nHarbour councils disagree often.\nOrigins - It began with a sale.\n"
    )
    assert article.title == "Quay Dispute"


def test_scraped_article_without_a_title_line_starts_with_the_lead():
    text = (
        "The quay dispute is a long argument about who owns the northern quay of the harbour.\n"
        "Origins - It began with a sale.\n"
    )
    article = parse_article(text)
    assert article.title == ""
    assert [s.title for s in article.sections] == ["", "Origins"]


# --- plain style ----------------------------------------------------------------------------

PLAIN = """Why Cities Plant Trees

Street trees cool the air in summer.
They also slow rainwater on its way to the drains.

Critics point to the cost of maintenance.

Supporters answer that shade saves energy.
"""


def test_plain_article_splits_paragraphs_at_blank_lines():
    article = parse_article(PLAIN)
    assert article.format == "plain"
    assert article.title == "Why Cities Plant Trees"
    assert outline(article) == [
        (
            "",
            [
                (
                    "paragraph",
                    "",
                    "Street trees cool the air in summer.\n"
                    "They also slow rainwater on its way to the drains.",
                ),
                ("paragraph", "", "Critics point to the cost of maintenance."),
                ("paragraph", "", "Supporters answer that shade saves energy."),
            ],
        )
    ]


def test_plain_article_without_blank_lines_has_one_paragraph_per_line():
    article = parse_article("Street Trees\nTrees cool the air.\nTrees slow rainwater.\n")
    assert article.title == "Street Trees"
    assert [block_text(article, b) for b in article.sections[0].blocks] == [
        "Trees cool the air.",
        "Trees slow rainwater.",
    ]


def test_plain_text_whose_first_line_is_a_sentence_has_no_title():
    article = parse_article("Trees cool the air.\nTrees slow rainwater.\n")
    assert article.title == ""
    assert len(article.sections[0].blocks) == 2


def test_a_single_line_is_a_paragraph_not_a_title():
    article = parse_article("Street trees")
    assert article.title == ""
    assert outline(article) == [("", [("paragraph", "", "Street trees")])]


def test_plain_title_does_not_lose_a_trailing_edit_word():
    article = parse_article("QuickEdit\nQuickEdit is a text editor.\n")
    assert article.format == "plain"
    assert article.title == "QuickEdit"


# --- markdown style -------------------------------------------------------------------------

MARKDOWN = """# Congestion Charging

Cities charge drivers to enter the centre.
Revenue funds buses.

## Arguments for

- **Cost**: Congestion wastes hours every day.
- Cleaner air: fewer cars mean less pollution.
* A list item without a label
  that continues on a second line

## Arguments against ##

1. Fairness: the charge hits poorer drivers hardest.
2) A very long prefix that has far too many words: is not a label.

### Evidence

Stockholm saw traffic fall by a fifth.
"""


@pytest.fixture(scope="module")
def markdown() -> ParsedArticle:
    return parse_article(MARKDOWN)


def test_markdown_title_and_sections(markdown):
    assert markdown.format == "markdown"
    assert markdown.title == "Congestion Charging"
    assert [s.title for s in markdown.sections] == [
        "",
        "Arguments for",
        "Arguments against",
        "Evidence",
    ]


def test_markdown_text_before_the_first_heading_is_the_lead(markdown):
    assert outline(markdown)[0] == (
        "",
        [("paragraph", "", "Cities charge drivers to enter the centre.\nRevenue funds buses.")],
    )


def test_markdown_list_items_exclude_the_marker_and_take_short_labels(markdown):
    assert outline(markdown)[1][1] == [
        ("list_item", "Cost", "**Cost**: Congestion wastes hours every day."),
        ("list_item", "Cleaner air", "Cleaner air: fewer cars mean less pollution."),
        (
            "list_item",
            "",
            "A list item without a label\n  that continues on a second line",
        ),
    ]


def test_markdown_numbered_items_and_long_prefixes(markdown):
    assert outline(markdown)[2][1] == [
        ("list_item", "Fairness", "Fairness: the charge hits poorer drivers hardest."),
        ("list_item", "", "A very long prefix that has far too many words: is not a label."),
    ]


def test_markdown_heading_offsets_exclude_the_hash_marks(markdown):
    against = section_named(markdown, "Arguments against")
    assert markdown.text[against.heading_start - 3 : against.heading_start] == "## "
    assert markdown.text[against.heading_end : against.heading_end + 3] == " ##"


def test_markdown_is_detected_by_a_list_alone():
    article = parse_article("Shopping\n\n- Bread\n- Milk: two pints\n")
    assert article.format == "markdown"
    assert article.title == "Shopping"
    assert outline(article) == [
        ("", [("list_item", "", "Bread"), ("list_item", "Milk", "Milk: two pints")])
    ]


def test_markdown_thematic_breaks_are_not_list_items():
    article = parse_article("# Notes\n\nFirst part.\n\n* * *\n\nSecond part.\n")
    assert [b.kind for b in article.sections[0].blocks] == ["paragraph", "paragraph"]


def test_markdown_heading_without_body_keeps_an_empty_section():
    article = parse_article("# Notes\n\n## Empty\n\n## Full\n\nText.\n")
    assert [(s.title, len(s.blocks)) for s in article.sections] == [("Empty", 0), ("Full", 1)]


def test_markdown_heading_is_trimmed_of_unicode_whitespace():
    article = parse_article("## Costs\u2028\nText.")
    assert [s.title for s in article.sections] == ["Costs"]


def test_long_runs_of_spaces_are_parsed_in_linear_time():
    # Backtracking regexes would take minutes on these lines; the parser must not.
    spaces = " " * 200_000
    texts = [
        f"Title\nLead text.\nHeading{spaces}x{spaces}- y\n",
        f"# Title{spaces}#{spaces}x\n\nText.\n",
        f"## a{spaces}b\n\n-{spaces}item\n",
    ]
    started = time.perf_counter()
    for text in texts:
        parse_article(text)
    assert time.perf_counter() - started < 5


# --- line endings and untouched text --------------------------------------------------------


def test_crlf_input_is_stored_with_lf_and_offsets_match():
    article = parse_article(PLAIN.replace("\n", "\r\n"))
    assert "\r" not in article.text
    assert article.text == PLAIN
    assert outline(article) == outline(parse_article(PLAIN))


def test_lone_cr_and_leading_bom_are_normalised():
    article = parse_article("\ufeffStreet Trees\rTrees cool the air.\rTrees slow rainwater.")
    assert article.text == "Street Trees\nTrees cool the air.\nTrees slow rainwater."
    assert article.title == "Street Trees"


def test_crlf_seed_parses_like_the_seed(seed):
    article = parse_article(SEED.replace("\n", "\r\n"))
    assert outline(article) == outline(seed)
    assert article.title == seed.title


def test_trailing_spaces_and_tabs_are_kept_in_the_text():
    source = "Street Trees  \n\tTrees cool the air.   \n"
    article = parse_article(source)
    assert article.text == source
    assert block_text(article, article.sections[0].blocks[0]) == "Trees cool the air."


# --- explicit title -------------------------------------------------------------------------


def test_given_title_is_used_and_whole_text_is_body():
    article = parse_article("Street Trees\nTrees cool the air.\n", title="  Urban Forests ")
    assert article.title == "Urban Forests"
    assert [block_text(article, b) for b in article.sections[0].blocks] == [
        "Street Trees",
        "Trees cool the air.",
    ]


def test_given_title_drops_a_first_line_that_repeats_it():
    article = parse_article("Street Trees\nTrees cool the air.\n", title="street trees")
    assert article.title == "street trees"
    assert outline(article) == [("", [("paragraph", "", "Trees cool the air.")])]


def test_given_title_matches_a_markdown_title_line():
    article = parse_article("# Street Trees\n\nTrees cool the air.\n", title="Street Trees")
    assert outline(article) == [("", [("paragraph", "", "Trees cool the air.")])]


def test_given_title_is_not_repaired(seed):
    article = parse_article(SEED, title="Russianorth Korea RelationsEdit")
    assert article.title == "Russianorth Korea RelationsEdit"
    assert outline(article) == outline(seed)


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t\r\n", "\ufeff", "\ufeff \u2028 "])
def test_empty_or_blank_text_is_rejected(text):
    with pytest.raises(ArticleError, match="empty"):
        parse_article(text)


def test_title_without_body_is_rejected():
    with pytest.raises(ArticleError, match="no body text"):
        parse_article("Street Trees", title="Street Trees")


def test_markdown_with_only_headings_is_rejected():
    with pytest.raises(ArticleError, match="no body text"):
        parse_article("# Street Trees\n\n## Benefits\n\n## Costs\n")


def test_markdown_title_alone_is_rejected():
    with pytest.raises(ArticleError, match="no body text"):
        parse_article("# Street Trees\n")


def test_article_error_is_a_value_error():
    assert issubclass(ArticleError, ValueError)


# --- serialisation --------------------------------------------------------------------------


def test_to_dict_is_json_serialisable_and_round_trips(seed):
    data = json.loads(json.dumps(seed.to_dict()))
    assert data["title"] == "Russia–North Korea relations"
    assert data["sections"][0]["heading_start"] is None
    assert ParsedArticle.from_dict(data) == seed


def test_from_dict_rejects_offsets_outside_the_text(seed):
    data = seed.to_dict()
    data["sections"][1]["blocks"][0]["end"] = len(seed.text) + 5
    with pytest.raises(ArticleError, match="offsets"):
        ParsedArticle.from_dict(data)


def test_from_dict_rejects_missing_fields(seed):
    data = seed.to_dict()
    del data["sections"][0]["blocks"][0]["kind"]
    with pytest.raises(ArticleError, match="malformed"):
        ParsedArticle.from_dict(data)


def test_parsing_is_deterministic(seed):
    assert parse_article(SEED) == seed
    assert parse_article(MARKDOWN) == parse_article(MARKDOWN)


# --- property tests -------------------------------------------------------------------------

NOUNS = (
    "trade security energy history sanctions policy river harbour council budget schools "
    "transport housing water climate fisheries courts elections"
).split()
CAPITALS = "Trade Security Energy History Regional Local Public Urban Foreign Rural".split()
LINE_ENDINGS = st.sampled_from(["\n", "\r\n", "\r"])


@dataclass
class Expected:
    title: str
    sections: list[tuple[str, list[tuple[str, str, str]]]]


@st.composite
def sentences(draw, min_size: int = 1, max_size: int = 3, dashes: bool = True) -> str:
    """Sentences of lowercase words; a spaced hyphen may appear before a lowercase clause."""
    parts = []
    for _ in range(draw(st.integers(min_size, max_size))):
        words = draw(st.lists(st.sampled_from(NOUNS), min_size=2, max_size=8))
        sentence = words[0].capitalize() + " " + " ".join(words[1:])
        if dashes and draw(st.booleans()):
            sentence += " - and " + draw(st.sampled_from(NOUNS))
        parts.append(sentence + ".")
    return " ".join(parts)


@st.composite
def phrases(draw, max_words: int = 4) -> str:
    first = draw(st.sampled_from(CAPITALS))
    rest = draw(st.lists(st.sampled_from(NOUNS), max_size=max_words - 1))
    return " ".join([first, *rest])


@st.composite
def scraped_articles(draw) -> tuple[str, Expected]:
    title = draw(phrases(max_words=3))
    lead = f"{title} is " + draw(sentences(dashes=False)).lower()
    lines = [title + draw(st.sampled_from(["", "Edit"])), lead]
    expected = [("", [("paragraph", "", lead)])]
    for _ in range(draw(st.integers(1, 4))):
        heading = draw(phrases(max_words=6))
        shape = draw(st.sampled_from(["paragraph", "items", "intro+items", "names"]))
        blocks: list[tuple[str, str, str]] = []
        parts: list[str] = []
        if shape in ("paragraph", "intro+items"):
            paragraph = draw(sentences())
            blocks.append(("paragraph", "", paragraph))
            parts.append(paragraph)
        if shape in ("items", "intro+items"):
            for _ in range(draw(st.integers(2, 4))):
                label = draw(phrases(max_words=4))
                item = f"{label}: {draw(sentences())}"
                blocks.append(("list_item", label, item))
                parts.append(item)
        if shape == "names":
            names = draw(st.lists(phrases(max_words=3), min_size=2, max_size=6))
            blocks.extend(("list_item", name, name) for name in names)
            parts.extend(names)
        lines.append(f"{heading} - " + " - ".join(parts))
        if shape != "names" and draw(st.booleans()):
            # A further line without a heading is another paragraph of the same section.
            extra = draw(sentences())
            lines.append(extra)
            blocks.append(("paragraph", "", extra))
        expected.append((heading, blocks))
    text = draw(LINE_ENDINGS).join(lines)
    return text, Expected(title, expected)


@st.composite
def markdown_articles(draw) -> tuple[str, Expected]:
    title = draw(phrases())
    newline = draw(LINE_ENDINGS)
    chunks = [f"# {title}"]
    expected: list[tuple[str, list[tuple[str, str, str]]]] = []
    if draw(st.booleans()):
        lead = draw(sentences())
        chunks.append(lead)
        expected.append(("", [("paragraph", "", lead)]))
    for _ in range(draw(st.integers(1, 4))):
        heading = draw(phrases())
        chunks.append(draw(st.sampled_from(["## ", "### "])) + heading)
        blocks: list[tuple[str, str, str]] = []
        for _ in range(draw(st.integers(1, 3))):
            if draw(st.booleans()):
                paragraph = newline.join(
                    draw(st.lists(sentences(dashes=False), min_size=1, max_size=3))
                )
                chunks.append(paragraph)
                blocks.append(("paragraph", "", paragraph.replace(newline, "\n")))
                continue
            marker = draw(st.sampled_from(["- ", "* ", "+ ", "1. "]))
            items = []
            for _ in range(draw(st.integers(1, 4))):
                label = draw(st.one_of(st.just(""), phrases(max_words=3)))
                item = f"{label}: {draw(sentences())}" if label else draw(sentences())
                items.append(marker + item)
                blocks.append(("list_item", label, item))
            chunks.append(newline.join(items))
        expected.append((heading, blocks))
    return (newline * 2).join(chunks) + newline, Expected(title, expected)


@st.composite
def plain_articles(draw) -> tuple[str, Expected]:
    title = draw(phrases())
    newline = draw(LINE_ENDINGS)
    blank_lines = draw(st.booleans())
    paragraphs = draw(st.lists(sentences(dashes=False), min_size=1, max_size=5))
    separator = newline * 2 if blank_lines else newline
    text = separator.join([title, *paragraphs])
    blocks = [("paragraph", "", paragraph) for paragraph in paragraphs]
    return text, Expected(title, [("", blocks)])


@given(st.one_of(scraped_articles(), markdown_articles(), plain_articles()))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_generated_articles_parse_back_to_their_structure(case):
    text, expected = case
    article = parse_article(text)
    assert article.title == expected.title
    assert outline(article) == expected.sections
    assert_invariants(article, text)


@given(scraped_articles())
def test_generated_scraped_list_items_start_with_their_label(case):
    text, _ = case
    article = parse_article(text)
    assert article.format == "scraped"
    for section in article.sections:
        for block in section.blocks:
            if block.kind == "list_item":
                assert block.label and block_text(article, block).startswith(block.label)


FRAGMENTS = st.sampled_from(
    [
        "Heading",
        "Key channels",
        " - ",
        "-",
        "–",
        ": ",
        "Label: text",
        "# ",
        "## ",
        "- ",
        "* ",
        "1. ",
        "\n",
        "\r\n",
        "\r",
        "\n\n",
        " ",
        "\t",
        "\ufeff",
        "\u2028",
        "\x0c",
        "Edit",
        "[edit]",
        "The plan failed",
        "and nobody noticed.",
        "sanctions",
        "Kim Jong-un",
        ".",
        "**Cost**",
        "* * *",
    ]
)


@given(st.one_of(st.text(), st.lists(FRAGMENTS, max_size=40).map("".join)))
@settings(max_examples=500)
def test_any_text_either_parses_with_the_invariants_or_raises_article_error(text):
    try:
        article = parse_article(text)
    except ArticleError as error:
        assert str(error)
        return
    assert_invariants(article, text)


@given(st.lists(FRAGMENTS, max_size=40).map("".join), st.text(max_size=20))
def test_any_text_with_a_given_title_keeps_the_invariants(text, title):
    try:
        article = parse_article(text, title=title)
    except ArticleError:
        return
    assert article.title == (title.strip() or article.title)
    assert article.text == normalised(text)
    assert ParsedArticle.from_dict(article.to_dict()) == article
    assert parse_article(text, title=title) == article

"""Checks of the Russia–North Korea demo map data against its source article (no database)."""

from pathlib import Path

import pytest

from debates.demo import russia_nk_map as demo

ARTICLE_PATH = (
    Path(__file__).resolve().parent.parent / "debates/demo/russia-north-korea-relations.txt"
)
ARTICLE = ARTICLE_PATH.read_text(encoding="utf-8")

CONTROVERSIES = [
    "Sanctions versus engagement",
    "Denuclearization versus stability",
    "Sovereignty and moral critique",
    "Regional influence and China",
]
STANCES = {"supports", "opposes"}
ISSUE_KEYS = {"text", "quotes", "positions"}
POSITION_KEYS = {"text", "quotes", "arguments"}
ARGUMENT_KEYS = {"stance", "text", "quotes", "arguments"}
MAX_ARGUMENT_DEPTH = 3
MIN_QUOTE_WORDS = 6


def walk_arguments(arguments, depth=1, parent_kind="position"):
    """Yield (argument, depth, parent_kind) for every argument in a subtree."""
    for argument in arguments:
        yield argument, depth, parent_kind
        yield from walk_arguments(argument["arguments"], depth + 1, "argument")


def issue_arguments(issue):
    for position in issue["positions"]:
        yield from walk_arguments(position["arguments"])


def all_claims():
    """Yield (kind, node) for every issue, position and argument of the map."""
    for issue in demo.MAP:
        yield "issue", issue
        for position in issue["positions"]:
            yield "position", position
            for argument, _, _ in walk_arguments(position["arguments"]):
                yield "argument", argument


def all_quotes():
    for _, node in all_claims():
        yield from node["quotes"]


def test_metadata_names_the_article_and_describes_it_briefly():
    assert demo.TITLE == "Russia–North Korea relations"
    assert demo.SLUG == "russia-north-korea-relations"
    assert ARTICLE_PATH.stem == demo.SLUG
    assert 10 <= len(demo.DESCRIPTION.split()) <= 70
    assert "\n" not in demo.DESCRIPTION


def test_map_has_one_issue_per_controversy_in_article_order():
    assert len(demo.MAP) == len(CONTROVERSIES) == 4
    offsets = [ARTICLE.index(f"- {name}:") for name in CONTROVERSIES]
    assert offsets == sorted(offsets)


@pytest.mark.parametrize(("kind", "node"), list(all_claims()))
def test_every_node_has_exactly_the_expected_keys(kind, node):
    expected = {"issue": ISSUE_KEYS, "position": POSITION_KEYS, "argument": ARGUMENT_KEYS}[kind]
    assert set(node) == expected
    assert isinstance(node["quotes"], list)


def test_issues_are_phrased_as_questions():
    for issue in demo.MAP:
        assert issue["text"].endswith("?"), issue["text"]


def test_each_issue_offers_at_least_two_distinct_positions():
    for issue in demo.MAP:
        texts = [position["text"] for position in issue["positions"]]
        assert len(texts) >= 2, issue["text"]
        assert len(set(texts)) == len(texts), issue["text"]


def test_each_position_has_at_least_two_arguments():
    for issue in demo.MAP:
        for position in issue["positions"]:
            assert len(position["arguments"]) >= 2, position["text"]


def test_every_argument_stance_is_supports_or_opposes():
    for issue in demo.MAP:
        for argument, _, _ in issue_arguments(issue):
            assert argument["stance"] in STANCES, argument["text"]


def test_each_issue_mixes_supporting_and_opposing_arguments():
    for issue in demo.MAP:
        stances = {argument["stance"] for argument, _, _ in issue_arguments(issue)}
        assert stances == STANCES, issue["text"]


def test_each_issue_has_at_least_one_counterargument():
    for issue in demo.MAP:
        counters = [
            argument
            for argument, _, parent_kind in issue_arguments(issue)
            if parent_kind == "argument" and argument["stance"] == "opposes"
        ]
        assert counters, issue["text"]


def test_argument_nesting_is_at_most_three_levels_below_a_position():
    for issue in demo.MAP:
        for argument, depth, _ in issue_arguments(issue):
            assert depth <= MAX_ARGUMENT_DEPTH, argument["text"]


def test_every_argument_cites_at_least_one_quote():
    for issue in demo.MAP:
        for argument, _, _ in issue_arguments(issue):
            assert len(argument["quotes"]) >= 1, argument["text"]


@pytest.mark.parametrize("quote", sorted(set(all_quotes())))
def test_quote_occurs_exactly_once_in_the_article(quote):
    assert ARTICLE.count(quote) == 1


@pytest.mark.parametrize("quote", sorted(set(all_quotes())))
def test_quote_stays_within_one_line_and_one_list_item(quote):
    assert "\n" not in quote
    assert " - " not in quote
    assert quote == quote.strip()


@pytest.mark.parametrize("quote", sorted(set(all_quotes())))
def test_quote_is_long_enough_to_ground_a_claim(quote):
    assert len(quote.split()) >= MIN_QUOTE_WORDS


def test_claim_texts_are_plain_sentences_of_8_to_40_words():
    for _, node in all_claims():
        text = node["text"]
        assert 8 <= len(text.split()) <= 40, text
        assert text == text.strip() and "\n" not in text, text
        assert not any(marker in text for marker in ("**", "__", "`", "# ", "[", "](")), text


def test_claim_texts_are_paraphrases_not_copied_sentences():
    for _, node in all_claims():
        assert node["text"] not in ARTICLE, node["text"]


def test_claim_texts_are_unique():
    texts = [node["text"] for _, node in all_claims()]
    assert len(set(texts)) == len(texts)


def test_map_has_between_40_and_60_claims():
    assert 40 <= len(list(all_claims())) <= 60

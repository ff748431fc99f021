"""Re-anchoring selectors on a revised text: exact, moved, fuzzy and orphaned anchors."""

import re
import time

import pytest
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from debates.anchoring import (
    FUZZY_THRESHOLD,
    QUOTE_CONTEXT,
    SHORT_QUOTE,
    SHORT_QUOTE_CONTEXT,
    Report,
    Resolution,
    Selector,
    Status,
    context_agreement,
    resolve,
    resolve_all,
    summarise,
)

ARTICLE = """\
The town of Marrow Ford grew up where the old road crossed the river. For most of its history \
the water was clean enough to drink, and the market on the east bank sold fish caught that morning.

In the spring the council met to discuss the state of the river. Residents complained that they \
did not recieve the letter about the closure of the towpath until a week after it had closed. \
The council agreed that the old stone bridge should be repaired before the summer floods. \
Several members asked who would pay for the work, and nobody had a clear answer.

The engineers reported that the water level had risen every year for a decade. They blamed the \
new houses upstream, whose drains emptied straight into the river after heavy rain. A farmer \
said the fields by the mill flooded twice last winter, which had never happened in his lifetime.

In the end the council voted to ask the county for money. The mayor promised a public meeting \
in the autumn, where residents could see the plans and say what they thought of them.
"""

TYPO_QUOTE = "they did not recieve the letter about the closure"
BRIDGE_SENTENCE = (
    "The council agreed that the old stone bridge should be repaired before the summer floods."
)
WATER_QUOTE = "the water level had risen every year"


def anchor(text: str, quote: str) -> Selector:
    start = text.index(quote)
    return Selector.from_text(text, start, start + len(quote))


def at_word_boundaries(text: str, start: int, end: int) -> bool:
    def mid_word(position: int) -> bool:
        return (
            0 < position < len(text) and text[position - 1].isalnum() and text[position].isalnum()
        )

    return not mid_word(start) and not mid_word(end)


# Examples


def test_unchanged_text_keeps_the_anchor_in_place():
    selector = anchor(ARTICLE, WATER_QUOTE)

    resolution = resolve(selector, ARTICLE)

    assert resolution == Resolution(Status.IN_PLACE, selector.start, selector.end, 100.0)


def test_text_inserted_before_the_anchor_moves_it_by_the_insertion():
    selector = anchor(ARTICLE, WATER_QUOTE)
    inserted = "Editor's note: this report was updated in June.\n\n"

    resolution = resolve(selector, inserted + ARTICLE)

    assert resolution.status is Status.MOVED
    assert (resolution.start, resolution.end) == (
        selector.start + len(inserted),
        selector.end + len(inserted),
    )
    assert resolution.score == 100.0


def test_text_changed_only_after_the_anchor_keeps_it_in_place():
    selector = anchor(ARTICLE, WATER_QUOTE)
    new_text = ARTICLE.replace("public meeting", "public meeting and an exhibition")

    assert resolve(selector, new_text).status is Status.IN_PLACE


def test_typo_fixed_inside_the_quote_is_found_fuzzily_at_the_right_place():
    selector = anchor(ARTICLE, TYPO_QUOTE)
    new_text = ARTICLE.replace("recieve", "receive")

    resolution = resolve(selector, new_text)

    assert resolution.status is Status.FUZZY
    assert new_text[resolution.start : resolution.end] == TYPO_QUOTE.replace("recieve", "receive")
    assert resolution.score >= 90


def test_reworded_sentence_is_found_fuzzily_at_the_right_place():
    selector = anchor(ARTICLE, BRIDGE_SENTENCE)
    reworded = (
        "The council decided that the old stone bridge must be repaired before the spring floods."
    )
    new_text = ARTICLE.replace(BRIDGE_SENTENCE, reworded)

    resolution = resolve(selector, new_text)

    assert resolution.status is Status.FUZZY
    assert new_text[resolution.start : resolution.end] == reworded
    assert FUZZY_THRESHOLD <= resolution.score < 100


def test_fuzzy_match_is_snapped_to_word_boundaries():
    # The stored quote starts and ends inside words; the highlight must not.
    start = ARTICLE.index("ouncil agreed")
    end = ARTICLE.index("summer floods") + len("summ")
    selector = Selector.from_text(ARTICLE, start, end)
    new_text = ARTICLE.replace("should be repaired", "should be rebuilt")

    resolution = resolve(selector, new_text)

    assert resolution.status is Status.FUZZY
    assert at_word_boundaries(new_text, resolution.start, resolution.end)
    assert new_text[resolution.start : resolution.end] == (
        "council agreed that the old stone bridge should be rebuilt before the summer"
    )


def test_deleted_sentence_is_orphaned():
    selector = anchor(ARTICLE, BRIDGE_SENTENCE)
    new_text = ARTICLE.replace(BRIDGE_SENTENCE + " ", "")

    resolution = resolve(selector, new_text)

    assert resolution.status is Status.ORPHANED
    assert (resolution.start, resolution.end) == (None, None)
    assert resolution.score < FUZZY_THRESHOLD
    assert resolution.selector(new_text) is None


def test_short_quote_whose_context_is_gone_is_not_matched_to_a_lookalike_word():
    text = "They kept a horse in the field. Behind the church stood an old house with a blue door."
    selector = anchor(text, "house")
    new_text = "They kept a horse in the field. The church was rebuilt last year."

    assert resolve(selector, new_text).status is Status.ORPHANED


def test_short_quote_with_a_typo_fixed_is_found_through_its_context():
    selector = anchor(ARTICLE, "recieve")
    new_text = ARTICLE.replace("recieve", "receive")

    resolution = resolve(selector, new_text)

    assert resolution.status is Status.FUZZY
    assert new_text[resolution.start : resolution.end] == "receive"


def test_short_quote_whose_words_were_replaced_is_orphaned_not_moved_to_the_same_word_elsewhere():
    text = "The ferry left at dawn. Behind the church stood an old house with a blue door."
    selector = anchor(text, "house")
    # The sentence was rewritten, and the same word now also appears in an unrelated one.
    new_text = (
        "The ferry left at dawn. Behind the church stood an old barn with a red gate. "
        "Prices of every house in the county rose."
    )

    assert resolve(selector, new_text).status is Status.ORPHANED


def test_short_quote_whose_surroundings_survive_still_moves():
    text = "The ferry left at dawn. Behind the church stood an old house with a blue door."
    selector = anchor(text, "house")
    new_text = "A new first sentence. " + text

    resolution = resolve(selector, new_text)

    assert resolution.status is Status.MOVED
    assert resolution.start == new_text.index("house")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Many years later", "Some years later"),  # the first word replaced
        ("the old stone bridge was repaired", "the old stone bridge was mended"),  # the last
        ("Many years later", "Many, many years later"),  # a word added inside
    ],
)
def test_fuzzy_match_keeps_the_whole_reworded_quote(old, new):
    text = f"It was a quiet town by the water. {old}, the colonel stood by the gate and waited."
    selector = anchor(text, old)
    new_text = text.replace(old, new)

    resolution = resolve(selector, new_text)

    assert resolution.status is Status.FUZZY
    assert new_text[resolution.start : resolution.end] == new


def test_fuzzy_match_at_the_start_of_the_text_keeps_the_replaced_first_word():
    text = "Many years later, the colonel stood by the gate and waited for the night."
    selector = Selector.from_text(text, 0, len("Many years later"))
    new_text = text.replace("Many", "Some")

    resolution = resolve(selector, new_text)

    assert (resolution.status, resolution.start, resolution.end) == (Status.FUZZY, 0, 16)


def test_reworded_paragraph_repeated_goes_to_the_copy_nearest_the_old_position():
    paragraph = "Water levels rose every year along the river, the engineers reported. "
    filler = "The market sold fish and bread on the east bank each morning. "
    old_text = (paragraph + filler) * 5
    quote = "Water levels rose every year"
    third = old_text.index(quote, old_text.index(quote, old_text.index(quote) + 1) + 1)
    selector = Selector.from_text(old_text, third, third + len(quote))
    new_text = old_text.replace(quote, "Water levels grew every year")
    copies = find_all(new_text, "Water levels grew every year")

    resolution = resolve(selector, new_text)

    assert resolution.status is Status.FUZZY
    assert resolution.start == copies[2]


def test_duplicate_quote_moves_to_the_occurrence_whose_context_matches_not_the_nearest():
    selector = anchor(ARTICLE, WATER_QUOTE)
    # The new paragraph ends with the same quote in another context, close to the old offset,
    # while the real passage is pushed further away.
    paragraph_start = ARTICLE.index("The engineers")
    padding = "A long digression about weather follows here. " * 3
    decoy = f"{padding}Across the county, {WATER_QUOTE} since records began.\n\n"
    new_text = ARTICLE[:paragraph_start] + decoy + ARTICLE[paragraph_start:]
    decoy_start = new_text.index(WATER_QUOTE)
    real_start = new_text.index(WATER_QUOTE, decoy_start + 1)
    assert abs(decoy_start - selector.start) < abs(real_start - selector.start)

    resolution = resolve(selector, new_text)

    assert resolution.status is Status.MOVED
    assert resolution.start == real_start


def test_duplicate_inserted_before_the_original_does_not_capture_the_anchor():
    selector = anchor(ARTICLE, WATER_QUOTE)
    inserted = f"Summary: {WATER_QUOTE}, the report says.\n\n"
    new_text = inserted + ARTICLE

    resolution = resolve(selector, new_text)

    assert resolution.status is Status.MOVED
    assert resolution.start == selector.start + len(inserted)


def test_copy_landing_exactly_on_the_old_offset_does_not_capture_the_anchor():
    selector = anchor(ARTICLE, WATER_QUOTE)
    # Insert a sentence so that a copy of the quote sits exactly at the old offset.
    lead = "Note that "
    cut = selector.start - len(lead)
    inserted = f"{lead}{WATER_QUOTE}, some say. "
    new_text = ARTICLE[:cut] + inserted + ARTICLE[cut:]
    assert new_text[selector.start : selector.end] == WATER_QUOTE

    resolution = resolve(selector, new_text)

    assert resolution.status is Status.MOVED
    assert resolution.start == selector.start + len(inserted)


def test_occurrences_with_equal_context_go_to_the_nearest_after_scaling():
    head = "Opening remarks on the town. " * 6
    tail = " Closing remarks on the river."
    old_text = head + WATER_QUOTE + tail
    selector = anchor(old_text, WATER_QUOTE)
    new_text = "Foreword. " + old_text + old_text
    first = new_text.index(WATER_QUOTE)
    second = new_text.index(WATER_QUOTE, first + 1)

    assert resolve(selector, new_text).start == first
    assert resolve(selector, new_text, old_length=len(old_text)).start == second


@pytest.mark.parametrize("exact", ["", " ", "\n\t  "])
def test_blank_quote_is_orphaned(exact):
    selector = Selector(start=5, end=5 + len(exact), exact=exact, prefix="abc", suffix="def")

    assert resolve(selector, ARTICLE) == Resolution(Status.ORPHANED, None, None, 0.0)


def test_quote_longer_than_the_new_text_is_orphaned():
    selector = Selector.from_text(ARTICLE, 0, len(ARTICLE))

    assert resolve(selector, "The town of Marrow Ford.").status is Status.ORPHANED
    assert resolve(selector, "").status is Status.ORPHANED


def test_quote_of_the_whole_text_survives_a_small_cut():
    old_text = "The mayor promised a public meeting in the autumn, where residents could speak."
    selector = Selector.from_text(old_text, 0, len(old_text))
    new_text = old_text.replace(" in the autumn", "")

    resolution = resolve(selector, new_text)

    assert resolution.status is Status.FUZZY
    assert (resolution.start, resolution.end) == (0, len(new_text))


def test_large_text_finds_the_fuzzy_match_near_the_expected_place_quickly():
    filler = "Nothing of note happened on this day in the town, and the river ran on. " * 40
    # The corrected sentence also sits far away; the one near the old position is wanted.
    lookalike = "Others said they did not receive the letter about the closure either. "
    old_text = lookalike + filler * 20 + ARTICLE + filler * 20
    selector = anchor(old_text, TYPO_QUOTE)
    new_text = old_text.replace("recieve", "receive")
    expected_start = new_text.index("they did not receive", len(lookalike))

    started = time.perf_counter()
    resolution = resolve(selector, new_text, old_length=len(old_text))
    elapsed = time.perf_counter() - started

    assert resolution.status is Status.FUZZY
    assert resolution.start == expected_start
    assert elapsed < 0.5


def test_selector_from_text_fills_quote_and_context():
    start = ARTICLE.index(WATER_QUOTE)
    selector = Selector.from_text(ARTICLE, start, start + len(WATER_QUOTE))

    assert selector.exact == WATER_QUOTE
    assert selector.prefix == ARTICLE[start - QUOTE_CONTEXT : start]
    assert selector.suffix == ARTICLE[selector.end : selector.end + QUOTE_CONTEXT]
    assert Selector.from_text("abc", 0, 2) == Selector(0, 2, "ab", "", "c")


def test_selector_from_text_rejects_a_span_outside_the_text():
    with pytest.raises(ValueError):
        Selector.from_text("abc", 2, 5)


def test_resolution_selector_describes_the_new_span():
    selector = anchor(ARTICLE, TYPO_QUOTE)
    new_text = "Preface.\n\n" + ARTICLE.replace("recieve", "receive")

    new_selector = resolve(selector, new_text).selector(new_text)

    assert new_selector is not None
    assert new_selector.exact == TYPO_QUOTE.replace("recieve", "receive")
    assert resolve(new_selector, new_text).status is Status.IN_PLACE


def test_resolve_all_matches_resolve_in_input_order():
    quotes = [WATER_QUOTE, TYPO_QUOTE, BRIDGE_SENTENCE, WATER_QUOTE, "the river"]
    selectors = [anchor(ARTICLE, quote) for quote in quotes]
    new_text = "Update.\n\n" + ARTICLE.replace("recieve", "receive").replace(BRIDGE_SENTENCE, "")

    resolutions = resolve_all(selectors, new_text)

    assert resolutions == [resolve(selector, new_text) for selector in selectors]
    assert [r.status for r in resolutions] == [
        Status.MOVED,
        Status.FUZZY,
        Status.ORPHANED,
        Status.MOVED,
        Status.MOVED,
    ]


def test_summarise_counts_each_status():
    resolutions = [
        Resolution(Status.IN_PLACE, 0, 3, 100.0),
        Resolution(Status.IN_PLACE, 4, 9, 100.0),
        Resolution(Status.MOVED, 10, 12, 100.0),
        Resolution(Status.FUZZY, 1, 5, 81.0),
        Resolution(Status.ORPHANED, None, None, 40.0),
        Resolution(Status.ORPHANED, None, None, 0.0),
        Resolution(Status.ORPHANED, None, None, 0.0),
    ]

    report = summarise(iter(resolutions))

    assert report == Report(in_place=2, moved=1, fuzzy=1, orphaned=3)
    assert report.total == 7
    assert summarise([]).total == 0


def test_status_values_are_plain_strings():
    assert [s.value for s in Status] == ["in_place", "moved", "fuzzy", "orphaned"]
    assert Status.FUZZY == "fuzzy"


# Properties

VOCABULARY = "river bridge council water stone town flood market summer people letter bank".split()
EDIT_KINDS = ("insert", "delete", "replace")

sentences = st.lists(st.sampled_from(VOCABULARY), min_size=3, max_size=12).map(
    lambda words: " ".join(words).capitalize() + "."
)
texts = st.lists(sentences, min_size=1, max_size=12).map(" ".join)
edits = st.lists(
    st.tuples(st.sampled_from(EDIT_KINDS), st.integers(0, 10_000), st.sampled_from(VOCABULARY)),
    max_size=6,
)


def apply_edits(text: str, changes: list[tuple[str, int, str]]) -> str:
    """Insert, delete or replace space-separated words."""
    tokens = text.split(" ")
    for kind, where, word in changes:
        if kind == "insert":
            tokens.insert(where % (len(tokens) + 1), word)
        elif kind == "delete" and len(tokens) > 1:
            del tokens[where % len(tokens)]
        elif kind == "replace":
            tokens[where % len(tokens)] = word
    return " ".join(tokens)


def draw_anchor(data: st.DataObject, text: str) -> Selector:
    start = data.draw(st.integers(0, len(text) - 1), label="start")
    end = data.draw(st.integers(start + 1, min(len(text), start + 80)), label="end")
    assume(text[start:end].strip())
    return Selector.from_text(text, start, end)


def assert_invariants(selector: Selector, new_text: str, resolution: Resolution) -> None:
    assert resolution.status in set(Status)
    if resolution.status is Status.ORPHANED:
        assert resolution.start is None and resolution.end is None
        return
    assert resolution.start is not None and resolution.end is not None
    assert 0 <= resolution.start < resolution.end <= len(new_text)
    if resolution.status in (Status.IN_PLACE, Status.MOVED):
        assert new_text[resolution.start : resolution.end] == selector.exact
        assert resolution.score == 100.0
    else:
        assert resolution.score >= FUZZY_THRESHOLD
        assert at_word_boundaries(new_text, resolution.start, resolution.end)
    if is_short(selector):
        # A short quote is only ever found where its surroundings vouch for it.
        agreement = context_agreement(selector, new_text, resolution.start, resolution.end)
        assert agreement >= SHORT_QUOTE_CONTEXT


def is_short(selector: Selector) -> bool:
    return len(selector.exact.strip()) < SHORT_QUOTE and bool(selector.prefix or selector.suffix)


def find_all(text: str, needle: str) -> list[int]:
    return [i for i in range(len(text) - len(needle) + 1) if text.startswith(needle, i)]


@settings(max_examples=200, deadline=None)
@given(text=texts, changes=edits, data=st.data())
def test_edits_anywhere_keep_every_resolution_valid(text, changes, data):
    selector = draw_anchor(data, text)
    new_text = apply_edits(text, changes)

    resolution = resolve(selector, new_text)

    event(resolution.status.value)
    assert_invariants(selector, new_text, resolution)


@settings(max_examples=200, deadline=None)
@given(
    text=texts,
    before_changes=edits,
    after_changes=edits,
    keep_context=st.booleans(),
    data=st.data(),
)
def test_edits_outside_the_anchor_resolve_to_exactly_the_quote(
    text, before_changes, after_changes, keep_context, data
):
    selector = draw_anchor(data, text)
    before, after = text[: selector.start], text[selector.end :]
    # Optionally spare the characters next to the anchor so that its context survives whole.
    keep = QUOTE_CONTEXT if keep_context else 0
    near_before, near_after = before[len(before) - keep :] if keep else "", after[:keep]
    far_before, far_after = before[: len(before) - len(near_before)], after[len(near_after) :]
    new_before = apply_edits(far_before, before_changes) + near_before
    new_after = near_after + apply_edits(far_after, after_changes)
    new_text = new_before + selector.exact + new_after

    resolution = resolve(selector, new_text)

    assert_invariants(selector, new_text, resolution)
    if resolution.status in (Status.ORPHANED, Status.FUZZY):
        # Only a short quote is not found as it is, and only when its own surroundings changed
        # too much to vouch for it: then it is orphaned, or found where its context agrees.
        event(f"short quote {resolution.status.value}")
        at = len(new_before)
        assert is_short(selector)
        agreement = context_agreement(selector, new_text, at, at + len(selector.exact))
        assert agreement < SHORT_QUOTE_CONTEXT
        return
    assert resolution.status in (Status.IN_PLACE, Status.MOVED)
    assert new_text[resolution.start : resolution.end] == selector.exact
    context_intact = new_before.endswith(selector.prefix) and new_after.startswith(selector.suffix)
    in_context = selector.prefix + selector.exact + selector.suffix
    if context_intact and len(find_all(new_text, in_context)) == 1:
        event("context intact and unique")
        assert resolution.start == len(new_before)


@settings(max_examples=200, deadline=None)
@given(
    exact=st.text(max_size=40),
    prefix=st.text(max_size=QUOTE_CONTEXT),
    suffix=st.text(max_size=QUOTE_CONTEXT),
    start=st.integers(-50, 500),
    length=st.integers(-5, 60),
    new_text=st.text(max_size=300),
)
def test_arbitrary_strings_never_raise(exact, prefix, suffix, start, length, new_text):
    selector = Selector(start, start + length, exact, prefix, suffix)

    resolution = resolve(selector, new_text, old_length=len(new_text) + length)

    if exact.strip():
        assert_invariants(selector, new_text, resolution)
    else:
        assert resolution.status is Status.ORPHANED


def word_span(tokens: list[str], first: int, count: int) -> tuple[int, int]:
    """The offsets of tokens[first : first + count] in " ".join(tokens)."""
    start = sum(len(token) + 1 for token in tokens[:first])
    return start, start + len(" ".join(tokens[first : first + count]))


def replaced(tokens: list[str], index: int, word: str) -> list[str]:
    """tokens with tokens[index] replaced by word, keeping a sentence's full stop."""
    ending = "." if tokens[index].endswith(".") else ""
    return [*tokens[:index], word + ending, *tokens[index + 1 :]]


# Sentences of letters the vocabulary never uses: their context agrees with nothing in a text.
DECOY = "Xqz qzx zxq xzq qxz zqx xqz {} zqx xzq qzx zxq xzq qxz."


@settings(max_examples=200, deadline=None)
@given(
    text=texts,
    word=st.sampled_from(VOCABULARY),
    replacement=st.sampled_from(VOCABULARY),
    where=st.integers(0, 10_000),
    decoys=st.lists(st.integers(0, 10_000), min_size=1, max_size=4),
)
def test_short_quote_whose_words_were_replaced_is_orphaned_not_moved_to_a_stray_copy(
    text, word, replacement, where, decoys
):
    # The quoted word occurs once; the new text replaces it there, and has it elsewhere only in
    # sentences unrelated to the quote's.
    assume(fuzz.ratio(word, replacement) < FUZZY_THRESHOLD)
    tokens = re.sub(rf"\b{word}\b", "mill", text, flags=re.IGNORECASE).split(" ")
    index = where % (len(tokens) + 1)
    tokens.insert(index, word)
    old_text = " ".join(tokens)
    selector = Selector.from_text(old_text, *word_span(tokens, index, 1))
    assert selector.exact == word and is_short(selector)
    new_tokens = replaced(tokens, index, replacement)
    for decoy in decoys:
        new_tokens.insert(decoy % (len(new_tokens) + 1), DECOY.format(word))
    new_text = " ".join(new_tokens)

    resolution = resolve(selector, new_text)

    assert resolution.status is Status.ORPHANED


# Prose rarely repeats itself word for word; a text that is one word over and over ("river
# river river river") cannot tell a replaced word from a deleted one.
WORDS = (
    VOCABULARY
    + (
        "mill ferry harbour quay barge tide gate road church field farmer mayor county engineer "
        "drain winter spring meeting plan money"
    ).split()
)
unrepeated_texts = st.lists(st.sampled_from(WORDS), min_size=3, max_size=30, unique=True).map(
    lambda words: " ".join(words).capitalize() + "."
)


@settings(max_examples=200, deadline=None)
@given(text=unrepeated_texts, word=st.sampled_from(WORDS), data=st.data())
def test_fuzzy_match_spans_the_whole_reworded_quote(text, word, data):
    tokens = text.split(" ")
    assume(word not in text.lower())
    count = data.draw(st.integers(3, min(8, len(tokens))), label="count")
    first = data.draw(st.integers(0, len(tokens) - count), label="first")
    # Any word of the quote, its first and last included, is replaced.
    changed = data.draw(st.integers(first, first + count - 1), label="changed")
    new_tokens = replaced(tokens, changed, word)
    new_text = " ".join(new_tokens)
    selector = Selector.from_text(text, *word_span(tokens, first, count))
    new_start, new_end = word_span(new_tokens, first, count)
    assume(selector.exact not in new_text)  # else it is simply found as it is
    assume(fuzz.ratio(selector.exact, new_text[new_start:new_end]) >= FUZZY_THRESHOLD)

    resolution = resolve(selector, new_text)

    event(f"word {changed - first + 1} of {count} replaced")
    assert (resolution.status, resolution.start, resolution.end) == (
        Status.FUZZY,
        new_start,
        new_end,
    )


@settings(max_examples=200, deadline=None)
@given(
    unit=texts,
    copies=st.integers(2, 6),
    reword=st.booleans(),
    word=st.sampled_from(VOCABULARY),
    lead=st.sampled_from(["", "Preface. ", "A much longer preface comes first, before it all. "]),
    data=st.data(),
)
def test_among_equally_good_matches_the_nearest_to_the_old_position_wins(
    unit, copies, reword, word, lead, data
):
    # The text is one passage repeated, so the quote has look-alikes whose surroundings are just
    # as good; every copy gets the same edit, inside the quote (fuzzy) or outside it (exact).
    tokens = unit.split(" ")
    assume(len(tokens) >= 4)
    count = data.draw(st.integers(3, min(6, len(tokens) - 1)), label="count")
    first = data.draw(st.integers(0, len(tokens) - count), label="first")
    copy = data.draw(st.integers(0, copies - 1), label="copy")
    inside = range(first, first + count)
    outside = [i for i in range(len(tokens)) if i not in inside]
    changed = data.draw(st.sampled_from(list(inside) if reword else outside), label="changed")
    start, end = word_span(tokens, first, count)
    old_start = copy * (len(unit) + 1) + start
    old_text = " ".join([unit] * copies)
    selector = Selector.from_text(old_text, old_start, old_start + end - start)
    new_text = lead + " ".join([" ".join(replaced(tokens, changed, word))] * copies)
    if reword:
        assume(selector.exact not in new_text)

    resolution = resolve(selector, new_text)

    assert_invariants(selector, new_text, resolution)
    if resolution.status is Status.ORPHANED:
        event("orphaned")
        assume(False)
    chosen, end = resolution.start, resolution.end
    expected = min(old_start, len(new_text))

    def surroundings(at: int) -> tuple[str, str]:
        # Wider than any context the algorithm reads: equal surroundings are equally good.
        width = 2 * QUOTE_CONTEXT
        after = at + (end - chosen)
        return new_text[max(0, at - width) : at], new_text[after : after + width]

    alike = [
        at
        for at in find_all(new_text, new_text[chosen:end])
        if surroundings(at) == surroundings(chosen)
    ]
    event(f"{len(alike)} equally good")
    assert min(alike, key=lambda at: (abs(at - expected), at)) == chosen

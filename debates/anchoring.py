"""Find anchors again when a source's text is revised.

An anchor is stored as a W3C TextPositionSelector (``start``/``end``) plus a TextQuoteSelector
(``exact`` with up to ``QUOTE_CONTEXT`` characters of ``prefix`` and ``suffix``). ``resolve`` looks
for it in the new text and never drops it, trying in turn:

1. IN_PLACE: the quote is still at its old offsets;
2. MOVED: the quote occurs elsewhere; the occurrence whose surroundings best match the stored
   context wins, then the one nearest the old (length-scaled) position;
3. FUZZY: a similar passage found with rapidfuzz, snapped to word boundaries. Its ends are where
   the stored context meets it, so a replaced first or last word stays in the match; equally
   good look-alikes are settled by nearness to the old position, as for MOVED;
4. ORPHANED: nothing acceptable, so no span.

A short quote (under ``SHORT_QUOTE`` characters) is only found, exactly or fuzzily, where its
surroundings agree with the stored context (``context_agreement`` at least
``SHORT_QUOTE_CONTEXT``): a common word whose own sentence was rewritten is orphaned rather than
moved to the same word in an unrelated sentence.

Pure Python, no Django: the caller maps model fields to ``Selector`` and back.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import islice

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

QUOTE_CONTEXT = 32

# Similarity (rapidfuzz ``fuzz.ratio``, 0-100, one minus the normalised insert/delete distance)
# a fuzzy match needs. A fixed typo scores 90+, two or three words changed in a 15-word sentence
# score about 80-88, while unrelated English passages of the same length score 30-55; 75 keeps
# moderate rewording and rejects passages that merely share common words.
FUZZY_THRESHOLD = 75.0
# A match may be this much shorter or longer (as a fraction of the quote) than the quote.
LENGTH_TOLERANCE = 0.4
# Short quotes resemble unrelated words by chance ("house"/"horse" scores 80) and occur by
# chance ("the", "river"), so below this length any match, exact or fuzzy, also needs its
# surroundings to agree with the stored context; random context windows rarely score above 50.
SHORT_QUOTE = 20
SHORT_QUOTE_CONTEXT = 60.0
# In a large text, look this many characters either side of the expected place before searching
# everything: it is faster and avoids a look-alike passage far away.
NEAR_RADIUS = 2000
# At most this many other occurrences of a fuzzy match's words are weighed against it.
LOOK_ALIKES = 1000
# Below this many (start, end) pairs a fuzzy match's ends are chosen by scoring every pair.
EXHAUSTIVE_PAIRS = 1200
_APOSTROPHES = "'\u2019"


@dataclass(frozen=True)
class Selector:
    start: int
    end: int
    exact: str
    prefix: str = ""
    suffix: str = ""

    @classmethod
    def from_text(cls, text: str, start: int, end: int) -> Selector:
        """The selector for ``text[start:end]`` with up to QUOTE_CONTEXT characters of context."""
        if not 0 <= start <= end <= len(text):
            raise ValueError(f"span {start}:{end} is outside a text of length {len(text)}")
        return cls(
            start=start,
            end=end,
            exact=text[start:end],
            prefix=text[max(0, start - QUOTE_CONTEXT) : start],
            suffix=text[end : end + QUOTE_CONTEXT],
        )


class Status(StrEnum):
    IN_PLACE = "in_place"
    MOVED = "moved"
    FUZZY = "fuzzy"
    ORPHANED = "orphaned"


@dataclass(frozen=True)
class Resolution:
    status: Status
    start: int | None
    end: int | None
    score: float

    def selector(self, text: str) -> Selector | None:
        """The anchor's new selector in ``text`` (the text it was resolved against)."""
        if self.start is None or self.end is None:
            return None
        return Selector.from_text(text, self.start, self.end)


@dataclass(frozen=True)
class Report:
    in_place: int
    moved: int
    fuzzy: int
    orphaned: int

    @property
    def total(self) -> int:
        return self.in_place + self.moved + self.fuzzy + self.orphaned


def resolve(selector: Selector, new_text: str, *, old_length: int | None = None) -> Resolution:
    """Find ``selector`` (made against an older text) in ``new_text``.

    ``old_length`` is the length of the text the selector was made against; when given, the old
    position is scaled to the new length before measuring nearness.
    """
    return _resolve(selector, _Text(new_text), old_length)


def resolve_all(
    selectors: Sequence[Selector], new_text: str, *, old_length: int | None = None
) -> list[Resolution]:
    """``resolve`` for each selector, in order, sharing the occurrence index of ``new_text``."""
    text = _Text(new_text)
    return [_resolve(selector, text, old_length) for selector in selectors]


def summarise(resolutions: Iterable[Resolution]) -> Report:
    counts = Counter(resolution.status for resolution in resolutions)
    return Report(
        in_place=counts[Status.IN_PLACE],
        moved=counts[Status.MOVED],
        fuzzy=counts[Status.FUZZY],
        orphaned=counts[Status.ORPHANED],
    )


class _Text:
    """The new text plus the occurrences of quotes already looked up in it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._occurrences: dict[str, list[int]] = {}

    def occurrences(self, quote: str) -> list[int]:
        found = self._occurrences.get(quote)
        if found is None:
            found = list(_find_all(self.text, quote))
            self._occurrences[quote] = found
        return found


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    similarity: float  # of the passage to the quote (fuzz.ratio)
    context: float  # context_agreement around it
    cost: float  # edits to make the passage in its surroundings the quote in its context


def _orphaned(score: float = 0.0) -> Resolution:
    return Resolution(Status.ORPHANED, None, None, score)


def _resolve(selector: Selector, text: _Text, old_length: int | None) -> Resolution:
    if not selector.exact.strip():
        return _orphaned()
    expected = _expected_start(selector.start, len(text.text), old_length)
    resolution = _exact_match(selector, text, expected) or _fuzzy_match(
        selector, text.text, expected
    )
    return _checked(resolution, len(text.text))


def _expected_start(old_start: int, new_length: int, old_length: int | None) -> int:
    position = old_start
    if old_length and old_length > 0:
        position = round(old_start * new_length / old_length)
    return min(max(position, 0), new_length)


def _checked(resolution: Resolution, length: int) -> Resolution:
    # A last guard so callers can store the span without re-validating it.
    if resolution.status is Status.ORPHANED:
        return resolution
    start, end = resolution.start, resolution.end
    if start is None or end is None or not 0 <= start < end <= length:
        return _orphaned()
    return resolution


def _find_all(text: str, quote: str) -> Iterator[int]:
    position = text.find(quote)
    while position != -1:
        yield position
        position = text.find(quote, position + 1)


def _needs_context(selector: Selector) -> bool:
    """Whether the quote is short enough that only its surroundings can vouch for a match."""
    return len(selector.exact.strip()) < SHORT_QUOTE and bool(selector.prefix or selector.suffix)


def _exact_match(selector: Selector, text: _Text, expected: int) -> Resolution | None:
    quote = selector.exact
    agreements = [
        (context_agreement(selector, text.text, p, p + len(quote)), p)
        for p in text.occurrences(quote)
    ]
    if _needs_context(selector):
        # A short quote in other surroundings is a chance occurrence, not the anchor: the
        # fuzzy search (which asks the same) or orphaning decides instead.
        agreements = [(a, p) for a, p in agreements if a >= SHORT_QUOTE_CONTEXT]
    if not agreements:
        return None
    # Rounded so that near-equal context scores count as a tie, settled by nearness.
    scored = [(round(agreement, 1), p) for agreement, p in agreements]
    best_context = max(score for score, _ in scored)
    # The old offsets win unless another occurrence fits the stored context better: a copy of
    # the quote pasted exactly onto the old offset must not capture the anchor.
    if any(p == selector.start and score == best_context for score, p in scored):
        return Resolution(Status.IN_PLACE, selector.start, selector.start + len(quote), 100.0)
    _, best = min(scored, key=lambda sp: (-sp[0], abs(sp[1] - expected), sp[1]))
    return Resolution(Status.MOVED, best, best + len(quote), 100.0)


def context_agreement(selector: Selector, text: str, start: int, end: int) -> float:
    """How well the text around ``start:end`` matches the stored prefix and suffix (0-100)."""
    prefix, suffix = selector.prefix, selector.suffix
    weight = len(prefix) + len(suffix)
    if weight == 0:
        return 100.0
    before = text[max(0, start - len(prefix)) : start]
    after = text[end : end + len(suffix)]
    total = 0.0
    if prefix:
        total += len(prefix) * fuzz.ratio(prefix, before)
    if suffix:
        total += len(suffix) * fuzz.ratio(suffix, after)
    return total / weight


def _fuzzy_match(selector: Selector, text: str, expected: int) -> Resolution:
    core = selector.exact.strip()
    edges = _ContextCost(selector, text)
    best_seen = 0.0
    for lo, hi in _search_windows(len(text), expected, len(core)):
        candidates = _candidates(selector, core, text, lo, hi, edges)
        best_seen = max([best_seen, *(c.similarity for c in candidates)])
        accepted = [c for c in candidates if _acceptable(c, selector)]
        if accepted:
            accepted += _look_alikes(selector, text, (lo, hi, expected), accepted, edges)
            # The fewest edits win; equally good candidates go to the nearest.
            best = min(accepted, key=lambda c: (c.cost, abs(c.start - expected), c.start))
            return Resolution(Status.FUZZY, best.start, best.end, best.similarity)
    return _orphaned(best_seen)


def _search_windows(length: int, expected: int, quote_length: int) -> list[tuple[int, int]]:
    radius = NEAR_RADIUS + quote_length
    lo, hi = max(0, expected - radius), min(length, expected + radius)
    if lo == 0 and hi == length:
        return [(0, length)]
    return [(lo, hi), (0, length)]


def _acceptable(candidate: _Candidate, selector: Selector) -> bool:
    if candidate.similarity < FUZZY_THRESHOLD:
        return False
    return not _needs_context(selector) or candidate.context >= SHORT_QUOTE_CONTEXT


def _look_alikes(
    selector: Selector,
    text: str,
    window: tuple[int, int, int],
    found: list[_Candidate],
    edges: _ContextCost,
) -> list[_Candidate]:
    """Other places in the window (lo, hi, expected) holding the very words of an accepted
    match, up to LOOK_ALIKES of them, nearest the expected place first.

    rapidfuzz aligns a needle at the first best place in the window, so identical passages
    elsewhere (a repeated paragraph) are only considered through this search.
    """
    spans = {(c.start, c.end) for c in found}
    more: list[_Candidate] = []
    for candidate in found:
        words = text[candidate.start : candidate.end]
        for start in islice(_nearest_first(text, words, *window), LOOK_ALIKES):
            end = start + len(words)
            if (start, end) in spans:
                continue
            spans.add((start, end))
            context = context_agreement(selector, text, start, end)
            cost = candidate.cost - edges.around(candidate.start, candidate.end)
            cost += edges.around(start, end)
            look_alike = _Candidate(start, end, candidate.similarity, context, cost)
            if _acceptable(look_alike, selector):
                more.append(look_alike)
    return more


def _nearest_first(text: str, words: str, lo: int, hi: int, around: int) -> Iterator[int]:
    """Where ``words`` occurs within text[lo:hi], by distance from ``around``."""
    around = min(max(around, lo), hi)
    after = text.find(words, around, hi)
    # rfind wants the whole of the words before its end bound: this is the last start < around.
    before = text.rfind(words, lo, min(hi, around - 1 + len(words))) if around > lo else -1
    while after != -1 or before != -1:
        if before == -1 or (after != -1 and after - around < around - before):
            yield after
            after = text.find(words, after + 1, hi)
        else:
            yield before
            before = text.rfind(words, lo, before - 1 + len(words)) if before > lo else -1


def _candidates(
    selector: Selector, core: str, text: str, lo: int, hi: int, edges: _ContextCost
) -> list[_Candidate]:
    """Refined matches around where rapidfuzz aligns the quote, alone and with its context."""
    if hi <= lo:
        return []
    window = text[lo:hi]
    candidates: dict[tuple[int, int], _Candidate] = {}
    for needle, offset in _needles(selector, core):
        alignment = fuzz.partial_ratio_alignment(needle, window)
        if alignment is None:  # only with a score_cutoff, which is not given
            continue
        # Map the quote's offset in the needle through the alignment into the text.
        hint = lo + alignment.dest_start - alignment.src_start + offset
        span = _refine(core, text, hint, hint + len(core), edges)
        if span is None or span[:2] in candidates:
            continue
        start, end, similarity, cost = span
        context = context_agreement(selector, text, start, end)
        candidates[start, end] = _Candidate(start, end, similarity, context, cost)
    return list(candidates.values())


def _needles(selector: Selector, core: str) -> list[tuple[str, int]]:
    """The quote alone and with each side of its context, with the quote's offset in each."""
    # Context locates a reworded quote among look-alikes; the bare quote survives context edits.
    prefix, suffix = selector.prefix, selector.suffix
    needles = [(core, 0)]
    if prefix:
        needles.append((prefix + core, len(prefix)))
    if suffix:
        needles.append((core + suffix, 0))
    if prefix and suffix:
        needles.append((prefix + core + suffix, len(prefix)))
    return needles


class _ContextCost:
    """What it costs, in character edits, for a match to start or end at a position: how far
    the text before the start is from the stored prefix, and the text after the end from the
    stored suffix.

    Measuring a span's ends by its context keeps a reworded quote whole: with "Many years
    later" edited to "Some years later", the match "years later" would leave "Some " between
    it and the prefix. A fixed-length window shifted by n characters differs from the prefix
    by about 2n edits (n come in, n go out), so that cost is halved to count each once; a
    prefix shorter than QUOTE_CONTEXT reached the start of the old text, and the new window,
    growing from the start of the text, is compared whole (likewise for suffixes at the end).
    """

    def __init__(self, selector: Selector, text: str) -> None:
        exact = selector.exact
        self.text = text
        # Whitespace trimmed off the quote belongs to its context.
        self.prefix = selector.prefix + exact[: len(exact) - len(exact.lstrip())]
        self.suffix = exact[len(exact.rstrip()) :] + selector.suffix
        self.prefix_reaches_start = len(selector.prefix) < QUOTE_CONTEXT
        self.suffix_reaches_end = len(selector.suffix) < QUOTE_CONTEXT
        self._before: dict[int, float] = {}
        self._after: dict[int, float] = {}

    def before(self, start: int) -> float:
        cost = self._before.get(start)
        if cost is None:
            if self.prefix_reaches_start:
                window = self.text[max(0, start - QUOTE_CONTEXT) : start]
                cost = float(Indel.distance(self.prefix, window))
            else:
                window = self.text[max(0, start - len(self.prefix)) : start]
                cost = Indel.distance(self.prefix, window) / 2
            self._before[start] = cost
        return cost

    def after(self, end: int) -> float:
        cost = self._after.get(end)
        if cost is None:
            if self.suffix_reaches_end:
                window = self.text[end : end + QUOTE_CONTEXT]
                cost = float(Indel.distance(self.suffix, window))
            else:
                window = self.text[end : end + len(self.suffix)]
                cost = Indel.distance(self.suffix, window) / 2
            self._after[end] = cost
        return cost

    def around(self, start: int, end: int) -> float:
        return self.before(start) + self.after(end)


def _refine(
    core: str, text: str, hint_start: int, hint_end: int, edges: _ContextCost
) -> tuple[int, int, float, float] | None:
    """The word-boundary span near the hint, within the length limits, that needs the fewest
    edits to become the quote in its stored context; with its similarity to ``core`` and that
    number of edits."""
    min_length = math.ceil(len(core) * (1 - LENGTH_TOLERANCE))
    max_length = math.floor(len(core) * (1 + LENGTH_TOLERANCE))
    slack = math.ceil(len(core) * LENGTH_TOLERANCE) + 8
    starts = _start_boundaries(text, hint_start - slack, hint_start + slack)
    ends = _end_boundaries(text, hint_end - slack, hint_end + slack)
    if not starts or not ends:
        return None

    def cost(start: int, end: int) -> float:
        if not min_length <= end - start <= max_length:
            return math.inf
        return Indel.distance(core, text[start:end]) + edges.before(start) + edges.after(end)

    def distance(start: int, end: int) -> int:
        return abs(start - hint_start) + abs(end - hint_end)

    if len(starts) * len(ends) <= EXHAUSTIVE_PAIRS:
        # Few enough to score every pair: repetitive text ("river river river") has local
        # optima that moving one end at a time does not leave.
        pairs = ((s, e) for s in starts for e in ends)
        start, end = min(pairs, key=lambda pair: (cost(*pair), distance(*pair)))
    else:
        start = min(starts, key=lambda s: abs(s - hint_start))
        end = min(ends, key=lambda e: abs(e - hint_end))
        # For long quotes the cost is close to separable in the two ends, so a few alternating
        # passes find the best pair without scoring every combination.
        for _ in range(3):
            new_start = min(starts, key=lambda s: (cost(s, end), abs(s - hint_start)))
            new_end = min(ends, key=lambda e: (cost(new_start, e), abs(e - hint_end)))
            if (new_start, new_end) == (start, end):
                break
            start, end = new_start, new_end
    best = cost(start, end)
    if math.isinf(best):
        return None
    return start, end, fuzz.ratio(core, text[start:end]), best


def _is_word_char(text: str, index: int) -> bool:
    char = text[index]
    if char.isalnum():
        return True
    # An apostrophe inside a word ("don't") belongs to it; a quotation mark does not.
    return (
        char in _APOSTROPHES
        and 0 < index < len(text) - 1
        and text[index - 1].isalnum()
        and text[index + 1].isalnum()
    )


def _mid_word(text: str, position: int) -> bool:
    return (
        0 < position < len(text)
        and _is_word_char(text, position - 1)
        and _is_word_char(text, position)
    )


def _start_boundaries(text: str, lo: int, hi: int) -> list[int]:
    """Positions in [lo, hi] where a highlight may start: not mid-word, not on whitespace."""
    lo, hi = max(lo, 0), min(hi, len(text) - 1)
    return [p for p in range(lo, hi + 1) if not text[p].isspace() and not _mid_word(text, p)]


def _end_boundaries(text: str, lo: int, hi: int) -> list[int]:
    """Positions in [lo, hi] where a highlight may end: not mid-word, not after whitespace."""
    lo, hi = max(lo, 1), min(hi, len(text))
    return [p for p in range(lo, hi + 1) if not text[p - 1].isspace() and not _mid_word(text, p)]

"""Find anchors again when a source's text is revised.

An anchor is stored as a W3C TextPositionSelector (``start``/``end``) plus a TextQuoteSelector
(``exact`` with up to ``QUOTE_CONTEXT`` characters of ``prefix`` and ``suffix``). ``resolve`` looks
for it in the new text and never drops it, trying in turn:

1. IN_PLACE: the quote is still at its old offsets;
2. MOVED: the quote occurs elsewhere; the occurrence whose surroundings best match the stored
   context wins, then the one nearest the old (length-scaled) position;
3. FUZZY: a similar passage found with rapidfuzz, snapped to word boundaries;
4. ORPHANED: nothing acceptable, so no span.

Pure Python, no Django: the caller maps model fields to ``Selector`` and back.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz

QUOTE_CONTEXT = 32

# Similarity (rapidfuzz ``fuzz.ratio``, 0-100, one minus the normalised insert/delete distance)
# a fuzzy match needs. A fixed typo scores 90+, two or three words changed in a 15-word sentence
# score about 80-88, while unrelated English passages of the same length score 30-55; 75 keeps
# moderate rewording and rejects passages that merely share common words.
FUZZY_THRESHOLD = 75.0
# A match may be this much shorter or longer (as a fraction of the quote) than the quote.
LENGTH_TOLERANCE = 0.4
# Short quotes resemble unrelated words by chance ("house"/"horse" scores 80), so below this
# length a fuzzy match also needs its surroundings to agree with the stored context; random
# context windows rarely score above 50.
SHORT_QUOTE = 20
SHORT_QUOTE_CONTEXT = 60.0
# In a large text, look this many characters either side of the expected place before searching
# everything: it is faster and avoids a look-alike passage far away.
NEAR_RADIUS = 2000
# Weight of context agreement against quote similarity when ranking fuzzy candidates.
CONTEXT_WEIGHT = 0.25
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
    similarity: float
    context: float

    @property
    def rank(self) -> float:
        return (1 - CONTEXT_WEIGHT) * self.similarity + CONTEXT_WEIGHT * self.context


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


def _exact_match(selector: Selector, text: _Text, expected: int) -> Resolution | None:
    quote = selector.exact
    positions = text.occurrences(quote)
    if not positions:
        return None
    # Rounded so that near-equal context scores count as a tie, settled by nearness.
    scored = [
        (round(_context_score(selector, text.text, p, p + len(quote)), 1), p) for p in positions
    ]
    best_context = max(score for score, _ in scored)
    # The old offsets win unless another occurrence fits the stored context better: a copy of
    # the quote pasted exactly onto the old offset must not capture the anchor.
    if any(p == selector.start and score == best_context for score, p in scored):
        return Resolution(Status.IN_PLACE, selector.start, selector.start + len(quote), 100.0)
    _, best = min(scored, key=lambda sp: (-sp[0], abs(sp[1] - expected), sp[1]))
    return Resolution(Status.MOVED, best, best + len(quote), 100.0)


def _context_score(selector: Selector, text: str, start: int, end: int) -> float:
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
    best_seen = 0.0
    for lo, hi in _search_windows(len(text), expected, len(core)):
        candidates = _candidates(selector, core, text, lo, hi)
        best_seen = max([best_seen, *(c.similarity for c in candidates)])
        accepted = [c for c in candidates if _acceptable(c, selector, core)]
        if accepted:
            best = max(accepted, key=lambda c: (c.rank, -abs(c.start - expected)))
            return Resolution(Status.FUZZY, best.start, best.end, best.similarity)
    return _orphaned(best_seen)


def _search_windows(length: int, expected: int, quote_length: int) -> list[tuple[int, int]]:
    radius = NEAR_RADIUS + quote_length
    lo, hi = max(0, expected - radius), min(length, expected + radius)
    if lo == 0 and hi == length:
        return [(0, length)]
    return [(lo, hi), (0, length)]


def _acceptable(candidate: _Candidate, selector: Selector, core: str) -> bool:
    if candidate.similarity < FUZZY_THRESHOLD:
        return False
    has_context = bool(selector.prefix or selector.suffix)
    if len(core) < SHORT_QUOTE and has_context:
        return candidate.context >= SHORT_QUOTE_CONTEXT
    return True


def _candidates(selector: Selector, core: str, text: str, lo: int, hi: int) -> list[_Candidate]:
    """Refined matches around where rapidfuzz aligns the quote, alone and with its context."""
    if hi <= lo:
        return []
    window = text[lo:hi]
    candidates: dict[tuple[int, int], _Candidate] = {}
    for needle, offset in _needles(selector, core):
        alignment = fuzz.partial_ratio_alignment(needle, window)
        # Map the quote's offset in the needle through the alignment into the text.
        hint = lo + alignment.dest_start - alignment.src_start + offset
        span = _refine(core, text, hint, hint + len(core))
        if span is None or span in candidates:
            continue
        start, end, similarity = span
        context = _context_score(selector, text, start, end)
        candidates[start, end] = _Candidate(start, end, similarity, context)
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


def _refine(core: str, text: str, hint_start: int, hint_end: int) -> tuple[int, int, float] | None:
    """The word-boundary span near the hint most similar to ``core``, within the length limits."""
    min_length = math.ceil(len(core) * (1 - LENGTH_TOLERANCE))
    max_length = math.floor(len(core) * (1 + LENGTH_TOLERANCE))
    slack = math.ceil(len(core) * LENGTH_TOLERANCE) + 8
    starts = _start_boundaries(text, hint_start - slack, hint_start + slack)
    ends = _end_boundaries(text, hint_end - slack, hint_end + slack)
    if not starts or not ends:
        return None

    def score(start: int, end: int) -> float:
        if not min_length <= end - start <= max_length:
            return -1.0
        return fuzz.ratio(core, text[start:end])

    start = min(starts, key=lambda s: abs(s - hint_start))
    end = min(ends, key=lambda e: abs(e - hint_end))
    # Similarity is close to separable in the two ends, so a few alternating passes find the
    # best pair without scoring every combination.
    for _ in range(3):
        new_start = max(starts, key=lambda s: (score(s, end), -abs(s - hint_start)))
        new_end = max(ends, key=lambda e: (score(new_start, e), -abs(e - hint_end)))
        if (new_start, new_end) == (start, end):
            break
        start, end = new_start, new_end
    similarity = score(start, end)
    if similarity < 0:
        return None
    return start, end, similarity


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

"""Turn a pasted article into a title and sections of blocks with exact character offsets.

Three input styles are recognised: "scraped" encyclopedia text (one section per line, written
``Heading - body``, with inline ``- Label: text`` list items), "markdown" (``#`` headings and
``-``/``*``/``+``/``1.`` lists) and "plain" (a title line, then paragraphs). Every offset points
into ``ParsedArticle.text``, which is the input with line endings normalised and nothing else
changed, so annotations anchored on those offsets stay valid for the stored text.

This module is deliberately free of Django and of I/O: text in, plain data out.
"""

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

PARAGRAPH = "paragraph"
LIST_ITEM = "list_item"
SCRAPED = "scraped"
MARKDOWN = "markdown"
PLAIN = "plain"

_BLOCK_KINDS = frozenset({PARAGRAPH, LIST_ITEM})
_FORMATS = frozenset({SCRAPED, MARKDOWN, PLAIN})


class ArticleError(ValueError):
    """The input cannot be read as an article; the message says why in plain words."""


@dataclass(frozen=True)
class Block:
    kind: str
    start: int
    end: int
    label: str = ""


@dataclass(frozen=True)
class Section:
    title: str
    heading_start: int | None
    heading_end: int | None
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class ParsedArticle:
    title: str
    text: str
    sections: tuple[Section, ...]
    format: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "text": self.text,
            "format": self.format,
            "sections": [
                {
                    "title": section.title,
                    "heading_start": section.heading_start,
                    "heading_end": section.heading_end,
                    "blocks": [
                        {"kind": b.kind, "start": b.start, "end": b.end, "label": b.label}
                        for b in section.blocks
                    ],
                }
                for section in self.sections
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ParsedArticle":
        try:
            article = cls(
                title=str(data["title"]),
                text=str(data["text"]),
                format=str(data["format"]),
                sections=tuple(_section_from_dict(s) for s in data["sections"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ArticleError(f"The stored article data is malformed ({exc!r}).") from exc
        _check_stored(article)
        return article


def _section_from_dict(data: dict[str, Any]) -> Section:
    heading_start, heading_end = data["heading_start"], data["heading_end"]
    return Section(
        title=str(data["title"]),
        heading_start=None if heading_start is None else int(heading_start),
        heading_end=None if heading_end is None else int(heading_end),
        blocks=tuple(
            Block(
                kind=str(b["kind"]), start=int(b["start"]), end=int(b["end"]), label=str(b["label"])
            )
            for b in data["blocks"]
        ),
    )


def _check_stored(article: ParsedArticle) -> None:
    # Stored data outlives the code that wrote it; refuse offsets that no longer fit the text
    # rather than letting them silently select the wrong passage later.
    if article.format not in _FORMATS:
        raise ArticleError(f"The stored article has an unknown format {article.format!r}.")
    position = 0
    for section in article.sections:
        spans: list[tuple[int | None, int | None]] = [(b.start, b.end) for b in section.blocks]
        if section.heading_start is not None or section.heading_end is not None:
            spans.insert(0, (section.heading_start, section.heading_end))
        for block in section.blocks:
            if block.kind not in _BLOCK_KINDS:
                raise ArticleError(f"The stored article has an unknown block kind {block.kind!r}.")
        for start, end in spans:
            if start is None or end is None or not position <= start < end <= len(article.text):
                raise ArticleError("The stored article has offsets out of order or past its text.")
            position = end


# --- entry point ----------------------------------------------------------------------------


def parse_article(text: str, *, title: str | None = None) -> ParsedArticle:
    """Parse ``text`` into a ``ParsedArticle``; raise ``ArticleError`` if it holds no article.

    When ``title`` is given (and not blank) it is used as the title and the whole text is body,
    except that a first line repeating the title is dropped from the body.
    """
    text = _normalise(text)
    if not text.strip():
        raise ArticleError("The text is empty: there is nothing to import.")
    lines = [line for line in _lines(text) if not _is_blank(text, line)]
    given = title.strip() if title else ""
    style = MARKDOWN if _looks_like_markdown(text, lines) else None

    if given:
        raw_title = given
        body = lines[1:] if _first_line_is_title(text, lines[0], given, style) else lines
    else:
        raw_title, body = _split_title(text, lines, style)
    if not body:
        raise ArticleError("The text has a title but no body text under it.")
    if style is None:
        style = SCRAPED if any(_scraped_heading(text, *line) for line in body) else PLAIN

    body_start, body_end = body[0][0], body[-1][1]
    if style == MARKDOWN:
        sections = _parse_markdown(text, body_start, body_end)
    elif style == SCRAPED:
        sections = _parse_scraped(text, body)
    else:
        sections = _parse_plain(text, body_start, body_end)
    if not any(section.blocks for section in sections):
        raise ArticleError("The text has headings but no body text under them.")

    found_title = given or _collapse(raw_title)
    if style == SCRAPED and raw_title and not given:
        found_title = _repair_title(_clean_scraped_title(raw_title), _lead_text(text, sections))
    return ParsedArticle(title=found_title, text=text, sections=tuple(sections), format=style)


# --- text primitives ------------------------------------------------------------------------

_Line = tuple[int, int]  # (start, end) of a line's content, the "\n" excluded


def _normalise(text: str) -> str:
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _lines(text: str) -> Iterator[_Line]:
    # Only "\n" separates lines: str.splitlines would also split on form feeds, U+2028 and
    # other characters that are legitimately part of a stored line.
    start = 0
    for piece in text.split("\n"):
        yield start, start + len(piece)
        start += len(piece) + 1


def _is_blank(text: str, line: _Line) -> bool:
    return not text[line[0] : line[1]].strip()


def _trim(text: str, start: int, end: int) -> _Line:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _block(text: str, start: int, end: int, kind: str = PARAGRAPH, label: str = "") -> Block | None:
    start, end = _trim(text, start, end)
    return Block(kind, start, end, label) if start < end else None


def _collapse(value: str) -> str:
    return " ".join(value.split())


def _skeleton(value: str) -> str:
    return "".join(ch for ch in value.casefold() if ch.isalnum())


# --- title ----------------------------------------------------------------------------------

_MAX_TITLE_WORDS = 12
_TITLE_BAD_ENDINGS = tuple(".,;:!…")
_EDIT_ARTEFACT = re.compile(r"(?:(?<=[a-z0-9)\]])Edit|[ \t]*\[edit\])$", re.IGNORECASE)


def _split_title(text: str, lines: list[_Line], style: str | None) -> tuple[str, list[_Line]]:
    """Split off the first non-blank line as the raw title when it looks like one."""
    first = text[lines[0][0] : lines[0][1]].strip()
    if style == MARKDOWN:
        heading = _markdown_heading(text, *lines[0])
        if heading is not None and heading.level == 1:
            return text[heading.start : heading.end], lines[1:]
        if heading is not None or _MD_LIST.match(first):
            return "", lines
    if len(lines) < 2 or _scraped_heading(text, *lines[0]) or not _looks_like_title(first):
        return "", lines
    return first, lines[1:]


def _looks_like_title(line: str) -> bool:
    return 0 < len(line.split()) <= _MAX_TITLE_WORDS and not line.endswith(_TITLE_BAD_ENDINGS)


def _clean_scraped_title(line: str) -> str:
    # Wikipedia renders an "[edit]" link after headings; scrapers glue it to the last word.
    return _collapse(_EDIT_ARTEFACT.sub("", _collapse(line)))


def _first_line_is_title(text: str, line: _Line, title: str, style: str | None) -> bool:
    first = text[line[0] : line[1]].strip()
    candidates = {_collapse(first), _clean_scraped_title(first)}
    heading = _markdown_heading(text, *line) if style == MARKDOWN else None
    if heading is not None:
        candidates.add(_collapse(text[heading.start : heading.end]))
    wanted = _collapse(title).casefold()
    return any(candidate.casefold() == wanted for candidate in candidates)


_REPAIR_THRESHOLD = 0.9
_LEADING_ARTICLES = frozenset({"the", "a", "an"})
_WORD_EDGE_PUNCT = "\"'“”‘’()[],;:.!?"


def _repair_title(title: str, lead: str) -> str:
    """Prefer the lead's own wording when it opens with a close match of the scraped title.

    Scrapers lose dashes, capitals and spaces ("Russianorth Korea Relations"), while the lead
    sentence of an encyclopedia article names its subject correctly. The last word must match
    exactly (ignoring case and punctuation) so that a title is never stretched into a different
    word such as "Russia" into "Russian".
    """
    words = title.split()
    lead_words = lead.split()
    if not words or not lead_words:
        return title
    offsets = [0]
    if lead_words[0].casefold() in _LEADING_ARTICLES:
        offsets.append(1)  # "The Battle of X was ..." should still match a title "Battle of X"
    target = title.casefold()
    best, best_ratio = title, 0.0
    for offset in offsets:
        for count in range(max(1, len(words) - 2), len(words) + 3):
            chunk = lead_words[offset : offset + count]
            if len(chunk) < count:
                break
            candidate = " ".join(chunk).strip(_WORD_EDGE_PUNCT)
            if not candidate or _skeleton(candidate.split()[-1]) != _skeleton(words[-1]):
                continue
            ratio = difflib.SequenceMatcher(None, target, candidate.casefold()).ratio()
            if ratio > best_ratio:
                best, best_ratio = candidate, ratio
    return best if best_ratio >= _REPAIR_THRESHOLD else title


def _lead_text(text: str, sections: list[Section]) -> str:
    if not sections or sections[0].heading_start is not None or not sections[0].blocks:
        return ""
    block = sections[0].blocks[0]
    return text[block.start : block.end]


# --- scraped style --------------------------------------------------------------------------

# A spaced hyphen separates heading from body and list items from each other; "Jong-un" and
# en dashes never do.
# The lookbehind and possessive run keep the search linear on long runs of spaces.
_DASH = re.compile(r"(?<![ \t])[ \t]++-[ \t]+")
_MAX_HEADING_WORDS = 10
_MAX_HEADING_CHARS = 100
_MAX_LABEL_WORDS = 8
_MAX_NAME_WORDS = 5
_MAX_NAME_CHARS = 60
_ITEM_LABEL = re.compile(r"(?P<label>[^\s:][^:\n]{0,79}?):\s+\S")
# "Clause words" betray a sentence ("Critics were blunt - ..."); headings are noun phrases.
_CLAUSE_WORDS = frozenset(
    "i we you he she it they is are was were be been am has have had do does did will would "
    "can could shall should may might must".split()
)
# A heading does not end on a word that needs a continuation ("Trade and - ...").
_DANGLING_WORDS = frozenset(
    "a an the and or but nor of to in on at by for from with as than that which who".split()
)
_LABEL_BREAK = re.compile(r"[.!?;]")
_NAME_BREAK = re.compile(r"[.,:;!?]")
_SENTENCE_BREAK = re.compile(r"[!?;:]|[a-z]{2}\.(?:\s|$)|^\.|\s\.")
_OPENERS = "\"'“‘(["


@dataclass(frozen=True)
class _Heading:
    start: int
    end: int
    body_start: int
    body_end: int


def _scraped_heading(text: str, start: int, end: int) -> _Heading | None:
    """Return the heading of a ``Heading - body`` line, or None if the line is a paragraph."""
    dash = _DASH.search(text, start, end)
    if dash is None:
        return None
    head_start, head_end = _trim(text, start, dash.start())
    body_start, body_end = _trim(text, dash.end(), end)
    if head_start == head_end or body_start == body_end:
        return None
    if not _looks_like_heading(text[head_start:head_end]):
        return None
    # After a real heading the body opens like a sentence or a list of names; after a dash
    # inside a sentence the text usually runs on in lower case ("The plan failed - and ...").
    opener = text[body_start]
    if not (opener.isupper() or opener.isdigit() or opener in _OPENERS) and not _is_name_list(
        text, _segments(text, body_start, body_end)
    ):
        return None
    return _Heading(head_start, head_end, body_start, body_end)


def _looks_like_heading(phrase: str) -> bool:
    words = phrase.split()
    if not 0 < len(words) <= _MAX_HEADING_WORDS or len(phrase) > _MAX_HEADING_CHARS:
        return False
    if not (phrase[0].isupper() or phrase[0].isdigit()) or phrase.endswith(","):
        return False
    if _SENTENCE_BREAK.search(phrase):
        return False
    folded = [word.casefold().strip(_WORD_EDGE_PUNCT) for word in words]
    return folded[-1] not in _DANGLING_WORDS and not _CLAUSE_WORDS.intersection(folded)


def _parse_scraped(text: str, lines: list[_Line]) -> list[Section]:
    # Each entry is (heading, blocks); the lead has no heading and is dropped if it stays empty.
    parts: list[tuple[_Heading | None, list[Block]]] = [(None, [])]
    for start, end in lines:
        heading = _scraped_heading(text, start, end)
        if heading is not None:
            parts.append((heading, _scraped_body(text, heading.body_start, heading.body_end)))
        elif block := _block(text, start, end):
            # A line without a heading is one more paragraph of the section above it.
            parts[-1][1].append(block)
    return [
        Section(text[h.start : h.end], h.start, h.end, tuple(blocks))
        if h is not None
        else Section("", None, None, tuple(blocks))
        for h, blocks in parts
        if h is not None or blocks
    ]


def _segments(text: str, start: int, end: int) -> list[_Line]:
    """Split a body at spaced hyphens; each segment is trimmed and non-empty."""
    bounds, position = [], start
    for dash in _DASH.finditer(text, start, end):
        bounds.append((position, dash.start()))
        position = dash.end()
    bounds.append((position, end))
    trimmed = [_trim(text, s, e) for s, e in bounds]
    return [(s, e) for s, e in trimmed if s < e]


def _item_label(segment: str) -> str | None:
    match = _ITEM_LABEL.match(segment)
    if match is None:
        return None
    label = match["label"].strip()
    if not (label[0].isupper() or label[0].isdigit()) or len(label.split()) > _MAX_LABEL_WORDS:
        return None
    return None if _LABEL_BREAK.search(label) else label


def _is_name_list(text: str, segments: list[_Line]) -> bool:
    return len(segments) >= 2 and all(_is_short_name(text[s:e]) for s, e in segments)


def _is_short_name(segment: str) -> bool:
    return (
        len(segment.split()) <= _MAX_NAME_WORDS
        and len(segment) <= _MAX_NAME_CHARS
        and segment[0].isalnum()
        and not _NAME_BREAK.search(segment)
    )


def _scraped_body(text: str, start: int, end: int) -> list[Block]:
    segments = _segments(text, start, end)
    labels = [_item_label(text[s:e]) for s, e in segments]
    # A label only counts as a list once one appears after a dash; a body that merely opens
    # with "In short: ..." is a paragraph.
    if any(label is not None for label in labels[1:]):
        return _labelled_items(text, segments, labels)
    if _is_name_list(text, segments):
        return [Block(LIST_ITEM, s, e, text[s:e]) for s, e in segments]
    block = _block(text, start, end)
    return [block] if block else []


def _labelled_items(text: str, segments: list[_Line], labels: list[str | None]) -> list[Block]:
    starts = [i for i, label in enumerate(labels) if label is not None]
    blocks: list[Block] = []
    if starts[0] > 0:
        # Text before the first item is an introduction; unlabelled segments after an item
        # are that item's own text that happened to contain a spaced hyphen.
        blocks.append(Block(PARAGRAPH, segments[0][0], segments[starts[0] - 1][1]))
    for position, first in enumerate(starts):
        last = (starts[position + 1] if position + 1 < len(starts) else len(segments)) - 1
        label = labels[first] or ""
        blocks.append(Block(LIST_ITEM, segments[first][0], segments[last][1], label))
    return blocks


# --- markdown style -------------------------------------------------------------------------

_MD_HEADING_OPENER = re.compile(r"[ \t]{0,3}(?P<marks>#{1,6})[ \t]+(?=\S)")
_MD_LIST = re.compile(r"[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+(?=\S)")
_MD_RULE = re.compile(r"[ \t]{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_MD_LABEL = re.compile(r"(?P<label>[^:\n]{1,80}?)(?:\*\*|__)?:(?:\*\*|__)?\s")
_MAX_MD_LABEL_WORDS = 6


def _looks_like_markdown(text: str, lines: list[_Line]) -> bool:
    return any(_is_markdown_line(text[start:end]) for start, end in lines)


def _is_markdown_line(line: str) -> bool:
    if _MD_RULE.match(line):
        return False
    return bool(_MD_HEADING_OPENER.match(line) or _MD_LIST.match(line))


@dataclass(frozen=True)
class _MarkdownHeading:
    level: int
    start: int
    end: int


def _markdown_heading(text: str, start: int, end: int) -> _MarkdownHeading | None:
    """Locate the words of an ATX heading line, without its opening or closing hashes."""
    opener = _MD_HEADING_OPENER.match(text, start, end)
    if opener is None:
        return None
    title_start, title_end = _trim(text, opener.end(), end)
    # Done by hand rather than by one regex: a lazy title group followed by an optional
    # closing run backtracks quadratically on long lines of spaces.
    unclosed = text[title_start:title_end].rstrip("#")
    if unclosed and unclosed[-1] in " \t":
        title_end = title_start + len(unclosed)
        title_start, title_end = _trim(text, title_start, title_end)
    return _MarkdownHeading(len(opener["marks"]), title_start, title_end)


@dataclass
class _MarkdownState:
    """Collects sections while walking the lines; an open block waits for its last line."""

    sections: list[Section] = field(default_factory=list)
    title: str = ""
    heading: _Line | None = None
    blocks: list[Block] = field(default_factory=list)
    open_kind: str | None = None
    open_start: int = 0
    open_end: int = 0
    open_label: str = ""

    def open(self, kind: str, start: int, end: int, label: str = "") -> None:
        self.open_kind, self.open_start, self.open_end, self.open_label = kind, start, end, label

    def close_block(self, text: str) -> None:
        if self.open_kind is not None:
            block = _block(text, self.open_start, self.open_end, self.open_kind, self.open_label)
            if block is not None:
                self.blocks.append(block)
        self.open_kind = None

    def close_section(self, text: str) -> None:
        self.close_block(text)
        if self.heading is not None:
            start, end = self.heading
            self.sections.append(Section(self.title, start, end, tuple(self.blocks)))
        elif self.blocks:
            self.sections.append(Section("", None, None, tuple(self.blocks)))
        self.title, self.heading, self.blocks = "", None, []


def _parse_markdown(text: str, start: int, end: int) -> list[Section]:
    state = _MarkdownState()
    for line_start, line_end in _lines(text[start:end]):
        line_start, line_end = start + line_start, start + line_end
        line = text[line_start:line_end]
        if not line.strip() or _MD_RULE.match(line):
            state.close_block(text)
            continue
        heading = _markdown_heading(text, line_start, line_end)
        if heading is not None:
            state.close_section(text)
            state.heading = (heading.start, heading.end)
            state.title = text[heading.start : heading.end]
            continue
        marker = _MD_LIST.match(line)
        if marker:
            state.close_block(text)
            item_start = line_start + marker.end()
            state.open(LIST_ITEM, item_start, line_end, _markdown_label(text[item_start:line_end]))
        elif state.open_kind is not None:
            # Lazy continuation: a non-blank line extends the paragraph or item above it.
            state.open_end = line_end
        else:
            state.open(PARAGRAPH, line_start, line_end)
    state.close_section(text)
    return state.sections


def _markdown_label(item: str) -> str:
    match = _MD_LABEL.match(item)
    if match is None:
        return ""
    label = match["label"].strip().strip("*_").strip()
    return label if label and len(label.split()) <= _MAX_MD_LABEL_WORDS else ""


# --- plain style ----------------------------------------------------------------------------


def _parse_plain(text: str, start: int, end: int) -> list[Section]:
    lines = [(start + s, start + e) for s, e in _lines(text[start:end])]
    # Blank lines, when present, separate paragraphs; without them every line is one.
    has_blank = any(_is_blank(text, line) for line in lines)
    spans = _runs(text, lines) if has_blank else lines
    blocks = [block for s, e in spans if (block := _block(text, s, e))]
    return [Section("", None, None, tuple(blocks))] if blocks else []


def _runs(text: str, lines: list[_Line]) -> list[_Line]:
    """Spans of consecutive non-blank lines, each from its first line's start to last line's end."""
    runs: list[_Line] = []
    previous_blank = True
    for line in lines:
        blank = _is_blank(text, line)
        if not blank:
            if previous_blank:
                runs.append(line)
            else:
                runs[-1] = (runs[-1][0], line[1])
        previous_blank = blank
    return runs

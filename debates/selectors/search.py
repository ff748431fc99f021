"""One search box over sources, passages, claims and notes, showing only what a viewer may see.

Visibility comes from `debates.policy` (and `selectors.debates_visible_to`), never from
here. On PostgreSQL it is full-text search (websearch syntax, English stemming), ranked
with `SearchRank` and highlighted with `SearchHeadline`; on SQLite every word must occur
(case-insensitive substring) and the snippet is made in Python. Each group is one query
whatever the data size: the group's total rides along as a window count.

Snippets are data, not HTML: a list of `Run`s, pieces of plain text each marked or not
(a match). On PostgreSQL `ts_headline` brackets the matches with two Unicode noncharacters
taken out of the text beforehand, so they can only be its marks; on SQLite the matches
are found in Python. Templates draw the runs, escaped (`search_tags.marked`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.db import connection
from django.db.models import (
    Aggregate,
    CharField,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    Window,
)
from django.db.models.functions import Replace

from .. import policy
from ..models import Annotation, Claim, Passage, Source, Tag
from .activity import debates_visible_to

if TYPE_CHECKING:
    from django.db.models.expressions import CombinedExpression

MIN_QUERY_CHARS = 2
MAX_QUERY_CHARS = 200
GROUP_LIMIT = 20
# The fallback builds one condition per word; more words than this are ignored.
MAX_WORDS = 12
SNIPPET_CHARS = 200
SEARCH_CONFIG = "english"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A word of a query: letters and digits, joined by inner hyphens, apostrophes, dots or
# underscores ("river-trade", "don't", "3.5"); everything else around words is dropped.
_WORD = re.compile(r"[^\W_]+(?:[-'’._][^\W_]+)*")
# A query's pieces: a "quoted phrase" (the closing quote optional) or a run of non-spaces.
_PIECE = re.compile(r'"([^"]*)"?|(\S+)')
NO_WORDS = "Your search had no words to look for. Type a word or two (letters or digits)."
ONLY_EXCLUDED = (
    "Your search only excluded words (-word). Add a word to look for, as in: floods -rivers."
)
# ts_headline's marks: noncharacters (reserved by Unicode for a program's own use, never
# meant for text), removed from the text before it is highlighted.
_START, _STOP = "\ufdd0", "\ufdd1"


# --- results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A piece of a snippet: plain text, and whether it matches the search."""

    text: str
    marked: bool = False


# A snippet: its runs in order (the text around matches, and the matches).
Snippet = list[Run]


@dataclass
class Hit:
    url: str
    # Plain text, or a snippet where the title itself matched (claims, sources).
    title: Snippet | str
    snippet: Snippet
    obj: Any


@dataclass
class Group:
    key: str
    label: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return max(0, self.total - len(self.hits))


@dataclass
class SearchResults:
    query: str = ""
    groups: list[Group] = field(default_factory=list)
    full_text: bool = False
    message: str = ""
    truncated: bool = False

    @property
    def searched(self) -> bool:
        return bool(self.groups)

    @property
    def total(self) -> int:
        return sum(g.total for g in self.groups)


def full_text_available() -> bool:
    return connection.vendor == "postgresql"


def clean_query(raw: str | None) -> tuple[str, bool]:
    """The query with control characters dropped and spaces collapsed, cut to the limit."""
    text = " ".join(_CONTROL.sub(" ", raw or "").split())
    if len(text) > MAX_QUERY_CHARS:
        return text[:MAX_QUERY_CHARS].rstrip(), True
    return text, False


def search(raw: str | None, *, viewer, limit: int = GROUP_LIMIT) -> SearchResults:
    """Claims, passages, notes and sources matching `raw`: one query per group."""
    query, truncated = clean_query(raw)
    results = SearchResults(query=query, full_text=full_text_available(), truncated=truncated)
    if not query:
        return results
    if len(query) < MIN_QUERY_CHARS:
        results.message = (
            f"Type at least {MIN_QUERY_CHARS} characters to search — one letter would match "
            "almost everything."
        )
        return results
    if results.full_text:
        web_query, wanted = web_search_query(query)
        if not web_query:
            results.message = NO_WORDS
            return results
        if not wanted:
            results.message = ONLY_EXCLUDED
            return results
        groups = _FullText(web_query, wanted, viewer, limit).groups()
    else:
        words = _words(query)
        if not words:
            results.message = NO_WORDS
            return results
        groups = _Basic(words, viewer, limit).groups()
    results.groups = groups
    return results


def web_search_query(query: str) -> tuple[str, list[str]]:
    """`query` rebuilt for `websearch_to_tsquery` from its words alone, and the words wanted.

    Kept: words, "phrases", -word (exclude) and `or` between words, at most `MAX_WORDS`
    words. Every other character is dropped, so runs of operators ("-" × 33, "a & | !",
    unbalanced quotes or parentheses) cannot reach PostgreSQL, whose parser fails on some
    ("tsquery stack too small"). The words wanted (not excluded) find the candidate notes.
    """
    parts: list[str] = []
    wanted: list[str] = []
    count = 0
    for piece in _PIECE.finditer(query):
        phrase, token = piece.group(1), piece.group(2)
        if phrase is not None:
            words = _WORD.findall(phrase)[: MAX_WORDS - count]
            if words:
                parts.append('"' + " ".join(words) + '"')
                wanted.extend(words)
        elif token.lower() == "or":
            if parts and parts[-1] != "or":
                parts.append("or")
            continue
        else:
            excluded = token.startswith("-")
            words = _WORD.findall(token)[: MAX_WORDS - count]
            for i, word in enumerate(words):
                parts.append(f"-{word}" if excluded and i == 0 else word)
                if not (excluded and i == 0):
                    wanted.append(word)
        count += len(words)
        if count >= MAX_WORDS:
            break
    while parts and parts[-1] == "or":
        parts.pop()
    return " ".join(parts), wanted


# --- what may be searched (visibility from the policy) ----------------------------------


def _claims(viewer) -> QuerySet[Claim]:
    # Work another app withholds (classes: "see classmates' work after you post"), each
    # claim judged in its own debate.
    return (
        Claim.objects.filter(debate__in=debates_visible_to(viewer).values("pk"))
        .filter(policy.visible_claims_q(viewer))
        .filter(policy.withheld_q(viewer, debate_field="debate"))
        .select_related("debate")
    )


def _passages(viewer) -> QuerySet[Passage]:
    # Passages of sources the viewer may read; only those the reader can show (anchored on
    # the current revision) are worth a link.
    return (
        Passage.objects.filter(
            anchor__revision_id=F("source__current_revision_id"), anchor__status="anchored"
        )
        .filter(policy.visible_sources_q(viewer, "source__"))
        .select_related("anchor", "source")
    )


def _annotations(viewer) -> QuerySet[Annotation]:
    # Deleted notes are out of search even where the policy lets moderators restore them;
    # the policy leaves out replies of removed notes and notes on sources the viewer cannot
    # read.
    # Withheld notes (as in the reader) are out, each judged on its own source; an author
    # shown under a pseudonym there ("anonymous to classmates") is here too (`shown_author`).
    notes = (
        Annotation.objects.filter(policy.visible_annotations_q(viewer))
        .filter(deleted_at__isnull=True)
        .exclude(parent__deleted_at__isnull=False)
        .filter(policy.withheld_q(viewer, source_field="anchor__source"))
        .select_related("anchor__source", "author")
    )
    shown = policy.shown_author_expression(viewer, source_field="anchor__source")
    return notes.annotate(shown_author=shown if shown is not None else Value(None, CharField()))


def _sources(viewer) -> QuerySet[Source]:
    return Source.objects.filter(policy.visible_sources_q(viewer))


def _window_total():
    return Window(Count("pk"))


# --- hits --------------------------------------------------------------------------------


def _claim_hit(claim: Claim, snippet: Snippet) -> Hit:
    return Hit(url=claim.get_absolute_url(), title=snippet, snippet=snippet, obj=claim)


def _passage_hit(passage: Passage, snippet: Snippet) -> Hit:
    return Hit(
        url=passage.get_absolute_url(), title=passage.source.title, snippet=snippet, obj=passage
    )


def _note_hit(note: Annotation, snippet: Snippet) -> Hit:
    source = note.anchor.source
    return Hit(
        url=f"{source.get_absolute_url()}#note-{note.pk}",
        title=source.title,
        snippet=snippet,
        obj=note,
    )


def _source_hit(source: Source, title: Snippet, author: Snippet) -> Hit:
    return Hit(url=source.get_absolute_url(), title=title, snippet=author, obj=source)


def _tag_list(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return sorted(value.split(","))
    return sorted(value)


# --- PostgreSQL: ranked full-text search ---------------------------------------------------


# What reaches ts_headline: the text without the marks' characters, and with the four
# characters of markup written as entities, which PostgreSQL's parser reads as entities;
# as tags, it would drop them from the headline. `headline_runs` turns them back.
_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"))
_MARKS = re.compile(f"([{_START}{_STOP}])")


def _headline_text(field_name: str):
    expression: F | Replace = F(field_name)
    for char in (_START, _STOP):
        expression = Replace(expression, Value(char), Value(""), output_field=TextField())
    for char, entity in _ENTITIES:
        expression = Replace(expression, Value(char), Value(entity), output_field=TextField())
    return expression


def _unentity(text: str) -> str:
    for char, entity in reversed(_ENTITIES):  # "&amp;" last: "&amp;lt;" is "&lt;"
        text = text.replace(entity, char)
    return text


def headline_runs(headline: str | None) -> Snippet:
    """A `ts_headline` result (see `_headline_text`) as runs of plain text."""
    runs: Snippet = []
    marked = False
    for part in _MARKS.split(headline or ""):
        if part in (_START, _STOP):
            marked = part == _START
        elif part:
            _add(runs, _unentity(part), marked)
    return runs


def _add(runs: Snippet, text: str, marked: bool) -> None:
    """Append a run, joined to the last one when both are marked or both are not."""
    if runs and runs[-1].marked == marked:
        runs[-1] = Run(runs[-1].text + text, marked)
    elif text:
        runs.append(Run(text, marked))


class _FullText:
    """Each group matches an expression that a GIN index covers (migration 0010): the
    vectors here must stay exactly those expressions, or every search reads every text."""

    def __init__(self, query: str, wanted: list[str], viewer, limit: int):
        from django.contrib.postgres.search import SearchQuery

        self.query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
        # Any wanted word: what a note (its body or a tag) must contain to be a candidate.
        self.any_wanted = SearchQuery(
            " or ".join(wanted), search_type="websearch", config=SEARCH_CONFIG
        )
        self.viewer = viewer
        self.limit = limit

    def _vector(self, *fields, weights=()):
        from django.contrib.postgres.search import SearchVector

        vector: SearchVector | CombinedExpression | None = None
        for i, name in enumerate(fields):
            weight = weights[i] if i < len(weights) else None
            part = SearchVector(name, config=SEARCH_CONFIG, weight=weight)
            vector = part if vector is None else vector + part
        return vector

    def _headline(self, field_name: str, *, whole: bool = False, words: int = 35):
        from django.contrib.postgres.search import SearchHeadline

        options: dict[str, Any] = (
            {"highlight_all": True}
            if whole
            else {"max_words": words, "min_words": words * 2 // 3, "short_word": 2}
        )
        return SearchHeadline(
            _headline_text(field_name),
            self.query,
            config=SEARCH_CONFIG,
            start_sel=_START,
            stop_sel=_STOP,
            **options,
        )

    def _ranked(self, qs: QuerySet, vector, **extra) -> list:
        from django.contrib.postgres.search import SearchRank

        return list(
            qs.alias(document=vector)
            .filter(document=self.query)
            .annotate(rank=SearchRank(F("document"), self.query), total=_window_total(), **extra)
            .order_by("-rank", "-pk")[: self.limit]
        )

    def _note_candidates(self) -> QuerySet:
        """Notes whose body (through its index) or a tag has a wanted word: a note's body
        and tags are matched together, which no index covers, so only these are."""
        from django.contrib.postgres.search import SearchVector

        by_body = (
            Annotation.objects.alias(document=self._vector("body"))
            .filter(document=self.any_wanted)
            .values("pk")
        )
        tags = Tag.objects.alias(document=SearchVector("name", config=SEARCH_CONFIG)).filter(
            document=self.any_wanted
        )
        by_tag = Annotation.objects.filter(tags__in=tags).values("pk")
        return by_body.union(by_tag)

    def groups(self) -> list[Group]:
        from django.contrib.postgres.expressions import ArraySubquery

        claims = self._ranked(
            _claims(self.viewer), self._vector("text"), headline=self._headline("text", words=60)
        )
        passages = self._ranked(
            _passages(self.viewer),
            self._vector("anchor__exact"),
            headline=self._headline("anchor__exact"),
        )
        tag_names = ArraySubquery(
            Tag.objects.filter(annotations=OuterRef("pk")).order_by("name").values("name")
        )
        tag_text = _ArrayToString(tag_names)
        notes = self._ranked(
            _annotations(self.viewer)
            .filter(pk__in=self._note_candidates())
            .alias(tag_text=tag_text),
            self._vector("body", "tag_text", weights=("A", "B")),
            headline=self._headline("body"),
            tag_names=tag_names,
        )
        sources = self._ranked(
            _sources(self.viewer),
            self._vector("title", "author", weights=("A", "B")),
            title_headline=self._headline("title", whole=True),
            author_headline=self._headline("author", whole=True),
        )
        return [
            _group("claims", "Claims", claims, lambda c: _claim_hit(c, headline_runs(c.headline))),
            _group(
                "passages",
                "Passages",
                passages,
                lambda p: _passage_hit(p, headline_runs(p.headline)),
            ),
            _group("notes", "Notes", notes, lambda a: _note(a, headline_runs(a.headline))),
            _group(
                "sources",
                "Sources",
                sources,
                lambda s: _source_hit(
                    s, headline_runs(s.title_headline), headline_runs(s.author_headline)
                ),
            ),
        ]


class _ArrayToString(Func):
    """array_to_string(<array>, ' '): a note's tag names as one text to search."""

    function = "array_to_string"
    template = "%(function)s(%(expressions)s, ' ')"
    output_field = TextField()


# --- SQLite: the basic fallback --------------------------------------------------------------


class _GroupConcat(Aggregate):
    function = "GROUP_CONCAT"
    output_field = CharField()


def _words(query: str) -> list[str]:
    words: list[str] = []
    for token in query.split():
        word = token.strip("\"'“”‘’()+-*~,.;:!?")
        # A word has a letter or digit: "&|" or "___" alone has nothing to look for.
        if _WORD.search(word) and word.lower() not in {w.lower() for w in words}:
            words.append(word)
    return words[:MAX_WORDS]


def _all_words(words: list[str], *fields: str) -> Q:
    condition = Q()
    for word in words:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": word})
        condition &= any_field
    return condition


def snippet(text: str, words: list[str], width: int = SNIPPET_CHARS) -> Snippet:
    """Up to `width` characters around the first match, with every match marked."""
    text = " ".join((text or "").split())
    pattern = re.compile(
        "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE
    )
    first = pattern.search(text) if words else None
    start, end = 0, len(text)
    if len(text) > width:
        focus = first.start() if first else 0
        start = max(0, focus - width // 3)
        end = min(len(text), start + width)
        start = max(0, end - width)
        if start > 0:
            space = text.find(" ", start, focus)
            if space != -1:
                start = space + 1
        if end < len(text):
            space = text.rfind(" ", first.end() if first else start, end)
            if space != -1:
                end = space
    piece = text[start:end]
    runs: Snippet = []
    if start > 0:
        _add(runs, "…", False)
    position = 0
    if words:
        for match in pattern.finditer(piece):
            _add(runs, piece[position : match.start()], False)
            _add(runs, match.group(), True)
            position = match.end()
    _add(runs, piece[position:], False)
    if end < len(text):
        _add(runs, "…", False)
    return runs


class _Basic:
    def __init__(self, words: list[str], viewer, limit: int):
        self.words = words
        self.viewer = viewer
        self.limit = limit

    def _first(self, qs: QuerySet, *ordering: str) -> list:
        return list(qs.annotate(total=_window_total()).order_by(*ordering)[: self.limit])

    def groups(self) -> list[Group]:
        words = self.words
        claims = self._first(
            _claims(self.viewer).filter(_all_words(words, "text")), "-created_at", "-pk"
        )
        passages = self._first(
            _passages(self.viewer).filter(_all_words(words, "anchor__exact")),
            "source__title",
            "source_id",
            "anchor__start",
        )
        notes_match = Q()
        for word in words:
            tagged = Tag.objects.filter(annotations=OuterRef("pk"), name__icontains=word)
            notes_match &= Q(body__icontains=word) | Q(Exists(tagged))
        tag_names = Subquery(
            Tag.objects.filter(annotations=OuterRef("pk"))
            .order_by()
            .values("annotations")
            .annotate(names=_GroupConcat("name"))
            .values("names")
        )
        notes = self._first(
            _annotations(self.viewer).filter(notes_match).annotate(tag_names=tag_names),
            "-created_at",
            "-pk",
        )
        sources = self._first(
            _sources(self.viewer).filter(_all_words(words, "title", "author")), "title", "pk"
        )
        return [
            _group("claims", "Claims", claims, lambda c: _claim_hit(c, snippet(c.text, words))),
            _group(
                "passages",
                "Passages",
                passages,
                lambda p: _passage_hit(p, snippet(p.anchor.exact, words)),
            ),
            _group("notes", "Notes", notes, lambda a: _note(a, snippet(a.body, words))),
            _group(
                "sources",
                "Sources",
                sources,
                lambda s: _source_hit(
                    s, snippet(s.title, words, width=400), snippet(s.author, words, width=400)
                ),
            ),
        ]


# --- shared ------------------------------------------------------------------------------------


def _note(note: Annotation, snippet: Snippet) -> Hit:
    cast(Any, note).tag_list = _tag_list(getattr(note, "tag_names", None))
    return _note_hit(note, snippet)


def _group(key: str, label: str, rows: list, make) -> Group:
    total = rows[0].total if rows else 0
    return Group(key=key, label=label, hits=[make(row) for row in rows], total=total)

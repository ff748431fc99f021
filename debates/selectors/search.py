"""One search box over sources, passages, claims and notes, showing only what a viewer may see.

Visibility comes from `debates.policy` (and `selectors.debates_visible_to`), never from
here. On PostgreSQL it is full-text search (websearch syntax, English stemming), ranked
with `SearchRank` and highlighted with `SearchHeadline`; on SQLite every word must occur
(case-insensitive substring) and the snippet is made in Python. Each group is one query
whatever the data size: the group's total rides along as a window count.

Snippets are HTML in which only `<mark>` and `</mark>` are markup: on PostgreSQL the text
is escaped in SQL before `ts_headline` adds the marks, and the result is checked again
here; on SQLite the text is escaped piece by piece around the matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

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
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .. import policy
from ..models import Annotation, Claim, Passage, Source, Tag
from .activity import debates_visible_to

MIN_QUERY_CHARS = 2
MAX_QUERY_CHARS = 200
GROUP_LIMIT = 20
# The fallback builds one condition per word; more words than this are ignored.
MAX_WORDS = 12
SNIPPET_CHARS = 200
SEARCH_CONFIG = "english"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MARK = re.compile(r"(</?mark>)")


# --- results ---------------------------------------------------------------------------


@dataclass
class Hit:
    url: str
    title: SafeString | str
    snippet: SafeString
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
        groups = _FullText(query, viewer, limit).groups()
    else:
        words = _words(query)
        if not words:
            results.message = "Type a word or two to search for."
            return results
        groups = _Basic(words, viewer, limit).groups()
    results.groups = groups
    return results


# --- what may be searched (visibility from the policy) ----------------------------------


def _claims(viewer) -> QuerySet[Claim]:
    return (
        Claim.objects.filter(debate__in=debates_visible_to(viewer).values("pk"))
        .filter(policy.visible_claims_q(viewer))
        .select_related("debate")
    )


def _passages() -> QuerySet[Passage]:
    # Sources are public reading; only passages the reader can show (anchored on the
    # current revision) are worth a link.
    return Passage.objects.filter(
        anchor__revision_id=F("source__current_revision_id"), anchor__status="anchored"
    ).select_related("anchor", "source")


def _annotations(viewer) -> QuerySet[Annotation]:
    # Deleted notes are out of search even where the policy lets moderators restore them.
    return (
        Annotation.objects.filter(policy.visible_annotations_q(viewer))
        .filter(deleted_at__isnull=True)
        .select_related("anchor__source", "author")
    )


def _sources() -> QuerySet[Source]:
    return Source.objects.all()


def _window_total():
    return Window(Count("pk"))


# --- hits --------------------------------------------------------------------------------


def _claim_hit(claim: Claim, snippet: SafeString) -> Hit:
    return Hit(url=claim.get_absolute_url(), title=snippet, snippet=snippet, obj=claim)


def _passage_hit(passage: Passage, snippet: SafeString) -> Hit:
    return Hit(
        url=passage.get_absolute_url(), title=passage.source.title, snippet=snippet, obj=passage
    )


def _note_hit(note: Annotation, snippet: SafeString) -> Hit:
    source = note.anchor.source
    return Hit(
        url=f"{source.get_absolute_url()}#note-{note.pk}",
        title=source.title,
        snippet=snippet,
        obj=note,
    )


def _source_hit(source: Source, title: SafeString, author: SafeString) -> Hit:
    return Hit(url=source.get_absolute_url(), title=title, snippet=author, obj=source)


def _tag_list(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return sorted(value.split(","))
    return sorted(value)


# --- PostgreSQL: ranked full-text search ---------------------------------------------------


def _escaped(field_name: str):
    """The column HTML-escaped in SQL, so that ts_headline's only markup is its <mark>."""
    expression = F(field_name)
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        expression = Replace(expression, Value(char), Value(entity), output_field=TextField())
    return expression


def safe_headline(html: str | None) -> SafeString:
    """Headline HTML in which `<mark>`/`</mark>` are the only tags (checked again here)."""
    parts = []
    for part in _MARK.split(html or ""):
        if part in ("<mark>", "</mark>"):
            parts.append(part)
        else:
            parts.append(part.replace("<", "&lt;").replace(">", "&gt;"))
    return mark_safe("".join(parts))  # noqa: S308 - only <mark> survives, the rest is escaped


class _FullText:
    def __init__(self, query: str, viewer, limit: int):
        from django.contrib.postgres.search import SearchQuery

        self.query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
        self.viewer = viewer
        self.limit = limit

    def _vector(self, *fields, weights=()):
        from django.contrib.postgres.search import SearchVector

        vector = None
        for i, name in enumerate(fields):
            weight = weights[i] if i < len(weights) else None
            part = SearchVector(name, config=SEARCH_CONFIG, weight=weight)
            vector = part if vector is None else vector + part
        return vector

    def _headline(self, field_name: str, *, whole: bool = False, words: int = 35):
        from django.contrib.postgres.search import SearchHeadline

        options = (
            {"highlight_all": True}
            if whole
            else {"max_words": words, "min_words": words * 2 // 3, "short_word": 2}
        )
        return SearchHeadline(
            _escaped(field_name),
            self.query,
            config=SEARCH_CONFIG,
            start_sel="<mark>",
            stop_sel="</mark>",
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

    def groups(self) -> list[Group]:
        from django.contrib.postgres.expressions import ArraySubquery

        claims = self._ranked(
            _claims(self.viewer), self._vector("text"), headline=self._headline("text", words=60)
        )
        passages = self._ranked(
            _passages(), self._vector("anchor__exact"), headline=self._headline("anchor__exact")
        )
        tag_names = ArraySubquery(
            Tag.objects.filter(annotations=OuterRef("pk")).order_by("name").values("name")
        )
        tag_text = _ArrayToString(tag_names)
        notes = self._ranked(
            _annotations(self.viewer).alias(tag_text=tag_text),
            self._vector("body", "tag_text", weights=("A", "B")),
            headline=self._headline("body"),
            tag_names=tag_names,
        )
        sources = self._ranked(
            _sources(),
            self._vector("title", "author", weights=("A", "B")),
            title_headline=self._headline("title", whole=True),
            author_headline=self._headline("author", whole=True),
        )
        return [
            _group("claims", "Claims", claims, lambda c: _claim_hit(c, safe_headline(c.headline))),
            _group(
                "passages",
                "Passages",
                passages,
                lambda p: _passage_hit(p, safe_headline(p.headline)),
            ),
            _group("notes", "Notes", notes, lambda a: _note(a, safe_headline(a.headline))),
            _group(
                "sources",
                "Sources",
                sources,
                lambda s: _source_hit(
                    s, safe_headline(s.title_headline), safe_headline(s.author_headline)
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
        if len(word) >= 1 and word.lower() not in {w.lower() for w in words}:
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


def snippet(text: str, words: list[str], width: int = SNIPPET_CHARS) -> SafeString:
    """Up to `width` characters around the first match, escaped, with every match marked."""
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
    html: list[str] = ["…"] if start > 0 else []
    position = 0
    if words:
        for match in pattern.finditer(piece):
            html.append(escape(piece[position : match.start()]))
            html.append(f"<mark>{escape(match.group())}</mark>")
            position = match.end()
    html.append(escape(piece[position:]))
    if end < len(text):
        html.append("…")
    return mark_safe("".join(html))  # noqa: S308 - every piece of text is escaped


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
            _passages().filter(_all_words(words, "anchor__exact")),
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
            _sources().filter(_all_words(words, "title", "author")), "title", "pk"
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


def _note(note: Annotation, snippet_html: SafeString) -> Hit:
    note.tag_list = _tag_list(getattr(note, "tag_names", None))
    return _note_hit(note, snippet_html)


def _group(key: str, label: str, rows: list, make) -> Group:
    total = rows[0].total if rows else 0
    return Group(key=key, label=label, hits=[make(row) for row in rows], total=total)

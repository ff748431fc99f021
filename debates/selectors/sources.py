"""Reads of a source: the reader's passages and citations, notes as threads, pickers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import CharField, Count, Exists, F, OuterRef, Q, Value

from .. import policy
from ..models import (
    Anchor,
    Annotation,
    Claim,
    Debate,
    Evidence,
    Membership,
    Passage,
    Source,
    SourceRevision,
    Tag,
)
from .activity import debates_visible_to
from .maps import OFF_MAP


def sources_visible_to(viewer):
    """The sources a person may read (public ones, their own imports, their debates' ones),
    for listings and pickers."""
    return Source.objects.filter(policy.visible_sources_q(viewer))


@dataclass
class ReaderPassage:
    passage: Passage
    cite_count: int

    @property
    def start(self) -> int:
        return self.passage.anchor.start

    @property
    def end(self) -> int:
        return self.passage.anchor.end


def source_reader(*, source: Source, viewer, selected: int | None = None) -> dict:
    """The current revision, its passages with citation counts, and who cites `selected`.

    Counts only citations the viewer may see: published evidence on visible claims (none
    under a deleted or rejected claim) in debates the viewer may open. Five queries
    whatever the source's size.
    """
    revision: SourceRevision | None = source.current_revision
    visible_debates = debates_visible_to(viewer).values("pk")
    passages = (
        Passage.objects.filter(source=source, anchor__revision=revision, anchor__status="anchored")
        .select_related("anchor")
        .order_by("anchor__start", "-anchor__end")
    )
    # The counts in a query of their own, grouped by passage id alone: counted beside the
    # passages' wide rows, PostgreSQL sorted every citation with them (12 MB on disk for a
    # source cited 18,000 times).
    counts = dict(
        Evidence.objects.filter(
            passage__source=source,
            deleted_at__isnull=True,
            status=Evidence.Status.PUBLISHED,
            claim__debate__in=visible_debates,
        )
        .filter(policy.visible_claims_q(viewer, prefix="claim__"))
        .filter(policy.withheld_q(viewer, source=source, prefix="claim__"))
        .order_by()
        .values_list("passage_id")
        .annotate(n=Count("pk"))
    )
    reader_passages = [ReaderPassage(p, counts.get(p.pk, 0)) for p in passages]
    citations: list[Evidence] = []
    selected_passage = None
    if selected is not None:
        selected_passage = next(
            (rp.passage for rp in reader_passages if rp.passage.pk == selected), None
        )
    if selected_passage is not None:
        citations = list(
            Evidence.objects.filter(
                passage=selected_passage,
                deleted_at__isnull=True,
                status=Evidence.Status.PUBLISHED,
                claim__debate__in=visible_debates,
            )
            .filter(policy.visible_claims_q(viewer, prefix="claim__"))
            .filter(policy.withheld_q(viewer, source=source, prefix="claim__"))
            .select_related("claim__debate")
            .order_by("claim__debate__title", "claim__pk")
        )
    return {
        "revision": revision,
        "passages": reader_passages,
        "selected_passage": selected_passage,
        "citations": citations,
    }


@dataclass
class AnnotationThread:
    root: Annotation
    replies: list[Annotation] = field(default_factory=list)


@dataclass
class NoteMark:
    """Where a note thread's root sits in the text, for the reader's highlights."""

    pk: int
    start: int
    end: int
    author_name: str
    page: int


@dataclass
class SourceAnnotations:
    threads: list[AnnotationThread]
    tags: list[str]
    authors: list
    orphans: list[Annotation]
    deleted: list[Annotation]
    total: int = 0  # threads matching the filters, on every page
    page: int = 1
    next_page: int | None = None
    marks: list[NoteMark] = field(default_factory=list)  # every matching thread's passage


def source_annotations(
    *,
    source: Source,
    viewer,
    tag: str = "",
    author: str = "",
    mine: bool = False,
    page: int | None = None,
    per_page: int = 50,
) -> SourceAnnotations:
    """The annotations on a source that the viewer may see, as threads in document order.

    Filters apply to thread roots; a matching thread shows all its visible replies. With
    `page`, only that page of `per_page` threads is loaded as full rows (with `marks` for
    every matching thread); without, all of them. Two queries whatever the number of notes:
    light rows of every visible note with its tags (for filters, counts and marks), then the
    full rows of the notes shown.
    """
    current = source.current_revision_id
    order = ("anchor__start", "anchor__end", "created_at", "pk")
    light: dict[int, _Light] = {}
    notes = (
        Annotation.objects.filter(anchor__source=source)
        .filter(policy.visible_annotations_q(viewer))
        .filter(policy.withheld_q(viewer, source=source))
    )
    # A pseudonym instead of the author's name ("anonymous to classmates"), if any.
    shown = policy.shown_author_expression(viewer, source=source)
    notes = notes.annotate(shown_author=shown if shown is not None else Value(None, CharField()))
    masked: dict[int, str] = {}
    for pk, parent_id, deleted_at, created_at, start, end, status, revision_id, author_id, \
            username, display_name, tag_id, tag_name, pseudonym in (
        notes.order_by(*order)
        .values_list(
            "pk", "parent_id", "deleted_at", "created_at", "anchor__start", "anchor__end",
            "anchor__status", "anchor__revision_id", "author_id", "author__username",
            "author__display_name", "tags__id", "tags__name", "shown_author",
        )
    ):  # fmt: skip
        if pseudonym:
            masked[pk] = display_name = pseudonym
            username = ""
        row = light.get(pk)
        if row is None:
            row = light[pk] = _Light(
                pk, parent_id, deleted_at is None, created_at, start, end,
                status == Anchor.Status.ANCHORED and revision_id == current,
                author_id, username, display_name or username,
            )  # fmt: skip
        if tag_id is not None:
            row.tags.append(Tag(pk=tag_id, name=tag_name))
    live = [a for a in light.values() if a.live]
    roots = [a for a in live if a.parent_id is None and a.current]
    tags = sorted({t.name for a in live for t in a.tags})
    # Authors under a pseudonym are left out of the author filter (it filters by username).
    people = {a.author_id: NoteAuthor(a.username, a.author_name) for a in live if a.username}
    authors = sorted(people.values(), key=lambda person: person.public_name.lower())
    if tag:
        roots = [a for a in roots if any(t.name == tag for t in a.tags)]
    if author:
        roots = [a for a in roots if a.username == author]
    if mine:
        roots = [a for a in roots if viewer.is_authenticated and a.author_id == viewer.pk]
    size = max(per_page, 1)
    marks = [
        NoteMark(a.pk, a.start, a.end, a.author_name, (i // size + 1) if page else 1)
        for i, a in enumerate(roots)
    ]
    total = len(roots)
    next_page = None
    if page:
        last = max(1, -(-total // size))
        page = min(max(page, 1), last)
        next_page = page + 1 if page < last else None
        roots = roots[(page - 1) * size : page * size]
    else:
        page = 1
    shown = {a.pk for a in roots}
    replies = sorted((a for a in live if a.parent_id in shown), key=lambda a: (a.created_at, a.pk))
    orphans = [a for a in live if a.parent_id is None and not a.current]
    deleted = [a for a in light.values() if not a.live and a.parent_id is None]
    wanted = [a.pk for a in (*roots, *replies, *orphans, *deleted)]
    full = (
        Annotation.objects.filter(pk__in=wanted).select_related("anchor", "author", "debate")
        if wanted
        else []
    )
    rows = {}
    for annotation in full:
        _set_tags(annotation, light[annotation.pk].tags)
        if annotation.pk in masked:
            annotation.shown_author = masked[annotation.pk]  # type: ignore[attr-defined]
        rows[annotation.pk] = annotation
    threads = {a.pk: AnnotationThread(rows[a.pk]) for a in roots}
    for reply in replies:
        if reply.parent_id is not None:  # a reply always has its root
            threads[reply.parent_id].replies.append(rows[reply.pk])
    return SourceAnnotations(
        threads=list(threads.values()),
        tags=tags,
        authors=authors,
        orphans=[rows[a.pk] for a in orphans],
        deleted=[rows[a.pk] for a in deleted],
        total=total,
        page=page,
        next_page=next_page,
        marks=marks,
    )


@dataclass
class _Light:
    """A note as its light row (no body): enough to filter, count, order and place it."""

    pk: int
    parent_id: int | None
    live: bool
    created_at: object
    start: int
    end: int
    current: bool  # anchored in the current revision
    author_id: int
    username: str
    author_name: str
    tags: list[Tag] = field(default_factory=list)


@dataclass(frozen=True)
class NoteAuthor:
    """Someone who wrote a visible note, for the reader's author filter."""

    username: str
    public_name: str


def _set_tags(annotation: Annotation, tags: list[Tag]) -> None:
    """Give `annotation.tags.all()` the tags already read, as prefetch_related would."""
    # Django's own prefetch cache, which its stubs do not describe.
    queryset = cast(Any, annotation.tags.all())
    queryset._result_cache = list(tags)
    queryset._prefetch_done = True
    cast(Any, annotation)._prefetched_objects_cache = {"tags": queryset}


def citable_claims(*, source: Source, viewer, limit: int | None = None) -> list[Claim]:
    """Claims the viewer may cite evidence for or argue under: in debates they contribute to,
    visible to them (none under a deleted or rejected claim).

    With `limit`, at most that many, those of debates grounded in this source first (the
    reader's picker; a bigger list is slow to render and to use)."""
    if not viewer.is_authenticated:
        return []
    debates = debates_visible_to(viewer).exclude(contribution_mode=Debate.Mode.CLOSED)
    if not viewer.is_staff:
        member_of = Membership.objects.filter(user=viewer).values("debate")
        debates = debates.filter(Q(pk__in=member_of) | Q(owner=viewer))
    claims = (
        Claim.objects.filter(debate__in=debates)
        .filter(policy.visible_claims_q(viewer))
        .exclude(status__in=OFF_MAP)
        .select_related("debate")
    )
    order = ["debate__title", "debate_id", "order", "pk"]
    if limit is None:
        return list(claims.order_by(*order))
    grounded = Exists(
        Debate.sources.through.objects.filter(debate=OuterRef("debate_id"), source=source)
    )
    return list(claims.alias(grounded=grounded).order_by(F("grounded").desc(), *order)[:limit])


def annotation_debates(*, viewer) -> list[Debate]:
    """Debates whose members a viewer may address a note to: those they belong to."""
    if not viewer.is_authenticated:
        return []
    member_of = Membership.objects.filter(user=viewer).values("debate")
    return list(Debate.objects.filter(Q(pk__in=member_of) | Q(owner=viewer)).order_by("title"))


def orphaned_passages(*, source: Source) -> list[Passage]:
    """Cited passages that lost their place (structural ones nobody cites are not listed)."""
    return list(
        Passage.objects.filter(source=source, anchor__status=Anchor.Status.ORPHANED)
        .filter(evidence__isnull=False)
        .select_related("anchor")
        .distinct()
        .order_by("anchor__start")
    )

"""Reads of a source: the reader's passages and citations, notes as threads, pickers."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

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
)
from .activity import debates_visible_to
from .maps import OFF_MAP


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

    Counts only citations the viewer may see: published evidence on visible claims in
    debates the viewer may open. Four queries whatever the source's size.
    """
    revision: SourceRevision = source.current_revision
    visible_debates = debates_visible_to(viewer).values("pk")
    cited = Q(
        evidence__deleted_at__isnull=True,
        evidence__status=Evidence.Status.PUBLISHED,
        evidence__claim__debate__in=visible_debates,
    ) & policy.visible_claims_q(viewer, prefix="evidence__claim__")
    passages = (
        Passage.objects.filter(source=source, anchor__revision=revision, anchor__status="anchored")
        .select_related("anchor")
        .annotate(cite_count=Count("evidence", filter=cited, distinct=True))
        .order_by("anchor__start", "-anchor__end")
    )
    reader_passages = [ReaderPassage(p, p.cite_count) for p in passages]
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
class SourceAnnotations:
    threads: list[AnnotationThread]
    tags: list[str]
    authors: list
    orphans: list[Annotation]
    deleted: list[Annotation]


def source_annotations(
    *,
    source: Source,
    viewer,
    tag: str = "",
    author: str = "",
    mine: bool = False,
) -> SourceAnnotations:
    """The annotations on a source that the viewer may see, as threads in document order.

    Filters apply to thread roots; a matching thread shows all its visible replies.
    Two queries whatever the number of annotations (rows, then their tags).
    """
    rows = list(
        Annotation.objects.filter(anchor__source=source)
        .filter(policy.visible_annotations_q(viewer))
        .select_related("anchor", "author", "debate")
        .prefetch_related("tags")
        .order_by("anchor__start", "anchor__end", "created_at", "pk")
    )
    live = [a for a in rows if a.deleted_at is None]
    current = source.current_revision_id
    roots = [
        a
        for a in live
        if a.parent_id is None
        and a.anchor.revision_id == current
        and a.anchor.status == Anchor.Status.ANCHORED
    ]
    tags = sorted({t.name for a in live for t in a.tags.all()})
    authors = sorted({a.author for a in live}, key=lambda u: u.public_name.lower())
    if tag:
        roots = [a for a in roots if any(t.name == tag for t in a.tags.all())]
    if author:
        roots = [a for a in roots if a.author.username == author]
    if mine:
        roots = [a for a in roots if viewer.is_authenticated and a.author_id == viewer.pk]
    threads = {a.pk: AnnotationThread(a) for a in roots}
    for reply in sorted((a for a in live if a.parent_id), key=lambda a: (a.created_at, a.pk)):
        if reply.parent_id in threads:
            threads[reply.parent_id].replies.append(reply)
    orphans = [
        a
        for a in live
        if a.parent_id is None
        and (a.anchor.status == Anchor.Status.ORPHANED or a.anchor.revision_id != current)
    ]
    deleted = [a for a in rows if a.deleted_at is not None and a.parent_id is None]
    return SourceAnnotations(
        threads=list(threads.values()),
        tags=tags,
        authors=authors,
        orphans=orphans,
        deleted=deleted,
    )


def citable_claims(*, source: Source, viewer) -> list[Claim]:
    """Claims the viewer may cite evidence for or argue under: in debates they contribute to."""
    if not viewer.is_authenticated:
        return []
    debates = debates_visible_to(viewer).exclude(contribution_mode=Debate.Mode.CLOSED)
    if not viewer.is_staff:
        member_of = Membership.objects.filter(user=viewer).values("debate")
        debates = debates.filter(Q(pk__in=member_of) | Q(owner=viewer))
    return list(
        Claim.objects.filter(debate__in=debates)
        .filter(policy.visible_claims_q(viewer))
        .exclude(status__in=OFF_MAP)
        .select_related("debate")
        .order_by("debate__title", "debate_id", "order", "pk")
    )


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

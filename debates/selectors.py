"""Reads that pages and the API share, each with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from . import policy
from .models import (
    Anchor,
    Annotation,
    Claim,
    ClaimLink,
    Debate,
    Evidence,
    Membership,
    Passage,
    Source,
    SourceRevision,
)


@dataclass
class MapNode:
    claim: Claim
    children: list[MapNode] = field(default_factory=list)
    # Claims that also stand here through a cross-link (shown as references, not subtrees).
    links: list[ClaimLink] = field(default_factory=list)

    @property
    def pro_count(self) -> int:
        return sum(1 for c in self.children if c.claim.relation == Claim.Relation.SUPPORTS) + sum(
            1 for link in self.links if link.relation == Claim.Relation.SUPPORTS
        )

    @property
    def con_count(self) -> int:
        opposing = {Claim.Relation.OPPOSES, Claim.Relation.UNDERCUTS}
        return sum(1 for c in self.children if c.claim.relation in opposing) + sum(
            1 for link in self.links if link.relation in opposing
        )

    @property
    def reply_count(self) -> int:
        return len(self.children) + len(self.links)


@dataclass
class DebateMap:
    debate: Debate
    issues: list[MapNode]
    nodes: dict[int, MapNode]
    can_moderate: bool
    # Levels (issues are level 1) drawn in full on the page; deeper replies load on demand.
    # None: draw every level.
    render_depth: int | None = None

    @property
    def claim_count(self) -> int:
        return len(self.nodes)

    def limit_depth(self, budget: int, *, root: MapNode | None = None, root_level: int = 1) -> None:
        """Draw whole levels, from `root` (or the issues) down, while they add up to at
        most `budget` nodes; at least the first two (issues and their positions)."""
        level, depth = list(self.issues) if root is None else [root], root_level
        drawn = len(level)
        while level:
            below = [child for node in level for child in node.children]
            if not below:
                self.render_depth = None if root is None else depth
                return
            if drawn + len(below) > budget and depth > root_level:
                self.render_depth = depth
                return
            drawn += len(below)
            level, depth = below, depth + 1
        self.render_depth = depth

    @property
    def evidence_count(self) -> int:
        return sum(n.claim.evidence_count for n in self.nodes.values())


def _published_evidence() -> Q:
    return Q(evidence__status=Evidence.Status.PUBLISHED, evidence__deleted_at__isnull=True)


def debates_visible_to(user) -> QuerySet[Debate]:
    return Debate.objects.filter(policy.visible_debates_q(user))


def public_debates() -> QuerySet[Debate]:
    """Listed debates for the home page, with their published claim counts."""
    return (
        Debate.objects.filter(visibility=Debate.Visibility.PUBLIC)
        .select_related("owner")
        .annotate(
            claim_count=Count(
                "claims",
                filter=Q(claims__status=Claim.Status.PUBLISHED, claims__deleted_at__isnull=True),
            )
        )
        .order_by("-updated_at", "pk")
    )


def _listed_debates(viewer) -> QuerySet[Debate]:
    """Public debates plus, for a signed-in person, the private ones they belong to.

    Unlisted debates are reachable by link only, so they never show up in listings.
    """
    listed = debates_visible_to(viewer)
    if not viewer.is_authenticated or viewer.is_staff:
        return listed.filter(visibility=Debate.Visibility.PUBLIC)
    return listed.exclude(
        Q(visibility=Debate.Visibility.UNLISTED) & ~Q(owner=viewer) & ~Q(memberships__user=viewer)
    )


def recent_activity(*, viewer, limit: int = 10) -> list[Claim]:
    """The newest published claims in debates the viewer may open, whose every ancestor is
    published too (a reply under a deleted or rejected claim is off the map)."""
    candidates = list(
        Claim.objects.published()
        .filter(debate__in=_listed_debates(viewer))
        .exclude(kind=Claim.Kind.ISSUE)
        .select_related("debate", "author", "parent")
        .order_by("-created_at", "-pk")[: limit * 3]
    )
    on_map = _on_published_paths(candidates)
    return [claim for claim in candidates if claim.pk in on_map][:limit]


def _on_published_paths(claims: list[Claim]) -> set[int]:
    """The pks of `claims` whose ancestors are all published: one query per map level."""
    parent_of = {c.pk: c.parent_id for c in claims}
    live: dict[int, bool] = {}
    frontier = {p for p in parent_of.values() if p is not None}
    parents: dict[int, int | None] = {}
    while frontier:
        rows = Claim.objects.filter(pk__in=frontier).values_list(
            "pk", "parent_id", "status", "deleted_at"
        )
        frontier = set()
        for pk, parent_id, status, deleted_at in rows:
            live[pk] = status == Claim.Status.PUBLISHED and deleted_at is None
            parents[pk] = parent_id
            if parent_id is not None and parent_id not in live:
                frontier.add(parent_id)

    def path_live(pk: int | None) -> bool:
        while pk is not None:
            if not live.get(pk, False):
                return False
            pk = parents.get(pk)
        return True

    return {pk for pk, parent_id in parent_of.items() if path_live(parent_id)}


def claims_by_author(*, author, viewer) -> QuerySet[Claim]:
    return (
        Claim.objects.filter(author=author, debate__in=debates_visible_to(viewer))
        .filter(policy.visible_claims_q(viewer))
        .select_related("debate")
        .order_by("-created_at", "-pk")
    )


# Kept (with their reasons) but never drawn on a map.
OFF_MAP = [Claim.Status.REJECTED, Claim.Status.WITHDRAWN, Claim.Status.MERGED]


def debate_map(*, debate: Debate, viewer) -> DebateMap:
    """The whole map as a tree, in three queries whatever its size.

    Moderators see proposals (marked pending); authors see their own; everyone else sees
    published claims only. A claim whose parent the viewer cannot see is not reachable.
    """
    moderating = policy.can_moderate(viewer, debate)
    claims = Claim.objects.filter(debate=debate, deleted_at__isnull=True)
    if moderating:
        claims = claims.exclude(status__in=OFF_MAP)
    else:
        claims = claims.filter(policy.visible_claims_q(viewer)).exclude(status__in=OFF_MAP)
    claims = (
        claims.select_related("author")
        .annotate(evidence_count=Count("evidence", filter=_published_evidence()))
        .order_by("order", "pk")
    )

    nodes = {claim.pk: MapNode(claim) for claim in claims}
    issues: list[MapNode] = []
    for node in nodes.values():
        parent_id = node.claim.parent_id
        if parent_id is None:
            issues.append(node)
        elif parent_id in nodes:
            nodes[parent_id].children.append(node)
    # Drop nodes whose ancestors are hidden from this viewer.
    reachable: dict[int, MapNode] = {}
    stack = list(issues)
    while stack:
        node = stack.pop()
        reachable[node.claim.pk] = node
        stack.extend(node.children)
    for node in reachable.values():
        node.children = [c for c in node.children if c.claim.pk in reachable]

    links = ClaimLink.objects.filter(debate=debate).select_related("claim").order_by("order", "pk")
    for link in links:
        if link.claim_id in reachable and link.parent_id in reachable:
            reachable[link.parent_id].links.append(link)
    return DebateMap(debate=debate, issues=issues, nodes=reachable, can_moderate=moderating)


def claim_detail(*, claim: Claim, viewer) -> dict:
    """A claim's evidence (with quotes and sources) that the viewer may see."""
    evidence = (
        Evidence.objects.filter(claim=claim, deleted_at__isnull=True)
        .filter(policy.visible_evidence_q(viewer, claim.debate))
        .exclude(status__in=[Evidence.Status.REJECTED, Evidence.Status.WITHDRAWN])
        .select_related("passage__anchor", "passage__source", "author")
        .order_by("relation", "pk")
    )
    return {"evidence": list(evidence)}


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

"""Lists the REST API pages through (with a cursor), as querysets with a fixed number of
queries whatever their length: the same visibility rules as the pages, from `policy`."""

from __future__ import annotations

from django.db.models import CharField, Count, Q, QuerySet, Value

from .. import policy
from ..models import (
    Annotation,
    Claim,
    ClaimEdit,
    Debate,
    Evidence,
    Membership,
    Passage,
    Source,
    SourceRevision,
)
from .sources import sources_visible_to


def listed_debates(*, viewer) -> QuerySet[Debate]:
    """Public debates, and those the viewer owns or belongs to (an unlisted or private
    debate is in no one else's list, staff included: it is reached by its address)."""
    listed = Q(visibility=Debate.Visibility.PUBLIC)
    if viewer.is_authenticated:
        member_of = Membership.objects.filter(user=viewer).values("debate")
        listed |= Q(owner=viewer) | Q(pk__in=member_of)
    return Debate.objects.filter(listed).select_related("owner")


def _named(rows: QuerySet, viewer, **where) -> QuerySet:
    """`rows` with `shown_author`: the pseudonym another app shows instead of the author's
    name to this viewer (policy.shown_author_expression), or NULL for the author's own."""
    shown = policy.shown_author_expression(viewer, **where)
    return rows.annotate(shown_author=shown if shown is not None else Value(None, CharField()))


def debate_claims(*, debate: Debate, viewer) -> QuerySet[Claim]:
    """A debate's claims the viewer may see one by one (as `policy.can_view_claim`):
    moderators every claim (deleted, rejected and merged ones too); everyone else published
    claims on a live path and their own live ones, less what another app withholds."""
    claims = Claim.objects.filter(debate=debate)
    if not policy.can_moderate(viewer, debate):
        claims = claims.filter(policy.visible_claims_q(viewer)).filter(
            policy.withheld_q(viewer, debate=debate)
        )
    return _named(claims.select_related("author", "debate"), viewer, debate=debate)


def claim_evidence(*, claim: Claim, viewer) -> QuerySet[Evidence]:
    """A claim's evidence the viewer may see (as `maps.claim_detail`), with its passages."""
    return (
        Evidence.objects.filter(claim=claim, deleted_at__isnull=True)
        .filter(policy.visible_evidence_q(viewer, claim.debate))
        .exclude(status__in=[Evidence.Status.REJECTED, Evidence.Status.WITHDRAWN])
        .select_related("claim__debate", "passage__anchor", "passage__source", "author")
    )


def visible_sources(*, viewer) -> QuerySet[Source]:
    """The sources the viewer may read (`sources_visible_to`), each with its revision count."""
    return (
        sources_visible_to(viewer)
        .select_related("current_revision")
        .defer("current_revision__text", "current_revision__structure")
        .annotate(revision_count=Count("revisions", distinct=True))
    )


def source_revisions(*, source: Source) -> QuerySet[SourceRevision]:
    """A source's revisions, without their text (a revision's own endpoint has it)."""
    return SourceRevision.objects.filter(source=source).defer("text", "structure")


def source_passages(*, source: Source) -> QuerySet[Passage]:
    return Passage.objects.filter(source=source).select_related("anchor")


def _annotations(rows: QuerySet[Annotation], viewer) -> QuerySet[Annotation]:
    return (
        rows.filter(deleted_at__isnull=True)
        .filter(policy.visible_annotations_q(viewer))
        .select_related("anchor", "author", "debate")
        .prefetch_related("tags")
    )


def source_notes(*, source: Source, viewer) -> QuerySet[Annotation]:
    """The live annotations on a source the viewer may read, less what is withheld."""
    rows = Annotation.objects.filter(anchor__source=source).filter(
        policy.withheld_q(viewer, source=source)
    )
    return _named(_annotations(rows, viewer), viewer, source=source)


def debate_notes(*, debate: Debate, viewer) -> QuerySet[Annotation]:
    """The live annotations written for a debate's members that the viewer may read."""
    rows = Annotation.objects.filter(debate=debate).filter(policy.withheld_q(viewer, debate=debate))
    return _named(_annotations(rows, viewer), viewer, debate=debate)


def debate_members(*, debate: Debate) -> QuerySet[Membership]:
    return Membership.objects.filter(debate=debate).select_related("user")


def debate_edits(*, debate: Debate, viewer) -> QuerySet[ClaimEdit]:
    """Proposed new texts of a debate's claims: every one for its moderators (the review
    queue's), a person's own for them, none for anyone else."""
    edits = ClaimEdit.objects.filter(claim__debate=debate)
    if not policy.can_moderate(viewer, debate):
        if not viewer.is_authenticated:
            return edits.none()
        edits = edits.filter(author=viewer)
    return edits.select_related("claim", "author")

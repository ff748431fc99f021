"""New revisions of a source, without losing a single annotation or citation.

A new revision is stored beside the old ones (revisions are immutable). Every anchor of
the source is then found again in the new text by the re-anchoring engine — in place,
moved, fuzzily matched, or orphaned — and updated in the same transaction. Orphans keep
their last selectors so they can be shown with their quote and re-attached by hand.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from . import anchoring
from .formats.article import ArticleError, parse_article
from .models import QUOTE_CONTEXT, Anchor, Annotation, Evidence, Passage, Source, SourceRevision
from .services import MAX_SOURCE_CHARS, passages_for_blocks


@transaction.atomic
def source_revise(*, source: Source, text: str, note: str = "", created_by=None) -> SourceRevision:
    """Store `text` as the source's next revision and re-anchor everything on it."""
    if len(text) > MAX_SOURCE_CHARS:
        raise ValidationError(
            f"The text is too long (the limit is {MAX_SOURCE_CHARS:,} characters)."
        )
    try:
        parsed = parse_article(text, title=source.title)
    except ArticleError as error:
        raise ValidationError(str(error)) from error
    # Lock the source row so two revisions cannot be numbered alike or re-anchor at once.
    source = Source.objects.select_for_update().get(pk=source.pk)
    previous = source.current_revision
    if previous is not None and previous.text == parsed.text:
        raise ValidationError("This text is the same as the current revision; nothing changed.")
    revision = SourceRevision.objects.create(
        source=source,
        number=(previous.number + 1) if previous else 1,
        text=parsed.text,
        structure=parsed.to_dict(),
        note=note[:300],
        created_by=created_by,
    )
    counts = _reanchor(source=source, revision=revision)
    blocks = [(block, section.title) for section in parsed.sections for block in section.blocks]
    counts["new_passages"] = passages_for_blocks(
        source=source, revision=revision, blocks=blocks, created_by=created_by, skip_existing=True
    )
    revision.report = counts
    # The revision is immutable; writing its report once, right after creation, is the
    # single exception, done with update() so save()'s guard stays strict.
    SourceRevision.objects.filter(pk=revision.pk).update(report=counts)
    source.current_revision = revision
    source.save(update_fields=["current_revision"])
    return revision


def _reanchor(*, source: Source, revision: SourceRevision) -> dict[str, int]:
    anchors = list(
        Anchor.objects.filter(source=source)
        .filter(~Q(revision=revision))
        .select_related("revision")
        .order_by("pk")
    )
    selectors = [anchoring.Selector(a.start, a.end, a.exact, a.prefix, a.suffix) for a in anchors]
    resolutions = [
        anchoring.resolve(selector, revision.text, old_length=len(anchor.revision.text))
        for anchor, selector in zip(anchors, selectors, strict=True)
    ]
    changed: list[Anchor] = []
    orphaned: list[Anchor] = []
    for anchor, resolution in zip(anchors, resolutions, strict=True):
        found = resolution.selector(revision.text)
        if found is None:
            anchor.status = Anchor.Status.ORPHANED
            orphaned.append(anchor)
            continue
        anchor.revision = revision
        anchor.start, anchor.end = found.start, found.end
        anchor.exact, anchor.prefix, anchor.suffix = found.exact, found.prefix, found.suffix
        anchor.status = Anchor.Status.ANCHORED
        changed.append(anchor)
    fields = ["revision", "start", "end", "exact", "prefix", "suffix", "status"]
    Anchor.objects.bulk_update(changed, fields, batch_size=500)
    Anchor.objects.bulk_update(orphaned, ["status"], batch_size=500)
    # The report speaks of what people made: notes and cited passages. Uncited structural
    # passages follow along silently (the new structure gets fresh ones anyway).
    ids = [a.pk for a in anchors]
    noted = set(Annotation.objects.filter(anchor_id__in=ids).values_list("anchor_id", flat=True))
    cited = set(
        Evidence.objects.filter(passage__anchor_id__in=ids).values_list(
            "passage__anchor_id", flat=True
        )
    )
    report = anchoring.summarise(
        r for a, r in zip(anchors, resolutions, strict=True) if a.pk in noted or a.pk in cited
    )
    return {
        "in_place": report.in_place,
        "moved": report.moved,
        "fuzzy": report.fuzzy,
        "orphaned": report.orphaned,
    }


@transaction.atomic
def anchor_reattach(*, anchor: Anchor, quote: str) -> Anchor:
    """Attach an orphaned anchor by hand to the words `quote` of the current revision."""
    revision = anchor.source.current_revision
    quote = quote.strip()
    if not quote:
        raise ValidationError("Type or paste the words to attach it to.")
    start = revision.text.find(quote)
    if start < 0:
        raise ValidationError("Those words are not in the current text of the source.")
    if revision.text.find(quote, start + 1) >= 0:
        raise ValidationError("Those words occur more than once; quote a longer, unique part.")
    end = start + len(quote)
    anchor.revision = revision
    anchor.start, anchor.end, anchor.exact = start, end, quote
    anchor.prefix = revision.text[max(0, start - QUOTE_CONTEXT) : start]
    anchor.suffix = revision.text[end : end + QUOTE_CONTEXT]
    anchor.status = Anchor.Status.ANCHORED
    anchor.save()
    return anchor


def orphaned_passages(*, source: Source) -> list[Passage]:
    """Cited passages that lost their place (structural ones nobody cites are not listed)."""
    return list(
        Passage.objects.filter(source=source, anchor__status=Anchor.Status.ORPHANED)
        .filter(evidence__isnull=False)
        .select_related("anchor")
        .distinct()
        .order_by("anchor__start")
    )

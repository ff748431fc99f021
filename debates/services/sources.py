"""Sources: import, new revisions with re-anchoring, passages, hand re-attachment."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from .. import anchoring, policy
from ..formats.article import ArticleError, parse_article
from ..formats.documents import DocumentError, page_finder, read_pasted, read_upload
from ..formats.unstorable import UNSTORABLE as _UNSTORABLE
from ..models import (
    QUOTE_CONTEXT,
    Anchor,
    Annotation,
    Evidence,
    Passage,
    Source,
    SourceRevision,
)
from ._base import person, require

MAX_SOURCE_CHARS = 2_000_000
MAX_SOURCE_FILE_BYTES = 4 * 1024 * 1024


def _check_source_text(text: str) -> None:
    """A ValidationError for a text too long or not storable as a source's text."""
    if len(text) > MAX_SOURCE_CHARS:
        raise ValidationError(
            f"The text is too long ({len(text):,} characters; the limit is {MAX_SOURCE_CHARS:,})."
        )
    if _UNSTORABLE.search(text):
        raise ValidationError(
            "The text contains NUL bytes or broken characters (lone surrogates), so it is not "
            "plain text. Save it as plain text (UTF-8) and try again."
        )


def anchor_build(*, revision: SourceRevision, start: int, end: int) -> Anchor:
    """An unsaved anchor for text[start:end] of the revision, with both selectors filled."""
    text = revision.text
    if not 0 <= start < end <= len(text):
        raise ValidationError(
            f"The span {start}–{end} is outside the text (which has {len(text)} characters)."
        )
    return Anchor(
        source_id=revision.source_id,
        revision=revision,
        start=start,
        end=end,
        exact=text[start:end],
        prefix=text[max(0, start - QUOTE_CONTEXT) : start],
        suffix=text[end : end + QUOTE_CONTEXT],
    )


def passages_for_blocks(
    *,
    source: Source,
    revision: SourceRevision,
    blocks,
    created_by,
    skip_existing: bool = False,
    pages: Sequence[tuple[int, int]] = (),
) -> int:
    """A passage for each (block, section title); with skip_existing, only for new spans.
    `pages`: (offset, page number) pairs of an imported PDF, to note each passage's page."""
    taken: set[tuple[int, int]] = set()
    if skip_existing:
        taken = set(
            Anchor.objects.filter(source=source, revision=revision).values_list("start", "end")
        )
    anchors: list[Anchor] = []
    meta: list[tuple[str, str, str, int | None]] = []
    page_at = page_finder(pages)
    for block, section_title in blocks:
        if (block.start, block.end) in taken:
            continue
        anchors.append(anchor_build(revision=revision, start=block.start, end=block.end))
        meta.append((block.kind, block.label, section_title, page_at(block.start)))
    anchors = Anchor.objects.bulk_create(anchors)
    Passage.objects.bulk_create(
        Passage(
            anchor=anchor,
            source=source,
            kind=kind,
            label=label[:200],
            section=section_title[:300],
            page=page,
            created_by=created_by,
        )
        for anchor, (kind, label, section_title, page) in zip(anchors, meta, strict=True)
    )
    return len(anchors)


@transaction.atomic
def source_import(
    *,
    actor,
    text: str,
    title: str = "",
    author: str = "",
    url: str = "",
    licence: str = "",
    language: str = "en",
    visibility: str = Source.Visibility.PRIVATE,
    pages: Sequence[tuple[int, int]] = (),
) -> Source:
    """A new source from an article's text: its first revision and structural passages.

    Text that is HTML (a page's source, pasted) is read as HTML, not kept as literal tags.
    `pages`: (offset, page number) pairs when the text came from a PDF (see source_import_file).
    """
    require(policy.can_import_source(actor), "Log in to import a source.")
    if visibility not in Source.Visibility.values:
        raise ValidationError("Choose whether the source is public or private.")
    created_by = person(actor)
    _check_source_text(text)
    _check_source_text(title)
    if not pages:
        try:
            pasted = read_pasted(text, max_chars=MAX_SOURCE_CHARS)
        except DocumentError as error:
            raise ValidationError(str(error)) from error
        text, title = pasted.text, title.strip() or pasted.title
    try:
        parsed = parse_article(text, title=title.strip() or None)
    except ArticleError as error:
        raise ValidationError(str(error)) from error
    source = Source.objects.create(
        title=parsed.title[:300] or "Untitled source",
        author=author,
        url=url,
        licence=licence,
        language=language or "en",
        visibility=visibility,
        created_by=created_by,
    )
    revision = SourceRevision.objects.create(
        source=source,
        number=1,
        text=parsed.text,
        structure=parsed.to_dict(),
        note="imported",
        created_by=created_by,
    )
    source.current_revision = revision
    source.save(update_fields=["current_revision"])
    blocks = [(block, section.title) for section in parsed.sections for block in section.blocks]
    passages_for_blocks(
        source=source, revision=revision, blocks=blocks, created_by=created_by, pages=pages
    )
    return source


def source_import_file(
    *, actor, data: bytes, name: str = "", content_type: str = "", title: str = "", **fields
) -> Source:
    """A new source from an uploaded file: text or markdown in any common encoding, HTML, a
    PDF with a text layer (each passage notes its page) or a Word .docx. `fields` are
    source_import's author, url, licence, language and visibility."""
    require(policy.can_import_source(actor), "Log in to import a source.")
    if len(data) > MAX_SOURCE_FILE_BYTES:
        raise ValidationError(
            f"The file is larger than {MAX_SOURCE_FILE_BYTES // (1024 * 1024)} MB."
        )
    try:
        document = read_upload(
            data, name=name, content_type=content_type, max_chars=MAX_SOURCE_CHARS
        )
    except DocumentError as error:
        raise ValidationError(str(error)) from error
    return source_import(
        actor=actor,
        text=document.text,
        title=title.strip() or document.title,
        pages=document.pages,
        **fields,
    )


@transaction.atomic
def passage_create(
    *,
    source: Source,
    start: int,
    end: int,
    kind: str = Passage.Kind.SELECTION,
    label: str = "",
    created_by=None,
) -> Passage:
    """A passage over a span of the source's current revision; an existing one is reused."""
    # Nullable only until `source_create` sets it, in the transaction that makes the source.
    revision = cast(SourceRevision, source.current_revision)
    existing = (
        Passage.objects.filter(
            source=source, anchor__revision=revision, anchor__start=start, anchor__end=end
        )
        .select_related("anchor")
        .first()
    )
    if existing is not None:
        return existing
    anchor = anchor_build(revision=revision, start=start, end=end)
    anchor.save()
    section = _section_title_at(revision, start)
    return Passage.objects.create(
        anchor=anchor,
        source=source,
        kind=kind,
        label=label[:200],
        section=section[:300],
        created_by=created_by,
    )


def _section_title_at(revision: SourceRevision, offset: int) -> str:
    for section in revision.structure.get("sections", []):
        blocks = section.get("blocks", [])
        if blocks and blocks[0]["start"] <= offset < blocks[-1]["end"]:
            return section.get("title", "")
    return ""


def passage_for_quote(*, source: Source, quote: str, created_by=None) -> Passage:
    """The passage whose text is exactly `quote`; the quote must occur once in the source."""
    text = cast(SourceRevision, source.current_revision).text
    start = text.find(quote)
    if not quote or start < 0:
        raise ValidationError(f"The quote “{quote[:80]}” is not in “{source.title}”.")
    if text.find(quote, start + 1) >= 0:
        raise ValidationError(
            f"The quote “{quote[:80]}” occurs more than once in “{source.title}”; "
            "quote more of the sentence so it points at one place."
        )
    kind = (
        Passage.Kind.SENTENCE
        if quote.rstrip().endswith((".", "?", "!"))
        else Passage.Kind.SELECTION
    )
    return passage_create(
        source=source, start=start, end=start + len(quote), kind=kind, created_by=created_by
    )


@transaction.atomic
def source_revise(*, actor, source: Source, text: str, note: str = "") -> SourceRevision:
    """Store `text` as the source's next revision and re-anchor everything on it."""
    require(
        policy.can_revise_source(actor, source),
        "Only the person who imported this source and site staff can add a revision.",
    )
    created_by = person(actor)
    _check_source_text(text)
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
def anchor_reattach(*, actor, anchor: Anchor, quote: str) -> Anchor:
    """Attach an orphaned anchor by hand to the words `quote` of the current revision: its
    note's author may, and so may those who may revise the source."""
    note = anchor.annotations.filter(author=actor, parent__isnull=True).first()
    require(policy.can_reattach(actor, anchor, note), "You cannot re-attach this.")
    revision = cast(SourceRevision, anchor.source.current_revision)
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

"""Every write that spans rows, each inside one transaction.

Functions are keyword-only and named `<entity>_<action>`. They validate first and raise
`django.core.exceptions.ValidationError` with a message a person can act on, then write.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from .formats.article import ArticleError, ParsedArticle, parse_article
from .models import (
    QUOTE_CONTEXT,
    Anchor,
    Claim,
    Debate,
    Evidence,
    Membership,
    Passage,
    Source,
    SourceRevision,
)

MAX_SOURCE_CHARS = 2_000_000


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


def _structural_passages(
    *, source: Source, revision: SourceRevision, parsed: ParsedArticle, created_by
) -> None:
    anchors: list[Anchor] = []
    meta: list[tuple[str, str, str]] = []
    for section in parsed.sections:
        for block in section.blocks:
            anchors.append(anchor_build(revision=revision, start=block.start, end=block.end))
            meta.append((block.kind, block.label, section.title))
    anchors = Anchor.objects.bulk_create(anchors)
    Passage.objects.bulk_create(
        Passage(
            anchor=anchor,
            source=source,
            kind=kind,
            label=label[:200],
            section=section_title[:300],
            created_by=created_by,
        )
        for anchor, (kind, label, section_title) in zip(anchors, meta, strict=True)
    )


@transaction.atomic
def source_import(
    *,
    text: str,
    title: str = "",
    author: str = "",
    url: str = "",
    licence: str = "",
    language: str = "en",
    created_by=None,
) -> Source:
    """A new source from an article's text: its first revision and structural passages."""
    if len(text) > MAX_SOURCE_CHARS:
        raise ValidationError(
            f"The text is too long ({len(text):,} characters; the limit is {MAX_SOURCE_CHARS:,})."
        )
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
    _structural_passages(source=source, revision=revision, parsed=parsed, created_by=created_by)
    return source


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
    revision = source.current_revision
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
    text = source.current_revision.text
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
def debate_create(
    *,
    title: str,
    owner,
    slug: str = "",
    description: str = "",
    visibility: str = Debate.Visibility.PRIVATE,
    contribution_mode: str = Debate.Mode.REVIEWED,
    sources: list[Source] | tuple[Source, ...] = (),
) -> Debate:
    """A debate with its owner as owner member."""
    title = title.strip()
    if not title:
        raise ValidationError("A debate needs a title.")
    slug = slug or slugify(title)[:200]
    if not slug:
        raise ValidationError("The title must contain letters or digits to make its address.")
    if Debate.objects.filter(slug=slug).exists():
        raise ValidationError(f"A debate at /debates/{slug}/ already exists; choose another title.")
    debate = Debate.objects.create(
        title=title,
        slug=slug,
        description=description,
        owner=owner,
        visibility=visibility,
        contribution_mode=contribution_mode,
    )
    debate.sources.set(sources)
    Membership.objects.create(user=owner, debate=debate, role=Membership.Role.OWNER)
    return debate


def membership_set(*, debate: Debate, user, role: str) -> Membership:
    if role not in Membership.Role.values:
        raise ValidationError(
            f"“{role}” is not a role; choose one of {', '.join(Membership.Role.values)}."
        )
    membership, _ = Membership.objects.update_or_create(
        debate=debate, user=user, defaults={"role": role}
    )
    return membership


ALLOWED_PARENTS = {
    Claim.Kind.ISSUE: set(),
    Claim.Kind.POSITION: {Claim.Kind.ISSUE},
    Claim.Kind.ARGUMENT: {Claim.Kind.POSITION, Claim.Kind.ARGUMENT},
}


PLACE_RULES = {
    Claim.Kind.POSITION: "A position answers an issue",
    Claim.Kind.ARGUMENT: "An argument stands under a position or an argument",
}


def check_claim_place(*, kind: str, parent: Claim | None, relation: str, debate: Debate) -> None:
    """Raise a ValidationError unless a claim of `kind` may stand under `parent` this way."""
    if kind not in ALLOWED_PARENTS:
        raise ValidationError(f"“{kind}” is not a kind of claim.")
    if kind == Claim.Kind.ISSUE:
        if parent is not None or relation:
            raise ValidationError("An issue is the root of a map; it has no parent.")
        return
    if parent is None:
        raise ValidationError(f"A {kind} needs a parent claim.")
    if parent.debate_id != debate.pk:
        raise ValidationError("The parent claim belongs to another debate.")
    if parent.kind not in ALLOWED_PARENTS[kind]:
        raise ValidationError(f"{PLACE_RULES[kind]}, not under an {parent.kind}.")
    if kind == Claim.Kind.POSITION and relation != Claim.Relation.ANSWERS:
        raise ValidationError("A position answers its issue.")
    if kind == Claim.Kind.ARGUMENT and relation not in {
        Claim.Relation.SUPPORTS,
        Claim.Relation.OPPOSES,
        Claim.Relation.UNDERCUTS,
    }:
        raise ValidationError("An argument supports, opposes or undercuts its parent.")


@transaction.atomic
def claim_create(
    *,
    debate: Debate,
    kind: str,
    text: str,
    author,
    parent: Claim | None = None,
    relation: str = "",
    status: str = Claim.Status.PROPOSED,
) -> Claim:
    text = text.strip()
    if not text:
        raise ValidationError("A claim needs some text.")
    if kind == Claim.Kind.POSITION and not relation:
        relation = Claim.Relation.ANSWERS
    check_claim_place(kind=kind, parent=parent, relation=relation, debate=debate)
    siblings = Claim.objects.filter(debate=debate, parent=parent)
    order = (siblings.aggregate(m=Max("order"))["m"] or 0) + 1
    return Claim.objects.create(
        debate=debate,
        kind=kind,
        parent=parent,
        relation=relation,
        text=text,
        author=author,
        status=status,
        order=order,
    )


@transaction.atomic
def evidence_add(
    *,
    claim: Claim,
    passage: Passage,
    author,
    relation: str = Evidence.Relation.SUPPORTS,
    note: str = "",
    status: str = Evidence.Status.PROPOSED,
) -> Evidence:
    if relation not in Evidence.Relation.values:
        raise ValidationError(f"“{relation}” is not a kind of evidence.")
    if not claim.debate.sources.filter(pk=passage.source_id).exists():
        claim.debate.sources.add(passage.source_id)
    if Evidence.objects.filter(claim=claim, passage=passage, deleted_at__isnull=True).exists():
        raise ValidationError("This passage is already cited by this claim.")
    return Evidence.objects.create(
        claim=claim, passage=passage, relation=relation, note=note, author=author, status=status
    )

"""Every write that spans rows, each inside one transaction.

Functions are keyword-only and named `<entity>_<action>`. They validate first and raise
`django.core.exceptions.ValidationError` with a message a person can act on, then write.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from .formats.article import ArticleError, parse_article
from .models import (
    QUOTE_CONTEXT,
    Anchor,
    Annotation,
    Claim,
    Debate,
    Evidence,
    Flag,
    Membership,
    Passage,
    Source,
    SourceRevision,
    Tag,
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


def passages_for_blocks(
    *, source: Source, revision: SourceRevision, blocks, created_by, skip_existing: bool = False
) -> int:
    """A passage for each (block, section title); with skip_existing, only for new spans."""
    taken: set[tuple[int, int]] = set()
    if skip_existing:
        taken = set(
            Anchor.objects.filter(source=source, revision=revision).values_list("start", "end")
        )
    anchors: list[Anchor] = []
    meta: list[tuple[str, str, str]] = []
    for block, section_title in blocks:
        if (block.start, block.end) in taken:
            continue
        anchors.append(anchor_build(revision=revision, start=block.start, end=block.end))
        meta.append((block.kind, block.label, section_title))
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
    return len(anchors)


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
    blocks = [(block, section.title) for section in parsed.sections for block in section.blocks]
    passages_for_blocks(source=source, revision=revision, blocks=blocks, created_by=created_by)
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


def check_pending_limit(*, user, debate: Debate) -> None:
    """Refuse a new proposal once `user` has CRUX_MAX_PENDING_PER_DAY of them waiting in
    this debate from the last 24 hours (the setting at 0 turns this off)."""
    from django.conf import settings

    from .models import ClaimEdit

    limit = settings.CRUX_MAX_PENDING_PER_DAY
    if not limit:
        return
    since = timezone.now() - timedelta(days=1)
    pending = (
        Claim.objects.filter(
            debate=debate, author=user, status=Claim.Status.PROPOSED, created_at__gte=since
        ).count()
        + Evidence.objects.filter(
            claim__debate=debate,
            author=user,
            status=Evidence.Status.PROPOSED,
            deleted_at__isnull=True,
            created_at__gte=since,
        ).count()
        + ClaimEdit.objects.filter(
            claim__debate=debate,
            author=user,
            status=ClaimEdit.Status.PROPOSED,
            created_at__gte=since,
        ).count()
    )
    if pending >= limit:
        raise ValidationError(
            f"You have {pending} contributions waiting for review in this debate from the last "
            f"24 hours, the most allowed; please wait until a moderator has looked at them."
        )


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
    claim = Claim(
        debate=debate,
        kind=kind,
        parent=parent,
        relation=relation,
        text=text,
        author=author,
        status=status,
        order=order,
    )
    claim._history_user = author  # the first history row names who wrote it
    claim.save(force_insert=True)
    return claim


def evidence_source_join(*, claim: Claim, passage: Passage) -> None:
    """Published evidence grounds its debate in the passage's source (a proposal does not,
    until it is approved: a rejected one must leave no trace on the debate)."""
    if not claim.debate.sources.filter(pk=passage.source_id).exists():
        claim.debate.sources.add(passage.source_id)


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
    if status == Evidence.Status.PUBLISHED:
        evidence_source_join(claim=claim, passage=passage)
    if Evidence.objects.filter(claim=claim, passage=passage, deleted_at__isnull=True).exists():
        raise ValidationError("This passage is already cited by this claim.")
    evidence = Evidence(
        claim=claim, passage=passage, relation=relation, note=note, author=author, status=status
    )
    evidence._history_user = author
    evidence.save(force_insert=True)
    return evidence


# --- annotations -----------------------------------------------------------------------

MAX_TAGS = 12


def _clean_tags(tags) -> list[str]:
    if isinstance(tags, str):
        tags = tags.replace(",", " ").split()
    cleaned: list[str] = []
    for tag in tags:
        tag = tag.strip().lstrip("#").lower()[:50]
        if tag and tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise ValidationError(f"Use at most {MAX_TAGS} tags.")
    return cleaned


def _check_annotation_fields(*, body: str, motivation: str, visibility: str, debate) -> None:
    from .markdown import MAX_BODY_CHARS

    if motivation not in Annotation.Motivation.values:
        raise ValidationError(f"“{motivation}” is not a motivation.")
    if visibility not in Annotation.Visibility.values:
        raise ValidationError(f"“{visibility}” is not a visibility.")
    if visibility == Annotation.Visibility.DEBATE and debate is None:
        raise ValidationError("Choose the debate whose members may see this note.")
    if len(body) > MAX_BODY_CHARS:
        raise ValidationError(f"The note is too long (the limit is {MAX_BODY_CHARS:,} characters).")
    if motivation == Annotation.Motivation.COMMENTING and not body.strip():
        raise ValidationError("Write a note, or choose “highlighting” to highlight without one.")


def _set_tags(annotation: Annotation, tags: list[str]) -> None:
    existing = {t.name: t for t in Tag.objects.filter(name__in=tags)}
    missing = [Tag(name=name) for name in tags if name not in existing]
    for tag in Tag.objects.bulk_create(missing, ignore_conflicts=True):
        existing.setdefault(tag.name, tag)
    # ignore_conflicts gives no pks back on some engines: read them again.
    if any(t.pk is None for t in existing.values()) or len(existing) < len(tags):
        existing = {t.name: t for t in Tag.objects.filter(name__in=tags)}
    annotation.tags.set([existing[name] for name in tags])


@transaction.atomic
def annotation_create(
    *,
    source: Source,
    start: int,
    end: int,
    author,
    body: str = "",
    tags=(),
    motivation: str = Annotation.Motivation.COMMENTING,
    visibility: str = Annotation.Visibility.PRIVATE,
    debate: Debate | None = None,
    exact: str | None = None,
) -> Annotation:
    """A note on text[start:end] of the source's current revision.

    When `exact` is given (a client's quote), it must match the text at that span, so a
    stale page cannot attach a note to the wrong words.
    """
    revision = source.current_revision
    anchor = anchor_build(revision=revision, start=start, end=end)
    if exact is not None and anchor.exact != exact:
        raise ValidationError(
            "The selected text does not match the source at that place; reload the page."
        )
    if not anchor.exact.strip():
        raise ValidationError("Select some words, not only spaces.")
    _check_annotation_fields(body=body, motivation=motivation, visibility=visibility, debate=debate)
    tag_names = _clean_tags(tags)
    anchor.save()
    annotation = Annotation.objects.create(
        anchor=anchor,
        author=author,
        body=body.strip(),
        motivation=motivation,
        visibility=visibility,
        debate=debate,
    )
    _set_tags(annotation, tag_names)
    return annotation


@transaction.atomic
def annotation_reply(*, parent: Annotation, author, body: str) -> Annotation:
    """A reply shares its parent's anchor, visibility and debate (a thread is one audience)."""
    root = parent
    while root.parent_id is not None:
        root = root.parent
    if not body.strip():
        raise ValidationError("Write a reply.")
    _check_annotation_fields(
        body=body, motivation="replying", visibility=root.visibility, debate=root.debate
    )
    return Annotation.objects.create(
        anchor=root.anchor,
        parent=root,
        author=author,
        body=body.strip(),
        motivation=Annotation.Motivation.REPLYING,
        visibility=root.visibility,
        debate=root.debate,
    )


@transaction.atomic
def annotation_update(
    *,
    annotation: Annotation,
    body: str,
    tags=(),
    motivation: str | None = None,
    visibility: str | None = None,
    debate: Debate | None = None,
) -> Annotation:
    motivation = motivation or annotation.motivation
    if annotation.parent_id is not None:
        visibility, debate = annotation.visibility, annotation.debate
    visibility = visibility or annotation.visibility
    if visibility != Annotation.Visibility.DEBATE:
        debate = debate if debate is not None else annotation.debate
    _check_annotation_fields(body=body, motivation=motivation, visibility=visibility, debate=debate)
    annotation.body = body.strip()
    annotation.motivation = motivation
    annotation.visibility = visibility
    annotation.debate = debate
    annotation.save()
    _set_tags(annotation, _clean_tags(tags))
    if annotation.parent_id is None:
        # Replies follow their thread's audience (saved one by one, so history keeps it).
        for reply in annotation.replies.all():
            reply.visibility, reply.debate = visibility, debate
            reply.save(update_fields=["visibility", "debate", "updated_at"])
    return annotation


@transaction.atomic
def annotation_delete(*, annotation: Annotation) -> Annotation:
    """Soft delete: kept, hidden from readers, restorable by moderators."""
    annotation.deleted_at = timezone.now()
    annotation.save(update_fields=["deleted_at", "updated_at"])
    return annotation


@transaction.atomic
def annotation_restore(*, annotation: Annotation) -> Annotation:
    annotation.deleted_at = None
    annotation.save(update_fields=["deleted_at", "updated_at"])
    return annotation


@transaction.atomic
def annotation_set_hidden(*, annotation: Annotation, hidden: bool) -> Annotation:
    annotation.hidden = hidden
    annotation.save(update_fields=["hidden", "updated_at"])
    return annotation


def flag_create(*, author, reason: str, note: str = "", claim=None, annotation=None) -> Flag:
    if reason not in Flag.Reason.values:
        raise ValidationError(f"“{reason}” is not a reason; choose one from the list.")
    if (claim is None) == (annotation is None):
        raise ValidationError("Flag one claim or one annotation.")
    open_flags = Flag.objects.filter(
        created_by=author, claim=claim, annotation=annotation, status=Flag.Status.OPEN
    )
    if open_flags.exists():
        raise ValidationError("You have already flagged this; a moderator will look at it.")
    return Flag.objects.create(
        created_by=author,
        reason=reason,
        note=note.strip()[:2000],
        claim=claim,
        annotation=annotation,
    )


# --- evidence from a selection ---------------------------------------------------------


@transaction.atomic
def evidence_from_selection(
    *, source: Source, start: int, end: int, claim: Claim, relation: str, author, status: str
) -> Evidence:
    """Cite text[start:end] of the source (a passage, made if new) as evidence for a claim."""
    passage = passage_create(source=source, start=start, end=end, created_by=author)
    return evidence_add(
        claim=claim, passage=passage, relation=relation, author=author, status=status
    )


@transaction.atomic
def argument_with_evidence(
    *,
    source: Source,
    start: int,
    end: int,
    parent: Claim,
    stance: str,
    text: str,
    author,
    status: str,
) -> Claim:
    """A new argument under `parent` that rests on text[start:end] of the source."""
    argument = claim_create(
        debate=parent.debate,
        kind=Claim.Kind.ARGUMENT,
        parent=parent,
        relation=stance,
        text=text,
        author=author,
        status=status,
    )
    evidence_from_selection(
        source=source,
        start=start,
        end=end,
        claim=argument,
        relation=Evidence.Relation.SUPPORTS,
        author=author,
        status=status,
    )
    return argument


# --- W3C Web Annotations (the protocol's POST and `manage.py import_annotations`) -------


def _quote_occurrences(text: str, quote: str) -> list[int]:
    found, at = [], text.find(quote)
    while at >= 0:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


def quote_span(
    *,
    text: str,
    exact: str | None,
    prefix: str = "",
    suffix: str = "",
    start: int | None = None,
    end: int | None = None,
) -> tuple[int, int]:
    """Where a W3C target's selectors point in `text`: exact matches only, never fuzzy.

    The TextPositionSelector wins when the text there is the quote; otherwise the quote must
    occur once, or once with its prefix/suffix, or the occurrence nearest the position wins.
    Messages start with the selector field, as the protocol's 400s and the import report it.
    """
    if exact is None:
        if start is None or end is None:
            raise ValidationError("target.selector: a TextQuoteSelector or a position is needed.")
        if not 0 <= start < end <= len(text) or not text[start:end].strip():
            raise ValidationError(
                f"target.selector: the span {start}–{end} selects no words of the text "
                f"(which has {len(text)} characters)."
            )
        return start, end
    if not exact.strip():
        raise ValidationError("target.selector.exact: quote some words, not only spaces.")
    if start is not None and end is not None and text[start:end] == exact:
        return start, end
    found = _quote_occurrences(text, exact)
    shown = exact if len(exact) <= 80 else exact[:77] + "…"
    if not found:
        raise ValidationError(f"target.selector.exact: the quote “{shown}” is not in the text.")
    if len(found) > 1:
        in_context = [
            at
            for at in found
            if text[:at].endswith(prefix) and text.startswith(suffix, at + len(exact))
        ]
        if len(in_context) == 1:
            found = in_context
        elif start is not None:
            found = sorted(in_context or found, key=lambda at: (abs(at - start), at))
        else:
            raise ValidationError(
                f"target.selector.exact: the quote “{shown}” occurs {len(found)} times; add a "
                "prefix or suffix (or a TextPositionSelector) that picks one."
            )
    return found[0], found[0] + len(exact)


@transaction.atomic
def annotation_from_w3c(
    *,
    source: Source,
    parsed,
    author,
    visibility: str = Annotation.Visibility.PRIVATE,
    parent: Annotation | None = None,
) -> Annotation:
    """A Crux annotation from a `formats.w3c.ParsedAnnotation`, on the source's current text.

    A reply (`parsed.in_reply_to`) needs `parent`, which the caller finds: the API resolves the
    IRI, an import maps the file's own ids. Visibility applies to thread roots; replies follow
    their thread. Field names lead every message (`target.selector.exact: …`, `body: …`).
    """
    if parsed.in_reply_to is not None:
        if parent is None or parent.anchor.source_id != source.pk:
            raise ValidationError(
                f"target: {parsed.in_reply_to} is not an annotation on “{source.title}”."
            )
        try:
            reply = annotation_reply(parent=parent, author=author, body=parsed.body)
            _set_tags(reply, _clean_tags(parsed.tags))
        except ValidationError as error:
            raise ValidationError(f"body: {' '.join(error.messages)}") from error
        return reply
    if source.current_revision is None:
        raise ValidationError(f"target: “{source.title}” has no text to annotate yet.")
    start, end = quote_span(
        text=source.current_revision.text,
        exact=parsed.exact,
        prefix=parsed.prefix,
        suffix=parsed.suffix,
        start=parsed.start,
        end=parsed.end,
    )
    motivation = parsed.motivation
    if motivation == Annotation.Motivation.REPLYING:
        motivation = Annotation.Motivation.COMMENTING  # a thread root replies to nothing
    if visibility not in (Annotation.Visibility.PRIVATE, Annotation.Visibility.PUBLIC):
        raise ValidationError(f"crux:visibility: “{visibility}” is not public or private.")
    try:
        return annotation_create(
            source=source,
            start=start,
            end=end,
            author=author,
            body=parsed.body,
            tags=parsed.tags,
            motivation=motivation,
            visibility=visibility,
        )
    except ValidationError as error:
        # The span is checked above, so what is left is about the body and its tags.
        raise ValidationError(f"body: {' '.join(error.messages)}") from error

"""Notes on passages: create, reply, edit, delete and restore, hide; W3C imports."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .. import policy
from ..formats.w3c import provenance
from ..models import (
    Annotation,
    AuditEntry,
    Debate,
    Source,
    Tag,
)
from . import audit, mentions
from ._base import quote, require
from .sources import anchor_build

Action = AuditEntry.Action


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
    from ..markdown import MAX_BODY_CHARS

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


def _check_audience(actor, visibility: str, debate: Debate | None) -> None:
    """A note for a debate's members is addressed by one of them."""
    if visibility == Annotation.Visibility.DEBATE and debate is not None:
        require(
            policy.role_in(actor, debate) is not None,
            "Only members of a debate can address a note to its members.",
        )


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
    actor,
    source: Source,
    start: int,
    end: int,
    body: str = "",
    tags=(),
    motivation: str = Annotation.Motivation.COMMENTING,
    visibility: str = Annotation.Visibility.PRIVATE,
    debate: Debate | None = None,
    exact: str | None = None,
    canonical: str = "",
    via: Sequence[str] = (),
) -> Annotation:
    """A note on text[start:end] of the source's current revision.

    When `exact` is given (a client's quote), it must match the text at that span, so a
    stale page cannot attach a note to the wrong words. `canonical` and `via` are a Web
    Annotation's provenance IRIs, kept as given (see `annotation_from_w3c`).
    """
    require(policy.can_annotate(actor), "Log in to annotate.")
    require(policy.can_view_source(actor, source), "You cannot annotate a source you cannot read.")
    _check_audience(actor, visibility, debate)
    author = actor
    revision = source.current_revision
    if revision is None:
        raise ValidationError(f"“{source.title}” has no text to annotate yet.")
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
        canonical=canonical,
        via=list(via),
    )
    _set_tags(annotation, tag_names)
    mentions.note_notify(actor=actor, note=annotation)
    return annotation


@transaction.atomic
def annotation_reply(
    *, actor, parent: Annotation, body: str, canonical: str = "", via: Sequence[str] = ()
) -> Annotation:
    """A reply shares its parent's anchor, visibility and debate (a thread is one audience).

    The note replied to must be one the actor may see: for a reply, that asks about its
    thread's root too, so a thread whose root was deleted or hidden takes no more replies;
    nor one withheld from them ("see classmates' work after you post").
    """
    require(
        policy.can_annotate(actor) and policy.can_open_annotation(actor, parent),
        "You cannot reply to this note.",
    )
    author = actor
    root = parent
    while root.parent_id is not None:
        root = cast(Annotation, root.parent)  # parent_id is set
    if not body.strip():
        raise ValidationError("Write a reply.")
    _check_annotation_fields(
        body=body, motivation="replying", visibility=root.visibility, debate=root.debate
    )
    reply = Annotation.objects.create(
        anchor=root.anchor,
        parent=root,
        author=author,
        body=body.strip(),
        motivation=Annotation.Motivation.REPLYING,
        visibility=root.visibility,
        debate=root.debate,
        canonical=canonical,
        via=list(via),
    )
    mentions.note_notify(actor=actor, note=reply, replying_to=parent)
    return reply


@transaction.atomic
def annotation_update(
    *,
    actor,
    annotation: Annotation,
    body: str,
    tags=(),
    motivation: str | None = None,
    visibility: str | None = None,
    debate: Debate | None = None,
) -> Annotation:
    require(policy.can_edit_annotation(actor, annotation), "Only its author can edit a note.")
    motivation = motivation or annotation.motivation
    if annotation.parent_id is not None:
        visibility, debate = annotation.visibility, annotation.debate
    visibility = visibility or annotation.visibility
    if visibility != Annotation.Visibility.DEBATE:
        debate = debate if debate is not None else annotation.debate
    if annotation.parent_id is None and (visibility, debate) != (
        annotation.visibility,
        annotation.debate,
    ):
        _check_audience(actor, visibility, debate)
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
    mentions.note_notify(actor=actor, note=annotation)  # those newly mentioned
    return annotation


@transaction.atomic
def annotation_delete(*, actor, annotation: Annotation) -> Annotation:
    """Soft delete: kept, hidden from readers, restorable by moderators."""
    require(policy.can_edit_annotation(actor, annotation), "Only its author can delete a note.")
    annotation.deleted_at = timezone.now()
    annotation.save(update_fields=["deleted_at", "updated_at"])
    return annotation


# How many occurrences a "the quote occurs N times" message counts before it says "at least".
_OCCURRENCES_COUNTED = 1000


def _occurrence_count(text: str, quote: str, limit: int = _OCCURRENCES_COUNTED) -> int:
    """Occurrences of `quote` (overlapping ones too), counted up to `limit`."""
    count, at = 0, text.find(quote)
    while at >= 0 and count < limit:
        count += 1
        at = text.find(quote, at + 1)
    return count


def _only_occurrence(text: str, needle: str) -> int | None:
    """Where `needle` occurs if it occurs exactly once; None when absent or repeated."""
    at = text.find(needle)
    if at < 0 or text.find(needle, at + 1) >= 0:
        return None
    return at


def _nearest_occurrence(text: str, needle: str, target: int) -> int:
    """The occurrence of `needle` nearest `target` (the earlier on a tie), known to exist.

    Two searches outward from `target`, not a scan of every occurrence: a one-letter quote
    occurs a million times in a long source.
    """
    around = max(0, min(target, len(text)))
    after = text.find(needle, around)
    # rfind wants the whole needle before its end bound: this finds the last one before `around`.
    before = text.rfind(needle, 0, around - 1 + len(needle)) if around > 0 else -1
    candidates = [at for at in (before, after) if at >= 0]
    return min(candidates, key=lambda at: (abs(at - target), at))


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
    if start is not None and end is not None and start >= 0 and text[start:end] == exact:
        return start, end
    # Every step below is a handful of str.find/rfind calls: linear in the text, however
    # often the quote occurs (an occurrence in context is an occurrence of prefix+exact+suffix).
    shown = exact if len(exact) <= 80 else exact[:77] + "…"
    first = text.find(exact)
    if first < 0:
        raise ValidationError(f"target.selector.exact: the quote “{shown}” is not in the text.")
    if text.find(exact, first + 1) < 0:
        return first, first + len(exact)
    in_context = prefix + exact + suffix
    only = _only_occurrence(text, in_context)
    if only is not None:
        at = only + len(prefix)
    elif start is not None:
        if in_context != exact and text.find(in_context) >= 0:
            at = _nearest_occurrence(text, in_context, start - len(prefix)) + len(prefix)
        else:
            at = _nearest_occurrence(text, exact, start)
    else:
        count = _occurrence_count(text, exact)
        times = f"{count:,} times" if count < _OCCURRENCES_COUNTED else f"at least {count:,} times"
        raise ValidationError(
            f"target.selector.exact: the quote “{shown}” occurs {times}; add a "
            "prefix or suffix (or a TextPositionSelector) that picks one."
        )
    return at, at + len(exact)


@transaction.atomic
def annotation_from_w3c(
    *,
    source: Source,
    actor,
    parsed,
    visibility: str = Annotation.Visibility.PRIVATE,
    parent: Annotation | None = None,
) -> Annotation:
    """A Crux annotation from a `formats.w3c.ParsedAnnotation`, on the source's current text.

    A reply (`parsed.in_reply_to`) needs `parent`, which the caller finds: the API resolves the
    IRI, an import maps the file's own ids. Visibility applies to thread roots; replies follow
    their thread. Field names lead every message (`target.selector.exact: …`, `body: …`).
    As the Web Annotation Protocol asks (5.1), `canonical` is kept unchanged and the document's
    own `id` is kept in `via`: the new annotation gets an IRI of its own.
    """
    canonical, via = provenance(parsed)
    canonical = canonical or ""
    if parsed.in_reply_to is not None:
        if parent is None or parent.anchor.source_id != source.pk:
            raise ValidationError(
                f"target: {parsed.in_reply_to} is not an annotation on “{source.title}”."
            )
        try:
            reply = annotation_reply(
                actor=actor, parent=parent, body=parsed.body, canonical=canonical, via=via
            )
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
            actor=actor,
            source=source,
            start=start,
            end=end,
            body=parsed.body,
            tags=parsed.tags,
            motivation=motivation,
            visibility=visibility,
            canonical=canonical,
            via=via,
        )
    except ValidationError as error:
        # The span is checked above, so what is left is about the body and its tags.
        raise ValidationError(f"body: {' '.join(error.messages)}") from error


@transaction.atomic
def annotation_hide(
    *, annotation: Annotation, actor, hidden: bool = True, reason: str = ""
) -> Annotation:
    """Hide a note from readers (its author and moderators still see it), or show it again.

    Logged in the debate's audit log; a note outside any debate (staff only) has no debate
    log to go in.
    """
    if not policy.can_moderate_annotation(actor, annotation):
        raise PermissionDenied("Only a moderator can hide or unhide a note.")
    if annotation.hidden == hidden:
        raise ValidationError("This note is hidden already." if hidden else "This note is shown.")
    annotation.hidden = hidden
    annotation.save(update_fields=["hidden", "updated_at"])
    if annotation.debate_id is not None:
        audit.record(
            debate=cast(Debate, annotation.debate),
            actor=actor,
            action=Action.ANNOTATION_HIDDEN if hidden else Action.ANNOTATION_UNHIDDEN,
            annotation=annotation,
            summary=f"note by {annotation.author.public_name}: "
            f"{quote(annotation.body or annotation.anchor.exact, 10)}",
            reason=reason.strip(),
        )
    return annotation


@transaction.atomic
def annotation_restore(*, annotation: Annotation, actor) -> Annotation:
    """Bring back a note its author deleted: the author undoing it, or a moderator, whose act
    is logged in the note's debate, if it has one."""
    if not policy.can_restore_annotation(actor, annotation):
        raise PermissionDenied("Only its author or a moderator can restore a deleted note.")
    if annotation.deleted_at is None:
        raise ValidationError("This note is not deleted.")
    annotation.deleted_at = None
    annotation.save(update_fields=["deleted_at", "updated_at"])
    undo = annotation.author_id == actor.pk  # the author's own undo is no moderator's act
    if annotation.debate_id is not None and not undo:
        audit.record(
            debate=cast(Debate, annotation.debate),
            actor=actor,
            action=Action.ANNOTATION_RESTORED,
            annotation=annotation,
            summary=f"note by {annotation.author.public_name}: "
            f"{quote(annotation.body or annotation.anchor.exact, 10)}",
        )
    return annotation

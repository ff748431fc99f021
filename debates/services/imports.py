"""Argument maps in from files: Kialo, AIF and Argdown (debates/formats/), new or into a map.

``map_parse`` turns an upload into a ``MapDoc`` (or a ValidationError naming the line or
node); ``map_import`` writes a ``MapDoc`` as a new debate, or as a subtree under a claim of an
existing one, in one transaction with a fixed number of statements per table (ids reserved
up front, one INSERT per table, see ``_bulk``), so 20,000 claims go in within seconds and a
failure half-way leaves nothing behind.

Big files go through an ``ImportJob``: ``import_start`` stores the file and enqueues
``debates.tasks.run_import`` (django-tasks, database backend: `manage.py db_worker`), which
calls ``import_job_run``; the progress page reads the job.

Where imported claims go:
- a new debate (the default): the document's issue is its root; the importer owns it;
- ``into`` a debate without ``under``: the document's tree is added beside the map's issues;
- ``under`` a claim: the document's top claims hang under it. Under an issue, the document's
  positions answer it (its own issue is dropped); under a position or argument, its top
  claims become arguments that keep their relation (a position becomes a supporting one).
Importing into an existing map is a moderator's act; everything imported is published, with
one history record each ("imported from …") and one audit entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import policy
from ..formats import aif, argdown, kialo
from ..formats.mapdoc import (
    ANSWERS,
    ARGUMENT,
    ISSUE,
    POSITION,
    SUPPORTS,
    FormatError,
    MapClaim,
    MapDoc,
    check,
)
from ..models import (
    AuditEntry,
    Claim,
    ClaimLink,
    Debate,
    Evidence,
    ImportJob,
    Membership,
    Passage,
    SourceRevision,
)
from . import audit, events
from ._base import person, require, short
from ._bulk import free_slug, insert_with_history, reserve_ids
from .debates import _check_title_and_description
from .sources import passage_create, source_import

# The formats a map can come in as, by the name the forms, API and commands use.
READERS: dict[str, Callable[[str], MapDoc]] = {
    "kialo": kialo.parse,
    "aif": aif.parse,
    "argdown": argdown.parse,
}
FORMAT_NAMES = {"kialo": "Kialo", "aif": "AIF", "argdown": "Argdown"}

Progress = Callable[[int, str], None]
# Claims written per INSERT statement.
BATCH = 5000


@dataclass
class ImportResult:
    debate: Debate
    claims: int
    root: Claim | None  # the first claim written (the new map's issue, or the subtree's top)


def size_words(size: int) -> str:
    """A file size for people: "3.2 MB", "12 KB"."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB".replace(".0 MB", " MB")
    return f"{max(1, round(size / 1024))} KB"


def decode(data: bytes | str) -> str:
    """The text of an uploaded map file: UTF-8 (with or without BOM) or UTF-16 with a BOM;
    binary files and NUL bytes are refused, files over the size limit too."""
    limit = settings.CRUX_IMPORT_MAX_BYTES
    size = len(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    if size > limit:
        raise ValidationError(
            f"The file is {size_words(size)}; at most {size_words(limit)} can be imported."
        )
    if isinstance(data, bytes):
        try:
            if data.startswith((b"\xff\xfe", b"\xfe\xff")):
                text = data.decode("utf-16")
            else:
                text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError(
                f"The file is not text (byte {error.start + 1} is not UTF-8): export the map "
                "as a text file and upload that."
            ) from error
    else:
        text = data.removeprefix("\ufeff")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ValidationError(f"Line {line}: the file holds a NUL byte; it is not a text file.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        line = text.count("\n", 0, error.start) + 1
        raise ValidationError(f"Line {line}: the text holds an unpaired surrogate.") from error
    return text


def detect_format(text: str) -> str:
    """The format a file's text looks like: a Crux backup or AIF (JSON), Kialo (its
    "Discussion Title:"/"Discussion Name:" header or numbered lines), else Argdown."""
    head = text.lstrip("\ufeff \t\r\n")[:4096]
    if head.startswith(("{", "[")):
        return "backup" if '"crux-backup"' in head else "aif"
    first = head.split("\n", 1)[0].strip()
    if first.startswith(("Discussion Title:", "Discussion Name:")) or first[:3] in ("1. ", "1.\r"):
        return "kialo"
    return "argdown"


def map_parse(*, format: str, data: bytes | str) -> MapDoc:
    """The map in an uploaded file, or a ValidationError whose message names the line/node."""
    reader = READERS.get(format)
    if reader is None:
        raise ValidationError(
            f"“{format}” is not a format Crux reads; choose one of {', '.join(READERS)}."
        )
    text = decode(data)
    if not text.strip():
        raise ValidationError("The file is empty.")
    try:
        return check(reader(text))
    except FormatError as error:
        raise ValidationError(f"{FORMAT_NAMES[format]}: {error}") from error
    except RecursionError as error:
        raise ValidationError(f"{FORMAT_NAMES[format]}: the file is nested too deeply.") from error


# --- writing a document ---------------------------------------------------------------------


def _placed(doc: MapDoc, under: Claim | None) -> list[MapClaim]:
    """The document's claims as they will stand: under `under` when given (see the module's
    docstring), else as they are. Raises ValidationError when they cannot stand there."""
    if under is None:
        roots = [c for c in doc.claims if c.parent is None]
        if any(c.kind != ISSUE for c in roots):
            raise ValidationError(
                "This file holds part of a map (no issue at its top): import it under a claim "
                "of an existing debate."
            )
        return doc.claims
    claims = list(doc.claims)
    if under.kind == Claim.Kind.ISSUE:
        dropped = {c.key for c in claims if c.kind == ISSUE}
        placed = []
        for claim in claims:
            if claim.key in dropped:
                continue
            if claim.parent is None or claim.parent in dropped:
                if claim.kind != POSITION:
                    raise ValidationError(
                        f"“{short(claim.text)}” is an argument; under an issue only positions "
                        "can stand. Import it under a position or an argument instead."
                    )
                claim = MapClaim(**{**claim.__dict__, "parent": None, "relation": ANSWERS})
            placed.append(claim)
        return placed
    # Under a position or an argument: the top claims become arguments.
    dropped = {c.key for c in claims if c.kind == ISSUE}
    placed = []
    for claim in claims:
        if claim.key in dropped:
            continue
        if claim.parent is None or claim.parent in dropped:
            relation = claim.relation if claim.kind == ARGUMENT and claim.relation else SUPPORTS
            claim = MapClaim(
                **{**claim.__dict__, "parent": None, "kind": ARGUMENT, "relation": relation}
            )
        elif claim.kind == POSITION:
            claim = MapClaim(**{**claim.__dict__, "kind": ARGUMENT, "relation": SUPPORTS})
        placed.append(claim)
    if not placed:
        raise ValidationError("The file holds only an issue; there is nothing to put there.")
    return placed


def _sources(doc: MapDoc, *, actor, debate: Debate, visibility: str) -> dict[str, Passage]:
    """Each of the document's sources as a new source grounding `debate`, and the passage
    each of its passage keys became."""
    found: dict[str, Passage] = {}
    for item in doc.sources:
        source = source_import(
            actor=actor,
            text=item.text,
            title=item.title or "Imported sources",
            url=item.url if item.url.startswith(("http://", "https://")) else "",
            visibility=visibility,
        )
        debate.sources.add(source)
        text = cast(SourceRevision, source.current_revision).text
        for passage in item.passages:
            start = text.find(passage.exact)
            length = len(passage.exact)
            if start < 0:
                # The article reader may have joined wrapped lines: match on the words.
                words = " ".join(passage.exact.split())
                start, length = text.find(words), len(words)
            if start < 0 or not passage.exact.strip():
                raise ValidationError(
                    f"The quoted passage “{short(passage.exact, 80)}” could not be found in the "
                    "imported source."
                )
            found[passage.key] = passage_create(
                source=source,
                start=start,
                end=start + length,
                label=passage.label,
                created_by=person(actor),
            )
    return found


@transaction.atomic
def map_import(
    *,
    actor,
    doc: MapDoc,
    into: Debate | None = None,
    under: Claim | None = None,
    title: str = "",
    visibility: str = Debate.Visibility.PRIVATE,
    progress: Progress | None = None,
    source_name: str = "",
) -> ImportResult:
    """Write `doc` (see the module's docstring); all or nothing."""
    check(doc)
    if under is not None:
        into = under.debate
        if under.deleted_at is not None or under.status not in (
            Claim.Status.PUBLISHED,
            Claim.Status.PROPOSED,
        ):
            raise ValidationError("Claims can be imported only under a live claim.")
    claims = _placed(doc, under)  # lengths: `check` applies the services' limit
    now = timezone.now()
    by = person(actor)
    described = source_name or doc.format or "a file"
    if into is None:
        require(policy.can_create_debate(actor), "Log in to import a map.")
        name = (title or doc.title or claims[0].text).strip()[:200]
        if visibility not in Debate.Visibility.values:
            raise ValidationError("Choose who may see the debate from the list.")
        _check_title_and_description({"title": name, "description": doc.description})
        slug = free_slug(name)
        try:
            with transaction.atomic():
                debate = Debate.objects.create(
                    title=name,
                    slug=slug,
                    description=doc.description,
                    owner=by,
                    visibility=visibility,
                    created_at=now,
                )
        except IntegrityError as error:
            raise ValidationError(
                f"A debate at /debates/{slug}/ was created a moment ago; try again.",
                code="conflict",
            ) from error
        Membership.objects.create(user=by, debate=debate, role=Membership.Role.OWNER)
    else:
        debate = into
        require(
            policy.can_moderate(actor, debate),
            "Only this debate's moderators can import claims into it.",
        )
        # Serialises imports and edits of this map's order.
        Debate.objects.select_for_update().filter(pk=debate.pk).first()
    if progress:
        progress(55, "Reading the sources")
    passages = _sources(doc, actor=actor, debate=debate, visibility=debate.visibility)

    if progress:
        progress(65, f"Writing {len(claims):,} claims")
    ids = dict(zip([c.key for c in claims], reserve_ids(Claim, len(claims)), strict=True))
    next_order: dict[str | None, int] = {}
    if under is not None:
        next_order[None] = (
            max(Claim.objects.filter(parent=under).values_list("order", flat=True), default=-1) + 1
        )
    elif into is not None:
        next_order[None] = (
            max(
                Claim.objects.filter(debate=debate, parent=None).values_list("order", flat=True),
                default=-1,
            )
            + 1
        )
    rows = []
    for claim in claims:
        order = next_order.get(claim.parent, 0)
        next_order[claim.parent] = order + 1
        if claim.parent is not None:
            parent_id: int | None = ids[claim.parent]
        else:
            parent_id = under.pk if under is not None else None
        merged = claim.merged_into is not None and claim.merged_into in ids
        rows.append(
            Claim(
                pk=ids[claim.key],
                debate=debate,
                kind=claim.kind,
                parent_id=parent_id,
                relation=claim.relation,
                text=claim.text.strip(),
                author=by,
                status=Claim.Status.MERGED if merged else Claim.Status.PUBLISHED,
                merged_into_id=ids[cast(str, claim.merged_into)] if merged else None,
                order=order,
                created_at=now,
            )
        )
    reason = short(f"imported from {described}", 100)
    # In batches, parents first, so no one statement carries the whole file.
    for start in range(0, len(rows), BATCH):
        insert_with_history(
            Claim, rows[start : start + BATCH], actor=actor, when=now, reason=reason
        )

    if progress:
        progress(85, "Writing cross-links and evidence")
    link_pairs: dict[tuple[int, int], ClaimLink] = {}
    for link in doc.links:
        if link.claim not in ids or link.parent not in ids:
            continue  # one end was an issue dropped by the placement
        pair = (ids[link.claim], ids[link.parent])
        link_pairs.setdefault(
            pair,
            ClaimLink(
                debate=debate,
                claim_id=pair[0],
                parent_id=pair[1],
                relation=link.relation,
                author=by,
                order=len(link_pairs),
                created_at=now,
            ),
        )
    links = list(link_pairs.values())
    for link_row, pk in zip(links, reserve_ids(ClaimLink, len(links)), strict=True):
        link_row.pk = pk
    insert_with_history(ClaimLink, links, actor=actor, when=now, reason=reason)
    evidence_rows: dict[tuple[int, int], Evidence] = {}
    for item in doc.evidence:
        if item.claim not in ids:
            continue
        passage = passages[item.passage]
        key = (ids[item.claim], passage.pk)
        relation = item.relation if item.relation in Evidence.Relation.values else SUPPORTS
        evidence_rows.setdefault(
            key,
            Evidence(
                claim_id=key[0],
                passage=passage,
                relation=relation,
                note=item.note[:2000],
                author=by,
                status=Evidence.Status.PUBLISHED,
                created_at=now,
            ),
        )
    evidence = list(evidence_rows.values())
    for evidence_row, pk in zip(evidence, reserve_ids(Evidence, len(evidence)), strict=True):
        evidence_row.pk = pk
    insert_with_history(Evidence, evidence, actor=actor, when=now, reason=reason)

    root = None
    if rows:
        root = rows[0]
    where = f" under “{short(under.text, 80)}”" if under is not None else ""
    audit.record(
        debate=debate,
        actor=actor,
        action=AuditEntry.Action.MAP_IMPORTED,
        summary=(
            f"imported {len(rows):,} claim{'s' if len(rows) != 1 else ''}, "
            f"{len(links):,} cross-link{'s' if len(links) != 1 else ''} and "
            f"{len(evidence):,} evidence link{'s' if len(evidence) != 1 else ''} "
            f"from {described}{where}"
        ),
    )
    if into is not None:
        transaction.on_commit(lambda: events.map_changed(debate_id=debate.pk))
    return ImportResult(debate=debate, claims=len(rows), root=root)


def backup_restore(*, actor, data: bytes | str, slug: str | None = None) -> Debate:
    """A whole debate restored from a Crux backup document (staff only; see services.restore)."""
    from ..formats import backup
    from .restore import debate_restore

    text = decode(data)
    try:
        document = backup.parse(text)
    except FormatError as error:
        raise ValidationError(f"Crux backup: {error}") from error
    except RecursionError as error:
        raise ValidationError("Crux backup: the file is nested too deeply.") from error
    try:
        return debate_restore(actor=actor, data=document, slug=slug)
    except FormatError as error:
        raise ValidationError(f"Crux backup: {error}") from error


@transaction.atomic
def map_upload(
    *,
    actor,
    format: str,
    data: bytes | str,
    filename: str = "",
    title: str = "",
    visibility: str = Debate.Visibility.PRIVATE,
    into: Debate | None = None,
    under: Claim | None = None,
    restore_backups: bool = False,
) -> ImportResult | ImportJob:
    """An uploaded map file, as the pages and the API take it: `format` may be "auto"
    (`detect_format`); a small file is imported now (ImportResult), a big one queued
    (ImportJob). A Crux backup is restored (site staff) only with `restore_backups`."""
    if format == "auto":
        format = detect_format(decode(data))
    if format == "backup":
        if not restore_backups:
            raise ValidationError(
                "This is a Crux backup: it restores a whole debate, which site staff do with "
                "`manage.py import_map --format backup` or the API."
            )
        if into is not None or under is not None:
            raise ValidationError("A backup restores a whole debate of its own, not into one.")
        debate = backup_restore(actor=actor, data=data)
        return ImportResult(debate=debate, claims=debate.claims.count(), root=None)
    if not import_inline(data):
        return import_start(
            actor=actor,
            format=format,
            data=data,
            filename=filename,
            title=title,
            visibility=visibility,
            into=into,
            under=under,
        )
    return map_import(
        actor=actor,
        doc=map_parse(format=format, data=data),
        into=into,
        under=under,
        title=title,
        visibility=visibility,
        source_name=filename or FORMAT_NAMES.get(format, format),
    )


# --- background jobs ------------------------------------------------------------------------


def import_inline(data: bytes | str) -> bool:
    """Whether a file is small enough to import while the uploader waits."""
    return len(data) <= settings.CRUX_IMPORT_INLINE_BYTES


def check_target(*, actor, into: Debate | None, under: Claim | None) -> None:
    if under is not None:
        into = under.debate
    if into is not None:
        require(
            policy.can_moderate(actor, into),
            "Only this debate's moderators can import claims into it.",
        )
    else:
        require(policy.can_create_debate(actor), "Log in to import a map.")


@transaction.atomic
def import_start(
    *,
    actor,
    format: str,
    data: bytes | str,
    filename: str = "",
    title: str = "",
    visibility: str = Debate.Visibility.PRIVATE,
    into: Debate | None = None,
    under: Claim | None = None,
) -> ImportJob:
    """A queued job for a file too big to import while the uploader waits; the worker
    runs it (``debates.tasks.run_import``)."""
    from ..tasks import run_import

    check_target(actor=actor, into=into, under=under)
    if format not in READERS:
        raise ValidationError(
            f"“{format}” is not a format Crux reads; choose one of {', '.join(READERS)}."
        )
    text = decode(data)
    if not text.strip():
        raise ValidationError("The file is empty.")
    job = ImportJob.objects.create(
        owner=person(actor),
        format=format,
        filename=filename[:255],
        data=text,
        title=title[:200],
        visibility=visibility,
        into=under.debate if under is not None else into,
        under=under,
        stage="Waiting for a worker",
    )
    transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return job


def _job_update(job_id: int, **values: Any) -> None:
    """Record a job's stage, outside the import's transaction so the progress page sees it:
    reading the file, writing the claims (one transaction), done or failed."""
    ImportJob.objects.filter(pk=job_id).update(updated_at=timezone.now(), **values)


def import_job_run(job_id: int) -> ImportJob:
    """Run a queued import (the worker's side): parse, write, record how it ended."""
    job = ImportJob.objects.select_related("owner", "into", "under").get(pk=job_id)
    if job.status != ImportJob.Status.QUEUED:
        return job
    _job_update(job.pk, status=ImportJob.Status.RUNNING, progress=5, stage="Reading the file")

    try:
        doc = map_parse(format=job.format, data=job.data)
        count = len(doc.claims)
        _job_update(
            job.pk, progress=50, stage=f"Writing {count:,} claim{'s' if count != 1 else ''}"
        )
        result = map_import(
            actor=job.owner,
            doc=doc,
            into=job.into,
            under=job.under,
            title=job.title,
            visibility=job.visibility,
            progress=None,
            source_name=job.filename or FORMAT_NAMES[job.format],
        )
    except (ValidationError, FormatError) as error:
        message = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        _job_update(
            job.pk,
            status=ImportJob.Status.FAILED,
            message=message,
            stage="Nothing was imported",
            data="",
            finished_at=timezone.now(),
        )
    except Exception:
        _job_update(
            job.pk,
            status=ImportJob.Status.FAILED,
            message="The import stopped on an unexpected error; nothing was imported.",
            stage="Nothing was imported",
            data="",
            finished_at=timezone.now(),
        )
        raise
    else:
        _job_update(
            job.pk,
            status=ImportJob.Status.DONE,
            progress=100,
            stage=f"Imported {result.claims:,} claims",
            debate=result.debate,
            claims=result.claims,
            data="",
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job


def job_stalled(job: ImportJob) -> bool:
    """A job that has said nothing for CRUX_IMPORT_STALE_MINUTES: its worker died (the
    transaction rolled back, so nothing of it is in the database)."""
    stale = timedelta(minutes=settings.CRUX_IMPORT_STALE_MINUTES)
    return job.status == ImportJob.Status.RUNNING and timezone.now() - job.updated_at > stale

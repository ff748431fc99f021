"""A debate back from a Crux backup (debates/formats/backup.py), as it was.

``debate_restore(actor=…, data=…)`` writes the document as a new debate, in one transaction:
a bad document (a ``FormatError`` from the format's checks, or a row the database refuses)
leaves the database as it was, and the error names the table and row where it can.

Who may restore: site staff, or the console (``actor=None`` or ``policy.CONSOLE``, for the
``import_map --format backup`` command). Restoring writes rows in other people's names, with
their dates and their history, so it is an administrator's job, not a debate owner's.

What is written:
- People are matched by username to existing accounts. A username with no account gets a new
  *inactive* account with an unusable password and the display name from the backup: it holds
  authorship and history, and nobody can log in as it until an administrator activates it and
  its owner resets the password.
- Sources, revisions, anchors and passages are always written as new rows (new ids), even
  if the same source exists already; the restored debate lists the sources it listed.
- Everything keeps its dates (created, updated, deleted, reviewed), statuses and order.
  Version history is written as it was (the original records, dates, authors and reasons),
  not as new "created" records, so history pages show the original history; redactions
  follow their records. No audit entry, notification or live event is added for the restore.
- The debate keeps its slug when it is free (else the first free ``slug-2``…), or takes the
  ``slug`` asked for, which must be free. ``copied_from`` is linked when a debate with that
  slug exists here, else left empty.

Ids are reserved up front and each table goes in with one INSERT (see ``_bulk``), so the cost
is a fixed number of statements per table whatever the debate's size.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import DataError, IntegrityError, connection, models, transaction

from .. import policy
from ..formats import backup
from ..formats.mapdoc import FormatError
from ..models import (
    Anchor,
    Annotation,
    AuditEntry,
    Claim,
    ClaimEdit,
    ClaimLink,
    ClaimVersionRedaction,
    Debate,
    Evidence,
    Flag,
    Membership,
    Passage,
    Source,
    SourceRevision,
    Tag,
    Vote,
)
from ..selectors.exports import COLUMNS, COMPUTED, HISTORY_COLUMNS
from ._base import require

# The bulk-writing helpers, in one place (they moved from services.copies to services._bulk).
from ._bulk import free_slug, insert_rows, reserve_ids

MODELS: dict[str, type[models.Model]] = {
    "sources": Source,
    "revisions": SourceRevision,
    "anchors": Anchor,
    "passages": Passage,
    "claims": Claim,
    "claim_links": ClaimLink,
    "claim_edits": ClaimEdit,
    "evidence": Evidence,
    "votes": Vote,
    "annotations": Annotation,
    "flags": Flag,
    "audit": AuditEntry,
    "redactions": ClaimVersionRedaction,
}
# Rows that belong to the debate by a column of their own.
IN_DEBATE = {"claims", "claim_links", "audit"}


def _check_actor(actor) -> None:
    require(
        actor is None
        or actor is policy.CONSOLE
        or (actor.is_authenticated and getattr(actor, "is_staff", False)),
        "Only site staff can restore a debate from a backup.",
    )


def _check_values(data: dict) -> None:
    """What the format leaves to the models: the audit log's actions."""
    actions = set(AuditEntry.Action.values)
    for row in data["audit"]:
        if row["action"] not in actions:
            raise FormatError(
                f"“{row['action']}” is not an action Crux records.", node=f"audit {row['id']}"
            )


def _users(data: dict) -> dict[str, int]:
    """Username → user id: existing accounts, and inactive new ones for the rest (whose
    usernames must be ones Crux accepts)."""
    User = get_user_model()  # noqa: N806 - a model class
    names = [row["username"] for row in data["users"]]
    found = dict(User.objects.filter(username__in=names).values_list("username", "pk"))
    missing = [row for row in data["users"] if row["username"] not in found]
    validate = UnicodeUsernameValidator()
    for row in missing:
        node = f"users {row['username'][:80]}"
        if len(row["username"]) > 150:
            raise FormatError("A username is at most 150 characters.", node=node)
        if len(row["display_name"]) > 80:
            raise FormatError("A display name is at most 80 characters.", node=node)
        try:
            validate(row["username"])
        except ValidationError:
            raise FormatError("This is not a username Crux accepts.", node=node) from None
    if missing:
        User.objects.bulk_create(
            User(
                username=row["username"],
                display_name=row["display_name"],
                is_active=False,
                password=make_password(None),
            )
            for row in missing
        )
        found = dict(User.objects.filter(username__in=names).values_list("username", "pk"))
    return found


def _slug(data: dict, slug: str | None) -> str:
    if slug is None:
        return free_slug(data["debate"]["slug"])
    validate_slug(slug)
    if Debate.objects.filter(slug=slug).exists():
        raise ValidationError(
            f"A debate at /debates/{slug}/ exists already; choose another address."
        )
    return slug


def _set_times(model: type[models.Model], column: str, pairs: list[tuple[int, datetime]]) -> None:
    """Set `column` (an auto_now field, which an insert overwrites) row by row, in one
    statement."""
    if not pairs:
        return
    field = model._meta.get_field(column)
    assert isinstance(field, models.Field)  # noqa: S101 - a concrete column, for mypy
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = connection.ops.quote_name(field.column)
    pk = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} SET {quoted} = v.at FROM unnest(%s::bigint[], %s::timestamptz[])"  # noqa: S608 - names from the model
                f" AS v(id, at) WHERE {table}.{pk} = v.id",
                [[p for p, _ in pairs], [t for _, t in pairs]],
            )
        else:
            values = json.dumps(
                [[p, field.get_db_prep_save(t, connection)] for p, t in pairs], default=str
            )
            cursor.execute(
                f"UPDATE {table} SET {quoted} = v.at FROM (SELECT json_extract(value, '$[0]')"  # noqa: S608 - names from the model
                " AS id, json_extract(value, '$[1]') AS at FROM json_each(%s)) AS v"
                f" WHERE {table}.{pk} = v.id",
                [values],
            )


def _raise_sequence(model: type[models.Model], ids: list[int]) -> None:
    """On SQLite, keep ids reserved for rows deleted before the backup (named only by
    history) from being handed out again. PostgreSQL's sequence has moved past them."""
    if not ids or connection.vendor != "sqlite":
        return
    table, top = model._meta.db_table, max(ids)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s", [top, table]
        )
        cursor.execute(
            "INSERT INTO sqlite_sequence (name, seq) SELECT %s, %s"
            " WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = %s)",
            [table, top, table],
        )


class _Writer:
    def __init__(self, data: dict, debate: Debate, users: dict[str, int]):
        self.data = data
        self.debate = debate
        self.users = users
        self.ids: dict[str, dict[int, int]] = {}
        self.known: dict[str, dict[int, int]] = {}  # versioned tables, deleted rows included
        self.ghosts: dict[str, list[int]] = {}

    def number(self) -> None:
        """Reserve ids for every row and version record up front: references may point at
        a table written later (a source's current revision, a redacted version)."""
        for table, model in MODELS.items():
            live = [r["id"] for r in self.data[table]]
            history = self.data["history"].get(table, [])
            gone = sorted({r["object"] for r in history} - set(live))
            reserved = reserve_ids(model, len(live) + len(gone))
            self.ids[table] = dict(zip(live, reserved, strict=False))
            self.ghosts[table] = reserved[len(live) :]
            self.known[table] = {
                **self.ids[table],
                **dict(zip(gone, self.ghosts[table], strict=True)),
            }
        for table in backup.HISTORY:
            historical = MODELS[table].history.model  # type: ignore[attr-defined]
            records = [r["id"] for r in self.data["history"][table]]
            reserved = reserve_ids(historical, len(records))
            self.ids[f"history.{table}"] = dict(zip(records, reserved, strict=True))

    def fields(
        self, row: dict, spec: dict, columns: dict[str, str], refs: Callable
    ) -> dict[str, Any]:
        """Model field values of a document row: times parsed, usernames and document ids
        turned into database ids (`refs(table)` maps a table's ids)."""
        out: dict[str, Any] = {}
        for name, kind in spec.items():
            if name in COMPUTED or name == "object":
                continue
            value = row[name]
            plain = kind.rstrip("?") if isinstance(kind, str) else kind
            if value is None:
                pass
            elif plain == "time":
                value = datetime.fromisoformat(value)
            elif plain == "user":
                value = self.users[value]
            elif isinstance(plain, str) and plain.startswith("@"):
                value = refs(plain[1:]).get(value)
            out[columns.get(name, name)] = value
        return out

    def table(self, table: str) -> list:
        model = MODELS[table]
        rows = self.data[table]
        objs = []
        for row in rows:
            kwargs = self.fields(
                row, backup.TABLES[table], COLUMNS.get(table, {}), self.ids.__getitem__
            )
            if table in IN_DEBATE:
                kwargs["debate_id"] = self.debate.pk
            elif table == "annotations":
                kwargs["debate_id"] = self.debate.pk if row["in_debate"] else None
            objs.append(model(pk=self.ids[table][row["id"]], **kwargs))
        insert_rows(model, objs)
        return objs

    def history(self, table: str) -> None:
        model = MODELS[table]
        historical = model.history.model  # type: ignore[attr-defined] # simple-history
        records = self.data["history"][table]
        reserved = [self.ids[f"history.{table}"][r["id"]] for r in records]
        columns = {**COLUMNS.get(table, {}), **HISTORY_COLUMNS}

        def refs(name: str) -> dict[int, int]:
            return self.known.get(name) or self.ids[name]

        objs = []
        for row, history_id in zip(records, reserved, strict=True):
            kwargs = self.fields(row, backup.HISTORY[table], columns, refs)
            if table in IN_DEBATE:
                kwargs["debate_id"] = self.debate.pk
            elif table == "annotations":
                kwargs["debate_id"] = self.debate.pk if row["in_debate"] else None
            kwargs["id"] = self.known[table][row["object"]]
            objs.append(historical(history_id=history_id, **kwargs))
        insert_rows(historical, objs)

    def tags(self, annotations: list[Annotation]) -> None:
        wanted = {
            self.ids["annotations"][row["id"]]: row["tags"] for row in self.data["annotations"]
        }
        names = sorted({name for tags in wanted.values() for name in tags})
        if not names:
            return
        have = dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))
        if len(have) < len(names):
            Tag.objects.bulk_create([Tag(name=n) for n in names if n not in have])
            have = dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))
        through = Annotation.tags.through
        insert_rows(
            through,
            [
                through(annotation_id=a.pk, tag_id=have[name])
                for a in annotations
                for name in wanted[a.pk]
            ],
        )


def _write(data: dict, slug: str | None) -> Debate:
    users = _users(data)
    head = data["debate"]
    copied_from = (
        Debate.objects.filter(slug=head["copied_from"]).values_list("pk", flat=True).first()
        if head["copied_from"]
        else None
    )
    debate = Debate.objects.create(
        title=head["title"],
        slug=_slug(data, slug),
        description=head["description"],
        owner_id=users[head["owner"]],
        visibility=head["visibility"],
        contribution_mode=head["contribution_mode"],
        vote_totals=head["vote_totals"],
        copied_from_id=copied_from,
        created_at=datetime.fromisoformat(head["created_at"]),
    )
    insert_rows(
        Membership,
        [
            Membership(
                debate=debate,
                user_id=users[row["user"]],
                role=row["role"],
                created_at=datetime.fromisoformat(row["created_at"]),
            )
            for row in data["memberships"]
        ],
    )
    writer = _Writer(data, debate, users)
    writer.number()
    for table in ("sources", "revisions", "anchors", "passages"):
        writer.table(table)
    through = Debate.sources.through
    insert_rows(
        through,
        [
            through(debate_id=debate.pk, source_id=writer.ids["sources"][row["id"]])
            for row in data["sources"]
            if row["listed"]
        ],
    )
    claims = writer.table("claims")  # parents first, as the document lists them
    writer.table("claim_links")
    writer.table("claim_edits")
    writer.table("evidence")
    votes = writer.table("votes")
    annotations = writer.table("annotations")
    writer.tags(annotations)
    writer.table("flags")
    writer.table("audit")
    for table in backup.HISTORY:
        writer.history(table)
    writer.table("redactions")
    # auto_now fields took the time of the insert; they get the backup's times back.
    _set_times(
        Claim,
        "updated_at",
        [
            (c.pk, datetime.fromisoformat(r["updated_at"]))
            for c, r in zip(claims, data["claims"], strict=True)
        ],
    )
    _set_times(
        Annotation,
        "updated_at",
        [
            (a.pk, datetime.fromisoformat(r["updated_at"]))
            for a, r in zip(annotations, data["annotations"], strict=True)
        ],
    )
    _set_times(
        Vote,
        "updated_at",
        [
            (v.pk, datetime.fromisoformat(r["updated_at"]))
            for v, r in zip(votes, data["votes"], strict=True)
        ],
    )
    Debate.objects.filter(pk=debate.pk).update(
        updated_at=datetime.fromisoformat(head["updated_at"])
    )
    for table in backup.HISTORY:
        _raise_sequence(MODELS[table], writer.ghosts[table])
    # Foreign keys are checked at commit; check them here, inside the transaction.
    connection.check_constraints(
        table_names=[m._meta.db_table for m in MODELS.values()]
        + [Debate._meta.db_table, Membership._meta.db_table, through._meta.db_table]
    )
    debate.refresh_from_db()
    return debate


def debate_restore(*, actor, data: dict, slug: str | None = None) -> Debate:
    """Write the backup document `data` as a new debate (see the module's docstring) and
    return it. Staff or the console only. Raises FormatError for a bad document (naming the
    table and row) and ValidationError for a slug that is taken; either way nothing is
    written."""
    _check_actor(actor)
    backup.check(data)
    _check_values(data)
    try:
        with transaction.atomic():
            return _write(data, slug)
    except (IntegrityError, DataError) as error:
        raise FormatError(f"The backup breaks a rule of the database ({error}).") from error

"""A whole debate as a Crux backup document (debates/formats/backup.py describes it).

``debate_backup(debate)`` reads everything the debate holds in a fixed number of queries
(about twenty, whatever its size): the debate and its members, its sources (those on its list
and those its evidence cites) with every revision, anchor and passage, its claims of every
status, cross-links, pending and reviewed edits, evidence, votes, the notes that belong to
it, flags, the audit log, version redactions, and the version history of claims,
cross-links, evidence, votes and notes. People are named by username.

Ids in the document are local to it (1, 2, 3… per table, by database id with parents first),
so two backups of equal debates are equal byte for byte, and a restored debate backs up to
the same document as the original.

Which notes: every note on the debate's sources that belongs to the debate (``debate`` set to
it, any visibility), and public notes that belong to no debate, with their replies. Private
notes that belong to no debate are their authors' own reading notes and are left out, as are
notes tied to another debate; an audit entry or flag that names such a note keeps no link.

Not kept: notifications (each person's inbox, not the debate's), class shares and grants and
group copies (the teaching app's, which debates may not import), the debate it was copied
from (named by slug only), import jobs, and accounts beyond username and display name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth import get_user_model

from ..formats import backup
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
    Vote,
)

Row = dict[str, Any]

# Document field → database column (attname) where they differ, per table; every other field
# has the same name. A reference field (``@table`` in the format's spec) maps ids through
# that table's numbering, a user field maps a user id to a username, a time to ISO 8601.
COLUMNS: dict[str, dict[str, str]] = {
    "sources": {"current_revision": "current_revision_id", "created_by": "created_by_id"},
    "revisions": {"source": "source_id", "created_by": "created_by_id"},
    "anchors": {"source": "source_id", "revision": "revision_id"},
    "passages": {"anchor": "anchor_id", "source": "source_id", "created_by": "created_by_id"},
    "claims": {"parent": "parent_id", "author": "author_id", "merged_into": "merged_into_id"},
    "claim_links": {"claim": "claim_id", "parent": "parent_id", "author": "author_id"},
    "claim_edits": {"claim": "claim_id", "author": "author_id", "reviewed_by": "reviewed_by_id"},
    "evidence": {"claim": "claim_id", "passage": "passage_id", "author": "author_id"},
    "votes": {"claim": "claim_id", "user": "user_id"},
    "annotations": {"anchor": "anchor_id", "author": "author_id", "parent": "parent_id"},
    "flags": {
        "claim": "claim_id",
        "annotation": "annotation_id",
        "created_by": "created_by_id",
        "resolved_by": "resolved_by_id",
    },
    "audit": {
        "actor": "actor_id",
        "claim": "claim_id",
        "evidence": "evidence_id",
        "annotation": "annotation_id",
        "flag": "flag_id",
    },
    "redactions": {"claim": "claim_id", "history": "history_id", "redacted_by": "redacted_by_id"},
}
HISTORY_COLUMNS = {"object": "id", "history_user": "history_user_id"}
# Fields the selector computes rather than reads.
COMPUTED = {"listed", "in_debate", "tags"}


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def _parents_first(rows: list[Row], parent: str) -> list[Row]:
    """`rows` (sorted by id) with each row after its parent, otherwise keeping their order:
    rows already in such an order come back as they were."""
    present = {r["id"] for r in rows}
    waiting: dict[int, list[Row]] = defaultdict(list)
    done: set[int] = set()
    out: list[Row] = []
    for row in rows:
        above = row[parent]
        if above is not None and above in present and above not in done:
            waiting[above].append(row)
            continue
        stack = [row]
        while stack:
            current = stack.pop()
            out.append(current)
            done.add(current["id"])
            stack.extend(reversed(waiting.pop(current["id"], [])))
    # A cycle (which the database should never hold) is kept, for the restore to refuse.
    out.extend(r for group in waiting.values() for r in group if r["id"] not in done)
    return out


class _Numbering:
    """Database ids → document ids, per table."""

    def __init__(self) -> None:
        self.ids: dict[str, dict[int, int]] = {}
        self.known: dict[str, dict[int, int]] = {}  # history tables: rows and deleted rows

    def number(self, table: str, rows: list[Row]) -> None:
        self.ids[table] = {row["id"]: n for n, row in enumerate(rows, 1)}

    def number_deleted(self, table: str, records: Iterable[Row]) -> None:
        live = self.ids[table]
        gone = sorted({r["id"] for r in records} - live.keys())
        self.known[table] = {**live, **{pk: len(live) + n for n, pk in enumerate(gone, 1)}}


def debate_backup(debate: Debate) -> dict:
    """The backup document of `debate` (plain data; ``backup.write`` makes it text)."""
    head = (
        Debate.objects.filter(pk=debate.pk)
        .values(
            "title",
            "slug",
            "description",
            "owner_id",
            "visibility",
            "contribution_mode",
            "vote_totals",
            "copied_from__slug",
            "created_at",
            "updated_at",
        )
        .get()
    )
    memberships = list(
        Membership.objects.filter(debate=debate).values("user_id", "role", "created_at")
    )
    listed = set(
        Debate.sources.through.objects.filter(debate=debate).values_list("source_id", flat=True)
    )
    cited = set(
        Passage.objects.filter(evidence__claim__debate=debate)
        .order_by()
        .values_list("source_id", flat=True)
    )
    source_ids = sorted(listed | cited)

    def rows(queryset) -> list[Row]:
        return list(queryset.order_by("pk").values())

    tables: dict[str, list[Row]] = {
        "sources": rows(Source.objects.filter(pk__in=source_ids)),
        "revisions": rows(SourceRevision.objects.filter(source_id__in=source_ids)),
        "anchors": rows(Anchor.objects.filter(source_id__in=source_ids)),
        "passages": rows(Passage.objects.filter(source_id__in=source_ids)),
        "claims": _parents_first(rows(Claim.objects.filter(debate=debate)), "parent_id"),
        "claim_links": rows(ClaimLink.objects.filter(debate=debate)),
        "claim_edits": rows(ClaimEdit.objects.filter(claim__debate=debate)),
        "evidence": rows(Evidence.objects.filter(claim__debate=debate)),
        "votes": rows(Vote.objects.filter(claim__debate=debate)),
    }
    notes = _parents_first(
        rows(Annotation.objects.filter(anchor__source_id__in=source_ids)), "parent_id"
    )
    kept: set[int] = set()
    for note in notes:  # parents first, so a reply follows its thread's fate
        if note["parent_id"] is not None and note["parent_id"] not in kept:
            continue
        if (
            note["parent_id"] is not None
            or note["debate_id"] == debate.pk
            or (note["debate_id"] is None and note["visibility"] == Annotation.Visibility.PUBLIC)
        ):
            kept.add(note["id"])
    tables["annotations"] = [n for n in notes if n["id"] in kept]
    tags: dict[int, list[str]] = defaultdict(list)
    for annotation_id, name in Annotation.tags.through.objects.filter(
        annotation__anchor__source_id__in=source_ids
    ).values_list("annotation_id", "tag__name"):
        tags[annotation_id].append(name)
    flags = rows(
        Flag.objects.filter(claim__debate=debate)
        | Flag.objects.filter(annotation__anchor__source_id__in=source_ids)
    )
    tables["flags"] = [f for f in flags if f["claim_id"] is not None or f["annotation_id"] in kept]
    tables["audit"] = rows(AuditEntry.objects.filter(debate=debate))
    history = {
        "claims": rows(Claim.history.filter(debate_id=debate.pk)),
        "claim_links": rows(ClaimLink.history.filter(debate_id=debate.pk)),
        "evidence": rows(Evidence.history.filter(claim__debate=debate)),
        "votes": rows(Vote.history.filter(claim__debate=debate)),
        "annotations": [
            r
            for r in rows(Annotation.history.filter(anchor__source_id__in=source_ids))
            if r["id"] in kept
        ],
    }
    for records in history.values():
        records.sort(key=lambda r: r["history_id"])
    redactions = rows(ClaimVersionRedaction.objects.filter(claim__debate=debate))

    numbering = _Numbering()
    for table, table_rows in tables.items():
        numbering.number(table, table_rows)
    for table, records in history.items():
        numbering.number_deleted(table, records)
        numbering.ids[f"history.{table}"] = {r["history_id"]: n for n, r in enumerate(records, 1)}
    claim_records = numbering.ids["history.claims"]
    tables["redactions"] = [r for r in redactions if r["history_id"] in claim_records]
    numbering.number("redactions", tables["redactions"])

    def user_columns(spec: dict, columns: dict[str, str]) -> list[str]:
        return [
            columns.get(field, field)
            for field, kind in spec.items()
            if isinstance(kind, str) and kind.rstrip("?") == "user"
        ]

    user_ids = {head["owner_id"]} | {m["user_id"] for m in memberships}
    for table, table_rows in tables.items():
        found = user_columns(backup.TABLES[table], COLUMNS.get(table, {}))
        user_ids |= {r[c] for r in table_rows for c in found if r[c] is not None}
    for table, records in history.items():
        found = user_columns(backup.HISTORY[table], {**COLUMNS[table], **HISTORY_COLUMNS})
        user_ids |= {r[c] for r in records for c in found if r[c] is not None}
    users = {
        u["pk"]: u
        for u in get_user_model()
        .objects.filter(pk__in=user_ids)
        .values("pk", "username", "display_name")
    }
    username_of = {pk: u["username"] for pk, u in users.items()}

    def convert(table: str, row: Row, spec: dict, columns: dict[str, str], known) -> Row:
        out: Row = {}
        for field, kind in spec.items():
            if field in COMPUTED:
                continue
            value = row[columns.get(field, field)]
            kind = kind.rstrip("?") if isinstance(kind, str) else kind
            if kind == "time":
                value = _time(value)
            elif kind == "user":
                value = username_of.get(value)
            elif isinstance(kind, str) and kind.startswith("@") and value is not None:
                value = known(kind[1:]).get(value)
            out[field] = value
        return out

    def live(table: str) -> dict[int, int]:
        return numbering.ids[table]

    def remembered(table: str) -> dict[int, int]:
        return numbering.known.get(table) or numbering.ids[table]

    document: dict[str, Any] = {
        "format": backup.FORMAT,
        "version": backup.VERSION,
        "debate": {
            **{
                k: head[k]
                for k in (
                    "title",
                    "slug",
                    "description",
                    "visibility",
                    "contribution_mode",
                    "vote_totals",
                )
            },
            "owner": username_of[head["owner_id"]],
            "copied_from": head["copied_from__slug"],
            "created_at": _time(head["created_at"]),
            "updated_at": _time(head["updated_at"]),
        },
        "users": [
            {"username": u["username"], "display_name": u["display_name"]}
            for u in sorted(users.values(), key=lambda u: u["username"])
        ],
        "memberships": sorted(
            (
                {
                    "user": username_of[m["user_id"]],
                    "role": m["role"],
                    "created_at": _time(m["created_at"]),
                }
                for m in memberships
            ),
            key=lambda m: m["user"],
        ),
    }
    for table, spec in backup.TABLES.items():
        out = []
        for n, row in enumerate(tables[table], 1):
            item = {"id": n, **convert(table, row, spec, COLUMNS.get(table, {}), live)}
            if table == "sources":
                item["listed"] = row["id"] in listed
            elif table == "annotations":
                item["in_debate"] = row["debate_id"] == debate.pk
                item["tags"] = sorted(tags.get(row["id"], []))
            out.append(item)
        document[table] = out
    document["history"] = {}
    for table, spec in backup.HISTORY.items():
        columns = {**COLUMNS.get(table, {}), **HISTORY_COLUMNS}
        out = []
        for n, row in enumerate(history[table], 1):
            item = {"id": n, **convert(table, row, spec, columns, remembered)}
            item["object"] = numbering.known[table][row["id"]]
            if table == "annotations":
                item["in_debate"] = row["debate_id"] == debate.pk
            out.append(item)
        document["history"][table] = out
    return document

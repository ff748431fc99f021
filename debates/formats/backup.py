"""The Crux backup: one JSON document holding a whole debate, restorable into an empty database.

``write(data) -> str`` dumps a document (sorted keys, UTF-8 text rather than ``\\u`` escapes,
a trailing newline), so equal debates give byte-identical files. ``parse(text) -> dict`` reads
one and ``check(data) -> dict`` checks an already-loaded one; both raise ``FormatError`` naming
the table and row (``Node claims 7: …``) for anything wrong. Pure: no Django, no database.
``debates.selectors.exports.debate_backup`` makes the document, and
``debates.services.restore.debate_restore`` writes it back.

Schema (version 1)
------------------
The top level is an object with exactly these keys::

    format       "crux-backup"
    version      1
    debate       {title, slug, description, owner, visibility, contribution_mode,
                  vote_totals, copied_from (a slug or null), created_at, updated_at}
    users        [{username, display_name}]            every person named anywhere below
    memberships  [{user, role, created_at}]
    sources      [{id, title, author, url, licence, language, visibility, listed,
                  current_revision, created_by, created_at}]
    revisions    [{id, source, number, text, structure, note, report, created_by, created_at}]
    anchors      [{id, source, revision, start, end, exact, prefix, suffix, status}]
    passages     [{id, anchor, source, kind, label, section, page, created_by, created_at}]
    claims       [{id, kind, parent, relation, text, author, status, status_reason, version,
                  order, created_at, updated_at, deleted_at, merged_into}]
    claim_links  [{id, claim, parent, relation, author, order, created_at}]
    claim_edits  [{id, claim, base_version, text, author, status, reason, reviewed_by,
                  reviewed_at, created_at}]
    evidence     [{id, claim, passage, relation, note, author, status, created_at, deleted_at}]
    votes        [{id, claim, user, question, value, created_at, updated_at}]
    annotations  [{id, anchor, author, parent, in_debate, body, tags, motivation, visibility,
                  hidden, created_at, updated_at, deleted_at, canonical, via}]
    flags        [{id, claim, annotation, reason, note, created_by, created_at, status,
                  resolved_by, resolved_at}]
    audit        [{id, actor, action, claim, evidence, annotation, flag, summary, reason,
                  created_at}]
    redactions   [{id, claim, history, redacted_by, created_at, reason}]
    history      {claims, claim_links, evidence, votes, annotations}: lists of version records

Conventions:

- ``id`` is local to the document: 1, 2, 3… per table, in a stable order (the rows' order in
  the database, parents first), so two backups of equal debates are equal byte for byte.
  A reference (``parent``, ``claim``, ``passage``, ``anchor``, ``revision``, ``source``,
  ``flag``, ``history``) holds the id of a row of the named table in the same document.
- People are named by ``username`` (``owner``, ``user``, ``author``, ``created_by``,
  ``reviewed_by``, ``resolved_by``, ``redacted_by``, ``actor``, ``history_user``, a vote's
  ``user``); every name used is listed in ``users``. No e-mail address or password is ever
  written.
- Times are ISO 8601 strings with their UTC offset: ``"2026-11-29T08:51:49.123456+00:00"``.
- ``parent`` of a claim or an annotation names a row listed before it (so no cycles).
- ``sources.listed`` says whether the source is on the debate's list of sources (a source
  cited only by proposed evidence is not); ``annotations.in_debate`` whether the note belongs
  to this debate (its ``debate`` field); a note for ``debate`` members must belong to it.
- A version record (``history.<table>``) has ``id`` (the record's own, local), ``object`` (the
  id of the row it is a version of), ``history_date``, ``history_type`` (``+`` created, ``~``
  changed, ``-`` deleted), ``history_change_reason`` (text or null), ``history_user`` and the
  row's fields as they were then (an annotation's record has no ``updated_at`` and no
  ``tags``). A row deleted since (a cross-link removed, a vote taken back) has no row in its
  table: its records' ``object`` is then a number above every id of that table. References
  in a version record may be null (what they named is gone) or name such a deleted row.
- ``redactions.history`` names a record of ``history.claims`` about the same claim.

Enumerations (``kind``, ``relation``, ``status``, ``role``…) take the values Crux's models
define; they are listed below and a test keeps them equal to the models'.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any, NoReturn

from .mapdoc import FormatError, place_problem
from .unstorable import UNSTORABLE as _UNSTORABLE

FORMAT = "crux-backup"
VERSION = 1

# --- enumerations (tests/test_backup.py keeps these equal to the models' choices) ---------

CLAIM_KINDS = ("issue", "position", "argument")
CLAIM_RELATIONS = ("", "answers", "supports", "opposes", "undercuts")
LINK_RELATIONS = ("answers", "supports", "opposes", "undercuts")
CLAIM_STATUSES = ("proposed", "published", "rejected", "withdrawn", "merged")
EDIT_STATUSES = ("proposed", "approved", "rejected", "withdrawn")
EVIDENCE_RELATIONS = ("supports", "opposes", "context")
MOTIVATIONS = ("commenting", "highlighting", "questioning", "tagging", "replying")
NOTE_VISIBILITIES = ("private", "debate", "public")
ANCHOR_STATUSES = ("anchored", "orphaned")
PASSAGE_KINDS = ("heading", "paragraph", "list_item", "sentence", "selection")
SOURCE_VISIBILITIES = ("public", "private")
DEBATE_VISIBILITIES = ("private", "unlisted", "public")
CONTRIBUTION_MODES = ("open", "reviewed", "closed")
VOTE_TOTALS = ("after", "always")
VOTE_QUESTIONS = ("acceptability", "relevance")
VOTE_STEPS = 4  # a vote's value is 0 to 4
ROLES = ("owner", "moderator", "contributor", "viewer", "reader")
FLAG_REASONS = ("unsupported", "unclear", "duplicate", "off_topic", "abusive", "other")
FLAG_STATUSES = ("open", "upheld", "dismissed")
HISTORY_TYPES = ("+", "~", "-")
# Audit actions are many and grow; the format checks their spelling, the restore their value.
_ACTION = re.compile(r"[a-z][a-z_]{0,23}")

# --- field types ----------------------------------------------------------------------------
# "str", "int", "nat" (>= 0), "pos" (>= 1), "bool", "time", "dict", "json", "tags", "user",
# "@table" (the id of a row of table); a trailing "?" allows null; a tuple is an enumeration.

Spec = dict[str, Any]

DEBATE: Spec = {
    "title": "str",
    "slug": "str",
    "description": "str",
    "owner": "user",
    "visibility": DEBATE_VISIBILITIES,
    "contribution_mode": CONTRIBUTION_MODES,
    "vote_totals": VOTE_TOTALS,
    "copied_from": "str?",
    "created_at": "time",
    "updated_at": "time",
}
USERS: Spec = {"username": "str", "display_name": "str"}
MEMBERSHIPS: Spec = {"user": "user", "role": ROLES, "created_at": "time"}

# The tables whose rows have ids, in the document's order, with their fields (id aside).
TABLES: dict[str, Spec] = {
    "sources": {
        "title": "str",
        "author": "str",
        "url": "str",
        "licence": "str",
        "language": "str",
        "visibility": SOURCE_VISIBILITIES,
        "listed": "bool",
        "current_revision": "@revisions?",
        "created_by": "user?",
        "created_at": "time",
    },
    "revisions": {
        "source": "@sources",
        "number": "pos",
        "text": "str",
        "structure": "dict",
        "note": "str",
        "report": "dict?",
        "created_by": "user?",
        "created_at": "time",
    },
    "anchors": {
        "source": "@sources",
        "revision": "@revisions",
        "start": "nat",
        "end": "nat",
        "exact": "str",
        "prefix": "str",
        "suffix": "str",
        "status": ANCHOR_STATUSES,
    },
    "passages": {
        "anchor": "@anchors",
        "source": "@sources",
        "kind": PASSAGE_KINDS,
        "label": "str",
        "section": "str",
        "page": "nat?",
        "created_by": "user?",
        "created_at": "time",
    },
    "claims": {
        "kind": CLAIM_KINDS,
        "parent": "@claims?",
        "relation": CLAIM_RELATIONS,
        "text": "str",
        "author": "user?",
        "status": CLAIM_STATUSES,
        "status_reason": "str",
        "version": "pos",
        "order": "int",
        "created_at": "time",
        "updated_at": "time",
        "deleted_at": "time?",
        "merged_into": "@claims?",
    },
    "claim_links": {
        "claim": "@claims",
        "parent": "@claims",
        "relation": LINK_RELATIONS,
        "author": "user?",
        "order": "int",
        "created_at": "time",
    },
    "claim_edits": {
        "claim": "@claims",
        "base_version": "pos",
        "text": "str",
        "author": "user?",
        "status": EDIT_STATUSES,
        "reason": "str",
        "reviewed_by": "user?",
        "reviewed_at": "time?",
        "created_at": "time",
    },
    "evidence": {
        "claim": "@claims",
        "passage": "@passages",
        "relation": EVIDENCE_RELATIONS,
        "note": "str",
        "author": "user?",
        "status": CLAIM_STATUSES,
        "created_at": "time",
        "deleted_at": "time?",
    },
    "votes": {
        "claim": "@claims",
        "user": "user",
        "question": VOTE_QUESTIONS,
        "value": "nat",
        "created_at": "time",
        "updated_at": "time",
    },
    "annotations": {
        "anchor": "@anchors",
        "author": "user",
        "parent": "@annotations?",
        "in_debate": "bool",
        "body": "str",
        "tags": "tags",
        "motivation": MOTIVATIONS,
        "visibility": NOTE_VISIBILITIES,
        "hidden": "bool",
        "created_at": "time",
        "updated_at": "time",
        "deleted_at": "time?",
        "canonical": "str",
        "via": "json",
    },
    "flags": {
        "claim": "@claims?",
        "annotation": "@annotations?",
        "reason": FLAG_REASONS,
        "note": "str",
        "created_by": "user",
        "created_at": "time",
        "status": FLAG_STATUSES,
        "resolved_by": "user?",
        "resolved_at": "time?",
    },
    "audit": {
        "actor": "user?",
        "action": "action",
        "claim": "@claims?",
        "evidence": "@evidence?",
        "annotation": "@annotations?",
        "flag": "@flags?",
        "summary": "str",
        "reason": "str",
        "created_at": "time",
    },
    "redactions": {
        "claim": "@claims",
        "history": "@history.claims",
        "redacted_by": "user?",
        "created_at": "time",
        "reason": "str",
    },
}

# Tables whose versions are kept (simple-history), and the fields a version record holds.
HISTORY_META: Spec = {
    "object": "pos",
    "history_date": "time",
    "history_type": HISTORY_TYPES,
    "history_change_reason": "str?",
    "history_user": "user?",
}


def _versioned(table: str, leave_out: tuple[str, ...] = ()) -> Spec:
    fields = {}
    for name, kind in TABLES[table].items():
        if name in leave_out:
            continue
        if isinstance(kind, str) and kind.startswith("@") and not kind.endswith("?"):
            kind += "?"
        fields[name] = kind
    return {**HISTORY_META, **fields}


HISTORY: dict[str, Spec] = {
    "claims": _versioned("claims"),
    "claim_links": _versioned("claim_links"),
    "evidence": _versioned("evidence"),
    "votes": _versioned("votes"),
    "annotations": _versioned("annotations", leave_out=("updated_at", "tags")),
}
TOP_LEVEL = ("format", "version", "debate", "users", "memberships", *TABLES, "history")

MAX_TAG_CHARS = 50
MAX_JSON_DEPTH = 64


# --- reading and writing ---------------------------------------------------------------------


def write(data: dict) -> str:
    """The document as text: sorted keys, one value per line, a trailing newline."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, indent=1) + "\n"


def parse(text: str) -> dict:
    """Read a backup document and check it (see ``check``)."""
    if not isinstance(text, str):
        raise FormatError("A backup is text (UTF-8 JSON).")
    try:
        data = json.loads(text.removeprefix("\ufeff"))
    except RecursionError:
        raise FormatError("The JSON is nested too deeply to be a Crux backup.") from None
    except ValueError as error:  # json.JSONDecodeError, or a number too long to read
        line = getattr(error, "lineno", None)
        message = getattr(error, "msg", str(error))
        raise FormatError(f"This is not JSON ({message}).", line=line) from None
    try:
        return check(data)
    except RecursionError:
        raise FormatError("The JSON is nested too deeply to be a Crux backup.") from None


def check(data: Any) -> dict:
    """Raise FormatError unless ``data`` is a well-formed backup document; return it."""
    if not isinstance(data, dict):
        raise FormatError("A Crux backup is a JSON object.")
    if data.get("format") != FORMAT:
        raise FormatError(f"This is not a Crux backup (its “format” is not “{FORMAT}”).")
    version = data.get("version")
    if version != VERSION or isinstance(version, bool):
        raise FormatError(
            f"This backup is version {json.dumps(version)}; this Crux reads version {VERSION}."
        )
    _same_keys(data, TOP_LEVEL, node="document")
    _Checker(data).run()
    return data


def _same_keys(obj: dict, wanted, *, node: str) -> None:
    missing = [k for k in wanted if k not in obj]
    if missing:
        raise FormatError(f"“{missing[0]}” is missing.", node=node)
    extra = sorted(str(k) for k in obj if k not in wanted)
    if extra:
        raise FormatError(f"“{extra[0]}” is not a field of a Crux backup here.", node=node)


def _depth(value: Any, limit: int) -> int:
    """How deeply `value` nests (lists and objects), stopping past `limit`."""
    if limit < 0:
        return 1
    if isinstance(value, dict):
        return 1 + max((_depth(v, limit - 1) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v, limit - 1) for v in value), default=0)
    return 0


class _Checker:
    def __init__(self, data: dict):
        self.data = data
        self.users: set[str] = set()
        self.ids: dict[str, set[int]] = {}
        # Ids a version record may name: rows of the table, and rows deleted since.
        self.known: dict[str, set[int]] = {}

    # -- the whole document

    def run(self) -> None:
        data = self.data
        users = self._rows(data["users"], "users")
        for index, row in enumerate(users, 1):
            node = f"users #{index}"
            self._fields(row, USERS, node)
            if not row["username"]:
                raise FormatError("A username is empty.", node=node)
            if row["username"] in self.users:
                raise FormatError(f"“{row['username']}” is listed twice.", node=node)
            self.users.add(row["username"])
        if not isinstance(data["debate"], dict):
            raise FormatError("“debate” is an object.", node="debate")
        self._fields(data["debate"], DEBATE, "debate")
        if not data["debate"]["slug"].strip() or not data["debate"]["title"].strip():
            raise FormatError("The debate needs a title and a slug.", node="debate")
        members: set[str] = set()
        for index, row in enumerate(self._rows(data["memberships"], "memberships"), 1):
            node = f"memberships #{index}"
            self._fields(row, MEMBERSHIPS, node)
            if row["user"] in members:
                raise FormatError(f"“{row['user']}” is a member twice.", node=node)
            members.add(row["user"])
        history = data["history"]
        if not isinstance(history, dict):
            raise FormatError("“history” is an object.", node="history")
        _same_keys(history, HISTORY, node="history")
        # Ids first (references may point forward to another table), then every field.
        for table in TABLES:
            self.ids[table] = self._ids(data[table], table)
        for table in HISTORY:
            name = f"history.{table}"
            self.ids[name] = self._ids(history[table], name)
            self.known[table] = self._objects(history[table], table)
        for table, spec in TABLES.items():
            for row in data[table]:
                self._fields(row, {"id": "pos", **spec}, f"{table} {row['id']}")
        for table, spec in HISTORY.items():
            for row in history[table]:
                node = f"history.{table} {row['id']}"
                self._fields(row, {"id": "pos", **spec}, node, history=True)
        self._rules()

    def _rows(self, rows: Any, table: str) -> list:
        if not isinstance(rows, list):
            raise FormatError(f"“{table}” is a list.", node=table)
        for index, row in enumerate(rows, 1):
            if not isinstance(row, dict):
                raise FormatError("A row is a JSON object.", node=f"{table} #{index}")
        return rows

    def _ids(self, rows: Any, table: str) -> set[int]:
        seen: set[int] = set()
        for index, row in enumerate(self._rows(rows, table), 1):
            pk = row.get("id")
            if not _is_int(pk) or pk < 1:
                raise FormatError("“id” is a whole number from 1.", node=f"{table} #{index}")
            if pk in seen:
                raise FormatError("Two rows have this id.", node=f"{table} {pk}")
            seen.add(pk)
        return seen

    def _objects(self, rows: list, table: str) -> set[int]:
        """The rows `table`'s version records are about: existing ones, and deleted ones
        numbered above every existing id."""
        live = self.ids[table]
        top = max(live, default=0)
        ghosts = set()
        for row in rows:
            pk = row.get("object")
            node = f"history.{table} {row['id']}"
            if not _is_int(pk) or pk < 1:
                raise FormatError("“object” is a whole number from 1.", node=node)
            if pk not in live:
                if pk <= top:
                    raise FormatError(
                        f"“object” {pk} is not a row of {table}, and a deleted row is "
                        f"numbered above every row ({top}).",
                        node=node,
                    )
                ghosts.add(pk)
        return live | ghosts

    # -- one row

    def _fields(self, row: dict, spec: Spec, node: str, *, history: bool = False) -> None:
        _same_keys(row, spec, node=node)
        for name, kind in spec.items():
            self._value(row[name], kind, f"“{name}”", node, history)

    def _value(self, value: Any, kind: Any, field: str, node: str, history: bool) -> None:
        def fail(message: str) -> NoReturn:
            raise FormatError(f"{field} {message}", node=node)

        if isinstance(kind, tuple):
            if not isinstance(value, str) or value not in kind:
                fail(f"is {json.dumps(value)[:40]}; it is one of {', '.join(map(repr, kind))}.")
            return
        optional = kind.endswith("?")
        kind = kind.rstrip("?")
        if value is None:
            if optional:
                return
            fail("is missing (null).")
        if kind in ("str", "user", "action"):
            if not isinstance(value, str):
                fail("is text.")
            if _UNSTORABLE.search(value):
                fail("holds a character that cannot be stored (NUL or a lone surrogate).")
            if kind == "user" and value not in self.users:
                fail(f"names “{value[:80]}”, who is not in “users”.")
            if kind == "action" and not _ACTION.fullmatch(value):
                fail(f"“{value[:40]}” is not an action's name.")
        elif kind in ("int", "nat", "pos"):
            if not _is_int(value):
                fail("is a whole number.")
            if (kind == "nat" and value < 0) or (kind == "pos" and value < 1):
                fail(f"is {value}; it is at least {1 if kind == 'pos' else 0}.")
        elif kind == "bool":
            if not isinstance(value, bool):
                fail("is true or false.")
        elif kind == "time":
            if not isinstance(value, str):
                fail("is a time (ISO 8601 text).")
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                fail(f"“{value[:40]}” is not an ISO 8601 time.")
            if moment.tzinfo is None:
                fail(f"“{value[:40]}” has no UTC offset.")
        elif kind in ("dict", "json"):
            if kind == "dict" and not isinstance(value, dict):
                fail("is a JSON object.")
            if _depth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
                fail("is nested too deeply.")
        elif kind == "tags":
            if not isinstance(value, list) or not all(
                isinstance(t, str) and 0 < len(t) <= MAX_TAG_CHARS and not _UNSTORABLE.search(t)
                for t in value
            ):
                fail(f"is a list of tag names of 1 to {MAX_TAG_CHARS} characters.")
            if len(set(value)) != len(value):
                fail("names a tag twice.")
        elif kind.startswith("@"):
            table = kind[1:]
            if not _is_int(value):
                fail(f"is the id of a row of {table}.")
            known = self.known.get(table, self.ids[table]) if history else self.ids[table]
            if value not in known:
                fail(f"names {table} {value}, which does not exist.")
        else:  # pragma: no cover - a mistake in the spec above
            raise AssertionError(kind)

    # -- rules across rows

    def _rules(self) -> None:
        data = self.data
        by_id = {t: {r["id"]: r for r in data[t]} for t in TABLES}
        for row in data["sources"]:
            revision = by_id["revisions"].get(row["current_revision"])
            if revision is not None and revision["source"] != row["id"]:
                raise FormatError(
                    f"Its current revision {revision['id']} is another source's.",
                    node=f"sources {row['id']}",
                )
        numbers: set[tuple[int, int]] = set()
        for row in data["revisions"]:
            key = (row["source"], row["number"])
            if key in numbers:
                raise FormatError(
                    f"Source {row['source']} has two revisions numbered {row['number']}.",
                    node=f"revisions {row['id']}",
                )
            numbers.add(key)
        for row in data["anchors"]:
            node = f"anchors {row['id']}"
            if by_id["revisions"][row["revision"]]["source"] != row["source"]:
                raise FormatError("Its revision is another source's.", node=node)
            if row["end"] <= row["start"]:
                raise FormatError("It ends where it starts, or before.", node=node)
        anchored: set[int] = set()
        for row in data["passages"]:
            node = f"passages {row['id']}"
            if row["anchor"] in anchored:
                raise FormatError(f"Anchor {row['anchor']} has two passages.", node=node)
            anchored.add(row["anchor"])
            if by_id["anchors"][row["anchor"]]["source"] != row["source"]:
                raise FormatError("Its anchor is on another source.", node=node)
        self._claims(by_id["claims"])
        for row in data["claim_links"]:
            node = f"claim_links {row['id']}"
            claim, parent = by_id["claims"][row["claim"]], by_id["claims"][row["parent"]]
            if claim is parent:
                raise FormatError("A claim cannot stand under itself.", node=node)
            problem = place_problem(claim["kind"], parent["kind"], row["relation"])
            if problem:
                raise FormatError(problem, node=node)
        placed: set[int] = set()
        for row in data["annotations"]:
            node = f"annotations {row['id']}"
            if row["parent"] is not None and row["parent"] not in placed:
                raise FormatError(
                    f"Its parent {row['parent']} is listed after it (a cycle?).", node=node
                )
            if row["visibility"] == "debate" and not row["in_debate"]:
                raise FormatError("A note for debate members must belong to the debate.", node=node)
            placed.add(row["id"])
        for table in ("votes",):
            for row in [*data[table], *data["history"][table]]:
                if row["value"] is not None and row["value"] > VOTE_STEPS:
                    where = table if row in data[table] else f"history.{table}"
                    raise FormatError(
                        f"A vote is 0 to {VOTE_STEPS}, not {row['value']}.",
                        node=f"{where} {row['id']}",
                    )
        for row in data["flags"]:
            if (row["claim"] is None) == (row["annotation"] is None):
                raise FormatError(
                    "A flag is about exactly one claim or one note.", node=f"flags {row['id']}"
                )
        records = {r["id"]: r for r in data["history"]["claims"]}
        for row in data["redactions"]:
            if records[row["history"]]["object"] != row["claim"]:
                raise FormatError(
                    f"Version record {row['history']} is about another claim.",
                    node=f"redactions {row['id']}",
                )
        for row in data["history"]["annotations"]:
            if row["visibility"] == "debate" and not row["in_debate"]:
                raise FormatError(
                    "A note for debate members must belong to the debate.",
                    node=f"history.annotations {row['id']}",
                )

    def _claims(self, claims: dict[int, dict]) -> None:
        placed: set[int] = set()
        for row in self.data["claims"]:
            node = f"claims {row['id']}"
            if not row["text"].strip():
                raise FormatError("A claim has no text.", node=node)
            parent = row["parent"]
            if parent is None:
                if row["kind"] != "issue" or row["relation"]:
                    raise FormatError("Only an issue has no parent, and no relation.", node=node)
            else:
                if parent not in placed:
                    raise FormatError(
                        f"Its parent {parent} is listed after it (a cycle?).", node=node
                    )
                problem = place_problem(row["kind"], claims[parent]["kind"], row["relation"])
                if problem:
                    raise FormatError(problem, node=node)
            if row["merged_into"] == row["id"]:
                raise FormatError("A claim cannot be merged into itself.", node=node)
            placed.add(row["id"])


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)

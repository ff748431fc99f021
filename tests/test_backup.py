"""The Crux backup (issue 12): a whole debate out as one JSON document, and back into an empty
database equal to the original, byte for byte; bad documents refused with the row named and
nothing written.

Runs on SQLite by default; with DATABASE_URL=postgres://… the same tests check PostgreSQL.
"""

from __future__ import annotations

import copy
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.color import no_style
from django.db import connection
from django.test.utils import CaptureQueriesContext

from debates import policy, services
from debates.formats import backup
from debates.formats.mapdoc import FormatError
from debates.models import (
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
    Tag,
    Vote,
)
from debates.selectors.exports import COLUMNS, HISTORY_COLUMNS, debate_backup
from debates.services.restore import MODELS, debate_restore

from .factories import ARTICLE, DebateFactory, UserFactory, annotate_quote, build_map

User = get_user_model()
COUNTED = (Claim, Source, Evidence, Annotation, User, Debate, ClaimLink, AuditEntry, Vote)


def counts() -> dict[str, int]:
    return {m.__name__: m._default_manager.count() for m in COUNTED}


def history_counts() -> dict[str, int]:
    return {m.__name__: m.history.count() for m in (Claim, ClaimLink, Evidence, Vote, Annotation)}


def empty_database() -> None:
    """Every row of every table gone (sequences reset), inside the test's transaction."""
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    if connection.vendor == "postgresql":
        # TRUNCATE refuses tables with foreign-key checks still pending in this transaction.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    connection.ops.execute_sql_flush(
        connection.ops.sql_flush(no_style(), tables, reset_sequences=True)
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


# --- a debate with one of everything -------------------------------------------------------


@pytest.fixture
def rich(debate, teacher, moderator, student, outsider, source):
    """The conftest's reviewed "Rivers" map, filled with claims of every status, history of
    several versions, an edit proposal, cross-links (one removed), evidence, notes with
    replies and tags, flags, a redaction, a second source revision and members of every
    role."""
    contributor = UserFactory(username="carol", display_name="Carol Ü")
    reader = UserFactory(username="rita")
    services.member_set(debate=debate, actor=teacher, user=contributor, role="contributor")
    services.member_set(debate=debate, actor=teacher, user=reader, role="reader")
    add = services.claim_add
    issue = add(actor=teacher, debate=debate, text="Do rivers make towns rich?")
    pos1 = add(actor=teacher, debate=debate, text="Yes, through trade.", parent=issue)
    pos2 = add(actor=moderator, debate=debate, text="No, floods cost more.", parent=issue)
    early = add(actor=teacher, debate=debate, text="Barges **carry** grain.", parent=pos1,
                stance="supports")  # fmt: skip
    arg1 = add(actor=teacher, debate=debate, text="Towns traded more.", parent=pos1,
               stance="supports")  # fmt: skip
    arg2 = add(actor=contributor, debate=debate, text="Harbours were rebuilt.", parent=pos2,
               stance="opposes")  # fmt: skip
    # A later parent: `early` moves under a claim made after it (parents first, not by id).
    pos3 = add(actor=teacher, debate=debate, text="It depends — يعتمد على النهر.", parent=issue)
    services.claim_move(actor=teacher, claim=early, parent=pos3, stance="supports")
    # Proposed, rejected, merged, deleted, withdrawn-by-edit, approved.
    add(actor=student, debate=debate, text="Rivers are pretty.", parent=pos1, stance="supports")
    rejected = add(actor=student, debate=debate, text="Vague.", parent=pos2, stance="opposes")
    services.claim_reject(claim=rejected, actor=moderator, reason="Too vague to discuss.")
    dup = add(actor=student, debate=debate, text="Towns traded a lot.", parent=pos1,
              stance="supports")  # fmt: skip
    services.claim_merge(claim=dup, target=arg1, actor=moderator, reason="Same point.")
    gone = add(actor=teacher, debate=debate, text="Off topic.", parent=pos2, stance="opposes")
    services.claim_delete(actor=teacher, claim=gone, reason="Wrong place.")
    mine = add(actor=student, debate=debate, text="Grain was cheap.", parent=arg1,
               stance="supports")  # fmt: skip
    services.claim_approve(claim=mine, actor=moderator)
    mine.refresh_from_db()
    # Versions: arg1 edited twice; the first text redacted; the student proposes an edit.
    services.claim_edit(actor=teacher, claim=arg1, text="Towns traded much more.", base_version=1)
    services.claim_edit(actor=teacher, claim=arg1, text="River towns traded more.", base_version=2)
    first = arg1.history.order_by("history_id").first()
    services.claim_version_redact(
        actor=moderator, claim=arg1, history_id=first.history_id, reason="Wrong figure."
    )
    services.claim_edit(actor=student, claim=mine, text="Grain was cheaper.", base_version=1)
    # Cross-links: one kept, one removed (its history stays).
    services.claim_link(actor=teacher, claim=arg2, parent=pos1, stance="opposes")
    removed = services.claim_link(actor=teacher, claim=arg1, parent=pos2, stance="opposes")
    services.claim_unlink(actor=teacher, link=removed)
    # Evidence: published, proposed, detached.
    quote = "Towns on rivers traded more than inland towns."
    services.evidence_attach(actor=teacher, claim=arg1, source=source, quote=quote)
    detached = services.evidence_attach(
        actor=teacher, claim=arg2, source=source, quote="Rebuilding cost a fortune.",
        relation="supports", note="Costs.",
    )  # fmt: skip
    services.evidence_detach(actor=teacher, evidence=detached, reason="Misread.")
    services.evidence_attach(
        actor=student, claim=mine, source=source, quote="Barges carried grain cheaply."
    )
    # Notes: public with tags and a reply, one for members (hidden), one deleted, one private
    # of an outsider (not the debate's: left out).
    note = annotate_quote(
        source, "rivers shape", teacher, body="Key *claim*.", tags=["geo", "towns"]
    )
    services.annotation_reply(actor=student, parent=note, body="Agreed — ✓")
    members = annotate_quote(
        source, "Floods destroyed", moderator, body="For us.", visibility="debate",
        debate=debate, motivation="questioning",
    )  # fmt: skip
    services.annotation_hide(annotation=members, actor=moderator, reason="Spoiler.")
    deleted = annotate_quote(source, "fertile soil", student, body="Oops.")
    services.annotation_delete(actor=student, annotation=deleted)
    annotate_quote(source, "grain", outsider, body="My own.", visibility="private")
    # Flags: one upheld on a claim, one open on a note.
    flag = services.flag_add(actor=student, reason="unclear", claim=arg2, note="Which?")
    services.flag_dismiss(flag=flag, actor=moderator, reason="Clear enough.")
    services.flag_add(actor=student, reason="off_topic", annotation=note)
    # Votes: kept, changed (two versions), taken back (history only).
    debate.vote_totals = Debate.VoteTotals.ALWAYS
    debate.save()
    services.vote_cast(actor=student, claim=arg1, question="acceptability", value=3)
    services.vote_cast(actor=student, claim=arg1, question="acceptability", value=4)
    services.vote_cast(actor=moderator, claim=arg1, question="relevance", value=2)
    services.vote_cast(actor=teacher, claim=arg2, question="acceptability", value=1)
    services.vote_clear(actor=teacher, claim=arg2, question="acceptability")
    # A new revision of the source: anchors re-anchored, a revision report.
    services.source_revise(actor=teacher, source=source, text=ARTICLE + "\nA new closing line.\n")
    return debate


# --- the round trip ------------------------------------------------------------------------


@pytest.mark.django_db
def test_backup_restores_into_an_empty_database_as_the_same_document(rich):
    first = debate_backup(rich)
    text = backup.write(first)
    # The document holds what the debate holds.
    statuses = {c["status"] for c in first["claims"]}
    assert statuses >= {"proposed", "published", "rejected", "merged"}
    assert any(c["deleted_at"] for c in first["claims"])
    assert any(c["merged_into"] for c in first["claims"])
    assert {m["role"] for m in first["memberships"]} == {
        "owner", "moderator", "viewer", "contributor", "reader"
    }  # fmt: skip
    assert [e["status"] for e in first["claim_edits"]] == ["proposed"]
    assert len(first["redactions"]) >= 1
    assert any(n["parent"] for n in first["annotations"])
    assert ["geo", "towns"] in [n["tags"] for n in first["annotations"]]
    assert not any(n["body"] == "My own." for n in first["annotations"])
    assert len(first["revisions"]) == 2
    assert first["history"]["claim_links"][-1]["history_type"] == "-"
    assert max(r["object"] for r in first["history"]["claim_links"]) > len(first["claim_links"])
    assert len(first["votes"]) == 2 and len(first["history"]["votes"]) == 5
    assert first["debate"]["vote_totals"] == "always"
    assert "password" not in text and "@example.org" not in text
    assert backup.parse(text) == first
    before, versions = counts(), history_counts()

    empty_database()
    assert counts() == dict.fromkeys(before, 0)
    restored = debate_restore(actor=None, data=backup.parse(text))

    second = backup.write(debate_backup(restored))
    assert second == text
    # Private notes of outsiders, and the outsider, were never in the backup.
    assert counts() == {
        **before,
        "Annotation": before["Annotation"] - 1,
        "User": before["User"] - 1,
    }
    assert history_counts() == {**versions, "Annotation": versions["Annotation"] - 1}
    # People the database did not know come back as inactive accounts nobody can log in as.
    teacher = User.objects.get(username="teacher")
    assert not teacher.is_active and not teacher.has_usable_password()
    assert teacher.display_name == "Ms Teacher"
    assert restored.owner == teacher and restored.slug == "rivers"
    # The history pages read the original records: dates, authors and reasons.
    arg1 = Claim.objects.get(text="River towns traded more.")
    reasons = list(arg1.history.order_by("history_id").values_list("history_type", "version"))
    assert reasons[0] == ("+", 1) and reasons[-1][1] == 3
    assert ClaimVersionRedaction.objects.get().history_id in set(
        arg1.history.values_list("history_id", flat=True)
    )


@pytest.mark.django_db
def test_restore_beside_the_original_takes_existing_people_and_a_free_slug(rich, teacher):
    text = backup.write(debate_backup(rich))
    users = User.objects.count()
    copy_ = debate_restore(actor=policy.CONSOLE, data=backup.parse(text))
    assert copy_.slug == "rivers-2"
    assert User.objects.count() == users  # every name matched an account
    assert copy_.owner == teacher
    assert Source.objects.filter(debates=copy_).count() == 1
    assert not set(Source.objects.filter(debates=copy_)) & set(rich.sources.all())
    # Equal but for the slug, with new ids everywhere.
    again = debate_backup(copy_)
    original = debate_backup(rich)
    assert again["debate"].pop("slug") == "rivers-2"
    original["debate"].pop("slug")
    assert again == original


@pytest.mark.django_db
def test_staff_may_restore_and_nobody_else(rich, teacher):
    data = debate_backup(rich)
    before = counts()
    with pytest.raises(PermissionDenied):
        debate_restore(actor=teacher, data=data)
    assert counts() == before
    staff = UserFactory(username="admin", is_staff=True)
    restored = debate_restore(actor=staff, data=data, slug="rivers-restored")
    assert restored.slug == "rivers-restored"


@pytest.mark.django_db
def test_backup_reads_in_the_same_number_of_queries_whatever_the_size(teacher, source):
    passage = Passage.objects.filter(source=source).first()

    def make(size: int) -> Debate:
        debate = DebateFactory(owner=teacher)
        debate.sources.add(source)
        claims = build_map(debate, size, passage)
        for claim in claims[: size // 5]:
            claim.text += " (edited)"
            claim.save()
        return debate

    small, large = make(5), make(80)
    for n in range(4):
        annotate_quote(source, "rivers", teacher, body=f"n{n}", visibility="debate", debate=large)
    with CaptureQueriesContext(connection) as few:
        debate_backup(small)
    with CaptureQueriesContext(connection) as many:
        data = debate_backup(large)
    assert len(data["claims"]) == 80 and len(data["annotations"]) == 4
    assert len(few.captured_queries) == len(many.captured_queries) <= 30


# --- bad documents -------------------------------------------------------------------------


@pytest.fixture
def document(rich) -> dict:
    return debate_backup(rich)


def refused(data_or_text, match: str) -> FormatError:
    """Restore `data_or_text` expecting a FormatError matching `match`; nothing written."""
    before, versions = counts(), history_counts()
    with pytest.raises(FormatError, match=match) as caught:
        data = backup.parse(data_or_text) if isinstance(data_or_text, str) else data_or_text
        debate_restore(actor=None, data=data)
    assert counts() == before
    assert history_counts() == versions
    return caught.value


@pytest.mark.django_db
def test_truncated_json_is_refused_with_its_line(document):
    text = backup.write(document)
    error = refused(text[: len(text) // 2], "not JSON")
    assert error.line is not None and error.line > 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "\x00\x01\x02\xff",
        "\ufeff{",
        "[" * 200_000 + "]" * 200_000,
        "[]",
        '{"format": "kialo"}',
        "null",
    ],
)
def test_garbage_and_absurd_nesting_are_refused(db, garbage):
    with pytest.raises(FormatError):
        backup.parse(garbage)


@pytest.mark.django_db
def test_wrong_version_is_refused(document):
    document["version"] = 2
    refused(document, "version 2")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("table", "field", "value", "match"),
    [
        ("claims", "version", "two", r"Node claims 3: “version” is a whole number"),
        ("claims", "status", "lost", r"Node claims 3: “status” is \"lost\""),
        ("claims", "created_at", "yesterday", r"Node claims 3: “created_at” “yesterday”"),
        ("claims", "author", "nobody", r"Node claims 3: “author” names “nobody”"),
        ("evidence", "passage", 9999, r"Node evidence 1: “passage” names passages 9999"),
        ("annotations", "tags", "geo", r"Node annotations 1: “tags” is a list"),
        ("sources", "listed", "yes", r"Node sources 1: “listed” is true or false"),
        ("claims", "text", "nul\x00", r"Node claims 3: “text” holds a character"),
    ],
)
def test_wrong_types_are_refused_naming_the_row(document, table, field, value, match):
    document[table][0 if table != "claims" else 2][field] = value
    refused(document, match)


@pytest.mark.django_db
def test_a_dangling_parent_is_refused(document):
    document["claims"][3]["parent"] = 999
    refused(document, r"Node claims 4: “parent” names claims 999, which does not exist")


@pytest.mark.django_db
def test_a_reply_to_a_missing_note_is_refused(document):
    reply = next(n for n in document["annotations"] if n["parent"])
    reply["parent"] = 77
    refused(document, rf"Node annotations {reply['id']}: “parent” names annotations 77")


@pytest.mark.django_db
def test_a_cycle_is_refused(document):
    claims = document["claims"]
    # The first position now stands under an argument listed after it: a cycle.
    position = next(c for c in claims if c["kind"] == "position")
    below = next(c for c in claims if c["parent"] == position["id"])
    position.update(parent=below["id"], kind="argument", relation="supports")
    refused(document, rf"Node claims {position['id']}: Its parent {below['id']} is listed after")


@pytest.mark.django_db
def test_duplicate_ids_and_unknown_fields_are_refused(document):
    twin = copy.deepcopy(document)
    twin["evidence"].append(dict(twin["evidence"][0]))
    refused(twin, "Node evidence 1: Two rows have this id")
    document["claims"][0]["colour"] = "red"
    refused(document, "Node claims 1: “colour” is not a field")


@pytest.mark.django_db
def test_a_row_the_database_refuses_rolls_everything_back(document):
    # Well-formed, but citing one passage twice from one claim breaks a unique constraint.
    twin = dict(document["evidence"][0], id=len(document["evidence"]) + 1, deleted_at=None)
    document["evidence"][0]["deleted_at"] = None
    document["evidence"].append(twin)
    backup.check(document)
    refused(document, "breaks a rule of the database")


@pytest.mark.django_db
def test_a_username_crux_would_not_accept_is_refused(document):
    document["users"].append({"username": "no spaces please", "display_name": ""})
    document["claims"][0]["author"] = "no spaces please"
    refused(document, "Node users no spaces please: This is not a username")


@pytest.mark.django_db
def test_an_unknown_audit_action_is_refused_naming_the_entry(document):
    document["audit"][1]["action"] = "claim_exploded"
    refused(document, "Node audit 2: “claim_exploded” is not an action")


@pytest.mark.django_db
def test_a_redaction_of_another_claims_version_is_refused(document):
    redaction = document["redactions"][0]
    other = next(r for r in document["history"]["claims"] if r["object"] != redaction["claim"])
    redaction["history"] = other["id"]
    refused(document, rf"Node redactions 1: Version record {other['id']} is about another")


# --- the format alone ------------------------------------------------------------------------


def test_the_formats_enumerations_are_the_models_choices():
    pairs = [
        (backup.CLAIM_KINDS, Claim.Kind.values),
        (backup.CLAIM_RELATIONS, Claim.Relation.values),
        (backup.LINK_RELATIONS, [v for v in Claim.Relation.values if v]),
        (backup.CLAIM_STATUSES, Claim.Status.values),
        (backup.EDIT_STATUSES, ClaimEdit.Status.values),
        (backup.EVIDENCE_RELATIONS, Evidence.Relation.values),
        (backup.MOTIVATIONS, Annotation.Motivation.values),
        (backup.NOTE_VISIBILITIES, Annotation.Visibility.values),
        (backup.ANCHOR_STATUSES, Anchor.Status.values),
        (backup.PASSAGE_KINDS, Passage.Kind.values),
        (backup.SOURCE_VISIBILITIES, Source.Visibility.values),
        (backup.DEBATE_VISIBILITIES, Debate.Visibility.values),
        (backup.CONTRIBUTION_MODES, Debate.Mode.values),
        (backup.ROLES, Membership.Role.values),
        (backup.FLAG_REASONS, Flag.Reason.values),
        (backup.FLAG_STATUSES, Flag.Status.values),
        (backup.VOTE_TOTALS, Debate.VoteTotals.values),
        (backup.VOTE_QUESTIONS, Vote.Question.values),
    ]
    for ours, models_ in pairs:
        assert sorted(ours) == sorted(models_)
    assert all(backup._ACTION.fullmatch(a) for a in AuditEntry.Action.values)


def test_every_column_of_every_restored_table_is_in_the_document():
    """A field added to a model fails here until the backup carries it (or says why not)."""

    def columns(spec: dict, table: str, extra: dict[str, str] | None = None) -> set[str]:
        names = {**COLUMNS.get(table, {}), **(extra or {})}
        return {names.get(field, field) for field in spec} | {"id", "debate_id"}

    for table, model in MODELS.items():
        attnames = {f.attname for f in model._meta.concrete_fields}
        assert attnames <= columns(backup.TABLES[table], table), table
    for table, spec in backup.HISTORY.items():
        historical = MODELS[table].history.model
        attnames = {f.attname for f in historical._meta.concrete_fields} - {"history_id"}
        assert attnames <= columns(spec, table, HISTORY_COLUMNS), table
    debate = {f.attname for f in Debate._meta.concrete_fields}
    assert debate <= set(backup.DEBATE) | {"id", "owner_id", "copied_from_id"}
    membership = {f.attname for f in Membership._meta.concrete_fields}
    assert membership <= set(backup.MEMBERSHIPS) | {"id", "user_id", "debate_id"}
    assert {f.attname for f in Tag._meta.concrete_fields} == {"id", "name"}


def test_write_is_deterministic_and_keeps_unicode():
    data = {"format": backup.FORMAT, "b": "نهر ✓", "a": [2, 1]}
    text = backup.write(data)
    assert text.endswith("\n") and "نهر ✓" in text
    assert text.index('"a"') < text.index('"b"')
    assert json.loads(text) == data


@pytest.mark.django_db
def test_the_demo_map_restores_beside_itself_equal_but_for_its_slug(demo):
    original = Debate.objects.get(slug="russia-north-korea-relations")
    text = backup.write(debate_backup(original))
    restored = debate_restore(actor=None, data=backup.parse(text))
    assert restored.slug == "russia-north-korea-relations-2"
    again = debate_backup(restored)
    again["debate"]["slug"] = original.slug
    assert backup.write(again) == text

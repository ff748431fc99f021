"""A claim's history: its versions with word diffs, its evidence links' events, edits
waiting for review."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import CharField, Value

from .. import policy
from ..models import (
    Claim,
    ClaimEdit,
    ClaimVersionRedaction,
    Debate,
    Evidence,
    Passage,
)

_TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class DiffRun:
    """A run of a word diff: `kind` is "same", "del" (only in the old text) or "ins"."""

    kind: str
    text: str


def word_diff(old: str, new: str) -> list[DiffRun]:
    """`new` against `old` as runs of kept, removed and added words (templates mark them)."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    runs: list[DiffRun] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append(DiffRun("same", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            runs.append(DiffRun("del", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            runs.append(DiffRun("ins", "".join(b[j1:j2])))
    return runs


HISTORY_FIELDS = {
    "text": "text",
    "status": "status",
    "parent": "place",
    "relation": "stance",
    "order": "order",
    "deleted_at": "deleted/restored",
    "status_reason": "reason",
    "merged_into": "merged into",
}


@dataclass
class ClaimVersion:
    record: Any  # a django-simple-history record (the library is untyped)
    diff: list[DiffRun] | None
    changed: list[str] = field(default_factory=list)
    event: str = ""
    can_restore: bool = False
    # A moderator redacted this version's text (`redaction` says who, when and why).
    redaction: ClaimVersionRedaction | None = None
    # The viewer reads the text (False for a redacted version, but for staff).
    text_shown: bool = True
    # Show the whole text rather than a diff: the first version shown, or one whose
    # predecessor's text the viewer may not read.
    whole_text: bool = False
    can_redact: bool = False

    @property
    def redacted(self) -> bool:
        return self.redaction is not None


def _field(record, name: str):
    return getattr(record, f"{name}_id" if name in ("parent", "merged_into") else name)


def _named(records, viewer, debate: Debate):
    """History records with their editor, and `shown_user`: the name under which the viewer
    knows the editor in `debate` (a pseudonym, "Student 7", in a class's anonymous
    assignment; None: their own name), in the same query."""
    records = records.select_related("history_user")
    shown = policy.shown_author_expression(viewer, debate=debate, author="history_user")
    return records.annotate(
        shown_user=shown if shown is not None else Value(None, output_field=CharField())
    )


def claim_versions(*, claim: Claim, viewer) -> list[ClaimVersion]:
    """The saved states of a claim that the viewer may read, newest first, each with what
    changed and a word diff of its text against the state shown before it; moderators may
    restore earlier texts and redact old ones. Two queries whatever the history's length.

    Readers see only the states that were published (`policy.can_view_version`), so a
    text a moderator changed before approving it is not shown. A redacted text is shown to
    staff alone; nobody else gets it through a diff either (the next version's diff is taken
    against the last text they may read, or its whole text is shown).
    """
    debate = claim.debate
    every = list(_named(claim.history.all(), viewer, debate).order_by("history_id"))
    records = [r for r in every if policy.can_view_version(viewer, claim, debate, r)]
    redactions = {
        r.history_id: r
        for r in ClaimVersionRedaction.objects.filter(claim=claim).select_related("redacted_by")
    }
    restorer = policy.can_restore(viewer, debate)
    redactor = policy.can_redact_version(viewer, debate)
    reads_redacted = policy.can_read_redacted(viewer)
    versions: list[ClaimVersion] = []
    previous = None
    # The newest earlier text the viewer may read, to diff against.
    readable: str | None = None
    changed: list[str]
    for record in records:
        redaction = redactions.get(record.history_id)
        text_shown = redaction is None or reads_redacted
        text_changed = previous is None or previous.text != record.text
        if previous is None:
            # Earlier states that were never published are not shown to this viewer.
            event = "created" if record is every[0] else "published"
            changed, diff = [], None
        else:
            changed = [
                HISTORY_FIELDS[name]
                for name in HISTORY_FIELDS
                if _field(previous, name) != _field(record, name)
            ]
            diff = (
                word_diff(readable, record.text)
                if text_changed and text_shown and readable is not None
                else None
            )
            if previous.deleted_at is None and record.deleted_at is not None:
                event = "deleted"
            elif previous.deleted_at is not None and record.deleted_at is None:
                event = "restored"
            elif text_changed:
                event = "text edited"
            elif "place" in changed or "stance" in changed:
                event = "moved"
            elif "status" in changed:
                event = f"status: {record.get_status_display()}"
            elif changed == ["order"]:
                event = "reordered"
            else:
                event = "saved"
        versions.append(
            ClaimVersion(
                record=record,
                diff=diff,
                changed=changed,
                event=event,
                can_restore=restorer and redaction is None and record.text != claim.text,
                redaction=redaction,
                text_shown=text_shown,
                whole_text=text_shown and text_changed and diff is None,
                can_redact=redactor and redaction is None and record.text != claim.text,
            )
        )
        previous = record
        if text_shown:
            readable = record.text
    # Offer "restore" once per distinct text: on its newest record.
    seen: set[str] = set()
    for version in reversed(versions):
        if version.record.text in seen:
            version.can_restore = False
        seen.add(version.record.text)
    return list(reversed(versions))


@dataclass
class EvidenceEvent:
    record: Any  # a django-simple-history record (the library is untyped)
    event: str
    passage: Passage | None
    # The link's relation or note differs now: a moderator may bring this state back.
    restorable: bool = False


def evidence_events(*, claim: Claim, viewer) -> list[EvidenceEvent]:
    """What happened to the claim's evidence links (attached, edited, detached, restored,
    reviewed), newest first. Others' proposals are left to their author and moderators."""
    moderating = policy.can_moderate(viewer, claim.debate)
    records = list(
        _named(Evidence.history.filter(claim_id=claim.pk), viewer, claim.debate).order_by(
            "history_id"
        )
    )
    passages = Passage.objects.select_related("anchor", "source").in_bulk(
        {r.passage_id for r in records}
    )
    last: dict[int, Any] = {}
    events: list[EvidenceEvent] = []
    for record in records:
        before = last.get(record.id)
        last[record.id] = record
        visible = moderating or policy.can_view_evidence(
            viewer, record, claim.debate, claim_visible=True
        )
        if not visible:
            continue
        if before is None:
            event = "attached" if record.status == Evidence.Status.PUBLISHED else "proposed"
        elif before.deleted_at is None and record.deleted_at is not None:
            event = "detached"
        elif before.deleted_at is not None and record.deleted_at is None:
            event = "re-attached"
        elif before.status != record.status:
            event = record.get_status_display()
        elif before.relation != record.relation or before.note != record.note:
            event = "edited"
        else:
            continue
        events.append(EvidenceEvent(record, event, passages.get(record.passage_id)))
    for item in events:
        now = last[item.record.id]
        item.restorable = now.deleted_at is None and (now.relation, now.note) != (
            item.record.relation,
            item.record.note,
        )
    return list(reversed(events))


def claim_edits_for(*, claim: Claim, viewer) -> list[ClaimEdit]:
    """Proposed edits of the claim with their outcome and reasons: all of them for
    moderators, a person's own for everyone else."""
    edits = ClaimEdit.objects.filter(claim=claim).select_related("author", "reviewed_by")
    if not policy.can_moderate(viewer, claim.debate):
        if not viewer.is_authenticated:
            return []
        edits = edits.filter(author=viewer)
    return list(edits.order_by("-created_at", "-pk"))


def pending_edits_by_claim(*, debate: Debate, viewer) -> dict[int, ClaimEdit]:
    """The newest waiting edit per claim that the viewer may see, in one query (for the map:
    a marker on each node with an edit waiting for review)."""
    if not viewer.is_authenticated:
        return {}
    edits = ClaimEdit.objects.filter(
        claim__debate=debate, status=ClaimEdit.Status.PROPOSED
    ).order_by("created_at", "pk")
    if not policy.can_moderate(viewer, debate):
        edits = edits.filter(author=viewer)
    return {edit.claim_id: edit for edit in edits}

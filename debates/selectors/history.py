"""A claim's history: its versions with word diffs, its evidence links' events, edits
waiting for review."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from .. import policy
from ..models import (
    Claim,
    ClaimEdit,
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
    record: object
    diff: list[DiffRun] | None
    changed: list[str] = field(default_factory=list)
    event: str = ""
    can_restore: bool = False


def claim_versions(*, claim: Claim, viewer) -> list[ClaimVersion]:
    """Every saved state of a claim, newest first, each with what changed and a word diff
    of its text against the state before; moderators may restore earlier texts."""
    records = list(claim.history.select_related("history_user").order_by("history_id"))
    restorer = policy.can_restore(viewer, claim.debate)
    versions: list[ClaimVersion] = []
    previous = None
    for record in records:
        if previous is None:
            event, changed, diff = "created", [], None
        else:
            changed = [
                HISTORY_FIELDS[name]
                for name in HISTORY_FIELDS
                if getattr(previous, f"{name}_id" if name in ("parent", "merged_into") else name)
                != getattr(record, f"{name}_id" if name in ("parent", "merged_into") else name)
            ]
            diff = word_diff(previous.text, record.text) if previous.text != record.text else None
            if previous.deleted_at is None and record.deleted_at is not None:
                event = "deleted"
            elif previous.deleted_at is not None and record.deleted_at is None:
                event = "restored"
            elif diff is not None:
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
                can_restore=restorer and record.text != claim.text,
            )
        )
        previous = record
    # Offer "restore" once per distinct text: on its newest record.
    seen: set[str] = set()
    for version in reversed(versions):
        if version.record.text in seen:
            version.can_restore = False
        seen.add(version.record.text)
    return list(reversed(versions))


@dataclass
class EvidenceEvent:
    record: object
    event: str
    passage: Passage | None
    # The link's relation or note differs now: a moderator may bring this state back.
    restorable: bool = False


def evidence_events(*, claim: Claim, viewer) -> list[EvidenceEvent]:
    """What happened to the claim's evidence links (attached, edited, detached, restored,
    reviewed), newest first. Others' proposals are left to their author and moderators."""
    moderating = policy.can_moderate(viewer, claim.debate)
    records = list(
        Evidence.history.filter(claim_id=claim.pk)
        .select_related("history_user")
        .order_by("history_id")
    )
    passages = Passage.objects.select_related("anchor", "source").in_bulk(
        {r.passage_id for r in records}
    )
    last: dict[int, object] = {}
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

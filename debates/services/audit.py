"""The audit log: one AuditEntry per act (who, what, to what, when, why)."""

from __future__ import annotations

from ..models import (
    AuditEntry,
    Debate,
)
from . import events
from ._base import person


def record(
    *,
    debate: Debate,
    actor,
    action: str,
    summary: str,
    reason: str = "",
    claim=None,
    evidence=None,
    annotation=None,
    flag=None,
) -> AuditEntry:
    if action not in AuditEntry.Action.values:
        raise ValueError(f"Unknown audit action {action!r}")
    return AuditEntry.objects.create(
        debate=debate,
        actor=person(actor),
        action=action,
        summary=summary[:300],
        reason=reason,
        claim=claim,
        evidence=evidence,
        annotation=annotation,
        flag=flag,
    )


def record_map_change(*, debate: Debate, **entry) -> AuditEntry:
    """Log an act that changed what the map shows, and tell its live viewers once the
    transaction commits: what every map-changing service does last."""
    events.map_changed(debate_id=debate.pk)
    return record(debate=debate, **entry)

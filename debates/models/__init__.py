"""The Crux domain, one module per concern: sources and their passages, debate maps,
annotations, and what moderation leaves behind.

Invariants that one row can state are CHECK/UNIQUE constraints in the models; the one that
spans rows (a claim's parent is of the right kind and in the same debate) is a database
trigger installed by migration 0002, so no write path can break it.
"""

from .annotations import Annotation, Tag
from .discussion import ClaimComment
from .imports import ImportJob
from .maps import (
    Claim,
    ClaimEdit,
    ClaimLink,
    ClaimQuerySet,
    ClaimVersionRedaction,
    Debate,
    Evidence,
    Membership,
)
from .moderation import AuditEntry, Flag, Notification
from .sources import QUOTE_CONTEXT, Anchor, Passage, Source, SourceRevision
from .votes import Vote

__all__ = [
    "QUOTE_CONTEXT",
    "Anchor",
    "Annotation",
    "AuditEntry",
    "Claim",
    "ClaimComment",
    "ClaimEdit",
    "ClaimLink",
    "ClaimQuerySet",
    "ClaimVersionRedaction",
    "Debate",
    "Evidence",
    "Flag",
    "ImportJob",
    "Membership",
    "Notification",
    "Passage",
    "Source",
    "SourceRevision",
    "Tag",
    "Vote",
]

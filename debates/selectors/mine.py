"""“My debates”: the debates a person owns, moderates or belongs to (private ones too),
each with what waits for them there — their proposals under review, their unread
notifications, and for those who moderate it the size of its queue."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, Subquery

from .. import policy
from ..models import (
    Claim,
    ClaimEdit,
    Debate,
    Evidence,
    Membership,
    Notification,
)
from .moderation import count_of, queue_counts

# The claims of theirs listed with each debate (proposed or rejected), at most.
MINE_LISTED = 200


@dataclass
class MyClaim:
    claim: Claim
    can_resubmit: bool = False  # rejected, and its author may edit it and send it back


@dataclass
class MyDebate:
    debate: Debate
    role: str  # owner, moderator, contributor, viewer or reader
    pending: int  # their claims, evidence and edits waiting for review
    rejected: int  # their rejected claims (still rejected, not deleted)
    unread: int  # their unread notifications about this debate
    queue: int | None  # what waits in its review queue; None unless they moderate it
    claims: list[MyClaim] = field(default_factory=list)  # their pending and rejected claims

    @property
    def moderates(self) -> bool:
        return self.queue is not None


def my_debates(*, user) -> list[MyDebate]:
    """The debates `user` owns or is a member of, most recently changed first, in three
    queries whatever their number: the debates with every count as a subquery, then the
    person's pending and rejected claims in all of them (and one walk up from those, to
    tell which rejected ones may be resubmitted)."""
    if not user.is_authenticated:
        return []
    outer = OuterRef("pk")
    live_claim = {"claim__debate": outer, "claim__deleted_at__isnull": True}
    debates = (
        Debate.objects.filter(
            Q(owner=user) | Q(pk__in=Membership.objects.filter(user=user).values("debate"))
        )
        .select_related("owner")
        .annotate(
            my_role=Subquery(Membership.objects.filter(debate=outer, user=user).values("role")[:1]),
            n_mine=count_of(
                Claim.objects.filter(
                    debate=outer, author=user, status=Claim.Status.PROPOSED, deleted_at=None
                )
            ),
            n_my_evidence=count_of(
                Evidence.objects.filter(
                    author=user, status=Evidence.Status.PROPOSED, deleted_at=None, **live_claim
                )
            ),
            n_my_edits=count_of(
                ClaimEdit.objects.filter(
                    author=user, status=ClaimEdit.Status.PROPOSED, **live_claim
                )
            ),
            n_rejected=count_of(
                Claim.objects.filter(
                    debate=outer, author=user, status=Claim.Status.REJECTED, deleted_at=None
                )
            ),
            n_unread=count_of(
                Notification.objects.filter(debate=outer, recipient=user, read_at=None)
            ),
            # The queue, counted as the header and the queue page count it.
            **queue_counts(outer, many=False),
        )
        .order_by("-updated_at", "pk")
    )
    rows: dict[int, MyDebate] = {}
    for debate in debates:
        role = Membership.Role.OWNER if debate.owner_id == user.pk else debate.my_role
        # Remembered for the policy, so asking it about these debates costs nothing.
        user.__dict__.setdefault("_crux_roles", {})[debate.pk] = role
        moderates = user.is_staff or role in policy.MODERATING_ROLES
        queue = debate.n_claims + debate.n_evidence + debate.n_edits + debate.n_flags
        rows[debate.pk] = MyDebate(
            debate=debate,
            role=role,
            pending=debate.n_mine + debate.n_my_evidence + debate.n_my_edits,
            rejected=debate.n_rejected,
            unread=debate.n_unread,
            queue=queue if moderates else None,
        )
    if any(row.pending or row.rejected for row in rows.values()):
        claims = (
            Claim.objects.filter(
                author=user,
                debate__in=list(rows),
                status__in=[Claim.Status.PROPOSED, Claim.Status.REJECTED],
                deleted_at=None,
            )
            .only(
                "pk",
                "debate",
                "parent",
                "author",
                "kind",
                "text",
                "status",
                "status_reason",
                "deleted_at",
                "created_at",
            )
            .order_by("-created_at", "-pk")[:MINE_LISTED]
        )
        listed = list(claims)
        # Whether each still stands under a live parent: one walk up for all of them.
        policy.on_live_paths(listed)
        for claim in listed:
            row = rows[claim.debate_id]
            claim.debate = row.debate
            row.claims.append(MyClaim(claim, policy.can_resubmit_claim(user, claim, row.debate)))
    return list(rows.values())

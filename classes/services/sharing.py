"""Maps shared with a class, and keeping the debate roles they grant in step.

Every change that could alter who should hold which role in a shared map — a share made,
changed or removed, someone joining, leaving, removed or made co-teacher, the class
archived — ends by calling `sync_grants` for the debates and people concerned. It works
out, over every class the map is shared with, the role each person should get, and asks
`debates.services` to grant or take back the difference, remembering what it granted
(`ClassGrant`) so that a role someone held by hand is never taken away.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from debates import policy as debate_policy
from debates import services as debate_services
from debates.models import Debate, Membership

from .. import policy
from ..models import ClassAuditEntry, ClassGrant, ClassMember, Classroom, MapShare
from ._base import audit, refuse_if_archived, require

Action = ClassAuditEntry.Action
Role = Membership.Role

# Debate roles from least to most (the owner's is never granted or taken).
RANK: dict[str, int] = {
    Role.READER: 0,
    Role.VIEWER: 1,
    Role.CONTRIBUTOR: 2,
    Role.MODERATOR: 3,
    Role.OWNER: 4,
}


def role_for(share: MapShare, class_role: str) -> str:
    """The debate role a member of the share's class gets from it: teachers and co-teachers
    moderate; students get the share's mode, or only read once the class is archived."""
    if class_role in policy.TEACHING_ROLES:
        return Role.MODERATOR
    if share.classroom.archived:
        return Role.READER
    return MapShare.ROLE_FOR_MODE[MapShare.Mode(share.mode)]


def _wanted(debate: Debate, user_ids: list[int]) -> dict[int, tuple[str, MapShare]]:
    """For each of `user_ids` who should hold a role in `debate` through a class: the
    highest role any share gives them, with the share it comes from."""
    shares = [
        share
        for share in MapShare.objects.filter(debate=debate).select_related("classroom", "shared_by")
        # A share stands on its sharer's authority over the map; without it, it grants nothing.
        if debate_policy.can_manage_debate(share.shared_by, debate)
    ]
    if not shares:
        return {}
    by_class = {share.classroom_id: share for share in shares}
    rows = ClassMember.objects.filter(
        classroom_id__in=list(by_class), user_id__in=user_ids, left_at=None
    ).values_list("classroom_id", "user_id", "role")
    wanted: dict[int, tuple[str, MapShare]] = {}
    for classroom_id, user_id, class_role in rows:
        share = by_class[classroom_id]
        role = role_for(share, class_role)
        if user_id not in wanted or RANK[role] > RANK[wanted[user_id][0]]:
            wanted[user_id] = (role, share)
    return wanted


def sync_grants(*, debate: Debate, users: Iterable, actor, reason: str) -> None:
    """Bring the class-granted roles of `users` in `debate` in step with the shares."""
    users = [user for user in users if user.pk != debate.owner_id]
    if not users:
        return
    ids = [user.pk for user in users]
    wanted = _wanted(debate, ids)
    grants = {
        grant.user_id: grant
        for grant in ClassGrant.objects.select_for_update().filter(debate=debate, user_id__in=ids)
    }
    held = dict(
        Membership.objects.filter(debate=debate, user_id__in=ids).values_list("user_id", "role")
    )
    for user in users:
        _sync_one(
            debate=debate,
            user=user,
            want=wanted.get(user.pk),
            grant=grants.get(user.pk),
            held=held.get(user.pk),
            actor=actor,
            reason=reason,
        )


def _sync_one(*, debate, user, want, grant, held, actor, reason) -> None:
    if grant is not None and held != grant.role:
        # Changed or removed by hand since it was granted: the membership is no longer the
        # classes' to manage.
        grant.delete()
        grant = None
    by_hand = grant.previous_role if grant is not None else held
    if want is None or (by_hand and RANK[by_hand] >= RANK[want[0]]):
        # Nothing to grant, or what they hold by hand is enough: give back what was granted.
        if grant is not None:
            debate_services.member_ungrant(
                debate=debate,
                actor=actor,
                user=user,
                role=grant.role,
                restore=grant.previous_role,
                reason=reason,
            )
            grant.delete()
        return
    role, share = want
    if grant is not None and grant.role == role:
        return
    debate_services.member_grant(
        debate=debate,
        actor=actor,
        grantor=share.shared_by,
        user=user,
        role=role,
        reason=f"class “{share.classroom.name}”",
    )
    if grant is None:
        ClassGrant.objects.create(debate=debate, user=user, role=role, previous_role=held or "")
    else:
        grant.role = role
        grant.save(update_fields=["role", "updated_at"])


def sync_class(*, classroom: Classroom, actor, reason: str, users: Iterable | None = None) -> None:
    """`sync_grants` in every map shared with the class, for `users` (default: everyone
    who is in the class now)."""
    if users is None:
        users = [
            member.user
            for member in ClassMember.objects.filter(
                classroom=classroom, left_at=None
            ).select_related("user")
        ]
    users = list(users)
    for share in MapShare.objects.filter(classroom=classroom).select_related("debate"):
        sync_grants(debate=share.debate, users=users, actor=actor, reason=reason)


@transaction.atomic
def class_map_share(*, actor, classroom: Classroom, debate: Debate, mode: str) -> MapShare:
    """Share `debate` with the class in `mode` (read, propose or contribute), or change the
    mode of a share: everyone in the class gets the matching role in the map at once."""
    refuse_if_archived(classroom)
    require(
        policy.can_share_map(actor, classroom, debate),
        "Only a teacher of the class who manages the map (its owner) shares it with the class.",
    )
    if mode not in MapShare.Mode.values:
        raise ValidationError(
            f"“{mode}” is not a way to share; choose read, propose or contribute."
        )
    share = MapShare.objects.select_for_update().filter(classroom=classroom, debate=debate).first()
    label = MapShare.Mode(mode).label
    if share is None:
        share = MapShare.objects.create(
            classroom=classroom, debate=debate, mode=mode, shared_by=actor
        )
        audit(
            classroom=classroom,
            actor=actor,
            action=Action.MAP_SHARED,
            summary=f"“{debate.title}”: {label}",
        )
    elif share.mode == mode:
        raise ValidationError(f"“{debate.title}” is shared with this class for {label} already.")
    else:
        old = share.get_mode_display()
        share.mode = mode
        share.shared_by = actor
        share.save(update_fields=["mode", "shared_by", "updated_at"])
        audit(
            classroom=classroom,
            actor=actor,
            action=Action.SHARE_CHANGED,
            summary=f"“{debate.title}”: {old} → {label}",
        )
    share.classroom = classroom
    sync_class(classroom=classroom, actor=actor, reason=f"shared with class “{classroom.name}”")
    return share


@transaction.atomic
def class_map_unshare(*, actor, classroom: Classroom, share: MapShare) -> None:
    """Stop sharing a map: the roles the class gave in it go (those held by hand stay)."""
    refuse_if_archived(classroom)
    require(
        policy.can_share_maps(actor, classroom),
        "Only the class's teachers stop sharing a map with it.",
    )
    if share.classroom_id != classroom.pk:
        raise ValidationError("That map is not shared with this class.")
    debate = share.debate
    members = [
        member.user
        for member in ClassMember.objects.filter(classroom=classroom, left_at=None).select_related(
            "user"
        )
    ]
    share.delete()
    audit(
        classroom=classroom,
        actor=actor,
        action=Action.MAP_UNSHARED,
        summary=f"“{debate.title}”",
    )
    sync_grants(
        debate=debate,
        users=members,
        actor=actor,
        reason=f"no longer shared with class “{classroom.name}”",
    )

"""The one place that answers "may this person do this to that?".

Pages, htmx fragments and the API ask these functions and nothing else. A person's role
in a debate is read once per request and cached on the user object, so asking many
questions about one debate costs one query.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from .models import Claim, Debate, Membership

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    Person = User | AnonymousUser

MODERATING_ROLES = {Membership.Role.OWNER, Membership.Role.MODERATOR}
CONTRIBUTING_ROLES = {*MODERATING_ROLES, Membership.Role.CONTRIBUTOR}


def role_in(user: Person, debate: Debate) -> str | None:
    """The user's role in the debate ('owner' for its owner), or None for outsiders."""
    if not user.is_authenticated:
        return None
    if debate.owner_id == user.pk:
        return Membership.Role.OWNER
    cache = user.__dict__.setdefault("_crux_roles", {})
    if debate.pk not in cache:
        cache[debate.pk] = (
            Membership.objects.filter(user=user, debate=debate)
            .values_list("role", flat=True)
            .first()
        )
    return cache[debate.pk]


def can_view_debate(user: Person, debate: Debate) -> bool:
    if debate.visibility in (Debate.Visibility.PUBLIC, Debate.Visibility.UNLISTED):
        return True
    if user.is_authenticated and user.is_staff:
        return True
    return role_in(user, debate) is not None


def can_moderate(user: Person, debate: Debate) -> bool:
    if user.is_authenticated and user.is_staff:
        return True
    return role_in(user, debate) in MODERATING_ROLES


def can_view_claim(user: Person, claim: Claim, debate: Debate) -> bool:
    """Published claims are seen by all who see the debate; the rest by author and moderators."""
    if (
        not can_view_debate(user, debate)
        or claim.deleted_at is not None
        and not can_moderate(user, debate)
    ):
        return False
    if claim.status == Claim.Status.PUBLISHED:
        return True
    return (user.is_authenticated and claim.author_id == user.pk) or can_moderate(user, debate)


def visible_debates_q(user: Person) -> Q:
    """A filter for the debates a person may open (listed or not)."""
    visible = Q(visibility__in=[Debate.Visibility.PUBLIC, Debate.Visibility.UNLISTED])
    if user.is_authenticated:
        if user.is_staff:
            return Q()
        member_of = Membership.objects.filter(user=user).values("debate")
        visible |= Q(owner=user) | Q(pk__in=member_of)
    return visible


def visible_claims_q(user: Person, prefix: str = "") -> Q:
    """A filter for claims a person may see, inside debates they may see (by `prefix`)."""
    published = Q(
        **{f"{prefix}status": Claim.Status.PUBLISHED, f"{prefix}deleted_at__isnull": True}
    )
    if not user.is_authenticated:
        return published
    own = Q(**{f"{prefix}author": user, f"{prefix}deleted_at__isnull": True})
    return published | own


# --- contributions ---------------------------------------------------------------------


def contribution_status(user: Person, debate: Debate) -> str | None:
    """The status a new claim or evidence link by `user` gets, or None if they may not add.

    Owners, moderators and contributors publish directly unless the debate is closed;
    other members (viewers) publish in open debates and propose in reviewed ones.
    Outsiders and anonymous people cannot contribute.
    """
    if not user.is_authenticated:
        return None
    role = role_in(user, debate)
    if user.is_staff and role is None:
        role = Membership.Role.MODERATOR
    if role is None or debate.contribution_mode == Debate.Mode.CLOSED:
        return None
    if role in CONTRIBUTING_ROLES or debate.contribution_mode == Debate.Mode.OPEN:
        return Claim.Status.PUBLISHED
    return Claim.Status.PROPOSED


# --- annotations -----------------------------------------------------------------------


def visible_annotations_q(user: Person, prefix: str = "") -> Q:
    """Annotations a person may read: public ones, their own, and their debates' ones.

    Hidden (by a moderator) and deleted annotations are left to their author and to the
    debate's moderators; private ones are seen by their author alone.
    """
    p = prefix
    live = Q(**{f"{p}deleted_at__isnull": True, f"{p}hidden": False})
    public = live & Q(**{f"{p}visibility": "public"})
    if not user.is_authenticated:
        return public
    own = Q(**{f"{p}author": user, f"{p}deleted_at__isnull": True})
    member_of = Membership.objects.filter(user=user).values("debate")
    moderating = Membership.objects.filter(user=user, role__in=MODERATING_ROLES).values("debate")
    members = live & Q(**{f"{p}visibility": "debate", f"{p}debate__in": member_of})
    # Moderators see what is hidden in their debates (to unhide it) but never private notes.
    moderated = Q(**{f"{p}debate__in": moderating}) & ~Q(**{f"{p}visibility": "private"})
    if user.is_staff:
        return public | own | members | (~Q(**{f"{p}visibility": "private"}))
    return public | own | members | moderated


def can_view_annotation(user: Person, annotation) -> bool:
    if annotation.visibility == "private":
        return user.is_authenticated and annotation.author_id == user.pk
    if user.is_authenticated and annotation.author_id == user.pk:
        return annotation.deleted_at is None
    if annotation.debate_id and can_moderate(user, annotation.debate):
        return True
    if user.is_authenticated and user.is_staff:
        return True
    if annotation.deleted_at is not None or annotation.hidden:
        return False
    if annotation.visibility == "public":
        return True
    return annotation.debate_id is not None and role_in(user, annotation.debate) is not None


def can_edit_annotation(user: Person, annotation) -> bool:
    return (
        user.is_authenticated and annotation.author_id == user.pk and annotation.deleted_at is None
    )


def can_moderate_annotation(user: Person, annotation) -> bool:
    """Hide, unhide and restore: the debate's moderators, or staff for debate-less notes."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return annotation.debate_id is not None and can_moderate(user, annotation.debate)


def can_annotate(user: Person) -> bool:
    return user.is_authenticated


# --- sources ---------------------------------------------------------------------------


def can_revise_source(user: Person, source) -> bool:
    """Who may give a source a new revision: staff, its importer, and the owners and
    moderators of debates grounded in it."""
    if not user.is_authenticated:
        return False
    if user.is_staff or source.created_by_id == user.pk:
        return True
    return (
        Membership.objects.filter(
            user=user, role__in=MODERATING_ROLES, debate__sources=source
        ).exists()
        or Debate.objects.filter(owner=user, sources=source).exists()
    )


def can_reattach(user: Person, anchor, annotation=None) -> bool:
    """An orphaned note's author may re-attach it; so may those who may revise the source."""
    if annotation is not None and can_edit_annotation(user, annotation):
        return True
    return can_revise_source(user, anchor.source)

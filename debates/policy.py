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


class Console:
    """The operator at the command line (management commands run without --user): trusted
    like site staff, and named nowhere as an author."""

    pk = None
    is_authenticated = True
    is_staff = True
    is_superuser = True
    username = "console"
    public_name = "the site's operator"


CONSOLE = Console()

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


def forget_role(user: Person, debate: Debate) -> None:
    """Drop the cached role after a write changed it."""
    user.__dict__.get("_crux_roles", {}).pop(debate.pk, None)


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

    Owners, moderators and staff publish directly, even in closed debates (they keep the
    map). Contributors publish unless the debate is closed. Viewers publish in open
    debates and propose in reviewed ones. Outsiders and anonymous people cannot add.
    """
    if not user.is_authenticated:
        return None
    role = role_in(user, debate)
    if role in MODERATING_ROLES or user.is_staff:
        return Claim.Status.PUBLISHED
    if role is None or debate.contribution_mode == Debate.Mode.CLOSED:
        return None
    if role == Membership.Role.CONTRIBUTOR or debate.contribution_mode == Debate.Mode.OPEN:
        return Claim.Status.PUBLISHED
    return Claim.Status.PROPOSED


def can_add_claim(user: Person, debate: Debate, parent: Claim | None = None) -> bool:
    """Positions and arguments under a visible, published claim; issues (new roots) are
    moderators'."""
    if parent is None:
        return can_moderate(user, debate)
    if parent.debate_id != debate.pk or not can_view_claim(user, parent, debate):
        return False
    if parent.status != Claim.Status.PUBLISHED or parent.deleted_at is not None:
        # Replies wait for their parent's approval: otherwise a moderator could neither
        # approve the reply (its parent is pending) nor reject the parent (it has replies).
        return False
    return contribution_status(user, debate) is not None


def edit_status(user: Person, claim: Claim, debate: Debate) -> str | None:
    """What saving an edit of `claim` by `user` does.

    'published': the claim's text changes now (moderators; the author where they publish;
    the author of a claim still pending review, whose proposal changes in place).
    'proposed': the edit waits for review while the approved text stays shown (the author
    of a published claim in a debate where they propose). None: they may not edit it.
    """
    if claim.debate_id != debate.pk or claim.deleted_at is not None:
        return None
    if claim.status in (Claim.Status.MERGED, Claim.Status.WITHDRAWN):
        return None
    if can_moderate(user, debate):
        return Claim.Status.PUBLISHED
    if not (user.is_authenticated and claim.author_id == user.pk):
        return None
    status = contribution_status(user, debate)
    if status is None or claim.status == Claim.Status.REJECTED:
        return None
    if claim.status == Claim.Status.PROPOSED:
        return Claim.Status.PUBLISHED
    return status


def can_edit_claim(user: Person, claim: Claim, debate: Debate) -> bool:
    return edit_status(user, claim, debate) is not None


def can_delete_claim(
    user: Person, claim: Claim, debate: Debate, *, has_replies: bool = False
) -> bool:
    """Moderators delete (softly) any claim; authors withdraw their own while nobody has
    replied to it (`has_replies`: the claim has live children)."""
    if claim.debate_id != debate.pk or claim.deleted_at is not None:
        return False
    if can_moderate(user, debate):
        return True
    return (
        user.is_authenticated
        and claim.author_id == user.pk
        and claim.kind != Claim.Kind.ISSUE
        and not has_replies
        and contribution_status(user, debate) is not None
    )


def can_restructure(user: Person, debate: Debate) -> bool:
    """Reorder, move under another parent, cross-link and unlink: the map's shape is kept
    by its owner and moderators."""
    return can_moderate(user, debate)


def can_attach_evidence(user: Person, claim: Claim, debate: Debate) -> bool:
    if claim.debate_id != debate.pk or not can_view_claim(user, claim, debate):
        return False
    if claim.status not in (Claim.Status.PUBLISHED, Claim.Status.PROPOSED):
        return False
    return contribution_status(user, debate) is not None


def can_view_evidence(
    user: Person, evidence, debate: Debate, *, claim_visible: bool | None = None
) -> bool:
    """Published evidence on a visible claim is seen by all who see the claim; proposed,
    rejected or detached evidence by its author and the moderators. Pass `claim_visible`
    when the caller has already asked about the claim (lists of one claim's evidence)."""
    if claim_visible is None:
        claim_visible = can_view_claim(user, evidence.claim, debate)
    if not claim_visible:
        return False
    if can_moderate(user, debate):
        return True
    if evidence.deleted_at is not None:
        return False
    if evidence.status == Claim.Status.PUBLISHED:
        return True
    return user.is_authenticated and evidence.author_id == user.pk


def visible_evidence_q(user: Person, debate: Debate, prefix: str = "") -> Q:
    """A filter for the evidence links (of claims the viewer sees) that a person may see."""
    if can_moderate(user, debate):
        return Q()
    live = Q(**{f"{prefix}deleted_at__isnull": True})
    published = live & Q(**{f"{prefix}status": Claim.Status.PUBLISHED})
    if not user.is_authenticated:
        return published
    return published | (live & Q(**{f"{prefix}author": user}))


def can_edit_evidence(user: Person, evidence, debate: Debate) -> bool:
    """Change an evidence link's relation or note, or detach it: a moderator, or its author
    while it is a proposal or where they publish directly (approved evidence is not changed
    behind the reviewers' backs)."""
    if evidence.deleted_at is not None:
        return False
    if can_moderate(user, debate):
        return True
    if not (user.is_authenticated and evidence.author_id == user.pk):
        return False
    status = contribution_status(user, debate)
    if status is None:
        return False
    return evidence.status == Claim.Status.PROPOSED or status == Claim.Status.PUBLISHED


def can_view_history(user: Person, claim: Claim, debate: Debate) -> bool:
    return can_view_claim(user, claim, debate)


def can_restore(user: Person, debate: Debate) -> bool:
    """Restore an earlier version, a deleted claim or detached evidence: moderators."""
    return can_moderate(user, debate)


def can_flag(user: Person, debate: Debate) -> bool:
    return user.is_authenticated and can_view_debate(user, debate)


def can_view_audit(user: Person, debate: Debate) -> bool:
    return can_moderate(user, debate)


def can_manage_debate(user: Person, debate: Debate) -> bool:
    """Settings (title, mode, visibility) and members' roles: the owner and site staff."""
    if not user.is_authenticated:
        return False
    return user.is_staff or role_in(user, debate) == Membership.Role.OWNER


def moderated_debates_q(user: Person) -> Q:
    """A filter for the debates whose queue a person works (owner, moderator, or staff)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_staff:
        return Q()
    moderating = Membership.objects.filter(user=user, role__in=MODERATING_ROLES).values("debate")
    return Q(owner=user) | Q(pk__in=moderating)


# Every debate action by name, for code that dispatches on a name (templates, the API) and
# for the role × action table in tests. `target` is the claim or evidence acted on.
def can(user: Person, action: str, debate: Debate, target=None) -> bool:
    checks = {
        "view": lambda: can_view_debate(user, debate),
        "add_claim": lambda: can_add_claim(user, debate, target),
        "edit_claim": lambda: can_edit_claim(user, target, debate),
        "delete_claim": lambda: can_delete_claim(user, target, debate),
        "restructure": lambda: can_restructure(user, debate),
        "attach_evidence": lambda: can_attach_evidence(user, target, debate),
        "edit_evidence": lambda: can_edit_evidence(user, target, debate),
        "view_claim": lambda: can_view_claim(user, target, debate),
        "view_history": lambda: can_view_history(user, target, debate),
        "restore": lambda: can_restore(user, debate),
        "moderate": lambda: can_moderate(user, debate),
        "flag": lambda: can_flag(user, debate),
        "view_audit": lambda: can_view_audit(user, debate),
        "manage": lambda: can_manage_debate(user, debate),
    }
    if action not in checks:
        raise ValueError(f"Unknown action {action!r}; known: {', '.join(sorted(checks))}")
    return bool(checks[action]())


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


def can_import_source(user: Person) -> bool:
    return user.is_authenticated


def can_create_debate(user: Person) -> bool:
    return user.is_authenticated


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

"""The one place that answers "may this person do this to that?".

Pages, htmx fragments and the API ask these functions and nothing else. A person's role
in a debate is read once per request and cached on the user object, so asking many
questions about one debate costs one query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from .models import Claim, Debate, Membership, Source

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


def can_vote(user: Person, debate: Debate) -> bool:
    """Any member rates claims (readers and viewers too); outsiders and anonymous do not."""
    if not user.is_authenticated:
        return False
    return user.is_staff or role_in(user, debate) is not None


def can_see_vote_totals(user: Person, debate: Debate, *, has_voted: bool) -> bool:
    """Totals show after one's own vote, unless the debate shows them to all; moderators
    always see them (they judge a map's health)."""
    if debate.vote_totals == Debate.VoteTotals.ALWAYS or has_voted:
        return True
    return can_moderate(user, debate)


def can_view_claim(user: Person, claim: Claim, debate: Debate) -> bool:
    """Published claims on a live path are seen by all who see the debate; a claim's own
    proposals and rejections by its author too; anything else (deleted, or hanging under a
    deleted or unpublished claim) by the debate's moderators only."""
    if not can_view_debate(user, debate):
        return False
    if can_moderate(user, debate):
        return True
    if claim.deleted_at is not None:
        return False
    own = user.is_authenticated and claim.author_id == user.pk
    if claim.status != Claim.Status.PUBLISHED and not own:
        return False
    return on_live_path(claim, debate)


def visible_debates_q(user: Person) -> Q:
    """A filter for the debates a person may open (listed or not)."""
    visible = Q(visibility__in=[Debate.Visibility.PUBLIC, Debate.Visibility.UNLISTED])
    if user.is_authenticated:
        if user.is_staff:
            return Q()
        member_of = Membership.objects.filter(user=user).values("debate")
        visible |= Q(owner=user) | Q(pk__in=member_of)
    return visible


def visible_claims_q(user: Person, prefix: str = "", *, ancestors: bool = True) -> Q:
    """A filter for claims a person may see outside a moderator's tools, inside debates
    they may see (the caller filters those, by `prefix`): published ones and their own,
    never deleted ones, and none that hang under a deleted or unpublished claim.

    `ancestors=False` judges each row alone, for a caller that walks the tree itself (a
    map keeps only what it reaches from the issues); everyone else keeps the default.
    """
    published = Q(
        **{f"{prefix}status": Claim.Status.PUBLISHED, f"{prefix}deleted_at__isnull": True}
    )
    rows = published
    if user.is_authenticated:
        rows |= Q(**{f"{prefix}author": user, f"{prefix}deleted_at__isnull": True})
    return rows & live_paths_q(prefix) if ancestors else rows


# --- work another app withholds from a viewer ---------------------------------------------
#
# Another app may hide some people's claims and notes from a viewer in one debate or on one
# source: the classes app's "see classmates' work only after you post". A hook (registered
# in its AppConfig.ready) takes the viewer and the debate or source and returns a queryset
# of the author ids to withhold (`values("user_id")`), or None. The caller's own query
# embeds it as a subquery; the classes hook first asks, once per request and in one small
# query, whether the viewer waits on any such assignment at all, and answers None if not.
# The map (`selectors.maps._drawable`), the claim and history pages and the reader ask with
# one debate or source; a debate's moderators are never withheld anything (the callers
# skip them), nor anyone their own work.
#
# Lists that cross debates or sources (search, recent activity, a person's claims, the
# notifications) ask per row instead: `withheld_q(user, debate_field=...)` (or
# `source_field=`) passes the hook `debate_ref`/`source_ref`, the path from the row to its
# debate or source, and `author_ref`, the path to its author; the hook then returns an
# expression true for the rows it withholds (an `Exists` correlated with the row), or None.

WithholdHook = Callable[..., Any]
_WITHHOLD_HOOKS: list[WithholdHook] = []


def register_withhold_hook(hook: WithholdHook) -> None:
    if hook not in _WITHHOLD_HOOKS:
        _WITHHOLD_HOOKS.append(hook)


def withheld_q(
    user: Person,
    *,
    debate: Debate | None = None,
    source: Source | None = None,
    prefix: str = "",
    debate_field: str | None = None,
    source_field: str | None = None,
) -> Q:
    """A filter keeping the rows (claims or notes, by their `author`) that no hook withholds
    from `user` in `debate` or on `source`; Q() (everything) when none does.

    For a list across debates or sources give instead `debate_field` or `source_field`, the
    path from the row to its debate or source (e.g. "debate", "anchor__source"): each row is
    judged in its own debate or on its own source, and rows in debates `user` moderates are
    all kept. Site staff are withheld nothing.
    """
    rows = Q()
    if not user.is_authenticated:
        return rows
    author = f"{prefix}author"
    if debate is not None or source is not None:
        for hook in _WITHHOLD_HOOKS:
            authors = hook(user, debate=debate, source=source)
            if authors is not None:
                rows &= Q(**{f"{author}__isnull": True}) | ~Q(**{f"{author}__in": authors})
        return rows
    if (debate_field is None and source_field is None) or user.is_staff:
        return rows
    for hook in _WITHHOLD_HOOKS:
        withheld = hook(user, debate_ref=debate_field, source_ref=source_field, author_ref=author)
        if withheld is not None:
            rows &= ~Q(withheld)
    if debate_field is not None and rows:
        moderating = Debate.objects.filter(moderated_debates_q(user)).values("pk")
        rows = Q(**{f"{debate_field}__in": moderating}) | rows
    return rows


def withholds(
    user: Person, author, *, debate: Debate | None = None, source: Source | None = None
) -> bool:
    """Whether a hook withholds `author`'s work in `debate` or on `source` from `user` (one
    query, plus the hook's own once per request; none when no hook could): for a service
    deciding whether to tell `user` of it.
    A debate's moderators are withheld nothing."""
    from django.contrib.auth import get_user_model

    author_id = getattr(author, "pk", None)
    if not user.is_authenticated or author_id is None or author_id == user.pk:
        return False
    if debate is None and source is None:
        return False
    if debate is not None and can_moderate(user, debate):
        return False
    people = get_user_model().objects.filter(pk=author_id)
    return _any_withheld(user, people, "pk", debate=debate, source=source)


def _any_withheld(user: Person, rows, author_field: str, *, debate=None, source=None) -> bool:
    """Whether a hook withholds the author (`author_field`) of any of `rows` from `user` in
    `debate` or on `source`: one query, none when no hook asks (the loop `withholds`,
    `claim_withheld` and `annotation_withheld` share)."""
    asked = False
    for hook in _WITHHOLD_HOOKS:
        authors = hook(user, debate=debate, source=source)
        if authors is not None:
            rows = rows.filter(**{f"{author_field}__in": authors})
            asked = True
    return asked and rows.exists()


def claim_withheld(user: Person, claim: Claim, debate: Debate) -> bool:
    """Whether `claim` (of `debate`) is someone else's work withheld from `user`, or hangs
    under such work (a reply goes with what it answers, as on the map); one query at most,
    plus the hook's own once per request (none for someone no hook withholds from): for
    pages, forms and services of one claim that the map's filter does not reach. A claim
    of one's own, and anything for the debate's moderators, is never withheld."""
    if not user.is_authenticated or claim.author_id == user.pk:
        return False
    if can_moderate(user, debate):
        return False
    chain = Claim.objects.filter(pk__in=RawSQL(CLAIM_CHAIN_SQL, [claim.pk]))  # noqa: S611
    return _any_withheld(user, chain.exclude(author=user.pk), "author", debate=debate)


# A claim and every claim above it, up to its issue (UNION: a parent cycle in bad data ends
# the walk); fixed SQL, the claim's id its one parameter. The map's selectors walk up with
# it too (`selectors.maps._path_ids`).
CLAIM_CHAIN_SQL = (
    "WITH RECURSIVE crux_chain(id, parent_id) AS ("
    " SELECT c.id, c.parent_id FROM debates_claim c WHERE c.id = %s"
    " UNION SELECT c.id, c.parent_id FROM debates_claim c JOIN crux_chain u ON c.id = u.parent_id)"
    " SELECT id FROM crux_chain"
)


def can_open_claim(user: Person, claim: Claim, debate: Debate) -> bool:
    """`can_view_claim`, less someone else's claim withheld from `user` (`claim_withheld`):
    for a view or service that opens one claim by its id (its panels, forms, fragments,
    votes, flags, discussion), so a guessed id answers as if there were no such claim. One
    query more at most; a map asking about each of its nodes asks `can_view_claim`, since
    the map's own query has left the withheld claims out already."""
    return can_view_claim(user, claim, debate) and not claim_withheld(user, claim, debate)


def annotation_withheld(user: Person, annotation) -> bool:
    """Whether a hook withholds `annotation` from `user` on its source: its author's work,
    or, for a reply, its thread's root's (a reply goes with its root). One query at most,
    as the reader and the W3C API judge it. One's own notes are never withheld."""
    from django.contrib.auth import get_user_model

    if not user.is_authenticated:
        return False
    notes = [annotation]
    if annotation.parent_id is not None:
        notes.append(annotation.parent)
    authors = {n.author_id for n in notes if n.author_id is not None and n.author_id != user.pk}
    if not authors:
        return False
    people = get_user_model().objects.filter(pk__in=authors)
    return _any_withheld(user, people, "pk", source=annotation.anchor.source)


def can_open_annotation(user: Person, annotation) -> bool:
    """`can_view_annotation`, less a note withheld from `user` (`annotation_withheld`): for
    a view or service that opens one note by its id (reply, edit, flag, mentions), so a
    guessed id answers as if there were no such note."""
    return can_view_annotation(user, annotation) and not annotation_withheld(user, annotation)


# Another app may show some authors under another name to a viewer (the classes app's
# "anonymous to classmates": "Student 7"). A hook takes the viewer, the debate or source
# and the name of the row's author field, and returns an expression (a subquery giving the
# name to show, NULL for the author's own) or None. Like the hooks above, no query runs:
# the caller annotates its own query with `shown_author` (the claim page, the reader's notes).
# Lists across debates or sources pass `debate_field` or `source_field` (the hook gets
# `debate_ref`/`source_ref`), so each row's author is named as in the row's own debate.
_NAME_HOOKS: list[WithholdHook] = []


def register_name_hook(hook: WithholdHook) -> None:
    if hook not in _NAME_HOOKS:
        _NAME_HOOKS.append(hook)


def shown_author_expression(
    user: Person,
    *,
    debate: Debate | None = None,
    source: Source | None = None,
    author: str = "author",
    debate_field: str | None = None,
    source_field: str | None = None,
) -> Any:
    """An expression for the name a row's author is shown to `user` under instead of their
    own (NULL: their own), or None when no hook renames anyone."""
    if not user.is_authenticated:
        return None
    if debate is None and source is None and debate_field is None and source_field is None:
        return None
    if debate is not None and can_moderate(user, debate):
        return None  # a debate's moderators (its teachers) see everyone's own name
    for hook in _NAME_HOOKS:
        if debate is not None or source is not None:
            expression = hook(user, debate=debate, source=source, author=author)
        else:
            expression = hook(user, author=author, debate_ref=debate_field, source_ref=source_field)
        if expression is not None:
            return expression
    return None


def shown_name(
    user: Person, author, *, debate: Debate | None = None, source: Source | None = None
) -> str:
    """The name under which `user` knows `author` in `debate` or on `source`: a pseudonym
    if a hook gives one, else their public name (one query, none when no hook could)."""
    from django.contrib.auth import get_user_model

    name = getattr(author, "public_name", "")
    if getattr(author, "pk", None) is None:
        return name
    expression = shown_author_expression(user, debate=debate, source=source, author="pk")
    if expression is None:
        return name
    pseudonym = (
        get_user_model()
        .objects.filter(pk=author.pk)
        .annotate(shown=expression)
        .values_list("shown", flat=True)
        .first()
    )
    return pseudonym or name


# --- where a claim stands: the ancestor-aware part of claim visibility --------------------
#
# A claim is on a live path when every claim above it, up to its issue, is published and
# not deleted; under a deleted, rejected, withdrawn, merged or pending claim it is off the
# map for everyone but the moderators. The walks are recursive CTEs over parent_id (plain
# SQL that SQLite and PostgreSQL both run): one query whatever the depth.


# The claims below a deleted or unpublished claim, at any depth (UNION, so a parent cycle
# in bad data ends the walk); the first parameter is the published status.
_UNDER_CUT_SQL = (
    "WITH RECURSIVE crux_under_cut(id) AS ("
    " SELECT c.id FROM debates_claim c JOIN debates_claim p ON p.id = c.parent_id"
    " WHERE (p.deleted_at IS NOT NULL OR p.status <> %s){scope}"
    " UNION SELECT c.id FROM debates_claim c JOIN crux_under_cut u ON c.parent_id = u.id)"
    " SELECT id FROM crux_under_cut"
)
UNDER_CUT_SQL = _UNDER_CUT_SQL.format(scope="")
# The same in one debate (the second parameter).
DEBATE_UNDER_CUT_SQL = _UNDER_CUT_SQL.format(scope=" AND p.debate_id = %s")
# Of the given claims ({marks}: one placeholder each), those with a deleted or unpublished
# claim anywhere above them: a walk up from each, kept apart by where it started.
_CUT_ABOVE_SQL = (
    "WITH RECURSIVE crux_up(start, id) AS ("
    " SELECT c.id, c.parent_id FROM debates_claim c WHERE c.id IN ({marks})"
    " UNION SELECT u.start, c.parent_id FROM crux_up u JOIN debates_claim c ON c.id = u.id"
    " WHERE c.parent_id IS NOT NULL)"
    " SELECT DISTINCT u.start FROM crux_up u JOIN debates_claim a ON a.id = u.id"
    " WHERE a.deleted_at IS NOT NULL OR a.status <> %s"
)


def live_paths_q(prefix: str = "") -> Q:
    """A filter for claims on a live path (see above), as one subquery."""
    below_cuts = RawSQL(UNDER_CUT_SQL, [Claim.Status.PUBLISHED])  # noqa: S611 - fixed SQL
    return ~Q(**{f"{prefix}pk__in": below_cuts})


def on_live_paths(claims: Iterable[Claim]) -> set[int]:
    """The pks of `claims` (of any debates) that stand on a live path, in one query
    whatever the depth; each claim remembers its answer, so asking the policy about it
    again costs nothing."""
    claims = list(claims)
    asked = [c.pk for c in claims if c.parent_id is not None]
    cut: set[int] = set()
    if asked:
        sql = _CUT_ABOVE_SQL.format(marks=", ".join(["%s"] * len(asked)))
        cut = set(_ids(sql, [*asked, Claim.Status.PUBLISHED]))
    for claim in claims:
        claim.__dict__["_crux_on_live_path"] = claim.pk not in cut
    return {c.pk for c in claims if c.pk not in cut}


def _ids(sql: str, params: list) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def on_live_path(claim: Claim, debate: Debate) -> bool:
    """Whether `claim` (of `debate`) stands on a live path.

    Asked for every node of a map (its toolbars), so it costs at most one query per debate
    object: the ids below a cut are read once and kept on `debate` (a request's object), and
    a claim already judged by `on_live_paths` remembers its answer. A service that cuts or
    mends a branch calls `forget_paths`.
    """
    known = claim.__dict__.get("_crux_on_live_path")
    if known is not None:
        return known
    if claim.parent_id is None:
        return True
    cut = debate.__dict__.get("_crux_under_cut")
    if cut is None:
        cut = set(_ids(DEBATE_UNDER_CUT_SQL, [Claim.Status.PUBLISHED, debate.pk]))
        debate.__dict__["_crux_under_cut"] = cut
    return claim.pk not in cut


def forget_paths(debate: Debate, *claims: Claim) -> None:
    """Drop what `on_live_path` remembered after a write changed the map's shape."""
    debate.__dict__.pop("_crux_under_cut", None)
    for claim in claims:
        claim.__dict__.pop("_crux_on_live_path", None)


# --- contributions ---------------------------------------------------------------------


def contribution_status(user: Person, debate: Debate) -> str | None:
    """The status a new claim or evidence link by `user` gets, or None if they may not add.

    Owners, moderators and staff publish directly, even in closed debates (they keep the
    map). Contributors publish unless the debate is closed. Viewers publish in open
    debates and propose in reviewed ones. Readers, outsiders and anonymous people cannot add.
    """
    if not user.is_authenticated:
        return None
    role = role_in(user, debate)
    if role in MODERATING_ROLES or user.is_staff:
        return Claim.Status.PUBLISHED
    if role in (None, Membership.Role.READER) or debate.contribution_mode == Debate.Mode.CLOSED:
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
    if not on_live_path(claim, debate):
        # Under a deleted or rejected claim it is off the map: its author no longer edits it.
        return None
    if claim.status == Claim.Status.PROPOSED:
        return Claim.Status.PUBLISHED
    return status


def can_edit_claim(user: Person, claim: Claim, debate: Debate) -> bool:
    return edit_status(user, claim, debate) is not None


def can_resubmit_claim(user: Person, claim: Claim, debate: Debate) -> bool:
    """The author of a rejected claim may edit it and send it back for review, while they
    may still contribute to the debate and what it answers is still on the map."""
    if claim.debate_id != debate.pk or claim.deleted_at is not None:
        return False
    if claim.status != Claim.Status.REJECTED:
        return False
    if not (user.is_authenticated and claim.author_id == user.pk):
        return False
    return contribution_status(user, debate) is not None and on_live_path(claim, debate)


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
        and on_live_path(claim, debate)
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


def can_view_version(user: Person, claim: Claim, debate: Debate, record) -> bool:
    """Which saved states (history records) of a claim whose history a person may see
    they read: moderators every state; the claim's author every state of their own claim;
    everyone else only the states that were published, so a text that a moderator changed
    before approving it ("edit, then approve") is never shown to readers."""
    if can_moderate(user, debate):
        return True
    if record.status == Claim.Status.PUBLISHED:
        return True
    return user.is_authenticated and claim.author_id == user.pk


def can_redact_version(user: Person, debate: Debate) -> bool:
    """Hide an old version's text from the history (a phone number, an insult)."""
    return can_moderate(user, debate)


def can_read_redacted(user: Person) -> bool:
    """A redacted text is kept for site staff; everyone else, moderators included, reads
    that it was redacted."""
    return bool(user.is_authenticated and user.is_staff)


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


def can_copy_debate(user: Person, debate: Debate) -> bool:
    """Copy a map as a template into new debates (one per class, group or student): its
    owner, its moderators and site staff. The copy is theirs to give away; readers and
    contributors may not take a map's content elsewhere."""
    return user.is_authenticated and can_moderate(user, debate)


def moderated_debates_q(user: Person) -> Q:
    """A filter for the debates whose queue a person works (owner, moderator, or staff).
    It reads only `is_staff` and the id: the header's counts compile their query once per
    process keyed by `is_staff` (`selectors.moderation.header_counts`); reading anything
    else of the user here means adding it to that key."""
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
        "resubmit_claim": lambda: can_resubmit_claim(user, target, debate),
        "delete_claim": lambda: can_delete_claim(user, target, debate),
        "restructure": lambda: can_restructure(user, debate),
        "attach_evidence": lambda: can_attach_evidence(user, target, debate),
        "edit_evidence": lambda: can_edit_evidence(user, target, debate),
        "view_claim": lambda: can_view_claim(user, target, debate),
        "view_history": lambda: can_view_history(user, target, debate),
        "redact_version": lambda: can_redact_version(user, debate),
        "restore": lambda: can_restore(user, debate),
        "moderate": lambda: can_moderate(user, debate),
        "flag": lambda: can_flag(user, debate),
        "view_audit": lambda: can_view_audit(user, debate),
        "manage": lambda: can_manage_debate(user, debate),
        "copy": lambda: can_copy_debate(user, debate),
        "comment": lambda: can_comment(user, target, debate),
    }
    if action not in checks:
        raise ValueError(f"Unknown action {action!r}; known: {', '.join(sorted(checks))}")
    return bool(checks[action]())


# --- a claim's discussion (clarifying questions) ---------------------------------------


def can_comment(user: Person, claim: Claim, debate: Debate) -> bool:
    """Ask or answer a clarifying question on a claim: its debate's members (readers too,
    a question adds nothing to the map) and staff, on a published claim they see."""
    if not user.is_authenticated or claim.debate_id != debate.pk:
        return False
    if claim.status != Claim.Status.PUBLISHED or claim.deleted_at is not None:
        return False
    if not (user.is_staff or role_in(user, debate) is not None):
        return False
    return can_view_claim(user, claim, debate)


def can_view_comments(user: Person, claim: Claim, debate: Debate) -> bool:
    """A claim's discussion is read by whoever reads the claim."""
    return can_view_claim(user, claim, debate)


def visible_comments_q(user: Person, debate: Debate, prefix: str = "") -> Q:
    """A filter for the comments (of one claim of `debate`) a person may read.

    Moderators read every comment, hidden and deleted ones too (marked as such). Everyone
    else: no deleted ones; hidden ones only their own; none by an author another app
    withholds from them (`withheld_q`: "see classmates' work after you post"), their own
    always. A reply goes with its top-level comment when that one is deleted or hidden.
    """
    if can_moderate(user, debate):
        return Q()
    p = prefix

    def rows(q: str) -> Q:
        shown = Q(**{f"{q}deleted_at__isnull": True, f"{q}hidden": False})
        if not user.is_authenticated:
            return shown
        own = Q(**{f"{q}deleted_at__isnull": True, f"{q}author": user})
        return (shown & withheld_q(user, debate=debate, prefix=q)) | own

    root_visible = Q(**{f"{p}parent__isnull": True}) | rows(f"{p}parent__")
    return rows(p) & root_visible


def can_delete_comment(user: Person, comment) -> bool:
    """Its author takes back their own comment (moderators hide instead)."""
    return user.is_authenticated and comment.author_id == user.pk and comment.deleted_at is None


def can_hide_comment(user: Person, debate: Debate) -> bool:
    """Hide or show again a comment: the debate's moderators (and staff)."""
    return can_moderate(user, debate)


# --- annotations -----------------------------------------------------------------------


def _annotation_rows_q(user: Person, p: str) -> Q:
    """Annotations a person may read, each judged by its own row (see below)."""
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


def visible_annotations_q(user: Person, prefix: str = "") -> Q:
    """Annotations a person may read: public ones, their own, and their debates' ones, on
    sources they may read; a reply only while its thread's root note is one of those.

    Hidden (by a moderator) and deleted annotations are left to their author and to the
    debate's moderators; private ones are seen by their author alone. A reply of a deleted
    or hidden note goes with it (replies always hang from the thread's root).
    """
    p = prefix
    root_visible = Q(**{f"{p}parent__isnull": True}) | _annotation_rows_q(user, f"{p}parent__")
    return (
        _annotation_rows_q(user, p) & root_visible & visible_sources_q(user, f"{p}anchor__source__")
    )


def can_view_annotation(user: Person, annotation) -> bool:
    """The same answer as `visible_annotations_q`, for one annotation (a reply asks about
    its root too, and every note about its source)."""
    if not can_view_source(user, annotation.anchor.source):
        return False
    if annotation.parent_id is not None and not _can_view_annotation_row(user, annotation.parent):
        return False
    return _can_view_annotation_row(user, annotation)


def _can_view_annotation_row(user: Person, annotation) -> bool:
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


def can_restore_annotation(user: Person, annotation) -> bool:
    """Bring back a deleted note: its moderators (as `can_moderate_annotation`), or its
    author undoing their own delete."""
    if user.is_authenticated and annotation.author_id == user.pk:
        return True
    return can_moderate_annotation(user, annotation)


def can_annotate(user: Person) -> bool:
    return user.is_authenticated


# --- sources ---------------------------------------------------------------------------


def can_import_source(user: Person) -> bool:
    return user.is_authenticated


def can_create_debate(user: Person) -> bool:
    return user.is_authenticated


def visible_sources_q(user: Person, prefix: str = "") -> Q:
    """A filter for the sources a person may read: public ones; and, signed in, those they
    imported and those grounding a debate they own or belong to. Staff read every source."""
    p = prefix
    public = Q(**{f"{p}visibility": Source.Visibility.PUBLIC})
    if not user.is_authenticated:
        return public
    if user.is_staff:
        return Q()
    return public | Q(**{f"{p}created_by": user}) | Q(**{f"{p}pk__in": _grounding_sources(user)})


def _grounding_sources(user: User):
    """The ids of the sources grounding the debates `user` owns or belongs to (a subquery)."""
    member_of = Membership.objects.filter(user=user).values("debate")
    return Debate.sources.through.objects.filter(
        Q(debate__owner=user) | Q(debate__in=member_of)
    ).values("source")


def can_view_source(user: Person, source: Source) -> bool:
    """The same answer as `visible_sources_q`, for one source: at most one query per person
    and source (kept on the user object, like roles)."""
    if source.visibility == Source.Visibility.PUBLIC:
        return True
    if not user.is_authenticated:
        return False
    if user.is_staff or (user.pk is not None and source.created_by_id == user.pk):
        return True
    cache = user.__dict__.setdefault("_crux_sources", {})
    if source.pk not in cache:
        cache[source.pk] = (
            Debate.sources.through.objects.filter(source=source.pk)
            .filter(Q(debate__owner=user) | Q(debate__memberships__user=user))
            .exists()
        )
    return cache[source.pk]


def can_revise_source(user: Person, source: Source) -> bool:
    """Who may give a source a new revision: its importer and site staff. Grounding a
    debate in a source (owning or moderating that debate) grants nothing over it."""
    if not user.is_authenticated:
        return False
    return bool(user.is_staff or (user.pk is not None and source.created_by_id == user.pk))


def can_reattach(user: Person, anchor, annotation=None) -> bool:
    """An orphaned note's author may re-attach it; so may those who may revise the source
    (its importer and staff)."""
    if annotation is not None and can_edit_annotation(user, annotation):
        return True
    return can_revise_source(user, anchor.source)

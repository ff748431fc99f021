"""The role × action table: every debate action against every kind of person.

One row per (action, situation); one column per persona. `ALLOWED` names who may; every
other persona must be refused. The table is read straight from `policy.can`, the function
pages, htmx fragments and the API ask, so a change of rule shows up here first.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from debates import policy, services
from debates.models import Claim, Debate, Evidence, Membership

from .factories import UserFactory, make_claim, make_evidence

PERSONAS = ["anonymous", "outsider", "viewer", "contributor", "moderator", "owner", "staff"]
MODERATORS = {"moderator", "owner", "staff"}
MEMBERS = {"viewer", "contributor", *MODERATORS}
SIGNED_IN = {"outsider", *MEMBERS}
EVERYONE = set(PERSONAS)

# (action, target, mode, visibility) -> who is allowed. Targets are built by `world` below:
#   position       a published position (by the owner)
#   own_argument   a published argument by the contributor
#   viewer_arg     a published argument by the viewer
#   pending        an argument the viewer proposed, not yet reviewed
#   rejected       an argument of the viewer's that a moderator rejected
#   evidence       a published evidence link by the contributor
#   under_deleted  a published argument by the contributor under a deleted position
#   under_rejected a published argument by the contributor under a rejected position
TABLE: list[tuple[str, str | None, str, str, set[str]]] = [
    # Seeing the debate follows its visibility.
    ("view", None, "reviewed", "public", EVERYONE),
    ("view", None, "reviewed", "unlisted", EVERYONE),
    ("view", None, "reviewed", "private", MEMBERS),
    # Seeing a claim: published ones with the debate, pending ones by author and moderators.
    ("view_claim", "position", "reviewed", "public", EVERYONE),
    ("view_claim", "position", "reviewed", "private", MEMBERS),
    ("view_claim", "pending", "reviewed", "public", {"viewer", *MODERATORS}),
    ("view_claim", "rejected", "reviewed", "public", {"viewer", *MODERATORS}),
    ("view_history", "position", "reviewed", "public", EVERYONE),
    ("view_history", "pending", "reviewed", "public", {"viewer", *MODERATORS}),
    # A claim under a deleted or rejected claim is off the map: moderators only (M1).
    ("view_claim", "under_deleted", "reviewed", "public", MODERATORS),
    ("view_claim", "under_rejected", "reviewed", "public", MODERATORS),
    ("view_history", "under_deleted", "reviewed", "public", MODERATORS),
    ("view_history", "under_rejected", "reviewed", "public", MODERATORS),
    # Adding: issues are moderators'; positions and arguments follow the mode.
    ("add_claim", None, "open", "public", MODERATORS),
    ("add_claim", None, "reviewed", "public", MODERATORS),
    ("add_claim", "position", "open", "public", MEMBERS),
    ("add_claim", "position", "reviewed", "public", MEMBERS),
    ("add_claim", "position", "closed", "public", MODERATORS),
    ("add_claim", "position", "reviewed", "private", MEMBERS),
    # Replies wait for their parent's approval (else the queue could not be worked).
    ("add_claim", "pending", "reviewed", "public", set()),
    ("add_claim", "rejected", "reviewed", "public", set()),
    # Editing: authors their own (where they may still contribute), moderators any.
    ("edit_claim", "own_argument", "reviewed", "public", {"contributor", *MODERATORS}),
    ("edit_claim", "own_argument", "closed", "public", MODERATORS),
    ("edit_claim", "viewer_arg", "reviewed", "public", {"viewer", *MODERATORS}),
    ("edit_claim", "viewer_arg", "closed", "public", MODERATORS),
    ("edit_claim", "pending", "reviewed", "public", {"viewer", *MODERATORS}),
    ("edit_claim", "rejected", "reviewed", "public", MODERATORS),
    ("delete_claim", "own_argument", "reviewed", "public", {"contributor", *MODERATORS}),
    ("delete_claim", "position", "reviewed", "public", {"owner", "moderator", "staff"}),
    # The map's shape, restoring and moderating are moderators'.
    ("restructure", None, "open", "public", MODERATORS),
    ("restructure", None, "reviewed", "public", MODERATORS),
    ("restore", None, "reviewed", "public", MODERATORS),
    ("moderate", None, "reviewed", "public", MODERATORS),
    ("moderate", None, "reviewed", "private", MODERATORS),
    ("view_audit", None, "reviewed", "public", MODERATORS),
    # Evidence.
    ("attach_evidence", "position", "open", "public", MEMBERS),
    ("attach_evidence", "position", "reviewed", "public", MEMBERS),
    ("attach_evidence", "position", "closed", "public", MODERATORS),
    ("attach_evidence", "rejected", "reviewed", "public", set()),
    ("edit_evidence", "evidence", "reviewed", "public", {"contributor", *MODERATORS}),
    ("edit_evidence", "evidence", "closed", "public", MODERATORS),
    # Flags and settings.
    ("flag", None, "reviewed", "public", SIGNED_IN),
    ("flag", None, "reviewed", "private", MEMBERS),
    ("manage", None, "reviewed", "public", {"owner", "staff"}),
]

CASES = [
    pytest.param(
        action,
        target,
        mode,
        visibility,
        persona,
        persona in allowed,
        id=f"{action}-{target or 'debate'}-{mode}-{visibility}-{persona}",
    )
    for action, target, mode, visibility, allowed in TABLE
    for persona in PERSONAS
]


@pytest.fixture
def world(db, source):
    owner = UserFactory(username="owner")
    people = {
        "anonymous": AnonymousUser(),
        "outsider": UserFactory(username="outsider"),
        "viewer": UserFactory(username="viewer"),
        "contributor": UserFactory(username="contributor"),
        "moderator": UserFactory(username="moderator"),
        "owner": owner,
        "staff": UserFactory(username="staff", is_staff=True),
    }
    debate = services.debate_create(title="Table", actor=owner, sources=[source])
    for role in ("viewer", "contributor", "moderator"):
        Membership.objects.create(user=people[role], debate=debate, role=role)
    published = Claim.Status.PUBLISHED
    issue = make_claim(debate=debate, kind="issue", text="Q?", author=owner, status=published)
    position = make_claim(
        debate=debate, kind="position", parent=issue, text="Yes", author=owner, status=published
    )

    def argument(author, status, text):
        return make_claim(
            debate=debate,
            kind="argument",
            parent=position,
            relation="supports",
            text=text,
            author=author,
            status=status,
        )

    rejected = argument(people["viewer"], Claim.Status.REJECTED, "Rejected")

    def under_cut(**cut):
        """A published argument by the contributor under a position then deleted or
        rejected (`cut`: the position's fields after the cut)."""
        cut_position = services.claim_create(
            debate=debate, kind="position", parent=issue, text="No", author=owner, status=published
        )
        below = services.claim_create(
            debate=debate,
            kind="argument",
            parent=cut_position,
            relation="supports",
            text="Below the cut",
            author=people["contributor"],
            status=published,
        )
        Claim.objects.filter(pk=cut_position.pk).update(**cut)
        return below

    targets = {
        "position": position,
        "own_argument": argument(people["contributor"], published, "Mine"),
        "viewer_arg": argument(people["viewer"], published, "The viewer's"),
        "pending": argument(people["viewer"], Claim.Status.PROPOSED, "Pending"),
        "rejected": rejected,
        "under_deleted": under_cut(deleted_at=timezone.now()),
        "under_rejected": under_cut(status=Claim.Status.REJECTED),
    }
    targets["evidence"] = make_evidence(
        claim=targets["own_argument"],
        passage=source.passages.first(),
        author=people["contributor"],
        status=Evidence.Status.PUBLISHED,
    )
    return debate, people, targets


@pytest.mark.parametrize("action,target,mode,visibility,persona,expected", CASES)
def test_role_action_table(world, action, target, mode, visibility, persona, expected):
    debate, people, targets = world
    Debate.objects.filter(pk=debate.pk).update(contribution_mode=mode, visibility=visibility)
    debate.refresh_from_db()
    assert policy.can(people[persona], action, debate, targets.get(target)) is expected


CONTRIBUTION = {
    # mode: {persona: status a new claim gets}
    "open": {
        "viewer": "published",
        "contributor": "published",
        **dict.fromkeys(MODERATORS, "published"),
    },
    "reviewed": {
        "viewer": "proposed",
        "contributor": "published",
        **dict.fromkeys(MODERATORS, "published"),
    },
    "closed": dict.fromkeys(MODERATORS, "published"),
}


@pytest.mark.parametrize("mode", ["open", "reviewed", "closed"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_contribution_status_by_mode(world, mode, persona):
    """What a new contribution becomes: published, proposed (reviewed mode), or refused."""
    debate, people, _ = world
    debate.contribution_mode = mode
    assert policy.contribution_status(people[persona], debate) == CONTRIBUTION[mode].get(persona)


def test_unknown_action_is_an_error_not_a_refusal(world):
    debate, people, _ = world
    with pytest.raises(ValueError, match="Unknown action"):
        policy.can(people["owner"], "teleport", debate)


def test_a_persons_role_is_read_once_per_request(world, django_assert_num_queries):
    debate, people, targets = world
    viewer = people["viewer"]
    with django_assert_num_queries(1):
        for action in ("view", "moderate", "restructure", "flag", "view_audit"):
            policy.can(viewer, action, debate)
        policy.can(viewer, "edit_claim", debate, targets["viewer_arg"])

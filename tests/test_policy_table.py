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
from debates.models import Annotation, Claim, Debate, Evidence, Membership, Source

from .factories import ARTICLE, UserFactory, annotate_quote, make_claim, make_evidence
from .factories import source_factory as make_source

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
    # ...and its author no longer edits it, withdraws it, or cites evidence for it.
    ("edit_claim", "under_deleted", "reviewed", "public", MODERATORS),
    ("edit_claim", "under_rejected", "open", "public", MODERATORS),
    ("delete_claim", "under_deleted", "reviewed", "public", MODERATORS),
    ("attach_evidence", "under_deleted", "open", "public", MODERATORS),
    ("attach_evidence", "under_rejected", "reviewed", "public", MODERATORS),
    # Only the moderators, who still see it, reply under it.
    ("add_claim", "under_deleted", "open", "public", MODERATORS),
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
    # A rejected claim goes back for review when its author edits it (while they contribute).
    ("resubmit_claim", "rejected", "reviewed", "public", {"viewer"}),
    ("resubmit_claim", "rejected", "closed", "public", set()),
    ("resubmit_claim", "pending", "reviewed", "public", set()),
    ("resubmit_claim", "under_rejected", "reviewed", "public", set()),
    ("delete_claim", "own_argument", "reviewed", "public", {"contributor", *MODERATORS}),
    ("delete_claim", "position", "reviewed", "public", {"owner", "moderator", "staff"}),
    # The map's shape, restoring and moderating are moderators'.
    ("restructure", None, "open", "public", MODERATORS),
    ("restructure", None, "reviewed", "public", MODERATORS),
    ("restore", None, "reviewed", "public", MODERATORS),
    # Redacting an old version's text from a claim's history (M3).
    ("redact_version", None, "reviewed", "public", MODERATORS),
    ("redact_version", None, "open", "private", MODERATORS),
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
    # Copying a map as a template (one copy per class, group or student): its keepers.
    ("copy", None, "reviewed", "public", MODERATORS),
    ("copy", None, "open", "private", MODERATORS),
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
        cut_position = make_claim(
            debate=debate, kind="position", parent=issue, text="No", author=owner, status=published
        )
        below = make_claim(
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
    # Where the claim stands is known, as it is for a map's nodes (see the next test).
    policy.on_live_paths([targets["viewer_arg"]])
    with django_assert_num_queries(1):
        for action in ("view", "moderate", "restructure", "flag", "view_audit"):
            policy.can(viewer, action, debate)
        policy.can(viewer, "edit_claim", debate, targets["viewer_arg"])


def test_where_claims_stand_is_read_once_per_debate(world, django_assert_num_queries):
    """A map asks about each of its nodes: the claims below a cut are read in one query
    (a recursive walk, whatever the depth), then every question is free."""
    debate, people, targets = world
    contributor = people["contributor"]
    policy.role_in(contributor, debate)
    with django_assert_num_queries(1):
        for _ in range(3):
            for name in ("own_argument", "under_deleted", "under_rejected", "position"):
                policy.can(contributor, "edit_claim", debate, targets[name])
                policy.can(contributor, "attach_evidence", debate, targets[name])
                policy.can(contributor, "add_claim", debate, targets[name])


def test_on_live_paths_walks_up_from_claims_of_any_depth_in_one_query(
    world, django_assert_num_queries
):
    debate, people, targets = world
    chain = [targets["under_deleted"]]
    for depth in range(12):
        chain.append(
            make_claim(
                debate=debate,
                kind="argument",
                parent=chain[-1],
                relation="opposes",
                text=f"Deeper {depth}",
                author=people["owner"],
                status=Claim.Status.PUBLISHED,
            )
        )
    live = [targets["own_argument"], targets["position"], targets["pending"]]
    with django_assert_num_queries(1):
        found = policy.on_live_paths([*chain, *live, targets["under_rejected"]])
    assert found == {c.pk for c in live}
    visible = Claim.objects.filter(debate=debate).filter(policy.live_paths_q())
    assert not {c.pk for c in chain} & set(visible.values_list("pk", flat=True))


# --- sources: who reads and who revises --------------------------------------------------

SOURCE_PERSONAS = ["anonymous", "outsider", "viewer", "moderator", "owner", "staff", "importer"]
GROUNDED = {"viewer", "moderator", "owner", "staff", "importer"}
KEEPERS = {"staff", "importer"}

# (action, source) -> who is allowed. Sources are built by `library` below:
#   public      a public source the debate is grounded in
#   private     a private source the debate is grounded in
#   unlisted    a private source no debate is grounded in
SOURCE_TABLE: list[tuple[str, str, set[str]]] = [
    ("view_source", "public", set(SOURCE_PERSONAS)),
    ("view_source", "private", GROUNDED),
    ("view_source", "unlisted", KEEPERS),
    # Revising rewrites the text under everyone's notes: the importer and staff only (H1);
    # owning or moderating a debate grounded in the source grants nothing.
    ("revise_source", "public", KEEPERS),
    ("revise_source", "private", KEEPERS),
    ("revise_source", "unlisted", KEEPERS),
    # Re-attaching an orphaned passage (no note of one's own) follows revising.
    ("reattach", "public", KEEPERS),
    ("reattach", "private", KEEPERS),
]

SOURCE_CHECKS = {
    "view_source": lambda user, source: policy.can_view_source(user, source),
    "revise_source": lambda user, source: policy.can_revise_source(user, source),
    "reattach": lambda user, source: policy.can_reattach(user, source.passages.first().anchor),
}


@pytest.fixture
def library(world):
    debate, people, _ = world
    people = {**people, "importer": UserFactory(username="importer")}
    sources = {
        "public": make_source(ARTICLE, created_by=people["importer"]),
        "private": make_source(
            ARTICLE, created_by=people["importer"], visibility=Source.Visibility.PRIVATE
        ),
        "unlisted": make_source(
            ARTICLE, created_by=people["importer"], visibility=Source.Visibility.PRIVATE
        ),
    }
    debate.sources.add(sources["public"], sources["private"])
    return people, sources


@pytest.mark.parametrize(
    "action,which,persona,expected",
    [
        pytest.param(action, which, persona, persona in allowed, id=f"{action}-{which}-{persona}")
        for action, which, allowed in SOURCE_TABLE
        for persona in SOURCE_PERSONAS
    ],
)
def test_source_table(library, action, which, persona, expected):
    people, sources = library
    user, source = people[persona], sources[which]
    assert SOURCE_CHECKS[action](user, source) is expected
    if action == "view_source":
        listed = Source.objects.filter(policy.visible_sources_q(user)).filter(pk=source.pk)
        assert listed.exists() is expected, "the filter and the one-source answer agree"


# --- replies of removed notes (M2) -------------------------------------------------------

# (action, root) -> who is allowed. A public note by the viewer, addressed to the debate's
# moderators' care (it names the debate), with a public reply by the contributor; then the
# note is left alone, hidden by a moderator, or deleted by its author.
REPLY_TABLE: list[tuple[str, str, set[str]]] = [
    ("view_reply", "live", EVERYONE),
    ("view_reply", "hidden", {"viewer", "moderator", "owner", "staff"}),
    ("view_reply", "deleted", {"moderator", "owner", "staff"}),
    ("reply_to_reply", "live", SIGNED_IN),
    ("reply_to_reply", "hidden", {"viewer", "moderator", "owner", "staff"}),
    ("reply_to_reply", "deleted", {"moderator", "owner", "staff"}),
]


@pytest.fixture
def thread(world, source):
    debate, people, _ = world

    def make(root_state: str) -> Annotation:
        root = annotate_quote(
            source, "Barges carried grain cheaply.", people["viewer"], body="Why?", debate=debate
        )
        reply = services.annotation_reply(actor=people["contributor"], parent=root, body="Tolls.")
        if root_state == "hidden":
            services.annotation_hide(actor=people["moderator"], annotation=root)
        elif root_state == "deleted":
            services.annotation_delete(actor=people["viewer"], annotation=root)
        return Annotation.objects.select_related("anchor__source", "parent__debate").get(
            pk=reply.pk
        )

    return make


@pytest.mark.parametrize(
    "action,root_state,persona,expected",
    [
        pytest.param(action, state, persona, persona in allowed, id=f"{action}-{state}-{persona}")
        for action, state, allowed in REPLY_TABLE
        for persona in PERSONAS
    ],
)
def test_reply_table(world, thread, action, root_state, persona, expected):
    _, people, _ = world
    user, reply = people[persona], thread(root_state)
    if action == "view_reply":
        assert policy.can_view_annotation(user, reply) is expected
        listed = Annotation.objects.filter(policy.visible_annotations_q(user)).filter(pk=reply.pk)
        assert listed.exists() is expected, "the filter and the one-note answer agree"
    else:
        allowed = policy.can_annotate(user) and policy.can_view_annotation(user, reply)
        assert allowed is expected


# --- history: which versions, and redacted texts (M3) ------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_unpublished_versions_are_read_by_the_author_and_moderators(world, persona):
    """The viewer's pending argument has one saved state, never published: its author and
    the moderators read it; a published state is read by everyone who sees the claim."""
    debate, people, targets = world
    user = people[persona]
    pending = targets["pending"]
    record = pending.history.get()
    assert policy.can_view_version(user, pending, debate, record) is (
        persona in {"viewer", *MODERATORS}
    )
    position = targets["position"]
    published = position.history.order_by("history_id").first()
    assert policy.can_view_version(user, position, debate, published) is True


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_redacted_text_is_read_by_staff_alone(world, persona):
    _, people, _ = world
    assert policy.can_read_redacted(people[persona]) is (persona == "staff")


def test_redaction_is_for_moderators_and_never_of_the_current_text(world):
    from django.core.exceptions import PermissionDenied, ValidationError

    from debates.selectors.history import claim_versions
    from debates.services.claims import claim_version_redact

    debate, people, targets = world
    claim = targets["own_argument"]
    first = claim.history.order_by("history_id").first()
    services.claim_edit(actor=people["moderator"], claim=claim, text="Mine, tidied", base_version=1)
    claim.refresh_from_db()
    with pytest.raises(PermissionDenied):
        claim_version_redact(
            actor=people["contributor"], claim=claim, history_id=first.history_id, reason="x"
        )
    current = claim.history.order_by("-history_id").first()
    with pytest.raises(ValidationError, match="current text"):
        claim_version_redact(
            actor=people["moderator"], claim=claim, history_id=current.history_id, reason="x"
        )
    claim_version_redact(
        actor=people["moderator"], claim=claim, history_id=first.history_id, reason="a name"
    )
    with pytest.raises(ValidationError, match="redacted"):
        services.claim_revert(
            actor=people["moderator"], claim=claim, history_id=first.history_id, base_version=2
        )
    for persona, reads in (("anonymous", False), ("moderator", False), ("staff", True)):
        oldest = claim_versions(claim=claim, viewer=people[persona])[-1]
        assert oldest.redacted and oldest.text_shown is reads, persona
        assert not oldest.can_restore and not oldest.can_redact

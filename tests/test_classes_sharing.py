"""Sharing maps with a class (issue 11, point 2): its members get the debate role the share
names and lose it when they leave or the share ends; a role someone held by hand is never
taken away; teachers moderate the shared maps; the new `reader` role reads and adds nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from classes import services
from classes.models import ClassGrant, MapShare
from debates import policy as debate_policy
from debates import services as debate_services
from debates.models import AuditEntry, Claim, Debate, Membership

from .factories import ClaimFactory, DebateFactory, UserFactory


@pytest.fixture
def cotea(db):
    return UserFactory(username="cotea")


@pytest.fixture
def klass(db, teacher, cotea, student):
    classroom = services.class_create(actor=teacher, name="7B History")
    services.class_join(actor=cotea, code=classroom.join_code)
    services.class_join(actor=student, code=classroom.join_code)
    services.class_member_role_set(
        actor=teacher, classroom=classroom, user=cotea, role="co_teacher"
    )
    return classroom


@pytest.fixture
def rivers(db, teacher, source):
    """A private, reviewed map with an issue and a position, like the demo's."""
    debate = DebateFactory(
        title="Rivers",
        slug="rivers-map",
        owner=teacher,
        visibility=Debate.Visibility.PRIVATE,
        contribution_mode=Debate.Mode.REVIEWED,
    )
    debate.sources.add(source)
    issue = ClaimFactory(debate=debate, kind="issue", text="Do rivers make towns rich?")
    ClaimFactory(debate=debate, kind="position", parent=issue, relation="answers", text="Yes.")
    return debate


def fresh(user):
    return type(user).objects.get(pk=user.pk)


def role(user, debate) -> str | None:
    return (
        Membership.objects.filter(user=user, debate=debate).values_list("role", flat=True).first()
    )


def position(debate) -> Claim:
    return debate.claims.get(kind="position")


def propose(user, debate) -> Claim:
    return debate_services.claim_add(
        actor=fresh(user), debate=debate, parent=position(debate), text="Trade.", stance="supports"
    )


# --- the roles a share grants ------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "expected", "status"),
    [
        ("read", "reader", None),
        ("propose", "viewer", Claim.Status.PROPOSED),
        ("contribute", "contributor", Claim.Status.PUBLISHED),
    ],
)
def test_students_get_the_role_the_share_names(klass, rivers, student, mode, expected, status):
    services.class_map_share(actor=klass.created_by, classroom=klass, debate=rivers, mode=mode)
    assert role(student, rivers) == expected
    person = fresh(student)
    assert debate_policy.can_view_debate(person, rivers)
    assert debate_policy.contribution_status(person, rivers) == status
    if status is None:
        with pytest.raises(PermissionDenied):
            propose(student, rivers)
    else:
        assert propose(student, rivers).status == status


def test_teachers_and_co_teachers_moderate_shared_maps(klass, rivers, teacher, cotea):
    services.class_map_share(actor=teacher, classroom=klass, debate=rivers, mode="read")
    assert role(cotea, rivers) == "moderator"
    assert debate_policy.can_moderate(fresh(cotea), rivers)
    assert role(teacher, rivers) == "owner"  # the owner's role is never touched
    assert not ClassGrant.objects.filter(user=teacher).exists()


def test_the_read_only_reader_role_reads_but_adds_nothing(klass, rivers, student):
    services.class_map_share(actor=klass.created_by, classroom=klass, debate=rivers, mode="read")
    person = fresh(student)
    pos = position(rivers)
    assert debate_policy.can(person, "view", rivers)
    assert debate_policy.can(person, "view_claim", rivers, pos)
    for action in ("add_claim", "attach_evidence"):
        assert not debate_policy.can(person, action, rivers, pos), action
    for mode in (Debate.Mode.OPEN, Debate.Mode.REVIEWED):
        rivers.contribution_mode = mode
        assert debate_policy.contribution_status(person, rivers) is None
    # ...and reads the map's sources.
    source = rivers.sources.get()
    assert debate_policy.can_view_source(fresh(student), source)


def test_members_who_join_later_get_the_role_at_once(klass, rivers):
    services.class_map_share(actor=klass.created_by, classroom=klass, debate=rivers, mode="propose")
    late = UserFactory(username="late")
    services.class_join(actor=late, code=klass.join_code)
    assert role(late, rivers) == "viewer"
    added = UserFactory(username="added")
    services.class_members_add(actor=klass.created_by, classroom=klass, entries="added")
    assert role(added, rivers) == "viewer"


def test_changing_the_mode_changes_the_roles(klass, rivers, teacher, student):
    services.class_map_share(actor=teacher, classroom=klass, debate=rivers, mode="propose")
    services.class_map_share(actor=teacher, classroom=klass, debate=rivers, mode="contribute")
    assert role(student, rivers) == "contributor"
    services.class_map_share(actor=teacher, classroom=klass, debate=rivers, mode="read")
    assert role(student, rivers) == "reader"
    with pytest.raises(ValidationError):  # the same again
        services.class_map_share(actor=teacher, classroom=klass, debate=rivers, mode="read")


# --- losing the role ---------------------------------------------------------------------


def test_leaving_or_being_removed_takes_the_role_away(klass, rivers, teacher, student):
    services.class_map_share(actor=teacher, classroom=klass, debate=rivers, mode="propose")
    services.class_member_remove(actor=teacher, classroom=klass, user=student)
    assert role(student, rivers) is None
    assert not debate_policy.can_view_debate(fresh(student), rivers)
    with pytest.raises(PermissionDenied):
        propose(student, rivers)
    other = UserFactory(username="other")
    services.class_join(actor=other, code=klass.join_code)
    services.class_leave(actor=other, classroom=klass)
    assert role(other, rivers) is None
    assert not ClassGrant.objects.filter(debate=rivers).exclude(user__username="cotea").exists()


def test_stopping_a_share_takes_the_roles_away(client, klass, rivers, teacher, student, cotea):
    share = services.class_map_share(actor=teacher, classroom=klass, debate=rivers, mode="propose")
    client.force_login(teacher)
    client.post(reverse("classes:unshare", args=[klass.pk, share.pk]))
    assert not MapShare.objects.exists()
    assert role(student, rivers) is None and role(cotea, rivers) is None
    assert not ClassGrant.objects.exists()


def test_a_co_teacher_made_student_again_stops_moderating(klass, rivers, teacher, cotea):
    services.class_map_share(actor=teacher, classroom=klass, debate=rivers, mode="read")
    services.class_member_role_set(actor=teacher, classroom=klass, user=cotea, role="student")
    assert role(cotea, rivers) == "reader"


def test_archiving_leaves_students_reading_and_bringing_back_restores(
    klass, rivers, teacher, student, cotea
):
    services.class_map_share(actor=teacher, classroom=klass, debate=rivers, mode="contribute")
    services.class_archive(actor=teacher, classroom=klass)
    assert role(student, rivers) == "reader" and role(cotea, rivers) == "moderator"
    services.class_unarchive(actor=teacher, classroom=klass)
    assert role(student, rivers) == "contributor"


# --- roles held by hand ------------------------------------------------------------------


def test_a_role_held_by_hand_is_never_taken_away(klass, rivers, teacher, student):
    debate_services.member_set(debate=rivers, actor=teacher, user=student, role="contributor")
    services.class_map_share(actor=teacher, classroom=klass, debate=rivers, mode="propose")
    assert role(student, rivers) == "contributor"  # already more than the share gives
    assert not ClassGrant.objects.filter(user=student).exists()
    services.class_leave(actor=student, classroom=klass)
    assert role(student, rivers) == "contributor"


def test_a_lower_role_held_by_hand_is_raised_then_given_back(klass, rivers, teacher, student):
    debate_services.member_set(debate=rivers, actor=teacher, user=student, role="reader")
    services.class_map_share(actor=teacher, classroom=klass, debate=rivers, mode="contribute")
    assert role(student, rivers) == "contributor"
    grant = ClassGrant.objects.get(user=student)
    assert (grant.role, grant.previous_role) == ("contributor", "reader")
    services.class_leave(actor=student, classroom=klass)
    assert role(student, rivers) == "reader"
    assert not ClassGrant.objects.filter(user=student).exists()


def test_a_granted_role_changed_by_hand_is_left_alone(klass, rivers, teacher, student):
    services.class_map_share(actor=teacher, classroom=klass, debate=rivers, mode="propose")
    debate_services.member_set(
        debate=rivers, actor=teacher, user=student, role="moderator", require_existing=True
    )
    services.class_leave(actor=student, classroom=klass)
    assert role(student, rivers) == "moderator"
    assert not ClassGrant.objects.filter(user=student).exists()


def test_a_map_shared_with_two_classes_keeps_the_role_of_the_other(klass, rivers, teacher, student):
    other = services.class_create(actor=teacher, name="7C History")
    services.class_join(actor=student, code=other.join_code)
    services.class_map_share(actor=teacher, classroom=klass, debate=rivers, mode="contribute")
    services.class_map_share(actor=teacher, classroom=other, debate=rivers, mode="read")
    assert role(student, rivers) == "contributor"  # the higher of the two
    services.class_leave(actor=student, classroom=klass)
    assert role(student, rivers) == "reader"  # what the other class gives
    services.class_leave(actor=student, classroom=other)
    assert role(student, rivers) is None


# --- who may share -----------------------------------------------------------------------


def test_only_a_teacher_who_manages_the_map_shares_it(klass, rivers, cotea, student):
    with pytest.raises(PermissionDenied):  # a co-teacher, but not the map's owner
        services.class_map_share(actor=cotea, classroom=klass, debate=rivers, mode="read")
    own = DebateFactory(owner=cotea, visibility=Debate.Visibility.PRIVATE)
    services.class_map_share(actor=cotea, classroom=klass, debate=own, mode="read")
    assert role(student, own) == "reader"
    with pytest.raises(PermissionDenied):
        services.class_map_share(actor=student, classroom=klass, debate=own, mode="contribute")


def test_the_share_form_offers_only_my_maps(client, klass, rivers, teacher):
    DebateFactory(title="Not mine", owner=UserFactory())
    client.force_login(teacher)
    html = client.get(klass.get_absolute_url()).content.decode()
    assert f'<option value="{rivers.pk}">Rivers</option>' in html
    assert "Not mine" not in html
    response = client.post(
        reverse("classes:share", args=[klass.pk]), {"debate": rivers.pk, "mode": "propose"}
    )
    assert response["Location"] == klass.get_absolute_url() + "#maps"
    bad = client.post(reverse("classes:share", args=[klass.pk]), {"debate": 0, "mode": "propose"})
    assert bad.status_code == 400


def test_grants_need_the_authority_of_a_manager_of_the_map(rivers, student, cotea):
    with pytest.raises(PermissionDenied):
        debate_services.member_grant(
            debate=rivers, actor=student, grantor=cotea, user=student, role="viewer", reason="x"
        )


def test_the_debate_s_audit_log_says_which_class_granted_what(klass, rivers, teacher, student):
    services.class_map_share(actor=teacher, classroom=klass, debate=rivers, mode="propose")
    services.class_leave(actor=student, classroom=klass)
    summaries = list(
        AuditEntry.objects.filter(debate=rivers).values_list("action", "summary").order_by("pk")
    )
    assert (
        "member_changed",
        "Student (student): added as viewer (class “7B History”)",
    ) in summaries
    assert (
        "member_removed",
        "Student (student): removed, who was viewer (left class “7B History”)",
    ) in summaries

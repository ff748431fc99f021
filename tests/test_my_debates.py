"""“My debates”: the debates a person owns, moderates or belongs to, with what waits for
them there; the header's Debates link and the home page lead to it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from debates import selectors, services
from debates.models import ClaimEdit, Debate, Flag, Membership, Notification

from .factories import ClaimFactory, DebateFactory, UserFactory, make_claim, make_evidence

MINE = reverse("debates:my_debates")


@pytest.fixture
def position(debate, teacher):
    issue = ClaimFactory(debate=debate, kind="issue", text="Do rivers make towns rich?")
    return ClaimFactory(
        debate=debate, kind="position", parent=issue, relation="answers", text="Yes, by trade."
    )


@pytest.fixture
def private(db, teacher, student):
    debate = DebateFactory(
        title="Staff room", slug="staff-room", owner=teacher, visibility=Debate.Visibility.PRIVATE
    )
    Membership.objects.create(user=student, debate=debate, role=Membership.Role.CONTRIBUTOR)
    return debate


def argument(debate, parent, author, text, status):
    return make_claim(
        debate=debate,
        kind="argument",
        parent=parent,
        relation="supports",
        text=text,
        author=author,
        status=status,
    )


def test_my_debates_needs_a_login(client):
    response = client.get(MINE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_lists_the_debates_i_own_moderate_or_belong_to_private_ones_included(
    client, debate, private, teacher, moderator, student, outsider
):
    stranger = DebateFactory(title="Someone else's", slug="elsewhere")
    client.force_login(student)
    html = client.get(MINE).content.decode()
    assert "Rivers" in html and "Staff room" in html
    assert stranger.title not in html  # public, but not theirs
    assert "Viewer" in html and "Contributor" in html  # their role in each
    client.force_login(moderator)
    html = client.get(MINE).content.decode()
    assert "Rivers" in html and "Staff room" not in html and "Moderator" in html
    client.force_login(outsider)
    html = client.get(MINE).content.decode()
    assert "You do not own or belong to any debate yet" in html
    roles = {row.debate.slug: row.role for row in selectors.my_debates(user=teacher)}
    assert roles == {"rivers": "owner", "staff-room": "owner"}


def test_each_debate_shows_my_pending_proposals_unread_notifications_and_rejections(
    client, debate, position, student, teacher, source
):
    waiting = argument(debate, position, student, "Barges were cheap.", "proposed")
    make_evidence(claim=waiting, passage=source.passages.first(), author=student, status="proposed")
    rejected = argument(debate, position, student, "Rivers are wet.", "proposed")
    services.claim_reject(claim=rejected, actor=teacher, reason="Says nothing about trade.")
    ClaimEdit.objects.create(claim=position, base_version=1, text="Yes, by trade!", author=student)
    client.force_login(student)
    html = client.get(MINE).content.decode()
    # The claim, its evidence and the edit wait; one claim was rejected.
    assert "<strong>3</strong> of your proposals waiting for review" in html
    assert "<strong>1</strong> of your claims rejected" in html
    assert "<strong>1</strong> unread notification" in html
    assert "Barges were cheap." in html and "Says nothing about trade." in html
    resubmit = reverse("debates:claim_resubmit", args=[debate.slug, rejected.pk])
    assert resubmit in html and "pill-status-rejected" in html
    assert "review queue" not in html  # a viewer moderates nothing


def test_moderators_see_the_size_of_each_queue(client, debate, position, student, moderator):
    argument(debate, position, student, "One", "proposed")
    argument(debate, position, student, "Two", "proposed")
    Flag.objects.create(claim=position, reason="unclear", created_by=student)
    client.force_login(moderator)
    html = client.get(MINE).content.decode()
    assert "<strong>3</strong> waiting in the review queue" in html
    assert reverse("debates:queue", args=[debate.slug]) in html
    (row,) = selectors.my_debates(user=moderator)
    assert row.moderates and row.queue == 3


def test_the_page_costs_the_same_queries_whatever_the_number_of_debates(
    client, debate, position, student, teacher
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(MINE).status_code == 200
        return len(ctx.captured_queries)

    def more_debates(count: int, start: int) -> None:
        for n in range(start, start + count):
            other = DebateFactory(slug=f"more-{n}", owner=teacher)
            Membership.objects.create(user=student, debate=other, role="viewer")
            issue = ClaimFactory(debate=other, text=f"Issue {n}?")
            for status in ("rejected", "proposed"):
                make_claim(
                    debate=other,
                    kind="position",
                    parent=issue,
                    relation="answers",
                    text=f"{status} {n}",
                    author=student,
                    status=status,
                )
            Notification.objects.create(
                recipient=student, verb="approved", debate=other, message="Hi"
            )

    client.force_login(student)
    more_debates(2, 0)
    few = queries()
    more_debates(12, 2)
    assert queries() == few
    assert len(selectors.my_debates(user=student)) == 15
    # And the selector alone: the debates, the claims listed, one walk up from them.
    with CaptureQueriesContext(connection) as ctx:
        selectors.my_debates(user=student)
    assert len(ctx.captured_queries) == 3


def test_home_shows_my_debates_to_a_signed_in_person_and_the_hero_to_others(
    client, debate, student
):
    html = client.get("/").content.decode()
    assert "Map the controversy, down to the sentence." in html
    assert "My debates" not in html
    client.force_login(student)
    html = client.get("/").content.decode()
    assert "Map the controversy, down to the sentence." not in html
    assert 'id="my-debate-' in html and "Rivers" in html
    assert "Public debates" in html  # the listing stays below


def test_the_headers_debates_link_leads_to_my_debates_when_signed_in(client, debate, student):
    home = reverse("debates:home")
    assert f'href="{home}#debates">Debates</a>' in client.get(home).content.decode()
    client.force_login(student)
    html = client.get(reverse("debates:sources")).content.decode()
    assert f'href="{MINE}">Debates</a>' in html


def test_a_person_with_no_role_yet_sees_how_to_start(client, db):
    client.force_login(UserFactory(username="newcomer"))
    html = client.get(MINE).content.decode()
    assert reverse("debates:debate_new") in html

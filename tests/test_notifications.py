"""Notifications: the page, reading them, emails, and the header's counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from debates import services
from debates.models import ClaimEdit, Notification
from debates.services import notifications

from .factories import ClaimFactory, DebateFactory, UserFactory, make_claim


@pytest.fixture
def position(debate, moderator):
    issue = ClaimFactory(debate=debate, kind="issue", text="Do rivers make towns rich?")
    return ClaimFactory(
        debate=debate,
        kind="position",
        parent=issue,
        relation="answers",
        text="Yes, through trade.",
        author=moderator,
    )


def propose(debate, position, student, text="Barges were cheap"):
    return make_claim(
        debate=debate,
        kind="argument",
        parent=position,
        relation="supports",
        text=text,
        author=student,
        status="proposed",
    )


def test_notifications_need_a_login(client):
    response = client.get(reverse("debates:notifications"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_notifications_page_lists_newest_first_with_unread_marked(
    client, debate, position, student, teacher
):
    first = propose(debate, position, student, "The first proposal")
    second = propose(debate, position, student, "The second proposal")
    services.claim_approve(claim=first, actor=teacher)
    services.claim_reject(claim=second, actor=teacher, reason="Repeats the first.")
    client.force_login(student)
    html = client.get(reverse("debates:notifications")).content.decode()
    assert html.index("The second proposal") < html.index("The first proposal")
    assert html.count("is-unread") == 2
    assert "Repeats the first." in html and "Mark all as read" in html


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(
    client, debate, position, student, teacher, outsider
):
    claim = propose(debate, position, student)
    services.claim_approve(claim=claim, actor=teacher)
    notification = Notification.objects.get(recipient=student)
    url = reverse("debates:notification_open", args=[notification.pk])
    client.force_login(outsider)
    assert client.post(url).status_code == 404  # not theirs
    client.force_login(student)
    assert client.get(url).status_code == 405  # reading changes state: POST only
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == claim.get_absolute_url()
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_all_read(client, debate, position, student, teacher):
    for n in range(3):
        services.claim_approve(claim=propose(debate, position, student, f"P{n}"), actor=teacher)
    other = UserFactory(username="other")
    notifications.notify(recipient=other, actor=teacher, verb="approved", message="Not yours")
    client.force_login(student)
    response = client.post(reverse("debates:notifications_read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=student, read_at__isnull=True).exists()
    assert Notification.objects.get(recipient=other).read_at is None


def test_each_notification_is_emailed_once_the_act_commits(
    debate, position, student, teacher, mailoutbox, django_capture_on_commit_callbacks
):
    claim = propose(debate, position, student)
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_approve(claim=claim, actor=teacher)
    # The student (approved) and the position's author, the moderator (answered).
    assert sorted(m.to[0] for m in mailoutbox) == ["moderator@example.org", "student@example.org"]
    approved = next(m for m in mailoutbox if m.to == ["student@example.org"])
    assert "approved" in approved.subject and claim.get_absolute_url() in approved.body


def test_no_notification_or_email_for_acting_on_your_own_contribution(
    debate, position, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    edit = ClaimEdit.objects.create(
        claim=position, base_version=1, text="Yes, through trade and tolls.", author=moderator
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_edit_approve(edit=edit, actor=moderator)
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_header_shows_unread_and_pending_counts(client, debate, position, student, moderator):
    propose(debate, position, student)
    notifications.notify(recipient=moderator, actor=student, verb="answered", message="Hello")
    client.force_login(moderator)
    html = client.get("/").content.decode()
    assert reverse("debates:queue_all") in html
    assert 'aria-label="Moderation, 1 waiting"' in html
    assert 'aria-label="Notifications, 1 unread"' in html
    client.force_login(student)
    html = client.get("/").content.decode()
    assert reverse("debates:queue_all") not in html  # a viewer moderates nothing
    assert reverse("debates:notifications") in html


def test_header_counts_cost_one_query_and_none_when_anonymous(client, debate, moderator):
    def count():
        # Not the home page: for a signed-in person it lists their debates with their
        # unread notifications (tests/test_my_debates.py counts that page's queries).
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("debates:sources"))
        return [q["sql"] for q in ctx.captured_queries]

    anonymous = count()
    assert not any("debates_notification" in sql for sql in anonymous)
    client.force_login(moderator)
    logged_in = count()
    header = [sql for sql in logged_in if "debates_notification" in sql]
    assert len(header) == 1
    for n in range(5):
        DebateFactory(owner=moderator, slug=f"more-{n}")
    assert len(count()) == len(logged_in)

"""The audit log page: who did what, to what, when and why; filters, pages and access."""

import pytest
from django.urls import reverse

from debates import services
from debates.models import AuditEntry, Debate, Membership
from debates.services import audit

from .factories import ClaimFactory, UserFactory


@pytest.fixture
def audit_url(debate):
    return reverse("debates:audit", args=[debate.slug])


@pytest.fixture
def rejected(debate, moderator, student):
    issue = ClaimFactory(debate=debate, kind="issue", text="Do rivers make towns rich?")
    claim = ClaimFactory(
        debate=debate,
        kind="position",
        parent=issue,
        relation="answers",
        text="Only when the harbour survives the floods",
        author=student,
        status="proposed",
    )
    services.claim_reject(claim=claim, actor=moderator, reason="Says nothing about trade.")
    return claim


def test_audit_log_shows_who_what_when_why_and_links_to_the_claim(
    client, debate, teacher, rejected, audit_url
):
    client.force_login(teacher)
    response = client.get(audit_url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Moderator" in html  # who
    assert "Rejected a claim" in html and "Only when the harbour" in html  # what
    assert "Says nothing about trade." in html  # why
    assert reverse("debates:claim", args=[debate.slug, rejected.pk]) in html
    assert "<time datetime=" in html  # when


def test_audit_log_access(client, debate, student, outsider, audit_url):
    assert client.get(audit_url).status_code == 302
    client.force_login(student)
    assert client.get(audit_url).status_code == 403
    contributor = UserFactory(username="contrib")
    Membership.objects.create(user=contributor, debate=debate, role="contributor")
    client.force_login(contributor)
    assert client.get(audit_url).status_code == 403
    debate.visibility = Debate.Visibility.PRIVATE
    debate.save()
    client.force_login(outsider)
    assert client.get(audit_url).status_code == 404
    client.force_login(UserFactory(username="staffer", is_staff=True))
    assert client.get(audit_url).status_code == 200


def test_audit_log_filters_by_action_and_person(
    client, debate, teacher, moderator, rejected, audit_url
):
    audit.record(
        debate=debate,
        actor=teacher,
        action=AuditEntry.Action.SETTINGS_CHANGED,
        summary="title: “Rivers” → “Rivers and towns”",
    )
    client.force_login(teacher)
    by_action = client.get(audit_url, {"action": "settings_changed"}).content.decode()
    assert "Rivers and towns" in by_action and "Only when the harbour" not in by_action
    by_person = client.get(audit_url, {"person": "moderator"}).content.decode()
    assert "Only when the harbour" in by_person and "Rivers and towns" not in by_person
    assert client.get(audit_url, {"action": "made_up"}).status_code == 400


def test_audit_log_has_pages_of_fifty_newest_first(client, debate, teacher, audit_url):
    for n in range(120):
        audit.record(
            debate=debate,
            actor=teacher,
            action=AuditEntry.Action.SETTINGS_CHANGED,
            summary=f"change number {n:03}",
        )
    client.force_login(teacher)
    first = client.get(audit_url).content.decode()
    assert "change number 119" in first and "change number 070" in first
    assert "change number 069" not in first
    assert "Page 1 of 3" in first
    third = client.get(audit_url, {"page": 3, "action": "settings_changed"}).content.decode()
    assert "change number 000" in third and "change number 020" not in third
    assert "page=2&amp;action=settings_changed" in third


def test_every_moderation_act_records_its_actor_and_reason(debate, moderator, rejected):
    entry = AuditEntry.objects.get()
    assert entry.actor == moderator
    assert entry.action == "claim_rejected"
    assert entry.claim == rejected
    assert entry.reason == "Says nothing about trade."
    assert entry.debate == debate

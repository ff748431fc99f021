"""Debate settings and members: only the owner (and staff) change them; every change is
logged."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from debates import services
from debates.models import AuditEntry, Debate, Membership

from .factories import UserFactory


@pytest.fixture
def settings_url(debate):
    return reverse("debates:debate_settings", args=[debate.slug])


def test_settings_access(client, debate, moderator, student, outsider, settings_url):
    assert client.get(settings_url).status_code == 302
    client.force_login(moderator)
    assert client.get(settings_url).status_code == 403
    client.force_login(student)
    assert client.post(settings_url, {"settings-title": "Mine now"}).status_code == 403
    debate.visibility = Debate.Visibility.PRIVATE
    debate.save()
    client.force_login(outsider)
    assert client.get(settings_url).status_code == 404
    client.force_login(UserFactory(username="staffer", is_staff=True))
    assert client.get(settings_url).status_code == 200
    debate.refresh_from_db()
    assert debate.title == "Rivers"


def test_owner_changes_settings_and_it_is_logged(client, debate, teacher, settings_url):
    client.force_login(teacher)
    html = client.get(settings_url).content.decode()
    assert 'name="settings-title"' in html and 'value="Rivers"' in html
    response = client.post(
        settings_url,
        {
            "settings-title": "Rivers and towns",
            "settings-description": "Why towns grow on rivers.",
            "settings-visibility": "unlisted",
            "settings-contribution_mode": "open",
        },
    )
    assert response.status_code == 302
    debate.refresh_from_db()
    assert debate.title == "Rivers and towns" and debate.contribution_mode == "open"
    assert debate.visibility == "unlisted"
    entry = AuditEntry.objects.get(action="settings_changed")
    assert entry.actor == teacher
    assert "“Rivers” → “Rivers and towns”" in entry.summary
    assert "reviewed" in entry.summary and "open" in entry.summary


def test_invalid_settings_are_a_400_in_the_page(client, debate, teacher, settings_url):
    client.force_login(teacher)
    response = client.post(
        settings_url,
        {"settings-title": "", "settings-visibility": "secret", "settings-contribution_mode": "x"},
    )
    assert response.status_code == 400
    assert "field-invalid" in response.content.decode()
    debate.refresh_from_db()
    assert debate.title == "Rivers"
    assert not AuditEntry.objects.exists()


def test_owner_adds_changes_and_removes_members(client, debate, teacher, student):
    newcomer = UserFactory(username="newcomer")
    client.force_login(teacher)
    add = reverse("debates:member_add", args=[debate.slug])
    response = client.post(add, {"member-username": "newcomer", "member-role": "contributor"})
    assert response.status_code == 302
    assert Membership.objects.get(debate=debate, user=newcomer).role == "contributor"
    role = reverse("debates:member_role", args=[debate.slug, student.pk])
    client.post(role, {"role": "moderator"})
    assert Membership.objects.get(debate=debate, user=student).role == "moderator"
    remove = reverse("debates:member_remove", args=[debate.slug, newcomer.pk])
    client.post(remove)
    assert not Membership.objects.filter(debate=debate, user=newcomer).exists()
    summaries = list(AuditEntry.objects.order_by("pk").values_list("action", "summary"))
    assert summaries[0] == ("member_changed", "added Newcomer (newcomer) as contributor")
    assert summaries[1] == ("member_changed", "Student (student): viewer → moderator")
    assert summaries[2] == ("member_removed", "Newcomer (newcomer), who was contributor")


def test_unknown_username_is_a_form_error(client, debate, teacher):
    client.force_login(teacher)
    add = reverse("debates:member_add", args=[debate.slug])
    response = client.post(add, {"member-username": "nobody-here", "member-role": "viewer"})
    assert response.status_code == 400
    assert "Nobody on Crux has the username “nobody-here”" in response.content.decode()
    htmx = client.post(
        add, {"member-username": "nobody-here", "member-role": "viewer"}, HTTP_HX_REQUEST="true"
    )
    assert htmx.status_code == 400
    assert 'id="members"' in htmx.content.decode() and "<html" not in htmx.content.decode()


def test_owner_row_is_fixed(client, debate, teacher):
    client.force_login(teacher)
    html = client.get(reverse("debates:debate_settings", args=[debate.slug])).content.decode()
    assert "The owner's role is fixed." in html
    with pytest.raises(ValidationError, match="owner"):
        services.member_set(debate=debate, actor=teacher, user=teacher, role="viewer")
    remove = reverse("debates:member_remove", args=[debate.slug, teacher.pk])
    client.post(remove)
    assert Membership.objects.filter(debate=debate, user=teacher, role="owner").exists()
    add = reverse("debates:member_add", args=[debate.slug])
    response = client.post(add, {"member-username": "student", "member-role": "owner"})
    assert response.status_code == 400  # "owner" is not a role one can give


def test_members_change_with_htmx_returns_the_members_fragment(client, debate, teacher, student):
    client.force_login(teacher)
    role = reverse("debates:member_role", args=[debate.slug, student.pk])
    response = client.post(role, {"role": "contributor"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="members"' in html and "Student is now contributor." in html


def test_a_moderator_cannot_manage_members(debate, moderator, student):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.member_set(debate=debate, actor=moderator, user=student, role="moderator")
    with pytest.raises(PermissionDenied):
        services.debate_update(debate=debate, actor=moderator, title="Taken over")

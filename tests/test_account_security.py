"""Account security (issue 9): login lockout, confirmed email changes, unique addresses,
sign-up that does not reveal who has an account, the idle timeout, names that imitate."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.db import IntegrityError, transaction
from django.test import AsyncClient
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.middleware import LAST_SEEN

User = get_user_model()
PASSWORD = "pass-word-123"  # tests/factories.py


def log_in(client, username, password, url=None, **extra):
    return client.post(
        url or reverse("login"), {"username": username, "password": password}, **extra
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- lockout ------------------------------------------------------------------------------


def test_sixty_wrong_passwords_then_the_right_one_does_not_log_in(client, student, settings):
    answers = [log_in(client, "student", f"wrong-{n}").status_code for n in range(60)]
    # The limit's own failure is the first refused with the lockout page.
    limit = settings.AXES_FAILURE_LIMIT
    assert answers[: limit - 1] == [200] * (limit - 1)
    assert set(answers[limit - 1 :]) == {429}
    response = log_in(client, "student", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    assert response["Retry-After"] == str(settings.CRUX_LOGIN_COOLOFF_MINUTES * 60)
    html = response.content.decode()
    assert "Too many login attempts" in html
    assert f"for {settings.CRUX_LOGIN_COOLOFF_MINUTES} minutes" in html


def test_the_lock_lifts_when_the_cool_off_is_over(client, student, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "student", f"wrong-{n}")
    assert log_in(client, "student", PASSWORD).status_code == 429
    # Time travel: every recorded failure is now older than the cool-off.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    )
    response = log_in(client, "student", PASSWORD)
    assert response.status_code == 302 and logged_in(client)


def test_the_lock_is_for_one_username_from_one_address(client, student, teacher, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "student", f"wrong-{n}")
    assert log_in(client, "student", PASSWORD).status_code == 429
    # Someone else from the same address, and the same person from elsewhere, still may.
    assert log_in(client, "teacher", PASSWORD).status_code == 302
    client.logout()
    assert log_in(client, "student", PASSWORD, REMOTE_ADDR="203.0.113.9").status_code == 302


def test_a_good_login_forgets_earlier_failures(client, student, settings):
    for round_ in range(3):
        for n in range(settings.AXES_FAILURE_LIMIT - 1):
            assert log_in(client, "student", f"wrong-{round_}-{n}").status_code == 200
        assert log_in(client, "student", PASSWORD).status_code == 302
        client.logout()


def test_the_lockout_page_under_asgi(student, settings):
    # Crux is served by uvicorn; axes' middleware runs its async path there.
    client = AsyncClient()
    post = async_to_sync(client.post)
    for n in range(settings.AXES_FAILURE_LIMIT):
        post(reverse("login"), {"username": "student", "password": f"wrong-{n}"})
    response = post(reverse("login"), {"username": "student", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many login attempts" in response.content.decode()
    assert response["Retry-After"]


def test_the_admin_login_is_locked_too(client, db, settings):
    User.objects.create_superuser("root", "root@example.org", "root-pass-word-1")
    admin_login = reverse("admin:login")
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "root", f"wrong-{n}", url=admin_login)
    response = log_in(client, "root", "root-pass-word-1", url=admin_login)
    assert response.status_code == 429
    assert not logged_in(client)
    assert client.get(reverse("admin:index")).status_code == 302  # to the login page


def test_the_test_client_still_logs_in_with_the_lockout_on(client, student, settings):
    assert settings.AXES_ENABLED
    assert client.login(username="student", password=PASSWORD)


# --- passwords ----------------------------------------------------------------------------


def test_passwords_need_twelve_characters(student):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("kettle-drum", student)  # 11
    validate_password("kettle-drums", student)


# --- email addresses ----------------------------------------------------------------------


def test_addresses_are_unique_whatever_their_case(student):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("copycat", "STUDENT@Example.org", "x")
    # Several accounts may have no address at all.
    User.objects.create_user("nomail1", "", "x")
    User.objects.create_user("nomail2", "", "x")


def test_the_profile_form_no_longer_changes_the_address(client, student):
    client.force_login(student)
    client.post(
        reverse("accounts:profile_edit"),
        {"display_name": "Stu", "email": "new@example.org", "bio": ""},
    )
    student.refresh_from_db()
    assert student.email == "student@example.org"


def same_page(html: str, address: str) -> str:
    """A page with its CSRF tokens (masked anew each time) and the given address blanked."""
    html = re.sub(r'(csrf[^"]*": "|value=")[\w-]{30,}', "", html)
    return html.replace(address, "X") if address else html


def email_change(client, new_email, password=PASSWORD):
    return client.post(
        reverse("accounts:email_change"), {"new_email": new_email, "password": password}
    )


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/\S+/)", message.body).group(1)


def test_changing_the_address_needs_the_password(client, student):
    client.force_login(student)
    response = email_change(client, "new@example.org", password="not-my-password")
    assert response.status_code == 200
    assert "Your password is not right." in response.content.decode()
    assert mail.outbox == []


def test_changing_the_address_is_confirmed_from_the_new_address(
    client, student, django_capture_on_commit_callbacks
):
    client.force_login(student)
    response = email_change(client, "Stu.New@Example.org")
    assert response["Location"] == reverse("accounts:profile_edit")
    assert [message.to for message in mail.outbox] == [["Stu.New@example.org"]]
    student.refresh_from_db()
    assert student.email == "student@example.org"  # nothing changes before the link
    link = link_in(mail.outbox[0])

    page = client.get(link)
    assert page.status_code == 200 and "Stu.New@example.org" in page.content.decode()
    student.refresh_from_db()
    assert student.email == "student@example.org"  # opening the link only asks

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link)
    assert response["Location"] == reverse("accounts:profile_edit")
    student.refresh_from_db()
    assert student.email == "Stu.New@example.org"
    # The old address is told.
    assert mail.outbox[-1].to == ["student@example.org"]
    assert "Stu.New@example.org" in mail.outbox[-1].body
    # The link works once.
    assert client.post(link).status_code == 400


def test_an_address_change_link_is_its_requesters_only(client, student, outsider):
    client.force_login(student)
    email_change(client, "new@example.org")
    link = link_in(mail.outbox[0])
    client.force_login(outsider)
    assert client.get(link).status_code == 400
    assert client.post(link).status_code == 400
    client.logout()
    assert client.post(link).status_code == 302  # to the login page
    outsider.refresh_from_db()
    student.refresh_from_db()
    assert (student.email, outsider.email) == ("student@example.org", "outsider@example.org")


def test_an_address_change_link_expires(client, student, monkeypatch):
    client.force_login(student)
    two_days_ago = int(time.time()) - 2 * 24 * 3600
    monkeypatch.setattr(
        signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(two_days_ago)
    )
    email_change(client, "new@example.org")
    monkeypatch.undo()
    response = client.post(link_in(mail.outbox[0]))
    assert response.status_code == 400
    assert "expired" in response.content.decode()


def test_asking_for_a_taken_address_tells_nothing_but_the_owner(client, student, outsider):
    client.force_login(student)
    free = email_change(client, "free@example.org")
    free_page = client.get(free["Location"]).content.decode()
    taken = email_change(client, "OUTSIDER@example.org")
    taken_page = client.get(taken["Location"]).content.decode()
    assert free.status_code == taken.status_code == 302
    assert same_page(free_page, "free@example.org") == same_page(taken_page, "OUTSIDER@example.org")
    # The new address got a link; the taken one's owner only a notice, without any link.
    assert [message.to for message in mail.outbox] == [
        ["free@example.org"],
        ["outsider@example.org"],
    ]
    assert "/accounts/email/confirm/" not in mail.outbox[1].body


# --- signing up without revealing who has an account --------------------------------------


def sign_up(client, username, email, display_name=""):
    return client.post(
        reverse("accounts:signup"),
        {
            "username": username,
            "display_name": display_name,
            "email": email,
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )


def test_sign_up_with_a_taken_address_answers_as_for_a_new_one(
    client, student, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new = sign_up(client, "newcomer", "newcomer@example.org")
        taken = sign_up(client, "intruder", "Student@EXAMPLE.org")
    assert new.status_code == taken.status_code == 302
    assert new["Location"] == taken["Location"]
    new_page = client.get(new["Location"]).content.decode()
    assert same_page(new_page, "") == same_page(client.get(taken["Location"]).content.decode(), "")
    assert not User.objects.filter(username="intruder").exists()
    # The owner is told, with no link that would make an account.
    assert [message.to for message in mail.outbox] == [
        ["newcomer@example.org"],
        ["student@example.org"],
    ]
    assert "/signup/confirm/" not in mail.outbox[1].body
    assert "student" in mail.outbox[1].body


def test_a_lapsed_sign_up_frees_its_address(client, db, django_capture_on_commit_callbacks):
    sign_up(client, "squatter", "victim@example.org")
    User.objects.filter(username="squatter").update(
        date_joined=timezone.now() - services.SIGNUP_LINK_MAX_AGE - timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, "victim", "victim@example.org")
    assert not User.objects.filter(username="squatter").exists()
    assert User.objects.get(username="victim").email == "victim@example.org"
    assert "/signup/confirm/" in mail.outbox[-1].body


def test_a_sign_up_link_expires(client, db, monkeypatch, django_capture_on_commit_callbacks):
    four_days_ago = int(time.time()) - 4 * 24 * 3600
    monkeypatch.setattr(
        signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(four_days_ago)
    )
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, "late", "late@example.org")
    monkeypatch.undo()
    assert client.post(link_in(mail.outbox[0])).status_code == 400
    assert not User.objects.get(username="late").is_active


# --- display names ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["teacher", "TEACHER", "Tea_cher", "t.e.a.c.h.e.r", "ms teacher"])
def test_a_display_name_may_not_imitate_another_person(client, teacher, student, name):
    client.force_login(student)
    response = client.post(reverse("accounts:profile_edit"), {"display_name": name, "bio": ""})
    assert response.status_code == 200
    assert "too close to another person" in response.content.decode()
    student.refresh_from_db()
    assert student.display_name != name


def test_a_display_name_may_be_ones_own_username(client, teacher, student):
    client.force_login(student)
    response = client.post(
        reverse("accounts:profile_edit"), {"display_name": "S_tudent", "bio": ""}
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.display_name == "S_tudent"


def test_sign_up_refuses_an_imitating_display_name(client, teacher):
    response = sign_up(client, "newcomer", "newcomer@example.org", display_name="Ms. Teacher")
    assert response.status_code == 200
    assert "too close to another person" in response.content.decode()


# --- idle sessions ------------------------------------------------------------------------


def age_session(client, seconds):
    session = client.session
    session[LAST_SEEN] = int(time.time()) - seconds
    session.save()


def test_an_idle_session_is_logged_out(client, student, settings):
    settings.CRUX_SESSION_IDLE_MINUTES = 120
    client.force_login(student)
    client.get(reverse("accounts:profile_edit"))
    age_session(client, 60 * 60)  # an hour: still signed in
    assert client.get(reverse("accounts:profile_edit")).status_code == 200
    age_session(client, 121 * 60)
    response = client.get(reverse("accounts:profile_edit"), follow=True)
    assert not response.context["user"].is_authenticated
    assert "logged out after 120 minutes without activity" in response.content.decode()


def test_activity_keeps_the_session(client, student, settings):
    settings.CRUX_SESSION_IDLE_MINUTES = 120
    client.force_login(student)
    age_session(client, 119 * 60)
    client.get(reverse("accounts:profile_edit"))
    assert client.session[LAST_SEEN] >= int(time.time()) - 5


def test_live_map_updates_do_not_count_as_activity(client, student, debate, settings):
    settings.CRUX_SESSION_IDLE_MINUTES = 120
    client.force_login(student)
    age_session(client, 119 * 60)
    before = client.session[LAST_SEEN]
    client.get(reverse("debates:map_refresh", args=[debate.slug]))
    assert client.session[LAST_SEEN] == before

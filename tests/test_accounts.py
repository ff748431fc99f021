"""Sign up, log in and out, password change and reset, profiles."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts import services

User = get_user_model()


def test_the_user_model_is_crux_own():
    assert User._meta.label == "accounts.User"


def test_sign_up_confirms_the_address_then_logs_the_new_person_in(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:signup"),
            {
                "username": "ada",
                "display_name": "Ada L.",
                "email": "ada@example.org",
                "password1": "a-long-pass-phrase",
                "password2": "a-long-pass-phrase",
            },
        )
    assert response["Location"] == reverse("accounts:signup_sent")
    assert not User.objects.get(username="ada").is_active
    assert not client.login(username="ada", password="a-long-pass-phrase")
    assert [message.to for message in mail.outbox] == [["ada@example.org"]]
    assert mail.outbox[0].subject == "Confirm your Crux account"
    link = re.search(r"https?://[^/\s]+(/accounts/signup/confirm/\S+/)", mail.outbox[0].body)
    # Opening the link only asks, so a mail scanner following it confirms nothing.
    response = client.get(link.group(1))
    assert response.status_code == 200 and "Confirm and log in" in response.content.decode()
    assert not User.objects.get(username="ada").is_active
    response = client.post(link.group(1), follow=True)
    assert response.context["user"].username == "ada"
    assert "Welcome to Crux, Ada L." in response.content.decode()
    client.logout()
    assert client.post(link.group(1)).status_code == 400  # used
    assert client.login(username="ada", password="a-long-pass-phrase")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password2": "something-else-entirely"}, "The two password fields didn’t match."),
        ({"password1": "123", "password2": "123"}, "This password is too short."),
        (
            {"password1": "eleven-char", "password2": "eleven-char"},
            "It must contain at least 12 characters.",
        ),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"username": "taken"}, "A user with that username already exists."),
        ({"display_name": "TAKEN"}, "too close to another person"),
    ],
)
def test_sign_up_shows_clear_errors(client, db, changes, message):
    User.objects.create_user("taken", "taken@example.org", "x-pass-word-1")
    data = {
        "username": "ada",
        "display_name": "",
        "email": "ada@example.org",
        "password1": "a-long-pass-phrase",
        "password2": "a-long-pass-phrase",
    } | changes
    response = client.post(reverse("accounts:signup"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(username="ada").exists()


def test_log_in_and_out(client, student):
    response = client.post(
        reverse("login"), {"username": "student", "password": "pass-word-123"}, follow=True
    )
    assert response.context["user"] == student
    response = client.post(reverse("logout"), follow=True)
    assert not response.context["user"].is_authenticated


def test_wrong_password_is_a_form_error(client, student):
    response = client.post(reverse("login"), {"username": "student", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_password_change(client, student):
    client.force_login(student)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "pass-word-123",
            "new_password1": "brand-new-phrase-9",
            "new_password2": "brand-new-phrase-9",
        },
    )
    assert response["Location"] == reverse("accounts:password_change_done")
    student.refresh_from_db()
    assert student.check_password("brand-new-phrase-9")


def test_password_reset_by_email(client, student):
    response = client.post(reverse("accounts:password_reset"), {"email": student.email})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Reset your Crux password"
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    response = client.get(link.group(1), follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "reset-phrase-77", "new_password2": "reset-phrase-77"}
    )
    assert response["Location"] == reverse("accounts:password_reset_complete")
    student.refresh_from_db()
    assert student.check_password("reset-phrase-77")


def test_profile_shows_display_name_and_can_be_edited(client, student):
    client.force_login(student)
    response = client.post(
        reverse("accounts:profile_edit"),
        {"display_name": "Stu D.", "email": "ignored@example.org", "bio": "Learning."},
    )
    assert response["Location"] == reverse("accounts:profile", args=["student"])
    html = client.get(response["Location"]).content.decode()
    assert "Stu D." in html and "Learning." in html


def test_profile_edit_needs_login(client, db):
    response = client.get(reverse("accounts:profile_edit"))
    assert response.status_code == 302


def test_a_refused_profile_edit_does_not_show_the_unsaved_name(client, student):
    client.force_login(student)
    response = client.post(
        reverse("accounts:profile_edit"),
        {"display_name": "Unsaved Name", "bio": "x" * 1001},
    )
    assert response.status_code == 200
    assert "Ensure this value has at most 1000 characters" in response.content.decode()
    assert response.context["user"].display_name != "Unsaved Name"
    student.refresh_from_db()
    assert student.display_name != "Unsaved Name"


def test_sign_up_service_checks_what_the_form_checks(db, django_capture_on_commit_callbacks):
    User.objects.create_user("taken", "taken@example.org", "x-pass-word-1")
    # A taken address makes no account and tells only its owner, by email.
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            services.user_signup(
                username="ada", email="Taken@example.org", password="long-phrase-9"
            )
            is None
        )
    assert [message.to for message in mail.outbox] == [["taken@example.org"]]
    assert not User.objects.filter(username="ada").exists()
    with pytest.raises(ValidationError, match="too short"):
        services.user_signup(username="ada", email="ada@example.org", password="123")
    with pytest.raises(ValidationError, match="username already exists"):
        services.user_signup(username="taken", email="ada@example.org", password="long-phrase-9")
    ada = services.user_signup(
        username="ada", email="ada@example.org", password="long-phrase-9", display_name=" Ada "
    )
    assert ada.check_password("long-phrase-9") and ada.public_name == "Ada"
    assert not ada.is_active  # until the emailed link is followed
    with pytest.raises(ValidationError, match="too close"):
        services.user_signup(
            username="bob", email="bob@example.org", password="long-phrase-9", display_name="T.aken"
        )


def test_profile_update_is_the_actors_own(student):
    with pytest.raises(PermissionDenied):
        services.profile_update(actor=AnonymousUser(), display_name="X", bio="")
    with pytest.raises(ValidationError):
        services.profile_update(actor=student, display_name="x" * 81, bio="")
    services.profile_update(actor=student, display_name="Stu", bio="Hi")
    student.refresh_from_db()
    assert (student.display_name, student.email, student.bio) == (
        "Stu",
        "student@example.org",
        "Hi",
    )

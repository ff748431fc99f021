"""The only code that writes people's accounts: signing up, confirming an address, editing
a profile.

Keyword-only, like `debates.services`: each validates (ValidationError) and writes in one
transaction. The forms check shapes for the page; these check again, so a command or an
API that calls them gets the same rules.

Email addresses are proved by a signed, expiring link (`django.core.signing`, one salt per
purpose) sent to the address: a new account stays inactive until its link is followed, and a
changed address is applied only from the link sent to it. Neither path tells anyone other
than the address's owner whether it already has an account.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import User, name_imitates_another

log = logging.getLogger(__name__)

PROFILE_FIELDS = ("display_name", "bio")

SIGNUP_SALT = "accounts.signup-confirm"
EMAIL_CHANGE_SALT = "accounts.email-change"
# How long the links work. A sign-up not confirmed in time lapses: its username and address
# may then be taken by a new sign-up.
SIGNUP_LINK_MAX_AGE = timedelta(days=3)
EMAIL_CHANGE_LINK_MAX_AGE = timedelta(days=1)

IMITATION_MESSAGE = (
    "This name is too close to another person's username or display name; choose another."
)
BAD_LINK_MESSAGE = "This link is invalid, has expired or has already been used."


# --- rules shared by the services --------------------------------------------------------


def _normal_email(email: str) -> str:
    email = User.objects.normalize_email((email or "").strip())
    if email:
        validate_email(email)
    return email


def _owner_of(email: str, *, exclude_pk: int | None = None) -> User | None:
    owners = User.objects.filter(email__iexact=email)
    return (owners if exclude_pk is None else owners.exclude(pk=exclude_pk)).first()


def _lapsed_signup(user: User) -> bool:
    """An account whose sign-up was never confirmed and whose link has expired."""
    return (
        not user.is_active
        and user.last_login is None
        and user.date_joined < timezone.now() - SIGNUP_LINK_MAX_AGE
    )


def _check_display_name(name: str, *, user_pk: int | None = None) -> None:
    if name and name_imitates_another(name, user_pk=user_pk):
        raise ValidationError({"display_name": IMITATION_MESSAGE}, code="imitation")


def _link(path: str) -> str:
    return getattr(settings, "CRUX_SITE_URL", "").rstrip("/") + path


def _mail(*, to: str, template: str, context: dict) -> None:
    """One email from templates/accounts/email/<template>.txt (first line: the subject)."""
    subject, _, body = render_to_string(f"accounts/email/{template}.txt", context).partition("\n")
    try:
        send_mail(
            subject=subject.strip(), message=body.lstrip(), from_email=None, recipient_list=[to]
        )
    except Exception:  # a mail server being down must not turn the page into an error
        log.exception("Could not send the %s email", template)


def _mail_on_commit(*, to: str, template: str, context: dict) -> None:
    transaction.on_commit(lambda: _mail(to=to, template=template, context=context))


def _address_digest(email: str) -> str:
    return salted_hmac(EMAIL_CHANGE_SALT, email.lower()).hexdigest()[:20]


# --- signing up --------------------------------------------------------------------------


@transaction.atomic
def user_signup(*, username: str, email: str, password: str, display_name: str = "") -> User | None:
    """A new account, inactive until the link emailed to its address is followed.

    Nobody acts for it: the person does not exist until it is made. When the address
    already belongs to an account, no account is made and None is returned: that account's
    owner is emailed instead, so the page can answer exactly as for a new address and
    nobody learns from it which addresses have accounts.
    """
    email = _normal_email(email)
    if not email:
        raise ValidationError("An email address is needed, to confirm the account.")
    display_name = (display_name or "").strip()
    user = User(username=username, email=email, display_name=display_name, is_active=False)
    # The address is checked last, so every other answer is the same whoever owns it.
    user.full_clean(exclude=["password"], validate_constraints=False)
    password_validation.validate_password(password, user)
    _check_display_name(display_name)
    owner = _owner_of(email)
    if owner is not None and _lapsed_signup(owner):
        try:
            with transaction.atomic():
                owner.delete()  # never confirmed, so nothing can have been written by it
            owner = None
        except ProtectedError:  # made inactive by hand, with content: it keeps the address
            pass
    if owner is not None:
        _tell_owner_of_signup_attempt(owner)
        return None
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()  # which tells the password validators, as Django's own forms do
    except IntegrityError:  # a sign-up a moment ago took the username or the address
        owner = _owner_of(email)
        if owner is None:
            raise ValidationError(
                {"username": "A user with that username already exists."}, code="unique"
            ) from None
        _tell_owner_of_signup_attempt(owner)
        return None
    token = signing.dumps({"u": user.pk, "e": user.email}, salt=SIGNUP_SALT)
    _mail_on_commit(
        to=user.email,
        template="signup_confirm",
        context={
            "user": user,
            "link": _link(reverse("accounts:signup_confirm", args=[token])),
            "days": SIGNUP_LINK_MAX_AGE.days,
        },
    )
    return user


def _tell_owner_of_signup_attempt(owner: User) -> None:
    pending = not owner.is_active and owner.last_login is None
    _mail_on_commit(
        to=owner.email,
        template="signup_existing",
        context={
            "user": owner,
            "pending": pending,
            "lapses": owner.date_joined + SIGNUP_LINK_MAX_AGE,
            "login": _link(reverse("login")),
            "reset": _link(reverse("accounts:password_reset")),
        },
    )


def signup_account(*, actor, token: str) -> User:
    """The account a sign-up link confirms (ValidationError if the link is bad, expired or
    used). A read, for the page that asks to confirm; `actor` as for `signup_confirm`."""
    try:
        data = signing.loads(token, salt=SIGNUP_SALT, max_age=SIGNUP_LINK_MAX_AGE)
        user = User.objects.get(pk=data["u"], email=data["e"])
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError):
        raise ValidationError(BAD_LINK_MESSAGE, code="bad_link") from None
    if user.is_active or user.last_login is not None:
        raise ValidationError(BAD_LINK_MESSAGE, code="bad_link")
    return user


@transaction.atomic
def signup_confirm(*, actor, token: str) -> User:
    """Activate the account a sign-up link names. The link is the authority, as for a
    password reset: `actor` is whoever follows it, signed in or not."""
    user = signup_account(actor=actor, token=token)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        raise ValidationError(BAD_LINK_MESSAGE, code="bad_link")
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


# --- the profile and the address ---------------------------------------------------------


def _signed_in(actor) -> None:
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied("Log in to change your account.")


@transaction.atomic
def profile_update(*, actor, display_name: str, bio: str) -> User:
    """The actor's own name as shown and bio. The email address has its own, confirmed,
    path: `email_change_request`."""
    _signed_in(actor)
    user = User.objects.select_for_update().get(pk=actor.pk)
    display_name = (display_name or "").strip()
    if display_name != user.display_name:  # an old clash does not block editing the bio
        _check_display_name(display_name, user_pk=user.pk)
    user.display_name = display_name
    user.bio = bio or ""
    user.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
    user.save(update_fields=list(PROFILE_FIELDS))
    return user


def email_change_request(*, actor, new_email: str, password: str) -> str:
    """Email a confirmation link to `new_email`; nothing changes until it is followed.

    Needs the actor's password. If the address already belongs to another account, its
    owner is told instead and no link is sent; the caller cannot tell which happened (it
    gets the normalised address back either way).
    """
    _signed_in(actor)
    user = User.objects.get(pk=actor.pk)
    if not user.check_password(password or ""):
        raise ValidationError({"password": "Your password is not right."}, code="password")
    new_email = _normal_email(new_email)
    if not new_email:
        raise ValidationError({"new_email": "Enter the new email address."}, code="required")
    if new_email.lower() == user.email.lower():
        raise ValidationError({"new_email": "That is already your address."}, code="same")
    owner = _owner_of(new_email, exclude_pk=user.pk)
    if owner is not None:
        _mail(
            to=owner.email,
            template="email_change_existing",
            context={"user": owner, "reset": _link(reverse("accounts:password_reset"))},
        )
        return new_email
    token = signing.dumps(
        {"u": user.pk, "o": _address_digest(user.email), "n": new_email}, salt=EMAIL_CHANGE_SALT
    )
    _mail(
        to=new_email,
        template="email_change_confirm",
        context={
            "user": user,
            "new_email": new_email,
            "link": _link(reverse("accounts:email_change_confirm", args=[token])),
            "hours": int(EMAIL_CHANGE_LINK_MAX_AGE.total_seconds() // 3600),
        },
    )
    return new_email


def email_change_address(*, actor, token: str) -> str:
    """The address an email-change link would give the actor (ValidationError if the link
    is bad, expired, used or someone else's). A read, for the page that asks to confirm."""
    _signed_in(actor)
    return _email_change_address(user=User.objects.get(pk=actor.pk), token=token)


def _email_change_address(*, user: User, token: str) -> str:
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_LINK_MAX_AGE)
        ok = data["u"] == user.pk and data["o"] == _address_digest(user.email)
        new_email = str(data["n"])
    except (signing.BadSignature, KeyError, TypeError):
        ok = False
    if not ok:  # another person's link, or the address has changed since (used)
        raise ValidationError(BAD_LINK_MESSAGE, code="bad_link")
    return new_email


@transaction.atomic
def email_change_confirm(*, actor, token: str) -> User:
    """Apply the address a link sent by `email_change_request` carries. Only the person who
    asked, signed in, may: the link proves the mailbox, the session the account. The old
    address is told."""
    _signed_in(actor)
    user = User.objects.select_for_update().get(pk=actor.pk)
    new_email = _email_change_address(user=user, token=token)
    if _owner_of(new_email, exclude_pk=user.pk) is not None:
        raise ValidationError("This address now belongs to another account.", code="email_taken")
    old_email = user.email
    user.email = new_email
    try:
        with transaction.atomic():
            user.save(update_fields=["email"])
    except IntegrityError:  # taken a moment ago
        raise ValidationError(
            "This address now belongs to another account.", code="email_taken"
        ) from None
    if old_email:
        _mail_on_commit(
            to=old_email,
            template="email_changed",
            context={"user": user, "old_email": old_email, "new_email": new_email},
        )
    return user


def api_token(*, actor) -> str:
    """The signed-in person's REST API token (`Authorization: Token <key>`), made the first
    time it is asked for and the same afterwards."""
    _signed_in(actor)
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=actor)
    return token.key

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from debates.selectors import claims_by_author

from . import services
from .forms import EmailChangeForm, ProfileForm, SignUpForm
from .models import User

# Where to go once a new account is confirmed (a class's join link, say), kept in the
# session of the browser that signed up.
AFTER_SIGNUP = "crux_after_signup"


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    after = _safe_next(request)
    if request.user.is_authenticated:
        return redirect(after or "debates:home")
    form = SignUpForm(request.POST) if request.method == "POST" else SignUpForm()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # None when the address already has an account: its owner is emailed, and this
            # page answers exactly as for a new address.
            services.user_signup(
                username=data["username"],
                email=data["email"],
                password=data["password1"],
                display_name=data["display_name"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            if after:
                request.session[AFTER_SIGNUP] = after
            return redirect("accounts:signup_sent")
    return render(request, "accounts/signup.html", {"form": form, "next": after})


def signup_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signup_sent.html", {"days": services.SIGNUP_LINK_MAX_AGE.days})


@require_http_methods(["GET", "POST"])
def signup_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (so a mail scanner opening the link confirms nothing); POST confirms and
    logs the new person in."""
    try:
        if request.method == "POST":
            user = services.signup_confirm(actor=request.user, token=token)
        else:
            user = services.signup_account(actor=request.user, token=token)
    except ValidationError as error:
        return render(
            request, "accounts/signup_confirm.html", {"error": error.messages[0]}, status=400
        )
    if request.method == "GET":
        return render(request, "accounts/signup_confirm.html", {"person": user})
    after = request.session.pop(AFTER_SIGNUP, "")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, f"Welcome to Crux, {user.public_name}.")
    if after and url_has_allowed_host_and_scheme(after, allowed_hosts={request.get_host()}):
        return redirect(after)
    return redirect("debates:home")


def profile(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(User, username=username, is_active=True)
    claims = claims_by_author(author=person, viewer=request.user)[:20]
    return render(request, "accounts/profile.html", {"person": person, "claims": claims})


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    # Bound to a copy, so a refused change does not show up as the signed-in person's name.
    instance = User.objects.get(pk=request.user.pk) if request.method == "POST" else request.user
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(
                actor=request.user,
                **{name: form.cleaned_data[name] for name in services.PROFILE_FIELDS},
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("accounts:profile", username=request.user.username)
    return render(request, "accounts/profile_edit.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def email_change(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = EmailChangeForm(data, request=request)
    if request.method == "POST" and form.is_valid():
        try:
            new_email = services.email_change_request(
                actor=request.user,
                new_email=form.cleaned_data["new_email"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            hours = int(services.EMAIL_CHANGE_LINK_MAX_AGE.total_seconds() // 3600)
            messages.success(
                request,
                f"We have sent a link to {new_email}. Open it within {hours} hours, logged in "
                f"as now, to make it your address; until then it stays {request.user.email}.",
            )
            return redirect("accounts:profile_edit")
    return render(request, "accounts/email_change.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def email_change_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks, showing the new address; POST applies it."""
    try:
        if request.method == "POST":
            user = services.email_change_confirm(actor=request.user, token=token)
        else:
            new_email = services.email_change_address(actor=request.user, token=token)
    except ValidationError as error:
        return render(
            request,
            "accounts/email_change_confirm.html",
            {"error": error.messages[0]},
            status=400,
        )
    if request.method == "GET":
        return render(request, "accounts/email_change_confirm.html", {"new_email": new_email})
    messages.success(request, f"Your email address is now {user.email}.")
    return redirect("accounts:profile_edit")

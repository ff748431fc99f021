from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from debates.selectors import claims_by_author

from . import services
from .forms import ProfileForm, SignUpForm
from .models import User


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("debates:home")
    form = SignUpForm(request.POST) if request.method == "POST" else SignUpForm()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_signup(
                username=data["username"],
                email=data["email"],
                password=data["password1"],
                display_name=data["display_name"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to Crux, {user.public_name}.")
            return redirect("debates:home")
    return render(request, "accounts/signup.html", {"form": form})


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

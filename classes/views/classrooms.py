"""“My classes”, creating a class, a class's page and settings, archiving, leaving."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from debates.errors import DOMAIN_ERRORS

from .. import policy, selectors, services
from ..forms import ClassForm, JoinForm, ShareForm, ShareModeForm
from ..models import Classroom
from ._common import act, class_for, form_errors, require_teacher


def permissions(user, classroom: Classroom) -> dict[str, bool]:
    """What the person may do in the class, for the templates (asked of the policy once)."""
    return {
        name: policy.can(user, name, classroom)
        for name in (
            "teach",
            "manage_roster",
            "manage_teachers",
            "archive",
            "share_maps",
            "set_assignments",
            "leave",
        )
    }


@login_required
@require_GET
def my_classes(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "classes/mine.html",
        {"mine": selectors.my_classes(user=request.user), "join_form": JoinForm()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def class_new(request: HttpRequest) -> HttpResponse:
    form = ClassForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            classroom = services.class_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except DOMAIN_ERRORS as error:
            form_errors(form, error)
        else:
            messages.success(
                request,
                f"“{classroom.name}” is created. Give your students its join code, "
                f"{classroom.display_code}, or its link.",
            )
            return redirect(classroom)
    return render(request, "classes/new.html", {"form": form}, status=400 if form.errors else 200)


def _join_url(request: HttpRequest, classroom: Classroom) -> str:
    return request.build_absolute_uri(classroom.join_path())


@login_required
@require_GET
def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return class_page(request, class_for(request, pk))


def class_page(
    request: HttpRequest, classroom: Classroom, *, share_form=None, status: int = 200
) -> HttpResponse:
    """The class's page: its maps, readings and assignments; for teachers also the join
    code, link and QR code, and the form to share a map (`share_form`: one with errors)."""
    page = selectors.class_page(user=request.user, classroom=classroom)
    can = permissions(request.user, classroom)
    context = {
        "classroom": classroom,
        "page": page,
        "can": can,
        "join_url": _join_url(request, classroom) if can["teach"] else "",
        "share_form": share_form or ShareForm(maps=page.shareable),
        "modes": ShareModeForm.base_fields["mode"].choices,
        # Groups and their copies (templates/classes/_copies.html).
        "copies": selectors.class_copies(user=request.user, classroom=classroom),
        "my_group": selectors.my_group(user=request.user, classroom=classroom),
    }
    return render(request, "classes/detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def class_settings(request: HttpRequest, pk: int) -> HttpResponse:
    """Name and description; archiving (and bringing back) at the end of term."""
    classroom = class_for(request, pk)
    require_teacher(request, classroom)
    initial = {"name": classroom.name, "description": classroom.description}
    form = ClassForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.class_update(
                actor=request.user,
                classroom=classroom,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except DOMAIN_ERRORS as error:
            form_errors(form, error)
        else:
            messages.success(request, "The class is saved.")
            return redirect(classroom)
    return render(
        request,
        "classes/settings.html",
        {"classroom": classroom, "form": form, "can": permissions(request.user, classroom)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def class_archive(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = class_for(request, pk)
    return act(
        request,
        lambda: services.class_archive(actor=request.user, classroom=classroom),
        done=f"“{classroom.name}” is archived: read-only, and nobody can join it.",
        back=classroom.get_absolute_url(),
    )


@login_required
@require_POST
def class_unarchive(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = class_for(request, pk)
    return act(
        request,
        lambda: services.class_unarchive(actor=request.user, classroom=classroom),
        done=f"“{classroom.name}” is back from the archive.",
        back=classroom.get_absolute_url(),
    )


@login_required
@require_POST
def class_leave(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = class_for(request, pk)
    return act(
        request,
        lambda: services.class_leave(actor=request.user, classroom=classroom),
        done=f"You have left “{classroom.name}”.",
        back=classroom.get_absolute_url(),
        after=reverse("classes:mine"),
    )

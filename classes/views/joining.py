"""Joining a class: the code form, the join link (with login or sign-up on the way), and
for teachers the code, the link's QR code, a new code, joining on or off."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from debates.errors import DOMAIN_ERRORS

from .. import policy, selectors, services
from ..forms import JoinForm
from ..models import ClassMember, normal_join_code
from ..qr import join_qr
from ._common import act, class_for, form_errors, require_teacher


def _joined(request: HttpRequest, result) -> HttpResponse:
    classroom = result.member.classroom
    if result.joined:
        messages.success(request, f"Welcome to “{classroom.name}”.")
    else:
        messages.success(request, f"You are in “{classroom.name}” already.")
    return redirect(classroom)


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """Type the code. Someone not logged in is sent to the code's link, which offers to log
    in or sign up and come back."""
    form = JoinForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if not request.user.is_authenticated and normal_join_code(code):
            return redirect("classes:join_link", code=normal_join_code(code))
        try:
            result = services.class_join(actor=request.user, code=code)
        except DOMAIN_ERRORS as error:
            form_errors(form, error)
        else:
            return _joined(request, result)
    return render(request, "classes/join.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def join_link(request: HttpRequest, code: str) -> HttpResponse:
    """The link a teacher hands out. GET asks (a link preview or a mail scanner joins
    nobody); POST joins. Closed, archived and unknown codes all answer 404 alike."""
    classroom = selectors.class_by_code(code=code)
    user = request.user
    if classroom is not None and policy.role_in_class(user, classroom) is not None:
        return redirect(classroom)
    if classroom is None or classroom.archived or not classroom.joining_open:
        return render(request, "classes/join_closed.html", status=404)
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect(f"{reverse('login')}?{urlencode({'next': request.path})}")
        try:
            result = services.class_join(
                actor=user, code=classroom.join_code, via=ClassMember.Via.LINK
            )
        except DOMAIN_ERRORS as error:
            form = JoinForm(initial={"code": classroom.display_code})
            form_errors(form, error)
            return render(request, "classes/join.html", {"form": form}, status=400)
        return _joined(request, result)
    return render(request, "classes/join_link.html", {"classroom": classroom})


@login_required
@require_GET
def qr_code(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The join link as a QR code, for a slide or a printed sheet: SVG, or PNG with
    ?download."""
    classroom = class_for(request, pk)
    require_teacher(request, classroom)
    url = request.build_absolute_uri(classroom.join_path())
    content, content_type = join_qr(url, kind=fmt, title=f"Join {classroom.name}")
    response = HttpResponse(content, content_type=content_type)
    # The code can change at any moment: never serve an old picture of it.
    response["Cache-Control"] = "private, no-store"
    if "download" in request.GET:
        name = f"join-{classroom.display_code}.{fmt}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def code_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = class_for(request, pk)
    return act(
        request,
        lambda: services.class_code_regenerate(actor=request.user, classroom=classroom),
        done="The class has a new join code and link; the old ones no longer work.",
        back=classroom.get_absolute_url() + "#joining",
    )


@login_required
@require_POST
def joining_set(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = class_for(request, pk)
    joining_open = request.POST.get("open") == "1"
    return act(
        request,
        lambda: services.class_joining_set(
            actor=request.user, classroom=classroom, joining_open=joining_open
        ),
        done="Joining is open: the code and the link work."
        if joining_open
        else "Joining is closed: the code and the link no longer let anyone in.",
        back=classroom.get_absolute_url() + "#joining",
    )

"""A class's groups, for teachers: made by hand or at random, students moved between them,
deleted; and copies of a template map given to the class, each group or each student."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from debates.errors import DOMAIN_ERRORS

from .. import policy, selectors, services
from ..forms import CopiesForm, GroupForm, GroupMoveForm, RandomGroupsForm
from ..models import ClassGroup, Classroom, GroupCopy
from ._common import act, class_for, form_errors, require_teacher
from .classrooms import permissions


def _url(classroom: Classroom, anchor: str = "") -> str:
    return reverse("classes:groups", args=[classroom.pk]) + (f"#{anchor}" if anchor else "")


def _page(
    request: HttpRequest, classroom: Classroom, *, status: int = 200, **forms
) -> HttpResponse:
    page = selectors.groups_page(user=request.user, classroom=classroom)
    can = permissions(request.user, classroom)
    can["manage_groups"] = policy.can_manage_groups(request.user, classroom)
    groups = [row.group for row in page.groups]
    context = {
        "classroom": classroom,
        "page": page,
        "can": can,
        "group_form": forms.get("group_form") or GroupForm(students=page.students),
        "random_form": forms.get("random_form") or RandomGroupsForm(),
        "move_form": forms.get("move_form") or GroupMoveForm(students=page.students, groups=groups),
        "copies_form": forms.get("copies_form") or CopiesForm(templates=page.templates),
    }
    return render(request, "classes/groups.html", context, status=status)


def _teacher_class(request: HttpRequest, pk: int) -> Classroom:
    classroom = class_for(request, pk)
    require_teacher(request, classroom)
    return classroom


@login_required
@require_GET
def groups(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _teacher_class(request, pk))


@login_required
@require_POST
def group_new(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = _teacher_class(request, pk)
    page = selectors.groups_page(user=request.user, classroom=classroom)
    form = GroupForm(request.POST, students=page.students)
    if form.is_valid():
        chosen = set(form.cleaned_data["students"])
        try:
            group = services.group_create(
                actor=request.user,
                classroom=classroom,
                name=form.cleaned_data["name"],
                students=[u for u in page.students if u.pk in chosen],
            )
        except DOMAIN_ERRORS as error:
            form_errors(form, error)
        else:
            messages.success(request, f"“{group.name}” is made.")
            return redirect(_url(classroom, f"group-{group.pk}"))
    return _page(request, classroom, status=400, group_form=form)


@login_required
@require_POST
def groups_random(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = _teacher_class(request, pk)
    form = RandomGroupsForm(request.POST)
    if form.is_valid():
        number = form.cleaned_data["number"]
        by = {"count": number} if form.cleaned_data["how"] == "count" else {"size": number}
        try:
            made = services.groups_make_random(actor=request.user, classroom=classroom, **by)
        except DOMAIN_ERRORS as error:
            form_errors(form, error)
        else:
            messages.success(request, f"The students are in {len(made)} new groups, at random.")
            return redirect(_url(classroom, "groups"))
    return _page(request, classroom, status=400, random_form=form)


@login_required
@require_POST
def group_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a student in a group (out of their old one), or out of every group."""
    classroom = _teacher_class(request, pk)
    page = selectors.groups_page(user=request.user, classroom=classroom)
    groups = {row.group.pk: row for row in page.groups}
    form = GroupMoveForm(
        request.POST, students=page.students, groups=[row.group for row in page.groups]
    )
    if form.is_valid():
        student = next(u for u in page.students if u.pk == form.cleaned_data["student"])
        target = form.cleaned_data["group"]
        try:
            if target is not None:
                services.group_member_add(
                    actor=request.user,
                    classroom=classroom,
                    group=groups[target].group,
                    user=student,
                )
                done = f"{student.public_name} is in “{groups[target].group.name}”."
            else:
                current = next((r for r in page.groups if student in r.students), None)
                if current is None:
                    form.add_error(None, f"{student.public_name} is in no group.")
                    return _page(request, classroom, status=400, move_form=form)
                services.group_member_remove(
                    actor=request.user, classroom=classroom, group=current.group, user=student
                )
                done = f"{student.public_name} is in no group now."
        except DOMAIN_ERRORS as error:
            form_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(_url(classroom, "groups"))
    return _page(request, classroom, status=400, move_form=form)


@login_required
@require_POST
def group_delete(request: HttpRequest, pk: int, group_id: int) -> HttpResponse:
    classroom = _teacher_class(request, pk)
    # Another class's group is 404.
    group = get_object_or_404(ClassGroup, pk=group_id, classroom=classroom)
    return act(
        request,
        lambda: services.group_delete(actor=request.user, classroom=classroom, group=group),
        done=f"“{group.name}” is deleted; its students are in no group.",
        back=_url(classroom, "groups"),
    )


@login_required
@require_POST
def copies_give(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = _teacher_class(request, pk)
    templates = selectors.copy_templates(user=request.user, classroom=classroom)
    form = CopiesForm(request.POST, templates=templates)
    if form.is_valid():
        template = next(d for d in templates if d.pk == form.cleaned_data["template"])
        try:
            made = services.class_copies_give(
                actor=request.user,
                classroom=classroom,
                template=template,
                copy_for=form.cleaned_data["copy_for"],
                mode=form.cleaned_data["mode"],
            )
        except DOMAIN_ERRORS as error:
            form_errors(form, error)
        else:
            whom = GroupCopy.For(form.cleaned_data["copy_for"]).label
            messages.success(
                request,
                f"{len(made)} private cop{'ies' if len(made) != 1 else 'y'} of "
                f"“{template.title}” given to {whom}.",
            )
            return redirect(_url(classroom, "copies"))
    return _page(request, classroom, status=400, copies_form=form)

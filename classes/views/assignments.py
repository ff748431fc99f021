"""Assignments: setting and changing one (teachers), and its page (everyone in the class:
students see their own tasks and progress, teachers every student's)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from debates.errors import DOMAIN_ERRORS

from .. import policy, selectors, services
from ..forms import AssignmentForm, assignment_initial
from ..models import Assignment, Classroom
from ..selectors import grading
from ._common import class_for, form_errors


def _assignment(request: HttpRequest, classroom: Classroom, pk: int) -> Assignment:
    assignment = selectors.assignment_for(user=request.user, classroom=classroom, pk=pk)
    if assignment is None:
        raise Http404("No such assignment.")
    assignment.classroom = classroom
    return assignment


def _edit(request: HttpRequest, classroom: Classroom, assignment: Assignment | None):
    if not policy.can_set_assignments(request.user, classroom):
        raise PermissionDenied("Only the class's teachers set work, and not in an archived class.")
    maps, readings = selectors.task_choices(classroom=classroom)
    initial = (
        assignment_initial(assignment, list(assignment.tasks.all()))
        if assignment
        else {"published": True}
    )
    form = AssignmentForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        maps=maps,
        readings=readings,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            name: data[name]
            for name in (
                "title",
                "instructions",
                "due_at",
                "late_until",
                "see_after_post",
                "anonymous",
                "published",
            )
        }
        fields["rubric"] = form.rubric()
        try:
            specs = form.task_specs()
            if assignment is None:
                saved = services.assignment_create(
                    actor=request.user, classroom=classroom, tasks=specs, **fields
                )
            else:
                saved = services.assignment_update(
                    actor=request.user, assignment=assignment, tasks=specs, **fields
                )
        except DOMAIN_ERRORS as error:
            form_errors(form, error)
        else:
            messages.success(request, f"“{saved.title}” is saved.")
            return redirect(saved)
    return render(
        request,
        "classes/assignment_form.html",
        {"classroom": classroom, "assignment": assignment, "form": form, "maps": maps},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, class_for(request, pk), None)


@login_required
@require_http_methods(["GET", "POST"])
def assignment_edit(request: HttpRequest, pk: int, assignment_id: int) -> HttpResponse:
    classroom = class_for(request, pk)
    return _edit(request, classroom, _assignment(request, classroom, assignment_id))


@login_required
@require_GET
def assignment_detail(request: HttpRequest, pk: int, assignment_id: int) -> HttpResponse:
    classroom = class_for(request, pk)
    assignment = _assignment(request, classroom, assignment_id)
    page = selectors.assignment_page(user=request.user, assignment=assignment)
    return render(
        request,
        "classes/assignment.html",
        {
            "classroom": classroom,
            "page": page,
            "can_edit": policy.can_set_assignments(request.user, classroom),
            "grades": grading.grading_table(user=request.user, assignment=assignment, page=page),
            "can_grade": policy.can_grade(request.user, classroom),
            "my_grade": None
            if page.teaches
            else grading.my_grade(user=request.user, assignment=assignment),
        },
    )

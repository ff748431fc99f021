"""Assignments: setting, changing and deleting one (teachers), and its page (everyone in
the class: students see their own tasks and progress, teachers every student's)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from debates.errors import DOMAIN_ERRORS, form_status, messages_of

from .. import policy, selectors, services
from ..forms import AssignmentForm, assignment_initial, task_rows_in, without_task_row
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
    sent = request.POST if request.method == "POST" else None
    # "Add another task" and "Remove" (buttons of the form, with or without htmx) show the
    # form again with one row more or less; nothing is saved.
    rearranging = sent is not None and ("add_task" in sent or "remove_task" in sent)
    rows = None
    if sent is not None and "remove_task" in sent:
        gone = sent["remove_task"]
        sent = without_task_row(sent, int(gone) if gone.isdigit() else 0)
    elif sent is not None and "add_task" in sent:
        rows = task_rows_in(sent) + 1
        sent = sent.copy()
        sent.setdefault(f"task{rows}_count", "1")  # the new row starts at one, as a new form
    form = AssignmentForm(sent, initial=initial, maps=maps, readings=readings, rows=rows)
    if rearranging:
        form.redisplay()
    elif sent is not None and form.is_valid():
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
            "can_delete": policy.can_delete_assignment(request.user, classroom),
            "grades": grading.grading_table(user=request.user, assignment=assignment, page=page),
            "can_grade": policy.can_grade(request.user, classroom),
            "my_grade": None
            if page.teaches
            else grading.my_grade(user=request.user, assignment=assignment),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment_delete(request: HttpRequest, pk: int, assignment_id: int) -> HttpResponse:
    """GET: what deleting the assignment takes with it (its tasks, the class's progress
    table, draft and released grades, comments), and the confirmation form. POST: delete
    it; when grades were released the form must say so (`force`), else the service
    refuses and the page says why."""
    classroom = class_for(request, pk)
    assignment = _assignment(request, classroom, assignment_id)
    if not policy.can_delete_assignment(request.user, classroom):
        raise PermissionDenied(
            "Only the class's teachers delete assignments, and not in an archived class."
        )
    errors: list[str] = []
    reason = ""
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        try:
            services.assignment_delete(
                actor=request.user,
                assignment=assignment,
                reason=reason,
                force=request.POST.get("force") == "1",
            )
        except DOMAIN_ERRORS as error:
            if form_status(error) is None:
                raise
            errors = messages_of(error)
        else:
            messages.success(request, f"“{assignment.title}” is deleted.")
            return redirect(classroom)
    page = selectors.assignment_page(user=request.user, assignment=assignment)
    return render(
        request,
        "classes/assignment_delete.html",
        {
            "classroom": classroom,
            "page": page,
            "loss": selectors.assignment_loss(assignment),
            "started": sum(1 for row in page.students if row.started),
            "errors": errors,
            "reason": reason,
        },
        status=400 if errors else 200,
    )

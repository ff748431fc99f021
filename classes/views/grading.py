"""Grading an assignment, for the class's teachers: a student's grade (score and comment),
private comments on their contributions, and releasing grades. Anyone else gets 404 from
these pages (a grade is nobody else's business); students see their own grade on the
assignment page once released."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from .. import policy, services
from ..forms import FeedbackForm, GradeForm
from ..selectors import grading as selectors
from ._common import act, class_for
from .assignments import _assignment


def _teacher_only(request: HttpRequest, pk: int, assignment_id: int):
    classroom = class_for(request, pk)
    if not policy.can_teach(request.user, classroom):
        raise Http404("No such page.")
    return classroom, _assignment(request, classroom, assignment_id)


def _student(user_id: int):
    return get_object_or_404(get_user_model(), pk=user_id)


def _page(classroom, assignment, user_id: int) -> str:
    return reverse("classes:grading_student", args=[classroom.pk, assignment.pk, user_id])


def _invalid(request: HttpRequest, form, back: str) -> HttpResponse:
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))
    return redirect(back)


@login_required
@require_GET
def grading_student(request: HttpRequest, pk: int, assignment_id: int, user_id: int):
    classroom, assignment = _teacher_only(request, pk, assignment_id)
    page = selectors.student_grading(user=request.user, assignment=assignment, student_id=user_id)
    if page is None:
        raise Http404("No such student in this class.")
    grade = page.grade
    form = GradeForm(
        initial={"score": grade.score if grade else None, "comment": grade.comment if grade else ""}
    )
    return render(
        request,
        "classes/grading_student.html",
        {
            "classroom": classroom,
            "assignment": assignment,
            "page": page,
            "form": form,
            "can_grade": policy.can_grade(request.user, classroom),
        },
    )


@login_required
@require_POST
def grade_save(request: HttpRequest, pk: int, assignment_id: int, user_id: int):
    classroom, assignment = _teacher_only(request, pk, assignment_id)
    student = _student(user_id)
    back = (
        _page(classroom, assignment, user_id)
        if request.POST.get("back") == "student"
        else assignment.get_absolute_url() + "#grading"
    )
    form = GradeForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, back)
    return act(
        request,
        lambda: services.grade_set(
            actor=request.user,
            assignment=assignment,
            student=student,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
        ),
        done=f"{student.public_name}'s grade is saved (not shown to them until released).",
        back=back,
    )


@login_required
@require_POST
def feedback_new(request: HttpRequest, pk: int, assignment_id: int, user_id: int):
    classroom, assignment = _teacher_only(request, pk, assignment_id)
    student = _student(user_id)
    back = _page(classroom, assignment, user_id)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return _invalid(request, form, back)
    data = form.cleaned_data
    return act(
        request,
        lambda: services.feedback_add(
            actor=request.user,
            assignment=assignment,
            student=student,
            kind=data["kind"],
            object_id=data["object_id"],
            comment=data["comment"],
            points=data["points"],
        ),
        done="Your comment is saved (the student sees it once their grade is released).",
        back=back,
    )


@login_required
@require_POST
def grades_release(request: HttpRequest, pk: int, assignment_id: int):
    classroom, assignment = _teacher_only(request, pk, assignment_id)
    back = assignment.get_absolute_url() + "#grading"
    students = None
    if request.POST.get("student"):
        try:
            students = [_student(int(request.POST["student"]))]
        except ValueError:
            raise Http404("No such student.") from None
    return act(
        request,
        lambda: services.grades_release(
            actor=request.user, assignment=assignment, students=students
        ),
        done="Released: each student concerned sees their grade and your comments now.",
        back=back,
    )

"""A class's report, for its teachers and co-teachers: participation, each student's work
with a list behind every number, coverage of the readings, a chart, and a CSV export.
Students get 403; outsiders, former members and other classes' people get 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..models import Assignment, Classroom
from ..selectors import report as reports
from ._common import class_for, require_teacher
from .classrooms import permissions


def _report(request: HttpRequest, pk: int) -> tuple[Classroom, reports.Report]:
    classroom = class_for(request, pk)
    require_teacher(request, classroom)
    assignment = None
    wanted = request.GET.get("assignment", "")
    if wanted:
        if not wanted.isdigit():
            raise Http404("No such assignment.")
        assignment = Assignment.objects.filter(classroom=classroom, pk=int(wanted)).first()
        if assignment is None:
            raise Http404("No such assignment.")
    return classroom, reports.class_report(classroom=classroom, assignment=assignment)


def _context(request: HttpRequest, classroom: Classroom, report: reports.Report) -> dict:
    return {
        "classroom": classroom,
        "report": report,
        "can": permissions(request.user, classroom),
        "kinds": reports.KINDS,
        "query": f"?assignment={report.assignment.pk}" if report.assignment else "",
    }


@login_required
@require_GET
def report(request: HttpRequest, pk: int) -> HttpResponse:
    classroom, data = _report(request, pk)
    return render(request, "classes/report.html", _context(request, classroom, data))


@login_required
@require_GET
def report_items(request: HttpRequest, pk: int, user_id: int, kind: str) -> HttpResponse:
    classroom, data = _report(request, pk)
    found = reports.student_items(report=data, user_id=user_id, kind=kind)
    if found is None:
        raise Http404("No such student or list.")
    row, items = found
    context = _context(request, classroom, data)
    context.update(row=row, items=items, kind=kind, kind_label=reports.KINDS[kind])
    return render(request, "classes/report_items.html", context)


@login_required
@require_GET
def report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    classroom, data = _report(request, pk)
    response = HttpResponse(reports.report_csv(data), content_type="text/csv; charset=utf-8")
    suffix = f"-assignment-{data.assignment.pk}" if data.assignment else ""
    response["Content-Disposition"] = (
        f'attachment; filename="class-{classroom.pk}{suffix}-report.csv"'
    )
    return response

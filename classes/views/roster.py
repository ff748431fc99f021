"""The roster, for teachers: everyone in the class and who was, adding a pasted list,
removing, making co-teachers; and the class's audit log."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from debates.errors import DOMAIN_ERRORS

from .. import selectors, services
from ..forms import BulkAddForm, MemberRoleForm
from ..models import ClassMember, Classroom
from ._common import act, class_for, form_errors, require_teacher
from .classrooms import permissions


def _roster_page(
    request: HttpRequest, classroom: Classroom, *, add_form=None, added=None, status=200
) -> HttpResponse:
    return render(
        request,
        "classes/roster.html",
        {
            "classroom": classroom,
            "roster": selectors.roster(classroom=classroom),
            "can": permissions(request.user, classroom),
            "add_form": add_form or BulkAddForm(),
            "added": added,
            "roles": MemberRoleForm.base_fields["role"].choices,
        },
        status=status,
    )


@login_required
@require_GET
def roster(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = class_for(request, pk)
    require_teacher(request, classroom)
    return _roster_page(request, classroom)


@login_required
@require_POST
def roster_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a pasted list; the page answers with who was added, who was in already and
    which entries matched nobody (as typed)."""
    classroom = class_for(request, pk)
    require_teacher(request, classroom)
    form = BulkAddForm(request.POST)
    if form.is_valid():
        try:
            result = services.class_members_add(
                actor=request.user, classroom=classroom, entries=form.cleaned_data["entries"]
            )
        except DOMAIN_ERRORS as error:
            form_errors(form, error)
        else:
            # The not-found entries stay in the box, to correct and send again.
            again = BulkAddForm(initial={"entries": "\n".join(result.not_found)})
            return _roster_page(request, classroom, add_form=again, added=result)
    return _roster_page(request, classroom, add_form=form, status=400)


def _member(classroom: Classroom, user_id: int):
    """A person in this class now; anyone else (another class's student) is 404."""
    member = (
        ClassMember.objects.filter(classroom=classroom, user_id=user_id, left_at=None)
        .select_related("user")
        .first()
    )
    if member is None:
        raise Http404("Nobody by that id is in this class.")
    return member.user


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    classroom = class_for(request, pk)
    require_teacher(request, classroom)
    user = _member(classroom, user_id)
    back = reverse("classes:roster", args=[classroom.pk])
    return act(
        request,
        lambda: services.class_member_remove(actor=request.user, classroom=classroom, user=user),
        done=f"{user.public_name} is no longer in the class; their roles in its maps are gone.",
        back=back,
    )


@login_required
@require_POST
def member_role(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    classroom = class_for(request, pk)
    require_teacher(request, classroom)
    user = _member(classroom, user_id)
    form = MemberRoleForm(request.POST)
    role = form.cleaned_data["role"] if form.is_valid() else ""
    label = dict(MemberRoleForm.base_fields["role"].choices).get(role, role)
    return act(
        request,
        lambda: services.class_member_role_set(
            actor=request.user, classroom=classroom, user=user, role=role
        ),
        done=f"{user.public_name} is now {label}.",
        back=reverse("classes:roster", args=[classroom.pk]),
    )

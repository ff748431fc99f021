"""What the class views share: finding a class the person may see (else 404), and doing
one act with its outcome told as a message."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from debates.errors import DOMAIN_ERRORS, form_status, messages_of

from .. import policy
from ..models import Classroom


def class_for(request: HttpRequest, pk: int) -> Classroom:
    """The class, if the person may see it; 404 otherwise (outsiders, former members and
    other classes' students learn nothing of it)."""
    classroom = get_object_or_404(Classroom.objects.select_related("created_by"), pk=pk)
    if not policy.can_view_class(request.user, classroom):
        raise Http404("No such class.")
    return classroom


def require_teacher(request: HttpRequest, classroom: Classroom) -> None:
    if not policy.can_teach(request.user, classroom):
        raise PermissionDenied("Only the class's teachers see this page.")


def act(
    request: HttpRequest,
    call: Callable[[], object],
    *,
    done: str,
    back: str,
    after: str | None = None,
) -> HttpResponse:
    """Run one service call and tell its outcome as a message: on the page at `after` (or
    `back`) when done, at `back` when refused with 400/409. A 403 or 404 refusal gets
    Django's page of its own."""
    try:
        call()
    except DOMAIN_ERRORS as error:
        if form_status(error) is None:
            raise
        messages.error(request, " ".join(messages_of(error)))
        return redirect(back)
    messages.success(request, done)
    return redirect(after or back)


def form_errors(form, error: BaseException) -> None:
    """Put a service's refusal on the form it came from (400/409), or let it be raised."""
    if form_status(error) is None:
        raise error
    form.add_error(None, messages_of(error))

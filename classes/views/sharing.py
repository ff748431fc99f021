"""Sharing maps with a class: share one (read-only, propose or contribute), change how,
stop sharing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from debates.errors import DOMAIN_ERRORS

from .. import selectors, services
from ..forms import ShareForm, ShareModeForm
from ..models import MapShare
from ._common import act, class_for, form_errors, require_teacher
from .classrooms import class_page


@login_required
@require_POST
def share(request: HttpRequest, pk: int) -> HttpResponse:
    classroom = class_for(request, pk)
    require_teacher(request, classroom)
    maps = selectors.shareable_maps(user=request.user, classroom=classroom)
    form = ShareForm(request.POST, maps=maps)
    if form.is_valid():
        debate = next(d for d in maps if d.pk == form.cleaned_data["debate"])
        mode = form.cleaned_data["mode"]
        try:
            services.class_map_share(
                actor=request.user, classroom=classroom, debate=debate, mode=mode
            )
        except DOMAIN_ERRORS as error:
            form_errors(form, error)
        else:
            label = MapShare.Mode(mode).label
            messages.success(request, f"“{debate.title}” is shared with the class ({label}).")
            return redirect(classroom.get_absolute_url() + "#maps")
    return class_page(request, classroom, share_form=form, status=400)


def _share(classroom, share_id: int) -> MapShare:
    """A share of this class; another class's share is 404."""
    return get_object_or_404(
        MapShare.objects.select_related("debate"), pk=share_id, classroom=classroom
    )


@login_required
@require_POST
def share_mode(request: HttpRequest, pk: int, share_id: int) -> HttpResponse:
    classroom = class_for(request, pk)
    require_teacher(request, classroom)
    shared = _share(classroom, share_id)
    form = ShareModeForm(request.POST)
    mode = form.cleaned_data["mode"] if form.is_valid() else ""
    label = MapShare.Mode(mode).label if mode in MapShare.Mode.values else mode
    return act(
        request,
        lambda: services.class_map_share(
            actor=request.user, classroom=classroom, debate=shared.debate, mode=mode
        ),
        done=f"“{shared.debate.title}” is now shared for: {label}.",
        back=classroom.get_absolute_url() + "#maps",
    )


@login_required
@require_POST
def unshare(request: HttpRequest, pk: int, share_id: int) -> HttpResponse:
    classroom = class_for(request, pk)
    require_teacher(request, classroom)
    shared = _share(classroom, share_id)
    return act(
        request,
        lambda: services.class_map_unshare(actor=request.user, classroom=classroom, share=shared),
        done=f"“{shared.debate.title}” is no longer shared with the class.",
        back=classroom.get_absolute_url() + "#maps",
    )

"""Copying a map: the "Make a copy" page of a template's owner and moderators."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .. import policy, services
from ..errors import DOMAIN_ERRORS, form_status, messages_of
from ..forms.copies import DebateCopyForm
from .maps import _debate_for


@login_required
@require_http_methods(["GET", "POST"])
def debate_copy(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the form (title, visibility); POST: make the copy and open it. A private map
    is 404 to those who cannot see it; a visible one is 403 to those who may not copy it."""
    debate = _debate_for(request, slug)
    if not policy.can_copy_debate(request.user, debate):
        raise PermissionDenied("Only this map's owner, its moderators and site staff can copy it.")
    status = 200
    if request.method == "POST":
        form = DebateCopyForm(request.POST, prefix="copy")
        if form.is_valid():
            try:
                copy = services.debate_copy(
                    actor=request.user,
                    debate=debate,
                    title=form.cleaned_data["title"],
                    visibility=form.cleaned_data["visibility"],
                )
            except DOMAIN_ERRORS as error:
                if form_status(error) is None:
                    raise
                for message in messages_of(error):
                    form.add_error(None, message)
            else:
                messages.success(request, f"“{copy.title}” is a copy of “{debate.title}”.")
                return redirect(copy.get_absolute_url())
        status = 400
    else:
        form = DebateCopyForm(prefix="copy", initial={"title": f"{debate.title} (copy)"})
    context = {
        "debate": debate,
        "form": form,
        "can": {
            "moderate": True,
            "audit": policy.can_view_audit(request.user, debate),
            "manage": policy.can_manage_debate(request.user, debate),
        },
    }
    return render(request, "debates/copy.html", context, status=status)

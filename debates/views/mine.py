"""“My debates”: where a signed-in person stands in the debates they own, moderate or
belong to. The home page shows the same list to them in place of the introduction."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import selectors


@login_required
@require_GET
def my_debates(request: HttpRequest) -> HttpResponse:
    return render(request, "debates/mine.html", {"mine": selectors.my_debates(user=request.user)})

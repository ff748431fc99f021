"""`@username` suggestions for a note's reply box (static/crux/mentions.js): the members of
the note's debate whose name starts with what was typed, as JSON. Only people who may read
the note are suggested, so a private note suggests nobody."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from .. import selectors
from .annotations import _annotation_for


@login_required
@require_GET
def note_mentions(request: HttpRequest, pk: int) -> JsonResponse:
    note = _annotation_for(request, pk)  # 404 unless the viewer may read it
    prefix = request.GET.get("q", "")[:150].lstrip("@")
    people = selectors.mention_candidates(note=note, prefix=prefix, viewer=request.user)
    response = JsonResponse(
        {"results": [{"username": p.username, "name": p.public_name} for p in people]}
    )
    response["Cache-Control"] = "private, no-store"
    return response

"""Live map updates: the event stream (ASGI + PostgreSQL) and the refresh the page asks for.

Both show only what the ordinary map view would: the refresh renders the map's own `#tree`
fragment through `views.map_context`, so policy decides what each viewer sees.
"""

from __future__ import annotations

import weakref

from asgiref.sync import sync_to_async
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from .. import live, policy
from ..models import Debate
from .maps import map_context


def _visible_debate(request: HttpRequest, slug: str) -> Debate:
    debate = get_object_or_404(Debate.objects.select_related("owner"), slug=slug)
    if not policy.can_view_debate(request.user, debate):
        # 404, not 403: a private debate's existence is not revealed to outsiders.
        raise Http404("No such debate.")
    return debate


def _still_visible(user, debate_id: int) -> bool:
    """Asked by an open stream: roles and visibility may have changed since it opened."""
    from django.db import connections

    try:
        user.__dict__.pop("_crux_roles", None)  # policy.role_in's per-request cache
        debate = Debate.objects.filter(pk=debate_id).first()
        return debate is not None and policy.can_view_debate(user, debate)
    finally:
        connections.close_all()


class EventStreamResponse(StreamingHttpResponse):
    """A `MapStream` as a response; closing the response closes the stream (idempotent)."""

    def __init__(self, stream: live.MapStream) -> None:
        super().__init__(stream.frames(), content_type="text/event-stream")
        self.stream = stream
        # Should neither the body nor close() ever run (the client left before the body
        # started), the stream's slot and queue are given back when the response goes.
        weakref.finalize(self, stream.close)
        self["Cache-Control"] = "no-cache"
        # nginx would otherwise hold events back until its buffer fills.
        self["X-Accel-Buffering"] = "no"

    def close(self) -> None:
        try:
            self.stream.close()
        finally:
            super().close()


def _refused(refusal: live.Refusal) -> HttpResponse:
    """429 (this client has enough streams) or 503 (this process, or the hub, is busy)."""
    response = HttpResponse(
        refusal.text + "\n", status=refusal.status, content_type="text/plain; charset=utf-8"
    )
    response["Retry-After"] = str(refusal.retry_after)
    response["Cache-Control"] = "no-store"
    response["X-Crux-Live"] = "polling: " + refusal.text
    return response


@require_GET
async def map_events(request: HttpRequest, slug: str) -> HttpResponse:
    """`text/event-stream` of `map-changed` events for one debate.

    Async so that an open stream costs a coroutine, not a worker; that is also why it needs
    an ASGI server (under WSGI Django would try to buffer the endless body). The caps are
    checked before anything else, so a refused stream costs no database work at all; the
    database work of an accepted one is done (and its connection closed) before it waits.
    """
    if not live.sse_available(request):
        await sync_to_async(_visible_debate)(request, slug)
        # 204 is the event-stream way of saying "do not reconnect"; the page polls instead.
        response = HttpResponse(status=204)
        response["X-Crux-Live"] = (
            "polling: server-sent events need PostgreSQL and an ASGI server (e.g. uvicorn)"
        )
        return response
    slot = live.slots.take(request.META.get("REMOTE_ADDR") or "unknown")
    if isinstance(slot, live.Refusal):
        return _refused(slot)
    try:
        debate = await live.run_db(_visible_debate, request, slug)
        user = request.user  # loaded above, with the connection it needed already closed

        async def still_allowed() -> bool:
            return await live.run_db(_still_visible, user, debate.pk)

        since = request.headers.get("Last-Event-ID") or request.GET.get("since", "")
        stream = live.MapStream(
            debate_id=debate.pk, since=since[:40], still_allowed=still_allowed, slot=slot
        )
    except BaseException:
        slot.release()
        raise
    try:
        await stream.open()  # on failure it has given everything back itself
    except live.HubUnavailable as error:
        return _refused(live.hub_refusal(error))
    return EventStreamResponse(stream)


@require_GET
def map_refresh(request: HttpRequest, slug: str) -> HttpResponse:
    """The map's tree if it changed since the stamp `since`, else 204 No Content.

    htmx swaps nothing on a 204, so polling an unchanged map costs one small query. With a
    change, the tree comes back with the new stamp and a "Map updated" status swapped in
    out of band.
    """
    debate = _visible_debate(request, slug)
    if not request.htmx:
        # Without JavaScript there is nothing to swap into: show the whole, current map.
        return redirect(debate)
    stamp = live.stamp_of(debate.updated_at)
    if request.GET.get("since") == stamp:
        return HttpResponse(status=204)
    context = map_context(request, debate)
    context["live"] = live.wiring(request=request, debate=debate)
    response = render(request, "debates/_live.html#refresh", context)
    response["Cache-Control"] = "no-store"
    return response

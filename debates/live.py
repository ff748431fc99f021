"""Live map updates: tell the people viewing a map that it changed, within about 2 seconds.

Every committed change to what a map shows (a claim, its evidence, a cross-link, a pending
edit) touches the debate: its `updated_at` becomes the map's change *stamp*, and on
PostgreSQL a `NOTIFY crux_maps` carries the debate's id and the new stamp to every app
process. Each process keeps ONE listening connection (`_Hub`) and fans notifications out to
its open server-sent event streams, so a thousand viewers cost one database connection per
process, not a thousand.

With SQLite (or under a WSGI server, which cannot hold a stream open without pinning a
worker) nothing is sent; the map page polls instead and compares stamps, and the server
answers 204 No Content while the stamp is unchanged.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db import connections
from django.urls import reverse

from .models import Debate

log = logging.getLogger(__name__)

CHANNEL = "crux_maps"
# A comment line this often keeps proxies and browsers from dropping an idle stream.
KEEPALIVE_SECONDS = 15.0
# How long a browser waits before reconnecting a dropped stream (the SSE `retry:` field).
RETRY_MILLISECONDS = 3000
# How long a new stream waits for the process's LISTEN connection before giving up.
LISTEN_TIMEOUT_SECONDS = 10.0
# In event-stream mode the page still re-checks now and then, so an update it skipped while
# the viewer was typing is applied once they are done.
RECHECK_SECONDS = 5

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# Stamps ---------------------------------------------------------------------------------


def stamp_of(moment: datetime | None) -> str:
    """A change stamp as exact whole microseconds, so it survives a round trip as text."""
    if moment is None:
        return ""
    return str((moment - _EPOCH) // timedelta(microseconds=1))


def debate_stamp(*, debate_id: int) -> str:
    updated = Debate.objects.filter(pk=debate_id).values_list("updated_at", flat=True).first()
    return stamp_of(updated)


# Sending lives in services/events.py: stamp + NOTIFY once the write commits.


# Which way a page learns of changes --------------------------------------------------------


def sse_available(request) -> bool:
    """Server-sent events need PostgreSQL (LISTEN/NOTIFY) and an ASGI server.

    Under WSGI a never-ending response would occupy a whole worker for as long as the page
    is open, so WSGI deployments (and `runserver`) poll like SQLite ones.
    """
    return connections["default"].vendor == "postgresql" and isinstance(request, ASGIRequest)


@dataclass(frozen=True)
class Wiring:
    """What `_live.html` needs: the mode, the stamp the page was rendered at, the URLs."""

    sse: bool
    stamp: str
    events_url: str
    refresh_url: str
    poll_seconds: int
    recheck_seconds: int


def wiring(*, request, debate: Debate) -> Wiring:
    return Wiring(
        sse=sse_available(request),
        # Read before the map itself is rendered, so a change committed in between makes
        # the page look older than it is (one extra refresh), never newer (a missed one).
        stamp=stamp_of(debate.updated_at),
        events_url=reverse("debates:map_events", args=[debate.slug]),
        refresh_url=reverse("debates:map_refresh", args=[debate.slug]),
        poll_seconds=max(1, settings.CRUX_POLL_SECONDS),
        recheck_seconds=RECHECK_SECONDS,
    )


# Receiving: one LISTEN connection per process, fanned out to the streams ------------------


def listen_conninfo() -> str:
    """The default database's connection string, read when a listener starts.

    Read from settings at run time, not import time: the test runner renames the database
    (test_crux…) after this module is imported.
    """
    from psycopg.conninfo import make_conninfo

    db = settings.DATABASES["default"]
    params = {
        "dbname": db.get("NAME") or "",
        "user": db.get("USER") or "",
        "password": db.get("PASSWORD") or "",
        "host": db.get("HOST") or "",
        "port": str(db.get("PORT") or ""),
        # Names the listener in pg_stat_activity.
        "application_name": "crux-live-updates",
    }
    # libpq options such as sslmode pass through; Django's own options do not.
    django_only = {"isolation_level", "server_side_binding", "pool", "assume_role", "context"}
    for key, value in (db.get("OPTIONS") or {}).items():
        if key not in django_only and isinstance(value, str | int):
            params[key] = str(value)
    return make_conninfo("", **{k: v for k, v in params.items() if v})


class _Hub:
    """This event loop's LISTEN connection and the queues of the streams it feeds."""

    def __init__(self) -> None:
        self.queues: dict[int, set[asyncio.Queue]] = {}
        self.task: asyncio.Task | None = None
        self.listening = asyncio.Event()

    async def subscribe(self, debate_id: int) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(maxsize=16)
        self.queues.setdefault(debate_id, set()).add(queue)
        if self.task is None or self.task.done():
            self.listening = asyncio.Event()
            self.task = asyncio.create_task(self._listen(self.listening))
        try:
            await asyncio.wait_for(self.listening.wait(), LISTEN_TIMEOUT_SECONDS)
        except BaseException:
            self.unsubscribe(debate_id, queue)
            raise
        return queue

    def unsubscribe(self, debate_id: int, queue: asyncio.Queue) -> None:
        subscribers = self.queues.get(debate_id, set())
        subscribers.discard(queue)
        if not subscribers:
            self.queues.pop(debate_id, None)
        if not self.queues and self.task is not None:
            # Nobody is watching any map in this process: give the connection back.
            self.task.cancel()
            self.task = None

    def dispatch(self, debate_id: int, payload: dict) -> None:
        for queue in list(self.queues.get(debate_id, ())):
            # A full queue already has changes to report; one refresh covers them all.
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(payload)

    async def _listen(self, listening: asyncio.Event) -> None:
        import psycopg

        first = True
        while self.queues:
            try:
                async with await psycopg.AsyncConnection.connect(
                    listen_conninfo(), autocommit=True
                ) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    listening.set()
                    if not first:
                        # Notifications sent while we were reconnecting are lost: tell every
                        # stream to re-check, which costs at most one refresh each.
                        for debate_id in list(self.queues):
                            self.dispatch(debate_id, {"debate": debate_id, "stamp": ""})
                    first = False
                    async for note in conn.notifies():
                        try:
                            payload = json.loads(note.payload)
                            debate_id = int(payload["debate"])
                        except (ValueError, KeyError, TypeError):
                            log.warning(
                                "Ignoring a malformed %s payload: %r", CHANNEL, note.payload
                            )
                            continue
                        self.dispatch(debate_id, payload)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("The live-updates listener lost its database connection")
                await asyncio.sleep(1)


# One hub per event loop: a hub's connection and task belong to the loop that made them.
_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Hub] = weakref.WeakKeyDictionary()


def _hub() -> _Hub:
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = _Hub()
    return hub


def event_frame(*, stamp: str, debate_id: int) -> str:
    data = json.dumps({"debate": debate_id, "stamp": stamp})
    # The id is the stamp: a browser that reconnects sends it back as Last-Event-ID.
    head = f"id: {stamp}\n" if stamp else ""
    return f"{head}event: map-changed\ndata: {data}\n\n"


def _stamp_then_release(debate_id: int) -> str:
    """The debate's stamp, then this request's database connection closed.

    A stream stays open for as long as the page does; it must not hold a database
    connection all that time (the hub's one LISTEN connection is all it needs).
    """
    try:
        return debate_stamp(debate_id=debate_id)
    finally:
        connections.close_all()


# While a stream is open, ask again every this many keepalives (about a minute) whether
# the viewer may still see the map: a member removed from a private debate stops hearing it.
RECHECK_EVERY = 4


async def map_event_stream(*, debate_id: int, since: str, still_allowed=None) -> AsyncIterator[str]:
    """The text/event-stream of one viewer of one map, until the viewer goes away.

    `since` is the stamp the viewer's page shows; if the map changed before the stream was
    listening (between page load and connect, or while reconnecting) the first event says
    so at once. `still_allowed` (an async callable) is asked now and then; when it says no,
    the stream ends, and the browser's reconnect meets the view's 404.
    """
    from asgiref.sync import sync_to_async

    hub = _hub()
    queue = await hub.subscribe(debate_id)
    try:
        yield f"retry: {RETRY_MILLISECONDS}\n: listening for changes to this map\n\n"
        # Listening first, then reading the stamp: no change can fall in between.
        current = await sync_to_async(_stamp_then_release)(debate_id)
        if since and current != since:
            yield event_frame(stamp=current, debate_id=debate_id)
        quiet = 0
        while True:
            try:
                payload = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                quiet += 1
                recheck = still_allowed is not None and quiet % RECHECK_EVERY == 0
                if recheck and not await still_allowed():
                    return
                yield ": keepalive\n\n"
                continue
            yield event_frame(stamp=str(payload.get("stamp") or ""), debate_id=debate_id)
    finally:
        # Reached when the client disconnects (Django cancels the response: CancelledError)
        # or the generator is closed (GeneratorExit); either way stop feeding this queue.
        hub.unsubscribe(debate_id, queue)
        # Should the viewer leave before the stamp was read: a cancelled response never
        # reaches Django's request_finished, which would close this request's connection.
        await sync_to_async(connections.close_all)()

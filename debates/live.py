"""Live map updates: tell the people viewing a map that it changed, within about 2 seconds.

Every committed change to what a map shows (a claim, its evidence, a cross-link, a pending
edit) touches the debate: its `updated_at` becomes the map's change *stamp*, and on
PostgreSQL a `NOTIFY crux_maps` carries the debate's id and the new stamp to every app
process. Each process keeps ONE listening connection (`_Hub`) and fans notifications out to
its open server-sent event streams, so a thousand viewers cost one database connection per
process, not a thousand. A stream uses the database only for a moment (to check visibility
and read the stamp, through `run_db`) and holds no connection while it waits; streams are
capped per client address and per process (`slots`), past which the page polls.

With SQLite (or under a WSGI server, which cannot hold a stream open without pinning a
worker) nothing is sent; the map page polls instead and compares stamps, and the server
answers 204 No Content while the stamp is unchanged.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import threading
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
# How long a new stream waits for the process's LISTEN connection before giving up (503).
LISTEN_TIMEOUT_SECONDS = 10.0
# A connection attempt that gets no answer is given up after this long.
LISTEN_CONNECT_TIMEOUT_SECONDS = 5
# After a failed attempt to open it, the next waits this long, doubling up to the maximum.
LISTEN_BACKOFF_FIRST = 1.0
LISTEN_BACKOFF_MAX = 30.0
# Streams of one process that may use the database at the same moment (each briefly).
STREAM_DB_CONCURRENCY = 4
# Retry-After of a stream refused by the caps (CRUX_SSE_MAX_PER_CLIENT / _PER_PROCESS).
BUSY_RETRY_SECONDS = 30
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
    # A database that does not answer must not keep the listener (and its streams) waiting.
    params.setdefault("connect_timeout", str(LISTEN_CONNECT_TIMEOUT_SECONDS))
    return make_conninfo("", **{k: v for k, v in params.items() if v})


class HubUnavailable(Exception):
    """This process cannot listen for changes right now; try again in `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"live updates are unavailable; retry in {retry_after} s")
        self.retry_after = retry_after


class _Hub:
    """This event loop's LISTEN connection and the queues of the streams it feeds.

    The connection is opened by the first subscriber and closed when the last one leaves.
    When it cannot be opened (the database refuses or does not answer) the hub tries again
    after a back-off of LISTEN_BACKOFF_FIRST seconds, doubling up to LISTEN_BACKOFF_MAX;
    until then new subscribers are refused at once with `HubUnavailable`, so they neither
    wait nor pile up, and the page polls instead.
    """

    def __init__(self) -> None:
        self.queues: dict[int, set[asyncio.Queue]] = {}
        self.task: asyncio.Task | None = None
        self.connected = False
        self.failures = 0
        self.retry_at = 0.0  # loop time before which no new connection attempt is made
        self._attempted = asyncio.Event()  # set (then replaced) whenever an attempt ends
        # Streams use the database briefly (visibility, stamp, re-checks), a few at a time.
        self.db_gate = asyncio.Semaphore(STREAM_DB_CONCURRENCY)

    def retry_after(self) -> int:
        return max(1, math.ceil(self.retry_at - asyncio.get_running_loop().time()))

    async def subscribe(self, debate_id: int) -> asyncio.Queue:
        """A queue of `debate_id`'s changes, once this process is listening.

        Raises `HubUnavailable` when the LISTEN connection cannot be had within
        LISTEN_TIMEOUT_SECONDS (or its last attempt failed and the next is not due yet).
        """
        loop = asyncio.get_running_loop()
        if not self.connected and loop.time() < self.retry_at:
            raise HubUnavailable(self.retry_after())
        queue: asyncio.Queue = asyncio.Queue(maxsize=16)
        self.queues.setdefault(debate_id, set()).add(queue)
        try:
            if self.task is None or self.task.done():
                self.connected = False
                self.task = loop.create_task(self._listen())
            if not self.connected:
                attempt = self._attempted
                try:
                    await asyncio.wait_for(attempt.wait(), LISTEN_TIMEOUT_SECONDS)
                except TimeoutError:
                    raise HubUnavailable(self.retry_after()) from None
                if not self.connected:
                    raise HubUnavailable(self.retry_after())
        except BaseException:
            self.unsubscribe(debate_id, queue)
            raise
        return queue

    def unsubscribe(self, debate_id: int, queue: asyncio.Queue) -> None:
        subscribers = self.queues.get(debate_id)
        if subscribers is not None:
            subscribers.discard(queue)
            if not subscribers:
                del self.queues[debate_id]
        if not self.queues and self.task is not None:
            # Nobody is watching any map in this process: give the connection back.
            self.task.cancel()
            self.task = None
            self.connected = False

    def dispatch(self, debate_id: int, payload: dict) -> None:
        for queue in list(self.queues.get(debate_id, ())):
            # A full queue already has changes to report; one refresh covers them all.
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(payload)

    def _settle(self) -> None:
        self._attempted.set()
        self._attempted = asyncio.Event()

    async def _listen(self) -> None:
        import psycopg

        me = asyncio.current_task()
        loop = asyncio.get_running_loop()
        reconnecting = False
        while self.queues and self.task is me:
            wait = self.retry_at - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            try:
                async with await psycopg.AsyncConnection.connect(
                    listen_conninfo(), autocommit=True
                ) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    self.connected, self.failures = True, 0
                    self._settle()
                    if reconnecting:
                        # Notifications sent while we were reconnecting are lost: tell every
                        # stream to re-check, which costs at most one refresh each.
                        for debate_id in list(self.queues):
                            self.dispatch(debate_id, {"debate": debate_id, "stamp": ""})
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
            except Exception as error:
                self.failures += 1
                delay = min(LISTEN_BACKOFF_MAX, LISTEN_BACKOFF_FIRST * 2 ** (self.failures - 1))
                self.retry_at = loop.time() + delay
                log.warning(
                    "The live-updates listener has no database connection (%s); "
                    "trying again in %.0f s, maps poll meanwhile",
                    error,
                    delay,
                )
            finally:
                if self.task is me:
                    self.connected = False
                    self._settle()  # subscribers waiting for this attempt hear how it went
            reconnecting = True


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


# Streams and the database ------------------------------------------------------------------


def _then_release(func, /, *args):
    try:
        return func(*args)
    finally:
        connections.close_all()


async def run_db(func, /, *args):
    """`func(*args)` in the request's thread, then that thread's connections closed.

    Every bit of database work a stream does (checking visibility, reading the stamp,
    re-checking now and then) goes through here, so an open stream never holds a database
    connection, not even while it waits for the hub or for the next change; and at most
    STREAM_DB_CONCURRENCY of this process's streams use one at the same moment, however
    many open at once.
    """
    from asgiref.sync import sync_to_async

    async with _hub().db_gate:
        return await sync_to_async(_then_release)(func, *args)


# Caps: open streams per process and per client ------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """Why a new stream was refused: the answer's status, Retry-After and text."""

    status: int
    retry_after: int
    text: str


class Slot:
    """One open stream counted against the caps; `release` gives it back, once."""

    def __init__(self, slots: _Slots, client: str) -> None:
        self._slots = slots
        self._client = client
        self._held = True

    def release(self) -> None:
        self._slots.give_back(self)


class _Slots:
    """Open streams in this process, in total and by client address.

    Kept in process memory on purpose: what the caps protect (threads, sockets, memory, the
    database's connections) is this process's own.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.total = 0
        self.by_client: dict[str, int] = {}

    def take(self, client: str) -> Slot | Refusal:
        per_client = settings.CRUX_SSE_MAX_PER_CLIENT
        per_process = settings.CRUX_SSE_MAX_PER_PROCESS
        with self._lock:
            if per_client > 0 and self.by_client.get(client, 0) >= per_client:
                return Refusal(
                    429,
                    BUSY_RETRY_SECONDS,
                    f"Too many live map connections from your address (at most {per_client})."
                    " This map checks for changes by polling instead.",
                )
            if per_process > 0 and self.total >= per_process:
                return Refusal(
                    503,
                    BUSY_RETRY_SECONDS,
                    "This server has as many live map connections open as it takes."
                    " This map checks for changes by polling instead.",
                )
            self.total += 1
            self.by_client[client] = self.by_client.get(client, 0) + 1
        return Slot(self, client)

    def give_back(self, slot: Slot) -> None:
        with self._lock:
            if not slot._held:
                return
            slot._held = False
            self.total -= 1
            left = self.by_client.get(slot._client, 0) - 1
            if left > 0:
                self.by_client[slot._client] = left
            else:
                self.by_client.pop(slot._client, None)


slots = _Slots()


def hub_refusal(error: HubUnavailable) -> Refusal:
    return Refusal(
        503,
        error.retry_after,
        "Live updates are unavailable for a moment. This map checks for changes by polling.",
    )


# One viewer's stream --------------------------------------------------------------------


# While a stream is open, ask again every this many keepalives (about a minute) whether
# the viewer may still see the map: a member removed from a private debate stops hearing it.
RECHECK_EVERY = 4


class MapStream:
    """The text/event-stream of one viewer of one map, until the viewer goes away.

    `open()` listens (waiting for the hub holds no database connection), then reads the
    stamp; `frames()` is the body. `since` is the stamp the viewer's page shows: if the map
    changed before the stream was listening (between page load and connect, or while
    reconnecting) the first event says so at once. `still_allowed` (an async callable) is
    asked now and then; when it says no, the stream ends, and the browser's reconnect meets
    the view's 404.

    `close()` gives back the hub queue and the cap slot; it runs once, whichever way the
    stream ends: the body's `finally` (end, client gone: CancelledError, generator closed),
    the response's `close()`, a failed `open()`, or, last, the response being collected.
    """

    def __init__(
        self, *, debate_id: int, since: str, still_allowed=None, slot: Slot | None = None
    ) -> None:
        self.debate_id = debate_id
        self.since = since
        self.still_allowed = still_allowed
        self.slot = slot
        self.stamp = ""
        self.queue: asyncio.Queue | None = None
        self.closed = False
        self._lock = threading.Lock()
        self.loop = asyncio.get_running_loop()
        self.hub = _hub()

    async def open(self) -> None:
        try:
            self.queue = await self.hub.subscribe(self.debate_id)
            # Listening first, then reading the stamp: no change can fall in between.
            self.stamp = await run_db(lambda: debate_stamp(debate_id=self.debate_id))
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        with self._lock:
            if self.closed:
                return
            self.closed = True
            queue, self.queue = self.queue, None
        if self.slot is not None:
            self.slot.release()
        if queue is None:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            self.hub.unsubscribe(self.debate_id, queue)
        else:
            # The hub belongs to its event loop (e.g. Django closes a response in a thread).
            with contextlib.suppress(RuntimeError):  # that loop is closed: nothing to free
                self.loop.call_soon_threadsafe(self.hub.unsubscribe, self.debate_id, queue)

    async def frames(self) -> AsyncIterator[str]:
        try:
            queue = self.queue
            if queue is None:
                return
            yield f"retry: {RETRY_MILLISECONDS}\n: listening for changes to this map\n\n"
            if self.since and self.stamp != self.since:
                yield event_frame(stamp=self.stamp, debate_id=self.debate_id)
            quiet = 0
            while True:
                try:
                    payload = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    quiet += 1
                    recheck = self.still_allowed is not None and quiet % RECHECK_EVERY == 0
                    if recheck and not await self.still_allowed():
                        return
                    yield ": keepalive\n\n"
                    continue
                yield event_frame(stamp=str(payload.get("stamp") or ""), debate_id=self.debate_id)
        finally:
            self.close()

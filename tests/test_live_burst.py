"""Event streams under load, on PostgreSQL under uvicorn: a burst of streams from a cold
start, a LISTEN connection that cannot connect, and the ASGI request timeout.

Each server test counts the connections its uvicorn holds on the test database in
`pg_stat_activity` (every client backend there except the test's own), so it needs a
database of its own (e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/crux_sse, whose
test database is test_crux_sse). The burst is bounded: at most 150 sockets, short timeouts.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import http.client
import socket
import threading
import time
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.urls import path, reverse

from debates import live

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="server-sent events, and these connection counts, need PostgreSQL",
)


SAMPLER = "crux-test-sampler"


# Connections that were open before a test began: left idle by earlier tests' threads in
# this process (the suite shares one process), so not the server's doing in this test.
_EARLIER: set[int] = set()


def _open_connections() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, state FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND backend_type = 'client backend' AND application_name <> %s",
            [SAMPLER],
        )
        return cursor.fetchall()


def forget_earlier_connections() -> None:
    """Call first in a server test: what is open now is not the server's doing."""
    _EARLIER.clear()
    _EARLIER.update(pid for pid, _, _ in _open_connections())


def server_connections() -> list[tuple]:
    """Connections to the test database other than this test's own and those open before
    the test began: the server's."""
    return [row for row in _open_connections() if row[0] not in _EARLIER]


def settle(limit: int, seconds: float = 5.0) -> list[tuple]:
    """The server's connections once they are at most `limit` (or the last count seen)."""
    deadline = time.monotonic() + seconds
    held = server_connections()
    while len(held) > limit and time.monotonic() < deadline:
        time.sleep(0.1)
        held = server_connections()
    return held


def request(base: str, target: str, timeout: float = 10.0):
    url = urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    conn.request("GET", target, headers={"Accept": "text/event-stream"})
    return conn


def get(base: str, target: str) -> int:
    conn = request(base, target)
    try:
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


# --- the LISTEN connection cannot connect -----------------------------------------------------


@pytest.fixture
def silent_port():
    """A port that accepts TCP connections and never says a word (a hung database)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    yield sock.getsockname()[1]
    sock.close()


@postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("failure", ["refused", "silent"])
def test_a_stream_whose_listener_cannot_connect_is_503_and_keeps_no_connection(
    asgi_live_server, debate, monkeypatch, silent_port, failure
):
    """The hub's LISTEN connection fails (no such database) or hangs (a silent server): each
    stream answers 503 with Retry-After, and the connections the requests opened to check
    visibility are all closed. Before, `subscribe` timed out after the 200 had been sent
    and the request's connection stayed open until the process restarted."""
    if failure == "refused":
        broken = live.listen_conninfo().replace("dbname=", "dbname=no_such_crux_db_")
    else:
        broken = f"host=127.0.0.1 port={silent_port} dbname=x user=x connect_timeout=3"
    monkeypatch.setattr(live, "listen_conninfo", lambda: broken)
    monkeypatch.setattr(live, "LISTEN_TIMEOUT_SECONDS", 0.5)
    forget_earlier_connections()
    target = reverse("debates:map_events", args=[debate.slug])
    started = time.monotonic()
    conns = [request(asgi_live_server, target) for _ in range(3)]
    try:
        responses = [conn.getresponse() for conn in conns]
        assert [r.status for r in responses] == [503] * 3
        assert all(int(r.getheader("Retry-After")) >= 1 for r in responses)
        assert b"polling" in responses[0].read()
    finally:
        for conn in conns:
            conn.close()
    assert time.monotonic() - started < 5
    assert settle(0, seconds=3) == []
    assert get(asgi_live_server, "/") == 200


# --- a burst of streams from a cold start -------------------------------------------------------


def connection_budget() -> int:
    """How many more connections PostgreSQL would accept from ordinary users right now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('max_connections')::int"
            " - current_setting('superuser_reserved_connections')::int"
            " - (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')"
        )
        return cursor.fetchone()[0]


class Peak(threading.Thread):
    """Samples the server's connection count in the background; `peak` is the highest seen."""

    def __init__(self, exclude_pid: int) -> None:
        super().__init__(daemon=True, name="connection-sampler")
        self.exclude_pid = exclude_pid
        self.peak = 0
        self.rows: list[tuple] = []
        self.stop = threading.Event()

    def run(self) -> None:
        import psycopg
        from psycopg.conninfo import make_conninfo

        conninfo = make_conninfo(live.listen_conninfo(), application_name=SAMPLER)
        with psycopg.connect(conninfo, autocommit=True) as conn:
            while not self.stop.is_set():
                rows = conn.execute(
                    "SELECT pid, application_name, state, backend_start, left(query, 50)"
                    " FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid NOT IN (pg_backend_pid(), %s) AND backend_type = 'client backend'",
                    [self.exclude_pid],
                ).fetchall()
                rows = [row for row in rows if row[0] not in _EARLIER]
                if len(rows) > self.peak:
                    self.peak, self.rows = len(rows), rows
                self.stop.wait(0.02)


def read_frame(response) -> str:
    lines = []
    for _ in range(20):
        line = response.readline().decode()
        if line in ("\n", ""):
            break
        lines.append(line)
    return "".join(lines)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_streams_from_a_cold_start_leaves_the_site_answering(
    asgi_live_server, debate, settings
):
    """More streams at once than PostgreSQL has connections left, on a server that has not
    listened yet: every stream opens, the server holds its one LISTEN connection (and at
    most a handful more, briefly), `GET /` answers throughout, and nothing is left after."""
    settings.CRUX_SSE_MAX_PER_CLIENT = 0  # every stream here comes from 127.0.0.1
    settings.CRUX_SSE_MAX_PER_PROCESS = 0
    forget_earlier_connections()
    budget = connection_budget()
    streams = min(150, max(60, budget + 10))
    target = reverse("debates:map_events", args=[debate.slug])
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        sampler = Peak(cursor.fetchone()[0])
    sampler.start()
    started = time.monotonic()
    conns = []
    try:
        conns = [request(asgi_live_server, target) for _ in range(streams)]
        responses = [conn.getresponse() for conn in conns]
        statuses = [r.status for r in responses]
        assert statuses == [200] * streams
        assert all(read_frame(r).startswith("retry: ") for r in responses)
        opened = time.monotonic() - started
        # All listening: one LISTEN connection for all of them (once the backends of the
        # last visibility checks and stamp reads, closed a moment ago, have gone).
        held = settle(1, seconds=3)
        assert [row[1] for row in held] == ["crux-live-updates"], held
        assert get(asgi_live_server, "/") == 200
    finally:
        for conn in conns:
            conn.close()
        sampler.stop.set()
        sampler.join(timeout=5)
    after = settle(0)
    assert after == [], after
    assert get(asgi_live_server, "/") == 200
    assert settle(0) == []
    # Opening a stream uses the database briefly, a few streams at a time. A backend
    # lingers in pg_stat_activity for a moment after its client closed it, longer on a
    # busy machine (CI runs a second test process beside this one: 9 were seen once), so
    # the bound allows a few of those; streams that held their connections would be
    # counted by the hundred.
    assert sampler.peak <= 1 + live.STREAM_DB_CONCURRENCY + 5, sampler.rows
    print(
        f"\n{streams} streams (budget {budget}) opened in {opened:.1f}s;"
        f" peak {sampler.peak} server connections, {len(held)} while open, {len(after)} after"
    )


# --- the request timeout under ASGI (any database: no database work) ----------------------------


def serve(app, *, seconds: float, scope: dict | None = None):
    """One request through `RequestTimeout(app)`, as an ASGI server would make it.

    Returns what was sent to the client, with the time of each message, and how long the
    whole call took (the application is always awaited to its end)."""
    from config.asgi import RequestTimeout

    scope = scope or {"type": "http", "method": "GET", "path": "/slow/", "headers": []}
    sent: list[tuple[float, dict]] = []

    async def main():
        start = time.monotonic()
        requested = False

        async def receive():
            nonlocal requested
            if not requested:
                requested = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await asyncio.sleep(3600)  # the client stays

        async def send(message):
            sent.append((time.monotonic() - start, message))

        await RequestTimeout(app, seconds)(scope, receive, send)
        return time.monotonic() - start

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        took = pool.submit(asyncio.run, asyncio.wait_for(main(), 10)).result()
    return sent, took


def start(status: int, content_type: bytes = b"text/plain") -> dict:
    return {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", content_type)],
    }


def test_a_request_with_no_response_by_the_deadline_gets_503_and_the_app_hears_disconnect():
    heard = []

    async def slow(scope, receive, send):
        await receive()
        heard.append(await receive())  # Django listens like this for the client leaving
        await asyncio.sleep(0.2)
        await send(start(200))
        await send({"type": "http.response.body", "body": b"late"})

    sent, took = serve(slow, seconds=0.2)
    (at, first), (_, body) = sent
    assert first["status"] == 503
    assert 0.15 < at < 0.5
    assert dict(first["headers"])[b"connection"] == b"close"
    assert b"took too long" in body["body"]
    assert heard == [{"type": "http.disconnect"}]
    assert took >= 0.35  # the application ran to its end; its late answer was dropped


def test_an_event_stream_outlives_the_deadline():
    async def stream(scope, receive, send):
        await receive()
        await send(start(200, b"text/event-stream"))
        for _ in range(5):
            await asyncio.sleep(0.1)
            await send(
                {"type": "http.response.body", "body": b": keepalive\n\n", "more_body": True}
            )
        await send({"type": "http.response.body", "body": b""})

    sent, took = serve(stream, seconds=0.15)
    assert [m["type"] for _, m in sent] == ["http.response.start"] + ["http.response.body"] * 6
    assert sent[0][1]["status"] == 200
    assert took >= 0.5


def test_quick_requests_and_other_protocols_pass_through():
    async def quick(scope, receive, send):
        await send(start(200))
        await send({"type": "http.response.body", "body": b"ok"})

    sent, _ = serve(quick, seconds=0.5)
    assert [m.get("status") or m.get("body") for _, m in sent] == [200, b"ok"]
    sent, took = serve(quick, seconds=0)  # 0: no deadline
    assert sent[0][1]["status"] == 200

    async def lifespan(scope, receive, send):
        await asyncio.sleep(0.3)
        await send({"type": "lifespan.startup.complete"})

    sent, _ = serve(lifespan, seconds=0.1, scope={"type": "lifespan"})
    assert [m["type"] for _, m in sent] == ["lifespan.startup.complete"]


def slow_view(request):
    time.sleep(0.6)
    from django.http import HttpResponse

    return HttpResponse("finally")


urlpatterns = [path("slow/", slow_view)]


def test_django_behind_the_timeout_answers_503_and_finishes_the_view(settings):
    from config.asgi import application, django_application

    assert application.app is django_application  # what uvicorn serves is wrapped
    settings.ROOT_URLCONF = __name__
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/slow/",
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    sent, took = serve(django_application, seconds=0.2, scope=scope)
    assert [m.get("status") for _, m in sent if m["type"] == "http.response.start"] == [503]
    assert sent[0][0] < 0.5
    assert b"finally" not in b"".join(m.get("body", b"") for _, m in sent)
    assert took >= 0.55  # the view's thread finished; Django then closed the request

"""Live map updates: change stamps and NOTIFY on commit, the event stream, polling, the page."""

from __future__ import annotations

import asyncio
import concurrent.futures
import http.client
import json
import time
from urllib.parse import urlsplit

import pytest
from django.db import connection, transaction
from django.urls import reverse

from debates import live, services
from debates.models import ClaimEdit, Debate
from debates.services import events

from .factories import ClaimFactory, DebateFactory, make_claim

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "map-tree"}

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="LISTEN/NOTIFY needs PostgreSQL"
)


def batches(callbacks) -> list:
    return [c for c in callbacks if isinstance(c, events._Batch)]


def forget_pending_changes() -> None:
    """As if the set-up had committed: a test runs inside one transaction, so the set-up's
    changes would otherwise share their notification batch with the test's own."""
    connection._crux_live_batch = None


@pytest.fixture
def issue(debate, teacher):
    claim = ClaimFactory(debate=debate, author=teacher, text="Do rivers make towns rich?")
    forget_pending_changes()
    return claim


# --- stamps: one per committed transaction -------------------------------------------------


def test_a_transaction_with_many_changes_touches_each_debate_once(
    debate, teacher, issue, django_capture_on_commit_callbacks
):
    other = DebateFactory(owner=teacher)
    forget_pending_changes()
    before = live.debate_stamp(debate_id=debate.pk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for n in range(3):
            services.claim_add(actor=teacher, debate=debate, parent=issue, text=f"P{n}")
        services.claim_add(actor=teacher, debate=other, text="Another issue?")
    [batch] = batches(callbacks)
    assert batch.debate_ids == {debate.pk, other.pk}
    assert live.debate_stamp(debate_id=debate.pk) != before


def test_a_notice_lost_after_the_commit_is_logged_not_raised(
    debate, teacher, issue, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    """The database went away between the write's commit and the stamp/NOTIFY (a restart):
    the write stands and the request does not fail. Django logs a failed robust callback by
    its __qualname__, which the batch must have (it was an AttributeError, so a 500)."""
    from django.db import OperationalError

    def lost(**kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(events, "map_changes_publish", lost)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        claim = services.claim_add(actor=teacher, debate=debate, parent=issue, text="Kept?")
    assert claim.pk and debate.claims.filter(pk=claim.pk).exists()
    assert "map_changes_publish" in caplog.text


def test_a_rolled_back_change_tells_nobody(
    debate, issue, teacher, django_capture_on_commit_callbacks
):
    before = live.debate_stamp(debate_id=debate.pk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.claim_edit(
                actor=teacher, claim=issue, text="Changed, then rolled back", base_version=1
            )
            raise RuntimeError("abort")
        # The next transaction starts a fresh batch rather than joining the discarded one.
        with transaction.atomic():
            services.claim_add(actor=teacher, debate=debate, text="A second issue?")
    assert len(batches(callbacks)) == 1
    assert live.debate_stamp(debate_id=debate.pk) != before


def test_a_write_outside_the_services_tells_nobody(
    debate, issue, django_capture_on_commit_callbacks
):
    """Events start from the services, not from model signals."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ClaimFactory(debate=debate, text="Written straight to the table?")
    assert batches(callbacks) == []


@pytest.mark.parametrize("kind", ["evidence", "link", "edit", "delete"])
def test_evidence_links_edits_and_deletes_touch_their_debate(
    kind, debate, issue, teacher, student, source, django_capture_on_commit_callbacks
):
    position = ClaimFactory(
        debate=debate, kind="position", parent=issue, relation="answers", text="Yes"
    )
    other = ClaimFactory(
        debate=debate, kind="position", parent=issue, relation="answers", text="No"
    )
    argument = ClaimFactory(
        debate=debate,
        kind="argument",
        parent=position,
        relation="supports",
        text="Ports",
        author=student,
    )
    passage = source.passages.first()
    forget_pending_changes()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        if kind == "evidence":
            services.evidence_attach(actor=teacher, claim=position, passage=passage)
        elif kind == "link":
            services.claim_link(actor=teacher, claim=argument, parent=other, stance="opposes")
        elif kind == "edit":
            # The student proposes: a pending edit, which the map marks.
            services.claim_edit(actor=student, claim=argument, text="Ports, mostly", base_version=1)
            assert ClaimEdit.objects.filter(claim=argument).exists()
        else:
            services.claim_delete(actor=teacher, claim=other)
    assert [b.debate_ids for b in batches(callbacks)] == [{debate.pk}]


def test_publishing_changes_gives_a_new_stamp(debate):
    before = live.debate_stamp(debate_id=debate.pk)
    stamp = events.map_changes_publish(debate_ids=[debate.pk])
    assert stamp == live.debate_stamp(debate_id=debate.pk) != before
    assert stamp.isdigit()


# --- the refresh the page asks for -----------------------------------------------------------


def refresh_url(debate, since: str) -> str:
    return reverse("debates:map_refresh", args=[debate.slug]) + f"?since={since}"


def test_refresh_is_204_while_the_map_is_unchanged(client, debate, issue):
    stamp = live.debate_stamp(debate_id=debate.pk)
    response = client.get(refresh_url(debate, stamp), **HTMX)
    assert response.status_code == 204
    assert response.content == b""


def test_refresh_returns_the_tree_and_the_new_stamp_after_a_change(client, debate, issue):
    old = live.debate_stamp(debate_id=debate.pk)
    ClaimFactory(debate=debate, text="Should towns fear floods?")
    new = events.map_changes_publish(debate_ids=[debate.pk])
    response = client.get(refresh_url(debate, old), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="map-tree"')
    assert "Should towns fear floods?" in html
    assert f'id="map-live-stamp" name="since" value="{new}" hx-swap-oob="true"' in html
    assert "Map updated" in html
    # With the new stamp the next poll is cheap again.
    assert client.get(refresh_url(debate, new), **HTMX).status_code == 204


def test_refresh_shows_others_only_what_the_map_shows_them(client, debate, issue, student):
    make_claim(
        debate=debate,
        kind="position",
        parent=issue,
        text="A proposal waiting for review",
        author=student,
    )
    html = client.get(refresh_url(debate, "0"), **HTMX).content.decode()
    assert "Do rivers make towns rich?" in html
    assert "A proposal waiting for review" not in html
    client.force_login(student)
    html = client.get(refresh_url(debate, "0"), **HTMX).content.decode()
    assert "A proposal waiting for review" in html


def test_refresh_without_htmx_redirects_to_the_map(client, debate):
    response = client.get(refresh_url(debate, "0"))
    assert response.status_code == 302
    assert response["Location"] == debate.get_absolute_url()


@pytest.mark.parametrize("name", ["map_refresh", "map_events"])
def test_private_debates_live_urls_are_404_for_outsiders(client, outsider, teacher, name):
    private = DebateFactory(owner=teacher, visibility=Debate.Visibility.PRIVATE)
    client.force_login(outsider)
    response = client.get(reverse(f"debates:{name}", args=[private.slug]), **HTMX)
    assert response.status_code == 404
    client.force_login(teacher)
    response = client.get(reverse(f"debates:{name}", args=[private.slug]), **HTMX)
    # The owner sees it: 200/204 (refresh), or 204 (events under the test client's WSGI).
    assert response.status_code in (200, 204)


def test_events_say_no_content_where_the_page_polls(client, debate):
    response = client.get(reverse("debates:map_events", args=[debate.slug]))
    assert response.status_code == 204
    assert "polling" in response["X-Crux-Live"]


# --- caps: streams per client and per process ------------------------------------------------


def run_async(scenario):
    """`scenario()` on an event loop in a thread of its own (Playwright's sync API may own
    this thread's loop), bounded in time."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, asyncio.wait_for(scenario(), 10)).result()


@pytest.fixture
def as_under_uvicorn(monkeypatch):
    """The events view streams, as under an ASGI server on PostgreSQL (any database here).

    Needs committed data (transactional_db): the view's database work runs in another thread
    and closes its connection."""
    monkeypatch.setattr(live, "sse_available", lambda request: True)
    assert live.slots.total == 0
    yield
    assert live.slots.total == 0, "a test left streams counted"


@pytest.fixture
def instant_hub(as_under_uvicorn, monkeypatch):
    """…with a hub that listens at once, without a database connection."""

    async def subscribe(self, debate_id):
        queue = asyncio.Queue()
        self.queues.setdefault(debate_id, set()).add(queue)
        return queue

    monkeypatch.setattr(live._Hub, "subscribe", subscribe)


def browser_at(address: str = "127.0.0.1"):
    """An AsyncClient whose requests come from `address` (the ASGI scope's client)."""
    from django.test import AsyncClient

    class At(AsyncClient):
        def _base_scope(self, **request):
            return {**super()._base_scope(**request), "client": [address, 50000]}

    return At()


def events_url(debate) -> str:
    return reverse("debates:map_events", args=[debate.slug])


@pytest.mark.django_db(transaction=True)
def test_streams_past_the_per_client_cap_are_429_with_retry_after(debate, settings, instant_hub):
    settings.CRUX_SSE_MAX_PER_CLIENT = 2
    settings.CRUX_SSE_MAX_PER_PROCESS = 10

    async def scenario():
        browser = browser_at("127.0.0.1")
        first, second, third = [await browser.get(events_url(debate)) for _ in range(3)]
        elsewhere = await browser_at("10.0.0.9").get(events_url(debate))
        counted = dict(live.slots.by_client)
        first.close()  # that viewer leaves: its address may open another
        fourth = await browser.get(events_url(debate))
        for response in (second, elsewhere, fourth):
            response.close()
        return [first, second, third, elsewhere, fourth], counted

    (first, second, third, elsewhere, fourth), counted = run_async(scenario)
    assert [r.status_code for r in (first, second, elsewhere, fourth)] == [200] * 4
    assert first["Content-Type"] == "text/event-stream"
    assert counted == {"127.0.0.1": 2, "10.0.0.9": 1}
    assert third.status_code == 429
    assert third["Retry-After"] == str(live.BUSY_RETRY_SECONDS)
    assert third["Content-Type"].startswith("text/plain")
    assert "Too many live map connections from your address" in third.content.decode()
    assert third["X-Crux-Live"].startswith("polling")


@pytest.mark.django_db(transaction=True)
def test_streams_past_the_per_process_cap_are_503_with_retry_after(debate, settings, instant_hub):
    settings.CRUX_SSE_MAX_PER_CLIENT = 0  # off
    settings.CRUX_SSE_MAX_PER_PROCESS = 2

    async def scenario():
        responses = [await browser_at(f"10.0.0.{n}").get(events_url(debate)) for n in range(3)]
        for response in responses:
            response.close()
        return responses

    opened, opened_too, refused = run_async(scenario)
    assert (opened.status_code, opened_too.status_code) == (200, 200)
    assert refused.status_code == 503
    assert refused["Retry-After"] == str(live.BUSY_RETRY_SECONDS)
    assert "polling" in refused.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_refused_stream_does_no_database_work(debate, settings, instant_hub):
    settings.CRUX_SSE_MAX_PER_CLIENT = 1
    calls = []

    async def scenario():
        browser = browser_at()
        held = await browser.get(events_url(debate))
        real = live.run_db

        async def counting(func, *args):
            calls.append(func)
            return await real(func, *args)

        live.run_db = counting
        try:
            refused = await browser.get(events_url(debate))
        finally:
            live.run_db = real
            held.close()
        return refused

    assert run_async(scenario).status_code == 429
    assert calls == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("failure", ["unavailable", "times out"])
def test_a_stream_answers_503_and_closes_its_connection_when_the_hub_cannot_listen(
    debate, monkeypatch, as_under_uvicorn, failure
):
    """Today's failure: `subscribe` timed out inside the body, after a 200, with the
    connection that checked visibility still open."""
    from asgiref.sync import sync_to_async
    from django.db import connections

    if failure == "unavailable":

        async def subscribe(self, debate_id):
            raise live.HubUnavailable(7)

        monkeypatch.setattr(live._Hub, "subscribe", subscribe)
    else:

        async def never_connects(self):
            await asyncio.sleep(3600)

        monkeypatch.setattr(live._Hub, "_listen", never_connects)
        monkeypatch.setattr(live, "LISTEN_TIMEOUT_SECONDS", 0.2)

    async def scenario():
        response = await browser_at().get(events_url(debate))
        # The view's database work ran in this loop's one sync thread: is its connection open?
        still_open = await sync_to_async(lambda: connections["default"].connection is not None)()
        hub = live._hub()
        return response, still_open, dict(hub.queues), hub.task

    response, still_open, queues, task = run_async(scenario)
    assert response.status_code == 503
    assert int(response["Retry-After"]) == (7 if failure == "unavailable" else 1)
    assert "unavailable" in response.content.decode()
    assert (queues, task) == ({}, None)
    assert live.slots.total == 0
    if connection.vendor != "sqlite":  # closing an in-memory SQLite database is a no-op
        assert not still_open


@pytest.mark.django_db(transaction=True)
def test_a_stream_gives_back_its_slot_and_queue_when_the_viewer_leaves(debate, instant_hub):
    import contextlib
    import gc

    async def scenario():
        slot = live.slots.take("10.0.0.1")
        stream = live.MapStream(debate_id=debate.pk, since="", slot=slot)
        await stream.open()
        frames = stream.frames()
        first = await anext(frames)
        waiting = asyncio.ensure_future(anext(frames))
        await asyncio.sleep(0.05)
        open_then = (live.slots.total, len(live._hub().queues))
        waiting.cancel()  # what Django does when the client disconnects
        with contextlib.suppress(asyncio.CancelledError):
            await waiting
        left = (live.slots.total, len(live._hub().queues))

        # A response whose body never started, dropped without close(): given back too.
        from debates.views.live import EventStreamResponse

        never = live.MapStream(debate_id=debate.pk, since="", slot=live.slots.take("10.0.0.2"))
        await never.open()
        response = EventStreamResponse(never)
        del response, never
        gc.collect()
        await asyncio.sleep(0)
        dropped = (live.slots.total, len(live._hub().queues))
        return first, open_then, left, dropped

    first, open_then, left, dropped = run_async(scenario)
    assert first.startswith("retry: ")
    assert open_then == (1, 1)
    assert left == (0, 0)
    assert dropped == (0, 0)


# --- the map page's wiring -------------------------------------------------------------------


def test_map_page_polls_with_its_stamp_when_events_are_unavailable(client, debate, settings):
    settings.CRUX_POLL_SECONDS = 3
    html = client.get(debate.get_absolute_url()).content.decode()
    stamp = live.debate_stamp(debate_id=debate.pk)
    assert 'data-live-mode="poll"' in html
    assert f'id="map-live-stamp" name="since" value="{stamp}"' in html
    assert f'hx-get="{reverse("debates:map_refresh", args=[debate.slug])}"' in html
    # static/crux/live.js runs the timer: trigger filters would need eval (see test_headers).
    assert 'hx-trigger="crux:live-refresh" data-live-poll="3"' in html
    assert "sse-connect" not in html
    assert 'role="status" aria-live="polite"' in html
    assert "crux/live.js" in html


def test_map_page_listens_to_events_on_postgresql_under_asgi(client, debate, monkeypatch):
    monkeypatch.setattr(live, "sse_available", lambda request: True)
    html = client.get(debate.get_absolute_url()).content.decode()
    stamp = live.debate_stamp(debate_id=debate.pk)
    events = reverse("debates:map_events", args=[debate.slug])
    assert 'data-live-mode="events"' in html
    assert f'hx-ext="sse" sse-connect="{events}?since={stamp}"' in html
    # static/crux/live.js holds a pushed change back and runs the timers (no eval under the
    # Content-Security-Policy): it re-checks an owed update every 5s and, should the stream
    # be refused (429/503) or lost, polls every 2s until it is back.
    assert 'hx-trigger="sse:map-changed, crux:live-refresh"' in html
    assert 'data-live-recheck="5" data-live-poll="2"' in html
    assert 'hx-target="#map-tree" hx-swap="outerHTML"' in html
    assert "hx-sse-2" in html  # the extension's script, from {% htmx_script %}


def test_events_need_postgresql_and_asgi(rf):
    request = rf.get("/")
    assert live.sse_available(request) is False  # a WSGI request, whatever the database


def test_listener_connects_to_the_database_django_uses(monkeypatch):
    from django.conf import settings

    # Read at run time, as the test runner renames the database after start-up.
    fake = {
        **settings.DATABASES["default"],
        "NAME": "test_crux_x",
        "USER": "crux",
        "PASSWORD": "secret word",
        "HOST": "db.internal",
        "PORT": 5433,
        "OPTIONS": {"sslmode": "require", "server_side_binding": True},
    }
    monkeypatch.setitem(settings.DATABASES, "default", fake)
    info = live.listen_conninfo()
    assert "dbname=test_crux_x" in info
    assert "password='secret word'" in info
    assert "port=5433" in info
    assert "sslmode=require" in info
    assert "server_side_binding" not in info


def test_event_frames_carry_the_stamp_as_their_id():
    frame = live.event_frame(stamp="123", debate_id=7)
    assert frame == 'id: 123\nevent: map-changed\ndata: {"debate": 7, "stamp": "123"}\n\n'


# --- PostgreSQL: NOTIFY, the event stream, a browser -------------------------------------------


def listener():
    import psycopg

    conn = psycopg.connect(live.listen_conninfo(), autocommit=True)
    conn.execute(f"LISTEN {live.CHANNEL}")
    return conn


def heard(conn, seconds: float = 1.0) -> list[dict]:
    return [json.loads(n.payload) for n in conn.notifies(timeout=seconds)]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_notify_per_committed_transaction_per_debate_and_none_on_rollback(teacher):
    first = DebateFactory(owner=teacher)
    second = DebateFactory(owner=teacher)
    conn = listener()
    try:
        with transaction.atomic():
            issue = services.claim_add(actor=teacher, debate=first, text="Issue one?")
            services.claim_add(actor=teacher, debate=first, parent=issue, text="Yes")
            services.claim_add(actor=teacher, debate=second, text="Issue two?")
        notes = heard(conn)
        assert sorted(n["debate"] for n in notes) == [first.pk, second.pk]
        stamps = {n["debate"]: n["stamp"] for n in notes}
        assert stamps[first.pk] == live.debate_stamp(debate_id=first.pk)

        with pytest.raises(RuntimeError), transaction.atomic():
            services.claim_add(actor=teacher, debate=first, text="Never committed?")
            raise RuntimeError("abort")
        assert heard(conn, 0.5) == []
    finally:
        conn.close()


def open_stream(base: str, path: str, headers: dict | None = None):
    url = urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
    conn.request("GET", path, headers={"Accept": "text/event-stream", **(headers or {})})
    return conn, conn.getresponse()


def read_frame(response) -> str:
    lines = []
    while True:
        line = response.readline().decode()
        if line in ("\n", ""):
            return "".join(lines)
        lines.append(line)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_event_stream_reports_a_published_claim_within_two_seconds(
    asgi_live_server, debate, teacher, issue
):
    path = reverse("debates:map_events", args=[debate.slug])
    stamp = live.debate_stamp(debate_id=debate.pk)
    conn, response = open_stream(asgi_live_server, f"{path}?since={stamp}")
    try:
        assert response.status == 200
        assert response.getheader("Content-Type").startswith("text/event-stream")
        assert response.getheader("Cache-Control") == "no-cache"
        assert response.getheader("X-Accel-Buffering") == "no"
        assert read_frame(response).startswith("retry: ")  # listening from here on

        started = time.monotonic()
        services.claim_add(actor=teacher, debate=debate, parent=issue, text="Yes, through trade")
        frame = read_frame(response)
        assert time.monotonic() - started < 2
        assert "event: map-changed" in frame
        assert f"id: {live.debate_stamp(debate_id=debate.pk)}" in frame
    finally:
        conn.close()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_event_stream_catches_up_on_a_change_it_missed(asgi_live_server, debate, issue):
    path = reverse("debates:map_events", args=[debate.slug])
    # A reconnecting browser sends the last stamp it saw; the map has changed since.
    conn, response = open_stream(asgi_live_server, path, {"Last-Event-ID": "1"})
    try:
        assert read_frame(response).startswith("retry: ")
        assert "event: map-changed" in read_frame(response)
    finally:
        conn.close()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_event_stream_of_a_private_debate_is_404_for_anonymous(asgi_live_server, teacher):
    private = DebateFactory(owner=teacher, visibility=Debate.Visibility.PRIVATE)
    conn, response = open_stream(
        asgi_live_server, reverse("debates:map_events", args=[private.slug])
    )
    try:
        assert response.status == 404
    finally:
        conn.close()


@postgres_only
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_viewer_sees_a_new_claim_appear_without_reloading(
    page, asgi_live_server, debate, teacher, issue
):
    from playwright.sync_api import expect

    page.add_init_script(
        "window.__sseOpen = false;"
        "document.addEventListener('htmx:sseOpen', () => { window.__sseOpen = true; });"
    )
    page.goto(f"{asgi_live_server}{debate.get_absolute_url()}")
    expect(page.locator("[data-live-mode]")).to_have_attribute("data-live-mode", "events")
    # A function, not an expression: Playwright evals an expression in the page, which the
    # Content-Security-Policy refuses.
    page.wait_for_function("() => window.__sseOpen === true")
    page.evaluate("window.__marker = 'same page'")

    services.claim_add(
        actor=teacher, debate=debate, parent=issue, text="Yes, rivers carried their trade"
    )
    expect(page.locator("#map-tree")).to_contain_text(
        "Yes, rivers carried their trade", timeout=3000
    )
    expect(page.get_by_role("status").filter(has_text="Map updated")).to_have_count(1)
    assert page.evaluate("window.__marker") == "same page"


@postgres_only
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_viewer_whose_stream_is_refused_sees_changes_by_polling(
    page, asgi_live_server, debate, teacher, issue, settings
):
    from playwright.sync_api import expect

    settings.CRUX_POLL_SECONDS = 1
    settings.CRUX_SSE_MAX_PER_CLIENT = 1
    held = live.slots.take("127.0.0.1")  # this address already has its one stream
    try:
        page.goto(f"{asgi_live_server}{debate.get_absolute_url()}")
        box = page.locator("[data-live-mode]")
        expect(box).to_have_attribute("data-live-mode", "events")
        expect(box).to_have_attribute("data-live-stream", "down")
        services.claim_add(actor=teacher, debate=debate, parent=issue, text="Yes, by polling")
        expect(page.locator("#map-tree")).to_contain_text("Yes, by polling", timeout=4000)
    finally:
        held.release()


# --- polling in a browser (any database: Django's live server is WSGI, so pages poll) ---------


@pytest.fixture
def polled_map(live_server, settings, debate, teacher, issue):
    settings.CRUX_POLL_SECONDS = 1
    position = ClaimFactory(
        debate=debate, kind="position", parent=issue, relation="answers", text="Yes"
    )
    ClaimFactory(debate=debate, kind="argument", parent=position, relation="supports", text="Ports")
    return f"{live_server.url}{debate.get_absolute_url()}"


def add_position(debate, issue, teacher, text: str) -> None:
    services.claim_add(actor=teacher, debate=debate, parent=issue, text=text)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_polling_page_shows_new_claims_and_keeps_folded_branches_folded(
    page, polled_map, debate, teacher, issue
):
    from playwright.sync_api import expect

    page.goto(polled_map)
    expect(page.locator("[data-live-mode]")).to_have_attribute("data-live-mode", "poll")
    folded = page.locator(f"#claim-{issue.pk} li.node-position").first.locator("> details")
    folded.evaluate("details => { details.open = false; }")  # the viewer folds a branch
    expect(folded).not_to_have_attribute("open", "")

    add_position(debate, issue, teacher, "No, floods ruin them")
    expect(page.locator("#map-tree")).to_contain_text("No, floods ruin them", timeout=3000)
    expect(page.locator("#map-live-status")).to_have_text("Map updated with the latest changes.")
    expect(folded).not_to_have_attribute("open", "")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_refresh_waits_while_the_viewer_types_in_the_map(
    page, polled_map, debate, teacher, issue
):
    from playwright.sync_api import expect

    page.goto(polled_map)
    # An edit panel as the editing feature opens one inside the tree.
    page.evaluate(
        """() => {
          const form = document.createElement("form");
          form.innerHTML = '<label for="t">Text</label><textarea id="t"></textarea>';
          document.querySelector("#map-tree li").append(form);
        }"""
    )
    page.get_by_label("Text").fill("half a thought")
    add_position(debate, issue, teacher, "Only where the river is navigable")
    page.wait_for_timeout(2500)
    expect(page.locator("#map-tree")).not_to_contain_text("Only where the river is navigable")
    expect(page.get_by_label("Text")).to_have_value("half a thought")

    page.evaluate("document.querySelector('#map-tree form').remove()")
    expect(page.locator("#map-tree")).to_contain_text(
        "Only where the river is navigable", timeout=3000
    )


@pytest.mark.django_db(transaction=True)  # the check closes its thread's connections
def test_an_open_stream_asks_again_whether_the_viewer_may_still_see_the_map(
    debate, student, teacher
):
    from debates.views.live import _still_visible

    debate.visibility = Debate.Visibility.PRIVATE
    debate.save()
    assert _still_visible(student, debate.pk) is True  # a member (viewer) of the debate
    student.memberships.filter(debate=debate).delete()
    assert _still_visible(student, debate.pk) is False  # the role cache is dropped first
    assert _still_visible(teacher, debate.pk) is True


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_stream_ends_once_the_viewer_may_no_longer_see_the_map(debate, monkeypatch):
    monkeypatch.setattr(live, "KEEPALIVE_SECONDS", 0.05)
    monkeypatch.setattr(live, "RECHECK_EVERY", 2)
    answers = iter([True, False])

    async def still_allowed() -> bool:
        return next(answers)

    async def drain() -> list[str]:
        stream = live.MapStream(debate_id=debate.pk, since="", still_allowed=still_allowed)
        await stream.open()
        return [frame async for frame in stream.frames()]

    frames = run_async(drain)
    assert frames[0].startswith("retry: ")
    # Two keepalives, a check (yes), two more, a check (no): the stream ends by itself.
    assert frames[1:] == [": keepalive\n\n"] * 3

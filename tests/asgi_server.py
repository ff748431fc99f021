"""`asgi_live_server`: Crux under uvicorn, in a background thread, on the test database.

Django's own `live_server` is WSGI, which cannot stream server-sent events (it would buffer
an endless body), so tests of live updates serve `config.asgi.application` the way
production does. Static files are served from the finders, as `live_server` does.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest


@pytest.fixture
def asgi_live_server(transactional_db, settings):
    """Yield the base URL (http://127.0.0.1:PORT) of a running uvicorn; stop it afterwards.

    Needs committed data (transactional_db): the server's own connections cannot see a test
    transaction that is never committed.
    """
    import uvicorn
    from asgiref.sync import SyncToAsync
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.db import connections

    from config.asgi import application

    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    # As in production under ASGI (README): no persistent connections, since every request
    # runs its synchronous parts in a thread of its own that ends with it.
    database = connections.settings["default"]
    conn_max_age, database["CONN_MAX_AGE"] = database["CONN_MAX_AGE"], 0
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # a free port, held until uvicorn takes the socket over
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        ASGIStaticFilesHandler(application),
        lifespan="off",
        log_level="warning",
        # Open event streams never end by themselves: give them a moment, then cut them.
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="asgi-live-server", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        database["CONN_MAX_AGE"] = conn_max_age
        # Work run through sync_to_async outside a request uses asgiref's one shared thread,
        # whose connection would outlive the server: close it there, as Django's live server
        # closes its own, or the test database cannot be dropped at the end. (The LISTEN
        # connection closed with uvicorn's event loop.)
        SyncToAsync.single_thread_executor.submit(connections.close_all).result(timeout=10)

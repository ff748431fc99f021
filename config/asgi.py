"""ASGI entry point: `uvicorn config.asgi:application` (see README, "Serving in production").

Crux is served under ASGI in production so that the live map's server-sent event streams
(debates/views/live.map_events) are coroutines rather than occupied worker threads.
`RequestTimeout` gives every other request a deadline, as a WSGI server's worker timeout
would.
"""

import asyncio
import logging
import os

from django.conf import settings
from django.core.asgi import get_asgi_application

from .startup import settle

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_asgi_application()
settle()  # views and templates loaded, startup objects out of the cycle collector's way
log = logging.getLogger("crux.request_timeout")

TIMEOUT_TEXT = b"This request took too long and was stopped. Please try again later.\n"


class RequestTimeout:
    """Answer 503 to an HTTP request whose response has not started within the deadline.

    The deadline (CRUX_REQUEST_TIMEOUT_SECONDS, read per request; 0 turns it off) runs from
    the request's arrival until its response starts. A response that has started is left
    alone: an event stream starts at once and then lasts as long as its page is open, with
    its own keepalives and re-checks. When the deadline passes, the client gets its 503 at
    once and the application hears that the client went away (`receive` says
    `http.disconnect`), so Django cancels an async view and, as after any disconnect, closes
    the request's database connection once its work is done. A synchronous view's thread
    cannot be interrupted: it runs to its end in the background and what it answers is
    dropped. Anything but HTTP (lifespan, websockets) passes straight through.
    """

    def __init__(self, app, seconds: float | None = None) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope, receive, send) -> None:
        seconds = self.seconds
        if seconds is None:
            seconds = settings.CRUX_REQUEST_TIMEOUT_SECONDS
        if scope["type"] != "http" or not seconds or seconds <= 0:
            await self.app(scope, receive, send)
            return
        expired = asyncio.Event()
        started = False

        async def timed_receive():
            if expired.is_set():
                return {"type": "http.disconnect"}
            message = asyncio.ensure_future(receive())
            deadline = asyncio.ensure_future(expired.wait())
            try:
                await asyncio.wait({message, deadline}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                deadline.cancel()
                if not message.done():
                    message.cancel()
            if message.done() and not message.cancelled():
                return message.result()
            return {"type": "http.disconnect"}

        async def timed_send(message) -> None:
            nonlocal started
            if expired.is_set():
                return  # the client already has its 503
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        app = asyncio.ensure_future(self.app(scope, timed_receive, timed_send))
        try:
            done, _ = await asyncio.wait({app}, timeout=seconds)
            if not done and not started:
                expired.set()
                log.warning(
                    "%s %s: no response after %s s, answered 503",
                    scope.get("method"),
                    scope.get("path"),
                    seconds,
                )
                await send(
                    {
                        "type": "http.response.start",
                        "status": 503,
                        "headers": [
                            (b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(TIMEOUT_TEXT)).encode()),
                            (b"cache-control", b"no-store"),
                            (b"connection", b"close"),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": TIMEOUT_TEXT})
            await app
        finally:
            if not app.done():
                app.cancel()


application = RequestTimeout(django_application)

"""Signing people out after CRUX_SESSION_IDLE_MINUTES without a request."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.utils.deprecation import MiddlewareMixin

LAST_SEEN = "crux_last_seen"
# Requests a page makes by itself (live map updates): they are subject to the timeout but
# do not count as activity, or an open map would keep its session alive for ever.
PASSIVE_VIEWS = frozenset({"debates:map_events", "debates:map_refresh"})


def remember_login(sender, request, user, **kwargs) -> None:
    """user_logged_in: a login is activity (and so the first page after it writes nothing)."""
    session = getattr(request, "session", None)
    if session is not None:
        session[LAST_SEEN] = int(time.time())


class IdleSessionMiddleware(MiddlewareMixin):
    """Keep a signed-in session's last activity (to CRUX_SESSION_TOUCH_SECONDS, so a session
    is written at most about once a minute) and log it out once it has been idle longer than
    CRUX_SESSION_IDLE_MINUTES (0: never). Runs in process_view, where the view is known."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = getattr(settings, "CRUX_SESSION_IDLE_MINUTES", 0) * 60
        session = getattr(request, "session", None)
        if limit <= 0 or session is None or SESSION_KEY not in session:
            return None
        now = int(time.time())
        last_seen = session.get(LAST_SEEN)
        if isinstance(last_seen, int) and now - last_seen > limit:
            logout(request)
            minutes = limit // 60
            messages.info(
                request,
                f"You were logged out after {minutes} minutes without activity. "
                "Log in again to carry on.",
            )
            return None
        passive = getattr(request.resolver_match, "view_name", "") in PASSIVE_VIEWS
        touch = min(getattr(settings, "CRUX_SESSION_TOUCH_SECONDS", 60), limit // 10)
        stale = not isinstance(last_seen, int) or now - last_seen >= touch
        if stale and not (passive and isinstance(last_seen, int)):
            session[LAST_SEEN] = now
        return None

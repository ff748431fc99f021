"""Write throttle: a token bucket per person (or per client address when signed out).

Every unsafe request (POST, PUT, PATCH, DELETE) to the site spends one token; a bucket holds
`CRUX_WRITE_BURST` tokens and refills at `CRUX_WRITE_RATE` a second. An empty bucket answers
429 with `Retry-After`: a message the page shows in place for htmx, a JSON error in the W3C
shape for the API, a short page otherwise. Login is left to django-axes, logout and the
admin are not counted.

The buckets live in Django's cache framework (the `throttle` cache: a database table, see
`CACHES` in config/settings.py), so every app process shares them; nothing is kept in
process memory. A bucket is stored as one number, its "theoretical arrival time" (GCRA):
the moment it will be full again. On PostgreSQL a transaction-scoped advisory lock on the
key makes read-and-write atomic across processes; elsewhere (SQLite, development) two
simultaneous requests may both spend the last token.
"""

from __future__ import annotations

import math
import time
import zlib

from django.conf import settings
from django.core.cache import caches
from django.db import connections, router, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from .errors import RateLimited

CACHE_ALIAS = "throttle"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# URL names (namespace:name) not counted: django-axes guards login; logging out is harmless.
EXEMPT_URL_NAMES = frozenset({"login", "logout"})
EXEMPT_NAMESPACES = frozenset({"admin"})


def _cache():
    return caches[CACHE_ALIAS]


def _database(cache) -> str | None:
    """The database a DatabaseCache writes to, or None for another kind of cache."""
    model = getattr(cache, "cache_model_class", None)
    return router.db_for_write(model) if model is not None else None


def _lock(alias: str | None, keys: list[str]) -> None:
    """Serialise buckets across processes until the transaction ends (PostgreSQL only)."""
    if alias is None:
        return
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted(keys):
            # Two-key advisory lock: a fixed class id for Crux throttles, then the key's hash.
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [0x0C7, zlib.crc32(key.encode()) - 2**31],
            )


def take(keys: list[str], *, rate: float, burst: int, now: float | None = None) -> float:
    """Spend one token from each bucket in `keys`; 0.0 if allowed, else the seconds to wait.

    A refused request spends nothing. Rate 0 (or burst 0) means no limit.
    """
    if rate <= 0 or burst <= 0 or not keys:
        return 0.0
    interval = 1.0 / rate
    capacity = burst * interval
    cache = _cache()
    alias = _database(cache)
    with transaction.atomic(using=alias or "default"):
        _lock(alias, keys)
        now = time.time() if now is None else now
        stored = cache.get_many(keys)
        arrivals = {}
        wait = 0.0
        for key in keys:
            arrival = max(float(stored.get(key, now)), now) + interval
            over = arrival - now - capacity
            if over > 1e-9:
                wait = max(wait, over)
            arrivals[key] = arrival
        if wait:
            return wait
        for key, arrival in arrivals.items():
            # Past its arrival time the bucket is full again, which an absent key also means.
            cache.set(key, arrival, timeout=math.ceil(arrival - now) + 1)
    return 0.0


def client_address(request: HttpRequest) -> str:
    """The address the request came from, as the live-update cap counts it."""
    return request.META.get("REMOTE_ADDR") or "unknown"


def _api_user_id(request: HttpRequest) -> int | None:
    """The user a `Token` Authorization header names (the API authenticates in the view, after
    middleware), or None."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.lower().startswith("token "):
        return None
    from rest_framework.authentication import TokenAuthentication
    from rest_framework.exceptions import AuthenticationFailed

    try:
        found = TokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        return None
    return found[0].pk if found else None


def bucket_keys(request: HttpRequest) -> list[str]:
    """Whose bucket a write spends: the signed-in person's, else the client address's.

    Signed-in people are not also counted by address, so a classroom behind one NAT address
    is not throttled as one person; sign-ups, and whatever else is posted signed out, are.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return [f"w:u:{user.pk}"]
    api_user = _api_user_id(request)
    if api_user is not None:
        return [f"w:u:{api_user}"]
    return [f"w:ip:{client_address(request)}"]


def check(request: HttpRequest) -> None:
    """Raise `RateLimited` when this write is over the limit; spend a token otherwise."""
    wait = take(
        bucket_keys(request),
        rate=float(getattr(settings, "CRUX_WRITE_RATE", 1)),
        burst=int(getattr(settings, "CRUX_WRITE_BURST", 10)),
    )
    if wait:
        raise RateLimited(wait)


def _wants_json(request: HttpRequest, view_func) -> bool:
    if hasattr(view_func, "cls"):  # a Django REST framework view (the W3C protocol)
        return True
    accept = request.META.get("HTTP_ACCEPT", "")
    content_type = request.META.get("CONTENT_TYPE", "")
    return "json" in content_type or ("json" in accept and "html" not in accept)


def _back_url(request: HttpRequest) -> str | None:
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return None


def limited_response(request: HttpRequest, error: RateLimited, view_func=None) -> HttpResponse:
    """The 429 answer: JSON for the API, a fragment for htmx, a page otherwise."""
    seconds = error.retry_after
    if request.path.startswith("/api/v1/"):  # the REST API's one error shape
        document = {"status": 429, "code": "throttled", "message": str(error)}
        response: HttpResponse = JsonResponse({"error": document}, status=429)
    elif _wants_json(request, view_func):
        response = JsonResponse({"error": str(error)}, status=429)
    elif getattr(request, "htmx", False):
        response = render(
            request, "429.html#message", {"seconds": seconds, "error": error}, status=429
        )
        # htmx-forms.js shows the message inside the form and leaves the form as it was.
        response["HX-Reswap"] = "none"
    else:
        context = {"seconds": seconds, "error": error, "back": _back_url(request)}
        response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response


class WriteThrottleMiddleware:
    """Counts unsafe requests after CSRF has accepted them (it runs in `process_view`, placed
    after CsrfViewMiddleware), so a forged or malformed request spends nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.method not in UNSAFE_METHODS:
            return None
        match = request.resolver_match
        if match is not None and (
            match.view_name in EXEMPT_URL_NAMES or EXEMPT_NAMESPACES & set(match.namespaces)
        ):
            return None
        try:
            check(request)
        except RateLimited as error:
            return limited_response(request, error, view_func)
        return None

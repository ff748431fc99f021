"""What every v1 endpoint shares: authentication, throttles, cursor pagination, lookups."""

from __future__ import annotations

from django.core.cache import caches
from django.http import Http404
from django.shortcuts import get_object_or_404
from rest_framework import viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from ... import policy
from ...models import Debate

THROTTLE_CACHE = "throttle"  # the database cache every process shares (debates/throttle.py)


class _FromSettings:
    """Rates read from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] on every request (DRF reads
    them once at import), kept in the shared `throttle` cache rather than process memory."""

    scope: str

    @property
    def cache(self):
        return caches[THROTTLE_CACHE]

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_FromSettings, AnonRateThrottle):
    """Signed-out clients, by address: `anon`."""


class UserThrottle(_FromSettings, UserRateThrottle):
    """Signed-in people: `user`."""


class WriteThrottle(_FromSettings, SimpleRateThrottle):
    """Every POST, PUT, PATCH and DELETE, by person (or address): `write`."""

    scope = "write"

    def allow_request(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            ident = request.user.pk
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class TokenThrottle(_FromSettings, SimpleRateThrottle):
    """Asking for a token, by client address: `token` (django-axes also locks out wrong
    passwords, as for the login page)."""

    scope = "token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


THROTTLES = [AnonThrottle, UserThrottle, WriteThrottle]
# Token first: an anonymous write answers 401 with `WWW-Authenticate: Token` (with session
# first, DRF answers 403). Session authentication enforces CSRF, as the pages do.
AUTHENTICATION = [TokenAuthentication, SessionAuthentication]


class Cursor(CursorPagination):
    """Cursor pagination (no offsets): `?cursor=` from `next`/`previous`, `?page_size=`."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "pk"
    invalid_cursor_message = "This cursor is not one the API gave; follow `next` or `previous`."

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:  # a malformed parameter: 400, naming it
            raise ValidationError({"cursor": [self.invalid_cursor_message]}) from None


class ApiMixin:
    authentication_classes = AUTHENTICATION
    throttle_classes = THROTTLES
    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = Cursor


class ViewSet(ApiMixin, viewsets.GenericViewSet):
    """A v1 viewset: the shared settings above. Lists filter with django-filter where a
    viewset (or an action) names its `filterset_class`."""

    filterset_class: type | None = None

    def debate_from_url(self, kwarg: str = "slug") -> Debate:
        """The debate named in the URL, or 404 when the requester may not see it (not 403:
        a private debate's existence is not revealed)."""
        cached = getattr(self, "_debate", None)
        if cached is not None:
            return cached
        debate = get_object_or_404(Debate.objects.select_related("owner"), slug=self.kwargs[kwarg])
        if not policy.can_view_debate(self.request.user, debate):
            raise Http404("No such debate.")
        self._debate = debate
        return debate


def valid(serializer_class, request) -> dict:
    """The request's body, checked by `serializer_class` (its shape only), or a 400."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)

"""Response headers that are not Django's own: Permissions-Policy, and no-store when signed in.

The Content-Security-Policy comes from django-csp (CONTENT_SECURITY_POLICY in settings);
static files never reach this middleware (WhiteNoise answers them first).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control, patch_vary_headers

# Browser features Crux never uses, refused to the page and anything it might embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)


def signed_in(request: HttpRequest) -> bool:
    """Whether the response is someone's own: a session user or an API token's.

    Without a session (no cookie, no login during this request) nobody is signed in, and
    that is known without a query: a refused event stream must not open a database
    connection just to learn its visitor is anonymous.
    """
    if "HTTP_AUTHORIZATION" in request.META:
        return True
    session = getattr(request, "session", None)
    if session is None or session.is_empty():
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class SecurityHeadersMiddleware:
    """Adds Permissions-Policy everywhere, and keeps signed-in pages out of every cache.

    A page rendered for a signed-in person (session or API token) carries their name, drafts
    and moderation queue: `Cache-Control: no-store` keeps it out of shared caches and the
    browser's back/forward cache on a shared computer, and `Vary: Cookie` keeps caches from
    handing one person's page to another. Anonymous pages are left cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if signed_in(request):
            patch_cache_control(response, no_store=True, private=True)
            patch_vary_headers(response, ("Cookie",))
        return response

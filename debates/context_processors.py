"""What every page's header shows a logged-in person: their unread notifications and, if
they moderate any debate, how much waits in their queues.

One query, run only when a template reads `crux_header` (the header does, for logged-in
people); nothing at all for anonymous visitors.
"""

from django.utils.functional import SimpleLazyObject

from .selectors import moderation


def header(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"crux_header": SimpleLazyObject(lambda: moderation.header_counts(user=user))}

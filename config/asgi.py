"""ASGI entry point: `uvicorn config.asgi:application` (see README, "Serving under ASGI").

Crux is served under ASGI in production so that the live map's server-sent event streams
(debates/live_views.map_events) are coroutines rather than occupied worker threads.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()

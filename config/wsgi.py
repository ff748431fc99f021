"""WSGI entry point: `gunicorn config.wsgi` (ASGI is what production uses; see README)."""

import os

from django.core.wsgi import get_wsgi_application

from .startup import settle

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
settle()

"""Settings for the load test: production settings (DEBUG off), served over plain HTTP on
127.0.0.1, so the cookies cannot be Secure; static files collected into a directory of the
run's own (CRUX_LOAD_STATIC_ROOT) rather than the shared checkout's staticfiles/."""

import os

from config.settings import *  # noqa: F403

STATIC_ROOT = os.environ["CRUX_LOAD_STATIC_ROOT"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
# Hashed names as in production, without compressing every file (pages, not static files,
# are what the load test requests; compressing made the set-up minutes longer).
STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
)

"""Settings for the test suite: the real settings with a throwaway key and fast hashing."""

import os

os.environ.setdefault("SECRET_KEY", "insecure-key-for-tests-only")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_AUTOREFRESH = True  # no collectstatic before tests
# Django's test client logs in with authenticate() but no request, which axes refuses; this
# subclass lets only such request-less calls through, so the lockout stays on for the suite.
AUTHENTICATION_BACKENDS = [
    "accounts.lockout.RequestlessTestClientBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Query-count tests must not meet the once-a-minute session write of the idle timeout.
CRUX_SESSION_TOUCH_SECONDS = 3600

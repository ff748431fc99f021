"""Crux settings: everything that differs between machines comes from the environment.

Local defaults need no setup (SQLite file, console email); production is the same code
with DEBUG off, and then refuses to start without SECRET_KEY.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


DEBUG = envbool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production needs a long random SECRET_KEY in the "
            "environment; for local work set DEBUG=1 (make demo does)."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "debates",
    "classes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy on every response Django renders (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Permissions-Policy; Cache-Control: no-store for signed-in people (config/headers.py).
    "config.headers.SecurityHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Answers 400 (saying why) for NUL bytes or lone surrogates in the path, query or form.
    "debates.middleware.BadInputMiddleware",
    "accounts.middleware.IdleSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # After CSRF, sessions and htmx: counts accepted writes (debates/throttle.py).
    "debates.throttle.WriteThrottleMiddleware",
    # Last, as django-axes asks: turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "debates.context_processors.header",
            ],
        },
    },
]

# SQLite file by default so a first run needs no server; PostgreSQL when DATABASE_URL is set.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# PostgreSQL's JIT compiles a plan whose estimated cost is high, and the recursive
# visibility walks (policy.live_paths_q) always look costly to the planner: on the
# benchmark data the reader's query spent 1.3 s compiling to run in 0.2 s. Crux's
# queries are short OLTP reads, so JIT never pays; CRUX_PG_JIT=1 turns it back on.
if DATABASES["default"]["ENGINE"].endswith("postgresql") and not envbool("CRUX_PG_JIT", False):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
# A pool of CRUX_DB_POOL connections per app process (psycopg_pool, PostgreSQL only): under
# ASGI, where persistent connections are not kept (CONN_MAX_AGE=0), a request borrows an
# open connection instead of opening one (~5 ms each on this machine). 0: no pool.
CRUX_DB_POOL = envint("CRUX_DB_POOL", 0)
if CRUX_DB_POOL and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps them instead
    # With health checks on, Django has the pool check a connection before handing it out,
    # so one the database dropped (a restart) is replaced rather than failing a request.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": CRUX_DB_POOL,
        "timeout": 10,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "debates:home"
LOGOUT_REDIRECT_URL = "debates:home"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Crux <crux@localhost>")

# Crux itself.
# How many contributions (claims, evidence links, edits) one person may have waiting for
# review per debate, counted over the last 24 hours; 0 turns the limit off.
CRUX_MAX_PENDING_PER_DAY = envint("CRUX_MAX_PENDING_PER_DAY", 20)
# Live map updates: server-sent events need PostgreSQL's LISTEN/NOTIFY; with SQLite the
# map page polls every CRUX_POLL_SECONDS instead.
CRUX_POLL_SECONDS = envint("CRUX_POLL_SECONDS", 2)
# Open event streams one app process serves, in all and from one client address; past
# either the stream is refused (503 / 429 with Retry-After) and that page polls. 0 = no cap.
CRUX_SSE_MAX_PER_PROCESS = envint("CRUX_SSE_MAX_PER_PROCESS", 200)
CRUX_SSE_MAX_PER_CLIENT = envint("CRUX_SSE_MAX_PER_CLIENT", 8)
# Under ASGI (config/asgi.py), a request whose response has not started after this many
# seconds is answered 503; event streams, which start at once, are not cut. 0 = no limit.
CRUX_REQUEST_TIMEOUT_SECONDS = envint("CRUX_REQUEST_TIMEOUT_SECONDS", 30)
# The site's address, for links in emails (e.g. https://crux.example.org).
CRUX_SITE_URL = os.environ.get("CRUX_SITE_URL", "http://127.0.0.1:8000")
# Shared by every app process: the write throttle's buckets are rows of a database table
# (created by migration debates/0009); "default" stays per-process memory, as before.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "crux_cache",
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
}
# Login lockout (django-axes, see accounts/lockout.py): after CRUX_LOGIN_FAILURE_LIMIT wrong
# passwords for one username from one IP address, that pair may not log in (the admin
# included) for CRUX_LOGIN_COOLOFF_MINUTES. A limit of 0 turns the lockout off; a cool-off
# of 0 locks until an administrator resets it (`manage.py axes_reset`).
CRUX_LOGIN_FAILURE_LIMIT = envint("CRUX_LOGIN_FAILURE_LIMIT", 5)
CRUX_LOGIN_COOLOFF_MINUTES = envint("CRUX_LOGIN_COOLOFF_MINUTES", 15)
# Write throttle (debates/throttle.py): every POST/PUT/PATCH/DELETE but login spends a token
# from a bucket per signed-in person (per client address when signed out) that holds
# CRUX_WRITE_BURST tokens and refills CRUX_WRITE_RATE a second; an empty bucket answers 429
# with Retry-After. Either at 0 turns it off. Buckets live in the "throttle" cache above.
CRUX_WRITE_RATE = float(os.environ.get("CRUX_WRITE_RATE") or 1)
CRUX_WRITE_BURST = envint("CRUX_WRITE_BURST", 10)
# Map imports (debates/services/imports.py): files up to CRUX_IMPORT_MAX_BYTES; those over
# CRUX_IMPORT_INLINE_BYTES go to a background worker (`manage.py db_worker`) with a progress
# page; a running job silent for CRUX_IMPORT_STALE_MINUTES is reported as stopped.
CRUX_IMPORT_MAX_BYTES = envint("CRUX_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
CRUX_IMPORT_INLINE_BYTES = envint("CRUX_IMPORT_INLINE_BYTES", 256 * 1024)
CRUX_IMPORT_STALE_MINUTES = envint("CRUX_IMPORT_STALE_MINUTES", 15)
# Background tasks (django-tasks) kept in the database: no extra server to run.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# How many note threads the reader shows at once; "Show more notes" loads the next page.
CRUX_READER_NOTES_PAGE = envint("CRUX_READER_NOTES_PAGE", 20)
# A signed-in session unused for this long is logged out (accounts/middleware.py); 0: never.
CRUX_SESSION_IDLE_MINUTES = envint("CRUX_SESSION_IDLE_MINUTES", 120)
# How stale the recorded last activity may get before a request writes the session again.
CRUX_SESSION_TOUCH_SECONDS = envint("CRUX_SESSION_TOUCH_SECONDS", 60)

AXES_ENABLED = CRUX_LOGIN_FAILURE_LIMIT > 0
AXES_FAILURE_LIMIT = max(CRUX_LOGIN_FAILURE_LIMIT, 1)
AXES_COOLOFF_TIME = (
    timedelta(minutes=CRUX_LOGIN_COOLOFF_MINUTES) if CRUX_LOGIN_COOLOFF_MINUTES > 0 else None
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True  # a good login forgets that pair's earlier failures
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"  # 429 + Retry-After
AXES_DISABLE_ACCESS_LOG = True  # keep failures only, not a row per successful login
AXES_VERBOSE = False

# The REST API (/api/v1/, debates/api/v1/): rates per client (anonymous, by address), per
# person, for writes, and for getting a token, as "N/second|minute|hour|day"; empty: no limit.
CRUX_API_RATE_ANON = os.environ.get("CRUX_API_RATE_ANON", "120/minute")
CRUX_API_RATE_USER = os.environ.get("CRUX_API_RATE_USER", "600/minute")
CRUX_API_RATE_WRITE = os.environ.get("CRUX_API_RATE_WRITE", "120/minute")
CRUX_API_RATE_TOKEN = os.environ.get("CRUX_API_RATE_TOKEN", "10/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # One error shape for the API: {"error": {"status", "code", "message", "fields"}}.
    "EXCEPTION_HANDLER": "debates.api.v1.errors.handle",
    "DEFAULT_THROTTLE_RATES": {
        "anon": CRUX_API_RATE_ANON or None,
        "user": CRUX_API_RATE_USER or None,
        "write": CRUX_API_RATE_WRITE or None,
        "token": CRUX_API_RATE_TOKEN or None,
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Crux API",
    "DESCRIPTION": "Maps of controversies grounded in source passages.",
    "VERSION": "0.1.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that share a field name, named for what they are.
    "ENUM_NAME_OVERRIDES": {
        "DebateVisibilityEnum": "debates.models.Debate.Visibility",
        "SourceVisibilityEnum": "debates.models.Source.Visibility",
        "AnnotationVisibilityEnum": "debates.models.Annotation.Visibility",
        "AnnotationMotivationEnum": "debates.models.Annotation.Motivation",
        "NoteMotivationEnum": "debates.api.v1.serializers.MOTIVATIONS",
        "ClaimRelationEnum": "debates.models.Claim.Relation",
        "EvidenceRelationEnum": "debates.models.Evidence.Relation",
        "ClaimStatusEnum": "debates.models.Claim.Status",
        "EditStatusEnum": "debates.models.ClaimEdit.Status",
        "VoteQuestionEnum": "debates.models.Vote.Question",
    },
    # The schema endpoint is not an operation of the API it describes.
    "SERVE_INCLUDE_SCHEMA": False,
}

# Production hardening: on whenever DEBUG is off, so `check --deploy` is clean.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A strict policy: no inline script or style and no eval anywhere (htmx's allowEval is off in
# base.html), so every script and style sheet is a file under static/crux/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

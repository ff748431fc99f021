"""Settings come from the environment; production refuses to start without a secret."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_settings(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", f"import config.settings as s; {code}"],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_settings({"DEBUG": "0"}, "print('started')")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_runs_without_secret_key():
    result = run_settings({"DEBUG": "1"}, "print(s.DEBUG)")
    assert result.stdout.strip() == "True"


def test_a_bad_boolean_is_a_loud_error():
    result = run_settings({"DEBUG": "maybe"}, "pass")
    assert "DEBUG must be a boolean" in result.stderr


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("", "django.db.backends.sqlite3"),
        ("postgres://postgres@127.0.0.1:5432/crux", "django.db.backends.postgresql"),
    ],
)
def test_database_url_chooses_the_engine(url, engine):
    env = {"DEBUG": "1"} | ({"DATABASE_URL": url} if url else {})
    result = run_settings(env, "print(s.DATABASES['default']['ENGINE'])")
    assert result.stdout.strip() == engine


def test_production_settings_pass_check_deploy():
    dropped = {"DEBUG", "SECURE_SSL_REDIRECT", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped} | {
        "SECRET_KEY": "a" * 20 + "-production-grade-secret-key-0123456789-XYZ",
        "ALLOWED_HOSTS": "crux.example.org",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_allowed_hosts_from_environment():
    result = run_settings(
        {"DEBUG": "0", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "a.example, b.example"},
        "print(s.ALLOWED_HOSTS)",
    )
    assert result.stdout.strip() == "['a.example', 'b.example']"


@pytest.mark.parametrize(
    ("env", "options"),
    [
        ({}, "-c jit=off"),
        ({"CRUX_PG_JIT": "1"}, None),
    ],
)
def test_postgresql_connections_turn_jit_off(env, options):
    """JIT compiled the reader's visibility query for 1.3 s to run it in 0.2 s: off by
    default on PostgreSQL, back on with CRUX_PG_JIT=1; SQLite has no such option."""
    url = {"DEBUG": "1", "DATABASE_URL": "postgres://u@db:5432/crux"}
    code = "print(s.DATABASES['default'].get('OPTIONS', {}).get('options'))"
    assert run_settings(url | env, code).stdout.strip() == str(options)
    sqlite = run_settings({"DEBUG": "1"}, code)
    assert sqlite.stdout.strip() == "None"


@pytest.mark.django_db
def test_the_live_connection_has_jit_off():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (CI runs it)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_a_connection_pool_on_postgresql_only_when_asked():
    code = (
        "d = s.DATABASES['default'];"
        " print(d['OPTIONS'].get('pool'), d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    url = "postgres://postgres@127.0.0.1:5432/crux"
    pooled = run_settings({"DEBUG": "1", "DATABASE_URL": url, "CRUX_DB_POOL": "6"}, code)
    assert pooled.stdout.strip() == "{'min_size': 1, 'max_size': 6, 'timeout': 10} 0 True"
    plain = run_settings({"DEBUG": "1", "DATABASE_URL": url}, code)
    assert plain.stdout.strip().startswith("None ")
    sqlite = run_settings(
        {"DEBUG": "1", "CRUX_DB_POOL": "6"},
        "print(s.DATABASES['default'].get('OPTIONS', {}).get('pool'))",
    )
    assert sqlite.stdout.strip() == "None"

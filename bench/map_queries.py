"""Benchmark: the map page and the map selector on a 10,000-claim debate.

Builds the map in a throwaway test database (SQLite by default, PostgreSQL when
DATABASE_URL is set), then prints the SQL query count and timings. Run: `make bench`.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

SIZE = int(os.environ.get("BENCH_CLAIMS", "10000"))
RUNS = 5


def main() -> None:
    setup_test_environment()
    old = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from debates import selectors
        from tests.factories import ARTICLE, DebateFactory, UserFactory, build_map, source_factory

        owner = UserFactory(username="bench")
        source = source_factory(ARTICLE)
        debate = DebateFactory(owner=owner, slug="bench")
        started = time.perf_counter()
        build_map(debate, SIZE, passage=source.passages.first())
        built = time.perf_counter() - started
        print(f"engine {connection.vendor}: built {SIZE:,} claims in {built:.1f} s")

        timings = []
        for _ in range(RUNS):
            started = time.perf_counter()
            the_map = selectors.debate_map(debate=debate, viewer=owner)
            timings.append(time.perf_counter() - started)
        print(
            f"debate_map selector: best {min(timings) * 1000:.0f} ms over {RUNS} runs "
            f"({the_map.claim_count:,} nodes)"
        )

        client = Client()
        client.force_login(owner)
        timings = []
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(debate.get_absolute_url())
                timings.append(time.perf_counter() - started)
        assert response.status_code == 200
        print(
            f"map page: best {min(timings) * 1000:.0f} ms, {len(queries)} SQL queries, "
            f"{len(response.content) / 1e6:.1f} MB of HTML"
        )
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


if __name__ == "__main__":
    main()

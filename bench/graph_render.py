"""Benchmark: laying out and writing the SVG graph of maps of 200 and 2,000 claims.

Builds each map in a throwaway test database (SQLite by default, PostgreSQL when
DATABASE_URL is set), loads it once with the map selector, then times `graph.render_svg`
alone and the whole `graph.svg` response. Run: `.venv/bin/python bench/graph_render.py`.
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
from django.urls import reverse  # noqa: E402

SIZES = [int(n) for n in os.environ.get("BENCH_CLAIMS", "200,2000").split(",")]
RUNS = 5


def main() -> None:
    setup_test_environment()
    old = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from debates import graph, selectors
        from tests.factories import ARTICLE, DebateFactory, UserFactory, build_map, source_factory

        owner = UserFactory(username="bench")
        source = source_factory(ARTICLE)
        client = Client()
        client.force_login(owner)
        print(f"engine {connection.vendor}")
        for size in SIZES:
            debate = DebateFactory(owner=owner, slug=f"bench-{size}")
            build_map(debate, size, passage=source.passages.first())
            the_map = selectors.debate_map(debate=debate, viewer=owner)
            timings = []
            for _ in range(RUNS):
                started = time.perf_counter()
                svg = graph.render_svg(the_map, claim_url=lambda c: f"/claims/{c.pk}/")
                timings.append(time.perf_counter() - started)
            plan = graph.layout(the_map)
            print(
                f"{size:>6,} claims: render_svg best {min(timings) * 1000:.0f} ms over {RUNS} "
                f"runs, {len(svg) / 1e6:.2f} MB, {plan.width:.0f}×{plan.height:.0f} px"
            )
            url = reverse("debates:graph_svg", args=[debate.slug])
            timings = []
            for _ in range(RUNS):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url)
                    timings.append(time.perf_counter() - started)
            assert response.status_code == 200
            print(
                f"{'':>6}         graph.svg response best {min(timings) * 1000:.0f} ms, "
                f"{len(queries)} SQL queries"
            )
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


if __name__ == "__main__":
    main()

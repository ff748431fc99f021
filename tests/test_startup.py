"""A serving process settles once it has loaded the app (config/startup.py): its views and
base templates are loaded and the objects made so far are out of the cycle collector's
way, so a request that builds a big map does not pay for walking them again and again."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import gc, sys
import {module}
print(gc.get_freeze_count(), "debates.views.maps" in sys.modules)
"""


@pytest.mark.parametrize("module", ["config.asgi", "config.wsgi"])
def test_the_server_entry_points_load_the_views_and_freeze_what_they_made(module):
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE.format(module=module)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "SECRET_KEY": "startup-test-" + "x" * 40,
        },
    )
    assert result.returncode == 0, result.stderr[-2000:]
    frozen, views_loaded = result.stdout.split()
    # Django, Crux and their libraries: tens of thousands of objects, none left to scan.
    assert int(frozen) > 20_000
    assert views_loaded == "True"

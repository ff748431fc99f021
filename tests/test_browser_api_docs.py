"""The API's documentation pages draw, offline, under the site's Content-Security-Policy:
Swagger UI with no violation at all; ReDoc with inline styles allowed on its page only."""

import pytest
from playwright.sync_api import expect

from .test_browser_csp import check, watched  # noqa: F401 - the fixture, reused

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_draws_every_operation_without_a_violation(watched, live_server):  # noqa: F811
    page = watched
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.get_by_text("List debates").first).to_be_visible()
    expect(page.get_by_text("Merge a duplicate").first).to_be_visible()
    check(page, "/api/docs/")
    assert not [url for url in outside if url.startswith("http")], outside


def test_redoc_draws_without_a_script_violation(watched, live_server):  # noqa: F811
    page = watched
    page.goto(f"{live_server.url}/api/redoc/")
    expect(page.get_by_role("heading", name="List debates")).to_be_visible()
    # Only ReDoc's "by Redocly" logo, an image on its CDN, is refused (offline, nothing
    # leaves the site; the style sheet hides the link).
    found = [v for v in page.csp_violations() if "cdn.redoc.ly" not in v]
    assert not found, found

"""axe-core on the pages people use most, at a laptop's size and a phone's: no serious or
critical violation (contrast, names and labels, landmarks, headings)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from debates.demo.build import load_demo
from debates.models import Claim

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIOUS = {"serious", "critical"}
VIEWPORTS = {"1280x720": {"width": 1280, "height": 720}, "390x844": {"width": 390, "height": 844}}


def _pages(demo) -> dict[str, tuple[str | None, str]]:
    """Page name: (who looks at it, its address)."""
    debate = demo.debate
    argument = debate.claims.filter(kind=Claim.Kind.ARGUMENT).order_by("pk").first()
    return {
        "home": ("student", "/"),
        "account menu open": ("teacher", debate.get_absolute_url()),
        "login": (None, reverse("login")),
        "signup": (None, reverse("accounts:signup")),
        "map outline": ("teacher", debate.get_absolute_url()),
        "claim": ("teacher", argument.get_absolute_url()),
        "moderation queue": ("teacher", reverse("debates:queue", args=[debate.slug])),
        "audit log": ("teacher", reverse("debates:audit", args=[debate.slug])),
        "profile": ("student", reverse("accounts:profile", args=["teacher"])),
        "search": ("student", reverse("debates:search") + "?q=sanctions"),
        "history": ("teacher", reverse("debates:claim_history", args=[debate.slug, argument.pk])),
        "source list": ("student", reverse("debates:sources")),
        "import": ("teacher", reverse("debates:source_new")),
        "reader": ("teacher", demo.source.get_absolute_url()),
        "claim, as a student": ("student", argument.get_absolute_url()),
        "what stands": ("student", reverse("debates:what_stands", args=[debate.slug])),
        "balance": ("teacher", reverse("debates:balance", args=[debate.slug])),
        "import & export": ("teacher", reverse("debates:map_exchange", args=[debate.slug])),
        "import a map": ("teacher", reverse("debates:map_import")),
    }


def sign_in(context, base_url: str, username: str) -> None:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    session = client.cookies["sessionid"].value
    context.add_cookies([{"name": "sessionid", "value": session, "url": base_url}])


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


@pytest.mark.parametrize(
    "which",
    [
        "home",
        "account menu open",
        "login",
        "signup",
        "map outline",
        "claim",
        "moderation queue",
        "audit log",
        "profile",
        "search",
        "history",
        "source list",
        "import",
        "reader",
        "claim, as a student",
        "what stands",
        "balance",
        "import & export",
        "import a map",
    ],
)
def test_no_serious_accessibility_violations(browser, live_server, which):
    who, path = _pages(load_demo())[which]
    found = []
    for size, viewport in VIEWPORTS.items():
        context = browser.new_context(viewport=viewport)
        if who:
            sign_in(context, live_server.url, who)
        page = context.new_page()
        page.set_default_timeout(10_000)
        response = page.goto(f"{live_server.url}{path}")
        assert response.ok, f"{which} at {size}: {response.status}"
        if which == "account menu open":
            page.locator(".account-menu summary").click()
            page.get_by_role("button", name="Log out").wait_for()
        found += [f"{size}: {violation}" for violation in serious_violations(page)]
        context.close()
    assert not found, "\n".join(found)

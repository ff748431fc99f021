"""The pages work under the strict Content-Security-Policy, with no violation reported.

Playwright's own scripts (init scripts, evaluate) run through the DevTools protocol, which the
policy does not govern, so the listener below sees only what the page itself does.
"""

import contextlib

import pytest
from playwright.sync_api import expect

from debates.demo.build import load_demo
from debates.models import Claim

from .browser import log_in, select_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Reports every refusal (and htmx's refusal to eval) into a list the test reads back.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} refused ${e.blockedURI || "inline"}`
    + ` (${e.sourceFile || ""}:${e.lineNumber || ""}) ${e.sample || ""}`);
}, true);
document.addEventListener("htmx:evalDisallowedError", (e) => {
  const where = (e.target && e.target.outerHTML) || "?";
  window.__cspViolations.push("htmx wanted eval on " + where.slice(0, 200));
}, true);
"""

SENTENCE = (
    "The reality of contemporary geopolitics, however, remains that power and pragmatism "
    "often drive how states interact."
)


@pytest.fixture
def watched(page):
    """The page, with every CSP violation (console or event) collected."""
    console: list[str] = []
    page.on(
        "console",
        lambda msg: (
            console.append(msg.text)
            if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text
            else None
        ),
    )
    page.add_init_script(LISTEN)

    def violations() -> list[str]:
        found = list(console)
        # While the page navigates the list is gone; the console still counts.
        with contextlib.suppress(Exception):
            found += page.evaluate("window.__cspViolations || []")
        return found

    page.csp_violations = violations
    return page


@pytest.fixture
def demo_site(live_server):
    demo = load_demo()
    position = demo.debate.claims.filter(kind=Claim.Kind.POSITION).order_by("order", "pk")[0]
    return live_server.url, demo, position


def check(page, where: str) -> None:
    found = page.csp_violations()
    assert not found, f"{where}: {found}"


def test_reading_pages_raise_no_violation(watched, demo_site):
    page = watched
    base, demo, _ = demo_site
    debate = demo.debate
    for path in (
        "/",
        debate.get_absolute_url(),
        f"/debates/{debate.slug}/graph/",
        f"/debates/{debate.slug}/balance/",
        "/search/?q=Russia",
        "/sources/",
        "/accounts/login/",
        "/accounts/signup/",
    ):
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
        check(page, path)

    # The reader: choosing a highlight swaps the side panel in with htmx.
    page.goto(f"{base}{demo.source.get_absolute_url()}")
    page.locator("a.hl").first.click()
    expect(page.locator("#citations")).to_contain_text("Claims citing this passage")
    check(page, "reader")

    # Balance colours come from the style sheet now, not style attributes.
    page.goto(f"{base}/debates/{debate.slug}/balance/")
    colour = page.locator(".balance-position").first.evaluate(
        "el => getComputedStyle(el).getPropertyValue('--side').trim()"
    )
    assert colour.startswith("#"), colour
    check(page, "balance")


def test_editing_in_place_raises_no_violation(watched, demo_site):
    page = watched
    base, demo, position = demo_site
    log_in(page, base, "contributor", "crux-contributor-demo")
    page.goto(f"{base}{demo.debate.get_absolute_url()}")
    card = page.locator(f"#claim-{position.pk}")
    tools = card.get_by_role("group", name=f"Actions on “{position.text[:59]}").first
    tools.get_by_role("link", name="+ Con").click()
    panel = page.locator(f"#claim-{position.pk}-panel")
    expect(panel.locator("form")).to_be_visible()
    text = "An argument written under a strict Content-Security-Policy."
    panel.get_by_role("textbox").fill(text)
    panel.get_by_role("button", name="Add").click()
    expect(page.locator("#map-tree")).to_contain_text(text)
    check(page, "adding an argument in place")

    added = Claim.objects.get(text=text)
    page.goto(f"{base}{added.get_absolute_url()}")
    page.wait_for_load_state("networkidle")
    check(page, "the new claim's page")
    page.goto(f"{base}/debates/{demo.debate.slug}/claims/{added.pk}/history/")
    check(page, "its history")


def test_annotating_and_moderating_raise_no_violation(watched, demo_site):
    page = watched
    base, demo, _ = demo_site
    log_in(page, base, "teacher", "crux-teacher-demo")
    page.goto(f"{base}{demo.source.get_absolute_url()}")
    select_text(page, SENTENCE)
    # The adder's popover is placed through element.style (CSSOM), which the policy allows.
    page.locator("#adder").get_by_role("button", name="Annotate").click()
    form = page.locator("#annotate-form")
    expect(form).to_be_visible()
    form.get_by_label("Note").fill("Noted under the policy.")
    form.get_by_role("button", name="Save note").click()
    expect(page.locator(".message")).to_contain_text("Your note is saved")
    check(page, "annotating")

    for path in (
        f"/debates/{demo.debate.slug}/queue/",
        f"/debates/{demo.debate.slug}/settings/",
        f"/debates/{demo.debate.slug}/audit/",
        "/accounts/people/teacher/",
        "/accounts/profile/",
    ):
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
        check(page, path)


def test_the_live_map_polls_without_eval(watched, demo_site, settings):
    """The refresh timer lives in static/crux/live.js, not in an hx-trigger filter."""
    settings.CRUX_POLL_SECONDS = 1
    page = watched
    base, demo, position = demo_site
    page.goto(f"{base}{demo.debate.get_absolute_url()}")
    expect(page.locator("[data-live-mode]")).to_have_attribute("data-live-mode", "poll")
    with page.expect_request(lambda r: "/refresh/" in r.url, timeout=5000):
        pass
    check(page, "live polling")


def test_the_watch_would_see_a_violation(watched, live_server):
    """Keeps the tests above honest: inline code does get refused, and reported."""
    page = watched
    page.goto(f"{live_server.url}/sources/")
    page.evaluate(
        """() => {
          document.body.insertAdjacentHTML("beforeend", '<p style="color: red">styled</p>');
          const s = document.createElement("script");
          s.textContent = "window.__ran = true";
          document.body.append(s);
        }"""
    )
    page.wait_for_function("() => window.__cspViolations.length >= 2")
    assert not page.evaluate("window.__ran === true")
    found = page.csp_violations()
    assert any("style-src" in v for v in found), found
    assert any("script-src" in v for v in found), found

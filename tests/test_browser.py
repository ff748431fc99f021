"""As a person would: log in, open the map, follow evidence into the reader; and axe-core."""

import re

import pytest
from playwright.sync_api import expect

from debates.demo.build import load_demo

from .browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIOUS = {"serious", "critical"}


@pytest.fixture
def demo_site(live_server):
    result = load_demo()
    return live_server.url, result


def test_student_follows_an_arguments_evidence_to_the_highlighted_passage(page, demo_site):
    base, demo = demo_site
    log_in(page, base, "student", "crux-student-demo")
    expect(page.locator(".account-menu summary")).to_contain_text("Stu Dent")

    page.get_by_role("link", name=demo.debate.title).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(demo.debate.title)

    argument = page.locator(".node-argument.rel-supports .claim-text").first
    argument_text = argument.inner_text()
    argument.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(argument_text)

    quote = page.locator(".quote-link").first
    quote_text = quote.inner_text()
    quote.click()
    page.wait_for_url(re.compile(r"/sources/\d+/\?passage=\d+#passage-\d+$"))
    passage_id = page.url.rsplit("#", 1)[1]

    highlight = page.locator(f"#{passage_id} ~ a.hl-selected, #{passage_id}.block-selected").first
    expect(highlight).to_be_visible()
    selected_text = "".join(page.locator("a.hl-selected").all_inner_texts())
    assert selected_text == quote_text
    expect(highlight).to_be_in_viewport()
    panel = page.locator("#citations")
    expect(panel).to_contain_text("Claims citing this passage")
    expect(panel.get_by_role("link", name=argument_text)).to_be_visible()


def test_choosing_a_highlight_updates_the_side_panel_in_place(page, demo_site):
    base, demo = demo_site
    page.goto(f"{base}{demo.source.get_absolute_url()}")
    expect(page.locator("#citations")).to_contain_text("Cited passages")
    page.evaluate("window.__crux_marker = 'same page'")
    page.locator("a.hl").first.click()
    expect(page.locator("#citations")).to_contain_text("Claims citing this passage")
    assert page.evaluate("window.__crux_marker") == "same page"  # swapped by htmx, no reload


@pytest.mark.parametrize("which", ["home", "map", "reader"])
def test_pages_have_no_serious_accessibility_violations(page, demo_site, which):
    from axe_playwright_python.sync_playwright import Axe

    base, demo = demo_site
    path = {
        "home": "/",
        "map": demo.debate.get_absolute_url(),
        "reader": demo.source.get_absolute_url(),
    }[which]
    page.goto(f"{base}{path}")
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in SERIOUS]
    assert not serious, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in serious
    )

"""Editing a map in place, as people do it: with htmx, and with JavaScript off."""

import pytest
from playwright.sync_api import expect

from debates.demo.build import load_demo
from debates.models import Claim

from .browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(live_server):
    demo = load_demo()
    position = demo.debate.claims.filter(kind=Claim.Kind.POSITION).order_by("order", "pk")[0]
    return live_server.url, demo, position


def test_add_an_argument_in_place_and_see_an_error_in_place(page, demo_site, settings):
    # DEBUG on, as in `make demo`: django-htmx's debug helper must not eat form errors.
    settings.DEBUG = True
    base, demo, position = demo_site
    log_in(page, base, "contributor", "crux-contributor-demo")
    page.goto(f"{base}{demo.debate.get_absolute_url()}")
    card = page.locator(f"#claim-{position.pk}")
    tools = card.get_by_role("group", name=f"Actions on “{position.text[:59]}").first
    tools.get_by_role("link", name="+ Con").click()
    form = page.locator(f"#claim-{position.pk}-panel form")
    expect(form).to_be_visible()

    form.get_by_role("textbox").fill("   ")
    form.get_by_role("button", name="Add").click()
    panel = page.locator(f"#claim-{position.pk}-panel")
    expect(panel).to_contain_text("required")
    expect(page).to_have_title(f"{demo.debate.title} · Crux")  # the page is still the map

    text = "Engagement rewards a regime that keeps breaking its word."
    panel.get_by_role("textbox").fill(text)
    panel.get_by_role("button", name="Add").click()
    expect(page.locator("#map-tree")).to_contain_text(text)
    added = Claim.objects.get(text=text)
    node = page.locator(f"#claim-{added.pk}")
    expect(node).to_contain_text(text)
    expect(node).to_contain_text("Con")
    expect(node.get_by_role("status")).to_have_text("Your argument is published.")
    assert added.status == Claim.Status.PUBLISHED  # contributors publish in reviewed debates
    assert added.parent_id == position.pk and added.relation == "opposes"


def test_without_javascript_a_viewer_proposes_through_the_plain_form(browser, demo_site):
    base, demo, position = demo_site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, base, "student", "crux-student-demo")
        page.goto(f"{base}{demo.debate.get_absolute_url()}")
        page.locator(f"#claim-{position.pk}").get_by_role(
            "group", name=f"Actions on “{position.text[:59]}"
        ).first.get_by_role("link", name="+ Pro").click()
        text = "Talks opened the only channel that has ever returned prisoners."
        page.get_by_role("textbox").first.fill(text)
        page.get_by_role("button", name="Add").click()
        expect(page.locator("#map-tree")).to_contain_text(text)
        proposal = Claim.objects.get(text=text)
        assert proposal.status == Claim.Status.PROPOSED
        expect(page.locator(f"#claim-{proposal.pk}")).to_contain_text("Pending review")
        expect(page.locator(".message")).to_contain_text("a moderator will review it")
    finally:
        context.close()


def test_show_replies_loads_a_deeper_branch_of_a_big_map_in_place(page, live_server, source):
    from .factories import DebateFactory, UserFactory, build_map

    owner = UserFactory(username="bigowner")
    big = DebateFactory(owner=owner, slug="big-map")
    claims = build_map(big, 1000, passage=source.passages.first())
    page.goto(f"{live_server.url}{big.get_absolute_url()}")
    button = page.get_by_role("link", name="Show 2 replies").first
    item = button.locator("xpath=ancestor::li[1]")
    pk = int(item.get_attribute("id").removeprefix("claim-"))
    children = [c for c in claims if c.parent_id == pk]
    expect(page.locator(f"#claim-{children[0].pk}")).to_have_count(0)
    button.click()
    for child in children:
        expect(page.locator(f"#claim-{child.pk}")).to_contain_text(child.text)
    assert page.url.endswith(big.get_absolute_url())  # in place, no navigation

"""Duplicates at write time in a browser: typing a near copy of a claim offers it, and
adding it anyway takes a second, deliberate click."""

import pytest
from playwright.sync_api import expect

from debates.demo.build import load_demo
from debates.models import Claim

from .browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typing_a_near_copy_offers_the_claim_and_holds_it_until_confirmed(page, live_server):
    demo = load_demo()
    argument = (
        demo.debate.claims.filter(kind=Claim.Kind.ARGUMENT, status=Claim.Status.PUBLISHED)
        .exclude(parent__kind=Claim.Kind.ISSUE)
        .order_by("pk")
        .first()
    )
    position = argument.parent
    base = live_server.url
    log_in(page, base, "contributor", "crux-contributor-demo")
    page.goto(f"{base}{demo.debate.get_absolute_url()}")
    card = page.locator(f"#claim-{position.pk}")
    card.get_by_role("group", name=f"Actions on “{position.text[:59]}").first.get_by_role(
        "link", name="+ Con"
    ).click()
    panel = page.locator(f"#claim-{position.pk}-panel")
    expect(panel.locator("form")).to_be_visible()

    hint = panel.locator(f"#claim-{position.pk}-panel-similar")
    expect(hint).to_have_attribute("aria-live", "polite")
    panel.get_by_role("textbox").fill(argument.text)
    expect(hint).to_contain_text(f"This looks like #{argument.pk}")
    expect(hint.get_by_role("link", name="add your point there")).to_have_attribute(
        "href", f"/debates/{demo.debate.slug}/claims/add/?parent={argument.pk}"
    )

    count = Claim.objects.count()
    panel.get_by_role("button", name="Add the argument").click()
    expect(panel).to_contain_text("This looks like a claim already on the map.")
    assert Claim.objects.count() == count
    panel.get_by_role("button", name="Add it anyway").click()
    expect(page.locator("#map-tree")).to_contain_text("Your argument is published.")
    assert Claim.objects.filter(text=argument.text).count() == 2


def test_the_queue_offers_a_one_click_merge_of_a_likely_duplicate(page, live_server):
    from debates import services
    from debates.models import Membership

    from .test_browser_axe import serious_violations

    demo = load_demo()
    argument = (
        demo.debate.claims.filter(kind=Claim.Kind.ARGUMENT, status=Claim.Status.PUBLISHED)
        .exclude(parent__kind=Claim.Kind.ISSUE)
        .order_by("pk")
        .first()
    )
    student = Membership.objects.get(debate=demo.debate, user__username="student").user
    proposal = services.claim_add(
        actor=student,
        debate=demo.debate,
        parent=argument.parent,
        stance=argument.relation,
        text=argument.text.rstrip(".") + "!",
    )
    assert proposal.status == Claim.Status.PROPOSED
    base = live_server.url
    log_in(page, base, "teacher", "crux-teacher-demo")
    page.goto(f"{base}/debates/{demo.debate.slug}/queue/")
    section = page.locator(".queue-duplicates")
    expect(section.get_by_role("heading", name="Likely duplicates")).to_be_visible()
    assert serious_violations(page) == []
    item = section.locator(f"#duplicate-{proposal.pk}-{argument.pk}")
    item.get_by_role("button", name=f"Merge into #{argument.pk}").click()
    expect(page.locator(".message")).to_contain_text("Merged as a duplicate")
    proposal.refresh_from_db()
    assert proposal.status == Claim.Status.MERGED and proposal.merged_into_id == argument.pk

"""Reasoning with the map in browsers (issue 13, point 6): two students rate a claim
differently, each seeing the totals only after voting; the moderator sees the distribution;
a new counterargument flips a position from "Stands" to "Defeated" on another viewer's open
map without a reload; typing a near-copy of an existing claim offers it."""

import pytest
from django.db import transaction
from playwright.sync_api import expect

from debates import services
from debates.models import Claim, Debate, Membership, Vote

from .browser import log_in
from .factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"  # UserFactory's


@pytest.fixture
def site(live_server, settings):
    settings.CRUX_POLL_SECONDS = 1
    owner = UserFactory(username="moderator", display_name="Mo Derator")
    debate = Debate.objects.create(
        title="Dams",
        slug="dams",
        owner=owner,
        visibility=Debate.Visibility.PRIVATE,
        contribution_mode=Debate.Mode.OPEN,
    )
    Membership.objects.create(user=owner, debate=debate, role=Membership.Role.OWNER)
    for name in ("ana", "ben"):
        student = UserFactory(username=name, display_name=name.capitalize())
        Membership.objects.create(user=student, debate=debate, role=Membership.Role.CONTRIBUTOR)
    issue = services.claim_add(actor=owner, debate=debate, text="Should rivers be dammed?")
    position = services.claim_add(
        actor=owner, debate=debate, parent=issue, text="Yes: dams give clean power."
    )
    pro = services.claim_add(
        actor=owner,
        debate=debate,
        parent=position,
        stance="supports",
        text="Hydropower emits almost no carbon once built.",
    )
    return live_server.url, debate, position, pro, owner


def rate(page, question: str, step: str) -> None:
    form = page.locator("form.vote-form").filter(has=page.get_by_text(question))
    form.get_by_label(step, exact=True).check()
    form.get_by_role("button", name="Rate").click()


def test_votes_labels_live_and_duplicates(browser, site):
    base, debate, position, pro, owner = site
    contexts = [browser.new_context(viewport={"width": 1280, "height": 720}) for _ in range(3)]
    ana, ben, moderator = (context.new_page() for context in contexts)
    for page in (ana, ben, moderator):
        page.set_default_timeout(10_000)
    try:
        claim_url = f"{base}{pro.get_absolute_url()}"
        log_in(ana, base, "ana", PASSWORD)
        ana.goto(claim_url)
        expect(ana.locator("#votes")).to_contain_text("The totals show once you have rated it")
        rate(ana, "Is it true, or acceptable?", "acceptable")
        expect(ana.locator("#votes")).to_contain_text("1 rating, on average 4.0 of 4")
        rate(ana, "how much does it bear", "decisive")

        log_in(ben, base, "ben", PASSWORD)
        ben.goto(claim_url)
        # Ben sees no totals before his own vote, so Ana's cannot sway him.
        expect(ben.locator("#votes")).not_to_contain_text("1 rating")
        rate(ben, "Is it true, or acceptable?", "doubtful")
        expect(ben.locator("#votes")).to_contain_text("2 ratings, on average 2.5 of 4")
        assert sorted(
            Vote.objects.filter(claim=pro, question="acceptability").values_list("value", flat=True)
        ) == [1, 4]

        # The moderator sees the distribution without voting.
        log_in(moderator, base, "moderator", PASSWORD)
        moderator.goto(claim_url)
        distribution = moderator.get_by_role("list", name="Acceptability votes per step")
        expect(distribution).to_contain_text("acceptable")
        expect(distribution.locator("li").filter(has_text="doubtful")).to_contain_text("1")
        expect(moderator.locator("#votes")).to_contain_text("2 ratings")

        # Ana keeps the map open; the position stands.
        ana.goto(f"{base}{debate.get_absolute_url()}")
        badge = ana.locator(f"#claim-meta-{position.pk} .verdict-badge")
        expect(badge).to_have_text("Stands")
        ana.evaluate("window.__crux_not_reloaded = true")

        # A new counterargument, unanswered: the position is defeated, live on Ana's map.
        with transaction.atomic():
            services.claim_add(
                actor=owner,
                debate=debate,
                parent=position,
                stance="opposes",
                text="Dams wipe out the fish that whole valleys live on.",
            )
        expect(badge).to_have_text("Defeated", timeout=8_000)
        assert ana.evaluate("window.__crux_not_reloaded") is True

        # The moderator's claim page says why.
        moderator.goto(f"{base}{position.get_absolute_url()}")
        expect(moderator.locator("#verdict")).to_contain_text(
            "“Dams wipe out the fish that whole valleys live on.” attacks it"
        )
        assert Claim.objects.filter(debate=debate).count() == 4
    finally:
        for context in contexts:
            context.close()

"""Mapping together, as three people in three browsers (issue 4, point 7).

A student proposes an argument with evidence in the reviewed demo debate; the moderator
approves it from the moderation queue; a third person, who has the map open all along,
sees it appear without reloading. Served by uvicorn (ASGI), since the map's live updates are
server-sent events that LISTEN on PostgreSQL.
"""

import pytest
from django.db import connection
from playwright.sync_api import expect

from debates.demo.build import load_demo
from debates.models import Claim, Evidence

from .browser import log_in, select_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SENTENCE = (
    "Since the dissolution of the Soviet Union, Moscow has maintained an interest in the "
    "peninsula that is separate from but often in tension with Western policy objectives."
)
ARGUMENT = "Moscow kept its own stake in Korea after 1991, apart from the West's."


@pytest.fixture
def site(asgi_live_server):
    if connection.vendor != "postgresql":
        pytest.skip("live updates over server-sent events need PostgreSQL (SQLite polls)")
    return asgi_live_server, load_demo()


def test_student_proposes_moderator_approves_viewer_sees_it_live(browser, site):
    base, demo = site
    debate = demo.debate
    position = debate.claims.filter(kind=Claim.Kind.POSITION).order_by("order", "pk").first()
    map_url = f"{base}{debate.get_absolute_url()}"

    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in range(3)]
    student, moderator, watcher = (context.new_page() for context in contexts)
    for page in (student, moderator, watcher):
        page.set_default_timeout(10_000)
    try:
        # The third person opens the map first and keeps it open, never reloading.
        log_in(watcher, base, "contributor", "crux-contributor-demo")
        watcher.goto(map_url)
        expect(watcher.locator("#map-tree")).to_contain_text(position.text)
        watcher.evaluate("window.__crux_not_reloaded = true")

        # The student (a viewer of this reviewed debate) cites a sentence as a new argument.
        log_in(student, base, "student", "crux-student-demo")
        student.goto(f"{base}{demo.source.get_absolute_url()}")
        select_text(student, SENTENCE)
        student.locator("#adder").get_by_role("button", name="Cite as evidence").click()
        form = student.locator("#cite-form")
        form.get_by_label("Propose a new argument").check()
        form.get_by_role("searchbox", name="Claim").fill(position.text[:30])
        form.get_by_role("radio", name=position.text[:40]).check()
        form.get_by_label("The new argument").select_option("supports")
        form.get_by_role("textbox", name="Argument").fill(ARGUMENT)
        form.get_by_role("button", name="Cite the selection").click()
        expect(student.get_by_role("heading", level=1)).to_have_text(ARGUMENT)
        expect(student.locator(".claim-detail")).to_contain_text("Proposed")

        proposal = Claim.objects.get(text=ARGUMENT)
        assert proposal.status == Claim.Status.PROPOSED
        assert Evidence.objects.get(claim=proposal).status == Evidence.Status.PROPOSED
        # Pending: not on the watcher's map.
        watcher.wait_for_timeout(1500)
        expect(watcher.locator("#map-tree")).not_to_contain_text(ARGUMENT)

        # The moderator approves it from the queue.
        log_in(moderator, base, "moderator", "crux-moderator-demo")
        moderator.goto(f"{base}/debates/{debate.slug}/queue/")
        item = moderator.locator(f"#item-claim-{proposal.pk}")
        expect(item).to_contain_text(ARGUMENT)
        expect(item).to_contain_text(SENTENCE[:40])
        item.get_by_role("button", name="Approve").click()
        expect(moderator.locator(f"#item-claim-{proposal.pk}")).to_contain_text("Approved")

        proposal.refresh_from_db()
        assert proposal.status == Claim.Status.PUBLISHED

        # The watcher sees it appear, with its evidence, without reloading.
        node = watcher.locator(f"#claim-{proposal.pk}")
        expect(node).to_contain_text(ARGUMENT, timeout=4_000)
        expect(node).to_contain_text("1 evidence")
        assert watcher.evaluate("window.__crux_not_reloaded") is True
    finally:
        for context in contexts:
            context.close()

"""A class, as people use it: the teacher creates it and shares a map for proposals; a
student joins with the code and proposes on the map; the teacher removes the student, who
then can no longer reach the map."""

import re

import pytest
from playwright.sync_api import expect

from classes.models import ClassMember, Classroom
from debates.models import Claim, Debate

from .browser import log_in
from .factories import ARTICLE, ClaimFactory, DebateFactory, UserFactory, source_factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"  # UserFactory's
PROPOSAL = "Towns on rivers traded more, so they grew richer."


@pytest.fixture
def site(live_server):
    """A demo-like map: private, reviewed, an issue with a position, grounded in a source."""
    teacher = UserFactory(username="teacher", display_name="Ms Teacher")
    UserFactory(username="student", display_name="Sam Student")
    source = source_factory(ARTICLE, created_by=teacher)
    debate = DebateFactory(
        title="Rivers and towns",
        slug="rivers",
        owner=teacher,
        visibility=Debate.Visibility.PRIVATE,
        contribution_mode=Debate.Mode.REVIEWED,
    )
    debate.sources.add(source)
    issue = ClaimFactory(debate=debate, kind="issue", text="Do rivers make towns rich?")
    position = ClaimFactory(
        debate=debate, kind="position", parent=issue, relation="answers", text="Yes, by trade."
    )
    return live_server.url, debate, position


def test_teacher_shares_a_map_a_student_joins_proposes_and_is_removed(page, browser, site):
    base, debate, position = site
    log_in(page, base, "teacher", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Classes").click()
    page.get_by_role("link", name="Create a class").click()
    page.get_by_label("Name").fill("7B History")
    page.get_by_role("button", name="Create the class").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("7B History")
    code = page.locator(".join-code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    expect(page.get_by_role("img", name=re.compile("QR code of the join link"))).to_be_visible()

    share = page.get_by_role("form", name="Share a map")
    share.get_by_label("Map").select_option(label="Rivers and towns")
    share.get_by_label("Students may").select_option(label="propose (reviewed)")
    share.get_by_role("button", name="Share with the class").click()
    expect(page.locator(".class-map")).to_contain_text("Rivers and towns")
    expect(page.locator(".class-map")).to_contain_text("Propose (reviewed)")

    # The student joins with the code, typed as people type it.
    other = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(other, base, "student", PASSWORD)
    other.goto(f"{base}/classes/")
    other.get_by_label("Join code").fill(code.lower().replace("-", " "))
    other.get_by_role("button", name="Join", exact=True).click()
    expect(other.get_by_role("heading", level=1)).to_have_text("7B History")
    expect(other.get_by_text("Welcome to “7B History”.")).to_be_visible()
    other.locator(".class-map").get_by_role("link", name="Rivers and towns").click()
    # htmx loads deferred: until the page has loaded, "+ Pro" is a plain link to the full
    # form page (as without JavaScript), and the panel below would never fill.
    other.wait_for_url(f"{base}{debate.get_absolute_url()}", wait_until="load")

    # ...and proposes an argument on the map.
    card = other.locator(f"#claim-{position.pk}")
    card.get_by_role("group", name=f"Actions on “{position.text}").first.get_by_role(
        "link", name="+ Pro"
    ).click()
    panel = other.locator(f"#claim-{position.pk}-panel")
    panel.get_by_role("textbox").fill(PROPOSAL)
    panel.get_by_role("button", name="Add").click()
    expect(other.locator("#map-tree")).to_contain_text(PROPOSAL)
    proposal = Claim.objects.get(text=PROPOSAL)
    assert proposal.status == Claim.Status.PROPOSED and proposal.author.username == "student"

    # The teacher removes the student from the roster.
    page.get_by_role("link", name="Roster").click()
    page.get_by_role("button", name="Remove Sam Student").click()
    expect(page.get_by_text("Sam Student is no longer in the class")).to_be_visible()
    classroom = Classroom.objects.get(name="7B History")
    assert ClassMember.objects.get(classroom=classroom, user__username="student").left_at

    # The student can no longer reach the map, nor propose on it, nor see the class.
    response = other.goto(f"{base}{debate.get_absolute_url()}")
    assert response.status == 404
    response = other.goto(f"{base}{classroom.get_absolute_url()}")
    assert response.status == 404
    other.goto(f"{base}/classes/")
    expect(other.locator(".my-classes")).to_have_count(0)
    other.context.close()


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 720}, {"width": 390, "height": 844}]
)
def test_the_class_pages_pass_axe(browser, site, viewport):
    from classes import services

    from .test_browser_axe import serious_violations, sign_in

    base, debate, _ = site
    teacher = debate.owner
    classroom = services.class_create(actor=teacher, name="7B History", description="Spring")
    services.class_map_share(actor=teacher, classroom=classroom, debate=debate, mode="propose")
    DebateFactory(title="Another map", owner=teacher)  # so the share form shows
    services.class_members_add(actor=teacher, classroom=classroom, entries="student")
    pages = {
        "my classes": ("teacher", "/classes/"),
        "class page (teacher)": ("teacher", classroom.get_absolute_url()),
        "class page (student)": ("student", classroom.get_absolute_url()),
        "roster": ("teacher", f"/classes/{classroom.pk}/roster/"),
        "settings": ("teacher", f"/classes/{classroom.pk}/settings/"),
        "new class": ("teacher", "/classes/new/"),
        "join link": (None, classroom.join_path()),
        "join form": (None, "/classes/join/"),
    }
    found = {}
    for name, (who, path) in pages.items():
        context = browser.new_context(viewport=viewport)
        if who:
            sign_in(context, base, who)
        page = context.new_page()
        response = page.goto(f"{base}{path}")
        assert response.status == 200, name
        violations = serious_violations(page)
        if violations:
            found[name] = violations
        context.close()
    assert not found, found

"""Layout as a person sees it: long words wrap everywhere, the header keeps to one row."""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import expect

from debates import services
from debates.demo.build import load_demo
from debates.models import Debate, Flag, Membership

from .factories import ARTICLE, UserFactory, annotate_quote, source_factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}


def word(length: int, seed: str = "Unbreakable") -> str:
    """One word of `length` characters, with no space or hyphen a browser could break at."""
    return (seed * (length // len(seed) + 1))[:length]


WORD = word(2000)


def sign_in(context, base_url: str, user) -> None:
    """Give the browser a signed-in session cookie (no login form, no lockout counting)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": base_url}])


@pytest.fixture
def sized_page(browser):
    """A page at 1280×720 whose viewport a test may change."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@dataclass
class LongWords:
    debate: Debate
    owner: object
    student: object
    pages: dict[str, str]
    student_pages: dict[str, str]


@pytest.fixture
def long_words(live_server):
    """A debate where every text a person types is one enormous word, as far as each
    field allows: 2,000 characters for claims, descriptions, notes, flags and reasons,
    the title's 200, the username's 150 and the display name's 80."""
    owner = UserFactory(username=word(150, "Owner"), display_name=word(80, "Display"))
    student = UserFactory(username="student", display_name=word(80, "Student"))
    source = source_factory(ARTICLE, created_by=owner, title=word(200, "Source"))
    debate = services.debate_create(
        actor=owner,
        title=word(200, "Title"),
        slug="long",
        description=WORD,
        visibility=Debate.Visibility.PUBLIC,
        contribution_mode=Debate.Mode.REVIEWED,
        sources=[source],
    )
    services.member_set(actor=owner, debate=debate, user=student, role=Membership.Role.VIEWER)
    issue = services.claim_add(actor=owner, debate=debate, text="rivers " + word(1993, "Issue"))
    position = services.claim_add(actor=owner, debate=debate, text=WORD, parent=issue)
    argument = services.claim_add(
        actor=owner, debate=debate, text=word(2000, "Argue"), parent=position, stance="supports"
    )
    services.claim_edit(
        actor=owner, claim=argument, text=word(2000, "Edited"), base_version=argument.version
    )
    # Waiting for review: a proposal, and one the owner rejects with a long reason.
    services.claim_add(
        actor=student, debate=debate, text=word(2000, "Proposal"), parent=position, stance="opposes"
    )
    rejected = services.claim_add(
        actor=student, debate=debate, text=word(2000, "Reject"), parent=position, stance="opposes"
    )
    services.claim_reject(claim=rejected, actor=owner, reason=word(2000, "Because"))
    annotate_quote(source, "rivers", student, body=WORD, debate=None)
    services.flag_add(
        actor=student, reason=Flag.Reason.OTHER, note=word(2000, "Flagged"), claim=position
    )
    pages = {
        "home": "/",
        "map": debate.get_absolute_url(),
        "claim": argument.get_absolute_url(),
        "history": f"{argument.get_absolute_url()}history/",
        "queue": f"/debates/{debate.slug}/queue/",
        "queue all": "/moderation/",
        "audit log": f"/debates/{debate.slug}/audit/",
        "owner's profile": owner.get_absolute_url(),
        "student's profile": student.get_absolute_url(),
        "search": "/search/?q=rivers",
        "sources": "/sources/",
        "notifications": "/notifications/",
        "settings": f"/debates/{debate.slug}/settings/",
        "balance": f"/debates/{debate.slug}/balance/",
        "graph": f"/debates/{debate.slug}/graph/",
        "deleted": f"/debates/{debate.slug}/deleted/",
        "flagged claim": position.get_absolute_url(),
        "reader": source.get_absolute_url(),
        "revisions": f"/sources/{source.pk}/revisions/",
        "new debate": "/debates/new/",
        "import": "/sources/new/",
        "what stands": f"/debates/{debate.slug}/stands/",
        "import & export": f"/debates/{debate.slug}/export/",
        "import a map": "/debates/import/",
        "import into the map": f"/debates/{debate.slug}/import/",
    }
    # What the student sees of their own work: the rejection and its reason.
    student_pages = {
        "student's notifications": "/notifications/",
        "rejected claim": rejected.get_absolute_url(),
        "student's own profile": student.get_absolute_url(),
        "profile edit": "/accounts/profile/",
    }
    return LongWords(debate, owner, student, pages, student_pages)


OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) wide.push(el);
  }
  // Name the innermost offenders: the ones none of whose children is also too wide.
  const leaves = wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)));
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    culprits: leaves.slice(0, 4).map((el) => {
      const name = `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`;
      return `${name} ${Math.round(el.getBoundingClientRect().right)}px`;
    }),
  };
}"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280x720", "390x844"])
def test_long_words_never_widen_a_page(sized_page, live_server, long_words, viewport):
    sized_page.set_viewport_size(viewport)
    too_wide = []
    for person, pages in (
        (long_words.owner, long_words.pages),
        (long_words.student, long_words.student_pages),
    ):
        sized_page.context.clear_cookies()
        sign_in(sized_page.context, live_server.url, person)
        for name, path in pages.items():
            response = sized_page.goto(f"{live_server.url}{path}")
            assert response.ok, f"{name}: {response.status}"
            measured = sized_page.evaluate(OVERFLOW)
            if measured["scrollWidth"] > measured["innerWidth"]:
                too_wide.append(f"{name} ({path}): {measured}")
    assert not too_wide, "\n".join(too_wide)


HEADER = """() => {
  const header = document.querySelector(".site-header");
  const row = header.querySelector(".header-row");
  // One row: some horizontal line crosses every item (brand, search, links and menu).
  const boxes = [...row.children, ...row.querySelectorAll(".nav > li")].map(
    (child) => child.getBoundingClientRect());
  const oneRow = Math.max(...boxes.map((b) => b.top)) < Math.min(...boxes.map((b) => b.bottom));
  return {height: header.getBoundingClientRect().height, oneRow};
}"""


@pytest.fixture
def demo_map(live_server):
    return load_demo()


def test_the_header_is_one_row_at_1280_for_every_role(browser, live_server, demo_map):
    users = get_user_model().objects
    heights = {}
    for role in ("anonymous", "student", "moderator", "teacher"):
        context = browser.new_context(viewport=DESKTOP)
        if role != "anonymous":
            sign_in(context, live_server.url, users.get(username=role))
        page = context.new_page()
        page.goto(f"{live_server.url}{demo_map.debate.get_absolute_url()}")
        measured = page.evaluate(HEADER)
        assert measured["oneRow"], f"{role}: the header wraps ({measured})"
        heights[role] = measured["height"]
        context.close()
    # The owner's header carries the most (moderation and notification counts, a menu),
    # the anonymous one the least (log in, sign up): all the same height.
    assert len(set(heights.values())) == 1, heights


def test_the_account_menu_works_without_javascript(browser, live_server, demo_map):
    teacher = get_user_model().objects.get(username="teacher")
    for viewport in (DESKTOP, PHONE):
        context = browser.new_context(viewport=viewport, java_script_enabled=False)
        sign_in(context, live_server.url, teacher)
        page = context.new_page()
        page.goto(f"{live_server.url}/")
        menu = page.locator(".account-menu")
        log_out = menu.get_by_role("button", name="Log out")
        expect(log_out).to_be_hidden()
        menu.locator("summary").click()
        expect(menu.get_by_role("link", name="Your profile")).to_be_visible()
        expect(menu.get_by_role("link", name="Import a source")).to_be_in_viewport(ratio=1)
        expect(log_out).to_be_in_viewport(ratio=1)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        log_out.click()
        main_nav = page.get_by_role("navigation", name="Main")
        expect(main_nav.get_by_role("link", name="Log in")).to_be_visible()
        context.close()


def test_the_logo_is_an_image_named_crux_home(page, live_server):
    page.goto(f"{live_server.url}/sources/")
    home = page.get_by_role("link", name="Crux home", exact=True)
    expect(home).to_have_count(1)
    expect(home.locator("img")).to_have_attribute("src", "/static/crux/logo.svg")
    assert page.locator("img.brand-mark").evaluate("img => img.complete && img.naturalWidth > 0")
    assert "✕" not in page.locator(".site-header").inner_text()
    home.click()
    page.wait_for_url(f"{live_server.url}/")

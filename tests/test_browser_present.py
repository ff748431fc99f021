"""Presenting and printing as a person would (issue 11, point 7), at 1280×720: the keys move
through the demo map in place, the evidence opens on demand, full screen holds across moves;
printed pages drop the toolbars and keep every quote."""

import io
import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from debates import services
from debates.demo.build import load_demo
from debates.models import Annotation, Claim, Evidence
from debates.selectors import present

from .test_browser_csp import LISTEN as CSP_LISTENER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROJECTOR = {"width": 1280, "height": 720}


@pytest.fixture
def demo_site(live_server):
    return live_server.url, load_demo()


@pytest.fixture
def screen(browser):
    context = browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def title(page):
    return page.locator("h1.slide-claim")


def test_keys_move_through_the_map_in_place_and_open_the_evidence(screen, demo_site):
    base, demo = demo_site
    debate = demo.debate
    top = present.slide(debate=debate, viewer=debate.owner)
    issue = top.children[0].claim
    second_issue = top.children[1].claim
    at_issue = present.slide(debate=debate, viewer=debate.owner, claim_pk=issue.pk)
    child = at_issue.children[0]

    page = screen
    page.add_init_script(CSP_LISTENER)
    page.goto(f"{base}/debates/{debate.slug}/present/")
    expect(title(page)).to_have_text(debate.title)
    expect(page.locator(".present-keys")).to_be_visible()
    page.evaluate("window.__crux_same_page = true")

    # Space starts: the first issue, its positions below it, in large type.
    page.keyboard.press("Space")
    expect(title(page)).to_have_text(issue.text)
    assert page.url.endswith(f"/present/{issue.pk}/")
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
    assert size >= 40, size

    # j chooses the first reply, Enter goes into it.
    page.keyboard.press("j")
    expect(page.locator("a[data-child]").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(title(page)).to_have_text(child.claim.text)
    assert page.url.endswith(f"/present/{child.claim.pk}/")

    # The evidence on demand: "e" opens the chosen reply's quotes, with their source.
    at_child = present.slide(debate=debate, viewer=debate.owner, claim_pk=child.claim.pk)
    evidenced = next(item for item in at_child.children if item.evidence)
    page.locator(f'a[data-child="{evidenced.claim.pk}"]').focus()
    reply = page.locator(".slide-child", has=page.locator(f'a[data-child="{evidenced.claim.pk}"]'))
    quote = reply.locator(".slide-quote blockquote").first
    expect(quote).to_be_hidden()
    page.keyboard.press("e")
    expect(quote).to_be_visible()
    words = evidenced.evidence[0].passage.anchor.exact.split()[:4]
    expect(quote).to_contain_text(" ".join(words))
    expect(reply.locator(".slide-source a").first).to_have_attribute(
        "href", re.compile(r"/sources/\d+/\?passage=\d+")
    )

    # Backspace goes back up, with the reply we came from chosen again.
    page.keyboard.press("Backspace")
    expect(title(page)).to_have_text(issue.text)
    expect(page.locator(f'a[data-child="{child.claim.pk}"]')).to_be_focused()

    # Space: the next issue; k and Escape and u work too; every move stayed on this page.
    page.keyboard.press("Space")
    expect(title(page)).to_have_text(second_issue.text)
    page.keyboard.press("Shift+Space")
    expect(title(page)).to_have_text(issue.text)
    page.keyboard.press("u")
    expect(title(page)).to_have_text(debate.title)
    assert page.evaluate("window.__crux_same_page") is True

    # The browser's Back button walks the same way back.
    page.go_back()
    expect(title(page)).to_have_text(issue.text)

    # Under the strict Content-Security-Policy, nothing was refused.
    assert page.evaluate("window.__cspViolations") == []

    # No author's name anywhere on the way.
    for username in ("teacher", "student", "moderator", "contributor"):
        assert f"/accounts/{username}" not in page.content()


def test_full_screen_holds_across_moves(screen, demo_site):
    base, demo = demo_site
    page = screen
    page.goto(f"{base}/debates/{demo.debate.slug}/present/")
    button = page.get_by_role("button", name="Full screen")
    expect(button).to_be_visible()
    button.click()
    page.wait_for_function("document.fullscreenElement !== null")
    page.keyboard.press("Space")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    expect(page.locator("a[rel=up]")).to_be_visible()
    assert page.evaluate("document.fullscreenElement !== null")
    expect(page.get_by_role("button", name="Full screen")).to_have_attribute("aria-pressed", "true")


def _text_of_pdf(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_printed_pages_drop_the_toolbars_and_keep_the_quotes(screen, demo_site):
    base, demo = demo_site
    debate, source = demo.debate, demo.source
    teacher = debate.owner
    client = Client()
    client.force_login(teacher)
    screen.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
    )
    evidence = (
        Evidence.objects.filter(
            claim__debate=debate, claim__kind="argument", status="published", deleted_at=None
        )
        .select_related("claim", "passage__anchor")
        .first()
    )
    claim = evidence.claim
    page = screen

    # The map: the outline prints, its toolbars and the site's header do not.
    page.goto(f"{base}{debate.get_absolute_url()}")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".map-tabs")).to_be_hidden()
    expect(page.locator(".node-tools").first).to_be_hidden()
    expect(page.locator(".map-actions")).to_be_hidden()
    first_claim = Claim.objects.filter(debate=debate, kind="issue").order_by("order", "pk")[0]
    expect(page.locator(f"#claim-{first_claim.pk} .claim-text").first).to_be_visible()
    # A reply group someone closed prints open.
    page.emulate_media(media="screen")
    page.locator(".map-tree details").first.evaluate("d => d.open = false")
    page.emulate_media(media="print")
    expect(page.locator(".map-tree details").first.locator(".node").first).to_be_visible()

    # A claim: its quotes in full, no buttons, no forms.
    page.emulate_media(media="screen")
    page.goto(f"{base}{claim.get_absolute_url()}")
    page.emulate_media(media="print")
    expect(page.locator(".evidence-list blockquote").first).to_be_visible()
    expect(page.locator(".claim-tools")).to_be_hidden()
    assert page.locator("button:visible, form:visible, .site-header:visible").count() == 0
    text = _text_of_pdf(page.pdf(format="A4"))
    assert " ".join(evidence.passage.anchor.exact.split()[:6]) in text
    assert "Search Crux" not in text and "Log out" not in text

    # The reader: a note prints with the words it is about, after the text.
    start = source.current_revision.text.index(evidence.passage.anchor.exact[:40])
    note = services.annotation_create(
        actor=teacher,
        source=source,
        start=start,
        end=start + 40,
        body="Ask the class what this sentence assumes.",
        visibility=Annotation.Visibility.PUBLIC,
    )
    page.emulate_media(media="screen")
    page.goto(f"{base}{source.get_absolute_url()}")
    item = page.locator(f"#note-{note.pk}")
    expect(item.locator(".note-quote")).to_be_hidden()  # on screen, the highlight says it
    page.emulate_media(media="print")
    expect(item.locator(".note-quote")).to_be_visible()
    expect(item.locator(".note-quote")).to_contain_text(evidence.passage.anchor.exact[:30])
    expect(item).to_contain_text("Ask the class")
    expect(page.locator(".note-filters")).to_be_hidden()
    expect(page.locator(".adder")).to_be_hidden()

    # A slide: the closed evidence prints open.
    page.emulate_media(media="screen")
    page.goto(f"{base}/debates/{debate.slug}/present/{claim.parent_id}/")
    quote = page.locator(".slide-quote blockquote").first
    expect(quote).to_be_hidden()
    page.emulate_media(media="print")
    expect(quote).to_be_visible()
    expect(page.locator(".present-bar")).to_be_hidden()


@pytest.mark.parametrize("viewport", [PROJECTOR, {"width": 390, "height": 844}])
def test_slides_pass_axe(browser, demo_site, viewport):
    from .test_browser_axe import serious_violations

    base, demo = demo_site
    debate = demo.debate
    issue = present.slide(debate=debate, viewer=debate.owner).children[0].claim
    position = present.slide(debate=debate, viewer=debate.owner, claim_pk=issue.pk).children[0]
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    try:
        for url in (
            f"/debates/{debate.slug}/present/",
            f"/debates/{debate.slug}/present/{position.claim.pk}/",
        ):
            page.goto(f"{base}{url}")
            page.locator("details.slide-evidence").evaluate_all(
                "all => all.forEach(d => d.open = true)"
            )
            assert serious_violations(page) == [], url
            # Nothing wider than the screen.
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    finally:
        context.close()


def test_a_see_also_entry_is_reached_by_keys_and_opens_that_claims_slide(screen, demo_site):
    base, demo = demo_site
    debate = demo.debate
    top = present.slide(debate=debate, viewer=debate.owner)
    issue = top.children[0].claim
    positions = present.slide(debate=debate, viewer=debate.owner, claim_pk=issue.pk).children
    here, there = positions[0].claim, positions[1].claim
    elsewhere = present.slide(debate=debate, viewer=debate.owner, claim_pk=there.pk).children
    linked = elsewhere[0].claim
    services.claim_link(actor=debate.owner, claim=linked, parent=here, stance="opposes")

    page = screen
    page.goto(f"{base}/debates/{debate.slug}/present/{here.pk}/")
    see_also = page.locator(".slide-see-also a[data-child]")
    expect(see_also).to_contain_text(f"See also: {linked.text}")
    # The "See also" entry comes after the replies: ↑ from nothing chosen reaches it first.
    page.keyboard.press("k")
    expect(see_also).to_be_focused()
    page.keyboard.press("Enter")
    expect(title(page)).to_have_text(linked.text)
    assert page.url.endswith(f"/present/{linked.pk}/")

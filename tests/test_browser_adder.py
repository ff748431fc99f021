"""The reader's adder and highlights, as people use them on a laptop (1280×720) and a phone
(390×844): select words far down the article, annotate them right there and save without
scrolling; choose a highlight and read its notes and citing claims without the page moving;
highlight, cite with the claim picker, delete and undo, hide the highlights; and axe finds
nothing serious, with the forms open."""

import pytest
from playwright.sync_api import expect

from debates import services
from debates.demo.build import load_demo
from debates.models import Annotation, Claim, Evidence

from .browser import log_in, select_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"laptop": (1280, 720), "phone": (390, 844)}
SERIOUS = {"serious", "critical"}

# Near the end of the article: well below the first screen at both sizes.
DEEP = "Use carefully calibrated economic interactions to create incentives for restraint"
NOTED = (
    "Moscow argues that influence and restraint on the Korean crisis contribute to regional order."
)

# Every CSP refusal the page meets, collected (as tests/test_browser_csp.py does).
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(
    `${e.violatedDirective} ${e.blockedURI || "inline"} ${e.sample || ""}`);
}, true);
"""


@pytest.fixture
def demo(live_server):
    return live_server.url, load_demo()


@pytest.fixture(params=list(SIZES))
def screen(request, browser):
    width, height = SIZES[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.add_init_script(LISTEN)
    page.size_name = request.param
    yield page
    assert page.evaluate("window.__cspViolations || []") == []
    context.close()


def in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    view = page.viewport_size
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= view["width"]
        and box["y"] + box["height"] <= view["height"]
    )


def scroll_to(page, text: str) -> None:
    """Scroll as a reader would, until `text` is in the middle of the screen."""
    page.evaluate(
        """(text) => {
          const walker = document.createTreeWalker(document.querySelector("[data-annotatable]"),
            NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            if (walker.currentNode.data.includes(text.slice(0, 30))) {
              walker.currentNode.parentElement.scrollIntoView({block: "center"});
              return;
            }
          }
          throw new Error("not found: " + text);
        }""",
        text,
    )


def scroll_y(page) -> float:
    return page.evaluate("window.scrollY")


def test_annotate_below_the_first_screen_and_save_without_scrolling(screen, demo):
    page = screen
    base, demo = demo
    log_in(page, base, "student", "crux-student-demo")
    page.goto(f"{base}{demo.source.get_absolute_url()}")
    scroll_to(page, DEEP)
    before = scroll_y(page)
    assert before > 600  # below the first screen

    select_text(page, DEEP)
    adder = page.locator("#adder")
    expect(adder).to_be_visible()
    assert in_viewport(page, adder)
    adder.get_by_role("button", name="Annotate").click()

    popover = page.get_by_role("dialog", name="Annotate")
    expect(popover).to_be_visible()
    if page.size_name == "phone":
        expect(popover).to_have_class("adder-popover is-sheet")
    form = page.locator("#annotate-form")
    expect(page.locator("#selection-quote")).to_have_text(DEEP)
    expect(form.get_by_label("Note")).to_be_focused()
    # A member of the debate grounded in this source writes to its members by default.
    expect(form.get_by_label("Who can see it")).to_have_value("debate")
    expect(form.get_by_label("Debate")).to_have_value(str(demo.debate.pk))
    form.get_by_label("Note").fill("Calibrated carrots, written where I read.")

    save = form.get_by_role("button", name="Save note")
    assert in_viewport(page, save), save.bounding_box()
    assert scroll_y(page) == before  # opening the form did not move the page
    save.click()

    expect(page.locator(".message")).to_contain_text("Your note is saved")
    note = Annotation.objects.get(body="Calibrated carrots, written where I read.")
    assert note.anchor.exact == DEEP
    assert (note.visibility, note.debate_id) == ("debate", demo.debate.pk)
    # Back on the reader: the words just annotated in view, the new note beside them.
    item = page.locator(f"#note-{note.pk}")
    expect(item).to_contain_text("Calibrated carrots")
    expect(page.locator(f"#annotation-{note.pk} + a")).to_be_in_viewport()
    expect(item).to_be_in_viewport()


def test_a_mouse_selection_snaps_to_whole_words(page, demo):
    base, demo = demo
    log_in(page, base, "student", "crux-student-demo")
    page.goto(f"{base}{demo.source.get_absolute_url()}")
    scroll_to(page, DEEP)
    # Drag from inside "carefully" to inside "interactions".
    box = page.evaluate(
        """(quote) => {
          const root = document.querySelector("[data-annotatable]");
          const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const node = walker.currentNode, at = node.data.indexOf(quote);
            if (at < 0) continue;
            const rect = (a, b) => {
              const r = document.createRange(); r.setStart(node, a); r.setEnd(node, b);
              return r.getBoundingClientRect();
            };
            const from = rect(at + 6, at + 7);
            const to = rect(at + quote.length - 3, at + quote.length - 2);
            return {x1: from.left + 1, y1: from.top + from.height / 2,
                    x2: to.left + 1, y2: to.top + to.height / 2};
          }
        }""",
        "carefully calibrated economic interactions",
    )
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=8)
    page.mouse.up()
    page.locator("#adder").get_by_role("button", name="Annotate").click()
    expect(page.locator("#selection-quote")).to_have_text(
        "carefully calibrated economic interactions"
    )
    form = page.locator("#annotate-form")
    start = int(form.locator("[name=note-start]").input_value())
    end = int(form.locator("[name=note-end]").input_value())
    text = demo.source.current_revision.text
    assert text[start:end] == "carefully calibrated economic interactions"


def test_the_keyboard_reaches_the_adder_with_tab(page, demo):
    base, demo = demo
    log_in(page, base, "student", "crux-student-demo")
    page.goto(f"{base}{demo.source.get_absolute_url()}")
    scroll_to(page, DEEP)
    select_text(page, DEEP)
    expect(page.locator("#adder")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.locator("#adder").get_by_role("button", name="Annotate")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#adder").get_by_role("button", name="Highlight")).to_be_focused()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Enter")
    expect(page.locator("#annotate-form").get_by_label("Note")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(page.locator("#adder").get_by_role("button", name="Annotate")).to_be_focused()


def test_choosing_a_highlight_shows_its_notes_and_claims_without_moving_the_page(screen, demo):
    page = screen
    base, demo = demo
    student = demo.debate.memberships.get(user__username="student").user
    text = demo.source.current_revision.text
    start = text.index(NOTED)
    note = services.annotation_create(
        actor=student,
        source=demo.source,
        start=start,
        end=start + len(NOTED),
        body="Order, says Moscow.",
        visibility="public",
    )
    log_in(page, base, "student", "crux-student-demo")
    page.goto(f"{base}{demo.source.get_absolute_url()}")
    scroll_to(page, NOTED)
    before = scroll_y(page)

    highlight = page.locator(f"#annotation-{note.pk} + a.note")
    highlight.click()
    item = page.locator(f"#note-{note.pk}")
    expect(item).to_have_class("note-item is-current")
    expect(item).to_be_focused()
    page.wait_for_timeout(600)  # the panel scrolls smoothly
    assert in_viewport(page, item.locator(".note-body")), item.bounding_box()
    assert scroll_y(page) == before
    if page.size_name == "phone":
        expect(page.locator(".reader-side")).to_have_class("reader-side is-sheet")

    # And back to the words, focus included.
    item.get_by_role("link", name="Commenting: show its words in the text").click()
    expect(highlight).to_be_focused()
    if page.size_name == "phone":
        expect(page.locator(".reader-side")).to_have_class("reader-side")

    # A cited passage: its claims come into the panel, the page stays.
    scroll_to(page, DEEP)
    before = scroll_y(page)
    cited = page.locator("a.hl", has_text="Use carefully calibrated").first
    cited.click()
    citations = page.locator("#citations")
    expect(citations).to_contain_text("Claims citing this passage")
    page.wait_for_timeout(600)
    assert in_viewport(page, citations.get_by_role("heading", level=2))
    assert scroll_y(page) == before
    expect(page.locator("#citations-title")).to_be_focused()


def test_a_note_on_another_page_of_notes_is_fetched_in_place(page, demo, settings):
    settings.CRUX_READER_NOTES_PAGE = 1
    base, demo = demo
    student = demo.debate.memberships.get(user__username="student").user
    text = demo.source.current_revision.text
    notes = []
    for sentence, body in [(DEEP[:40], "First page."), (NOTED, "Second page.")]:
        start = text.index(sentence)
        notes.append(
            services.annotation_create(
                actor=student,
                source=demo.source,
                start=start,
                end=start + len(sentence),
                body=body,
                visibility="public",
            )
        )
    later = min(notes, key=lambda n: -n.anchor.start)  # the second in reading order
    log_in(page, base, "student", "crux-student-demo")
    page.goto(f"{base}{demo.source.get_absolute_url()}")
    expect(page.locator(f"#note-{later.pk}")).to_have_count(0)  # not on this page
    scroll_to(page, later.anchor.exact)
    before = scroll_y(page)
    page.locator(f"#annotation-{later.pk} + a.note").click()
    item = page.locator(f"#note-{later.pk}")
    expect(item).to_contain_text(later.body)
    expect(item).to_be_focused()
    assert scroll_y(page) == before
    assert page.url.endswith(demo.source.get_absolute_url())  # no navigation


def test_the_pencil_opens_the_form_at_its_paragraph(page, demo):
    base, demo = demo
    log_in(page, base, "student", "crux-student-demo")
    page.goto(f"{base}{demo.source.get_absolute_url()}")
    scroll_to(page, NOTED)
    before = scroll_y(page)
    item = page.locator("li.block", has_text=NOTED)
    item.get_by_role("link", name="Annotate this list item").click()
    expect(page.get_by_role("dialog", name="Annotate")).to_be_visible()
    expect(page.locator("#selection-quote")).to_contain_text(NOTED)
    assert scroll_y(page) == before
    assert "/notes/new/" not in page.url


def test_highlight_at_once_and_hide_the_highlights(page, demo):
    base, demo = demo
    log_in(page, base, "student", "crux-student-demo")
    page.goto(f"{base}{demo.source.get_absolute_url()}")
    scroll_to(page, NOTED)
    select_text(page, NOTED)
    page.locator("#adder").get_by_role("button", name="Highlight").click()
    expect(page.locator(".message")).to_contain_text("Your note is saved")
    highlight = Annotation.objects.get(anchor__exact=NOTED)
    assert (highlight.motivation, highlight.visibility, highlight.body) == (
        "highlighting",
        "private",
        "",
    )
    mark = page.locator(f"#annotation-{highlight.pk} + a.note")
    expect(mark).to_be_visible()
    # A note is told from a citation by its underline's style, not only its colour.
    style = mark.evaluate("a => getComputedStyle(a).textDecorationStyle")
    cited_border = page.locator("a.hl").first.evaluate("a => getComputedStyle(a).borderBottomStyle")
    assert (style, cited_border) == ("dotted", "solid")
    expect(page.locator(".hl-legend")).to_contain_text("cited as evidence")

    toggle = page.get_by_role("button", name="Show highlights")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    assert mark.evaluate("a => getComputedStyle(a).backgroundColor") == "rgba(0, 0, 0, 0)"
    page.reload()
    expect(page.get_by_role("button", name="Show highlights")).to_have_attribute(
        "aria-pressed", "false"
    )


def test_cite_with_the_claim_picker(screen, demo):
    page = screen
    base, demo = demo
    log_in(page, base, "contributor", "crux-contributor-demo")
    page.goto(f"{base}{demo.source.get_absolute_url()}")
    scroll_to(page, NOTED)
    before = scroll_y(page)
    select_text(page, NOTED)
    page.locator("#adder").get_by_role("button", name="Cite as evidence").click()
    form = page.locator("#cite-form")
    expect(form).to_be_visible()
    choices = form.locator(".picker-list input[type=radio]")
    expect(choices.first).to_be_attached()
    position = demo.debate.claims.filter(kind=Claim.Kind.POSITION).order_by("order", "pk")[0]
    search = form.get_by_role("searchbox", name="Claim")
    search.fill(position.text.split()[0] + " " + position.text.split()[1])
    option = form.get_by_role("radio", name=position.text[:40])
    expect(option).to_be_visible()
    option.check()
    form.get_by_label("The passage").select_option("context")
    button = form.get_by_role("button", name="Cite the selection")
    assert in_viewport(page, button), button.bounding_box()
    assert scroll_y(page) == before
    button.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(position.text)
    evidence = Evidence.objects.get(claim=position, passage__anchor__exact=NOTED)
    assert evidence.relation == "context"


def test_delete_asks_first_and_can_be_undone(page, demo):
    base, demo = demo
    student = demo.debate.memberships.get(user__username="student").user
    text = demo.source.current_revision.text
    start = text.index(NOTED)
    note = services.annotation_create(
        actor=student, source=demo.source, start=start, end=start + len(NOTED), body="Oops."
    )
    log_in(page, base, "student", "crux-student-demo")
    page.goto(f"{base}{demo.source.get_absolute_url()}")
    item = page.locator(f"#note-{note.pk}")
    item.locator("summary", has_text="Delete").click()
    item.get_by_role("button", name="Delete the note").click()
    expect(item).to_contain_text("Your note is deleted.")
    note.refresh_from_db()
    assert note.deleted_at is not None
    item.get_by_role("button", name="Undo").click()
    expect(item).to_contain_text("Oops.")
    note.refresh_from_db()
    assert note.deleted_at is None


@pytest.mark.parametrize("opened", ["reading", "annotating"])
def test_the_reader_has_no_serious_accessibility_violations(screen, demo, opened):
    from axe_playwright_python.sync_playwright import Axe

    page = screen
    base, demo = demo
    log_in(page, base, "contributor", "crux-contributor-demo")
    page.goto(f"{base}{demo.source.get_absolute_url()}")
    if opened == "annotating":
        scroll_to(page, DEEP)
        select_text(page, DEEP)
        page.locator("#adder").get_by_role("button", name="Cite as evidence").click()
        expect(page.locator("#cite-form .picker-list")).to_be_visible()
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in SERIOUS]
    assert not serious, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in serious
    )

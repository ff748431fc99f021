"""As people would: select a sentence, annotate it, reload; see what others may see; cite it."""

import re

import pytest
from playwright.sync_api import expect

from debates.demo.build import load_demo
from debates.models import Annotation, Evidence

from .browser import log_in, select_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PRIVATE_SENTENCE = (
    "The reality of contemporary geopolitics, however, remains that power and pragmatism "
    "often drive how states interact."
)
PUBLIC_SENTENCE = (
    "This orientation sits at odds with more idealistic readings of international "
    "engagement, which emphasize moralistic critiques of authoritarian regimes."
)
CITED_SENTENCE = (
    "Since the dissolution of the Soviet Union, Moscow has maintained an interest in the "
    "peninsula that is separate from but often in tension with Western policy objectives."
)


@pytest.fixture
def demo_site(live_server):
    return live_server.url, load_demo()


def annotate(page, sentence: str, body: str, visibility: str) -> None:
    select_text(page, sentence)
    page.locator("#adder").get_by_role("button", name="Annotate").click()
    form = page.locator("#annotate-form")
    expect(form).to_be_visible()
    expect(page.locator("#selection-quote")).to_have_text(sentence)
    form.get_by_label("Note").fill(body)
    form.get_by_label("Tags").fill("realism")
    form.get_by_label("Who can see it").select_option(visibility)
    form.get_by_role("button", name="Save note").click()


def test_annotate_reload_and_visibility_to_another_person(page, browser, demo_site):
    base, demo = demo_site
    reader = f"{base}{demo.source.get_absolute_url()}"
    log_in(page, base, "student", "crux-student-demo")
    page.goto(reader)
    annotate(page, PRIVATE_SENTENCE, "My **private** thought.", "private")
    expect(page.locator(".message")).to_contain_text("Your note is saved")
    annotate(page, PUBLIC_SENTENCE, "A public remark for everyone.", "public")

    private = Annotation.objects.get(body="My **private** thought.")
    text = demo.source.current_revision.text
    assert text[private.anchor.start : private.anchor.end] == PRIVATE_SENTENCE

    page.reload()
    highlight = page.locator(f"#annotation-{private.pk} ~ a.note").first
    expect(highlight).to_have_text(PRIVATE_SENTENCE)
    note = page.locator(f"#note-{private.pk}")
    expect(note.locator("strong")).to_have_text("private")  # markdown rendered
    expect(note).to_contain_text("#realism")

    other = browser.new_context().new_page()
    log_in(other, base, "contributor", "crux-contributor-demo")
    other.goto(reader)
    expect(other.locator(".note-list")).to_contain_text("A public remark for everyone.")
    expect(other.locator(".note-list")).not_to_contain_text("private thought")
    expect(other.locator(f"#annotation-{private.pk}")).to_have_count(0)
    other.context.close()


def test_cite_a_selection_as_evidence_and_find_it_on_the_map(page, demo_site):
    base, demo = demo_site
    log_in(page, base, "contributor", "crux-contributor-demo")
    page.goto(f"{base}{demo.source.get_absolute_url()}")
    select_text(page, CITED_SENTENCE)
    page.locator("#adder").get_by_role("button", name="Cite as evidence").click()
    form = page.locator("#cite-form")
    expect(form).to_be_visible()
    form.get_by_label("Propose a new argument").check()
    position = demo.debate.claims.filter(kind="position").first()
    # The claim picker: a search box over the closest claims; search, then choose. A choice
    # made before the new list arrives stays chosen when it lands.
    box = form.get_by_role("searchbox", name="Claim")
    choice = form.get_by_role("radio", name=position.text[:40])
    with page.expect_response(lambda r: "/claims/pick/" in r.url and "q=" in r.url):
        box.fill(position.text[:30])
        choice.check()
    expect(box).not_to_have_class(re.compile("htmx-request"))  # the new list has landed
    expect(choice).to_be_checked()
    form.get_by_label("The new argument").select_option("supports")
    form.get_by_role("textbox", name="Argument").fill(
        "Moscow's interest in the peninsula outlived the Soviet Union."
    )
    form.get_by_role("button", name="Cite the selection").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Moscow's interest in the peninsula outlived the Soviet Union."
    )
    expect(page.locator(".evidence blockquote")).to_contain_text(CITED_SENTENCE)
    evidence = Evidence.objects.get(passage__anchor__exact=CITED_SENTENCE)
    assert evidence.status == "published"  # contributors publish directly

    page.get_by_role("link", name="Back to the map").click()
    node = page.locator(f"#claim-{evidence.claim_id}")
    expect(node).to_contain_text("outlived the Soviet Union")
    expect(node).to_contain_text("1 evidence")

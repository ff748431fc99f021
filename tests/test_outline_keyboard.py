"""The outline as a keyboard user meets it (ARIA tree), and axe on the graph and balance."""

import pytest
from playwright.sync_api import expect

from debates.models import ClaimLink

from .factories import ClaimFactory, DebateFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIOUS = {"serious", "critical"}


@pytest.fixture
def outline(live_server):
    """Issue > (Yes > (Pro, Con > Counter), No), plus a second issue, and a cross-link."""
    owner = UserFactory(username="owner")
    debate = DebateFactory(owner=owner, slug="rivers", title="Rivers")
    issue = ClaimFactory(debate=debate, text="Should towns be built on rivers?", order=0)
    yes = ClaimFactory(
        debate=debate, kind="position", parent=issue, relation="answers", text="Yes", order=0
    )
    pro = ClaimFactory(
        debate=debate, kind="argument", parent=yes, relation="supports", text="Trade", order=0
    )
    con = ClaimFactory(
        debate=debate, kind="argument", parent=yes, relation="opposes", text="Floods", order=1
    )
    counter = ClaimFactory(
        debate=debate, kind="argument", parent=con, relation="opposes", text="Dykes", order=0
    )
    no = ClaimFactory(
        debate=debate, kind="position", parent=issue, relation="answers", text="No", order=1
    )
    second = ClaimFactory(debate=debate, text="Who pays for dykes?", order=1)
    ClaimLink.objects.create(debate=debate, claim=counter, parent=no, relation="opposes")
    claims = {
        "issue": issue,
        "yes": yes,
        "pro": pro,
        "con": con,
        "counter": counter,
        "no": no,
        "second": second,
    }
    return live_server.url, debate, claims


def focused_id(page) -> str:
    return page.evaluate(
        "() => document.activeElement.getAttribute('role') === 'treeitem' "
        "? document.activeElement.id : 'not a treeitem: ' + document.activeElement.outerHTML"
    )


def test_arrow_keys_move_through_the_outline_and_enter_opens_a_claim(page, outline):
    base, debate, claims = outline
    page.goto(f"{base}{debate.get_absolute_url()}")
    tree = page.get_by_role("tree", name="Map of Rivers")
    expect(tree).to_be_visible()
    expect(page.get_by_text("Use arrow keys to move through the map")).to_be_visible()
    # One Tab stop: only the first claim is in the tab order.
    assert page.locator('[role="treeitem"][tabindex="0"]').count() == 1
    first = page.locator(f"#claim-{claims['issue'].pk}")
    expect(first).to_have_attribute("tabindex", "0")
    expect(first).to_have_attribute("aria-level", "1")
    expect(first).to_have_attribute("aria-expanded", "true")
    first.focus()
    assert focused_id(page) == f"claim-{claims['issue'].pk}"

    page.keyboard.press("ArrowDown")
    assert focused_id(page) == f"claim-{claims['yes'].pk}"
    yes = page.locator(f"#claim-{claims['yes'].pk}")
    expect(yes).to_have_attribute("aria-selected", "true")
    expect(yes).to_have_attribute("aria-level", "2")
    expect(first).to_have_attribute("tabindex", "-1")

    page.keyboard.press("ArrowRight")  # expanded already: move to the first child
    assert focused_id(page) == f"claim-{claims['pro'].pk}"
    page.keyboard.press("ArrowDown")
    assert focused_id(page) == f"claim-{claims['con'].pk}"
    page.keyboard.press("ArrowLeft")  # expanded: collapse it
    con = page.locator(f"#claim-{claims['con'].pk}")
    expect(con).to_have_attribute("aria-expanded", "false")
    assert focused_id(page) == f"claim-{claims['con'].pk}"
    page.keyboard.press("ArrowDown")  # the hidden counterargument is skipped
    assert focused_id(page) == f"claim-{claims['no'].pk}"
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowRight")  # collapsed: expand, stay
    expect(con).to_have_attribute("aria-expanded", "true")
    assert focused_id(page) == f"claim-{claims['con'].pk}"
    page.keyboard.press("ArrowRight")
    assert focused_id(page) == f"claim-{claims['counter'].pk}"
    page.keyboard.press("ArrowLeft")  # a leaf: go to the parent
    assert focused_id(page) == f"claim-{claims['con'].pk}"

    page.keyboard.press("End")
    assert focused_id(page) == f"claim-{claims['second'].pk}"
    page.keyboard.press("Home")
    assert focused_id(page) == f"claim-{claims['issue'].pk}"

    # Enter on a cross-link goes to the claim it points at, inside the tree.
    link = page.locator(".node-link[role='treeitem']").first
    link.focus()
    page.keyboard.press("Enter")
    assert focused_id(page) == f"claim-{claims['counter'].pk}"

    page.keyboard.press("ArrowUp")
    assert focused_id(page) == f"claim-{claims['con'].pk}"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/debates/rivers/claims/{claims['con'].pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Floods")


def test_keys_typed_into_a_control_inside_a_claim_card_are_left_alone(page, outline):
    base, debate, claims = outline
    page.goto(f"{base}{debate.get_absolute_url()}")
    card = page.locator(f"#claim-{claims['yes'].pk} > .claim-card")
    # Stand in for another feature's toolbar: a text box inside the card.
    card.evaluate(
        "card => { const i = document.createElement('input');"
        " i.setAttribute('aria-label', 'Reply'); card.appendChild(i); }"
    )
    box = card.get_by_label("Reply")
    box.fill("abc")
    box.press("Home")
    box.press("ArrowRight")
    assert page.evaluate("document.activeElement.tagName") == "INPUT"
    assert page.evaluate("document.activeElement.selectionStart") == 1


def test_the_focused_claim_keeps_focus_after_htmx_swaps_the_tree(page, outline):
    base, debate, claims = outline
    page.goto(f"{base}{debate.get_absolute_url()}")
    page.locator(f"#claim-{claims['pro'].pk}").focus()
    page.keyboard.press("ArrowDown")
    assert focused_id(page) == f"claim-{claims['con'].pk}"
    page.evaluate("document.querySelector('[role=tree]').dataset.swappedOut = 'yes'")
    page.evaluate(
        "url => htmx.ajax('GET', url, {target: '#map-tree', swap: 'outerHTML'})",
        debate.get_absolute_url(),
    )
    page.wait_for_function("() => !document.querySelector('[role=tree]').dataset.swappedOut")
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.getAttribute('role') === 'treeitem'"
    )
    assert focused_id(page) == f"claim-{claims['con'].pk}"
    assert page.locator('[role="treeitem"][tabindex="0"]').count() == 1
    page.keyboard.press("ArrowUp")  # the new tree answers the keys
    assert focused_id(page) == f"claim-{claims['pro'].pk}"


def test_a_claim_swapped_in_on_its_own_joins_the_tree(page, outline):
    base, debate, claims = outline
    page.goto(f"{base}{debate.get_absolute_url()}")
    con = f"claim-{claims['con'].pk}"
    page.locator(f"#{con}").focus()
    # As a fragment from the server would arrive: no tabindex and the default level.
    page.evaluate(
        """id => {
          const html = document.getElementById(id).outerHTML
            .replace(/ tabindex="[^"]*"/g, "").replace(/aria-level="[0-9]+"/g, 'aria-level="1"');
          htmx.swap("#" + id, html, {swapStyle: "outerHTML"});
        }""",
        con,
    )
    page.wait_for_function(
        "id => document.getElementById(id).getAttribute('tabindex') !== null", arg=con
    )
    item = page.locator(f"#{con}")
    expect(item).to_have_attribute("aria-level", "3")
    expect(page.locator(f"#claim-{claims['counter'].pk}")).to_have_attribute("aria-level", "4")
    expect(item.locator(".claim-text").first).to_have_attribute("tabindex", "-1")
    assert page.locator('[role="treeitem"][tabindex="0"]').count() == 1
    assert focused_id(page) == con
    page.keyboard.press("ArrowDown")
    assert focused_id(page) == f"claim-{claims['counter'].pk}"


@pytest.mark.parametrize("which", ["graph", "balance"])
def test_graph_and_balance_pages_have_no_serious_accessibility_violations(page, live_server, which):
    from axe_playwright_python.sync_playwright import Axe

    from debates.demo.build import load_demo

    demo = load_demo()
    page.goto(f"{live_server.url}/debates/{demo.debate.slug}/{which}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(demo.debate.title)
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in SERIOUS]
    assert not serious, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in serious
    )

"""A class's report in a browser: the report and a drill-down pass axe at desktop and phone
widths, and the chart draws without breaking the strict CSP."""

from pathlib import Path

import pytest

from classes import services
from debates.models import Debate

from .browser import log_in
from .factories import (
    ARTICLE,
    ClaimFactory,
    DebateFactory,
    UserFactory,
    annotate_quote,
    make_claim,
    make_evidence,
    source_factory,
)
from .test_browser_axe import serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"  # UserFactory's


@pytest.fixture
def site(live_server):
    teacher = UserFactory(username="teacher", display_name="Ms Teacher")
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
        debate=debate, kind="position", parent=issue, relation="answers", text="Yes."
    )
    classroom = services.class_create(actor=teacher, name="7B History")
    pupils = [UserFactory(username=f"pupil{i}", display_name=f"Pupil {i}") for i in (1, 2, 3)]
    services.class_members_add(actor=teacher, classroom=classroom, entries="pupil1, pupil2, pupil3")
    services.class_map_share(actor=teacher, classroom=classroom, debate=debate, mode="propose")
    passage = source.passages.filter(kind="paragraph").order_by("anchor__start").first()
    for i, pupil in enumerate(pupils[:2]):
        claim = make_claim(
            debate=debate,
            kind="argument",
            parent=position,
            relation="supports",
            text=f"Argument {i}",
            author=pupil,
            status="published" if i == 0 else "proposed",
        )
        make_evidence(claim=claim, passage=passage, author=pupil, status="published")
        annotate_quote(source, "traded more", pupil, motivation="questioning", body="Why?")
    return live_server.url, classroom, pupils


def errors_into(errors: list[str]):
    def keep(message) -> None:
        if message.type == "error":
            errors.append(message.text)

    return keep


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 720}, {"width": 390, "height": 844}]
)
def test_the_report_pages_pass_axe_and_keep_the_csp(browser, site, viewport):
    base, classroom, pupils = site
    pages = {
        "report": f"/classes/{classroom.pk}/report/",
        "drill-down": f"/classes/{classroom.pk}/report/{pupils[0].pk}/proposed/",
    }
    found = {}
    for name, path in pages.items():
        context = browser.new_context(viewport=viewport)
        sign_in(context, base, "teacher")
        page = context.new_page()
        errors: list[str] = []
        page.on("console", errors_into(errors))
        response = page.goto(f"{base}{path}")
        assert response.status == 200, name
        if name == "report":
            assert page.locator("svg.chart rect.chart-bar").count() >= 1
            assert page.get_by_text("2 of 3 students").is_visible()
        assert not [e for e in errors if "Content Security Policy" in e], errors
        violations = serious_violations(page)
        if violations:
            found[name] = violations
        context.close()
    assert not found, found


def test_the_teacher_downloads_the_csv(page, site):
    base, classroom, pupils = site
    log_in(page, base, "teacher", PASSWORD)
    page.goto(f"{base}/classes/{classroom.pk}/report/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download as CSV").click()
    data = Path(info.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"pupil1" in data

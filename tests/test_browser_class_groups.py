"""Groups and their own copies in a browser: the teacher makes groups at random and gives each
group a copy of a template map on the groups page; a student sees only their group's copy;
the pages pass axe."""

import pytest
from playwright.sync_api import expect

from classes import services
from classes.models import GroupCopy
from debates.models import Debate

from .browser import log_in
from .factories import ARTICLE, ClaimFactory, DebateFactory, UserFactory, source_factory
from .test_browser_axe import serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"  # UserFactory's


@pytest.fixture
def site(live_server):
    """A class of four students and the teacher's private template map."""
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
    ClaimFactory(debate=debate, kind="position", parent=issue, relation="answers", text="Yes.")
    classroom = services.class_create(actor=teacher, name="7B History")
    for i in range(1, 5):
        UserFactory(username=f"pupil{i}", display_name=f"Pupil {i}")
    services.class_members_add(
        actor=teacher, classroom=classroom, entries="pupil1, pupil2, pupil3, pupil4"
    )
    return live_server.url, classroom, debate


def test_the_teacher_groups_the_class_and_gives_each_group_a_copy(page, browser, site):
    base, classroom, template = site
    log_in(page, base, "teacher", PASSWORD)
    page.goto(f"{base}/classes/{classroom.pk}/groups/")
    page.get_by_label("Divide the class into").select_option("count")
    page.get_by_label("Number").fill("2")
    page.get_by_role("button", name="Make groups").click()
    expect(page.get_by_role("heading", name="Group 1")).to_be_visible()
    expect(page.get_by_role("heading", name="Group 2")).to_be_visible()
    page.get_by_label("Template map").select_option(label="Rivers and towns")
    page.get_by_label("One copy for").select_option("group")
    page.get_by_label("Students may").select_option("contribute")
    page.get_by_role("button", name="Give copies").click()
    expect(page.get_by_text("2 private copies of “Rivers and towns” given")).to_be_visible()
    mine = GroupCopy.objects.filter(group__members__user__username="pupil1").get()
    other = GroupCopy.objects.exclude(pk=mine.pk).get()

    student = browser.new_context().new_page()
    log_in(student, base, "pupil1", PASSWORD)
    student.goto(f"{base}{classroom.get_absolute_url()}")
    expect(student.get_by_role("link", name=mine.debate.title)).to_be_visible()
    expect(student.get_by_role("link", name=other.debate.title)).to_have_count(0)
    student.get_by_role("link", name=mine.debate.title).click()
    expect(student.get_by_text("Do rivers make towns rich?").first).to_be_visible()
    assert student.goto(f"{base}{other.debate.get_absolute_url()}").status == 404


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 720}, {"width": 390, "height": 844}]
)
def test_the_groups_pages_pass_axe(browser, site, viewport):
    base, classroom, template = site
    teacher = template.owner
    services.groups_make_random(actor=teacher, classroom=classroom, count=2, seed=1)
    services.class_copies_give(
        actor=teacher, classroom=classroom, template=template, copy_for="group", mode="propose"
    )
    pages = {
        "groups (teacher)": ("teacher", f"/classes/{classroom.pk}/groups/"),
        "class page with copies (teacher)": ("teacher", classroom.get_absolute_url()),
        "class page with copies (student)": ("pupil1", classroom.get_absolute_url()),
    }
    found = {}
    for name, (who, path) in pages.items():
        context = browser.new_context(viewport=viewport)
        sign_in(context, base, who)
        page = context.new_page()
        response = page.goto(f"{base}{path}")
        assert response.status == 200, name
        violations = serious_violations(page)
        if violations:
            found[name] = violations
        context.close()
    assert not found, found

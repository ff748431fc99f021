"""Assignments in a browser: the teacher sets one through the form (adding and removing
task rows, swapped in place by htmx; plain buttons without it) and deletes one after its
confirmation page, a student sees their progress, and the form, the assignment page and
the confirmation have no serious accessibility violation (axe)."""

import re

import pytest
from playwright.sync_api import expect

from classes import services
from classes.models import Assignment
from debates.models import Debate

from .browser import log_in
from .factories import ARTICLE, ClaimFactory, DebateFactory, UserFactory, source_factory
from .test_browser_axe import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"  # UserFactory's


@pytest.fixture
def site(live_server):
    teacher = UserFactory(username="teacher", display_name="Ms Teacher")
    student = UserFactory(username="student", display_name="Sam Student")
    source = source_factory(ARTICLE, created_by=teacher)
    debate = DebateFactory(
        title="Rivers and towns",
        slug="rivers",
        owner=teacher,
        visibility=Debate.Visibility.PRIVATE,
        contribution_mode=Debate.Mode.OPEN,
    )
    debate.sources.add(source)
    issue = ClaimFactory(debate=debate, kind="issue", text="Do rivers make towns rich?")
    ClaimFactory(debate=debate, kind="position", parent=issue, relation="answers", text="Yes.")
    classroom = services.class_create(actor=teacher, name="7B History")
    services.class_join(actor=student, code=classroom.join_code)
    services.class_map_share(actor=teacher, classroom=classroom, debate=debate, mode="contribute")
    return live_server.url, classroom, issue


def test_a_teacher_sets_work_and_a_student_sees_it(page, browser, site):
    base, classroom, issue = site
    log_in(page, base, "teacher", PASSWORD)
    page.goto(f"{base}{classroom.get_absolute_url()}")
    page.get_by_role("link", name="Set an assignment").click()
    assert not serious_violations(page)
    page.get_by_label("Title").fill("Week 1: rivers")
    page.locator("#id_due_at").fill("2031-05-01T09:00")
    page.get_by_label("Students see classmates' work only after they post").check()
    row = page.get_by_role("group", name="Task 1")
    row.get_by_label("Task 1").select_option("argue")
    row.get_by_label("How many").fill("2")
    row.get_by_label("In the map").select_option(label="Rivers and towns")
    row.get_by_label("Issue or counterargument").fill(str(issue.pk))
    page.get_by_role("button", name="Set the assignment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Week 1: rivers")
    expect(page.get_by_role("table", name=re.compile(r"^Each student.s progress"))).to_contain_text(
        "Sam Student"
    )
    assert not serious_violations(page)

    context = browser.new_context()
    other = context.new_page()
    log_in(other, base, "student", PASSWORD)
    other.goto(f"{base}{classroom.get_absolute_url()}")
    expect(other.locator(".class-assignment")).to_contain_text("0 of 2")
    other.get_by_role("link", name="Week 1: rivers").click()
    expect(other.locator(".assignment-status")).to_contain_text("not started")
    assert not serious_violations(other)
    context.close()


def test_a_teacher_adds_and_removes_task_rows_and_deletes_the_assignment(page, site):
    base, classroom, issue = site
    log_in(page, base, "teacher", PASSWORD)
    page.goto(f"{base}/classes/{classroom.pk}/assignments/new/")
    page.get_by_label("Title").fill("Week 2: many tasks")
    page.locator("#id_due_at").fill("2031-05-08T09:00")
    expect(page.locator("fieldset.task-row")).to_have_count(1)
    first = page.get_by_role("group", name="Task 1")
    first.get_by_label("Task 1").select_option("reply")
    first.get_by_label("In the map").select_option(label="Rivers and towns")
    # "Add another task" twice: the rows are swapped in place, what was typed stays.
    page.evaluate("window.__same_page = true")
    for rows in (2, 3):
        page.get_by_role("button", name="Add another task").click()
        expect(page.locator("fieldset.task-row")).to_have_count(rows)
    expect(page.get_by_label("Title")).to_have_value("Week 2: many tasks")
    expect(first.get_by_label("Task 1")).to_have_value("reply")
    second = page.get_by_role("group", name="Task 2")
    second.get_by_label("Task 2").select_option("argue")
    second.get_by_label("In the map").select_option(label="Rivers and towns")
    second.get_by_label("Issue or counterargument").fill(str(issue.pk))
    third = page.get_by_role("group", name="Task 3")
    third.get_by_label("Task 3").select_option("reply")
    third.get_by_label("How many").fill("3")
    third.get_by_label("In the map").select_option(label="Rivers and towns")
    # Remove the first: the others move up.
    first.get_by_role("button", name="Remove this task").click()
    expect(page.locator("fieldset.task-row")).to_have_count(2)
    expect(page.get_by_role("group", name="Task 1").get_by_label("Task 1")).to_have_value("argue")
    assert page.evaluate("window.__same_page === true")  # htmx: no page load
    assert not serious_violations(page)
    # Enter in a field saves (the form's default button), rather than adding a row.
    page.get_by_label("Title").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Week 2: many tasks")
    work = Assignment.objects.get(title="Week 2: many tasks")
    assert [(t.kind, t.count) for t in work.tasks.all()] == [("argue", 1), ("reply", 3)]

    page.get_by_role("link", name="Delete the assignment").click()
    expect(page.locator(".assignment-loss")).to_contain_text("2 tasks")
    assert not serious_violations(page)
    page.get_by_label("Reason").fill("Set by mistake")
    page.get_by_role("button", name="Delete the assignment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("7B History")
    assert not Assignment.objects.filter(pk=work.pk).exists()

"""Teaching with a shared map, end to end, as people click through it at 1280×720 (issue 11,
point 9): the teacher creates a class, shares the demo map for proposals and sets an
assignment whose students see classmates' work only after they post; a student joins with
the code, finds no classmate's work on the map, completes the assignment with an argument
citing a passage (the reader's "Cite as evidence"), then sees the classmate's argument; the
teacher approves the proposal, grades it and releases the grade; the student sees the
grade; the report and its CSV count the student's work. axe finds nothing serious on the
pages visited."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from classes import services as class_services
from classes.models import Assignment, Classroom
from debates import services
from debates.demo.build import load_demo
from debates.models import Claim, Evidence

from .browser import log_in, select_text
from .factories import UserFactory
from .test_browser_axe import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORT = {"width": 1280, "height": 720}
PASSWORD = "pass-word-123"  # UserFactory's
CLASSMATE_ARGUMENT = "A classmate's argument: the treaty changed little on the ground."
MY_ARGUMENT = "Moscow presents its restraint as a service to the region's order."
# A sentence of the demo article, cited by the student.
CITED = (
    "Moscow argues that influence and restraint on the Korean crisis contribute to regional order."
)
# Another sentence, cited by the classmate.
CLASSMATE_CITED = (
    "Use carefully calibrated economic interactions to create incentives for restraint"
)


@pytest.fixture
def demo(live_server):
    result = load_demo()
    UserFactory(username="pupil", display_name="Pia Pupil")
    UserFactory(username="classmate", display_name="Cal Classmate")
    # Issue X: an issue of the demo map with a position under it.
    position = (
        result.debate.claims.filter(
            kind=Claim.Kind.POSITION, status="published", parent__kind=Claim.Kind.ISSUE
        )
        .order_by("parent__order", "parent_id", "order", "pk")
        .first()
    )
    return live_server.url, result, position


def new_page(browser):
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.set_default_timeout(15_000)
    return page


def check_axe(page, name: str, found: dict) -> None:
    violations = serious_violations(page)
    if violations:
        found[name] = violations


def span_of(source, quote: str) -> tuple[int, int]:
    text = source.current_revision.text
    start = text.index(quote)
    return start, start + len(quote)


def test_a_class_works_through_an_assignment_on_a_shared_map(browser, demo):
    base, demo, position = demo
    issue = position.parent
    debate = demo.debate
    axe: dict[str, list[str]] = {}

    # --- The teacher creates a class, shares the demo map for proposals. ---
    teacher = new_page(browser)
    log_in(teacher, base, "teacher", "crux-teacher-demo")
    teacher.goto(f"{base}/classes/")
    teacher.get_by_role("link", name="Create a class").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Create a class")
    check_axe(teacher, "new class", axe)
    teacher.get_by_label("Name").fill("9C Politics")
    teacher.get_by_role("button", name="Create the class").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("9C Politics")
    code = teacher.locator(".join-code").inner_text().strip()
    share = teacher.get_by_role("form", name="Share a map")
    share.get_by_label("Map").select_option(label=debate.title)
    share.get_by_label("Students may").select_option(label="propose (reviewed)")
    share.get_by_role("button", name="Share with the class").click()
    expect(teacher.locator(".class-map")).to_contain_text(debate.title)
    expect(teacher.locator(".class-map")).to_contain_text("Propose (reviewed)")
    check_axe(teacher, "class page (teacher)", axe)
    classroom = Classroom.objects.get(name="9C Politics")

    # --- ...and sets an assignment: one argument with evidence on issue X, due next week. ---
    teacher.get_by_role("link", name="Set an assignment").click()
    expect(teacher.get_by_label("Title")).to_be_visible()
    check_axe(teacher, "assignment form", axe)
    teacher.get_by_label("Title").fill("Week 3: restraint")
    due = timezone.localtime(timezone.now() + timedelta(days=7))
    teacher.locator("#id_due_at").fill(due.strftime("%Y-%m-%dT%H:%M"))
    teacher.get_by_label("Students see classmates' work only after they post").check()
    row = teacher.get_by_role("group", name="Task 1")
    row.get_by_label("Task 1").select_option("argue")
    row.get_by_label("How many").fill("1")
    row.get_by_label("In the map").select_option(label=debate.title)
    row.get_by_label("Issue or counterargument").fill(str(issue.pk))
    teacher.get_by_role("button", name="Set the assignment").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Week 3: restraint")
    expect(teacher.locator(".assignment-dates")).to_contain_text(
        "classmates' work shows once you have posted"
    )
    assignment = Assignment.objects.get(classroom=classroom)
    assert assignment.see_after_post and assignment.tasks.get().claim_id == issue.pk

    # --- A classmate has already posted (through the services), and it was approved. ---
    classmate = UserFactory._meta.model.objects.get(username="classmate")
    class_services.class_join(actor=classmate, code=code)
    start, end = span_of(demo.source, CLASSMATE_CITED)
    theirs = services.argument_with_evidence_add(
        actor=classmate,
        parent=position,
        stance="supports",
        text=CLASSMATE_ARGUMENT,
        source=demo.source,
        start=start,
        end=end,
    )
    services.claim_approve(claim=theirs, actor=debate.owner)

    # --- The student joins with the code and opens the shared map: nothing of the classmate's.
    student = new_page(browser)
    log_in(student, base, "pupil", PASSWORD)
    student.goto(f"{base}/classes/join/")
    check_axe(student, "join page", axe)
    student.get_by_label("Join code").fill(code)
    student.get_by_role("button", name="Join", exact=True).click()
    expect(student.get_by_role("heading", level=1)).to_have_text("9C Politics")
    expect(student.locator(".class-assignment")).to_contain_text("Week 3: restraint")
    check_axe(student, "class page (student)", axe)
    student.locator(".class-map").get_by_role("link", name=debate.title).click()
    expect(student.locator("#map-tree")).to_contain_text(position.text)
    expect(student.locator("#map-tree")).not_to_contain_text(CLASSMATE_ARGUMENT)
    check_axe(student, "map (student, before posting)", axe)
    response = student.goto(f"{base}{theirs.get_absolute_url()}")
    assert response.status == 404  # withheld on its own page too

    # --- ...completes the assignment: an argument resting on a passage, from the reader.
    student.goto(f"{base}{demo.source.get_absolute_url()}")
    select_text(student, CITED)
    adder = student.locator("#adder")
    expect(adder).to_be_visible()
    adder.get_by_role("button", name="Cite as evidence").click()
    form = student.locator("#cite-form")
    expect(form).to_be_visible()
    form.get_by_role("radio", name="Propose a new argument").check()
    form.get_by_role("searchbox", name="Claim").fill(" ".join(position.text.split()[:3]))
    option = form.get_by_role("radio", name=position.text[:40])
    expect(option).to_be_visible()
    option.check()
    form.get_by_role("textbox", name="Argument").fill(MY_ARGUMENT)
    check_axe(student, "reader (cite form open)", axe)
    form.get_by_role("button", name="Cite the selection").click()
    expect(student.get_by_text("Your argument is proposed")).to_be_visible()
    mine = Claim.objects.get(text=MY_ARGUMENT)
    assert (mine.kind, mine.status, mine.parent_id) == ("argument", "proposed", position.pk)
    cited = Evidence.objects.get(claim=mine)
    assert cited.passage.anchor.exact == CITED and cited.passage.source_id == demo.source.pk

    # ...and now sees the classmate's argument on the map, beside their own proposal.
    student.goto(f"{base}{debate.get_absolute_url()}")
    expect(student.locator("#map-tree")).to_contain_text(CLASSMATE_ARGUMENT)
    expect(student.locator("#map-tree")).to_contain_text(MY_ARGUMENT)
    check_axe(student, "map (student, after posting)", axe)

    # --- The teacher approves the proposal in the moderation queue...
    teacher.goto(f"{base}{reverse('debates:queue', args=[debate.slug])}")
    item = teacher.locator(f"#item-claim-{mine.pk}")
    expect(item).to_contain_text(MY_ARGUMENT)
    expect(item).to_contain_text(CITED[:40])
    check_axe(teacher, "moderation queue", axe)
    item.get_by_role("button", name="Approve").click()
    expect(item.get_by_role("button", name="Approve")).to_have_count(0)
    mine.refresh_from_db()
    assert mine.status == "published"

    # ...grades the student's work on the assignment's grading table and releases it.
    teacher.goto(f"{base}/classes/{classroom.pk}/assignments/{assignment.pk}/")
    grading = teacher.locator(".grading-table tr", has_text="(pupil)")
    expect(grading).to_be_visible()
    check_axe(teacher, "assignment page (teacher)", axe)
    grading.get_by_label("Score").fill("9")
    grading.get_by_label("Comment").fill("Well grounded in the text.")
    grading.get_by_role("button", name="Save").click()
    grading = teacher.locator(".grading-table tr", has_text="(pupil)")
    expect(grading.get_by_label("Score")).to_have_value("9")
    grading.get_by_role("button", name="Release").click()
    grading = teacher.locator(".grading-table tr", has_text="(pupil)")
    expect(grading).to_contain_text("released")

    # --- The student sees the grade on the assignment page.
    student.goto(f"{base}/classes/{classroom.pk}/assignments/{assignment.pk}/")
    expect(student.get_by_role("heading", name="Your grade: 9")).to_be_visible()
    expect(student.locator(".my-grade")).to_contain_text("Well grounded in the text.")
    expect(student.locator(".assignment-status")).to_have_text("Your progress: done")
    check_axe(student, "assignment page (student, graded)", axe)

    # --- The report counts the student's work, and so does its CSV.
    teacher.goto(f"{base}/classes/{classroom.pk}/report/")
    report_row = teacher.locator("tr", has_text="@pupil")
    expect(report_row).to_be_visible()
    cells = report_row.locator("td.num")
    expect(cells.nth(0)).to_have_text("1")  # claims proposed
    expect(cells.nth(1)).to_have_text("1")  # approved
    expect(cells.nth(2)).to_have_text("0")  # rejected
    expect(cells.nth(3)).to_have_text("1")  # evidence cited
    check_axe(teacher, "report", axe)
    href = teacher.get_by_role("link", name="Download as CSV").get_attribute("href")
    response = teacher.context.request.get(f"{base}{href}")
    assert response.ok
    data = response.body()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = {row["Username"]: row for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))}
    assert rows["pupil"]["Student"] == "Pia Pupil"
    assert (rows["pupil"]["Claims proposed"], rows["pupil"]["Claims approved"]) == ("1", "1")
    assert rows["pupil"]["Evidence cited"] == "1"

    teacher.context.close()
    student.context.close()
    assert not axe, axe

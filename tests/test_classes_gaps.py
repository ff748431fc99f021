"""The gaps a review of issue 11 found: deleting an assignment (with a confirmation step
that says what goes, and a refusal when grades were released unless confirmed), as many
task rows as the teacher needs, cross-links ("See also") in present mode and in the PDF
handout, and a notification for a student a teacher adds to a class."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from classes import services
from classes.forms import AssignmentForm, task_rows_in, without_task_row
from classes.models import Assignment, ClassAuditEntry, FeedbackItem, Grade, Task
from classes.services import TaskSpec
from classes.services.assignments import MAX_TASKS
from debates.models import Claim, ClaimLink, Debate, Notification
from debates.selectors import present

from .factories import (
    ClaimFactory,
    DebateFactory,
    UserFactory,
    build_map,
    make_claim,
    make_evidence,
)
from .test_handout import handout_url, read_pdf, require_pdf

PUBLISHED = Claim.Status.PUBLISHED


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def rivers(db, teacher, source):
    debate = DebateFactory(
        title="Rivers",
        slug="rivers-gaps",
        owner=teacher,
        visibility=Debate.Visibility.PRIVATE,
        contribution_mode=Debate.Mode.OPEN,
    )
    debate.sources.add(source)
    issue = ClaimFactory(debate=debate, kind="issue", text="Do rivers make towns rich?")
    position = ClaimFactory(
        debate=debate, kind="position", parent=issue, relation="answers", text="Yes."
    )
    debate.issue, debate.position = issue, position
    return debate


@pytest.fixture
def klass(db, teacher, student, rivers):
    classroom = services.class_create(actor=teacher, name="7B History")
    services.class_join(actor=student, code=classroom.join_code)
    services.class_map_share(actor=teacher, classroom=classroom, debate=rivers, mode="contribute")
    return classroom


def set_work(klass, teacher, rivers, *, tasks=None, title="Rivers homework"):
    due = timezone.now() + timedelta(days=2)
    return services.assignment_create(
        actor=teacher,
        classroom=klass,
        title=title,
        due_at=due,
        tasks=tasks or [TaskSpec("argue", 2, debate=rivers, claim=rivers.issue)],
    )


def argue(rivers, student, text="Trade made them rich."):
    """An argument with evidence: what an "argue" task counts."""
    claim = make_claim(
        debate=rivers,
        kind="argument",
        parent=rivers.position,
        relation="supports",
        text=text,
        author=student,
        status=PUBLISHED,
    )
    passage = rivers.sources.first().passages.first()
    make_evidence(claim=claim, passage=passage, author=student, status=PUBLISHED)
    return claim


# --- 1. deleting an assignment ---------------------------------------------------------------


def test_a_teacher_deletes_an_assignment_with_its_tasks_and_draft_grades(
    klass, teacher, student, rivers
):
    work = set_work(klass, teacher, rivers)
    claim = argue(rivers, student)
    services.grade_set(actor=teacher, assignment=work, student=student, score=7, comment="Ok")
    services.feedback_add(
        actor=teacher,
        assignment=work,
        student=student,
        kind="claim",
        object_id=claim.pk,
        comment="Cite the passage.",
    )
    loss = services.assignment_delete(actor=teacher, assignment=work, reason="Set twice")
    assert (loss.tasks, loss.grades, loss.released, loss.feedback) == (1, 1, 0, 1)
    assert not Assignment.objects.filter(pk=work.pk).exists()
    assert not Task.objects.filter(assignment_id=work.pk).exists()
    assert not Grade.objects.filter(assignment_id=work.pk).exists()
    assert not FeedbackItem.objects.filter(assignment_id=work.pk).exists()
    # The student's own work stays in the map.
    assert Claim.objects.filter(pk=claim.pk, deleted_at__isnull=True).exists()
    entry = ClassAuditEntry.objects.filter(classroom=klass).first()
    assert entry.action == ClassAuditEntry.Action.ASSIGNMENT_DELETED
    assert "Rivers homework" in entry.summary and "Set twice" in entry.summary
    assert entry.actor == teacher


def test_released_grades_refuse_the_delete_unless_forced(klass, teacher, student, rivers):
    work = set_work(klass, teacher, rivers)
    services.grades_release(actor=teacher, assignment=work)
    with pytest.raises(ValidationError, match=r"released to 1 student\b"):
        services.assignment_delete(actor=teacher, assignment=work)
    assert Assignment.objects.filter(pk=work.pk).exists()
    assert Grade.objects.filter(assignment=work, released_at__isnull=False).count() == 1
    loss = services.assignment_delete(actor=teacher, assignment=work, force=True)
    assert loss.released == 1
    assert not Assignment.objects.filter(pk=work.pk).exists()


def test_only_teachers_delete_and_never_in_an_archived_class(klass, teacher, student, rivers):
    work = set_work(klass, teacher, rivers)
    with pytest.raises(PermissionDenied):
        services.assignment_delete(actor=student, assignment=work)
    outsider = UserFactory(username="someone-else")
    with pytest.raises(PermissionDenied):
        services.assignment_delete(actor=outsider, assignment=work)
    services.class_archive(actor=teacher, classroom=klass)
    work.classroom.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.assignment_delete(actor=teacher, assignment=work)
    assert Assignment.objects.filter(pk=work.pk).exists()


def test_a_too_long_reason_is_refused_and_nothing_is_deleted(klass, teacher, rivers):
    work = set_work(klass, teacher, rivers)
    with pytest.raises(ValidationError, match="reason is too long"):
        services.assignment_delete(actor=teacher, assignment=work, reason="x" * 501)
    assert Assignment.objects.filter(pk=work.pk).exists()


def test_the_policy_table_knows_delete_assignment(klass, teacher, student):
    from classes import policy

    assert policy.can(teacher, "delete_assignment", klass)
    assert not policy.can(student, "delete_assignment", klass)


def delete_url(work) -> str:
    return reverse("classes:assignment_delete", args=[work.classroom_id, work.pk])


def test_the_confirmation_page_says_what_goes_and_post_deletes(
    client, klass, teacher, student, rivers
):
    work = set_work(klass, teacher, rivers)
    argue(rivers, student)
    services.grade_set(actor=teacher, assignment=work, student=student, score=5, comment="")
    client.force_login(teacher)
    page = client.get(work.get_absolute_url()).content.decode()
    assert f'href="{delete_url(work)}"' in page
    html = client.get(delete_url(work)).content.decode()
    assert "Add 2 arguments with evidence" in html  # the task, described
    assert "1 of 1 student has started" in html  # the progress table
    assert "1 draft grade" in html
    assert 'name="force"' not in html  # nothing released: no extra confirmation
    response = client.post(delete_url(work), {"reason": "Wrong week"})
    assert response.status_code == 302 and response["Location"] == klass.get_absolute_url()
    assert not Assignment.objects.filter(pk=work.pk).exists()
    assert "Wrong week" in ClassAuditEntry.objects.filter(classroom=klass).first().summary


def test_with_released_grades_the_page_asks_for_the_extra_confirmation(
    client, klass, teacher, student, rivers
):
    work = set_work(klass, teacher, rivers)
    services.grades_release(actor=teacher, assignment=work)
    client.force_login(teacher)
    html = client.get(delete_url(work)).content.decode()
    assert 'name="force"' in html and "1 released grade" in html
    refused = client.post(delete_url(work), {})
    assert refused.status_code == 400
    assert "released to 1 student" in refused.content.decode()
    assert Assignment.objects.filter(pk=work.pk).exists()
    done = client.post(delete_url(work), {"force": "1"})
    assert done.status_code == 302
    assert not Assignment.objects.filter(pk=work.pk).exists()


def test_students_and_outsiders_cannot_reach_the_delete_page(
    client, klass, teacher, student, rivers
):
    work = set_work(klass, teacher, rivers)
    client.force_login(student)
    assert "Delete the assignment" not in client.get(work.get_absolute_url()).content.decode()
    assert client.get(delete_url(work)).status_code == 403
    assert client.post(delete_url(work), {"force": "1"}).status_code == 403
    client.force_login(UserFactory(username="nosy"))
    assert client.get(delete_url(work)).status_code == 404
    assert Assignment.objects.filter(pk=work.pk).exists()


# --- 2. as many task rows as needed ------------------------------------------------------------


def new_url(klass) -> str:
    return reverse("classes:assignment_new", args=[klass.pk])


def task_legends(html: str) -> list[str]:
    return re.findall(r"<legend>(Task \d+)</legend>", html)


def test_a_new_form_starts_with_one_row_and_add_another_task_adds_one(client, klass, teacher):
    client.force_login(teacher)
    html = client.get(new_url(klass)).content.decode()
    assert task_legends(html) == ["Task 1"]
    assert 'name="add_task"' in html
    response = client.post(
        new_url(klass),
        {"title": "Week 4", "due_at": "", "task1_kind": "reply", "add_task": "1"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert task_legends(html) == ["Task 1", "Task 2"]
    assert 'value="Week 4"' in html  # what was typed stays
    assert 'value="reply" selected' in html
    assert 'role="alert"' not in html  # an empty due date is not an error yet
    assert not Assignment.objects.exists()  # nothing is saved


def test_more_than_four_tasks_are_saved_and_shown_again_for_editing(client, klass, teacher, rivers):
    client.force_login(teacher)
    data = {"title": "Six replies", "due_at": "2030-05-01T09:00", "published": "on"}
    for n in range(1, 7):
        data |= {f"task{n}_kind": "reply", f"task{n}_count": str(n), f"task{n}_debate": rivers.pk}
    response = client.post(new_url(klass), data)
    assert response.status_code == 302
    work = Assignment.objects.get(title="Six replies")
    assert [t.count for t in work.tasks.all()] == [1, 2, 3, 4, 5, 6]
    edit = client.get(reverse("classes:assignment_edit", args=[klass.pk, work.pk]))
    assert task_legends(edit.content.decode()) == [f"Task {n}" for n in range(1, 7)]


def test_remove_takes_a_row_out_and_moves_the_later_ones_up(client, klass, teacher, rivers):
    client.force_login(teacher)
    data = {"title": "Three", "due_at": "2030-05-01T09:00", "remove_task": "2"}
    for n, count in ((1, "1"), (2, "2"), (3, "3")):
        data |= {f"task{n}_kind": "reply", f"task{n}_count": count, f"task{n}_debate": rivers.pk}
    response = client.post(new_url(klass), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert task_legends(html) == ["Task 1", "Task 2"]
    assert 'name="task2_count" value="3"' in html  # the third row is now the second
    assert 'name="task3_count"' not in html
    assert not Assignment.objects.exists()


def test_removing_a_task_on_edit_saves_without_it(client, klass, teacher, rivers):
    work = set_work(
        klass,
        teacher,
        rivers,
        tasks=[TaskSpec("reply", n, debate=rivers) for n in (1, 2, 3, 4, 5)],
    )
    client.force_login(teacher)
    url = reverse("classes:assignment_edit", args=[klass.pk, work.pk])
    data = {
        "title": work.title,
        "due_at": timezone.localtime(work.due_at).strftime("%Y-%m-%dT%H:%M"),
        "published": "on",
    }
    for n in (1, 2, 3, 4, 5):
        data |= {f"task{n}_kind": "reply", f"task{n}_count": str(n), f"task{n}_debate": rivers.pk}
    shown = client.post(url, data | {"remove_task": "1"}).content.decode()
    rows = task_legends(shown)
    assert rows == ["Task 1", "Task 2", "Task 3", "Task 4"]
    # Submitting what the page now shows saves four tasks.
    kept = without_task_row(data, 1)
    assert client.post(url, kept).status_code == 302
    assert [t.count for t in work.tasks.all()] == [2, 3, 4, 5]


def test_rows_are_capped_and_more_are_refused(client, klass, teacher, rivers):
    client.force_login(teacher)
    data = {"title": "Too many", "due_at": "2030-05-01T09:00", "published": "on"}
    for n in range(1, MAX_TASKS + 2):
        data |= {f"task{n}_kind": "reply", f"task{n}_debate": rivers.pk}
    response = client.post(new_url(klass), data)
    assert response.status_code == 400
    assert f"At most {MAX_TASKS} tasks" in response.content.decode()
    assert not Assignment.objects.exists()
    # At the cap, the form offers no further row.
    full = {k: v for k, v in data.items() if not k.startswith(f"task{MAX_TASKS + 1}_")}
    html = client.post(new_url(klass), full | {"add_task": "1"}).content.decode()
    assert len(task_legends(html)) == MAX_TASKS and 'name="add_task"' not in html


def test_row_helpers():
    assert task_rows_in({"title": "x", "task3_kind": "", "task1_count": "1"}) == 3
    assert task_rows_in({"title": "x", "task_kind": ""}) == 0
    moved = without_task_row({"task1_kind": "a", "task2_kind": "b", "task3_kind": "c"}, 2)
    assert dict(moved.items()) == {"task1_kind": "a", "task2_kind": "c"}
    form = AssignmentForm({"task7_kind": ""}, maps=[], readings=[])
    assert form.rows == 7 and len(form.task_rows()) == 7
    assert AssignmentForm(maps=[], readings=[]).rows == 1


# --- 3. cross-links in present mode and the handout ------------------------------------------


@pytest.fixture
def linked(debate, teacher, student):
    """Issue → yes, no; yes → pro; no → con. `pro` also stands under `no` (a cross-link);
    a proposal cross-linked under `no` too never shows."""
    c = {}
    c["issue"] = make_claim(
        debate=debate,
        kind="issue",
        text="Should towns fear rivers?",
        author=teacher,
        status=PUBLISHED,
    )
    for key, text in (("yes", "Yes, floods ruin them"), ("no", "No, rivers feed them")):
        c[key] = make_claim(
            debate=debate,
            kind="position",
            parent=c["issue"],
            text=text,
            author=teacher,
            status=PUBLISHED,
        )
    c["pro"] = make_claim(
        debate=debate,
        kind="argument",
        parent=c["yes"],
        relation="supports",
        text="Harbours were rebuilt again and again",
        author=student,
        status=PUBLISHED,
    )
    c["con"] = make_claim(
        debate=debate,
        kind="argument",
        parent=c["no"],
        relation="opposes",
        text="Trade came by river",
        author=student,
        status=PUBLISHED,
    )
    c["pending"] = make_claim(
        debate=debate,
        kind="argument",
        parent=c["yes"],
        relation="supports",
        text="A proposal waiting for review",
        author=student,
        status=Claim.Status.PROPOSED,
    )
    ClaimLink.objects.create(debate=debate, claim=c["pro"], parent=c["no"], relation="opposes")
    ClaimLink.objects.create(
        debate=debate, claim=c["pending"], parent=c["no"], relation="opposes", order=1
    )
    return c


def slide_url(debate, claim=None) -> str:
    if claim is None:
        return reverse("debates:present", args=[debate.slug])
    return reverse("debates:present_claim", args=[debate.slug, claim.pk])


def test_a_slide_lists_its_cross_links_as_see_also_linking_to_their_slides(
    client, debate, linked, moderator
):
    client.force_login(moderator)  # who would see the proposal on the map
    html = client.get(slide_url(debate, linked["no"])).content.decode()
    children = html.split('class="slide-children"', 1)[1]
    assert linked["con"].text in children
    see = re.search(
        r'<li class="slide-child slide-see-also rel-opposes">(.*?)</li>', children, re.S
    )
    assert see, children
    assert f"See also: {linked['pro'].text}" in see.group(1)
    assert f'href="{slide_url(debate, linked["pro"])}"' in see.group(1)
    assert f'data-child="{linked["pro"].pk}"' in see.group(1)  # j/k and Enter reach it
    assert '<span class="stance stance-opposes">Con</span>' in see.group(1)
    # Children first, then "See also"; never the proposal.
    assert children.index(linked["con"].text) < children.index("See also:")
    assert linked["pending"].text not in html
    # The linked claim's own slide opens.
    assert client.get(slide_url(debate, linked["pro"])).status_code == 200


def test_a_cross_link_to_a_claim_off_the_map_is_not_shown(client, debate, linked, teacher):
    hidden = make_claim(
        debate=debate,
        kind="argument",
        parent=linked["pending"],
        relation="supports",
        text="Under a proposal, so off the published map",
        author=teacher,
        status=PUBLISHED,
    )
    ClaimLink.objects.create(debate=debate, claim=hidden, parent=linked["no"], relation="supports")
    slide = present.slide(debate=debate, viewer=teacher, claim_pk=linked["no"].pk)
    assert [see.claim.pk for see in slide.links] == [linked["pro"].pk]
    assert slide.links[0].stance == "Con"
    # A slide without cross-links has none.
    assert present.slide(debate=debate, viewer=teacher, claim_pk=linked["yes"].pk).links == []


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_cross_links_on_a_slide_cost_a_fixed_number_of_queries(client, teacher):
    small = DebateFactory(slug="few-links", owner=teacher)
    big = DebateFactory(slug="many-links", owner=teacher)
    counts = []
    for debate, size, links in ((small, 12, 1), (big, 300, 40)):
        claims = build_map(debate, size)
        target = next(c for c in claims if c.kind == "position")
        others = [c for c in claims if c.kind == "argument" and c.parent_id != target.pk]
        for i, claim in enumerate(others[:links]):
            ClaimLink.objects.create(
                debate=debate, claim=claim, parent=target, relation="supports", order=i
            )
        counts.append(_queries(client, slide_url(debate, target)))
        html = client.get(slide_url(debate, target)).content.decode()
        assert html.count("slide-see-also") == links
    assert counts[0] == counts[1], counts


def test_the_handout_outline_carries_see_also_with_the_linked_claims_number(
    debate, linked, teacher
):
    handout = present.handout(debate=debate, viewer=teacher, max_claims=100)
    rows = {row.claim.pk: row for row in handout.rows}
    see = rows[linked["no"].pk].links
    assert [(s.claim.pk, s.number, s.stance) for s in see] == [
        (linked["pro"].pk, rows[linked["pro"].pk].number, "Con")
    ]
    assert rows[linked["pro"].pk].number == "1.1.1"
    assert all(not row.links for pk, row in rows.items() if pk != linked["no"].pk)


def test_the_handout_query_count_does_not_grow_with_cross_links(client, teacher):
    counts = []
    for slug, links in (("handout-few", 1), ("handout-many", 30)):
        debate = DebateFactory(slug=slug, owner=teacher)
        claims = build_map(debate, 60)
        target = next(c for c in claims if c.kind == "position")
        for i, claim in enumerate([c for c in claims if c.kind == "argument"][:links]):
            if claim.parent_id != target.pk:
                ClaimLink.objects.create(
                    debate=debate, claim=claim, parent=target, relation="opposes", order=i
                )
        with CaptureQueriesContext(connection) as queries:
            present.handout(debate=debate, viewer=teacher, max_claims=1000)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_pdf_handout_prints_see_also(client, debate, linked):
    require_pdf()
    response = client.get(handout_url(debate))
    assert response.status_code == 200
    _, text = read_pdf(response.content)
    assert re.search(r"Con See also: 1\.1\.1 Harbours were rebuilt again and again", text), text
    assert linked["pending"].text not in text


# --- 4. a student added by a teacher is told -----------------------------------------------


def test_a_student_added_by_a_teacher_gets_a_notification_and_an_email(
    klass, teacher, mailoutbox, django_capture_on_commit_callbacks
):
    newcomer = UserFactory(username="newcomer")
    with django_capture_on_commit_callbacks(execute=True):
        services.class_members_add(actor=teacher, classroom=klass, entries="newcomer")
    notice = Notification.objects.get(recipient=newcomer)
    assert notice.verb == Notification.Verb.ADDED and notice.debate is None
    assert notice.actor == teacher and notice.url == klass.get_absolute_url()
    assert "Ms Teacher added you to the class “7B History”" in notice.message
    assert [m.to for m in mailoutbox] == [[newcomer.email]]
    assert "7B History" in mailoutbox[0].subject


def test_nobody_else_is_told_and_joining_by_code_tells_nobody(klass, teacher, student):
    services.class_members_add(actor=teacher, classroom=klass, entries="student, nobody-here")
    assert not Notification.objects.filter(recipient=student).exists()  # already in
    joiner = UserFactory(username="joiner")
    services.class_join(actor=joiner, code=klass.join_code)
    assert not Notification.objects.filter(recipient=joiner).exists()


def test_the_notification_without_a_debate_shows_and_opens_the_class(client, klass, teacher):
    newcomer = UserFactory(username="newcomer")
    services.class_members_add(actor=teacher, classroom=klass, entries="newcomer")
    client.force_login(newcomer)
    html = client.get(reverse("debates:notifications")).content.decode()
    assert "added you to the class" in html
    notice = Notification.objects.get(recipient=newcomer)
    response = client.post(reverse("debates:notification_open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == klass.get_absolute_url()
    assert client.get(klass.get_absolute_url()).status_code == 200
    notice.refresh_from_db()
    assert notice.read_at is not None

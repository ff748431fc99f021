"""Assignments (issue 11, point 4): tasks, progress counted from the students' work in the
shared maps and readings, late marking and the late window's cut-off, the pages, who may
set work, and the fixed number of queries a whole class's progress costs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from classes import selectors, services
from classes.models import Assignment, Task
from classes.services import TaskSpec
from debates.models import Anchor, Annotation, Claim, Debate

from .factories import (
    ClaimFactory,
    DebateFactory,
    UserFactory,
    make_claim,
    make_evidence,
    source_factory,
)

NOW = timezone.now


@pytest.fixture
def rivers(db, teacher, source):
    debate = DebateFactory(
        title="Rivers",
        slug="rivers-assignments",
        owner=teacher,
        visibility=Debate.Visibility.PRIVATE,
        contribution_mode=Debate.Mode.OPEN,
    )
    debate.sources.add(source)
    issue = ClaimFactory(debate=debate, kind="issue", text="Do rivers make towns rich?")
    position = ClaimFactory(
        debate=debate, kind="position", parent=issue, relation="answers", text="Yes."
    )
    counter = ClaimFactory(
        debate=debate, kind="argument", parent=position, relation="opposes", text="Floods."
    )
    debate.issue, debate.position, debate.counter = issue, position, counter
    return debate


@pytest.fixture
def other_issue(rivers):
    issue = ClaimFactory(debate=rivers, kind="issue", text="Are canals better?")
    return ClaimFactory(
        debate=rivers, kind="position", parent=issue, relation="answers", text="Maybe."
    )


@pytest.fixture
def pupil2(db):
    return UserFactory(username="pupil2", display_name="Pat Second")


@pytest.fixture
def klass(db, teacher, student, pupil2, rivers):
    classroom = services.class_create(actor=teacher, name="7B History")
    services.class_join(actor=student, code=classroom.join_code)
    services.class_join(actor=pupil2, code=classroom.join_code)
    services.class_map_share(actor=teacher, classroom=classroom, debate=rivers, mode="contribute")
    return classroom


def set_work(klass, teacher, *tasks, due_in=timedelta(days=2), late=timedelta(days=1), **kw):
    due = NOW() + due_in
    return services.assignment_create(
        actor=teacher,
        classroom=klass,
        title="Rivers homework",
        due_at=due,
        late_until=due + late if late is not None else None,
        tasks=list(tasks),
        **kw,
    )


def at(obj, when):
    """Move a claim's or note's creation time (arranging the clock for a test)."""
    type(obj).objects.filter(pk=obj.pk).update(created_at=when)


def argument(debate, author, parent, *, evidence=True, status="published", text="Trade."):
    claim = make_claim(
        debate=debate,
        kind="argument",
        parent=parent,
        relation="supports",
        text=text,
        author=author,
        status=status,
    )
    if evidence:
        passage = debate.sources.first().passages.first()
        make_evidence(claim=claim, passage=passage, author=author, status="published")
    return claim


def note(source, author, *, start=0, end=10, visibility="public", parent=None):
    revision = source.current_revision
    anchor = Anchor.objects.create(
        source=source, revision=revision, start=start, end=end, exact=revision.text[start:end]
    )
    return Annotation.objects.create(
        anchor=anchor, author=author, body="A note.", visibility=visibility, parent=parent
    )


def mine(assignment, user):
    return selectors.assignment_page(user=user, assignment=assignment).mine


def table(assignment, teacher):
    page = selectors.assignment_page(user=teacher, assignment=assignment)
    return {row.member.user.username: row for row in page.students}


# --- counting, per task kind ---------------------------------------------------------------


def test_arguments_with_evidence_under_the_issue_count(
    klass, teacher, student, rivers, other_issue
):
    work = set_work(klass, teacher, TaskSpec("argue", 2, debate=rivers, claim=rivers.issue))
    argument(rivers, student, rivers.position)  # counts
    argument(rivers, student, rivers.counter, text="Deep under it")  # counts: below the issue
    argument(rivers, student, rivers.position, evidence=False, text="No evidence")
    argument(rivers, student, other_issue, text="Another issue")
    argument(rivers, student, rivers.position, status="rejected", text="Rejected")
    progress = mine(work, student)
    assert progress.tasks[0].done == 2
    assert progress.complete and progress.status == "done"


def test_proposed_arguments_count_and_deleted_ones_do_not(klass, teacher, student, rivers):
    work = set_work(klass, teacher, TaskSpec("argue", 3, debate=rivers, claim=rivers.issue))
    argument(rivers, student, rivers.position, status="proposed")
    gone = argument(rivers, student, rivers.position, text="Gone")
    Claim.objects.filter(pk=gone.pk).update(deleted_at=NOW())
    progress = mine(work, student)
    assert progress.tasks[0].done == 1
    assert progress.status == "in progress"


def test_answering_the_counterargument(klass, teacher, student, rivers):
    work = set_work(klass, teacher, TaskSpec("answer", 1, debate=rivers, claim=rivers.counter))
    assert mine(work, student).status == "not started"
    argument(rivers, student, rivers.position, evidence=False)  # not under the counterargument
    assert mine(work, student).tasks[0].done == 0
    make_claim(
        debate=rivers,
        kind="argument",
        parent=rivers.counter,
        relation="opposes",
        text="Dams.",
        author=student,
        status="published",
    )
    assert mine(work, student).complete


def test_replies_to_classmates_count_not_to_oneself_or_the_teacher(
    klass, teacher, student, pupil2, rivers
):
    work = set_work(klass, teacher, TaskSpec("reply", 2, debate=rivers))
    theirs = argument(rivers, pupil2, rivers.position, evidence=False, text="Pat's")
    own = argument(rivers, student, rivers.position, evidence=False, text="Mine")
    argument(rivers, student, own, evidence=False, text="To myself")
    argument(rivers, student, rivers.counter, evidence=False, text="To the teacher's")
    argument(rivers, student, theirs, evidence=False, text="To Pat")
    rows = table(work, teacher)
    assert rows["student"].tasks[0].done == 1
    assert rows["pupil2"].tasks[0].done == 0


def test_notes_on_the_reading_count_public_top_level_ones(klass, teacher, student, source):
    work = set_work(klass, teacher, TaskSpec("annotate", 2, source=source))
    first = note(source, student)
    note(source, student, visibility="private")  # only they see it
    note(source, student, parent=first)  # a reply, not a passage annotated
    assert mine(work, student).tasks[0].done == 1
    note(source, student, start=20, end=30, visibility="debate" if False else "public")
    assert mine(work, student).tasks[0].complete


def test_notes_within_a_section_only(klass, teacher, student, rivers):
    source = source_factory(
        "<h1>Essay</h1><h2>Causes</h2><p>Rivers carried trade.</p>"
        "<h2>Effects</h2><p>Towns grew rich.</p>",
        created_by=teacher,
    )
    rivers.sources.add(source)
    structure = source.current_revision.structure
    sections = [s for s in structure["sections"] if s.get("blocks")]
    assert len(sections) >= 2, "the test article has sections"
    wanted, elsewhere = sections[0], sections[1]
    work = set_work(klass, teacher, TaskSpec("annotate", 1, source=source, section=wanted["title"]))
    block = elsewhere["blocks"][0]
    note(source, student, start=block["start"], end=block["end"])
    assert mine(work, student).tasks[0].done == 0
    block = wanted["blocks"][0]
    note(source, student, start=block["start"], end=block["end"])
    assert mine(work, student).tasks[0].done == 1


# --- the window: before creation, late, after the late window ----------------------------


def test_work_before_the_assignment_does_not_count(klass, teacher, student, rivers):
    old = argument(rivers, student, rivers.position)
    at(old, NOW() - timedelta(days=1))
    work = set_work(klass, teacher, TaskSpec("argue", 1, debate=rivers, claim=rivers.issue))
    assert mine(work, student).tasks[0].done == 0


def test_late_work_is_marked_and_after_the_window_not_counted(
    klass, teacher, student, pupil2, rivers
):
    work = set_work(
        klass,
        teacher,
        TaskSpec("argue", 1, debate=rivers, claim=rivers.issue),
        due_in=timedelta(hours=1),
        late=timedelta(days=1),
    )
    late = argument(rivers, student, rivers.position)
    at(late, work.due_at + timedelta(hours=2))
    too_late = argument(rivers, pupil2, rivers.position, text="Too late")
    at(too_late, work.late_until + timedelta(minutes=1))
    rows = table(work, teacher)
    assert rows["student"].tasks[0].late and rows["student"].status == "done late"
    assert rows["student"].tasks[0].late_items == 1
    assert rows["pupil2"].tasks[0].done == 0 and rows["pupil2"].status == "not started"


def test_without_a_late_window_nothing_after_the_due_date_counts(klass, teacher, student, rivers):
    work = set_work(
        klass, teacher, TaskSpec("argue", 1, debate=rivers, claim=rivers.issue), late=None
    )
    claim = argument(rivers, student, rivers.position)
    at(claim, work.due_at + timedelta(seconds=1))
    assert mine(work, student).tasks[0].done == 0


def test_on_time_work_is_not_late(klass, teacher, student, rivers):
    work = set_work(klass, teacher, TaskSpec("argue", 1, debate=rivers, claim=rivers.issue))
    argument(rivers, student, rivers.position)
    progress = mine(work, student)
    assert progress.complete and not progress.late and progress.status == "done"


def test_the_assignment_state_follows_the_clock(klass, teacher, rivers):
    work = set_work(klass, teacher, TaskSpec("reply", 1, debate=rivers))
    assert work.state() == "open"
    assert work.state(work.due_at + timedelta(minutes=1)) == "late"
    assert work.state(work.late_until + timedelta(minutes=1)) == "closed"


# --- setting work: rules and permissions --------------------------------------------------


def test_students_and_outsiders_cannot_set_work(klass, student, outsider, rivers):
    for person in (student, outsider):
        with pytest.raises(PermissionDenied):
            set_work(klass, person, TaskSpec("reply", 1, debate=rivers))


def test_an_archived_class_takes_no_new_work(klass, teacher, rivers):
    services.class_archive(actor=teacher, classroom=klass)
    with pytest.raises(PermissionDenied):
        set_work(klass, teacher, TaskSpec("reply", 1, debate=rivers))


@pytest.mark.parametrize(
    "spec",
    [
        lambda d, s: TaskSpec("reply", 1, debate=DebateFactory(slug="not-shared")),
        lambda d, s: TaskSpec("argue", 1, debate=d, claim=d.position),  # not an issue
        lambda d, s: TaskSpec("answer", 1, debate=d),  # which counterargument?
        lambda d, s: TaskSpec("answer", 1, debate=d, claim=d.issue),  # not an argument
        lambda d, s: TaskSpec("annotate", 0, source=s),  # none
        lambda d, s: TaskSpec("annotate", 1),  # which reading?
        lambda d, s: TaskSpec("nonsense", 1, debate=d),
    ],
)
def test_tasks_must_make_sense(klass, teacher, rivers, source, spec):
    with pytest.raises(ValidationError):
        set_work(klass, teacher, spec(rivers, source))


def test_the_late_window_ends_after_the_due_date(klass, teacher, rivers):
    with pytest.raises(ValidationError):
        set_work(klass, teacher, TaskSpec("reply", 1, debate=rivers), late=-timedelta(hours=1))


def test_changing_an_assignment_replaces_its_tasks(klass, teacher, rivers, source):
    work = set_work(klass, teacher, TaskSpec("reply", 1, debate=rivers))
    services.assignment_update(
        actor=teacher,
        assignment=work,
        title="Changed",
        due_at=work.due_at,
        tasks=[TaskSpec("annotate", 3, source=source)],
    )
    work.refresh_from_db()
    assert work.title == "Changed"
    assert [(t.kind, t.count) for t in work.tasks.all()] == [("annotate", 3)]


# --- the pages ---------------------------------------------------------------------------


def test_a_teacher_sets_an_assignment_through_the_form(client, klass, teacher, rivers, source):
    client.force_login(teacher)
    url = reverse("classes:assignment_new", args=[klass.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "Week 3",
            "due_at": "2030-05-01T09:00",
            "late_until": "2030-05-03T09:00",
            "see_after_post": "on",
            "published": "on",
            "task1_kind": "argue",
            "task1_count": "2",
            "task1_debate": str(rivers.pk),
            "task1_claim": f"/debates/{rivers.slug}/claims/{rivers.issue.pk}/",
            "task2_kind": "annotate",
            "task2_count": "1",
            "task2_source": str(source.pk),
            "task3_kind": "",
        },
    )
    work = Assignment.objects.get(title="Week 3")
    assert response.status_code == 302 and response["Location"] == work.get_absolute_url()
    assert work.see_after_post and not work.anonymous
    tasks = list(work.tasks.all())
    assert [(t.kind, t.count, t.claim_id) for t in tasks] == [
        ("argue", 2, rivers.issue.pk),
        ("annotate", 1, None),
    ]
    # Changing it: the form comes back filled in.
    edit = client.get(reverse("classes:assignment_edit", args=[klass.pk, work.pk]))
    assert edit.status_code == 200 and b"Week 3" in edit.content


def test_the_form_shows_the_services_refusal(client, klass, teacher, rivers):
    client.force_login(teacher)
    response = client.post(
        reverse("classes:assignment_new", args=[klass.pk]),
        {"title": "No tasks", "due_at": "2030-05-01T09:00", "published": "on"},
    )
    assert response.status_code == 400
    assert b"at least one task" in response.content
    assert not Assignment.objects.exists()


def test_students_cannot_open_the_form(client, klass, student):
    client.force_login(student)
    assert client.get(reverse("classes:assignment_new", args=[klass.pk])).status_code == 403


def test_outsiders_get_404_for_the_assignment(client, klass, teacher, outsider, rivers):
    work = set_work(klass, teacher, TaskSpec("reply", 1, debate=rivers))
    client.force_login(outsider)
    assert client.get(work.get_absolute_url()).status_code == 404


def test_a_draft_is_hidden_from_students(client, klass, teacher, student, rivers):
    work = set_work(klass, teacher, TaskSpec("reply", 1, debate=rivers), published=False)
    client.force_login(student)
    assert client.get(work.get_absolute_url()).status_code == 404
    assert b"Rivers homework" not in client.get(klass.get_absolute_url()).content
    client.force_login(teacher)
    assert client.get(work.get_absolute_url()).status_code == 200


def test_students_see_their_progress_on_the_class_and_assignment_pages(
    client, klass, teacher, student, rivers
):
    work = set_work(klass, teacher, TaskSpec("argue", 2, debate=rivers, claim=rivers.issue))
    argument(rivers, student, rivers.position)
    client.force_login(student)
    for url in (klass.get_absolute_url(), work.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "Rivers homework" in html
        assert "1 of 2" in html and "in progress" in html
    assert "Students&#x27; progress" not in client.get(work.get_absolute_url()).content.decode()


def test_teachers_see_every_students_progress(client, klass, teacher, student, pupil2, rivers):
    work = set_work(klass, teacher, TaskSpec("argue", 1, debate=rivers, claim=rivers.issue))
    late = argument(rivers, pupil2, rivers.position)
    at(late, work.due_at + timedelta(hours=1))
    client.force_login(teacher)
    html = client.get(work.get_absolute_url()).content.decode()
    assert "Pat Second" in html and "done late" in html and "not started" in html


# --- queries -----------------------------------------------------------------------------


def test_a_whole_class_progress_is_a_fixed_number_of_queries(
    klass, teacher, rivers, source, django_assert_max_num_queries
):
    section = source.current_revision.structure["sections"][0]["title"]
    work = set_work(
        klass,
        teacher,
        TaskSpec("argue", 2, debate=rivers, claim=rivers.issue),
        TaskSpec("answer", 1, debate=rivers, claim=rivers.counter),
        TaskSpec("reply", 2, debate=rivers),
        TaskSpec("annotate", 2, source=source, section=section),
    )

    def count() -> int:
        teacher_ = type(teacher).objects.get(pk=teacher.pk)
        with CaptureQueriesContext(connection) as queries:
            page = selectors.assignment_page(user=teacher_, assignment=work)
            assert page.students
        return len(queries)

    small = count()
    for n in range(8):
        pupil = UserFactory(username=f"extra{n}")
        services.class_join(actor=pupil, code=klass.join_code)
        argument(rivers, pupil, rivers.position, text=f"Extra {n}")
        note(source, pupil, start=n, end=n + 5)
    assert count() == small
    assert small <= 8


def test_the_task_kinds_are_described(klass, teacher, rivers, source):
    work = set_work(
        klass,
        teacher,
        TaskSpec("argue", 2, debate=rivers, claim=rivers.issue),
        TaskSpec("annotate", 1, source=source, section="Intro"),
        TaskSpec("answer", 1, debate=rivers, claim=rivers.counter),
        TaskSpec("reply", 3, debate=rivers),
    )
    texts = [
        t.describe() for t in Task.objects.filter(assignment=work).select_related("claim", "source")
    ]
    assert texts[0].startswith("Add 2 arguments with evidence to the issue")
    assert "Annotate 1 passage of" in texts[1] and "Intro" in texts[1]
    assert texts[2].startswith("Answer the counterargument")
    assert texts[3] == "Reply to 3 classmates' claims"


# --- see classmates' work only after you post ---------------------------------------------


def map_texts(debate, viewer) -> set[str]:
    from debates.selectors.maps import debate_map

    viewer = type(viewer).objects.get(pk=viewer.pk)
    return {node.claim.text for node in debate_map(debate=debate, viewer=viewer).nodes.values()}


def note_authors(source, viewer) -> set[str]:
    from debates.selectors.sources import source_annotations

    viewer = type(viewer).objects.get(pk=viewer.pk)
    notes = source_annotations(source=source, viewer=viewer)
    return {thread.root.author.username for thread in notes.threads}


@pytest.fixture
def blind(klass, teacher, rivers, source):
    return set_work(
        klass,
        teacher,
        TaskSpec("argue", 1, debate=rivers, claim=rivers.issue),
        TaskSpec("annotate", 1, source=source),
        see_after_post=True,
    )


def test_classmates_claims_are_hidden_until_the_student_posts(
    blind, teacher, student, pupil2, outsider, rivers
):
    argument(rivers, pupil2, rivers.position, text="Pat's argument")
    seen = map_texts(rivers, student)
    assert "Pat's argument" not in seen
    assert {"Do rivers make towns rich?", "Yes.", "Floods."} <= seen  # the teacher's stay
    # The teacher, and Pat themself, see it.
    assert "Pat's argument" in map_texts(rivers, teacher)
    assert "Pat's argument" in map_texts(rivers, pupil2)
    argument(rivers, student, rivers.position, text="My argument")
    assert {"Pat's argument", "My argument"} <= map_texts(rivers, student)


def test_classmates_notes_are_hidden_until_the_student_posts(
    blind, teacher, student, pupil2, source
):
    note(source, pupil2)
    note(source, teacher, start=5, end=12)
    assert note_authors(source, student) == {"teacher"}
    assert note_authors(source, teacher) == {"teacher", "pupil2"}
    note(source, student, start=30, end=40)  # a contribution on the reading
    assert note_authors(source, student) == {"teacher", "pupil2", "student"}


def test_a_private_note_does_not_reveal(blind, student, pupil2, source):
    note(source, pupil2)
    note(source, student, start=30, end=40, visibility="private")
    assert "pupil2" not in note_authors(source, student)


def test_nothing_is_hidden_without_the_setting_or_once_closed(
    klass, teacher, student, pupil2, rivers
):
    work = set_work(klass, teacher, TaskSpec("reply", 1, debate=rivers))
    argument(rivers, pupil2, rivers.position, text="Pat's argument")
    assert "Pat's argument" in map_texts(rivers, student)
    Assignment.objects.filter(pk=work.pk).update(see_after_post=True)
    assert "Pat's argument" not in map_texts(rivers, student)
    past = NOW() - timedelta(hours=1)
    Assignment.objects.filter(pk=work.pk).update(due_at=past - timedelta(hours=1), late_until=past)
    assert "Pat's argument" in map_texts(rivers, student)


def test_other_classes_and_former_students_are_not_hidden(blind, teacher, student, pupil2, rivers):
    other = UserFactory(username="elsewhere")
    from debates.models import Membership

    Membership.objects.create(user=other, debate=rivers, role=Membership.Role.CONTRIBUTOR)
    argument(rivers, other, rivers.position, text="Not a classmate")
    assert "Not a classmate" in map_texts(rivers, student)
    # Someone outside the class sees everyone's work.
    argument(rivers, pupil2, rivers.position, text="Pat's argument")
    assert "Pat's argument" in map_texts(rivers, other)


def test_hiding_adds_no_query_to_the_map(blind, student, pupil2, rivers):
    from debates.selectors.maps import debate_map

    argument(rivers, pupil2, rivers.position, text="Pat's argument")
    viewer = type(student).objects.get(pk=student.pk)
    debate_map(debate=rivers, viewer=viewer)  # the role is read and cached
    with CaptureQueriesContext(connection) as queries:
        debate_map(debate=rivers, viewer=viewer)
    assert len(queries) == 2  # the claims and the cross-links, as without the setting


def test_the_map_page_hides_classmates_claims(client, blind, student, pupil2, rivers):
    argument(rivers, pupil2, rivers.position, text="Pat's argument")
    client.force_login(student)
    html = client.get(rivers.get_absolute_url()).content.decode()
    assert "Do rivers make towns rich?" in html and "Pat&#x27;s argument" not in html
    argument(rivers, student, rivers.position, text="Mine")
    html = client.get(rivers.get_absolute_url()).content.decode()
    assert "Pat&#x27;s argument" in html


def test_the_claim_page_of_a_hidden_claim_is_not_shown(client, blind, student, pupil2, rivers):
    theirs = argument(rivers, pupil2, rivers.position, text="Pat's argument")
    client.force_login(student)
    response = client.get(theirs.get_absolute_url())
    assert response.status_code == 404 or "Pat&#x27;s argument" not in response.content.decode()
    # The position's page lists no hidden child.
    html = client.get(rivers.position.get_absolute_url()).content.decode()
    assert "Pat&#x27;s argument" not in html


# --- anonymous to classmates --------------------------------------------------------------


@pytest.fixture
def masked(klass, teacher, rivers, source):
    return set_work(
        klass,
        teacher,
        TaskSpec("reply", 1, debate=rivers),
        TaskSpec("annotate", 1, source=source),
        anonymous=True,
    )


def test_classmates_see_a_pseudonym_on_the_claim_page(
    client, masked, klass, teacher, student, pupil2, rivers
):
    theirs = argument(rivers, pupil2, rivers.position, text="Pat's argument")
    client.force_login(student)
    html = client.get(theirs.get_absolute_url()).content.decode()
    # pupil2 is the class's second student (the student joined first).
    assert "by Student 2" in html and "Pat Second" not in html
    # The teacher's name still shows on the teacher's claims.
    assert "Ms Teacher" in client.get(rivers.counter.get_absolute_url()).content.decode()
    client.force_login(teacher)
    html = client.get(theirs.get_absolute_url()).content.decode()
    assert "Pat Second" in html and "Student 2" not in html


def test_a_student_sees_their_own_name(client, masked, student, rivers):
    mine_ = argument(rivers, student, rivers.position, text="Mine")
    client.force_login(student)
    html = client.get(mine_.get_absolute_url()).content.decode()
    assert "Student 1" not in html and student.public_name in html


def test_classmates_see_pseudonyms_in_the_reader(client, masked, teacher, student, pupil2, source):
    note(source, pupil2)
    note(source, teacher, start=20, end=30)
    client.force_login(student)
    html = client.get(source.get_absolute_url()).content.decode()
    assert "Student 2" in html and "Pat Second" not in html and "pupil2" not in html
    assert "Ms Teacher" in html
    client.force_login(teacher)
    html = client.get(source.get_absolute_url()).content.decode()
    assert "Pat Second" in html and "Student 2" not in html


def test_pseudonyms_are_stable_and_only_with_the_setting(
    client, klass, teacher, student, pupil2, rivers
):
    theirs = argument(rivers, pupil2, rivers.position, text="Pat's argument")
    work = set_work(klass, teacher, TaskSpec("reply", 1, debate=rivers))
    client.force_login(student)
    assert "Pat Second" in client.get(theirs.get_absolute_url()).content.decode()
    Assignment.objects.filter(pk=work.pk).update(anonymous=True)
    # A third student joining later does not change Pat's number.
    services.class_join(actor=UserFactory(username="third"), code=klass.join_code)
    for _ in range(2):
        assert "by Student 2" in client.get(theirs.get_absolute_url()).content.decode()


def test_outside_the_class_names_show(client, masked, pupil2, rivers):
    from debates.models import Membership

    other = UserFactory(username="elsewhere")
    Membership.objects.create(user=other, debate=rivers, role=Membership.Role.VIEWER)
    theirs = argument(rivers, pupil2, rivers.position, text="Pat's argument")
    client.force_login(other)
    assert "Pat Second" in client.get(theirs.get_absolute_url()).content.decode()


def test_the_reader_counts_no_hidden_citation(blind, student, pupil2, rivers, source):
    from debates.selectors.sources import source_reader

    argument(rivers, pupil2, rivers.position, text="Pat's argument")  # cites the first passage
    passage = source.passages.order_by("anchor__start").first()

    def cited(viewer) -> tuple[int, int]:
        viewer = type(viewer).objects.get(pk=viewer.pk)
        reader = source_reader(source=source, viewer=viewer, selected=passage.pk)
        count = next(rp.cite_count for rp in reader["passages"] if rp.passage.pk == passage.pk)
        return count, len(reader["citations"])

    assert cited(student) == (0, 0)
    assert cited(pupil2) == (1, 1)
    argument(rivers, student, rivers.position, text="Mine", evidence=False)
    assert cited(student) == (1, 1)


def test_the_reader_notes_stay_two_queries_with_both_settings(
    klass, teacher, student, pupil2, rivers, source
):
    from debates.selectors.sources import source_annotations

    set_work(
        klass,
        teacher,
        TaskSpec("annotate", 1, source=source),
        see_after_post=True,
        anonymous=True,
    )
    note(source, student)
    note(source, pupil2, start=20, end=30)
    viewer = type(student).objects.get(pk=student.pk)
    with CaptureQueriesContext(connection) as queries:
        notes = source_annotations(source=source, viewer=viewer)
    # The notes, their rows, and once per request whether a class assignment may withhold
    # classmates' work from this viewer (it may: then its rule rides in the notes' query).
    assert len(queries) == 3
    with CaptureQueriesContext(connection) as queries:
        source_annotations(source=source, viewer=viewer)
    assert len(queries) == 2
    assert {t.root.author.username for t in notes.threads} == {"student", "pupil2"}
    shown = {getattr(t.root, "shown_author", "") for t in notes.threads}
    assert shown == {"", "Student 2"}


def test_a_co_teacher_sets_work_and_a_former_student_gets_404(
    client, klass, teacher, student, rivers
):
    cotea = UserFactory(username="cotea")
    services.class_join(actor=cotea, code=klass.join_code)
    services.class_member_role_set(actor=teacher, classroom=klass, user=cotea, role="co_teacher")
    work = set_work(klass, cotea, TaskSpec("reply", 1, debate=rivers))
    services.class_leave(actor=student, classroom=klass)
    client.force_login(student)
    assert client.get(work.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("classes:assignment_edit", args=[klass.pk, work.pk])).status_code == 404
    )


def test_the_class_page_costs_the_same_whatever_the_number_of_assignments(
    client, klass, teacher, student, rivers, source
):
    set_work(klass, teacher, TaskSpec("argue", 1, debate=rivers, claim=rivers.issue))

    def count() -> int:
        client.force_login(student)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(klass.get_absolute_url()).status_code == 200
        return len(queries)

    one = count()
    set_work(klass, teacher, TaskSpec("annotate", 1, source=source, section="x"))
    set_work(klass, teacher, TaskSpec("reply", 2, debate=rivers))
    three = count()
    assert three <= one + 2  # notes and section structures join claims and parent links
    set_work(klass, teacher, TaskSpec("answer", 1, debate=rivers, claim=rivers.counter))
    assert count() == three


def test_someone_in_no_waiting_class_pays_one_small_query_once_for_withholding(
    teacher, student, pupil2, rivers
):
    """Whether any class assignment may withhold work from a viewer is asked once (one
    small query, kept for the request); for someone in no such class the hooks then build
    and run nothing, where each opening of a claim used to run the recursive check."""
    from debates import policy as debate_policy

    theirs = argument(rivers, pupil2, rivers.position, text="Theirs")
    viewer = type(student).objects.get(pk=student.pk)
    with CaptureQueriesContext(connection) as first:
        assert not debate_policy.claim_withheld(viewer, theirs, rivers)
    sqls = [q["sql"] for q in first]  # their role in the debate, then the one question
    assert len(sqls) == 2 and "classes_assignment" in sqls[1]
    assert not any("crux_chain" in sql for sql in sqls)
    with CaptureQueriesContext(connection) as again:
        assert not debate_policy.claim_withheld(viewer, theirs, rivers)
        assert debate_policy.withheld_q(viewer, debate=rivers) == debate_policy.Q()
    assert len(again) == 0


def test_joining_a_class_drops_the_answer_kept_for_the_request(teacher, student, pupil2, rivers):
    """The kept answer ("in no waiting class") goes when the person joins a class, so the
    class's open assignment withholds at once, even on the same user object."""
    from debates import policy as debate_policy

    classroom = services.class_create(actor=teacher, name="8C Geography")
    services.class_join(actor=pupil2, code=classroom.join_code)
    services.class_map_share(actor=teacher, classroom=classroom, debate=rivers, mode="contribute")
    set_work(classroom, teacher, TaskSpec("reply", 1, debate=rivers), see_after_post=True)
    theirs = argument(rivers, pupil2, rivers.position, text="Theirs")
    assert not debate_policy.claim_withheld(student, theirs, rivers)  # in no class yet
    services.class_join(actor=student, code=classroom.join_code)
    assert debate_policy.claim_withheld(student, theirs, rivers)

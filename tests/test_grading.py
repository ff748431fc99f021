"""Grading and feedback (issue 11, point 5): the rubric's auto-score rewards grounding, the
teacher overrides it and comments on contributions, grades are private until released
(with a notification), and the grading table costs a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from classes import services
from classes.models import ClassAuditEntry, FeedbackItem, Grade
from classes.selectors import grading
from classes.services import TaskSpec
from debates.models import Anchor, Annotation, Debate, Notification

from .factories import ClaimFactory, DebateFactory, UserFactory, make_claim, make_evidence


@pytest.fixture
def rivers(db, teacher, source):
    debate = DebateFactory(
        title="Rivers",
        slug="rivers-grading",
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
def pupil2(db):
    return UserFactory(username="pupil2", display_name="Pat Second", email="pat@example.org")


@pytest.fixture
def klass(db, teacher, student, pupil2, rivers):
    classroom = services.class_create(actor=teacher, name="7B History")
    services.class_join(actor=student, code=classroom.join_code)
    services.class_join(actor=pupil2, code=classroom.join_code)
    services.class_map_share(actor=teacher, classroom=classroom, debate=rivers, mode="contribute")
    return classroom


@pytest.fixture
def work(klass, teacher, rivers, source):
    due = timezone.now() + timedelta(days=2)
    return services.assignment_create(
        actor=teacher,
        classroom=klass,
        title="Rivers homework",
        due_at=due,
        late_until=due + timedelta(days=1),
        tasks=[
            TaskSpec("argue", 1, debate=rivers, claim=rivers.issue),
            TaskSpec("annotate", 1, source=source),
        ],
    )


def argument(debate, author, parent, *, evidence=True, text="Trade."):
    claim = make_claim(
        debate=debate,
        kind="argument",
        parent=parent,
        relation="supports",
        text=text,
        author=author,
        status="published",
    )
    if evidence:
        passage = debate.sources.first().passages.first()
        make_evidence(claim=claim, passage=passage, author=author, status="published")
    return claim


def note(source, author, *, start=0, end=10):
    revision = source.current_revision
    anchor = Anchor.objects.create(
        source=source, revision=revision, start=start, end=end, exact=revision.text[start:end]
    )
    return Annotation.objects.create(
        anchor=anchor, author=author, body="A note.", visibility="public"
    )


def breakdown(work, user):
    member = work.classroom.members.get(user=user)
    return grading.auto_scores(assignment=work, students=[member])[user.pk]


def lines(result) -> dict[str, tuple[int, int]]:
    return {line.label: (line.count, line.points) for line in result.lines}


# --- the rubric ----------------------------------------------------------------------------


def test_grounded_claims_score_more_than_ungrounded_ones(work, student, pupil2, rivers):
    argument(rivers, student, rivers.position, text="Grounded.")
    argument(rivers, pupil2, rivers.position, evidence=False, text="Bare.")
    grounded, bare = breakdown(work, student), breakdown(work, pupil2)
    assert grounded.total > bare.total
    assert lines(grounded)["Claims citing the source"] == (1, 3)
    assert lines(bare)["Claims citing the source"] == (0, 0)
    assert lines(bare)["Claims"] == (1, 1)
    # The grounded argument completes the argue task; the bare one does not.
    assert lines(grounded)["Tasks completed on time"] == (1, 4)
    assert lines(grounded)["Passages covered"] == (1, 2)


def test_passages_replies_and_late_tasks(work, student, pupil2, rivers, source):
    theirs = argument(rivers, pupil2, rivers.position, text="Theirs.")
    argument(rivers, student, theirs, evidence=False, text="A reply.")
    note(source, student, start=0, end=10)
    note(source, student, start=0, end=10)  # the same passage again: covered once
    late = note(source, student, start=20, end=30)
    Annotation.objects.filter(pk=late.pk).update(created_at=work.due_at + timedelta(hours=1))
    result = lines(breakdown(work, student))
    assert result["Replies to classmates"] == (1, 2)
    assert result["Passages covered"] == (2, 4)
    assert result["Tasks completed on time"] == (1, 4)  # the annotate task, on time
    # Late work: a task completed only late earns half.
    Annotation.objects.filter(author=student).update(created_at=work.due_at + timedelta(hours=1))
    result = lines(breakdown(work, student))
    assert result["Tasks completed late"] == (1, 2)
    assert result["Tasks completed on time"] == (0, 0)


def test_the_rubric_weights_are_the_assignments(work, teacher, student, rivers):
    argument(rivers, student, rivers.position)
    services.assignment_update(
        actor=teacher,
        assignment=work,
        title=work.title,
        due_at=work.due_at,
        late_until=work.late_until,
        tasks=[TaskSpec("argue", 1, debate=rivers, claim=rivers.issue)],
        rubric={"grounded": 10, "task": 0},
    )
    work.refresh_from_db()
    assert (work.rubric_grounded, work.rubric_task, work.rubric_claim) == (10, 0, 1)
    assert lines(breakdown(work, student))["Claims citing the source"] == (1, 10)
    with pytest.raises(ValidationError):
        services.assignment_update(
            actor=teacher,
            assignment=work,
            title=work.title,
            due_at=work.due_at,
            tasks=[TaskSpec("argue", 1, debate=rivers, claim=rivers.issue)],
            rubric={"grounded": 1000},
        )


def test_the_assignment_form_edits_the_rubric(client, work, teacher, rivers, source):
    client.force_login(teacher)
    url = reverse("classes:assignment_edit", args=[work.classroom_id, work.pk])
    page = client.get(url).content.decode()
    assert 'name="rubric_grounded"' in page and 'value="3"' in page
    response = client.post(
        url,
        {
            "title": "Rivers homework",
            "due_at": timezone.localtime(work.due_at).strftime("%Y-%m-%dT%H:%M"),
            "published": "on",
            "rubric_claim": "1",
            "rubric_grounded": "7",
            "rubric_passage": "2",
            "rubric_reply": "2",
            "rubric_task": "4",
            "task1_kind": "annotate",
            "task1_count": "1",
            "task1_source": str(source.pk),
        },
    )
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.rubric_grounded == 7


# --- grading, comments, release ------------------------------------------------------------


def test_the_teacher_overrides_the_auto_score(work, teacher, student, rivers):
    argument(rivers, student, rivers.position)
    grade = services.grade_set(
        actor=teacher, assignment=work, student=student, score=None, comment="Fine."
    )
    assert grade.auto_score == breakdown(work, student).total and grade.final == grade.auto_score
    grade = services.grade_set(
        actor=teacher, assignment=work, student=student, score=42, comment="Better than that."
    )
    assert Grade.objects.get(pk=grade.pk).final == 42
    assert Grade.objects.count() == 1 and grade.released_at is None
    assert ClassAuditEntry.objects.filter(action="graded").count() == 2


def test_only_teachers_grade_and_not_in_an_archived_class(
    work, teacher, student, pupil2, outsider, klass
):
    for actor in (student, outsider):
        with pytest.raises(PermissionDenied):
            services.grade_set(actor=actor, assignment=work, student=pupil2, score=1)
        with pytest.raises(PermissionDenied):
            services.grades_release(actor=actor, assignment=work)
    with pytest.raises(ValidationError):  # an outsider is nobody to grade
        services.grade_set(actor=teacher, assignment=work, student=outsider, score=1)
    services.class_archive(actor=teacher, classroom=klass)
    work.classroom.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.grade_set(actor=teacher, assignment=work, student=pupil2, score=1)


def test_comments_on_the_students_contributions(work, teacher, student, pupil2, rivers, source):
    claim = argument(rivers, student, rivers.position)
    evidence = claim.evidence.get()
    mark = note(source, student)
    for kind, pk in (("claim", claim.pk), ("evidence", evidence.pk), ("note", mark.pk)):
        services.feedback_add(
            actor=teacher,
            assignment=work,
            student=student,
            kind=kind,
            object_id=pk,
            comment=f"About your {kind}.",
            points=1,
        )
    assert FeedbackItem.objects.filter(student=student).count() == 3
    # Only the student's own work in the assignment takes comments.
    theirs = argument(rivers, pupil2, rivers.position)
    with pytest.raises(ValidationError):
        services.feedback_add(
            actor=teacher,
            assignment=work,
            student=student,
            kind="claim",
            object_id=theirs.pk,
            comment="Not yours.",
        )
    page = grading.student_grading(user=teacher, assignment=work, student_id=student.pk)
    assert [c.feedback[0].comment for c in page.work.contributions] == [
        "About your claim.",
        "About your evidence.",
        "About your note.",
    ]


def test_release_notifies_each_student_once(work, teacher, student, pupil2, rivers):
    services.grade_set(actor=teacher, assignment=work, student=student, score=5, comment="Ok.")
    mail.outbox.clear()
    with pytest.raises(ValidationError):
        services.grades_release(actor=teacher, assignment=work, students=[teacher])
    with_commit = services.grades_release(actor=teacher, assignment=work, students=[pupil2])
    assert with_commit == 1
    assert Grade.objects.get(student=pupil2).released_at is not None
    assert Grade.objects.get(student=student).released_at is None
    assert services.grades_release(actor=teacher, assignment=work) == 1  # only the other one
    assert services.grades_release(actor=teacher, assignment=work) == 0
    sent = Notification.objects.filter(verb="graded")
    assert sorted(n.recipient.username for n in sent) == ["pupil2", "student"]
    assert all(work.get_absolute_url() in n.url for n in sent)


def test_release_emails_the_student(work, teacher, pupil2, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.grades_release(actor=teacher, assignment=work, students=[pupil2])
    assert [m.to for m in mail.outbox] == [["pat@example.org"]]


# --- privacy -------------------------------------------------------------------------------


def test_a_student_sees_nothing_before_release_and_classmates_never(
    client, work, teacher, student, pupil2, rivers
):
    claim = argument(rivers, student, rivers.position)
    services.grade_set(
        actor=teacher, assignment=work, student=student, score=17, comment="Secret remark."
    )
    services.feedback_add(
        actor=teacher,
        assignment=work,
        student=student,
        kind="claim",
        object_id=claim.pk,
        comment="Item remark.",
    )
    client.force_login(student)
    html = client.get(work.get_absolute_url()).content.decode()
    assert "Secret remark" not in html and "Item remark" not in html and "Your grade" not in html
    assert grading.my_grade(user=student, assignment=work) is None

    services.grades_release(actor=teacher, assignment=work, students=[student])
    html = client.get(work.get_absolute_url()).content.decode()
    assert "Your grade: 17" in html and "Secret remark" in html and "Item remark" in html
    assert "Claims citing the source" in html

    client.force_login(pupil2)
    html = client.get(work.get_absolute_url()).content.decode()
    assert "Secret remark" not in html and "Item remark" not in html and "Your grade" not in html
    grading_url = reverse("classes:grading_student", args=[work.classroom_id, work.pk, student.pk])
    assert client.get(grading_url).status_code == 404
    save_url = reverse("classes:grade_save", args=[work.classroom_id, work.pk, student.pk])
    assert client.post(save_url, {"score": "99"}).status_code == 404
    assert Grade.objects.get(student=student).final == 17


def test_outsiders_and_other_classes_get_404(client, work, teacher, student, outsider):
    other = services.class_create(actor=outsider, name="Another class")
    assert other.pk
    services.grade_set(actor=teacher, assignment=work, student=student, score=3)
    urls = [
        reverse("classes:grading_student", args=[work.classroom_id, work.pk, student.pk]),
        work.get_absolute_url(),
    ]
    client.force_login(outsider)  # the teacher of another class
    for url in urls:
        assert client.get(url).status_code == 404
    release = reverse("classes:grades_release", args=[work.classroom_id, work.pk])
    assert client.post(release).status_code == 404
    # An assignment of this class under another class's address is not found either.
    client.force_login(teacher)
    assert (
        client.get(
            reverse("classes:grading_student", args=[other.pk, work.pk, student.pk])
        ).status_code
        == 404
    )


# --- the pages -----------------------------------------------------------------------------


def test_the_teacher_grades_comments_and_releases_through_the_pages(
    client, work, teacher, student, rivers
):
    claim = argument(rivers, student, rivers.position, text="Rivers carry trade.")
    client.force_login(teacher)
    html = client.get(work.get_absolute_url()).content.decode()
    assert "grading-table" in html and "Claims citing the source" in html
    base = [work.classroom_id, work.pk, student.pk]
    page = client.get(reverse("classes:grading_student", args=base)).content.decode()
    assert "Rivers carry trade." in page and 'name="object_id"' in page
    response = client.post(
        reverse("classes:feedback_new", args=base),
        {"kind": "claim", "object_id": str(claim.pk), "comment": "Cite the page too."},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("classes:grade_save", args=base), {"score": "", "comment": "Good start."}
    )
    assert response.status_code == 302
    grade = Grade.objects.get(student=student)
    assert grade.score is None and grade.auto_score > 0 and grade.comment == "Good start."
    response = client.post(
        reverse("classes:grades_release", args=base[:2]), {"student": str(student.pk)}
    )
    assert response.status_code == 302
    assert Grade.objects.get(student=student).released_at is not None
    assert (
        "Cite the page too."
        in client.get(reverse("classes:grading_student", args=base)).content.decode()
    )


# --- queries -------------------------------------------------------------------------------


def test_the_grading_table_is_a_fixed_number_of_queries(klass, work, teacher, rivers, source):
    def count() -> int:
        teacher_ = type(teacher).objects.get(pk=teacher.pk)
        with CaptureQueriesContext(connection) as queries:
            rows = grading.grading_table(user=teacher_, assignment=work)
            assert rows
        return len(queries)

    for n in range(1):
        pupil = UserFactory(username=f"first{n}")
        services.class_join(actor=pupil, code=klass.join_code)
        argument(rivers, pupil, rivers.position, text=f"First {n}")
    small = count()  # 3 students
    for n in range(17):
        pupil = UserFactory(username=f"extra{n}")
        services.class_join(actor=pupil, code=klass.join_code)
        claim = argument(rivers, pupil, rivers.position, text=f"Extra {n}")
        note(source, pupil, start=n, end=n + 5)
        services.grade_set(actor=teacher, assignment=work, student=pupil, score=n)
        services.feedback_add(
            actor=teacher,
            assignment=work,
            student=pupil,
            kind="claim",
            object_id=claim.pk,
            comment="ok",
        )
    assert klass.members.filter(role="student").count() == 20
    assert count() == small
    assert small <= 12, small


def test_the_teachers_page_counts_progress_once(klass, work, teacher, rivers):
    """The assignment page lends the grading table the progress it already counted: the
    same rows, without the progress queries a second time."""
    from classes.selectors.assignments import assignment_page

    pupil = UserFactory(username="lent")
    services.class_join(actor=pupil, code=klass.join_code)
    argument(rivers, pupil, rivers.position, text="Lent")
    teacher_ = type(teacher).objects.get(pk=teacher.pk)
    page = assignment_page(user=teacher_, assignment=work)
    with CaptureQueriesContext(connection) as alone:
        fresh = grading.grading_table(user=teacher_, assignment=work)
    with CaptureQueriesContext(connection) as lent:
        reused = grading.grading_table(user=teacher_, assignment=work, page=page)
    assert [(r.member.user_id, r.breakdown.total) for r in reused] == [
        (r.member.user_id, r.breakdown.total) for r in fresh
    ]
    assert len(lent) < len(alone)

"""A class's report (issue 11, point 6): each student's claims proposed, approved and
rejected, evidence, notes and replies to classmates with a list behind every number; only
the class's students counted, former ones shown as former; coverage of the readings and
where questions cluster; a CSV that opens cleanly in a spreadsheet; a chart of
participation; who may see it; a fixed number of queries."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from classes import services
from classes.selectors.report import class_report, safe_cell
from classes.services import TaskSpec
from debates import services as debate_services
from debates.models import Annotation, Claim, Debate, Passage, Vote

from .factories import (
    ClaimFactory,
    DebateFactory,
    UserFactory,
    annotate_quote,
    make_claim,
    make_evidence,
)

FIRST = "rivers shape the towns"
SECOND = "Towns on rivers traded more"
THIRD = "Floods destroyed harbours"


@pytest.fixture
def cotea(db):
    return UserFactory(username="cotea", display_name="Co Teacher")


@pytest.fixture
def pupil(db):
    return UserFactory(username="pupil", display_name="Pupil One")


@pytest.fixture
def former(db):
    return UserFactory(username="former", display_name="Gone Away")


@pytest.fixture
def rivers(db, teacher, source):
    debate = DebateFactory(
        title="Rivers",
        slug="rivers-map",
        owner=teacher,
        visibility=Debate.Visibility.PRIVATE,
        contribution_mode=Debate.Mode.REVIEWED,
    )
    debate.sources.add(source)
    issue = ClaimFactory(debate=debate, kind="issue", text="Do rivers make towns rich?")
    debate.position = ClaimFactory(
        debate=debate, kind="position", parent=issue, relation="answers", text="Yes."
    )
    return debate


@pytest.fixture
def klass(db, teacher, cotea, student, pupil, former, rivers):
    classroom = services.class_create(actor=teacher, name="7B History")
    for person in (cotea, student, pupil, former):
        services.class_join(actor=person, code=classroom.join_code)
    services.class_member_role_set(
        actor=teacher, classroom=classroom, user=cotea, role="co_teacher"
    )
    services.class_map_share(actor=teacher, classroom=classroom, debate=rivers, mode="propose")
    return classroom


@pytest.fixture
def other_class(db):
    owner = UserFactory(username="otherteacher")
    classroom = services.class_create(actor=owner, name="8C Geography")
    elsewhere = UserFactory(username="elsewhere")
    services.class_join(actor=elsewhere, code=classroom.join_code)
    classroom.student = elsewhere
    return classroom


def paragraphs(source) -> list[Passage]:
    return list(
        Passage.objects.filter(
            source=source, kind="paragraph", anchor__revision=source.current_revision
        ).order_by("anchor__start")
    )


def block_with(source, quote: str) -> Passage:
    return next(p for p in paragraphs(source) if quote in p.anchor.exact)


def argue(debate, author, status="published", parent=None, text="An argument"):
    return make_claim(
        debate=debate,
        kind="argument",
        parent=parent or debate.position,
        relation="supports",
        text=text,
        author=author,
        status=status,
    )


@pytest.fixture
def work(klass, rivers, source, teacher, student, pupil, former, outsider):
    """The student: three claims (approved, waiting, rejected) and a deleted one, evidence
    citing the first paragraph, a questioning note on the second, a private note, a reply to
    the pupil. The pupil: a claim under the student's claim, a questioning note on the second
    paragraph, a reply to their own note. The former student: one claim (then left).
    The teacher and an outsider: work that never counts."""
    approved = argue(rivers, student, text="Trade made them rich")
    argue(rivers, student, status="proposed", text="Waiting for review")
    argue(rivers, student, status="rejected", text="Off topic")
    gone = argue(rivers, student, text="Deleted one")
    Claim.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    make_evidence(
        claim=approved, passage=block_with(source, FIRST), author=student, status="published"
    )
    question = annotate_quote(source, SECOND, student, motivation="questioning", body="Why?")
    annotate_quote(source, "Barges", student, visibility="private", body="Private thought")
    reply_to_me = argue(rivers, pupil, parent=approved, text="Yes, and grain")
    # The student rates the pupil's claim twice (two questions: one claim rated).
    Vote.objects.create(claim=reply_to_me, user=student, question="acceptability", value=3)
    Vote.objects.create(claim=reply_to_me, user=student, question="relevance", value=1)
    pupil_note = annotate_quote(source, "traded more", pupil, motivation="questioning", body="How?")
    debate_services.annotation_reply(actor=pupil, parent=pupil_note, body="Answering myself")
    debate_services.annotation_reply(actor=student, parent=pupil_note, body="Because of barges")
    argue(rivers, former, text="Before I left")
    services.class_leave(actor=former, classroom=klass)
    # Never counted: the teacher's and an outsider's work.
    argue(rivers, teacher, text="Teacher's claim")
    argue(rivers, outsider, text="Outsider's claim")
    annotate_quote(source, THIRD, teacher, motivation="questioning", body="Teacher asks")
    return {"approved": approved, "question": question, "reply": reply_to_me}


def rows_by_name(report):
    return {row.member.user.username: row for row in report.students}


def counts(row):
    return dict(row.counts)


def test_counts_per_student(klass, work):
    rows = rows_by_name(class_report(classroom=klass))
    assert counts(rows["student"]) == {
        "proposed": 3,
        "approved": 1,
        "rejected": 1,
        "evidence": 1,
        "notes": 1,
        "replies": 1,
        "votes": 1,
    }
    rated = rows["student"].items["votes"][0]
    assert rated.text == "Yes, and grain" and rated.status == "acceptability 3/4, relevance 1/4"
    assert counts(rows["pupil"]) == {
        "proposed": 1,
        "approved": 1,
        "rejected": 0,
        "evidence": 0,
        "notes": 1,
        "replies": 1,  # the claim under the student's claim; not the reply to themself
        "votes": 0,
    }
    assert rows["student"].last_activity is not None


def test_only_the_class_s_students_count_and_former_ones_show_as_former(klass, work):
    report = class_report(classroom=klass)
    rows = rows_by_name(report)
    assert set(rows) == {"student", "pupil", "former"}  # no teacher, co-teacher, outsider
    assert rows["former"].former and counts(rows["former"])["proposed"] == 1
    assert not rows["student"].former
    assert (report.active_count, len(report.current)) == (2, 2)


def test_the_page_shows_participation_links_and_former(client, klass, teacher, work, student):
    client.force_login(teacher)
    response = client.get(reverse("classes:report", args=[klass.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 of 2 students" in html
    assert "former</span>" in html
    proposed = reverse("classes:report_items", args=[klass.pk, student.pk, "proposed"])
    assert f'href="{proposed}"' in html
    assert 'href="/classes/' in html and 'aria-current="page">Report<' in html


def test_drill_down_lists_the_student_s_items_with_links(client, klass, teacher, student, work):
    client.force_login(teacher)
    url = reverse("classes:report_items", args=[klass.pk, student.pk, "proposed"])
    html = client.get(url).content.decode()
    for text in ("Trade made them rich", "Waiting for review", "Off topic"):
        assert text in html
    assert "Deleted one" not in html and "Teacher&#x27;s claim" not in html
    assert work["approved"].get_absolute_url() in html
    html = client.get(
        reverse("classes:report_items", args=[klass.pk, student.pk, "rejected"])
    ).content.decode()
    assert "Off topic" in html and "Trade made them rich" not in html
    html = client.get(
        reverse("classes:report_items", args=[klass.pk, student.pk, "notes"])
    ).content.decode()
    assert "Why?" in html and "Private thought" not in html
    assert f"#note-{work['question'].pk}" in html
    html = client.get(
        reverse("classes:report_items", args=[klass.pk, student.pk, "replies"])
    ).content.decode()
    assert "Because of barges" in html


def test_drill_down_refuses_strangers_and_unknown_lists(client, klass, teacher, outsider, work):
    client.force_login(teacher)
    for user_id, kind in ((outsider.pk, "proposed"), (teacher.pk, "notes")):
        url = reverse("classes:report_items", args=[klass.pk, user_id, kind])
        assert client.get(url).status_code == 404
    url = reverse("classes:report_items", args=[klass.pk, work["approved"].author_id, "secrets"])
    assert client.get(url).status_code == 404


def test_coverage_marks_cited_and_uncited_paragraphs(klass, source, work):
    (reading,) = class_report(classroom=klass).readings
    assert reading.source == source
    cited = {b.passage_id for b in reading.cited}
    assert cited == {block_with(source, FIRST).pk}
    uncited = {b.passage_id for b in reading.uncited}
    assert block_with(source, SECOND).pk in uncited and block_with(source, THIRD).pk in uncited
    assert 0 < reading.percent < 100


def test_questions_cluster_on_the_most_questioned_paragraph(klass, source, work):
    (reading,) = class_report(classroom=klass).readings
    top = reading.question_clusters[0]
    assert top.passage_id == block_with(source, SECOND).pk
    assert top.questions == 2
    # The teacher's question on the third paragraph is not the class's.
    assert all(b.passage_id != block_with(source, THIRD).pk for b in reading.question_clusters)


def test_the_assignment_filter_counts_only_work_in_its_window(
    client, klass, teacher, student, rivers, work
):
    earlier = timezone.now() - timedelta(days=3)
    Claim.objects.filter(author=student).update(created_at=earlier)
    Annotation.objects.filter(author=student).update(created_at=earlier)
    assignment = services.assignment_create(
        actor=teacher,
        classroom=klass,
        title="Argue",
        due_at=timezone.now() + timedelta(days=2),
        tasks=[TaskSpec("argue", 1, debate=rivers, claim=rivers.position.parent)],
    )
    argue(rivers, student, text="Within the assignment")
    rows = rows_by_name(class_report(classroom=klass, assignment=assignment))
    assert counts(rows["student"])["proposed"] == 1
    assert counts(rows["student"])["notes"] == 0
    url = reverse("classes:report", args=[klass.pk])
    client.force_login(teacher)
    html = client.get(url, {"assignment": assignment.pk}).content.decode()
    assert "Argue" in html and "1 of 2 students" in html
    assert client.get(url, {"assignment": 99999}).status_code == 404
    assert client.get(url, {"assignment": "x"}).status_code == 404


def test_csv_has_a_bom_one_row_per_student_and_neutralised_formulas(
    client, klass, teacher, student, work
):
    student.display_name = '=HYPERLINK("http://evil")'
    student.save()
    tricky = UserFactory(username="tricky", display_name='Smith, "Jo"\nJunior')
    services.class_join(actor=tricky, code=klass.join_code)
    client.force_login(teacher)
    response = client.get(reverse("classes:report_csv", args=[klass.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "Student" and len(rows) == 1 + 4
    by_user = {row[1]: row for row in rows[1:]}
    assert by_user["student"][0] == '\'=HYPERLINK("http://evil")'
    assert by_user["student"][3:9] == ["3", "1", "1", "1", "1", "1"]
    assert by_user["tricky"][0] == 'Smith, "Jo"\nJunior'
    assert by_user["former"][2] == "former"


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_safe_cell_quotes_what_would_start_a_formula(value):
    assert safe_cell(value) == "'" + value
    assert safe_cell("Plain name") == "Plain name"


def test_the_chart_is_inline_svg_with_a_title_and_a_table(client, klass, teacher, work):
    client.force_login(teacher)
    html = client.get(reverse("classes:report", args=[klass.pk])).content.decode()
    assert "<svg" in html and 'role="img"' in html
    assert '<title id="chart-svg-title">Contributions per day' in html
    assert "<desc" in html and "<rect" in html
    assert "The chart as a table" in html
    assert "style=" not in html
    chart = class_report(classroom=klass).chart
    assert len(chart.bars) == 30 and chart.total == 9  # each item once: 6 + 2 + 1


@pytest.mark.parametrize(
    "who, status",
    [("teacher", 200), ("cotea", 200), ("student", 403), ("outsider", 404), ("elsewhere", 404)],
)
def test_who_may_see_the_report(client, klass, other_class, who, status, request):
    person = other_class.student if who == "elsewhere" else request.getfixturevalue(who)
    client.force_login(person)
    for name in ("classes:report", "classes:report_csv"):
        assert client.get(reverse(name, args=[klass.pk])).status_code == status
    items = reverse("classes:report_items", args=[klass.pk, person.pk, "notes"])
    assert client.get(items).status_code == (404 if status == 200 else status)


def test_another_class_s_teacher_gets_404(client, klass, other_class):
    client.force_login(other_class.created_by)
    assert client.get(reverse("classes:report", args=[klass.pk])).status_code == 404


def _fill(klass, rivers, source, how_many: int, start: int):
    for i in range(start, start + how_many):
        person = UserFactory(username=f"kid{i}")
        services.class_join(actor=person, code=klass.join_code)
        claim = argue(rivers, person, text=f"Claim {i}")
        make_evidence(
            claim=claim, passage=block_with(source, FIRST), author=person, status="published"
        )
        annotate_quote(source, SECOND, person, motivation="questioning", body=f"Q {i}")


def test_the_report_takes_the_same_number_of_queries_for_3_and_30_students(
    client, klass, teacher, former, rivers, source
):
    services.class_leave(actor=former, classroom=klass)
    client.force_login(teacher)
    url = reverse("classes:report", args=[klass.pk])

    def measure() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    _fill(klass, rivers, source, 1, 0)  # with the student and the pupil: 3 students
    small = measure()
    assert len(class_report(classroom=klass).current) == 3
    _fill(klass, rivers, source, 27, 1)  # 30
    assert len(class_report(classroom=klass).current) == 30
    assert measure() == small

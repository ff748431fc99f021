"""load_demo builds the seed article's map; import_source imports any article."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from debates.demo.build import DEMO_USERS
from debates.models import Claim, Debate, Evidence, Flag, Passage, Source


def run(*args) -> list[str]:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip().splitlines()


@pytest.mark.django_db
def test_load_demo_builds_the_four_controversies_and_prints_the_map_path_last():
    lines = run("load_demo")
    assert lines[-1] == "/debates/russia-north-korea-relations/"
    for spec in DEMO_USERS:
        assert any(spec.username in line and spec.password in line for line in lines)

    debate = Debate.objects.get(slug="russia-north-korea-relations")
    assert debate.title == "Russia–North Korea relations"
    source = debate.sources.get()
    assert source.title == "Russia–North Korea relations"
    issues = list(debate.claims.filter(kind="issue"))
    assert len(issues) == 4
    for issue in issues:
        positions = list(issue.children.all())
        assert len(positions) >= 2
        counterarguments = 0
        for position in positions:
            assert position.children.count() >= 2
        for argument in Claim.objects.filter(debate=debate, kind="argument"):
            root = argument
            while root.parent_id:
                root = root.parent
            if (
                root == issue
                and argument.parent.kind == "argument"
                and argument.relation == "opposes"
            ):
                counterarguments += 1
        assert counterarguments >= 1, issue.text
    arguments = debate.claims.filter(kind="argument", status="published")
    assert not arguments.filter(evidence__isnull=True).exists()

    # The moderation queue, audit log and notifications start with real activity.
    student = debate.memberships.get(user__username="student").user
    by_student = debate.claims.filter(author=student)
    assert sorted(by_student.values_list("status", flat=True)) == [
        "proposed",
        "published",
        "rejected",
    ]
    assert by_student.get(status="rejected").status_reason.startswith("Too vague")
    assert Flag.objects.filter(claim__debate=debate, status="open").count() == 1
    # Added to the debate by its owner, then told of their reviewed proposals.
    verbs = set(student.notifications.values_list("verb", flat=True))
    assert verbs == {"added", "approved", "rejected"}
    assert debate.audit_entries.filter(action="claim_approved").exists()
    for evidence in Evidence.objects.filter(claim__debate=debate):
        anchor = evidence.passage.anchor
        assert source.current_revision.text[anchor.start : anchor.end] == anchor.exact


@pytest.mark.django_db
def test_load_demo_is_idempotent():
    run("load_demo")
    counts = (
        Claim.objects.count(),
        Evidence.objects.count(),
        Source.objects.count(),
        Passage.objects.count(),
    )
    run("load_demo")
    assert (
        Claim.objects.count(),
        Evidence.objects.count(),
        Source.objects.count(),
        Passage.objects.count(),
    ) == counts


@pytest.mark.django_db
def test_demo_users_can_log_in_with_the_printed_passwords(client):
    run("load_demo")
    for spec in DEMO_USERS:
        assert client.login(username=spec.username, password=spec.password), spec.username


@pytest.mark.django_db
def test_import_source_prints_the_reader_path_last(tmp_path):
    article = tmp_path / "towns.md"
    article.write_text("# Towns\n\n## Rivers\n\nTowns grow on rivers.\n\n- Trade: more of it.\n")
    lines = run("import_source", str(article))
    source = Source.objects.get(title="Towns")
    assert lines[-1] == f"/sources/{source.pk}/"
    assert source.passages.count() == 2


@pytest.mark.django_db
def test_import_source_reports_a_missing_or_empty_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run("import_source", str(tmp_path / "missing.txt"))
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    with pytest.raises(CommandError):
        run("import_source", str(empty))
    assert not Source.objects.exists()


def test_the_demo_ships_its_own_copy_of_the_seed():
    shipped = (
        Path(__file__).resolve().parent.parent / "debates/demo/russia-north-korea-relations.txt"
    )
    assert shipped.read_text(encoding="utf-8").startswith("Russianorth Korea RelationsEdit")


@pytest.mark.django_db
def test_load_demo_builds_a_class_whose_pages_all_have_content(client):
    """Issue 11, point 8: a class with the demo student and four more, a co-teacher, the
    map shared for proposals, two groups with their own copies, and two assignments with
    work done on time, done late, approved, and not started."""
    from classes.demo import CLASS_NAME, DEMO_STUDENTS
    from classes.models import Assignment, ClassGroup, Classroom, GroupCopy, MapShare
    from classes.selectors.assignments import progress

    lines = run("load_demo")
    for spec in DEMO_STUDENTS:
        assert any(spec.username in line and spec.password in line for line in lines)
    assert not any(line.startswith("Subject:") for line in lines)  # no emails in the output
    classroom = Classroom.objects.get(name=CLASS_NAME)
    assert any(classroom.get_absolute_url() in line for line in lines)
    members = {m.user.username: m for m in classroom.members.select_related("user")}
    assert members["teacher"].role == "teacher"
    assert members["moderator"].role == "co_teacher"
    students = [m for m in members.values() if m.role == "student"]
    assert {m.user.username for m in students} == {"student", "ana", "ben", "chen", "dora"}
    debate = Debate.objects.get(slug="russia-north-korea-relations")
    assert MapShare.objects.get(classroom=classroom).debate == debate
    groups = list(ClassGroup.objects.filter(classroom=classroom))
    assert len(groups) == 2
    copies = GroupCopy.objects.filter(classroom=classroom)
    assert copies.count() == 2 and all(c.debate.claims.exists() for c in copies)

    upcoming, past = Assignment.objects.filter(classroom=classroom).order_by("-due_at")
    done = progress(assignment=upcoming, students=students)
    by_name = {p.member.user.username: p for p in done.values()}
    assert by_name["ana"].status == "done"
    assert by_name["chen"].status == "not started"
    late_work = progress(assignment=past, students=students)
    late = {p.member.user.username: p for p in late_work.values()}
    assert late["student"].status == "done late"
    assert late["ben"].status == "in progress"
    assert debate.claims.filter(author__username="ana", status="published").exists()

    # Every class page the teacher opens has content and answers 200.
    client.login(username="teacher", password="crux-teacher-demo")
    for url in (
        classroom.get_absolute_url(),
        f"/classes/{classroom.pk}/groups/",
        f"/classes/{classroom.pk}/report/",
        upcoming.get_absolute_url(),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "Ana Lima" in client.get(f"/classes/{classroom.pk}/report/").content.decode()
    # Grading (point 5): Ana's grade on the first assignment is released with a comment and
    # a comment on her argument; the demo student's is a draft she does not see.
    from classes.models import FeedbackItem, Grade

    ana_grade = Grade.objects.get(assignment=upcoming, student__username="ana")
    assert ana_grade.released_at and ana_grade.comment and ana_grade.auto_score > 0
    assert FeedbackItem.objects.filter(assignment=upcoming, student__username="ana").exists()
    draft = Grade.objects.get(assignment=upcoming, student__username="student")
    assert draft.released_at is None
    assert "grading-table" in client.get(upcoming.get_absolute_url()).content.decode()
    client.login(username="ana", password="crux-ana-demo")
    assert "Your grade" in client.get(upcoming.get_absolute_url()).content.decode()
    client.login(username="student", password="crux-student-demo")
    assert "Your grade" not in client.get(upcoming.get_absolute_url()).content.decode()
    # Running it again keeps the class as it is.
    run("load_demo")
    assert Classroom.objects.filter(name=CLASS_NAME).count() == 1
    assert Grade.objects.filter(assignment=upcoming).count() == 2

"""Classes (issue 11, point 1): creating one, its join code, link and QR code, joining (with
sign-up on the way), the roster, archiving, "My classes", and who may do what (a table of
class roles). Sharing maps with a class is tests/test_classes_sharing.py."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from classes import policy, selectors, services
from classes.models import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    ClassAuditEntry,
    ClassMember,
    Classroom,
    MapShare,
    normal_join_code,
)
from debates.models import Debate

from .factories import DebateFactory, UserFactory

MINE = reverse("classes:mine")
Role = ClassMember.Role


@pytest.fixture
def cotea(db):
    return UserFactory(username="cotea", display_name="Co Teacher")


@pytest.fixture
def classmate(db):
    return UserFactory(username="classmate")


@pytest.fixture
def former(db):
    return UserFactory(username="former")


@pytest.fixture
def other_student(db):
    return UserFactory(username="elsewhere")


@pytest.fixture
def staff(db):
    return UserFactory(username="staff", is_staff=True)


@pytest.fixture
def klass(db, teacher, cotea, student, classmate, former):
    """7B History: Ms Teacher teaches, Co Teacher co-teaches, student and classmate are
    in it; `former` was, and left."""
    classroom = services.class_create(actor=teacher, name="7B History")
    for person in (cotea, student, classmate, former):
        services.class_join(actor=person, code=classroom.join_code)
    services.class_member_role_set(
        actor=teacher, classroom=classroom, user=cotea, role="co_teacher"
    )
    services.class_leave(actor=former, classroom=classroom)
    return classroom


@pytest.fixture
def other_class(db, other_student):
    owner = UserFactory(username="otherteacher")
    classroom = services.class_create(actor=owner, name="8C Geography")
    services.class_join(actor=other_student, code=classroom.join_code)
    return classroom


def fresh(user):
    """The user as a new request would see them (no cached roles)."""
    return type(user).objects.get(pk=user.pk)


# --- creating a class and its code -----------------------------------------------------


def test_whoever_creates_a_class_is_its_teacher_and_it_gets_a_join_code(teacher):
    classroom = services.class_create(actor=teacher, name="  7B History ", description="Spring")
    assert classroom.name == "7B History"
    assert ClassMember.objects.get(classroom=classroom).role == Role.TEACHER
    code = classroom.join_code
    assert len(code) == JOIN_CODE_LENGTH and set(code) <= set(JOIN_CODE_ALPHABET)
    assert not set(code) & set("01ILOU")  # nothing to misread
    assert classroom.display_code == f"{code[:4]}-{code[4:]}"
    assert ClassAuditEntry.objects.filter(classroom=classroom, action="created").exists()


def test_codes_are_unique_and_typed_codes_are_forgiven_case_and_hyphens(teacher):
    codes = {services.class_create(actor=teacher, name=f"C{i}").join_code for i in range(30)}
    assert len(codes) == 30
    code = next(iter(codes))
    assert normal_join_code(f" {code[:4].lower()}-{code[4:]} ") == code
    assert normal_join_code("ABCD-EFG0") == ""  # 0 is never used
    assert normal_join_code("ABC") == ""


def test_anonymous_people_cannot_create_a_class(client, db):
    with pytest.raises(PermissionDenied):
        services.class_create(actor=AnonymousUser(), name="X")
    response = client.get(reverse("classes:new"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_creating_a_class_on_its_page(client, teacher):
    client.force_login(teacher)
    response = client.post(reverse("classes:new"), {"name": "", "description": ""})
    assert response.status_code == 400
    response = client.post(reverse("classes:new"), {"name": "7B History", "description": ""})
    classroom = Classroom.objects.get(name="7B History")
    assert response["Location"] == classroom.get_absolute_url()
    html = client.get(response["Location"]).content.decode()
    assert classroom.display_code in html
    assert classroom.join_path() in html  # the link, in full
    assert reverse("classes:qr_svg", args=[classroom.pk]) in html


def test_a_new_code_retires_the_old_code_and_link(client, klass, teacher, outsider):
    old = klass.join_code
    client.force_login(teacher)
    client.post(reverse("classes:code", args=[klass.pk]))
    klass.refresh_from_db()
    assert klass.join_code != old
    with pytest.raises(ValidationError):
        services.class_join(actor=outsider, code=old)
    client.force_login(outsider)
    assert client.get(reverse("classes:join_link", args=[old])).status_code == 404
    assert client.get(reverse("classes:join_link", args=[klass.join_code])).status_code == 200


def test_the_qr_code_is_an_svg_of_the_join_link_for_teachers_only(
    client, klass, teacher, student, outsider
):
    url = reverse("classes:qr_svg", args=[klass.pk])
    client.force_login(teacher)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Cache-Control"] == "private, no-store"
    svg = response.content.decode()
    assert svg.startswith("<svg xmlns='http://www.w3.org/2000/svg'") and "<script" not in svg
    assert f"<title>Join {klass.name}</title>" in svg
    png = client.get(reverse("classes:qr_png", args=[klass.pk]) + "?download")
    assert png.content.startswith(b"\x89PNG") and "attachment" in png["Content-Disposition"]
    client.force_login(student)
    assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_the_qr_code_encodes_the_join_link():
    # segno's own reader is not installed; the matrix must at least change with the link.
    from classes.qr import join_qr

    one, _ = join_qr("http://testserver/classes/join/ABCDEFGH/", kind="svg")
    two, _ = join_qr("http://testserver/classes/join/ABCDEFGJ/", kind="svg")
    assert one != two


# --- joining ---------------------------------------------------------------------------


def test_a_student_joins_with_the_code_typed_loosely(client, teacher, student):
    classroom = services.class_create(actor=teacher, name="7B History")
    client.force_login(student)
    typed = f"{classroom.join_code[:4].lower()} {classroom.join_code[4:].lower()}"
    response = client.post(reverse("classes:join"), {"code": typed})
    assert response["Location"] == classroom.get_absolute_url()
    member = ClassMember.objects.get(classroom=classroom, user=student)
    assert (member.role, member.via, member.left_at) == ("student", "code", None)
    # Joining again is harmless.
    response = client.post(reverse("classes:join"), {"code": classroom.join_code}, follow=True)
    assert "already" in response.content.decode()
    assert ClassMember.objects.filter(classroom=classroom).count() == 2


def test_a_wrong_code_is_a_form_error(client, student, db):
    client.force_login(student)
    response = client.post(reverse("classes:join"), {"code": "ZZZZ-ZZZZ"})
    assert response.status_code == 400
    assert "No class takes new members with this code" in response.content.decode()


def test_the_join_link_asks_before_joining(client, teacher, student):
    classroom = services.class_create(actor=teacher, name="7B History")
    link = reverse("classes:join_link", args=[classroom.join_code])
    client.force_login(student)
    response = client.get(link)
    assert response.status_code == 200 and "Join 7B History" in response.content.decode()
    assert not ClassMember.objects.filter(user=student).exists()  # a GET joins nobody
    response = client.post(link)
    assert response["Location"] == classroom.get_absolute_url()
    assert ClassMember.objects.get(user=student).via == "link"
    # A member following the link again lands on the class.
    assert client.get(link)["Location"] == classroom.get_absolute_url()


def test_someone_logged_out_logs_in_on_the_way_and_comes_back(client, teacher, student):
    classroom = services.class_create(actor=teacher, name="7B History")
    link = reverse("classes:join_link", args=[classroom.join_code])
    html = client.get(link).content.decode()
    assert f'href="/accounts/login/?next={link}"' in html
    assert f'href="/accounts/signup/?next={link}"' in html
    response = client.post(
        reverse("login"), {"username": "student", "password": "pass-word-123", "next": link}
    )
    assert response["Location"] == link
    client.post(link)
    assert policy.role_in_class(fresh(student), classroom) == "student"


def test_typing_the_code_logged_out_leads_to_the_link(client, teacher):
    classroom = services.class_create(actor=teacher, name="7B History")
    response = client.post(reverse("classes:join"), {"code": classroom.display_code.lower()})
    assert response["Location"] == reverse("classes:join_link", args=[classroom.join_code])


def test_a_newcomer_signs_up_on_the_way_and_comes_back_to_join(
    client, teacher, django_capture_on_commit_callbacks
):
    classroom = services.class_create(actor=teacher, name="7B History")
    link = reverse("classes:join_link", args=[classroom.join_code])
    signup = reverse("accounts:signup") + f"?next={link}"
    html = client.get(signup).content.decode()
    assert f'name="next" value="{link}"' in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            signup,
            {
                "username": "newbie",
                "display_name": "",
                "email": "newbie@example.org",
                "password1": "a-long-pass-phrase",
                "password2": "a-long-pass-phrase",
                "next": link,
            },
        )
    confirm = re.search(r"https?://[^/\s]+(/accounts/signup/confirm/\S+/)", mail.outbox[0].body)
    response = client.post(confirm.group(1))
    assert response["Location"] == link
    response = client.post(link)
    assert response["Location"] == classroom.get_absolute_url()
    assert ClassMember.objects.filter(classroom=classroom, user__username="newbie").exists()


def test_sign_up_ignores_a_next_that_leaves_the_site(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:signup"),
            {
                "username": "newbie",
                "display_name": "",
                "email": "newbie@example.org",
                "password1": "a-long-pass-phrase",
                "password2": "a-long-pass-phrase",
                "next": "https://evil.example/",
            },
        )
    confirm = re.search(r"https?://[^/\s]+(/accounts/signup/confirm/\S+/)", mail.outbox[0].body)
    assert client.post(confirm.group(1))["Location"] == reverse("debates:home")


def test_closed_joining_and_archived_classes_take_nobody(client, klass, teacher, outsider):
    link = reverse("classes:join_link", args=[klass.join_code])
    client.force_login(teacher)
    client.post(reverse("classes:joining", args=[klass.pk]), {"open": "0"})
    klass.refresh_from_db()
    assert not klass.joining_open
    client.force_login(outsider)
    assert client.get(link).status_code == 404
    assert client.post(link).status_code == 404
    response = client.post(reverse("classes:join"), {"code": klass.join_code})
    assert response.status_code == 400  # told as an unknown code
    # Teachers still add people while joining is closed.
    result = services.class_members_add(actor=teacher, classroom=klass, entries="outsider")
    assert [u.username for u in result.added] == ["outsider"]
    services.class_joining_set(actor=teacher, classroom=klass, joining_open=True)
    services.class_archive(actor=teacher, classroom=klass)
    late = UserFactory(username="late")
    with pytest.raises(ValidationError):
        services.class_join(actor=late, code=klass.join_code)
    client.force_login(late)
    assert client.get(link).status_code == 404


def test_a_former_student_may_join_again(klass, former):
    result = services.class_join(actor=former, code=klass.join_code)
    assert result.joined
    member = ClassMember.objects.get(classroom=klass, user=former)
    assert member.left_at is None and member.role == "student"


# --- the roster ------------------------------------------------------------------------


def test_bulk_add_reports_who_was_added_who_was_in_and_who_was_not_found(
    client, klass, teacher, student
):
    UserFactory(username="ada", email="Ada@Example.org")
    UserFactory(username="bob")
    UserFactory(username="sleeper", is_active=False)  # a sign-up never confirmed
    client.force_login(teacher)
    pasted = (
        "ada@example.org, BOB\nstudent; nobody@example.org\nsleeper\nghost\nAda <ada@example.org>"
    )
    response = client.post(reverse("classes:roster_add", args=[klass.pk]), {"entries": pasted})
    assert response.status_code == 200
    report = response.context["added"]
    assert sorted(u.username for u in report.added) == ["ada", "bob"]
    assert [u.username for u in report.already] == ["student"]
    assert report.not_found == ["nobody@example.org", "sleeper", "ghost"]
    html = response.content.decode()
    assert "Not found (3)" in html and "nobody@example.org" in html
    member = ClassMember.objects.get(classroom=klass, user__username="ada")
    assert (member.role, member.via, member.added_by) == ("student", "added", teacher)


def test_bulk_add_needs_something_and_has_a_limit(klass, teacher):
    with pytest.raises(ValidationError):
        services.class_members_add(actor=teacher, classroom=klass, entries=" ,\n")
    too_many = " ".join(f"p{i}" for i in range(services.MAX_BULK_ENTRIES + 1))
    with pytest.raises(ValidationError):
        services.class_members_add(actor=teacher, classroom=klass, entries=too_many)


def test_teachers_remove_students_who_become_former_members(client, klass, teacher, student):
    client.force_login(teacher)
    response = client.post(reverse("classes:member_remove", args=[klass.pk, student.pk]))
    assert response.status_code == 302
    member = ClassMember.objects.get(classroom=klass, user=student)
    assert member.left_at is not None
    client.force_login(student)
    assert client.get(klass.get_absolute_url()).status_code == 404
    assert klass.pk not in [row.classroom.pk for row in selectors.my_classes(user=student)]


def test_the_teacher_makes_and_unmakes_co_teachers(client, klass, teacher, cotea, student):
    client.force_login(teacher)
    client.post(reverse("classes:member_role", args=[klass.pk, student.pk]), {"role": "co_teacher"})
    assert ClassMember.objects.get(classroom=klass, user=student).role == "co_teacher"
    client.post(reverse("classes:member_role", args=[klass.pk, student.pk]), {"role": "student"})
    assert ClassMember.objects.get(classroom=klass, user=student).role == "student"
    # A co-teacher manages students, not teachers.
    client.force_login(cotea)
    url = reverse("classes:member_role", args=[klass.pk, student.pk])
    assert client.post(url, {"role": "co_teacher"}).status_code == 403
    client.post(reverse("classes:member_remove", args=[klass.pk, teacher.pk]))
    assert policy.role_in_class(fresh(teacher), klass) == "teacher"
    with pytest.raises(ValidationError):
        services.class_member_remove(actor=teacher, classroom=klass, user=teacher)


def test_the_teacher_cannot_leave_but_others_can(client, klass, teacher, classmate):
    with pytest.raises(PermissionDenied):
        services.class_leave(actor=teacher, classroom=klass)
    client.force_login(classmate)
    response = client.post(reverse("classes:leave", args=[klass.pk]))
    assert response["Location"] == MINE
    assert policy.role_in_class(fresh(classmate), klass) is None


def test_the_roster_lists_everyone_and_the_log(client, klass, teacher, student, former):
    client.force_login(teacher)
    response = client.get(reverse("classes:roster", args=[klass.pk]))
    html = response.content.decode()
    assert "Students (2)" in html and "@student" in html and "@classmate" in html
    assert "Former members" in html and "@former" in html
    assert "Joined" in html and "left" in html
    client.force_login(student)
    assert client.get(reverse("classes:roster", args=[klass.pk])).status_code == 403


# --- archiving -------------------------------------------------------------------------


def test_an_archived_class_is_read_only_until_brought_back(client, klass, teacher, cotea, student):
    with pytest.raises(PermissionDenied):
        services.class_archive(actor=cotea, classroom=klass)
    client.force_login(teacher)
    client.post(reverse("classes:archive", args=[klass.pk]))
    klass.refresh_from_db()
    assert klass.archived
    for call in (
        lambda: services.class_members_add(actor=teacher, classroom=klass, entries="outsider"),
        lambda: services.class_member_remove(actor=teacher, classroom=klass, user=student),
        lambda: services.class_code_regenerate(actor=teacher, classroom=klass),
        lambda: services.class_update(actor=teacher, classroom=klass, name="X", description=""),
        lambda: services.class_leave(actor=student, classroom=klass),
    ):
        with pytest.raises(PermissionDenied):
            call()
    client.force_login(student)
    html = client.get(klass.get_absolute_url()).content.decode()
    assert "Archived on" in html and "Leave this class" not in html
    client.force_login(teacher)
    client.post(reverse("classes:unarchive", args=[klass.pk]))
    klass.refresh_from_db()
    assert not klass.archived


# --- My classes and the class page -----------------------------------------------------


def test_my_classes_lists_only_my_current_classes(
    client, klass, other_class, student, former, teacher
):
    client.force_login(student)
    html = client.get(MINE).content.decode()
    assert "7B History" in html and "8C Geography" not in html
    assert "Student" in html and "taught by Ms Teacher" in html
    client.force_login(former)
    assert "7B History" not in client.get(MINE).content.decode()
    client.force_login(teacher)
    assert "Teacher" in client.get(MINE).content.decode()


def test_the_header_links_to_my_classes(client, student):
    client.force_login(student)
    html = client.get(reverse("debates:my_debates")).content.decode()
    assert f'<a href="{MINE}">Classes</a>' in html
    client.logout()
    assert f'href="{MINE}"' not in client.get(reverse("debates:home")).content.decode()


def test_my_classes_takes_a_fixed_number_of_queries(client, teacher, student):
    def page_queries():
        client.force_login(student)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(MINE).status_code == 200
        return len(queries)

    first = services.class_create(actor=teacher, name="Class 0")
    services.class_join(actor=student, code=first.join_code)
    one = page_queries()
    for i in range(1, 6):
        classroom = services.class_create(actor=teacher, name=f"Class {i}")
        services.class_join(actor=student, code=classroom.join_code)
        for _ in range(3):
            services.class_join(actor=UserFactory(), code=classroom.join_code)
    many = page_queries()
    assert one == many


def test_the_class_page_takes_a_fixed_number_of_queries(client, teacher, source):
    classroom = services.class_create(actor=teacher, name="7B History")

    def page_queries(user):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(classroom.get_absolute_url()).status_code == 200
        return len(queries)

    pupil = UserFactory(username="pupil")
    services.class_join(actor=pupil, code=classroom.join_code)
    debate = DebateFactory(owner=teacher, visibility=Debate.Visibility.PRIVATE)
    debate.sources.add(source)
    services.class_map_share(actor=teacher, classroom=classroom, debate=debate, mode="propose")
    DebateFactory(owner=teacher)  # one map left to share
    small = (page_queries(teacher), page_queries(pupil))
    for _ in range(8):
        services.class_join(actor=UserFactory(), code=classroom.join_code)
    for _ in range(3):
        more = DebateFactory(owner=teacher, visibility=Debate.Visibility.PRIVATE)
        more.sources.add(source)
        services.class_map_share(actor=teacher, classroom=classroom, debate=more, mode="read")
        DebateFactory(owner=teacher)
    large = (page_queries(teacher), page_queries(pupil))
    assert small == large
    assert MapShare.objects.filter(classroom=classroom).count() == 4


def test_the_class_page_shows_maps_readings_and_a_place_for_assignments(
    client, klass, teacher, student, source
):
    debate = DebateFactory(title="Rivers map", owner=teacher, visibility=Debate.Visibility.PRIVATE)
    debate.sources.add(source)
    services.class_map_share(actor=teacher, classroom=klass, debate=debate, mode="propose")
    client.force_login(student)
    response = client.get(klass.get_absolute_url())
    html = response.content.decode()
    assert "Rivers map" in html and "Propose (reviewed)" in html and "your role: viewer" in html
    assert source.title in html and source.get_absolute_url() in html
    assert 'id="assignments"' in html and "No assignments yet." in html
    assert response.context["page"].assignments == []
    # Students see teachers and how many students, not the join code or the roster.
    assert "Ms Teacher" in html and "2 students" in html
    assert klass.display_code not in html and "@classmate" not in html


# --- who may do what: the class roles table --------------------------------------------

PERSONAS = [
    "anonymous",
    "outsider",
    "other_student",
    "former",
    "student",
    "cotea",
    "teacher",
    "staff",
]
TEACHERS = {"teacher", "cotea", "staff"}
MEMBERS = {"student", *TEACHERS}

TABLE: list[tuple[str, bool, set[str]]] = [
    # (action, archived?, who may)
    ("view", False, MEMBERS),
    ("view", True, MEMBERS),
    ("teach", False, TEACHERS),
    ("teach", True, TEACHERS),
    ("manage_roster", False, TEACHERS),
    ("manage_roster", True, set()),
    ("manage_teachers", False, {"teacher", "staff"}),
    ("manage_teachers", True, set()),
    ("archive", False, {"teacher", "staff"}),
    ("archive", True, {"teacher", "staff"}),
    ("share_maps", False, TEACHERS),
    ("share_maps", True, set()),
    # Sharing a particular map also needs its management (the teacher owns it).
    ("share_map", False, {"teacher", "staff"}),
    # Groups and their copies (tests/test_class_groups.py); copying a map also needs the
    # right to copy it (the teacher owns it).
    ("manage_groups", False, TEACHERS),
    ("manage_groups", True, set()),
    ("give_copies", False, {"teacher", "staff"}),
    ("give_copies", True, set()),
    ("join", False, {"outsider", "other_student", "former", "staff"}),
    ("join", True, set()),
    ("leave", False, {"student", "cotea"}),
    ("leave", True, set()),
]


@pytest.fixture
def people(db, teacher, cotea, student, former, other_student, outsider, staff, klass, other_class):
    return {
        "anonymous": AnonymousUser(),
        "outsider": outsider,
        "other_student": other_student,
        "former": former,
        "student": student,
        "cotea": cotea,
        "teacher": teacher,
        "staff": staff,
    }


@pytest.mark.parametrize(("action", "archived", "allowed"), TABLE)
def test_class_policy_table(people, klass, teacher, action, archived, allowed):
    debate = DebateFactory(owner=teacher, visibility=Debate.Visibility.PRIVATE)
    if archived:
        services.class_archive(actor=teacher, classroom=klass)
    klass = Classroom.objects.get(pk=klass.pk)
    for persona, person in people.items():
        person = fresh(person) if person.is_authenticated else person
        expected = persona in allowed
        got = policy.can(person, action, klass, debate)
        assert got == expected, f"{persona} {action} (archived={archived}): {got}"


def test_the_table_covers_every_action():
    assert {row[0] for row in TABLE} == {
        "view",
        "teach",
        "manage_roster",
        "manage_teachers",
        "archive",
        "share_maps",
        "share_map",
        "manage_groups",
        "give_copies",
        "join",
        "leave",
    }


@pytest.mark.parametrize("persona", ["outsider", "other_student", "former"])
def test_a_class_is_404_to_those_not_in_it(client, people, klass, persona):
    client.force_login(people[persona])
    for name in ("detail", "roster", "settings", "qr_svg"):
        assert client.get(reverse(f"classes:{name}", args=[klass.pk])).status_code == 404, name
    for name in ("leave", "archive", "code", "joining", "roster_add", "share"):
        assert client.post(reverse(f"classes:{name}", args=[klass.pk])).status_code == 404, name


def test_anonymous_people_are_asked_to_log_in(client, klass):
    response = client.get(klass.get_absolute_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_another_class_s_private_ids_are_404(client, klass, other_class, other_student, teacher):
    """A teacher of one class names a person or a share of another: nothing there."""
    owner = other_class.created_by
    debate = DebateFactory(owner=owner, visibility=Debate.Visibility.PRIVATE)
    share = services.class_map_share(actor=owner, classroom=other_class, debate=debate, mode="read")
    client.force_login(teacher)
    for url in (
        reverse("classes:member_remove", args=[klass.pk, other_student.pk]),
        reverse("classes:member_role", args=[klass.pk, other_student.pk]),
        reverse("classes:share_mode", args=[klass.pk, share.pk]),
        reverse("classes:unshare", args=[klass.pk, share.pk]),
    ):
        assert client.post(url, {"role": "co_teacher", "mode": "contribute"}).status_code == 404
    assert ClassMember.objects.get(user=other_student).left_at is None
    assert MapShare.objects.get(pk=share.pk).mode == "read"


def test_students_are_refused_teachers_acts(client, klass, student, classmate):
    client.force_login(student)
    for name in ("archive", "code", "joining", "roster_add", "share"):
        assert client.post(reverse(f"classes:{name}", args=[klass.pk])).status_code == 403, name
    url = reverse("classes:member_remove", args=[klass.pk, classmate.pk])
    assert client.post(url).status_code == 403
    assert client.get(reverse("classes:settings", args=[klass.pk])).status_code == 403


def test_every_act_is_in_the_class_log(klass):
    actions = set(ClassAuditEntry.objects.filter(classroom=klass).values_list("action", flat=True))
    assert {"created", "joined", "role_changed", "left"} <= actions

"""Small groups with their own copies (issue 11, point 3): groups made by hand, at random
into N groups or of size N; a student in at most one group of a class; private copies of a
template map for the class, each group or each student, whose students get the role of the
chosen mode while the teachers moderate; what one group writes shows in no other copy nor
in the template; who may do what; fixed query counts."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from classes import policy, selectors, services
from classes.models import ClassAuditEntry, ClassGroup, ClassGroupMember, GroupCopy
from debates.models import Claim, Debate, Membership

from .factories import ClaimFactory, DebateFactory, UserFactory


@pytest.fixture
def cotea(db):
    return UserFactory(username="cotea", display_name="Co Teacher")


@pytest.fixture
def former(db):
    return UserFactory(username="former")


@pytest.fixture
def other_student(db):
    return UserFactory(username="elsewhere")


@pytest.fixture
def pupils(db, student):
    """The class's students: `student` and five more, pupil1…pupil5."""
    return [student] + [UserFactory(username=f"pupil{i}") for i in range(1, 6)]


@pytest.fixture
def klass(db, teacher, cotea, pupils, former):
    classroom = services.class_create(actor=teacher, name="7B History")
    for person in (cotea, *pupils, former):
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


@pytest.fixture
def rivers(db, teacher, source):
    """The teacher's template: a private, reviewed map with an issue and a position."""
    debate = DebateFactory(
        title="Rivers",
        slug="rivers-map",
        owner=teacher,
        visibility=Debate.Visibility.PRIVATE,
        contribution_mode=Debate.Mode.REVIEWED,
    )
    debate.sources.add(source)
    issue = ClaimFactory(debate=debate, kind="issue", text="Do rivers make towns rich?")
    ClaimFactory(debate=debate, kind="position", parent=issue, relation="answers", text="Yes.")
    return debate


def fresh(user):
    return type(user).objects.get(pk=user.pk)


def groups_of(classroom) -> dict[str, set[str]]:
    rows = ClassGroupMember.objects.filter(classroom=classroom).select_related("group", "user")
    found: dict[str, set[str]] = {
        g.name: set() for g in ClassGroup.objects.filter(classroom=classroom)
    }
    for row in rows:
        found[row.group.name].add(row.user.username)
    return found


def roles(debate) -> dict[str, str]:
    return dict(Membership.objects.filter(debate=debate).values_list("user__username", "role"))


def two_groups(klass, teacher, pupils):
    a = services.group_create(actor=teacher, classroom=klass, name="Otters", students=pupils[:3])
    b = services.group_create(actor=teacher, classroom=klass, name="Herons", students=pupils[3:])
    return a, b


# --- groups at random ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("how", "groups"),
    [({"count": 3}, 3), ({"count": 4}, 4), ({"size": 4}, 2), ({"size": 2}, 3), ({"count": 9}, 6)],
)
def test_random_groups_hold_every_student_once_and_differ_by_at_most_one(
    klass, teacher, pupils, how, groups
):
    made = services.groups_make_random(actor=teacher, classroom=klass, seed=7, **how)
    assert len(made) == groups
    found = groups_of(klass)
    members = [name for names in found.values() for name in names]
    assert sorted(members) == sorted(p.username for p in pupils)  # each exactly once
    sizes = [len(names) for names in found.values()]
    assert max(sizes) - min(sizes) <= 1 and min(sizes) >= 1
    if "size" in how:
        assert max(sizes) <= how["size"]
    # Teachers and former students are in no group.
    assert not {"teacher", "cotea", "former"} & set(members)


def test_one_seed_deals_the_same_groups_and_seeds_differ(klass, teacher):
    def dealt(seed):
        services.groups_make_random(actor=teacher, classroom=klass, count=3, seed=seed)
        return sorted(tuple(sorted(names)) for names in groups_of(klass).values())

    assert dealt(42) == dealt(42)
    assert len({tuple(dealt(seed)) for seed in range(8)}) > 1


def test_random_groups_replace_the_old_ones(klass, teacher, pupils):
    services.group_create(actor=teacher, classroom=klass, name="Old", students=pupils[:2])
    services.groups_make_random(actor=teacher, classroom=klass, size=3, seed=1)
    assert set(groups_of(klass)) == {"Group 1", "Group 2"}


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ({}, "either"),
        ({"count": 2, "size": 2}, "either"),
        ({"count": 0}, "at least one group"),
        ({"size": 0}, "at least one student"),
    ],
)
def test_random_groups_refuse_bad_numbers(klass, teacher, how, message):
    with pytest.raises(ValidationError, match=message):
        services.groups_make_random(actor=teacher, classroom=klass, **how)
    assert not ClassGroup.objects.filter(classroom=klass).exists()


def test_a_class_without_students_has_nobody_to_group(teacher):
    empty = services.class_create(actor=teacher, name="Empty")
    with pytest.raises(ValidationError, match="no students"):
        services.groups_make_random(actor=teacher, classroom=empty, count=2)


# --- groups by hand ------------------------------------------------------------------------


def test_groups_by_hand_move_and_remove_students(klass, teacher, cotea, pupils):
    a, b = two_groups(klass, teacher, pupils)
    assert groups_of(klass) == {
        "Otters": {"student", "pupil1", "pupil2"},
        "Herons": {"pupil3", "pupil4", "pupil5"},
    }
    # A student picked for a new group leaves their old one.
    c = services.group_create(actor=cotea, classroom=klass, name="Swans", students=[pupils[0]])
    assert groups_of(klass)["Swans"] == {"student"}
    assert "student" not in groups_of(klass)["Otters"]
    services.group_member_add(actor=teacher, classroom=klass, group=b, user=pupils[1])
    assert groups_of(klass)["Herons"] == {"pupil1", "pupil3", "pupil4", "pupil5"}
    with pytest.raises(ValidationError, match="already"):
        services.group_member_add(actor=teacher, classroom=klass, group=b, user=pupils[1])
    services.group_member_remove(actor=teacher, classroom=klass, group=b, user=pupils[1])
    with pytest.raises(ValidationError, match="is not in"):
        services.group_member_remove(actor=teacher, classroom=klass, group=b, user=pupils[1])
    services.group_delete(actor=teacher, classroom=klass, group=c)
    assert set(groups_of(klass)) == {"Otters", "Herons"}
    assert not ClassGroupMember.objects.filter(user=pupils[0]).exists()
    actions = list(ClassAuditEntry.objects.filter(classroom=klass).values_list("action", flat=True))
    for action in (
        "group_created",
        "group_member_added",
        "group_member_removed",
        "group_deleted",
    ):
        assert action in actions
    assert a.pk


def test_only_current_students_go_in_groups_and_names_differ(
    klass, teacher, cotea, former, other_student, pupils
):
    for person in (cotea, former, other_student, teacher):
        with pytest.raises(ValidationError, match="Only the class's students"):
            services.group_create(actor=teacher, classroom=klass, name="X", students=[person])
    services.group_create(actor=teacher, classroom=klass, name="Otters")
    with pytest.raises(ValidationError, match="already"):
        services.group_create(actor=teacher, classroom=klass, name=" Otters ")
    with pytest.raises(ValidationError, match="needs a name"):
        services.group_create(actor=teacher, classroom=klass, name="  ")


def test_the_database_keeps_a_student_to_one_group_per_class(klass, teacher, student):
    a = services.group_create(actor=teacher, classroom=klass, name="A", students=[student])
    b = services.group_create(actor=teacher, classroom=klass, name="B")
    with pytest.raises(IntegrityError), transaction.atomic():
        ClassGroupMember.objects.create(classroom=klass, group=b, user=student)
    assert ClassGroupMember.objects.get(user=student).group == a


def test_another_class_s_group_is_refused(klass, other_class, teacher, pupils):
    theirs = services.group_create(
        actor=other_class.created_by, classroom=other_class, name="Theirs"
    )
    with pytest.raises((PermissionDenied, ValidationError)):
        services.group_member_add(actor=teacher, classroom=klass, group=theirs, user=pupils[0])
    with pytest.raises(ValidationError):
        services.group_delete(actor=teacher, classroom=klass, group=theirs)
    assert ClassGroup.objects.filter(pk=theirs.pk).exists()


# --- copies --------------------------------------------------------------------------------


def test_each_group_gets_its_own_private_copy_with_its_students(
    klass, teacher, cotea, pupils, rivers
):
    a, b = two_groups(klass, teacher, pupils)
    services.group_create(actor=teacher, classroom=klass, name="Empty")  # no copy for it
    Membership.objects.create(debate=rivers, user=cotea, role="moderator")  # may copy it
    made = services.class_copies_give(
        actor=cotea, classroom=klass, template=rivers, copy_for="group", mode="contribute"
    )
    assert [row.group for row in made] == [b, a]  # by name: Herons, Otters
    by_group = {row.group.name: row.debate for row in made}
    otters, herons = by_group["Otters"], by_group["Herons"]
    for debate in (otters, herons):
        debate.refresh_from_db()
        assert debate.visibility == Debate.Visibility.PRIVATE
        assert debate.owner == teacher and debate.copied_from == rivers
        assert debate.contribution_mode == Debate.Mode.OPEN
        assert Claim.objects.filter(debate=debate, text="Yes.").exists()
        assert list(debate.sources.all()) == list(rivers.sources.all())
    assert roles(otters) == {
        "teacher": "owner",
        "cotea": "moderator",
        "student": "contributor",
        "pupil1": "contributor",
        "pupil2": "contributor",
    }
    assert roles(herons) == {
        "teacher": "owner",
        "cotea": "moderator",
        "pupil3": "contributor",
        "pupil4": "contributor",
        "pupil5": "contributor",
    }
    assert GroupCopy.objects.filter(classroom=klass, template=rivers).count() == 2
    assert ClassAuditEntry.objects.filter(classroom=klass, action="copies_given").exists()


@pytest.mark.parametrize(
    ("mode", "role", "contribution_mode"),
    [
        ("read", "reader", Debate.Mode.REVIEWED),
        ("propose", "viewer", Debate.Mode.REVIEWED),
        ("contribute", "contributor", Debate.Mode.OPEN),
    ],
)
def test_a_copy_per_student_or_for_the_class_gives_the_mode_s_role(
    klass, teacher, pupils, rivers, mode, role, contribution_mode
):
    made = services.class_copies_give(
        actor=teacher, classroom=klass, template=rivers, copy_for="student", mode=mode
    )
    assert len(made) == len(pupils)
    for row in made:
        assert roles(row.debate) == {
            "teacher": "owner",
            "cotea": "moderator",
            row.student.username: role,
        }
        assert row.debate.contribution_mode == contribution_mode
        assert row.student.public_name in row.debate.title
    (whole,) = services.class_copies_give(
        actor=teacher, classroom=klass, template=rivers, copy_for="class", mode=mode
    )
    assert whole.group is None and whole.student is None
    expected = {p.username: role for p in pupils} | {"teacher": "owner", "cotea": "moderator"}
    assert roles(whole.debate) == expected


def test_copies_need_groups_a_known_kind_and_a_map_the_teacher_may_copy(
    klass, teacher, cotea, student, rivers, other_class
):
    with pytest.raises(ValidationError, match="no groups"):
        services.class_copies_give(
            actor=teacher, classroom=klass, template=rivers, copy_for="group", mode="read"
        )
    for copy_for, mode in (("team", "read"), ("class", "edit")):
        with pytest.raises(ValidationError):
            services.class_copies_give(
                actor=teacher, classroom=klass, template=rivers, copy_for=copy_for, mode=mode
            )
    theirs = DebateFactory(owner=other_class.created_by, visibility=Debate.Visibility.PRIVATE)
    with pytest.raises(PermissionDenied):
        services.class_copies_give(
            actor=teacher, classroom=klass, template=theirs, copy_for="class", mode="read"
        )
    with pytest.raises(PermissionDenied):  # a student, even of a map they moderate
        mine = DebateFactory(owner=student)
        services.class_copies_give(
            actor=student, classroom=klass, template=mine, copy_for="class", mode="read"
        )
    assert not GroupCopy.objects.exists()
    assert Debate.objects.filter(copied_from__isnull=False).count() == 0


def test_students_see_only_their_own_group_s_copy(client, klass, teacher, pupils, rivers):
    two_groups(klass, teacher, pupils)
    made = services.class_copies_give(
        actor=teacher, classroom=klass, template=rivers, copy_for="group", mode="contribute"
    )
    by_group = {row.group.name: row.debate for row in made}
    otter, heron = pupils[0], pupils[3]
    client.force_login(otter)
    html = client.get(klass.get_absolute_url()).content.decode()
    assert by_group["Otters"].get_absolute_url() in html
    assert by_group["Herons"].get_absolute_url() not in html
    assert "Your group: <strong>Otters</strong>" in html
    assert client.get(by_group["Otters"].get_absolute_url()).status_code == 200
    assert client.get(by_group["Herons"].get_absolute_url()).status_code == 404
    assert client.get(rivers.get_absolute_url()).status_code == 404  # the template is private
    client.force_login(heron)
    assert client.get(by_group["Otters"].get_absolute_url()).status_code == 404
    # The teachers see every copy on the class page.
    client.force_login(teacher)
    html = client.get(klass.get_absolute_url()).content.decode()
    assert by_group["Otters"].get_absolute_url() in html
    assert by_group["Herons"].get_absolute_url() in html


def test_what_one_group_writes_shows_in_no_other_copy_nor_the_template(
    client, klass, teacher, pupils, rivers
):
    two_groups(klass, teacher, pupils)
    client.force_login(teacher)
    response = client.post(
        reverse("classes:copies_give", args=[klass.pk]),
        {"template": rivers.pk, "copy_for": "group", "mode": "contribute"},
    )
    assert response.status_code == 302
    by_group = {row.group.name: row.debate for row in GroupCopy.objects.filter(classroom=klass)}
    otters, herons = by_group["Otters"], by_group["Herons"]
    yes = Claim.objects.get(debate=otters, text="Yes.")
    client.force_login(pupils[0])
    response = client.post(
        reverse("debates:claim_add", args=[otters.slug]),
        {"parent": yes.pk, "text": "Mills stood by the water", "stance": "supports"},
    )
    assert response.status_code in (200, 302)
    assert Claim.objects.filter(debate=otters, text="Mills stood by the water").exists()
    assert "Mills stood by the water" in client.get(otters.get_absolute_url()).content.decode()
    client.force_login(pupils[3])
    page = client.get(herons.get_absolute_url()).content.decode()
    assert "Yes." in page and "Mills stood by the water" not in page
    client.force_login(teacher)
    for debate in (herons, rivers):
        page = client.get(debate.get_absolute_url()).content.decode()
        assert "Do rivers make towns rich?" in page and "Mills stood by the water" not in page
    assert not Claim.objects.filter(text="Mills stood by the water").exclude(debate=otters).exists()


def test_a_deleted_group_s_copy_stays_listed_under_its_name(client, klass, teacher, pupils, rivers):
    a, _ = two_groups(klass, teacher, pupils)
    services.class_copies_give(
        actor=teacher, classroom=klass, template=rivers, copy_for="group", mode="read"
    )
    services.group_delete(actor=teacher, classroom=klass, group=a)
    row = GroupCopy.objects.get(group_name="Otters")
    assert row.group is None and roles(row.debate)["student"] == "reader"
    client.force_login(teacher)
    html = client.get(reverse("classes:groups", args=[klass.pk])).content.decode()
    assert "Otters" in html and "(deleted)" in html


# --- the pages -----------------------------------------------------------------------------


def test_the_groups_page_makes_moves_and_deletes(client, klass, teacher, pupils):
    client.force_login(teacher)
    url = reverse("classes:groups", args=[klass.pk])
    html = client.get(url).content.decode()
    assert "No groups yet." in html and "Make groups at random" in html
    response = client.post(
        reverse("classes:group_new", args=[klass.pk]),
        {"name": "Otters", "students": [pupils[0].pk, pupils[1].pk]},
    )
    assert response.status_code == 302
    otters = ClassGroup.objects.get(name="Otters")
    response = client.post(reverse("classes:group_new", args=[klass.pk]), {"name": "Otters"})
    assert response.status_code == 400 and "already" in response.content.decode()
    response = client.post(
        reverse("classes:group_move", args=[klass.pk]),
        {"student": pupils[1].pk, "group": ""},
    )
    assert response.status_code == 302
    assert groups_of(klass) == {"Otters": {"student"}}
    client.post(
        reverse("classes:group_move", args=[klass.pk]),
        {"student": pupils[2].pk, "group": otters.pk},
    )
    assert groups_of(klass) == {"Otters": {"student", "pupil2"}}
    html = client.get(url).content.decode()
    assert "@pupil2" in html and "In no group (4)" in html
    response = client.post(
        reverse("classes:groups_random", args=[klass.pk]), {"how": "size", "number": 2}
    )
    assert response.status_code == 302
    assert len(groups_of(klass)) == 3
    response = client.post(
        reverse("classes:groups_random", args=[klass.pk]), {"how": "size", "number": 0}
    )
    assert response.status_code == 400
    group = ClassGroup.objects.filter(classroom=klass).first()
    client.post(reverse("classes:group_delete", args=[klass.pk, group.pk]))
    assert len(groups_of(klass)) == 2


def test_the_copies_form_offers_only_maps_the_teacher_may_copy(
    client, klass, teacher, rivers, other_class
):
    theirs = DebateFactory(title="Theirs", owner=other_class.created_by)
    client.force_login(teacher)
    html = client.get(reverse("classes:groups", args=[klass.pk])).content.decode()
    assert "Give copies" in html and "Rivers" in html and "Theirs" not in html
    response = client.post(
        reverse("classes:copies_give", args=[klass.pk]),
        {"template": theirs.pk, "copy_for": "class", "mode": "read"},
    )
    assert response.status_code == 400
    response = client.post(
        reverse("classes:copies_give", args=[klass.pk]),
        {"template": rivers.pk, "copy_for": "group", "mode": "read"},
    )
    assert response.status_code == 400 and "make groups first" in response.content.decode()
    assert not GroupCopy.objects.exists()


# --- who may do what -----------------------------------------------------------------------

ACTS = ["groups_page", "group_new", "groups_random", "group_move", "group_delete", "copies_give"]


def _request(client, klass, act, group, rivers, student):
    if act == "groups_page":
        return client.get(reverse("classes:groups", args=[klass.pk]))
    if act == "group_delete":
        return client.post(reverse("classes:group_delete", args=[klass.pk, group.pk]))
    data = {
        "group_new": {"name": "New group", "students": [student.pk]},
        "groups_random": {"how": "count", "number": 2},
        "group_move": {"student": student.pk, "group": group.pk},
        "copies_give": {"template": rivers.pk, "copy_for": "class", "mode": "read"},
    }[act]
    return client.post(reverse(f"classes:{act}", args=[klass.pk]), data)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("teacher", {200, 302}),
        ("cotea", {200, 302}),
        ("student", {403}),
        ("former", {404}),
        ("other_student", {404}),
        ("outsider", {404}),
    ],
)
@pytest.mark.parametrize("act", ACTS)
def test_who_may_use_the_groups_pages(
    client,
    klass,
    teacher,
    cotea,
    student,
    former,
    other_student,
    outsider,
    pupils,
    rivers,
    persona,
    expected,
    act,
):
    people = {
        "teacher": teacher,
        "cotea": cotea,
        "student": student,
        "former": former,
        "other_student": other_student,
        "outsider": outsider,
    }
    if persona == "cotea":
        # The co-teacher moderates the template, so may copy it.
        Membership.objects.create(debate=rivers, user=cotea, role="moderator")
    group = services.group_create(actor=teacher, classroom=klass, name="Otters")
    client.force_login(people[persona])
    response = _request(client, klass, act, group, rivers, pupils[1])
    assert response.status_code in expected, (persona, act, response.status_code)
    if persona not in ("teacher", "cotea") and act != "groups_page":
        assert ClassGroup.objects.filter(classroom=klass).count() == 1
        assert groups_of(klass) == {"Otters": set()}
        assert not GroupCopy.objects.exists()


def test_another_class_s_group_id_is_404(client, klass, other_class, teacher):
    theirs = services.group_create(
        actor=other_class.created_by, classroom=other_class, name="Theirs"
    )
    client.force_login(teacher)
    url = reverse("classes:group_delete", args=[klass.pk, theirs.pk])
    assert client.post(url).status_code == 404
    assert ClassGroup.objects.filter(pk=theirs.pk).exists()


def test_an_archived_class_s_groups_are_read_only(client, klass, teacher, pupils, rivers):
    group = services.group_create(actor=teacher, classroom=klass, name="Otters")
    services.class_archive(actor=teacher, classroom=klass)
    klass.refresh_from_db()
    teacher = fresh(teacher)
    assert not policy.can_manage_groups(teacher, klass)
    assert not policy.can_give_copies(teacher, klass, rivers)
    with pytest.raises(PermissionDenied):
        services.groups_make_random(actor=teacher, classroom=klass, count=2)
    with pytest.raises(PermissionDenied):
        services.class_copies_give(
            actor=teacher, classroom=klass, template=rivers, copy_for="class", mode="read"
        )
    client.force_login(teacher)
    html = client.get(reverse("classes:groups", args=[klass.pk])).content.decode()
    assert "Otters" in html and "Make groups at random" not in html
    response = client.post(reverse("classes:group_delete", args=[klass.pk, group.pk]))
    assert response.status_code == 403


def test_anonymous_people_are_asked_to_log_in(client, klass):
    response = client.get(reverse("classes:groups", args=[klass.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not policy.can_manage_groups(AnonymousUser(), klass)


# --- query counts --------------------------------------------------------------------------


def test_the_groups_page_takes_a_fixed_number_of_queries(client, teacher, rivers):
    classroom = services.class_create(actor=teacher, name="Big class")

    def page_queries():
        client.force_login(teacher)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("classes:groups", args=[classroom.pk])).status_code == 200
        return len(queries)

    for _ in range(4):
        services.class_join(actor=UserFactory(), code=classroom.join_code)
    services.groups_make_random(actor=teacher, classroom=classroom, count=2, seed=1)
    services.class_copies_give(
        actor=teacher, classroom=classroom, template=rivers, copy_for="group", mode="read"
    )
    small = page_queries()
    for _ in range(14):
        services.class_join(actor=UserFactory(), code=classroom.join_code)
    services.groups_make_random(actor=teacher, classroom=classroom, count=6, seed=1)
    services.class_copies_give(
        actor=teacher, classroom=classroom, template=rivers, copy_for="group", mode="read"
    )
    DebateFactory(owner=teacher)
    large = page_queries()
    assert small == large
    assert GroupCopy.objects.filter(classroom=classroom).count() == 8


def test_the_class_page_with_copies_takes_a_fixed_number_of_queries(client, teacher, rivers):
    classroom = services.class_create(actor=teacher, name="Big class")
    first = UserFactory(username="first")
    services.class_join(actor=first, code=classroom.join_code)

    def page_queries(user):
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(classroom.get_absolute_url()).status_code == 200
        return len(queries)

    services.groups_make_random(actor=teacher, classroom=classroom, count=1, seed=1)
    services.class_copies_give(
        actor=teacher, classroom=classroom, template=rivers, copy_for="group", mode="read"
    )
    small = (page_queries(teacher), page_queries(first))
    for _ in range(9):
        services.class_join(actor=UserFactory(), code=classroom.join_code)
    services.groups_make_random(actor=teacher, classroom=classroom, count=5, seed=1)
    services.class_copies_give(
        actor=teacher, classroom=classroom, template=rivers, copy_for="student", mode="read"
    )
    large = (page_queries(teacher), page_queries(first))
    assert small == large


def test_giving_copies_costs_a_fixed_number_of_queries_per_copy(teacher, rivers):
    def cost(students: int) -> int:
        classroom = services.class_create(actor=teacher, name=f"Class of {students}")
        for _ in range(students):
            services.class_join(actor=UserFactory(), code=classroom.join_code)
        with CaptureQueriesContext(connection) as queries:
            made = services.class_copies_give(
                actor=teacher, classroom=classroom, template=rivers, copy_for="student", mode="read"
            )
        assert len(made) == students
        return len(queries)

    one, two, five = cost(1), cost(2), cost(5)
    per_copy = two - one
    assert five - two == 3 * per_copy
    assert per_copy <= 15


def test_selectors_list_the_groups_and_ungrouped_students(klass, teacher, pupils, rivers):
    services.group_create(actor=teacher, classroom=klass, name="Group 10", students=pupils[:1])
    services.group_create(actor=teacher, classroom=klass, name="Group 2", students=pupils[1:3])
    page = selectors.groups_page(user=teacher, classroom=klass)
    assert [row.group.name for row in page.groups] == ["Group 2", "Group 10"]
    assert [u.username for u in page.ungrouped] == ["pupil3", "pupil4", "pupil5"]
    assert rivers in page.templates

"""Issue 11: "see classmates' work only after you post" and "anonymous to classmates" reach
past a debate's own pages: search, recent activity, a person's claims, notifications,
@-mention suggestions, a claim's history, the audit log and the W3C annotation API; and
class membership changes reach the class's copies (a student who leaves loses the copy
memberships the class gave them; one who joins late gets what the copies gave the others).

The setting throughout: a class with an assignment with both settings on, naming the map
and its reading; two students; `pat` posts, `sam` has not posted yet. Sam must not find
Pat's work, and knows Pat only as "Student 2"; the teacher sees everything, and names.
"""

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
from classes.models import ClassGrant, ClassGroupMember, GroupCopy
from classes.services import TaskSpec
from debates import services as debate_services
from debates.models import Anchor, Annotation, Debate, Membership, Notification
from debates.selectors import claims_by_author, mention_candidates, recent_activity
from debates.selectors import search as site_search

from .factories import ClaimFactory, DebateFactory, UserFactory, make_claim

SECRET = "Xylophonic"  # a word only Pat's work holds


@pytest.fixture
def rivers(db, teacher, source):
    debate = DebateFactory(
        title="Rivers",
        slug="rivers-privacy",
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
def sam(db):
    return UserFactory(username="sam", display_name="Sam First")


@pytest.fixture
def pat(db):
    return UserFactory(username="pat", display_name="Pat Second")


@pytest.fixture
def klass(db, teacher, sam, pat, rivers):
    classroom = services.class_create(actor=teacher, name="7B History")
    services.class_join(actor=sam, code=classroom.join_code)  # Student 1
    services.class_join(actor=pat, code=classroom.join_code)  # Student 2
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
        tasks=[TaskSpec("reply", 1, debate=rivers), TaskSpec("annotate", 1, source=source)],
        see_after_post=True,
        anonymous=True,
    )


def fresh(user):
    """The user as a new request sees them (no cached roles)."""
    return type(user).objects.get(pk=user.pk)


def argue(debate, author, parent, text):
    return make_claim(
        debate=debate,
        kind="argument",
        parent=parent,
        relation="supports",
        text=text,
        author=author,
        status="published",
    )


def note(source, author, body, *, start=0, end=10, debate=None):
    revision = source.current_revision
    anchor = Anchor.objects.create(
        source=source, revision=revision, start=start, end=end, exact=revision.text[start:end]
    )
    return Annotation.objects.create(
        anchor=anchor, author=author, body=body, visibility="public", debate=debate
    )


@pytest.fixture
def pats_work(work, rivers, source, pat):
    claim = argue(rivers, pat, rivers.position, f"{SECRET} trade made towns rich.")
    annotation = note(source, pat, f"{SECRET} is the word here.")
    return claim, annotation


# --- (a) search -----------------------------------------------------------------------------


def found(viewer, key: str) -> list:
    results = site_search.search(SECRET, viewer=fresh(viewer))
    return [hit.obj for g in results.groups if g.key == key for hit in g.hits]


def test_search_withholds_a_classmates_claim_and_note_until_you_post(
    pats_work, rivers, sam, pat, teacher
):
    claim, annotation = pats_work
    assert found(sam, "claims") == [] and found(sam, "notes") == []
    assert found(teacher, "claims") == [claim] and found(teacher, "notes") == [annotation]
    assert found(pat, "claims") == [claim]  # their own
    argue(rivers, sam, rivers.position, "Mine.")
    assert found(sam, "claims") == [claim] and found(sam, "notes") == [annotation]


def test_search_names_a_classmates_note_by_pseudonym(client, pats_work, rivers, sam, teacher):
    argue(rivers, sam, rivers.position, "Mine.")  # Sam has posted: Pat's work shows
    client.force_login(sam)
    html = client.get("/search/", {"q": SECRET}).content.decode()
    assert "Note by Student 2" in html and "Pat Second" not in html
    client.force_login(teacher)
    html = client.get("/search/", {"q": SECRET}).content.decode()
    assert "Note by Pat Second" in html and "Student 2" not in html


def test_search_costs_the_same_queries_with_the_settings(client, pats_work, klass, sam):
    def count() -> int:
        client.force_login(sam)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/search/", {"q": SECRET}).status_code == 200
        return len(queries)

    before = count()
    for i in range(3):
        services.class_join(actor=UserFactory(username=f"more{i}"), code=klass.join_code)
    assert count() == before


# --- (b) recent activity and a person's claims ------------------------------------------------


def test_recent_activity_withholds_a_classmates_claim(client, pats_work, rivers, sam, teacher):
    claim, _ = pats_work
    assert claim not in recent_activity(viewer=fresh(sam))
    assert claim in recent_activity(viewer=fresh(teacher))
    client.force_login(sam)
    assert SECRET not in client.get("/").content.decode()
    argue(rivers, sam, rivers.position, "Mine.")
    shown = {c.pk: c for c in recent_activity(viewer=fresh(sam))}
    assert claim.pk in shown and shown[claim.pk].shown_author == "Student 2"
    teachers = {c.pk: c for c in recent_activity(viewer=fresh(teacher))}
    assert teachers[claim.pk].shown_author is None


def test_a_profile_lists_no_withheld_or_pseudonymous_claim(client, pats_work, rivers, sam, pat):
    claim, _ = pats_work
    assert list(claims_by_author(author=pat, viewer=fresh(sam))) == []
    argue(rivers, sam, rivers.position, "Mine.")
    # Posted: the claim shows on the map under "Student 2"; Pat's profile would unmask it.
    assert list(claims_by_author(author=pat, viewer=fresh(sam))) == []
    client.force_login(sam)
    assert SECRET not in client.get(reverse("accounts:profile", args=["pat"])).content.decode()
    assert list(claims_by_author(author=pat, viewer=fresh(pat))) == [claim]


def test_the_home_page_costs_the_same_queries_with_the_settings(client, pats_work, klass, sam):
    def count() -> int:
        client.force_login(sam)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    before = count()
    for i in range(3):
        services.class_join(actor=UserFactory(username=f"more{i}"), code=klass.join_code)
    assert count() == before


# --- (c) notifications ---------------------------------------------------------------------


def test_no_notification_tells_of_withheld_work(work, rivers, source, sam, pat):
    debate_services.annotation_create(
        actor=pat,
        source=source,
        start=0,
        end=10,
        body=f"{SECRET}: what do you think, @sam?",
        visibility="public",
    )
    assert not Notification.objects.filter(recipient=sam).exists()
    # Once Sam has posted, the same mention reaches him: it was withheld, not broken.
    argue(rivers, sam, rivers.position, "Sam's own point.")
    note(source, sam, "Sam's own note.")
    debate_services.annotation_create(
        actor=pat, source=source, start=0, end=10, body="And now, @sam?", visibility="public"
    )
    assert Notification.objects.filter(recipient=sam).count() == 1


def test_a_pseudonym_replaces_only_the_name_that_opens_a_message():
    from debates.services._base import renamed

    message = "Sam Ples supported “Samples and Sam Ples’s notes”"
    assert renamed(message, "Sam Ples", "Student 3") == (
        "Student 3 supported “Samples and Sam Ples’s notes”"
    )
    assert renamed("Nothing about them.", "Sam Ples", "Student 3") == "Nothing about them."


def test_a_notification_names_a_classmate_by_pseudonym(client, work, rivers, sam, pat, teacher):
    sams = debate_services.claim_add(
        actor=sam, debate=rivers, parent=rivers.position, text="Trade.", stance="supports"
    )
    teachers = debate_services.claim_add(
        actor=teacher, debate=rivers, parent=rivers.position, text="Fish.", stance="supports"
    )
    argue(rivers, pat, rivers.position, "Pat's first.")  # Pat posts: Sam's claim shows to Pat
    debate_services.claim_add(
        actor=pat, debate=rivers, parent=sams, text=f"{SECRET} too.", stance="supports"
    )
    debate_services.claim_add(
        actor=pat, debate=rivers, parent=teachers, text="And boats.", stance="supports"
    )
    told = Notification.objects.get(recipient=sam)
    assert told.message.startswith("Student 2 supported") and "Pat" not in told.message
    assert "Pat Second" in Notification.objects.get(recipient=teacher, actor=pat).message
    client.force_login(sam)
    html = client.get(reverse("debates:notifications")).content.decode()
    assert "Student 2" in html and "Pat Second" not in html
    client.force_login(teacher)
    html = client.get(reverse("debates:notifications")).content.decode()
    assert "Pat Second" in html and "Student 2" not in html
    # An older message, written with the name before the assignment, shows the pseudonym.
    Notification.objects.filter(recipient=sam).update(message="Pat Second answered you.")
    client.force_login(sam)
    html = client.get(reverse("debates:notifications")).content.decode()
    assert "Student 2 answered you." in html and "Pat Second" not in html


def test_the_notifications_page_costs_the_same_queries_with_pseudonyms(
    client, work, rivers, sam, pat
):
    sams = argue(rivers, sam, rivers.position, "Mine.")
    argue(rivers, pat, rivers.position, "Pat's.")  # both posted: each sees the other's

    def count() -> int:
        client.force_login(sam)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("debates:notifications")).status_code == 200
        return len(queries)

    debate_services.claim_add(actor=pat, debate=rivers, parent=sams, text="A.", stance="supports")
    one = count()
    for text in ("B.", "C.", "D."):
        debate_services.claim_add(
            actor=pat, debate=rivers, parent=sams, text=text, stance="supports"
        )
    assert count() == one


# --- (d) @-mention suggestions --------------------------------------------------------------


def test_mentions_suggest_no_pseudonymous_classmate_and_nothing_for_withheld_notes(
    pats_work, rivers, source, sam, pat, teacher
):
    _, pats_note = pats_work
    Annotation.objects.filter(pk=pats_note.pk).update(debate=rivers)
    pats_note.refresh_from_db()
    # Withheld from Sam: the note suggests nobody to them.
    assert mention_candidates(note=pats_note, prefix="", viewer=fresh(sam)) == []
    sams_note = note(source, sam, "Mine.", start=20, end=30, debate=rivers)
    sams_note.refresh_from_db()
    names = {p.username for p in mention_candidates(note=sams_note, prefix="", viewer=fresh(sam))}
    assert "pat" not in names and "teacher" in names
    names = {p.username for p in mention_candidates(note=sams_note, prefix="p", viewer=teacher)}
    assert "pat" in names


# --- (e) a claim's history --------------------------------------------------------------------


def test_the_history_of_a_withheld_claim_is_not_shown(client, pats_work, rivers, sam, teacher):
    claim, _ = pats_work
    url = reverse("debates:claim_history", args=[rivers.slug, claim.pk])
    client.force_login(sam)
    assert client.get(url).status_code == 404
    client.force_login(teacher)
    assert client.get(url).status_code == 200


def test_the_history_names_a_classmate_by_pseudonym(client, work, rivers, sam, pat, teacher):
    argue(rivers, sam, rivers.position, "Mine.")
    claim = debate_services.claim_add(
        actor=pat, debate=rivers, parent=rivers.position, text="Trade.", stance="supports"
    )
    url = reverse("debates:claim_history", args=[rivers.slug, claim.pk])
    client.force_login(sam)
    html = client.get(url).content.decode()
    assert "Student 2" in html and "Pat Second" not in html
    client.force_login(teacher)
    html = client.get(url).content.decode()
    assert "Pat Second" in html and "Student 2" not in html


def test_the_history_page_costs_the_same_queries_with_pseudonyms(client, work, rivers, sam, pat):
    argue(rivers, sam, rivers.position, "Mine.")
    claim = debate_services.claim_add(
        actor=pat, debate=rivers, parent=rivers.position, text="Trade.", stance="supports"
    )
    url = reverse("debates:claim_history", args=[rivers.slug, claim.pk])

    def count() -> int:
        client.force_login(sam)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    one = count()
    for n in range(3):
        debate_services.claim_edit(actor=pat, claim=claim, text=f"Trade {n}.", base_version=n + 1)
        claim.refresh_from_db()
    assert count() == one


# --- (f) the audit log ------------------------------------------------------------------------


def test_students_cannot_read_the_audit_logs(client, pats_work, klass, rivers, sam, teacher):
    client.force_login(sam)
    assert client.get(reverse("debates:audit", args=[rivers.slug])).status_code in (403, 404)
    # The class's log is on its roster page, for its teachers.
    assert client.get(reverse("classes:roster", args=[klass.pk])).status_code in (403, 404)
    client.force_login(teacher)
    html = client.get(reverse("debates:audit", args=[rivers.slug])).content.decode()
    assert "Pat Second" in html or "pat" in html


# --- (g) the W3C annotation API ---------------------------------------------------------------


def container(client, source) -> dict:
    response = client.get(
        reverse("debates:w3c_container", args=[source.pk]),
        HTTP_ACCEPT="application/ld+json",
    )
    assert response.status_code == 200
    return response.json()


def bodies(document) -> list[str]:
    items = document.get("first", {}).get("items", [])
    return [
        item["body"][0]["value"] if isinstance(item["body"], list) else item["body"]["value"]
        for item in items
    ]


def test_the_w3c_container_and_annotation_withhold_and_rename(
    client, pats_work, rivers, source, sam, teacher
):
    _, pats_note = pats_work
    one = reverse("debates:w3c_annotation", args=[source.pk, pats_note.pk])
    client.force_login(sam)
    assert not any(SECRET in text for text in bodies(container(client, source)))
    assert client.get(one, HTTP_ACCEPT="application/ld+json").status_code == 404
    note(source, sam, "Mine.", start=20, end=30)  # Sam posts
    text = str(container(client, source))
    assert SECRET in text and "Student 2" in text
    assert "Pat Second" not in text and "/people/pat/" not in text
    document = client.get(one, HTTP_ACCEPT="application/ld+json").json()
    assert document["creator"]["name"] == "Student 2"
    assert "/people/pat" not in document["creator"]["id"]
    client.force_login(teacher)
    document = client.get(one, HTTP_ACCEPT="application/ld+json").json()
    assert document["creator"]["name"] == "Pat Second"


def test_the_w3c_container_costs_the_same_queries_with_the_settings(
    client, pats_work, source, sam, pat
):
    note(source, sam, "Mine.", start=20, end=30)

    def count() -> int:
        client.force_login(sam)
        with CaptureQueriesContext(connection) as queries:
            container(client, source)
        return len(queries)

    one = count()
    for n in range(3):
        note(source, pat, f"More {n}.", start=30 + n, end=40 + n)
    assert count() == one


# --- (h) leaving the class takes the copies' roles --------------------------------------------


@pytest.fixture
def copies_class(db, teacher, sam, pat, rivers):
    classroom = services.class_create(actor=teacher, name="Copies class")
    services.class_join(actor=sam, code=classroom.join_code)
    services.class_join(actor=pat, code=classroom.join_code)
    return classroom


def roles(user) -> dict[int, str]:
    return dict(Membership.objects.filter(user=user).values_list("debate_id", "role"))


@pytest.mark.parametrize("how", ["leave", "removed"])
def test_leaving_takes_the_copy_roles_the_class_gave(copies_class, teacher, sam, pat, rivers, how):
    made = services.class_copies_give(
        actor=teacher, classroom=copies_class, template=rivers, copy_for="class", mode="contribute"
    )
    copy = made[0].debate
    services.group_create(actor=teacher, classroom=copies_class, name="G", students=[sam, pat])
    assert roles(sam)[copy.pk] == "contributor"
    if how == "leave":
        services.class_leave(actor=sam, classroom=copies_class)
    else:
        services.class_member_remove(actor=teacher, classroom=copies_class, user=sam)
    assert copy.pk not in roles(sam)
    assert not ClassGrant.objects.filter(user=sam, debate=copy).exists()
    assert not ClassGroupMember.objects.filter(classroom=copies_class, user=sam).exists()
    assert roles(pat)[copy.pk] == "contributor"  # the others keep theirs


def test_leaving_keeps_a_copy_role_held_otherwise(copies_class, teacher, sam, rivers):
    made = services.class_copies_give(
        actor=teacher, classroom=copies_class, template=rivers, copy_for="student", mode="read"
    )
    theirs = next(c.debate for c in made if c.student_id == sam.pk)
    # The teacher makes Sam a moderator of their copy by hand: no longer the class's grant.
    debate_services.member_set(debate=theirs, actor=teacher, user=sam, role="moderator")
    services.class_leave(actor=sam, classroom=copies_class)
    assert roles(sam)[theirs.pk] == "moderator"


def test_a_co_teacher_who_leaves_stops_moderating_the_copies(copies_class, teacher, pat, rivers):
    services.class_member_role_set(
        actor=teacher, classroom=copies_class, user=pat, role="co_teacher"
    )
    made = services.class_copies_give(
        actor=teacher, classroom=copies_class, template=rivers, copy_for="class", mode="read"
    )
    assert roles(pat)[made[0].debate_id] == "moderator"
    services.class_leave(actor=pat, classroom=copies_class)
    assert made[0].debate_id not in roles(pat)


# --- (i) joining late gets what the copies gave the others ------------------------------------


def test_a_late_joiner_gets_the_class_copy(copies_class, teacher, rivers):
    made = services.class_copies_give(
        actor=teacher, classroom=copies_class, template=rivers, copy_for="class", mode="propose"
    )
    late = UserFactory(username="late")
    services.class_join(actor=late, code=copies_class.join_code)
    assert roles(late)[made[0].debate_id] == "viewer"
    services.class_leave(actor=late, classroom=copies_class)
    assert made[0].debate_id not in roles(late)
    # Coming back (added by the teacher this time) gives it again.
    services.class_members_add(actor=teacher, classroom=copies_class, entries="late")
    assert roles(late)[made[0].debate_id] == "viewer"


def test_a_late_joiner_goes_in_the_smallest_group_and_gets_its_copy(
    copies_class, teacher, sam, pat, rivers
):
    third = UserFactory(username="third")
    services.class_join(actor=third, code=copies_class.join_code)
    big = services.group_create(
        actor=teacher, classroom=copies_class, name="Group 1", students=[sam, pat]
    )
    small = services.group_create(
        actor=teacher, classroom=copies_class, name="Group 2", students=[third]
    )
    made = services.class_copies_give(
        actor=teacher, classroom=copies_class, template=rivers, copy_for="group", mode="contribute"
    )
    copy_of = {c.group_id: c.debate_id for c in made}
    late = UserFactory(username="late")
    services.class_join(actor=late, code=copies_class.join_code)
    assert ClassGroupMember.objects.get(classroom=copies_class, user=late).group_id == small.pk
    assert roles(late) == {copy_of[small.pk]: "contributor"}
    assert copy_of[big.pk] not in roles(late)


def test_a_late_joiner_gets_a_copy_of_their_own(copies_class, teacher, sam, pat, rivers):
    made = services.class_copies_give(
        actor=teacher, classroom=copies_class, template=rivers, copy_for="student", mode="read"
    )
    late = UserFactory(username="late", display_name="Lee Late")
    services.class_join(actor=late, code=copies_class.join_code)
    mine = GroupCopy.objects.get(classroom=copies_class, student=late)
    assert mine.debate_id not in {c.debate_id for c in made}
    assert mine.created_at == made[0].created_at  # listed with the others
    assert mine.debate.copied_from_id == rivers.pk and "Lee Late" in mine.debate.title
    assert roles(late) == {mine.debate_id: "reader"}
    assert mine.debate_id not in roles(sam)
    # Leaving takes it, coming back gives the same copy again (no second copy).
    services.class_leave(actor=late, classroom=copies_class)
    assert roles(late) == {}
    services.class_join(actor=late, code=copies_class.join_code)
    assert roles(late) == {mine.debate_id: "reader"}
    assert GroupCopy.objects.filter(classroom=copies_class, student=late).count() == 1


# --- (j) one claim or note opened by its id -----------------------------------------------------
#
# A withheld classmate's claim or note answers as if it did not exist (404) on every view that
# opens one by its id: its panels, forms, fragments, flag, vote, discussion and export; and the
# services refuse a reply under it. The teacher and the author see it; once Sam posts, Sam does.

# (url name, method, extra GET/POST data, htmx) for each view taking a claim's id.
CLAIM_ENDPOINTS = [
    ("claim_more", "get", {}, True),
    ("claim_edit", "get", {}, False),
    ("claim_resubmit", "get", {}, False),
    ("claim_reorder", "get", {}, False),
    ("claim_move", "get", {}, False),
    ("claim_link", "get", {}, False),
    ("claim_delete", "get", {}, False),
    ("claim_restore", "get", {}, False),
    ("claim_history", "get", {}, False),
    ("evidence_attach", "get", {}, False),
    ("map_subtree", "get", {}, True),
    ("present_claim", "get", {}, False),
    ("claim_flag", "get", {}, False),
    ("claim_comments", "get", {}, True),
    ("claim_comments", "post", {"body": "What do you mean?"}, True),
    ("claim_vote", "post", {"question": "true", "value": "3"}, False),
    ("claim_add", "get", {"stance": "supports"}, False),  # ?parent=<the claim>
    ("claim_add", "post", {"stance": "supports", "text": "A reply under it."}, False),
    ("map_export", "get", {}, False),  # ?claim=<the claim>
]


def answer(response) -> str:
    """A response's text, less what changes from one response to the next (CSRF tokens)."""
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "", response.content.decode())


def open_claim(client, debate, claim, name, method, data, htmx):
    data = dict(data)
    if name in ("claim_add", "map_export"):
        data["parent" if name == "claim_add" else "claim"] = claim.pk
        args = [debate.slug, "argdown"] if name == "map_export" else [debate.slug]
    else:
        args = [debate.slug, claim.pk]
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return getattr(client, method)(reverse(f"debates:{name}", args=args), data, **headers)


@pytest.mark.parametrize(("name", "method", "data", "htmx"), CLAIM_ENDPOINTS)
def test_a_withheld_claim_is_not_found_by_its_id(
    client, pats_work, rivers, sam, pat, teacher, name, method, data, htmx
):
    claim, _ = pats_work
    missing = ClaimFactory.build(pk=claim.pk + 1000)  # no such claim, for comparison
    client.force_login(sam)
    nothing = open_claim(client, rivers, missing, name, method, data, htmx)
    withheld = open_claim(client, rivers, claim, name, method, data, htmx)
    assert withheld.status_code == nothing.status_code == 404
    assert answer(withheld) == answer(nothing)  # in the same words
    assert not claim.children.exists()  # nothing was added under it
    for reader in (teacher, pat):  # the teacher, and its author, open it as before
        client.force_login(reader)
        assert open_claim(client, rivers, claim, name, "get", {}, htmx).status_code != 404
    argue(rivers, sam, rivers.position, "Mine.")  # Sam posts: Pat's claim is there for Sam
    client.force_login(sam)
    assert open_claim(client, rivers, claim, name, method, data, htmx).status_code != 404


@pytest.mark.parametrize(("name", "method", "data", "htmx"), CLAIM_ENDPOINTS)
def test_a_claim_under_a_withheld_claim_is_not_found_by_its_id(
    client, pats_work, rivers, sam, teacher, name, method, data, htmx
):
    """The teacher's reply to Pat's withheld claim is off Sam's map with it (a reply goes
    with what it answers): opened by its id, it is not there either."""
    claim, _ = pats_work
    below = argue(rivers, teacher, claim, "The teacher answers Pat.")
    client.force_login(sam)
    assert open_claim(client, rivers, below, name, method, data, htmx).status_code == 404
    argue(rivers, sam, rivers.position, "Mine.")
    assert open_claim(client, rivers, below, name, method, data, htmx).status_code != 404


def test_no_reply_under_a_withheld_claim_through_the_services(pats_work, rivers, source, sam):
    claim, _ = pats_work
    with pytest.raises((PermissionDenied, ValidationError)):
        debate_services.claim_add(
            actor=fresh(sam), debate=rivers, parent=claim, text="Under it.", stance="supports"
        )
    with pytest.raises((PermissionDenied, ValidationError)):
        debate_services.comment_add(actor=fresh(sam), claim=claim, body="What do you mean?")
    with pytest.raises((PermissionDenied, ValidationError)):
        debate_services.flag_add(actor=fresh(sam), reason="spam", claim=claim)
    with pytest.raises((PermissionDenied, ValidationError)):
        debate_services.evidence_attach(
            actor=fresh(sam), claim=claim, source=source, start=0, end=10
        )
    assert not claim.children.exists() and not claim.evidence.exists()
    argue(rivers, sam, rivers.position, "Mine.")
    reply = debate_services.claim_add(
        actor=fresh(sam), debate=rivers, parent=claim, text="Under it.", stance="supports"
    )
    assert reply.parent_id == claim.pk


@pytest.mark.parametrize("name", ["evidence_edit", "evidence_detach", "evidence_restore"])
def test_the_evidence_of_a_withheld_claim_is_not_found_by_its_id(
    client, pats_work, rivers, source, sam, pat, teacher, name
):
    claim, _ = pats_work
    evidence = debate_services.evidence_attach(
        actor=pat, claim=claim, source=source, start=0, end=10, relation="supports"
    )
    url = reverse(f"debates:{name}", args=[rivers.slug, evidence.pk])
    client.force_login(sam)
    nothing = client.get(reverse(f"debates:{name}", args=[rivers.slug, evidence.pk + 1000]))
    withheld = client.get(url)
    assert withheld.status_code == nothing.status_code == 404
    assert answer(withheld) == answer(nothing)
    client.force_login(teacher)
    assert client.get(url).status_code != 404
    argue(rivers, sam, rivers.position, "Mine.")
    client.force_login(sam)
    assert client.get(url).status_code != 404  # 403: not Sam's to edit, but there


# (url name, method, data) for each view taking a note's id.
NOTE_ENDPOINTS = [
    ("annotation_reply", "post", {"body": "I agree."}),
    ("annotation_edit", "get", {}),
    ("annotation_flag", "post", {"reason": "spam"}),
    ("annotation_hide", "post", {"hidden": "1"}),
    ("note_mentions", "get", {"q": "t"}),
]


@pytest.mark.parametrize(("name", "method", "data"), NOTE_ENDPOINTS)
def test_a_withheld_note_is_not_found_by_its_id(
    client, pats_work, source, sam, teacher, name, method, data
):
    _, pats_note = pats_work
    client.force_login(sam)
    missing = getattr(client, method)(reverse(f"debates:{name}", args=[pats_note.pk + 1000]), data)
    url = reverse(f"debates:{name}", args=[pats_note.pk])
    withheld = getattr(client, method)(url, data)
    # The same answer as for a note that does not exist (the mentions endpoint too).
    assert withheld.status_code == missing.status_code == 404
    assert answer(withheld) == answer(missing)
    assert not Annotation.objects.filter(parent=pats_note).exists()
    client.force_login(teacher)
    assert getattr(client, method)(url, data).status_code != 404
    note(source, sam, "Mine.", start=20, end=30)  # Sam posts
    client.force_login(sam)
    assert getattr(client, method)(url, data).status_code != 404


def test_no_reply_to_a_withheld_note_through_the_service(pats_work, source, sam, pat):
    _, pats_note = pats_work
    with pytest.raises((PermissionDenied, ValidationError)):
        debate_services.annotation_reply(actor=fresh(sam), parent=pats_note, body="I agree.")
    with pytest.raises((PermissionDenied, ValidationError)):
        debate_services.flag_add(actor=fresh(sam), reason="spam", annotation=pats_note)
    # Pat's reply on Pat's own withheld note goes with it.
    pats_reply = debate_services.annotation_reply(actor=pat, parent=pats_note, body="And more.")
    with pytest.raises((PermissionDenied, ValidationError)):
        debate_services.annotation_reply(actor=fresh(sam), parent=pats_reply, body="I agree.")
    note(source, sam, "Mine.", start=20, end=30)  # Sam posts
    reply = debate_services.annotation_reply(actor=fresh(sam), parent=pats_note, body="I agree.")
    assert reply.parent_id == pats_note.pk


def test_opening_ones_own_claim_costs_no_query_more(client, work, rivers, sam):
    """`can_open_claim` asks nothing more about a claim of one's own (the edit form)."""
    mine = argue(rivers, sam, rivers.position, "Mine.")
    url = reverse("debates:claim_edit", args=[rivers.slug, mine.pk])
    client.force_login(sam)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert not any("classes_" in q["sql"] for q in queries.captured_queries)

"""Who sees which annotation, everywhere it can show up.

One table: viewer (anonymous, author, debate member, outsider, moderator) × visibility
(private, debate members, public), checked on every surface that can reveal a note.
"""

import pytest
from django.urls import reverse

from debates import selectors, services
from debates.models import AuditEntry, Claim, Membership

from .factories import UserFactory, make_claim, make_evidence

VIEWERS = ["anonymous", "author", "member", "outsider", "moderator"]
EXPECTED = {
    "private": {"author"},
    "debate": {"author", "member", "moderator"},
    "public": {"anonymous", "author", "member", "outsider", "moderator"},
}
CASES = [(vis, viewer, viewer in EXPECTED[vis]) for vis in EXPECTED for viewer in VIEWERS]


@pytest.fixture
def people(debate, student, moderator, outsider):
    author = UserFactory(username="author")
    Membership.objects.create(user=author, debate=debate, role=Membership.Role.VIEWER)
    return {"author": author, "member": student, "moderator": moderator, "outsider": outsider}


@pytest.fixture
def note_of(debate, source, people):
    def make(visibility):
        start = source.current_revision.text.index("rivers shape")
        return services.annotation_create(
            source=source,
            start=start,
            end=start + len("rivers shape"),
            actor=people["author"],
            debate=debate,
            body=f"A {visibility} zebra note",
            visibility=visibility,
            tags=["zebra"],
        )

    return make


def as_viewer(client, people, viewer):
    if viewer != "anonymous":
        client.force_login(people[viewer])
    return client


@pytest.mark.parametrize(("visibility", "viewer", "sees"), CASES)
def test_reader_page(client, source, people, note_of, visibility, viewer, sees):
    note = note_of(visibility)
    html = as_viewer(client, people, viewer).get(source.get_absolute_url()).content.decode()
    assert (f"A {visibility} zebra note" in html) is sees
    assert (f'id="annotation-{note.pk}"' in html) is sees  # the highlight too


@pytest.mark.parametrize(("visibility", "viewer", "sees"), CASES)
def test_tag_filter_fragment(client, source, people, note_of, visibility, viewer, sees):
    note_of(visibility)
    response = as_viewer(client, people, viewer).get(source.get_absolute_url(), {"tag": "zebra"})
    assert (f"A {visibility} zebra note" in response.content.decode()) is sees


@pytest.mark.parametrize(("visibility", "viewer", "sees"), CASES)
def test_note_actions_are_not_found_when_unseen(client, people, note_of, visibility, viewer, sees):
    note = note_of(visibility)
    as_viewer(client, people, viewer)
    response = client.post(
        reverse("debates:annotation_flag", args=[note.pk]), {"reason": "unclear"}
    )
    if viewer == "anonymous":
        assert response.status_code == 302  # to the login page
    else:
        assert response.status_code == (302 if sees else 404)


@pytest.mark.parametrize("viewer", ["member", "outsider", "moderator"])
def test_only_the_author_edits_or_deletes(client, people, note_of, viewer):
    note = note_of("public")
    client.force_login(people[viewer])
    assert client.get(reverse("debates:annotation_edit", args=[note.pk])).status_code == 403
    assert client.post(reverse("debates:annotation_delete", args=[note.pk])).status_code == 403


def test_hidden_note_is_seen_by_its_author_and_moderators_only(client, source, people, note_of):
    note = note_of("public")
    type(note).objects.filter(pk=note.pk).update(hidden=True)
    for viewer, sees in [
        ("anonymous", False),
        ("outsider", False),
        ("member", False),
        ("author", True),
        ("moderator", True),
    ]:
        client.logout()
        html = as_viewer(client, people, viewer).get(source.get_absolute_url()).content.decode()
        assert ("A public zebra note" in html) is sees, viewer


def test_deleted_note_is_restorable_by_a_moderator_only(client, source, people, note_of):
    note = note_of("debate")
    client.force_login(people["author"])
    client.post(reverse("debates:annotation_delete", args=[note.pk]))
    assert "A debate zebra note" not in client.get(source.get_absolute_url()).content.decode()
    restore = reverse("debates:annotation_restore", args=[note.pk])
    client.force_login(people["member"])
    assert client.post(restore).status_code == 404
    client.force_login(people["moderator"])
    assert "Deleted notes" in client.get(source.get_absolute_url()).content.decode()
    client.post(restore)
    client.force_login(people["member"])
    assert "A debate zebra note" in client.get(source.get_absolute_url()).content.decode()
    # The restore is in the debate's audit log, by whom.
    entry = AuditEntry.objects.get(action="annotation_restored", annotation=note)
    assert entry.actor == people["moderator"] and entry.debate == note.debate


@pytest.mark.parametrize(("visibility", "viewer", "sees"), CASES)
def test_json_ld_annotation_and_container(
    client, source, people, note_of, visibility, viewer, sees
):
    note = note_of(visibility)
    as_viewer(client, people, viewer)
    item = client.get(reverse("debates:w3c_annotation", args=[source.pk, note.pk]))
    assert item.status_code == (200 if sees else 404)
    container = client.get(reverse("debates:w3c_container", args=[source.pk]))
    assert (f"A {visibility} zebra note" in container.content.decode()) is sees


@pytest.mark.parametrize(("visibility", "viewer", "sees"), CASES)
def test_search(client, people, note_of, visibility, viewer, sees):
    note = note_of(visibility)
    html = as_viewer(client, people, viewer).get(reverse("debates:search"), {"q": "zebra"})
    assert (f"#note-{note.pk}" in html.content.decode()) is sees


# --- a thread goes with its root; a note goes with its source ------------------------------


@pytest.fixture
def reply_of(people, note_of):
    """A public note by the author with a public reply by the member."""

    def make():
        note = note_of("public")
        reply = services.annotation_reply(
            actor=people["member"], parent=note, body="A quagga reply"
        )
        return note, reply

    return make


@pytest.mark.parametrize("removal", ["hidden", "deleted"])
def test_a_reply_goes_with_its_removed_root(client, source, people, reply_of, removal):
    note, reply = reply_of()
    if removal == "hidden":
        services.annotation_hide(actor=people["moderator"], annotation=note)
    else:
        services.annotation_delete(actor=people["author"], annotation=note)
    for viewer in ("anonymous", "outsider", "member"):
        client.logout()
        as_viewer(client, people, viewer)
        assert "A quagga reply" not in client.get(source.get_absolute_url()).content.decode()
        item = client.get(reverse("debates:w3c_annotation", args=[source.pk, reply.pk]))
        assert item.status_code == 404, viewer
        container = client.get(reverse("debates:w3c_container", args=[source.pk]))
        assert "A quagga reply" not in container.content.decode(), viewer
    # The debate's moderators keep the thread (to unhide or restore its root).
    client.force_login(people["moderator"])
    item = client.get(reverse("debates:w3c_annotation", args=[source.pk, reply.pk]))
    assert item.status_code == 200


def test_notes_on_a_private_source_are_read_by_those_who_read_the_source(
    client, source, people, note_of
):
    """The source (public in these tests) turns private: its debate's members keep its
    notes; an outsider loses even the public ones, everywhere they could show up."""
    note = note_of("public")
    type(source).objects.filter(pk=source.pk).update(visibility="private")
    item = reverse("debates:w3c_annotation", args=[source.pk, note.pk])
    for viewer, sees in [("anonymous", False), ("outsider", False), ("member", True)]:
        client.logout()
        as_viewer(client, people, viewer)
        assert client.get(item).status_code == (200 if sees else 404), viewer
        found = client.get(reverse("debates:search"), {"q": "zebra"}).content.decode()
        assert (f"#note-{note.pk}" in found) is sees, viewer
        if viewer != "anonymous":
            flag = client.post(
                reverse("debates:annotation_flag", args=[note.pk]), {"reason": "unclear"}
            )
            assert flag.status_code == (302 if sees else 404), viewer


# --- claims under a cut branch, as the reader shows them (M1) -------------------------------


def test_the_reader_neither_counts_nor_offers_claims_under_a_rejected_claim(debate, source, people):
    author = people["author"]
    Membership.objects.filter(user=author, debate=debate).update(role="contributor")
    published = Claim.Status.PUBLISHED
    issue = make_claim(
        debate=debate, kind="issue", text="Q?", author=debate.owner, status=published
    )
    position = make_claim(
        debate=debate,
        kind="position",
        parent=issue,
        text="Yes",
        author=debate.owner,
        status=published,
    )
    below = make_claim(
        debate=debate,
        kind="argument",
        parent=position,
        relation="supports",
        text="Below",
        author=author,
        status=published,
    )
    passage = source.passages.get(label="Costs")
    make_evidence(claim=below, passage=passage, author=author, status=published)

    def counted(viewer) -> int:
        data = selectors.source_reader(source=source, viewer=viewer, selected=passage.pk)
        return next(rp.cite_count for rp in data["passages"] if rp.passage.pk == passage.pk)

    assert counted(people["member"]) == 1
    assert below in selectors.citable_claims(source=source, viewer=author)
    Claim.objects.filter(pk=position.pk).update(status=Claim.Status.REJECTED)
    for viewer in (people["member"], author):
        assert counted(viewer) == 0
        data = selectors.source_reader(source=source, viewer=viewer, selected=passage.pk)
        assert not data["citations"]
    assert below not in selectors.citable_claims(source=source, viewer=author)

"""Who sees which annotation, everywhere it can show up.

One table: viewer (anonymous, author, debate member, outsider, moderator) × visibility
(private, debate members, public), checked on every surface that can reveal a note.
"""

import pytest
from django.urls import reverse

from debates import services
from debates.models import AuditEntry, Membership

from .factories import UserFactory

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

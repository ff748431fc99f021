"""Annotating: create, reply, edit, delete, flag, markdown, and citing from a note."""

import pytest
from django.urls import reverse

from debates import services
from debates.models import Annotation, Claim, Evidence, Flag

from .factories import ClaimFactory


@pytest.fixture
def span(source):
    quote = "Barges carried grain cheaply."
    start = source.current_revision.text.index(quote)
    return {"start": start, "end": start + len(quote), "quote": quote}


def post_note(client, source, span, **fields):
    data = {
        "note-start": span["start"],
        "note-end": span["end"],
        "note-revision": source.current_revision.number,
        "note-body": "Cheap *transport*.",
        "note-tags": "trade, #Transport trade",
        "note-motivation": "commenting",
        "note-visibility": "public",
    }
    data.update({f"note-{k}": v for k, v in fields.items()})
    return client.post(reverse("debates:annotation_new", args=[source.pk]), data)


def test_a_selection_becomes_an_annotation_with_both_selectors(client, student, source, span):
    client.force_login(student)
    response = post_note(client, source, span)
    note = Annotation.objects.get()
    assert response["Location"].endswith(f"#note-{note.pk}")
    assert note.anchor.exact == span["quote"]
    assert note.anchor.prefix.endswith("inland towns. ") and len(note.anchor.prefix) == 32
    assert note.anchor.suffix.startswith("\n\nFloods")
    assert sorted(t.name for t in note.tags.all()) == ["trade", "transport"]
    html = client.get(source.get_absolute_url()).content.decode()
    assert "Cheap <em>transport</em>." in html


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"body": "", "motivation": "commenting"}, "Write a note"),
        ({"visibility": "debate"}, "Choose the debate"),
        ({"revision": 99}, "newer revision"),
        ({"start": 5, "end": 5}, "Select some text"),
        ({"body": "x" * 10_001}, "too long"),
    ],
)
def test_bad_annotations_are_refused_with_a_clear_message(
    client, student, source, span, fields, message
):
    client.force_login(student)
    response = post_note(client, source, span, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Annotation.objects.exists()


def test_highlighting_needs_no_body(client, student, source, span):
    client.force_login(student)
    post_note(client, source, span, body="", motivation="highlighting")
    assert Annotation.objects.get().motivation == "highlighting"


def test_markdown_is_sanitised(client, student, source, span):
    client.force_login(student)
    post_note(client, source, span, body="<script>alert(1)</script>[x](javascript:alert(2)) **ok**")
    html = client.get(source.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html and "javascript:alert" not in html
    assert "<strong>ok</strong>" in html


def test_replies_thread_under_their_note_and_share_its_audience(
    client, student, teacher, source, span
):
    note = services.annotation_create(
        source=source,
        start=span["start"],
        end=span["end"],
        actor=student,
        body="Root",
        visibility="public",
    )
    client.force_login(teacher)
    client.post(reverse("debates:annotation_reply", args=[note.pk]), {"body": "A reply"})
    reply = Annotation.objects.get(parent=note)
    assert reply.visibility == "public" and reply.anchor == note.anchor
    html = client.get(source.get_absolute_url()).content.decode()
    assert html.index("Root") < html.index("A reply")


def test_author_edits_and_deletes_their_note(client, student, source, span):
    note = services.annotation_create(
        source=source, start=span["start"], end=span["end"], actor=student, body="Old"
    )
    client.force_login(student)
    url = reverse("debates:annotation_edit", args=[note.pk])
    client.post(
        url, {"body": "New", "tags": "x", "motivation": "questioning", "visibility": "public"}
    )
    note.refresh_from_db()
    assert (note.body, note.motivation, note.visibility) == ("New", "questioning", "public")
    assert note.history.count() == 2
    client.post(reverse("debates:annotation_delete", args=[note.pk]))
    note.refresh_from_db()
    assert note.deleted_at is not None  # kept, not dropped


def test_flag_is_stored_once(client, student, teacher, source, span):
    note = services.annotation_create(
        source=source,
        start=span["start"],
        end=span["end"],
        actor=teacher,
        body="Hm",
        visibility="public",
    )
    client.force_login(student)
    url = reverse("debates:annotation_flag", args=[note.pk])
    client.post(url, {"reason": "off_topic", "note": "Not about rivers"})
    again = client.post(url, {"reason": "unclear"}, follow=True)
    assert "already flagged" in again.content.decode()
    flag = Flag.objects.get()
    assert (flag.annotation, flag.reason, flag.created_by) == (note, "off_topic", student)


def test_citing_from_a_note_offers_the_cite_form_for_its_words(
    client, debate, student, source, span
):
    ClaimFactory(debate=debate, text="Rivers made towns rich.")
    note = services.annotation_create(
        source=source,
        start=span["start"],
        end=span["end"],
        actor=student,
        body="Cheap",
        visibility="public",
    )
    client.force_login(student)
    reader = client.get(source.get_absolute_url()).content.decode()
    link = f"?start={note.anchor.start}&amp;end={note.anchor.end}#cite-form"
    assert link in reader
    page = client.get(
        reverse("debates:annotation_new", args=[source.pk]),
        {"start": note.anchor.start, "end": note.anchor.end},
    ).content.decode()
    assert 'id="cite-form"' in page and span["quote"] in page


@pytest.mark.parametrize(
    ("role_user", "mode", "status"),
    [
        ("teacher", "reviewed", "published"),
        ("student", "reviewed", "proposed"),
        ("student", "open", "published"),
    ],
)
def test_cited_evidence_is_published_or_proposed_by_role(
    client, debate, source, span, request, role_user, mode, status
):
    debate.contribution_mode = mode
    debate.save()
    issue = ClaimFactory(debate=debate)
    position = ClaimFactory(debate=debate, kind="position", parent=issue, relation="answers")
    client.force_login(request.getfixturevalue(role_user))
    data = {
        "cite-start": span["start"],
        "cite-end": span["end"],
        "cite-revision": source.current_revision.number,
        "cite-mode": "argue",
        "cite-claim": position.pk,
        "cite-stance": "opposes",
        "cite-relation": "supports",
        "cite-text": "Cheap barges undercut road hauliers.",
    }
    response = client.post(reverse("debates:cite", args=[source.pk]), data)
    argument = Claim.objects.get(text="Cheap barges undercut road hauliers.")
    assert response["Location"] == argument.get_absolute_url()
    assert (argument.status, argument.relation, argument.parent) == (status, "opposes", position)
    evidence = Evidence.objects.get(claim=argument)
    assert evidence.passage.anchor.exact == span["quote"] and evidence.status == status


def test_outsiders_and_closed_debates_cannot_cite(client, debate, outsider, teacher, source, span):
    issue = ClaimFactory(debate=debate)
    data = {
        "cite-start": span["start"],
        "cite-end": span["end"],
        "cite-revision": source.current_revision.number,
        "cite-mode": "attach",
        "cite-claim": issue.pk,
        "cite-relation": "context",
    }
    client.force_login(outsider)
    response = client.post(reverse("debates:cite", args=[source.pk]), data, follow=True)
    assert "Nothing was cited" in response.content.decode()  # the claim is not offered
    debate.contribution_mode = "closed"
    debate.save()
    client.force_login(teacher)
    assert client.post(reverse("debates:cite", args=[source.pk]), data).status_code in (302, 403)
    assert not Evidence.objects.exists()

"""Bad input never answers 500 (issue 9): hostile values posted to every write endpoint get
a 4xx and leave every table as it was.

Not here: `/search/?q=` with 33 or more `-` (a 500 in the search query) is fixed in
debates/views/search.py by the engineer who owns search, and tested with it.
"""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from debates import services
from debates.formats.w3c import MEDIA_TYPE
from debates.models import (
    Annotation,
    Claim,
    Debate,
    Evidence,
    Flag,
    Notification,
    Source,
    SourceRevision,
)
from debates.services._base import MAX_CLAIM_CHARS
from debates.services.debates import MAX_DESCRIPTION_CHARS

from .factories import annotate_quote, make_claim

User = get_user_model()
MODELS = (Claim, Evidence, Annotation, Source, SourceRevision, Debate, Flag, User)
NUL = "a\x00b"
TOO_LONG = "x" * 2_000_001  # over every text limit, the 2,000,000 characters of a source too


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def client_for(user=None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def world(debate, source, teacher, student):
    """What the endpoints act on: a published issue, a proposed argument under it, a note."""
    issue = make_claim(
        debate=debate, kind="issue", text="Do rivers matter?", author=teacher, status="published"
    )
    proposed = make_claim(
        debate=debate,
        kind="position",
        text="They do.",
        author=student,
        parent=issue,
        relation="answers",
    )
    note = annotate_quote(source, "rivers shape the towns", teacher, body="A note.")
    return {"debate": debate, "source": source, "issue": issue, "proposed": proposed, "note": note}


def form_endpoints(w) -> list[tuple[str, str, dict, str]]:
    """(name, url, a valid form, the field the hostile value replaces)."""
    slug, issue, note, source = w["debate"].slug, w["issue"], w["note"], w["source"]
    revision = source.current_revision
    return [
        ("claim add", f"/debates/{slug}/claims/add/", {"text": "A new issue."}, "text"),
        (
            "claim edit",
            f"/debates/{slug}/claims/{issue.pk}/edit/",
            {"text": "Do rivers matter much?", "version": issue.version},
            "text",
        ),
        (
            "evidence attach",
            f"/debates/{slug}/claims/{issue.pk}/evidence/add/",
            {"source": source.pk, "quote": "Barges carried grain cheaply.", "relation": "supports"},
            "quote",
        ),
        (
            "annotation new",
            f"/sources/{source.pk}/notes/new/",
            {
                "note-start": 4,
                "note-end": 9,
                "note-revision": revision.number,
                "note-body": "Hm.",
                "note-visibility": "private",
                "note-motivation": "commenting",
            },
            "note-body",
        ),
        ("annotation tag", f"/sources/{source.pk}/notes/new/", {}, "note-tags"),
        (
            "annotation edit",
            f"/notes/{note.pk}/edit/",
            {"body": "Changed.", "visibility": "public", "motivation": "commenting"},
            "body",
        ),
        ("annotation reply", f"/notes/{note.pk}/reply/", {"body": "A reply."}, "body"),
        ("source import", "/sources/new/", {"text": "Title\n\nA paragraph."}, "text"),
        (
            "revision new",
            f"/sources/{source.pk}/revisions/new/",
            {"text": revision.text + "\n\nOne more paragraph.", "note": "more"},
            "text",
        ),
        (
            "debate new",
            "/debates/new/",
            {"title": "Seas", "visibility": "private", "contribution_mode": "reviewed"},
            "description",
        ),
        (
            "debate settings",
            f"/debates/{slug}/settings/",
            {
                "settings-title": "Rivers",
                "settings-visibility": "public",
                "settings-contribution_mode": "reviewed",
            },
            "settings-description",
        ),
        (
            "claim flag",
            f"/debates/{slug}/claims/{issue.pk}/flag/",
            {"reason": "unclear", "note": "Unclear."},
            "note",
        ),
        (
            "note flag",
            f"/notes/{note.pk}/flag/",
            {"reason": "unclear", "note": "Unclear."},
            "note",
        ),
        (
            "edit then approve",
            f"/debates/{slug}/queue/claim/{w['proposed'].pk}/edit/",
            {"text": "They do, a lot.", "reason": "Clearer."},
            "text",
        ),
    ]


def hostile_values(name: str, field: str) -> list[str]:
    values = [NUL, f"{'x' * 40}\x00"]
    if field.endswith("description"):
        values.append("x" * (MAX_DESCRIPTION_CHARS + 1))
    elif name in ("claim add", "claim edit", "edit then approve"):
        values.append("x" * (MAX_CLAIM_CHARS + 1))
    elif name in ("source import", "revision new"):
        values.append(TOO_LONG)
    return values


# debates/views/maps.py `debate_new` renders an invalid form with 200 (FINDINGS, Low); that
# view is outside this change. Remove the entry once it answers 400.
INVALID_FORM_200: set[str] = set()


def test_hostile_form_fields_answer_4xx_and_write_nothing(world, teacher):
    client = client_for(teacher)
    failures = []
    for name, url, valid, field in form_endpoints(world):
        for value in hostile_values(name, field):
            before = counts()
            response = client.post(url, {**valid, field: value})
            status = response.status_code
            refused = 400 <= status < 500 or (status == 200 and name in INVALID_FORM_200)
            if not refused or counts() != before:
                failures.append((name, field, value[:20], status))
    assert failures == []


def test_the_valid_forms_are_accepted(world, teacher):
    """The control: without the hostile value each form is accepted, so a 4xx above is the
    hostile value's doing."""
    client = client_for(teacher)
    failures = []
    for name, url, valid, _field in form_endpoints(world):
        if not valid:
            continue
        response = client.post(url, valid)
        if response.status_code >= 400:
            failures.append((name, response.status_code))
    assert failures == []


def test_a_nul_in_a_field_name_or_query_string_answers_400(world, teacher):
    client = client_for(teacher)
    before = counts()
    response = client.post("/sources/new/", {"text": "Title\n\nA paragraph.", "x\x00": "1"})
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    assert client.get("/sources/?q=a%00b").status_code == 400
    assert counts() == before


@pytest.mark.parametrize("url", ["/sources/new/", "/sources/{pk}/revisions/new/"])
def test_a_nul_in_an_uploaded_file_answers_4xx(world, teacher, url):
    client = client_for(teacher)
    before = counts()
    upload = SimpleUploadedFile("a.txt", b"Title\n\nA para\x00graph.", "text/plain")
    response = client.post(url.format(pk=world["source"].pk), {"file": upload, "note": "n"})
    assert 400 <= response.status_code < 500
    assert "NUL" in response.content.decode()
    assert counts() == before


def test_a_nul_in_the_path_answers_400_saying_so(db):
    response = client_for().get("/accounts/people/ab%00cd/")
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def w3c_documents(source) -> list[str]:
    def annotation(exact="rivers", body="A note.", tag=None):
        bodies = [{"type": "TextualBody", "value": body, "purpose": "commenting"}]
        if tag is not None:
            bodies.append({"type": "TextualBody", "value": tag, "purpose": "tagging"})
        return {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "type": "Annotation",
            "body": bodies,
            "target": {
                "source": f"http://testserver/sources/{source.pk}/",
                "selector": {"type": "TextQuoteSelector", "exact": exact},
            },
        }

    return [
        json.dumps(annotation(exact="a\u0000b")),
        json.dumps(annotation(body="a\u0000b")),
        json.dumps(annotation(tag="a\u0000b")),
        json.dumps(annotation(body="\ud800")),
        json.dumps({**annotation(), "x\u0000": 1}),
        json.dumps({**annotation(), "deep": "DEEP"}).replace('"DEEP"', "[" * 70 + "]" * 70),
        "[" * 100_000,
        "[" * 100_000 + "]" * 100_000,
        '{"a": "\\ud800"}',
    ]


@pytest.mark.parametrize("content_type", [MEDIA_TYPE, "application/json"])
def test_hostile_w3c_documents_answer_400_json(world, teacher, content_type):
    client = client_for(teacher)
    note = world["note"]
    container = f"/sources/{world['source'].pk}/annotations/"
    failures = []
    for document in w3c_documents(world["source"]):
        for method, url in (("post", container), ("put", f"{container}{note.pk}")):
            before = counts()
            response = getattr(client, method)(
                url, data=document, content_type=content_type, headers={"If-Match": "*"}
            )
            is_json = response.get("Content-Type", "").endswith("json")
            if response.status_code != 400 or counts() != before or not is_json:
                failures.append((method, document[:40], response.status_code))
            elif "error" not in response.json():
                failures.append((method, document[:40], "no error"))
    assert failures == []


def test_signup_and_profile_refuse_hostile_values(db, teacher):
    before = counts()
    signup = {
        "username": "newcomer",
        "email": "new@example.org",
        "password1": "a-long-pass-phrase-9",
        "password2": "a-long-pass-phrase-9",
    }
    anonymous = client_for()
    for field in ("username", "email", "display_name", "password1"):
        response = anonymous.post("/accounts/signup/", {**signup, field: NUL})
        assert 400 <= response.status_code < 500, (field, response.status_code)
    profile = client_for(teacher)
    for field in ("display_name", "bio"):
        response = profile.post("/accounts/profile/", {"display_name": "T", field: NUL})
        assert 400 <= response.status_code < 500, (field, response.status_code)
    assert counts() == before


def test_a_lost_race_for_a_debate_title_is_a_form_error(db, teacher, monkeypatch):
    """Two people submit the same title at once: the second insert breaks the unique slug."""
    create = Debate.objects.create

    def racing_create(**fields):
        create(**{**fields, "title": fields["title"] + " (first)"})  # the other request wins
        return create(**fields)

    monkeypatch.setattr(Debate.objects, "create", racing_create)
    with pytest.raises(ValidationError, match="was created a moment ago"):
        services.debate_create(actor=teacher, title="Seas")
    response = client_for(teacher).post(
        "/debates/new/",
        {"title": "Lakes", "visibility": "private", "contribution_mode": "reviewed"},
    )
    assert response.status_code < 500
    assert "was created a moment ago" in response.content.decode()
    assert not Debate.objects.filter(title="Lakes").exists()


def test_a_debate_description_has_a_limit(debate, teacher):
    with pytest.raises(ValidationError, match="description is too long"):
        services.debate_update(
            debate=debate, actor=teacher, description="x" * (MAX_DESCRIPTION_CHARS + 1)
        )
    with pytest.raises(ValidationError, match="description is too long"):
        services.debate_create(
            actor=teacher, title="Seas", description="x" * (MAX_DESCRIPTION_CHARS + 1)
        )


def test_edit_then_approve_has_the_claim_limit(world, moderator):
    with pytest.raises(ValidationError, match="too long"):
        services.claim_approve(
            claim=world["proposed"], actor=moderator, text="x" * (MAX_CLAIM_CHARS + 1)
        )
    assert Claim.objects.get(pk=world["proposed"].pk).text == "They do."


def test_a_notification_with_newlines_is_still_emailed(db, teacher, settings):
    from debates.services.notifications import _email

    teacher.email = "teacher@example.org"
    teacher.save()
    notification = Notification(recipient=teacher, message="Line one\nline two\r\x0bthree")
    mail.outbox.clear()
    _email(notification)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Crux: Line one line two three"
    assert "Line one\nline two" in mail.outbox[0].body

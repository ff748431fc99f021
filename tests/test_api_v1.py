"""The REST API (debates/api/v1/, classes/api.py): the pages' permissions, one error
shape, cursor pages, filters, throttles, fixed query counts, and the OpenAPI docs."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts import services as accounts_services
from debates import services
from debates.models import Annotation, Claim, ClaimEdit, Debate, Evidence, Membership

from .factories import (
    ARTICLE,
    DebateFactory,
    UserFactory,
    annotate_quote,
    build_map,
    make_claim,
    make_evidence,
    source_factory,
)

API = "/api/v1"
GENEROUS = {"anon": None, "user": None, "write": None, "token": None}


@pytest.fixture(autouse=True)
def _rates(settings):
    """No API throttle unless a test sets one (the suite writes quickly)."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": GENEROUS}


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {accounts_services.api_token(actor=user)}")
    return client


def error_of(response, status: int) -> dict:
    """The one error shape, checked: {"error": {"status", "code", "message"[, "fields"]}}."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert set(data) == {"error"}
    error = data["error"]
    assert error["status"] == status
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    return error


@pytest.fixture
def issue(debate, teacher):
    return make_claim(debate=debate, kind="issue", text="Do rivers make towns?", author=teacher,
                      status="published")  # fmt: skip


@pytest.fixture
def position(issue, teacher):
    return make_claim(debate=issue.debate, kind="position", parent=issue, relation="answers",
                      text="Yes, they do.", author=teacher, status="published")  # fmt: skip


# --- debates ---------------------------------------------------------------------------


def test_anonymous_reads_a_public_debate_and_lists_only_listed_ones(debate, teacher):
    DebateFactory(slug="hidden", owner=teacher, visibility=Debate.Visibility.PRIVATE)
    DebateFactory(slug="by-link", owner=teacher, visibility=Debate.Visibility.UNLISTED)
    anonymous = client_for()
    listed = anonymous.get(f"{API}/debates/").json()
    assert [d["slug"] for d in listed["results"]] == ["rivers"]
    detail = anonymous.get(f"{API}/debates/rivers/").json()
    assert detail["title"] == "Rivers" and detail["role"] is None
    assert anonymous.get(f"{API}/debates/by-link/").status_code == 200
    error = error_of(anonymous.get(f"{API}/debates/hidden/"), 404)
    assert error["code"] == "not_found"
    # The owner lists all three, and reads their role.
    mine = client_for(teacher).get(f"{API}/debates/").json()
    assert {d["slug"] for d in mine["results"]} == {"rivers", "hidden", "by-link"}
    assert client_for(teacher).get(f"{API}/debates/hidden/").json()["role"] == "owner"


def test_creating_a_debate_needs_a_person_and_a_title(teacher, source):
    refused = client_for().post(f"{API}/debates/", {"title": "Floods"}, format="json")
    assert error_of(refused, 401)["code"] == "not_authenticated"
    assert refused["WWW-Authenticate"] == "Token"
    client = client_for(teacher)
    made = client.post(
        f"{API}/debates/",
        {"title": "Floods", "visibility": "public", "sources": [source.pk]},
        format="json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["slug"] == "floods" and made.json()["role"] == "owner"
    assert Debate.objects.get(slug="floods").sources.get() == source
    # Shape: a missing title names the field.
    error = error_of(client.post(f"{API}/debates/", {}, format="json"), 400)
    assert error["code"] == "invalid" and "title" in error["fields"]
    # Meaning (the service): the address is taken.
    again = error_of(client.post(f"{API}/debates/", {"title": "Floods"}, format="json"), 400)
    assert "already exists" in again["message"]
    unknown = error_of(
        client.post(f"{API}/debates/", {"title": "X", "sources": [999999]}, format="json"), 400
    )
    assert unknown["fields"] == {"sources": ["No such source: 999999."]}


def test_only_the_owner_changes_settings(debate, teacher, moderator, student):
    body = {"contribution_mode": "open", "reason": "Term started."}
    error = error_of(client_for(moderator).patch(f"{API}/debates/rivers/", body), 403)
    assert "owner" in error["message"]
    error_of(client_for(student).patch(f"{API}/debates/rivers/", body), 403)
    saved = client_for(teacher).patch(f"{API}/debates/rivers/", body, format="json")
    assert saved.status_code == 200 and saved.json()["contribution_mode"] == "open"
    bad = client_for(teacher).patch(f"{API}/debates/rivers/", {"visibility": "secret"})
    assert "visibility" in error_of(bad, 400)["fields"]


# --- claims ----------------------------------------------------------------------------


def test_who_may_add_claims_mirrors_the_pages(debate, moderator, student, outsider, position):
    url = f"{API}/debates/rivers/claims/"
    issue = client_for(moderator).post(url, {"text": "Should towns move?"}, format="json")
    assert issue.status_code == 201 and issue.json()["kind"] == "issue"
    # A viewer may not start an issue, and proposes (reviewed debate) an argument.
    error_of(client_for(student).post(url, {"text": "My issue"}, format="json"), 403)
    proposed = client_for(student).post(
        url, {"text": "Trade grew.", "parent": position.pk, "stance": "supports"}, format="json"
    )
    assert proposed.status_code == 201
    assert proposed.json()["status"] == "proposed" and proposed.json()["kind"] == "argument"
    assert proposed.json()["author"] == {"username": "student", "name": "Student"}
    # An outsider of a public debate reads it but may not add to it.
    error = error_of(
        client_for(outsider).post(
            url, {"text": "Drive-by.", "parent": position.pk, "stance": "supports"}, format="json"
        ),
        403,
    )
    assert error["code"] == "permission_denied"
    # The service's own message for a missing stance; a 400 for a parent elsewhere.
    no_stance = client_for(moderator).post(url, {"text": "Hm.", "parent": position.pk})
    assert "supports, opposes or undercuts" in error_of(no_stance, 400)["message"]
    elsewhere = client_for(moderator).post(url, {"text": "Hm.", "parent": 999999})
    assert "parent" in error_of(elsewhere, 400)["fields"]


def test_a_hidden_parent_reads_as_a_missing_one(debate, teacher, student, position):
    """Naming someone else's pending proposal (or a deleted claim) as the parent or merge
    target answers exactly as for an id that does not exist: the API does not tell a hidden
    claim from a missing one."""
    pending = make_claim(debate=debate, kind="argument", parent=position, relation="supports",
                         text="Mine, pending.", author=student, status="proposed")  # fmt: skip
    other = UserFactory(username="other")
    services.member_set(actor=teacher, debate=debate, user=other, role="contributor")
    url = f"{API}/debates/rivers/claims/"
    body = {"text": "Under it.", "stance": "supports"}
    hidden = error_of(client_for(other).post(url, {**body, "parent": pending.pk}), 400)
    missing = error_of(client_for(other).post(url, {**body, "parent": 999999}), 400)
    assert hidden["fields"]["parent"] == [f"No claim {pending.pk} in this debate."]
    assert missing["fields"]["parent"] == ["No claim 999999 in this debate."]
    assert not Claim.objects.filter(text="Under it.").exists()
    # The debate's moderators still find it.
    found = client_for(teacher).post(url, {**body, "parent": pending.pk})
    assert "No claim" not in found.content.decode()


def test_claim_list_filters_and_hides_what_the_viewer_may_not_see(
    debate, teacher, student, issue, position
):
    pending = make_claim(debate=debate, kind="argument", parent=position, relation="supports",
                         text="Pending one.", author=student, status="proposed")  # fmt: skip
    url = f"{API}/debates/rivers/claims/"
    everyone = client_for().get(url).json()["results"]
    assert [c["id"] for c in everyone] == [issue.pk, position.pk]
    assert {c["id"] for c in client_for(teacher).get(url).json()["results"]} == {
        issue.pk, position.pk, pending.pk,
    }  # fmt: skip
    own = client_for(student).get(url, {"author": "student"}).json()["results"]
    assert [c["id"] for c in own] == [pending.pk]
    assert [c["id"] for c in client_for(teacher).get(url, {"kind": "issue"}).json()["results"]] == [
        issue.pk
    ]
    proposed = client_for(teacher).get(url, {"status": "proposed"}).json()["results"]
    assert [c["id"] for c in proposed] == [pending.pk]
    under = client_for(teacher).get(url, {"parent": position.pk}).json()["results"]
    assert [c["id"] for c in under] == [pending.pk]
    assert "kind" in error_of(client_for().get(url, {"kind": "opinion"}), 400)["fields"]
    # One claim: the pending one is the author's and the moderators' alone.
    assert client_for(student).get(f"{API}/claims/{pending.pk}/").status_code == 200
    error_of(client_for().get(f"{API}/claims/{pending.pk}/"), 404)


def test_cursor_pagination_walks_every_claim_once(debate, teacher):
    build_map(debate, 7)
    client = client_for(teacher)
    seen, url = [], f"{API}/debates/rivers/claims/?page_size=3"
    while url:
        page = client.get(url).json()
        assert set(page) == {"next", "previous", "results"}
        assert "offset" not in (page["next"] or "") and "page=" not in (page["next"] or "")
        seen += [c["id"] for c in page["results"]]
        url = page["next"]
    assert seen == sorted(Claim.objects.filter(debate=debate).values_list("pk", flat=True))
    bad = error_of(client.get(f"{API}/debates/rivers/claims/", {"cursor": "not-a-cursor"}), 400)
    assert list(bad["fields"]) == ["cursor"]


def test_edit_with_a_stale_version_is_a_conflict(debate, teacher, position):
    client = client_for(teacher)
    url = f"{API}/claims/{position.pk}/"
    saved = client.patch(url, {"text": "Yes, mostly.", "version": 1}, format="json")
    assert saved.status_code == 200 and saved.json()["version"] == 2
    stale = error_of(client.patch(url, {"text": "Yes!", "version": 1}, format="json"), 409)
    assert stale["code"] == "edit_conflict" and stale["current_version"] == 2
    unchanged = client.patch(url, {"text": "Yes, mostly.", "version": 2}, format="json")
    assert "unchanged" in error_of(unchanged, 400)["message"]
    assert "version" in error_of(client.patch(url, {"text": "x"}, format="json"), 400)["fields"]


def test_an_authors_edit_in_a_reviewed_debate_waits(debate, student, position):
    mine = make_claim(debate=debate, kind="argument", parent=position, relation="supports",
                      text="Mine.", author=student, status="published")  # fmt: skip
    answer = client_for(student).patch(
        f"{API}/claims/{mine.pk}/", {"text": "Mine, better.", "version": 1}, format="json"
    )
    assert answer.status_code == 202 and answer.json()["text"] == "Mine."


def test_tree_and_subtree_are_nested(debate, issue, position, teacher):
    arg = make_claim(debate=debate, kind="argument", parent=position, relation="opposes",
                     text="Not always.", author=teacher, status="published")  # fmt: skip
    tree = client_for().get(f"{API}/debates/rivers/tree/").json()
    assert tree["claim_count"] == 3
    [top] = tree["issues"]
    assert top["id"] == issue.pk
    assert top["children"][0]["id"] == position.pk
    assert top["children"][0]["children"][0] == {
        "id": arg.pk, "kind": "argument", "relation": "opposes", "text": "Not always.",
        "status": "published", "evidence_count": 0, "links": [], "children": [],
    }  # fmt: skip
    sub = client_for().get(f"{API}/claims/{position.pk}/subtree/").json()
    assert sub["claim_count"] == 2 and sub["issues"][0]["children"][0]["id"] == arg.pk


def test_move_delete_and_moderation_actions(debate, teacher, moderator, student, issue, position):
    other = make_claim(debate=debate, kind="position", parent=issue, relation="answers",
                       text="No.", author=teacher, status="published")  # fmt: skip
    arg = make_claim(debate=debate, kind="argument", parent=position, relation="supports",
                     text="Barges.", author=student, status="proposed")  # fmt: skip
    dup = make_claim(debate=debate, kind="position", parent=issue, relation="answers",
                     text="Yes they do.", author=student, status="published")  # fmt: skip
    mod, viewer = client_for(moderator), client_for(student)
    # Approve / reject are moderators'.
    error_of(viewer.post(f"{API}/claims/{arg.pk}/approve/", {}), 403)
    approved = mod.post(f"{API}/claims/{arg.pk}/approve/", {"reason": "Fine."}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "published"
    # Move it under the other position, opposing it.
    error_of(viewer.post(f"{API}/claims/{arg.pk}/move/", {"parent": other.pk}), 403)
    moved = mod.post(f"{API}/claims/{arg.pk}/move/", {"parent": other.pk, "stance": "opposes"})
    assert moved.status_code == 200
    assert (moved.json()["parent"], moved.json()["relation"]) == (other.pk, "opposes")
    # Merge the duplicate position; the target must be in the debate.
    assert (
        "target"
        in error_of(mod.post(f"{API}/claims/{dup.pk}/merge/", {"target": 999}), 400)["fields"]
    )
    merged = mod.post(f"{API}/claims/{dup.pk}/merge/", {"target": position.pk})
    assert merged.status_code == 200 and merged.json()["status"] == "merged"
    # Reject needs a reason.
    later = make_claim(debate=debate, kind="argument", parent=position, relation="supports",
                       text="Later.", author=student, status="proposed")  # fmt: skip
    assert "reason" in error_of(mod.post(f"{API}/claims/{later.pk}/reject/", {}), 400)["fields"]
    rejected = mod.post(f"{API}/claims/{later.pk}/reject/", {"reason": "Repeats."})
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["status_reason"] == "Repeats."
    # Delete: an author withdraws nothing of others'; a moderator deletes softly.
    error_of(viewer.delete(f"{API}/claims/{other.pk}/"), 403)
    assert mod.delete(f"{API}/claims/{other.pk}/", {"reason": "Off topic."}).status_code == 204
    assert Claim.objects.get(pk=other.pk).deleted_at is not None
    error_of(client_for().get(f"{API}/claims/{other.pk}/"), 404)
    # Restoring is the moderators' (the claim is gone for everyone else).
    error_of(viewer.post(f"{API}/claims/{other.pk}/restore/"), 404)
    restored = mod.post(f"{API}/claims/{other.pk}/restore/")
    assert restored.status_code == 200 and restored.json()["deleted"] is False


# --- evidence --------------------------------------------------------------------------


def test_evidence_attach_list_and_detach(debate, teacher, student, source, position):
    client = client_for(teacher)
    url = f"{API}/claims/{position.pk}/evidence/"
    attached = client.post(url, {"source": source.pk, "quote": "Barges carried grain cheaply",
                                 "note": "Trade."}, format="json")  # fmt: skip
    assert attached.status_code == 201, attached.content
    evidence = attached.json()
    assert evidence["passage"]["exact"] == "Barges carried grain cheaply"
    assert evidence["status"] == "published"
    listed = client_for().get(url).json()["results"]
    assert [e["id"] for e in listed] == [evidence["id"]]
    assert client_for().get(url, {"relation": "opposes"}).json()["results"] == []
    error_of(client.post(url, {"note": "nothing cited"}, format="json"), 400)
    one = f"{API}/evidence/{evidence['id']}/"
    error_of(client_for(student).patch(one, {"relation": "context"}), 403)
    changed = client.patch(one, {"relation": "context", "note": "Background."})
    assert (changed.json()["relation"], changed.json()["note"]) == ("context", "Background.")
    error_of(client_for(student).delete(f"{API}/evidence/{evidence['id']}/"), 403)
    assert client.delete(f"{API}/evidence/{evidence['id']}/").status_code == 204
    assert Evidence.objects.get(pk=evidence["id"]).deleted_at is not None
    error_of(client_for().get(f"{API}/evidence/{evidence['id']}/"), 404)


def test_proposed_evidence_is_approved_by_a_moderator(debate, student, moderator, source, position):
    url = f"{API}/claims/{position.pk}/evidence/"
    made = client_for(student).post(url, {"source": source.pk, "quote": "Floods left fertile"})
    assert made.status_code == 201 and made.json()["status"] == "proposed"
    pk = made.json()["id"]
    error_of(client_for(student).post(f"{API}/evidence/{pk}/approve/"), 403)
    approved = client_for(moderator).post(f"{API}/evidence/{pk}/approve/")
    assert approved.json()["status"] == "published"


# --- sources and annotations -----------------------------------------------------------


def test_sources_revisions_and_passages(source, teacher, outsider):
    private = source_factory(ARTICLE, created_by=teacher, visibility="private", title="Mine")
    assert [s["id"] for s in client_for().get(f"{API}/sources/").json()["results"]] == [source.pk]
    assert client_for(teacher).get(f"{API}/sources/{private.pk}/").json()["title"] == "Mine"
    error_of(client_for(outsider).get(f"{API}/sources/{private.pk}/"), 404)
    revisions = client_for().get(f"{API}/sources/{source.pk}/revisions/").json()["results"]
    assert [r["number"] for r in revisions] == [1] and "text" not in revisions[0]
    one = client_for().get(f"{API}/sources/{source.pk}/revisions/1/").json()
    assert one["text"] == source.current_revision.text
    error_of(client_for().get(f"{API}/sources/{source.pk}/revisions/9/"), 404)
    passages = client_for().get(f"{API}/sources/{source.pk}/passages/").json()["results"]
    assert passages and all(p["source"] == source.pk for p in passages)
    first = passages[0]
    assert source.current_revision.text[first["start"] : first["end"]] == first["exact"]


def test_annotations_create_list_edit_hide_delete(debate, source, teacher, moderator, student):
    url = f"{API}/sources/{source.pk}/annotations/"
    made = client_for(student).post(url, {
        "exact": "Barges carried grain cheaply", "body": "Why cheaply?", "tags": ["cost"],
        "motivation": "questioning", "visibility": "debate", "debate": "rivers",
    }, format="json")  # fmt: skip
    assert made.status_code == 201, made.content
    note = made.json()
    assert (note["debate"], note["tags"], note["author"]["username"]) == ("rivers", ["cost"],
                                                                          "student")  # fmt: skip
    # Members read it, on the source and on the debate; others do not.
    assert [n["id"] for n in client_for(teacher).get(url).json()["results"]] == [note["id"]]
    debate_url = f"{API}/debates/rivers/annotations/"
    assert [n["id"] for n in client_for(moderator).get(debate_url).json()["results"]] == [
        note["id"]
    ]
    assert client_for().get(url).json()["results"] == []
    assert client_for(teacher).get(url, {"tag": "other"}).json()["results"] == []
    # A reply joins the thread.
    reply = client_for(teacher).post(url, {"parent": note["id"], "body": "Water."}).json()
    assert reply["parent"] == note["id"] and reply["motivation"] == "replying"
    # Only the author edits and deletes; the debate's moderator hides.
    one = f"{API}/annotations/{note['id']}/"
    error_of(client_for(teacher).patch(one, {"body": "Mine now"}, format="json"), 403)
    edited = client_for(student).patch(one, {"body": "Why so cheap?"}, format="json")
    assert edited.status_code == 200 and edited.json()["body"] == "Why so cheap?"
    error_of(client_for(student).post(f"{one}hide/", {}), 403)
    hidden = client_for(moderator).post(f"{one}hide/", {"reason": "Test."}, format="json")
    assert hidden.status_code == 200 and hidden.json()["hidden"] is True
    assert client_for(moderator).post(f"{one}hide/", {"hidden": False}).json()["hidden"] is False
    assert client_for(student).delete(one).status_code == 204
    assert Annotation.objects.get(pk=note["id"]).deleted_at is not None
    # Bad input: no span, and a quote that is not in the text.
    error_of(client_for(student).post(url, {"body": "Where?"}), 400)
    error_of(client_for(student).post(url, {"exact": "not in the text"}), 400)


# --- members ---------------------------------------------------------------------------


def test_members_are_the_owners_to_list_and_change(debate, teacher, moderator, outsider):
    url = f"{API}/debates/rivers/members/"
    error_of(client_for(moderator).get(url), 403)
    error_of(client_for().get(url), 401)
    owner = client_for(teacher)
    listed = owner.get(url).json()["results"]
    assert {m["user"]["username"]: m["role"] for m in listed} == {
        "teacher": "owner", "moderator": "moderator", "student": "viewer",
    }  # fmt: skip
    added = owner.post(url, {"username": "outsider", "role": "contributor"}, format="json")
    assert added.status_code == 200 and added.json()["role"] == "contributor"
    assert owner.get(url, {"role": "contributor"}).json()["results"][0]["user_id"] == outsider.pk
    assert (
        "username"
        in error_of(owner.post(url, {"username": "nobody", "role": "viewer"}), 400)["fields"]
    )
    error_of(owner.post(url, {"username": "outsider", "role": "contributor"}), 400)
    error_of(client_for(moderator).delete(f"{url}{outsider.pk}/"), 403)
    assert owner.delete(f"{url}{outsider.pk}/").status_code == 204
    assert not Membership.objects.filter(debate=debate, user=outsider).exists()
    error_of(owner.delete(f"{url}{outsider.pk}/"), 404)


# --- authentication and throttles ------------------------------------------------------


def test_a_token_for_a_username_and_password(teacher):
    client = APIClient()
    got = client.post(f"{API}/auth/token/", {"username": "teacher", "password": "pass-word-123"})
    assert got.status_code == 200
    key = got.json()["token"]
    assert key == accounts_services.api_token(actor=teacher)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.post(f"{API}/debates/", {"title": "With a token"}).status_code == 201
    wrong = client.post(f"{API}/auth/token/", {"username": "teacher", "password": "nope"})
    assert "Wrong username or password" in error_of(wrong, 400)["message"]
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token nonsense")
    assert error_of(bad.get(f"{API}/debates/"), 401)["code"] == "authentication_failed"


def test_unknown_urls_and_methods_answer_in_the_one_shape(debate, teacher):
    assert error_of(client_for().get(f"{API}/nothing-here/"), 404)["code"] == "not_found"
    assert error_of(client_for(teacher).put(f"{API}/debates/rivers/", {}), 405)["code"] == (
        "method_not_allowed"
    )
    bad_json = client_for(teacher).generic(
        "POST", f"{API}/debates/", "{not json", content_type="application/json"
    )
    assert error_of(bad_json, 400)["code"] == "parse_error"
    assert b"<html" in client_for().get("/no-such-page/").content.lower()


def test_session_writes_need_the_csrf_token(debate, teacher):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(teacher)
    refused = client.post(f"{API}/debates/", {"title": "No CSRF"}, format="json")
    assert "CSRF" in error_of(refused, 403)["message"]
    assert client.get(f"{API}/debates/rivers/").status_code == 200


def test_throttles_answer_429_with_retry_after(settings, debate, teacher):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **GENEROUS,
            "anon": "2/minute",
            "write": "1/minute",
            "token": "1/minute",
        },  # fmt: skip
    }
    anonymous = client_for()
    assert anonymous.get(f"{API}/debates/").status_code == 200
    assert anonymous.get(f"{API}/debates/").status_code == 200
    limited = anonymous.get(f"{API}/debates/")
    assert error_of(limited, 429)["code"] == "throttled"
    assert 1 <= int(limited["Retry-After"]) <= 60
    writer = client_for(teacher)
    assert writer.post(f"{API}/debates/", {"title": "One"}).status_code == 201
    assert writer.get(f"{API}/debates/one/").status_code == 200  # reads are not writes
    second = writer.post(f"{API}/debates/", {"title": "Two"})
    assert error_of(second, 429)["code"] == "throttled" and second["Retry-After"]
    token = APIClient()
    token.post(f"{API}/auth/token/", {"username": "teacher", "password": "wrong"})
    again = token.post(f"{API}/auth/token/", {"username": "teacher", "password": "pass-word-123"})
    assert error_of(again, 429) and again["Retry-After"]


def test_the_site_write_throttle_answers_in_the_api_shape(settings, debate, teacher):
    settings.CRUX_WRITE_RATE = 0.001
    settings.CRUX_WRITE_BURST = 1
    writer = client_for(teacher)
    assert writer.post(f"{API}/debates/", {"title": "One"}).status_code == 201
    limited = writer.post(f"{API}/debates/", {"title": "Two"})
    assert error_of(limited, 429)["code"] == "throttled" and limited["Retry-After"]


# --- fixed query counts ----------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


def _grow(debate, source, teacher, student, n: int, path: str) -> dict:
    """n rows of what `path` lists: claims (always), evidence on one position, notes for
    the debate, members, debates, sources, revisions and passages of one source, edits."""
    claims = build_map(debate, n, passage=source.passages.first())
    position = next(c for c in claims if c.kind == "position")
    text = long_text(n)
    long = source_factory(text, created_by=teacher, title=f"Long {debate.slug}")
    debate.sources.add(long)
    for i in range(n):
        if "annotations" in path:
            annotate_quote(source, "rivers shape", student if i % 2 else teacher,
                           body=f"Note {i}", visibility="debate", debate=debate,
                           tags=[f"t{i}", "common"])  # fmt: skip
        if "members" in path:
            member = UserFactory(username=f"member{debate.slug}{i}")
            Membership.objects.create(user=member, debate=debate, role="viewer")
        if path == "/sources/":
            source_factory(ARTICLE, created_by=teacher, title=f"S{debate.slug}{i}")
        if path == "/debates/":
            DebateFactory(owner=teacher, slug=f"{debate.slug}-also-{i}")
        if "edits" in path:
            ClaimEdit.objects.create(claim=claims[i], base_version=1, text=f"Edit {i}",
                                     author=student)  # fmt: skip
        if "revisions" in path and i:
            services.source_revise(actor=teacher, source=long, text=f"{text}\n\nRevision {i}.")
    if "evidence" in path:
        for passage in long.passages.all()[:n]:
            make_evidence(claim=position, passage=passage, author=teacher, status="published")
    return {"slug": debate.slug, "position": position.pk, "source": source.pk, "long": long.pk}


def long_text(n: int) -> str:
    """A source of n paragraphs (and its title)."""
    return "Paragraphs\n\n" + "\n\n".join(f"Paragraph {i} says its own thing." for i in range(n))


LISTS = [
    "/debates/",
    "/debates/{slug}/claims/",
    "/debates/{slug}/claims/?kind=argument&author=teacher",
    "/debates/{slug}/tree/",
    "/debates/{slug}/members/",
    "/debates/{slug}/annotations/",
    "/debates/{slug}/edits/",
    "/sources/",
    "/sources/{source}/annotations/",
    "/sources/{long}/passages/",
    "/sources/{long}/revisions/",
    "/claims/{position}/evidence/",
]


def _rows(data: dict) -> int:
    return data["claim_count"] if "claim_count" in data else len(data["results"])


@pytest.mark.parametrize("path", LISTS)
def test_list_endpoints_run_a_fixed_number_of_queries(path, teacher, student, source):
    counts, rows = [], []
    for n in (3, 30):
        debate = DebateFactory(owner=teacher, visibility="public", slug=f"size-{n}")
        debate.sources.add(source)
        Membership.objects.create(user=student, debate=debate, role="viewer")
        url = API + path.format(**_grow(debate, source, teacher, student, n, path))
        client = client_for(teacher)
        rows.append(_rows(client.get(url).json()))
        counts.append(_queries(client, url))
    assert rows[1] >= rows[0] + 20, f"{path}: the list did not grow ({rows})"
    assert counts[0] == counts[1], (
        f"{path}: {counts[0]} queries for {rows[0]} rows, {counts[1]} for {rows[1]}"
    )


# --- OpenAPI ---------------------------------------------------------------------------


def test_the_schema_validates():
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    generator = SchemaGenerator()
    schema = generator.get_schema(request=None, public=True)
    validate_schema(schema)
    paths = schema["paths"]
    assert "/api/v1/debates/{slug}/claims/" in paths
    assert "/api/v1/claims/{id}/merge/" in paths
    for path, operations in paths.items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert operation.get("description"), f"{method} {path} has no description"
            success = [code for code in operation["responses"] if code.startswith("2")]
            assert success, f"{method} {path} documents no success"
            for code in success:
                for content in operation["responses"][code].get("content", {}).values():
                    assert content.get("examples"), f"{method} {path}: no example of {code}"
            if "requestBody" in operation and method != "delete":
                request_examples = [
                    example
                    for content in operation["requestBody"]["content"].values()
                    for example in content.get("examples", {})
                ]
                assert request_examples, f"{method} {path} has no request example"


def test_the_schema_command_validates_without_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_the_docs_pages_load_offline_under_the_csp(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/debates/" in schema.content
    swagger = client.get("/api/docs/")
    assert swagger.status_code == 200
    html = swagger.content.decode()
    assert "<script>" not in html and "<style>" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "script-src 'self'" in swagger["Content-Security-Policy"]
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content
    redoc = client.get("/api/redoc/")
    assert redoc.status_code == 200
    html = redoc.content.decode()
    assert "<script>" not in html and "fonts.googleapis" not in html
    assert "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js" in html
    policy = redoc["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" in policy.split("style-src")[1]
    assert "unsafe-inline" not in swagger["Content-Security-Policy"]


def test_the_footer_links_to_the_api_docs(client, debate):
    assert b'href="/api/docs/"' in client.get("/").content


# --- classes and assignments -----------------------------------------------------------


def _assignment(classroom, teacher, source, **fields):
    from datetime import timedelta

    from django.utils import timezone

    from classes import services as class_services
    from classes.models import MapShare
    from classes.services import TaskSpec

    if not MapShare.objects.filter(classroom=classroom).exists():
        reading = DebateFactory(owner=teacher, slug=f"reading-{classroom.pk}")
        reading.sources.add(source)
        class_services.class_map_share(
            actor=teacher, classroom=classroom, debate=reading, mode="read"
        )
    return class_services.assignment_create(
        actor=teacher, classroom=classroom, title=fields.pop("title", "Read"),
        due_at=timezone.now() + timedelta(days=3),
        tasks=[TaskSpec(kind="annotate", count=2, source=source)], **fields,
    )  # fmt: skip


def test_classes_create_join_and_assignments(teacher, student, outsider, source):
    error_of(client_for().get(f"{API}/classes/"), 401)
    made = client_for(teacher).post(f"{API}/classes/", {"name": "Geography"}, format="json")
    assert made.status_code == 201, made.content
    klass = made.json()
    assert klass["role"] == "teacher" and klass["join_code"]
    assert "name" in error_of(client_for(teacher).post(f"{API}/classes/", {}), 400)["fields"]
    # Outsiders do not see it; a student joins with the code and sees no code.
    error_of(client_for(student).get(f"{API}/classes/{klass['id']}/"), 404)
    bad = client_for(student).post(f"{API}/classes/join/", {"code": "XXXX-XXXX"})
    assert "No class takes new members" in error_of(bad, 400)["message"]
    joined = client_for(student).post(f"{API}/classes/join/", {"code": klass["join_code"]})
    assert joined.status_code == 200 and joined.json()["joined"] is True
    assert joined.json()["classroom"]["role"] == "student"
    assert joined.json()["classroom"]["join_code"] is None
    again = client_for(student).post(f"{API}/classes/join/", {"code": klass["join_code"]})
    assert again.json()["joined"] is False
    assert [c["id"] for c in client_for(student).get(f"{API}/classes/").json()["results"]] == [
        klass["id"]
    ]
    assert client_for(outsider).get(f"{API}/classes/").json()["results"] == []
    # Assignments: drafts are the teachers'.
    from classes.models import Classroom

    classroom = Classroom.objects.get(pk=klass["id"])
    shown = _assignment(classroom, teacher, source, title="Read the article")
    draft = _assignment(classroom, teacher, source, title="Draft", published=False)
    url = f"{API}/classes/{klass['id']}/assignments/"
    assert [a["id"] for a in client_for(student).get(url).json()["results"]] == [shown.pk]
    assert {a["id"] for a in client_for(teacher).get(url).json()["results"]} == {
        shown.pk, draft.pk,
    }  # fmt: skip
    one = client_for(student).get(f"{API}/assignments/{shown.pk}/").json()
    assert one["tasks"][0]["kind"] == "annotate" and one["state"] == "open"
    error_of(client_for(student).get(f"{API}/assignments/{draft.pk}/"), 404)
    error_of(client_for(outsider).get(f"{API}/assignments/{shown.pk}/"), 404)


@pytest.mark.parametrize("path", ["/classes/", "/classes/{klass}/assignments/"])
def test_class_lists_run_a_fixed_number_of_queries(path, teacher, source):
    from classes import services as class_services

    counts = []
    for n in (3, 30):
        teacher_n = UserFactory(username=f"teacher{n}")
        classes = [class_services.class_create(actor=teacher_n, name=f"C{i}") for i in range(n)]
        for _ in range(n):
            _assignment(classes[0], teacher_n, source)
        url = API + path.format(klass=classes[0].pk)
        counts.append(_queries(client_for(teacher_n), url))
    assert counts[0] == counts[1], f"{path}: {counts}"


def test_proposed_edits_are_listed_and_reviewed(debate, student, moderator, outsider, position):
    mine = make_claim(debate=debate, kind="argument", parent=position, relation="supports",
                      text="Mine.", author=student, status="published")  # fmt: skip
    url = f"{API}/claims/{mine.pk}/"
    client_for(student).patch(url, {"text": "Mine, better.", "version": 1}, format="json")
    client_for(student).patch(url, {"text": "Mine, best.", "version": 1}, format="json")
    edits = f"{API}/debates/rivers/edits/"
    queue = client_for(moderator).get(edits, {"status": "proposed"}).json()["results"]
    assert [e["text"] for e in queue] == ["Mine, best."]
    assert client_for(outsider).get(edits).json()["results"] == []
    assert len(client_for(student).get(edits).json()["results"]) == 2  # one withdrawn
    pk = queue[0]["id"]
    error_of(client_for(student).post(f"{API}/edits/{pk}/approve/", {}), 403)
    error_of(client_for(outsider).post(f"{API}/edits/{pk}/approve/", {}), 404)
    assert (
        "reason" in error_of(client_for(moderator).post(f"{API}/edits/{pk}/reject/"), 400)["fields"]
    )
    approved = client_for(moderator).post(f"{API}/edits/{pk}/approve/", {}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert client_for().get(url).json()["text"] == "Mine, best."
    again = client_for(moderator).post(f"{API}/edits/{pk}/reject/", {"reason": "No."})
    error_of(again, 400)


def test_members_rate_claims(debate, student, outsider, position):
    url = f"{API}/claims/{position.pk}/vote/"
    rated = client_for(student).post(url, {"question": "acceptability", "value": 3})
    assert rated.status_code == 200 and rated.json() == {"question": "acceptability", "value": 3}
    error_of(client_for(outsider).post(url, {"question": "acceptability", "value": 3}), 403)
    too_high = client_for(student).post(url, {"question": "acceptability", "value": 9})
    assert "value" in error_of(too_high, 400)["fields"]
    relevance = client_for(student).post(url, {"question": "relevance", "value": 2})
    assert "Only arguments" in error_of(relevance, 400)["message"]
    assert client_for(student).delete(url, {"question": "acceptability"}).status_code == 204


def test_no_evidence_from_a_source_one_cannot_read(debate, teacher, outsider, position):
    from debates.models import Passage, Source

    private = source_factory(ARTICLE, created_by=outsider, visibility=Source.Visibility.PRIVATE)
    passage = Passage.objects.filter(source=private).first()
    url = f"{API}/claims/{position.pk}/evidence/"
    client = client_for(teacher)
    before = (Evidence.objects.count(), Passage.objects.count())
    error_of(client.post(url, {"passage": passage.pk}, format="json"), 403)
    quote = {"source": private.pk, "quote": "Barges carried grain cheaply"}
    error_of(client.post(url, quote, format="json"), 403)
    assert (Evidence.objects.count(), Passage.objects.count()) == before

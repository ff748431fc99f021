"""The W3C Web Annotation Protocol endpoints (debates.api.w3c) and `import_annotations`.

Every document the endpoints serve is judged by the W3C WG's MUST schemas (must_failures).
"""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from debates import services
from debates.formats.w3c import MEDIA_TYPE
from debates.models import Annotation

from .factories import ARTICLE, UserFactory, annotate_quote, source_factory
from .w3c_conformance import must_failures

SERVICE = "http://www.w3.org/ns/oa#annotationService"
IRIS = 'return=representation; include="http://www.w3.org/ns/oa#PreferContainedIRIs"'
MINIMAL = 'return=representation; include="http://www.w3.org/ns/ldp#PreferMinimalContainer"'
NO_TARGET = '{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation"}'


def container(source) -> str:
    return f"/sources/{source.pk}/annotations/"


def iri(annotation) -> str:
    return f"/sources/{annotation.anchor.source_id}/annotations/{annotation.pk}"


def note(source, author, quote, body="A note.", visibility="public", **fields) -> Annotation:
    return annotate_quote(source, quote, author, body=body, visibility=visibility, **fields)


def token_client(user, **kwargs) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(headers={"authorization": f"Token {token.key}"}, **kwargs)


def logged_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def new_annotation(source, exact, body="Rivers matter.", **extra) -> dict:
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "body": {"type": "TextualBody", "value": body, "purpose": "commenting"},
        "target": {
            "source": f"http://testserver/sources/{source.pk}/",
            "selector": {"type": "TextQuoteSelector", "exact": exact},
        },
        **extra,
    }


def post(client, source, document, content_type=MEDIA_TYPE, **kwargs):
    body = document if isinstance(document, str) else json.dumps(document)
    return client.post(container(source), data=body, content_type=content_type, **kwargs)


def put(client, annotation, document, **headers):
    return client.put(
        iri(annotation), data=json.dumps(document), content_type=MEDIA_TYPE, headers=headers
    )


def vary(response) -> set[str]:
    return {value.strip().lower() for value in response["Vary"].split(",")}


def every_item(client, source) -> list[dict]:
    """Follow the collection's pages from `first` to the end."""
    collection = client.get(container(source)).json()
    page, items = collection["first"], []
    while True:
        items += page["items"]
        if "next" not in page:
            return items
        page = client.get(page["next"]).json()


# --- reading ---------------------------------------------------------------------------------


def test_annotation_iri_serves_conformant_jsonld_with_protocol_headers(source, teacher):
    annotation = note(source, teacher, "rivers shape the towns", tags=["geo"])
    response = Client().get(iri(annotation))

    assert response.status_code == 200
    assert response["Content-Type"] == MEDIA_TYPE
    assert response["ETag"].startswith('"') and len(response["ETag"]) > 10
    assert response["Link"] == '<http://www.w3.org/ns/ldp#Resource>; rel="type"'
    assert response["Allow"] == "GET,PUT,DELETE,HEAD,OPTIONS"
    assert "accept" in vary(response)
    document = response.json()
    assert must_failures(document, "annotation") == []
    assert document["id"] == f"http://testserver{iri(annotation)}"
    assert document["creator"]["id"] == "http://testserver/accounts/people/teacher/"
    assert document["creator"]["name"] == "Ms Teacher"
    assert document["target"]["source"] == f"http://testserver/sources/{source.pk}/"
    quote, position = document["target"]["selector"]
    assert quote["exact"] == "rivers shape the towns"
    assert source.current_revision.text[position["start"] : position["end"]] == quote["exact"]
    assert {"type": "TextualBody", "value": "geo", "purpose": "tagging"} in document["body"]


def test_reply_targets_its_parent_annotation_iri(source, teacher, student):
    parent = note(source, teacher, "Barges carried grain cheaply.")
    reply = services.annotation_reply(actor=student, parent=parent, body="Why cheaply?")

    document = Client().get(iri(reply)).json()

    assert must_failures(document, "annotation") == []
    assert document["motivation"] == "replying"
    assert document["target"] == f"http://testserver{iri(parent)}"


def test_etag_changes_on_every_edit(source, teacher):
    annotation = note(source, teacher, "Floods destroyed harbours")
    before = Client().get(iri(annotation))["ETag"]
    services.annotation_update(
        actor=annotation.author, annotation=annotation, body="A note.", tags=[]
    )

    assert Client().get(iri(annotation))["ETag"] != before


def test_unchanged_annotation_answers_304_to_if_none_match(source, teacher):
    annotation = note(source, teacher, "Floods destroyed harbours")
    etag = Client().get(iri(annotation))["ETag"]

    response = Client().get(iri(annotation), headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response["ETag"] == etag


def test_head_and_options_answer_with_the_protocol_headers(source, teacher):
    annotation = note(source, teacher, "Floods destroyed harbours")
    client = Client()

    head = client.head(iri(annotation))
    assert head.status_code == 200
    assert head["ETag"] == client.get(iri(annotation))["ETag"]
    assert head.content == b""
    options = client.options(iri(annotation))
    assert options.status_code == 200
    assert options["Allow"] == "GET,PUT,DELETE,HEAD,OPTIONS"
    container_options = client.options(container(source))
    assert container_options["Allow"] == "GET,POST,HEAD,OPTIONS"
    assert container_options["Accept-Post"] == MEDIA_TYPE
    assert client.head(container(source)).status_code == 200


def test_container_embeds_the_first_page_of_descriptions_by_default(source, teacher, student):
    first = note(source, teacher, "rivers shape the towns")
    reply = services.annotation_reply(actor=student, parent=first, body="Agreed.")
    later = note(source, student, "Floods left fertile soil behind.", tags=["soil"])

    response = Client().get(container(source))

    assert response.status_code == 200
    assert response["Content-Type"] == MEDIA_TYPE
    document = response.json()
    assert must_failures(document, "collection") == []
    assert must_failures(document, "page") == []  # the embedded first page
    assert document["id"] == f"http://testserver{container(source)}"
    assert document["total"] == 3
    ids = [item["id"] for item in document["first"]["items"]]
    assert ids == [f"http://testserver{iri(a)}" for a in (first, reply, later)]


def test_container_headers_follow_the_protocol(source, teacher):
    note(source, teacher, "rivers shape the towns")

    response = Client().get(container(source))

    links = response["Link"]
    assert '<http://www.w3.org/ns/ldp#BasicContainer>; rel="type"' in links
    assert (
        '<http://www.w3.org/TR/annotation-protocol/>; rel="http://www.w3.org/ns/ldp#constrainedBy"'
        in links
    )
    assert response["Allow"] == "GET,POST,HEAD,OPTIONS"
    assert response["Accept-Post"] == MEDIA_TYPE
    assert response["ETag"].startswith('"')
    assert {"accept", "prefer"} <= vary(response)


def test_container_etag_changes_when_an_annotation_is_added(source, teacher):
    note(source, teacher, "rivers shape the towns")
    before = Client().get(container(source))["ETag"]
    note(source, teacher, "Floods destroyed harbours")

    assert Client().get(container(source))["ETag"] != before


def test_pages_link_next_prev_and_part_of(source, teacher, settings):
    settings.CRUX_ANNOTATION_PAGE_SIZE = 2
    quotes = ["first paragraph", "rivers shape", "Towns on rivers", "Barges", "Floods left"]
    made = [note(source, teacher, quote) for quote in quotes]
    client = Client()
    base = f"http://testserver{container(source)}"

    collection = client.get(container(source)).json()
    assert must_failures(collection, "collection") == []
    assert collection["first"]["next"] == f"{base}?page=1"
    assert collection["last"] == f"{base}?page=2"
    pages = [client.get(container(source), {"page": n}) for n in range(3)]
    for number, response in enumerate(pages):
        page = response.json()
        assert response.status_code == 200
        assert response["Content-Type"] == MEDIA_TYPE
        assert must_failures(page, "page") == []
        assert page["id"] == f"{base}?page={number}"
        assert page["partOf"]["id"] == base
        assert page["partOf"]["total"] == 5
        assert page["startIndex"] == number * 2
    first, middle, last = (response.json() for response in pages)
    assert "prev" not in first and first["next"] == f"{base}?page=1"
    assert middle["prev"] == f"{base}?page=0" and middle["next"] == f"{base}?page=2"
    assert last["prev"] == f"{base}?page=1" and "next" not in last
    assert [item["id"] for item in every_item(client, source)] == [
        f"http://testserver{iri(a)}" for a in made
    ]


def test_a_page_past_the_end_is_404(source, teacher, settings):
    settings.CRUX_ANNOTATION_PAGE_SIZE = 2
    note(source, teacher, "rivers shape")

    assert Client().get(container(source), {"page": 0}).status_code == 200
    assert Client().get(container(source), {"page": 1}).status_code == 404
    assert Client().get(container(source), {"page": "x"}).status_code == 404


def test_empty_container_still_serves_its_first_page(source):
    collection = Client().get(container(source)).json()

    assert collection["total"] == 0
    assert collection["first"]["items"] == []
    assert Client().get(container(source), {"page": 0}).status_code == 200


def test_prefer_contained_iris_lists_iris_at_the_iris_variant(source, teacher, settings):
    settings.CRUX_ANNOTATION_PAGE_SIZE = 1
    made = [note(source, teacher, q) for q in ("rivers shape", "Barges")]
    base = f"http://testserver{container(source)}"

    response = Client().get(container(source), headers={"Prefer": IRIS})

    document = response.json()
    assert must_failures(document, "collection") == []
    assert document["id"] == f"{base}?iris=1"
    assert response["Content-Location"] == f"{base}?iris=1"
    assert document["first"]["items"] == [f"http://testserver{iri(made[0])}"]
    assert document["first"]["next"] == f"{base}?iris=1&page=1"
    page = Client().get(document["first"]["next"]).json()
    assert must_failures(page, "page") == []
    assert page["items"] == [f"http://testserver{iri(made[1])}"]


def test_prefer_minimal_container_links_the_first_page(source, teacher):
    note(source, teacher, "rivers shape")

    document = Client().get(container(source), headers={"Prefer": MINIMAL}).json()

    assert must_failures(document, "collection") == []
    assert document["first"] == f"http://testserver{container(source)}?page=0"


def test_page_query_count_does_not_grow_with_annotations(db, teacher, student, outsider):
    counts = []
    for size in (5, 60):
        source = source_factory(ARTICLE)
        text = source.current_revision.text
        authors = [teacher, student, outsider]
        for i in range(size):
            start = i * 5
            annotation = services.annotation_create(
                source=source,
                start=start,
                end=start + 4,
                actor=authors[i % 3],
                body=f"Note {i}",
                tags=[f"t{i % 4}"],
                visibility="public" if i % 2 else "private",
            )
            assert text[start : start + 4].strip()
            if i % 5 == 0:
                services.annotation_reply(actor=authors[i % 3], parent=annotation, body="Reply")
        client = token_client(student)
        for query in ({}, {"page": 0}):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(container(source), query)
            assert response.status_code == 200
            counts.append((size, str(query), len(queries)))
    small = [(query, n) for size, query, n in counts if size == 5]
    large = [(query, n) for size, query, n in counts if size == 60]
    assert small == large


# --- creating --------------------------------------------------------------------------------


def test_post_with_a_token_creates_and_answers_201_with_location(source, student):
    response = post(token_client(student), source, new_annotation(source, "Barges carried grain"))

    assert response.status_code == 201
    annotation = Annotation.objects.get()
    assert response["Location"] == f"http://testserver{iri(annotation)}"
    assert response["Content-Type"] == MEDIA_TYPE
    assert response["Link"] == '<http://www.w3.org/ns/ldp#Resource>; rel="type"'
    assert response["Allow"] == "GET,PUT,DELETE,HEAD,OPTIONS"
    document = response.json()
    assert must_failures(document, "annotation") == []
    assert document["id"] == response["Location"]
    assert annotation.author == student
    assert annotation.anchor.exact == "Barges carried grain"
    assert annotation.body == "Rivers matter."
    assert annotation.visibility == "private"  # the default without crux:visibility
    assert token_client(student).get(iri(annotation))["ETag"] == response["ETag"]


def test_post_with_a_session_needs_the_csrf_token(source, student):
    client = logged_in(student, enforce_csrf_checks=True)
    document = new_annotation(source, "Barges carried grain")

    refused = post(client, source, document)
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["error"]
    client.get(f"/sources/{source.pk}/")  # the reader page sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    created = post(client, source, document, headers={"X-CSRFToken": csrf})
    assert created.status_code == 201


def test_post_with_a_token_needs_no_csrf_token(source, student):
    client = token_client(student, enforce_csrf_checks=True)

    response = post(client, source, new_annotation(source, "Barges carried grain"))

    assert response.status_code == 201


def test_post_accepts_plain_json_and_the_visibility_extension(source, student, outsider):
    document = new_annotation(source, "Barges carried grain", **{"crux:visibility": "public"})

    response = post(token_client(student), source, document, content_type="application/json")

    assert response.status_code == 201
    assert Client().get(response["Location"]).status_code == 200


def test_post_a_reply_to_an_annotation_iri(source, teacher, student):
    parent = note(source, teacher, "Barges carried grain")
    document = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "motivation": "replying",
        "body": {"type": "TextualBody", "value": "Why grain?"},
        "target": f"http://testserver{iri(parent)}",
    }

    response = post(token_client(student), source, document)

    assert response.status_code == 201, response.content
    reply = Annotation.objects.get(parent=parent)
    assert reply.body == "Why grain?" and reply.visibility == parent.visibility
    assert response.json()["target"] == f"http://testserver{iri(parent)}"


def test_post_uses_the_position_when_the_text_there_is_the_quote(source, student):
    text = source.current_revision.text
    second = text.index("rivers", text.index("rivers") + 1)
    document = new_annotation(source, "rivers")
    document["target"]["selector"] = [
        {"type": "TextQuoteSelector", "exact": "rivers"},
        {"type": "TextPositionSelector", "start": second, "end": second + 6},
    ]

    assert post(token_client(student), source, document).status_code == 201
    assert Annotation.objects.get().anchor.start == second


def test_post_disambiguates_a_repeated_quote_by_prefix(source, student):
    text = source.current_revision.text
    ambiguous = new_annotation(source, "rivers")
    client = token_client(student)

    refused = post(client, source, ambiguous)
    assert refused.status_code == 400
    assert refused.json()["error"].startswith("target.selector.exact:")
    assert "times" in refused.json()["error"]
    ambiguous["target"]["selector"]["prefix"] = "Towns on "
    assert post(client, source, ambiguous).status_code == 201
    assert Annotation.objects.get().anchor.start == text.index("Towns on rivers") + len("Towns on ")


@pytest.mark.parametrize(
    ("body", "content_type", "field"),
    [
        ("{not json", MEDIA_TYPE, "JSON"),
        (NO_TARGET, MEDIA_TYPE, "target"),
        ("[]", MEDIA_TYPE, "document"),
        ("hello", "text/plain", "text/plain"),
    ],
)  # fmt: skip
def test_post_refuses_bad_documents_naming_the_problem(source, student, body, content_type, field):
    response = post(token_client(student), source, body, content_type=content_type)

    assert response.status_code in (400, 415)
    assert field in response.json()["error"]
    assert not Annotation.objects.exists()


def test_post_refuses_a_target_on_another_source(source, student):
    other = source_factory(ARTICLE)
    document = new_annotation(other, "Barges carried grain")

    response = post(token_client(student), source, document)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error.startswith("target.source:")
    assert f"http://testserver/sources/{other.pk}/" in error


def test_post_refuses_a_quote_that_is_not_in_the_text(source, student):
    response = post(token_client(student), source, new_annotation(source, "Mountains move"))

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == (
        "target.selector.exact: the quote “Mountains move” is not in the text."
    )


def test_post_refuses_a_bad_visibility(source, student):
    document = new_annotation(source, "Barges", **{"crux:visibility": "debate"})

    response = post(token_client(student), source, document)

    assert response.status_code == 400
    assert response.json()["error"].startswith("crux:visibility:")


def test_post_refuses_a_reply_to_an_annotation_the_poster_cannot_see(source, teacher, student):
    private = note(source, teacher, "Barges", visibility="private")
    document = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "motivation": "replying",
        "bodyValue": "Sneaky.",
        "target": f"http://testserver{iri(private)}",
    }

    response = post(token_client(student), source, document)

    assert response.status_code == 400
    assert response.json()["error"].startswith("target:")


def test_anonymous_post_is_401_asking_for_a_token(source):
    response = post(Client(), source, new_annotation(source, "Barges"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "error" in response.json()


# --- updating and deleting -------------------------------------------------------------------


def test_put_with_the_current_etag_updates_body_tags_and_motivation(source, student):
    annotation = note(source, student, "Barges carried grain")
    client = token_client(student)
    read = client.get(iri(annotation))
    document = read.json()
    document["body"] = [
        {"type": "TextualBody", "value": "Changed.", "purpose": "commenting"},
        {"type": "TextualBody", "value": "trade", "purpose": "tagging"},
    ]
    document["motivation"] = "questioning"

    response = put(client, annotation, document, **{"If-Match": read["ETag"]})

    assert response.status_code == 200, response.content
    assert must_failures(response.json(), "annotation") == []
    assert response["ETag"] != read["ETag"]
    annotation.refresh_from_db()
    assert annotation.body == "Changed."
    assert annotation.motivation == "questioning"
    assert [t.name for t in annotation.tags.all()] == ["trade"]


def test_put_with_a_stale_etag_is_412(source, student):
    annotation = note(source, student, "Barges carried grain")
    client = token_client(student)
    read = client.get(iri(annotation))
    services.annotation_update(
        actor=annotation.author, annotation=annotation, body="Edited elsewhere.", tags=[]
    )

    response = put(client, annotation, read.json(), **{"If-Match": read["ETag"]})

    assert response.status_code == 412
    annotation.refresh_from_db()
    assert annotation.body == "Edited elsewhere."


def test_put_without_if_match_is_428(source, student):
    annotation = note(source, student, "Barges carried grain")
    client = token_client(student)

    response = put(client, annotation, client.get(iri(annotation)).json())

    assert response.status_code == 428
    assert response.json()["error"].startswith("If-Match:")


def test_put_by_someone_else_is_403(source, teacher, student):
    annotation = note(source, teacher, "Barges carried grain")
    client = token_client(student)
    read = client.get(iri(annotation))

    response = put(client, annotation, read.json(), **{"If-Match": read["ETag"]})

    assert response.status_code == 403
    annotation.refresh_from_db()
    assert annotation.body == "A note."


def test_put_cannot_move_the_target(source, student):
    annotation = note(source, student, "Barges carried grain")
    client = token_client(student)
    read = client.get(iri(annotation))
    document = read.json()
    document["target"]["selector"][0]["exact"] = "Floods"

    response = put(client, annotation, document, **{"If-Match": read["ETag"]})

    assert response.status_code == 400
    assert response.json()["error"].startswith("target:")


def test_delete_is_204_then_the_annotation_is_gone(source, student, teacher):
    annotation = note(source, student, "Barges carried grain")

    assert token_client(teacher).delete(iri(annotation)).status_code == 403
    assert token_client(student).delete(iri(annotation)).status_code == 204

    assert Client().get(iri(annotation)).status_code == 404
    assert token_client(teacher).get(iri(annotation)).status_code == 404
    annotation.refresh_from_db()
    assert annotation.deleted_at is not None  # soft-deleted, restorable
    assert Client().get(container(source)).json()["total"] == 0


# --- visibility ------------------------------------------------------------------------------


def test_a_private_annotation_is_seen_by_its_author_alone(source, student, outsider, teacher):
    private = note(source, student, "Barges carried grain", visibility="private")
    public = note(source, teacher, "Floods destroyed harbours")
    mine = f"http://testserver{iri(private)}"

    assert token_client(outsider).get(iri(private)).status_code == 404
    assert Client().get(iri(private)).status_code == 404
    for client in (Client(), token_client(outsider)):
        ids = [item["id"] for item in client.get(container(source)).json()["first"]["items"]]
        assert ids == [f"http://testserver{iri(public)}"]
    assert token_client(student).get(iri(private)).status_code == 200
    own = token_client(student).get(container(source)).json()
    assert mine in [item["id"] for item in own["first"]["items"]]


def test_debate_annotations_name_the_debate_as_audience(source, debate, student, outsider):
    annotation = note(source, student, "Barges", visibility="debate", debate=debate)

    document = token_client(student).get(iri(annotation)).json()

    assert must_failures(document, "annotation") == []
    assert document["audience"] == "http://testserver/debates/rivers/"
    assert token_client(outsider).get(iri(annotation)).status_code == 404


# --- discovery -------------------------------------------------------------------------------


def test_the_reader_page_advertises_the_annotation_container(source):
    response = Client().get(f"/sources/{source.pk}/")

    service = f"http://testserver{container(source)}"
    assert response.status_code == 200
    assert f'<{service}>; rel="{SERVICE}"' in response["Link"]
    assert f'<link rel="{SERVICE}" href="{service}">' in response.content.decode()


# --- import ----------------------------------------------------------------------------------


def _quotes(source) -> list[tuple]:
    return sorted(
        (
            a.anchor.exact,
            a.anchor.start,
            a.body,
            a.motivation,
            sorted(t.name for t in a.tags.all()),
            a.parent.body if a.parent else None,
        )
        for a in Annotation.objects.filter(anchor__source=source)
    )


def test_import_round_trips_an_exported_collection(source, teacher, student, tmp_path):
    root = note(source, teacher, "rivers shape the towns", tags=["geo", "towns"])
    services.annotation_reply(actor=student, parent=root, body="Agreed.")
    note(source, student, "rivers", body="", motivation="highlighting")  # the first "rivers"
    note(
        source, teacher, "Floods left fertile soil behind.", body="*Soil*", motivation="questioning"
    )
    exported = token_client(teacher).get(container(source)).json()
    path = tmp_path / "notes.jsonld"
    path.write_text(json.dumps(exported), encoding="utf-8")
    copy = source_factory(ARTICLE)
    out = StringIO()

    call_command("import_annotations", str(copy.pk), str(path), user="student", stdout=out)

    assert "Imported 4 annotations" in out.getvalue()
    assert _quotes(copy) == _quotes(source)
    assert set(Annotation.objects.filter(anchor__source=copy).values_list("author", flat=True)) == {
        student.pk
    }


def test_import_reads_a_single_annotation_and_a_list(source, student, tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps(new_annotation(source, "Barges", **{"crux:visibility": "public"})))
    call_command("import_annotations", str(source.pk), str(path), user="student", stdout=StringIO())
    path.write_text(
        json.dumps([new_annotation(source, "Floods left"), new_annotation(source, "grain")])
    )
    call_command("import_annotations", str(source.pk), str(path), user="student", stdout=StringIO())

    visibilities = Annotation.objects.order_by("pk").values_list("visibility", flat=True)
    assert list(visibilities) == ["public", "private", "private"]


def test_import_is_all_or_nothing_and_names_the_item_and_field(source, student, tmp_path):
    path = tmp_path / "bad.json"
    good = new_annotation(source, "Barges")
    path.write_text(json.dumps([good, good, new_annotation(source, "Mountains")]))

    with pytest.raises(CommandError, match=r"^item 2: target\.selector\.exact: the quote"):
        call_command("import_annotations", str(source.pk), str(path), user="student")

    assert not Annotation.objects.exists()
    path.write_text(json.dumps([good, {"type": "Annotation"}]))
    with pytest.raises(CommandError, match=r"^item 1: @context: missing"):
        call_command("import_annotations", str(source.pk), str(path), user="student")


def test_import_reports_unknown_users_sources_and_files(source, tmp_path):
    UserFactory(username="someone")
    with pytest.raises(CommandError, match="No user"):
        call_command("import_annotations", str(source.pk), "x.json", user="nobody")
    with pytest.raises(CommandError, match="No source"):
        call_command("import_annotations", "999999", "x.json", user="someone")
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_annotations", str(source.pk), str(tmp_path / "x"), user="someone")

"""W3C Web Annotation Protocol MUSTs: Content-Location on the container (4.2), and a created
annotation's `canonical` kept unchanged and its client-supplied `id` kept as `via` (5.1)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from debates.models import Annotation

from .test_w3c_protocol import (
    IRIS,
    MINIMAL,
    container,
    iri,
    new_annotation,
    note,
    post,
    put,
    token_client,
)
from .w3c_conformance import must_failures

DESCRIPTIONS = (
    'return=representation; include="http://www.w3.org/ns/oa#PreferContainedDescriptions"'
)
MINIMAL_IRIS = (
    'return=representation; include="http://www.w3.org/ns/ldp#PreferMinimalContainer '
    'http://www.w3.org/ns/oa#PreferContainedIRIs"'
)
CANONICAL = "urn:uuid:dbfb1861-0ecf-41ad-be94-a584e5c4f1df"
ELSEWHERE = "https://annotations.example.org/anno/1"


def base(source) -> str:
    return f"http://testserver{container(source)}"


# --- Content-Location (protocol 4.2) ---------------------------------------------------------


def test_the_default_container_get_names_its_representation_in_content_location(source, teacher):
    note(source, teacher, "rivers shape the towns")

    response = Client().get(container(source))

    assert response.status_code == 200
    assert response["Content-Location"] == base(source)
    assert response.json()["id"] == response["Content-Location"]
    assert response.json()["first"]["items"]  # the descriptions are embedded


@pytest.mark.parametrize(
    ("prefer", "query", "selected"),
    [
        (None, "", ""),
        (DESCRIPTIONS, "", ""),
        (IRIS, "", "?iris=1"),
        (MINIMAL, "", "?minimal=1"),
        (MINIMAL_IRIS, "", "?iris=1&minimal=1"),
        (None, "?iris=0&utm_source=feed", ""),
        (DESCRIPTIONS, "?iris=1", ""),
        (None, "?minimal=1&iris=1", "?iris=1&minimal=1"),
    ],
)
def test_content_location_is_an_iri_that_serves_the_same_representation(
    source, teacher, prefer, query, selected
):
    note(source, teacher, "rivers shape the towns")
    headers = {"Prefer": prefer} if prefer else {}

    response = Client().get(container(source) + query, headers=headers)

    location = response["Content-Location"]
    assert location == base(source) + selected
    assert response.json()["id"] == location
    assert must_failures(response.json(), "collection") == []
    again = Client().get(location)  # no Prefer header: the IRI alone selects it
    assert again.json() == response.json()
    assert again["ETag"] == response["ETag"]
    assert again["Content-Location"] == location


def test_the_minimal_container_shares_its_pages_with_the_full_one(source, teacher):
    note(source, teacher, "rivers shape the towns")

    minimal = Client().get(container(source), headers={"Prefer": MINIMAL}).json()
    full = Client().get(container(source)).json()

    assert minimal["id"] == f"{base(source)}?minimal=1"
    assert minimal["first"] == full["first"]["id"] == f"{base(source)}?page=0"
    assert minimal["last"] == full["last"]


def test_each_representation_has_its_own_etag(source, teacher):
    note(source, teacher, "rivers shape the towns")
    client = Client()

    etags = {
        client.get(container(source), headers={"Prefer": prefer})["ETag"]
        for prefer in (DESCRIPTIONS, IRIS, MINIMAL, MINIMAL_IRIS)
    }

    assert len(etags) == 4


def test_304_and_head_repeat_the_content_location(source, teacher):
    note(source, teacher, "rivers shape the towns")
    client = Client()
    first = client.get(container(source), headers={"Prefer": IRIS})

    unchanged = client.get(
        container(source), headers={"Prefer": IRIS, "If-None-Match": first["ETag"]}
    )
    head = client.head(container(source), headers={"Prefer": IRIS})

    assert unchanged.status_code == 304
    assert unchanged["Content-Location"] == first["Content-Location"] == f"{base(source)}?iris=1"
    assert head["Content-Location"] == first["Content-Location"]
    assert head["ETag"] == first["ETag"]
    # The same ETag for another representation is not a match.
    other = client.get(container(source), headers={"If-None-Match": first["ETag"]})
    assert other.status_code == 200


def test_a_page_names_its_own_iri_in_content_location(source, teacher, settings):
    settings.CRUX_ANNOTATION_PAGE_SIZE = 1
    note(source, teacher, "rivers shape the towns")
    note(source, teacher, "Barges carried grain")

    response = Client().get(container(source), {"page": 1, "iris": 1, "minimal": 1})

    assert response["Content-Location"] == f"{base(source)}?iris=1&page=1"
    assert response.json()["id"] == response["Content-Location"]
    assert must_failures(response.json(), "page") == []


# --- canonical and via (protocol 5.1) --------------------------------------------------------


def test_a_created_annotation_keeps_canonical_and_its_client_id_as_via(source, student):
    document = new_annotation(source, "Barges carried grain", id=ELSEWHERE, canonical=CANONICAL)

    response = post(token_client(student), source, document)

    assert response.status_code == 201, response.content
    created = response.json()
    annotation = Annotation.objects.get()
    assert created["id"] == response["Location"] == f"http://testserver{iri(annotation)}"
    assert created["canonical"] == CANONICAL
    assert created["via"] == ELSEWHERE
    assert must_failures(created, "annotation") == []
    assert (annotation.canonical, annotation.via) == (CANONICAL, [ELSEWHERE])
    assert token_client(student).get(iri(annotation)).json() == created


def test_the_client_id_goes_ahead_of_the_via_it_already_had(source, student):
    earlier = "https://first.example.net/notes/7"
    document = new_annotation(source, "Barges carried grain", id=ELSEWHERE, via=[earlier])

    created = post(token_client(student), source, document).json()

    assert created["via"] == [ELSEWHERE, earlier]
    assert "canonical" not in created
    assert must_failures(created, "annotation") == []


def test_an_annotation_without_id_or_canonical_has_neither_added(source, student):
    created = post(token_client(student), source, new_annotation(source, "Barges")).json()

    assert "canonical" not in created and "via" not in created


def test_a_reply_keeps_its_client_id_as_via(source, teacher, student):
    parent = note(source, teacher, "Barges carried grain")
    document = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "id": ELSEWHERE,
        "motivation": "replying",
        "body": {"type": "TextualBody", "value": "Why grain?"},
        "target": f"http://testserver{iri(parent)}",
    }

    response = post(token_client(student), source, document)

    assert response.status_code == 201, response.content
    assert response.json()["via"] == ELSEWHERE
    assert Annotation.objects.get(parent=parent).via == [ELSEWHERE]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"canonical": "not an iri"}, "canonical"),
        ({"canonical": [CANONICAL, ELSEWHERE]}, "canonical"),
        ({"via": ["https://ok.example/1", 7]}, "via[1]"),
        ({"via": "https://example.org/" + "x" * 2000}, "via"),
    ],
)
def test_post_refuses_bad_canonical_and_via(source, student, extra, field):
    response = post(token_client(student), source, new_annotation(source, "Barges", **extra))

    assert response.status_code == 400
    assert response.json()["error"].startswith(f"{field}:")
    assert not Annotation.objects.exists()


def test_put_keeps_canonical_and_via_and_refuses_to_change_canonical(source, student):
    document = new_annotation(source, "Barges carried grain", id=ELSEWHERE, canonical=CANONICAL)
    client = token_client(student)
    location = post(client, source, document)["Location"]
    annotation = Annotation.objects.get()
    read = client.get(location)
    changed = read.json() | {"canonical": "urn:uuid:00000000-0000-0000-0000-000000000000"}

    refused = put(client, annotation, changed, **{"If-Match": read["ETag"]})
    edited = read.json() | {"bodyValue": "Edited."}
    del edited["body"], edited["canonical"], edited["via"]  # left out: kept
    accepted = put(client, annotation, edited, **{"If-Match": read["ETag"]})

    assert refused.status_code == 400
    assert refused.json()["error"].startswith("canonical:")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["canonical"] == CANONICAL
    assert accepted.json()["via"] == ELSEWHERE
    annotation.refresh_from_db()
    assert (annotation.body, annotation.canonical) == ("Edited.", CANONICAL)


def test_an_imported_file_keeps_each_ones_id_as_via(source, teacher, student, tmp_path):
    exported = note(source, teacher, "rivers shape the towns", canonical=CANONICAL)
    document = token_client(teacher).get(iri(exported)).json()
    path = tmp_path / "one.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")

    call_command("import_annotations", str(source.pk), str(path), user="student", stdout=StringIO())

    copy = Annotation.objects.exclude(pk=exported.pk).get()
    assert copy.canonical == CANONICAL
    assert copy.via == [f"http://testserver{iri(exported)}"]

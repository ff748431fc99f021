"""The write throttle (debates/throttle.py): a shared token bucket per person or address."""

import json

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token

from debates import throttle
from debates.models import Annotation, Claim

from .factories import ClaimFactory

LIMITS = {"CRUX_WRITE_RATE": 1, "CRUX_WRITE_BURST": 10}
HX = {"HTTP_HX_REQUEST": "true"}
QUOTE = "Barges carried grain cheaply."


def note_data(source) -> dict:
    start = source.current_revision.text.index(QUOTE)
    return {
        "note-start": start,
        "note-end": start + len(QUOTE),
        "note-revision": source.current_revision.number,
        "note-body": "Spam.",
        "note-motivation": "commenting",
        "note-visibility": "public",
    }


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_bucket_refills_at_the_rate(db):
    keys = ["w:test"]
    assert all(throttle.take(keys, rate=1, burst=3, now=100.0) == 0 for _ in range(3))
    assert throttle.take(keys, rate=1, burst=3, now=100.0) == pytest.approx(1.0)
    assert throttle.take(keys, rate=1, burst=3, now=100.5) == pytest.approx(0.5)
    assert throttle.take(keys, rate=1, burst=3, now=101.0) == 0  # one token back
    assert throttle.take(keys, rate=1, burst=3, now=101.0) == pytest.approx(1.0)
    assert throttle.take(keys, rate=0, burst=3, now=101.0) == 0  # rate 0: off


def test_the_buckets_are_in_the_shared_database_cache(db):
    cache = caches[throttle.CACHE_ALIAS]
    assert cache.__class__.__name__ == "DatabaseCache"
    throttle.take(["w:shared"], rate=1, burst=2)
    assert cache.get("w:shared") is not None  # a row of the crux_cache table


@override_settings(**LIMITS)
def test_a_burst_of_notes_is_cut_at_the_eleventh(source, student, teacher):
    client = logged_in(student)
    url = reverse("debates:annotation_new", args=[source.pk])
    statuses = [client.post(url, note_data(source)).status_code for _ in range(12)]
    assert statuses[:10] == [302] * 10
    assert statuses[10:] == [429, 429]
    assert Annotation.objects.filter(author=student).count() == 10  # nothing written after
    refused = client.post(url, note_data(source))
    assert refused.status_code == 429
    assert refused["Retry-After"] == "1"
    page = refused.content.decode()
    assert "You are writing faster than Crux allows; wait 1 second" in page
    assert "<html" in page  # a page of its own, with a way back
    # Another person's bucket is their own.
    assert logged_in(teacher).post(url, note_data(source)).status_code == 302
    # Reading is never throttled.
    assert client.get(reverse("debates:source", args=[source.pk])).status_code == 200


@override_settings(CRUX_WRITE_RATE=1, CRUX_WRITE_BURST=2)
def test_the_back_link_returns_to_the_form(source, student):
    client = logged_in(student)
    url = reverse("debates:annotation_new", args=[source.pk])
    reader = f"http://testserver{reverse('debates:source', args=[source.pk])}"
    for _ in range(2):
        client.post(url, note_data(source))
    refused = client.post(url, note_data(source), HTTP_REFERER=reader)
    assert refused.status_code == 429 and f'href="{reader}"' in refused.content.decode()
    elsewhere = client.post(url, note_data(source), HTTP_REFERER="https://evil.example/")
    assert "evil.example" not in elsewhere.content.decode()


@override_settings(CRUX_WRITE_RATE=0, CRUX_WRITE_BURST=1)
def test_rate_zero_turns_it_off(source, student):
    client = logged_in(student)
    url = reverse("debates:annotation_new", args=[source.pk])
    assert {client.post(url, note_data(source)).status_code for _ in range(4)} == {302}


@override_settings(CRUX_WRITE_RATE=1, CRUX_WRITE_BURST=3)
def test_signed_out_writes_are_counted_per_address(db):
    data = {"username": "ada", "email": "ada@example.org", "password1": "x", "password2": "y"}
    url = reverse("accounts:signup")
    here = Client(REMOTE_ADDR="198.51.100.7")
    statuses = [here.post(url, data).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]  # invalid forms count too: each is a write
    # The same address with a fresh session is the same bucket; another address is not.
    assert Client(REMOTE_ADDR="198.51.100.7").post(url, data).status_code == 429
    assert Client(REMOTE_ADDR="198.51.100.8").post(url, data).status_code == 200


@override_settings(CRUX_WRITE_RATE=1, CRUX_WRITE_BURST=2)
def test_login_is_left_to_axes(student):
    client = Client(REMOTE_ADDR="198.51.100.9")
    url = reverse("login")
    statuses = {
        client.post(url, {"username": "nobody", "password": "wrong"}).status_code for _ in range(3)
    }
    assert 429 not in statuses


@override_settings(CRUX_WRITE_RATE=1, CRUX_WRITE_BURST=2)
def test_the_w3c_post_gets_a_json_429(source, student):
    token, _ = Token.objects.get_or_create(user=student)
    api = Client(headers={"authorization": f"Token {token.key}"})
    document = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "body": {"type": "TextualBody", "value": "Hi", "purpose": "commenting"},
        "target": {
            "source": f"http://testserver/sources/{source.pk}/",
            "selector": {"type": "TextQuoteSelector", "exact": QUOTE},
        },
    }
    url = f"/sources/{source.pk}/annotations/"
    media = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
    statuses = [
        api.post(url, json.dumps(document), content_type=media).status_code for _ in range(2)
    ]
    assert statuses == [201, 201]
    refused = api.post(url, json.dumps(document), content_type=media)
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("application/json")
    assert refused["Retry-After"] == "1"
    assert refused.json() == {
        "error": "You are writing faster than Crux allows; wait 1 second and try again."
    }
    assert Annotation.objects.filter(author=student).count() == 2
    # The token's owner is one bucket with their browser session.
    assert (
        logged_in(student)
        .post(reverse("debates:annotation_new", args=[source.pk]), note_data(source))
        .status_code
        == 429
    )


@override_settings(CRUX_WRITE_RATE=1, CRUX_WRITE_BURST=1)
def test_the_htmx_claim_form_gets_the_message_in_place(debate, teacher):
    issue = ClaimFactory(debate=debate, text="Should towns be built on rivers?")
    client = logged_in(teacher)
    url = reverse("debates:claim_add", args=[debate.slug])
    data = {"parent": issue.pk, "text": "Yes, for trade", "stance": "supports"}
    assert client.post(url, data, **HX).status_code == 200
    refused = client.post(url, {**data, "text": "Yes, for mills"}, **HX)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "1"
    assert refused["HX-Reswap"] == "none"
    fragment = refused.content.decode()
    assert fragment.startswith('<p class="message message-error throttle-message" role="alert"')
    assert "wait 1 second and try again" in fragment and "<html" not in fragment
    assert not Claim.objects.filter(text="Yes, for mills").exists()

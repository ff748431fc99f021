"""The reader pages its notes (CRUX_READER_NOTES_PAGE): many notes cannot swamp it."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from debates.models import Anchor, Annotation

from .factories import UserFactory


def spam(source, author, count, step=1):
    revision = source.current_revision
    at = [n % 50 if step == 1 else 60 + n * step for n in range(count)]
    anchors = Anchor.objects.bulk_create(
        Anchor(source=source, revision=revision, start=s, end=s + 3, exact="x") for s in at
    )
    Annotation.objects.bulk_create(
        Annotation(anchor=a, author=author, body=f"spam {n}", visibility="public")
        for n, a in enumerate(anchors)
    )


def note_ids(html):
    return re.findall(r'<li class="note-item[^"]*" id="note-(\d+)"', html)


@pytest.mark.django_db
def test_the_first_page_shows_fifty_and_more_loads_the_next(client, source, settings):
    settings.CRUX_READER_NOTES_PAGE = 50
    spam(source, UserFactory(username="spammer"), 120)
    url = reverse("debates:source", args=[source.pk])
    html = client.get(url).content.decode()
    first = note_ids(html)
    assert len(first) == 50 and 'Notes <span class="count">(120)' in html
    assert "Show more notes" in html and f'hx-get="{url}?notes_page=2"' in html
    assert html.count('class="hl-note') >= 1 or "annotation-" in html  # every note marked
    more = client.get(f"{url}?notes_page=2", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="notes-more")
    fragment = more.content.decode()
    second = note_ids(fragment)
    assert len(second) == 50 and not set(first) & set(second) and "<html" not in fragment
    assert f'hx-get="{url}?notes_page=3"' in fragment
    # Without JavaScript the link opens the reader at that page.
    third = client.get(f"{url}?notes_page=3").content.decode()
    assert len(note_ids(third)) == 20 and "Show more notes" not in third
    assert "First notes" in third


@pytest.mark.django_db
def test_highlights_mark_every_note_and_link_to_its_page(client, source, settings):
    settings.CRUX_READER_NOTES_PAGE = 10
    assert len(source.current_revision.text) > 60 + 25 * 4
    spam(source, UserFactory(username="spammer"), 25, step=4)  # apart, so each is marked
    html = client.get(reverse("debates:source", args=[source.pk])).content.decode()
    marked = set(re.findall(r'id="annotation-(\d+)"', html))
    shown = set(note_ids(html))
    assert len(shown) == 10 and len(marked - shown) >= 10  # notes on later pages marked too
    assert "?notes_page=3#note-" in html


@pytest.mark.django_db
def test_the_query_count_is_the_same_for_60_and_600_notes(client, source, settings):
    settings.CRUX_READER_NOTES_PAGE = 50
    url = reverse("debates:source", args=[source.pk])
    spammer = UserFactory(username="spammer")
    counts = []
    for count in (60, 540):
        spam(source, spammer, count)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]

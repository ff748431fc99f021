"""New revisions re-anchor every note and citation; orphans are kept and re-attachable."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from debates import services
from debates.models import Anchor, Annotation, Evidence, SourceRevision
from debates.services import sources as source_services

from .factories import ClaimFactory, DebateFactory, annotate_quote, make_evidence

TEXT = """Harbours

Old harbours silted up within a century. Dredging them cost more than the trade they brought.

Towns moved their quays downstream when the river changed course. The merchants followed the water.

Some councils recieve tolls from every barge that passes the bridge at high tide.
"""


@pytest.fixture
def harbour(db, teacher):
    return services.source_import(text=TEXT, actor=teacher, visibility="public")


def note_on(source, quote, author, body="note"):
    return annotate_quote(source, quote, author, body=body)


def revise(source, text, user=None):
    return services.source_revise(source=source, text=text, actor=user or source.created_by)


def located(annotation) -> str:
    annotation.anchor.refresh_from_db()
    anchor = annotation.anchor
    text = anchor.source.current_revision.text if anchor.status == "anchored" else None
    return text[anchor.start : anchor.end] if text else None


def test_text_inserted_before_the_anchor_moves_it(harbour, teacher):
    note = note_on(harbour, "The merchants followed the water.", teacher)
    revision = revise(
        harbour, TEXT.replace("Old harbours", "Many old harbours, all along the coast,")
    )
    assert located(note) == "The merchants followed the water."
    assert note.anchor.revision == revision
    assert revision.report["moved"] >= 1 and revision.report["orphaned"] == 0


def test_a_typo_fixed_inside_the_anchor_matches_fuzzily(harbour, teacher):
    quote = "Some councils recieve tolls from every barge that passes the bridge at high tide."
    note = note_on(harbour, quote, teacher)
    revision = revise(harbour, TEXT.replace("recieve", "receive"))
    assert located(note) == quote.replace("recieve", "receive")
    assert revision.report["fuzzy"] == 1


def test_a_reworded_sentence_matches_fuzzily(harbour, teacher):
    note = note_on(harbour, "Dredging them cost more than the trade they brought.", teacher)
    revise(harbour, TEXT.replace("cost more than the trade", "cost far more than all the trade"))
    assert located(note) == "Dredging them cost far more than all the trade they brought."


def test_a_deleted_sentence_orphans_the_note_but_keeps_it(harbour, teacher, client):
    note = note_on(harbour, "The merchants followed the water.", teacher, body="about merchants")
    revision = revise(harbour, TEXT.replace(" The merchants followed the water.", ""))
    note.anchor.refresh_from_db()
    assert note.anchor.status == Anchor.Status.ORPHANED
    assert note.anchor.exact == "The merchants followed the water."  # the quote is kept
    assert Annotation.objects.filter(pk=note.pk).exists()
    assert revision.report["orphaned"] == 1
    client.force_login(teacher)
    page = client.get(reverse("debates:revision", args=[harbour.pk, revision.number]))
    assert "The merchants followed the water." in page.content.decode()
    reader = client.get(harbour.get_absolute_url()).content.decode()
    assert "Notes that lost their place" in reader and "about merchants" in reader


def test_a_duplicate_elsewhere_does_not_capture_the_anchor(harbour, teacher):
    quote = "The merchants followed the water."
    note = note_on(harbour, quote, teacher)
    changed = TEXT.replace("Old harbours silted up", f"{quote} Old harbours silted up")
    revise(harbour, changed)
    note.anchor.refresh_from_db()
    assert note.anchor.start == changed.index("course. The merchants") + len("course. ")


def test_cited_passages_re_anchor_too_and_new_blocks_become_passages(harbour, teacher):
    debate = DebateFactory(owner=teacher)
    claim = ClaimFactory(debate=debate)
    passage = source_services.passage_for_quote(
        source=harbour, quote="The merchants followed the water."
    )
    make_evidence(claim=claim, passage=passage, author=teacher, relation="context")
    revision = revise(harbour, "Intro line added.\n\n" + TEXT.split("\n", 1)[1])
    passage.anchor.refresh_from_db()
    assert passage.anchor.revision == revision and passage.anchor.status == "anchored"
    assert revision.report["new_passages"] >= 1
    assert Evidence.objects.filter(passage=passage).count() == 1


def test_same_text_is_refused_and_writes_nothing(harbour):
    with pytest.raises(ValidationError, match="same as the current revision"):
        revise(harbour, TEXT)
    assert SourceRevision.objects.filter(source=harbour).count() == 1


def test_revisions_are_numbered_and_old_ones_kept(harbour):
    revise(harbour, TEXT + "\nA new closing paragraph.\n")
    revise(harbour, TEXT + "\nAnother closing paragraph.\n")
    assert list(harbour.revisions.values_list("number", flat=True)) == [1, 2, 3]
    assert harbour.revisions.get(number=1).text == TEXT


def test_orphan_can_be_reattached_by_hand(harbour, teacher, client, outsider):
    note = note_on(harbour, "The merchants followed the water.", teacher)
    revise(harbour, TEXT.replace("The merchants followed the water.", "Traders went with it."))
    note.anchor.refresh_from_db()
    assert note.anchor.status == "orphaned"
    url = reverse("debates:anchor_reattach", args=[harbour.pk, note.anchor.pk])
    client.force_login(outsider)
    assert client.post(url, {"quote": "Traders went with it."}).status_code == 403
    client.force_login(teacher)
    bad = client.post(url, {"quote": "not in the text"}, follow=True)
    assert "not in the current text" in bad.content.decode()
    client.post(url, {"quote": "Traders went with it."})
    assert located(note) == "Traders went with it."


def test_revision_form_pastes_a_new_text_and_shows_the_report(harbour, teacher, client, outsider):
    url = reverse("debates:revision_new", args=[harbour.pk])
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    client.force_login(teacher)
    note_on(harbour, "The merchants followed the water.", teacher)
    assert TEXT in client.get(url).content.decode()
    response = client.post(
        url, {"text": "Preface.\n\n" + TEXT.split("\n", 1)[1], "note": "preface"}
    )
    assert response["Location"] == reverse("debates:revision", args=[harbour.pk, 2])
    page = client.get(response["Location"]).content.decode()
    assert "Re-anchoring report" in page and "Moved (same words, new place)" in page
    empty = client.post(url, {"text": ""})
    assert empty.status_code == 400


WORDS = st.sampled_from("the river harbour town trade barge toll quay water bridge".split())
EDIT = st.tuples(
    st.sampled_from(["insert", "delete", "replace"]), st.floats(0, 1), st.lists(WORDS, max_size=4)
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=st.lists(EDIT, min_size=1, max_size=6))
def test_random_edits_never_lose_an_annotation(db, teacher, edits):
    source = services.source_import(text=TEXT, actor=teacher)
    quotes = ["silted up within a century", "The merchants followed the water.", "tolls from every"]
    notes = [note_on(source, quote, teacher) for quote in quotes]
    words = source.current_revision.text.split(" ")
    for kind, where, new in edits:
        at = int(where * (len(words) - 1))
        if kind == "insert":
            words[at:at] = new
        elif kind == "delete" and len(words) > 5:
            del words[at : at + 2]
        else:
            words[at : at + 1] = new or ["x"]
    new_text = " ".join(words)
    if new_text.strip() == source.current_revision.text.strip():
        return
    try:
        services.source_revise(actor=teacher, source=source, text=new_text)
    except ValidationError:
        return  # an edit can leave no article (e.g. only a title); nothing is written then
    text = source.revisions.order_by("-number").first().text
    for note in notes:
        assert Annotation.objects.filter(pk=note.pk).exists()
        note.anchor.refresh_from_db()
        if note.anchor.status == "anchored":
            assert text[note.anchor.start : note.anchor.end] == note.anchor.exact
        else:
            assert note.anchor.status == "orphaned" and note.anchor.exact

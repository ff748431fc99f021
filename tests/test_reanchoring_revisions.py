"""Re-anchoring through a new revision (services.source_revise): short quotes need their
context, a fuzzy match keeps the whole reworded quote, and look-alikes go to the nearest."""

import pytest

from debates import services
from debates.models import Anchor

from .factories import annotate_quote

TEXT = """Harbours

Old harbours silted up within a century. Many years later the council dredged them again.

The ferry left at dawn. Behind the church stood an old house with a blue door.

Towns moved their quays downstream when the river changed course.
"""


@pytest.fixture
def harbour(db, teacher):
    return services.source_import(text=TEXT, actor=teacher, visibility="public")


def revise(source, text):
    return services.source_revise(source=source, text=text, actor=source.created_by)


def located(annotation) -> str | None:
    annotation.anchor.refresh_from_db()
    anchor = annotation.anchor
    if anchor.status != Anchor.Status.ANCHORED:
        return None
    return anchor.source.current_revision.text[anchor.start : anchor.end]


def test_a_noted_word_whose_sentence_was_rewritten_is_orphaned_not_moved(harbour, teacher):
    note = annotate_quote(harbour, "house", teacher, body="Whose house?")
    rewritten = TEXT.replace(
        "Behind the church stood an old house with a blue door.",
        "Behind the church stood an old barn with a red gate. Every house in town was sold.",
    )

    revision = revise(harbour, rewritten)

    assert located(note) is None
    assert note.anchor.exact == "house"  # kept, to re-attach by hand
    assert revision.report["orphaned"] == 1 and revision.report["moved"] == 0


def test_a_reworded_first_word_stays_in_the_highlight(harbour, teacher):
    note = annotate_quote(harbour, "Many years later", teacher, body="When?")

    revision = revise(harbour, TEXT.replace("Many years later", "Some years later"))

    assert located(note) == "Some years later"
    assert revision.report["fuzzy"] == 1


def test_a_repeated_reworded_paragraph_keeps_the_note_on_its_own_copy(harbour, teacher):
    paragraph = "The ferry left at dawn. Behind the church stood an old house with a blue door.\n\n"
    text = TEXT.replace(paragraph, paragraph * 4)
    revise(harbour, text)
    harbour.refresh_from_db()
    # A note on the third copy, whose surroundings are the same as the second's.
    copies = [i for i in range(len(text)) if text.startswith("Behind the church", i)]
    quote = "Behind the church stood an old house"
    note = services.annotation_create(
        actor=teacher, source=harbour, start=copies[2], end=copies[2] + len(quote), body="This."
    )

    revise(harbour, text.replace("stood an old house", "stood an old cottage"))

    harbour.refresh_from_db()
    new_text = harbour.current_revision.text
    copies = [i for i in range(len(new_text)) if new_text.startswith("Behind the church", i)]
    assert located(note) == "Behind the church stood an old cottage"
    assert note.anchor.start == copies[2]

"""The reader's rough edges, smoothed: "· edited" only on edited notes, web addresses in notes
linked safely, quoted passages cut at words without the importer's " - " separators, and a
note's delete asked first and undone (in place with htmx, or on the reader without)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from debates import services
from debates.markdown import render_markdown
from debates.models import Annotation, AuditEntry, Evidence
from debates.templatetags.reader_notes import context_after, context_before, quote_text

from .factories import ClaimFactory, UserFactory, source_factory

HX = {"HTTP_HX_REQUEST": "true"}
QUOTE = "Barges carried grain cheaply."


@pytest.fixture
def note(source, student):
    start = source.current_revision.text.index(QUOTE)
    return services.annotation_create(
        actor=student,
        source=source,
        start=start,
        end=start + len(QUOTE),
        body="See https://example.org/rivers_and_trade. Also [this](https://example.com).",
        visibility="public",
    )


def note_html(client, source, note) -> str:
    html = client.get(source.get_absolute_url()).content.decode()
    match = re.search(rf'<li class="note-item[^"]*" id="note-{note.pk}".*?</li>', html, re.S)
    assert match, f"note-{note.pk} not on the reader"
    return match.group()


# --- "· edited" ------------------------------------------------------------------------------


def test_a_new_note_is_not_marked_edited_and_an_edited_one_is(client, source, student, note):
    client.force_login(student)
    assert "edited" not in note_html(client, source, note)
    Annotation.objects.filter(pk=note.pk).update(updated_at=note.created_at + timedelta(hours=2))
    assert "edited" in note_html(client, source, note)


# --- links in notes ----------------------------------------------------------------------------


def test_web_addresses_in_notes_become_safe_links(client, source, student, note):
    html = render_markdown("Read https://example.org/a_b_c. And `https://code.example`.")
    assert (
        '<a href="https://example.org/a_b_c" rel="nofollow noopener ugc">'
        "https://example.org/a_b_c</a>." in html
    )
    assert "<code>https://code.example</code>" in html  # not in code
    assert render_markdown("(see https://example.org/x)").count("</a>)") == 1
    assert "href" not in render_markdown("javascript:alert(1)")
    client.force_login(student)
    body = note_html(client, source, note)
    assert 'href="https://example.org/rivers_and_trade" rel="nofollow noopener ugc"' in body
    assert 'href="https://example.com" rel="nofollow noopener ugc"' in body


# --- quoted passages ---------------------------------------------------------------------------


def test_quotes_drop_the_importers_separators_and_cut_at_words():
    assert (
        quote_text("for related topics. - Security and deterrence: Russia’s calculus")
        == "for related topics. Security and deterrence: Russia’s calculus"
    )
    assert quote_text("Prices fell - then rose.") == "Prices fell - then rose."  # a real dash
    assert quote_text("- Costs: Rebuilding cost") == "Costs: Rebuilding cost"
    # Context of 32 characters cut inside words loses the broken words, with an ellipsis.
    assert context_before("ations, when the Soviet Union su") == ("when the Soviet Union su", True)
    assert context_after(" that is separate from but often") == (" that is separate from but", True)
    # Context reaching into the previous item or paragraph stops there, without one.
    assert context_before("See sanctions. - Economic and energy: ") == (
        "Economic and energy: ",
        False,
    )
    assert context_after(" fortune. - Benefits: Floods left") == (" fortune.", False)
    assert context_after(" behind.\n\nNext") == (" behind.", False)
    assert context_before("Short start ") == ("Short start ", False)


def test_the_claim_page_quotes_evidence_as_prose(client, teacher, debate):
    text = (
        "Title\n\nPolicy - Diplomacy: Maintain channels of dialogue that reduce the risk of "
        "misinterpretation and miscalculation. - Sanctions: Support a disciplined sanctions "
        "regime that pressures the regime on clear, verifiable issues.\n"
    )
    source = source_factory(text, created_by=teacher)
    debate.sources.add(source)
    claim = ClaimFactory(debate=debate)
    quote = "Maintain channels of dialogue that reduce the risk of misinterpretation"
    evidence = services.evidence_attach(actor=teacher, claim=claim, source=source, quote=quote)
    assert Evidence.objects.get(pk=evidence.pk).passage.anchor.suffix.startswith(" and")
    html = client.get(claim.get_absolute_url()).content.decode()
    block = re.search(r'<li class="evidence.*?</blockquote>', html, re.S).group()
    assert quote in block
    assert " - " not in block
    assert "Diplomacy: " in block  # the item's start, not the previous one
    assert "and miscalculation.</span>" in block  # the item's end; not "- Sanctions"
    assert "…" not in block


# --- delete: asked first, then undone -------------------------------------------------------


def test_delete_is_asked_first_without_javascript(client, source, student, note):
    client.force_login(student)
    body = note_html(client, source, note)
    confirm = re.search(r'<details class="note-delete">.*?</details>', body, re.S).group()
    assert "<summary>Delete</summary>" in confirm
    assert "Delete this note and the replies under it?" in confirm
    assert reverse("debates:annotation_delete", args=[note.pk]) in confirm


def test_delete_then_undo_without_javascript(client, source, student, note):
    client.force_login(student)
    response = client.post(reverse("debates:annotation_delete", args=[note.pk]))
    assert response["Location"].endswith("#notes-title")
    page = client.get(response["Location"]).content.decode()
    restore = reverse("debates:annotation_restore", args=[note.pk])
    assert "Your note is deleted." in page
    assert re.search(rf'<form method="post" action="{restore}" class="undo-bar">', page)
    assert "rivers_and_trade" not in page
    # Undo shows only right after the delete.
    assert "undo-bar" not in client.get(source.get_absolute_url()).content.decode()
    response = client.post(restore)
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.deleted_at is None
    # The author's own undo is no moderator's act: nothing in the audit log.
    assert not AuditEntry.objects.filter(action="annotation_restored").exists()


def test_delete_then_undo_in_place_with_htmx(client, source, student, note):
    client.force_login(student)
    reply = services.annotation_reply(actor=student, parent=note, body="A reply of mine.")
    response = client.post(reverse("debates:annotation_delete", args=[note.pk]), **HX)
    fragment = response.content.decode()
    assert f'id="note-{note.pk}"' in fragment and "Your note is deleted." in fragment
    assert f'hx-post="{reverse("debates:annotation_restore", args=[note.pk])}"' in fragment
    response = client.post(reverse("debates:annotation_restore", args=[note.pk]), **HX)
    thread = response.content.decode()
    assert f'id="note-{note.pk}"' in thread and "rivers_and_trade" in thread
    assert f'id="note-{reply.pk}"' in thread  # its replies come back with it


def test_nobody_else_can_undo_a_delete(client, source, student, note, debate, moderator):
    client.force_login(student)
    client.post(reverse("debates:annotation_delete", args=[note.pk]))
    client.force_login(UserFactory())
    assert client.post(reverse("debates:annotation_restore", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.deleted_at is not None

"""The PDF handout of a map (issue 11, point 7): WeasyPrint renders the published map with
its evidence, page numbers and no author names; a very big map prints its first levels
only; without WeasyPrint's system libraries the page answers 503 and these tests skip
(or, with CRUX_REQUIRE_PDF=1 as CI sets it, fail)."""

import io
import os
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from debates import pdf
from debates.models import Claim, Debate, Membership

from .factories import DebateFactory, UserFactory, build_map, make_claim, make_evidence

PUBLISHED = Claim.Status.PUBLISHED


def require_pdf() -> None:
    """Skip (naming what is missing) when WeasyPrint cannot run here; fail instead with
    CRUX_REQUIRE_PDF set."""
    missing = pdf.unavailable()
    if missing is None:
        return
    if os.environ.get("CRUX_REQUIRE_PDF"):
        pytest.fail(f"{missing}; CRUX_REQUIRE_PDF is set, so this fails", pytrace=False)
    pytest.skip(missing)


def handout_url(debate) -> str:
    return reverse("debates:handout", args=[debate.slug])


def read_pdf(content: bytes):
    from pypdf import PdfReader

    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text)


@pytest.fixture
def mapped(debate, teacher, student, source):
    issue = make_claim(
        debate=debate,
        kind="issue",
        text="Should towns fear their rivers?",
        author=teacher,
        status=PUBLISHED,
    )
    yes = make_claim(
        debate=debate,
        kind="position",
        parent=issue,
        text="Yes, floods ruin them",
        author=teacher,
        status=PUBLISHED,
    )
    pro = make_claim(
        debate=debate,
        kind="argument",
        parent=yes,
        relation="supports",
        text="Harbours had to be rebuilt again and again",
        author=student,
        status=PUBLISHED,
    )
    con = make_claim(
        debate=debate,
        kind="argument",
        parent=yes,
        relation="opposes",
        text="The floods also left fertile soil",
        author=student,
        status=PUBLISHED,
    )
    make_evidence(
        claim=pro, passage=source.passages.get(label="Costs"), author=student, status=PUBLISHED
    )
    make_evidence(
        claim=con,
        passage=source.passages.get(label="Benefits"),
        author=student,
        status=PUBLISHED,
    )
    pending = make_claim(
        debate=debate,
        kind="argument",
        parent=yes,
        relation="supports",
        text="A proposal waiting for review",
        author=student,
        status=Claim.Status.PROPOSED,
    )
    return {"issue": issue, "yes": yes, "pro": pro, "con": con, "pending": pending}


def test_the_handout_is_a_pdf_of_the_published_map_with_its_evidence(
    client, debate, mapped, teacher, student, moderator
):
    require_pdf()
    client.force_login(moderator)  # who would see the proposal on the map
    response = client.get(handout_url(debate))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "private" in response["Cache-Control"]
    reader, text = read_pdf(response.content)
    pages = len(reader.pages)
    assert pages >= 1
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert "Rivers" in text and "A Test Article" in text  # title and the sources list
    for claim in ("issue", "yes", "pro", "con"):
        assert mapped[claim].text in text, claim
    # Stance in words, numbered, each claim's quote with its source and section.
    assert re.search(r"1\.1\.1 Pro Harbours had to be rebuilt", text, re.I)
    assert re.search(r"1\.1\.2 Con The floods also left", text, re.I)
    assert "Rebuilding cost a fortune" in text and "fertile soil behind" in text
    assert "section “Floods”" in text
    # Never a proposal, never an author's name.
    assert mapped["pending"].text not in text
    for person in (teacher, student, moderator):
        assert person.display_name not in text
        assert person.username not in text.replace("A Test Article", "")


def test_a_bigger_map_makes_more_pages_numbered_in_the_footer(client, debate, source):
    require_pdf()
    build_map(debate, 150, passage=source.passages.get(label="Costs"))
    reader, text = read_pdf(client.get(handout_url(debate)).content)
    pages = len(reader.pages)
    assert pages > 3
    for number in range(1, pages + 1):
        assert f"Page {number} of {pages}" in reader.pages[number - 1].extract_text()
    assert "Argument 149" in text


def test_a_map_too_big_to_print_whole_gives_its_first_levels_with_a_note(client, debate, settings):
    require_pdf()
    settings.CRUX_HANDOUT_MAX_CLAIMS = 40
    claims = build_map(debate, 120)
    with CaptureQueriesContext(connection) as big:
        response = client.get(handout_url(debate))
    assert response.status_code == 200
    _, text = read_pdf(response.content)
    # 2 issues, 4 positions, then layers of 8, 16, 32, 58 arguments: 30 claims fit in 40.
    assert "This map has 120 claims" in text and "first 4 levels only (30 claims" in text
    printed = [c for c in claims if re.search(rf"{re.escape(c.text)}(?!\d)", text)]
    assert len(printed) == 30
    assert {c.kind for c in printed} == {"issue", "position", "argument"}
    assert "Argument 29" in text and "Argument 30" not in text

    small = DebateFactory(slug="small-map")
    build_map(small, 10)
    with CaptureQueriesContext(connection) as few:
        assert client.get(handout_url(small)).status_code == 200
    assert len(few) == len(big)


def test_a_private_maps_handout_is_404_to_outsiders(client, outsider, student):
    owner = UserFactory(username="owner")
    private = DebateFactory(slug="private", owner=owner, visibility=Debate.Visibility.PRIVATE)
    Membership.objects.create(user=student, debate=private, role=Membership.Role.VIEWER)
    make_claim(
        debate=private,
        kind="issue",
        text="A private question?",
        author=owner,
        status=PUBLISHED,
    )
    assert client.get(handout_url(private)).status_code == 404
    client.force_login(outsider)
    assert client.get(handout_url(private)).status_code == 404
    require_pdf()
    client.force_login(student)
    _, text = read_pdf(client.get(handout_url(private)).content)
    assert "A private question?" in text


def test_without_weasyprint_the_handout_answers_503_saying_why(client, debate, monkeypatch):
    monkeypatch.setattr(
        pdf, "unavailable", lambda: "a system library WeasyPrint needs is missing: libpango"
    )
    response = client.get(handout_url(debate))
    assert response.status_code == 503
    assert b"libpango" in response.content


def test_the_skip_names_the_missing_library_and_fails_when_pdfs_are_required(monkeypatch):
    monkeypatch.setattr(pdf, "unavailable", lambda: "cannot load library 'libpango-1.0-0'")
    monkeypatch.delenv("CRUX_REQUIRE_PDF", raising=False)
    with pytest.raises(pytest.skip.Exception, match="libpango-1.0-0"):
        require_pdf()
    monkeypatch.setenv("CRUX_REQUIRE_PDF", "1")
    with pytest.raises(pytest.fail.Exception, match="CRUX_REQUIRE_PDF"):
        require_pdf()


def test_nothing_is_fetched_from_outside_the_document(monkeypatch):
    require_pdf()
    import urllib.request

    opened = []
    monkeypatch.setattr(
        urllib.request.OpenerDirector, "open", lambda self, url, *a, **k: opened.append(url)
    )
    html = (
        "<html><head><link rel='stylesheet' href='http://127.0.0.1:9/x.css'></head>"
        "<body><p>Hello</p><img src='file:///etc/passwd'></body></html>"
    )
    assert pdf.write_pdf(html).startswith(b"%PDF")
    assert opened == []

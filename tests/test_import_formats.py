"""Importing sources from HTML, PDF, DOCX and text in other encodings (issue 10, point 5).

Every file is made here: HTML as strings, DOCX with python-docx, PDFs with fpdf2 (text) and
pypdf (empty pages), an image-only PDF with fpdf2 and Pillow.
"""

import io
import re
import zipfile

import docx
import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from fpdf import FPDF
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from debates import services
from debates.formats import documents
from debates.formats.article import parse_article
from debates.models import Passage, Source

ACCEPTED = "It accepts .txt, .md, .html, .pdf and .docx files."

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Bridges – Town Encyclopedia</title>
  <style>p { color: red }</style>
  <script>document.write("tracking")</script>
</head>
<body>
  <header><nav><a href="/">Home</a> <a href="/about">About us</a></nav>
    <p>Site-wide banner text</p></header>
  <aside>Related: canals</aside>
  <main>
    <article>
      <h1>Bridges</h1>
      <p>A bridge carries a road &amp; a path over a river.<br>It joins two banks.</p>
      <h2>History <span class="mw-editsection">[edit]</span></h2>
      <p>Early bridges were built of <em>stone</em>.
      <p>Later ones were built of iron.</p>
      <ul><li>Arches: the oldest kind<li>Beams: the simplest kind</ul>
      <h2>Today</h2>
      <blockquote>Bridges are the sinews of a city.</blockquote>
      <ol><li>Steel</li><li>Concrete</li></ol>
      <form><label>Search <input name="q"></label><button>Go</button></form>
    </article>
  </main>
  <footer>Copyright 2024 Town Encyclopedia</footer>
</body>
</html>
"""


def sections_of(source: Source) -> list[tuple[str, list[str]]]:
    revision = source.current_revision
    text = revision.text
    return [
        (s["title"], [text[b["start"] : b["end"]] for b in s["blocks"]])
        for s in revision.structure["sections"]
    ]


def all_text(source: Source) -> str:
    return " ".join(" ".join(blocks) for _, blocks in sections_of(source))


def import_file(actor, data: bytes, name: str, **kwargs) -> Source:
    return services.source_import_file(actor=actor, data=data, name=name, **kwargs)


def post_file(client: Client, data: bytes, name: str, content_type: str = ""):
    upload = SimpleUploadedFile(name, data, content_type or "application/octet-stream")
    return client.post(reverse("debates:source_new"), {"file": upload})


@pytest.fixture
def browser_client(student) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(student)
    return client


# --- files made here ------------------------------------------------------------------------

LOREM = (
    "Towns grew where rivers could be crossed, and the crossing decided where the market "
    "stood, where the church was built and which roads led in from the farms around."
)


def make_pdf(pages: list[list[tuple[str, str]]], *, title: str = "") -> bytes:
    """A PDF with a text layer: each page a list of ("h", heading) or ("p", paragraph), under
    a running head and over a page number, as journals print them."""
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    if title:
        pdf.set_title(title)
    for number, blocks in enumerate(pages, start=1):
        pdf.add_page()
        pdf.set_font("helvetica", size=9)
        pdf.cell(0, 8, "Town Studies Quarterly", new_x="LMARGIN", new_y="NEXT")
        for kind, text in blocks:
            if kind == "h":
                pdf.set_font("helvetica", "B", 16)
                pdf.multi_cell(0, 10, text, new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.set_font("helvetica", size=11)
                pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(4)
        pdf.set_y(-20)
        pdf.set_font("helvetica", size=9)
        pdf.cell(0, 10, str(number), align="C")
    return bytes(pdf.output())


STUDY = [
    [
        ("h", "Rivers and towns"),
        ("p", f"First paragraph on page one. {LOREM}"),
        ("p", f"Second paragraph on page one. {LOREM}"),
    ],
    [("h", "Crossings"), ("p", f"The only paragraph on page two. {LOREM}")],
    [("p", f"Page three opens with this paragraph. {LOREM}"), ("p", "- a listed point")],
]


def blank_pdf(pages: int = 2) -> bytes:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scanned_pdf() -> bytes:
    """What a scanner makes: every page one picture, no text layer."""
    pdf = FPDF()
    for shade in (200, 230):
        pdf.add_page()
        pdf.image(Image.new("RGB", (120, 160), (shade, shade, shade)), x=10, y=10, w=120)
    return bytes(pdf.output())


def make_docx() -> bytes:
    document = docx.Document()
    document.core_properties.title = "Core title, not used"
    document.add_paragraph("Bridges of the World", style="Title")
    document.add_paragraph("An introduction to bridges.")
    document.add_heading("History", level=1)
    document.add_paragraph("Stone bridges came first.")
    document.add_paragraph("Romans: built arches", style="List Bullet")
    document.add_paragraph("Steel came later", style="List Number")
    document.add_heading("Kinds", level=2)
    table = document.add_table(rows=2, cols=2)
    for (row, col), value in {
        (0, 0): "Name",
        (0, 1): "Year",
        (1, 0): "Tower",
        (1, 1): "1894",
    }.items():
        table.cell(row, col).text = value
    document.add_paragraph("After the table.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- HTML -----------------------------------------------------------------------------------


def test_an_html_page_becomes_sections_without_its_boilerplate(teacher):
    source = import_file(teacher, PAGE.encode(), "bridges.html")
    assert source.title == "Bridges"  # the heading the <title> merely adds a site name to
    assert sections_of(source) == [
        ("", ["A bridge carries a road & a path over a river. It joins two banks."]),
        (
            "History",
            [
                "Early bridges were built of stone.",
                "Later ones were built of iron.",
                "Arches: the oldest kind",
                "Beams: the simplest kind",
            ],
        ),
        ("Today", ["Bridges are the sinews of a city.", "Steel", "Concrete"]),
    ]
    stored = source.current_revision.text
    for furniture in ("tracking", "color", "Home", "banner", "Related", "Copyright", "[edit]"):
        assert furniture not in stored
    assert "<" not in stored
    kinds = list(source.passages.order_by("anchor__start").values_list("kind", flat=True))
    assert kinds == ["paragraph"] * 3 + ["list_item"] * 2 + ["paragraph"] + ["list_item"] * 2


def test_html_title_comes_from_the_title_element_or_else_the_first_heading(teacher):
    titled = "<html><head><title>On Canals</title></head><body><h2>Locks</h2><p>Water.</p>"
    assert import_file(teacher, titled.encode(), "a.html").title == "On Canals"
    untitled = "<body><h2>Locks and weirs</h2><p>Water rises.</p></body>"
    source = import_file(teacher, untitled.encode(), "b.htm")
    assert source.title == "Locks and weirs"
    assert sections_of(source) == [("", ["Water rises."])]


def test_the_type_is_sniffed_not_taken_from_the_name(teacher):
    # An HTML page saved as .txt is still read as HTML, and a PDF named .txt as a PDF.
    source = import_file(teacher, PAGE.encode(), "saved.txt")
    assert "<p>" not in source.current_revision.text and source.title == "Bridges"
    pdf = import_file(teacher, make_pdf(STUDY), "study.txt")
    assert pdf.passages.filter(page=2).exists()


def test_pasted_html_is_imported_as_html_through_the_service(teacher):
    pasted = "<h1>Ferries</h1>\n<p>Before bridges, <b>ferries</b> crossed.</p><p>They still do.</p>"
    source = services.source_import(actor=teacher, text=pasted)
    assert source.title == "Ferries"
    assert sections_of(source) == [("", ["Before bridges, ferries crossed.", "They still do."])]
    assert "<" not in source.current_revision.text


def test_pasted_html_is_imported_as_html_through_the_page(browser_client):
    pasted = '<div class="content"><h2>Fords</h2><p>Shallow &amp; <i>wide</i>.</p></div>'
    response = browser_client.post(reverse("debates:source_new"), {"text": pasted})
    assert response.status_code == 302
    source = Source.objects.get()
    assert source.title == "Fords"
    assert source.current_revision.text == "# Fords\n\nShallow & wide.\n"


def test_text_that_only_mentions_tags_stays_text(teacher):
    text = "Markup\n\nWrite <b>bold</b> in HTML, and the browser shows it bold."
    source = services.source_import(actor=teacher, text=text)
    assert source.current_revision.text == text


def test_a_revision_can_be_pasted_as_html_too(browser_client, student):
    source = services.source_import(actor=student, text="Fords\n\nShallow water.")
    url = reverse("debates:revision_new", args=[source.pk])
    pasted = "<p>Shallow water.</p><p>Deep water <b>too</b>.</p>"
    response = browser_client.post(url, {"text": pasted, "note": "more"})
    assert response.status_code == 302, response.content.decode()[:2000]
    source.refresh_from_db()
    assert "<" not in source.current_revision.text
    assert "Deep water too." in source.current_revision.text


# --- PDF ------------------------------------------------------------------------------------


def test_a_pdf_keeps_its_pages_as_passage_metadata(teacher):
    source = import_file(teacher, make_pdf(STUDY, title="A Study of Towns"), "study.pdf")
    assert source.title == "A Study of Towns"
    sections = sections_of(source)
    assert [title for title, _ in sections] == ["Rivers and towns", "Crossings"]
    passages = list(source.passages.order_by("anchor__start"))
    pages = [(p.anchor.exact.split(".")[0], p.page) for p in passages]
    assert pages == [
        ("First paragraph on page one", 1),
        ("Second paragraph on page one", 1),
        ("The only paragraph on page two", 2),
        ("Page three opens with this paragraph", 3),
        ("a listed point", 3),
    ]
    assert passages[-1].kind == "list_item"
    # Running heads and page numbers are furniture, not text.
    assert "Town Studies Quarterly" not in all_text(source)
    assert not re.search(r"(?m)^\d+$", source.current_revision.text)


def test_a_pdf_without_a_title_takes_its_first_heading_or_its_file_name(teacher):
    assert import_file(teacher, make_pdf(STUDY), "study.pdf").title == "Rivers and towns"
    plain = [[("p", f"Just a paragraph. {LOREM}")]]
    assert import_file(teacher, make_pdf(plain), "field_notes.pdf").title == "field notes"


def test_a_paragraph_cut_by_a_page_break_is_joined_again(teacher):
    pages = [
        [("p", f"{LOREM} This sentence goes on over the")],
        [("p", f"page break and ends here. {LOREM}")],
        [("p", f"Page three. {LOREM}")],
    ]
    source = import_file(teacher, make_pdf(pages), "cut.pdf")
    first, last = source.passages.order_by("anchor__start")
    assert first.anchor.exact.endswith("goes on over the page break and ends here. " + LOREM)
    assert (first.page, last.page) == (1, 3)


@pytest.mark.parametrize("make", [blank_pdf, scanned_pdf], ids=["empty pages", "images only"])
def test_a_pdf_without_a_text_layer_is_refused_saying_so(teacher, make):
    with pytest.raises(ValidationError, match="no text layer: it looks like a scanned"):
        import_file(teacher, make(), "scan.pdf")
    assert not Source.objects.exists()


def test_a_scanned_pdf_is_refused_on_the_page_with_status_400(browser_client):
    response = post_file(browser_client, scanned_pdf(), "scan.pdf", "application/pdf")
    assert response.status_code == 400
    assert "no text layer" in response.content.decode()
    assert not Source.objects.exists()


def test_a_password_protected_pdf_is_refused_and_an_edit_locked_one_read(teacher):
    def encrypted(user_password: str) -> bytes:
        writer = pypdf.PdfWriter(clone_from=io.BytesIO(make_pdf(STUDY)))
        writer.encrypt(user_password, owner_password="owner", algorithm="RC4-128")
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    with pytest.raises(ValidationError, match="password-protected"):
        import_file(teacher, encrypted("secret"), "locked.pdf")
    source = import_file(teacher, encrypted(""), "readable.pdf")
    assert source.passages.filter(page=3).exists()


def test_a_pdf_with_too_many_pages_or_too_slow_is_refused(teacher, monkeypatch):
    monkeypatch.setattr(documents, "MAX_PDF_PAGES", 2)
    with pytest.raises(ValidationError, match="has 3 pages; Crux imports at most 2"):
        import_file(teacher, make_pdf(STUDY), "long.pdf")
    monkeypatch.setattr(documents, "MAX_PDF_PAGES", 1000)
    monkeypatch.setattr(documents, "MAX_SECONDS", 0.0)
    with pytest.raises(ValidationError, match="took longer than"):
        import_file(teacher, make_pdf(STUDY), "slow.pdf")
    assert not Source.objects.exists()


def test_a_document_of_too_many_blocks_is_refused_before_it_is_stored(teacher, monkeypatch):
    monkeypatch.setattr(documents, "MAX_BLOCKS", 5)
    html = "<p>One" * 6
    with pytest.raises(ValidationError, match="more than 5 paragraphs, headings and list items"):
        import_file(teacher, html.encode(), "many.html")
    with pytest.raises(ValidationError, match="more than 5 paragraphs"):
        import_file(teacher, make_pdf([[("p", f"{n}. {LOREM}") for n in range(3)]] * 2), "x.pdf")
    assert not Source.objects.exists()


def test_the_reader_marks_where_each_pdf_page_begins(client, teacher):
    source = import_file(teacher, make_pdf(STUDY), "study.pdf", visibility=Source.Visibility.PUBLIC)
    html = client.get(source.get_absolute_url()).content.decode()
    markers = re.findall(r'<span class="page-marker" data-skip>page (\d+)</span>', html)
    assert markers == ["1", "2", "3"]  # once per page, at its first passage
    first_on_two = source.passages.get(page=2)
    block = re.search(rf'id="passage-{first_on_two.pk}"[^>]*>(.*?)</p>', html, re.S)
    assert block and block[1].startswith('<span class="page-marker" data-skip>page 2</span>')


def test_a_text_source_has_no_pages_and_no_markers(client, teacher):
    source = services.source_import(
        actor=teacher, text="Towns\n\nOne.\n\nTwo.", visibility=Source.Visibility.PUBLIC
    )
    assert set(source.passages.values_list("page", flat=True)) == {None}
    assert "page-marker" not in client.get(source.get_absolute_url()).content.decode()


# --- DOCX -----------------------------------------------------------------------------------


def test_a_word_document_becomes_sections_from_its_heading_styles(teacher):
    source = import_file(teacher, make_docx(), "bridges.docx")
    assert source.title == "Bridges of the World"
    assert sections_of(source) == [
        ("", ["An introduction to bridges."]),
        ("History", ["Stone bridges came first.", "Romans: built arches", "Steel came later"]),
        ("Kinds", ["Name | Year", "Tower | 1894", "After the table."]),
    ]
    items = source.passages.filter(kind="list_item")
    assert list(items.values_list("label", flat=True)) == ["Romans", ""]


def test_a_word_document_uploads_through_the_page(browser_client):
    response = post_file(browser_client, make_docx(), "bridges.docx")
    assert response.status_code == 302
    assert Source.objects.get().title == "Bridges of the World"


def test_a_zip_bomb_named_docx_is_refused_before_unpacking(teacher, monkeypatch):
    monkeypatch.setattr(documents, "MAX_UNPACKED_BYTES", 1024 * 1024)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (2 * 1024 * 1024))
    assert len(out.getvalue()) < 20_000
    with pytest.raises(ValidationError, match="unpacks to more than 1 MB"):
        import_file(teacher, out.getvalue(), "bomb.docx")


# --- text in other encodings ----------------------------------------------------------------

WESTERN = "Café society\n\nThe “naïve” façade — très élégant, 10 €.\n\nÀ bientôt, garçon.\n"


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        (
            "latin-1",
            WESTERN.replace("“", '"').replace("”", '"').replace("—", "-").replace("€", "E"),
        ),
        ("cp1252", WESTERN),
        ("utf-16", WESTERN),  # with a byte order mark
        ("utf-16-le", WESTERN),  # without one
        ("utf-8-sig", WESTERN),
        ("cp1251", "Мосты\n\nМосты соединяют берега реки, и города растут вокруг них.\n"),
    ],
)
def test_text_in_other_encodings_is_detected_not_refused(teacher, encoding, text):
    source = import_file(teacher, text.encode(encoding), "notes.txt")
    assert source.current_revision.text == text
    assert source.title == text.split("\n")[0]


def test_a_latin1_file_uploads_through_the_page(browser_client):
    response = post_file(browser_client, WESTERN.encode("cp1252"), "cafe.md", "text/markdown")
    assert response.status_code == 302
    assert Source.objects.get().current_revision.text == WESTERN


# --- wrong and broken files -----------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def xlsx_like() -> bytes:
    """The same bytes on every call: entries dated, not stamped with the time of the call
    (pytest-xdist's workers must collect identical parameters)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in (("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook/>")):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), text)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (PNG, "photo.png", "looks like a PNG image"),
        (PNG, "renamed.txt", "looks like a PNG image"),
        (b"a,b\n1,2\n", "table.csv", "cannot import .csv files"),
        (xlsx_like(), "sheet.xlsx", "a spreadsheet (.xlsx), not a Word document"),
        (b"{\\rtf1 hello}", "letter.rtf", "an RTF document"),
        (b"Title\n\nA para\x00graph.", "a.txt", "NUL bytes"),
    ],
    ids=["png", "png-as-txt", "csv", "xlsx", "rtf", "nul"],
)
def test_a_wrong_type_is_refused_naming_what_is_accepted(
    browser_client, teacher, data, name, message
):
    with pytest.raises(ValidationError) as caught:
        import_file(teacher, data, name)
    assert message in caught.value.messages[0] and ACCEPTED in caught.value.messages[0]
    response = post_file(browser_client, data, name)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and ACCEPTED in page
    assert not Source.objects.exists()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (make_pdf(STUDY)[:400], "cut.pdf", "could not be read as a PDF"),
        (b"%PDF-1.7\n" + bytes(range(256)) * 4, "junk.pdf", "could not be read as a PDF"),
        (b"Just some text.", "fake.pdf", "named as a PDF but is not one"),
        (make_docx()[:1000], "cut.docx", "damaged zip archive"),
        (b"Just some text.", "fake.docx", "named as a Word document (.docx) but is not one"),
    ],
    # Named, not shown: a generated PDF or .docx carries the time it was made, and
    # pytest-xdist's workers must collect the same test ids.
    ids=["cut-pdf", "junk-pdf", "fake-pdf", "cut-docx", "fake-docx"],
)
def test_a_broken_file_gets_a_form_error_never_a_500(browser_client, data, name, message):
    response = post_file(browser_client, data, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Source.objects.exists()


def test_the_form_names_the_accepted_types(browser_client):
    page = browser_client.get(reverse("debates:source_new")).content.decode()
    assert "(.txt, .md, in any encoding), a web page (.html), a PDF" in page
    assert 'accept=".txt,.md,.markdown,.html,.htm,.pdf,.docx' in page


def test_the_import_command_reads_a_pdf(db, tmp_path):
    path = tmp_path / "study.pdf"
    path.write_bytes(make_pdf(STUDY, title="A Study of Towns"))
    out = io.StringIO()
    call_command("import_source", str(path), stdout=out)
    source = Source.objects.get(title="A Study of Towns")
    assert out.getvalue().splitlines()[-1] == source.get_absolute_url()
    assert sorted(set(Passage.objects.values_list("page", flat=True))) == [1, 2, 3]


# --- properties -----------------------------------------------------------------------------

_FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_FAST
@given(st.binary(max_size=400))
def test_any_bytes_either_read_or_raise_a_document_error(data):
    try:
        document = documents.read_upload(data, name="upload.txt")
    except documents.DocumentError as error:
        assert str(error)
    else:
        assert "\x00" not in document.text


_TAGS = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<h2>",
        "</h2>",
        "<li>",
        "<ul>",
        "</ul>",
        "<script>",
        "</script>",
        "<br>",
        "<nav>",
        "</nav>",
        "<main>",
        "</main>",
        "<table><tr><td>",
        "</td><td>",
        "&amp;",
        "<!--",
    ]
)


@_FAST
@given(st.lists(st.one_of(_TAGS, st.text(max_size=12)), max_size=30))
def test_any_html_either_reads_as_an_article_or_raises_a_document_error(pieces):
    html = "<p>" + "".join(pieces)
    try:
        document = documents.read_html(html)
    except documents.DocumentError:
        return
    if document.text.strip("# \n"):
        parsed = parse_article(document.text, title=document.title or None)
        assert all(parsed.text[b.start : b.end].strip() for s in parsed.sections for b in s.blocks)


# --- in the browser -------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_page_marker_is_not_counted_when_words_are_selected(page, live_server, teacher):
    from playwright.sync_api import expect

    from .browser import log_in, select_text

    source = import_file(teacher, make_pdf(STUDY), "study.pdf")
    log_in(page, live_server.url, "teacher", "pass-word-123")
    page.goto(live_server.url + source.get_absolute_url())
    expect(page.locator(".page-marker").first).to_have_text("page 1")
    # The first words on page two sit right after that page's marker.
    quote = "The only paragraph on page two."
    select_text(page, quote)
    # The reader's script copies the selection's offsets into the note form's span fields.
    page.get_by_role("button", name="Annotate").click()
    form = page.locator("#annotate-form")
    start = source.current_revision.text.index(quote)
    expect(form.locator("[name$=start]")).to_have_value(str(start))
    expect(form.locator("[name$=end]")).to_have_value(str(start + len(quote)))

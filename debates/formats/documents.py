"""Turn an uploaded file or pasted text into an article's text for ``parse_article``.

Accepted: plain text and markdown in any common encoding (detected with charset-normalizer),
HTML (stdlib ``html.parser``), PDF with a text layer (pypdf) and Word .docx (python-docx).
The type is sniffed from the bytes first (magic numbers), the file name and content type only
break ties, so a PDF named ``.txt`` is read as a PDF and a PNG named ``.txt`` is refused.

HTML, PDF and DOCX come out as markdown-style text that ``parse_article`` reads back: the
title as a ``#`` line, headings as ``##``… lines, one line per paragraph or list item, a blank
line between blocks. A PDF's page numbers are kept beside the text as (offset, page) pairs so
each passage can say on which page it starts. Every failure raises ``DocumentError`` whose
message says in plain words what is wrong and, for a wrong type, what is accepted.

Bounded work: pages, unpacked sizes and time are capped so a hostile file fails with a message
instead of tying up a worker. Like the rest of ``formats``: bytes and text in, plain data out;
no Django, no database, no I/O.
"""

import bisect
import io
import re
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import PurePath
from typing import Any

ACCEPTED = ".txt, .md, .html, .pdf and .docx"
TEXT, HTML, PDF, DOCX = "text", "html", "pdf", "docx"

MAX_PDF_PAGES = 1000
# Each block becomes a passage (a database row); a long book has a few thousand.
MAX_BLOCKS = 20_000
MAX_SECONDS = 20.0  # wall-clock budget for reading one PDF or DOCX
MAX_UNPACKED_BYTES = 64 * 1024 * 1024  # a .docx's parts, unzipped, all together
MAX_ZIP_ENTRIES = 5000

_TEXT_EXTENSIONS = frozenset({"", ".txt", ".text", ".md", ".markdown", ".mdown"})
_MARKDOWN_EXTENSIONS = frozenset({".md", ".markdown", ".mdown"})
_HTML_EXTENSIONS = frozenset({".html", ".htm", ".xhtml"})

# (magic prefix, what it is) for common files people upload by mistake.
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"ID3\x03", "an MP3 audio file"),
    (b"ID3\x04", "an MP3 audio file"),
    (b"OggS", "an audio or video file"),
    (b"\x1a\x45\xdf\xa3", "a video file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office file (.doc, .xls or .ppt)"),
    (b"{\\rtf", "an RTF document"),
    (b"%!PS", "a PostScript file"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "a program"),
    (b"SQLite format 3\x00", "a database file"),
)
# Two-letter signatures ("BM", "MZ") also open ordinary sentences; such files are refused by
# the text check instead (they are full of NUL bytes).
_BINARY_MEDIA = ("image/", "audio/", "video/", "font/")


class DocumentError(ValueError):
    """The file or text cannot be imported; the message says why in plain words."""


def _refuse(what: str) -> DocumentError:
    return DocumentError(f"{what} It accepts {ACCEPTED} files.")


@dataclass(frozen=True)
class Document:
    """An article's text ready for ``parse_article``, with what the file itself said."""

    text: str
    kind: str  # TEXT, HTML, PDF or DOCX
    title: str = ""  # the document's own title, "" when it names none
    # (offset in text, page number) where each page's first block starts, in text order.
    pages: tuple[tuple[int, int], ...] = ()
    encoding: str = ""  # the text encoding found, for text and HTML files


def page_finder(pages: Sequence[tuple[int, int]]) -> Callable[[int], int | None]:
    """A function giving the page on which text at an offset stands, from (offset, page)
    pairs in text order; it gives None for every offset when there are no pages."""
    starts = [start for start, _ in pages]

    def page_at(offset: int) -> int | None:
        index = bisect.bisect_right(starts, offset) - 1
        return pages[index][1] if index >= 0 else None

    return page_at


# --- entry points ---------------------------------------------------------------------------


def read_upload(
    data: bytes, *, name: str = "", content_type: str = "", max_chars: int = 2_000_000
) -> Document:
    """Read an uploaded file as an article, whatever accepted format it is in."""
    extension = PurePath(name).suffix.lower() if name else ""
    media = content_type.split(";")[0].strip().lower()
    stem = _title_from_name(name)
    if not data.strip():
        raise DocumentError("The file is empty: there is nothing to import.")
    claims_pdf = extension == ".pdf" or media == "application/pdf"
    if data.startswith(b"%PDF-") or (claims_pdf and data[:1024].find(b"%PDF-") >= 0):
        return read_pdf(data, fallback_title=stem, max_chars=max_chars)
    if data.startswith(b"PK\x03\x04"):
        return read_docx(data, fallback_title=stem, max_chars=max_chars)
    for magic, what in _BINARY_MAGIC:
        if data.startswith(magic):
            raise _refuse(f"This file looks like {what}, which Crux cannot import.")
    if data.startswith(b"RIFF") and data[8:12] in (b"WAVE", b"AVI ", b"WEBP"):
        raise _refuse(
            "This file looks like an audio, video or image file, which Crux cannot import."
        )
    if claims_pdf:
        raise DocumentError(
            "The file is named as a PDF but is not one (it does not start like a PDF); it may "
            "be damaged. Export the PDF again and retry."
        )
    if extension == ".docx":
        raise DocumentError(
            "The file is named as a Word document (.docx) but is not one; it may be damaged. "
            "Save it again from your word processor and retry."
        )
    if extension not in _TEXT_EXTENSIONS | _HTML_EXTENSIONS:
        raise _refuse(f"Crux cannot import {extension} files.")
    if not extension and media.startswith(_BINARY_MEDIA):
        raise _refuse(f"This file is {media}, which Crux cannot import.")
    text, encoding = decode_text(data)
    if (
        extension in _HTML_EXTENSIONS
        or (not extension and media in ("text/html", "application/xhtml+xml"))
        or looks_like_html(text, strict=extension in _MARKDOWN_EXTENSIONS)
    ):
        document = read_html(text, max_chars=max_chars)
        return Document(document.text, HTML, document.title, encoding=encoding)
    return Document(text, TEXT, encoding=encoding)


def read_pasted(text: str, *, max_chars: int = 2_000_000) -> Document:
    """Pasted text: HTML (someone pasted a page's source) is converted, anything else kept."""
    if looks_like_html(text):
        return read_html(text, max_chars=max_chars)
    return Document(text, TEXT)


# --- text -----------------------------------------------------------------------------------

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# charset-normalizer guesses poorly on short Western text (it will call "Café" Farsi); prefer
# Windows-1252, by far the most common legacy encoding, unless its reading is clearly messier.
_PREFERRED_LEGACY = "cp1252"
_LEGACY_TOLERANCE = 0.15
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of `data` and the encoding it was in; refuses what is not text."""
    text, encoding = _decode(data)
    if "\x00" in text:
        raise _refuse("The file contains NUL bytes, so it is not a text file.")
    if len(_CONTROL.findall(text[:100_000])) > max(8, len(text[:100_000]) // 100):
        raise _refuse("The file is full of control characters, so it is not a text file.")
    return text.removeprefix("\ufeff"), encoding


def _decode(data: bytes) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding.removesuffix("-sig")), encoding
            except UnicodeDecodeError:
                break
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Imported here: charset-normalizer loads its language tables on import.
    from charset_normalizer import from_bytes
    from charset_normalizer.md import mess_ratio

    best = from_bytes(data[:1_000_000]).best()
    if best is None:
        raise _refuse("Crux could not tell which text encoding this file uses; it may not be text.")
    try:
        # "replace": a few broken bytes in an otherwise readable file are no reason to refuse.
        guessed = data.decode(best.encoding, errors="replace")
    except LookupError:
        raise _refuse("Crux could not decode this file as text.") from None
    try:
        western = data.decode(_PREFERRED_LEGACY)
    except UnicodeDecodeError:
        return guessed, best.encoding
    sample = slice(0, 200_000)
    if mess_ratio(western[sample], 1.0) <= mess_ratio(guessed[sample], 1.0) + _LEGACY_TOLERANCE:
        return western, _PREFERRED_LEGACY
    return guessed, best.encoding


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text without a byte order mark: mostly-Latin text has a NUL in every other byte."""
    sample = data[:4096]
    if len(sample) < 4 or sample.count(0) < len(sample) // 4:
        return None
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    encoding = "utf-16-le" if odd > 2 * even else "utf-16-be" if even > 2 * odd else None
    if encoding is None:
        return None
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        return None


# --- building the article text --------------------------------------------------------------

HEADING, PARAGRAPH, ITEM = "heading", "paragraph", "item"


@dataclass
class _Block:
    kind: str
    text: str
    level: int = 2  # headings
    marker: str = "-"  # list items: "-" or "3."
    page: int | None = None


def _collapse(value: str) -> str:
    return " ".join(value.split())


def _compose(
    blocks: list[_Block], *, kind: str, title: str, fallback_title: str, max_chars: int
) -> Document:
    """The article text of `blocks`: the title as a # line, then one line per block."""
    blocks = [b for b in blocks if b.text]
    if not title and blocks and blocks[0].kind == HEADING:
        title = blocks[0].text
    if blocks and blocks[0].kind == HEADING and blocks[0].text.casefold() == title.casefold():
        blocks = blocks[1:]  # the title, written once
    title = title or fallback_title
    parts: list[str] = [f"# {title}\n\n"] if title else []
    length = len(parts[0]) if parts else 0
    pages: list[tuple[int, int]] = []
    if len(blocks) > MAX_BLOCKS:
        raise _too_many_blocks()
    for block in blocks:
        if block.page is not None and (not pages or pages[-1][1] != block.page):
            pages.append((length, block.page))
        if block.kind == HEADING:
            line = f"{'#' * min(max(block.level, 1), 6)} {block.text}\n\n"
        elif block.kind == ITEM:
            line = f"{block.marker} {block.text}\n\n"
        else:
            line = f"{block.text}\n\n"
        parts.append(line)
        length += len(line)
        if length > max_chars:
            raise DocumentError(
                f"The document's text is too long (more than {max_chars:,} characters)."
            )
    return Document("".join(parts).rstrip("\n") + "\n", kind, title, tuple(pages))


def _too_many_blocks() -> DocumentError:
    return DocumentError(
        f"The document has more than {MAX_BLOCKS:,} paragraphs, headings and list items; "
        "Crux imports at most that many. Split it and import the part you need."
    )


def _title_from_name(name: str) -> str:
    stem = PurePath(name.replace("\\", "/")).stem if name else ""
    return _collapse(re.sub(r"[_]+", " ", stem))[:300]


# --- HTML -----------------------------------------------------------------------------------

_HTML_OPENING = re.compile(
    r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    r"<(?:!doctype\s+html|html|head|body|meta|title|link|base|main|article|section|div|p|"
    r"h[1-6]|ul|ol|dl|table|blockquote|header|nav|figure|span|a|b|i|em|strong|pre|br|img)\b",
    re.IGNORECASE | re.DOTALL,
)
_HTML_DOCUMENT = re.compile(
    r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b",
    re.IGNORECASE | re.DOTALL,
)
_CLOSING_TAG = re.compile(r"</[a-zA-Z][a-zA-Z0-9]*\s*>|<br\s*/?>", re.IGNORECASE)


def looks_like_html(text: str, *, strict: bool = False) -> bool:
    """Whether `text` is HTML: it opens with a tag and has closing tags (or is a whole page).

    `strict` (markdown files, which may contain bits of HTML) only accepts a whole page.
    """
    head = text[:5000].removeprefix("\ufeff")
    if _HTML_DOCUMENT.match(head):
        return True
    return not strict and bool(_HTML_OPENING.match(head)) and bool(_CLOSING_TAG.search(text))


# Elements whose content is never article text.
_SKIP = frozenset(
    "script style noscript template title nav aside form button select textarea iframe "
    "object embed svg math canvas map dialog menu".split()
)
# header and footer are page furniture, unless inside the article (its own byline, notes).
_FURNITURE = frozenset({"header", "footer"})
_CONTENT_ROOTS = frozenset({"article", "main", "section"})
_SKIP_ROLES = frozenset(
    "navigation banner contentinfo complementary search menu menubar toolbar dialog "
    "alertdialog".split()
)
# Class names that mark boilerplate on common sites (Wikipedia's "[edit]" links, navboxes,
# cookie banners, share buttons). Kept short on purpose: a wrong guess loses article text.
_SKIP_CLASSES = frozenset(
    "mw-editsection navbox noprint sidebar breadcrumb breadcrumbs cookie-banner "
    "cookie-notice advert advertisement share-buttons social-share newsletter skip-link".split()
)
_VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr keygen".split()
)
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_ITEM_TAGS = frozenset({"li", "dt", "dd"})
# Opening or closing any of these ends the text collected so far as one block.
_BLOCK_TAGS = (
    frozenset(
        "address article aside blockquote body caption center details dialog dir div dl dt dd "
        "fieldset figcaption figure footer form header hgroup hr html legend li main nav ol p "
        "pre section summary table tbody thead tfoot tr ul".split()
    )
    | _HEADINGS.keys()
)
# Elements that close an open element of the same name (HTML's implied end tags).
_SELF_CLOSING_SIBLINGS = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option"})
_MAX_DEPTH = 512


@dataclass
class _Open:
    tag: str
    skip: bool
    main: bool
    article: bool
    content: bool  # inside article/main/section: header and footer are not furniture there
    counter: list[int] = field(default_factory=lambda: [0])  # an <ol>'s items so far


@dataclass
class _HtmlBlock:
    block: _Block
    main: bool
    article: bool


class _HtmlReader(HTMLParser):
    """Collects the blocks of an HTML page, leaving out what is not article text."""

    def __init__(self, *, max_chars: int) -> None:
        super().__init__(convert_charrefs=True)
        self.max_chars = max_chars
        self.chars = 0
        self.tags = 0
        self.deadline = time.monotonic() + MAX_SECONDS
        self.stack: list[_Open] = []
        self.open_count: Counter[str] = Counter()
        self.buffer: list[str] = []
        self.blocks: list[_HtmlBlock] = []
        self.title_parts: list[str] = []
        self.in_title = False
        self.title_done = False

    # The innermost open element decides; the root stands for "nothing open".
    @property
    def top(self) -> _Open:
        return self.stack[-1] if self.stack else _Open("", False, False, False, False)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags += 1
        if self.tags % 4096 == 0 and time.monotonic() > self.deadline:
            raise DocumentError(
                f"Reading the HTML took longer than {MAX_SECONDS:.0f} seconds, so Crux stopped."
            )
        if tag == "title" and not self.title_done and not self.stack_has("body", "svg"):
            self.in_title = True
            return
        if tag in _BLOCK_TAGS:
            self.flush()
        if tag == "br":
            self.buffer.append(" ")
        elif tag in ("td", "th") and self.buffer and not self.top.skip:
            self.buffer.append(" | ")
        if tag in _VOID:
            return
        if tag in _SELF_CLOSING_SIBLINGS and self.top.tag == tag:
            self.pop_to(tag)
        if len(self.stack) >= _MAX_DEPTH:
            return
        parent = self.top
        attributes = {name: value or "" for name, value in attrs}
        classes = set(attributes.get("class", "").split())
        role = attributes.get("role", "").strip().lower()
        skip = (
            parent.skip
            or tag in _SKIP
            or (tag in _FURNITURE and not parent.content)
            or role in _SKIP_ROLES
            or "hidden" in attributes
            or attributes.get("aria-hidden", "").lower() == "true"
            or bool(classes & _SKIP_CLASSES)
        )
        main = parent.main or tag == "main" or role == "main"
        article = parent.article or tag == "article"
        content = parent.content or tag in _CONTENT_ROOTS or role == "main"
        self.stack.append(_Open(tag, skip, main, article, content))
        self.open_count[tag] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self.in_title:
            self.in_title, self.title_done = False, True
            return
        if tag in _BLOCK_TAGS:
            self.flush()
        if self.open_count[tag]:
            self.pop_to(tag)

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_parts.append(data)
        elif not self.top.skip:
            self.buffer.append(data)

    def stack_has(self, *tags: str) -> bool:
        return any(self.open_count[tag] for tag in tags)

    def pop_to(self, tag: str) -> None:
        # Unclosed elements inside it (a <p> never closed) end with it.
        while self.stack:
            element = self.stack.pop()
            self.open_count[element.tag] -= 1
            if element.tag == tag:
                return

    def flush(self) -> None:
        text = _collapse("".join(self.buffer))
        self.buffer = []
        if not text or text == "|":
            return
        kind, level, marker = PARAGRAPH, 2, "-"
        for position in range(len(self.stack) - 1, -1, -1):
            element = self.stack[position]
            if element.tag in _HEADINGS:
                kind, level = HEADING, _HEADINGS[element.tag]
                break
            if element.tag in _ITEM_TAGS:
                kind = ITEM
                lists = [e for e in self.stack[:position] if e.tag in ("ul", "ol", "dl")]
                if element.tag == "li" and lists and lists[-1].tag == "ol":
                    lists[-1].counter[0] += 1
                    marker = f"{lists[-1].counter[0]}."
                break
        top = self.top
        self.blocks.append(_HtmlBlock(_Block(kind, text, level, marker), top.main, top.article))
        # Stop early rather than after building what would be refused anyway.
        self.chars += len(text)
        if self.chars > self.max_chars:
            raise DocumentError(
                f"The document's text is too long (more than {self.max_chars:,} characters)."
            )
        if len(self.blocks) > MAX_BLOCKS:
            raise _too_many_blocks()


def read_html(html: str, *, max_chars: int = 2_000_000) -> Document:
    """HTML as an article: headings become sections, page furniture is left out."""
    reader = _HtmlReader(max_chars=max_chars)
    try:
        reader.feed(html)
        reader.close()
    except DocumentError:
        raise
    except (AssertionError, ValueError) as error:  # html.parser's rare hard failures
        raise DocumentError(f"The HTML could not be read ({error}).") from error
    reader.flush()
    found = reader.blocks
    # A page that marks its main content is trusted to: everything else is furniture.
    if any(b.main for b in found):
        found = [b for b in found if b.main]
    elif any(b.article for b in found):
        found = [b for b in found if b.article]
    blocks = [b.block for b in found]
    if not any(b.kind != HEADING for b in blocks):
        raise DocumentError(
            "The HTML has no article text: after leaving out scripts, menus, headers and "
            "footers nothing readable is left."
        )
    page_title = _collapse("".join(reader.title_parts))
    heading = next((b.text for b in blocks if b.kind == HEADING), "")
    # The <title>, else the first heading; but the page's own first heading when the <title>
    # only adds the site's name to it ("Bridges – Wikipedia").
    title = page_title
    if heading and (not page_title or heading.casefold() in page_title.casefold()):
        title = heading
    return _compose(blocks, kind=HTML, title=title, fallback_title="", max_chars=max_chars)


# --- PDF ------------------------------------------------------------------------------------


class _OutOfTime(Exception):
    pass


def _deadline_tick(deadline: float) -> Callable[..., None]:
    calls = [0]

    def tick(*_args: Any) -> None:
        calls[0] += 1
        if calls[0] % 256 == 0 and time.monotonic() > deadline:
            raise _OutOfTime

    return tick


@dataclass
class _PdfLine:
    """One line of a page as pypdf read it, with where it stands and how big its type is."""

    text: str
    x: float | None = None
    y: float | None = None  # baseline, upwards from the bottom of the page
    height: float = 0.0


def read_pdf(data: bytes, *, fallback_title: str = "", max_chars: int = 2_000_000) -> Document:
    """A PDF's text layer as an article; each block remembers the page it starts on."""
    import pypdf  # imported here: only PDF uploads need it

    deadline = time.monotonic() + MAX_SECONDS
    tick = _deadline_tick(deadline)
    pages: list[list[_PdfLine]] = []
    meta_title = ""
    try:
        # Tighter than pypdf's defaults (75 MB streams): an upload is at most a few MB, and
        # no external image decoder is ever run.
        with pypdf.apply_configuration(
            zlib_maximum_output_length=32_000_000,
            lzw_maximum_output_length=32_000_000,
            run_length_maximum_output_length=32_000_000,
            jbig2dec_binary=None,
        ):
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not _unlock(reader):
                raise DocumentError(
                    "This PDF is password-protected, so Crux cannot read its text. Save a copy "
                    "without the password and upload that."
                )
            count = len(reader.pages)
            if count > MAX_PDF_PAGES:
                raise DocumentError(
                    f"The PDF has {count:,} pages; Crux imports at most {MAX_PDF_PAGES:,}. "
                    "Split it and import the part you need."
                )
            total = 0
            for page in reader.pages:
                if time.monotonic() > deadline:
                    raise _OutOfTime
                lines = _pdf_page_lines(page, tick)
                total += sum(len(line.text) for line in lines)
                if total > max_chars:
                    raise DocumentError(
                        f"The PDF's text is too long (more than {max_chars:,} characters)."
                    )
                pages.append(lines)
            meta_title = _pdf_title(reader)
    except DocumentError:
        raise
    except _OutOfTime:
        raise DocumentError(
            f"Reading the PDF took longer than {MAX_SECONDS:.0f} seconds, so Crux stopped. "
            "Split it or export a simpler PDF."
        ) from None
    except Exception as error:  # pypdf raises many kinds of error on damaged files
        raise DocumentError(
            "This file could not be read as a PDF; it may be damaged. Export it again and retry."
        ) from error
    blocks = _pdf_blocks(pages)
    if not blocks:
        raise DocumentError(
            "This PDF has no text layer: it looks like a scanned image, and Crux cannot read "
            "text in images. Run it through text recognition (OCR) first, or paste the text."
        )
    title = meta_title
    if not title and blocks[0].kind == HEADING and blocks[0].page == 1:
        title = blocks[0].text
    return _compose(
        blocks, kind=PDF, title=title, fallback_title=fallback_title, max_chars=max_chars
    )


def _pdf_page_lines(page: Any, tick: Callable[..., None]) -> list[_PdfLine]:
    """The page's text lines in pypdf's reading order, each with its position and type size.

    pypdf reports every piece of text it outputs to `visitor_text` with the matrices in force;
    the pieces joined are exactly its text, so each line's first piece tells where it stands.
    """
    lines: list[_PdfLine] = [_PdfLine("")]

    def on_text(text: str, cm: Any, tm: Any, _font: Any, size: Any) -> None:
        for index, part in enumerate(text.split("\n")):
            if index:
                lines.append(_PdfLine(""))
            line = lines[-1]
            line.text += part
            if not part.strip():
                continue
            try:
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                height = abs(float(size) * tm[3] * cm[3]) or abs(float(size))
            except (TypeError, ValueError, IndexError):
                continue
            if line.y is None:
                line.x, line.y = float(x), float(y)
            line.height = max(line.height, height)

    page.extract_text(visitor_operand_before=tick, visitor_text=on_text)
    out = []
    for line in lines:
        line.text = _collapse(line.text)
        if line.text:
            out.append(line)
    return out


def _unlock(reader: Any) -> bool:
    """Open a PDF encrypted with an empty user password (only editing is restricted)."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # e.g. an AES PDF without the cryptography package
        return False


_GENERATOR_TITLE = re.compile(
    r"^(?:untitled|microsoft word - .*|.*\.(?:docx?|pdf|tex|dvi|odt|rtf|indd|qxd))$", re.I
)


def _pdf_title(reader: Any) -> str:
    try:
        title = _collapse(str((reader.metadata or {}).get("/Title") or ""))
    except Exception:  # broken metadata is no reason to refuse the text
        return ""
    return "" if _GENERATOR_TITLE.match(title) else title[:300]


_BULLET = re.compile(r"^(?:[•◦▪▫‣∙·●○■□➢►–]|[-*])\s+")
_NUMBERED = re.compile(r"^\d{1,3}[.)]\s+\S")
_PAGE_NUMBER = re.compile(
    r"^(?:page\s+)?[-–—]?\s*(?:\d{1,4}|[ivxlc]{1,6})\s*[-–—]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.I
)
_SENTENCE_END = tuple('.!?:;"”’)]…')
_SHORT_LINE = 0.75  # of the page's usual line length: a line this short can end a paragraph
_PARAGRAPH_GAP = 1.4  # of the usual line spacing: more space than this starts a new block
_HEADING_SIZE = 1.15  # of the body text's type size: bigger type is a heading
_MAX_HEADING_WORDS = 20


def _pdf_blocks(pages: list[list[_PdfLine]]) -> list[_Block]:
    """Paragraphs, headings and list items of every page, with running heads and page numbers
    left out and a paragraph broken by a page break joined again."""
    furniture = _running_lines([[line.text for line in lines] for lines in pages])
    body = _body_height(pages)
    blocks: list[_Block] = []
    for number, lines in enumerate(pages, start=1):
        edge = len(lines) - 2
        kept = [
            line
            for index, line in enumerate(lines)
            if not _is_furniture(line.text, furniture, at_edge=index < 2 or index >= edge)
        ]
        page_blocks = _page_blocks(kept, number, body)
        if blocks and page_blocks and _continues(blocks[-1], page_blocks[0]):
            blocks[-1].text = _join_lines([blocks[-1].text, page_blocks.pop(0).text])
        blocks.extend(page_blocks)
    return blocks


def _body_height(pages: list[list[_PdfLine]]) -> float:
    """The type size most of the document's characters are set in."""
    sizes: Counter[float] = Counter()
    for lines in pages:
        for line in lines:
            if line.height:
                sizes[round(line.height, 1)] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", line.casefold())


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Lines that open or close most pages (running heads and feet), by their shape."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_shape(line) for line in lines[:2] + lines[-2:]})
    return {shape for shape, n in counts.items() if n >= max(3, len(pages) * 0.6)}


def _is_furniture(line: str, running: set[str], *, at_edge: bool) -> bool:
    return at_edge and (bool(_PAGE_NUMBER.match(line)) or _shape(line) in running)


def _page_blocks(lines: list[_PdfLine], page: int, body: float) -> list[_Block]:
    """Group a page's lines into blocks; pypdf gives lines, not paragraphs.

    A new block starts where the type grows (a heading), at a bullet or number (a list item),
    after more vertical space than the usual line spacing, at an indented first line, or after
    a short line that ends a sentence. Lines without a position fall back on the last rule.
    """
    if not lines:
        return []
    lengths = sorted(len(line.text) for line in lines)
    short = lengths[int(0.9 * (len(lengths) - 1))] * _SHORT_LINE
    spacing = _line_spacing(lines, body)
    margin = min((line.x for line in lines if line.x is not None), default=None)
    groups: list[tuple[str, list[_PdfLine]]] = []
    for line in lines:
        text = line.text
        heading = body > 0 and line.height >= body * _HEADING_SIZE
        heading = heading and len(text.split()) <= _MAX_HEADING_WORDS
        bullet = _BULLET.match(text)
        if not heading and (bullet or _NUMBERED.match(text)):
            groups.append((ITEM, [_PdfLine(text[bullet.end() :] if bullet else text)]))
            groups[-1][1][0].x, groups[-1][1][0].y = line.x, line.y
            continue
        if not groups:
            groups.append((HEADING if heading else PARAGRAPH, [line]))
            continue
        kind, group = groups[-1]
        last = group[-1]
        gap = (last.y - line.y) if last.y is not None and line.y is not None else None
        apart = gap is not None and spacing > 0 and not 0 < gap <= spacing * _PARAGRAPH_GAP
        if kind == HEADING:
            same = heading and abs(line.height - last.height) <= 0.1 * last.height
            ended = not same or (gap is not None and not 0 < gap <= last.height * 1.8)
        elif heading:
            ended = True
        else:
            indented = (
                margin is not None
                and line.x is not None
                and body * 0.8 < line.x - margin < body * 6
                and (last.x is None or line.x > last.x + body * 0.8)
            )
            ends_sentence = kind == ITEM or last.text.endswith(_SENTENCE_END)
            resized = abs(line.height - last.height) > 0.15 * max(line.height, last.height)
            ended = apart or indented or resized or (len(last.text) < short and ends_sentence)
        if ended:
            groups.append((HEADING if heading else PARAGRAPH, [line]))
        else:
            group.append(line)
    blocks = []
    for kind, group in groups:
        text = _join_lines([line.text for line in group])
        if kind == ITEM and _NUMBERED.match(text):
            marker, _, text = text.partition(" ")
            blocks.append(_Block(ITEM, text.strip(), marker=marker.replace(")", "."), page=page))
        else:
            blocks.append(_Block(kind, text, page=page))
    return blocks


def _line_spacing(lines: list[_PdfLine], body: float) -> float:
    """The usual distance between two lines of body text on the page; 0 when unknown.

    The lower quartile, not the median: on a page of short paragraphs the gaps between
    paragraphs can outnumber those between lines.
    """
    gaps = sorted(
        a.y - b.y
        for a, b in zip(lines, lines[1:], strict=False)
        if a.y is not None
        and b.y is not None
        and body
        and abs(a.height - body) <= 0.15 * body
        and abs(b.height - body) <= 0.15 * body
        and 0.5 * body < a.y - b.y < 3 * body
    )
    return gaps[len(gaps) // 4] if gaps else 0.0


def _join_lines(lines: list[str]) -> str:
    """Lines of one paragraph as one line; a line ending in a hyphen joins without a space."""
    out = ""
    for line in lines:
        if out.endswith("-") and len(out) > 1 and out[-2].isalpha():
            out += line
        else:
            out = f"{out} {line}" if out else line
    return _collapse(out)


def _continues(last: _Block, first: _Block) -> bool:
    """A paragraph cut by a page break: it ends mid-sentence and the next page goes on in
    lower case."""
    return (
        last.kind == PARAGRAPH
        and first.kind == PARAGRAPH
        and not last.text.endswith(_SENTENCE_END)
        and first.text[:1].islower()
    )


# --- DOCX -----------------------------------------------------------------------------------

_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.I)


def read_docx(data: bytes, *, fallback_title: str = "", max_chars: int = 2_000_000) -> Document:
    """A Word document as an article: Heading styles become sections, lists list items."""
    _check_zip(data)
    import docx  # imported here: only .docx uploads need it
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    deadline = time.monotonic() + MAX_SECONDS
    try:
        document = docx.Document(io.BytesIO(data))
        blocks: list[_Block] = []
        title = ""
        for item in document.iter_inner_content():
            if time.monotonic() > deadline:
                raise _OutOfTime
            if isinstance(item, Paragraph):
                block = _docx_paragraph(item)
                if block is None:
                    continue
                if block.kind == "title":
                    title = title or block.text
                else:
                    blocks.append(block)
            elif isinstance(item, Table):
                blocks.extend(_docx_table(item))
        if not title:
            title = _collapse(document.core_properties.title or "")
            title = "" if _GENERATOR_TITLE.match(title) else title
    except _OutOfTime:
        raise DocumentError(
            f"Reading the document took longer than {MAX_SECONDS:.0f} seconds, so Crux stopped."
        ) from None
    except Exception as error:  # python-docx and lxml raise many kinds of error
        raise DocumentError(
            "This file could not be read as a Word document (.docx); it may be damaged. Save it "
            "again from your word processor and retry."
        ) from error
    if not any(b.kind != HEADING for b in blocks):
        raise DocumentError("The Word document has no text to import.")
    return _compose(
        blocks, kind=DOCX, title=title, fallback_title=fallback_title, max_chars=max_chars
    )


def _check_zip(data: bytes) -> None:
    """Refuse zip files that are not Word documents, and zip bombs, before unpacking."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries[: MAX_ZIP_ENTRIES + 1]}
            unpacked = sum(entry.file_size for entry in entries)
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise DocumentError(
            "The file is a damaged zip archive (or a damaged .docx); Crux cannot read it."
        ) from error
    if "word/document.xml" not in names:
        what = (
            "a spreadsheet (.xlsx)"
            if any(n.startswith("xl/") for n in names)
            else "a presentation (.pptx)"
            if any(n.startswith("ppt/") for n in names)
            else "an OpenDocument or e-book file"
            if "mimetype" in names
            else "a zip archive"
        )
        raise _refuse(f"This file is {what}, not a Word document.")
    if len(entries) > MAX_ZIP_ENTRIES or unpacked > MAX_UNPACKED_BYTES:
        raise DocumentError(
            "The Word document unpacks to more than "
            f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB, so Crux will not open it."
        )


def _docx_paragraph(paragraph: Any) -> _Block | None:
    text = _collapse(paragraph.text)
    if not text:
        return None
    style = paragraph.style.name if paragraph.style is not None else ""
    style = style or ""
    if style.casefold() == "title":
        return _Block("title", text)
    heading = _HEADING_STYLE.match(style)
    if heading:
        return _Block(HEADING, text, level=min(int(heading[1]), 6))
    properties = paragraph._p.pPr  # numbering lives in the paragraph's XML properties
    numbered = properties is not None and properties.numPr is not None
    if numbered or style.casefold().startswith("list"):
        return _Block(ITEM, text, marker="1." if "number" in style.casefold() else "-")
    return _Block(PARAGRAPH, text)


def _docx_table(table: Any) -> list[_Block]:
    blocks = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = _collapse(cell.text)
            if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                cells.append(text)
        if cells:
            blocks.append(_Block(PARAGRAPH, " | ".join(cells)))
    return blocks

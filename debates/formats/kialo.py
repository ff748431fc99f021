"""Kialo discussion exports (plain text): read both variants, write the flat one.

``parse(text)`` reads either variant and says which in ``MapDoc.format``:

* ``"kialo-flat"`` – ``Discussion Title: …``, a blank line, then one claim per line:
  ``1. thesis``, ``1.1. Pro: …``, ``1.1.1. Con: …``;
* ``"kialo-indented"`` – ``Discussion Name:`` with the title on the next line, then header
  lines ``1. Thesis:`` / ``  1.1. Pro:`` / ``    1.1.1. Con:`` (two spaces per level) with the
  claim's text on the following lines; a line holding only spaces is a paragraph break.

Both may end with a ``Sources:`` section: ``[n] URL`` lines, each followed by optional quoted
excerpt paragraphs.

How a discussion becomes a Crux map:

* The discussion title is the ISSUE (key ``"title"``; the thesis text when there is no title),
  the thesis ``1.`` a POSITION answering it, ``Pro:`` an ARGUMENT that supports its parent,
  ``Con:`` one that opposes it. Every other key is the claim's Kialo path (``"1.2.1"``) and
  ``line`` the 1-based line it was read from (the header line in the indented variant).
* Multi-thesis discussions (a Kialo feature, and how ``write`` stores a map with several
  positions): when the claims right under ``1.`` are marked ``Thesis:``, the root ``1.`` is the
  issue (key ``"1"``) and each ``1.k. Thesis:`` a position.
* A cross-link ``1.3.2. Con: -> See 1.1.`` is a ``MapLink``: the claim at ``1.1`` also stands
  under ``1.3`` with the stance of the link line. Targets may come later in the file; a link to
  a link follows it; claims written under a link line stand under the link's target.
* Markdown is kept. Kialo's backslash escapes ``\\( \\) \\[ \\] \\@`` (and ``\\\\``) are undone,
  inside link URLs too; a literal two-character ``\\n`` becomes a line break. Other backslash
  sequences (``\\*``…) are left as they are, since they mean something in markdown.
* Footnote markers ``[n]`` stay in the claim's text (their numbers are also kept in
  ``claim.extra["kialo_markers"]``). The excerpts of the ``Sources:`` section become ONE source
  (``"Sources of <title>"``, key ``"kialo-sources"``, no URL) whose passages (``"fn1"``,
  ``"fn1.2"`` for a second excerpt of ``[1]``…, labelled ``"[1] <url>"``) are the excerpts; a
  claim citing ``[n]`` gets one piece of supporting evidence per excerpt of footnote ``n``. The
  footnote list (numbers, URLs as written – malformed ones too – and passage keys) is kept in
  ``doc.meta["kialo_footnotes"]`` so that ``write`` gives the same numbers back.

``write(doc)`` writes the flat variant, escaped so that ``parse(write(doc))`` gives the same
claims, links and evidence, and ``write(parse(write(doc))) == write(doc)``. A map with one
position is an ordinary discussion (title = issue, ``1.`` = the position); a map with several
positions (or none under its issue) is written multi-thesis: ``1.`` is the issue and each
position is ``1.k. Thesis:``; a map with an issue and no positions is the title line alone.
Multi-line text is written with literal ``\\n``; cross-links come after the real children of
their parent; a claim whose text reads like a cross-link is written ``\\-> See …`` (the reader
drops that one backslash).

``parse`` also takes UTF-8 ``bytes``. Errors (numbering gaps, a parent missing, duplicate paths,
a line that is not a claim, a missing stance, links to missing claims or in a circle, control
characters or undecodable bytes, claims longer than ``mapdoc.MAX_CLAIM_CHARS``, empty input)
are ``FormatError``s whose message starts with the line. Reading and writing are linear in the
size of the file.

What Kialo cannot hold, and so ``write`` loses:

* undercuts – written as ``Con:`` (they come back as "opposes");
* a second (third…) issue: a Kialo file holds one discussion, so the first issue is its
  title and every other issue is written as one more ``Thesis:`` with its positions as its
  pros (they come back as a position with supporting arguments);
* the order of ``doc.claims``: a file lists them depth first (siblings keep their order);
* the map's own ``title`` and ``description`` when they differ from the issue's text, tags,
  ``merged_into`` and ``extra`` other than the footnote markers, the claims' keys (paths are
  renumbered) and the order of cross-links among their siblings;
* spaces and tabs around a claim's text, and control characters in it;
* a cross-link that puts a claim under the issue of a single-position map (it already is);
* a map without an issue gets one from ``doc.title``, and a subtree root (a parentless
  position or argument) comes back as a position;
* sources: every passage becomes a footnote whose line holds its source's URL (or title) and
  whose one excerpt is the passage; on reading, all excerpts form one source, so the grouping
  into sources, their titles and texts beyond the passages are lost; evidence comes back as
  "supports" without its note. A claim citing a passage gets a ``[n]`` marker appended to its
  text when it has none.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from debates.formats.mapdoc import (
    ANSWERS,
    ARGUMENT,
    ISSUE,
    MAX_CLAIM_CHARS,
    OPPOSES,
    POSITION,
    SUPPORTS,
    FormatError,
    MapClaim,
    MapDoc,
    MapEvidence,
    MapLink,
    MapPassage,
    MapSource,
    check,
    place_problem,
)

FLAT, INDENTED = "kialo-flat", "kialo-indented"
ISSUE_KEY = "title"  # the issue made from the discussion title (never a Kialo path)
SOURCE_KEY = "kialo-sources"
META_FOOTNOTES = "kialo_footnotes"
EXTRA_MARKERS = "kialo_markers"

PRO, CON, THESIS = "Pro", "Con", "Thesis"
_RELATION = {PRO: SUPPORTS, CON: OPPOSES, THESIS: ANSWERS}

_PATH = r"\d+(?:\.\d+)*"
# Control characters other than tab and newline, and lone surrogates (undecodable bytes).
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_FLAT_LINE = re.compile(rf"[ \t]*({_PATH})\.(?:[ \t]+(.*))?$")
_STANCE = re.compile(r"(Pro|Con|Thesis):[ \t]*(.*)$")
_HEADER = re.compile(rf"( *)({_PATH})\.[ \t]+(Thesis|Pro|Con):[ \t]*(.*)$")
_BARE_HEADER = re.compile(rf"( *)({_PATH})\.(?:[ \t]+([^\s:]+):)?[ \t]*$")
_LINK = re.compile(rf"->[ \t]*See[ \t]+({_PATH})\.?[ \t]*")
_FOOTNOTE = re.compile(r"\[(\d+)\][ \t]*(.*)$")
_TITLE_FLAT = re.compile(r"[ \t]*Discussion Title:[ \t]*(.*)$")
_TITLE_INDENTED = re.compile(r"[ \t]*Discussion Name:[ \t]*(.*)$")
# A backslash escape, or a footnote marker ``[n]`` (not a markdown link ``[n](…)``).
_TOKEN = re.compile(r"\\(.)|\[(\d+)\](?!\()", re.DOTALL)
_UNESCAPE = {"\\": "\\", "(": "(", ")": ")", "[": "[", "]": "]", "@": "@", "n": "\n"}
_SPECIAL = re.compile(r"\[(\d+)\](?!\()|[\\\n()\[\]@]")
# A markdown link ``[label](url)`` or ``[label](url "title")``; the URL may hold one level of
# parentheses and no spaces (no backtracking blow-up: the alternatives start differently).
_MD_LINK = re.compile(r'\[([^\[\]\n]*)\]\(((?:[^()\s]|\([^()\s]*\))*(?:[ \t]+"[^"\n]*")?)\)')
_QUOTES = {'"': '"', "“": "”", "„": "“", "«": "»"}


@dataclass(slots=True)
class _Entry:
    """One numbered line (flat) or header with its text (indented), as read."""

    path: str
    stance: str  # "" for the root of a flat file
    raw: str  # the text as written (escaped)
    line: int
    target: str | None = None  # the path of a cross-link's target
    text: str = ""
    markers: list[int] = field(default_factory=list)


@dataclass(slots=True)
class _Footnote:
    number: int
    url: str
    line: int
    excerpts: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------------- reading


def parse(text: str | bytes) -> MapDoc:
    """Read a Kialo export (either variant) into a checked ``MapDoc``; FormatError names the
    line at fault."""
    lines = _lines(text)
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise FormatError("The file is empty.", line=1)
    head = lines[first]
    if _TITLE_FLAT.match(head):
        fmt, reader = FLAT, _read_flat
    elif _TITLE_INDENTED.match(head) or _HEADER.match(head):
        fmt, reader = INDENTED, _read_indented
    elif _FLAT_LINE.match(head):
        fmt, reader = FLAT, _read_flat
    else:
        raise FormatError(
            "This is not a Kialo export: it should start with “Discussion Title:”, "
            "“Discussion Name:” or the thesis “1.”.",
            line=first + 1,
        )
    title, title_line, entries, sources_at = reader(lines, first)
    footnotes = _read_sources(lines, sources_at) if sources_at is not None else []
    return _build(fmt, title, title_line, entries, footnotes)


def _lines(text: str | bytes) -> list[str]:
    if isinstance(text, bytes):
        data = text
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise FormatError("The file is not UTF-8 text.", line=line) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = _BAD_CHARS.search(text)
    if bad:
        name = "a NUL byte" if bad.group() == "\x00" else f"U+{ord(bad.group()):04X}"
        raise FormatError(
            f"The file holds a control character ({name}); is it really a text export?",
            line=text.count("\n", 0, bad.start()) + 1,
        )
    return text.split("\n")


def _is_sources(lines: list[str], i: int) -> bool:
    """``Sources:`` alone at the start of a line, followed by a footnote or nothing."""
    if lines[i].rstrip() != "Sources:":
        return False
    for line in lines[i + 1 :]:
        if line.strip():
            return _FOOTNOTE.match(line.strip()) is not None
    return True


def _read_flat(lines: list[str], i: int) -> tuple[str, int, list[_Entry], int | None]:
    title, title_line = "", i + 1
    m = _TITLE_FLAT.match(lines[i])
    if m:
        title = m.group(1).rstrip()
        i += 1
        if not title:  # the title on the following line, as in the indented variant
            while i < len(lines) and not lines[i].strip():
                i += 1
            if i < len(lines) and not _FLAT_LINE.match(lines[i]) and not _is_sources(lines, i):
                title, title_line = lines[i].strip(" \t"), i + 1
                i += 1
    entries: list[_Entry] = []
    for j in range(i, len(lines)):
        line = lines[j]
        if not line.strip():
            continue
        if line.strip() == "Sources:":
            return title, title_line, entries, j + 1
        m = _FLAT_LINE.match(line)
        if not m:
            raise FormatError("Expected a claim such as “1.2. Pro: …”.", line=j + 1)
        path, rest = m.group(1), (m.group(2) or "").strip(" \t")
        stance = ""
        if "." in path:
            s = _STANCE.match(rest)
            if not s:
                raise FormatError(
                    f"{path}. has no stance: write “Pro:” or “Con:” after the number.", line=j + 1
                )
            stance, rest = s.group(1), s.group(2).rstrip(" \t")
        entries.append(_Entry(path, stance, rest, j + 1))
    return title, title_line, entries, None


def _read_indented(lines: list[str], i: int) -> tuple[str, int, list[_Entry], int | None]:
    title_parts: list[str] = []
    title_line = i + 1
    m = _TITLE_INDENTED.match(lines[i])
    if m:
        if m.group(1).strip():
            title_parts.append(m.group(1).strip())
        i += 1
        if not title_parts:  # the title may follow after a blank line
            while i < len(lines) and not lines[i].strip():
                i += 1
        while i < len(lines) and lines[i].strip() and not _HEADER.match(lines[i]):
            if not title_parts:
                title_line = i + 1
            title_parts.append(lines[i].strip())
            i += 1
    entries: list[_Entry] = []
    current: _Entry | None = None
    indent = 0
    body: list[str] = []

    def flush() -> None:
        if current is None:
            return
        while body and not body[-1]:
            body.pop()
        start = 0
        while start < len(body) and not body[start]:
            start += 1
        current.raw = "\n".join(body[start:])
        entries.append(current)

    n = len(lines)
    while i < n:
        line = lines[i]
        header = _HEADER.match(line)
        if header:
            flush()
            path = header.group(2)
            current = _Entry(path, header.group(3), "", i + 1)
            indent = 2 * path.count(".")
            body = [header.group(4).rstrip()] if header.group(4).strip() else []
            i += 1
            continue
        if _is_sources(lines, i):
            flush()
            return " ".join(title_parts), title_line, entries, i + 1
        stripped = line.strip()
        if stripped and (i == 0 or not lines[i - 1].strip()):
            bare = _BARE_HEADER.match(line)
            if bare and len(bare.group(1)) == 2 * bare.group(2).count("."):
                if bare.group(3):
                    raise FormatError(
                        f"“{bare.group(3)}” is not a stance: expected “Pro:”, “Con:” or “Thesis:”.",
                        line=i + 1,
                    )
                raise FormatError(
                    f"{bare.group(2)}. has no stance: expected “Pro:”, “Con:” or “Thesis:”.",
                    line=i + 1,
                )
        if current is None:
            if stripped:
                raise FormatError("Expected a claim header such as “1. Thesis:”.", line=i + 1)
        elif not stripped:
            body.append("")
        else:
            text = line[indent:] if line.startswith(" " * indent) else line.lstrip(" ")
            body.append(text.rstrip())
        i += 1
    flush()
    return " ".join(title_parts), title_line, entries, None


def _read_sources(lines: list[str], start: int) -> list[_Footnote]:
    notes: list[_Footnote] = []
    seen: dict[int, _Footnote] = {}
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph and notes:
            notes[-1].excerpts.append(_excerpt("\n".join(paragraph)))
        paragraph.clear()

    for i in range(start, len(lines)):
        stripped = lines[i].strip(" \t")
        if not stripped:
            flush()
            continue
        m = _FOOTNOTE.match(stripped)
        if m:
            flush()
            number = int(m.group(1))
            if number in seen:
                raise FormatError(
                    f"Footnote [{number}] is listed twice (first on line {seen[number].line}).",
                    line=i + 1,
                )
            # The URL is kept as written (malformed ones too), only unescaped.
            note = _Footnote(number, _unescape(m.group(2).strip())[0], i + 1)
            seen[number] = note
            notes.append(note)
            continue
        if not notes:
            raise FormatError(
                "Expected a footnote such as “[1] https://…” after “Sources:”.", line=i + 1
            )
        paragraph.append(stripped)
    flush()
    return notes


def _excerpt(paragraph: str) -> str:
    close = _QUOTES.get(paragraph[:1])
    if close and len(paragraph) >= 2 and paragraph[-1] in (close, '"', "”"):
        paragraph = paragraph[1:-1]
    return _unescape(paragraph)[0]


def _unescape(raw: str) -> tuple[str, list[int]]:
    """The claim text of ``raw`` and the footnote numbers it cites (unescaped ``[n]``)."""
    if raw.startswith("\\-") and _LINK.fullmatch(raw[1:]):
        return raw[1:], []  # text that looks like a cross-link, escaped by ``write``
    if "\\" not in raw and "[" not in raw:
        return raw, []
    out: list[str] = []
    markers: list[int] = []
    pos = 0
    for m in _TOKEN.finditer(raw):
        if m.group(1) is None:
            markers.append(int(m.group(2)))
            continue
        replacement = _UNESCAPE.get(m.group(1))
        if replacement is not None:
            out.append(raw[pos : m.start()])
            out.append(replacement)
            pos = m.end()
    out.append(raw[pos:])
    return "".join(out), markers


def _build(
    fmt: str, title_raw: str, title_line: int, entries: list[_Entry], footnotes: list[_Footnote]
) -> MapDoc:
    title = _unescape(title_raw)[0]
    if not entries:
        if not title.strip():
            raise FormatError("The discussion has no thesis (no claim numbered 1.).", line=1)
        doc = MapDoc(title=title, format=fmt)
        doc.claims.append(MapClaim(key=ISSUE_KEY, text=title, kind=ISSUE, line=title_line))
        _add_sources(doc, footnotes, {})
        return check(doc)

    # Numbering: one root ``1.``, parents before children, siblings 1, 2, 3… without gaps.
    by_path: dict[str, _Entry] = {}
    children_seen: dict[str, int] = {}
    root = entries[0]
    if root.path != "1":
        raise FormatError(
            f"The discussion starts with {root.path}.; its thesis is numbered 1.", line=root.line
        )
    for e in entries:
        earlier = by_path.get(e.path)
        if earlier is not None:
            raise FormatError(
                f"{e.path}. is numbered twice (first on line {earlier.line}).", line=e.line
            )
        parent, _, last = e.path.rpartition(".")
        if not parent:
            if e is not root:
                raise FormatError(
                    f"A discussion has one thesis, numbered 1.; this line is numbered {e.path}.",
                    line=e.line,
                )
        else:
            if parent not in by_path:
                raise FormatError(
                    f"{e.path}. has no parent {parent}. before it (a gap in the numbering).",
                    line=e.line,
                )
            expected = children_seen.get(parent, 0) + 1
            if int(last) != expected:
                raise FormatError(
                    f"{e.path}. should be numbered {parent}.{expected}. (a gap in the numbering).",
                    line=e.line,
                )
            children_seen[parent] = expected
        by_path[e.path] = e

    # Stances, texts and cross-links.
    multi = any(e.stance == THESIS and e.path.count(".") == 1 for e in entries)
    for e in entries:
        depth = e.path.count(".") + 1
        if depth == 1:
            if e.stance not in ("", THESIS):
                raise FormatError("The thesis 1. cannot be Pro or Con.", line=e.line)
        elif e.stance == THESIS and depth > 2:
            raise FormatError(
                f"Only the claims right under 1. can be theses; {e.path}. is deeper.", line=e.line
            )
        elif multi and depth == 2 and e.stance != THESIS:
            raise FormatError(
                "In a discussion with several theses every claim right under 1. is a "
                "“Thesis:”, not Pro or Con.",
                line=e.line,
            )
        link = _LINK.fullmatch(e.raw)
        if link:
            if e is root:
                raise FormatError("The thesis cannot be a cross-link.", line=e.line)
            e.target = link.group(1)
            continue
        e.text, e.markers = _unescape(e.raw)
        if not e.text.strip():
            raise FormatError(f"{e.path}. has no text.", line=e.line)
        if len(e.text) > MAX_CLAIM_CHARS:
            raise FormatError(
                f"{e.path}. is {len(e.text):,} characters long; at most "
                f"{MAX_CLAIM_CHARS:,} are allowed.",
                line=e.line,
            )

    resolved: dict[str, str] = {}

    def resolve(path: str) -> str:
        """The claim a path stands for: itself, or the end of a chain of cross-links."""
        chain: list[str] = []
        p = path
        while p not in resolved:
            e = by_path[p]
            if e.target is None:
                resolved[p] = p
                break
            if e.target == p:
                raise FormatError("A cross-link cannot point at itself.", line=e.line)
            if e.target not in by_path:
                raise FormatError(
                    f"“-> See {e.target}.” points at a claim that is not in the discussion.",
                    line=e.line,
                )
            if p in chain:
                raise FormatError("These cross-links point at each other in a circle.", line=e.line)
            chain.append(p)
            p = e.target
        for q in chain:
            resolved[q] = resolved[p]
        return resolved[p]

    kind_of = {"1": ISSUE} if multi else {ISSUE_KEY: ISSUE, "1": POSITION}
    for e in entries:
        if e.target is None and e is not root:
            kind_of[e.path] = POSITION if e.stance == THESIS else ARGUMENT

    claims: dict[str, MapClaim] = {}
    children: dict[str, list[str]] = {}
    links: list[MapLink] = []
    if not multi:
        issue_text = title if title.strip() else root.text
        claims[ISSUE_KEY] = MapClaim(
            key=ISSUE_KEY,
            text=issue_text,
            kind=ISSUE,
            line=title_line if title.strip() else root.line,
        )
        title = issue_text
    elif not title.strip():
        title = root.text
    for e in entries:
        parent_path = e.path.rpartition(".")[0]
        relation = _RELATION[e.stance] if e.stance else ""
        if e.target is not None:
            claim_key, parent_key = resolve(e.path), resolve(parent_path)
            if claim_key == parent_key:
                raise FormatError("A cross-link cannot put a claim under itself.", line=e.line)
            problem = place_problem(kind_of[claim_key], kind_of[parent_key], relation)
            if problem:
                raise FormatError(problem, line=e.line)
            links.append(MapLink(claim=claim_key, parent=parent_key, relation=relation))
            continue
        extra: dict[str, Any] = {}
        if e.markers:
            extra[EXTRA_MARKERS] = sorted(set(e.markers))
        if e is root:
            if multi:
                claim = MapClaim(key="1", text=e.text, kind=ISSUE, line=e.line, extra=extra)
            else:
                claim = MapClaim(
                    key="1",
                    text=e.text,
                    kind=POSITION,
                    parent=ISSUE_KEY,
                    relation=ANSWERS,
                    line=e.line,
                    extra=extra,
                )
                children[ISSUE_KEY] = ["1"]
        else:
            parent_key = resolve(parent_path)
            claim = MapClaim(
                key=e.path,
                text=e.text,
                kind=kind_of[e.path],
                parent=parent_key,
                relation=relation,
                line=e.line,
                extra=extra,
            )
            children.setdefault(parent_key, []).append(e.path)
        claims[e.path] = claim

    # Parents before children (a claim under a link line may come before the link's target).
    order: list[str] = []
    stack = ["1" if multi else ISSUE_KEY]
    while stack:
        key = stack.pop()
        order.append(key)
        stack.extend(reversed(children.get(key, ())))
    if len(order) != len(claims):
        placed = set(order)
        lost = next(c for c in claims.values() if c.key not in placed)
        raise FormatError(
            "This claim stands under a cross-link that leads back to it (a circle).",
            line=lost.line,
        )

    doc = MapDoc(title=title, format=fmt, links=links)
    doc.claims = [claims[key] for key in order]
    _add_sources(doc, footnotes, {k: c.extra.get(EXTRA_MARKERS, []) for k, c in claims.items()})
    return check(doc)


def _add_sources(doc: MapDoc, footnotes: list[_Footnote], cited: dict[str, list[int]]) -> None:
    if not footnotes:
        return
    passages: list[MapPassage] = []
    keys_of: dict[int, list[str]] = {}
    for note in footnotes:
        keys = keys_of[note.number] = []
        for k, excerpt in enumerate(note.excerpts, 1):
            key = f"fn{note.number}" if k == 1 else f"fn{note.number}.{k}"
            keys.append(key)
            passages.append(MapPassage(key=key, exact=excerpt, label=f"[{note.number}] {note.url}"))
    doc.meta[META_FOOTNOTES] = [
        {"n": note.number, "url": note.url, "passages": keys_of[note.number]} for note in footnotes
    ]
    if passages:
        doc.sources.append(
            MapSource(
                key=SOURCE_KEY,
                title=f"Sources of {doc.title}",
                text="\n\n".join(p.exact for p in passages),
                passages=passages,
            )
        )
    for claim in doc.claims:
        for number in cited.get(claim.key, ()):
            for key in keys_of.get(number, ()):
                doc.evidence.append(MapEvidence(claim=claim.key, passage=key, relation=SUPPORTS))


# ----------------------------------------------------------------------------------- writing


def write(doc: MapDoc) -> str:
    """The flat Kialo export of ``doc`` (see the module docstring for what it cannot hold)."""
    check(doc)
    children: dict[str, list[MapClaim]] = {}
    roots: list[MapClaim] = []
    for claim in doc.claims:
        if claim.parent is None:
            roots.append(claim)
        else:
            children.setdefault(claim.parent, []).append(claim)
    issue = next((c for c in roots if c.kind == ISSUE), None)
    tops = (children.get(issue.key, []) if issue else []) + [c for c in roots if c is not issue]
    title = _clean(issue.text if issue else doc.title)
    links_under: dict[str, list[MapLink]] = {}
    for link in doc.links:
        links_under.setdefault(link.parent, []).append(link)
    footnotes, cites = _footnotes(doc)

    out = [f"Discussion Title: {_escape(title)}".rstrip(), ""]
    if tops:
        # Paths first (a link may point at a claim written after it), then the lines.
        path_of: dict[str, str] = {}
        items: list[tuple[str, str, MapClaim | MapLink | None]] = []
        stack: list[tuple[str, str, MapClaim | MapLink | None]] = []
        if len(tops) == 1:
            stack.append(("1", "", tops[0]))
        else:
            items.append(("1", "", None))
            if issue is not None:
                path_of[issue.key] = "1"
            under_root: list[MapClaim | MapLink] = [*tops]
            if issue is not None:
                under_root += links_under.get(issue.key, [])
            for k in range(len(under_root), 0, -1):
                stack.append((f"1.{k}", THESIS, under_root[k - 1]))
        while stack:
            path, stance, item = stack.pop()
            items.append((path, stance, item))
            if not isinstance(item, MapClaim):
                continue
            path_of[item.key] = path
            below: list[MapClaim | MapLink] = [
                *children.get(item.key, []),
                *links_under.get(item.key, []),
            ]
            for k in range(len(below), 0, -1):
                child = below[k - 1]
                stance = _stance(child.relation)
                # Only the claims right under 1. are theses: the positions of a second
                # issue (written as a thesis) become its pros.
                stack.append((f"{path}.{k}", PRO if stance == THESIS else stance, child))
        for path, stance, item in items:
            if item is None:
                out.append(f"1. {_escape(title)}")
            elif isinstance(item, MapLink):
                out.append(f"{path}. {stance}: -> See {path_of[item.claim]}.")
            else:
                text = _claim_text(item, cites.get(item.key, set()))
                out.append(f"{path}. {stance}: {text}" if stance else f"{path}. {text}")
    if footnotes:
        out += ["", "Sources:"]
        for number, url, passages in footnotes:
            out.append(f"[{number}] {_escape(url)}".rstrip())
            for passage in passages:
                out.append(f'"{_escape(passage.exact)}"')
                out.append("")
        if out[-1] == "":
            out.pop()
    return "\n".join(out) + "\n"


def _stance(relation: str) -> str:
    if relation == ANSWERS:
        return THESIS
    return PRO if relation == SUPPORTS else CON  # undercuts are written as Con


def _clean(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _BAD_CHARS.sub("", text).strip(" \t")


def _claim_text(claim: MapClaim, cites: set[int]) -> str:
    text = _clean(claim.text)
    if not text.strip():
        raise FormatError("This claim has no text Kialo can hold.", node=claim.key)
    markers = set(cites)
    for number in claim.extra.get(EXTRA_MARKERS, ()):
        if isinstance(number, int):
            markers.add(number)
    written = _escape(text, markers)
    if cites:
        present = set(_unescape(written)[1])
        missing = sorted(cites - present)
        if missing:
            written += "".join(f" [{n}]" for n in missing)
    if _LINK.fullmatch(written):
        written = "\\" + written  # text that would read as a cross-link
    return written


def _escape(text: str, markers: set[int] | frozenset[int] = frozenset()) -> str:
    """Escape ``text`` for one line of a Kialo file: markdown links keep their brackets (their
    URL's parentheses are escaped), footnote markers in ``markers`` stay as they are."""
    if not _SPECIAL.search(text):
        return text
    out: list[str] = []
    pos = 0
    for m in _MD_LINK.finditer(text):
        out.append(_escape_plain(text[pos : m.start()], markers))
        out.append(f"[{_escape_plain(m.group(1))}]({_escape_plain(m.group(2))})")
        pos = m.end()
    out.append(_escape_plain(text[pos:], markers))
    return "".join(out)


def _escape_plain(text: str, markers: set[int] | frozenset[int] = frozenset()) -> str:
    def replace(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            if int(m.group(1)) in markers:
                return m.group(0)
            return f"\\[{m.group(1)}\\]"
        c = m.group(0)
        return "\\n" if c == "\n" else "\\" + c

    return _SPECIAL.sub(replace, text)


def _footnotes(
    doc: MapDoc,
) -> tuple[list[tuple[int, str, list[MapPassage]]], dict[str, set[int]]]:
    """The footnotes to write (number, URL, passages) and the numbers each claim cites.

    Numbers read from a Kialo file (``doc.meta["kialo_footnotes"]``) are kept; every other
    passage gets a footnote of its own, numbered after them.
    """
    passages = {p.key: p for source in doc.sources for p in source.passages}
    number_of: dict[str, int] = {}
    notes: list[tuple[int, str, list[MapPassage]]] = []
    used: set[int] = set()
    kept = doc.meta.get(META_FOOTNOTES)
    for entry in kept if isinstance(kept, list) else ():
        try:
            number = int(entry["n"])
            url = str(entry.get("url", ""))
            keys = [k for k in entry.get("passages", ()) if k in passages and k not in number_of]
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
        if number in used or number < 0:
            continue
        used.add(number)
        notes.append((number, url, [passages[k] for k in keys]))
        for k in keys:
            number_of[k] = number
    next_number = max(used, default=0) + 1
    for source in doc.sources:
        for passage in source.passages:
            if passage.key in number_of:
                continue
            number_of[passage.key] = next_number
            notes.append((next_number, source.url or source.title, [passage]))
            next_number += 1
    notes.sort(key=lambda note: note[0])
    cites: dict[str, set[int]] = {}
    for item in doc.evidence:
        cites.setdefault(item.claim, set()).add(number_of[item.passage])
    return notes, cites

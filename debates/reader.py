"""Turns a stored revision and its highlights into the reader's HTML blocks.

Pure functions over plain data: the structure the importer found (sections and blocks
with offsets) and a list of highlights (cited passages, annotations). Overlapping
highlights are split into segments at every boundary, so each character is wrapped once
and every highlight keeps a stable `id` target where it starts. Each block carries its
offset (`data-start`) so the page's script can turn a selection into text offsets.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape as _esc  # Django's escape without the lazy/SafeString wrapping

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Highlight:
    start: int
    end: int
    target: str  # element id where it starts: "passage-5", "annotation-9"
    href: str
    css: str  # "hl" for cited passages, "note" for annotations
    title: str
    selected: bool = False


@dataclass(frozen=True)
class BlockPassage:
    """The structural passage of a whole block (paragraph or list item)."""

    passage_id: int
    cite_count: int = 0
    selected: bool = False
    page: int | None = None  # page of the imported PDF it starts on


@dataclass
class ReaderBlock:
    kind: str  # "paragraph" or "list_item"
    start: int
    end: int
    label: str
    passage_id: int | None
    html: SafeString
    cite_count: int = 0
    selected: bool = False
    new_page: int | None = None  # the PDF page this block is the first of, to mark in the text


@dataclass
class ReaderSection:
    title: str
    heading_id: str
    blocks: list[ReaderBlock] = field(default_factory=list)

    @property
    def groups(self) -> list[tuple[str, list[ReaderBlock]]]:
        """Consecutive blocks of one kind, so list items render inside one <ul>."""
        out: list[tuple[str, list[ReaderBlock]]] = []
        for block in self.blocks:
            if out and out[-1][0] == block.kind:
                out[-1][1].append(block)
            else:
                out.append((block.kind, [block]))
        return out


def render_span(text: str, start: int, end: int, highlights: Sequence[Highlight]) -> SafeString:
    """HTML for text[start:end] with the highlights inside it marked and linked.

    A segment covered by several highlights links to the shortest (most specific) one
    and carries the classes of all of them. One sweep over the cut points: the
    highlights covering a segment are those that have started and not yet ended there.
    """
    inside = [h for h in highlights if h.start < end and h.end > start]
    if not inside:
        return escape(text[start:end])
    starting: dict[int, list[Highlight]] = {}
    ending: dict[int, list[Highlight]] = {}
    cuts = {start, end}
    for h in inside:
        at, until = max(h.start, start), min(h.end, end)
        cuts.add(at)
        cuts.add(until)
        starting.setdefault(at, []).append(h)
        ending.setdefault(until, []).append(h)
    points = sorted(cuts)
    # In the order given (as the anchors were written before: by the list's order).
    rank = {id(h): i for i, h in enumerate(inside)}
    # A highlight's link is written once per segment it covers: escape its parts once.
    link = {id(h): f'href="{_esc(h.href)}" title="{_esc(h.title)}"' for h in inside}
    active: dict[int, Highlight] = {}
    pieces: list[str] = []
    for seg_start, seg_end in zip(points, points[1:], strict=False):
        for h in ending.get(seg_start, ()):
            active.pop(id(h), None)
        began = starting.get(seg_start, ())
        for h in sorted(began, key=lambda h: rank[id(h)]):
            if h.start == seg_start:
                pieces.append(f'<span class="anchor" id="{_esc(h.target)}"></span>')
            if h.end > seg_start:  # an empty highlight marks its place and covers nothing
                active[id(h)] = h
        chunk = text[seg_start:seg_end]
        if not active:
            pieces.append(_esc(chunk))
            continue
        covering = active.values()
        best = min(covering, key=lambda h: (h.end - h.start, h.target))
        classes = sorted({h.css for h in covering})
        if len(active) > 1:
            classes.append("overlap")
        if any(h.selected for h in covering):
            classes.append(f"{best.css}-selected")
        pieces.append(f'<a class="{_esc(" ".join(classes))}" {link[id(best)]}>{_esc(chunk)}</a>')
    return mark_safe("".join(pieces))  # noqa: S308 - every piece above is escaped


def _block_html(text: str, block: dict, highlights: list[Highlight]) -> SafeString:
    """A block's HTML; a list item's label ("Diplomatic exchanges:") is set in bold."""
    start, end, label = block["start"], block["end"], block.get("label", "")
    head_end = start + len(label) + 1
    if label and text[start:head_end] == f"{label}:" and head_end < end:
        head = render_span(text, start, head_end, highlights)
        rest = render_span(text, head_end, end, highlights)
        return format_html("<strong>{}</strong>{}", head, rest)
    return render_span(text, start, end, highlights)


def _highlights_by_block(structure: dict, highlights: Iterable[Highlight]) -> dict:
    """The highlights overlapping each block (keyed by the block dict's id), in their given
    order: one sweep over blocks and highlights sorted by start, not every block against
    every highlight."""
    blocks = sorted(
        (b for section in structure.get("sections", []) for b in section.get("blocks", [])),
        key=lambda b: b["start"],
    )
    indexed = sorted(enumerate(highlights), key=lambda pair: pair[1].start)
    out: dict[int, list[Highlight]] = {}
    active: list[tuple[int, Highlight]] = []
    nxt = 0
    for block in blocks:
        start, end = block["start"], block["end"]
        while nxt < len(indexed) and indexed[nxt][1].start < end:
            active.append(indexed[nxt])
            nxt += 1
        active = [pair for pair in active if pair[1].end > start]
        inside = sorted((p for p in active if p[1].start < end), key=lambda p: p[0])
        out[id(block)] = [h for _, h in inside]
    return out


def build_sections(
    text: str,
    structure: dict,
    block_passages: dict[tuple[int, int], BlockPassage],
    highlights: Iterable[Highlight],
) -> list[ReaderSection]:
    """Sections with rendered blocks; `block_passages` maps a block's span to its passage.

    A block's own passage is shown by the block's style, so its highlight is not drawn
    again inside it.
    """
    within = _highlights_by_block(structure, highlights)
    sections: list[ReaderSection] = []
    last_page: int | None = None
    for index, section in enumerate(structure.get("sections", [])):
        reader_section = ReaderSection(
            title=section.get("title", ""), heading_id=f"section-{index}"
        )
        for block in section.get("blocks", []):
            own = block_passages.get((block["start"], block["end"]))
            own_target = f"passage-{own.passage_id}" if own else None
            inner = [h for h in within[id(block)] if h.target != own_target]
            reader_section.blocks.append(
                ReaderBlock(
                    kind=block["kind"],
                    start=block["start"],
                    end=block["end"],
                    label=block.get("label", ""),
                    passage_id=own.passage_id if own else None,
                    html=_block_html(text, block, inner),
                    cite_count=own.cite_count if own else 0,
                    selected=own.selected if own else False,
                    new_page=own.page if own and own.page not in (None, last_page) else None,
                )
            )
            last_page = own.page if own and own.page is not None else last_page
        sections.append(reader_section)
    return sections


def sections_html(
    sections: Sequence[ReaderSection], *, page_path: str, annotate_url: str | None
) -> SafeString:
    """The source's text as the reader shows it: each section with its heading, each block
    a paragraph (or list item, list items in one list) carrying its offsets, its passage's
    id and, when cited, a badge opening its citations (`page_path?passage=`); with
    `annotate_url`, a link to annotate the whole block. Built here rather than in a
    template loop: a source has hundreds of blocks."""
    out: list[str] = []
    page = _esc(page_path)
    annotate = _esc(annotate_url) if annotate_url else ""
    for section in sections:
        out.append('<section class="source-section">')
        if section.title:
            out.append(f'<h2 id="{_esc(section.heading_id)}">{_esc(section.title)}</h2>')
        for kind, blocks in section.groups:
            item = kind == "list_item"
            tag, what = ("li", "list item") if item else ("p", "paragraph")
            if item:
                out.append('<ul class="source-list">')
            for block in blocks:
                classes = "block"
                if block.cite_count:
                    classes += " block-cited"
                if block.selected:
                    classes += " block-selected"
                ident = f' id="passage-{block.passage_id}"' if block.passage_id else ""
                out.append(
                    f'<{tag} class="{classes}"{ident} data-start="{block.start}"'
                    f' data-end="{block.end}">'
                )
                if block.new_page:
                    out.append(f'<span class="page-marker" data-skip>page {block.new_page}</span>')
                out.append(str(block.html))
                if block.cite_count:
                    n = block.cite_count
                    out.append(
                        f' <a class="cite-badge" data-skip href="{page}?passage={block.passage_id}'
                        f'#passage-{block.passage_id}" aria-label="Cited by {n}'
                        f' claim{"" if n == 1 else "s"}: show them">{n}</a>'
                    )
                if annotate:
                    out.append(
                        f' <a class="annotate-link" data-skip hx-boost="false" href="{annotate}'
                        f'?start={block.start}&amp;end={block.end}"'
                        f' aria-label="Annotate this {what}">✎</a>'
                    )
                out.append(f"</{tag}>")
            if item:
                out.append("</ul>")
        out.append("</section>")
    return mark_safe("".join(out))  # noqa: S308 - the text is escaped in render_span, the rest here

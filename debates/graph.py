"""The map as a picture: a layered tree laid out and written as standalone SVG.

Pure functions over a `selectors.DebateMap`, so the page, the downloadable file and the
benchmark share one drawing and nothing here touches a request. Issues stand in the left
column and each reply one column to the right of what it answers; arrows run from a reply
to its parent. A subtree owns a horizontal band as tall as the larger of its own box and
its children's bands, so boxes in one column can never overlap, at any map size.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

from .models import Claim
from .selectors.maps import DebateMap, MapNode

BOX_W = 260
PAD = 10
HEAD_H = 16  # the kind line ("Pro", "Con", …), 12px
LINE_H = 17  # claim text, 13px
META_H = 18  # the evidence count, 12px
MAX_LINES = 3
WRAP_CHARS = 34  # about what fits in BOX_W at 13px in a sans-serif face
COL_GAP = 80
ROW_GAP = 14
MARGIN = 20
HEADER_H = 140  # title, counts and the legend above the graph
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"

INK = "#1d2330"
MUTED = "#4f5868"

# Stroke colour and dash pattern for each relation: the dash tells them apart without colour.
EDGE_STYLES: dict[str, tuple[str, str, str]] = {
    # relation: (colour, stroke-dasharray, legend text)
    "supports": ("#1e6b34", "", "supports (Pro)"),
    "opposes": ("#a4262c", "9 5", "opposes (Con)"),
    "undercuts": ("#a4262c", "2 4", "undercuts the link"),
    "answers": ("#4f5868", "", "answers an issue (Position)"),
    "link": ("#7a8394", "6 3 1 3", "cross-link: also stands here"),
}
# Box border and wash per kind of card.
BOX_STYLES: dict[str, tuple[str, str]] = {
    "issue": ("#5b3a8c", "#f0eaf8"),
    "position": ("#0f5a7a", "#e3f1f7"),
    "supports": ("#1e6b34", "#ffffff"),
    "opposes": ("#a4262c", "#ffffff"),
    "undercuts": ("#a4262c", "#ffffff"),
}
PENDING = ("#8a5a00", "#fffaf0")

# Characters XML 1.0 forbids even when escaped.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: object) -> str:
    """Text safe inside an XML element or a double-quoted attribute."""
    return escape(_XML_ILLEGAL.sub("", str(value)), quote=True)


def kind_label(claim: Claim) -> str:
    """The same words the outline uses for a claim's stance."""
    if claim.kind == Claim.Kind.ISSUE:
        return "Issue"
    if claim.kind == Claim.Kind.POSITION:
        return "Position"
    return {"supports": "Pro", "undercuts": "Undercut"}.get(claim.relation, "Con")


def wrap_text(text: str, width: int = WRAP_CHARS, max_lines: int = MAX_LINES) -> list[str]:
    """At most `max_lines` lines; a claim that does not fit ends with "…"."""
    lines = textwrap.wrap(" ".join(text.split()), width=width) or [""]
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    last = kept[-1]
    if len(last) > width - 1:
        last = last[: width - 1].rstrip()
    kept[-1] = last + "…"
    return kept


@dataclass
class Box:
    node: MapNode
    column: int
    lines: list[str]
    x: float = 0.0
    y: float = 0.0
    band: float = 0.0  # height of the band this subtree owns
    children: list[Box] = field(default_factory=list)

    @property
    def claim(self) -> Claim:
        return self.node.claim

    @property
    def w(self) -> float:
        return BOX_W

    @property
    def h(self) -> float:
        return PAD + HEAD_H + LINE_H * len(self.lines) + META_H + PAD

    @property
    def pending(self) -> bool:
        return self.claim.status != Claim.Status.PUBLISHED


@dataclass
class Layout:
    boxes: dict[int, Box]
    roots: list[Box]
    width: float
    height: float


def layout(debate_map: DebateMap) -> Layout:
    """Positions for every visible claim; iterative, so a very deep chain cannot overflow."""
    boxes: dict[int, Box] = {}
    roots: list[Box] = []
    # Build boxes top-down, remembering a post-order for sizing bands bottom-up.
    order: list[Box] = []
    stack: list[tuple[MapNode, int, Box | None]] = [
        (node, 0, None) for node in reversed(debate_map.issues)
    ]
    while stack:
        node, column, parent = stack.pop()
        # Bold issue text is wider, so it wraps sooner.
        width = WRAP_CHARS - 3 if node.claim.kind == Claim.Kind.ISSUE else WRAP_CHARS
        box = Box(node=node, column=column, lines=wrap_text(node.claim.text, width))
        boxes[node.claim.pk] = box
        (parent.children if parent else roots).append(box)
        order.append(box)
        stack.extend((child, column + 1, box) for child in reversed(node.children))
    for box in reversed(order):  # children before parents
        kids = sum(child.band for child in box.children) + ROW_GAP * max(0, len(box.children) - 1)
        box.band = max(box.h, kids)

    top = HEADER_H
    placing: list[tuple[Box, float]] = []
    for root in roots:
        placing.append((root, top))
        top += root.band + ROW_GAP * 2
    deepest = 0
    while placing:
        box, band_top = placing.pop()
        deepest = max(deepest, box.column)
        box.x = MARGIN + box.column * (BOX_W + COL_GAP)
        box.y = band_top + (box.band - box.h) / 2
        kids = sum(child.band for child in box.children) + ROW_GAP * max(0, len(box.children) - 1)
        cursor = band_top + (box.band - kids) / 2
        for child in box.children:
            placing.append((child, cursor))
            cursor += child.band + ROW_GAP
    width = max(MARGIN * 2 + (deepest + 1) * BOX_W + deepest * COL_GAP, 760)
    height = max(top - ROW_GAP * 2 + MARGIN, HEADER_H + 60)
    return Layout(boxes=boxes, roots=roots, width=width, height=height)


def _edge_path(child: Box, parent: Box) -> str:
    """A curve from the child's near side to the parent's near side."""
    if child.x >= parent.x + parent.w:
        x1, x2 = child.x, parent.x + parent.w
    elif child.x + child.w <= parent.x:
        x1, x2 = child.x + child.w, parent.x
    else:  # same column (a cross-link): loop out to the right
        x1 = x2 = child.x + child.w
    y1, y2 = child.y + child.h / 2, parent.y + parent.h / 2
    bend = max(COL_GAP / 2, abs(x1 - x2) / 2) if x1 != x2 else COL_GAP / 2
    c1 = x1 - bend if x1 > x2 else x1 + bend
    c2 = x2 + bend if x1 >= x2 else x2 - bend
    return f"M{x1:.1f},{y1:.1f} C{c1:.1f},{y1:.1f} {c2:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"


def _edge(path: str, kind: str, css: str) -> str:
    colour, dash, _ = EDGE_STYLES[kind]
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<path class="{css}" d="{path}" fill="none" stroke="{colour}" stroke-width="2"'
        f'{dashed} marker-end="url(#crux-arrow-{kind})"/>'
    )


def _markers() -> str:
    markers = "".join(
        f'<marker id="crux-arrow-{kind}" viewBox="0 0 10 10" refX="9" refY="5" '
        f'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        for kind, (colour, _, _) in EDGE_STYLES.items()
    )
    return f"<defs>{markers}</defs>"


def _legend(y: float) -> str:
    """Each line style with its meaning, and the look of a pending claim."""
    items = list(EDGE_STYLES.items())
    parts = ['<g class="legend">']
    for i, (kind, (colour, dash, label)) in enumerate(items):
        x = MARGIN + (i % 3) * 240
        row_y = y + (i // 3) * 24
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{x}" y1="{row_y}" x2="{x + 44}" y2="{row_y}" stroke="{colour}" '
            f'stroke-width="2"{dashed} marker-end="url(#crux-arrow-{kind})"/>'
            f'<text x="{x + 54}" y="{row_y + 4}" font-size="12" fill="{INK}">'
            f"{xml_text(label)}</text>"
        )
    x = MARGIN + (len(items) % 3) * 240
    row_y = y + (len(items) // 3) * 24
    border, wash = PENDING
    parts.append(
        f'<rect x="{x}" y="{row_y - 8}" width="44" height="16" rx="3" fill="{wash}" '
        f'stroke="{border}" stroke-dasharray="4 2"/>'
        f'<text x="{x + 54}" y="{row_y + 4}" font-size="12" fill="{INK}">'
        "pending review (you or moderators only)</text>"
    )
    parts.append("</g>")
    return "".join(parts)


def _box(box: Box, href: str) -> str:
    claim = box.claim
    label = kind_label(claim)
    border, wash = (
        PENDING
        if box.pending
        else BOX_STYLES.get(
            claim.kind if claim.kind != Claim.Kind.ARGUMENT else claim.relation, BOX_STYLES["issue"]
        )
    )
    evidence = getattr(claim, "evidence_count", 0) or 0
    status = " (pending review)" if box.pending else ""
    tooltip = f"{label}{status}: {claim.text} — {evidence} evidence"
    dash = ' stroke-dasharray="6 3"' if box.pending else ""
    weight = ' font-weight="700"' if claim.kind == Claim.Kind.ISSUE else ""
    x, y = box.x, box.y
    head = label + (" · Pending review" if box.pending else "")
    text_lines = "".join(
        f'<tspan x="{x + PAD:.1f}" y="{y + PAD + HEAD_H + LINE_H * (i + 1) - 4:.1f}">'
        f"{xml_text(line)}</tspan>"
        for i, line in enumerate(box.lines)
    )
    meta_y = y + PAD + HEAD_H + LINE_H * len(box.lines) + META_H - 4
    return (
        f'<a href="{xml_text(href)}" xlink:href="{xml_text(href)}" id="crux-claim-{claim.pk}">'
        f"<title>{xml_text(tooltip)}</title>"
        f'<rect class="claim-box" x="{x:.1f}" y="{y:.1f}" width="{box.w}" height="{box.h}" '
        f'rx="6" fill="{wash}" stroke="{border}" stroke-width="2"{dash}/>'
        f'<rect x="{x:.1f}" y="{y:.1f}" width="5" height="{box.h}" fill="{border}"/>'
        f'<text x="{x + PAD:.1f}" y="{y + PAD + 10:.1f}" font-size="12" font-weight="700" '
        f'fill="{border}">{xml_text(head)}</text>'
        f'<text class="claim-text" font-size="13" fill="{INK}"{weight}>{text_lines}</text>'
        f'<text class="evidence-count" x="{x + PAD:.1f}" y="{meta_y:.1f}" font-size="12" '
        f'fill="{MUTED}">{evidence} evidence</text>'
        "</a>"
    )


def render_svg(
    debate_map: DebateMap,
    *,
    claim_url: Callable[[Claim], str],
    xml_declaration: bool = True,
) -> str:
    """The map as one standalone SVG document: no scripts, styles sheets or fonts to fetch.

    `claim_url` turns a claim into the address its box links to; pass absolute addresses
    for a file that will be downloaded and opened elsewhere.
    """
    debate = debate_map.debate
    plan = layout(debate_map)
    width, height = int(plan.width), int(plan.height)
    count = debate_map.claim_count
    title = f"Map of {debate.title}"
    desc = (
        f"{count} claim{'s' if count != 1 else ''} drawn as boxes; arrows run from each reply "
        "to the claim it answers, supports, opposes or undercuts."
    )
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n' if xml_declaration else "",
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'version="1.1" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="{xml_text(FONT)}" aria-labelledby="crux-graph-title crux-graph-desc" '
        f'class="crux-graph">',
        f'<title id="crux-graph-title">{xml_text(title)}</title>',
        f'<desc id="crux-graph-desc">{xml_text(desc)}</desc>',
        _markers(),
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="{MARGIN}" y="{MARGIN + 14}" font-size="18" font-weight="700" fill="{INK}">'
        f"{xml_text(title)}</text>",
        f'<text x="{MARGIN}" y="{MARGIN + 36}" font-size="12" fill="{MUTED}">'
        f"{count} claim{'s' if count != 1 else ''} · {debate_map.evidence_count} evidence "
        f"link{'s' if debate_map.evidence_count != 1 else ''}</text>",
        _legend(MARGIN + 62),
    ]
    if not plan.roots:
        parts.append(
            f'<text x="{MARGIN}" y="{HEADER_H + 20}" font-size="14" fill="{INK}">'
            "This map has no issues yet.</text>"
        )
    edges: list[str] = []
    for box in plan.boxes.values():
        for child in box.children:
            edges.append(_edge(_edge_path(child, box), child.claim.relation, "edge"))
        for link in box.node.links:
            linked = plan.boxes.get(link.claim_id)
            if linked is not None:
                edges.append(_edge(_edge_path(linked, box), "link", "edge cross-link"))
    parts.append(f'<g class="edges">{"".join(edges)}</g>')
    parts.append('<g class="boxes">')
    parts.extend(_box(box, claim_url(box.claim)) for box in plan.boxes.values())
    parts.append("</g></svg>\n")
    return "".join(parts)

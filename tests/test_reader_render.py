"""The reader's highlight renderer: overlaps, escaping, stable targets."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from debates.reader import BlockPassage, Highlight, build_sections, render_span


def hl(start, end, target, css="hl", selected=False):
    return Highlight(start, end, target, f"#{target}", css, f"title {target}", selected)


def test_text_without_highlights_is_escaped_and_unmarked():
    assert render_span("a <b> & c", 0, 9, []) == "a &lt;b&gt; &amp; c"


def test_highlights_outside_the_span_are_ignored():
    assert render_span("abcdef", 2, 4, [hl(4, 6, "x")]) == "cd"


def test_overlapping_highlights_split_into_segments_each_with_a_target():
    text = "The quick brown fox jumps"
    html = render_span(
        text, 0, len(text), [hl(4, 15, "passage-1"), hl(10, 19, "annotation-2", "note")]
    )
    assert html.count('id="passage-1"') == 1 and html.count('id="annotation-2"') == 1
    assert '<a class="hl" href="#passage-1" title="title passage-1">quick </a>' in html
    assert 'class="hl note overlap" href="#annotation-2"' in html
    assert '<a class="note" href="#annotation-2" title="title annotation-2"> fox</a>' in html
    # Removing the markup gives back the text exactly.
    assert re.sub(r"<[^>]+>", "", html) == text


def test_text_inside_highlights_is_escaped():
    html = render_span("x <script> y", 0, 12, [hl(2, 10, "passage-3")])
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_selected_highlight_is_marked():
    html = render_span("abcdef", 0, 6, [hl(1, 3, "passage-7", selected=True)])
    assert "hl-selected" in html


def test_list_item_labels_are_bold_and_blocks_keep_their_passage():
    text = "Costs: It was dear."
    block = {"kind": "list_item", "start": 0, "end": len(text), "label": "Costs"}
    structure = {"sections": [{"title": "Money", "blocks": [block]}]}
    own = BlockPassage(5, cite_count=3)
    sections = build_sections(
        text, structure, {(0, len(text)): own}, [hl(0, len(text), "passage-5")]
    )
    reader_block = sections[0].blocks[0]
    assert reader_block.passage_id == 5 and reader_block.cite_count == 3
    # The block's own passage is shown by the block's style, not by a mark inside it.
    assert str(reader_block.html) == "<strong>Costs:</strong> It was dear."
    assert sections[0].groups == [("list_item", [reader_block])]


def _reference_span(text, start, end, highlights):
    """The plain definition render_span must agree with: cut at every boundary, and for
    each segment look at every highlight again."""
    from html import escape as esc

    inside = [h for h in highlights if h.start < end and h.end > start]
    if not inside:
        return esc(text[start:end])
    points = sorted(
        {start, end} | {max(h.start, start) for h in inside} | {min(h.end, end) for h in inside}
    )
    out = []
    for a, b in zip(points, points[1:], strict=False):
        out += [
            f'<span class="anchor" id="{esc(h.target)}"></span>' for h in inside if h.start == a
        ]
        covering = [h for h in inside if h.start <= a and h.end >= b]
        if not covering:
            out.append(esc(text[a:b]))
            continue
        best = min(covering, key=lambda h: (h.end - h.start, h.target))
        classes = sorted({h.css for h in covering}) + (["overlap"] if len(covering) > 1 else [])
        if any(h.selected for h in covering):
            classes.append(f"{best.css}-selected")
        out.append(
            f'<a class="{esc(" ".join(classes))}" href="{esc(best.href)}"'
            f' title="{esc(best.title)}">{esc(text[a:b])}</a>'
        )
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 30),
            st.integers(0, 12),
            st.sampled_from(["hl", "note"]),
            st.booleans(),
        ),
        max_size=12,
    ),
    st.integers(0, 30),
    st.integers(0, 30),
)
def test_the_sweep_agrees_with_the_plain_definition(spans, a, b):
    text = "The <quick> brown & fox jumps over"
    start, end = min(a, b), max(a, b) + 1
    marks = [
        Highlight(s, s + n, f"t{i}", f"#t{i}", css, f"title {i}", sel)
        for i, (s, n, css, sel) in enumerate(spans)
    ]
    assert str(render_span(text, start, end, marks)) == _reference_span(text, start, end, marks)

"""The reader's highlight renderer: overlaps, escaping, stable targets."""

import re

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

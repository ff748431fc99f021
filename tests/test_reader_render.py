"""The reader's highlight renderer: overlaps, escaping, stable targets."""

from debates.reader import Highlight, build_sections, render_span


def link(pid: int) -> str:
    return f"?passage={pid}"


def test_text_without_citations_is_escaped_and_unmarked():
    assert render_span("a <b> & c", 0, 9, [], link) == "a &lt;b&gt; &amp; c"


def test_uncited_passages_are_not_highlighted():
    html = render_span("abcdef", 0, 6, [Highlight(1, 3, 7, cite_count=0)], link)
    assert "hl" not in html


def test_overlapping_highlights_split_into_segments_each_with_a_target():
    text = "The quick brown fox jumps"
    html = render_span(
        text,
        0,
        len(text),
        [Highlight(4, 15, 1, cite_count=2), Highlight(10, 19, 2, cite_count=1)],
        link,
    )
    assert html.count('id="passage-1"') == 1 and html.count('id="passage-2"') == 1
    assert '<a class="hl" href="?passage=1" title="Cited by 2 claims">quick </a>' in html
    assert '<a class="hl hl-overlap" href="?passage=2" title="Cited by 1 claim">brown</a>' in html
    assert '<a class="hl" href="?passage=2" title="Cited by 1 claim"> fox</a>' in html
    # Removing the markup gives back the text exactly.
    import re

    assert re.sub(r"<[^>]+>", "", html) == text


def test_selected_highlight_is_marked():
    html = render_span("abcdef", 0, 6, [Highlight(1, 3, 7, cite_count=1, selected=True)], link)
    assert "hl-selected" in html


def test_list_item_labels_are_bold_and_blocks_keep_their_passage():
    text = "Costs: It was dear."
    structure = {
        "sections": [
            {
                "title": "Money",
                "blocks": [{"kind": "list_item", "start": 0, "end": len(text), "label": "Costs"}],
            }
        ]
    }
    own = Highlight(0, len(text), 5, cite_count=3)
    sections = build_sections(text, structure, {(0, len(text)): own}, [own], link)
    block = sections[0].blocks[0]
    assert block.passage_id == 5 and block.cite_count == 3
    assert str(block.html) == "<strong>Costs:</strong> It was dear."
    assert sections[0].groups == [("list_item", [block])]

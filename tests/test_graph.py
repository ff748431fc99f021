"""The graph view: a standalone SVG of what the viewer may see, readable at 200 claims."""

import itertools
import time
import xml.etree.ElementTree as ET  # noqa: S405 - parses our own output, not user input

import pytest
from django.urls import reverse

from debates import graph, selectors
from debates.models import Claim, ClaimLink, Debate, Evidence

from .factories import ClaimFactory, DebateFactory, build_map

SVG = "{http://www.w3.org/2000/svg}"


def svg_of(client, debate, **params):
    response = client.get(reverse("debates:graph_svg", args=[debate.slug]), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    return response, ET.fromstring(response.content)  # noqa: S314


def rects(root):
    return [
        tuple(float(r.get(k)) for k in ("x", "y", "width", "height"))
        for r in root.iter(f"{SVG}rect")
        if r.get("class") == "claim-box"
    ]


def overlaps(a, b) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


@pytest.fixture
def small_map(debate, source, teacher, student):
    """An issue, a position, a pro, a con, an undercut, a cross-link and a pending claim."""
    issue = ClaimFactory(debate=debate, text='Do rivers make towns <rich> & "famous"?')
    position = ClaimFactory(
        debate=debate, kind="position", parent=issue, relation="answers", text="Yes, they do"
    )
    pro = ClaimFactory(
        debate=debate, kind="argument", parent=position, relation="supports", text="Trade"
    )
    con = ClaimFactory(
        debate=debate, kind="argument", parent=position, relation="opposes", text="Floods"
    )
    undercut = ClaimFactory(
        debate=debate, kind="argument", parent=pro, relation="undercuts", text="Not always"
    )
    ClaimLink.objects.create(debate=debate, claim=con, parent=pro, relation="opposes")
    passage = source.passages.get(label="Costs")
    Evidence.objects.create(claim=pro, passage=passage, status="published", author=teacher)
    Evidence.objects.create(
        claim=pro, passage=source.passages.get(label="Benefits"), status="published"
    )
    Evidence.objects.create(
        claim=con, passage=passage, status="published", deleted_at="2024-01-01T00:00Z"
    )
    pending = ClaimFactory(
        debate=debate,
        kind="argument",
        parent=position,
        relation="supports",
        text="A student's pending idea",
        author=student,
        status=Claim.Status.PROPOSED,
    )
    return {
        "issue": issue,
        "position": position,
        "pro": pro,
        "con": con,
        "undercut": undercut,
        "pending": pending,
    }


def box_group(root, claim):
    return next(a for a in root.iter(f"{SVG}a") if a.get("id") == f"crux-claim-{claim.pk}")


def test_svg_is_standalone_with_size_viewbox_and_no_external_resources(client, small_map, debate):
    response, root = svg_of(client, debate)
    body = response.content.decode()
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert root.tag == f"{SVG}svg"
    width, height = int(root.get("width")), int(root.get("height"))
    assert root.get("viewBox") == f"0 0 {width} {height}"
    assert root.find(f"{SVG}title").text == "Map of Rivers"
    assert "<script" not in body and "<image" not in body and "@import" not in body
    assert "<style" not in body  # inline in a page, a style element would leak into it
    for node in root.iter():
        for attr, value in node.attrib.items():
            if attr.endswith("href"):
                assert value.startswith("http://testserver/debates/rivers/claims/")
    assert response["Cache-Control"] == "private, no-cache"
    assert "Content-Disposition" not in response


def test_claim_text_is_escaped_and_kept_whole_in_the_tooltip(client, small_map, debate):
    response, root = svg_of(client, debate)
    assert b"<rich>" not in response.content
    assert b"&lt;rich&gt; &amp; &quot;famous&quot;" in response.content
    issue = box_group(root, small_map["issue"])
    assert issue.find(f"{SVG}title").text.startswith(
        'Issue: Do rivers make towns <rich> & "famous"?'
    )


def test_long_claims_are_truncated_with_an_ellipsis_and_kept_in_the_title(debate, client):
    text = "Rivers " * 60 + "end-of-the-claim"
    claim = ClaimFactory(debate=debate, text=text)
    _, root = svg_of(client, debate)
    group = box_group(root, claim)
    shown = " ".join(t.text for t in group.iter(f"{SVG}tspan"))
    assert shown.endswith("…")
    assert "end-of-the-claim" not in shown
    assert "end-of-the-claim" in group.find(f"{SVG}title").text
    assert len(list(group.iter(f"{SVG}tspan"))) == graph.MAX_LINES


def test_boxes_show_kind_evidence_count_and_link_to_the_claim(client, small_map, debate):
    _, root = svg_of(client, debate)
    expected = {"issue": "Issue", "position": "Position", "pro": "Pro", "con": "Con"}
    for name, label in expected.items():
        group = box_group(root, small_map[name])
        texts = ["".join(t.itertext()) for t in group.iter(f"{SVG}text")]
        assert texts[0] == label
        assert group.get("href").endswith(f"/debates/rivers/claims/{small_map[name].pk}/")
    pro_texts = [
        "".join(t.itertext()) for t in box_group(root, small_map["pro"]).iter(f"{SVG}text")
    ]
    assert "2 evidence" in pro_texts
    # Deleted evidence does not count.
    con_texts = [
        "".join(t.itertext()) for t in box_group(root, small_map["con"]).iter(f"{SVG}text")
    ]
    assert "0 evidence" in con_texts
    assert "Undercut" in "".join(box_group(root, small_map["undercut"]).itertext())


def test_arrows_tell_relations_apart_by_colour_and_dash(client, small_map, debate):
    _, root = svg_of(client, debate)
    edges = [p for p in root.iter(f"{SVG}path") if (p.get("class") or "").startswith("edge")]
    styles = {(p.get("stroke"), p.get("stroke-dasharray"), p.get("marker-end")) for p in edges}
    assert ("#1e6b34", None, "url(#crux-arrow-supports)") in styles
    assert ("#a4262c", "9 5", "url(#crux-arrow-opposes)") in styles
    assert ("#a4262c", "2 4", "url(#crux-arrow-undercuts)") in styles
    assert ("#4f5868", None, "url(#crux-arrow-answers)") in styles
    links = [p for p in edges if p.get("class") == "edge cross-link"]
    assert len(links) == 1 and links[0].get("stroke-dasharray") == "6 3 1 3"
    # One arrow per parent-child pair plus the cross-link; the student's proposal is hidden.
    assert len(edges) == 4 + 1
    markers = {m.get("id") for m in root.iter(f"{SVG}marker")}
    assert {f"crux-arrow-{k}" for k in graph.EDGE_STYLES} <= markers


def test_legend_explains_every_line_style_and_pending_boxes(client, small_map, debate):
    _, root = svg_of(client, debate)
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "legend")
    words = " ".join("".join(t.itertext()) for t in legend.iter(f"{SVG}text"))
    for needle in ("supports (Pro)", "opposes (Con)", "undercuts", "answers", "cross-link"):
        assert needle in words
    assert "pending review" in words


def test_pending_claims_are_drawn_for_their_author_and_moderators_only(
    client, small_map, debate, student, moderator, outsider
):
    pending = small_map["pending"]
    _, root = svg_of(client, debate)
    assert f"crux-claim-{pending.pk}" not in {a.get("id") for a in root.iter(f"{SVG}a")}
    client.force_login(outsider)
    _, root = svg_of(client, debate)
    assert "pending idea" not in ET.tostring(root, encoding="unicode")
    for person in (student, moderator):
        client.force_login(person)
        _, root = svg_of(client, debate)
        group = box_group(root, pending)
        assert "Pending review" in "".join(group.itertext())
        assert group.find(f"{SVG}rect").get("stroke-dasharray") == "6 3"


def test_private_debates_are_404_for_outsiders_and_shown_to_members(client, teacher, outsider):
    secret = DebateFactory(owner=teacher, slug="secret", visibility=Debate.Visibility.PRIVATE)
    ClaimFactory(debate=secret, text="Hidden issue")
    for name in ("graph_svg", "graph"):
        url = reverse(f"debates:{name}", args=["secret"])
        assert client.get(url).status_code == 404
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        client.force_login(teacher)
        assert client.get(url).status_code == 200
        client.logout()


def test_download_adds_an_attachment_header_named_for_the_debate(client, small_map, debate):
    response, _ = svg_of(client, debate, download="1")
    assert response["Content-Disposition"] == 'attachment; filename="rivers.svg"'


def test_post_is_not_allowed(client, debate):
    assert client.post(reverse("debates:graph_svg", args=[debate.slug])).status_code == 405


def test_two_hundred_claims_do_not_overlap_use_readable_fonts_and_render_fast(client, debate):
    build_map(debate, 200)
    started = time.perf_counter()
    the_map = selectors.debate_map(debate=debate, viewer=debate.owner)
    svg = graph.render_svg(the_map, claim_url=lambda c: f"/claims/{c.pk}/")
    assert time.perf_counter() - started < 1.0
    root = ET.fromstring(svg.encode())  # noqa: S314
    boxes = rects(root)
    assert len(boxes) == 200
    for a, b in itertools.combinations(boxes, 2):
        assert not overlaps(a, b), (a, b)
    width, height = float(root.get("width")), float(root.get("height"))
    for x, y, w, h in boxes:
        assert x >= 0 and y >= 0 and x + w <= width and y + h <= height
    sizes = [float(t.get("font-size")) for t in root.iter(f"{SVG}text")]
    assert sizes and min(sizes) >= 12
    # The served file is the same drawing.
    _, served = svg_of(client, debate)
    assert len(rects(served)) == 200


def test_the_map_page_advertises_the_svg_and_the_graph_page_shows_it(client, small_map, debate):
    html = client.get(debate.get_absolute_url()).content.decode()
    svg_url = reverse("debates:graph_svg", args=[debate.slug])
    assert f'<link rel="alternate" type="image/svg+xml" href="{svg_url}"' in html
    assert "crux/outline.js" in html
    response = client.get(reverse("debates:graph", args=[debate.slug]))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert "<?xml" not in page
    assert f'href="{svg_url}?download=1"' in page
    assert 'aria-current="page">Graph<' in page
    # Inside the page, boxes link with paths rather than full addresses.
    assert f'href="/debates/rivers/claims/{small_map["pro"].pk}/"' in page


def test_an_empty_map_says_so(client, debate):
    _, root = svg_of(client, debate)
    assert "no issues yet" in ET.tostring(root, encoding="unicode")

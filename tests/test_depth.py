"""A very deep map (issue 9): no view recurses per level of the map.

A chain of 1,000 claims (an issue, a position, then arguments each answering the one above)
opens everywhere: the outline and its live refresh, "Show N replies", the deepest claim's
page and history, the SVG graph and the balance page. The outline's queries do not grow
with the depth.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from debates.models import Claim

from .factories import DebateFactory

HTMX_TREE = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "map-tree"}
DEPTH = 1000


def build_chain(debate, depth: int) -> list[Claim]:
    """`depth` published claims, each the only reply of the one above it (one insert per
    level, so the database's parent triggers see each parent before its child)."""
    author = debate.owner
    chain: list[Claim] = []
    for level in range(depth):
        parent = chain[-1] if chain else None
        kind = "issue" if level == 0 else "position" if level == 1 else "argument"
        relation = ("", "answers")[level] if level < 2 else ("supports", "opposes")[level % 2]
        [claim] = Claim.objects.bulk_create(
            [
                Claim(
                    debate=debate,
                    kind=kind,
                    parent=parent,
                    relation=relation,
                    text=f"Level {level + 1}",
                    author=author,
                    status="published",
                )
            ]
        )
        chain.append(claim)
    return chain


@pytest.fixture
def chain(debate):
    return build_chain(debate, DEPTH)


def _as(client, who):
    if who is not None:
        client.force_login(who)
    return client


def _open_to_the_bottom(client, debate, html: str, deepest: Claim) -> str:
    """Follow "Show N replies" (the subtree fragment) until the deepest claim is drawn."""
    for _ in range(10):
        if f'id="claim-{deepest.pk}"' in html:
            return html
        urls = re.findall(r'hx-get="([^"]*/subtree/\?level=\d+)"', html)
        assert urls, "no 'Show replies' link before the deepest claim"
        response = client.get(urls[-1].replace("&amp;", "&"), HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        html = response.content.decode()
    raise AssertionError("the deepest claim is not reachable")


@pytest.mark.parametrize("who", ["anonymous", "owner"])
def test_every_page_opens_at_depth_1000(client, debate, chain, who):
    client = _as(client, debate.owner if who == "owner" else None)
    deepest = chain[-1]
    slug = debate.slug

    response = client.get(reverse("debates:map", args=[slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="claim-{chain[0].pk}"' in html
    # Whole levels are drawn up to the page's budget; deeper ones load on demand.
    assert html.count('role="treeitem"') < DEPTH
    assert 'aria-level="2"' in html
    _open_to_the_bottom(client, debate, html, deepest)

    response = client.get(reverse("debates:map", args=[slug]), **HTMX_TREE)
    assert response.status_code == 200
    assert 'id="map-tree"' in response.content.decode()

    response = client.get(reverse("debates:map_refresh", args=[slug]) + "?since=0", **HTMX_TREE)
    assert response.status_code == 200
    assert 'id="map-tree"' in response.content.decode()

    response = client.get(reverse("debates:claim", args=[slug, deepest.pk]))
    assert response.status_code == 200
    assert response.content.decode().count(f'href="/debates/{slug}/claims/') >= DEPTH - 1

    response = client.get(reverse("debates:claim_history", args=[slug, deepest.pk]))
    assert response.status_code == 200

    response = client.get(reverse("debates:graph_svg", args=[slug]))
    assert response.status_code == 200
    assert f'id="crux-claim-{deepest.pk}"' in response.content.decode()

    response = client.get(reverse("debates:graph", args=[slug]))
    assert response.status_code == 200

    response = client.get(reverse("debates:balance", args=[slug]))
    assert response.status_code == 200


def _map_queries(client, debate) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("debates:map", args=[debate.slug]))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["anonymous", "owner"])
def test_the_map_runs_as_many_queries_at_depth_50_as_at_depth_1000(client, debate, teacher, who):
    client = _as(client, teacher if who == "owner" else None)
    shallow = DebateFactory(owner=teacher, slug="shallow")
    build_chain(shallow, 50)
    deep = DebateFactory(owner=teacher, slug="deep")
    build_chain(deep, DEPTH)
    _map_queries(client, shallow)  # warm per-session caches alike for both
    assert _map_queries(client, deep) == _map_queries(client, shallow)

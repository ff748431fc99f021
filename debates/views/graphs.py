"""Other views of a map: the graph picture (page and SVG file) and the balance view.

Thin views: find the debate (404 when the viewer may not see it), ask `graph` or `balance`,
render. The tabs above each page need the same context as the outline, so it is reused.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from .. import graph, selectors
from ..models import Claim, Debate
from ..selectors import balance
from .maps import _debate_for, map_context


def _svg(request: HttpRequest, debate: Debate, the_map, *, standalone: bool) -> str:
    """The drawing of what this viewer may see; a standalone file links with full addresses."""

    def claim_url(claim: Claim) -> str:
        url = reverse("debates:claim", args=[debate.slug, claim.pk])
        return request.build_absolute_uri(url) if standalone else url

    return graph.render_svg(the_map, claim_url=claim_url, xml_declaration=standalone)


@require_safe
def graph_page(request: HttpRequest, slug: str) -> HttpResponse:
    debate = _debate_for(request, slug)
    context = map_context(request, debate)
    # Every piece of text in the drawing is XML-escaped by graph.render_svg.
    context["svg"] = mark_safe(_svg(request, debate, context["map"], standalone=False))  # noqa: S308
    # Actual size (readable, scrolls) by default; ?fit=1 shrinks it to the page's width.
    context["fit"] = request.GET.get("fit") == "1"
    return render(request, "debates/graph.html", context)


@require_safe
def graph_svg(request: HttpRequest, slug: str) -> HttpResponse:
    debate = _debate_for(request, slug)
    the_map = selectors.debate_map(debate=debate, viewer=request.user)
    response = HttpResponse(
        _svg(request, debate, the_map, standalone=True),
        content_type="image/svg+xml; charset=utf-8",
    )
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{debate.slug}.svg"'
    # Pending claims are drawn for their authors and moderators only: never share a cache.
    response["Cache-Control"] = "private, no-cache"
    return response


@require_safe
def balance_page(request: HttpRequest, slug: str) -> HttpResponse:
    debate = _debate_for(request, slug)
    context = map_context(request, debate)
    context["balance"] = balance.debate_balance(debate=debate)
    return render(request, "debates/balance.html", context)

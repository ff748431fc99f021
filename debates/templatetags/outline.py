"""The map's outline as a flat list of rows, so templates draw it without recursion."""

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse

from debates.selectors.maps import MapNode, OutlineRow, outline_rows

register = template.Library()


@register.simple_tag
def outline(top, render_depth=None, level=1) -> list[OutlineRow]:
    """`top` (a node or a list of nodes, at `level`) and what is drawn below it, in order:
    `{% outline map.issues map.render_depth as rows %}`."""
    nodes = [top] if isinstance(top, MapNode) else list(top)
    return outline_rows(nodes, render_depth, int(level or 1))


_STAND_IN = "987654321"


@lru_cache(maxsize=256)
def _claim_pattern(prefix: str, name: str, slug: str) -> tuple[str, str]:
    head, _, tail = reverse(f"debates:{name}", args=[slug, int(_STAND_IN)]).rpartition(_STAND_IN)
    return head, tail


@register.simple_tag(takes_context=True)
def claim_url(context, pk, name="claim") -> str:
    """`{% url 'debates:<name>' debate.slug pk %}` for a claim of the context's debate,
    reversed once per debate instead of once per node of a big map."""
    head, tail = _claim_pattern(get_script_prefix(), name, context["debate"].slug)
    return f"{head}{pk}{tail}"


@register.filter
def stance(claim) -> str:
    """What `debates/_stance.html` says of a claim, without an include per map node."""
    if claim.kind == "issue":
        return "Issue"
    if claim.kind == "position":
        return "Position"
    return {"supports": "Pro", "undercuts": "Undercut"}.get(claim.relation, "Con")

"""The map's outline as a flat list of rows, so templates draw it without recursion."""

from django import template

from debates.selectors.maps import MapNode, OutlineRow, outline_rows

register = template.Library()


@register.simple_tag
def outline(top, render_depth=None, level=1) -> list[OutlineRow]:
    """`top` (a node or a list of nodes, at `level`) and what is drawn below it, in order:
    `{% outline map.issues map.render_depth as rows %}`."""
    nodes = [top] if isinstance(top, MapNode) else list(top)
    return outline_rows(nodes, render_depth, int(level or 1))

"""The map's outline as a flat list of rows, so templates draw it without recursion."""

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from debates.selectors.maps import MapNode, OutlineRow, outline_rows
from debates.templatetags.crux_edit import node_tools

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


_LINK_STANCE = {"supports": "Pro", "answers": "Position", "undercuts": "Undercut"}


@register.simple_tag(takes_context=True)
def outline_html(context, rows) -> SafeString:
    """The map's outline from `rows` (`{% outline %}`): each node's `<li>` with its card
    (stance, text, status, computed label, counts, the viewer's tools from `node_tools`),
    then "Show N replies" or its group of replies, which a closing row ends with the node's
    cross-links. Written here rather than as a template loop: a big map draws hundreds of
    rows, and the template's variable lookups were most of its drawing time. Every value
    from the database is escaped."""
    head, tail = _claim_pattern(get_script_prefix(), "claim", context["debate"].slug)
    sub_head, sub_tail = _claim_pattern(get_script_prefix(), "map_subtree", context["debate"].slug)
    out: list[str] = []
    add = out.append
    for row in rows:
        node = row.node
        if row.close:
            level = row.level + 1
            for link in node.links:
                lk = link.pk
                relation = escape(link.relation)
                add(
                    f'<li class="node node-link rel-{relation}" id="link-{lk}" role="treeitem"'
                    f' aria-level="{level}" aria-selected="false"'
                    f' aria-labelledby="link-stance-{lk} link-text-{lk}">\n'
                    '<div class="claim-card">\n<p class="claim-line">\n'
                    f'<span class="stance stance-{relation}" id="link-stance-{lk}">'
                    f"{_LINK_STANCE.get(link.relation, 'Con')}</span>\n"
                    f'<a class="claim-text" id="link-text-{lk}" href="#claim-{link.claim_id}">'
                    f"See also: {escape(link.claim.text)}</a>\n</p>\n</div>\n</li>\n"
                )
            add("</ul>\n</details>\n</li>\n")
            continue
        claim = node.claim
        pk = claim.pk
        kind = claim.kind
        issue = kind == "issue"
        pending = " is-pending" if claim.status != "published" else ""
        expanded = ""
        if row.has_replies:
            expanded = f' aria-expanded="{"false" if row.collapsed else "true"}"'
        url = f"{head}{pk}{tail}"
        side = escape(claim.relation or "issue")
        add(
            f'<li class="node node-{escape(kind)} rel-{escape(claim.relation or "root")}{pending}"'
            f' id="claim-{pk}" role="treeitem" aria-level="{row.level}" aria-selected="false"'
            f'{expanded} aria-labelledby="claim-stance-{pk} claim-text-{pk}"'
            f' aria-describedby="claim-meta-{pk}">\n<div class="claim-card">\n'
            f'<p class="claim-line">\n<span class="stance stance-{side}"'
            f' id="claim-stance-{pk}">{stance(claim)}</span>\n'
            f'<a class="claim-text" id="claim-text-{pk}" href="{url}">{escape(claim.text)}</a>\n'
            f'</p>\n<p class="claim-meta" id="claim-meta-{pk}">\n'
        )
        if pending:
            add('<span class="pill pill-pending">Pending review</span>\n')
        verdict = getattr(claim, "verdict", None)
        if verdict and not issue:
            add(
                f'<span class="verdict-badge verdict-{escape(verdict)}">'
                f"{escape(capfirst(verdict))}</span> ·\n"
            )
        if not issue:
            add(f"<span>{node.pro_count} pro</span> · <span>{node.con_count} con</span> ·\n")
        evidence = getattr(claim, "evidence_count", 0)
        waiting = getattr(claim, "pending_evidence_count", 0)
        if evidence or not waiting:
            add(f"<span>{evidence} evidence</span>")
        if waiting:
            dot = " ·" if evidence else ""
            add(f'{dot} <span class="evidence-pending">{waiting} pending evidence</span>')
        add(f"\n</p>\n{node_tools(context, node)}\n</div>\n")
        replies = node.reply_count
        if row.collapsed:
            more = f"Show {replies} repl{'y' if replies == 1 else 'ies'}"
            add(
                f'<p class="more-replies"><a class="button button-small button-quiet" href="{url}"'
                f' hx-get="{sub_head}{pk}{sub_tail}?level={row.level}" hx-target="#claim-{pk}"'
                f' hx-swap="outerHTML">{more}</a></p>\n'
                "</li>\n"
            )
        elif row.expanded:
            what = (
                ("position" + ("" if replies == 1 else "s"))
                if issue
                else ("repl" + ("y" if replies == 1 else "ies"))
            )
            add(
                f"<details open>\n<summary>{replies} {what}</summary>\n"
                '<ul class="tree" role="group">\n'
            )
        else:
            add("</li>\n")
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped above

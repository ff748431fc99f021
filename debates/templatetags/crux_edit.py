"""What a viewer may do to a claim, asked of the policy once per claim for the toolbars.

The policy caches the viewer's role, and the waiting edits of a whole map are fetched in
one query per request, so a toolbar on each of 500 nodes costs no query per node.
"""

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

from debates import policy
from debates.models import Claim
from debates.models.maps import LIVE_STATUSES
from debates.selectors.history import DiffRun, pending_edits_by_claim
from debates.selectors.history import word_diff as diff_runs

register = template.Library()


def _pending_edits(request, debate) -> dict:
    cache = request.__dict__.setdefault("_crux_pending_edits", {})
    if debate.pk not in cache:
        cache[debate.pk] = pending_edits_by_claim(debate=debate, viewer=request.user)
    return cache[debate.pk]


# The toolbar's addresses, per claim: reversed once per request with a stand-in pk and
# filled in per claim, since `{% url %}` on every button of every node is what made big
# maps slow to draw.
_STAND_IN = 987654321
_CLAIM_URLS = ("claim", "claim_edit", "claim_more", "evidence_attach", "claim_history")


def _url_patterns(request, debate) -> dict[str, str]:
    cache = request.__dict__.setdefault("_crux_tool_urls", {})
    if debate.pk not in cache:
        patterns = {
            name: reverse(f"debates:{name}", args=[debate.slug, _STAND_IN]) for name in _CLAIM_URLS
        }
        patterns["claim_add"] = reverse("debates:claim_add", args=[debate.slug])
        cache[debate.pk] = patterns
    return cache[debate.pk]


@register.simple_tag(takes_context=True)
def claim_tools(context, claim: Claim, node=None) -> dict:
    """The actions the viewer may take on `claim` (a map node's claim, or the claim page's).

    `node` (a selectors.MapNode) tells whether the claim has visible replies, which keeps
    an author from deleting a claim others have answered.
    """
    request = context.get("request")
    debate = context["debate"]
    user = request.user if request is not None else None
    if user is None or not user.is_authenticated:
        return {"any": False, "label": claim.text[:60]}
    live = claim.deleted_at is None and claim.status in LIVE_STATUSES
    can_reply = live and policy.can_add_claim(user, debate, claim)
    has_replies = bool(node.children) if node is not None else False
    deletable = policy.can_delete_claim(user, claim, debate, has_replies=has_replies)
    # Asked of the debate, not of the claim: once per request, not once per node.
    restructure = request.__dict__.setdefault("_crux_can_restructure", {})
    if debate.pk not in restructure:
        restructure[debate.pk] = policy.can_restructure(user, debate)
    can_restructure = restructure[debate.pk]
    tools = {
        "label": claim.text if len(claim.text) <= 60 else claim.text[:59] + "…",
        "reply": can_reply,
        "stances": claim.kind != Claim.Kind.ISSUE,
        "edit": policy.can_edit_claim(user, claim, debate),
        "resubmit": claim.status == Claim.Status.REJECTED
        and policy.can_resubmit_claim(user, claim, debate),
        "restructure": live and can_restructure and claim.parent_id,
        "reorder": live and can_restructure,
        "evidence": policy.can_attach_evidence(user, claim, debate),
        "delete": deletable,
        "restore": claim.deleted_at is not None and policy.can_restore(user, debate),
        "pending_edit": _pending_edits(request, debate).get(claim.pk),
    }
    pk = str(claim.pk)
    tools["urls"] = {
        name: pattern.replace(str(_STAND_IN), pk)
        for name, pattern in _url_patterns(request, debate).items()
    }
    # The rarer actions (undercut, reorder, move, link, delete) open from "More".
    tools["more"] = bool(
        (tools["reply"] and tools["stances"])
        or tools["reorder"]
        or tools["restructure"]
        or tools["delete"]
    )
    tools["any"] = any(
        tools[k] for k in ("reply", "edit", "reorder", "evidence", "delete", "restore")
    )
    return tools


@register.simple_tag(takes_context=True)
def node_tools(context, node) -> SafeString:
    """A map node's pending edit and toolbar, built here rather than by an included
    template: on a big map it is drawn for hundreds of nodes, and the template's variable
    lookups were most of the page's drawing time. Every value is escaped."""
    tools = claim_tools(context, node.claim, node)
    out = []
    pending = tools.get("pending_edit")
    if pending:
        out.append(
            '<p class="pending-edit"><span class="pill pill-pending">Edit waiting for review'
            f"</span> <q>{conditional_escape(pending.text)}</q></p>\n"
        )
    if not tools["any"]:
        return mark_safe("".join(out))  # noqa: S308 - escaped above
    pk = str(node.claim.pk)
    urls = {name: conditional_escape(url) for name, url in tools["urls"].items()}
    panel = f'hx-target="#claim-{pk}-panel"'
    add = urls["claim_add"]
    out.append(
        '<div class="node-tools" role="group" '
        f'aria-label="Actions on “{conditional_escape(tools["label"])}”">\n'
    )
    if tools["reply"]:
        if node.claim.kind == Claim.Kind.ISSUE:
            out.append(
                f'  <a class="tool" href="{add}?parent={pk}" hx-get="{add}?parent={pk}" '
                f"{panel}>+ Position</a>\n"
            )
        else:
            for css, stance, text in (("pro", "supports", "Pro"), ("con", "opposes", "Con")):
                query = f"?parent={pk}&amp;stance={stance}"
                out.append(
                    f'  <a class="tool tool-{css}" href="{add}{query}" hx-get="{add}{query}" '
                    f"{panel}>+ {text}</a>\n"
                )
    if tools["edit"]:
        edit = urls["claim_edit"]
        out.append(f'  <a class="tool" href="{edit}" hx-get="{edit}" {panel}>Edit</a>\n')
    if tools["evidence"]:
        attach = urls["evidence_attach"]
        out.append(f'  <a class="tool" href="{attach}" hx-get="{attach}" {panel}>Evidence</a>\n')
    if tools["more"]:
        out.append(
            f'  <a class="tool tool-more" href="{urls["claim"]}#claim-actions" '
            f'hx-get="{urls["claim_more"]}" {panel}>More</a>\n'
        )
    else:
        out.append(f'  <a class="tool" href="{urls["claim_history"]}">History</a>\n')
    out.append(f'</div>\n<div id="claim-{pk}-panel" class="edit-panel">')
    flash = context.get("flash")
    if flash and flash.get("claim_id") == node.claim.pk:
        message = conditional_escape(flash.get("message", ""))
        out.append(f'<p class="message message-success" role="status">{message}</p>')
    out.append("</div>\n")
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped above


_DIFF_TAGS = {"del": ("<del>", "</del>"), "ins": ("<ins>", "</ins>"), "same": ("", "")}


@register.filter
def diff_html(runs: list[DiffRun] | None) -> SafeString:
    """A word diff's runs as HTML: removed words in <del>, added words in <ins>, escaped."""
    out = []
    for run in runs or ():
        opening, closing = _DIFF_TAGS[run.kind]
        out.append(f"{opening}{escape(run.text)}{closing}")
    return mark_safe("".join(out))  # noqa: S308 - every run of text is escaped above


@register.simple_tag
def word_diff(old: str, new: str) -> SafeString:
    """`new` against `old`, word by word, with <del>/<ins> (escaped)."""
    return diff_html(diff_runs(old, new))

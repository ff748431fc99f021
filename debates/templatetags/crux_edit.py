"""What a viewer may do to a claim, asked of the policy once per claim for the toolbars.

The policy caches the viewer's role, and the waiting edits of a whole map are fetched in
one query per request, so a toolbar on each of 500 nodes costs no query per node.
"""

from django import template

from debates import editing, policy
from debates.models import Claim

register = template.Library()


def _pending_edits(request, debate) -> dict:
    cache = request.__dict__.setdefault("_crux_pending_edits", {})
    if debate.pk not in cache:
        cache[debate.pk] = editing.pending_edits_by_claim(debate=debate, viewer=request.user)
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
    live = claim.deleted_at is None and claim.status in editing.LIVE_STATUSES
    can_reply = live and policy.can_add_claim(user, debate, claim)
    has_replies = bool(node.children) if node is not None else False
    deletable = policy.can_delete_claim(user, claim, debate, has_replies=has_replies)
    tools = {
        "label": claim.text if len(claim.text) <= 60 else claim.text[:59] + "…",
        "reply": can_reply,
        "stances": claim.kind != Claim.Kind.ISSUE,
        "edit": policy.can_edit_claim(user, claim, debate),
        "restructure": live and policy.can_restructure(user, debate) and claim.parent_id,
        "reorder": live and policy.can_restructure(user, debate),
        "evidence": policy.can_attach_evidence(user, claim, debate),
        "delete": deletable,
        "restore": claim.deleted_at is not None and policy.can_restore(user, debate),
        "pending_edit": _pending_edits(request, debate).get(claim.pk),
    }
    tools["any"] = any(
        tools[k] for k in ("reply", "edit", "reorder", "evidence", "delete", "restore")
    )
    return tools


@register.simple_tag
def word_diff(old: str, new: str):
    """`new` against `old`, word by word, with <del>/<ins> (escaped)."""
    return editing.word_diff(old, new)

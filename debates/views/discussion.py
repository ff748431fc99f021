"""A claim's discussion: ask a clarifying question, answer one, take one's own back, and
(moderators) hide or show one again.

Each action is a plain form POST that returns to the claim page's discussion; with htmx
the response is the discussion section alone (`#discussion`), swapped in place, and a
refused comment comes back in it with its text and the reason (400).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from .. import policy, services
from ..errors import DOMAIN_ERRORS, form_status, messages_of
from ..models import Claim, ClaimComment, Debate
from ..selectors.discussion import claim_discussion
from .maps import _claim_for, _debate_for

TEMPLATE = "debates/_discussion.html"


def _comment_for(request: HttpRequest, debate: Debate, pk: int) -> ClaimComment:
    """The comment, or 404 when the viewer may not read it (or its claim)."""
    comment = get_object_or_404(
        ClaimComment.objects.filter(policy.visible_comments_q(request.user, debate)).select_related(
            "claim", "author", "parent"
        ),
        claim__debate=debate,
        pk=pk,
    )
    if not policy.can_view_comments(request.user, comment.claim, debate):
        raise Http404("No such comment.")
    comment.claim.debate = debate
    return comment


def discussion_context(request: HttpRequest, debate: Debate, claim: Claim) -> dict:
    """What the discussion section shows (one query: the thread)."""
    user = request.user
    return {
        "debate": debate,
        "claim": claim,
        "threads": claim_discussion(claim=claim, viewer=user, debate=debate),
        "can_comment": policy.can_comment(user, claim, debate),
        "can_hide_comments": policy.can_hide_comment(user, debate),
    }


def _answer(
    request: HttpRequest,
    debate: Debate,
    claim: Claim,
    *,
    error: str = "",
    status: int = 200,
    **extra,
) -> HttpResponse:
    """The discussion section (htmx), or back to the claim page with a message."""
    if request.htmx:
        context = {**discussion_context(request, debate, claim), "comment_error": error, **extra}
        return render(request, TEMPLATE, context, status=status)
    if error:
        messages.error(request, error)
    return redirect(f"{claim.get_absolute_url()}#discussion")


def _refused(request: HttpRequest, debate: Debate, claim: Claim, failure, **extra):
    """The discussion again with the service's refusal in it (400/403/409...), or the
    failure raised on when no form shows it (`form_status` None: Django's 404 page)."""
    status = form_status(failure)
    if status is None:
        raise failure
    error = " ".join(messages_of(failure))
    return _answer(request, debate, claim, error=error, status=status, **extra)


@require_http_methods(["GET", "HEAD", "POST"])
def claim_comments(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET: the discussion section (htmx) or the claim page. POST: a new question, or an
    answer (`parent`: the question's id)."""
    debate = _debate_for(request, slug)
    claim = _claim_for(request, debate, pk)
    if request.method != "POST":
        if not request.htmx:
            return redirect(f"{claim.get_absolute_url()}#discussion")
        return render(request, TEMPLATE, discussion_context(request, debate, claim))
    if not request.user.is_authenticated:
        return redirect_to_login(f"{claim.get_absolute_url()}#discussion")
    body = request.POST.get("body", "")
    parent = None
    parent_id = request.POST.get("parent") or ""
    if parent_id:
        if not parent_id.isdigit():
            raise Http404("No such comment.")
        parent = _comment_for(request, debate, int(parent_id))
    try:
        services.comment_add(actor=request.user, claim=claim, body=body, parent=parent)
    except DOMAIN_ERRORS as failure:
        draft = {"comment_body": body} if parent is None else {"reply_body": body}
        return _refused(
            request, debate, claim, failure, reply_to=parent.pk if parent else None, **draft
        )
    if not request.htmx:
        messages.success(
            request, "Your answer is posted." if parent else "Your question is posted."
        )
    return _answer(request, debate, claim)


@require_POST
def comment_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    debate = _debate_for(request, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    comment = _comment_for(request, debate, pk)
    try:
        services.comment_delete(actor=request.user, comment=comment)
    except DOMAIN_ERRORS as failure:
        return _refused(request, debate, comment.claim, failure)
    if not request.htmx:
        messages.success(request, "Your comment is deleted.")
    return _answer(request, debate, comment.claim)


@require_POST
def comment_hide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Hide a comment (`hidden=1`, the default) or show it again (`hidden=0`)."""
    debate = _debate_for(request, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    comment = _comment_for(request, debate, pk)
    hidden = request.POST.get("hidden", "1") != "0"
    try:
        services.comment_hide(
            actor=request.user,
            comment=comment,
            hidden=hidden,
            reason=request.POST.get("reason", ""),
        )
    except DOMAIN_ERRORS as failure:
        return _refused(request, debate, comment.claim, failure)
    if not request.htmx:
        messages.success(request, "The comment is hidden." if hidden else "The comment is shown.")
    return _answer(request, debate, comment.claim)

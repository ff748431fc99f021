"""Rating claims, and the "what stands" view of a map."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from .. import policy, services
from ..errors import DOMAIN_ERRORS, form_status, messages_of
from ..models import Claim
from ..selectors.reasoning import claim_votes, map_reasoning
from .maps import _debate_for


@require_POST
def claim_vote(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Rate a claim (question, value 0–4), or take the rating back (an empty value)."""
    debate = _debate_for(request, slug)
    claim = Claim.objects.select_related("debate", "parent").filter(debate=debate, pk=pk).first()
    if claim is None:
        raise Http404("No such claim.")
    if not policy.can_open_claim(request.user, claim, debate):
        raise Http404("No such claim.")  # hidden or withheld: as if there were none
    question = request.POST.get("question", "")
    value = request.POST.get("value", "")
    error = None
    try:
        if value == "":
            services.vote_clear(actor=request.user, claim=claim, question=question)
        else:
            services.vote_cast(actor=request.user, claim=claim, question=question, value=value)
    except DOMAIN_ERRORS as failure:
        if form_status(failure) is None:
            raise
        error = " ".join(messages_of(failure))
        status = form_status(failure) or 400
    else:
        status = 200
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(f"{claim.get_absolute_url()}#votes")
    context = {
        "debate": debate,
        "claim": claim,
        "votes": claim_votes(claim=claim, viewer=request.user),
        "can_vote": policy.can_vote(request.user, debate),
        "vote_error": error,
    }
    return render(request, "debates/claim.html#votes", context, status=status)


@require_GET
def what_stands(request: HttpRequest, slug: str) -> HttpResponse:
    """Each position and argument of the map with its computed label, grouped by label."""
    debate = _debate_for(request, slug)
    user = request.user
    reasons = map_reasoning(debate=debate, viewer=user)
    claims = {
        c.pk: c
        for c in Claim.objects.filter(pk__in=list(reasons.verdicts)).only(
            "pk", "kind", "relation", "text", "parent_id", "debate_id"
        )
    }
    positions = [
        {
            "claim": c,
            "label": reasons.label(pk),
            "why": reasons.why(pk),
            "score": reasons.scores[pk],
        }
        for pk, c in sorted(claims.items())
        if c.kind == Claim.Kind.POSITION
    ]
    counts = {"stands": 0, "defeated": 0, "undecided": 0}
    for label in reasons.verdicts.labels.values():
        counts[label] += 1
    context = {
        "debate": debate,
        "positions": positions,
        "counts": counts,
        "can": {
            "moderate": policy.can_moderate(user, debate),
            "audit": policy.can_view_audit(user, debate),
            "manage": policy.can_manage_debate(user, debate),
        },
    }
    return render(request, "debates/stands.html", context)

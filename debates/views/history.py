"""A claim's history: redacting an old version's text (the page itself is
`editing.claim_history`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import policy, services
from ..forms import RedactForm
from ..models import Claim
from .maps import _debate_for


@login_required
@require_POST
def claim_version_redact(request: HttpRequest, slug: str, pk: int, history_id: int) -> HttpResponse:
    """A moderator's button on the history page: the version's text is kept for staff and
    shown to everyone else as redacted. Refusals come back as a message on the history."""
    debate = _debate_for(request, slug)
    claim = get_object_or_404(
        Claim.objects.select_related("author", "parent"), debate=debate, pk=pk
    )
    if not policy.can_view_history(request.user, claim, debate):
        raise Http404("No such claim.")
    claim.debate = debate
    back = reverse("debates:claim_history", args=[debate.slug, claim.pk]) + "#versions-title"
    form = RedactForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        # Asks the policy (403 for all but moderators) and records the audit entry.
        redacted = services.claim_version_redact(
            actor=request.user, claim=claim, history_id=history_id, reason=reason
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    saved_states = "saved state" if len(redacted) == 1 else f"{len(redacted)} saved states"
    messages.success(
        request, f"The text is redacted from the history ({saved_states}); staff can still read it."
    )
    return redirect(back)

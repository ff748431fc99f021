"""Where a copied map came from (`services.debate_copy`)."""

from __future__ import annotations

from .. import policy
from ..models import Debate


def copy_origin(*, debate: Debate, viewer) -> Debate | None:
    """The template `debate` was copied from, when the viewer may see it (else None, so a
    private template's title is not shown to a copy's readers). No query for a debate that
    is not a copy; one or two for a copy."""
    if debate.copied_from_id is None:
        return None
    origin = Debate.objects.filter(pk=debate.copied_from_id).first()
    if origin is None or not policy.can_view_debate(viewer, origin):
        return None
    return origin

"""Whom a note's `@` may name: the people suggested as someone types a mention."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Exists, Q

from .. import policy
from ..models import Annotation

MAX_SUGGESTIONS = 8


def mention_candidates(
    *, note: Annotation, prefix: str, viewer, limit: int = MAX_SUGGESTIONS
) -> list:
    """People whose username or display name starts with `prefix` and who may read `note`
    (so a mention of them reaches them), the viewer left out: the members of the note's
    debate, its owner included; for a note outside any debate, those who wrote in its
    thread. A private note names nobody, nor does a note withheld from the viewer, and
    people the viewer knows by a pseudonym are left out. At most `limit`, by username, in
    a bounded number of queries (the policy asks about at most twice `limit` people)."""
    if note.visibility == Annotation.Visibility.PRIVATE:
        return []
    people = get_user_model().objects.filter(is_active=True)
    source = note.anchor.source
    # A note withheld from the viewer (classes: "see classmates' work only after you post")
    # suggests nobody; checked inside the same query.
    kept = Annotation.objects.filter(pk=note.pk).filter(policy.withheld_q(viewer, source=source))
    people = people.filter(Exists(kept))
    # Nor is anyone suggested whom the viewer knows only under a pseudonym there ("anonymous
    # to classmates"): their username would unmask them.
    shown = policy.shown_author_expression(viewer, source=source, author="pk")
    if shown is not None:
        people = people.alias(shown_name=shown).filter(shown_name__isnull=True)
    if note.debate_id is not None:
        people = people.filter(
            Q(owned_debates=note.debate_id) | Q(memberships__debate=note.debate_id)
        )
    else:
        root = note.parent_id or note.pk
        people = people.filter(Q(annotations__pk=root) | Q(annotations__parent=root))
    if viewer.is_authenticated:
        people = people.exclude(pk=viewer.pk)
    if prefix:
        people = people.filter(
            Q(username__istartswith=prefix) | Q(display_name__istartswith=prefix)
        )
    found = people.distinct().order_by("username")[: limit * 2]
    return [person for person in found if policy.can_view_annotation(person, note)][:limit]

"""Debates: create one, change its settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from .. import policy
from ..models import (
    AuditEntry,
    Debate,
    Membership,
    Source,
)
from . import audit
from ._base import require

if TYPE_CHECKING:
    from django.db.models import Field

Action = AuditEntry.Action
MAX_TITLE_CHARS = 200  # Debate.title's max_length
MAX_DESCRIPTION_CHARS = 5000


def _check_title_and_description(values: dict) -> None:
    """A ValidationError for a title or description too long to store or to read."""
    title, description = values.get("title"), values.get("description")
    if isinstance(title, str) and len(title) > MAX_TITLE_CHARS:
        raise ValidationError(
            f"The title is too long ({len(title):,} characters; the limit is {MAX_TITLE_CHARS})."
        )
    if isinstance(description, str) and len(description) > MAX_DESCRIPTION_CHARS:
        raise ValidationError(
            f"The description is too long ({len(description):,} characters; the limit is "
            f"{MAX_DESCRIPTION_CHARS:,})."
        )


@transaction.atomic
def debate_create(
    *,
    actor,
    title: str,
    slug: str = "",
    description: str = "",
    visibility: str = Debate.Visibility.PRIVATE,
    contribution_mode: str = Debate.Mode.REVIEWED,
    sources: list[Source] | tuple[Source, ...] = (),
) -> Debate:
    """A debate owned by `actor`, who becomes its owner member. Listing a source grounds the
    debate in it and grants no rights over the source; only sources the actor may read can
    be listed (grounding a debate in a private source lets its members read it)."""
    require(policy.can_create_debate(actor), "Log in to start a debate.")
    owner = actor
    unreadable = [s for s in sources if not policy.can_view_source(actor, s)]
    if unreadable:
        # Named by number, not title: the title of a private source is not for them either.
        raise ValidationError(
            "You cannot ground a debate in a source you cannot read "
            f"(source {', '.join(str(s.pk) for s in unreadable)})."
        )
    title = title.strip()
    if not title:
        raise ValidationError("A debate needs a title.")
    _check_title_and_description({"title": title, "description": description})
    slug = slug or slugify(title)[:200]
    if not slug:
        raise ValidationError("The title must contain letters or digits to make its address.")
    if Debate.objects.filter(slug=slug).exists():
        raise ValidationError(f"A debate at /debates/{slug}/ already exists; choose another title.")
    try:
        # A savepoint: a same-titled debate created since the check above loses the race
        # with a form error instead of a 500 (the slug is unique; the page shows only
        # ValidationError beside its form).
        with transaction.atomic():
            debate = Debate.objects.create(
                title=title,
                slug=slug,
                description=description,
                owner=owner,
                visibility=visibility,
                contribution_mode=contribution_mode,
            )
    except IntegrityError as error:
        raise ValidationError(
            f"A debate at /debates/{slug}/ was created a moment ago; choose another title.",
            code="conflict",
        ) from error
    debate.sources.set(sources)
    Membership.objects.create(user=owner, debate=debate, role=Membership.Role.OWNER)
    return debate


SETTING_FIELDS = ("title", "description", "visibility", "contribution_mode", "vote_totals")


@transaction.atomic
def debate_update(*, debate: Debate, actor, reason: str = "", **values) -> Debate:
    """Change a debate's title, description, visibility or contribution mode."""
    _require_manager(actor, debate)
    unknown = set(values) - set(SETTING_FIELDS)
    if unknown:
        raise ValueError(f"Not a debate setting: {', '.join(sorted(unknown))}")
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    if "title" in values and not values["title"]:
        raise ValidationError("A debate needs a title.")
    _check_title_and_description(values)
    if values.get("visibility", debate.visibility) not in Debate.Visibility.values:
        raise ValidationError("Choose who may see the debate from the list.")
    if values.get("contribution_mode", debate.contribution_mode) not in Debate.Mode.values:
        raise ValidationError("Choose how people contribute from the list.")
    if values.get("vote_totals", debate.vote_totals) not in Debate.VoteTotals.values:
        raise ValidationError("Choose when rating totals show from the list.")
    changes = []
    for name, value in values.items():
        old = getattr(debate, name)
        if old == value:
            continue
        # SETTING_FIELDS are concrete fields; the three with choices have flat ones.
        label = cast("Field[Any, Any]", Debate._meta.get_field(name)).verbose_name
        if name == "description":
            changes.append("description")
        elif name in ("visibility", "contribution_mode", "vote_totals"):
            choices = dict(
                cast(
                    "list[tuple[str, str]]",
                    cast("Field[Any, Any]", Debate._meta.get_field(name)).choices,
                )
            )
            changes.append(f"{label}: {choices[old]} → {choices[value]}")
        else:
            changes.append(f"{label}: “{old}” → “{value}”")
        setattr(debate, name, value)
    if not changes:
        return debate
    debate.save()
    audit.record(
        debate=debate,
        actor=actor,
        action=Action.SETTINGS_CHANGED,
        summary="; ".join(changes),
        reason=reason,
    )
    return debate


def _require_manager(actor, debate: Debate) -> None:
    if not policy.can_manage_debate(actor, debate):
        raise PermissionDenied("Only the debate's owner can change its settings and members.")

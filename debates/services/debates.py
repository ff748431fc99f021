"""Debates: create one, change its settings."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
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

Action = AuditEntry.Action


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
    debate in it and grants no rights over the source."""
    require(policy.can_create_debate(actor), "Log in to start a debate.")
    owner = actor
    title = title.strip()
    if not title:
        raise ValidationError("A debate needs a title.")
    slug = slug or slugify(title)[:200]
    if not slug:
        raise ValidationError("The title must contain letters or digits to make its address.")
    if Debate.objects.filter(slug=slug).exists():
        raise ValidationError(f"A debate at /debates/{slug}/ already exists; choose another title.")
    debate = Debate.objects.create(
        title=title,
        slug=slug,
        description=description,
        owner=owner,
        visibility=visibility,
        contribution_mode=contribution_mode,
    )
    debate.sources.set(sources)
    Membership.objects.create(user=owner, debate=debate, role=Membership.Role.OWNER)
    return debate


SETTING_FIELDS = ("title", "description", "visibility", "contribution_mode")


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
    if values.get("visibility", debate.visibility) not in Debate.Visibility.values:
        raise ValidationError("Choose who may see the debate from the list.")
    if values.get("contribution_mode", debate.contribution_mode) not in Debate.Mode.values:
        raise ValidationError("Choose how people contribute from the list.")
    changes = []
    for name, value in values.items():
        old = getattr(debate, name)
        if old == value:
            continue
        label = Debate._meta.get_field(name).verbose_name
        if name == "description":
            changes.append("description")
        elif name in ("visibility", "contribution_mode"):
            choices = dict(Debate._meta.get_field(name).choices)
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

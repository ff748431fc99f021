"""Filters (django-filter) for the list endpoints: shape only, on querysets the selectors
have already narrowed to what the viewer may see."""

from __future__ import annotations

import django_filters

from ...models import Annotation, Claim, ClaimEdit, Debate, Evidence, Membership


def _by_author(queryset, name, value):
    # Rows shown under a pseudonym never match a username: filtering must not unmask them.
    return queryset.filter(author__username=value, shown_author__isnull=True)


class DebateFilter(django_filters.FilterSet):
    visibility = django_filters.ChoiceFilter(choices=Debate.Visibility.choices)
    contribution_mode = django_filters.ChoiceFilter(choices=Debate.Mode.choices)
    owner = django_filters.CharFilter(field_name="owner__username", help_text="A username.")

    class Meta:
        model = Debate
        fields = ["visibility", "contribution_mode", "owner"]


class ClaimFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Claim.Kind.choices)
    status = django_filters.ChoiceFilter(choices=Claim.Status.choices)
    author = django_filters.CharFilter(method=_by_author, help_text="A username.")
    parent = django_filters.NumberFilter(field_name="parent_id", help_text="A claim id.")
    root = django_filters.BooleanFilter(
        field_name="parent", lookup_expr="isnull", help_text="true: issues only."
    )

    class Meta:
        model = Claim
        fields = ["kind", "status", "author", "parent", "root"]


class EvidenceFilter(django_filters.FilterSet):
    relation = django_filters.ChoiceFilter(choices=Evidence.Relation.choices)
    status = django_filters.ChoiceFilter(choices=Evidence.Status.choices)

    class Meta:
        model = Evidence
        fields = ["relation", "status"]


class AnnotationFilter(django_filters.FilterSet):
    motivation = django_filters.ChoiceFilter(choices=Annotation.Motivation.choices)
    visibility = django_filters.ChoiceFilter(choices=Annotation.Visibility.choices)
    tag = django_filters.CharFilter(field_name="tags__name", distinct=True)
    author = django_filters.CharFilter(method=_by_author, help_text="A username.")

    class Meta:
        model = Annotation
        fields = ["motivation", "visibility", "tag", "author"]


class MembershipFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Membership.Role.choices)

    class Meta:
        model = Membership
        fields = ["role"]


class EditFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ClaimEdit.Status.choices)
    claim = django_filters.NumberFilter(field_name="claim_id")

    class Meta:
        model = ClaimEdit
        fields = ["status", "claim"]

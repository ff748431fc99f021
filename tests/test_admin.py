"""Every model has an admin page with working search and filters."""

import pytest
from django.contrib import admin
from django.urls import reverse

from debates import models


@pytest.fixture
def staff_client(client, django_user_model):
    staff = django_user_model.objects.create_superuser("root", "root@example.org", "pw-123456")
    client.force_login(staff)
    return client


MODELS = [
    models.Source,
    models.SourceRevision,
    models.Anchor,
    models.Passage,
    models.Debate,
    models.Membership,
    models.Claim,
    models.ClaimLink,
    models.Evidence,
    models.Tag,
    models.Annotation,
    models.Flag,
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_changelist_searches_and_filters(staff_client, demo, model):
    model_admin = admin.site._registry[model]
    assert model_admin.search_fields, f"{model.__name__} admin has no search"
    url = reverse(f"admin:debates_{model._meta.model_name}_changelist")
    assert staff_client.get(url, {"q": "Russia"}).status_code == 200
    for name in model_admin.list_filter:
        assert staff_client.get(url, {f"{name}__exact": "x"}).status_code in (200, 302)


def test_admin_shows_a_claim_with_its_history(staff_client, demo):
    claim = demo.debate.claims.first()
    assert (
        staff_client.get(reverse("admin:debates_claim_change", args=[claim.pk])).status_code == 200
    )
    history = reverse("admin:debates_claim_history", args=[claim.pk])
    assert staff_client.get(history).status_code == 200

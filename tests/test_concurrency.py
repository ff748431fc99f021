"""Optimistic locking under real concurrency: two people save the same claim at once.

Runs on PostgreSQL only (SQLite has no row locks); e.g.
DATABASE_URL=postgres://postgres@127.0.0.1:5432/crux_a pytest tests/test_concurrency.py
"""

import threading

import pytest
from django.db import connection, transaction

from debates import services
from debates.errors import EditConflict
from debates.models import Claim

from .factories import ClaimFactory, DebateFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("Row locks (select_for_update) need PostgreSQL.")


def test_two_simultaneous_edits_from_the_same_version_one_wins_one_conflicts():
    owner = UserFactory(username="owner")
    other = UserFactory(username="other")
    debate = DebateFactory(owner=owner, slug="race")
    from debates.models import Membership

    Membership.objects.create(user=other, debate=debate, role=Membership.Role.MODERATOR)
    claim = ClaimFactory(debate=debate, text="Original", author=owner)
    barrier = threading.Barrier(2, timeout=20)
    outcomes: dict[str, str] = {}

    def edit(person, text):
        try:
            with transaction.atomic():
                # Both are inside a transaction, from version 1, before either saves.
                mine = Claim.objects.get(pk=claim.pk)
                barrier.wait()
                services.claim_edit(actor=person, claim=mine, text=text, base_version=1)
            outcomes[text] = "saved"
        except EditConflict as conflict:
            outcomes[text] = f"conflict at v{conflict.claim.version}"
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcomes[text] = f"error {error!r}"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=edit, args=(owner, "Owner's text")),
        threading.Thread(target=edit, args=(other, "Other's text")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["conflict at v2", "saved"], outcomes
    winner = next(text for text, outcome in outcomes.items() if outcome == "saved")
    claim.refresh_from_db()
    assert (claim.text, claim.version) == (winner, 2)
    assert claim.history.count() == 2

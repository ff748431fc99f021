"""The page header's counts (unread notifications, moderation queue) come from one query
compiled once per process and run with each person's id: every person still gets their
own counts, staff theirs, and the compiled query agrees with the queryset it came from."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from debates.models import Claim, Membership, Notification
from debates.selectors import moderation

from .factories import ClaimFactory, DebateFactory, UserFactory, make_claim

pytestmark = pytest.mark.django_db


def notify(user, n):
    for i in range(n):
        Notification.objects.create(recipient=user, verb="replied", message=f"m{i}")


def from_queryset(user) -> dict:
    unread, moderates, *queues = moderation._header_query(user).get()
    return {"unread": unread, "moderates": bool(moderates), "pending": sum(queues)}


def test_each_person_gets_their_own_counts_from_the_one_compiled_query():
    owner, moderator, reader = (UserFactory(username=n) for n in ("owner", "mod", "reader"))
    staff = UserFactory(username="staff", is_staff=True)
    debate = DebateFactory(owner=owner, contribution_mode="reviewed")
    Membership.objects.create(user=moderator, debate=debate, role=Membership.Role.MODERATOR)
    issue = ClaimFactory(debate=debate, kind="issue", text="Do rivers make towns rich?")
    for i in range(3):
        make_claim(
            debate=debate,
            kind="position",
            parent=issue,
            relation="answers",
            text=f"Proposal {i}",
            author=reader,
            status=Claim.Status.PROPOSED,
        )
    DebateFactory(owner=staff)  # staff moderate every debate's queue anyway
    notify(owner, 2)
    notify(reader, 5)

    expected = {
        owner: {"unread": 2, "moderates": True, "pending": 3},
        moderator: {"unread": 0, "moderates": True, "pending": 3},
        reader: {"unread": 5, "moderates": False, "pending": 0},
        staff: {"unread": 0, "moderates": True, "pending": 3},
    }
    moderation._HEADER_SQL.clear()
    for user, counts in expected.items():
        assert moderation.header_counts(user=user) == counts == from_queryset(user)
    # Asked again, in any order, each is one query and still their own.
    for user in (staff, reader, moderator, owner):
        with CaptureQueriesContext(connection) as queries:
            assert moderation.header_counts(user=user) == expected[user]
        assert len(queries) == 1
    assert len(moderation._HEADER_SQL) == 2  # compiled once for staff, once for the rest

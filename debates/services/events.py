"""Live map events: a service that changes a map says so, and viewers hear of it once the
transaction commits (a stamp on the debate, and NOTIFY on PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connections, transaction
from django.utils import timezone

from ..live import CHANNEL, stamp_of
from ..models import (
    Debate,
)


class _Batch:
    """The debates one transaction changed; called once, after that transaction commits."""

    def __init__(self, using: str) -> None:
        self.using = using
        self.debate_ids: set[int] = set()
        # Django names a robust callback that failed by its __qualname__, which an instance
        # lacks: without this, a NOTIFY lost to a database restart became a 500.
        self.__qualname__ = "map_changes_publish"

    def __call__(self) -> None:
        map_changes_publish(debate_ids=self.debate_ids, using=self.using)


def map_changed(*, debate_id: int, using: str = "default") -> None:
    """Record that a debate's map changed in the current transaction.

    Many saves in one transaction (a move re-orders siblings, an approval saves a claim and
    its evidence) make one notification per debate, sent only if the transaction commits.
    """
    conn = transaction.get_connection(using)
    if not conn.in_atomic_block:
        # Autocommit: the change is already committed.
        map_changes_publish(debate_ids=[debate_id], using=using)
        return
    batch = getattr(conn, "_crux_live_batch", None)
    # Django drops on_commit callbacks when their transaction (or the savepoint they were
    # registered in) rolls back, so a batch that is no longer queued belongs to a rolled
    # back transaction and a new one starts. `run_on_commit` holds (savepoints, func, robust).
    if batch is None or not any(func is batch for _, func, _ in conn.run_on_commit):
        batch = _Batch(using)
        conn._crux_live_batch = batch
        # robust: a failure to tell viewers must not turn a committed write into an error.
        transaction.on_commit(batch, using=using, robust=True)
    batch.debate_ids.add(debate_id)


def map_changes_publish(*, debate_ids: Iterable[int], using: str = "default") -> str:
    """Give the debates a new change stamp and, on PostgreSQL, NOTIFY every app process.

    Runs after the change committed (`transaction.on_commit`) rather than inside it: the
    stamp update would otherwise hold a lock on the debate's row until the writer's
    transaction ends, serialising everyone writing to one map, and SQLite (which has no
    NOTIFY but needs the stamp for polling) takes the same path. Stamp and NOTIFY share one
    small transaction, and PostgreSQL delivers a NOTIFY only when its transaction commits,
    so a listener that hears of a stamp can already read it.
    """
    debate_ids = sorted(set(debate_ids))
    now = timezone.now()
    if not debate_ids:
        return stamp_of(now)
    with transaction.atomic(using=using):
        # A queryset update: Debate keeps no history, and auto_now only applies on save().
        Debate.objects.using(using).filter(pk__in=debate_ids).update(updated_at=now)
        if connections[using].vendor == "postgresql":
            with connections[using].cursor() as cursor:
                for debate_id in debate_ids:
                    payload = json.dumps({"debate": debate_id, "stamp": stamp_of(now)})
                    cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, payload])
    return stamp_of(now)

"""Writing many rows in one statement, for copies, imports and restores of whole maps.

Ids are reserved up front (a sequence on PostgreSQL; on SQLite, above the table's high-water
mark while this transaction holds the database's write lock), so parents and children can be
linked in memory and each table is written by one INSERT: Django's UNNEST bulk insert on
PostgreSQL, one INSERT … SELECT over a JSON parameter on SQLite (whose bulk_create would split
a big map into batches of 999 parameters).
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils.text import slugify

from ..models import Debate
from ._base import person


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` unused primary keys for `model`, ascending, in one query."""
    if count == 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        if connection.vendor == "sqlite":
            # Safe only while this transaction holds SQLite's write lock, which it took
            # with the debate's insert: no other connection inserts until it commits.
            # Rows inserted with these ids raise the table's AUTOINCREMENT mark past them.
            quoted_table, quoted_column = (connection.ops.quote_name(n) for n in (table, column))
            cursor.execute(
                "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0),"  # noqa: S608 - names from the model
                f" COALESCE((SELECT MAX({quoted_column}) FROM {quoted_table}), 0))",
                [table],
            )
            high = cursor.fetchone()[0]
            return list(range(high + 1, high + 1 + count))
    raise NotImplementedError(f"Bulk writes are not supported on {connection.vendor}.")


def insert_rows(model: type[models.Model], objs: list) -> None:
    """Insert `objs` (all with their primary key set, or none) in one statement, in order."""
    if not objs:
        return
    if connection.vendor != "sqlite":
        # PostgreSQL: Django inserts every row through UNNEST, one parameter per column.
        model._default_manager.bulk_create(objs)
        return
    # SQLite: bulk_create would split the rows into batches of 999 parameters; one JSON
    # parameter carries them all, each value prepared as Django would bind it.
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and getattr(objs[0], f.attname) is None)
    ]
    rows = [
        [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields] for obj in objs
    ]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(fields)))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns})"  # noqa: S608 - names from the model
            f" SELECT {values} FROM json_each(%s) ORDER BY key",
            [json.dumps(rows, default=str)],
        )


def insert_with_history(model: type[models.Model], objs: list, *, actor, when, reason: str) -> None:
    """Insert `objs` and one history record each ("+", by `actor`, at `when`): two
    statements however many rows."""
    insert_rows(model, objs)
    historical = model.history.model  # type: ignore[attr-defined] # simple-history
    user = person(actor)
    records = [
        historical(
            history_date=when,
            history_user=user,
            history_change_reason=reason,
            history_type="+",
            **{f.attname: getattr(obj, f.attname) for f in historical.tracked_fields},
        )
        for obj in objs
    ]
    insert_rows(historical, records)


def free_slug(title: str) -> str:
    """The title's slug, or the first of slug-2, slug-3, … not taken (one query)."""
    base = slugify(title)[:190].strip("-")
    if not base:
        raise ValidationError("The title must contain letters or digits to make its address.")
    taken = set(
        Debate.objects.filter(slug__startswith=base).order_by().values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"

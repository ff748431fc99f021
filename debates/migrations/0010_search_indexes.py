"""GIN indexes for search (PostgreSQL only): the text-search vectors search matches.

Expression indexes, kept by PostgreSQL on every write, so a search reads the index instead
of running `to_tsvector` over every text. Each expression must stay exactly the one
`debates.selectors.search` matches (`SearchVector(<field>, config="english")`, sources with
weights), or the planner cannot use it; `tests/test_search.py` checks the plans.

Not in the models' Meta: `to_tsvector` does not exist on SQLite, where search is the
basic fallback, so the indexes are made here, on PostgreSQL only, and are no part of the
migration state.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

CONFIG = "english"
# fastupdate off: a write goes straight into the index, not a pending list that every
# search must read until VACUUM; with a long pending list the planner (rightly) prices
# the index above reading the table, and then runs `to_tsvector` over every text again.
GIN = {"fastupdate": False}


def _indexes():
    return [
        ("Claim", GinIndex(SearchVector("text", config=CONFIG), name="claim_text_search", **GIN)),
        (
            "Anchor",
            GinIndex(SearchVector("exact", config=CONFIG), name="anchor_exact_search", **GIN),
        ),
        (
            "Annotation",
            GinIndex(SearchVector("body", config=CONFIG), name="annotation_body_search", **GIN),
        ),
        (
            "Source",
            GinIndex(
                SearchVector("title", config=CONFIG, weight="A")
                + SearchVector("author", config=CONFIG, weight="B"),
                name="source_title_author_search",
                **GIN,
            ),
        ),
    ]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in _indexes():
        schema_editor.add_index(apps.get_model("debates", model_name), index)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in _indexes():
        schema_editor.remove_index(apps.get_model("debates", model_name), index)


class Migration(migrations.Migration):
    dependencies = [("debates", "0009_throttle_cache_table")]

    operations = [migrations.RunPython(create, drop)]

"""A GiST trigram index on claim text (PostgreSQL only), for duplicates at write time.

`debates.selectors.duplicates` reads the claims nearest a text being written with pg_trgm's
distances (`ORDER BY text <-> q LIMIT k`, and `q <<-> text`), which this index answers
nearest first, instead of comparing every claim of the debate (GIN cannot order by
distance, and the planner, pricing pg_trgm's operators as cheap, prefers comparing every
row to a GIN filter: half a second on 10,000 claims). pg_trgm ships with PostgreSQL and is a
trusted extension (13+): the database's owner may create it.

Like the search indexes of 0010, not in the models' Meta: the operator class does not exist
on SQLite (where the duplicates are found with rapidfuzz), so the index is made here, on
PostgreSQL only, and is no part of the migration state; `TrigramExtension` does nothing on
other databases either.
"""

from django.contrib.postgres.indexes import GistIndex
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = GistIndex(fields=["text"], opclasses=["gist_trgm_ops"], name="claim_text_trgm")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.add_index(apps.get_model("debates", "Claim"), INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_index(apps.get_model("debates", "Claim"), INDEX)


class Migration(migrations.Migration):
    # 0020_claim_comments (written at the same time, also on 0018) comes first, so the graph
    # keeps one leaf; the order of the two does not matter.
    dependencies = [("debates", "0018_votes"), ("debates", "0020_claim_comments")]

    operations = [TrigramExtension(), migrations.RunPython(create, drop)]

"""A GiST trigram index on claim text within each debate (PostgreSQL only), for duplicates
at write time.

`debates.selectors.duplicates` reads the claims nearest a text being written with pg_trgm's
distances (`ORDER BY text <-> q LIMIT k`, and `q <<-> text`), which this index answers
nearest first, instead of comparing every claim of the debate (GIN cannot order by
distance, and the planner, pricing pg_trgm's operators as cheap, prefers comparing every
row to a GIN filter: half a second on 10,000 claims). pg_trgm ships with PostgreSQL and is a
trusted extension (13+): the database's owner may create it.

The index leads with the debate (btree_gist's operator class for the integer column, also a
trusted extension): a nearest-first scan of one debate's claims, rather than of every
debate's claims filtered afterwards (8 ms instead of 300 ms for 20 neighbours among 36,000
claims of several maps on the benchmark data).

Like the search indexes of 0010, not in the models' Meta: the operator class does not exist
on SQLite (where the duplicates are found with rapidfuzz), so the index is made here, on
PostgreSQL only, and is no part of the migration state; `TrigramExtension` does nothing on
other databases either.
"""

from django.contrib.postgres.operations import BtreeGistExtension, TrigramExtension
from django.db import migrations

CREATE = (
    "CREATE INDEX claim_debate_text_trgm ON debates_claim"
    " USING gist (debate_id, text gist_trgm_ops)"
)
DROP = "DROP INDEX IF EXISTS claim_debate_text_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    # 0020_claim_comments (written at the same time, also on 0018) comes first, so the graph
    # keeps one leaf; the order of the two does not matter.
    dependencies = [("debates", "0018_votes"), ("debates", "0020_claim_comments")]

    operations = [
        TrigramExtension(),
        BtreeGistExtension(),
        migrations.RunPython(create, drop),
    ]

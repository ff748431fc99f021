"""The table of the "throttle" cache (settings.CACHES): the write throttle's buckets.

`createcachetable` as a migration, so a fresh clone, CI and the test databases get it from
`migrate` alone. It creates the table of every DatabaseCache in CACHES that is missing.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("debates", "0008_claim_version_redaction")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]

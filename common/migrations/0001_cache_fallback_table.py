"""The table of the database cache FailoverCache falls back to when Redis fails (common/cache.py).

Created here, not only by `manage.py createcachetable`, so that `migrate` alone prepares a
deployment. The schema is Django's own (the createcachetable command's).
"""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "common_cache_fallback"


def create(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create, drop)]

"""Create the database cache tables settings.CACHES names, so that `migrate` alone sets a server up.

createcachetable skips the tables that exist and caches of other backends, so this is
safe on any database, with Redis too. A table added to CACHES later needs
`python manage.py createcachetable` (or a migration like this one).
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]

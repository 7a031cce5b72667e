"""Create the database cache tables, so that `migrate` alone sets a server up.

The tables of settings.DATABASE_CACHES are created even while REDIS_URL is set, so a
server can drop Redis later without answering 500 for want of them; so are those of any
other database cache settings.CACHES names. createcachetable skips the tables that
exist, so this is safe on any database. A table added to CACHES later needs
`python manage.py createcachetable` (or a migration like this one).
"""

from django.conf import settings
from django.core.management import call_command
from django.db import migrations

DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"


def cache_tables() -> list[str]:
    """Return the table names of every database cache the settings describe."""
    described = [*getattr(settings, "DATABASE_CACHES", {}).values(), *settings.CACHES.values()]
    return sorted({cache["LOCATION"] for cache in described if cache["BACKEND"] == DATABASE_CACHE})


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", *cache_tables(), database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]

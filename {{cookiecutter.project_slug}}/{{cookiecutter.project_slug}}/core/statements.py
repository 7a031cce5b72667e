"""Statements for the requests every client makes (sign-in, refresh), sent without the ORM's build.

The ORM spends 0.1 to 0.3 ms of Python building each INSERT or UPDATE, on every call: more
than SQLite, or PostgreSQL on the same host, takes to run it. These send the statement the
ORM would, each value converted by its field as the ORM converts it, with no signals (none of
the models written here has receivers).
"""

from django.db import connection


def insert(instance) -> None:
    """INSERT the model instance as Model.save(force_insert=True) would; a primary key the
    database generates (an auto-incremented id) is left to it and not read back."""
    meta = instance._meta
    fields = [field for field in meta.concrete_fields if not field.db_returning]
    values = [field.get_db_prep_save(field.pre_save(instance, add=True), connection) for field in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Only quoted table and column names are formatted in; the values are parameters.
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
    instance._state.adding = False
    instance._state.db = connection.alias


def update_while_null(model, pk, null_field: str, **changes) -> int:
    """UPDATE the row with this primary key, only while `null_field` is NULL; return the rows changed (0 or 1)."""
    meta = model._meta
    quote = connection.ops.quote_name
    fields = [meta.get_field(name) for name in changes]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    values = [field.get_db_prep_save(changes[field.name], connection) for field in fields]
    where = f"{quote(meta.pk.column)} = %s AND {quote(meta.get_field(null_field).column)} IS NULL"
    # Only quoted table and column names are formatted in; the values are parameters.
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {where}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, meta.pk.get_db_prep_value(pk, connection)])
        return cursor.rowcount

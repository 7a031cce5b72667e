"""Statements for the requests every client makes (sign-in, refresh), sent without the ORM's build.

The ORM spends 0.1 to 0.3 ms of Python building each statement, on every call: more than
SQLite, or PostgreSQL on the same host, takes to run it. These send the statement the ORM
would, each value converted by its field as the ORM converts it (both ways), with no signals
(none of the models written here has receivers).
"""

from functools import cache

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


def get_with_related(model, relation: str, **equal):
    """Return the row of `model` whose fields equal these values, with its foreign key `relation`
    loaded by the same statement, as `.select_related(relation).filter(**equal).first()` would
    (without an ORDER BY); None if there is none."""
    select, fields, converters = join_statement(model, relation)
    conditions = [model._meta.get_field(name) for name in equal]
    where = " AND ".join(f"T.{connection.ops.quote_name(field.column)} = %s" for field in conditions)
    values = [field.get_db_prep_value(equal[field.name], connection) for field in conditions]
    with connection.cursor() as cursor:
        cursor.execute(f"{select} WHERE {where}", values)
        row = cursor.fetchone()
    if row is None:
        return None
    converted = [convert(value, converter_list) for value, converter_list in zip(row, converters, strict=True)]
    own_fields, related_fields = fields
    instance = model.from_db(connection.alias, [field.attname for field in own_fields], converted[: len(own_fields)])
    related_model = model._meta.get_field(relation).related_model
    related_values = converted[len(own_fields) :]
    related = related_model.from_db(connection.alias, [field.attname for field in related_fields], related_values)
    model._meta.get_field(relation).set_cached_value(instance, related)
    return instance


@cache
def join_statement(model, relation: str):
    """Return the SELECT … JOIN of both models' columns (no WHERE), their fields, and each column's
    converters (the database backend's, then the field's, as the ORM applies them); built once."""
    foreign_key = model._meta.get_field(relation)
    related_meta = foreign_key.related_model._meta
    quote = connection.ops.quote_name
    own_fields, related_fields = model._meta.concrete_fields, related_meta.concrete_fields
    columns = [field.get_col("T") for field in own_fields] + [field.get_col("R") for field in related_fields]
    selected = ", ".join(f"{column.alias}.{quote(column.target.column)}" for column in columns)
    joined = f"{quote(model._meta.db_table)} T INNER JOIN {quote(related_meta.db_table)} R"
    on = f"R.{quote(foreign_key.target_field.column)} = T.{quote(foreign_key.column)}"
    # Only quoted table and column names are formatted in; the values are parameters.
    select = f"SELECT {selected} FROM {joined} ON {on}"  # noqa: S608
    return select, (own_fields, related_fields), [converters_of(column) for column in columns]


def converters_of(column) -> list:
    """Return what the ORM applies to a column's values: the backend's converters, then the field's."""
    return [
        (converter, column)
        for converter in connection.ops.get_db_converters(column) + column.get_db_converters(connection)
    ]


def convert(value, converters):
    """Return a value read from the database as the ORM returns it."""
    for converter, column in converters:
        value = converter(value, column, connection)
    return value

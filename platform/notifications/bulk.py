"""Many rows of one model in a single INSERT … SELECT … RETURNING, however many there are.

``bulk_create()`` prepares every field of every object (notify() would encode the same `data`
10,000 times) and on SQLite splits the rows at 999 parameters. Here the fields all rows share
are prepared once, as ``save()`` would store them, and the columns that differ from row to row
come from a query (or a list of ids sent as one parameter): one statement and a fixed number of
parameters for 1 row or 10,000.
"""

import json
from collections.abc import Sequence

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Model, QuerySet


def insert_select(
    model: type[Model],
    *,
    shared: Model,
    columns: dict[str, str],
    source: QuerySet,
    returning: Sequence[str],
) -> list[tuple]:
    """Insert a row per row of `source` (a values() query whose names `columns` maps each field
    attname to; those names must be annotations, so that they are the source's column aliases),
    every other field as in `shared`: the read and the write in one statement. Returns each
    row's `returning` fields, in no particular order. Sends no signals, like bulk_create()."""
    meta = model._meta
    if meta.parents:
        raise ValueError(f"insert_select() writes one table; {meta.label} inherits from another model")
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [
        field
        for field in meta.local_concrete_fields
        if not field.generated and (field.attname in columns or not field.primary_key)
    ]
    values, params = [], []
    for field in fields:
        if field.attname in columns:
            values.append(f"r.{quote(columns[field.attname])}")
            continue
        value = field.get_db_prep_save(field.pre_save(shared, add=True), connection)
        values.append(
            f"CAST(%s AS {field.cast_db_type(connection)})" if connection.vendor == "postgresql" else "%s"
        )
        params.append(value)
    try:
        source_sql, source_params = source.query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:  # e.g. filtered by an empty list: nothing to insert, nothing to ask
        return []
    table, names = quote(meta.db_table), ", ".join(quote(field.column) for field in fields)
    back = ", ".join(quote(meta.get_field(name).column) for name in returning)
    # Names come from the model's meta and the source's annotations, every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({names}) SELECT {', '.join(values)} "  # noqa: S608
        f"FROM ({source_sql}) AS r RETURNING {back}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *source_params])
        return cursor.fetchall()


def ids_source(connection, ids: Sequence[int]) -> tuple[str, list]:
    """A subquery yielding `ids` from one parameter (a PostgreSQL array, a JSON list on SQLite)."""
    if connection.vendor == "postgresql":
        return "SELECT unnest(CAST(%s AS bigint[]))", [list(ids)]
    if connection.vendor == "sqlite":
        return "SELECT value FROM json_each(%s)", [json.dumps(list(ids))]
    raise NotImplementedError(f"ids_source() knows PostgreSQL and SQLite, not {connection.vendor}")

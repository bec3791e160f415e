"""Many rows of one model written by executemany, each with its simple_history record.

Django's ``bulk_create``/``bulk_update`` and simple_history's bulk helpers build a
model instance per row and prepare every value through the SQL compiler: for the
hundreds of thousands of rows of a national import that alone took longer than the
import's 60 s. Here a row is a tuple of the model's concrete fields in ``fields``
order (primary key first), as ``queryset.values_list(*rows.fields)`` reads it, and
every row written gets the history record the helpers would write: "+" for a new
row, "~" for a changed one, with the same user, reason and date for all.

On PostgreSQL psycopg2's ``executemany`` sends one statement per row (a round trip
each: four minutes for the half million results of a national import), so there new
rows go in by ``COPY … FROM STDIN`` (CSV) and updates by
psycopg2's ``execute_batch`` (a page of UPDATEs per round trip).

No signal is sent: the caller checks the locks (communes.locks) and notes the
scores (communes.scores) itself. A history model with fields of its own (a
simple_history option) makes the history go through simple_history's helper.
"""

import io

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router

from core.iterables import chunks

BATCH = 5000  # rows per executemany
PAGE = 1000  # PostgreSQL: UPDATEs per round trip
RAW_HISTORY = True  # False: history records through simple_history's helper (tests compare)

# Field types whose values go to the database driver as Python reads them back (numbers,
# text, booleans, foreign keys to integer keys); another type is refused.
_PLAIN = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DecimalField",
    "ForeignKey",
    "IntegerField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}


class BulkRows:
    """Rows of `model` and their history records; `user` None: the request's user, as
    simple_history's helpers take it."""

    def __init__(self, model, *, user, reason, date):
        meta = model._meta
        self.model = model
        concrete = [meta.pk, *(f for f in meta.concrete_fields if not f.primary_key)]
        self.fields = [f.attname for f in concrete]
        self.index = {name: position for position, name in enumerate(self.fields)}
        self.columns = [f.column for f in concrete]
        # A field's default for a new row that does not give it (constants only).
        self.defaults = {f.attname: f.get_default() for f in concrete[1:]}
        self.connection = connections[router.db_for_write(model)]
        other = [f.name for f in concrete if f.get_internal_type() not in _PLAIN]
        if other:
            raise ImproperlyConfigured(
                f"BulkRows passes values as read back; {model.__name__}.{other} need converting."
            )
        self.historical = model.history.model
        if user is None:
            user = self.historical.get_default_history_user(None)
        self.history = {"default_user": user, "default_change_reason": reason, "default_date": date}
        self.extra = {
            "history_date": self.connection.ops.adapt_datetimefield_value(date),
            "history_change_reason": reason,
            "history_user_id": user.pk if user is not None else None,
        }
        tracked = [f for f in self.historical._meta.concrete_fields if not f.primary_key]
        self.history_names = [f.attname for f in tracked]
        self.history_columns = [f.column for f in tracked]
        known = {*self.fields, *self.extra, "history_type"}
        self.raw_history = RAW_HISTORY and set(self.history_names) <= known

    def insert(self, rows):
        """Store new rows, each a dict {attname: value} (a field not given: its default),
        without history (create() adds it)."""
        names = self.fields[1:]
        values = [tuple(row.get(name, self.defaults[name]) for name in names) for row in rows]
        self._insert(self.model._meta.db_table, self.columns[1:], values)

    def create(self, rows, key, stored):
        """Store new rows (dicts, as insert()) and their "+" history records; return the rows
        as stored (full tuples).

        `key` names the fields that tell the new rows apart among `stored`, a queryset of
        the model narrowed to where they go (read back for their ids).
        """
        if not rows:
            return []
        self.insert(rows)
        new = {tuple(row[name] for name in key) for row in rows}
        positions = [self.index[name] for name in key]
        found = [
            row
            for row in stored.order_by().values_list(*self.fields).iterator(chunk_size=BATCH)
            if tuple(row[p] for p in positions) in new
        ]
        self.history_of(found, "+")
        return found

    def update(self, rows, names):
        """Store the fields `names` of `rows` (full tuples as they are now), with their history."""
        quote = self.connection.ops.quote_name
        positions = [self.index[name] for name in names]
        assignments = ", ".join(f"{quote(self.columns[p])} = %s" for p in positions)
        sql = (
            f"UPDATE {quote(self.model._meta.db_table)} SET {assignments} "
            f"WHERE {quote(self.columns[0])} = %s"
        )
        self._execute(sql, [(*(row[p] for p in positions), row[0]) for row in rows])
        self.history_of(rows, "~")

    def history_of(self, rows, kind):
        """One history record of type `kind` ("+" or "~") per row (full tuples)."""
        if not rows or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            return
        if not self.raw_history:
            instances = [self.model(**dict(zip(self.fields, row, strict=True))) for row in rows]
            self.model.history.bulk_history_create(instances, update=kind == "~", **self.history)
            return
        extra = self.extra | {"history_type": kind}
        index = self.index
        records = [
            tuple(row[index[name]] if name in index else extra[name] for name in self.history_names)
            for row in rows
        ]
        self._insert(self.historical._meta.db_table, self.history_columns, records)

    def _insert(self, table, columns, values):
        quote = self.connection.ops.quote_name
        names = ", ".join(quote(column) for column in columns)
        if self.connection.vendor == "postgresql":
            if values:
                self._copy(f"COPY {quote(table)} ({names}) FROM STDIN WITH (FORMAT csv)", values)
            return
        marks = ", ".join(["%s"] * len(columns))
        self._execute(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", values)

    def _copy(self, sql, values):
        """COPY the rows as CSV, BATCH rows at a time."""
        with self.connection.cursor() as cursor:
            for batch in chunks(values, BATCH):
                text = "".join(",".join(map(_csv, row)) + "\n" for row in batch)
                cursor.cursor.copy_expert(sql, io.StringIO(text))

    def _execute(self, sql, values):
        if not values:
            return
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                from psycopg2.extras import execute_batch

                execute_batch(cursor.cursor, sql, values, page_size=PAGE)
                return
            for batch in chunks(values, BATCH):
                cursor.executemany(sql, batch)


def _csv(value):
    """A value in PostgreSQL's CSV: NULL unquoted and empty, text always quoted (so an empty
    text stays a text), numbers, booleans and dates as Python writes them."""
    if value is None:
        return ""
    if isinstance(value, str):
        return '"' + value.replace('"', '""') + '"'
    return str(value)

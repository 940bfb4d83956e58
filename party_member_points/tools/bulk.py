"""Bulk writing for the set-based computations (a county writes tens of thousands of rows at once).

``copy_rows`` inserts rows with PostgreSQL's ``COPY ... FROM STDIN``: no statement text to build, no JSON
document to write and parse, the values formatted a column at a time (list comprehensions, not a function call
per value)."""

import gc
import json
from contextlib import contextmanager

import psycopg2

from odoo.tools import SQL

NULL = "\\N"


def copy_escape(text):
    """``text`` escaped for the text format of COPY (backslash, tab, line breaks)."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_column(values, kind):
    """The ``values`` of one column in the text format of COPY. ``kind``: ``number`` (integers, floats, record
    ids: ``None``/``False`` are NULL), ``bool``, ``text`` (``None``/``False`` are NULL) or ``json``."""
    if kind == "number":
        return [NULL if value is None or value is False else str(value) for value in values]
    if kind == "bool":
        return [NULL if value is None else ("t" if value else "f") for value in values]
    if kind == "text":
        return [NULL if value is None or value is False else copy_escape(str(value)) for value in values]
    if kind == "json":
        return [NULL if value is None else copy_escape(json.dumps(value, ensure_ascii=False)) for value in values]
    raise ValueError(f"unknown column kind {kind!r}")


def column_kind(field):
    """The :func:`copy_column` kind of an Odoo field."""
    if field.type in ("integer", "float", "monetary", "many2one"):
        return "number"
    if field.type == "boolean":
        return "bool"
    if field.type == "json":
        return "json"
    return "text"


class _ChunkReader:
    """A file for ``copy_expert`` that formats its rows a chunk at a time, when the driver asks for more data
    (psycopg2 sends whatever ``read`` returns, whatever its length): PostgreSQL inserts one chunk while the
    next one is being formatted, and the whole text never sits in memory."""

    def __init__(self, chunks):
        self._chunks = iter(chunks)

    def read(self, size=-1):  # pylint: disable=method-required-super  # a file object, not a model
        return next(self._chunks, "")


def _copy_chunks(rows, columns, constants, chunk_size):
    fixed = "\t" + "\t".join(constants.values()) if constants else ""
    for start in range(0, len(rows), chunk_size):
        chunk = rows[start:start + chunk_size]
        formatted = [copy_column([row[name] for row in chunk], kind) for name, kind in columns.items()]
        yield "".join(f"{line}{fixed}\n" for line in map("\t".join, zip(*formatted)))


def copy_rows(cr, table, columns, rows, constants=None, chunk_size=5000):
    """Insert ``rows`` into ``table`` with one ``COPY ... FROM STDIN``, in the order of ``rows``.

    ``columns``: ``{column: kind}`` (see :func:`copy_column`), read from each row (a dict) in that order;
    ``constants``: ``{column: text}`` appended to every row, already in the text format of COPY."""
    constants = constants or {}
    if not rows:
        return
    statement = SQL("COPY %s (%s) FROM STDIN", SQL.identifier(table),
                    SQL(", ").join(SQL.identifier(name) for name in [*columns, *constants]))
    # as odoo.models does for ir.model.data: an asynchronous wait callback (gevent) does not support COPY
    callback = psycopg2.extensions.get_wait_callback()
    psycopg2.extensions.set_wait_callback(None)
    try:
        cr.copy_expert(statement.code, _ChunkReader(_copy_chunks(rows, columns, constants, chunk_size)),
                       size=1 << 16)
    finally:
        psycopg2.extensions.set_wait_callback(callback)
    # counted like any statement (query-count tests, benchmark): Odoo counts only what goes through execute
    real = getattr(cr, "_cursor", cr)  # a test cursor wraps the real one
    real.sql_log_count += 1


def update_rows(cr, table, columns, rows, extra=None):
    """Update the ``columns`` (``{column: kind}``) of ``table`` from ``rows`` (dicts with ``id``), leaving alone
    the rows whose values are unchanged (a recomputation mostly finds the same figures). The rows are copied
    into a temporary table and applied with one ``UPDATE ... FROM``. ``extra``: ``{column: value}`` set on every
    updated row (e.g. ``write_uid``, ``write_date``). Returns the number of rows updated."""
    if not rows:
        return 0
    staging = SQL.identifier(f"{table}_staging")
    names = list(columns)
    cr.execute(SQL("CREATE TEMPORARY TABLE %s AS SELECT id, %s FROM %s LIMIT 0", staging,
                   SQL(", ").join(SQL.identifier(name) for name in names), SQL.identifier(table)))
    copy_rows(cr, f"{table}_staging", {"id": "number", **columns}, rows)
    assignments = [SQL("%s = v.%s", SQL.identifier(name), SQL.identifier(name)) for name in names]
    assignments += [SQL("%s = %s", SQL.identifier(name), value) for name, value in (extra or {}).items()]
    cr.execute(SQL(
        "UPDATE %s t SET %s FROM %s v WHERE t.id = v.id AND (%s) IS DISTINCT FROM (%s)",
        SQL.identifier(table), SQL(", ").join(assignments), staging,
        SQL(", ").join(SQL("t.%s", SQL.identifier(name)) for name in names),
        SQL(", ").join(SQL("v.%s", SQL.identifier(name)) for name in names)))
    updated = cr.rowcount
    cr.execute(SQL("DROP TABLE %s", staging))
    return updated


@contextmanager
def no_cyclic_gc():
    """Run a block without Python's cyclic garbage collector (reference counting still frees what the block
    drops). A county's computation allocates millions of small containers, and each collection walks the whole
    heap of the server (its registry included): that took about a tenth of the year's computation. Whoever
    found the collector enabled enables it again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

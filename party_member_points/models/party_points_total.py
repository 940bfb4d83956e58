import logging

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Columns of a points entry that the stored aggregates of the ledger depend on.
LEDGER_COLUMNS = ("member_id", "component_id", "organization_id", "company_id", "state", "date", "points")
# The points *earned* by an entry, as the caps measure them (see party.points.entry._cap_points): its points when
# positive, except a reversed entry and a reversal (reversing an entry frees its room under the maximum again).
EARNED = ("CASE WHEN {p}points > 0 AND NOT COALESCE({p}is_reversed, FALSE) AND {p}reversed_entry_id IS NULL "
          "THEN {p}points ELSE 0 END")


def _ledger_columns(prefix="", named=True):
    """The aggregated columns of a ledger row (with ``prefix``, e.g. ``o.``), its earned points last (named
    ``earned`` when ``named``)."""
    return ", ".join([prefix + column for column in LEDGER_COLUMNS]
                     + [EARNED.format(p=prefix) + (" AS earned" if named else "")])


# The rows of a statement on the ledger, signed: +1 for rows in, -1 for rows out (per trigger operation).
_CHANGED = f"""
          FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE ({_ledger_columns("o.", named=False)})
               IS DISTINCT FROM ({_ledger_columns("n.", named=False)})"""
SOURCES = {
    "INSERT": f"SELECT {_ledger_columns()}, 1 AS sign FROM new_rows",
    "DELETE": f"SELECT {_ledger_columns()}, -1 AS sign FROM old_rows",
    # only the rows whose aggregated columns (or earned points: an entry reversed) changed: out with the old
    # values, in with the new ones
    "UPDATE": f"""
        SELECT {_ledger_columns("o.")}, -1 AS sign{_CHANGED}
        UNION ALL
        SELECT {_ledger_columns("n.")}, 1 AS sign{_CHANGED}""",
}

# Posted points per member, component and year, by quarter, and the points earned (see EARNED) by quarter
# (party.points.total). Appended, never updated: a statement adds one delta row per key it changes (see
# PartyPointsTotal), so that two transactions writing entries of one branch at once never meet on the same row
# (no lock, no serialization failure under REPEATABLE READ).
TOTAL_INSERT = """
    INSERT INTO party_points_total AS t (member_id, component_id, year, q1, q2, q3, q4, e1, e2, e3, e4)
    SELECT member_id, component_id, extract(year FROM date)::integer,
           COALESCE(SUM(sign * points) FILTER (WHERE extract(quarter FROM date) = 1), 0),
           COALESCE(SUM(sign * points) FILTER (WHERE extract(quarter FROM date) = 2), 0),
           COALESCE(SUM(sign * points) FILTER (WHERE extract(quarter FROM date) = 3), 0),
           COALESCE(SUM(sign * points) FILTER (WHERE extract(quarter FROM date) = 4), 0),
           COALESCE(SUM(sign * earned) FILTER (WHERE extract(quarter FROM date) = 1), 0),
           COALESCE(SUM(sign * earned) FILTER (WHERE extract(quarter FROM date) = 2), 0),
           COALESCE(SUM(sign * earned) FILTER (WHERE extract(quarter FROM date) = 3), 0),
           COALESCE(SUM(sign * earned) FILTER (WHERE extract(quarter FROM date) = 4), 0)
      FROM ({source}) src
     WHERE state = 'posted' AND member_id IS NOT NULL AND component_id IS NOT NULL AND points IS NOT NULL
  GROUP BY 1, 2, 3
"""

# Points and number of entries per organization, company, component, state and month (party.points.summary).
SUMMARY_INSERT = """
    INSERT INTO party_points_summary AS t (organization_id, company_id, component_id, state, month, points,
                                           entry_count)
    SELECT COALESCE(organization_id, 0), COALESCE(company_id, 0), COALESCE(component_id, 0), state,
           date_trunc('month', date)::date, COALESCE(SUM(sign * points), 0), SUM(sign)
      FROM ({source}) src
  GROUP BY 1, 2, 3, 4, 5
    HAVING SUM(sign) <> 0 OR SUM(sign * points) <> 0
"""

# Keys of the delta rows of each aggregate, and the columns summed when folding them.
AGGREGATES = {
    "party_points_total": (("member_id", "component_id", "year"),
                           ("q1", "q2", "q3", "q4", "e1", "e2", "e3", "e4")),
    "party_points_summary": (("organization_id", "company_id", "component_id", "state", "month"),
                             ("points", "entry_count")),
}


def fold_statement(table):
    """SQL folding the delta rows of ``table`` into one row per key (only the keys with more than one row)."""
    keys, sums = AGGREGATES[table]
    key_list = ", ".join(keys)
    return f"""
    WITH dup AS (SELECT {key_list} FROM {table} GROUP BY {key_list} HAVING count(*) > 1),
         gone AS (DELETE FROM {table} t USING dup
                   WHERE {" AND ".join(f"t.{key} = dup.{key}" for key in keys)}
               RETURNING t.*)
    INSERT INTO {table} ({key_list}, {", ".join(sums)})
    SELECT {key_list}, {", ".join(f"SUM({column})" for column in sums)} FROM gone GROUP BY {key_list}
"""


def sync_function():
    """SQL of the trigger function keeping both aggregates in step with every statement on the ledger."""
    branches = "\n    ".join(
        f"{'IF' if index == 0 else 'ELSIF'} TG_OP = '{operation}' THEN\n"
        f"        {TOTAL_INSERT.format(source=source)};\n"
        f"        {SUMMARY_INSERT.format(source=source)};"
        for index, (operation, source) in enumerate(SOURCES.items()))
    return f"""
CREATE OR REPLACE FUNCTION party_points_ledger_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {branches}
    END IF;
    RETURN NULL;
END
$$
"""


class PartyPointsTotal(models.Model):
    """Posted points of a member per component and year, by quarter: a stored aggregate of the ledger.

    PostgreSQL keeps it (and ``party.points.summary``) up to date with statement triggers on the points
    entries, whichever way they are written, so that the annual results of a county read one row per member and
    component instead of every entry of the year. Internal: no menu, read by
    :meth:`party.points.result._compute_year`.

    Concurrency: the triggers only *append* delta rows (one per key a statement changes) and never update a row,
    so requests writing entries of one branch at once never wait for each other nor fail with a serialization
    error (an upsert of a shared sum row did, under Odoo's REPEATABLE READ, and needed a branch-wide lock that
    made 30 users of one branch retry until Odoo gave up). Readers sum the rows of a key (``SUM ... GROUP BY``);
    the scheduled action :meth:`_cron_fold` folds the delta rows of each key into one row every few minutes,
    which keeps both tables as small as before."""

    _name = "party.points.total"
    _description = "Points Totals per Member and Year"
    # an aggregate kept by the database, not a workflow record
    _party_ledger_aggregate = True
    _log_access = False

    member_id = fields.Many2one("party.member", required=True, ondelete="cascade", readonly=True)
    component_id = fields.Many2one("party.points.component", required=True, ondelete="cascade", readonly=True)
    year = fields.Integer(required=True, readonly=True, aggregator=None)
    q1 = fields.Float(string="Q1", readonly=True)
    q2 = fields.Float(string="Q2", readonly=True)
    q3 = fields.Float(string="Q3", readonly=True)
    q4 = fields.Float(string="Q4", readonly=True)
    # the points earned per quarter, as the caps under a component's maximum measure them (positive entries,
    # reversed entries and reversals left out): read by party.points.entry._cap_points
    e1 = fields.Float(string="Earned Q1", readonly=True)
    e2 = fields.Float(string="Earned Q2", readonly=True)
    e3 = fields.Float(string="Earned Q3", readonly=True)
    e4 = fields.Float(string="Earned Q4", readonly=True)

    def init(self):
        """Triggers on the ledger, then both aggregates (re)built from it: at install, and at every update of the
        module (a change of the rules above applies to the entries already there)."""
        cr = self.env.cr
        cr.execute("DROP FUNCTION IF EXISTS party_points_total_sync() CASCADE")
        cr.execute(sync_function())
        for event, tables in (("INSERT", "NEW TABLE AS new_rows"), ("DELETE", "OLD TABLE AS old_rows"),
                              ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows")):
            name = f"party_points_ledger_{event.lower()}"
            cr.execute(SQL("DROP TRIGGER IF EXISTS %s ON party_points_entry", SQL.identifier(name)))
            cr.execute(SQL("CREATE TRIGGER %s AFTER %s ON party_points_entry REFERENCING %s "
                           "FOR EACH STATEMENT EXECUTE FUNCTION party_points_ledger_sync()",
                           SQL.identifier(name), SQL(event), SQL(tables)))
        source = f"SELECT {_ledger_columns()}, 1 AS sign FROM party_points_entry"
        # room in each page: the triggers update rows in place (HOT updates, no index entry per posting)
        cr.execute("ALTER TABLE party_points_total SET (fillfactor = 70)")
        cr.execute("ALTER TABLE party_points_summary SET (fillfactor = 70)")
        # delta rows: a key may have several rows (the unique constraints of the upserts are gone)
        cr.execute("ALTER TABLE party_points_total DROP CONSTRAINT IF EXISTS "
                   "party_points_total_member_component_year_uniq")
        cr.execute("ALTER TABLE party_points_summary DROP CONSTRAINT IF EXISTS party_points_summary_key_uniq")
        cr.execute("DROP TABLE IF EXISTS party_points_aggregate_lock")
        for table, (keys, _sums) in AGGREGATES.items():
            cr.execute(SQL("CREATE INDEX IF NOT EXISTS %s ON %s (%s)", SQL.identifier(f"{table}_key_index"),
                           SQL.identifier(table), SQL(", ").join(SQL.identifier(key) for key in keys)))
        cr.execute("TRUNCATE party_points_total, party_points_summary")
        # the statements are built from the constants of this module only
        cr.execute(SQL(TOTAL_INSERT.format(source=source)))
        cr.execute(SQL(SUMMARY_INSERT.format(source=source)))

    @api.model
    def _cron_fold(self):
        """Fold the delta rows of both ledger aggregates into one row per key. Only this scheduled action deletes
        rows of the aggregates (Odoo runs one instance of a scheduled action at a time; the advisory lock keeps
        a manual call out too), and the triggers only insert: nothing waits for it and nothing it does can make a
        user's request fail."""
        cr = self.env.cr
        cr.execute("SELECT pg_try_advisory_xact_lock(hashtext('party_points_aggregate_fold'))")
        if not cr.fetchone()[0]:
            return False
        for table in AGGREGATES:
            cr.execute(SQL(fold_statement(table)))
            _logger.debug("%s: %s rows folded", table, cr.rowcount)
        return True

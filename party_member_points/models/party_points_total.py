from odoo import fields, models
from odoo.tools import SQL

# Columns of a points entry that the stored aggregates of the ledger depend on.
LEDGER_COLUMNS = "member_id, component_id, organization_id, company_id, state, date, points"

# The rows of a statement on the ledger, signed: +1 for rows in, -1 for rows out (per trigger operation).
SOURCES = {
    "INSERT": f"SELECT {LEDGER_COLUMNS}, 1 AS sign FROM new_rows",
    "DELETE": f"SELECT {LEDGER_COLUMNS}, -1 AS sign FROM old_rows",
    # only the rows whose aggregated columns changed: out with the old values, in with the new ones
    "UPDATE": """
        SELECT o.member_id, o.component_id, o.organization_id, o.company_id, o.state, o.date, o.points, -1 AS sign
          FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE (o.member_id, o.component_id, o.organization_id, o.company_id, o.state, o.date, o.points)
               IS DISTINCT FROM (n.member_id, n.component_id, n.organization_id, n.company_id, n.state, n.date,
                                 n.points)
        UNION ALL
        SELECT n.member_id, n.component_id, n.organization_id, n.company_id, n.state, n.date, n.points, 1 AS sign
          FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE (o.member_id, o.component_id, o.organization_id, o.company_id, o.state, o.date, o.points)
               IS DISTINCT FROM (n.member_id, n.component_id, n.organization_id, n.company_id, n.state, n.date,
                                 n.points)""",
}

# Posted points per member, component and year, by quarter (party.points.total).
TOTAL_UPSERT = """
    INSERT INTO party_points_total AS t (member_id, component_id, year, q1, q2, q3, q4)
    SELECT member_id, component_id, extract(year FROM date)::integer,
           COALESCE(SUM(sign * points) FILTER (WHERE extract(quarter FROM date) = 1), 0),
           COALESCE(SUM(sign * points) FILTER (WHERE extract(quarter FROM date) = 2), 0),
           COALESCE(SUM(sign * points) FILTER (WHERE extract(quarter FROM date) = 3), 0),
           COALESCE(SUM(sign * points) FILTER (WHERE extract(quarter FROM date) = 4), 0)
      FROM ({source}) src
     WHERE state = 'posted' AND member_id IS NOT NULL AND component_id IS NOT NULL AND points IS NOT NULL
  GROUP BY 1, 2, 3
        ON CONFLICT (member_id, component_id, year) DO UPDATE
       SET q1 = t.q1 + EXCLUDED.q1, q2 = t.q2 + EXCLUDED.q2, q3 = t.q3 + EXCLUDED.q3, q4 = t.q4 + EXCLUDED.q4
"""

# Points and number of entries per organization, company, component, state and month (party.points.summary).
SUMMARY_UPSERT = """
    INSERT INTO party_points_summary AS t (organization_id, company_id, component_id, state, month, points,
                                           entry_count)
    SELECT COALESCE(organization_id, 0), COALESCE(company_id, 0), COALESCE(component_id, 0), state,
           date_trunc('month', date)::date, COALESCE(SUM(sign * points), 0), SUM(sign)
      FROM ({source}) src
  GROUP BY 1, 2, 3, 4, 5
        ON CONFLICT (organization_id, company_id, component_id, state, month) DO UPDATE
       SET points = t.points + EXCLUDED.points, entry_count = t.entry_count + EXCLUDED.entry_count
"""


def sync_function():
    """SQL of the trigger function keeping both aggregates in step with every statement on the ledger."""
    branches = "\n    ".join(
        f"{'IF' if index == 0 else 'ELSIF'} TG_OP = '{operation}' THEN\n"
        f"        {TOTAL_UPSERT.format(source=source)};\n"
        f"        {SUMMARY_UPSERT.format(source=source)};"
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
    :meth:`party.points.result._compute_year`."""

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

    _sql_constraints = [
        ("member_component_year_uniq", "unique(member_id, component_id, year)",
         "The points of a member are totalled once per component and year."),
    ]

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
        source = f"SELECT {LEDGER_COLUMNS}, 1 AS sign FROM party_points_entry"
        # room in each page: the triggers update rows in place (HOT updates, no index entry per posting)
        cr.execute("ALTER TABLE party_points_total SET (fillfactor = 70)")
        cr.execute("ALTER TABLE party_points_summary SET (fillfactor = 70)")
        cr.execute("TRUNCATE party_points_total, party_points_summary")
        # the statements are built from the constants of this module only
        cr.execute(SQL(TOTAL_UPSERT.format(source=source)))
        cr.execute(SQL(SUMMARY_UPSERT.format(source=source)))

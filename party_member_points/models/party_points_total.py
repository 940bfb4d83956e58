from odoo import fields, models

# Quarter sums of the posted points of each member, component and year, kept up to date by PostgreSQL from the
# rows of each statement that inserts, updates or deletes points entries (ORM or SQL alike).
SYNC_FUNCTION = """
CREATE OR REPLACE FUNCTION party_points_total_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO party_points_total AS t (member_id, component_id, year, q1, q2, q3, q4)
        SELECT member_id, component_id, extract(year FROM date)::integer,
               COALESCE(SUM(points) FILTER (WHERE extract(quarter FROM date) = 1), 0),
               COALESCE(SUM(points) FILTER (WHERE extract(quarter FROM date) = 2), 0),
               COALESCE(SUM(points) FILTER (WHERE extract(quarter FROM date) = 3), 0),
               COALESCE(SUM(points) FILTER (WHERE extract(quarter FROM date) = 4), 0)
          FROM new_rows
         WHERE state = 'posted' AND component_id IS NOT NULL AND points IS NOT NULL
      GROUP BY 1, 2, 3
            ON CONFLICT (member_id, component_id, year) DO UPDATE
           SET q1 = t.q1 + EXCLUDED.q1, q2 = t.q2 + EXCLUDED.q2, q3 = t.q3 + EXCLUDED.q3, q4 = t.q4 + EXCLUDED.q4;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO party_points_total AS t (member_id, component_id, year, q1, q2, q3, q4)
        SELECT member_id, component_id, extract(year FROM date)::integer,
               -COALESCE(SUM(points) FILTER (WHERE extract(quarter FROM date) = 1), 0),
               -COALESCE(SUM(points) FILTER (WHERE extract(quarter FROM date) = 2), 0),
               -COALESCE(SUM(points) FILTER (WHERE extract(quarter FROM date) = 3), 0),
               -COALESCE(SUM(points) FILTER (WHERE extract(quarter FROM date) = 4), 0)
          FROM old_rows
         WHERE state = 'posted' AND component_id IS NOT NULL AND points IS NOT NULL
      GROUP BY 1, 2, 3
            ON CONFLICT (member_id, component_id, year) DO UPDATE
           SET q1 = t.q1 + EXCLUDED.q1, q2 = t.q2 + EXCLUDED.q2, q3 = t.q3 + EXCLUDED.q3, q4 = t.q4 + EXCLUDED.q4;
    ELSE
        -- only the rows whose posted points moved: out with the old values, in with the new ones
        INSERT INTO party_points_total AS t (member_id, component_id, year, q1, q2, q3, q4)
        SELECT member_id, component_id, extract(year FROM date)::integer,
               COALESCE(SUM(points) FILTER (WHERE extract(quarter FROM date) = 1), 0),
               COALESCE(SUM(points) FILTER (WHERE extract(quarter FROM date) = 2), 0),
               COALESCE(SUM(points) FILTER (WHERE extract(quarter FROM date) = 3), 0),
               COALESCE(SUM(points) FILTER (WHERE extract(quarter FROM date) = 4), 0)
          FROM (SELECT o.member_id, o.component_id, o.date, -o.points AS points, o.state
                  FROM old_rows o JOIN new_rows n ON n.id = o.id
                 WHERE (o.state, o.points, o.date, o.member_id, o.component_id)
                       IS DISTINCT FROM (n.state, n.points, n.date, n.member_id, n.component_id)
                UNION ALL
                SELECT n.member_id, n.component_id, n.date, n.points, n.state
                  FROM old_rows o JOIN new_rows n ON n.id = o.id
                 WHERE (o.state, o.points, o.date, o.member_id, o.component_id)
                       IS DISTINCT FROM (n.state, n.points, n.date, n.member_id, n.component_id)) moved
         WHERE state = 'posted' AND component_id IS NOT NULL AND points IS NOT NULL
      GROUP BY 1, 2, 3
            ON CONFLICT (member_id, component_id, year) DO UPDATE
           SET q1 = t.q1 + EXCLUDED.q1, q2 = t.q2 + EXCLUDED.q2, q3 = t.q3 + EXCLUDED.q3, q4 = t.q4 + EXCLUDED.q4;
    END IF;
    RETURN NULL;
END
$$
"""


class PartyPointsTotal(models.Model):
    """Posted points of a member per component and year, by quarter: a stored aggregate of the ledger.

    PostgreSQL keeps it up to date (statement triggers on the points entries, whichever way they are written),
    so that the annual results of a county read one row per member and component instead of every entry of
    the year. Internal: no menu, read by :meth:`party.points.result._compute_year`."""

    _name = "party.points.total"
    _description = "Points Totals per Member and Year"
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
        cr = self.env.cr
        cr.execute(SYNC_FUNCTION)
        for event, tables in (("INSERT", "NEW TABLE AS new_rows"), ("DELETE", "OLD TABLE AS old_rows"),
                              ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows")):
            name = f"party_points_total_{event.lower()}"
            cr.execute(f"DROP TRIGGER IF EXISTS {name} ON party_points_entry")
            cr.execute(f"CREATE TRIGGER {name} AFTER {event} ON party_points_entry REFERENCING {tables} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION party_points_total_sync()")
        # (re)build from the ledger: installs, and updates of the module after a change of the rules above
        cr.execute("TRUNCATE party_points_total")
        cr.execute("""
            INSERT INTO party_points_total (member_id, component_id, year, q1, q2, q3, q4)
            SELECT member_id, component_id, extract(year FROM date)::integer,
                   COALESCE(SUM(points) FILTER (WHERE extract(quarter FROM date) = 1), 0),
                   COALESCE(SUM(points) FILTER (WHERE extract(quarter FROM date) = 2), 0),
                   COALESCE(SUM(points) FILTER (WHERE extract(quarter FROM date) = 3), 0),
                   COALESCE(SUM(points) FILTER (WHERE extract(quarter FROM date) = 4), 0)
              FROM party_points_entry
             WHERE state = 'posted' AND component_id IS NOT NULL AND points IS NOT NULL
          GROUP BY 1, 2, 3
        """)

from odoo import fields, models, tools


class PartyPointsResultLine(models.Model):
    """Subtotal of one component in a member's annual result.

    A read-only SQL view over the component subtotals stored with each result (``component_lines``): the
    year's computation writes one row per member instead of one per member and component (a county has tens of
    thousands of results, and every inserted row pays for its foreign keys). Each stored line is ``[component id,
    points, maximum]``; the percent of the maximum is computed here (:func:`component_percent`), not stored."""

    _name = "party.points.result.line"
    _description = "Annual Points Result Line"
    _auto = False
    _order = "result_id, sequence, id"

    result_id = fields.Many2one("party.points.result", readonly=True)
    member_id = fields.Many2one("party.member", readonly=True)
    year = fields.Integer(readonly=True, aggregator=None)
    organization_id = fields.Many2one("party.organization", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    component_id = fields.Many2one("party.points.component", readonly=True)
    sequence = fields.Integer(related="component_id.sequence")
    is_core = fields.Boolean(related="component_id.is_core")
    points = fields.Float(readonly=True)
    max_points = fields.Float(string="Maximum", readonly=True)
    percent = fields.Float(string="% of Maximum", aggregator="avg", readonly=True)

    def init(self):
        cr = self.env.cr
        cr.execute("SELECT relkind FROM pg_class WHERE relname = %s AND relkind = 'r'", [self._table])
        if cr.fetchone():
            # databases created before the lines became a view: keep their subtotals in the results
            cr.execute(f"""
                UPDATE party_points_result r
                   SET component_lines = l.lines
                  FROM (SELECT result_id,
                               jsonb_agg(jsonb_build_array(component_id, points, max_points)
                                         ORDER BY id) AS lines
                          FROM {self._table} GROUP BY result_id) l
                 WHERE l.result_id = r.id
            """)
            cr.execute(f"DROP TABLE {self._table} CASCADE")
        tools.drop_view_if_exists(cr, self._table)
        cr.execute(f"""
            CREATE VIEW {self._table} AS (
                SELECT r.id::bigint * 100 + l.n AS id,
                       r.id AS result_id,
                       r.member_id,
                       r.year,
                       r.organization_id,
                       r.company_id,
                       (l.value->>0)::integer AS component_id,
                       (l.value->>1)::double precision AS points,
                       (l.value->>2)::double precision AS max_points,
                       -- as component_percent() (lines stored before 18.0.1.3.0 also hold it: unused)
                       CASE WHEN (l.value->>2)::double precision <> 0
                            THEN 100.0::double precision * (l.value->>1)::double precision
                                 / (l.value->>2)::double precision
                            ELSE 0.0 END AS percent,
                       r.create_uid,
                       r.create_date,
                       r.write_uid,
                       r.write_date
                  FROM party_points_result r
                 CROSS JOIN LATERAL jsonb_array_elements(r.component_lines) WITH ORDINALITY AS l(value, n)
            )
        """)

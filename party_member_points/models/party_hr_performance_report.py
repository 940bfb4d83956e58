from odoo import api, fields, models, tools
from odoo.tools import SQL

from .party_points_logic import GRADES
from .party_points_result import STAR_RATINGS

# The grades in their order (excellent first) for the pivot's columns: a selection is grouped in the order of
# its keys, which would put 基本合格 before 优秀.
GRADE_LEVELS = [(str(level), label) for level, (_key, label) in enumerate(GRADES, start=1)]


class PartyHrPerformanceReport(models.Model):
    """Party performance by department: one row per employee who is a party member and per result year.

    Read by HR managers (pivot: department x grade, measure points; the pivot's own XLSX download exports it).
    """

    _name = "party.hr.performance.report"
    _description = "Party Performance by Department"
    _auto = False
    _order = "year desc, department_id, total desc"

    year = fields.Integer(readonly=True, aggregator=None)
    employee_id = fields.Many2one("hr.employee", readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True)
    job_id = fields.Many2one("hr.job", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    member_id = fields.Many2one("party.member", readonly=True)
    organization_id = fields.Many2one("party.organization", string="Branch", readonly=True)
    grade = fields.Selection(GRADES, readonly=True)
    grade_level = fields.Selection(GRADE_LEVELS, string="Grade Level", readonly=True)
    graded = fields.Boolean(readonly=True)
    stars = fields.Integer(readonly=True, aggregator="avg")
    star_rating = fields.Selection(STAR_RATINGS, string="Star Rating", readonly=True)
    total = fields.Float(string="Points", readonly=True, aggregator="avg")
    rank_branch = fields.Integer(string="Rank in Branch", readonly=True, aggregator="min")
    member_count = fields.Integer(string="Members", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        grade_levels = SQL(" ").join(SQL("WHEN %s THEN %s", key, str(level))
                                     for level, (key, _label) in enumerate(GRADES, start=1))
        self.env.cr.execute(SQL("""
            CREATE OR REPLACE VIEW %s AS (
                SELECT r.id AS id,
                       r.year AS year,
                       e.id AS employee_id,
                       e.department_id AS department_id,
                       e.job_id AS job_id,
                       e.company_id AS company_id,
                       m.id AS member_id,
                       r.organization_id AS organization_id,
                       r.grade AS grade,
                       CASE r.grade %s END AS grade_level,
                       r.graded AS graded,
                       r.stars AS stars,
                       r.star_rating AS star_rating,
                       r.total AS total,
                       r.rank_branch AS rank_branch,
                       1 AS member_count
                  FROM party_points_result r
                  JOIN party_member m ON m.id = r.member_id
                  JOIN hr_employee e ON e.id = m.employee_id
                 WHERE e.active
            )
        """, SQL.identifier(self._table), grade_levels))

    @api.model
    @api.readonly
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        """Averages rounded to two digits: the pivot's XLSX download writes the values as they come
        (85.69 instead of 85.69375000000001).

        Read-only like the method it overrides: the web client's ``call_kw`` sends a call to the read replica
        only when the method of the final class carries the mark, which an override loses without it."""
        rows = super().read_group(domain, fields, groupby, offset=offset, limit=limit, orderby=orderby, lazy=lazy)
        for row in rows:
            for name in ("total", "stars"):
                if isinstance(row.get(name), float):
                    row[name] = round(row[name], 2)
        return rows

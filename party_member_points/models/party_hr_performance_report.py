from odoo import fields, models, tools

from .party_points_logic import GRADES
from .party_points_result import STAR_RATINGS


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
    graded = fields.Boolean(readonly=True)
    stars = fields.Integer(readonly=True, aggregator="avg")
    star_rating = fields.Selection(STAR_RATINGS, string="Star Rating", readonly=True)
    total = fields.Float(string="Points", readonly=True, aggregator="avg")
    rank_branch = fields.Integer(string="Rank in Branch", readonly=True, aggregator="min")
    member_count = fields.Integer(string="Members", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(f"""
            CREATE OR REPLACE VIEW {self._table} AS (
                SELECT r.id AS id,
                       r.year AS year,
                       e.id AS employee_id,
                       e.department_id AS department_id,
                       e.job_id AS job_id,
                       e.company_id AS company_id,
                       m.id AS member_id,
                       r.organization_id AS organization_id,
                       r.grade AS grade,
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
        """)

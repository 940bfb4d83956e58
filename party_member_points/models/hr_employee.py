from odoo import api, fields, models

from .party_member import STAGES
from .party_points_logic import GRADES

# HR users read the party summary of employees; party officers see it too (the smart button opens the member).
PARTY_HR_GROUPS = "hr.group_hr_user,party_member_points.group_party_officer"


class HrEmployee(models.Model):
    """Party data beside the employee, for HR managers: membership, this year's points, last grade and rank."""

    _inherit = "hr.employee"

    party_member_ids = fields.One2many("party.member", "employee_id", string="Party Member Records",
                                       groups=PARTY_HR_GROUPS)
    party_member_id = fields.Many2one("party.member", compute="_compute_party_performance", string="Party Member",
                                      groups=PARTY_HR_GROUPS)
    party_organization_id = fields.Many2one("party.organization", compute="_compute_party_performance",
                                            string="Party Organization", groups=PARTY_HR_GROUPS)
    party_stage = fields.Selection(STAGES, compute="_compute_party_performance", string="Party Stage",
                                   groups=PARTY_HR_GROUPS)
    party_points_total = fields.Float(compute="_compute_party_performance", string="Party Points This Year",
                                      groups=PARTY_HR_GROUPS)
    party_result_year = fields.Integer(compute="_compute_party_performance", string="Last Result Year",
                                       groups=PARTY_HR_GROUPS)
    party_grade = fields.Selection(GRADES, compute="_compute_party_performance", string="Last Party Grade",
                                   groups=PARTY_HR_GROUPS)
    party_stars = fields.Integer(compute="_compute_party_performance", string="Stars", groups=PARTY_HR_GROUPS)
    party_rank_branch = fields.Integer(compute="_compute_party_performance", string="Rank in Branch",
                                       groups=PARTY_HR_GROUPS)

    @api.depends("party_member_ids")
    def _compute_party_performance(self):
        """Read as superuser: HR managers see the performance summary without party access rights.
        One search for the members and one for their latest results (no per-employee query)."""
        members = self.env["party.member"].sudo().search(
            [("employee_id", "in", self.ids), ("status", "=", "normal")], order="id")
        member_by_employee = {}
        for member in members:
            member_by_employee.setdefault(member.employee_id.id, member)
        latest = {}
        for result in self.env["party.points.result"].sudo().search(
                [("member_id", "in", members.ids)], order="year desc"):
            latest.setdefault(result.member_id.id, result)
        totals = dict(zip(members.ids, members.mapped("points_year_total")))
        for employee in self:
            member = member_by_employee.get(employee.id, self.env["party.member"])
            result = latest.get(member.id)
            employee.party_member_id = member
            employee.party_organization_id = member.organization_id
            employee.party_stage = member.stage
            employee.party_points_total = totals.get(member.id, 0.0)
            employee.party_result_year = result.year if result else 0
            employee.party_grade = result.grade if result else False
            employee.party_stars = result.stars if result else 0
            employee.party_rank_branch = result.rank_branch if result else 0

    def action_open_party_member(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "party.member",
            "res_id": self.party_member_id.id,
            "view_mode": "form",
        }

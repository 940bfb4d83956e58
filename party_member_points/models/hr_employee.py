from odoo import api, fields, models

from .party_member import STAGES
from .party_points_logic import GRADES
from .party_points_result import STAR_RATINGS

# HR users read the party summary of employees; party officers see it too (the smart button opens the member).
PARTY_HR_GROUPS = "hr.group_hr_user,party_member_points.group_party_officer"


class PartyEmployeeSummary(models.AbstractModel):
    """The party summary shown beside an employee: membership, this year's points, last grade and rank. Shared
    by the employee and the public employee profile (same fields, same groups); the evaluation and
    mobilization add-ons add their fields here and their values in ``hr.employee._party_member_values``."""

    _name = "party.employee.summary"
    _description = "Party Summary of an Employee"

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
    # the stars as a selection: the priority widget of the form shows a selection, not an integer
    party_star_rating = fields.Selection(STAR_RATINGS, compute="_compute_party_performance", string="Star Rating",
                                         groups=PARTY_HR_GROUPS)
    party_rank_branch = fields.Integer(compute="_compute_party_performance", string="Rank in Branch",
                                       groups=PARTY_HR_GROUPS)

    def _compute_party_performance(self):
        Employee = self.env["hr.employee"]
        values = Employee._party_performance_values(self.ids)
        for employee in self:
            employee.update(values.get(employee.id) or Employee._party_empty_values())

    def action_open_party_member(self):
        self.ensure_one()
        return self.party_member_id.get_formview_action()


class HrEmployee(models.Model):
    _name = "hr.employee"
    _inherit = ["hr.employee", "party.employee.summary"]

    party_member_ids = fields.One2many("party.member", "employee_id", string="Party Member Records",
                                       groups=PARTY_HR_GROUPS)

    @api.model
    def _party_empty_values(self):
        """Values of the party fields for an employee who is no party member (extended with the add-ons' fields)."""
        return {"party_member_id": False, "party_organization_id": False, "party_stage": False,
                "party_points_total": 0.0, "party_result_year": 0, "party_grade": False, "party_stars": 0,
                "party_star_rating": False, "party_rank_branch": 0}

    @api.model
    def _party_performance_values(self, employee_ids):
        """``{employee id: {field: value}}`` of the party summary of these employees, read as superuser: HR
        users see the performance summary without party access rights; a party officer only for the members
        they may read. One search for the members and one
        for their latest results (no per-employee query). Extended by the evaluation and mobilization addons,
        which add their fields to each employee's values (see ``_party_member_values``)."""
        members = self.env["party.member"].sudo().search(
            [("employee_id", "in", list(employee_ids)), ("status", "=", "normal")], order="id")
        if not self.env.su and not self.env.user.has_group("hr.group_hr_user"):
            # a party officer who is no HR user sees the party summary of the employees whose member record is
            # in their scope only, not of every employee of the company
            members = members.with_env(self.env)._filtered_access("read").sudo()
        member_by_employee = {}
        for member in members:
            member_by_employee.setdefault(member.employee_id.id, member)
        latest = {}
        for result in self.env["party.points.result"].sudo().search(
                [("member_id", "in", members.ids)], order="year desc"):
            latest.setdefault(result.member_id.id, result)
        totals = dict(zip(members.ids, members.mapped("points_year_total")))
        extra = self._party_member_values(members)
        values = {}
        for employee_id, member in member_by_employee.items():
            result = latest.get(member.id)
            values[employee_id] = dict(
                self._party_empty_values(),
                party_member_id=member.id,
                party_organization_id=member.organization_id.id,
                party_stage=member.stage,
                party_points_total=totals.get(member.id, 0.0),
                party_result_year=result.year if result else 0,
                party_grade=result.grade if result else False,
                party_stars=result.stars if result else 0,
                party_star_rating=result.star_rating if result else False,
                party_rank_branch=result.rank_branch if result else 0,
                **extra.get(member.id, {}),
            )
        return values

    @api.model
    def _party_member_values(self, members):
        """Hook: ``{member id: {field: value}}`` of further party fields for the employee tab."""
        return {}


class HrEmployeePublic(models.Model):
    _name = "hr.employee.public"
    _inherit = ["hr.employee.public", "party.employee.summary"]

from odoo import api, fields, models

from odoo.addons.party_member_points.models.hr_employee import PARTY_HR_GROUPS

from . import evaluation_rules as rules


class PartyEmployeeSummary(models.AbstractModel):
    """The employee's last published democratic evaluation, beside the points on the Party tab."""

    _inherit = "party.employee.summary"

    party_evaluation_year = fields.Integer(compute="_compute_party_performance", string="Last Evaluation Year",
                                           groups=PARTY_HR_GROUPS)
    party_evaluation_grade = fields.Selection(rules.GRADES, compute="_compute_party_performance",
                                              string="Last Evaluation Grade", groups=PARTY_HR_GROUPS)


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    @api.model
    def _party_empty_values(self):
        return dict(super()._party_empty_values(), party_evaluation_year=0, party_evaluation_grade=False)

    @api.model
    def _party_member_values(self, members):
        values = super()._party_member_values(members)
        participants = self.env["party.evaluation.participant"].sudo().search([
            ("member_id", "in", members.ids), ("final_grade", "!=", False),
            ("campaign_id.state", "in", ("published", "closed"))], order="year desc, id desc")
        seen = set()
        for participant in participants:
            if participant.member_id.id in seen:
                continue
            seen.add(participant.member_id.id)
            values.setdefault(participant.member_id.id, {}).update(
                party_evaluation_year=participant.year, party_evaluation_grade=participant.final_grade)
        return values

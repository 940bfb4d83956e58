from odoo import api, fields, models

from odoo.addons.party_member_points.models.hr_employee import PARTY_HR_GROUPS


class PartyEmployeeSummary(models.AbstractModel):
    """The employee's mobilization record on the Party tab: projects taken part in, commendations and penalties
    (below-standard conversions and appraisal downgrades)."""

    _inherit = "party.employee.summary"

    party_mobilization_count = fields.Integer(compute="_compute_party_performance", string="Mobilizations",
                                              groups=PARTY_HR_GROUPS)
    party_commendation_count = fields.Integer(compute="_compute_party_performance", string="Commendations",
                                              groups=PARTY_HR_GROUPS)
    party_mobilization_penalty_count = fields.Integer(compute="_compute_party_performance",
                                                      string="Conversions and Downgrades", groups=PARTY_HR_GROUPS)


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    @api.model
    def _party_empty_values(self):
        return dict(super()._party_empty_values(), party_mobilization_count=0, party_commendation_count=0,
                    party_mobilization_penalty_count=0)

    @api.model
    def _party_member_values(self, members):
        values = super()._party_member_values(members)
        counts = {
            "party_mobilization_count": self.env["party.mobilization.participant"].sudo()._read_group(
                [("member_id", "in", members.ids)], ["member_id"], ["project_id:count_distinct"]),
            "party_commendation_count": self.env["party.mobilization.commendation"].sudo()._read_group(
                [("member_id", "in", members.ids)], ["member_id"], ["__count"]),
        }
        penalties = {}
        for model, domain in (("party.mobilization.conversion", []),
                              ("party.mobilization.downgrade", [("state", "!=", "withdrawn")])):
            for member, count in self.env[model].sudo()._read_group(
                    domain + [("member_id", "in", members.ids)], ["member_id"], ["__count"]):
                penalties[member.id] = penalties.get(member.id, 0) + count
        for field_name, rows in counts.items():
            for member, count in rows:
                values.setdefault(member.id, {})[field_name] = count
        for member_id, count in penalties.items():
            values.setdefault(member_id, {})["party_mobilization_penalty_count"] = count
        return values

from odoo import fields, models
from odoo.exceptions import AccessError

from ..tools.clock import party_today


class PartyPointsResultWizard(models.TransientModel):
    _name = "party.points.result.wizard"
    _description = "Compute Annual Points Results"

    year = fields.Integer(required=True, default=lambda self: party_today(self).year)
    organization_ids = fields.Many2many("party.organization", string="Organizations",
                                        help="Leave empty for every organization you run.")
    final = fields.Boolean(string="Final Results", help="Final results can no longer be recomputed or vetoed.")

    def action_compute(self):
        self.ensure_one()
        user = self.env.user
        orgs = self.organization_ids or user.party_officer_organization_ids
        if not user.has_group("party_member_points.group_party_admin"):
            if not orgs or any(not user._party_can_manage(org) for org in orgs):
                raise AccessError(self.env._("You can compute the results of the organizations you run only."))
            if self.final and not user.has_group("party_member_points.group_party_upper"):
                raise AccessError(self.env._("Only the upper committee makes results final."))
        Member = self.env["party.member"].sudo()
        domain = Member._points_earning_domain()
        if orgs:
            domain.append(("organization_id", "child_of", orgs.ids))
        members = Member.search(domain)
        if self.final and not user.has_group("party_member_points.group_party_admin"):
            # making results final is the upper level's decision: the user runs the real upper organization of
            # each member's branch, never the branch itself
            for org in members.organization_id:
                if not user._party_can_manage(org._get_upper_organization()):
                    raise AccessError(self.env._("Only the upper committee of %s makes its results final.",
                                                 org.display_name))
        results = self.env["party.points.result"].sudo()._compute_year(self.year, members, final=self.final)
        action = self.env["ir.actions.act_window"]._for_xml_id("party_member_points.party_points_result_action")
        action["domain"] = [("id", "in", results.ids)]
        action["context"] = {}
        return action

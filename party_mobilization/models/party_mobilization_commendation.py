from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.party_member_points.models.party_workflow import check_flow_create, check_flow_write

COMMENDATION_TYPES = [
    ("notice", "Commendation Notice"),
    ("year_end", "Year-end Commendation"),
]


class PartyMobilizationCommendation(models.Model):
    """Commendation of an exemplary member, cadre or villager at the acceptance of a mobilization
    (S000: 通报表扬、年终考核表彰). Party members also receive the commendation points."""

    _name = "party.mobilization.commendation"
    _description = "Mobilization Commendation"
    _inherit = ["party.mobilization.result.mixin", "party.freeze.mixin"]  # frozen as a child of its project
    _order = "date desc, id desc"

    commendation_type = fields.Selection(COMMENDATION_TYPES, string="Form", required=True, default="notice")
    points = fields.Float(readonly=True, help="Points posted to the member's ledger.")
    points_entry_ref = fields.Reference(selection="_selection_points_entry", string="Points Entry", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        check_flow_create(self, vals_list, {"points", "points_entry_ref"}, "mobilization_state_change")
        return super().create(vals_list)

    def write(self, vals):
        check_flow_write(self, vals, {"points", "points_entry_ref"}, "mobilization_state_change")
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_admin(self):
        if not self.env.user.has_group("party_member_points.group_party_admin"):
            raise UserError(self.env._("Commendations are part of the record and cannot be deleted."))

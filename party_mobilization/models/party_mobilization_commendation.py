from odoo import fields, models
from odoo.exceptions import UserError

COMMENDATION_TYPES = [
    ("notice", "Commendation Notice"),
    ("year_end", "Year-end Commendation"),
]


class PartyMobilizationCommendation(models.Model):
    """Commendation of an exemplary member, cadre or villager at the acceptance of a mobilization
    (S000: 通报表扬、年终考核表彰). Party members also receive the commendation points."""

    _name = "party.mobilization.commendation"
    _description = "Mobilization Commendation"
    _inherit = ["party.mobilization.result.mixin"]
    _order = "date desc, id desc"

    commendation_type = fields.Selection(COMMENDATION_TYPES, string="Form", required=True, default="notice")
    points = fields.Float(readonly=True, help="Points posted to the member's ledger.")
    points_entry_ref = fields.Reference(selection="_selection_points_entry", string="Points Entry", readonly=True)

    def unlink(self):
        if not self.env.user.has_group("party_member_points.group_party_admin"):
            raise UserError(self.env._("Commendations are part of the record and cannot be deleted."))
        return super().unlink()

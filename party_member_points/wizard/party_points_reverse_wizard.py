from odoo import fields, models


class PartyPointsReverseWizard(models.TransientModel):
    _name = "party.points.reverse.wizard"
    _description = "Reverse Points"

    entry_ids = fields.Many2many("party.points.entry", string="Entries", required=True)
    reason = fields.Text(required=True, help="Why the posted points are corrected; kept on both entries.")

    def action_reverse(self):
        self.ensure_one()
        reversals = self.entry_ids._reverse(self.reason)
        action = self.env["ir.actions.act_window"]._for_xml_id("party_member_points.party_points_entry_action")
        action["domain"] = [("id", "in", (reversals | self.entry_ids).ids)]
        action["context"] = {}
        return action

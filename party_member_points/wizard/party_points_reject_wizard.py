from odoo import fields, models


class PartyPointsRejectWizard(models.TransientModel):
    _name = "party.points.reject.wizard"
    _description = "Reject Points"

    entry_ids = fields.Many2many("party.points.entry", string="Entries", required=True)
    reason = fields.Text(required=True)

    def action_reject(self):
        self.ensure_one()
        self.entry_ids._reject(self.reason)
        return {"type": "ir.actions.act_window_close"}

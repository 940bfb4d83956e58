from odoo import fields, models

from ..models.party_points_commitment import OUTCOMES


class PartyPointsCommitmentDecisionWizard(models.TransientModel):
    """An officer sends a commitment back (with a reason) or reviews it at the year end."""

    _name = "party.points.commitment.decision.wizard"
    _description = "Commitment Decision"

    mode = fields.Selection([("refuse", "Send Back"), ("review", "Year-end Review")], required=True)
    commitment_id = fields.Many2one("party.points.commitment", required=True, ondelete="cascade")
    reason = fields.Char()
    outcome = fields.Selection(OUTCOMES)
    kept_item_ids = fields.Many2many("party.points.commitment.item", "party_points_commitment_decision_item_rel",
                                     string="Items Kept")
    note = fields.Text(string="Review Note")

    def action_confirm(self):
        self.ensure_one()
        if self.mode == "refuse":
            self.commitment_id.action_refuse(self.reason)
        else:
            self.commitment_id.action_review(self.outcome, self.note, kept_item_ids=self.kept_item_ids.ids)
        return {"type": "ir.actions.act_window_close"}

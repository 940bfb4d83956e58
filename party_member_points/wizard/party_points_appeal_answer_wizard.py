from odoo import fields, models


class PartyPointsAppealAnswerWizard(models.TransientModel):
    _name = "party.points.appeal.answer.wizard"
    _description = "Answer Points Appeal"

    appeal_id = fields.Many2one("party.points.appeal", required=True)
    entry_id = fields.Many2one(related="appeal_id.entry_id")
    outcome = fields.Selection([("accepted", "Accepted"), ("dismissed", "Dismissed")], required=True,
                               default="dismissed")
    answer = fields.Text(required=True, help="The reason given to the member.")
    reverse_entry = fields.Boolean(string="Reverse the Disputed Entry",
                                   help="Correct the ledger: the disputed entry is reversed with the answer as reason.")

    def action_answer(self):
        self.ensure_one()
        self.appeal_id._answer(self.outcome, self.answer, reverse_entry=self.reverse_entry)
        return {"type": "ir.actions.act_window_close"}

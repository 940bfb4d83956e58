from odoo import fields, models
from odoo.exceptions import UserError


class PartyEvaluationReasonWizard(models.TransientModel):
    """Upper committee's decision with a reason: send the plan back, or send the results back for a redo."""

    _name = "party.evaluation.reason.wizard"
    _description = "Evaluation Decision with Reason"

    campaign_id = fields.Many2one("party.evaluation.campaign", required=True, ondelete="cascade")
    mode = fields.Selection([("reject_plan", "Send the Plan Back"), ("send_back", "Send Back for a Redo")],
                            required=True, default="send_back")
    redo = fields.Selection([("voting", "Redo the Vote"), ("proposal", "Redo the Committee Proposal")],
                            default="proposal")
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(self.env._("Write the reason of the decision."))
        if self.mode == "reject_plan":
            self.campaign_id._do_reject_plan(reason)
        else:
            self.campaign_id._do_send_back(self.redo, reason)
        return {"type": "ir.actions.act_window_close"}

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.clock import party_today


class PartyMemberProbationWizard(models.TransientModel):
    _name = "party.member.probation.wizard"
    _description = "Decide Probation"

    member_id = fields.Many2one("party.member", required=True)
    outcome = fields.Selection([
        ("confirmed", "Confirm on Time"),
        ("extended", "Extend Probation"),
        ("cancelled", "Cancel Probationary Membership"),
    ], required=True, default="confirmed")
    date = fields.Date(required=True, default=party_today)
    extension_months = fields.Integer(default=6)
    reason = fields.Text()

    @api.onchange("outcome")
    def _onchange_outcome(self):
        if self.outcome == "extended" and not self.extension_months:
            self.extension_months = 6

    def action_apply(self):
        self.ensure_one()
        member = self.member_id
        if member.stage != "probationary":
            raise UserError(self.env._("%s is not a probationary member.", member.name))
        if self.outcome == "confirmed":
            member._confirm_probation(self.date)
        elif self.outcome == "extended":
            if not self.reason:
                raise UserError(self.env._("Give the reason for extending the probation."))
            if not 6 <= self.extension_months <= 12:
                raise UserError(self.env._("Probation can be extended by 6 to 12 months only."))
            member._extend_probation(self.extension_months, self.reason)
        else:
            if not self.reason:
                raise UserError(self.env._("Give the reason for cancelling the probationary membership."))
            member._cancel_probation(self.date, self.reason)
        return {"type": "ir.actions.act_window_close"}

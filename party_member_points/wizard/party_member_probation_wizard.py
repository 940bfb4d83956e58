from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.clock import party_today
OUTCOME_DECISIONS = {"confirmed": "full", "extended": "extend_probation", "cancelled": "cancel_probation"}


class PartyMemberProbationWizard(models.TransientModel):
    """Propose the outcome of a probation (转正, extension, cancellation): a proposal of the branch carried by a
    members' meeting resolution, approved by the upper committee before the register changes."""

    _name = "party.member.probation.wizard"
    _description = "Decide Probation"

    member_id = fields.Many2one("party.member", required=True)
    probation_end_date = fields.Date(related="member_id.probation_end_date")
    outcome = fields.Selection([
        ("confirmed", "Confirm on Time"),
        ("extended", "Extend Probation"),
        ("cancelled", "Cancel Probationary Membership"),
    ], required=True)
    date = fields.Date(required=True, default=party_today)
    extension_months = fields.Integer(default=6)
    reason = fields.Text()
    meeting_date = fields.Date(string="Members' Meeting")
    meeting_reference = fields.Char(string="Resolution Reference")
    early_reason = fields.Text(string="Reason for an Early Full Membership")

    @api.onchange("outcome")
    def _onchange_outcome(self):
        if self.outcome == "extended" and not self.extension_months:
            self.extension_months = 6
        if self.outcome == "confirmed" and self.probation_end_date and self.date < self.probation_end_date:
            self.date = self.probation_end_date

    def action_apply(self):
        self.ensure_one()
        member = self.member_id
        if member.stage != "probationary":
            raise UserError(self.env._("%s is not a probationary member.", member.name))
        if not self.meeting_date or not (self.meeting_reference or "").strip():
            raise UserError(self.env._(
                "The outcome of a probation is carried by a resolution of the members' meeting: give its date and "
                "reference."))
        if self.outcome == "extended" and not self.reason:
            raise UserError(self.env._("Give the reason for extending the probation."))
        if self.outcome == "cancelled" and not self.reason:
            raise UserError(self.env._("Give the reason for cancelling the probationary membership."))
        decision = self.env["party.member.decision"].create({
            "member_id": member.id, "decision": OUTCOME_DECISIONS[self.outcome], "date": self.date,
            "reason": self.reason or self.env._("Probation completed"), "extension_months": self.extension_months,
            "meeting_date": self.meeting_date, "meeting_reference": self.meeting_reference,
            "early_reason": self.early_reason,
        })
        decision.action_submit()
        return {"type": "ir.actions.act_window_close"}

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.clock import party_today
from ..models.party_member import DECISION_STATUSES, STATUSES


class PartyMemberStatusWizard(models.TransientModel):
    """Change the status of members. Removal, expulsion, persuading to leave and withdrawal are proposals of the
    branch (party.member.decision) carried by a members' meeting resolution and approved by the upper committee;
    the dialog preselects nothing."""

    _name = "party.member.status.wizard"
    _description = "Change Party Member Status"

    member_ids = fields.Many2many("party.member", string="Members", required=True)
    status = fields.Selection(STATUSES, required=True)
    date = fields.Date(required=True, default=party_today)
    reason = fields.Text(required=True)
    is_decision = fields.Boolean(compute="_compute_is_decision")
    meeting_date = fields.Date(string="Members' Meeting")
    meeting_reference = fields.Char(string="Resolution Reference")

    @api.depends("status")
    def _compute_is_decision(self):
        for wizard in self:
            wizard.is_decision = wizard.status in DECISION_STATUSES

    def action_apply(self):
        self.ensure_one()
        if self.status in DECISION_STATUSES:
            if not self.meeting_date or not (self.meeting_reference or "").strip():
                raise UserError(self.env._(
                    "Removal, expulsion, persuading to leave and withdrawal are carried by a resolution of the "
                    "members' meeting: give its date and reference."))
            decisions = self.env["party.member.decision"].create([{
                "member_id": member.id, "decision": self.status, "date": self.date, "reason": self.reason,
                "meeting_date": self.meeting_date, "meeting_reference": self.meeting_reference,
            } for member in self.member_ids])
            decisions.action_submit()
            return {"type": "ir.actions.act_window_close"}
        if self.status == "normal" or any(member.status in DECISION_STATUSES for member in self.member_ids):
            raise UserError(self.env._(
                "A member removed, expelled, persuaded to leave or withdrawn is not put back in the register by a "
                "change of status."))
        self.member_ids._set_status(self.status, self.date, self.reason)
        return {"type": "ir.actions.act_window_close"}

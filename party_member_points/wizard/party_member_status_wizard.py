from odoo import fields, models

from ..tools.clock import party_today
from ..models.party_member import STATUSES


class PartyMemberStatusWizard(models.TransientModel):
    _name = "party.member.status.wizard"
    _description = "Change Party Member Status"

    member_ids = fields.Many2many("party.member", string="Members", required=True)
    status = fields.Selection(STATUSES, required=True, default="removed")
    date = fields.Date(required=True, default=party_today)
    reason = fields.Text(required=True)

    def action_apply(self):
        self.ensure_one()
        self.member_ids._set_status(self.status, self.date, self.reason)
        return {"type": "ir.actions.act_window_close"}

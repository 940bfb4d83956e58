from odoo import fields, models

from ..tools.clock import party_today
from .party_member import STATUSES


class PartyMemberStatusHistory(models.Model):
    _name = "party.member.status.history"
    _description = "Party Member Status History"
    _order = "date desc, id desc"

    member_id = fields.Many2one("party.member", required=True, ondelete="cascade", index=True)
    organization_id = fields.Many2one(related="member_id.organization_id", store=True)
    company_id = fields.Many2one(related="member_id.company_id", store=True)
    old_status = fields.Selection(STATUSES, string="Previous Status")
    new_status = fields.Selection(STATUSES, string="New Status", required=True)
    date = fields.Date(required=True, default=party_today)
    reason = fields.Text()
    user_id = fields.Many2one("res.users", string="Recorded by", default=lambda self: self.env.user, required=True)

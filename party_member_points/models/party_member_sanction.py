from odoo import api, fields, models
from odoo.exceptions import ValidationError

SANCTION_TYPES = [
    ("party_warning", "Party Warning"),
    ("party_serious_warning", "Serious Party Warning"),
    ("party_removal_from_post", "Removal from Party Post"),
    ("party_probation", "Probation within the Party"),
    ("state_sanction", "State or Administrative Sanction"),
    ("criminal", "Criminal Proceedings"),
]


class PartyMemberSanction(models.Model):
    _name = "party.member.sanction"
    _description = "Party Member Sanction"
    _inherit = ["mail.thread"]
    _order = "date_start desc"

    member_id = fields.Many2one("party.member", required=True, ondelete="cascade", index=True)
    organization_id = fields.Many2one(related="member_id.organization_id", store=True)
    company_id = fields.Many2one(related="member_id.company_id", store=True)
    sanction_type = fields.Selection(SANCTION_TYPES, required=True, tracking=True)
    date_start = fields.Date(string="Start", required=True, tracking=True)
    date_end = fields.Date(string="End", tracking=True,
                           help="End of the sanction period; empty while it has no set end.")
    decided_by = fields.Char(string="Decided by")
    reason = fields.Text(required=True)

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for sanction in self:
            if sanction.date_end and sanction.date_end < sanction.date_start:
                raise ValidationError(self.env._("The end of a sanction period cannot be before its start."))

    def _is_running(self, day):
        self.ensure_one()
        return self.date_start <= day and (not self.date_end or self.date_end >= day)

    def _overlaps(self, date_from, date_to):
        """True when the sanction period touches [date_from, date_to] (e.g. the last three years)."""
        self.ensure_one()
        return self.date_start <= date_to and (not self.date_end or self.date_end >= date_from)

    def _compute_display_name(self):
        labels = dict(self._fields["sanction_type"]._description_selection(self.env))
        for sanction in self:
            sanction.display_name = f"{labels.get(sanction.sanction_type, '')} ({sanction.date_start})"

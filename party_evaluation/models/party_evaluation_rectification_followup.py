from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.addons.party_member_points.tools.clock import party_today


class PartyEvaluationRectificationFollowup(models.Model):
    """A follow-up entry of a rectification: visit, talk or report of progress by a helper."""

    _name = "party.evaluation.rectification.followup"
    _inherit = ["party.freeze.mixin"]  # frozen as a child of its rectification (followup_ids)
    _description = "Rectification Follow-up"
    _order = "date desc, id desc"

    rectification_id = fields.Many2one("party.evaluation.rectification", required=True, ondelete="cascade",
                                       index=True)
    organization_id = fields.Many2one(related="rectification_id.organization_id", store=True, index=True)
    company_id = fields.Many2one(related="rectification_id.company_id", store=True)
    date = fields.Date(required=True, default=party_today)
    kind = fields.Selection([("visit", "Home Visit"), ("talk", "Talk"), ("report", "Member's Report"),
                             ("other", "Other")], required=True, default="talk")
    note = fields.Text(required=True)
    progress = fields.Selection([("good", "Improving"), ("slow", "Slow"), ("none", "No Progress")])
    author_id = fields.Many2one("res.users", string="Recorded by", default=lambda self: self.env.user,
                                readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        if any(r.rectification_id.state not in ("in_progress", "due") for r in records):
            raise UserError(self.env._("Follow-up is recorded while the rectification runs."))
        return records

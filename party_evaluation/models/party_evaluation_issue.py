from odoo import api, fields, models
from odoo.addons.party_member_points.tools.clock import party_today

from odoo.addons.party_member_points.models.party_freeze_mixin import DELETE


class PartyEvaluationIssue(models.Model):
    """A line of the branch's rectification list (整改清单, DOMAIN.md 3.8): problem, measure, owner, deadline."""

    _name = "party.evaluation.issue"
    _inherit = ["mail.thread", "party.freeze.mixin"]
    # What each state freezes (party.freeze.mixin): a problem marked done stays as it was solved.
    _party_freeze = {"done": ("campaign_id", "name", "measure", "owner_id", "deadline", "done_date", DELETE)}
    _description = "Branch Rectification List Item"
    _order = "state_sequence, deadline, id"

    campaign_id = fields.Many2one("party.evaluation.campaign", required=True, ondelete="cascade", index=True)
    organization_id = fields.Many2one(related="campaign_id.organization_id", store=True, index=True)
    company_id = fields.Many2one(related="campaign_id.company_id", store=True)
    name = fields.Char(string="Problem", required=True)
    measure = fields.Text(string="Measure")
    owner_id = fields.Many2one("res.users", string="Owner")
    deadline = fields.Date()
    state = fields.Selection([("open", "Open"), ("in_progress", "In Progress"), ("done", "Done")], tracking=True,
                             default="open", required=True)
    state_sequence = fields.Integer(compute="_compute_state_sequence", store=True)
    done_date = fields.Date()
    is_late = fields.Boolean(compute="_compute_is_late")

    @api.depends("state")
    def _compute_state_sequence(self):
        order = {"open": 1, "in_progress": 2, "done": 3}
        for issue in self:
            issue.state_sequence = order.get(issue.state, 9)

    @api.depends("deadline", "state")
    def _compute_is_late(self):
        today = party_today(self)
        for issue in self:
            issue.is_late = bool(issue.state != "done" and issue.deadline and issue.deadline < today)

    @api.onchange("state")
    def _onchange_state(self):
        if self.state == "done" and not self.done_date:
            self.done_date = party_today(self)

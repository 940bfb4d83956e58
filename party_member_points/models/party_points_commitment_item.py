from odoo import api, fields, models
from odoo.exceptions import UserError

from .party_freeze_mixin import DELETE
from .party_points_commitment import FLOW_KEY
from .party_workflow import in_workflow


class PartyPointsCommitmentItem(models.Model):
    """One item of a member's commitments (e.g. 每月参加一次志愿服务), reviewed as kept or not at the year end."""

    _name = "party.points.commitment.item"
    _description = "Commitment Item"
    _inherit = ["party.freeze.mixin"]
    _order = "commitment_id, sequence, id"
    _party_freeze_state = "commitment_state"
    _party_freeze = {
        "submitted": ("commitment_id", "name", "sequence", DELETE),
        "approved": ("commitment_id", "name", "sequence", DELETE),
        "reviewed": ("commitment_id", "name", "sequence", "kept", DELETE),
    }

    commitment_id = fields.Many2one("party.points.commitment", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Item", required=True)
    kept = fields.Boolean(readonly=True)
    commitment_state = fields.Selection(related="commitment_id.state", string="Commitment Status")
    company_id = fields.Many2one(related="commitment_id.company_id", store=True)

    @api.model_create_multi
    def create(self, vals_list):
        commitments = self.env["party.points.commitment"].browse([vals.get("commitment_id") for vals in vals_list])
        if any(commitment.state != "draft" for commitment in commitments):
            raise UserError(self.env._("A submitted commitment is no longer changed: withdraw it first."))
        return super().create(vals_list)

    def write(self, vals):
        if not in_workflow(self.env, FLOW_KEY):
            if "kept" in vals:
                raise UserError(self.env._("Items are marked kept when the branch reviews the commitment."))
            if any(item.commitment_id.state != "draft" for item in self):
                raise UserError(self.env._("A submitted commitment is no longer changed: withdraw it first."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_draft_items_only(self):
        if any(item.commitment_id.state != "draft" for item in self):
            raise UserError(self.env._("A submitted commitment is no longer changed: withdraw it first."))

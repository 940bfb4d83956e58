from odoo import api, fields, models
from odoo.exceptions import UserError

from .party_freeze_mixin import DELETE
from .party_points_star_review import FLOW_KEY
from .party_workflow import in_workflow


class PartyPointsStarReviewLine(models.Model):
    _name = "party.points.star.review.line"
    _description = "Star Rating Review Line"
    _inherit = ["party.freeze.mixin"]
    _party_freeze_state = "review_state"
    # the upper level changes the approved stars while it approves (submitted); frozen once published
    _party_freeze = {
        "voted": ("review_id", "approved_stars", DELETE),
        "published": ("review_id", "approved_stars", DELETE),
        "done": ("review_id", "approved_stars", DELETE),
    }
    _order = "proposed_stars desc, total desc, id"

    review_id = fields.Many2one("party.points.star.review", required=True, ondelete="cascade", index=True)
    result_id = fields.Many2one("party.points.result", required=True, ondelete="cascade", readonly=True)
    member_id = fields.Many2one(related="result_id.member_id", string="Member")
    total = fields.Float(related="result_id.total", string="Year Total")
    core_ok = fields.Boolean(related="result_id.core_ok")
    proposed_stars = fields.Integer(string="Proposed Stars", readonly=True)
    approved_stars = fields.Integer(string="Approved Stars",
                                    help="The upper level may approve fewer stars than proposed, never more.")
    company_id = fields.Many2one(related="review_id.company_id", store=True)
    review_state = fields.Selection(related="review_id.state", string="Star Rating Status")

    @api.model_create_multi
    def create(self, vals_list):
        if not in_workflow(self.env, FLOW_KEY):
            raise UserError(self.env._("The proposal is taken from the year's results: members are not typed."))
        return super().create(vals_list)

    def write(self, vals):
        if set(vals) - {"approved_stars"} and not in_workflow(self.env, FLOW_KEY):
            raise UserError(self.env._("Only the approved stars of a proposal can be changed."))
        if "approved_stars" in vals and not in_workflow(self.env, FLOW_KEY):
            for line in self:
                review = line.review_id
                if review.state != "submitted":
                    raise UserError(self.env._("The upper level changes stars while it approves them only."))
                upper = review._upper_organization(5 if line.proposed_stars == 5 else 4)
                if not self.env.user._party_can_manage(upper):
                    raise UserError(self.env._("Only the upper level can change the proposed stars."))
                if not 0 <= vals["approved_stars"] <= line.proposed_stars:
                    raise UserError(self.env._("Stars can be approved up to the number proposed (%s).",
                                               line.proposed_stars))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if not in_workflow(self.env, FLOW_KEY):
            raise UserError(self.env._("A member of a star rating is kept with the rating."))

from odoo import fields, models

from .party_evaluation_campaign import STATES

# The overview is the officers' dashboard: members and leaders do not read its figures.
OFFICER = "party_member_points.group_party_officer"

OPEN_STATES = (
    "draft",
    "submitted",
    "approved",
    "preparation",
    "meeting",
    "voting",
    "tallied",
    "proposal",
    "hearing",
    "resolution",
    "upper_review",
    "upper_approved",
    "published",
)


class PartyOrganization(models.Model):
    """Branch overview: the evaluation campaign under way in the branch, if any."""

    _inherit = "party.organization"

    overview_campaign_id = fields.Many2one(
        "party.evaluation.campaign", compute="_compute_overview_campaign", string="Evaluation Under Way", groups=OFFICER
    )
    overview_campaign_state = fields.Selection(
        STATES, compute="_compute_overview_campaign", string="Evaluation Stage", groups=OFFICER
    )
    overview_rectification_count = fields.Integer(
        compute="_compute_overview_campaign", string="Open Rectifications", groups=OFFICER
    )

    def _compute_overview_campaign(self):
        Campaign = self.env["party.evaluation.campaign"]
        campaigns = {}
        rectifications = {}
        if self.ids:
            for campaign in Campaign.search(
                [("organization_id", "in", self.ids), ("state", "in", OPEN_STATES)], order="year desc, id desc"
            ):
                campaigns.setdefault(campaign.organization_id.id, campaign)
            rectifications = self._subtree_totals(
                "party.evaluation.rectification", [("state", "in", ("in_progress", "due"))]
            )
        for org in self:
            org.overview_campaign_id = campaigns.get(org.id, Campaign)
            org.overview_campaign_state = org.overview_campaign_id.state
            org.overview_rectification_count = rectifications.get(org.id, 0)

    def action_overview_campaign(self):
        self.ensure_one()
        if self.overview_campaign_id:
            return {
                "type": "ir.actions.act_window",
                "res_model": "party.evaluation.campaign",
                "res_id": self.overview_campaign_id.id,
                "views": [(False, "form")],
            }
        return self._overview_action(
            "party_evaluation.party_evaluation_campaign_action", [("organization_id", "child_of", self.id)]
        )

    def action_overview_rectifications(self):
        return self._overview_action(
            "party_evaluation.party_evaluation_rectification_action",
            [("organization_id", "child_of", self.id), ("state", "in", ("in_progress", "due"))],
        )

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


def campaign_next_step(state):
    """``(button, who)`` of the step a campaign in ``state`` waits for: the button of the campaign's form that
    moves it on, and whether the branch's officers (``"officer"``) or the upper committee (``"upper"``) press it;
    ``None`` once closed or cancelled."""
    return {
        "draft": ("Submit Plan", "officer"),
        "submitted": ("Approve Plan", "upper"),
        "approved": ("Start Preparation", "officer"),
        "preparation": ("Open Meeting", "officer"),
        "meeting": ("Start Voting", "officer"),
        "voting": ("Count Ballots", "officer"),
        "tallied": ("Committee Proposal", "officer"),
        "proposal": ("Hear the Members", "officer"),
        "hearing": ("Branch Resolution", "officer"),
        "resolution": ("Submit to Upper Committee", "officer"),
        "upper_review": ("Approve Results", "upper"),
        "upper_approved": ("Publish Results", "officer"),
        "published": ("Close", "officer"),
    }.get(state)


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

    def _overview_blocked_steps(self):
        """The evaluation campaigns whose next step waits for the user: an officer step of a branch the user runs,
        an upper step (approving the plan or the results) of a branch below the committee the user runs."""
        result = super()._overview_blocked_steps()
        if not self.ids:
            return result
        campaigns = self.env["party.evaluation.campaign"].search(
            [("organization_id", "child_of", self.ids), ("state", "in", OPEN_STATES)])
        labels = {
            "Submit Plan": self.env._("Submit Plan"), "Approve Plan": self.env._("Approve Plan"),
            "Start Preparation": self.env._("Start Preparation"), "Open Meeting": self.env._("Open Meeting"),
            "Start Voting": self.env._("Start Voting"), "Count Ballots": self.env._("Count Ballots"),
            "Committee Proposal": self.env._("Committee Proposal"), "Hear the Members": self.env._("Hear the Members"),
            "Branch Resolution": self.env._("Branch Resolution"),
            "Submit to Upper Committee": self.env._("Submit to Upper Committee"),
            "Approve Results": self.env._("Approve Results"), "Publish Results": self.env._("Publish Results"),
            "Close": self.env._("Close"),
        }

        def step_of(campaign):
            step = campaign_next_step(campaign.state)
            return (labels[step[0]], step[1]) if step else None

        return self._overview_add_blocked(result, campaigns, step_of)

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

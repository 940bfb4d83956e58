from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.clock import party_today
from .party_points_logic import publication_end_date, star_levels_needing_approval
from .party_freeze_mixin import DELETE
from .party_workflow import WORKFLOW, check_flow_create, check_flow_write, in_workflow

# Fields the buttons write: never given by a user
FLOW_FIELDS = {
    "state", "vote_recorded_by_id", "four_approved_by_id", "four_approval_date", "five_approved_by_id",
    "five_approval_date", "publication_start", "publication_end", "done_date",
}
# Fields of the members' meeting, editable while the committee's proposal is open only
MEETING_FIELDS = {"meeting_date", "meeting_present", "meeting_votes_for", "resolution_ref"}
FLOW_KEY = "party_star_review_flow"


class PartyPointsStarReview(models.Model):
    """The yearly star rating of a branch (评星定级, S003 P4 第十五条–第十八条).

    Stars computed from the year's points are a *proposal*: the branch committee proposes them from the ranking,
    the members' meeting votes them, four-star members are approved by the upper party organization and
    five-star members by the upper party committee (activities), the result is published (公示) and only then is
    it final: the results get their approved stars and the honour roll shows approved stars only.
    """

    _name = "party.points.star.review"
    _description = "Star Rating Review"
    _inherit = ["mail.thread", "mail.activity.mixin", "party.freeze.mixin"]
    _order = "year desc, organization_id"
    # decisions stay made (party.freeze.mixin): the proposal and the meeting's vote once voted; the publication
    # once published; everything once final
    _party_freeze = {
        "voted": ("organization_id", "year", "line_ids", *MEETING_FIELDS, DELETE),
        "submitted": ("organization_id", "year", "line_ids", "publication_days", *MEETING_FIELDS, DELETE),
        "published": ("organization_id", "year", "line_ids", "publication_days", *MEETING_FIELDS, DELETE),
        "done": ("organization_id", "year", "line_ids", "publication_days", *MEETING_FIELDS, DELETE),
    }

    name = fields.Char(compute="_compute_name", store=True)
    organization_id = fields.Many2one("party.organization", string="Branch", required=True, index=True,
                                      domain="[('kind', '!=', 'group')]", tracking=True)
    company_id = fields.Many2one(related="organization_id.company_id", store=True, index=True)
    year = fields.Integer(required=True, tracking=True,
                          default=lambda self: party_today(self).year - 1,
                          help="Stars are rated in January for the year just ended (第十五条).")
    state = fields.Selection([
        ("proposed", "Proposed by the Committee"),
        ("voted", "Voted by the Members' Meeting"),
        ("submitted", "Waiting for Upper Approval"),
        ("published", "Published"),
        ("done", "Final"),
    ], default="proposed", required=True, tracking=True, index=True)
    line_ids = fields.One2many("party.points.star.review.line", "review_id", string="Members")
    meeting_date = fields.Date(string="Members' Meeting", tracking=True)
    meeting_present = fields.Integer(string="Members Present", tracking=True)
    meeting_votes_for = fields.Integer(string="Votes For", tracking=True)
    resolution_ref = fields.Char(string="Resolution", tracking=True)
    vote_recorded_by_id = fields.Many2one("res.users", string="Vote Recorded by", readonly=True)
    four_needed = fields.Boolean(compute="_compute_needed")
    five_needed = fields.Boolean(compute="_compute_needed")
    four_approved_by_id = fields.Many2one("res.users", string="Four Stars Approved by", readonly=True, tracking=True)
    four_approval_date = fields.Date(string="Four Stars Approved on", readonly=True)
    five_approved_by_id = fields.Many2one("res.users", string="Five Stars Approved by", readonly=True, tracking=True)
    five_approval_date = fields.Date(string="Five Stars Approved on", readonly=True)
    publication_days = fields.Integer(default=5, required=True)
    publication_start = fields.Date(readonly=True, tracking=True)
    publication_end = fields.Date(readonly=True, tracking=True)
    done_date = fields.Date(string="Made Final on", readonly=True)

    _sql_constraints = [
        ("review_uniq", "unique(organization_id, year)", "A branch rates the stars of a year once."),
    ]

    @api.depends("organization_id", "year")
    def _compute_name(self):
        for review in self:
            review.name = self.env._("Star rating %(year)s – %(branch)s", year=review.year,
                                     branch=review.organization_id.name or "")

    @api.depends("line_ids.proposed_stars")
    def _compute_needed(self):
        for review in self:
            levels = star_levels_needing_approval(review.line_ids.mapped("proposed_stars"))
            review.four_needed = 4 in levels
            review.five_needed = 5 in levels

    @api.constrains("publication_days")
    def _check_publication_days(self):
        for review in self:
            if review.publication_days < 5:
                raise ValidationError(self.env._("The stars are published for at least 5 days (公示)."))

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        check_flow_create(self, vals_list, FLOW_FIELDS, FLOW_KEY, initial={"state": "proposed"})
        for vals in vals_list:
            org = self.env["party.organization"].browse(vals.get("organization_id"))
            if not self.env.su and not self.env.user._party_can_manage(org):
                raise UserError(self.env._("Only an officer of %s can propose its stars.", org.display_name))
            if vals.get("line_ids"):
                raise UserError(self.env._("The proposal is taken from the year's results: members are not typed."))
        reviews = super().create(vals_list)
        reviews._fill_lines()
        return reviews

    def write(self, vals):
        check_flow_write(self, vals, FLOW_FIELDS, FLOW_KEY)
        if not in_workflow(self.env, FLOW_KEY):
            if {"organization_id", "year"} & set(vals):
                raise UserError(self.env._("The branch and the year of a star rating do not change."))
            if MEETING_FIELDS & set(vals) and any(review.state != "proposed" for review in self):
                raise UserError(self.env._("The members' meeting is recorded: its vote can no longer be changed."))
            if "publication_days" in vals and any(review.state not in ("proposed", "voted") for review in self):
                raise UserError(self.env._("The publication has started: its length can no longer be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_proposals(self):
        if any(review.state != "proposed" for review in self):
            raise UserError(self.env._("A star rating voted by the members' meeting is kept."))

    def _flow_write(self, vals):
        return self.with_context(**{FLOW_KEY: WORKFLOW}).write(vals)

    def _fill_lines(self):
        """The proposal: every rated member of the branch with the stars computed from the year's final results."""
        Result = self.env["party.points.result"].sudo()
        for review in self:
            results = Result.search([("organization_id", "=", review.organization_id.id),
                                     ("year", "=", review.year), ("graded", "=", True)])
            if not results:
                raise UserError(self.env._("%(branch)s has no rated results for %(year)s.",
                                           branch=review.organization_id.name, year=review.year))
            if any(result.state != "final" for result in results):
                raise UserError(self.env._(
                    "The results of %s are not final yet: stars are rated once the year is closed.", review.year))
            self.env["party.points.star.review.line"].sudo().with_context(**{FLOW_KEY: WORKFLOW}).create([
                {"review_id": review.id, "result_id": result.id, "proposed_stars": result.stars,
                 "approved_stars": result.stars} for result in results])

    # ------------------------------------------------------------------ checks
    def _check_branch_officer(self):
        for review in self:
            if not self.env.user._party_can_manage(review.organization_id):
                raise UserError(self.env._("Only an officer of %s can do this.", review.organization_id.name))

    def _upper_organization(self, level):
        """Who approves ``level`` stars: four stars the upper party organization (the parent), five stars the upper
        party committee (the nearest committee above the branch). Refused when the branch has no upper level."""
        self.ensure_one()
        parent = self.organization_id.parent_id
        if not parent:
            raise UserError(self.env._(
                "%s has no upper organization to approve its stars: an administrator must set its parent first.",
                self.organization_id.name))
        if level == 5:
            committee = parent
            while committee and committee.kind != "committee":
                committee = committee.parent_id
            return committee or parent
        return parent

    # ------------------------------------------------------------------ flow
    def action_record_vote(self):
        """The members' meeting voted the committee's proposal (党员大会表决通过): more than half of those present."""
        self._check_branch_officer()
        today = party_today(self)
        for review in self:
            if review.state != "proposed":
                raise UserError(self.env._("Only a proposal can be voted."))
            if not review.meeting_date or review.meeting_date > today:
                raise UserError(self.env._("Give the date of the members' meeting (not in the future)."))
            if review.meeting_present <= 0 or not 0 <= review.meeting_votes_for <= review.meeting_present:
                raise UserError(self.env._("Give the members present and the votes for the proposal."))
            if review.meeting_votes_for * 2 <= review.meeting_present:
                raise UserError(self.env._(
                    "The proposal was not carried: %(votes)s votes for among %(present)s members present.",
                    votes=review.meeting_votes_for, present=review.meeting_present))
            review._flow_write({"state": "voted", "vote_recorded_by_id": self.env.uid})
        return True

    def action_submit(self):
        """Four- and five-star proposals go to the upper levels for approval (activities); without any, the
        stars are published at once."""
        self._check_branch_officer()
        activity_type = self.env.ref("party_member_points.mail_activity_type_star_approval")
        for review in self:
            if review.state != "voted":
                raise UserError(self.env._("The members' meeting must vote the proposal first."))
            if not (review.four_needed or review.five_needed):
                review._publish()
                continue
            review._flow_write({"state": "submitted"})
            for level, needed in ((4, review.four_needed), (5, review.five_needed)):
                if needed:
                    upper = review._upper_organization(level)
                    review.activity_schedule(
                        activity_type_id=activity_type.id, user_id=upper._get_responsible_user().id,
                        summary=self.env._("Approve the %(level)s-star members of %(branch)s",
                                           level=level, branch=review.organization_id.name))
        return True

    def _approve(self, level):
        today = party_today(self)
        for review in self:
            if review.state != "submitted":
                raise UserError(self.env._("Only a star rating waiting for the upper level can be approved."))
            upper = review._upper_organization(level)
            if not self.env.user._party_can_manage(upper):
                raise UserError(self.env._("Only %s can approve these stars.", upper.display_name))
            if level == 4:
                review._flow_write({"four_approved_by_id": self.env.uid, "four_approval_date": today})
            else:
                review._flow_write({"five_approved_by_id": self.env.uid, "five_approval_date": today})
            review.message_post(body=self.env._("%(level)s-star members approved by %(upper)s.", level=level,
                                                upper=upper.display_name))
            if (not review.four_needed or review.four_approved_by_id) and \
                    (not review.five_needed or review.five_approved_by_id):
                review.activity_feedback(["party_member_points.mail_activity_type_star_approval"])
                review._publish()
        return True

    def action_approve_four(self):
        return self._approve(4)

    def action_approve_five(self):
        return self._approve(5)

    def _publish(self):
        today = party_today(self)
        for review in self:
            end = publication_end_date(today, review.publication_days)
            review._flow_write({"state": "published", "publication_start": today, "publication_end": end})
            review.message_post(body=self.env._("Stars published from %(start)s to %(end)s.",
                                                start=fields.Date.to_string(today), end=fields.Date.to_string(end)))

    def action_done(self):
        """After the publication: the results get their approved stars; the honour roll shows them."""
        self._check_branch_officer()
        today = party_today(self)
        for review in self:
            if review.state != "published":
                raise UserError(self.env._("Only published stars can be made final."))
            if today <= review.publication_end:
                raise UserError(self.env._("The stars are published until %s: make them final afterwards.",
                                           fields.Date.to_string(review.publication_end)))
            for line in review.line_ids:
                result = line.result_id.sudo()
                result.with_context(party_points_compute=WORKFLOW).write({
                    "stars_approved": line.approved_stars, "star_review_id": review.id,
                    "honour": bool(result.honour or (line.approved_stars == 5 and result.graded and not result.veto)),
                })
            review._flow_write({"state": "done", "done_date": today})
        return True

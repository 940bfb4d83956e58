from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.party_member_points.models.party_freeze_mixin import DELETE
from odoo.addons.party_member_points.models.party_workflow import WORKFLOW, check_flow_create, check_flow_write
from odoo.addons.party_member_points.tools.clock import party_today

from .mobilization_rules import (
    DEFAULT_MAJORITY,
    DEFAULT_MAJORITY_BASIS,
    DEFAULT_QUORUM,
    MAJORITY_BASES,
    vote_passes_on_basis,
    vote_quorum_met,
)

MEETING_TYPES = [
    ("assembly", "Villager Assembly"),
    ("representatives", "Villager Representatives' Meeting"),
]
BALLOTS = [
    ("secret", "Secret Ballot"),
    ("open", "Open Vote (show of hands)"),
]


class PartyMobilizationVote(models.Model):
    """The villager assembly or the representatives' meeting discussing and voting on the plan
    (S000: 组织召开村民大会或村民代表会议，对建议方案进行讨论、表决，表决可以无记名投票方式进行)."""

    _name = "party.mobilization.vote"
    _description = "Mobilization Plan Vote"
    _inherit = ["mail.thread", "party.freeze.mixin"]
    # What each state freezes (party.freeze.mixin): a confirmed vote decided the plan.
    _party_freeze = {"confirmed": (
        "project_id", "meeting_type", "date", "ballot", "eligible_count", "attendee_ids", "attendee_count", "votes_for",
        "votes_against", "votes_abstain", "quorum", "majority", "majority_basis", "minutes", DELETE)}
    _order = "date desc, id desc"

    project_id = fields.Many2one("party.mobilization.project", required=True, index=True, ondelete="cascade")
    organization_id = fields.Many2one(related="project_id.organization_id", store=True, index=True)
    company_id = fields.Many2one(related="project_id.company_id", store=True, index=True)
    meeting_type = fields.Selection(MEETING_TYPES, required=True, default="assembly", tracking=True)
    date = fields.Date(required=True, default=party_today, tracking=True)
    ballot = fields.Selection(BALLOTS, required=True, default="secret", tracking=True)
    eligible_count = fields.Integer(
        string="Entitled to Vote", compute="_compute_eligible_count", store=True, readonly=False,
        help="Adult villagers for an assembly, villager representatives for a representatives' meeting. Defaults "
             "from the village register.")
    attendee_ids = fields.Many2many("party.mobilization.person", string="Attendance List")
    attendee_count = fields.Integer(string="Attendees", compute="_compute_attendee_count", store=True,
                                    readonly=False)
    votes_for = fields.Integer(string="For", tracking=True)
    votes_against = fields.Integer(string="Against", tracking=True)
    votes_abstain = fields.Integer(string="Abstentions", tracking=True)
    quorum = fields.Float(
        compute="_compute_quorum", store=True, readonly=False,
        help="Share of those entitled to vote who must attend: by default half for an assembly and two thirds for "
             "a representatives' meeting.")
    majority = fields.Float(
        string="Required Majority", compute="_compute_majority", store=True, readonly=False,
        help="Share of the attendees who must vote for the plan (0.5: more than half). Defaults from the project.")
    majority_basis = fields.Selection(
        MAJORITY_BASES, string="Majority of", compute="_compute_majority_basis", store=True, readonly=False,
        help="Whose majority passes the plan. Defaults from the project: those entitled to vote.")
    registered_count = fields.Integer(
        compute="_compute_registered_count", string="Registered",
        help="Villagers registered in the village (representatives for a representatives' meeting): nobody else "
             "can be entitled to vote.")
    quorum_met = fields.Boolean(compute="_compute_result", store=True)
    result = fields.Selection([("passed", "Passed"), ("failed", "Not Passed")], compute="_compute_result",
                              store=True, tracking=True)
    state = fields.Selection([("draft", "Draft"), ("confirmed", "Confirmed")], required=True, default="draft",
                             tracking=True, copy=False)
    minutes = fields.Text(string="Discussion and Minutes")

    @api.depends("meeting_type", "project_id")
    def _compute_eligible_count(self):
        Person = self.env["party.mobilization.person"]
        for vote in self:
            if not vote.project_id.organization_id:
                vote.eligible_count = 0
                continue
            domain = [("organization_id", "child_of", vote.project_id.organization_id.id)]
            if vote.meeting_type == "representatives":
                domain.append(("is_representative", "=", True))
            vote.eligible_count = Person.search_count(domain)

    @api.depends("attendee_ids")
    def _compute_attendee_count(self):
        for vote in self:
            vote.attendee_count = len(vote.attendee_ids) if vote.attendee_ids else (vote.attendee_count or 0)

    @api.depends("meeting_type")
    def _compute_quorum(self):
        for vote in self:
            vote.quorum = DEFAULT_QUORUM.get(vote.meeting_type, DEFAULT_QUORUM["assembly"])

    @api.depends("project_id")
    def _compute_majority(self):
        for vote in self:
            vote.majority = vote.project_id.vote_majority or DEFAULT_MAJORITY

    @api.depends("project_id")
    def _compute_majority_basis(self):
        for vote in self:
            vote.majority_basis = vote.project_id.vote_majority_basis or DEFAULT_MAJORITY_BASIS

    @api.depends("meeting_type", "project_id")
    def _compute_registered_count(self):
        for vote in self:
            vote.registered_count = vote._registered_people_count()

    def _registered_people_count(self):
        """Registered villagers of the village, or its representatives for a representatives' meeting: the upper
        bound of those entitled to vote (issue 17 item 14)."""
        self.ensure_one()
        if not self.project_id.organization_id:
            return 0
        domain = [("organization_id", "child_of", self.project_id.organization_id.id)]
        if self.meeting_type == "representatives":
            domain.append(("is_representative", "=", True))
        return self.env["party.mobilization.person"].search_count(domain)

    @api.constrains("eligible_count", "meeting_type", "project_id")
    def _check_eligible_registered(self):
        for vote in self:
            registered = vote._registered_people_count()
            if vote.eligible_count > registered:
                raise ValidationError(self.env._(
                    "%(eligible)s people entitled to vote are more than the %(registered)s registered in the "
                    "village: register the villagers first.", eligible=vote.eligible_count, registered=registered))

    @api.depends("votes_for", "attendee_count", "eligible_count", "majority", "quorum", "majority_basis")
    def _compute_result(self):
        for vote in self:
            vote.quorum_met = vote_quorum_met(vote.attendee_count, vote.eligible_count, vote.quorum)
            passed = vote_passes_on_basis(vote.votes_for, vote.attendee_count, vote.eligible_count, vote.majority,
                                          vote.quorum, vote.majority_basis or DEFAULT_MAJORITY_BASIS)
            vote.result = "passed" if passed else "failed"

    @api.depends("meeting_type", "date")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for vote in self:
            vote.display_name = f"{vote._meeting_label()} {vote.date or ''}".strip()

    @api.constrains("votes_for", "votes_against", "votes_abstain", "attendee_count", "eligible_count")
    def _check_counts(self):
        for vote in self:
            counts = (vote.votes_for, vote.votes_against, vote.votes_abstain, vote.attendee_count, vote.eligible_count)
            if any(count < 0 for count in counts):
                raise ValidationError(self.env._("Vote counts cannot be negative."))
            if vote.votes_for + vote.votes_against + vote.votes_abstain > vote.attendee_count:
                raise ValidationError(self.env._(
                    "%(for)s for, %(against)s against and %(abstain)s abstentions are more votes than the "
                    "%(attendees)s attendees.", **vote._count_args()))
            if vote.attendee_count > vote.eligible_count:
                raise ValidationError(self.env._(
                    "%(attendees)s attendees are more than the %(eligible)s people entitled to vote.",
                    attendees=vote.attendee_count, eligible=vote.eligible_count))

    @api.constrains("quorum", "majority")
    def _check_shares(self):
        for vote in self:
            if not 0 < vote.quorum <= 1 or not 0 < vote.majority < 1:
                raise ValidationError(self.env._(
                    "The quorum is a share between 0 and 1 of those entitled to vote, the majority a share between 0 "
                    "and 1 of the attendees."))

    @api.constrains("attendee_ids", "meeting_type")
    def _check_attendees(self):
        for vote in self:
            village = vote.project_id.organization_id
            outsiders = vote.attendee_ids.filtered(
                lambda p, v=village: not p.organization_id or str(v.id) not in (p.organization_id.parent_path or "")
                .split("/"))
            if outsiders:
                raise ValidationError(self.env._("%s do not live in the village.", ", ".join(outsiders.mapped("name"))))
            if vote.meeting_type == "representatives" and vote.attendee_ids.filtered(lambda p: not p.is_representative):
                raise ValidationError(self.env._(
                    "Only villager representatives attend a representatives' meeting."))

    @api.model_create_multi
    def create(self, vals_list):
        check_flow_create(self, vals_list, {"state"}, "mobilization_state_change", {"state": "draft"})
        return super().create(vals_list)

    def write(self, vals):
        check_flow_write(self, vals, {"state"}, "mobilization_state_change")
        if any(vote.state == "confirmed" for vote in self) and set(vals) - {"message_main_attachment_id"}:
            raise UserError(self.env._("A confirmed vote is part of the record and cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        if any(vote.state == "confirmed" for vote in self):
            raise UserError(self.env._("A confirmed vote cannot be deleted."))

    def _meeting_label(self):
        self.ensure_one()
        return dict(self._fields["meeting_type"]._description_selection(self.env)).get(self.meeting_type, "")

    def _count_args(self):
        self.ensure_one()
        return {"for": self.votes_for, "against": self.votes_against, "abstain": self.votes_abstain,
                "attendees": self.attendee_count}

    def _failure_reason(self):
        self.ensure_one()
        if not self.quorum_met:
            return self.env._("quorum not reached: %(attendees)s of %(eligible)s attended",
                              attendees=self.attendee_count, eligible=self.eligible_count)
        if self.majority_basis == "entitled":
            return self.env._("not more than %(share)s %% of the %(eligible)s people entitled to vote voted for it",
                              share=round(self.majority * 100), eligible=self.eligible_count)
        return self.env._("not enough votes for the plan")

    def action_confirm(self):
        for vote in self:
            project = vote.project_id
            if vote.state != "draft":
                raise UserError(self.env._("This vote is already confirmed."))
            if project.state != "voting":
                raise UserError(self.env._(
                    "%s: the plan is not being put to the vote (collect the members' opinions first).",
                    project.display_name))
            if project.passed_vote_id:
                raise UserError(self.env._("%s: the plan has already been passed.", project.display_name))
            if not vote.attendee_count:
                raise UserError(self.env._("Record the attendees of the meeting first."))
            # the vote is still a draft here: the confirmed-vote guard of write() applies afterwards
            vote.with_context(mobilization_state_change=WORKFLOW).write({"state": "confirmed"})
            project._on_vote_confirmed(vote)
        return True

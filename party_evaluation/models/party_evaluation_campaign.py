from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_date

from odoo.addons.party_member_points.models.party_freeze_mixin import DELETE
from odoo.addons.party_member_points.models.party_workflow import WORKFLOW, given_fields, in_workflow
from odoo.addons.party_member_points.tools.clock import party_today

from . import evaluation_rules as rules

STATES = [
    ("draft", "Draft Plan"),
    ("submitted", "Plan Submitted"),
    ("approved", "Plan Approved"),
    ("preparation", "Preparation"),
    ("meeting", "Meeting"),
    ("voting", "Voting"),
    ("tallied", "Tallied"),
    ("proposal", "Committee Proposal"),
    ("hearing", "Member Heard"),
    ("resolution", "Branch Resolution"),
    ("upper_review", "Upper Approval"),
    ("upper_approved", "Results Approved"),
    ("published", "Published"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]

# Settings are fixed once the plan leaves the draft: changing a threshold after the vote would change
# the result.
SETTING_FIELDS = {
    "quorum_ratio", "qualified_threshold", "basic_counts_as_qualified", "excellent_min_share",
    "excellent_max_share", "mass_rep_ratio", "group_split_size", "approval_lead_days", "notice_lead_days",
    "sanction_years", "points_excellent", "points_qualified", "points_basic", "points_unqualified",
    "organization_id", "year", "period", "meeting_date",
}
# Fields still writable on a published or closed campaign (chatter and activities).
FROZEN_ALLOWED_FIELDS = {"message_main_attachment_id", "activity_ids", "message_follower_ids", "message_ids",
                         "issue_ids", "rectification_ids"}
# Written by the workflow buttons only (approvals, votes, resolution, publication).
FLOW_FIELDS = {
    "state", "round", "ballot_counter", "plan_submit_date", "plan_approval_date", "plan_approver_id",
    "plan_rejection_reason", "materials_approved", "materials_approver_id", "meeting_id", "resolution_date",
    "result_approval_date", "result_approver_id", "send_back_reason", "publish_date", "close_date",
}
# The branch resolution is written while the committee decides, and fixed once it is submitted upwards.
RESOLUTION_STATES = ("proposal", "hearing", "resolution")
# What each state of a campaign freezes (party.freeze.mixin): the rules from the submission of the plan, the list
# of participants from the meeting, the numbers of mass representatives once voting opened, the ballots once
# tallied, everything written once published.
_AFTER_SUBMISSION = tuple(sorted(SETTING_FIELDS)) + (DELETE,)
_FROM_MEETING = _AFTER_SUBMISSION + ("participant_ids", "list_posted_date")
_FROM_VOTING = _FROM_MEETING + ("mass_rep_count", "mass_reps_present", "online_ballot")
_FROM_TALLY = _FROM_VOTING + ("ballot_ids", "scrutineers")
_PUBLISHED = _FROM_TALLY + ("plan", "meeting_location", "notice_date", "resolution_note", "name")
CAMPAIGN_FREEZE = {
    "submitted": _AFTER_SUBMISSION, "approved": _AFTER_SUBMISSION, "preparation": _AFTER_SUBMISSION,
    "meeting": _FROM_MEETING, "voting": _FROM_VOTING,
    "tallied": _FROM_TALLY, "proposal": _FROM_TALLY, "hearing": _FROM_TALLY, "resolution": _FROM_TALLY,
    "upper_review": _FROM_TALLY, "upper_approved": _FROM_TALLY,
    "published": _PUBLISHED, "closed": _PUBLISHED,
}
# Maximum number of names quoted in a refusal message.
MAX_NAMES = 10


def _names(records):
    names = records.mapped("display_name")
    text = "、".join(names[:MAX_NAMES])
    if len(names) > MAX_NAMES:
        text += " …"
    return text


class PartyEvaluationCampaign(models.Model):
    """A democratic evaluation of the members of one branch for one year (民主评议党员, DOMAIN.md §3)."""

    _name = "party.evaluation.campaign"
    _description = "Democratic Evaluation Campaign"
    _inherit = ["mail.thread", "mail.activity.mixin", "party.freeze.mixin"]
    _party_freeze = CAMPAIGN_FREEZE
    _order = "year desc, meeting_date desc, id desc"

    name = fields.Char(string="Campaign Name", required=True, tracking=True, compute="_compute_name", store=True,
                       readonly=False,
                       precompute=True)
    organization_id = fields.Many2one(
        "party.organization", string="Branch", required=True, index=True, tracking=True, ondelete="restrict",
        domain="[('kind', 'in', ('branch', 'general_branch'))]")
    upper_organization_id = fields.Many2one(related="organization_id.parent_id", string="Upper Committee")
    company_id = fields.Many2one(related="organization_id.company_id", store=True, index=True)
    year = fields.Integer(required=True, default=lambda self: party_today(self).year, tracking=True)
    period = fields.Selection([("year", "Whole Year"), ("first_half", "First Half-year"),
                               ("second_half", "Second Half-year")], required=True, default="year")
    state = fields.Selection(STATES, required=True, default="draft", tracking=True, index=True, copy=False)
    active = fields.Boolean(default=True)

    # Plan
    plan = fields.Html(string="Plan", help="Method, steps and timetable of the evaluation (方案).")
    meeting_date = fields.Date(tracking=True, help="Date of the members' meeting that holds the evaluation.")
    meeting_location = fields.Char()
    notice_date = fields.Date(string="Written Notice Date", tracking=True,
                              help="Day the written notice of the meeting was given to the members.")
    list_posted_date = fields.Date(
        string="Member List Posted on", tracking=True,
        help="Day the list of the members to be evaluated was posted (公示) to collect the opinions of the public: "
             "at least 3 days before the meeting (seed 000 一.3).")
    nomination_ids = fields.One2many("party.evaluation.nomination", "campaign_id", string="Unqualified Proposals",
                                     groups="party_member_points.group_party_officer")
    open_nomination_count = fields.Integer(string="Proposals to Answer", compute="_compute_open_nominations",
                                           groups="party_member_points.group_party_officer")
    excellent_under_quota = fields.Boolean(compute="_compute_excellent_under_quota")
    cadre_tally_ids = fields.One2many("party.evaluation.cadre.tally", "campaign_id", string="Village Cadres",
                                      groups="party_member_points.group_party_officer")
    hearing_pending_count = fields.Integer(string="Still to Hear", compute="_compute_hearing_pending",
                                           groups="party_member_points.group_party_officer")
    upper_talk_pending_count = fields.Integer(string="Upper Talks to Record", compute="_compute_upper_talk_pending",
                                              groups="party_member_points.group_party_officer")
    plan_submit_date = fields.Date(readonly=True, copy=False)
    plan_approval_date = fields.Date(readonly=True, copy=False, tracking=True)
    plan_approver_id = fields.Many2one("res.users", string="Plan Approved by", readonly=True, copy=False)
    plan_rejection_reason = fields.Text(readonly=True, copy=False)
    materials_approved = fields.Boolean(readonly=True, copy=False, tracking=True,
                                        help="Meeting materials (comparison and self-criticism materials) "
                                             "reviewed and approved by the upper committee.")
    materials_approver_id = fields.Many2one("res.users", string="Materials Approved by", readonly=True, copy=False)

    # Settings (DOMAIN.md: defaults, configurable per campaign)
    quorum_ratio = fields.Float(string="Quorum", default=0.8, required=True,
                                help="Members present must be at least this share of the members expected.")
    qualified_threshold = fields.Float(string="Qualified Votes Threshold", default=0.6, required=True,
                                       help="Below this share of qualified votes the proposal is Unqualified.")
    basic_counts_as_qualified = fields.Boolean(
        string="Basic Votes Count as Qualified",
        help="Count votes for Basically Qualified as qualified votes. By default a qualified vote is a vote "
             "for Qualified or Excellent.")
    excellent_min_share = fields.Float(string="Excellent Share (min)", default=0.15, required=True)
    excellent_max_share = fields.Float(string="Excellent Share (max)", default=0.20, required=True)
    mass_rep_ratio = fields.Float(string="Mass Representatives Ratio", default=0.5, required=True,
                                  help="Mass representatives invited, as a share of the members expected.")
    group_split_size = fields.Integer(
        string="Party-group Split Size", default=30, required=True,
        help="From this number of attending members the analysis and peer discussion are held in party groups.")
    approval_lead_days = fields.Integer(string="Approval Lead Time (days)", default=10, required=True)
    notice_lead_days = fields.Integer(string="Notice Lead Time (days)", default=5, required=True)
    sanction_years = fields.Integer(string="Sanction Look-back (years)", default=3, required=True)
    points_excellent = fields.Float(default=20.0)
    points_qualified = fields.Float(default=15.0)
    points_basic = fields.Float(string="Points Basically Qualified", default=10.0)
    points_unqualified = fields.Float(default=0.0)

    # Meeting
    meeting_id = fields.Many2one("party.meeting", string="Meeting Record", readonly=True, copy=False)
    mass_rep_count = fields.Integer(
        string="Mass Representatives Invited", compute="_compute_mass_rep_count", store=True, readonly=False,
        help="About half the members expected by default (S000); some plans invite a fixed number.")
    mass_rep_manual = fields.Boolean(string="Number of Mass Representatives Planned", readonly=True, copy=False,
                                     help="The branch set the number of mass representatives in its plan.")
    mass_reps_present = fields.Integer(string="Mass Representatives Present", tracking=True)
    scrutineers = fields.Char(help="Names of the elected scrutineers and tellers.")

    # Voting
    round = fields.Integer(default=1, readonly=True, copy=False,
                           help="Voting round; a redo ordered by the upper committee opens a new round.")
    ballot_counter = fields.Integer(readonly=True, copy=False)
    online_ballot = fields.Boolean(
        string="Online Ballot", tracking=True,
        help="Voters present with a login may cast their secret ballot on the member portal with a one-time token "
             "instead of a paper ballot. A voter holding a token gets no paper ballot: paper ballots plus tokens "
             "issued cannot exceed the voting members present.")
    token_ids = fields.One2many("party.evaluation.ballot.token", "campaign_id", string="Online Ballot Tokens")
    online_token_count = fields.Integer(string="Tokens Issued", compute="_compute_online_tokens")
    online_used_count = fields.Integer(string="Online Ballots Cast", compute="_compute_online_tokens")

    # Resolution and publication
    resolution_date = fields.Date(readonly=True, copy=False)
    resolution_note = fields.Html(string="Branch Resolution")
    result_approval_date = fields.Date(readonly=True, copy=False, tracking=True)
    result_approver_id = fields.Many2one("res.users", string="Results Approved by", readonly=True, copy=False)
    send_back_reason = fields.Text(readonly=True, copy=False)
    publish_date = fields.Date(readonly=True, copy=False, tracking=True)
    close_date = fields.Date(readonly=True, copy=False)

    participant_ids = fields.One2many("party.evaluation.participant", "campaign_id", string="Participants")
    determination_ids = fields.One2many(
        "party.evaluation.participant", "campaign_id", string="Determination",
        domain=["|", ("evaluated", "=", True), ("is_probationary", "=", True)])
    ballot_ids = fields.One2many("party.evaluation.ballot", "campaign_id", string="Ballots",
                                 groups="party_member_points.group_party_officer")
    rectification_ids = fields.One2many("party.evaluation.rectification", "campaign_id", string="Rectifications",
                                        groups="party_member_points.group_party_officer")
    issue_ids = fields.One2many("party.evaluation.issue", "campaign_id", string="Rectification List",
                                groups="party_member_points.group_party_officer")

    # Counts
    participant_count = fields.Integer(compute="_compute_counts")
    evaluated_count = fields.Integer(string="Evaluated", compute="_compute_counts")
    probationary_count = fields.Integer(string="Probationary", compute="_compute_counts")
    excluded_count = fields.Integer(string="Excluded", compute="_compute_counts")
    pending_exclusion_count = fields.Integer(string="Exclusions to Confirm", compute="_compute_counts")
    expected_count = fields.Integer(string="Expected", compute="_compute_counts")
    present_count = fields.Integer(string="Present (voting)", compute="_compute_counts")
    leave_count = fields.Integer(string="On Leave", compute="_compute_counts")
    absent_count = fields.Integer(string="Absent", compute="_compute_counts")
    quorum_needed = fields.Integer(compute="_compute_counts")
    quorum_ok = fields.Boolean(string="Quorum Reached", compute="_compute_counts")
    split_in_groups = fields.Boolean(string="Discussion in Party Groups", compute="_compute_counts")
    excellent_count = fields.Integer(compute="_compute_grade_counts")
    qualified_count = fields.Integer(compute="_compute_grade_counts")
    basic_count = fields.Integer(string="Basically Qualified Count", compute="_compute_grade_counts")
    unqualified_count = fields.Integer(compute="_compute_grade_counts")
    excellent_min = fields.Integer(string="Excellent (min)", compute="_compute_grade_counts")
    excellent_max = fields.Integer(string="Excellent (max)", compute="_compute_grade_counts")
    excellent_over_quota = fields.Boolean(compute="_compute_grade_counts")
    member_ballot_count = fields.Integer(string="Member Ballots", compute="_compute_ballot_counts")
    tally_warnings = fields.Text(
        compute="_compute_tally_warnings", string="Before Counting",
        help="Ballots missing or unused in the current round: checked before the ballots are counted.")
    member_spoiled_count = fields.Integer(string="Spoiled Member Ballots", compute="_compute_ballot_counts")
    public_ballot_count = fields.Integer(string="Public Ballots", compute="_compute_ballot_counts")
    public_spoiled_count = fields.Integer(string="Spoiled Public Ballots", compute="_compute_ballot_counts")
    rectification_count = fields.Integer(compute="_compute_rectification_count",
                                         groups="party_member_points.group_party_officer")

    _sql_constraints = [
        ("ballot_counter_positive", "CHECK(ballot_counter >= 0)", "The ballot counter cannot be negative."),
    ]

    # ------------------------------------------------------------------ computes
    @api.depends("organization_id", "year", "period")
    def _compute_name(self):
        labels = dict(self._fields["period"]._description_selection(self.env))
        for campaign in self:
            if campaign.period in (False, "year"):
                campaign.name = self.env._("%(year)s Democratic Evaluation of Members – %(org)s",
                                           year=campaign.year or "", org=campaign.organization_id.name or "")
            else:
                campaign.name = self.env._("%(year)s %(period)s Democratic Evaluation of Members – %(org)s",
                                           year=campaign.year or "", period=labels[campaign.period],
                                           org=campaign.organization_id.name or "")

    @api.depends("participant_ids.expected", "mass_rep_ratio")
    def _compute_mass_rep_count(self):
        """The number of mass representatives follows the expected members, unless the branch planned its own
        number (e.g. 3 per 002-J): an exclusion confirmed later does not overwrite a planned number."""
        planned = {}
        manual = self.filtered(lambda c: c.id and c.mass_rep_manual)
        if manual:
            self.env.cr.execute(SQL("SELECT id, mass_rep_count FROM party_evaluation_campaign WHERE id IN %s",
                                    tuple(manual.ids)))
            planned = dict(self.env.cr.fetchall())
        for campaign in self:
            if campaign.id in planned and planned[campaign.id] is not None:
                campaign.mass_rep_count = planned[campaign.id]
                continue
            expected = len(campaign.sudo().participant_ids.filtered("expected"))
            campaign.mass_rep_count = rules.mass_representatives_needed(expected, campaign.mass_rep_ratio)

    @api.depends("participant_ids.expected", "participant_ids.evaluated", "participant_ids.voting",
                 "participant_ids.is_probationary", "participant_ids.exclusion_state",
                 "participant_ids.attendance", "quorum_ratio", "group_split_size")
    def _compute_counts(self):
        for campaign in self:
            # counts of the meeting record: also shown to a member reading their published result
            lines = campaign.sudo().participant_ids
            expected = lines.filtered("expected")
            campaign.participant_count = len(lines)
            campaign.evaluated_count = len(lines.filtered("evaluated"))
            campaign.probationary_count = len(lines.filtered("is_probationary"))
            campaign.excluded_count = len(lines.filtered(lambda p: p.exclusion_state == "confirmed"))
            campaign.pending_exclusion_count = len(lines.filtered(lambda p: p.exclusion_state == "proposed"))
            campaign.expected_count = len(expected)
            campaign.present_count = len(expected.filtered(lambda p: p.attendance == "present"))
            campaign.leave_count = len(expected.filtered(lambda p: p.attendance == "leave"))
            campaign.absent_count = len(expected.filtered(lambda p: p.attendance == "absent"))
            campaign.quorum_needed = rules.quorum_needed(len(expected), campaign.quorum_ratio)
            campaign.quorum_ok = rules.quorum_reached(campaign.present_count, len(expected), campaign.quorum_ratio)
            attending = len(lines.filtered(lambda p: p.exclusion_state != "confirmed"))
            campaign.split_in_groups = rules.split_in_groups(attending, campaign.group_split_size)

    @api.depends("participant_ids.committee_grade", "participant_ids.final_grade", "participant_ids.evaluated",
                 "excellent_min_share", "excellent_max_share")
    def _compute_grade_counts(self):
        for campaign in self:
            evaluated = campaign.sudo().participant_ids.filtered("evaluated")
            grades = [p.final_grade or p.committee_grade for p in evaluated]
            campaign.excellent_count = grades.count("excellent")
            campaign.qualified_count = grades.count("qualified")
            campaign.basic_count = grades.count("basic")
            campaign.unqualified_count = grades.count("unqualified")
            minimum, maximum = rules.excellent_quota(len(evaluated), campaign.excellent_min_share,
                                                     campaign.excellent_max_share)
            campaign.excellent_min = minimum
            campaign.excellent_max = maximum
            campaign.excellent_over_quota = campaign.excellent_count > maximum

    @api.depends("nomination_ids.answer")
    def _compute_open_nominations(self):
        for campaign in self:
            campaign.open_nomination_count = len(campaign.nomination_ids.filtered(lambda n: not n.answer))

    @api.depends("excellent_count", "excellent_min", "state")
    def _compute_excellent_under_quota(self):
        for campaign in self:
            campaign.excellent_under_quota = campaign.state in ("proposal", "hearing") and \
                rules.excellent_below_minimum(campaign.excellent_count, campaign.excellent_min)

    @api.depends("participant_ids.heard", "participant_ids.committee_grade", "participant_ids.disposal")
    def _compute_hearing_pending(self):
        for campaign in self:
            campaign.hearing_pending_count = len(campaign._hearing_pending())

    @api.depends("participant_ids.final_grade", "participant_ids.upper_talk_kind")
    def _compute_upper_talk_pending(self):
        for campaign in self:
            campaign.upper_talk_pending_count = len(campaign._upper_talk_pending())

    def _hearing_pending(self):
        """Members who must still be heard (听取本人意见) before the resolution."""
        self.ensure_one()
        return self.participant_ids.filtered(lambda p: p._needs_hearing() and not p.heard)

    def _upper_talk_pending(self):
        """Members graded Unqualified with whom the upper committee has not recorded a talk or forum yet."""
        self.ensure_one()
        return self.participant_ids.filtered(lambda p: p.final_grade == "unqualified" and not p.upper_talk_kind)

    @api.depends("ballot_ids.spoiled", "ballot_ids.voter_type", "ballot_ids.round", "round")
    def _compute_ballot_counts(self):
        counts = {}
        if self.ids:
            groups = self.env["party.evaluation.ballot"].sudo()._read_group(
                [("campaign_id", "in", self.ids)], ["campaign_id", "round", "voter_type", "spoiled"], ["__count"])
            for campaign, round_, voter_type, spoiled, count in groups:
                counts[(campaign.id, round_, voter_type, spoiled)] = count
        for campaign in self:
            key = (campaign.id, campaign.round)
            member_valid, member_spoiled = counts.get(key + ("member", False), 0), counts.get(key + ("member", True), 0)
            public_valid, public_spoiled = counts.get(key + ("public", False), 0), counts.get(key + ("public", True), 0)
            campaign.member_ballot_count = member_valid + member_spoiled
            campaign.member_spoiled_count = member_spoiled
            campaign.public_ballot_count = public_valid + public_spoiled
            campaign.public_spoiled_count = public_spoiled

    @api.depends("token_ids.used", "round")
    def _compute_online_tokens(self):
        counts = {}
        if self.ids:
            for campaign, round_, used, count in self.env["party.evaluation.ballot.token"].sudo()._read_group(
                    [("campaign_id", "in", self.ids)], ["campaign_id", "round", "used"], ["__count"]):
                counts[(campaign.id, round_, used)] = count
        for campaign in self:
            used = counts.get((campaign.id, campaign.round, True), 0)
            campaign.online_used_count = used
            campaign.online_token_count = used + counts.get((campaign.id, campaign.round, False), 0)

    @api.depends("rectification_ids")
    def _compute_rectification_count(self):
        counts = dict(self.env["party.evaluation.rectification"]._read_group(
            [("campaign_id", "in", self.ids)], ["campaign_id"], ["__count"]))
        for campaign in self:
            campaign.rectification_count = counts.get(campaign, 0)

    # ------------------------------------------------------------------ constraints
    @api.constrains("quorum_ratio", "qualified_threshold", "excellent_min_share", "excellent_max_share",
                    "mass_rep_ratio")
    def _check_shares(self):
        for campaign in self:
            for field in ("quorum_ratio", "qualified_threshold", "excellent_min_share", "excellent_max_share",
                          "mass_rep_ratio"):
                if not 0.0 <= campaign[field] <= 1.0:
                    raise ValidationError(self.env._(
                        "%(setting)s must be a percentage between 0 %% and 100 %%.",
                        setting=self._fields[field]._description_string(self.env)))
            if campaign.excellent_min_share > campaign.excellent_max_share:
                raise ValidationError(self.env._("The minimum share of Excellent cannot exceed the maximum."))

    @api.constrains("year", "approval_lead_days", "notice_lead_days", "sanction_years", "group_split_size")
    def _check_numbers(self):
        for campaign in self:
            if not 2000 <= campaign.year <= 2100:
                raise ValidationError(self.env._("%s is not a plausible year.", campaign.year))
            if min(campaign.approval_lead_days, campaign.notice_lead_days, campaign.sanction_years,
                   campaign.group_split_size) < 0:
                raise ValidationError(self.env._("Lead times, look-back years and sizes cannot be negative."))

    @api.constrains("organization_id", "year", "period", "state")
    def _check_organization(self):
        for campaign in self:
            if campaign.state != "cancelled" and self.sudo().search_count([
                    ("id", "!=", campaign.id), ("organization_id", "=", campaign.organization_id.id),
                    ("year", "=", campaign.year), ("period", "=", campaign.period), ("state", "!=", "cancelled")],
                    limit=1):
                raise ValidationError(self.env._(
                    "%(org)s already has an evaluation campaign for %(year)s: cancel it before planning another.",
                    org=campaign.organization_id.display_name, year=campaign.year))
            if campaign.organization_id.kind == "group":
                raise ValidationError(self.env._(
                    "A democratic evaluation is run by a branch, not by a party group (%s).",
                    campaign.organization_id.display_name))

    @api.constrains("mass_reps_present", "mass_rep_count")
    def _check_mass_reps(self):
        for campaign in self:
            if campaign.mass_reps_present < 0 or campaign.mass_rep_count < 0:
                raise ValidationError(self.env._("The number of mass representatives cannot be negative."))

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        if not in_workflow(self.env, "evaluation_system"):
            forged = given_fields(vals_list, FLOW_FIELDS - {"state", "round"})
            if forged or any(vals.get("state", "draft") != "draft" or vals.get("round", 1) != 1
                             for vals in vals_list):
                raise UserError(self.env._(
                    "A campaign starts as a draft plan; its approvals, votes and results are recorded by its "
                    "buttons."))
        for vals in vals_list:
            if vals.get("mass_rep_count"):
                vals["mass_rep_manual"] = True
        return super().create(vals_list)

    def write(self, vals):
        if not in_workflow(self.env, "evaluation_system"):
            fields_written = set(vals)
            if "online_ballot" in vals:
                started = self.filtered(lambda c: c.state not in ("draft", "submitted", "approved", "preparation",
                                                                  "meeting"))
                if started:
                    raise UserError(self.env._(
                        "The online ballot of %s can only be switched on or off before the vote starts.",
                        _names(started)))
            flow = fields_written & FLOW_FIELDS
            if flow:
                raise UserError(self.env._(
                    "These fields are set by the evaluation workflow and cannot be edited: %s",
                    ", ".join(sorted(self._fields[f]._description_string(self.env) for f in flow))))
            if "resolution_note" in vals and any(c.state not in RESOLUTION_STATES for c in self):
                raise UserError(self.env._(
                    "The branch resolution is written while the committee decides; it cannot be changed once "
                    "submitted to the upper committee."))
            for campaign in self:
                if campaign.state in ("published", "closed") and fields_written - FROZEN_ALLOWED_FIELDS:
                    raise UserError(self.env._(
                        "%s is published: its results are part of the record and cannot be changed.", campaign.name))
                changed = fields_written & SETTING_FIELDS
                if campaign.state != "draft" and changed:
                    raise UserError(self.env._(
                        "The branch, the year, the meeting date and the rules of %(name)s are fixed once the "
                        "plan is submitted (changed: %(fields)s).", name=campaign.name,
                        fields=", ".join(sorted(self._fields[f]._description_string(self.env) for f in changed))))
        if "mass_rep_count" in vals and not in_workflow(self.env, "evaluation_system"):
            vals = dict(vals, mass_rep_manual=True)
        res = super().write(vals)
        if "mass_rep_count" in vals:
            self.flush_recordset(["mass_rep_count"])
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_under_way(self):
        for campaign in self:
            if campaign.state not in ("draft", "cancelled") or campaign.ballot_ids:
                raise UserError(self.env._(
                    "%s is under way or holds ballots: cancel it instead of deleting it.", campaign.name))

    # ------------------------------------------------------------------ helpers
    def _today(self):
        return party_today(self)

    def _system(self):
        """The campaign with the trusted flag that lets the workflow write protected fields."""
        return self.with_context(evaluation_system=WORKFLOW)

    def _check_state(self, *states):
        labels = dict(self._fields["state"]._description_selection(self.env))
        for campaign in self:
            if campaign.state not in states:
                raise UserError(self.env._(
                    "%(name)s is in the state “%(state)s”: this step needs the state %(expected)s.",
                    name=campaign.name, state=labels[campaign.state],
                    expected=" / ".join(f"“{labels[s]}”" for s in states)))

    def _upper_user(self):
        """The approver: the responsible user (secretary) of the upper organization."""
        self.ensure_one()
        return self.organization_id._get_upper_organization()._get_responsible_user()

    def _check_upper(self):
        """Only the upper committee (officers of the parent organization or above) or an administrator decides."""
        user = self.env.user
        for campaign in self:
            upper = campaign.organization_id._get_upper_organization()  # refused without a real upper level
            allowed = user.has_group("party_member_points.group_party_admin") or (
                user.has_group("party_member_points.group_party_upper") and user._party_can_manage(upper))
            if not allowed:
                raise UserError(self.env._(
                    "Only the upper committee of %(org)s (%(upper)s) can take this decision.",
                    org=campaign.organization_id.display_name,
                    upper=upper.display_name))

    def _raise_problems(self, intro, problems):
        if problems:
            raise UserError(intro + "\n" + "\n".join(f"• {p}" for p in problems))

    def _evaluated(self):
        return self.participant_ids.filtered("evaluated")

    def _attending(self):
        """Participants expected at the meeting or attending without vote: everyone not excluded."""
        return self.participant_ids.filtered(lambda p: p.exclusion_state != "confirmed")

    def _points_for_grade(self, grade):
        self.ensure_one()
        return {"excellent": self.points_excellent, "qualified": self.points_qualified,
                "basic": self.points_basic, "unqualified": self.points_unqualified}[grade]

    # ------------------------------------------------------------------ members
    def action_load_members(self):
        """Create a participant line for each party member of the branch (and its party groups) who is not
        on the list yet: probationary members attend without vote and are not evaluated; members abroad for
        more than six months or serving a sentence are proposed for exclusion from the expected attendance."""
        Participant = self.env["party.evaluation.participant"]
        for campaign in self:
            campaign._check_state("draft", "submitted", "approved", "preparation")
            members = self.env["party.member"].search([
                ("organization_id", "child_of", campaign.organization_id.id),
                ("status", "=", "normal"),
                ("stage", "in", ("probationary", "full")),
                ("id", "not in", campaign.participant_ids.member_id.ids),
            ])
            Participant.create([Participant._values_for_member(campaign, member) for member in members])
        return True

    # ------------------------------------------------------------------ plan
    def action_submit(self):
        """Draft plan → submitted to the upper committee, with an approval activity for its secretary."""
        self._check_state("draft")
        today = self._today()
        for campaign in self:
            problems = []
            if not campaign.meeting_date:
                problems.append(self.env._("Set the date of the evaluation meeting."))
            elif not rules.plan_approved_in_time(today, campaign.meeting_date, campaign.approval_lead_days):
                problems.append(self.env._(
                    "The meeting on %(date)s is less than %(days)s days away: the upper committee must approve "
                    "the plan at least %(days)s days before the meeting. Move the meeting date.",
                    date=campaign.meeting_date, days=campaign.approval_lead_days))
            if not campaign._evaluated():
                problems.append(self.env._("Load the members to evaluate (button “Load Members”)."))
            campaign._raise_problems(self.env._("The plan cannot be submitted:"), problems)
            campaign._system().write({"state": "submitted", "plan_submit_date": today, "plan_rejection_reason": False})
            note = self.env._(
                "Plan of %(name)s: meeting on %(date)s, %(evaluated)s members evaluated, %(pending)s exclusion(s) "
                "from the expected attendance to confirm.", name=campaign.name, date=campaign.meeting_date,
                evaluated=campaign.evaluated_count, pending=campaign.pending_exclusion_count)
            campaign.activity_schedule(
                "party_evaluation.mail_activity_type_plan_approval",
                date_deadline=campaign.meeting_date - timedelta(days=campaign.approval_lead_days),
                summary=self.env._("Approve the evaluation plan"), note=note,
                user_id=campaign._upper_user().id)
            if campaign.pending_exclusion_count:
                campaign._schedule_exclusion_confirmation()
        return True

    def action_approve_plan(self):
        """Upper committee approves the plan; refused when fewer than the lead days remain before the meeting."""
        self._check_state("submitted")
        self._check_upper()
        today = self._today()
        for campaign in self:
            if not rules.plan_approved_in_time(today, campaign.meeting_date, campaign.approval_lead_days):
                raise UserError(self.env._(
                    "The plan must be approved at least %(days)s days before the meeting (%(date)s); it is too late "
                    "to approve it today. Send it back so the branch sets a later meeting date.",
                    days=campaign.approval_lead_days, date=campaign.meeting_date))
            campaign._system().write({"state": "approved", "plan_approval_date": today,
                            "plan_approver_id": self.env.user.id})
            campaign.activity_feedback(["party_evaluation.mail_activity_type_plan_approval"],
                                       feedback=self.env._("Plan approved."))
        return True

    def _do_reject_plan(self, reason):
        self._check_state("submitted")
        self._check_upper()
        for campaign in self:
            campaign._system().write({"state": "draft", "plan_rejection_reason": reason})
            campaign.activity_feedback(["party_evaluation.mail_activity_type_plan_approval"], feedback=reason)
            campaign.message_post(body=self.env._("Plan sent back to the branch: %s", reason))
        return True

    def action_start_preparation(self):
        self._check_state("approved")
        self._system().write({"state": "preparation"})
        return True

    def action_approve_materials(self):
        """Upper committee: the meeting materials were reviewed (五个不准: no meeting without approved materials)."""
        self._check_state("approved", "preparation")
        self._check_upper()
        self._system().write({"materials_approved": True, "materials_approver_id": self.env.user.id})
        self.activity_feedback(["party_evaluation.mail_activity_type_materials_review"])
        return True

    def action_request_materials_review(self):
        self._check_state("approved", "preparation")
        for campaign in self:
            campaign.activity_schedule(
                "party_evaluation.mail_activity_type_materials_review",
                date_deadline=max(campaign.meeting_date - timedelta(days=1), self._today()),
                summary=self.env._("Review the meeting materials"), user_id=campaign._upper_user().id)
        return True

    def action_request_exclusion_confirmation(self):
        for campaign in self:
            pending = campaign.participant_ids.filtered(lambda p: p.exclusion_state == "proposed")
            if not pending:
                raise UserError(self.env._("No exclusion waits for confirmation."))
            campaign._schedule_exclusion_confirmation()
        return True

    def _schedule_exclusion_confirmation(self):
        for campaign in self:
            if campaign.state in ("draft", "cancelled"):
                continue
            xmlid = "party_evaluation.mail_activity_type_exclusion_confirmation"
            activity_type = self.env.ref(xmlid)
            if campaign.activity_ids.filtered(lambda a, t=activity_type: a.activity_type_id == t):
                continue
            campaign.activity_schedule(
                xmlid, summary=self.env._("Confirm exclusions from the expected attendance"),
                user_id=campaign._upper_user().id)

    def action_confirm_all_exclusions(self):
        self._check_upper()
        for campaign in self:
            campaign.participant_ids.filtered(lambda p: p.exclusion_state == "proposed").action_confirm_exclusion()
        return True

    # ------------------------------------------------------------------ meeting
    def _meeting_gate_problems(self):
        """The hard gates before the meeting (五个不准, DOMAIN.md 3.1–3.3), as a list of messages."""
        self.ensure_one()
        problems = []
        today = self._today()
        if not rules.plan_approved_in_time(self.plan_approval_date, self.meeting_date, self.approval_lead_days):
            problems.append(self.env._("The plan was not approved %(days)s days before the meeting.",
                                       days=self.approval_lead_days))
        if self.meeting_date and today < self.meeting_date:
            problems.append(self.env._("The meeting is planned for %s.", self.meeting_date))
        if not rules.list_posted_in_time(self.list_posted_date, self.meeting_date):
            problems.append(self.env._(
                "The list of the members to be evaluated must be posted at least %(days)s days before the meeting "
                "(posted on: %(posted)s).", days=rules.LIST_POSTING_MIN_DAYS, posted=self.list_posted_date or "-"))
        if not rules.notice_in_time(self.notice_date, self.meeting_date, self.notice_lead_days):
            problems.append(self.env._(
                "The written notice must be given at least %(days)s days before the meeting (notice date: %(notice)s).",
                days=self.notice_lead_days, notice=self.notice_date or "-"))
        if not self.materials_approved:
            problems.append(self.env._("The meeting materials are not approved by the upper committee yet."))
        pending = self.participant_ids.filtered(lambda p: p.exclusion_state == "proposed")
        if pending:
            problems.append(self.env._("Exclusions not confirmed by the upper committee: %s", _names(pending)))
        attending = self._attending()
        not_notified = attending.filtered(lambda p: not p.notified)
        if not_notified:
            problems.append(self.env._("Members not notified: %s", _names(not_notified)))
        no_talk = attending.filtered(lambda p: not p.talk_done)
        if no_talk:
            problems.append(self.env._("Heart-to-heart talks not done: %s", _names(no_talk)))
        no_analysis = attending.filtered(lambda p: p.evaluated and p.self_eval_state == "pending")
        if no_analysis:
            problems.append(self.env._("Party-spirit analysis neither received nor exempted: %s",
                                       _names(no_analysis)))
        return problems

    def action_start_meeting(self):
        """Preparation → meeting, once every gate of the plan is met."""
        self._check_state("preparation")
        for campaign in self:
            campaign._raise_problems(self.env._("The evaluation meeting cannot be opened:"),
                                     campaign._meeting_gate_problems())
            campaign._system().write({"state": "meeting"})
        return True

    def action_start_voting(self):
        """Meeting → voting: attendance recorded for everyone and the quorum (80 % of the expected) reached.
        The meeting is filed in the register as a held evaluation meeting with its attendance."""
        self._check_state("meeting")
        for campaign in self:
            attending = campaign._attending()
            problems = []
            missing = attending.filtered(lambda p: not p.attendance)
            if missing:
                problems.append(self.env._("Attendance not recorded for: %s", _names(missing)))
            leave_incomplete = attending.filtered(
                lambda p: p.attendance == "leave" and (not p.leave_type or not p.leave_reason))
            if leave_incomplete:
                problems.append(self.env._("Leave without a type or reason for: %s", _names(leave_incomplete)))
            campaign._raise_problems(self.env._("Voting cannot start:"), problems)
            if not campaign.quorum_ok:
                raise UserError(self.env._(
                    "Quorum not reached: %(present)s of %(expected)s expected members are present; at least "
                    "%(needed)s (%(ratio)s %%) are needed. Postpone the meeting.",
                    present=campaign.present_count, expected=campaign.expected_count,
                    needed=campaign.quorum_needed, ratio=round(campaign.quorum_ratio * 100)))
            if campaign.mass_reps_present > campaign.mass_rep_count:
                raise UserError(self.env._(
                    "%(present)s mass representatives present, but only %(invited)s were invited.",
                    present=campaign.mass_reps_present, invited=campaign.mass_rep_count))
            campaign._file_meeting()
            campaign._system().write({"state": "voting"})
        return True

    def _file_meeting(self):
        """Record the meeting in the register (party.meeting of type evaluation) with its attendance."""
        self.ensure_one()
        if self.meeting_id:
            return self.meeting_id
        lines = []
        for participant in self._attending().filtered("attendance"):
            line = {"member_id": participant.member_id.id, "status": participant.attendance}
            if participant.attendance == "leave":
                line.update(leave_type=participant.leave_type, leave_reason=participant.leave_reason)
            lines.append(Command.create(line))
        meeting = self.env["party.meeting"].create({
            "name": self.name,
            "meeting_type": "evaluation",
            "organization_id": self.organization_id.id,
            "date": fields.Datetime.to_datetime(self.meeting_date or self._today()),
            "location": self.meeting_location,
            "attendance_ids": lines,
        })
        meeting.action_done()
        self._system().meeting_id = meeting
        return meeting

    # ------------------------------------------------------------------ ballots and tally
    def action_open_ballot_entry(self):
        self.ensure_one()
        self._check_state("voting")
        return self.env["party.evaluation.ballot.entry"]._action_open(self, "member", target="new")

    def action_confirm_tally(self):
        """The confirmation of "Count Ballots", listing every anomaly of the round before the vote is closed."""
        self.ensure_one()
        self._check_state("voting")
        wizard = self.env["party.evaluation.tally.confirm"].create({"campaign_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Count the Ballots"),
            "res_model": wizard._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_view_ballots(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("party_evaluation.party_evaluation_ballot_action")
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {"default_campaign_id": self.id, "search_default_group_round": 1}
        return action

    def action_issue_ballot_tokens(self):
        """Voting with the online ballot: give a one-time token to each voting member present who has a login
        and none yet in this round (they see “Vote” on the member portal). Each token reserves that voter's
        ballot for the online channel: paper ballots plus tokens cannot exceed the voting members present."""
        Token = self.env["party.evaluation.ballot.token"].sudo()
        for campaign in self:
            campaign._check_state("voting")
            if not self.env.user._party_can_manage(campaign.organization_id):
                raise UserError(self.env._("Only an officer of %s can issue its ballot tokens.",
                                           campaign.organization_id.name))
            if not campaign.online_ballot:
                raise UserError(self.env._("%s does not use the online ballot.", campaign.name))
            holders = Token.search([("campaign_id", "=", campaign.id), ("round", "=", campaign.round)]).participant_id
            voters = campaign.participant_ids.sudo().filtered(
                lambda p: p.expected and p.attendance == "present" and p.member_id.user_id) - holders
            if not voters:
                raise UserError(self.env._(
                    "Every voting member present with a login already has a token (members without a login vote "
                    "on paper)."))
            paper = campaign._paper_member_ballot_count()
            capacity = campaign._ballot_capacity("member")
            if paper + len(holders) + len(voters) > capacity:
                raise UserError(self.env._(
                    "%(paper)s member ballots are already entered on paper: %(tokens)s more tokens would exceed the "
                    "%(capacity)s voting members present. A voter who voted on paper gets no token.",
                    paper=paper, tokens=len(voters), capacity=capacity))
            Token.create([{"campaign_id": campaign.id, "participant_id": participant.id,
                           "user_id": participant.member_id.user_id.id, "round": campaign.round}
                          for participant in voters])
            campaign.message_post(body=self.env._(
                "%(count)s online ballot tokens issued (round %(round)s): the voters find the ballot on the member "
                "portal.", count=len(voters), round=campaign.round))
        return True

    def _online_token_issued_count(self):
        """Online ballot tokens issued in the current round (used or not)."""
        self.ensure_one()
        return self.env["party.evaluation.ballot.token"].sudo().search_count(
            [("campaign_id", "=", self.id), ("round", "=", self.round)])

    def _paper_member_ballot_count(self):
        """Member ballots of the current round entered by the scrutineers (paper or booth terminal)."""
        self.ensure_one()
        return self.env["party.evaluation.ballot"].sudo().search_count([
            ("campaign_id", "=", self.id), ("round", "=", self.round), ("voter_type", "=", "member"),
            ("channel", "!=", "online")])

    def _ballot_entry_counters(self):
        """The counters of the ballot entry screen: paper member ballots entered out of those allowed (voting
        members present minus the tokens issued: a token holder gets no paper ballot) and public ballots entered
        out of the mass representatives present, each with what may still be entered."""
        self.ensure_one()
        paper = self._paper_member_ballot_count()
        tokens = self._online_token_issued_count()
        allowed = max(self._ballot_capacity("member") - tokens, 0)
        member = self.env._("%(entered)s / %(allowed)s paper ballots, %(left)s still allowed",
                            entered=paper, allowed=allowed, left=max(allowed - paper, 0))
        if tokens:
            member += self.env._(" (%s voters vote online)", tokens)
        public_allowed = self._ballot_capacity("public")
        public = self.env._("%(entered)s / %(allowed)s ballots, %(left)s still allowed",
                            entered=self.public_ballot_count, allowed=public_allowed,
                            left=max(public_allowed - self.public_ballot_count, 0))
        return member, public

    def _tally_anomalies(self):
        """What the scrutineers should see before counting: every ballot missing or left unused."""
        self.ensure_one()
        anomalies = []
        present = self._ballot_capacity("member")
        tokens = self._online_token_issued_count()
        paper = self._paper_member_ballot_count()
        unused = tokens - self.online_used_count
        if paper + self.online_used_count < present:
            anomalies.append(self.env._(
                "%(cast)s member ballots for %(present)s voting members present (%(paper)s on paper, %(online)s "
                "online).", cast=paper + self.online_used_count, present=present, paper=paper,
                online=self.online_used_count))
        if unused > 0:
            anomalies.append(self.env._("%s online ballot tokens are not used: those voters have not voted.", unused))
        if self.mass_reps_present and not self.public_ballot_count:
            anomalies.append(self.env._("No public ballot entered, with %s mass representatives present.",
                                        self.mass_reps_present))
        elif self.public_ballot_count < self.mass_reps_present:
            anomalies.append(self.env._("%(cast)s public ballots for %(present)s mass representatives present.",
                                        cast=self.public_ballot_count, present=self.mass_reps_present))
        spoiled = self.member_spoiled_count + self.public_spoiled_count
        if spoiled:
            anomalies.append(self.env._("%s spoiled ballots (counted as cast, not tallied).", spoiled))
        return anomalies

    def _compute_tally_warnings(self):
        for campaign in self:
            anomalies = campaign._tally_anomalies() if campaign.state == "voting" and campaign.id else []
            campaign.tally_warnings = "\n".join(f"• {line}" for line in anomalies) or False

    def _ballot_capacity(self, voter_type):
        """Most ballots of this type the round may hold: members present with a vote, or mass representatives
        present."""
        self.ensure_one()
        if voter_type == "member":
            return self.present_count
        return self.mass_reps_present

    def action_tally(self):
        """Voting → tallied: count the current round's ballots per member, separately for members and the
        public, and compute the rule-based proposals."""
        self._check_state("voting")
        for campaign in self:
            if not campaign.member_ballot_count - campaign.member_spoiled_count:
                raise UserError(self.env._("No valid member ballot was entered for %s.", campaign.name))
            self.env["party.evaluation.ballot"]._shuffle_round(campaign)
            campaign._evaluated()._compute_tally()
            campaign._evaluated()._compute_proposals()
            campaign._system().write({"state": "tallied"})
            campaign.message_post(body=self.env._(
                "Ballots counted (round %(round)s): %(member)s member ballots (%(mspoiled)s spoiled), %(public)s "
                "public ballots (%(pspoiled)s spoiled).", round=campaign.round,
                member=campaign.member_ballot_count, mspoiled=campaign.member_spoiled_count,
                public=campaign.public_ballot_count, pspoiled=campaign.public_spoiled_count))
        return True

    # ------------------------------------------------------------------ determination
    def action_propose(self):
        """Tallied → committee proposal: the committee grades each member on its grading screen, with the vote,
        the points and the grounds in view; neither the suggested grades nor a disposal are filled in for it."""
        self._check_state("tallied")
        for campaign in self:
            campaign._evaluated()._system().write({"committee_grade": False, "override_reason": False,
                                                   "disposal": False})
            campaign._system().write({"state": "proposal"})
        return True

    def action_load_cadre_tallies(self):
        """One line per party member village cadre of the branch for the separate ballot form (seed 002-J)."""
        Tally = self.env["party.evaluation.cadre.tally"]
        for campaign in self:
            cadres = campaign.participant_ids.filtered("is_village_cadre") - campaign.cadre_tally_ids.participant_id
            if not cadres and not campaign.cadre_tally_ids:
                raise UserError(self.env._("%s lists no village cadre.", campaign.organization_id.name))
            Tally.create([{"campaign_id": campaign.id, "participant_id": p.id} for p in cadres])
        return True

    def action_open_grading(self):
        """The committee's grading screen: one line per member with votes, shares, points, grounds, grade,
        disposal and reason, and the hearing of those who need it."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("party_evaluation.party_evaluation_grading_action")
        action["domain"] = ["&", ("campaign_id", "=", self.id), "|", ("evaluated", "=", True),
                            ("is_probationary", "=", True)]
        action["context"] = {"default_campaign_id": self.id}
        action["display_name"] = self.env._("Committee Grading – %s", self.name)
        return action

    def _proposal_problems(self):
        self.ensure_one()
        problems = []
        evaluated = self._evaluated()
        no_grade = evaluated.filtered(lambda p: not p.committee_grade)
        if no_grade:
            problems.append(self.env._("No grade proposed for: %s", _names(no_grade)))
        no_reason = evaluated.filtered(lambda p: p.is_override and not p.override_reason)
        if no_reason:
            problems.append(self.env._("A grade differing from the proposal needs a reason: %s", _names(no_reason)))
        no_disposal = evaluated.filtered(
            lambda p: p.committee_grade == "unqualified" and not p.disposal and not p.sanctioned_recently)
        if no_disposal:
            problems.append(self.env._("Choose the disposal of the Unqualified members: %s", _names(no_disposal)))
        return problems

    def _check_excellent_quota(self):
        for campaign in self:
            if campaign.excellent_over_quota:
                raise UserError(self.env._(
                    "%(count)s members are graded Excellent, more than the limit of %(max)s (%(share)s %% of "
                    "%(evaluated)s evaluated members). Lower the number of Excellent grades.",
                    count=campaign.excellent_count, max=campaign.excellent_max,
                    share=round(campaign.excellent_max_share * 100), evaluated=campaign.evaluated_count))

    def action_hear(self):
        """Committee proposal → members heard: the Basically Qualified and Unqualified members, and the
        probationary members facing a probation decision, state their view (申诉) before the resolution."""
        self._check_state("proposal")
        for campaign in self:
            campaign._raise_problems(self.env._("The proposal is not complete:"), campaign._proposal_problems())
            campaign._system().write({"state": "hearing"})
        return True

    def action_resolve(self):
        """Members heard → branch resolution: the committee's grades become the branch's decision."""
        self._check_state("hearing")
        for campaign in self:
            campaign._raise_problems(self.env._("The proposal is not complete:"), campaign._proposal_problems())
            campaign._check_excellent_quota()
            unanswered = campaign.nomination_ids.filtered(lambda n: not n.answer)
            if unanswered:
                raise UserError(self.env._(
                    "The committee must answer each proposal of an Unqualified grade before the resolution: %s",
                    _names(unanswered.participant_id)))
            if rules.excellent_below_minimum(campaign.excellent_count, campaign.excellent_min):
                campaign.message_post(body=self.env._(
                    "Warning: %(count)s members graded Excellent, fewer than the minimum of %(min)s (%(share)s %%).",
                    count=campaign.excellent_count, min=campaign.excellent_min,
                    share=round(campaign.excellent_min_share * 100)))
            not_heard = campaign.participant_ids.filtered(lambda p: p._needs_hearing() and not p.heard)
            if not_heard:
                raise UserError(self.env._(
                    "These members must be heard before the branch resolution: %s", _names(not_heard)))
            for participant in campaign._evaluated():
                participant._system().final_grade = participant.committee_grade
            campaign._system().write({"state": "resolution", "resolution_date": self._today()})
        return True

    def action_submit_results(self):
        """Branch resolution → upper approval, with an activity for the upper committee's secretary."""
        self._check_state("resolution")
        for campaign in self:
            campaign._check_excellent_quota()
            campaign._system().write({"state": "upper_review"})
            campaign.activity_schedule(
                "party_evaluation.mail_activity_type_result_approval",
                summary=self.env._("Approve the evaluation results"),
                note=self.env._("%(exc)s Excellent, %(qual)s Qualified, %(basic)s Basically Qualified, "
                                "%(unq)s Unqualified.", exc=campaign.excellent_count, qual=campaign.qualified_count,
                                basic=campaign.basic_count, unq=campaign.unqualified_count),
                user_id=campaign._upper_user().id)
            unqualified = campaign.participant_ids.filtered(lambda p: p.final_grade == "unqualified")
            if unqualified:
                campaign.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("Talk with the Unqualified members and hold a forum"),
                    note=self.env._("Before approving, talk with each member graded Unqualified and hold a forum "
                                    "with committee members, members and mass representatives: %s",
                                    _names(unqualified)),
                    user_id=campaign._upper_user().id)
        return True

    def action_approve_results(self):
        self._check_state("upper_review")
        self._check_upper()
        for campaign in self:
            campaign._check_excellent_quota()
            no_talk = campaign._upper_talk_pending()
            if no_talk:
                raise UserError(self.env._(
                    "Before approving an Unqualified result the upper committee talks with the member or holds a "
                    "forum (seed 000): record it for %s", _names(no_talk)))
            campaign._system().write({"state": "upper_approved", "result_approval_date": self._today(),
                            "result_approver_id": self.env.user.id, "send_back_reason": False})
            campaign.activity_feedback(["party_evaluation.mail_activity_type_result_approval"],
                                       feedback=self.env._("Results approved."))
        return True

    def _do_send_back(self, redo, reason):
        """Upper committee overturns the results and orders a redo: of the vote (a new round of ballots; the
        earlier ballots stay archived) or of the committee's proposal."""
        self._check_state("upper_review")
        self._check_upper()
        if redo not in ("voting", "proposal"):
            raise UserError(self.env._("Choose what the branch must redo: the vote or the proposal."))
        for campaign in self:
            evaluated = campaign._evaluated()
            if redo == "voting":
                evaluated._reset_results()
                campaign._system().write({"state": "voting", "round": campaign.round + 1, "send_back_reason": reason,
                                "resolution_date": False})
            else:
                evaluated._system().write({"final_grade": False, "heard": False})
                campaign._system().write({"state": "proposal", "send_back_reason": reason, "resolution_date": False})
            campaign.activity_feedback(["party_evaluation.mail_activity_type_result_approval"], feedback=reason)
            what = self.env._("a new vote") if redo == "voting" else self.env._("a new committee proposal")
            campaign.message_post(body=self.env._("The upper committee sent the results back for %(what)s: %(reason)s",
                                                  what=what, reason=reason))
        return True

    # ------------------------------------------------------------------ publication
    def action_publish(self):
        """Results approved → published: the grades are announced, the points posted, the removals,
        persuasions and probation decisions applied, rectifications opened and warning talks scheduled."""
        self._check_state("upper_approved")
        today = self._today()
        for campaign in self:
            campaign._system().write({"state": "published", "publish_date": today})
            participants = campaign.participant_ids
            participants.filtered("final_grade")._post_points()
            participants.filtered("disposal")._apply_disposal()
            campaign.message_post(body=self.env._(
                "Results published: %(exc)s Excellent, %(qual)s Qualified, %(basic)s Basically Qualified, "
                "%(unq)s Unqualified.", exc=campaign.excellent_count, qual=campaign.qualified_count,
                basic=campaign.basic_count, unq=campaign.unqualified_count))
        return True

    def action_close(self):
        """Published → closed, once warning talks are held and every rectification has started."""
        self._check_state("published")
        for campaign in self:
            open_talks = campaign.participant_ids.filtered(
                lambda p: p.disposal == "warning_talk" and not p.disposal_done)
            not_started = campaign.rectification_ids.filtered(lambda r: r.state == "draft")
            persuading = campaign.participant_ids.filtered(
                lambda p: p.disposal == "persuade" and not p.persuasion_outcome)
            problems = []
            if persuading:
                problems.append(self.env._("Persuasions to leave without their outcome: %s", _names(persuading)))
            if open_talks:
                problems.append(self.env._("Warning talks not held yet: %s", _names(open_talks)))
            if not_started:
                problems.append(self.env._("Rectifications without a signed pledge: %s",
                                           _names(not_started.member_id)))
            campaign._raise_problems(self.env._("The campaign cannot be closed:"), problems)
            campaign._system().write({"state": "closed", "close_date": self._today()})
        return True

    def action_cancel(self):
        self._check_state("draft", "submitted", "approved", "preparation", "meeting")
        self.activity_unlink(["party_evaluation.mail_activity_type_plan_approval",
                              "party_evaluation.mail_activity_type_materials_review",
                              "party_evaluation.mail_activity_type_exclusion_confirmation"])
        self._system().write({"state": "cancelled"})
        return True

    def action_reset_draft(self):
        self._check_state("cancelled")
        self._system().write({"state": "draft", "plan_approval_date": False, "plan_approver_id": False,
                    "materials_approved": False, "materials_approver_id": False})
        return True

    # ------------------------------------------------------------------ navigation and printing
    def action_view_participants(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "party_evaluation.party_evaluation_participant_action")
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {"default_campaign_id": self.id}
        action["display_name"] = self.name
        return action

    def action_view_rectifications(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "party_evaluation.party_evaluation_rectification_action")
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {"default_campaign_id": self.id}
        return action

    def action_open_reason_wizard(self):
        self.ensure_one()
        mode = self.env.context.get("reason_mode", "send_back")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send Back Plan") if mode == "reject_plan" else self.env._("Send Back for a Redo"),
            "res_model": "party.evaluation.reason.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_campaign_id": self.id, "default_mode": mode},
        }

    def action_print_grade_notices(self):
        self.ensure_one()
        self._check_notices_printable()
        participants = self.participant_ids.filtered(lambda p: p.final_grade in ("basic", "unqualified"))
        if not participants:
            raise UserError(self.env._("No member was graded Basically Qualified or Unqualified."))
        return self.env.ref("party_evaluation.action_report_grade_notice").report_action(participants)

    def _check_notices_printable(self):
        """Grade notices state the approved result: printed only once the upper committee approved it."""
        for campaign in self:
            if campaign.state not in ("upper_approved", "published", "closed"):
                raise UserError(self.env._(
                    "%s: grade notices are printed once the upper committee has approved the results.",
                    campaign.name))

    def _tally_xlsx_sheets(self):
        """Tally sheet (计票汇总表) and, once graded, the results list as XLSX sheets, with the columns of the
        printed tables. Evaluation materials are confidential: only those who may read the campaign get them."""
        self.ensure_one()
        self.check_access("read")
        Participant = self.env["party.evaluation.participant"]
        grades = dict(Participant._fields["proposed_grade"]._description_selection(self.env))
        final_grades = dict(Participant._fields["final_grade"]._description_selection(self.env))
        disposals = dict(Participant._fields["disposal"]._description_selection(self.env))
        evaluated = self.participant_ids.filtered("evaluated")
        tally_rows = [[
            index, p.member_id.name,
            p.member_excellent, p.member_qualified, p.member_basic, p.member_unqualified, p.member_abstain,
            p.public_excellent, p.public_qualified, p.public_basic, p.public_unqualified, p.public_abstain,
            round(p.qualified_share * 100, 1), p.year_points, grades.get(p.proposed_grade, ""),
        ] for index, p in enumerate(evaluated, start=1)]
        sheets = [{
            "name": self.env._("Tally"),
            "title": self.env._("%s: Tally Sheet of the Democratic Evaluation", self.name),
            "subtitle_lines": [
                self.env._(
                    "Expected %(expected)s, present (voting) %(present)s, on leave %(leave)s, absent %(absent)s, "
                    "quorum needed %(quorum)s, round %(round)s.", expected=self.expected_count,
                    present=self.present_count, leave=self.leave_count, absent=self.absent_count,
                    quorum=self.quorum_needed, round=self.round),
                self.env._("Member ballots %(member)s (spoiled %(member_spoiled)s), public ballots %(public)s "
                           "(spoiled %(public_spoiled)s).", member=self.member_ballot_count,
                           member_spoiled=self.member_spoiled_count, public=self.public_ballot_count,
                           public_spoiled=self.public_spoiled_count),
            ],
            "headers": [
                self.env._("No."), self.env._("Name"),
                self.env._("Members: Excellent"), self.env._("Members: Qualified"),
                self.env._("Members: Basically Qualified"),
                self.env._("Members: Unqualified"), self.env._("Members: Abstain"),
                self.env._("Public: Excellent"), self.env._("Public: Qualified"),
                self.env._("Public: Basically Qualified"),
                self.env._("Public: Unqualified"), self.env._("Public: Abstain"),
                self.env._("Qualified Share (%)"), self.env._("Year's Points"), self.env._("Proposed Grade"),
            ],
            "rows": tally_rows,
            "footer_lines": [self._tally_rule_text()],
            "widths": [6, 14] + [10] * 10 + [12, 10, 14],
        }]
        if self.state in ("resolution", "upper_review", "upper_approved", "published", "closed"):
            listed = self.participant_ids.filtered(lambda p: p.evaluated or p.disposal)
            sheets.append({
                "name": self.env._("Results"),
                "title": self.env._("%s: Results of the Democratic Evaluation of Members", self.name),
                "headers": [self.env._("No."), self.env._("Name"), self.env._("Party Group"), self.env._("Grade"),
                            self.env._("Disposal")],
                "rows": [[index, p.member_id.name, p.party_group_id.name or "", final_grades.get(p.final_grade, ""),
                          disposals.get(p.disposal, "")] for index, p in enumerate(listed, start=1)],
                "footer_lines": [self._results_footer_text()],
                "widths": [6, 14, 16, 14, 20],
            })
        return sheets

    def action_export_tally_xlsx(self):
        self.ensure_one()
        if self.state in ("draft", "submitted", "approved", "preparation", "meeting", "voting", "cancelled"):
            raise UserError(self.env._("%s: there is no tally yet.", self.display_name))
        return self.env["party.xlsx.export"]._download(f"{self.name}.xlsx", self._tally_xlsx_sheets())

    def _report_year_end(self):
        self.ensure_one()
        return date(self.year, 12, 31)

    def _default_rectification_deadline(self):
        return self._today() + relativedelta(years=1)

    def _results_footer_text(self):
        self.ensure_one()
        return self.env._(
            "Branch resolution of %(resolution)s, approved by the upper committee on %(approval)s.",
            resolution=format_date(self.env, self.resolution_date) if self.resolution_date else "-",
            approval=format_date(self.env, self.result_approval_date) if self.result_approval_date else "-")

    def _tally_rule_text(self):
        self.ensure_one()
        threshold = round(self.qualified_threshold * 100)
        if self.basic_counts_as_qualified:
            return self.env._(
                "Qualified votes are votes for Excellent, Qualified or Basically Qualified; the share is taken over "
                "all valid ballots of members and mass representatives. Threshold: %s %%.", threshold)
        return self.env._(
            "Qualified votes are votes for Excellent or Qualified; the share is taken over all valid ballots of "
            "members and mass representatives. Threshold: %s %%.", threshold)

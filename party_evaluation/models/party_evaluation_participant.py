import json

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_date

from odoo.addons.party_member_points.models.party_workflow import WORKFLOW, given_fields, in_workflow
from odoo.addons.party_member_points.tools.clock import party_today

from . import evaluation_rules as rules

OFFICER = "party_member_points.group_party_officer"
# Recorded by the upper committee while it reviews the results (talks or a forum with the Unqualified members).
UPPER_TALK_FIELDS = {"upper_talk_kind", "upper_talk_date", "upper_talk_note"}

DISPOSALS = [
    ("warning_talk", "Warning Talk"),
    ("rectification", "Rectification within One Year"),
    ("persuade", "Persuade to Leave the Party"),
    ("removal", "Removal from the Party"),
    ("extend_probation", "Extend Probation"),
    ("cancel_probation", "Cancel Probationary Membership"),
    ("withdrawal", "Withdrawal at Own Request"),
]
DISPOSALS_BY_GRADE = {
    # S000 ②: 对主动要求退党的党员,要经支部大会讨论后予以除名 (whatever the grade)
    "excellent": {"withdrawal"},
    "qualified": {"withdrawal"},
    "basic": {"warning_talk", "rectification", "withdrawal"},
    "unqualified": {"rectification", "persuade", "removal", "withdrawal"},
}
PROBATION_DISPOSALS = {"extend_probation", "cancel_probation"}

# Which campaign states allow an officer to edit which participant fields. Everything else (tallies,
# proposals, final grades, points) is written by the workflow only.
EDITABLE_IN_STATES = {
    # who is evaluated and has a vote is the plan the upper committee approved: after that, only an exclusion
    # confirmed by the upper level takes a full member out of the expected attendance (S000)
    frozenset({"evaluated", "voting"}): {"draft", "submitted"},
    frozenset({"exclusion_reason", "exclusion_note"}): {"draft", "submitted", "approved", "preparation"},
    frozenset({"notified", "talk_done", "talk_date", "talk_by_id", "talk_note", "opinions", "self_eval_state",
               "self_eval_exemption", "self_evaluation", "self_eval_attachment_ids", "host_appraisal"}):
        {"draft", "submitted", "approved", "preparation", "meeting"},
    frozenset({"attendance", "leave_type", "leave_reason"}): {"preparation", "meeting"},
    frozenset({"committee_grade", "override_reason", "disposal", "extension_months", "grade_reason"}):
        {"proposal", "hearing"},
    frozenset({"heard", "heard_date", "member_statement"}): {"hearing"},
    frozenset(UPPER_TALK_FIELDS): {"upper_review"},
}
CAMPAIGN_STATES = ("draft", "submitted", "approved", "preparation", "meeting", "voting", "tallied", "proposal",
                   "hearing", "resolution", "upper_review", "upper_approved", "published", "closed", "cancelled")


def participant_freeze(editable_in_states, states):
    """The freeze table of a participant, by state of its campaign: what an officer may no longer edit."""
    return {state: ("campaign_id", "member_id") + tuple(sorted(
        name for group, allowed in editable_in_states.items() if state not in allowed for name in group))
        for state in states}


SYSTEM_FIELDS = {
    "member_excellent", "member_qualified", "member_basic", "member_unqualified", "member_abstain",
    "public_excellent", "public_qualified", "public_basic", "public_unqualified", "public_abstain",
    "veto_waiver_reason",
    "sanctioned_recently", "veto", "proposed_grade", "proposal_rule", "proposal_note", "final_grade", "points_posted",
    "points_awarded", "disposal_done", "disposal_date", "exclusion_state", "exclusion_decided_by_id",
    "exclusion_decision_date", "rectification_id", "is_probationary", "campaign_id", "member_id",
    "upper_ruling_reason", "upper_ruled_by_id", "persuasion_outcome",
}


def veto_removal_required(proposal_rule, disposal, waiver_reason):
    """True when a disposal breaks the six-month ground without the upper committee's reasoned decision.

    Seed 000: "连续六个月不参加党的组织生活，或不交纳党费，或不能完成党组织所分配工作的党员，不论评议结果如何，
    一律认定为不合格党员，按自行脱党处理，并予以除名" — removal, whatever the vote."""
    return proposal_rule == "veto" and bool(disposal) and disposal != "removal" and not (waiver_reason or "").strip()


class PartyEvaluationParticipant(models.Model):
    """One member in one evaluation campaign: role, preparation, attendance, tally and outcome."""

    _name = "party.evaluation.participant"
    _inherit = ["mail.thread", "party.freeze.mixin"]
    # What each state of the campaign freezes on a participant (party.freeze.mixin), from EDITABLE_IN_STATES
    _party_freeze = participant_freeze(EDITABLE_IN_STATES, CAMPAIGN_STATES)
    _party_freeze_state = "campaign_state"
    _description = "Evaluation Participant"
    _order = "campaign_id, party_group_id, member_name, id"
    _rec_name = "member_id"

    campaign_id = fields.Many2one("party.evaluation.campaign", required=True, ondelete="cascade", index=True)
    campaign_state = fields.Selection(related="campaign_id.state", string="Campaign State")
    year = fields.Integer(related="campaign_id.year", store=True)
    member_id = fields.Many2one("party.member", required=True, ondelete="restrict", index=True)
    member_name = fields.Char(related="member_id.name", store=True, string="Name")
    organization_id = fields.Many2one(related="campaign_id.organization_id", store=True, index=True)
    company_id = fields.Many2one(related="campaign_id.company_id", store=True, index=True)
    party_group_id = fields.Many2one(related="member_id.party_group_id", store=True)
    age = fields.Integer(related="member_id.age")
    is_mobile = fields.Boolean(related="member_id.is_mobile")
    is_village_cadre = fields.Boolean(related="member_id.is_village_cadre")

    # Role
    is_probationary = fields.Boolean(string="Probationary", readonly=True,
                                     help="Probationary members attend without voting and are not evaluated.")
    evaluated = fields.Boolean(default=True)
    voting = fields.Boolean(string="Has a Vote", default=True)
    exclusion_reason = fields.Selection(
        rules.EXCLUSION_REASONS, groups=OFFICER,
        help="Not counted in the expected attendance once the upper committee confirms it.")
    exclusion_note = fields.Char(groups=OFFICER)
    exclusion_state = fields.Selection(
        [("none", "Counted"), ("proposed", "Exclusion Proposed"), ("confirmed", "Exclusion Confirmed"),
         ("rejected", "Exclusion Rejected")], default="none", required=True, readonly=True, groups=OFFICER,
        tracking=True)
    exclusion_decided_by_id = fields.Many2one("res.users", string="Exclusion Decided by", readonly=True,
                                              groups=OFFICER)
    exclusion_decision_date = fields.Date(readonly=True, groups=OFFICER)
    expected = fields.Boolean(compute="_compute_expected", store=True,
                              help="Counted in the expected attendance: a voting member not excluded.")

    # Preparation
    notified = fields.Boolean(groups=OFFICER)
    talk_done = fields.Boolean(string="Talk Done", groups=OFFICER)
    talk_date = fields.Date(groups=OFFICER)
    talk_by_id = fields.Many2one("res.users", string="Talk by", groups=OFFICER)
    talk_note = fields.Text(groups=OFFICER)
    opinions = fields.Text(string="Opinions Collected", groups=OFFICER)
    self_eval_state = fields.Selection(
        [("pending", "Pending"), ("submitted", "Submitted"), ("exempt", "Exempted")],
        string="Party-spirit Analysis", default="pending", required=True, groups=OFFICER)
    self_eval_exemption = fields.Selection(
        [("age", "Aged 70 or over"), ("ill", "Long-term Ill"), ("unable", "Unable to Express Themselves")],
        string="Exemption Reason", groups=OFFICER)
    self_evaluation = fields.Text(string="Self-evaluation", groups=OFFICER)
    self_eval_attachment_ids = fields.Many2many(
        "ir.attachment", "party_evaluation_participant_attachment_rel", "participant_id", "attachment_id",
        string="Analysis Files", groups=OFFICER, help="Scanned or typed party-spirit analysis of the member.")
    host_appraisal = fields.Text(string="Host Branch Appraisal", groups=OFFICER,
                                 help="Appraisal sent by the branch where a mobile member takes part in party life.")

    # Attendance
    attendance = fields.Selection([("present", "Present"), ("leave", "On Leave"), ("absent", "Absent")],
                                  groups=OFFICER)
    leave_type = fields.Selection([("work", "Work"), ("personal", "Personal"), ("sick", "Sick"), ("other", "Other")],
                                  groups=OFFICER)
    leave_reason = fields.Char(groups=OFFICER)

    # Tally (written by the workflow)
    member_excellent = fields.Integer(readonly=True, groups=OFFICER)
    member_qualified = fields.Integer(readonly=True, groups=OFFICER)
    member_basic = fields.Integer(string="Member Basically Qualified", readonly=True, groups=OFFICER)
    member_unqualified = fields.Integer(readonly=True, groups=OFFICER)
    member_abstain = fields.Integer(readonly=True, groups=OFFICER)
    member_votes = fields.Integer(compute="_compute_shares", groups=OFFICER)
    member_share = fields.Float(string="Member Qualified Share", compute="_compute_shares", groups=OFFICER)
    public_excellent = fields.Integer(readonly=True, groups=OFFICER)
    public_qualified = fields.Integer(readonly=True, groups=OFFICER)
    public_basic = fields.Integer(string="Public Basically Qualified", readonly=True, groups=OFFICER)
    public_unqualified = fields.Integer(readonly=True, groups=OFFICER)
    public_abstain = fields.Integer(readonly=True, groups=OFFICER)
    public_votes = fields.Integer(compute="_compute_shares", groups=OFFICER)
    public_share = fields.Float(string="Public Qualified Share", compute="_compute_shares", groups=OFFICER)
    qualified_share = fields.Float(string="Qualified Share", compute="_compute_shares", groups=OFFICER,
                                   help="Qualified votes of members and public together over all their valid "
                                        "ballots (counted separately, accumulated).")
    commitment_summary = fields.Text(string="Commitments of the Year", compute="_compute_commitments",
                                     groups=OFFICER)
    side_records = fields.Text(
        string="Other Records of the Year", compute="_compute_side_records", groups=OFFICER,
        help="What other records of the year say about the member: the village cadre's year-end appraisal fed by "
             "the ordered mobilizations (downgrades, commendations) and the written below-standard conversions.")
    year_points = fields.Float(string="Year's Points", compute="_compute_year_points", groups=OFFICER,
                               help="Points of the member for the campaign's year, from the points register.")

    # Determination
    sanctioned_recently = fields.Boolean(string="Sanctioned in Look-back", readonly=True, groups=OFFICER)
    veto = fields.Boolean(string="Six-month Veto", readonly=True, groups=OFFICER)
    proposed_grade = fields.Selection(rules.GRADES, readonly=True, groups=OFFICER,
                                      help="Grade that follows from the vote and the rules.")
    proposal_rule = fields.Selection(
        [("veto", "Six-month veto"), ("sanction", "Sanctioned recently"), ("warned", "Warned two years running"),
         ("ground", "Other ground (mobilization)"),
         ("threshold", "Below the threshold"),
         ("plurality", "Most votes"), ("quota", "Excellent quota"), ("no_votes", "No votes")],
        readonly=True, groups=OFFICER)
    proposal_note = fields.Char(string="Proposal Basis", readonly=True, groups=OFFICER,
                                help="Why the rules lead to the proposed grade.")
    committee_grade = fields.Selection(rules.GRADES, string="Committee Proposal", groups=OFFICER, tracking=True)
    is_override = fields.Boolean(compute="_compute_is_override", groups=OFFICER)
    override_reason = fields.Text(groups=OFFICER, help="Why the committee's grade differs from the proposal.")
    heard = fields.Boolean(string="Member Heard", groups=OFFICER, tracking=True)
    heard_date = fields.Date(groups=OFFICER)
    member_statement = fields.Text(string="Member's Statement", groups=OFFICER,
                                   help="What the member said when heard, or their appeal (申诉).")
    final_grade = fields.Selection(rules.GRADES, readonly=True, index=True, tracking=True)
    grade_reason = fields.Text(string="Reason", groups=OFFICER)
    disposal = fields.Selection(DISPOSALS, tracking=True)
    veto_waiver_reason = fields.Text(
        string="Reason for Not Removing", readonly=True, groups=OFFICER, tracking=True,
        help="Six-month ground (一律…除名): why the upper committee decided another disposal than removal, "
             "written by the action “Dispose Otherwise than Removal” only.")
    extension_months = fields.Integer(string="Extension (months)", groups=OFFICER)
    disposal_done = fields.Boolean(readonly=True, groups=OFFICER, tracking=True)
    disposal_date = fields.Date(readonly=True, groups=OFFICER)
    rectification_id = fields.Many2one("party.evaluation.rectification", readonly=True, groups=OFFICER)
    points_posted = fields.Boolean(readonly=True, groups=OFFICER)
    points_awarded = fields.Float(readonly=True, groups=OFFICER)

    # Committee procedure (issue 17)
    share_with_basic = fields.Float(
        string="Qualified Share incl. Basic", compute="_compute_share_with_basic", groups=OFFICER,
        help="Share of the valid ballots of members and public graded Excellent, Qualified or Basically Qualified "
             "(seed 000's ballot has two grades: qualified or not).")
    needs_hearing = fields.Boolean(
        string="Needs Hearing", compute="_compute_needs_hearing", search="_search_needs_hearing", groups=OFFICER,
        help="Facing a grade of Basically Qualified or Unqualified, or a probation decision: heard before the "
             "resolution (听取本人意见).")
    nomination_ids = fields.One2many("party.evaluation.nomination", "participant_id", string="Proposals",
                                     groups=OFFICER)
    nomination_count = fields.Integer(string="Unqualified Proposals", compute="_compute_nomination_count",
                                      groups=OFFICER)
    upper_talk_kind = fields.Selection(
        [("talk", "Individual Talk"), ("forum", "Forum (座谈会)")], string="Upper Committee's Talk", groups=OFFICER,
        help="Before approving an Unqualified result the upper committee talks with the member and holds a forum "
             "with committee members, members and mass representatives (seed 000 四.1).")
    upper_talk_date = fields.Date(groups=OFFICER)
    upper_talk_note = fields.Text(string="Talk Record", groups=OFFICER)
    upper_ruling_reason = fields.Text(string="Upper Committee's Ruling", readonly=True, groups=OFFICER)
    upper_ruled_by_id = fields.Many2one("res.users", string="Ruled by", readonly=True, groups=OFFICER)
    persuasion_outcome = fields.Selection(
        [("left", "Left the Party"), ("refused", "Refused: Removed")], readonly=True, groups=OFFICER,
        help="劝而不退的予以除名 (seed 000 ④⑥): a member persuaded to leave who refuses is removed.")

    _sql_constraints = [
        ("campaign_member_uniq", "unique(campaign_id, member_id)", "A member is listed once per campaign."),
    ]

    # ------------------------------------------------------------------ computes
    @api.depends("voting", "exclusion_state")
    def _compute_expected(self):
        for participant in self:
            participant.expected = participant.voting and participant.exclusion_state != "confirmed"

    @api.depends("member_excellent", "member_qualified", "member_basic", "member_unqualified", "member_abstain",
                 "public_excellent", "public_qualified", "public_basic", "public_unqualified", "public_abstain",
                 "campaign_id.basic_counts_as_qualified")
    def _compute_shares(self):
        for p in self:
            basic_counts = p.campaign_id.basic_counts_as_qualified
            member = (p.member_excellent, p.member_qualified, p.member_basic, p.member_unqualified, p.member_abstain)
            public = (p.public_excellent, p.public_qualified, p.public_basic, p.public_unqualified, p.public_abstain)
            both = tuple(m + q for m, q in zip(member, public))
            p.member_votes = sum(member)
            p.public_votes = sum(public)
            p.member_share = rules.qualified_share(*member, basic_counts=basic_counts)
            p.public_share = rules.qualified_share(*public, basic_counts=basic_counts)
            p.qualified_share = rules.qualified_share(*both, basic_counts=basic_counts)

    @api.depends("committee_grade", "proposed_grade")
    def _compute_is_override(self):
        for participant in self:
            participant.is_override = bool(participant.proposed_grade and participant.committee_grade
                                           and participant.committee_grade != participant.proposed_grade)

    def _compute_commitments(self):
        """The member's commitments of the campaign's year (年初承诺) and their year-end review, shown beside the points
        (S004: 年初承诺 → 过程积分 → 年终评议 → 结果运用). One query."""
        Commitment = self.env["party.points.commitment"].sudo()
        found = {}
        if self:
            for commitment in Commitment.search([("member_id", "in", self.member_id.ids),
                                                 ("year", "in", list(set(self.mapped("year")))),
                                                 ("state", "in", ("approved", "reviewed"))]):
                found.setdefault((commitment.year, commitment.member_id.id), []).append(commitment)
        outcomes = dict(Commitment._fields["outcome"]._description_selection(self.env))
        for participant in self:
            lines = []
            for commitment in found.get((participant.year, participant.member_id.id), []):
                status = outcomes.get(commitment.outcome) if commitment.outcome else self.env._("not reviewed yet")
                lines.append(f"{commitment.name} ({status})")
            participant.commitment_summary = "\n".join(lines) or False

    def _compute_side_records(self):
        """Lines of other modules' records of the campaign's year about each member (register hook
        ``party.member._evaluation_side_records``), read once per year for all the members."""
        found = {}
        for year in set(self.mapped("year")):
            found[year] = self.filtered(lambda p, y=year: p.year == y).member_id._evaluation_side_records(year)
        for participant in self:
            participant.side_records = "\n".join(
                found.get(participant.year, {}).get(participant.member_id.id, [])) or False

    def _compute_year_points(self):
        """Sum of the member's posted points in the campaign's year, read from party_member_points' ledger
        (one grouped query). Zero when the points ledger is not installed."""
        totals = {}
        if "party.points.entry" in self.env and self:
            Entry = self.env["party.points.entry"].sudo()
            by_year = {}
            for participant in self:
                by_year.setdefault(participant.year, set()).add(participant.member_id.id)
            for year, member_ids in by_year.items():
                domain = [("member_id", "in", list(member_ids)), ("date", ">=", f"{year}-01-01"),
                          ("date", "<=", f"{year}-12-31")]
                if "state" in Entry._fields:
                    domain.append(("state", "=", "posted"))
                for member, total in Entry._read_group(domain, ["member_id"], ["points:sum"]):
                    totals[(year, member.id)] = total
        for participant in self:
            participant.year_points = totals.get((participant.year, participant.member_id.id), 0.0)

    @api.depends("member_excellent", "member_qualified", "member_basic", "member_unqualified", "member_abstain",
                 "public_excellent", "public_qualified", "public_basic", "public_unqualified", "public_abstain")
    def _compute_share_with_basic(self):
        for p in self:
            both = [p[f"member_{g}"] + p[f"public_{g}"]
                    for g in ("excellent", "qualified", "basic", "unqualified", "abstain")]
            p.share_with_basic = rules.qualified_share(*both, basic_counts=True)

    @api.depends("evaluated", "committee_grade", "disposal")
    def _compute_needs_hearing(self):
        for participant in self:
            participant.needs_hearing = participant._needs_hearing()

    def _search_needs_hearing(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on “Needs Hearing”."))
        domain = ["|", "&", ("evaluated", "=", True), ("committee_grade", "in", ("basic", "unqualified")),
                  ("disposal", "in", list(PROBATION_DISPOSALS))]
        return domain if (operator == "=") == value else ["!"] + domain

    def _compute_nomination_count(self):
        counts = dict(self.env["party.evaluation.nomination"]._read_group(
            [("participant_id", "in", self.ids)], ["participant_id"], ["__count"]))
        for participant in self:
            participant.nomination_count = counts.get(participant, 0)

    # ------------------------------------------------------------------ constraints
    @api.constrains("committee_grade", "override_reason", "proposed_grade")
    def _check_override_reason(self):
        for participant in self:
            if participant.is_override and not (participant.override_reason or "").strip():
                raise ValidationError(self.env._(
                    "%(name)s: the committee may change the proposed grade (%(proposed)s) only with a recorded "
                    "reason.", name=participant.member_id.name,
                    proposed=dict(rules.GRADES)[participant.proposed_grade]))
            if participant.sanctioned_recently and participant.committee_grade not in (False, "unqualified"):
                raise ValidationError(self.env._(
                    "%s was sanctioned within the look-back period: the grade is Unqualified.",
                    participant.member_id.name))

    @api.constrains("disposal", "committee_grade", "final_grade", "is_probationary", "extension_months",
                    "veto_waiver_reason", "proposal_rule")
    def _check_disposal(self):
        for participant in self:
            disposal = participant.disposal
            if not disposal:
                continue
            if participant.is_probationary:
                if disposal not in PROBATION_DISPOSALS:
                    raise ValidationError(self.env._(
                        "%s is a probationary member: the only disposals are extending or cancelling the "
                        "probation.", participant.member_id.name))
                if disposal == "extend_probation" and not 6 <= participant.extension_months <= 12:
                    raise ValidationError(self.env._("%s: probation can be extended by 6 to 12 months.",
                                                     participant.member_id.name))
                continue
            if veto_removal_required(participant.proposal_rule, disposal, participant.veto_waiver_reason):
                raise ValidationError(self.env._(
                    "%s falls under the six-month ground: the disposal is removal (一律…除名). Another disposal is "
                    "decided only by the upper committee with “Dispose Otherwise than Removal” and its reason.",
                    participant.member_id.name))
            grade = participant.final_grade or participant.committee_grade
            allowed = DISPOSALS_BY_GRADE.get(grade, set())
            if disposal not in allowed:
                labels = dict(DISPOSALS)
                raise ValidationError(self.env._(
                    "%(name)s: “%(disposal)s” does not fit the grade %(grade)s.", name=participant.member_id.name,
                    disposal=labels[disposal], grade=dict(rules.GRADES).get(grade, "-")))

    @api.constrains("attendance", "leave_type", "leave_reason")
    def _check_leave(self):
        for participant in self:
            if participant.attendance == "leave" and not participant.leave_type:
                raise ValidationError(self.env._("%s: a leave needs its type.", participant.member_id.name))

    @api.constrains("evaluated", "voting", "is_probationary")
    def _check_probationary(self):
        for participant in self:
            if participant.is_probationary and (participant.evaluated or participant.voting):
                raise ValidationError(self.env._(
                    "%s is a probationary member: probationary members attend but are neither evaluated nor "
                    "voting.", participant.member_id.name))

    # ------------------------------------------------------------------ CRUD
    @api.model
    def _values_for_member(self, campaign, member):
        """Values of a new participant line, pre-filled from the member's register flags."""
        probationary = member.stage == "probationary"
        vals = {
            "campaign_id": campaign.id,
            "member_id": member.id,
            "is_probationary": probationary,
            "evaluated": not probationary,
            "voting": not probationary,
        }
        if member.abroad_long:
            vals["exclusion_reason"] = "abroad"
        elif member.serving_sentence:
            vals["exclusion_reason"] = "sentence"
        exemption = rules.self_evaluation_exemption(member.age, member.is_frail)
        if exemption and not probationary:
            vals.update(self_eval_state="exempt", self_eval_exemption=exemption)
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        system = in_workflow(self.env, "evaluation_system")
        if not system:
            self._check_create_values(vals_list)
        for vals in vals_list:
            if not system:
                vals["exclusion_state"] = "proposed" if vals.get("exclusion_reason") else "none"
                vals.pop("is_probationary", None)
            if vals.get("exclusion_reason") and "exclusion_state" not in vals:
                vals["exclusion_state"] = "proposed"
            member = self.env["party.member"].browse(vals.get("member_id"))
            if member and "is_probationary" not in vals:
                vals["is_probationary"] = member.stage == "probationary"
                if vals["is_probationary"]:
                    vals.update(evaluated=False, voting=False)
        # one line per member of the branch: no "created" note nor follower on each
        participants = super(PartyEvaluationParticipant, self.with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True)).create(vals_list).with_env(self.env)
        participants.filtered(lambda p: p.exclusion_state == "proposed").campaign_id \
            ._schedule_exclusion_confirmation()
        return participants

    def _check_create_values(self, vals_list):
        """A participant is added while the campaign is being prepared, with what an officer may edit at that
        stage: never with a tally, a grade, a disposal or a confirmed exclusion."""
        labels = dict(self.env["party.evaluation.campaign"]._fields["state"]._description_selection(self.env))
        forged = given_fields(vals_list, SYSTEM_FIELDS - {"campaign_id", "member_id", "is_probationary",
                                                          "exclusion_state"})
        if forged:
            raise UserError(self.env._(
                "These fields are set by the evaluation workflow and cannot be edited: %s",
                ", ".join(self._fields[f]._description_string(self.env) for f in forged)))
        for vals in vals_list:
            campaign = self.env["party.evaluation.campaign"].browse(vals.get("campaign_id"))
            if campaign.state not in ("draft", "submitted", "approved", "preparation"):
                raise UserError(self.env._(
                    "Members are added to a campaign before its meeting, not while it is “%s”.",
                    labels.get(campaign.state, "-")))
            for group, states in EDITABLE_IN_STATES.items():
                touched = [name for name in group if vals.get(name)]
                if touched and campaign.state not in states:
                    raise UserError(self.env._(
                        "%(name)s: %(fields)s cannot be changed while the campaign is “%(state)s”.",
                        name=self.env["party.member"].browse(vals.get("member_id")).name or "-",
                        state=labels[campaign.state],
                        fields=", ".join(sorted(self._fields[f]._description_string(self.env) for f in touched))))

    def write(self, vals):
        if not in_workflow(self.env, "evaluation_system"):
            self._check_editable(set(vals))
            if set(vals) & UPPER_TALK_FIELDS:
                self.campaign_id._check_upper()
            if "exclusion_reason" in vals:
                vals = dict(vals, exclusion_state="proposed" if vals["exclusion_reason"] else "none",
                            exclusion_decided_by_id=False, exclusion_decision_date=False)
        res = super().write(vals)
        if vals.get("exclusion_reason"):
            self.campaign_id._schedule_exclusion_confirmation()
        return res

    def _check_editable(self, field_names):
        labels = dict(self.env["party.evaluation.campaign"]._fields["state"]._description_selection(self.env))
        system = field_names & SYSTEM_FIELDS
        if system:
            raise UserError(self.env._(
                "These fields are set by the evaluation workflow and cannot be edited: %s",
                ", ".join(sorted(self._fields[f]._description_string(self.env) for f in system))))
        for participant in self:
            state = participant.campaign_id.state
            for group, states in EDITABLE_IN_STATES.items():
                touched = field_names & group
                if touched and state not in states:
                    raise UserError(self.env._(
                        "%(name)s: %(fields)s cannot be changed while the campaign is “%(state)s”.",
                        name=participant.member_id.name, state=labels[state],
                        fields=", ".join(sorted(self._fields[f]._description_string(self.env) for f in touched))))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_meeting_started(self):
        for participant in self:
            if participant.campaign_id.state not in ("draft", "submitted", "approved", "preparation", "cancelled"):
                raise UserError(self.env._(
                    "%s cannot be removed from a campaign once the meeting has started.", participant.member_id.name))

    def _system(self):
        return self.with_context(evaluation_system=WORKFLOW)

    @api.onchange("exclusion_reason")
    def _onchange_exclusion_reason(self):
        if self.exclusion_reason and self.attendance:
            self.attendance = False

    @api.onchange("talk_done")
    def _onchange_talk_done(self):
        if self.talk_done and not self.talk_date:
            self.talk_date = party_today(self)
            self.talk_by_id = self.env.user

    @api.onchange("heard")
    def _onchange_heard(self):
        if self.heard and not self.heard_date:
            self.heard_date = party_today(self)

    # ------------------------------------------------------------------ exclusions
    def action_confirm_exclusion(self):
        self._decide_exclusion("confirmed")
        return True

    def action_reject_exclusion(self):
        self._decide_exclusion("rejected")
        return True

    def _decide_exclusion(self, decision):
        """The upper level confirms (or rejects) each exclusion from the expected attendance (S000)."""
        self.campaign_id._check_upper()
        for participant in self:
            if participant.exclusion_state != "proposed":
                raise UserError(self.env._("%s has no exclusion waiting for a decision.", participant.member_id.name))
            if participant.campaign_id.state not in ("draft", "submitted", "approved", "preparation"):
                raise UserError(self.env._("Exclusions are decided before the meeting."))
        self._system().write({"exclusion_state": decision, "exclusion_decided_by_id": self.env.user.id,
                              "exclusion_decision_date": party_today(self)})
        for participant in self.filtered(lambda p: p.exclusion_state == "confirmed" and p.attendance):
            participant._system().attendance = False
        for campaign in self.campaign_id:
            if not campaign.participant_ids.filtered(lambda p: p.exclusion_state == "proposed"):
                campaign.activity_feedback(["party_evaluation.mail_activity_type_exclusion_confirmation"])

    # ------------------------------------------------------------------ tally and proposals
    def _compute_tally(self):
        """Count the current round's valid ballots per evaluated member, member and public votes apart,
        in one grouped query over the ballot lines."""
        if not self:
            return
        campaign = self.campaign_id
        campaign.ensure_one()
        groups = self.env["party.evaluation.ballot.line"].sudo()._read_group(
            [("campaign_id", "=", campaign.id), ("round", "=", campaign.round), ("spoiled", "=", False),
             ("participant_id", "in", self.ids)],
            ["participant_id", "voter_type", "grade"], ["__count"])
        counts = {}
        for participant, voter_type, grade, count in groups:
            counts[(participant.id, voter_type, grade)] = count
        rows = []
        for participant in self:
            vals = {"id": participant.id}
            for voter_type in ("member", "public"):
                for grade in ("excellent", "qualified", "basic", "unqualified", "abstain"):
                    vals[f"{voter_type}_{grade}"] = counts.get((participant.id, voter_type, grade), 0)
            rows.append(vals)
        self._system_write_rows(rows)

    def _compute_proposals(self):
        """Apply the determination rules to each evaluated member, then the excellent quota: when more members
        would be Excellent than the campaign allows, those with the fewest excellent votes are proposed as
        Qualified instead (the committee may still override, with a reason)."""
        if not self:
            return
        campaign = self.campaign_id
        campaign.ensure_one()
        reference = campaign.meeting_date or party_today(self)
        # the six-month ground as of the meeting, from the records of the twelve months before it (meetings and
        # their attendance, dues and the day they were paid), not from the register's current flag
        grounds = self.env["party.member"]._six_month_grounds(
            self.member_id.ids, reference - relativedelta(months=12), reference)
        # warned (points under the warning level) in the evaluated year and the year before (S003 P4 第二十四条)
        warned = self.env["party.points.result"].sudo()._read_group(
            [("member_id", "in", self.member_id.ids), ("warning", "=", True),
             ("year", "in", [campaign.year, campaign.year - 1])], ["member_id"], ["year:count_distinct"])
        warned_twice = {member.id for member, years in warned if years >= 2}
        members = self.member_id
        refused_work = members._assigned_work_refused(reference - relativedelta(months=12), reference)
        other_grounds = members._other_unqualified_grounds(campaign.year)
        rows = []
        for participant in self:
            member = participant.member_id
            # party discipline short of expulsion received within the look-back (S000: 近三年内受到开除党籍以下党纪处分)
            sanctioned = any(rules.sanction_forces_unqualified(s.sanction_type, s.date_start, reference,
                                                               campaign.sanction_years)
                             for s in member.sanction_ids)
            veto = member.id in grounds or member.id in refused_work
            totals = [participant[f"member_{g}"] + participant[f"public_{g}"]
                      for g in ("excellent", "qualified", "basic", "unqualified", "abstain")]
            ground = other_grounds.get(member.id)
            grade, rule = rules.proposed_grade(
                *totals, threshold=campaign.qualified_threshold, sanctioned=sanctioned, veto=veto,
                basic_counts=campaign.basic_counts_as_qualified, warned_twice=member.id in warned_twice,
                other_ground=bool(ground))
            rows.append({"id": participant.id, "sanctioned_recently": sanctioned, "veto": veto,
                         "proposed_grade": grade, "proposal_rule": rule,
                         "proposal_note": ground if rule == "ground" else participant._proposal_note(rule, totals)})
        self._system_write_rows(rows)
        excellent = self.filtered(lambda p: p.proposed_grade == "excellent")
        _minimum, maximum = rules.excellent_quota(len(self), campaign.excellent_min_share, campaign.excellent_max_share)
        if len(excellent) > maximum:
            ranked = excellent.sorted(lambda p: (
                -(p.member_excellent + p.public_excellent) / max(p.member_votes + p.public_votes, 1),
                -p.year_points, -p.qualified_share, p.member_name or ""))
            ranked[maximum:]._system().write({
                "proposed_grade": "qualified", "proposal_rule": "quota",
                "proposal_note": self.env._("Most votes for Excellent, but beyond the quota of %s Excellent", maximum)})

    def _system_write_rows(self, rows):
        """Write values computed by the workflow (tally counts, proposals) for many participants at once:
        ``rows`` are dicts with the participant's ``id`` and the same fields each. Write access to the
        participants is checked once, then one UPDATE (a campaign of a thousand members would otherwise spend its
        time in a thousand writes); the cache of the fields is invalidated."""
        if not rows:
            return
        self.browse([row["id"] for row in rows]).check_access("write")
        names = [name for name in rows[0] if name != "id"]
        # False is how the ORM says "empty": NULL in SQL, except for booleans
        nullable = [name for name in names if self._fields[name].type != "boolean"]
        rows = [dict(row, **{name: None for name in nullable if row[name] is False}) for row in rows]
        self.flush_model(names)
        self.env.cr.execute(SQL(
            "UPDATE party_evaluation_participant p SET %s, write_uid = %s, write_date = %s "
            "FROM json_populate_recordset(NULL::party_evaluation_participant, %s) v WHERE p.id = v.id",
            SQL(", ").join(SQL("%s = v.%s", SQL.identifier(name), SQL.identifier(name)) for name in names),
            self.env.uid, self.env.cr.now(), json.dumps(rows)))
        self.invalidate_model(names + ["write_uid", "write_date"])

    def _proposal_note(self, rule, totals):
        """A sentence explaining the proposal, for the committee and the printed notices."""
        self.ensure_one()
        campaign = self.campaign_id
        share = rules.qualified_share(*totals, basic_counts=campaign.basic_counts_as_qualified)
        if rule == "veto":
            return self.env._("Six consecutive months without organizational life, dues or assigned work")
        if rule == "sanction":
            return self.env._("Party sanction within the last %s years", campaign.sanction_years)
        if rule == "warned":
            return self.env._("Warned for points below the warning level in %(year)s and %(previous)s",
                              year=campaign.year, previous=campaign.year - 1)
        if rule == "threshold":
            return self.env._("Qualified votes %(share)s %% below the threshold of %(threshold)s %%",
                              share=round(share * 100, 1), threshold=round(campaign.qualified_threshold * 100))
        if rule == "no_votes":
            return self.env._("No valid ballot graded the member")
        return self.env._("Most votes; qualified votes %s %%", round(share * 100, 1))

    def _reset_results(self):
        vals = {f"{voter_type}_{grade}": 0 for voter_type in ("member", "public")
                for grade in ("excellent", "qualified", "basic", "unqualified", "abstain")}
        vals.update(proposed_grade=False, proposal_rule=False, proposal_note=False, committee_grade=False,
                    override_reason=False,
                    final_grade=False, heard=False, heard_date=False, disposal=False)
        self._system().write(vals)

    def action_dispose_otherwise(self, disposal, reason):
        """Named workflow action of the upper committee: replace the removal of the six-month ground by another
        disposal (e.g. rectification), with the reason; who, when and why go to the chatter."""
        self.campaign_id._check_upper()
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for not removing a member who falls under the six-month "
                                       "ground."))
        for participant in self:
            if participant.campaign_id.state not in ("proposal", "hearing"):
                raise UserError(self.env._("The disposal is decided while the committee proposes."))
            participant._system()._party_amend({"disposal": disposal, "veto_waiver_reason": reason}, reason,
                                     self.env._("Disposal other than removal decided by the upper committee"))
        return True

    def _default_disposal(self):
        """Disposal the committee starts from: removal for a six-month veto (whatever the vote), a warning talk
        for Basically Qualified, a one-year rectification for Unqualified."""
        self.ensure_one()
        if self.proposal_rule == "veto":
            return "removal"
        if self.proposal_rule == "sanction":
            # S000: graded Unqualified on account of the sanction, "不再给予另外的组织处理"
            return False
        return {"basic": "warning_talk", "unqualified": "rectification"}.get(self.proposed_grade, False)

    def _needs_hearing(self):
        """Members facing a negative grade or a probation decision are heard before the resolution."""
        self.ensure_one()
        return (self.evaluated and self.committee_grade in ("basic", "unqualified")) \
            or self.disposal in PROBATION_DISPOSALS

    # ------------------------------------------------------------------ publication
    def _post_points(self):
        """Post the grade's points into the member's points ledger (party_member_points), once. Returns the
        participants whose points were posted; nothing happens when the points ledger is not installed."""
        if "party.points.entry" not in self.env or not hasattr(self.env["party.points.entry"], "_post_automatic"):
            return self.browse()
        # The branch resolution, approved by the upper committee, is the authority for these entries: they are
        # posted as the system, the officer publishing may not hold the points reviewer's rights.
        Entry = self.env["party.points.entry"].sudo()
        posted = self.browse()
        for participant in self.filtered(lambda p: p.final_grade and not p.points_posted):
            campaign = participant.campaign_id
            points = campaign._points_for_grade(participant.final_grade)
            day = min(campaign.publish_date or party_today(self), campaign._report_year_end())
            entries = Entry._post_automatic(
                participant.member_id, rules.GRADE_POINT_RULES[participant.final_grade], source=participant,
                date=day, points=points,
                description=self.env._("%(campaign)s: %(grade)s", campaign=campaign.name,
                                       grade=dict(rules.GRADES)[participant.final_grade]))
            awarded = 0.0
            if entries:
                awarded = sum(entries.mapped("points")) if "points" in entries._fields else points
            participant._system().write({"points_posted": True, "points_awarded": awarded})
            posted |= participant
        return posted

    def _apply_disposal(self):
        """Carry out the disposal decided by the branch and approved by the upper committee."""
        today = party_today(self)
        Rectification = self.env["party.evaluation.rectification"]
        for participant in self:
            member = participant.member_id
            campaign = participant.campaign_id
            reason = participant.grade_reason or self.env._("%(campaign)s: graded %(grade)s", campaign=campaign.name,
                                                             grade=dict(rules.GRADES).get(participant.final_grade, "-"))
            disposal = participant.disposal
            vals = {"disposal_date": today}
            if disposal == "removal":
                member._set_status("removed", today, reason)
                vals["disposal_done"] = True
            elif disposal == "persuade":
                # the member is persuaded first; the outcome (left, or refused and removed) is recorded after
                member.activity_schedule(
                    "mail.mail_activity_data_todo", date_deadline=today + relativedelta(days=30),
                    summary=self.env._("Persuade to leave the party"),
                    note=self.env._("%(name)s: persuade them to leave the party; a member who refuses is removed "
                                    "(劝而不退的予以除名).", name=member.name),
                    user_id=campaign.organization_id._get_responsible_user().id)
            elif disposal == "withdrawal":
                member._set_status("withdrew", today, reason)
                vals["disposal_done"] = True
            elif disposal == "extend_probation":
                member._extend_probation(participant.extension_months, reason)
                vals["disposal_done"] = True
            elif disposal == "cancel_probation":
                member._cancel_probation(today, reason)
                vals["disposal_done"] = True
            elif disposal == "rectification":
                rectification = Rectification.create({
                    "campaign_id": campaign.id, "participant_id": participant.id, "member_id": member.id,
                    "start_date": today, "deadline": today + relativedelta(years=1),
                    "problems": participant.grade_reason or participant.override_reason or participant.proposal_note
                    or False,
                })
                vals["rectification_id"] = rectification.id
            elif disposal == "warning_talk":
                member.activity_schedule(
                    "party_evaluation.mail_activity_type_warning_talk",
                    date_deadline=today + relativedelta(days=15),
                    summary=self.env._("Warning talk after the democratic evaluation"),
                    note=self.env._("%(name)s was graded %(grade)s in %(campaign)s: hold a warning talk, point out "
                                    "the shortcomings and help them improve.", name=member.name,
                                    grade=dict(rules.GRADES).get(participant.final_grade, "-"),
                                    campaign=campaign.name),
                    user_id=campaign.organization_id._get_responsible_user().id)
            participant._system().write(vals)

    def action_warning_talk_done(self):
        for participant in self:
            if participant.disposal != "warning_talk" or participant.campaign_id.state != "published":
                raise UserError(self.env._("%s has no warning talk to record.", participant.member_id.name))
        self._system().write({"disposal_done": True, "disposal_date": party_today(self)})
        self.member_id.activity_feedback(["party_evaluation.mail_activity_type_warning_talk"])
        return True

    def action_open_rectification(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "party.evaluation.rectification",
            "res_id": self.rectification_id.id,
            "view_mode": "form",
        }

    def action_open_details(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.member_id.name,
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(self.env.ref("party_evaluation.party_evaluation_participant_view_form").id, "form")],
            "target": "new",
        }

    # ------------------------------------------------------------------ printed notices
    def _grade_label(self):
        self.ensure_one()
        return dict(self._fields["final_grade"]._description_selection(self.env)).get(self.final_grade, "")

    def _salutation(self):
        self.ensure_one()
        return self.env._("Comrade %s:", self.member_id.name)

    def _grade_notice_text(self):
        """Body of the written notice of the grade (书面通知), one sentence per language."""
        self.ensure_one()
        campaign = self.campaign_id
        return self.env._(
            "In the %(campaign)s, the branch committee, taking into account the democratic appraisal by the members "
            "and the public and your performance during the year, has graded you %(grade)s. The branch resolution "
            "was approved by the upper committee on %(date)s.", campaign=campaign.name, grade=self._grade_label(),
            date=format_date(self.env, campaign.result_approval_date) if campaign.result_approval_date else "-")

    # ------------------------------------------------------------------ committee procedure (issue 17)
    def action_adopt_suggestion(self):
        """The committee adopts the suggested grade for the selected members, one decision per member it looks at
        on the grading screen; the disposal is never preselected."""
        for participant in self:
            if participant.campaign_id.state not in ("proposal", "hearing"):
                raise UserError(self.env._("The committee grades the members while it decides (proposal or "
                                           "hearing)."))
            if not participant.evaluated or not participant.proposed_grade:
                raise UserError(self.env._("%s has no suggested grade.", participant.member_id.name))
        for participant in self:
            participant.write({"committee_grade": participant.proposed_grade, "override_reason": False})
        return True

    def action_open_upper_ruling(self):
        self.ensure_one()
        self.campaign_id._check_upper()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Upper Committee's Ruling"),
            "res_model": "party.evaluation.upper.ruling",
            "view_mode": "form",
            "target": "new",
            "context": {"default_participant_id": self.id},
        }

    def _do_upper_ruling(self, grade, disposal, reason):
        """The upper committee sets the grade and the disposal itself after its review (seed 000 四.1: 上级党组织
        ... 有权 ... 直接作出认定结果和处置决定). Only an upper user of the real parent organization, with a
        reason; the branch's resolution stays in the chatter."""
        self.ensure_one()
        campaign = self.campaign_id
        campaign._check_upper()
        if campaign.state != "upper_review":
            raise UserError(self.env._("The upper committee rules while it reviews the results."))
        if not (reason or "").strip():
            raise UserError(self.env._("Write the reason of the ruling."))
        if not self.evaluated and grade:
            raise UserError(self.env._("%s is not evaluated.", self.member_id.name))
        grades = dict(rules.GRADES)
        before = grades.get(self.final_grade, "-")
        self._system().write({"final_grade": grade, "disposal": disposal or False, "upper_ruling_reason": reason,
                              "upper_ruled_by_id": self.env.user.id})
        campaign._check_excellent_quota()
        campaign.message_post(body=self.env._(
            "The upper committee ruled on %(name)s: %(before)s → %(after)s. Reason: %(reason)s",
            name=self.member_id.name, before=before, after=grades.get(grade, "-"), reason=reason))
        return True

    def _persuasion_outcome(self, outcome):
        """Outcome of a persuasion to leave (seed 000 ④⑥: 劝告退党,劝而不退的予以除名)."""
        today = party_today(self)
        for participant in self:
            if participant.disposal != "persuade" or participant.campaign_id.state not in ("published", "closed") \
                    or participant.persuasion_outcome:
                raise UserError(self.env._("%s has no persuasion to leave waiting for its outcome.",
                                           participant.member_id.name))
            if not self.env.user._party_can_manage(participant.organization_id):
                raise UserError(self.env._("Only an officer of %s records this outcome.",
                                           participant.organization_id.name))
            member = participant.member_id
            if outcome == "left":
                member._set_status("persuaded_out", today, self.env._("Persuaded to leave the party after the "
                                                                      "democratic evaluation"))
            else:
                member._set_status("removed", today, self.env._("Persuaded to leave the party and refused: removed "
                                                                 "(劝而不退的予以除名)"))
            participant._system().write({"persuasion_outcome": outcome, "disposal_done": True,
                                         "disposal_date": today})
        return True

    def action_persuasion_left(self):
        return self._persuasion_outcome("left")

    def action_persuasion_refused(self):
        return self._persuasion_outcome("refused")

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from odoo.addons.party_member_points.models.party_freeze_mixin import DELETE
from odoo.addons.party_member_points.models.party_workflow import WORKFLOW, check_flow_create, check_flow_write
from odoo.addons.party_member_points.tools.clock import party_today

# Days before the deadline when the helpers and the secretary are reminded to prepare the re-judgement.
REMINDER_DAYS = 30
# Moved by the buttons (start, deadline check, re-judgement) only.
FLOW_FIELDS = {"state", "outcome_date"}
# Fixed once the rectification has started: it runs its full term (S000: no second extension).
FIXED_ONCE_STARTED = {"member_id", "campaign_id", "participant_id", "start_date", "deadline"}


class PartyEvaluationRectification(models.Model):
    """Rectification within a time limit (限期改正) of a member graded Unqualified or Basically Qualified:
    a signed pledge (整改责任书), two helpers (one committee member and one excellent member), follow-up
    visits, and a re-judgement at the deadline (S000)."""

    _name = "party.evaluation.rectification"
    _description = "Member Rectification"
    _inherit = ["mail.thread", "mail.activity.mixin", "party.freeze.mixin"]
    # What each state freezes (party.freeze.mixin): the period from the signed pledge, everything once done.
    _party_freeze = {
        "in_progress": tuple(sorted(FIXED_ONCE_STARTED)) + ("organization_id", "pledge", "pledge_date", DELETE),
        "due": tuple(sorted(FIXED_ONCE_STARTED)) + ("organization_id", "pledge", "pledge_date", DELETE),
        "done": tuple(sorted(FIXED_ONCE_STARTED)) + ("organization_id",
            "pledge", "pledge_date", "problems", "helper_committee_id", "helper_excellent_id", "outcome",
            "outcome_reason", "followup_ids", DELETE),
    }
    _order = "deadline, id"

    name = fields.Char(string="Reference", readonly=True, copy=False, default="/")
    campaign_id = fields.Many2one("party.evaluation.campaign", index=True, ondelete="restrict", readonly=True)
    participant_id = fields.Many2one("party.evaluation.participant", readonly=True, ondelete="set null")
    member_id = fields.Many2one("party.member", required=True, index=True, ondelete="restrict", tracking=True)
    organization_id = fields.Many2one("party.organization", compute="_compute_organization_id", store=True,
                                      precompute=True, index=True, readonly=False, required=True)
    company_id = fields.Many2one(related="organization_id.company_id", store=True, index=True)
    grade = fields.Selection(related="participant_id.final_grade", string="Grade")
    problems = fields.Text(string="Problems to Correct")
    pledge = fields.Text(string="Rectification Pledge", help="Text of the rectification pledge (整改责任书).")
    pledge_date = fields.Date(string="Pledge Signed on", tracking=True)
    start_date = fields.Date(required=True, default=party_today)
    deadline = fields.Date(required=True, tracking=True,
                           default=lambda self: party_today(self) + relativedelta(years=1))
    helper_committee_id = fields.Many2one("party.member", string="Helper (Committee Member)", tracking=True)
    helper_excellent_id = fields.Many2one("party.member", string="Helper (Excellent Member)", tracking=True)
    followup_ids = fields.One2many("party.evaluation.rectification.followup", "rectification_id",
                                   string="Follow-up")
    followup_count = fields.Integer(compute="_compute_followup_count")
    state = fields.Selection([
        ("draft", "Draft"),
        ("in_progress", "In Progress"),
        ("due", "Re-judgement Due"),
        ("done", "Done"),
    ], default="draft", required=True, tracking=True, index=True)
    outcome = fields.Selection([
        ("corrected", "Corrected: Qualified Member"),
        ("persuade", "Not Corrected: Persuaded to Leave"),
        ("removal", "Not Corrected: Removed"),
    ], tracking=True)
    outcome_date = fields.Date(readonly=True)
    outcome_reason = fields.Text(string="Re-judgement")

    @api.depends("campaign_id", "member_id")
    def _compute_organization_id(self):
        for rectification in self:
            rectification.organization_id = rectification.campaign_id.organization_id \
                or rectification.member_id.organization_id

    @api.depends("followup_ids")
    def _compute_followup_count(self):
        for rectification in self:
            rectification.followup_count = len(rectification.followup_ids)

    # ------------------------------------------------------------------ constraints
    @api.constrains("start_date", "deadline")
    def _check_deadline(self):
        for rectification in self:
            if rectification.deadline <= rectification.start_date:
                raise ValidationError(self.env._("The rectification deadline must come after its start."))

    @api.constrains("helper_committee_id", "helper_excellent_id", "member_id")
    def _check_helpers(self):
        for rectification in self:
            rectification._helper_problems(raise_error=True)

    def _helper_problems(self, raise_error=False):
        """Two helpers: one member of the branch committee and one member graded Excellent (S000)."""
        self.ensure_one()
        problems = []
        committee = self.helper_committee_id
        excellent = self.helper_excellent_id
        member = self.member_id
        if member and member in (committee | excellent):
            problems.append(self.env._("%s cannot help themselves.", member.name))
        if committee:
            officers = self.organization_id.sudo()._get_officer_users()
            if not committee.user_id or committee.user_id not in officers:
                problems.append(self.env._("%(helper)s is not a member of the committee of %(org)s.",
                                           helper=committee.name, org=self.organization_id.display_name))
        if excellent:
            domain = [("member_id", "=", excellent.id), ("final_grade", "=", "excellent")]
            if self.campaign_id:
                domain.append(("campaign_id", "=", self.campaign_id.id))
            if not self.env["party.evaluation.participant"].sudo().search_count(domain, limit=1):
                problems.append(self.env._("%s was not graded Excellent in the evaluation.", excellent.name))
        if committee and excellent and committee == excellent:
            problems.append(self.env._("The two helpers must be two different members."))
        if problems and raise_error:
            raise ValidationError("\n".join(problems))
        return problems

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        check_flow_create(self, vals_list, FLOW_FIELDS, "evaluation_system", {"state": "draft"})
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("party.evaluation.rectification") or "/"
        return super().create(vals_list)

    def write(self, vals):
        check_flow_write(self, vals, FLOW_FIELDS, "evaluation_system")
        if FIXED_ONCE_STARTED & set(vals) and any(r.state != "draft" for r in self):
            raise UserError(self.env._(
                "The member, the evaluation and the period of a rectification are fixed once the pledge is signed: "
                "it lasts until its deadline and is not shortened nor extended."))
        if any(r.state == "done" for r in self) and set(vals) - {"message_main_attachment_id"}:
            raise UserError(self.env._("A finished rectification is part of the record and cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_decided(self):
        if any(r.state != "draft" or r.campaign_id for r in self):
            raise UserError(self.env._("A rectification decided by an evaluation cannot be deleted."))

    # ------------------------------------------------------------------ workflow
    def _responsible_user(self):
        self.ensure_one()
        return self.organization_id._get_responsible_user()

    def action_start(self):
        """The pledge is signed and the helpers named: the year of rectification starts, with a reminder
        before the deadline for the committee helper (or the secretary)."""
        for rectification in self:
            if rectification.state != "draft":
                raise UserError(self.env._("%s has already started.", rectification.name))
            problems = []
            if not (rectification.pledge or "").strip() or not rectification.pledge_date:
                problems.append(self.env._("Record the signed rectification pledge and its date."))
            if not rectification.helper_committee_id or not rectification.helper_excellent_id:
                problems.append(self.env._("Name the two helpers: one committee member and one excellent member."))
            problems += rectification._helper_problems()
            if problems:
                raise UserError(self.env._("The rectification of %s cannot start:", rectification.member_id.name)
                                + "\n" + "\n".join(f"• {p}" for p in problems))
            rectification.with_context(evaluation_system=WORKFLOW).state = "in_progress"
            reminder_user = rectification.helper_committee_id.user_id or rectification._responsible_user()
            rectification.activity_schedule(
                "party_evaluation.mail_activity_type_rectification_reminder",
                date_deadline=max(rectification.deadline - relativedelta(days=REMINDER_DAYS),
                                  party_today(self)),
                summary=self.env._("Rectification of %s ends soon", rectification.member_id.name),
                note=self.env._("The rectification ends on %(deadline)s: record the follow-up and prepare the "
                                "re-judgement.", deadline=rectification.deadline),
                user_id=reminder_user.id)
            rectification.message_post(body=self.env._(
                "Rectification started until %(deadline)s with the helpers %(committee)s and %(excellent)s.",
                deadline=rectification.deadline, committee=rectification.helper_committee_id.name,
                excellent=rectification.helper_excellent_id.name))
        return True

    @api.model
    def _cron_check_deadlines(self, today=None):
        """Daily: rectifications that reached their deadline are due for re-judgement by the branch."""
        today = today or party_today(self)
        due = self.search([("state", "=", "in_progress"), ("deadline", "<=", today)])
        for rectification in due:
            rectification.with_context(evaluation_system=WORKFLOW).state = "due"
            rectification.activity_schedule(
                "party_evaluation.mail_activity_type_rectification_judgement",
                summary=self.env._("Re-judge the rectification of %s", rectification.member_id.name),
                note=self.env._("The rectification period ended on %s: the branch decides whether the member is "
                                "now qualified.", rectification.deadline),
                user_id=rectification._responsible_user().id)
        return due

    def action_judge(self):
        """Re-judgement at the deadline: corrected (qualified), or persuade to leave / remove (S000: no second
        extension)."""
        today = party_today(self)
        for rectification in self:
            if rectification.state not in ("in_progress", "due"):
                raise UserError(self.env._("Only a running rectification can be re-judged."))
            if rectification.deadline > today:
                raise UserError(self.env._("The rectification of %(name)s runs until %(deadline)s: it is re-judged "
                                           "at the deadline.", name=rectification.member_id.name,
                                           deadline=rectification.deadline))
            if not rectification.outcome or not (rectification.outcome_reason or "").strip():
                raise UserError(self.env._("Choose the outcome and write the re-judgement."))
            member = rectification.member_id
            if rectification.outcome == "persuade":
                member._set_status("persuaded_out", today, rectification.outcome_reason)
            elif rectification.outcome == "removal":
                member._set_status("removed", today, rectification.outcome_reason)
            rectification.with_context(evaluation_system=WORKFLOW).write({"state": "done", "outcome_date": today})
            rectification.activity_feedback(["party_evaluation.mail_activity_type_rectification_reminder",
                                             "party_evaluation.mail_activity_type_rectification_judgement"],
                                            feedback=rectification.outcome_reason)
        return True

    # ------------------------------------------------------------------ printed notice
    def _salutation(self):
        self.ensure_one()
        return self.env._("Comrade %s:", self.member_id.name)

    def _notice_text(self):
        """Body of the rectification notice (限期改正通知书)."""
        self.ensure_one()
        return self.env._(
            "Following the democratic evaluation (%(campaign)s), the branch requires you to correct the problems below "
            "within a time limit, from %(start)s to %(deadline)s. At the end of the period the branch will discuss "
            "whether you meet the standard of a qualified party member; if not, you will be persuaded to leave the "
            "party, or removed.", campaign=self.campaign_id.name or "-", start=format_date(self.env, self.start_date),
            deadline=format_date(self.env, self.deadline))

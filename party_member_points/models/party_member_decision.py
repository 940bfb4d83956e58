from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.clock import party_today
from .party_freeze_mixin import DELETE
from .party_member import DECISION_STATUSES
from .party_workflow import WORKFLOW, check_flow_create, check_flow_write

DECISIONS = [
    ("full", "Full Membership (转正)"),
    ("extend_probation", "Extension of Probation"),
    ("cancel_probation", "Cancellation of Probationary Membership"),
    ("removed", "Removal (除名)"),
    ("expelled", "Expulsion (开除党籍)"),
    ("persuaded_out", "Persuading to Leave (劝退)"),
    ("withdrew", "Withdrawal (退党)"),
]
DECISION_STATES = [
    ("draft", "Proposal of the Branch"),
    ("submitted", "Waiting for the Upper Committee"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
]
FLOW_FIELDS = {"state", "approver_id", "approval_date"}
FLOW_KEY = "party_member_decision"
APPROVAL_ACTIVITY = "party_member_points.mail_activity_type_member_decision"
PROPOSAL_FIELDS = ("member_id", "decision", "date", "meeting_date", "meeting_reference", "reason",
                   "extension_months", "early_reason")


def early_full_membership(probation_end, day):
    """True when full membership on ``day`` comes before the end of the probation.

    Party Constitution art. 7: a probationary member becomes a full member when the probation (one year,
    possibly extended) is over; an earlier case is exceptional: it needs a reason and the upper committee."""
    return bool(probation_end and day and day < probation_end)


class PartyMemberDecision(models.Model):
    """A membership decision of the register (转正, 延长/取消预备期, 除名, 开除党籍, 劝退, 退党).

    The branch proposes it, carried by a resolution of the members' meeting (date and reference); the upper
    committee approves it through an activity; only then does the register change (like a leave approval).
    """

    _name = "party.member.decision"
    _description = "Membership Decision"
    _inherit = ["mail.thread", "mail.activity.mixin", "party.freeze.mixin"]
    _order = "id desc"
    # What each state freezes (party.freeze.mixin): the proposal once submitted, everything once decided.
    _party_freeze = {
        "submitted": PROPOSAL_FIELDS + (DELETE,),
        "approved": PROPOSAL_FIELDS + ("rejection_reason", DELETE),
        "rejected": PROPOSAL_FIELDS + ("rejection_reason", DELETE),
    }

    member_id = fields.Many2one("party.member", string="Member", required=True, index=True, ondelete="restrict",
                                tracking=True)
    organization_id = fields.Many2one(related="member_id.organization_id", store=True, index=True)
    company_id = fields.Many2one(related="member_id.company_id", store=True, index=True)
    decision = fields.Selection(DECISIONS, required=True, tracking=True)
    date = fields.Date(string="Effective Date", required=True, default=party_today, tracking=True)
    meeting_date = fields.Date(string="Members' Meeting", tracking=True,
                               help="Date of the members' meeting whose resolution carries the proposal.")
    meeting_reference = fields.Char(string="Resolution Reference", tracking=True)
    reason = fields.Text(required=True)
    extension_months = fields.Integer(string="Extension (months)", default=6)
    probation_end_date = fields.Date(related="member_id.probation_end_date")
    early_reason = fields.Text(string="Reason for an Early Full Membership")
    state = fields.Selection(DECISION_STATES, required=True, default="draft", tracking=True, index=True, copy=False)
    approver_id = fields.Many2one("res.users", string="Approved by", readonly=True, copy=False)
    approval_date = fields.Date(readonly=True, copy=False)
    rejection_reason = fields.Text(copy=False, tracking=True)

    @api.depends("member_id", "decision")
    def _compute_display_name(self):
        labels = dict(self._fields["decision"]._description_selection(self.env))
        for decision in self:
            decision.display_name = f"{decision.member_id.name or ''} · {labels.get(decision.decision, '')}"

    @api.model_create_multi
    def create(self, vals_list):
        check_flow_create(self, vals_list, FLOW_FIELDS, FLOW_KEY, {"state": "draft"})
        return super().create(vals_list)

    def write(self, vals):
        check_flow_write(self, vals, FLOW_FIELDS, FLOW_KEY)
        return super().write(vals)

    # ------------------------------------------------------------------ workflow
    def _upper_organization(self):
        """The committee that approves: the parent of the member's organization (never the branch itself)."""
        self.ensure_one()
        org = self.member_id.organization_id
        if not org.parent_id:
            raise UserError(self.env._(
                "%s has no upper organization: it cannot approve its own membership decisions. Ask the "
                "administrator to set its parent organization.", org.display_name))
        return org.parent_id

    def _check_proposal(self):
        self.ensure_one()
        member = self.member_id
        if not self.meeting_date or not (self.meeting_reference or "").strip():
            raise UserError(self.env._(
                "%s: a membership decision is carried by a resolution of the members' meeting: give its date and "
                "reference.", self.display_name))
        if self.decision in ("full", "extend_probation", "cancel_probation") and member.stage != "probationary":
            raise UserError(self.env._("%s is not a probationary member.", member.name))
        if self.decision in DECISION_STATUSES and member.status != "normal":
            raise UserError(self.env._("%s is not a member in normal status.", member.name))
        if self.decision == "full" and early_full_membership(member.probation_end_date, self.date) \
                and not (self.early_reason or "").strip():
            raise UserError(self.env._(
                "%(member)s's probation ends on %(end)s: full membership before that date needs the reason for the "
                "early case, decided by the upper committee.", member=member.name, end=member.probation_end_date))
        if self.decision == "extend_probation" and not 6 <= self.extension_months <= 12:
            raise UserError(self.env._("Probation can be extended by 6 to 12 months only."))

    def action_submit(self):
        activity_type = self.env.ref(APPROVAL_ACTIVITY)
        for decision in self:
            if decision.state != "draft":
                raise UserError(self.env._("%s is not a proposal of the branch any more.", decision.display_name))
            decision._check_proposal()
            upper = decision._upper_organization()
            decision.with_context(**{FLOW_KEY: WORKFLOW}).write({"state": "submitted", "rejection_reason": False})
            decision.activity_schedule(
                activity_type_id=activity_type.id, user_id=upper._get_responsible_user().id,
                summary=self.env._("Approve: %s", decision.display_name),
                note=self.env._("Resolution %(ref)s of the members' meeting of %(date)s: %(reason)s",
                                ref=decision.meeting_reference, date=decision.meeting_date, reason=decision.reason))
        return True

    def _check_upper(self):
        for decision in self:
            upper = decision._upper_organization()
            if not self.env.user._party_can_manage(upper):
                raise UserError(self.env._(
                    "Only the upper committee (%s) decides on this membership decision.", upper.display_name))

    def action_approve(self):
        self._check_upper()
        today = party_today(self)
        for decision in self:
            if decision.state != "submitted":
                raise UserError(self.env._("%s is not waiting for approval.", decision.display_name))
            decision._check_proposal()
            decision.with_context(**{FLOW_KEY: WORKFLOW}).write({
                "state": "approved", "approver_id": self.env.user.id, "approval_date": today})
            decision._apply()
            decision.activity_feedback([APPROVAL_ACTIVITY], feedback=self.env._("Approved"))
        return True

    def action_reject(self):
        self._check_upper()
        for decision in self:
            if decision.state != "submitted":
                raise UserError(self.env._("%s is not waiting for approval.", decision.display_name))
            if not (decision.rejection_reason or "").strip():
                raise UserError(self.env._("Write the reason for sending the proposal back first."))
            decision.with_context(**{FLOW_KEY: WORKFLOW}).write({"state": "rejected"})
            decision.activity_feedback([APPROVAL_ACTIVITY], feedback=decision.rejection_reason)
        return True

    def _apply(self):
        """The register changes once the upper committee approved."""
        self.ensure_one()
        member = self.member_id
        reason = self.env._("%(reason)s (resolution %(ref)s of %(date)s, approved by %(upper)s)",
                            reason=self.reason, ref=self.meeting_reference, date=self.meeting_date,
                            upper=self.env.user.name)
        if self.decision == "full":
            member._confirm_probation(self.date)
        elif self.decision == "extend_probation":
            member._extend_probation(self.extension_months, reason)
        elif self.decision == "cancel_probation":
            member._cancel_probation(self.date, reason)
        else:
            member._set_status(self.decision, self.date, reason)
        member.message_post(body=self.env._("Membership decision approved by the upper committee: %s",
                                            self.display_name))

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.clock import party_today
from .party_freeze_mixin import DELETE
from .party_workflow import WORKFLOW, check_flow_create, check_flow_write, in_workflow

COMMITMENT_CATEGORIES = [
    ("study", "Study and Education"),
    ("duty", "Post Duties"),
    ("service", "Serving the People"),
    ("conduct", "Conduct and Discipline"),
    ("other", "Other"),
]
OUTCOMES = [("kept", "Kept"), ("partly", "Partly Kept"), ("not_kept", "Not Kept")]
FLOW_KEY = "party_commitment_flow"
# Fields the buttons write
FLOW_FIELDS = {"state", "approved_by_id", "approval_date", "refusal_reason", "outcome", "review_note",
               "reviewed_by_id", "review_date", "organization_id", "company_id"}
# The member's text: frozen once submitted
TEXT_FIELDS = {"name", "category", "description", "item_ids", "year", "member_id"}


class PartyPointsCommitment(models.Model):
    """A member's commitments for the year (年初承诺, S004: 年初承诺 → 过程积分 → 年终评议 → 结果运用).

    The member (or the branch for them) writes what they commit to at the start of the year, the branch approves
    it, and at the year end the branch reviews whether it was kept; the evaluation shows it beside the points.
    """

    _name = "party.points.commitment"
    _description = "Member Commitment"
    _inherit = ["mail.thread", "mail.activity.mixin", "party.freeze.mixin"]
    _order = "year desc, member_id, id"
    # decisions stay made (party.freeze.mixin): the member's text once submitted, the approval once approved, the
    # review once reviewed; a submitted commitment is no longer deleted
    _party_freeze = {
        "submitted": ("name", "member_id", "year", "category", "description", "item_ids", DELETE),
        "approved": ("name", "member_id", "year", "category", "description", "item_ids", DELETE),
        "reviewed": ("name", "member_id", "year", "category", "description", "item_ids", "outcome", "review_note",
                     DELETE),
    }

    name = fields.Char(string="Commitment", required=True, tracking=True)
    member_id = fields.Many2one("party.member", string="Member", required=True, index=True, ondelete="cascade",
                                default=lambda self: self.env.user.party_own_member_ids[:1])
    organization_id = fields.Many2one("party.organization", string="Organization", compute="_compute_organization",
                                      store=True, precompute=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", compute="_compute_organization", store=True, precompute=True,
                                 readonly=True, index=True)
    year = fields.Integer(required=True, default=lambda self: party_today(self).year, tracking=True)
    category = fields.Selection(COMMITMENT_CATEGORIES, required=True, default="duty", tracking=True)
    description = fields.Text()
    item_ids = fields.One2many("party.points.commitment.item", "commitment_id", string="Items")
    state = fields.Selection([
        ("draft", "Draft"),
        ("submitted", "Waiting for Approval"),
        ("approved", "Approved"),
        ("reviewed", "Reviewed"),
    ], default="draft", required=True, tracking=True, index=True)
    approved_by_id = fields.Many2one("res.users", string="Approved by", readonly=True)
    approval_date = fields.Date(readonly=True)
    refusal_reason = fields.Char(readonly=True, tracking=True)
    outcome = fields.Selection(OUTCOMES, readonly=True, tracking=True,
                               help="At the year end the branch reviews whether the commitment was kept.")
    review_note = fields.Text(readonly=True)
    reviewed_by_id = fields.Many2one("res.users", string="Reviewed by", readonly=True)
    review_date = fields.Date(readonly=True)

    @api.depends("member_id")
    def _compute_organization(self):
        for commitment in self:
            member = commitment.member_id.sudo()
            commitment.organization_id = member.organization_id
            commitment.company_id = member.company_id

    # ------------------------------------------------------------------ CRUD
    def _may_write_for(self, member):
        """The member themself, or an officer of the member's branch."""
        user = self.env.user
        return self.env.su or member.user_id == user or user._party_can_manage(member.organization_id)

    @api.model_create_multi
    def create(self, vals_list):
        check_flow_create(self, vals_list, FLOW_FIELDS, FLOW_KEY, initial={"state": "draft"})
        members = self.env["party.member"].browse([vals.get("member_id") for vals in vals_list])
        for member in members:
            if not member or not self._may_write_for(member):
                raise AccessError(self.env._("You may write commitments for yourself or the members of your branch."))
        return super().create(vals_list)

    def write(self, vals):
        check_flow_write(self, vals, FLOW_FIELDS, FLOW_KEY)
        if not in_workflow(self.env, FLOW_KEY):
            if "member_id" in vals:
                raise UserError(self.env._("A commitment stays the commitment of its member."))
            if TEXT_FIELDS & set(vals) and any(c.state != "draft" for c in self):
                raise UserError(self.env._("A submitted commitment is no longer changed: withdraw it first."))
            for commitment in self:
                if not self._may_write_for(commitment.member_id):
                    raise AccessError(self.env._("This is not your commitment."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_drafts_only(self):
        if any(commitment.state != "draft" for commitment in self):
            raise UserError(self.env._("A submitted commitment is kept with the member's record."))

    def _flow_write(self, vals):
        return self.with_context(**{FLOW_KEY: WORKFLOW}).write(vals)

    # ------------------------------------------------------------------ flow
    def _check_officer(self):
        for commitment in self:
            if not self.env.user._party_can_manage(commitment.member_id.organization_id):
                raise UserError(self.env._("Only an officer of %s can do this.",
                                           commitment.member_id.organization_id.name))
            if commitment.member_id.user_id == self.env.user and not self.env.su:
                raise UserError(self.env._("Your own commitment is approved and reviewed by another officer."))

    def action_submit(self):
        activity_type = self.env.ref("party_member_points.mail_activity_type_commitment_approval")
        for commitment in self:
            if commitment.state != "draft":
                raise UserError(self.env._("Only a draft commitment can be submitted."))
            if not self._may_write_for(commitment.member_id):
                raise AccessError(self.env._("This is not your commitment."))
            if not (commitment.description or "").strip() and not commitment.item_ids:
                raise UserError(self.env._("Write what you commit to (a text or items) before submitting."))
            commitment._flow_write({"state": "submitted", "refusal_reason": False})
            commitment.sudo().activity_schedule(
                activity_type_id=activity_type.id,
                user_id=commitment.member_id.organization_id._get_responsible_user().id,
                summary=self.env._("Approve the commitments of %s", commitment.member_id.name))
        return True

    def action_approve(self):
        self._check_officer()
        for commitment in self:
            if commitment.state != "submitted":
                raise UserError(self.env._("Only a submitted commitment can be approved."))
            commitment._flow_write({"state": "approved", "approved_by_id": self.env.uid,
                                    "approval_date": party_today(self)})
            commitment.activity_feedback(["party_member_points.mail_activity_type_commitment_approval"])
        return True

    def action_refuse(self, reason):
        self._check_officer()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the commitment is sent back."))
        for commitment in self:
            if commitment.state != "submitted":
                raise UserError(self.env._("Only a submitted commitment can be sent back."))
            commitment._flow_write({"state": "draft", "refusal_reason": reason})
            commitment.activity_unlink(["party_member_points.mail_activity_type_commitment_approval"])
        return True

    def action_review(self, outcome, note=None, kept_item_ids=None):
        """Year-end review (年终评议): was the commitment kept? ``kept_item_ids``: the items that were kept."""
        self._check_officer()
        if outcome not in dict(OUTCOMES):
            raise UserError(self.env._("Say whether the commitment was kept, partly kept or not kept."))
        today = party_today(self)
        for commitment in self:
            if commitment.state != "approved":
                raise UserError(self.env._("Only an approved commitment is reviewed."))
            if today.year < commitment.year or (today.year == commitment.year and today.month < 10):
                raise UserError(self.env._("Commitments of %s are reviewed at the end of the year.", commitment.year))
            if outcome != "kept" and not (note or "").strip():
                raise UserError(self.env._("Say what was not kept."))
            if kept_item_ids is not None:
                kept = set(kept_item_ids)
                for item in commitment.item_ids:
                    item.with_context(**{FLOW_KEY: WORKFLOW}).kept = item.id in kept
            commitment._flow_write({"state": "reviewed", "outcome": outcome, "review_note": note or False,
                                    "reviewed_by_id": self.env.uid, "review_date": today})
        return True

    def action_withdraw(self):
        for commitment in self:
            if commitment.state != "submitted" or not self._may_write_for(commitment.member_id):
                raise UserError(self.env._("Only a commitment waiting for approval can be withdrawn."))
            commitment._flow_write({"state": "draft"})
            commitment.sudo().activity_unlink(["party_member_points.mail_activity_type_commitment_approval"])
        return True

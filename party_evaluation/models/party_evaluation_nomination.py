from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.party_member_points.models.party_workflow import WORKFLOW, in_workflow
from odoo.addons.party_member_points.tools.clock import party_today

from . import evaluation_rules as rules

# States of the campaign in which a proposal may be filed or answered: from the preparation to the resolution.
OPEN_STATES = ("draft", "submitted", "approved", "preparation", "meeting", "voting", "tallied", "proposal",
               "hearing")
# the committee's answer is written by its buttons only
ANSWER_KEY = "party_evaluation_nomination_answer"

class PartyEvaluationNomination(models.Model):
    """A proposal that a member be graded Unqualified (提议不合格党员名单, seed 000 一.7): filed by the upper
    organization, a functional department, the committee, or ten or more members or mass representatives
    jointly, with its evidence; the branch committee answers each one with a reason before the resolution."""

    _name = "party.evaluation.nomination"
    _description = "Unqualified Member Proposal"
    _inherit = ["mail.thread"]
    _order = "campaign_id, id"
    _rec_name = "participant_id"

    campaign_id = fields.Many2one("party.evaluation.campaign", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="campaign_id.company_id", store=True, index=True)
    organization_id = fields.Many2one(related="campaign_id.organization_id", store=True, index=True)
    participant_id = fields.Many2one(
        "party.evaluation.participant", string="Proposed Member", required=True, ondelete="cascade", index=True,
        domain="[('campaign_id', '=', campaign_id), ('evaluated', '=', True)]")
    proposer_kind = fields.Selection(rules.NOMINATION_PROPOSERS, string="Proposed by", required=True,
                                     default="members")
    proposer_count = fields.Integer(string="Number of Proposers")
    proposer_names = fields.Text(string="Proposers")
    grounds = fields.Text(string="Grounds and Evidence", required=True)
    answer = fields.Selection([("accepted", "Accepted: graded Unqualified"), ("rejected", "Not Accepted")],
                              tracking=True)
    answer_reason = fields.Text(string="Committee's Answer", tracking=True)
    answer_date = fields.Date(readonly=True)
    answered_by_id = fields.Many2one("res.users", string="Answered by", readonly=True)

    @api.constrains("proposer_kind", "proposer_count", "proposer_names")
    def _check_proposers(self):
        for nomination in self:
            if not rules.nomination_proposers_valid(nomination.proposer_kind, nomination.proposer_count):
                raise ValidationError(self.env._(
                    "A proposal by members or mass representatives needs at least %(min)s proposers "
                    "(%(count)s given).", min=rules.NOMINATION_MIN_PROPOSERS, count=nomination.proposer_count))
            if nomination.proposer_kind in ("members", "masses") and not (nomination.proposer_names or "").strip():
                raise ValidationError(self.env._("Write the names of the proposers."))

    @api.constrains("participant_id", "campaign_id")
    def _check_participant(self):
        for nomination in self:
            if nomination.participant_id.campaign_id != nomination.campaign_id:
                raise ValidationError(self.env._("The proposed member is not evaluated in this campaign."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("answer"):
                raise UserError(self.env._("A proposal is answered by the committee after it is filed."))
        nominations = super().create(vals_list)
        nominations._check_open()
        return nominations

    def write(self, vals):
        if in_workflow(self.env, ANSWER_KEY):
            return super().write(vals)
        self._check_open()
        if "answer" in vals or "answer_date" in vals or "answered_by_id" in vals:
            raise UserError(self.env._("Answer a proposal with the buttons “Accept” or “Do Not Accept”."))
        if self.filtered("answer") and set(vals) - {"message_main_attachment_id"}:
            raise UserError(self.env._("An answered proposal cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_if_unanswered(self):
        if self.filtered("answer"):
            raise UserError(self.env._("An answered proposal is part of the record and cannot be deleted."))

    def _check_open(self):
        for nomination in self:
            if nomination.campaign_id.state not in OPEN_STATES:
                raise UserError(self.env._(
                    "Proposals are filed and answered before the branch resolution of %s.",
                    nomination.campaign_id.name))

    def _answer(self, answer):
        """The committee's answer with its reason (seed 000: 支委会 ... 提议不合格党员名单)."""
        self._check_open()
        for nomination in self:
            if nomination.answer:
                raise UserError(self.env._("This proposal is already answered."))
            if not (nomination.answer_reason or "").strip():
                raise UserError(self.env._(
                    "Write the committee's answer to the proposal about %s: each proposal is answered with a reason.",
                    nomination.participant_id.member_id.name))
            if not self.env.user._party_can_manage(nomination.organization_id):
                raise UserError(self.env._("Only the committee of %s answers its proposals.",
                                           nomination.organization_id.name))
        self.with_context(**{ANSWER_KEY: WORKFLOW}).write(
            {"answer": answer, "answer_date": party_today(self), "answered_by_id": self.env.user.id})
        for nomination in self:
            nomination.message_post(body=self.env._("Committee's answer: %s", nomination.answer_reason))
        return True

    def action_accept(self):
        return self._answer("accepted")

    def action_reject(self):
        return self._answer("rejected")

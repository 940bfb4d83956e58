from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.party_member_points.models.party_freeze_mixin import DELETE
from odoo.addons.party_member_points.models.party_workflow import WORKFLOW, check_flow_create, check_flow_write
from odoo.addons.party_member_points.tools.clock import party_today

RECALL_POSTS = [
    ("village_director", "Village Committee Director"),
    ("village_committee", "Village Committee Member"),
    ("representative", "Villager Representative"),
    ("branch_committee", "Branch Committee Member"),
    ("branch_secretary", "Branch Secretary"),
]
RECALL_STATES = [
    ("draft", "Proposal"),
    ("submitted", "Town Review"),
    ("recalled", "Recalled"),
    ("rejected", "Not Recalled"),
]
RECALL_FLOW_FIELDS = {"state", "submit_date", "decision_date", "decided_by_id"}
# Village roles of the person cleared when the post is recalled.
POST_ROLE_FIELD = {
    "village_director": "is_village_director",
    "village_committee": "is_village_committee",
    "representative": "is_representative",
    "branch_committee": "branch_committee_role",
    "branch_secretary": "branch_secretary_role",
}
APPROVAL_ACTIVITY = "party_mobilization.mail_activity_type_mobilization_approval"


def default_recall_post(is_branch_secretary, is_director, is_branch_committee, is_village_committee,
                        is_representative):
    """The post to recall from: the highest post the person holds (S000 几点要求 3: 情节严重的，可按不合格村干部、
    村民代表的处理程序罢免其村干部、村民代表职务)."""
    for post, held in (("branch_secretary", is_branch_secretary), ("village_director", is_director),
                       ("branch_committee", is_branch_committee), ("village_committee", is_village_committee),
                       ("representative", is_representative)):
        if held:
            return post
    return False


class PartyMobilizationRecall(models.Model):
    """Recall (罢免) of a village cadre or villager representative who seriously resisted a mobilization: proposed
    by the branch from an appraisal downgrade note, reviewed by the town committee, then recalled or not. A recall
    clears the post from the villager's record (and so their identity in later mobilizations)."""

    _name = "party.mobilization.recall"
    _description = "Recall of a Cadre or Representative"
    _inherit = ["mail.thread", "mail.activity.mixin", "party.freeze.mixin"]
    # decisions stay made (party.freeze.mixin): the proposal once submitted, the town's decision once taken
    _party_freeze = {
        "submitted": ("downgrade_id", "post", "reason", DELETE),
        "recalled": ("downgrade_id", "post", "reason", "decision_note", DELETE),
        "rejected": ("downgrade_id", "post", "reason", "decision_note", DELETE),
    }
    _order = "id desc"

    downgrade_id = fields.Many2one("party.mobilization.downgrade", string="Downgrade Note", required=True,
                                   index=True, ondelete="restrict")
    project_id = fields.Many2one(related="downgrade_id.project_id", store=True, index=True)
    person_id = fields.Many2one(related="downgrade_id.person_id", store=True, index=True)
    organization_id = fields.Many2one(related="downgrade_id.organization_id", store=True, index=True)
    company_id = fields.Many2one(related="downgrade_id.company_id", store=True, index=True)
    post = fields.Selection(RECALL_POSTS, required=True, tracking=True, compute="_compute_post", store=True,
                            readonly=False, precompute=True)
    reason = fields.Text(string="Grounds for the Recall", required=True, tracking=True)
    state = fields.Selection(RECALL_STATES, required=True, default="draft", tracking=True, index=True)
    submit_date = fields.Date(string="Submitted on", readonly=True)
    decision_note = fields.Text(string="Decision of the Town", tracking=True)
    decision_date = fields.Date(string="Decided on", readonly=True)
    decided_by_id = fields.Many2one("res.users", string="Decided by", readonly=True)

    @api.depends("downgrade_id")
    def _compute_post(self):
        for recall in self:
            person = recall.downgrade_id.person_id
            recall.post = recall.post or default_recall_post(
                person.is_branch_secretary, person.is_village_director, person.is_branch_committee,
                person.is_village_committee, person.is_representative)

    @api.depends("person_id", "post")
    def _compute_display_name(self):
        posts = dict(self._fields["post"]._description_selection(self.env))
        for recall in self:
            recall.display_name = self.env._("Recall of %(name)s (%(post)s)", name=recall.person_id.name or "",
                                             post=posts.get(recall.post, ""))

    @api.model_create_multi
    def create(self, vals_list):
        check_flow_create(self, vals_list, RECALL_FLOW_FIELDS, "mobilization_state_change", {"state": "draft"})
        recalls = super().create(vals_list)
        recalls.downgrade_id.with_context(mobilization_state_change=WORKFLOW).write({"recall_proposed": True})
        return recalls

    def write(self, vals):
        check_flow_write(self, vals, RECALL_FLOW_FIELDS, "mobilization_state_change")
        if set(vals) - RECALL_FLOW_FIELDS - {"decision_note", "message_main_attachment_id"} and any(
                recall.state != "draft" for recall in self):
            raise UserError(self.env._("A submitted recall proposal cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_drafts_only(self):
        if any(recall.state != "draft" for recall in self):
            raise UserError(self.env._("Only a recall proposal not yet submitted can be deleted."))

    def _set_state(self, state, **values):
        self.with_context(mobilization_state_change=WORKFLOW).write(dict(values, state=state))

    def action_submit(self):
        """The branch submits the proposal to the town committee."""
        activity_type = self.env.ref(APPROVAL_ACTIVITY)
        for recall in self:
            if recall.state != "draft":
                raise UserError(self.env._("Only a recall proposal can be submitted."))
            if not (recall.reason or "").strip():
                raise UserError(self.env._("Give the grounds for the recall first."))
            recall._set_state("submitted", submit_date=party_today(self))
            town = recall.project_id._town_organization()
            recall.activity_schedule(
                activity_type_id=activity_type.id, user_id=town._get_responsible_user().id,
                summary=self.env._("Review the recall of %s", recall.person_id.name))
        return True

    def _check_review(self):
        for recall in self:
            if recall.state != "submitted":
                raise UserError(self.env._("Only a recall under review can be decided."))
            recall.project_id._check_town_officer()

    def action_recall(self):
        """The town committee recalls the person: the post is cleared from the villager's record."""
        self._check_review()
        today = party_today(self)
        for recall in self:
            recall._set_state("recalled", decision_date=today, decided_by_id=self.env.user.id)
            field = POST_ROLE_FIELD[recall.post]
            if recall.person_id[field]:
                recall.person_id.write({field: False})
            posts = dict(self._fields["post"]._description_selection(self.env))
            recall.person_id.message_post(body=self.env._(
                "Recalled from the post of %(post)s by the town committee: %(reason)s",
                post=posts[recall.post], reason=recall.reason))
            if recall.person_id.member_id:
                recall.person_id.member_id.message_post(body=self.env._(
                    "Recalled from the post of %(post)s by the town committee after the ordered mobilization "
                    "“%(project)s”.", post=posts[recall.post], project=recall.project_id.name))
        self.activity_feedback([APPROVAL_ACTIVITY], feedback=self.env._("Recalled"))
        return True

    def action_reject(self):
        """The town committee does not recall the person (the reason is required)."""
        self._check_review()
        for recall in self:
            if not (recall.decision_note or "").strip():
                raise UserError(self.env._("Write the decision of the town first."))
        self._set_state("rejected", decision_date=party_today(self), decided_by_id=self.env.user.id)
        self.activity_feedback([APPROVAL_ACTIVITY], feedback=self.env._("Not recalled"))
        return True

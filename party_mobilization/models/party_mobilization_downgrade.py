from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.party_member_points.models.party_freeze_mixin import DELETE
from odoo.addons.party_member_points.models.party_workflow import WORKFLOW, check_flow_create, check_flow_write

DOWNGRADE_ROLES = [
    ("cadre", "Village Cadre"),
    ("representative", "Villager Representative"),
]
DOWNGRADE_STATES = [
    ("proposed", "Proposed"),
    ("confirmed", "Confirmed by the Town"),
    ("withdrawn", "Withdrawn"),
]


class PartyMobilizationDowngrade(models.Model):
    """Note for the year-end appraisal of a village cadre or villager representative who resisted a mobilization
    (S000: 属村干部、村民代表的，采取批评教育、年终考核降档等方式进行处理，情节严重的，可…罢免)."""

    _name = "party.mobilization.downgrade"
    _description = "Appraisal Downgrade Note"
    _inherit = ["party.mobilization.result.mixin", "mail.thread", "party.freeze.mixin"]
    # What each state freezes (party.freeze.mixin): the town's decision.
    _party_freeze = {
        state: ("project_id", "participant_id", "date", "reason", "role", "recall_proposed", "town_note", DELETE)
        for state in ("confirmed", "withdrawn")
    }
    _order = "date desc, id desc"

    role = fields.Selection(DOWNGRADE_ROLES, required=True)
    state = fields.Selection(DOWNGRADE_STATES, required=True, default="proposed", tracking=True, index=True)
    recall_proposed = fields.Boolean(string="Recall Proposed", tracking=True,
                                     help="Serious case: recall from the post of cadre or representative proposed.")
    town_note = fields.Text(string="Decision of the Town", tracking=True)
    recall_ids = fields.One2many("party.mobilization.recall", "downgrade_id", string="Recall Procedures")

    @api.depends("project_id", "person_id")
    def _compute_display_name(self):
        for note in self:
            note.display_name = f"{note.person_id.name or ''} - {note.project_id.name or ''}"

    def action_confirm(self):
        for note in self:
            if note.state != "proposed":
                raise UserError(self.env._("Only a proposed downgrade can be confirmed."))
            note.project_id._check_town_officer()
        self.with_context(mobilization_state_change=WORKFLOW).write({"state": "confirmed"})
        self._feed_cadre_appraisal()
        return True

    def action_propose_recall(self):
        """Serious case: the branch proposes the recall (罢免) of the cadre or representative; the town reviews it."""
        self.ensure_one()
        if self.state == "withdrawn":
            raise UserError(self.env._("A withdrawn downgrade note cannot lead to a recall."))
        if self.recall_ids.filtered(lambda r: r.state in ("draft", "submitted")):
            raise UserError(self.env._("A recall of %s is already under way.", self.person_id.name))
        recall = self.env["party.mobilization.recall"].create({"downgrade_id": self.id, "reason": self.reason})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Recall"),
            "res_model": "party.mobilization.recall",
            "res_id": recall.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_withdraw(self):
        for note in self:
            if note.state != "proposed":
                raise UserError(self.env._("Only a proposed downgrade can be withdrawn."))
            note.project_id._check_town_officer()
            if not (note.town_note or "").strip():
                raise UserError(self.env._("Write the decision of the town first."))
        self.with_context(mobilization_state_change=WORKFLOW).write({"state": "withdrawn"})
        return True

    @api.model_create_multi
    def create(self, vals_list):
        check_flow_create(self, vals_list, {"state"}, "mobilization_state_change", {"state": "proposed"})
        return super().create(vals_list)

    def write(self, vals):
        check_flow_write(self, vals, {"state"}, "mobilization_state_change")
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_admin(self):
        if not self.env.user.has_group("party_member_points.group_party_admin"):
            raise UserError(self.env._("An appraisal downgrade note cannot be deleted; withdraw it instead."))

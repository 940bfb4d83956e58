from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.party_member_points.models.party_freeze_mixin import DELETE
from odoo.addons.party_member_points.models.party_workflow import WORKFLOW, check_flow_create, check_flow_write

CONVERSION_STATES = [
    ("open", "Conversion Started"),
    ("converted", "Converted"),
    ("handled", "Organizational Handling"),
]
CONVERSION_FLOW_FIELDS = {"state", "result_date", "points", "points_entry_ref"}


class PartyMobilizationConversion(models.Model):
    """Written "below standard" (欠合格) conversion procedure of a party member who resisted a mobilization
    (S000: 适时启动“欠合格”党员书面转化程序，情节严重的，按照党员不接受组织分配工作给予组织处理).

    The democratic evaluation reads the open and past conversions of a member (``member_id``, ``year``, ``state``).
    """

    _name = "party.mobilization.conversion"
    _description = "Below-standard Conversion"
    _inherit = ["party.mobilization.result.mixin", "mail.thread", "mail.activity.mixin", "party.freeze.mixin"]
    # What each state freezes (party.freeze.mixin): the outcome of the conversion.
    _party_freeze = {
        state: ("project_id", "participant_id", "date", "reason", "measures", "result_note", DELETE)
        for state in ("converted", "handled")
    }
    _order = "date desc, id desc"

    state = fields.Selection(CONVERSION_STATES, required=True, default="open", tracking=True, index=True)
    measures = fields.Text(string="Education and Measures", help="Criticism and education, helpers, deadline.")
    result_note = fields.Text(string="Outcome", tracking=True)
    result_date = fields.Date(string="Outcome Date", readonly=True)
    points = fields.Float(readonly=True, help="Points deducted from the member's ledger.")
    points_entry_ref = fields.Reference(selection="_selection_points_entry", string="Points Entry", readonly=True)

    @api.depends("project_id", "person_id")
    def _compute_display_name(self):
        for conversion in self:
            conversion.display_name = f"{conversion.person_id.name or ''} - {conversion.project_id.name or ''}"

    def _close(self, state):
        for conversion in self:
            if conversion.state != "open":
                raise UserError(self.env._("This conversion procedure is already concluded."))
            if not (conversion.result_note or "").strip():
                raise UserError(self.env._("Write the outcome of the conversion procedure first."))
        self.with_context(mobilization_state_change=WORKFLOW).write(
            {"state": state, "result_date": fields.Date.context_today(self)})
        return True

    def action_converted(self):
        return self._close("converted")

    def action_handled(self):
        return self._close("handled")

    @api.model_create_multi
    def create(self, vals_list):
        check_flow_create(self, vals_list, CONVERSION_FLOW_FIELDS, "mobilization_state_change", {"state": "open"})
        return super().create(vals_list)

    def write(self, vals):
        check_flow_write(self, vals, CONVERSION_FLOW_FIELDS, "mobilization_state_change")
        if self.filtered(lambda c: c.state != "open") and set(vals) - CONVERSION_FLOW_FIELDS - {
                "message_main_attachment_id"}:
            raise UserError(self.env._("A concluded conversion procedure is part of the member's record."))
        return super().write(vals)

    def unlink(self):
        if not self.env.user.has_group("party_member_points.group_party_admin"):
            raise UserError(self.env._("A conversion procedure is part of the member's record and cannot be deleted."))
        return super().unlink()

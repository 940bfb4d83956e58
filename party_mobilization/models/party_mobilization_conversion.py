from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.party_member_points.models.party_member_sanction import SANCTION_TYPES
from odoo.addons.party_member_points.models.party_freeze_mixin import DELETE
from odoo.addons.party_member_points.models.party_workflow import WORKFLOW, check_flow_create, check_flow_write
from odoo.addons.party_member_points.tools.clock import party_today

CONVERSION_STATES = [
    ("open", "Conversion Started"),
    ("converted", "Converted"),
    ("handled", "Organizational Handling"),
]
# Organizational handling of a member who would not be converted (seed 000: 谈话告诫、限期改正、劝退出党和党内除名;
# 情节严重的，按照党员不接受组织分配工作给予组织处理), or a disciplinary sanction.
HANDLINGS = [
    ("talk_warning", "Warning Talk"),
    ("correction", "Correction within a Time Limit"),
    ("persuaded_out", "Persuaded to Leave the Party"),
    ("removed", "Removed from the Party"),
    ("sanction", "Disciplinary Sanction"),
]
HANDLING_STATUS = {"persuaded_out": "persuaded_out", "removed": "removed"}
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
        state: ("project_id", "participant_id", "date", "reason", "measures", "result_note", "handling",
                "sanction_type", DELETE)
        for state in ("converted", "handled")
    }
    _order = "date desc, id desc"

    state = fields.Selection(CONVERSION_STATES, required=True, default="open", tracking=True, index=True)
    measures = fields.Text(string="Education and Measures", help="Criticism and education, helpers, deadline.")
    result_note = fields.Text(string="Outcome", tracking=True)
    result_date = fields.Date(string="Outcome Date", readonly=True)
    handling = fields.Selection(HANDLINGS, string="Organizational Handling", tracking=True,
                                help="What the branch decides when the member is not converted: recorded in the "
                                     "member register.")
    sanction_type = fields.Selection(SANCTION_TYPES, tracking=True)
    sanction_id = fields.Many2one("party.member.sanction", string="Sanction", readonly=True, copy=False)
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
            {"state": state, "result_date": party_today(self)})
        return True

    def action_converted(self):
        return self._close("converted")

    def action_handled(self):
        self._apply_handling()
        return self._close("handled")

    def _apply_handling(self):
        """Record the organizational handling in the member register (issue 17 item 9): a sanction, a status
        change (persuaded out, removed) or a warning talk / correction noted on the member."""
        today = party_today(self)
        handlings = dict(self._fields["handling"]._description_selection(self.env))
        for conversion in self:
            if conversion.state != "open":
                raise UserError(self.env._("This conversion procedure is already concluded."))
            if not conversion.handling:
                raise UserError(self.env._("Choose the organizational handling first."))
            if not (conversion.result_note or "").strip():
                raise UserError(self.env._("Write the outcome of the conversion procedure first."))
            member = conversion.member_id
            if not member:
                raise UserError(self.env._(
                    "%s has no party member record in this register: handle them in their own organization.",
                    conversion.person_id.name))
            reason = self.env._("Ordered mobilization “%(project)s”: %(outcome)s",
                                project=conversion.project_id.name, outcome=conversion.result_note)
            if conversion.handling == "sanction":
                if not conversion.sanction_type:
                    raise UserError(self.env._("Choose the kind of sanction first."))
                sanction = self.env["party.member.sanction"].create({
                    "member_id": member.id, "sanction_type": conversion.sanction_type, "date_start": today,
                    "decided_by": conversion.organization_id.display_name, "reason": reason})
                conversion.sanction_id = sanction
            elif conversion.handling in HANDLING_STATUS:
                member._set_status(HANDLING_STATUS[conversion.handling], today, reason)
            member.message_post(body=self.env._(
                "Organizational handling after the below-standard conversion: %(handling)s. %(reason)s",
                handling=handlings[conversion.handling], reason=reason))

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

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_admin(self):
        if not self.env.user.has_group("party_member_points.group_party_admin"):
            raise UserError(self.env._("A conversion procedure is part of the member's record and cannot be deleted."))

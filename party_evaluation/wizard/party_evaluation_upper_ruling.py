from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models import evaluation_rules as rules
from ..models.party_evaluation_participant import DISPOSALS


class PartyEvaluationUpperRuling(models.TransientModel):
    """The upper committee rules directly on one member after its review (seed 000 四.1: 上级党组织认为党支部
    处理不当的,有权予以否决 ... 或直接作出认定结果和处置决定): the grade, the disposal and the reason."""

    _name = "party.evaluation.upper.ruling"
    _description = "Upper Committee's Direct Ruling"

    participant_id = fields.Many2one("party.evaluation.participant", required=True, ondelete="cascade")
    branch_grade = fields.Selection(rules.GRADES, string="Branch Resolution", readonly=True)
    grade = fields.Selection(rules.GRADES, required=True)
    disposal = fields.Selection(DISPOSALS)
    reason = fields.Text(required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        participant = self.env["party.evaluation.participant"].browse(values.get("participant_id"))
        if participant:
            values.setdefault("branch_grade", participant.final_grade)
            values.setdefault("grade", participant.final_grade)
        return values

    def action_confirm(self):
        self.ensure_one()
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(self.env._("Write the reason of the ruling."))
        self.participant_id._do_upper_ruling(self.grade, self.disposal, reason)
        return {"type": "ir.actions.act_window_close"}

from odoo import api, fields, models


class PartyMember(models.Model):
    _inherit = "party.member"

    evaluation_participant_ids = fields.One2many(
        "party.evaluation.participant", "member_id", string="Democratic Evaluations",
        groups="party_member_points.group_party_officer")

    @api.model
    def _assigned_work_refused(self, member, date_from, date_to):
        """True when ``member`` did not carry out work assigned by the party organization between ``date_from``
        and ``date_to`` (S000 ①: 不能完成党组织所分配工作的党员 ... 一律认定为不合格党员). The evaluation records no
        assignments itself: modules that do (the mobilization batches a member refused to carry out) extend this
        method and return True from their records."""
        return False

from odoo import fields, models


class PartyMember(models.Model):
    _inherit = "party.member"

    evaluation_participant_ids = fields.One2many(
        "party.evaluation.participant", "member_id", string="Democratic Evaluations",
        groups="party_member_points.group_party_officer")

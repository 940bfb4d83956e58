from odoo import fields, models

from ..models import evaluation_rules as rules


class PartyEvaluationBallotEntryLine(models.TransientModel):
    _name = "party.evaluation.ballot.entry.line"
    _description = "Ballot Entry Line"
    _order = "party_group_id, member_name, id"

    wizard_id = fields.Many2one("party.evaluation.ballot.entry", required=True, ondelete="cascade")
    participant_id = fields.Many2one("party.evaluation.participant", string="Evaluated Member", required=True,
                                     ondelete="cascade", readonly=True)
    member_name = fields.Char(related="participant_id.member_name", string="Name")
    party_group_id = fields.Many2one(related="participant_id.party_group_id")
    grade = fields.Selection(rules.VOTE_CHOICES, help="Left empty, the grade counts as an abstention.")

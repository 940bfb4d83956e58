from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.party_member_points.models.party_workflow import in_workflow

from . import evaluation_rules as rules


class PartyEvaluationBallotLine(models.Model):
    """The grade a ballot gives one evaluated member. Like the ballot, it keeps no trace of who wrote it
    (``_log_access = False``, no link to a voter)."""

    _name = "party.evaluation.ballot.line"
    _description = "Evaluation Ballot Line"
    _log_access = False
    _order = "ballot_id, participant_id"

    ballot_id = fields.Many2one("party.evaluation.ballot", required=True, ondelete="cascade", index=True)
    participant_id = fields.Many2one("party.evaluation.participant", string="Evaluated Member", required=True,
                                     ondelete="cascade", index=True)
    grade = fields.Selection(rules.VOTE_CHOICES, required=True, default="abstain")
    campaign_id = fields.Many2one(related="ballot_id.campaign_id", store=True, index=True)
    company_id = fields.Many2one(related="ballot_id.company_id", store=True)
    round = fields.Integer(related="ballot_id.round", store=True)
    voter_type = fields.Selection(related="ballot_id.voter_type", store=True)
    spoiled = fields.Boolean(related="ballot_id.spoiled", store=True)

    _sql_constraints = [
        ("ballot_participant_uniq", "unique(ballot_id, participant_id)", "A ballot grades each member once."),
    ]

    def init(self):
        # room in each page: the tally rewrites the grade of every line in place (HOT updates, no index entry
        # per line; see party.evaluation.ballot._shuffle_round)
        self.env.cr.execute("ALTER TABLE party_evaluation_ballot_line SET (fillfactor = 50)")

    def _check_through_ballot(self):
        if not in_workflow(self.env, "evaluation_ballot_lines"):
            raise UserError(self.env._("The grades of a ballot are changed on the ballot itself."))

    @api.model_create_multi
    def create(self, vals_list):
        self._check_through_ballot()
        self.env["party.evaluation.ballot"].browse({vals.get("ballot_id") for vals in vals_list}) \
            ._check_editable_ballot()
        return super().create(vals_list)

    def write(self, vals):
        self._check_through_ballot()
        self.ballot_id._check_editable_ballot()
        return super().write(vals)

    def unlink(self):
        self._check_through_ballot()
        self.ballot_id._check_editable_ballot()
        return super().unlink()

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from . import evaluation_rules as rules

GRADE_FIELDS = ("excellent", "qualified", "basic", "unqualified", "abstain")
# States in which the tellers enter the counts of the village cadres' ballot forms.
ENTRY_STATES = ("voting", "tallied")


class PartyEvaluationCadreTally(models.Model):
    """The appraisal of a party member village cadre on the separate ballot form (seed 002-J 七.4(6): 组织全体党员、
    列席群众代表 ... 对党员村干部进行民主测评; 九.1(6): 两种党员民主测评表,一种是对普通党员的,一种是对党员村干部的):
    everyone present, members and public, fills it in; the tellers enter the counts, tallied and printed apart."""

    _name = "party.evaluation.cadre.tally"
    _description = "Village Cadre Appraisal"
    _order = "campaign_id, id"
    _rec_name = "participant_id"

    campaign_id = fields.Many2one("party.evaluation.campaign", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="campaign_id.company_id", store=True, index=True)
    organization_id = fields.Many2one(related="campaign_id.organization_id", store=True, index=True)
    participant_id = fields.Many2one("party.evaluation.participant", string="Village Cadre", required=True,
                                     ondelete="cascade")
    member_id = fields.Many2one(related="participant_id.member_id")
    side_records = fields.Text(related="participant_id.side_records")
    excellent = fields.Integer()
    qualified = fields.Integer()
    basic = fields.Integer(string="Basically Qualified")
    unqualified = fields.Integer()
    abstain = fields.Integer()
    votes = fields.Integer(string="Valid Forms", compute="_compute_share")
    qualified_share = fields.Float(string="Qualified Share", compute="_compute_share")

    _sql_constraints = [
        ("campaign_participant_uniq", "unique(campaign_id, participant_id)",
         "A village cadre is appraised once per campaign."),
    ]

    @api.depends(*GRADE_FIELDS, "campaign_id.basic_counts_as_qualified")
    def _compute_share(self):
        for tally in self:
            counts = [tally[name] for name in GRADE_FIELDS]
            tally.votes = sum(counts)
            tally.qualified_share = rules.qualified_share(
                *counts, basic_counts=tally.campaign_id.basic_counts_as_qualified)

    @api.constrains(*GRADE_FIELDS)
    def _check_counts(self):
        for tally in self:
            if min(tally[name] for name in GRADE_FIELDS) < 0:
                raise ValidationError(self.env._("Vote counts cannot be negative."))
            campaign = tally.campaign_id
            present = campaign.present_count + campaign.mass_reps_present
            if tally.votes > present:
                raise ValidationError(self.env._(
                    "%(name)s: %(votes)s forms counted, but only %(present)s people (members and mass "
                    "representatives) are present.", name=tally.member_id.name, votes=tally.votes, present=present))

    @api.constrains("participant_id", "campaign_id")
    def _check_participant(self):
        for tally in self:
            if tally.participant_id.campaign_id != tally.campaign_id or not tally.participant_id.is_village_cadre:
                raise ValidationError(self.env._("Only the village cadres of the campaign are appraised on this form."))

    @api.model_create_multi
    def create(self, vals_list):
        tallies = super().create(vals_list)
        tallies._check_entry_state()
        return tallies

    def write(self, vals):
        self._check_entry_state()
        return super().write(vals)

    def _check_entry_state(self):
        for tally in self:
            if tally.campaign_id.state not in ENTRY_STATES:
                raise UserError(self.env._(
                    "The village cadres' forms are counted during the vote or after it, before the committee "
                    "decides (%s).", tally.campaign_id.name))

from odoo import api, fields, models

from odoo.addons.party_member_points.models.party_workflow import WORKFLOW
from odoo.addons.party_member_points.tools.clock import party_today


class PartyMobilizationResultMixin(models.AbstractModel):
    """Common fields of the acceptance results of a participant: commendations, below-standard conversions and
    appraisal downgrade notes."""

    _name = "party.mobilization.result.mixin"
    _description = "Mobilization Acceptance Result"

    project_id = fields.Many2one("party.mobilization.project", required=True, index=True, ondelete="restrict")
    participant_id = fields.Many2one("party.mobilization.participant", required=True, index=True,
                                     ondelete="restrict")
    person_id = fields.Many2one(related="participant_id.person_id", store=True, index=True, string="Person")
    member_id = fields.Many2one("party.member", string="Party Member", compute="_compute_member_id", store=True,
                                index=True)
    identity = fields.Selection(related="participant_id.identity", store=True)
    organization_id = fields.Many2one(related="project_id.organization_id", store=True, index=True)
    company_id = fields.Many2one(related="project_id.company_id", store=True, index=True)
    date = fields.Date(required=True, default=party_today)
    year = fields.Integer(compute="_compute_year", store=True, index=True, aggregator=False,
                          help="Year of the appraisal or evaluation the result counts for.")
    reason = fields.Text(required=True)

    @api.depends("participant_id")
    def _compute_member_id(self):
        for result in self:
            person = result.participant_id.person_id
            result.member_id = person.member_id if person.is_party_member else False

    @api.depends("date")
    def _compute_year(self):
        for result in self:
            result.year = result.date.year if result.date else 0

    @api.model
    def _selection_points_entry(self):
        if "party.points.entry" in self.env:
            return [("party.points.entry", self.env["ir.model"]._get("party.points.entry").name)]
        return []

    def _set_points_entry(self, entry):
        """Keep the link to the points entry posted for this result (models with ``points`` fields)."""
        self.ensure_one()
        if entry:
            self.with_context(mobilization_state_change=WORKFLOW).write({
                "points_entry_ref": f"{entry._name},{entry[:1].id}",
                "points": sum(entry.mapped("points")) if "points" in entry._fields else 0.0})

    def _feed_cadre_appraisal(self):
        """Year-end appraisal (issue 17 item 11): a commendation or confirmed downgrade of a village cadre or
        villager representative lands on their appraisal record of the year."""
        Appraisal = self.env["party.mobilization.cadre.appraisal"]
        for result in self:
            person = result.person_id
            if person and result.year and (person.is_cadre or person.is_representative
                                           or int(result.identity or 7) <= 4):
                Appraisal._ensure(person, result.year)

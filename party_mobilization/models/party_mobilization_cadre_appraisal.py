from odoo import api, fields, models

APPRAISAL_OUTCOMES = [
    ("downgraded", "Downgraded"),
    ("commended", "Commended"),
    ("mixed", "Commended and Downgraded"),
    ("none", "No Mobilization Result"),
]


def appraisal_outcome(downgrades, commendations):
    """Mobilization part of a village cadre's year-end appraisal (S000 五、总结验收: 年终考核表彰; 几点要求 3: 年终
    考核降档): each confirmed downgrade note lowers the grade one step, each commendation raises it."""
    if downgrades and commendations:
        return "mixed"
    if downgrades:
        return "downgraded"
    if commendations:
        return "commended"
    return "none"


class PartyMobilizationCadreAppraisal(models.Model):
    """Year-end appraisal record of a village cadre or villager representative, fed by the ordered mobilizations of
    the year: confirmed appraisal downgrades and commendations. Shown beside the member's democratic evaluation."""

    _name = "party.mobilization.cadre.appraisal"
    _description = "Cadre Year-end Appraisal (Mobilization)"
    _inherit = ["mail.thread"]
    _order = "year desc, organization_id, person_id"

    person_id = fields.Many2one("party.mobilization.person", string="Person", required=True, index=True,
                                ondelete="restrict")
    member_id = fields.Many2one(related="person_id.member_id", store=True, index=True, string="Party Member")
    organization_id = fields.Many2one(related="person_id.organization_id", store=True, index=True)
    company_id = fields.Many2one(related="person_id.company_id", store=True, index=True)
    identity = fields.Selection(related="person_id.identity", string="Current Identity")
    year = fields.Integer(required=True, index=True, aggregator=False)
    downgrade_ids = fields.Many2many("party.mobilization.downgrade", compute="_compute_results",
                                     string="Confirmed Downgrades")
    commendation_ids = fields.Many2many("party.mobilization.commendation", compute="_compute_results",
                                        string="Commendations")
    downgrade_count = fields.Integer(compute="_compute_results", string="Downgrade Steps")
    commendation_count = fields.Integer(compute="_compute_results", string="Commendations Count")
    outcome = fields.Selection(APPRAISAL_OUTCOMES, compute="_compute_results", string="Mobilization Result")
    grade_note = fields.Text(string="Appraisal Note", tracking=True)

    _sql_constraints = [
        ("person_year_uniq", "unique(person_id, year)", "A person has one appraisal record a year."),
    ]

    @api.depends("person_id", "year")
    def _compute_results(self):
        Downgrade = self.env["party.mobilization.downgrade"]
        Commendation = self.env["party.mobilization.commendation"]
        domain = [("person_id", "in", self.person_id.ids), ("year", "in", list(set(self.mapped("year"))))]
        downgrades = Downgrade.search(domain + [("state", "=", "confirmed")])
        commendations = Commendation.search(domain)
        for appraisal in self:
            mine = downgrades.filtered(lambda d, a=appraisal: d.person_id == a.person_id and d.year == a.year)
            praised = commendations.filtered(lambda c, a=appraisal: c.person_id == a.person_id and c.year == a.year)
            appraisal.downgrade_ids = mine
            appraisal.commendation_ids = praised
            appraisal.downgrade_count = len(mine)
            appraisal.commendation_count = len(praised)
            appraisal.outcome = appraisal_outcome(len(mine), len(praised))

    @api.depends("person_id", "year")
    def _compute_display_name(self):
        for appraisal in self:
            appraisal.display_name = f"{appraisal.person_id.name or ''} {appraisal.year or ''}".strip()

    @api.model
    def _ensure(self, person, year):
        """The appraisal record of ``person`` for ``year``, created when missing."""
        appraisal = self.search([("person_id", "=", person.id), ("year", "=", year)], limit=1)
        return appraisal or self.create({"person_id": person.id, "year": year})

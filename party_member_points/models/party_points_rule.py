from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .party_points_logic import tiered_points

RULE_CATEGORIES = [
    ("attendance", "Organizational Life"),
    ("leave", "Leave and Absence"),
    ("dues", "Party Dues"),
    ("study", "Study"),
    ("service", "Service and Volunteering"),
    ("contribution", "Contribution"),
    ("commendation", "Commendation"),
    ("evaluation", "Evaluation"),
    ("mobilization", "Mobilization"),
    ("discipline", "Discipline"),
    ("other", "Other"),
]

RECORDERS = [
    ("member", "Member Claim or Leader"),
    ("leader", "Group Leader or Officer"),
    ("officer", "Branch Officer"),
    ("system", "Automatic Only"),
]

LIMIT_PERIODS = [
    ("month", "Month"),
    ("quarter", "Quarter"),
    ("year", "Year"),
]


class PartyPointsRule(models.Model):
    """One item of the points table: what earns or costs how many points, how often, recorded by whom."""

    _name = "party.points.rule"
    _description = "Points Rule"
    _order = "scheme_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, index=True,
                       help="Technical code, unique in the scheme; automatic entries use it (e.g. attendance).")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    scheme_id = fields.Many2one("party.points.scheme", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="scheme_id.company_id", store=True)
    component_id = fields.Many2one("party.points.component", required=True, ondelete="restrict",
                                   domain="[('scheme_id', '=', scheme_id)]")
    category = fields.Selection(RULE_CATEGORIES, required=True, default="other")
    points = fields.Float(required=True, help="Points per occurrence; negative for a deduction.")
    allow_custom_points = fields.Boolean(
        string="Variable Points",
        help="The recorder may enter fewer points than the rule's value (e.g. study notes 1 to 12 a year).")
    limit_period = fields.Selection(LIMIT_PERIODS, required=True, default="year", string="Limit Period",
                                    help="Period over which the count limit and the cap are counted.")
    count_limit = fields.Integer(string="Count Limit", help="Most occurrences per limit period; 0 means no limit.")
    cap_points = fields.Float(string="Cap", help="Most points of this rule per limit period (absolute value for "
                                                 "deductions); 0 means no cap.")
    free_count = fields.Integer(string="Free Occurrences",
                                help="Occurrences per year that give no points (leave for work: 6).")
    tier_count = fields.Integer(string="Reduced Occurrences",
                                help="Occurrences after the free ones that give the reduced points.")
    tier_points = fields.Float(string="Reduced Points", help="Points of the reduced occurrences (personal leave: -1).")
    recorder = fields.Selection(RECORDERS, required=True, default="leader", string="Recorded by")
    evidence_required = fields.Boolean(string="Evidence Required",
                                       help="A claim needs an attached proof before it can be submitted.")
    description = fields.Text(translate=True)

    _sql_constraints = [
        ("code_scheme_uniq", "unique(scheme_id, code)", "The rule code must be unique in its scheme."),
    ]

    @api.depends("name", "points")
    def _compute_display_name(self):
        for rule in self:
            rule.display_name = f"{rule.name} ({rule.points:+g})"

    @api.constrains("component_id", "scheme_id")
    def _check_component(self):
        for rule in self:
            if rule.component_id.scheme_id != rule.scheme_id:
                raise ValidationError(self.env._("%s: the component belongs to another scheme.", rule.name))

    @api.constrains("count_limit", "cap_points", "free_count", "tier_count")
    def _check_limits(self):
        for rule in self:
            if min(rule.count_limit, rule.cap_points, rule.free_count, rule.tier_count) < 0:
                raise ValidationError(self.env._("%s: limits cannot be negative.", rule.name))

    def _points_for_occurrence(self, nth):
        """Points of the ``nth`` occurrence of the year, applying the free and reduced occurrences."""
        self.ensure_one()
        return tiered_points(nth, self.points, self.free_count, self.tier_count, self.tier_points)

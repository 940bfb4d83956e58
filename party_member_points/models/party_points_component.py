from odoo import api, fields, models
from odoo.exceptions import ValidationError


class PartyPointsComponent(models.Model):
    """A component of a scheme (organizational life 35, study 25, rules 20, vanguard role 20...)."""

    _name = "party.points.component"
    _description = "Points Component"
    _order = "scheme_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    scheme_id = fields.Many2one("party.points.scheme", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="scheme_id.company_id", store=True)
    max_points = fields.Float(
        string="Maximum", help="Highest subtotal the component can reach in a scoring period (the year, or the "
                               "quarter for schemes scored per quarter). 0 means no upper limit.")
    start_points = fields.Float(
        string="Starting Points",
        help="Points every member starts the year with in this component, e.g. a base of 70 that only "
             "deductions reduce (S003 P9).")
    is_core = fields.Boolean(
        string="Core Component",
        help="Basic components (organizational life, study, rules): below the scheme's core bar a member cannot "
             "get four or five stars.")
    count_limit = fields.Integer(
        string="Count Limit",
        help="Most entries of this component per limit period, whatever the rule: e.g. one public evaluation each "
             "half-year, twice a year (S003 P9). 0 means no limit.")
    limit_period = fields.Selection(
        [("quarter", "Quarter"), ("half_year", "Half-year"), ("year", "Year")], default="half_year",
        string="Limit Period", required=True)
    note = fields.Text(translate=True)

    _sql_constraints = [
        ("code_scheme_uniq", "unique(scheme_id, code)", "The component code must be unique in its scheme."),
    ]

    @api.depends("name", "max_points")
    def _compute_display_name(self):
        for component in self:
            if component.max_points:
                component.display_name = f"{component.name} ({component.max_points:g})"
            else:
                component.display_name = component.name

    @api.constrains("max_points", "start_points", "count_limit")
    def _check_points(self):
        for component in self:
            if component.max_points < 0 or component.start_points < 0 or component.count_limit < 0:
                raise ValidationError(self.env._("%s: maximum and starting points cannot be negative.",
                                                 component.name))
            if component.max_points and component.start_points > component.max_points:
                raise ValidationError(self.env._("%s: the starting points cannot exceed the maximum.",
                                                 component.name))

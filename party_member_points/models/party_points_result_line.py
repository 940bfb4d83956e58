from odoo import fields, models


class PartyPointsResultLine(models.Model):
    """Subtotal of one component in a member's annual result."""

    _name = "party.points.result.line"
    _description = "Annual Points Result Line"
    _order = "result_id, sequence, id"

    result_id = fields.Many2one("party.points.result", required=True, ondelete="cascade", index=True)
    member_id = fields.Many2one(related="result_id.member_id", store=True)
    year = fields.Integer(related="result_id.year", store=True, aggregator=None)
    organization_id = fields.Many2one(related="result_id.organization_id", store=True)
    company_id = fields.Many2one(related="result_id.company_id", store=True)
    component_id = fields.Many2one("party.points.component", required=True, ondelete="cascade")
    sequence = fields.Integer(related="component_id.sequence")
    is_core = fields.Boolean(related="component_id.is_core")
    points = fields.Float()
    max_points = fields.Float(string="Maximum")
    percent = fields.Float(string="% of Maximum", aggregator="avg")

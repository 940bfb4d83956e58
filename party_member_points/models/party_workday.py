from odoo import fields, models


class PartyWorkday(models.Model):
    """A make-up working day (调休上班日): a Saturday or Sunday on which the State Council's holiday schedule has
    people work, in exchange for a longer holiday. A publication counted in working days (公示5个工作日, S003 P6)
    counts it, as it skips the public holidays (the company's "Public Holidays" of its working calendar)."""

    _name = "party.workday"
    _description = "Make-up Working Day"
    _order = "date"

    name = fields.Char(string="Reason", required=True, help="E.g. 国庆节调休上班.")
    date = fields.Date(required=True, index=True)
    company_id = fields.Many2one("res.company", string="Company", index=True,
                                 help="Leave empty for a day of the national schedule, valid for every company.")

    _sql_constraints = [
        ("date_company_uniq", "unique(date, company_id)", "This day is already a make-up working day."),
    ]

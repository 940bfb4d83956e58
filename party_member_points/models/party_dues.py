from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.bulk import int_array
from ..tools.clock import party_today
from .party_freeze_mixin import DELETE


class PartyDues(models.Model):
    """One month of party dues (党费) for one member."""

    _name = "party.dues"
    _description = "Party Dues"
    _inherit = ["mail.thread", "party.freeze.mixin"]
    # What each state freezes (party.freeze.mixin): a month paid (on time or late) or exempted stays as decided;
    # its points were posted from it.
    _party_freeze = {
        "paid": ("member_id", "month", "amount_due", "amount_paid", "paid_date", "exempt", DELETE),
        "late": ("member_id", "month", "amount_due", "amount_paid", "paid_date", "exempt", DELETE),
        "exempt": ("member_id", "month", "exempt", "exempt_reason", DELETE),
    }
    _party_freeze_free = ("note",)  # a remark of the treasurer
    _order = "month desc, member_id"
    _rec_name = "member_id"

    member_id = fields.Many2one("party.member", required=True, index=True, ondelete="cascade")
    organization_id = fields.Many2one(related="member_id.organization_id", store=True, index=True)
    company_id = fields.Many2one(related="member_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(required=True, index=True, help="First day of the month the dues are for.")
    amount_due = fields.Monetary(required=True, tracking=True)
    amount_paid = fields.Monetary(tracking=True)
    paid_date = fields.Date(tracking=True)
    due_date = fields.Date(compute="_compute_due_date", store=True,
                           help="Dues are paid within the month they are for.")
    exempt = fields.Boolean(tracking=True, help="Not payable this month for a valid, approved reason.")
    exempt_reason = fields.Char()
    state = fields.Selection([
        ("unpaid", "Unpaid"),
        ("partial", "Short"),
        ("paid", "Paid on Time"),
        ("late", "Paid Late"),
        ("exempt", "Exempt"),
    ], compute="_compute_state", store=True, index=True)
    note = fields.Char()

    _sql_constraints = [
        ("member_month_uniq", "unique(member_id, month)", "There is already a dues line for this member and month."),
        ("amounts_positive", "CHECK(amount_due >= 0 AND amount_paid >= 0)", "Dues amounts cannot be negative."),
    ]

    @api.depends("month")
    def _compute_due_date(self):
        for dues in self:
            dues.due_date = fields.Date.end_of(dues.month, "month") if dues.month else False

    @api.depends("amount_due", "amount_paid", "paid_date", "exempt", "due_date")
    def _compute_state(self):
        for dues in self:
            dues.state = self._dues_state(dues.amount_due, dues.amount_paid, dues.paid_date, dues.due_date,
                                          dues.exempt)

    @api.model
    def _dues_state(self, amount_due, amount_paid, paid_date, due_date, exempt):
        """Exempt, unpaid, short, paid late or on time (paid in full within the month)."""
        if exempt:
            return "exempt"
        if not amount_paid:
            return "unpaid" if amount_due else "paid"
        if amount_paid < amount_due:
            return "partial"
        if paid_date and due_date and paid_date > due_date:
            return "late"
        return "paid"

    @api.constrains("month")
    def _check_month(self):
        for dues in self:
            if dues.month.day != 1:
                raise ValidationError(self.env._("The dues month must be the first day of a month."))

    @api.constrains("amount_paid", "paid_date", "exempt", "exempt_reason")
    def _check_payment(self):
        for dues in self:
            if dues.amount_paid and not dues.paid_date:
                raise ValidationError(self.env._("%s: enter the date the dues were paid.", dues.member_id.name))
            if dues.exempt and not dues.exempt_reason:
                raise ValidationError(self.env._("%s: an exemption needs a reason.", dues.member_id.name))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("month"):
                vals["month"] = fields.Date.start_of(fields.Date.to_date(vals["month"]), "month")
        return super().create(vals_list)

    def action_register_payment(self):
        """Mark the selected lines as paid in full today."""
        today = party_today(self)
        for dues in self:
            if dues.state in ("paid", "late") and dues.amount_paid:
                raise UserError(self.env._("%s: these dues are already paid.", dues.member_id.name))
            dues.write({"amount_paid": dues.amount_due, "paid_date": today})
        return True

    @api.model
    def _generate_month(self, month, organizations=None, amount=None):
        """Create the dues lines of a month for every normal party member that has none yet,
        repeating each member's last amount due (or ``amount``). Returns the new lines."""
        month = fields.Date.start_of(month, "month")
        domain = [("status", "=", "normal"), ("stage", "in", ("probationary", "full"))]
        if organizations:
            domain.append(("organization_id", "child_of", organizations.ids))
        members = self.env["party.member"].search(domain)
        existing = set(self.search([("month", "=", month), ("member_id", "in", members.ids)]).member_id.ids)
        last_amounts = {}
        if amount is None:
            self.flush_model()
            self.env.cr.execute("""
                SELECT DISTINCT ON (member_id) member_id, amount_due
                  FROM party_dues WHERE member_id = ANY(%s::int[]) AND month < %s
              ORDER BY member_id, month DESC
            """, [int_array(members.ids), month])
            last_amounts = dict(self.env.cr.fetchall())
        return self.create([
            {"member_id": member.id, "month": month,
             "amount_due": amount if amount is not None else last_amounts.get(member.id, 0.0)}
            for member in members if member.id not in existing
        ])

    @api.model
    def _cron_generate_month(self):
        self._generate_month(party_today(self))
        return True

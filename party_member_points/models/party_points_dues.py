from dateutil.relativedelta import relativedelta

from odoo import api, models


class PartyDues(models.Model):
    _inherit = "party.dues"

    @api.model_create_multi
    def create(self, vals_list):
        dues = super().create(vals_list)
        dues._post_dues_points()
        return dues

    def write(self, vals):
        before = {dues.id: dues.state for dues in self}
        res = super().write(vals)
        if {"amount_paid", "paid_date", "amount_due", "exempt"} & set(vals):
            self.filtered(lambda d: d.state != before.get(d.id))._post_dues_points()
        return res

    def _post_dues_points(self):
        """Automatic points of paid dues: paid in full within the month +2, paid late -5. Short payments are
        penalized once the month is over (monthly scheduled action). One batch of entries."""
        items = []
        for dues in self:
            if dues.state == "paid" and dues.amount_paid:
                code = "dues_on_time"
            elif dues.state == "late":
                code = "dues_late"
            else:
                continue
            # dues paid in advance count in their own month
            items.append({"member": dues.member_id, "rule_code": code, "source": dues,
                          "date": max(dues.paid_date, dues.month),
                          "description": self.env._("Party dues %s", dues.month.strftime("%Y-%m"))})
        return self.env["party.points.entry"]._post_automatic_multi(items)

    @api.model
    def _post_overdue_dues_points(self, today):
        """Dues of last month (or earlier in the year) still unpaid or short once their month is over: -5 once
        (the late payment later does not cost a second time)."""
        last_month = today.replace(day=1) - relativedelta(months=1)
        overdue = self.sudo().search([
            ("state", "in", ("unpaid", "partial")), ("month", "<=", last_month),
            ("month", ">=", last_month.replace(month=1)), ("member_id.status", "=", "normal")])
        items = [{"member": dues.member_id, "rule_code": "dues_late", "source": dues, "date": today,
                  "description": self.env._("Party dues %s unpaid or short", dues.month.strftime("%Y-%m"))}
                 for dues in overdue if dues.amount_due]
        return self.env["party.points.entry"]._post_automatic_multi(items)

from odoo import api, fields, models


class PartyPointsAppealAnswerWizard(models.TransientModel):
    """Answer an appeal and, when it is accepted, correct the ledger in the same step: reverse the disputed
    entry and/or post a correction entry (e.g. points that were not recorded). Opened again on an accepted
    appeal without correction (button Correct the Points), it only posts the correction."""

    _name = "party.points.appeal.answer.wizard"
    _description = "Answer Points Appeal"

    appeal_id = fields.Many2one("party.points.appeal", required=True)
    appeal_state = fields.Selection(related="appeal_id.state")
    entry_id = fields.Many2one(related="appeal_id.entry_id")
    scheme_id = fields.Many2one("party.points.scheme", compute="_compute_scheme_id")
    outcome = fields.Selection([("accepted", "Accepted"), ("dismissed", "Dismissed")], required=True,
                               default="dismissed")
    answer = fields.Text(help="The reason given to the member.")
    reverse_entry = fields.Boolean(string="Reverse the Disputed Entry",
                                   help="Correct the ledger: the disputed entry is reversed with the answer as reason.")
    correction_rule_id = fields.Many2one(
        "party.points.rule", string="Correction Item",
        domain="[('scheme_id', '=', scheme_id), ('recorder', '!=', 'system')]",
        help="Post a correction entry of this item for the member (e.g. points that were not recorded).")
    correction_custom_points = fields.Boolean(related="correction_rule_id.allow_custom_points")
    correction_points = fields.Float(string="Correction Points")
    correction_date = fields.Date(string="Correction Date",
                                  help="Date of the correction entry: in the period of the appeal.")

    @api.depends("appeal_id")
    def _compute_scheme_id(self):
        for wizard in self:
            wizard.scheme_id = wizard.appeal_id.member_id.organization_id._get_points_scheme()

    @api.onchange("correction_rule_id")
    def _onchange_correction_rule_id(self):
        if self.correction_rule_id:
            self.correction_points = self.correction_rule_id.points
            period = self.appeal_id.period_id
            self.correction_date = self.correction_date or self.entry_id.date or period.date_to

    def action_answer(self):
        self.ensure_one()
        correction = None
        if self.correction_rule_id:
            correction = {"rule": self.correction_rule_id, "points": self.correction_points,
                          "date": self.correction_date or self.appeal_id.period_id.date_to}
        if self.appeal_id.state == "accepted":
            self.appeal_id._post_correction(correction)
        else:
            self.appeal_id._answer(self.outcome, self.answer, reverse_entry=self.reverse_entry,
                                   correction=correction)
        return {"type": "ir.actions.act_window_close"}

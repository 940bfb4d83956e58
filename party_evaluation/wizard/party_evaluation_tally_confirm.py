from odoo import api, fields, models


class PartyEvaluationTallyConfirm(models.TransientModel):
    """The confirmation before the ballots are counted: every anomaly of the round listed (member ballots
    missing, online tokens unused, no public ballot while mass representatives are present, spoiled ballots),
    so that the scrutineers count knowingly; once counted, no ballot can be entered any more."""

    _name = "party.evaluation.tally.confirm"
    _description = "Count the Ballots"

    campaign_id = fields.Many2one("party.evaluation.campaign", required=True, ondelete="cascade")
    anomalies = fields.Text(compute="_compute_anomalies")
    anomaly_count = fields.Integer(compute="_compute_anomalies")

    @api.depends("campaign_id")
    def _compute_anomalies(self):
        for wizard in self:
            lines = wizard.campaign_id._tally_anomalies() if wizard.campaign_id else []
            wizard.anomaly_count = len(lines)
            wizard.anomalies = "\n".join(f"• {line}" for line in lines) or False

    def action_confirm(self):
        self.ensure_one()
        self.campaign_id.action_tally()
        return {"type": "ir.actions.act_window_close"}

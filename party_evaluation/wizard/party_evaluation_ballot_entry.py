from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..models import evaluation_rules as rules
from ..models.party_evaluation_ballot import ENTRY_TABLES


class PartyEvaluationBallotEntry(models.TransientModel):
    """Fast entry of paper ballots by the scrutineers: one screen per ballot, the evaluated members as lines
    with a grade each, then "Save & Next". The wizard keeps nothing once the ballot is saved: its rows are
    deleted, and after the commit its tables are rewritten (``VACUUM FULL``), so that no old row version keeps
    the grades with the time they were typed."""

    _name = "party.evaluation.ballot.entry"
    _description = "Ballot Entry"

    campaign_id = fields.Many2one("party.evaluation.campaign", required=True, ondelete="cascade",
                                  domain="[('state', '=', 'voting')]")
    voter_type = fields.Selection(rules.VOTER_TYPES, required=True, default="member")
    channel = fields.Selection([("paper", "Paper Ballot"), ("booth", "Booth Terminal")], required=True,
                               default="paper")
    spoiled = fields.Boolean(help="Unreadable, marked twice, or otherwise invalid: counted as cast, not tallied.")
    line_ids = fields.One2many("party.evaluation.ballot.entry.line", "wizard_id", string="Grades",
                               compute="_compute_line_ids", store=True, readonly=False)
    next_number = fields.Integer(compute="_compute_progress")
    member_progress = fields.Char(string="Member Ballots", compute="_compute_progress")
    public_progress = fields.Char(string="Public Ballots", compute="_compute_progress")
    graded_count = fields.Integer(compute="_compute_graded_count")

    @api.depends("campaign_id")
    def _compute_line_ids(self):
        for wizard in self:
            participants = wizard.campaign_id.participant_ids.filtered("evaluated")
            wizard.line_ids = [Command.clear()] + [
                Command.create({"participant_id": participant.id}) for participant in participants]

    @api.depends("campaign_id")
    def _compute_progress(self):
        for wizard in self:
            campaign = wizard.campaign_id
            wizard.next_number = campaign.ballot_counter + 1 if campaign else 0
            wizard.member_progress = wizard.public_progress = ""
            if not campaign:
                continue
            wizard.member_progress, wizard.public_progress = campaign._ballot_entry_counters()

    @api.depends("line_ids.grade")
    def _compute_graded_count(self):
        for wizard in self:
            wizard.graded_count = len(wizard.line_ids.filtered("grade"))

    @api.model
    def _action_open(self, campaign, voter_type="member", channel="paper", target="new"):
        wizard = self.create({"campaign_id": campaign.id, "voter_type": voter_type, "channel": channel})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Ballot Entry"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": target,
            "context": {"ballot_entry_target": target},
        }

    def _create_ballot(self):
        self.ensure_one()
        if self.campaign_id.state != "voting":
            raise UserError(self.env._("Voting is not open for %s.", self.campaign_id.name))
        vals = {"campaign_id": self.campaign_id.id, "voter_type": self.voter_type, "channel": self.channel,
                "spoiled": self.spoiled}
        if not self.spoiled:
            vals["line_ids"] = [Command.create({"participant_id": line.participant_id.id,
                                                "grade": line.grade or "abstain"}) for line in self.line_ids]
        ballot = self.env["party.evaluation.ballot"].create(vals)
        ballot._vacuum_after_commit(ENTRY_TABLES)
        return ballot

    def action_save_next(self):
        """Save this ballot and open an empty one for the same campaign and voter type."""
        self.ensure_one()
        self._create_ballot()
        campaign, voter_type, channel = self.campaign_id, self.voter_type, self.channel
        target = self.env.context.get("ballot_entry_target", "new")
        Entry = self.env[self._name]
        # nothing of the ballot stays in the wizard's table
        self.unlink()
        return Entry._action_open(campaign, voter_type, channel, target)

    def action_save_close(self):
        self.ensure_one()
        self._create_ballot()
        campaign = self.campaign_id
        self.unlink()
        if self.env.context.get("ballot_entry_target") == "current":
            return {"type": "ir.actions.act_window", "res_model": campaign._name, "res_id": campaign.id,
                    "view_mode": "form", "target": "current"}
        return {"type": "ir.actions.act_window_close"}

    def action_fill_blanks(self):
        """Give the grade in the context (default Qualified) to every member not graded yet."""
        self.ensure_one()
        grade = self.env.context.get("fill_grade", "qualified")
        self.line_ids.filtered(lambda line: not line.grade).grade = grade
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Ballot Entry"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": self.env.context.get("ballot_entry_target", "new"),
            "context": self.env.context,
        }

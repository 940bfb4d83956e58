import random

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.party_member_points.models.party_workflow import WORKFLOW, in_workflow

from . import evaluation_rules as rules

# Channels whose order of entry is the order in which the voters cast their ballots (everyone sees who goes
# into the booth; the token list shows who has voted online): their ballots are sealed until the tally, then
# shuffled. Paper ballots are shuffled in the
# ballot box before the scrutineers enter them.
SEALED_CHANNELS = ("booth", "online")
# Flag of the ballot's own writes on its lines (grades are changed through the ballot only).
LINES_FLAG = "evaluation_ballot_lines"


class PartyEvaluationBallot(models.Model):
    """One secret ballot (测评票) of a democratic evaluation, as entered by the scrutineers.

    Ballot secrecy is built into the model: there is no field pointing to the voter (no user, member or
    partner), no chatter, and ``_log_access = False`` so that Odoo stores no create/write user or date that
    could tie a ballot to who entered or cast it. Ballots are numbered by a per-campaign counter, not by time.

    The order of entry still tells something when the voters cast their ballots one after the other on the
    booth terminal: such ballots are *sealed* (a global record rule hides them from everyone, administrator
    included) until the tally, which shuffles their contents among their rows (lines re-created in a random
    order) before unsealing them. Their ids, numbers and line ids then say nothing about who voted when.
    """

    _name = "party.evaluation.ballot"
    _inherit = ["party.freeze.mixin"]  # frozen as a child of its campaign (ballot_ids)
    _description = "Evaluation Ballot"
    _log_access = False
    _order = "campaign_id, round desc, number"
    _rec_name = "number"

    campaign_id = fields.Many2one("party.evaluation.campaign", required=True, ondelete="cascade", index=True,
                                  readonly=True)
    organization_id = fields.Many2one(related="campaign_id.organization_id", store=True, index=True)
    company_id = fields.Many2one(related="campaign_id.company_id", store=True, index=True)
    number = fields.Integer(readonly=True, help="Number of the ballot in its campaign, in order of entry.")
    round = fields.Integer(readonly=True, help="Voting round of the campaign the ballot belongs to.")
    voter_type = fields.Selection([("member", "Party Member"), ("public", "Mass Representative")],
                                  required=True, default="member", readonly=True)
    channel = fields.Selection(
        [("paper", "Paper Ballot"), ("booth", "Booth Terminal"), ("online", "Online Ballot")], required=True,
        default="paper", readonly=True,
        help="Paper ballots are entered by the scrutineers; booth ballots are typed by the voter on the shared "
             "terminal of the secret booth, which is logged in as the scrutineer; online ballots are cast by the "
             "voter on the member portal with a one-time token.")
    spoiled = fields.Boolean(readonly=True, help="A spoiled ballot counts as cast but not in the tally.")
    sealed = fields.Boolean(readonly=True, index=True,
                            help="Cast on the booth terminal and not tallied yet: nobody can read it.")
    line_ids = fields.One2many("party.evaluation.ballot.line", "ballot_id", string="Grades", readonly=True)
    summary = fields.Char(compute="_compute_summary")

    _sql_constraints = [
        ("campaign_number_uniq", "unique(campaign_id, number)", "Ballot numbers are unique in a campaign."),
    ]

    @api.depends("line_ids.grade", "spoiled")
    def _compute_summary(self):
        labels = dict(self.env["party.evaluation.ballot.line"]._fields["grade"]._description_selection(self.env))
        for ballot in self:
            if ballot.spoiled:
                ballot.summary = self.env._("Spoiled")
                continue
            grades = ballot.line_ids.mapped("grade")
            ballot.summary = " · ".join(f"{labels[key]} {grades.count(key)}"
                                        for key, _label in rules.VOTE_CHOICES if grades.count(key))

    def _compute_display_name(self):
        for ballot in self:
            ballot.display_name = self.env._("Ballot No. %s", ballot.number)

    @api.model_create_multi
    def create(self, vals_list):
        Campaign = self.env["party.evaluation.campaign"]
        by_campaign = {}
        for vals in vals_list:
            by_campaign.setdefault(vals.get("campaign_id"), []).append(vals)
        for campaign_id, campaign_vals in by_campaign.items():
            campaign = Campaign.browse(campaign_id).exists()
            if not campaign:
                raise UserError(self.env._("A ballot belongs to an evaluation campaign."))
            if campaign.state != "voting":
                raise UserError(self.env._("Ballots of %s can only be entered while voting is open.", campaign.name))
            # Lock the campaign row: numbering and the capacity check must not race between scrutineers.
            campaign.flush_recordset(["ballot_counter"])
            self.env.cr.execute("SELECT ballot_counter FROM party_evaluation_campaign WHERE id = %s FOR UPDATE",
                                [campaign.id])
            counter = self.env.cr.fetchone()[0] or 0
            for vals in campaign_vals:
                counter += 1
                vals.update(number=counter, round=campaign.round)
                if vals.get("spoiled"):
                    vals["line_ids"] = []
            campaign._system().ballot_counter = counter
        for vals in vals_list:
            vals["sealed"] = vals.get("channel", "paper") in SEALED_CHANNELS
        ballots = super(PartyEvaluationBallot, self.with_context(**{LINES_FLAG: WORKFLOW})).create(vals_list)
        # a sealed ballot is not readable, not even by who just cast it: the checks read it as the system
        ballots.sudo()._check_capacity()
        ballots.sudo()._check_lines()
        return ballots.with_env(self.env)

    def _check_editable_ballot(self):
        if any(ballot.campaign_id.state != "voting" or ballot.round != ballot.campaign_id.round
               for ballot in self.sudo()):
            raise UserError(self.env._("Counted ballots are archived as they are and cannot be changed."))

    def write(self, vals):
        self._check_editable_ballot()
        if set(vals) & {"campaign_id", "number", "round"}:
            raise UserError(self.env._("The campaign, number and round of a ballot cannot be changed."))
        if set(vals) & {"channel", "sealed"} and not in_workflow(self.env, LINES_FLAG):
            raise UserError(self.env._("The channel of a ballot and its seal cannot be changed."))
        ballots = self.with_context(**{LINES_FLAG: WORKFLOW})
        res = super(PartyEvaluationBallot, ballots).write(vals)
        if "voter_type" in vals:
            self._check_capacity()
        if vals.get("spoiled"):
            ballots.line_ids.unlink()
        self._check_lines()
        return res

    def unlink(self):
        self._check_editable_ballot()
        return super().unlink()

    def _check_capacity(self):
        """Ballots cast cannot outnumber the voters present: valid and spoiled member ballots ≤ members present
        with a vote, public ballots ≤ mass representatives present. With the online ballot, paper (and booth)
        member ballots plus the tokens issued in the round ≤ members present with a vote, so that a voter holding
        a token is never counted twice."""
        for campaign in self.campaign_id:
            counts = dict(((voter_type), count) for voter_type, count in self.sudo()._read_group(
                [("campaign_id", "=", campaign.id), ("round", "=", campaign.round)], ["voter_type"], ["__count"]))
            for voter_type in ("member", "public"):
                capacity = campaign._ballot_capacity(voter_type)
                if counts.get(voter_type, 0) > capacity:
                    if voter_type == "member":
                        message = self.env._(
                            "%(count)s member ballots, but only %(capacity)s voting members are present: the ballots "
                            "cannot outnumber the voters.", count=counts[voter_type], capacity=capacity)
                    else:
                        message = self.env._(
                            "%(count)s public ballots, but only %(capacity)s mass representatives are present: the "
                            "ballots cannot outnumber the voters.", count=counts[voter_type], capacity=capacity)
                    raise ValidationError(message)
            tokens = campaign._online_token_issued_count()
            if tokens:
                paper = campaign._paper_member_ballot_count()
                capacity = campaign._ballot_capacity("member")
                if paper + tokens > capacity:
                    raise ValidationError(self.env._(
                        "%(paper)s paper member ballots and %(tokens)s online ballot tokens, but only %(capacity)s "
                        "voting members are present: a voter holding an online token gets no paper ballot. Revoke "
                        "the unused token of a voter who votes on paper.",
                        paper=paper, tokens=tokens, capacity=capacity))

    def _check_lines(self):
        for ballot in self:
            participants = ballot.line_ids.participant_id
            if len(participants) != len(ballot.line_ids):
                raise ValidationError(self.env._("A ballot grades each member once."))
            wrong = participants.filtered(lambda p, b=ballot: p.campaign_id != b.campaign_id or not p.evaluated)
            if wrong:
                raise ValidationError(self.env._("%s is not evaluated in this campaign.",
                                                 ", ".join(wrong.member_id.mapped("name"))))
            if not ballot.spoiled:
                missing = ballot.campaign_id.participant_ids.filtered("evaluated") - participants
                if missing:
                    raise ValidationError(self.env._(
                        "A valid ballot gives a grade (or an abstention) for every evaluated member; missing: %s. "
                        "Mark the ballot as spoiled if it cannot be read.",
                        ", ".join(missing[:10].member_id.mapped("name"))))

    @api.model
    def _unseal(self, campaign):
        """At the tally: shuffle the contents of the current round's sealed ballots among their rows, re-create
        their lines in a random order, then unseal them. Returns the ballots unsealed."""
        Ballot = self.sudo().with_context(**{LINES_FLAG: WORKFLOW})
        sealed = Ballot.search([("campaign_id", "=", campaign.id), ("round", "=", campaign.round),
                                ("sealed", "=", True)], order="id")
        if not sealed:
            return sealed
        contents = [(ballot.voter_type, ballot.spoiled, [(line.participant_id.id, line.grade)
                                                         for line in ballot.line_ids]) for ballot in sealed]
        rng = random.SystemRandom()
        rng.shuffle(contents)
        sealed.line_ids.unlink()
        for ballot, (voter_type, spoiled, grades) in zip(sealed, contents):
            rng.shuffle(grades)
            ballot.write({"voter_type": voter_type, "spoiled": spoiled, "sealed": False, "line_ids": [
                Command.create({"participant_id": participant_id, "grade": grade})
                for participant_id, grade in grades]})
        return sealed

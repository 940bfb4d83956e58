import logging
import random

from psycopg2 import errors

from odoo import Command, api, fields, models, sql_db
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from . import evaluation_rules as rules
from .party_evaluation_ballot_line import LINE_ID_BASE

# Channels whose order of entry is the order in which the voters cast their ballots (everyone sees who goes
# into the booth; the token list shows who has voted online): their ballots are sealed until the tally, then
# shuffled. Paper ballots are shuffled in the
# ballot box before the scrutineers enter them.
SEALED_CHANNELS = ("booth", "online")
# Tables whose dead row versions hold grades (or the channel or order of a ballot): vacuumed after the tally
# and after each ballot entered on screen, so that no old version survives (see _vacuum_after_commit). The entry
# screen's tables are small and rewritten (VACUUM FULL); the ballot tables hold every campaign of the county and
# get a plain VACUUM (no exclusive lock, only the pages with dead versions are visited; the grades stored out of
# line, in the table's TOAST table, are vacuumed with it). The ballot lines are a view over the ballots.
BALLOT_TABLES = ("party_evaluation_ballot", "party_evaluation_ballot_token")
ENTRY_TABLES = ("party_evaluation_ballot_entry_line", "party_evaluation_ballot_entry")

_logger = logging.getLogger(__name__)


class PartyEvaluationBallot(models.Model):
    """One secret ballot (测评票) of a democratic evaluation, as entered by the scrutineers.

    Ballot secrecy is built into the model: there is no field pointing to the voter (no user, member or
    partner), no chatter, and ``_log_access = False`` so that Odoo stores no create/write user or date that
    could tie a ballot to who entered or cast it. Ballots are numbered by a per-campaign counter, not by time.

    The order of entry still tells something when the voters cast their ballots one after the other on the
    booth terminal or online: such ballots are *sealed* (a global record rule hides them from everyone,
    administrator included) until the tally. The tally shuffles the contents of *every* ballot of the round
    (paper, booth and online together) among their rows, rewrites every row and erases the channel, so that the
    anonymity of a voter does not depend on how many voted the same way: ids, numbers, line ids, row versions
    and channels then say nothing about who voted when or how. The old row versions are removed after the
    commit (``VACUUM``, see :meth:`_vacuum_after_commit`).
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
    voter_type = fields.Selection(rules.VOTER_TYPES, required=True, default="member", readonly=True)
    channel = fields.Selection(
        [("paper", "Paper Ballot"), ("booth", "Booth Terminal"), ("online", "Online Ballot")],
        default="paper", readonly=True,
        help="Paper ballots are entered by the scrutineers; booth ballots are typed by the voter on the shared "
             "terminal of the secret booth, which is logged in as the scrutineer; online ballots are cast by the "
             "voter on the member portal with a one-time token. Erased at the tally, when all the ballots are "
             "shuffled together.")
    spoiled = fields.Boolean(readonly=True, help="A spoiled ballot counts as cast but not in the tally.")
    sealed = fields.Boolean(readonly=True, index=True,
                            help="Cast on the booth terminal and not tallied yet: nobody can read it.")
    # {participant id: grade} of a valid ballot, empty for a spoiled one; read as lines (line_ids), given and changed
    # as lines too (One2many commands on line_ids): one row per ballot, which the tally rewrites whole
    grades = fields.Json(string="Grades by Member", readonly=True, copy=False, prefetch=False)
    line_ids = fields.One2many("party.evaluation.ballot.line", "ballot_id", string="Grades", readonly=True)
    summary = fields.Char(compute="_compute_summary")

    _sql_constraints = [
        ("campaign_number_uniq", "unique(campaign_id, number)", "Ballot numbers are unique in a campaign."),
    ]

    @api.depends("grades", "spoiled")
    def _compute_summary(self):
        labels = dict(self.env["party.evaluation.ballot.line"]._fields["grade"]._description_selection(self.env))
        for ballot in self:
            if ballot.spoiled:
                ballot.summary = self.env._("Spoiled")
                continue
            grades = list((ballot.grades or {}).values())
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
            campaign._system().ballot_counter = counter
        for vals in vals_list:
            if "grades" in vals:
                raise UserError(self.env._("The grades of a ballot are given as its lines."))
            grades = self._grades_from_commands(vals.pop("line_ids", None) or [])
            vals["grades"] = None if vals.get("spoiled") or not grades else grades
            vals["sealed"] = vals.get("channel", "paper") in SEALED_CHANNELS
        ballots = super().create(vals_list)
        # the lines are a view over the grades just stored: not the empty lines the create put in the cache
        ballots.invalidate_recordset(["line_ids"])
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
        # changed by the tally only, in SQL (see _shuffle_round)
        if set(vals) & {"channel", "sealed"}:
            raise UserError(self.env._("The channel of a ballot and its seal cannot be changed."))
        if "grades" in vals:
            raise UserError(self.env._("The grades of a ballot are given as its lines."))
        vals = dict(vals)
        commands = vals.pop("line_ids", None)
        if commands or vals.get("spoiled"):
            for ballot in self:
                grades = None if vals.get("spoiled", ballot.spoiled) else ballot._grades_from_commands(commands or [])
                super(PartyEvaluationBallot, ballot).write(dict(vals, grades=grades or None))
            res = True
        else:
            res = super().write(vals)
        if commands or "spoiled" in vals or "voter_type" in vals:
            # the lines are a view over the ballots' grades, spoiled state and voter type
            self.invalidate_recordset(["line_ids"])
            self.env["party.evaluation.ballot.line"].invalidate_model()
        if "voter_type" in vals:
            self._check_capacity()
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

    def _grades_from_commands(self, commands):
        """The grades ``{participant id (text): grade}`` of the ballot ``self`` (or of a new ballot, when ``self``
        is empty) once the One2many ``commands`` on its lines are applied: lines are created (a member and a grade,
        Abstain by default), updated (their grade), removed or all cleared."""
        grades = dict(self.grades or {}) if self else {}
        lines = {line.id: str(line.participant_id.id) for line in self.sudo().line_ids} if self else {}
        choices = {key for key, _label in rules.VOTE_CHOICES}

        def grade_of(line_vals):
            grade = line_vals.get("grade") or "abstain"
            if grade not in choices:
                raise ValidationError(self.env._("“%s” is not a grade of the ballot.", grade))
            return grade

        def line_of(line_id):
            if line_id not in lines:
                raise UserError(self.env._("This line is not one of the ballot's."))
            return lines[line_id]

        for command in commands:
            if not isinstance(command, (list, tuple)) or not command:
                raise UserError(self.env._("The grades of a ballot are given as its lines."))
            operation = command[0]
            if operation == Command.CREATE:
                line_vals = command[2] or {}
                participant = line_vals.get("participant_id")
                if isinstance(participant, models.BaseModel):
                    participant = participant.id
                if not isinstance(participant, int) or isinstance(participant, bool) or participant <= 0:
                    raise ValidationError(self.env._("A ballot line grades an evaluated member."))
                if str(participant) in grades:
                    raise ValidationError(self.env._("A ballot grades each member once."))
                grades[str(participant)] = grade_of(line_vals)
            elif operation == Command.UPDATE:
                line_vals = command[2] or {}
                key = line_of(command[1])
                if set(line_vals) - {"grade"}:
                    raise UserError(self.env._("Only the grade of a ballot line can be changed."))
                if "grade" in line_vals:
                    grades[key] = grade_of(line_vals)
            elif operation in (Command.DELETE, Command.UNLINK):
                grades.pop(line_of(command[1]), None)
            elif operation == Command.CLEAR:
                grades = {}
            elif operation == Command.SET:
                keep = {line_of(line_id) for line_id in command[2] or []}
                grades = {key: grade for key, grade in grades.items() if key in keep}
            elif operation == Command.LINK:
                line_of(command[1])
            else:
                raise UserError(self.env._("The grades of a ballot are given as its lines."))
        if len(grades) >= LINE_ID_BASE:
            raise ValidationError(self.env._("A ballot grades at most %s members.", LINE_ID_BASE - 1))
        return grades

    def _check_lines(self):
        Participant = self.env["party.evaluation.participant"]
        for ballot in self:
            keys = ballot.grades or {}
            participants = Participant.browse(sorted(int(key) for key in keys)).exists()
            if len(participants) != len(keys):
                raise ValidationError(self.env._(
                    "The ballot names members who are not evaluated in this campaign."))
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
    def _shuffle_round(self, campaign):
        """At the tally: shuffle the contents of all the ballots of the current round together, whatever their
        channel (paper, booth terminal, online), rewrite every row, erase the channel and unseal them.

        The grades of the valid ballots of each voter type are permuted among their rows (a permutation drawn by
        the system's secure random generator; every ballot row of the round is rewritten, with its grades, which
        are stored in the ballot row: see party.evaluation.ballot.line); every ballot row of the round loses its
        channel and its seal. Afterwards every row of the round carries the same transaction (the tally's), no
        row tells its channel, and the order of the rows (ids, numbers, line ids) no longer follows the order in
        which the ballots were cast. The old row versions are vacuumed away after the commit.
        Returns the ballots of the round."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(SQL("SELECT voter_type, spoiled IS TRUE, array_agg(id ORDER BY id) FROM party_evaluation_ballot "
                       "WHERE campaign_id = %s AND round = %s GROUP BY 1, 2", campaign.id, campaign.round))
        rng = random.SystemRandom()
        targets, sources = [], []
        for _voter_type, spoiled, ids in cr.fetchall():
            shuffled = list(ids)
            if not spoiled:  # a spoiled ballot has no grades: rewritten as it is
                rng.shuffle(shuffled)
            targets += ids
            sources += shuffled
        if not targets:
            return self.browse()
        # one statement: each row of the round takes the grades of its source row (read as they were before the
        # statement), loses its channel and its seal
        cr.execute(SQL("""
            UPDATE party_evaluation_ballot dst
               SET grades = src.grades, channel = NULL, sealed = FALSE
              FROM unnest(%s::int[], %s::int[]) AS moves(target, source)
              JOIN party_evaluation_ballot src ON src.id = moves.source
             WHERE dst.id = moves.target
        """, targets, sources))
        self.invalidate_model(["grades", "channel", "sealed"])
        self.env["party.evaluation.ballot.line"].invalidate_model()
        self._vacuum_after_commit(BALLOT_TABLES + ENTRY_TABLES)
        return self.browse(targets)

    @api.model
    def _vacuum_after_commit(self, tables):
        """Once the transaction is committed, vacuum ``tables`` from a connection of its own: the row versions
        that a shuffle, a deletion or an update left behind hold grades, channels and the order of the ballots.
        The entry screen's tables are rewritten (``VACUUM FULL``: the live rows go to new files, the old files
        are dropped; a plain ``VACUUM`` when a table is busy for more than a second), the ballot tables get a
        plain ``VACUUM``, which removes the dead versions without locking out the other campaigns."""
        cr = self.env.cr
        pending = cr.postcommit.data.setdefault("party_evaluation_vacuum", set())
        if not pending:
            cr.postcommit.add(lambda: self._vacuum_tables(cr.dbname, sorted(pending)))
        pending.update(tables)

    @api.model
    def _cron_vacuum(self):
        """Safety net of :meth:`_vacuum_after_commit`: a vacuum keeps the row versions that a transaction still
        running elsewhere on the server may see; once it has ended, this scheduled action vacuums the ballot and
        entry tables that still have dead row versions."""
        self.env.cr.execute("SELECT relname FROM pg_stat_user_tables WHERE relname = ANY(%s) AND n_dead_tup > 0",
                            [list(BALLOT_TABLES + ENTRY_TABLES)])
        tables = [row[0] for row in self.env.cr.fetchall()]
        if tables:
            self._vacuum_tables(self.env.cr.dbname, tables)
        return tables

    @api.model
    def _vacuum_tables(self, dbname, tables):
        """``VACUUM FULL`` of the entry screen's tables (or a plain ``VACUUM`` when one is busy), plain
        ``VACUUM`` of the others, in ``dbname`` (system step, outside any transaction)."""
        with sql_db.db_connect(dbname).cursor() as vcr:
            vcr._cnx.autocommit = True
            vcr.execute("SET lock_timeout = '1s'")
            for table in tables:
                if table in ENTRY_TABLES:
                    try:
                        vcr.execute(SQL("VACUUM FULL %s", SQL.identifier(table)), log_exceptions=False)
                        continue
                    except errors.LockNotAvailable:
                        _logger.info("%s is busy: plain VACUUM instead of VACUUM FULL", table)
                vcr.execute(SQL("VACUUM %s", SQL.identifier(table)))

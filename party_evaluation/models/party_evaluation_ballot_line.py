from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.sql import column_exists

from . import evaluation_rules as rules

# A line's id is its ballot's id times this base plus its position in the ballot (1, 2, …): a ballot grades fewer
# members than this (see party.evaluation.ballot._grades_from_commands).
LINE_ID_BASE = 100000


class PartyEvaluationBallotLine(models.Model):
    """The grade a ballot gives one evaluated member. Like the ballot, it keeps no trace of who wrote it (no
    link to a voter, no create or write user or date).

    A read-only SQL view over the grades stored with each ballot (``party.evaluation.ballot.grades``, one row per
    ballot): the tally shuffles the contents of a round's ballots among them, and a row per ballot is rewritten in
    a few milliseconds where a row per ballot and member took seconds (a thousand ballots of a thousand members
    are a million lines). Grades are given and changed through the ballot only."""

    _name = "party.evaluation.ballot.line"
    _description = "Evaluation Ballot Line"
    _auto = False
    _log_access = False
    _order = "ballot_id, participant_id"
    # what the view reads: flushed before any query on it
    _depends = {
        "party.evaluation.ballot": ["grades", "campaign_id", "company_id", "round", "voter_type", "spoiled"],
        "party.evaluation.participant": ["campaign_id"],
    }

    ballot_id = fields.Many2one("party.evaluation.ballot", readonly=True)
    participant_id = fields.Many2one("party.evaluation.participant", string="Evaluated Member", readonly=True)
    grade = fields.Selection(rules.VOTE_CHOICES, readonly=True)
    campaign_id = fields.Many2one("party.evaluation.campaign", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    round = fields.Integer(readonly=True)
    voter_type = fields.Selection(rules.VOTER_TYPES, readonly=True)
    spoiled = fields.Boolean(readonly=True)

    def init(self):
        cr = self.env.cr
        # the view reads the ballots' grades and the participants: their tables first (the registry may set up
        # this model before them; their own set-up finds them done)
        for model_name, column in (("party.evaluation.ballot", "grades"), ("party.evaluation.participant", "id")):
            model = self.env[model_name]
            if not column_exists(cr, model._table, column):
                model._auto_init()
        cr.execute("SELECT relkind FROM pg_class WHERE relname = %s AND relkind = 'r'", [self._table])
        if cr.fetchone():
            # databases created before the lines became a view: their grades move into the ballots
            cr.execute(SQL("""
                UPDATE party_evaluation_ballot b
                   SET grades = l.grades
                  FROM (SELECT ballot_id, jsonb_object_agg(participant_id::text, grade) AS grades
                          FROM %s GROUP BY ballot_id) l
                 WHERE l.ballot_id = b.id
            """, SQL.identifier(self._table)))
            cr.execute(SQL("DROP TABLE %s CASCADE", SQL.identifier(self._table)))
        tools.drop_view_if_exists(cr, self._table)
        # the members of the campaign only (inner join): a grade of a member since removed from a cancelled
        # campaign is not shown
        cr.execute(SQL("""
            CREATE VIEW %s AS
            SELECT b.id::bigint * %s + g.position AS id, b.id AS ballot_id, p.id AS participant_id,
                   g.grade::varchar AS grade, b.campaign_id, b.company_id, b.round, b.voter_type, b.spoiled
              FROM party_evaluation_ballot b
             CROSS JOIN LATERAL jsonb_each_text(b.grades) WITH ORDINALITY AS g(participant, grade, position)
              JOIN party_evaluation_participant p ON p.id = g.participant::integer
        """, SQL.identifier(self._table), LINE_ID_BASE))

    def _as_query(self, ordered=True):
        """The lines of ``self``, read through their ballots: a line's id gives its ballot (see LINE_ID_BASE), and
        a condition on the ballots lets PostgreSQL unfold the grades of these ballots only."""
        query = super()._as_query(ordered)
        ballot_ids = tuple({line_id // LINE_ID_BASE for line_id in self._ids if isinstance(line_id, int)})
        if ballot_ids:
            query.add_where(SQL("%s IN %s", SQL.identifier(self._table, "ballot_id"), ballot_ids))
        return query

    def _read_only(self):
        raise UserError(self.env._("The grades of a ballot are changed on the ballot itself."))

    @api.model_create_multi
    def create(self, vals_list):
        self._read_only()
        return super().create(vals_list)

    def write(self, vals):
        self._read_only()
        return super().write(vals)

    def unlink(self):
        self._read_only()
        return super().unlink()

import logging
import time
from collections import Counter
from datetime import date
from operator import itemgetter

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.clock import party_today
from ..tools.bulk import (add_followers, changed_rows, column_kind, copy_rows, float_array, insert_unnest, int_array,
                          local_setting, log_notes, no_cyclic_gc, update_rows)
from .party_points_logic import (
    GRADES,
    assign_stars,
    competition_ranks,
    grade_for_points,
    grade_with_stars,
    member_year_figures,
    needs_warning,
    not_graded_key,
    round_half_up,
    veto_keys,
)
from .party_freeze_mixin import DELETE
from .party_workflow import in_workflow

_logger = logging.getLogger(__name__)

VETO_STARS = 1


def star_rating(stars):
    """The star rating (selection value) of a number of stars."""
    return str(min(max(stars, 0), 5))


STAR_RATINGS = [
    ("0", "No Star"),
    ("1", "One Star"),
    ("2", "Two Stars"),
    ("3", "Three Stars"),
    ("4", "Four Stars"),
    ("5", "Five Stars"),
]
# The only fields of a result a user writes: everything else is computed from the ledger.
USER_FIELDS = {"veto_manual", "veto_manual_reason"}


class YearProgress:
    """What the server log says while the results of a year are computed, for the administrator watching a
    county's or a province's year-end: one line per phase and, for a computation of at least
    ``PartyPointsResult._YEAR_PROGRESS_MIN`` members, one line per 10 % of the members computed, each with the
    time elapsed; a last line with the total."""

    def __init__(self, year, total, final):
        self.year = year
        self.total = total
        self.what = "final results" if final else "results"
        self.started = time.perf_counter()

    def _log(self, message, *args):
        _logger.info("Annual points %s of %s: " + message + " (%.1f s)", self.what, self.year, *args,
                     time.perf_counter() - self.started)

    def phase(self, name):
        self._log("%s", name)

    def members(self, count):
        self._log("%d %% of the members computed (%s of %s)", round(100 * count / self.total), count, self.total)

    def done(self):
        self._log("done, %s members", self.total)


class PartyPointsResult(models.Model):
    """Annual result of a member: total (sum, or mean of the quarters), carry-over, component subtotals, rank
    in the branch and overall, grade, stars and veto. Computed by :meth:`_compute_year` (and the year-end
    scheduled action); a manual veto set by an officer is kept when the year is computed again."""

    _name = "party.points.result"
    _description = "Annual Points Result"
    _inherit = ["mail.thread", "party.freeze.mixin"]
    # What each state freezes (party.freeze.mixin): a final result is the year's record.
    _party_freeze = {"final": ("member_id", "year", "veto_manual", "veto_manual_reason", DELETE)}
    _order = "year desc, organization_id, rank_branch, id"
    _rec_name = "member_id"
    # the state is set by the year's computation for thousands of results at once: its change is announced in
    # the chatter of the result's branch (see _year_announce_final), not tracked result by result
    _party_state_announced_on = "organization_id"

    # no index of its own: the unique (member_id, year) index serves the searches by member
    member_id = fields.Many2one("party.member", string="Member", required=True, ondelete="cascade")
    year = fields.Integer(required=True, index=True, aggregator=None)
    organization_id = fields.Many2one("party.organization", string="Branch", index=True, readonly=True)
    party_group_id = fields.Many2one(related="member_id.party_group_id", store=True, index=True)
    # no index: a company's rule selects most of the table, the flag below a few rows of a year read anyway
    company_id = fields.Many2one(related="member_id.company_id", store=True)
    scheme_id = fields.Many2one("party.points.scheme", string="Scheme", readonly=True)
    line_ids = fields.One2many("party.points.result.line", "result_id", string="Components", readonly=True)
    component_lines = fields.Json(
        string="Component Subtotals", readonly=True, copy=False,
        help="[component, points, maximum] of each component (the percent of the maximum is computed "
             "when the lines are read): the rows of the Components view.")
    carry_over = fields.Float(readonly=True, help="Share of last year's total carried into this year's base.")
    earned = fields.Float(string="Points of the Year", readonly=True,
                          help="Component subtotals of the year, or the mean of the quarters.")
    q1 = fields.Float(string="Q1", readonly=True)
    q2 = fields.Float(string="Q2", readonly=True)
    q3 = fields.Float(string="Q3", readonly=True)
    q4 = fields.Float(string="Q4", readonly=True)
    total = fields.Float(readonly=True, aggregator="avg")
    core_ok = fields.Boolean(string="Core Bar Met", readonly=True,
                             help="Every core component reaches the scheme's core bar (needed for four or five stars).")
    rank_branch = fields.Integer(string="Rank in Branch", readonly=True, aggregator=None)
    rank_overall = fields.Integer(string="Overall Rank", readonly=True, aggregator=None)
    branch_size = fields.Integer(string="Ranked in Branch", readonly=True, aggregator=None)
    top_ten = fields.Boolean(string="Top 10 %", readonly=True)
    bottom_ten = fields.Boolean(string="Bottom 10 %", readonly=True)
    graded = fields.Boolean(readonly=True, default=True)
    not_graded_reason = fields.Char(readonly=True)
    grade = fields.Selection(GRADES, readonly=True)
    stars = fields.Integer(readonly=True, aggregator="avg")
    star_rating = fields.Selection(STAR_RATINGS, compute="_compute_star_rating", store=True, string="Star Rating")
    veto = fields.Boolean(readonly=True)
    veto_reason = fields.Char(readonly=True)
    veto_manual = fields.Boolean(string="Manual Veto", tracking=True,
                                 help="A veto item found by the branch (e.g. a serious violation) not known to the "
                                      "register.")
    veto_manual_reason = fields.Char(string="Manual Veto Reason", tracking=True)
    stars_approved = fields.Integer(
        string="Approved Stars", readonly=True,
        help="Stars approved by the star rating of the year (proposed by the committee, voted by the members' "
             "meeting, approved by the upper levels for four and five stars, published): the honour roll shows "
             "these.")
    approved_star_rating = fields.Selection(STAR_RATINGS, compute="_compute_approved_star_rating", store=True,
                                            string="Approved Star Rating")
    star_review_id = fields.Many2one("party.points.star.review", string="Star Rating Review", readonly=True)
    warning = fields.Boolean(string="Warned", readonly=True,
                             help="Year total below the scheme's warning level (警示, S003 P4 第二十四条): the branch "
                                  "holds a talk; warned two years running, the member is proposed Unqualified in "
                                  "the democratic evaluation.")
    honour = fields.Boolean(string="Honour Roll", readonly=True,
                            help="Excellent member, or five stars approved by the star rating: shown on the honour "
                                 "roll.")
    # made final by the year's computation, announced in the branch's chatter (see _year_announce_final)
    state = fields.Selection([("draft", "Provisional"), ("final", "Final")], default="draft", required=True,
                             readonly=True)
    image_128 = fields.Image(related="member_id.image_128")

    _sql_constraints = [
        ("member_year_uniq", "unique(member_id, year)", "A member has one result per year."),
    ]

    def init(self):
        # indexes of earlier versions that only slowed down the year's computation (each result written updates
        # every index): the member is served by the unique index, the top/bottom flags select a tenth of a table
        # read per year anyway, the honour flag about half of it; the company is that of most results (the
        # company rule reads the table anyway), the warned results are read with their year
        for column in ("member_id", "top_ten", "bottom_ten", "honour", "company_id", "warning"):
            self.env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(f"{self._table}__{column}_index")))
        # room in every page for a new version of its results: the year-end computation rewrites the provisional
        # results of January in place (heap-only updates, no index entries), as no indexed column changes
        self.env.cr.execute(SQL("ALTER TABLE %s SET (fillfactor = 50)", SQL.identifier(self._table)))

    @api.depends("member_id")
    def _compute_display_name(self):
        # the member's name, read as the system: members see others' results on the honour roll without reading
        # their register record (the form's title shows the name the same way)
        for result in self:
            result.display_name = result.sudo().member_id.name or ""

    @api.depends("stars")
    def _compute_star_rating(self):
        for result in self:
            result.star_rating = star_rating(result.stars)

    @api.depends("stars_approved")
    def _compute_approved_star_rating(self):
        for result in self:
            result.approved_star_rating = star_rating(result.stars_approved)

    @api.model_create_multi
    def create(self, vals_list):
        if not in_workflow(self.env, "party_points_compute"):
            raise UserError(self.env._("Annual results are computed from the ledger (Compute Results), not entered."))
        return super().create(vals_list)

    def write(self, vals):
        if not in_workflow(self.env, "party_points_compute"):
            computed = {name for name in vals if name in self._fields and name not in USER_FIELDS
                        and not name.startswith(("message_", "activity_"))}
            if computed:
                raise UserError(self.env._(
                    "Annual results are computed from the ledger and cannot be edited (%s).",
                    ", ".join(sorted(self._fields[name]._description_string(self.env) for name in computed))))
        if "veto_manual" in vals or "veto_manual_reason" in vals:
            for result in self:
                if result.state == "final":
                    raise UserError(self.env._("The result of %s is final.", result.member_id.name))
                if not self.env.su and not self.env.user._party_can_manage(result.member_id.organization_id):
                    raise UserError(self.env._("Only an officer of the branch can set a veto."))
            if vals.get("veto_manual") and not (vals.get("veto_manual_reason") or all(
                    self.mapped("veto_manual_reason"))):
                raise UserError(self.env._("A veto needs its reason."))
        res = super().write(vals)
        if ("veto_manual" in vals or "veto_manual_reason" in vals) \
                and not in_workflow(self.env, "party_points_compute"):
            for year, results in self.grouped("year").items():
                self._compute_year(year, results.member_id)
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_final(self):
        if self.filtered(lambda result: result.state == "final"):
            raise UserError(self.env._("Final annual results are part of the record and are never deleted."))

    # ------------------------------------------------------------------ computation
    def _year_texts(self):
        """Translated reasons of the computation, looked up once per run (not once per member)."""
        return {
            "probationary": self.env._("Probationary member"),
            "joined": self.env._("Joined this year"),
            "exempt": self.env._("Exempt (frail or ill)"),
            "transferred": self.env._("Transferred in from outside this year"),
            "leading_cadre": self.env._("Leading cadre (not rated)"),
            "six_months": self.env._("six months without org life or dues"),
            "sanction": self.env._("sanction during the year"),
            "sentence": self.env._("criminal proceedings"),
            "manual": self.env._("veto set by the branch"),
        }

    @api.model
    def _not_graded_reason(self, member, year):
        """Members who earn points but are not graded: probationary members (their points decide on-time
        confirmation), members who joined during the year, exempt frail members (graded by evaluation only)."""
        key = not_graded_key(member.stage, member.join_date, member.is_frail and member.frail_exempt_approved, year,
                             leading_cadre=member.is_leading_cadre)
        return self._year_texts()[key] if key else False

    @api.model
    def _veto_reason(self, member, scheme, year, manual=False, manual_reason=False):
        sanctioned = any(s._overlaps(date(year, 1, 1), date(year, 12, 31)) for s in member.sudo().sanction_ids)
        six_months = member.id in self.env["party.member"]._six_month_grounds(
            member.ids, date(year, 1, 1), min(date(year, 12, 31), party_today(self)))
        keys = veto_keys(six_months=scheme.veto_six_months and six_months,
                         sanction=scheme.veto_sanction and sanctioned,
                         sentence=scheme.veto_sentence and member.serving_sentence, manual=manual)
        return self._veto_text(keys, manual_reason, self._year_texts())

    @api.model
    def _veto_text(self, keys, manual_reason, texts):
        if not keys:
            return ""
        return "; ".join((manual_reason or texts[key]) if key == "manual" else texts[key] for key in keys)

    @api.model
    def _compute_year(self, year, members=None, final=False):
        """Compute (or recompute) the annual results of ``year`` for ``members`` (default: every member who
        earns points), then the ranks, top/bottom 10 % and stars of the branches concerned.

        Set-based whatever the number of members: one query reads the members' facts, one aggregates the ledger
        (per member, component and quarter), one reads the other results of the year; totals, grades, ranks and
        stars are computed in Python by the pure functions of ``party_points_logic``; the results (with their
        component subtotals) are copied in (new ones) or updated (one UPDATE each for the recomputed results and for
        the others whose ranks or stars moved). Final results are kept as they are.
        Returns the results (in member order).
        """
        Member = self.env["party.member"].sudo()
        domain = Member._points_earning_domain()
        every_member = members is None
        if every_member:
            members = Member.search(domain, order="id")
        else:
            members = Member.with_context(active_test=False).search(domain + [("id", "in", members.ids)],
                                                                    order="id")
        if not members:
            return self.browse()
        progress = YearProgress(year, len(members), final)
        self.env.flush_all()
        with no_cyclic_gc():  # millions of small containers: see no_cyclic_gc
            facts = self._year_facts(year, members.ids)
            if not self.env.su and any(fact["state"] == "final" for fact in facts.values()):
                raise UserError(self.env._("The results of %s are final.", year))
            # final results are kept as they are (the year-end action may run again)
            todo = [member_id for member_id in members.ids if facts[member_id]["state"] != "final"]
            if not todo:
                return self.browse()
            progress.total = len(todo)
            ledger = self._year_ledger(year, todo, every_member=every_member and len(todo) == len(members))
            organizations = self.env["party.organization"].browse({facts[m]["organization_id"] for m in todo})
            schemes = organizations._get_points_schemes()
            # each organization's scheme settings read once (plain values: a record's id is a descriptor call, and a
            # county has fifty thousand members)
            scheme_settings = {}
            settings = {}
            for org_id, scheme in schemes.items():
                if scheme.id not in scheme_settings:
                    scheme_settings[scheme.id] = scheme._year_settings()
                settings[org_id] = scheme_settings[scheme.id]
            texts = self._year_texts()
            rows = []
            progress.phase("read the members and the ledger")
            # the counts of members at each tenth (the last one is every member)
            marks = ({len(todo) * tenth // 10 for tenth in range(1, 11)} if len(todo) >= self._YEAR_PROGRESS_MIN
                     else set())
            result_ids = {}
            for count, member_id in enumerate(todo, 1):
                fact = facts[member_id]
                result_ids[member_id] = fact["result_id"]
                rows.append(self._year_row(fact, settings[fact["organization_id"]], year, ledger.get(member_id, {}),
                                           texts))
                if count in marks:
                    progress.members(count)
            # the facts and ledger subtotals are dropped once the rows are computed: a province's year holds half a
            # million of each, and the memory they free is reused by the ranking and the writing (dropped one by one
            # in the loop above, the year took a fifth longer)
            del facts, ledger
            branch_ids = set(organizations.ids)
            # some members recomputed: the other results are read whole in their branches only
            others = self._year_others(year, todo, branch_ids=None if every_member else branch_ids)
            self._year_rank(rows + others)
            # some members recomputed: overall, they are ranked with the rest of their companies in SQL
            outside_moved = () if every_member else self._year_rank_overall(year, rows + others, branch_ids, todo)
            self._year_top_ten_clean_basic(year, rows + others)
            self._year_stars(rows + [row for row in others if row["organization_id"] in branch_ids],
                             {scheme.id: scheme for scheme in schemes.values()})
            progress.phase("ranked and starred")
            created = self._year_store(year, rows, others, final, outside_moved)
            progress.phase("written")
            result_ids = {m: result_ids[m] or created[m] for m in todo}
            if final:
                self._year_announce_final(year, rows)
                # from the computed rows: reading back tens of thousands of results to filter them costs seconds
                barred = {scheme.id for scheme in schemes.values() if scheme.bottom_ten_barred}
                warned = [result_ids[row["member_id"]] for row in rows if row["warning"]]
                bottom = [result_ids[row["member_id"]] for row in rows
                          if row["bottom_ten"] and row["graded"] and row["scheme_id"] in barred and not row["warning"]]
            # the rows are dropped before the collector runs again: kept alive, its first full collection walks them
            # all (0.2 s at the county)
            del rows, others
            if final:
                self.sudo().browse(warned)._schedule_warning_talks()
                self.sudo().browse(bottom)._schedule_warning_talks(bottom_ten=True)
                progress.phase("announced in the branches' chatter, warning talks scheduled")
        progress.done()
        return self.browse([result_ids[m] for m in todo])

    @api.model
    def _year_facts(self, year, member_ids):
        """``{member id: facts}`` of the members for the computation of ``year``: organization, flags, a sanction
        running during the year, this year's result (id, state, manual veto) and last year's total. One query."""
        self.env.cr.execute(SQL("""
            SELECT m.id, m.organization_id, m.party_group_id, m.company_id, m.stage, m.join_date,
                   COALESCE(m.is_frail AND m.frail_exempt_approved, FALSE),
                   FALSE, COALESCE(m.serving_sentence, FALSE),
                   EXISTS (SELECT 1 FROM party_member_sanction s
                            WHERE s.member_id = m.id AND s.date_start <= %(last)s
                              AND (s.date_end IS NULL OR s.date_end >= %(first)s)),
                   cur.id, cur.state, COALESCE(cur.veto_manual, FALSE), cur.veto_manual_reason,
                   COALESCE(prev.total, 0.0), COALESCE(cur.stars, 0), COALESCE(cur.honour, FALSE),
                   COALESCE(m.is_leading_cadre, FALSE),
                   EXISTS (SELECT 1 FROM party_member_transfer t
                            WHERE t.member_id = m.id AND t.direction = 'in' AND t.state = 'approved'
                              AND t.date >= %(first)s AND t.date <= %(last)s)
              FROM party_member m
         LEFT JOIN party_points_result cur ON cur.member_id = m.id AND cur.year = %(year)s
         LEFT JOIN party_points_result prev ON prev.member_id = m.id AND prev.year = %(previous)s
             WHERE m.id = ANY(%(ids)s::int[])
        """, year=year, previous=year - 1, first=date(year, 1, 1), last=date(year, 12, 31), ids=int_array(member_ids)))
        keys = ("id", "organization_id", "party_group_id", "company_id", "stage", "join_date", "frail_exempt",
                "veto_candidate", "serving_sentence", "sanctioned", "result_id", "state", "veto_manual",
                "veto_manual_reason", "previous_total", "old_stars", "old_honour", "leading_cadre", "transferred_in")
        facts = {row[0]: dict(zip(keys, row)) for row in self.env.cr.fetchall()}
        # the six-month veto of the year is judged from the months of that year (up to today for the year under
        # way), from the records: never from the register's current flag
        grounds = self.env["party.member"]._six_month_grounds(
            list(facts), date(year, 1, 1), min(date(year, 12, 31), party_today(self)))
        for member_id, fact in facts.items():
            fact["veto_candidate"] = member_id in grounds
        return facts

    @api.model
    def _year_ledger(self, year, member_ids, every_member=False):
        """``{member id: {component id: [q1, q2, q3, q4]}}`` of the posted points of ``year``, read from the stored
        quarter sums of the ledger (``party.points.total``: the delta rows of a member and component, usually one
        once folded, are summed here). ``every_member``: ``member_ids`` are all the members who earn points, so
        the year's rows are read without a list of ids (a county's tens of thousands of ids are not sent to the
        database and looked up there for every row)."""
        if not member_ids:
            return {}
        cr = self.env.cr
        # the quarters without points read as 0.0 (the sums of a row with no entry in a quarter are NULL)
        select = SQL("SELECT member_id, component_id, COALESCE(q1, 0.0)::float8, COALESCE(q2, 0.0)::float8, "
                     "COALESCE(q3, 0.0)::float8, COALESCE(q4, 0.0)::float8 FROM party_points_total WHERE year = %s",
                     year)
        if not every_member:
            select = SQL("%s AND member_id = ANY(%s::int[])", select, int_array(member_ids))
        cr.execute(select)
        ledger = {}
        for row in cr.fetchall():
            member_id = row[0]
            components = ledger.get(member_id)
            if components is None:
                components = ledger[member_id] = {}
            component_id = row[1]
            known = components.get(component_id)
            if known is None:
                components[component_id] = row[2:]
            else:  # delta rows not folded yet
                components[component_id] = (known[0] + row[2], known[1] + row[3], known[2] + row[4],
                                             known[3] + row[5])
        return ledger

    @api.model
    def _year_row(self, fact, settings, year, ledger, texts):
        """Values of one member's result (a dict of column values) from the member's ``fact``
        (:meth:`_year_facts`), the scheme's ``settings`` (:meth:`party.points.scheme._year_settings`) and the
        ledger subtotals ``{component_id: [q1, q2, q3, q4]}``."""
        figures = member_year_figures(
            settings["components"], ledger, settings["total_method"], settings["floor_mode"],
            settings["core_bar_percent"], settings["carry_over_percent"], fact["previous_total"],
            settings["core_bar_points"])
        veto_reason = ""
        if fact["veto_candidate"] or fact["sanctioned"] or fact["serving_sentence"] or fact["veto_manual"]:
            keys = veto_keys(six_months=settings["veto_six_months"] and fact["veto_candidate"],
                             sanction=settings["veto_sanction"] and fact["sanctioned"],
                             sentence=settings["veto_sentence"] and fact["serving_sentence"],
                             manual=fact["veto_manual"])
            veto_reason = self._veto_text(keys, fact["veto_manual_reason"], texts)
        earned, carry = figures["earned"], figures["carry"]
        total = round_half_up(earned + carry)
        if veto_reason and settings["veto_outcome"] == "void":
            total = 0.0
        not_graded = not_graded_key(fact["stage"], fact["join_date"], fact["frail_exempt"], year,
                                    fact["leading_cadre"], fact["transferred_in"])
        grade = False
        if not not_graded:
            grade = "unqualified" if veto_reason else grade_for_points(total, settings["grades"])
        q1, q2, q3, q4 = figures["quarters"]
        return {
            "id": fact["result_id"], "member_id": fact["id"], "organization_id": fact["organization_id"],
            "party_group_id": fact["party_group_id"], "company_id": fact["company_id"],
            "scheme_id": settings["id"], "carry_over": carry, "earned": round_half_up(earned),
            "q1": q1, "q2": q2, "q3": q3, "q4": q4, "total": total, "core_ok": figures["core_ok"],
            "graded": not not_graded, "not_graded_reason": texts[not_graded] if not_graded else None,
            "grade": grade or None, "veto": bool(veto_reason), "veto_reason": veto_reason or None,
            "warning": needs_warning(total, not not_graded, settings["warning_below"]),
            "component_lines": figures["lines"],
            "old_stars": fact["old_stars"], "old_honour": fact["old_honour"],
        }

    _RANK_FIELDS = ("rank_branch", "rank_overall", "branch_size", "top_ten", "bottom_ten")

    @api.model
    def _year_others(self, year, member_ids, branch_ids=None):
        """The results of ``year`` that are not recomputed (final ones, other members): they are ranked with the
        computed ones. Returns the whole rows (dicts) of these results; with ``branch_ids`` (some members
        recomputed), only those of these branches, whose ranks, top and bottom 10 % and stars move with the
        computed ones (the overall ranks of the other branches: see :meth:`_year_rank_overall`). One query."""
        cr = self.env.cr
        # the computed members left out by PostgreSQL: at the year-end they are every result of the year, which were
        # read and dropped here (0.1 s at the county). An anti-join, not NOT IN: a province's half million ids do
        # not fit a hashed NOT IN in the default work_mem, and unhashed it compares every row with every id
        cr.execute(SQL("""
            SELECT id, member_id, organization_id, company_id, scheme_id, COALESCE(total, 0.0),
                   COALESCE(graded, FALSE), COALESCE(core_ok, FALSE), COALESCE(veto, FALSE), grade,
                   rank_branch, rank_overall, branch_size, COALESCE(top_ten, FALSE), COALESCE(bottom_ten, FALSE),
                   COALESCE(stars, 0), COALESCE(honour, FALSE), star_rating
              FROM party_points_result
             WHERE year = %s %s
               AND NOT EXISTS (SELECT 1 FROM unnest(%s::int[]) AS computed(member_id)
                                WHERE computed.member_id = party_points_result.member_id)
        """, year, SQL() if branch_ids is None
            else SQL("AND organization_id = ANY(%s::int[])", int_array(sorted(branch_ids))), int_array(member_ids)))
        keys = ("id", "member_id", "organization_id", "company_id", "scheme_id", "total", "graded", "core_ok", "veto",
                "grade", "old_rank_branch", "old_rank_overall", "old_branch_size", "old_top_ten", "old_bottom_ten",
                "old_stars", "old_honour", "old_star_rating")
        return [dict(zip(keys, row)) for row in cr.fetchall()]

    @api.model
    def _year_rank(self, rows):
        """Set the ranks of all the results of a year (``rows``): in the branch and overall (per company),
        standard competition ranking of the totals, highest first; the branch size; the top and bottom 10 % of
        each branch (at least one member each, no bottom in a branch of one)."""
        for key, field in (("organization_id", "rank_branch"), ("company_id", "rank_overall")):
            partitions = {}
            for index, row in enumerate(rows):
                partitions.setdefault(row[key], {})[index] = row["total"]
            for totals in partitions.values():
                for index, rank in competition_ranks(totals).items():
                    rows[index][field] = rank
                    if field == "rank_branch":
                        rows[index]["branch_size"] = len(totals)
        for row in rows:
            size = row["branch_size"]
            tenth = max((size + 9) // 10, 1)
            row["top_ten"] = row["rank_branch"] <= tenth
            row["bottom_ten"] = row["rank_branch"] > size - tenth and size > 1

    @api.model
    def _year_rank_overall(self, year, rows, branch_ids, member_ids):
        """Some members recomputed (``member_ids``, in the branches ``branch_ids``, whose results are ``rows``):
        the overall rank of ``rows`` among every result of their companies, and the overall ranks that this moves
        in the other branches, returned as ``{"id": id, "rank_overall": rank}``.

        The same standard competition ranking as :meth:`_year_rank`, computed by PostgreSQL: the other results of
        the companies (a province has hundreds of thousands) are ranked where they are stored, with the totals of
        ``rows``, and only the ranks of ``rows`` and the ranks that moved come back. Every overall rank of the
        companies is ranked again, so that a rank left behind by a deleted result is put right too. One query
        (with more ``work_mem`` for it alone)."""
        if not rows:
            return []
        companies = [row["company_id"] or None for row in rows]
        # a province's half million totals sorted in memory, not in temporary files (one veto: 0.9 → 0.46 s)
        with local_setting(self.env.cr, "work_mem", "64MB"):
            self.env.cr.execute(SQL("""
                WITH ranked AS (
                    SELECT id, key, rank_overall,
                           rank() OVER (PARTITION BY company_id ORDER BY total DESC) AS rank
                      FROM (SELECT r.id, NULL::int AS key, r.company_id, COALESCE(r.total, 0.0)::float8 AS total,
                                   r.rank_overall
                              FROM party_points_result r
                             WHERE r.year = %(year)s
                               AND (r.company_id = ANY(%(companies)s::int[]) OR (%(none)s AND r.company_id IS NULL))
                               AND (r.organization_id IS NULL OR NOT r.organization_id = ANY(%(branches)s::int[]))
                               AND NOT r.member_id = ANY(%(members)s::int[])
                            UNION ALL
                            SELECT NULL, key, company_id, total, NULL
                              FROM unnest(%(keys)s::int[], %(companies)s::int[], %(totals)s::float8[])
                                   AS mine(key, company_id, total)) every_result
                )
                SELECT id, key, rank FROM ranked WHERE key IS NOT NULL OR rank_overall IS DISTINCT FROM rank
            """, year=year, companies=int_array(companies), none=None in companies,
                branches=int_array(sorted(branch_ids)), members=int_array(member_ids),
                keys=int_array(range(len(rows))), totals=float_array(row["total"] for row in rows)))
            ranks = self.env.cr.fetchall()
        moved = []
        for result_id, key, rank in ranks:
            if key is None:
                moved.append({"id": result_id, "rank_overall": rank})
            else:
                rows[key]["rank_overall"] = rank
        return moved

    @api.model
    def _year_top_ten_clean_basic(self, year, rows):
        """S003 P8 (二): "对积分排名靠前10%的党员，在基本分无扣分的前提下，作为评先评优的推荐对象" — in the schemes that
        say so, a member of the top 10 % who lost points during the year is not on the top 10 % list. In P8 every
        deduction (absence, late dues, breaches: the 扣分 part) is a duty of the basic points not fulfilled, so any
        deduction of the year counts. One query, only when such a scheme is concerned."""
        Scheme = self.env["party.points.scheme"].sudo()
        flagged = {scheme.id for scheme in Scheme.browse({row["scheme_id"] for row in rows if row["scheme_id"]})
                   if scheme.top_ten_clean_basic}
        candidates = [row for row in rows if row["top_ten"] and row["scheme_id"] in flagged]
        if not candidates:
            return
        self.env.cr.execute(SQL("""
            SELECT DISTINCT e.member_id
              FROM party_points_entry e
             WHERE e.member_id = ANY(%s::int[]) AND e.state = 'posted' AND e.year = %s AND e.points < 0
               AND NOT COALESCE(e.is_reversed, FALSE) AND e.reversed_entry_id IS NULL
        """, int_array(row["member_id"] for row in candidates), year))
        deducted = {member_id for (member_id,) in self.env.cr.fetchall()}
        for row in candidates:
            if row["member_id"] in deducted:
                row["top_ten"] = False

    @api.model
    def _year_stars(self, rows, schemes):
        """Set the stars and the honour roll flag of the results ``rows`` (every result of the branches
        concerned): the graded members of each branch and scheme get their stars with the quotas
        (:func:`assign_stars`)."""
        groups = {}
        bottom_barred = {scheme_id for scheme_id, scheme in schemes.items() if scheme.bottom_ten_barred}
        for row in rows:
            row["stars"] = 0
            if row["graded"]:
                groups.setdefault((row["organization_id"], row["scheme_id"]), []).append(row)
        Scheme = self.env["party.points.scheme"].sudo()
        # each scheme's settings read once (a county has a thousand branches, most of them under one scheme)
        star_settings = {}
        for (_org, scheme_id), graded in groups.items():
            settings = star_settings.get(scheme_id)
            if settings is None:
                scheme = schemes.get(scheme_id) or Scheme.browse(scheme_id)
                settings = star_settings[scheme_id] = (
                    scheme._star_thresholds(), scheme._star_quotas(), scheme.small_branch_size,
                    0 if scheme.veto_outcome == "unqualified" else VETO_STARS, scheme.excellent_needs_stars)
            thresholds, quotas, small_branch_size, veto_stars, excellent_needs_stars = settings
            # ties go to the older result: new results get their ids after the existing ones, in member order
            keyed = [{"id": (0, row["id"]) if row["id"] else (1, row["member_id"]), "total": row["total"],
                      "core_ok": row["core_ok"], "veto": row["veto"]} for row in graded]
            stars = assign_stars(keyed, thresholds, quotas, core_bar=3, small_branch_size=small_branch_size,
                                 veto_stars=veto_stars)
            for row, key in zip(graded, keyed):
                row["stars"] = stars[key["id"]]
                if "component_lines" in row:  # a result computed now (not a final or other one)
                    row["grade"] = grade_with_stars(row["grade"], row["stars"], excellent_needs_stars)
        for row in rows:
            # computed stars are a proposal: five stars reach the honour roll once approved (party.points.star.review);
            # S003 P8 (三): the bottom 10 % are barred from honours where the scheme says so
            barred = row["bottom_ten"] and row["scheme_id"] in bottom_barred
            row["honour"] = bool(row["graded"] and not row["veto"] and row["grade"] == "excellent" and not barred)

    # from this many members, the server log follows the computation per 10 % of the members (YearProgress)
    _YEAR_PROGRESS_MIN = 5000

    # columns computed by _compute_year
    _YEAR_COLUMNS = (
        "organization_id", "party_group_id", "company_id", "scheme_id", "carry_over", "earned", "q1", "q2", "q3",
        "q4", "total", "core_ok", "graded", "not_graded_reason", "grade", "veto", "veto_reason", "component_lines",
        "rank_branch", "rank_overall", "branch_size", "top_ten", "bottom_ten", "stars", "honour", "star_rating",
        "warning",
    )
    # columns of the other results of the year that a computation may move (ranks; stars in the same branch)
    _OTHER_COLUMNS = _RANK_FIELDS + ("stars", "honour", "star_rating")

    def _year_columns(self, names):
        return {name: column_kind(self._fields[name]) for name in names}

    @api.model
    def _year_store(self, year, rows, others, final=False, outside_moved=()):
        """Write the computed ``rows`` (made ``final`` if asked) and what moved in the ``others`` (ranks, and
        stars in the branches concerned) and ``outside_moved`` (overall ranks in other branches, see
        :meth:`_year_rank_overall`): one COPY for the new results, one UPDATE for the recomputed ones that
        changed, one for the others that moved and one for the overall ranks. Returns ``{member id: new result id}``.

        Written in SQL because a county has tens of thousands of results; the ORM cache of the results is
        invalidated afterwards. Provisional figures change whenever the ledger does, so they are not tracked
        one by one in the chatter (a county's year would log tens of thousands of messages); the results made
        final are announced in the chatter of their branch (:meth:`_year_announce_final`)."""
        cr = self.env.cr
        now = cr.now()
        uid = self.env.uid
        for row in others:
            row.setdefault("stars", row["old_stars"])
            row.setdefault("honour", row["old_honour"])
        for row in rows + others:
            row["star_rating"] = star_rating(row["stars"])
        state = "final" if final else "draft"
        for row in rows:
            row["state"] = state
        new = [row for row in rows if not row["id"]]
        existing = [row for row in rows if row["id"]]
        created = {}
        if new:
            # ids drawn from the table's sequence beforehand, given in member order (ties in the stars go to the
            # older result, see _year_stars): reading them back after the copy took two seconds in a province
            new.sort(key=lambda row: row["member_id"])
            cr.execute(SQL("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", f"{self._table}_id_seq",
                           len(new)))
            ids = sorted(new_id for (new_id,) in cr.fetchall())
            for row, new_id in zip(new, ids):
                row["id"] = new_id
            created = {row["member_id"]: row["id"] for row in new}
            moment = now.isoformat(sep=" ")
            constants = {"year": str(year), "veto_manual": "f", "create_uid": str(uid), "create_date": moment,
                         "write_uid": str(uid), "write_date": moment}
            copy_rows(cr, self._table, self._year_columns(("id", "member_id", "state") + self._YEAR_COLUMNS), new,
                      constants)
        stamp = {"write_uid": uid, "write_date": now}
        columns = self._year_columns(("state",) + self._YEAR_COLUMNS)
        if not final:  # results made final all change (their state); a recomputation mostly finds the same figures
            existing = changed_rows(cr, self._table, columns, existing, where=SQL("year = %s", year))
        update_rows(cr, self._table, columns, existing, stamp)
        # the other results of the year whose ranks or stars moved (one member recomputed moves a few of them):
        # compared with the values read by _year_others, no query
        new_values = itemgetter(*self._OTHER_COLUMNS)
        old_values = itemgetter(*(f"old_{name}" for name in self._OTHER_COLUMNS))
        moved = [row for row in others if new_values(row) != old_values(row)]
        update_rows(cr, self._table, self._year_columns(self._OTHER_COLUMNS), moved, stamp)
        update_rows(cr, self._table, self._year_columns(("rank_overall",)), outside_moved, stamp)
        self.invalidate_model()
        self.env["party.points.result.line"].invalidate_model()
        self.env["party.member"].invalidate_model(["points_result_ids"])
        return created

    @api.model
    def _year_announce_final(self, year, rows):
        """Say once in the chatter of each branch that its results of ``year`` (the computed ``rows``) are now
        final, with the number of members: one message per result would be tens of thousands of messages at a
        county's year-end (and one statement for all the branches: a province has ten thousand)."""
        counts = Counter(row["organization_id"] for row in rows if row["organization_id"])
        if counts:
            branches = self.env["party.organization"].sudo().browse(sorted(counts))
            # translated once, filled in for each branch
            text = self.env._("Annual points results of %(year)s made final: %(count)s members.")
            paragraph = Markup("<p>%s</p>")
            log_notes(branches, {branch_id: paragraph % (text % {"year": year, "count": count})
                                 for branch_id, count in counts.items()})

    def _schedule_warning_talks(self, bottom_ten=False):
        """A warning talk (警示谈话) with each warned member of a year made final: an activity on the member for the
        branch's secretary (S003 P4 第二十四条; P8 for the bottom 10 %). Created in one batch (a county's year-end
        warns thousands of members), without a notification e-mail each: the secretary finds them in the
        activities.

        Written with one statement (the ORM's create of thousands of activities took longer than the whole
        computation of the year): the values the ORM would compute (document name, the responsible user's
        timezone) are computed here, the note is escaped HTML, and each responsible user follows their members as
        the ORM's create makes them do."""
        if not self:
            return self.env["mail.activity"]
        activity_type = self.env.ref("party_member_points.mail_activity_type_warning_talk")
        model_id = self.env["ir.model"]._get_id("party.member")
        today = party_today(self)
        deadline = today + relativedelta(days=activity_type.delay_count or 15)
        self.env.flush_all()
        cr = self.env.cr
        # the member's display name is their name (a plain column): read with the result, not member by member
        # through the ORM (a county's year-end warns thousands of members)
        cr.execute(SQL("""
            SELECT r.member_id, COALESCE(r.organization_id, m.organization_id), r.year, r.total, m.name
              FROM party_points_result r
              JOIN party_member m ON m.id = r.member_id
             WHERE r.id = ANY(%s::int[])
          ORDER BY r.id
        """, int_array(self.ids)))
        rows = cr.fetchall()
        members = self.env["party.member"].sudo().browse([row[0] for row in rows])
        responsible = {}
        for org in self.env["party.organization"].sudo().browse({row[1] for row in rows if row[1]}):
            responsible[org.id] = org._get_responsible_user()
        users = {org_id: responsible.get(org_id) or self.env.user for _m, org_id, _y, _t, _n in rows}
        # the texts translated once, then filled in for each member (the same result as translating with the
        # values: the values are plain text, escaped in the note's HTML below)
        if bottom_ten:
            note_text = self.env._("%(name)s is in the bottom 10 %% of the branch for %(year)s (%(total)s points): "
                                   "barred from honours, hold a talk and set a time to improve (S003 P8).")
        else:
            note_text = self.env._("%(name)s's points of %(year)s (%(total)s) are below the warning level: hold a "
                                   "warning talk. Warned two years running, the member is proposed Unqualified in "
                                   "the democratic evaluation.")
        summary_text = self.env._("Warning talk with %s")
        paragraph = Markup("<p>%s</p>")
        columns = {"res_model_id": [], "res_model": [], "res_id": [], "res_name": [], "activity_type_id": [],
                   "user_id": [], "user_tz": [], "date_deadline": [], "note": [], "summary": []}
        followers = {}
        for member_id, org_id, year, total, name in rows:
            user = users[org_id]
            columns["res_model_id"].append(model_id)
            columns["res_model"].append("party.member")
            columns["res_id"].append(member_id)
            columns["res_name"].append(name)
            columns["activity_type_id"].append(activity_type.id)
            columns["user_id"].append(user.id)
            columns["user_tz"].append(user.tz or None)
            columns["date_deadline"].append(deadline)
            columns["note"].append(str(paragraph % (note_text % {"name": name, "year": year, "total": total})))
            columns["summary"].append(summary_text % name)
            followers.setdefault(user, []).append(member_id)
        types = {"res_model_id": "int4", "res_id": "int4", "activity_type_id": "int4", "user_id": "int4",
                 "date_deadline": "date", "note": "text"}
        now = cr.now()
        activity_ids = insert_unnest(cr, "mail_activity", {
            name: (types.get(name, "varchar"), values) for name, values in columns.items()
        }, {"active": True, "create_uid": self.env.uid, "create_date": now, "write_uid": self.env.uid,
            "write_date": now}, returning="id")
        activities = self.env["mail.activity"].sudo().browse(activity_ids)
        self.env["mail.activity"].invalidate_model()
        members.invalidate_recordset(["activity_ids"])
        add_followers(self.env, "party.member", {user.partner_id.id: member_ids
                                                 for user, member_ids in followers.items()})
        if deadline <= fields.Date.context_today(self):
            self.env["res.users"].browse({user.id for user in followers})._bus_send(
                "mail.activity/updated", {"activity_created": True})
        return activities

    @api.model
    def _cron_year_end(self):
        """1 January (00:30 in the company's timezone, Asia/Shanghai by default): final results of the year just
        ended, then this year's provisional results so that each member sees the carry-over in their base.

        The year to close is read from the organization's calendar (:func:`party_today`), not from the server's
        UTC date: at 16:30 UTC on 31 December it is already 1 January in Shanghai. A job that ran late (or not at
        all last year) still closes every past year that has provisional results, oldest first."""
        today = party_today(self)
        self.env.cr.execute(SQL("SELECT DISTINCT year FROM party_points_result WHERE state != 'final' AND year < %s"
                                " ORDER BY year", today.year))
        years = [year for (year,) in self.env.cr.fetchall()]
        for year in sorted(set(years) | {today.year - 1}):
            self.sudo()._compute_year(year, final=True)
        self.sudo()._compute_year(today.year)
        return True

    def action_view_entries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("party_member_points.party_points_entry_action")
        action["domain"] = [("member_id", "=", self.member_id.id), ("year", "=", self.year)]
        return action

    def _party_check_report_access(self, report):
        """The register sheet (登记表) lists the member's whole ledger of the year: it is printed by those who
        may read the member's record (the member, their leaders and officers), not by everyone who can read the
        result (an honour-roll result is read by every member)."""
        if report.report_name == "party_member_points.report_points_register":
            self.member_id.check_access("read")

    def _entries(self):
        """Posted entries of the member's year, for the register sheet (登记表), read with the user's rights."""
        self.ensure_one()
        return self.env["party.points.entry"].search(
            [("member_id", "=", self.member_id.id), ("year", "=", self.year), ("state", "=", "posted")],
            order="date, id")

    # ------------------------------------------------------------------ XLSX summary tables
    def _summary_xlsx_sheets(self):
        """The summary table (汇总表) and the honour roll of these results as XLSX sheets, in the order and
        with the columns of the printed tables."""
        self.check_access("read")
        grades = dict(self._fields["grade"]._description_selection(self.env))
        results = self.sorted(lambda r: (r.organization_id.complete_name or "", -r.year, r.rank_branch or 0, r.id))
        summary = [[
            result.organization_id.display_name, result.year, result.rank_branch or None, result.member_id.name,
            result.carry_over, result.earned, result.total, grades.get(result.grade, ""), result.stars or None,
            "; ".join(filter(None, [not result.graded and result.not_graded_reason or "",
                                    result.veto and result.veto_reason or ""])),
        ] for result in results]
        honour = self.filtered("honour").sorted(lambda r: (-r.year, -r.stars, -r.total))
        honour_rows = [[
            result.year, result.member_id.name, result.organization_id.display_name, grades.get(result.grade, ""),
            result.stars or None, result.total,
        ] for result in honour]
        return [{
            "name": self.env._("Summary"),
            "title": self.env._("Party Member Points Summary Table"),
            "headers": [self.env._("Branch"), self.env._("Year"), self.env._("Rank"), self.env._("Member"),
                        self.env._("Carried Over"), self.env._("Points of the Year"), self.env._("Total"),
                        self.env._("Grade"), self.env._("Stars"), self.env._("Remarks")],
            "rows": summary,
            "widths": [28, 8, 6, 14, 10, 12, 10, 12, 8, 40],
        }, {
            "name": self.env._("Honour Roll"),
            "title": self.env._("Honour Roll"),
            "headers": [self.env._("Year"), self.env._("Member"), self.env._("Branch"), self.env._("Grade"),
                        self.env._("Stars"), self.env._("Total")],
            "rows": honour_rows,
            "widths": [8, 14, 28, 12, 8, 10],
        }]

    def action_export_summary_xlsx(self):
        """List button: the selected results as the summary table and honour roll in one workbook."""
        if not self:
            raise UserError(self.env._("Select the results to export."))
        return self.env["party.xlsx.export"]._download(
            self.env._("Points Summary") + ".xlsx", self._summary_xlsx_sheets())

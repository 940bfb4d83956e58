from datetime import date

from odoo import api, fields, models
from odoo.exceptions import UserError

from .party_points_logic import GRADES, assign_stars, grade_for_points, mean_of_quarters
from .party_workflow import WORKFLOW, in_workflow

VETO_STARS = 1
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


class PartyPointsResult(models.Model):
    """Annual result of a member: total (sum, or mean of the quarters), carry-over, component subtotals, rank
    in the branch and overall, grade, stars and veto. Computed by :meth:`_compute_year` (and the year-end
    scheduled action); a manual veto set by an officer is kept when the year is computed again."""

    _name = "party.points.result"
    _description = "Annual Points Result"
    _inherit = ["mail.thread"]
    _order = "year desc, organization_id, rank_branch, id"
    _rec_name = "member_id"

    member_id = fields.Many2one("party.member", string="Member", required=True, index=True, ondelete="cascade")
    year = fields.Integer(required=True, index=True, aggregator=None)
    organization_id = fields.Many2one("party.organization", string="Branch", index=True, readonly=True)
    party_group_id = fields.Many2one(related="member_id.party_group_id", store=True, index=True)
    company_id = fields.Many2one(related="member_id.company_id", store=True, index=True)
    scheme_id = fields.Many2one("party.points.scheme", string="Scheme", readonly=True)
    line_ids = fields.One2many("party.points.result.line", "result_id", string="Components", readonly=True)
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
    top_ten = fields.Boolean(string="Top 10 %", readonly=True, index=True)
    bottom_ten = fields.Boolean(string="Bottom 10 %", readonly=True, index=True)
    graded = fields.Boolean(readonly=True, default=True)
    not_graded_reason = fields.Char(readonly=True)
    grade = fields.Selection(GRADES, readonly=True, tracking=True)
    stars = fields.Integer(readonly=True, tracking=True, aggregator="avg")
    star_rating = fields.Selection(STAR_RATINGS, compute="_compute_star_rating", store=True, string="Star Rating")
    veto = fields.Boolean(readonly=True, tracking=True)
    veto_reason = fields.Char(readonly=True)
    veto_manual = fields.Boolean(string="Manual Veto", tracking=True,
                                 help="A veto item found by the branch (e.g. a serious violation) not known to the "
                                      "register.")
    veto_manual_reason = fields.Char(string="Manual Veto Reason", tracking=True)
    honour = fields.Boolean(string="Honour Roll", readonly=True, index=True,
                            help="Five-star or excellent member: shown on the honour roll.")
    state = fields.Selection([("draft", "Provisional"), ("final", "Final")], default="draft", required=True,
                             readonly=True, tracking=True)
    image_128 = fields.Image(related="member_id.image_128")

    _sql_constraints = [
        ("member_year_uniq", "unique(member_id, year)", "A member has one result per year."),
    ]

    @api.depends("stars")
    def _compute_star_rating(self):
        for result in self:
            result.star_rating = str(min(max(result.stars, 0), 5))

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

    def unlink(self):
        if self.filtered(lambda result: result.state == "final"):
            raise UserError(self.env._("Final annual results are part of the record and are never deleted."))
        return super().unlink()

    # ------------------------------------------------------------------ computation
    @api.model
    def _not_graded_reason(self, member, year):
        """Members who earn points but are not graded: probationary members (their points decide on-time
        confirmation), members who joined during the year, exempt frail members (graded by evaluation only)."""
        if member.stage == "probationary":
            return self.env._("Probationary member")
        if member.join_date and member.join_date.year >= year:
            return self.env._("Joined this year")
        if member.is_frail and member.frail_exempt_approved:
            return self.env._("Exempt (frail or ill)")
        return False

    @api.model
    def _veto_reason(self, member, scheme, year, manual=False, manual_reason=False):
        reasons = []
        if scheme.veto_six_months and member.veto_candidate:
            reasons.append(self.env._("six months without org life or dues"))
        if scheme.veto_sanction and any(s._overlaps(date(year, 1, 1), date(year, 12, 31))
                                        for s in member.sanction_ids):
            reasons.append(self.env._("sanction during the year"))
        if scheme.veto_sentence and member.serving_sentence:
            reasons.append(self.env._("criminal proceedings"))
        if manual:
            reasons.append(manual_reason or self.env._("veto set by the branch"))
        return "; ".join(reasons)

    @api.model
    def _compute_year(self, year, members=None, final=False):
        """Compute (or recompute) the annual results of ``year`` for ``members`` (default: every member who
        earns points), then the ranks, top/bottom 10 % and stars of the branches concerned.

        Component subtotals come from one grouped query over the ledger (per member, component and quarter).
        Returns the results.
        """
        Member = self.env["party.member"].sudo()
        if members is None:
            members = Member.search(Member._points_earning_domain())
        members = members.sudo().filtered(lambda m: m.status == "normal" and m.stage in ("probationary", "full"))
        if not members:
            return self.browse()
        existing = {r.member_id.id: r for r in self.sudo().search([("member_id", "in", members.ids),
                                                                    ("year", "=", year)])}
        finals = {member_id for member_id, result in existing.items() if result.state == "final"}
        if finals and not self.env.su:
            raise UserError(self.env._("The results of %s are final.", year))
        # final results are kept as they are (the year-end action may run again)
        members = members.filtered(lambda m: m.id not in finals)
        for member_id in finals:
            existing.pop(member_id)
        rows = self.env["party.points.entry"].sudo()._read_group(
            [("member_id", "in", members.ids), ("state", "=", "posted"), ("year", "=", year)],
            ["member_id", "component_id", "date:quarter"], ["points:sum"])
        ledger = {}
        for member, component, quarter, points in rows:
            ledger.setdefault(member.id, {}).setdefault(component.id, [0.0] * 4)[(quarter.month - 1) // 3] += points
        previous = {r.member_id.id: r.total for r in self.sudo().search([("member_id", "in", members.ids),
                                                                         ("year", "=", year - 1)])}
        schemes = {}
        vals_by_member = {}
        for member in members:
            org = member.organization_id
            if org.id not in schemes:
                schemes[org.id] = org._get_points_scheme()
            scheme = schemes[org.id]
            vals_by_member[member.id] = self._member_year_vals(
                member, scheme, year, ledger.get(member.id, {}), previous.get(member.id, 0.0),
                existing.get(member.id))
        to_create = []
        for member in members:
            vals = vals_by_member[member.id]
            result = existing.get(member.id)
            if result:
                result.line_ids.unlink()
                result.with_context(party_points_compute=WORKFLOW, tracking_disable=True).write(vals)
            else:
                to_create.append(dict(vals, member_id=member.id, year=year))
        created = self.sudo().with_context(tracking_disable=True, mail_create_nolog=True,
                                           party_points_compute=WORKFLOW).create(to_create)
        results = self.sudo().browse(list({r.id for r in existing.values()} | set(created.ids)))
        if not results:
            return results.with_env(self.env)
        self._rank_and_star(year, results.organization_id)
        if final:
            results.with_context(party_points_compute=WORKFLOW).write({"state": "final"})
        return results.with_env(self.env)

    @api.model
    def _member_year_vals(self, member, scheme, year, ledger, previous_total, existing):
        """Values of one member's result from the ledger subtotals ``{component_id: [q1, q2, q3, q4]}``."""
        lines = []
        quarters = [0.0] * 4
        subtotal = 0.0
        core_ok = True
        for component in scheme.component_ids:
            per_quarter = ledger.get(component.id, [0.0] * 4)
            if scheme.total_method == "mean_quarters":
                # each quarter is scored on its own, from the component's starting points
                scored = [component.start_points + q for q in per_quarter]
                if scheme.floor_mode == "component":
                    scored = [max(q, 0.0) for q in scored]
                points = mean_of_quarters(scored)
            else:
                scored = list(per_quarter)
                scored[0] += component.start_points
                points = sum(scored)
                if scheme.floor_mode == "component":
                    points = max(points, 0.0)
            quarters = [a + b for a, b in zip(quarters, scored)]
            subtotal += points
            maximum = component.max_points
            percent = 100.0 * points / maximum if maximum else 0.0
            if component.is_core and maximum and percent < scheme.core_bar_percent:
                core_ok = False
            lines.append((0, 0, {"component_id": component.id, "points": points, "max_points": maximum,
                                 "percent": percent}))
        carry = round(previous_total * scheme.carry_over_percent / 100.0, 2) if previous_total > 0 else 0.0
        earned = subtotal
        if scheme.floor_mode == "total":
            earned = max(earned, 0.0)
        manual = existing.veto_manual if existing else False
        manual_reason = existing.veto_manual_reason if existing else False
        veto_reason = self._veto_reason(member, scheme, year, manual, manual_reason)
        total = round(earned + carry, 2)
        if veto_reason and scheme.veto_outcome == "void":
            total = 0.0
        not_graded = self._not_graded_reason(member, year)
        grade = False
        if not not_graded:
            grade = "unqualified" if veto_reason else grade_for_points(total, scheme._grade_thresholds())
        return {
            "organization_id": member.organization_id.id,
            "scheme_id": scheme.id,
            "line_ids": lines,
            "carry_over": carry,
            "earned": round(earned, 2),
            "q1": quarters[0], "q2": quarters[1], "q3": quarters[2], "q4": quarters[3],
            "total": total,
            "core_ok": core_ok,
            "graded": not not_graded,
            "not_graded_reason": not_graded or False,
            "grade": grade,
            "veto": bool(veto_reason),
            "veto_reason": veto_reason or False,
        }

    @api.model
    def _rank_and_star(self, year, branches):
        """Ranks in the branch and overall (SQL window functions over the year's results), top and bottom
        10 % of each branch, then the stars of the graded members of each branch with the quotas."""
        self.flush_model()
        self.env.cr.execute("""
            WITH ranked AS (
                SELECT id,
                       RANK() OVER (PARTITION BY organization_id ORDER BY total DESC) AS rank_branch,
                       RANK() OVER (PARTITION BY company_id ORDER BY total DESC) AS rank_overall,
                       COUNT(*) OVER (PARTITION BY organization_id) AS branch_size
                  FROM party_points_result
                 WHERE year = %s
            )
            UPDATE party_points_result r
               SET rank_branch = ranked.rank_branch,
                   rank_overall = ranked.rank_overall,
                   branch_size = ranked.branch_size,
                   top_ten = ranked.rank_branch <= GREATEST(CEIL(ranked.branch_size * 0.1), 1),
                   bottom_ten = ranked.rank_branch > ranked.branch_size - GREATEST(CEIL(ranked.branch_size * 0.1), 1)
                                AND ranked.branch_size > 1
              FROM ranked
             WHERE ranked.id = r.id
        """, [year])
        self.invalidate_model(["rank_branch", "rank_overall", "branch_size", "top_ten", "bottom_ten"])
        results = self.sudo().search([("year", "=", year), ("organization_id", "in", branches.ids)])
        for _branch, branch_results in results.grouped("organization_id").items():
            graded = branch_results.filtered("graded")
            stars = {}
            for scheme, scheme_results in graded.grouped("scheme_id").items():
                stars.update(assign_stars(
                    [{"id": r.id, "total": r.total, "core_ok": r.core_ok, "veto": r.veto} for r in scheme_results],
                    scheme._star_thresholds(), scheme._star_quotas(), core_bar=3,
                    small_branch_size=scheme.small_branch_size,
                    veto_stars=0 if scheme.veto_outcome == "unqualified" else VETO_STARS))
            for result in branch_results:
                value = stars.get(result.id, 0)
                honour = bool(result.graded and not result.veto and (value == 5 or result.grade == "excellent"))
                if (result.stars, result.honour) != (value, honour):
                    result.with_context(party_points_compute=WORKFLOW).write({"stars": value, "honour": honour})
        return True

    @api.model
    def _cron_year_end(self):
        """1 January: final results of the year just ended, then this year's provisional results so that each
        member sees the carry-over in their base."""
        today = fields.Date.context_today(self)
        self.sudo()._compute_year(today.year - 1, final=True)
        self.sudo()._compute_year(today.year)
        return True

    def action_view_entries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("party_member_points.party_points_entry_action")
        action["domain"] = [("member_id", "=", self.member_id.id), ("year", "=", self.year)]
        return action

    def _entries(self):
        """Posted entries of the member's year, for the register sheet (登记表)."""
        self.ensure_one()
        return self.env["party.points.entry"].sudo().search(
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

import gc
from datetime import date, timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged
from odoo.addons.party_member_points.models import party_points_result
from odoo.addons.party_member_points.models.party_points_logic import component_percent
from odoo.addons.party_member_points.tools.clock import party_today

from .test_integrity import load_zh_cn
from .test_points_common import PartyPointsCase


@tagged("post_install", "-at_install")
class TestPointsResults(PartyPointsCase):
    """Annual results: totals, carry-over, ranks, grades, stars with quotas, veto items, members not graded."""

    YEAR = 2024

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Rule = cls.env["party.points.rule"]
        cls.r_life = Rule.create({"name": "Life points", "code": "life_points", "scheme_id": cls.scheme.id,
                                  "component_id": cls.c_life.id, "points": 10.0, "recorder": "system"})
        cls.r_study = Rule.create({"name": "Study points", "code": "study_points", "scheme_id": cls.scheme.id,
                                   "component_id": cls.c_study.id, "points": 20.0, "recorder": "system"})
        cls.seven = cls.env["party.organization"].create({
            "name": "Seven Branch", "kind": "branch", "parent_id": cls.town.id, "points_scheme_id": cls.scheme.id})
        cls.Result = cls.env["party.points.result"]

    def _give(self, member, total, life=10.0, study=20.0, year=None):
        """Post ``total`` points for ``year``: life and study as given, the rest as bonus."""
        day = date(year or self.YEAR, 6, 1)
        if life:
            self._post(member, self.r_life, day=day, points=life)
        if study:
            self._post(member, self.r_study, day=day, points=study)
        if total - life - study:
            self._post(member, self.r_big, day=day, points=total - life - study)

    def _result(self, member, year=None):
        return self.Result.search([("member_id", "=", member.id), ("year", "=", year or self.YEAR)])

    def test_branch_of_seven_quota_rounding(self):
        members = self.Member.browse()
        for index, total in enumerate([99, 98, 97, 96, 95, 94, 93]):
            member = self._member(f"Seven {index}", org=self.seven)
            self._give(member, total)
            members |= member
        results = self.Result._compute_year(self.YEAR, members)
        self.assertEqual(len(results), 7)
        by_member = {r.member_id: r for r in results}
        ordered = [by_member[m] for m in members]
        self.assertEqual([r.total for r in ordered], [99, 98, 97, 96, 95, 94, 93])
        self.assertEqual([r.rank_branch for r in ordered], [1, 2, 3, 4, 5, 6, 7])
        self.assertEqual([r.stars for r in ordered], [5, 4, 4, 3, 3, 2, 2],
                         "7 participants: one five-star member (under-10 rule), 30 % and 40 % of 7 round down to 2")
        self.assertEqual(set(results.mapped("grade")), {"excellent"})
        self.assertEqual([r.top_ten for r in ordered], [True] + [False] * 6)
        self.assertEqual([r.bottom_ten for r in ordered], [False] * 6 + [True])
        self.assertTrue(all(r.honour for r in results))
        lines = ordered[0].line_ids.sorted("sequence")
        self.assertEqual(lines.mapped("points"), [10.0, 20.0, 69.0])
        self.assertEqual(lines[0].percent, 100.0)
        self.assertEqual(lines[2].percent, 0.0, "no maximum for the bonus: no percent")
        # the percent is worked out when the lines are read, as the pure function does
        every_line = results.line_ids
        self.assertEqual(every_line.mapped("percent"),
                         [component_percent(line.points, line.max_points) for line in every_line])
        self.assertEqual(len(results[0].component_lines[0]), 3, "[component, points, maximum] stored")

    def test_collector_left_as_found(self):
        """The year's computation and a batch of automatic entries pause Python's cyclic collector while they
        build their rows (see no_cyclic_gc): whatever happens, the server's collector is left as they found it."""
        member = self._member("Collected Member", organization_id=self.seven.id)
        was_enabled = gc.isenabled()
        self.addCleanup(gc.enable if was_enabled else gc.disable)
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            self._post(member, self.r_life, day=date(self.YEAR, 5, 1), points=10.0)
            self.assertEqual(gc.isenabled(), enabled)
            with self.assertRaises(UserError):  # a batch refused half-way (a rule the scheme does not have)
                self.Entry._post_automatic_multi([{"member": member, "rule_code": "no_such_rule"}])
            self.assertEqual(gc.isenabled(), enabled)
            results = self.Result._compute_year(self.YEAR, member)
            self.assertEqual(gc.isenabled(), enabled)
            self.assertEqual(results.member_id, member)
            self.assertEqual(results.q2, self._total(member, year=self.YEAR))  # the May entries, all in Q2
        self.Result._compute_year(self.YEAR, member, final=True)
        self.assertEqual(gc.isenabled(), False)
        self.assertEqual(self.Result.search([("member_id", "=", member.id)]).state, "final")

    def test_recomputation_writes_only_what_moved(self):
        """Results computed again are rewritten only where a figure changed: the others keep who last updated them
        (Last Updated by), and one member recomputed rewrites the ranks of the members it passed, not the year."""
        a, b, c = (self._member(name, org=self.seven) for name in ("Same A", "Same B", "Same C"))
        self.other_branch.points_scheme_id = self.scheme
        d, e = (self._member(name, org=self.other_branch) for name in ("Other D", "Other E"))
        for member, total in ((a, 90), (b, 70), (c, 50), (d, 75), (e, 95)):
            self._give(member, total)
        self.Result._compute_year(self.YEAR, a | b | c | d | e)
        admin = self.env.user
        officer = self.Result.with_user(self.user_secretary).sudo()  # the recomputation stamps its user
        officer._compute_year(self.YEAR, a | b | c)
        self.env.invalidate_all()
        self.assertEqual([self._result(m).write_uid for m in (a, b, c, d, e)], [admin] * 5,
                         "the same figures: nothing rewritten")
        self.assertEqual([self._result(m).rank_overall for m in (e, a, d, b, c)], [1, 2, 3, 4, 5])
        self._post(c, self.r_big, day=date(self.YEAR, 7, 1), points=30.0)  # C (80) passes B (70) and D (75)
        officer._compute_year(self.YEAR, c)
        self.env.invalidate_all()
        self.assertEqual([self._result(m).rank_branch for m in (a, b, c)], [1, 3, 2])
        self.assertEqual([self._result(m).rank_overall for m in (e, a, c, d, b)], [1, 2, 3, 4, 5],
                         "the overall ranks of the other branch follow")
        self.assertEqual([self._result(m).rank_branch for m in (e, d)], [1, 2])
        self.assertEqual([self._result(m).write_uid for m in (a, b, c, d, e)],
                         [admin, self.user_secretary, self.user_secretary, self.user_secretary, admin],
                         "C's figures, B's ranks and D's overall rank moved; A's and E's results are as they were")
        self.assertEqual(self._result(c).total, 80)
        # the same ranks as computing the whole year again
        self.Result._compute_year(self.YEAR, a | b | c | d | e)
        self.env.invalidate_all()
        self.assertEqual([self._result(m).rank_overall for m in (e, a, c, d, b)], [1, 2, 3, 4, 5])

    def test_grades_ranks_and_ties(self):
        a, b, c, d = (self._member(name, org=self.seven) for name in ("A", "B", "C", "D"))
        self._give(a, 80)
        self._give(b, 80)
        self._give(c, 62)
        self._give(d, 40, life=5.0, study=5.0)
        self.Result._compute_year(self.YEAR, a | b | c | d)
        self.assertEqual([self._result(m).rank_branch for m in (a, b, c, d)], [1, 1, 3, 4])
        self.assertEqual([self._result(m).grade for m in (a, b, c, d)],
                         ["qualified", "qualified", "basic", "unqualified"])
        other = self._member("Other Branch Top", org=self.other_branch)
        self.other_branch.points_scheme_id = self.scheme
        self._give(other, 95)
        self.Result._compute_year(self.YEAR, other)
        self.assertEqual(self._result(other).rank_branch, 1)
        self.assertEqual(self._result(other).rank_overall, 1)
        self.assertEqual(self._result(a).rank_overall, 2, "ranked across branches too")
        # one member of the other branch recomputed alone ties A and B: the same overall rank, C and D move down
        tied = self._member("Other Branch Tied", org=self.other_branch)
        self._give(tied, 80)
        self.Result._compute_year(self.YEAR, tied)
        self.env.invalidate_all()
        self.assertEqual([self._result(m).rank_overall for m in (other, a, b, tied, c, d)], [1, 2, 2, 2, 5, 6])
        self.assertEqual(self._result(tied).rank_branch, 2)

    def test_core_bar_blocks_four_and_five_stars(self):
        top = self._member("Weak Core", org=self.seven)
        self._give(top, 99, life=6.0)
        others = self.Member.browse()
        for index in range(9):
            others |= self._member(f"Filler {index}", org=self.seven)
            self._give(others[-1:], 50)
        self.Result._compute_year(self.YEAR, top | others)
        result = self._result(top)
        self.assertFalse(result.core_ok, "organizational life at 60 % of its maximum")
        self.assertEqual(result.stars, 3, "first of the branch, but the core bar stops it at three stars")
        self.assertEqual(result.grade, "excellent")
        self.assertEqual(set(self.Result.search([("member_id", "in", others.ids)]).mapped("stars")), {1})

    def test_veto_forces_outcome(self):
        sanctioned = self._member("Sanctioned", org=self.seven)
        sentenced = self._member("Sentenced", org=self.seven, serving_sentence=True)
        clean = self._member("Clean", org=self.seven)
        for member in (sanctioned, sentenced, clean):
            self._give(member, 95)
        self.env["party.member.sanction"].create({
            "member_id": sanctioned.id, "sanction_type": "party_warning", "reason": "breach",
            "date_start": date(self.YEAR - 1, 3, 1), "date_end": date(self.YEAR, 2, 1)})
        self.Result._compute_year(self.YEAR, sanctioned | sentenced | clean)
        for member in (sanctioned, sentenced):
            result = self._result(member)
            self.assertTrue(result.veto)
            self.assertEqual((result.grade, result.stars, result.honour), ("unqualified", 1, False))
        self.assertIn("sanction", self._result(sanctioned).veto_reason)
        self.assertEqual(self._result(clean).stars, 5)
        # the scheme decides: here the points of the year are void
        self.scheme.veto_outcome = "void"
        self.Result._compute_year(self.YEAR, sanctioned)
        self.assertEqual(self._result(sanctioned).total, 0.0)
        # a veto found by the branch needs its reason and is kept when recomputing
        result = self._result(clean).with_user(self.user_upper)
        with self.assertRaises(UserError):
            self._result(clean).with_user(self.user_other_secretary).write(
                {"veto_manual": True, "veto_manual_reason": "x"})
        with self.assertRaises(UserError, msg="a veto needs its reason"):
            result.write({"veto_manual": True})
        self.scheme.veto_outcome = "one_star"
        result.write({"veto_manual": True, "veto_manual_reason": "Refused the assigned work"})
        self.assertTrue(result.veto)
        self.assertEqual(result.stars, 1)
        self.Result._compute_year(self.YEAR, clean)
        self.assertIn("Refused the assigned work", self._result(clean).veto_reason)

    def test_members_earning_but_not_graded(self):
        """S003 P4 第五条–第七条: probationary members, members who joined or were transferred in from outside during
        the year and leading cadres earn points but are not graded nor star-rated; frail members whose exemption was
        approved are left out of points management altogether."""
        probationer = self._member("Probationer", org=self.seven, stage="probationary", full_member_date=False,
                                   join_date=party_today(self.env).replace(day=1))
        newcomer = self._member("Newcomer", org=self.seven, join_date=date(self.YEAR, 3, 1),
                                full_member_date=date(self.YEAR + 1, 3, 1))
        cadre = self._member("Leading Cadre", org=self.seven, is_leading_cadre=True)
        incomer = self._member("Transferred In", org=self.seven)
        transfer = self.env["party.member.transfer"].create({
            "member_id": incomer.id, "direction": "in", "from_external": "外市某村党支部",
            "to_organization_id": self.seven.id, "date": date(self.YEAR, 5, 1), "reason": "迁入"})
        transfer.action_submit()
        transfer.with_user(self.user_upper).action_approve()
        frail = self._member("Frail", org=self.seven, is_frail=True, frail_exempt_approved=True)
        graded = self._member("Graded", org=self.seven)
        rated_out = (probationer, newcomer, cadre, incomer)
        for member in rated_out + (frail, graded):
            self._give(member, 95, year=self.YEAR)
        self.Result._compute_year(self.YEAR, probationer | newcomer | cadre | incomer | frail | graded)
        reasons = {m: self._result(m).not_graded_reason for m in rated_out}
        self.assertEqual(reasons, {probationer: "Probationary member", newcomer: "Joined this year",
                                   cadre: "Leading cadre (not rated)",
                                   incomer: "Transferred in from outside this year"})
        for member in rated_out:
            result = self._result(member)
            self.assertFalse(result.graded)
            self.assertFalse(result.grade)
            self.assertEqual(result.stars, 0)
            self.assertEqual(result.total, 95.0, "they still earn points")
            self.assertTrue(result.rank_branch)
        self.assertFalse(self._result(frail), "an approved exemption leaves the member out of points management")
        self.assertEqual(self._result(graded).stars, 5, "alone among the graded: the five-star place")

    def test_mean_of_quarters(self):
        scheme = self.env["party.points.scheme"].create({
            "name": "Quarterly", "code": "Q", "total_method": "mean_quarters", "floor_mode": "none",
            "component_ids": [Command.create({"name": "Work", "code": "work", "max_points": 100.0})]})
        rule = self.env["party.points.rule"].create({
            "name": "Work done", "code": "work_done", "scheme_id": scheme.id,
            "component_id": scheme.component_ids.id, "points": 30.0, "recorder": "system"})
        org = self.env["party.organization"].create({"name": "Quarterly Branch", "kind": "branch",
                                                     "parent_id": self.town.id, "points_scheme_id": scheme.id})
        member = self._member("Quarterly Member", org=org)
        posted = [self._post(member, rule, day=date(self.YEAR, 2, d)) for d in (1, 2, 3, 4, 5)]
        self.assertEqual([len(entry) and entry.points for entry in posted], [30.0, 30.0, 30.0, 10.0, 0],
                         "the maximum applies per quarter; the 5th is refused")
        self._post(member, rule, day=date(self.YEAR, 5, 1), points=60.0)
        result = self.Result._compute_year(self.YEAR, member)
        self.assertEqual((result.q1, result.q2, result.q3, result.q4), (100.0, 60.0, 0.0, 0.0))
        self.assertEqual(result.total, 40.0, "(100 + 60 + 0 + 0) / 4")

    def test_carry_over_thirty_percent(self):
        member = self._member("Carrier", org=self.seven)
        self._give(member, 80, year=self.YEAR - 1)
        self._give(member, 50, year=self.YEAR)
        self.Result._compute_year(self.YEAR - 1, member, final=True)
        result = self.Result._compute_year(self.YEAR, member)
        self.assertEqual(result.carry_over, 24.0, "30 % of last year's 80")
        self.assertEqual(result.earned, 50.0)
        self.assertEqual(result.total, 74.0)
        self.assertEqual(result.grade, "basic")

    def test_year_end_cron_and_running_total(self):
        today = party_today(self.env)
        member = self._member("Year End", org=self.seven)
        self._give(member, 90, year=today.year - 1)
        self._post(member, self.r_life, day=today, points=5.0)
        self.Result._cron_year_end()
        last = self._result(member, today.year - 1)
        current = self._result(member, today.year)
        self.assertEqual((last.state, last.total), ("final", 90.0))
        self.assertEqual((current.state, current.carry_over, current.total), ("draft", 27.0, 32.0))
        member.invalidate_recordset()
        self.assertEqual(member.points_carry_over, 27.0)
        self.assertEqual(member.points_year_total, 32.0, "carry-over plus this year's points")
        # final results are not recomputed, and officers cannot recompute them
        self.Result._cron_year_end()
        self.assertEqual(self._result(member, today.year - 1), last)
        with self.assertRaises(UserError):
            self.Result.with_user(self.user_secretary)._compute_year(today.year - 1, member)

    def test_compute_wizard_rights(self):
        member = self._member("Wizard Member")
        self._give(member, 70)
        Wizard = self.env["party.points.result.wizard"]
        wizard = Wizard.with_user(self.user_secretary).create({"year": self.YEAR})
        action = wizard.action_compute()
        results = self.Result.browse(action["domain"][0][2])
        self.assertIn(member, results.member_id)
        self.assertEqual(set(results.organization_id.ids) - set(self.branch.ids), set())
        with self.assertRaises(AccessError):
            Wizard.with_user(self.user_secretary).create({
                "year": self.YEAR, "organization_ids": [Command.set(self.other_branch.ids)]}).action_compute()
        with self.assertRaises(AccessError):
            Wizard.with_user(self.user_secretary).create({"year": self.YEAR, "final": True}).action_compute()
        # a branch's own officer in the upper committee group still does not make the branch's results final
        branch_upper = new_test_user(self.env, "t_branch_upper",
                                     groups="base.group_user,party_member_points.group_party_upper")
        self.branch.deputy_secretary_id = branch_upper
        with self.assertRaisesRegex(AccessError, "Only the upper committee of"):
            Wizard.with_user(branch_upper).create({
                "year": self.YEAR, "final": True, "organization_ids": [Command.set(self.branch.ids)]}).action_compute()
        self.assertEqual(self._result(member, self.YEAR).state, "draft")

    def test_result_access_and_honour_roll(self):
        star = self._member("Star", org=self.branch)
        self._give(star, 99)
        self._give(self.own, 70)
        self._give(self.alice, 65)
        self.Result._compute_year(self.YEAR, star | self.own | self.alice)
        visible = self.Result.with_user(self.user_member).search([("year", "=", self.YEAR)])
        self.assertEqual(visible.member_id, self.own | star, "own result and the honour roll")
        self.assertEqual(self.Result.with_user(self.user_other_secretary).search(
            [("organization_id", "=", self.branch.id)]).member_id, star,
            "another branch's officer sees the honour roll only")

    def test_reports_render(self):
        member = self._member("Printed", org=self.seven)
        self._give(member, 95)
        result = self.Result._compute_year(self.YEAR, member)
        Report = self.env["ir.actions.report"]
        for xmlid in ("party_points_register_report", "party_points_summary_report", "party_points_honour_report"):
            html = Report._render_qweb_html(f"party_member_points.{xmlid}", result.ids)[0].decode()
            self.assertIn("Printed", html, xmlid)
        period = self.env["party.points.period"].create({
            "organization_id": self.seven.id, "scheme_id": self.scheme.id,
            "date_from": date(self.YEAR, 4, 1), "date_to": date(self.YEAR, 6, 30)})
        html = Report._render_qweb_html("party_member_points.party_points_period_notice_report", period.ids)[0]
        self.assertIn("Printed", html.decode())
        self.assertIn("95", html.decode())

    def test_year_made_final_once_per_branch(self):
        """Making a year final says so once in each branch's chatter, not once per member (a county's year-end
        would otherwise log tens of thousands of messages); later ledger changes no longer move final results."""
        first = self._member("Final One", org=self.seven)
        second = self._member("Final Two", org=self.seven)
        elsewhere = self._member("Final Elsewhere", org=self.branch)
        for member, total in ((first, 95), (second, 80), (elsewhere, 70)):
            self._give(member, total)
        Result = self.Result.with_context(tracking_disable=False)
        provisional = Result._compute_year(self.YEAR, first | second | elsewhere)
        self.assertEqual(set(provisional.mapped("state")), {"draft"})
        self._post(first, self.r_big, day=date(self.YEAR, 12, 1), points=3.0)
        messages_before = self.env["mail.message"].search_count([("model", "=", "party.points.result")])
        Result._compute_year(self.YEAR, first | second | elsewhere, final=True)
        self.env.flush_all()
        self.env.cr.precommit.run()
        results = self._result(first) | self._result(second) | self._result(elsewhere)
        self.assertEqual(set(results.mapped("state")), {"final"})
        self.assertEqual(self._result(first).total, 98.0, "the last entries count in the final figures")
        self.assertEqual(
            self.env["mail.message"].search_count([("model", "=", "party.points.result")]), messages_before,
            "no message per result")
        for branch, count in ((self.seven, 2), (self.branch, 1)):
            notes = branch.message_ids.filtered(lambda m, y=self.YEAR: f"results of {y} made final" in m.body)
            self.assertEqual(len(notes), 1, branch.name)
            self.assertIn(f"{count} members", notes.body)
        # final results stay as they were: a later posting (a correction, say) does not move them
        self._post(second, self.r_big, day=date(self.YEAR, 12, 2), points=5.0)
        Result._compute_year(self.YEAR, first | second | elsewhere, final=True)
        self.assertEqual(self._result(second).total, 80.0)
        notes = self.seven.message_ids.filtered(lambda m: f"results of {self.YEAR} made final" in m.body)
        self.assertEqual(len(notes), 1, "nothing new to announce")

    def test_texts_written_as_typed(self):
        """Results are written in bulk (COPY and a staging table): a reason with tabs, line breaks, backslashes
        and Chinese comes back exactly as the officer typed it."""
        member = self._member("Texts", org=self.seven)
        self._give(member, 90)
        self.Result._compute_year(self.YEAR, member)
        reason = "拒不执行\t组织决定\n第二行 \\N C:\\党支部\\"
        self._result(member).with_user(self.user_upper).write({"veto_manual": True, "veto_manual_reason": reason})
        result = self._result(member)
        self.assertEqual(result.veto_reason, reason)
        self.assertEqual((result.grade, result.stars), ("unqualified", 1))
        # recomputed (the rows go through the staging table again): still the same text
        self._post(member, self.r_big, day=date(self.YEAR, 12, 1), points=1.0)
        self.Result._compute_year(self.YEAR, member)
        self.assertEqual(self._result(member).veto_reason, reason)
        self.assertEqual(self._result(member).total, 91.0)

    def test_year_progress_in_the_log(self):
        """The administrator follows a county's year-end in the server log: a line per phase, one per 10 % of the
        members computed (from _YEAR_PROGRESS_MIN members on) and a last line with the total."""
        members = self.Member.browse()
        for index in range(10):
            members |= self._member(f"Progress {index}", org=self.seven)
            self._give(members[-1:], 50 + index)
        # the lines given to the module's logger (whatever level the server logs at)
        with patch.object(type(self.Result), "_YEAR_PROGRESS_MIN", 10), \
                patch.object(party_points_result._logger, "info") as info:
            self.Result._compute_year(self.YEAR, members, final=True)
        lines = [call.args[0] % call.args[1:] for call in info.call_args_list]
        self.assertTrue(all(f"Annual points final results of {self.YEAR}" in line for line in lines), lines)
        percents = [line for line in lines if "% of the members computed" in line]
        self.assertEqual(len(percents), 10, lines)
        self.assertIn("10 % of the members computed (1 of 10)", percents[0])
        self.assertIn("100 % of the members computed (10 of 10)", percents[-1])
        self.assertIn("written", " ".join(lines))
        self.assertIn("done, 10 members", lines[-1])
        # below the threshold: the phases only
        with patch.object(party_points_result._logger, "info") as info:
            self.Result._compute_year(self.YEAR + 1, members)
        lines = [call.args[0] % call.args[1:] for call in info.call_args_list]
        self.assertFalse([line for line in lines if "% of the members computed" in line])
        self.assertIn("done, 10 members", lines[-1])

    def test_warning_below_sixty_and_talk(self):
        """S003 P4 第二十四条: a rated member's year total under 60 is warned (警示), with a talk with the branch's
        secretary when the year is made final; members not rated are not warned."""
        low = self._member("Low Points", org=self.default_branch)
        fine = self._member("Enough Points", org=self.default_branch)
        newcomer = self._member("Newcomer", org=self.default_branch, stage="probationary",
                                join_date=date(self.YEAR, 3, 1), full_member_date=False)
        self.Entry._post_automatic(low, "mobilization_commendation", date=date(self.YEAR, 3, 1))
        for code in ("evaluation_excellent", "evaluation_qualified", "evaluation_basic", "commendation_province",
                     "mobilization_commendation", "mobilization_commendation"):
            self.Entry._post_automatic(fine, code, date=date(self.YEAR, 3, 1))
        results = self.Result._compute_year(self.YEAR, low | fine | newcomer, final=True)
        warned = {result.member_id: result.warning for result in results}
        self.assertEqual(warned, {low: True, fine: False, newcomer: False})
        talk = low.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("party_member_points.mail_activity_type_warning_talk"))
        self.assertEqual(talk.user_id, self.user_other_secretary, "the branch secretary holds the talk")
        self.assertEqual(talk.summary, "Warning talk with Low Points")
        self.assertEqual(talk.res_name, "Low Points")
        self.assertIn(f"<p>Low Points&#39;s points of {self.YEAR} (", str(talk.note))
        self.assertFalse(fine.activity_ids.filtered(lambda a: a.activity_type_id == talk.activity_type_id))
        branch_note = self.default_branch.message_ids.filtered(lambda m: "made final" in str(m.body))[:1]
        self.assertIn(f"Annual points results of {self.YEAR} made final: 3 members.", str(branch_note.body))

    def test_warning_talk_texts_translated_and_escaped(self):
        """The warning talk's summary and note, and the branch's note of the year made final, are in the user's
        language, with the member's name as written (HTML in a name is shown as text, not run)."""
        load_zh_cn(self.env)
        low = self._member("王<b>五</b> & \\ \"六\"", org=self.default_branch)
        self.Result.with_context(lang="zh_CN")._compute_year(self.YEAR, low, final=True)
        talk = low.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("party_member_points.mail_activity_type_warning_talk"))
        self.assertEqual(talk.summary, "与 王<b>五</b> & \\ \"六\" 进行警示谈话")
        self.assertEqual(talk.res_name, low.name)
        self.assertIn(f"王&lt;b&gt;五&lt;/b&gt; &amp; \\ &#34;六&#34; {self.YEAR} 年度积分（", str(talk.note))
        self.assertIn("低于警示线", str(talk.note))
        self.assertNotIn("<b>", str(talk.note))
        branch_note = self.default_branch.message_ids.filtered(lambda m: "已定稿" in str(m.body))[:1]
        self.assertIn(f"{self.YEAR} 年度积分结果已定稿：1 名党员。", str(branch_note.body))

    def test_star_rating_proposed_voted_approved_published(self):
        """S003 P4 第十八条: computed stars are a proposal of the committee, voted by the members' meeting; four
        stars are approved by the upper party organization and five by the upper committee (activities); the
        stars are published, then final, and only approved stars reach the results and the honour roll."""
        self.seven.secretary_id = self.user_secretary
        members = self.Member.browse()
        for index, total in enumerate([99, 98, 97, 96, 95, 94, 93]):
            members |= self._member(f"Star {index}", org=self.seven)
            self._give(members[-1:], total)
        results = self.Result._compute_year(self.YEAR, members, final=True)
        by_member = {result.member_id: result for result in results}
        Review = self.env["party.points.star.review"].with_user(self.user_secretary)
        with self.assertRaises(UserError, msg="the proposal is taken from the results"):
            Review.create({"organization_id": self.seven.id, "year": self.YEAR,
                           "line_ids": [Command.create({"result_id": results[0].id, "proposed_stars": 5})]})
        review = Review.create({"organization_id": self.seven.id, "year": self.YEAR})
        self.assertEqual(sorted(review.line_ids.mapped("proposed_stars"), reverse=True), [5, 4, 4, 3, 3, 2, 2])
        self.assertFalse(any(by_member[m].stars_approved for m in members), "nothing approved yet")
        today = party_today(self.env["party.points.star.review"])
        review.write({"meeting_date": today, "meeting_present": 7, "meeting_votes_for": 3})
        with self.assertRaisesRegex(UserError, "not carried"):
            review.action_record_vote()
        review.write({"meeting_votes_for": 6, "resolution_ref": "党员大会决议 2号"})
        review.action_record_vote()
        with self.assertRaises(UserError, msg="the vote of the meeting is recorded"):
            review.write({"meeting_votes_for": 7})
        review.action_submit()
        self.assertEqual(review.state, "submitted")
        approvals = review.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("party_member_points.mail_activity_type_star_approval"))
        self.assertEqual(approvals.user_id, self.user_upper, "the town committee approves four and five stars")
        with self.assertRaises(UserError, msg="the branch does not approve its own stars"):
            review.action_approve_five()
        upper_review = review.with_user(self.user_upper)
        four_line = upper_review.line_ids.filtered(lambda line: line.proposed_stars == 4)[:1]
        with self.assertRaises(UserError, msg="never more stars than proposed"):
            four_line.approved_stars = 5
        four_line.approved_stars = 3
        with self.assertRaises(UserError, msg="the branch does not change the stars"):
            review.line_ids.filtered(lambda line: line.proposed_stars == 3)[:1].approved_stars = 2
        upper_review.action_approve_four()
        self.assertEqual(review.state, "submitted", "five stars still wait for the upper committee")
        upper_review.action_approve_five()
        self.assertEqual(review.state, "published")
        self.assertGreaterEqual((review.publication_end - review.publication_start).days, 4, "公示 of 5 days")
        with self.assertRaisesRegex(UserError, "published until"):
            review.action_done()
        with freeze_time(fields.Datetime.now() + timedelta(days=8)):
            review.action_done()
        self.assertEqual(review.state, "done")
        approved = {m: by_member[m].stars_approved for m in members}
        self.assertEqual(sorted(approved.values(), reverse=True), [5, 4, 3, 3, 3, 2, 2])
        five = by_member[members[0]]
        self.assertTrue(five.honour)
        self.assertEqual(five.approved_star_rating, "5")
        with self.assertRaises(UserError):
            review.unlink()

    def test_p8_top_ten_without_deduction_and_bottom_ten_barred(self):
        """S003 P8: the top 10 % are recommended for honours only with no deduction in the year; the bottom 10 % are
        barred from honours and get a talk."""
        p8 = self.env.ref("party_member_points.scheme_p8")
        branch = self.env["party.organization"].create({
            "name": "P8 Office Branch", "kind": "branch", "parent_id": self.town.id, "points_scheme_id": p8.id,
            "secretary_id": self.user_secretary.id})
        members = self.Member.browse()
        for index in range(10):
            members |= self._member(f"P8 {index}", org=branch)
            self.Entry._post_automatic(members[-1:], "speech_contest", date=date(self.YEAR, 4, 1),
                                       points=200.0 - 10 * index)
        top, bottom = members[0], members[-1]
        self.Entry._post_automatic(top, "absence_unexcused", date=date(self.YEAR, 5, 1))
        results = self.Result._compute_year(self.YEAR, members, final=True)
        by_member = {result.member_id: result for result in results}
        self.assertEqual(by_member[top].rank_branch, 1)
        self.assertFalse(by_member[top].top_ten, "first of the branch, but lost points: not on the top 10 % list")
        self.assertTrue(by_member[bottom].bottom_ten)
        self.assertEqual(by_member[bottom].grade, "excellent")
        self.assertFalse(by_member[bottom].honour, "excellent, but the bottom 10 % are barred from honours")
        talk = bottom.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("party_member_points.mail_activity_type_warning_talk"))
        self.assertEqual(talk.user_id, self.user_secretary)

from datetime import date
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.party_member_points.tools.clock import party_today

from .common import full_member_values
from .test_points_common import PartyPointsCase


class QueryCountMixin:
    """Operations whose number of queries must not grow with the number of records they handle."""

    def _count_queries(self, func):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        func()
        self.env.flush_all()
        return self.cr.sql_log_count - before

    def assertQueryCountConstant(self, prepare, maximum, sizes=(5, 50)):
        """``prepare(size)`` builds ``size`` records and returns the operation to measure. The operation on the
        larger set may not use more queries than on the smaller one, which may not use more than ``maximum``.
        A first run on one record warms the caches that a running server keeps between requests."""
        self._count_queries(prepare(1))
        count = self._count_queries(prepare(sizes[0]))
        self.assertLessEqual(count, maximum, f"{count} queries for {sizes[0]} records")
        run = prepare(sizes[1])
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(count):
            run()
        return count


@tagged("post_install", "-at_install")
class TestPointsQueryCounts(QueryCountMixin, PartyPointsCase):
    """A county has tens of thousands of members: posting, year results, the member list and the ledger pivot use
    the same number of queries for 5 members as for 50."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.batch = 0

    def _members(self, size, org=None, **vals):
        """``size`` new members in a new branch of the default scheme, run by the test secretary."""
        type(self).batch += 1
        org = org or self.env["party.organization"].create({
            "name": f"Count Branch {self.batch}", "kind": "branch", "parent_id": self.town.id,
            "secretary_id": self.user_secretary.id})
        return self.Member.create([full_member_values(f"Count {self.batch}-{index}", org, **vals)
                                   for index in range(size)])

    def _post_year(self, members):
        self.Entry._post_automatic_multi([
            {"member": member, "rule_code": code, "date": date(self.YEAR, month, 10)}
            for member in members for code in ("attendance", "dues_on_time") for month in (3, 9)])

    def test_bulk_posting(self):
        def prepare(size):
            members = self._members(size)
            items = [{"member": member, "rule_code": code, "source": member, "date": date(self.YEAR, 5, 10)}
                     for member in members for code in ("attendance", "dues_on_time", "study_notes")]
            return lambda: self.assertEqual(len(self.Entry._post_automatic_multi(items)), 3 * size)

        self.assertQueryCountConstant(prepare, 25)

    def test_year_results(self):
        def prepare(size):
            members = self._members(size)
            self._post_year(members)
            return lambda: self.assertEqual(len(self.env["party.points.result"]._compute_year(self.YEAR, members)),
                                            size)

        self.assertQueryCountConstant(prepare, 30)

    def test_year_made_final(self):
        """The year-end: provisional results recomputed and made final, announced once per branch."""
        def prepare(size):
            members = self._members(size)
            self._post_year(members)
            Result = self.env["party.points.result"]
            Result._compute_year(self.YEAR, members)
            self.Entry._post_automatic_multi([  # the rest of the year: every figure changes
                {"member": member, "rule_code": "attendance", "date": date(self.YEAR, 11, 10)} for member in members])
            return lambda: self.assertEqual(
                set(Result._compute_year(self.YEAR, members, final=True).mapped("state")), {"final"})

        # 8 of them create the warning talks of the members under 60 (P4 第二十四条) in one batch
        self.assertQueryCountConstant(prepare, 48)

    def test_member_list_as_officer(self):
        spec = {"name": {}, "gender": {}, "age": {}, "organization_id": {"fields": {"display_name": {}}},
                "party_group_id": {"fields": {"display_name": {}}}, "stage": {}, "join_date": {}, "status": {},
                "veto_candidate": {}}

        def prepare(size):
            members = self._members(size)
            Member = self.Member.with_user(self.user_secretary)
            domain = [("status", "=", "normal"), ("organization_id", "=", members.organization_id.id)]
            return lambda: self.assertEqual(
                Member.web_search_read(domain, spec, limit=80, count_limit=10001)["length"], size)

        # 2 of them read the company's timezone once (the members' ages are counted on the organization's today)
        self.assertQueryCountConstant(prepare, 15)

    def test_ledger_pivot_as_officer(self):
        measures = ["points:sum", "__count"]
        domain = [("state", "=", "posted"), ("date", ">=", f"{self.YEAR}-01-01"),
                  ("date", "<=", f"{self.YEAR}-12-31")]

        def prepare(size):
            self._post_year(self._members(size))
            Entry = self.Entry.with_user(self.user_secretary)

            def run():
                for groupby in ([], ["organization_id"], ["component_id"], ["organization_id", "component_id"]):
                    Entry.read_group(domain, measures, groupby, lazy=False)
            return run

        # four read_group calls; constant whatever the number of entries (the bound includes the access checks)
        self.assertQueryCountConstant(prepare, 37)

    def test_ledger_pivot_without_summary(self):
        """Grouping the entries themselves (a filter the summary cannot answer) does not read per group either."""
        domain = [("state", "=", "posted"), ("points", ">", 0)]

        def prepare(size):
            self._post_year(self._members(size))
            Entry = self.Entry.with_user(self.user_secretary)
            return lambda: Entry.read_group(domain, ["points:sum"], ["organization_id", "component_id"], lazy=False)

        self.assertQueryCountConstant(prepare, 20)


@tagged("post_install", "-at_install")
class TestLedgerAggregates(PartyPointsCase):
    """The stored aggregates of the ledger follow every change of the entries, and the pivot read from the
    summary shows what grouping the entries shows."""

    def _raw_totals(self, member):
        rows = self.Entry.sudo()._read_group(
            [("member_id", "=", member.id), ("state", "=", "posted")], ["component_id", "year"], ["points:sum"])
        return {(component.id, year): points for component, year, points in rows if points}

    def _stored_totals(self, member):
        self.env.flush_all()
        # delta rows: a key has one row per statement that changed it until the scheduled fold
        self.env.cr.execute("SELECT component_id, year, SUM(q1 + q2 + q3 + q4) FROM party_points_total "
                            "WHERE member_id = %s GROUP BY 1, 2 HAVING SUM(q1 + q2 + q3 + q4) <> 0", [member.id])
        return {(component_id, year): points for component_id, year, points in self.env.cr.fetchall()}

    def _raw_earned(self, member):
        """The points earned per component and year as the caps measure them: positive posted entries, reversed
        entries and reversals left out."""
        entries = self.Entry.sudo().search([("member_id", "=", member.id), ("state", "=", "posted"),
                                            ("points", ">", 0), ("is_reversed", "=", False),
                                            ("reversed_entry_id", "=", False)])
        earned = {}
        for entry in entries:
            key = (entry.component_id.id, entry.date.year)
            earned[key] = earned.get(key, 0.0) + entry.points
        return earned

    def _stored_earned(self, member):
        self.env.flush_all()
        self.env.cr.execute("SELECT component_id, year, SUM(e1 + e2 + e3 + e4) FROM party_points_total "
                            "WHERE member_id = %s GROUP BY 1, 2 HAVING SUM(e1 + e2 + e3 + e4) <> 0", [member.id])
        return {(component_id, year): points for component_id, year, points in self.env.cr.fetchall()}

    def test_totals_follow_claims_approvals_and_reversals(self):
        member = self.own
        today = party_today(self.Entry)
        claim = self.Entry.with_user(self.user_member).create({
            "member_id": member.id, "rule_id": self.r_free.id, "date": today})
        self.assertEqual(self._stored_totals(member), {}, "a draft claim counts nowhere")
        claim.with_user(self.user_member).action_submit()
        claim.with_user(self.user_secretary).action_approve()
        posted = self._post(member, self.r_act, day=today)
        self.assertEqual(self._stored_totals(member), self._raw_totals(member))
        self.assertEqual(self._stored_earned(member), self._raw_earned(member))
        posted.with_user(self.user_secretary)._reverse("Recorded twice")
        self.assertEqual(self._stored_totals(member), self._raw_totals(member))
        self.assertEqual(self._stored_totals(member), {(self.c_bonus.id, today.year): 1.0},
                         "the reversal cancels the posting, the approved claim stays")
        # the points earned under the components' maximum (read by the caps): the reversed posting frees its room
        self.assertEqual(self._stored_earned(member), self._raw_earned(member))
        self.assertEqual(self._stored_earned(member), {(self.c_bonus.id, today.year): 1.0})
        # the scheduled fold leaves one row per key, with the same sums
        self.env["party.points.total"]._cron_fold()
        self.assertEqual(self._stored_totals(member), {(self.c_bonus.id, today.year): 1.0})
        self.assertEqual(self._stored_earned(member), {(self.c_bonus.id, today.year): 1.0})
        self.env.cr.execute("SELECT count(*) FROM party_points_total WHERE member_id = %s "
                            "GROUP BY component_id, year HAVING count(*) > 1", [member.id])
        self.assertFalse(self.env.cr.fetchall(), "several rows left for a key after the fold")

    def test_new_entries_reach_only_their_organizations_sums(self):
        """The INSERT of a new entry carries its organization and company: without them it went through the sums
        of organization 0 before an UPDATE moved it to its own organization."""
        self.env.cr.execute("DELETE FROM party_points_summary WHERE organization_id = 0 OR company_id = 0")
        today = party_today(self.Entry)
        self.Entry.with_user(self.user_member).create({"member_id": self.own.id, "rule_id": self.r_free.id,
                                                       "date": today})
        self.Entry.with_user(self.user_secretary).create([
            {"member_id": member.id, "rule_id": self.r_act.id, "date": today} for member in (self.alice, self.bob)])
        self.env.flush_all()
        self.env.cr.execute("SELECT count(*) FROM party_points_summary WHERE organization_id = 0 OR company_id = 0")
        self.assertEqual(self.env.cr.fetchone()[0], 0, "a new entry went through the sums of no organization")

    def test_pivot_from_summary_matches_entries(self):
        for member in (self.own, self.alice, self.bob):
            self._post(member, self.r_act, day=date(self.YEAR, 2, 3))
            self._post(member, self.r_capped, day=date(self.YEAR, 7, 9))
        self._post(self.bob, self.r_act, day=date(self.YEAR, 11, 30))
        domain = [("state", "=", "posted"), ("date", ">=", f"{self.YEAR}-01-01"),
                  ("date", "<=", f"{self.YEAR}-12-31")]
        for user in (self.user_secretary, self.user_upper):
            Entry = self.Entry.with_user(user)
            self.assertTrue(Entry._summary_scope(), "officers' rules can be applied to the summary")
            for groupby in ([], ["organization_id"], ["component_id", "date:month"], ["state", "organization_id"]):
                from_summary = Entry.read_group(domain, ["points:sum", "__count"], groupby, lazy=False)
                from_entries = Entry.with_context(party_points_no_summary=True).read_group(
                    domain, ["points:sum", "__count"], groupby, lazy=False)
                self.assertEqual(from_summary, from_entries, f"{user.login}: {groupby}")
        self.assertIsNone(self.Entry.with_user(self.user_member)._summary_scope(),
                          "a member sees their own entries: grouped from the entries")
        self.assertIsNone(self.Entry.with_user(self.user_leader)._summary_scope(),
                          "a party group leader sees the group's entries, which the summary does not tell apart")

    def test_group_formatting_as_odoo(self):
        """The pivot's groups are formatted in one go (names read once per model, domains extended without being
        normalized again): the same groups, names and domains as Odoo's own formatting, lazy or not, with an
        implicit-and domain, empty groups and a group on a selection."""
        from odoo.models import BaseModel

        for member in (self.own, self.alice, self.bob):
            self._post(member, self.r_act, day=date(self.YEAR, 2, 3))
        self._post(self.bob, self.r_capped, day=date(self.YEAR, 7, 9))
        Entry = self.Entry.with_user(self.user_upper)
        domains = ([("date", ">=", f"{self.YEAR}-01-01"), ("date", "<=", f"{self.YEAR}-12-31")], [],
                   ["|", ("state", "=", "posted"), ("party_group_id", "=", False)])
        for domain in domains:
            for groupby in (["organization_id"], ["organization_id", "component_id"], ["state", "party_group_id"],
                            ["member_id", "is_automatic"]):
                for lazy in (True, False):
                    mine = Entry.read_group(domain, ["points:sum"], groupby, lazy=lazy)
                    lazy_groupby = groupby[:1] if lazy else groupby
                    with patch.object(type(Entry), "_read_group_format_result",
                                      BaseModel._read_group_format_result):
                        odoo = Entry.read_group(domain, ["points:sum"], groupby, lazy=lazy)
                    self.assertEqual(mine, odoo, f"{domain} {groupby} lazy={lazy} ({lazy_groupby})")
                    self.assertTrue(mine)

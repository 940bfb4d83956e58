import base64
import io
from datetime import date, timedelta

import openpyxl
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.addons.party_member_points.tools.clock import party_today

from ..models.party_organization_overview import sparkline_svg, trend_months
from ..models.party_points_logic import period_bounds
from .test_points_common import PartyPointsCase


@tagged("post_install", "-at_install")
class TestXlsxExports(PartyPointsCase):
    """The summary tables download as XLSX workbooks with the columns of the printed tables."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = party_today(cls.env)
        for member, rule, times in ((cls.own, cls.r_act, 3), (cls.alice, cls.r_act, 1), (cls.bob, cls.r_act, 2)):
            for _i in range(times):
                cls._post(member, rule, day=cls.today)
        cls.env["party.points.result"]._compute_year(cls.today.year, cls.own | cls.alice | cls.bob)
        cls.results = cls.env["party.points.result"].search([
            ("year", "=", cls.today.year), ("member_id", "in", (cls.own | cls.alice | cls.bob).ids)])

    def _workbook(self, action):
        self.assertEqual(action["type"], "ir.actions.act_url")
        export = self.env["party.xlsx.export"].browse(int(action["url"].split("id=")[1].split("&")[0]))
        self.assertTrue(export.filename.endswith(".xlsx"))
        return openpyxl.load_workbook(io.BytesIO(base64.b64decode(export.file)))

    def test_summary_table_ranks_members_per_branch(self):
        action = self.results.with_user(self.user_secretary).action_export_summary_xlsx()
        workbook = self._workbook(action)
        self.assertEqual(workbook.sheetnames, ["Summary", "Honour Roll"])
        rows = list(workbook["Summary"].iter_rows(values_only=True))
        self.assertEqual(rows[0][0], "Party Member Points Summary Table")
        self.assertEqual(rows[2][:4], ("Branch", "Year", "Rank", "Member"))
        data = [row for row in rows[3:] if row[0]]
        east = [row for row in data if row[0] == self.branch.display_name]
        self.assertEqual([row[3] for row in east], ["Own Member", "Bob", "Alice"], "highest total first")
        self.assertEqual([row[2] for row in east], [1, 2, 3])
        self.assertIsInstance(east[0][6], (int, float), "totals stay numbers that Excel can sum")

    def test_summary_export_respects_record_rules(self):
        theirs = self.results.with_user(self.user_other_secretary).search([("id", "in", self.results.ids)])
        self.assertFalse(theirs, "another branch's secretary does not see these results")
        with self.assertRaises(AccessError):
            self.results.with_user(self.user_other_secretary)._summary_xlsx_sheets()
        with self.assertRaises(UserError):
            self.env["party.points.result"].with_user(self.user_secretary).action_export_summary_xlsx()

    def test_public_notice_of_a_period(self):
        start, end = period_bounds(self.today, "quarter")
        period = self.env["party.points.period"].create({
            "organization_id": self.branch.id, "scheme_id": self.scheme.id, "period_type": "quarter",
            "date_from": start, "date_to": end, "publication_days": 5}).with_user(self.user_secretary)
        period.action_review()
        period.action_publish()
        workbook = self._workbook(period.action_export_notice_xlsx())
        rows = list(workbook.active.iter_rows(values_only=True))
        self.assertIn(self.branch.display_name, rows[0][0])
        header = next(row for row in rows if row[0] == "No.")
        self.assertEqual(list(header[:2]) + [header[-1]], ["No.", "Member", "Total"])
        self.assertIn("Life", header)
        data = rows[rows.index(header) + 1:]
        self.assertEqual([row[1] for row in data if row[1]][:3], ["Own Member", "Bob", "Alice"])
        self.assertEqual(data[0][-1], 9.0)


@tagged("post_install", "-at_install")
class TestBranchOverviewAttendance(PartyPointsCase):
    """The officers' branch overview: attendance of the last three months beside the other figures."""

    def test_attendance_rate_of_meetings_held(self):
        meeting = self.env["party.meeting"].create({
            "name": "Branch meeting", "organization_id": self.branch.id, "meeting_type": "general_meeting",
            "date": fields.Datetime.now() - timedelta(days=10)})
        meeting.action_load_members()
        lines = meeting.attendance_ids
        self.assertGreaterEqual(len(lines), 3)
        lines.status = "present"
        lines[0].status = "absent"
        meeting.action_done()
        branch = self.branch.with_user(self.user_secretary)
        expected = round(100.0 * (len(lines) - 1) / len(lines), 1)
        self.assertEqual(branch.overview_attendance_rate, expected)
        self.assertEqual(self.town.with_user(self.user_upper).overview_attendance_rate, expected,
                         "the committee sees the branches below it")
        self.assertEqual(self.other_branch.overview_attendance_rate, 0.0, "no meeting held: no rate")
        action = branch.action_overview_attendance()
        self.assertEqual(action["views"][0][1], "pivot")
        self.assertEqual(self.env["party.meeting.attendance"].search_count(action["domain"]), len(lines))


@tagged("post_install", "-at_install")
class TestOverviewTrends(PartyPointsCase):
    """The overview cards: trends of the last 12 months drawn as small inline SVG lines."""

    def test_months_and_sparkline(self):
        months = trend_months(date(2026, 3, 17))
        self.assertEqual(len(months), 12)
        self.assertEqual((months[0], months[-1]), (date(2025, 4, 1), date(2026, 3, 1)))
        svg = sparkline_svg([1, None, 3, 2])
        self.assertIn("<polyline", svg)
        self.assertEqual(svg.count(","), 3, "three points drawn, the month without data skipped")
        self.assertNotIn("polyline", sparkline_svg([None, None]))

    def test_trends_of_a_branch_count_its_points_by_month(self):
        org = self.env.ref("party_member_points.demo_org_dongshan", raise_if_not_found=False)
        if not org:
            self.skipTest("demo data not loaded")
        trends = org.overview_trends
        for label in ("Points", "Attendance", "Dues paid"):
            self.assertIn(label, trends)
        self.assertEqual(trends.count("o_party_sparkline"), 3)
        months = trend_months(party_today(org))
        monthly = org._subtree_monthly("party.points.entry", [("state", "=", "posted")], "date", "points:sum", months)
        posted = self.env["party.points.entry"].search([
            ("organization_id", "child_of", org.id), ("state", "=", "posted"), ("date", ">=", months[-1]),
            ("date", "<", months[-1] + relativedelta(months=1))])
        self.assertAlmostEqual(monthly[org.id].get(months[-1], 0), sum(posted.mapped("points")))

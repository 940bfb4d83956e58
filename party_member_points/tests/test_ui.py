import logging

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestPartyMenus(HttpCase):
    """Open every menu, view and filter of the Party Affairs app in a real browser: no client error."""

    allow_end_on_form = True

    def _click_everywhere(self, login):
        self.browser_js(
            "/odoo",
            "odoo.loader.modules.get('@web/webclient/clickbot/clickbot_loader')"
            ".startClickEverywhere('party_member_points.menu_party_root');",
            "odoo.isReady === true",
            login=login,
            timeout=600,
            success_signal="clickbot test succeeded",
        )

    def test_click_everywhere_as_admin(self):
        self._click_everywhere("admin")

    def test_click_everywhere_as_secretary(self):
        if not self.env.ref("party_member_points.demo_user_secretary", raise_if_not_found=False):
            self.skipTest("demo data not loaded")
        self._click_everywhere("secretary")


@tagged("post_install", "-at_install")
class TestOfficerTours(HttpCase):

    def test_secretary_records_points_for_several_members(self):
        if not self.env.ref("party_member_points.demo_org_dongshan", raise_if_not_found=False):
            self.skipTest("demo data not loaded")
        self.start_tour("/odoo", "party_officer_batch_points", login="secretary")
        entries = self.env["party.points.entry"].search([("name", "=", "Tour volunteer day")])
        self.assertEqual(sorted(entries.member_id.mapped("name")), sorted(["刘翠花", "吴明亮"]))
        self.assertEqual(set(entries.mapped("state")), {"posted"}, "a secretary's batch is posted at once")
        self.assertEqual(set(entries.mapped("points")), {5.0})

    def test_secretary_approves_a_members_claim(self):
        if not self.env.ref("party_member_points.demo_org_dongshan", raise_if_not_found=False):
            self.skipTest("demo data not loaded")
        member_user = self.env.ref("party_member_points.demo_user_member")
        member = member_user.party_member_ids[:1]
        rule = member.organization_id._get_points_scheme().rule_ids.filtered(lambda r: r.recorder == "member")[:1]
        Entry = self.env["party.points.entry"].with_user(member_user)
        attachment = self.env["ir.attachment"].with_user(member_user).create({
            "name": "donation.txt", "raw": b"certificate", "res_model": "party.points.entry"})
        claim = Entry.create({"member_id": member.id, "rule_id": rule.id, "name": "Tour claim: blood donation",
                              "attachment_ids": [(6, 0, attachment.ids)]})
        claim.action_submit()
        self.assertEqual(claim.state, "submitted")
        self.assertTrue(claim.activity_ids, "the approver has an activity")
        self.start_tour("/odoo", "party_officer_approve_claim", login="secretary")
        claim.invalidate_recordset()
        self.assertEqual(claim.state, "posted")
        self.assertEqual(claim.approver_id.login, "secretary")
        self.assertFalse(claim.activity_ids, "the approval activity is done")


@tagged("post_install", "-at_install")
class TestReportsOpen(HttpCase):
    """Each report of the three addons opens over HTTP for the secretary of the demo branch, as the print
    menu does (the HTML that wkhtmltopdf turns into the A4 PDF)."""

    def test_secretary_opens_each_report(self):
        if not self.env.ref("party_member_points.demo_org_dongshan", raise_if_not_found=False):
            self.skipTest("demo data not loaded")
        secretary = self.env.ref("party_member_points.demo_user_secretary")
        reports = self.env["ir.actions.report"].search([("model", "=like", "party.%"),
                                                        ("report_type", "=", "qweb-pdf")])
        self.authenticate("secretary", "secretary")
        opened = []
        for report in reports:
            # a grade notice states an approved result: printed only once the upper committee approved it
            domain = [("campaign_id.state", "in", ("upper_approved", "published", "closed"))] \
                if report.report_name == "party_evaluation.report_grade_notice" else []
            records = self.env[report.model].with_user(secretary).search(domain, limit=2)
            if not records:
                continue
            with self.subTest(report=report.report_name):
                ids = ",".join(map(str, records.ids))
                response = self.url_open(f"/report/html/{report.report_name}/{ids}", timeout=60)
                self.assertEqual(response.status_code, 200)
                self.assertRegex(response.text, r"Noto Sans CJK SC|WenQuanYi|Noto Serif CJK SC")
                opened.append(report.report_name)
        self.assertGreaterEqual(len(opened), 10, opened)

    def test_other_branch_reports_refused(self):
        if not self.env.ref("party_member_points.demo_org_dongshan", raise_if_not_found=False):
            self.skipTest("demo data not loaded")
        member_user = self.env.ref("party_member_points.demo_user_member")
        result = self.env["party.points.result"].search(
            [("member_id.user_id", "!=", member_user.id)], limit=1)
        self.authenticate("member", "member")
        with mute_logger("odoo.http"):
            response = self.url_open(f"/report/html/party_member_points.report_points_register/{result.id}",
                                     timeout=60)
        self.assertNotEqual(response.status_code, 200, "a member cannot print another member's register")

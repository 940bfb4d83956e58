import io
import json
import logging
from urllib.parse import unquote

from PIL import Image

from odoo import http
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import WaitForLateRequests

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestPartyMenus(WaitForLateRequests, HttpCase):
    """Every role opens every menu, view and filter of the Party Affairs app in a real browser (Odoo's
    click-everywhere bot), then the form of a record of each party model it may read with every notebook tab
    (the bot opens no record): no client error. HR also clicks through the Employees app, the portal member
    opens every page of the member portal."""

    allow_end_on_form = True

    def _demo_user(self, login):
        user = self.env["res.users"].search([("login", "=", login)], limit=1)
        if login != "admin" and not self.env.ref("party_member_points.demo_org_dongshan", raise_if_not_found=False):
            self.skipTest("demo data not loaded")
        return user

    def _click_everywhere(self, login, menu="party_member_points.menu_party_root"):
        self.browser_js(
            "/odoo",
            "odoo.loader.modules.get('@web/webclient/clickbot/clickbot_loader')"
            f".startClickEverywhere('{menu}');",
            "odoo.isReady === true",
            login=login,
            timeout=900,
            success_signal="clickbot test succeeded",
        )

    def _form_records(self, user, extra_models=()):
        """[model, id] of one record of each party model with a form view that the user can read (the newest,
        which has the most tabs filled), and of the extra models."""
        views = self.env["ir.ui.view"].search([("type", "=", "form"), ("mode", "=", "primary"),
                                               ("model", "=like", "party.%")])
        records = []
        for model in sorted(set(views.mapped("model")) | set(extra_models)):
            Model = self.env[model].with_user(user)
            if Model._transient or Model._abstract or not Model.has_access("read"):
                continue
            domain = []
            if model.startswith("hr.employee"):
                domain = [("id", "in", self.env["party.member"].search([("employee_id", "!=", False)]).employee_id.ids)]
            record = Model.search(domain, limit=1, order="id desc")
            if record:
                records.append([model, record.id])
        return records

    def _open_forms(self, login, extra_models=()):
        records = self._form_records(self._demo_user(login), extra_models)
        self.assertTrue(records)
        self.browser_js(
            "/odoo",
            f"window.partyOpenForms({json.dumps(records)});",
            "odoo.isReady === true",
            login=login,
            timeout=900,
            success_signal="party forms opened",
        )

    def test_click_everywhere_as_admin(self):
        self._click_everywhere("admin")

    def test_forms_as_admin(self):
        self._open_forms("admin", ["hr.employee"])

    def test_click_everywhere_as_upper(self):
        self._demo_user("upper")
        self._click_everywhere("upper")

    def test_forms_as_upper(self):
        self._open_forms("upper")

    def test_click_everywhere_as_secretary(self):
        self._demo_user("secretary")
        self._click_everywhere("secretary")

    def test_forms_as_secretary(self):
        self._open_forms("secretary")

    def test_click_everywhere_as_leader(self):
        self._demo_user("leader")
        self._click_everywhere("leader")

    def test_forms_as_leader(self):
        self._open_forms("leader")

    def test_click_everywhere_as_member(self):
        self._demo_user("member")
        self._click_everywhere("member")

    def test_forms_as_member(self):
        self._open_forms("member")

    def test_click_everywhere_as_hr(self):
        self._demo_user("hr")
        self._click_everywhere("hr", "hr.menu_hr_root")
        self._click_everywhere("hr")

    def test_forms_as_hr(self):
        self._open_forms("hr", ["hr.employee", "hr.employee.public"])

    def test_portal_pages_open(self):
        user = self._demo_user("portal")
        member = user.party_member_ids[:1]
        if not member:
            self.skipTest("the demo portal login is no member")
        claim = self.env["party.points.entry"].search([("member_id", "=", member.id)], limit=1, order="id desc")
        appeal = self.env["party.points.appeal"].search([("member_id", "=", member.id)], limit=1)
        pages = ["/my", "/my/party", "/my/party/ledger", "/my/party/claims", "/my/party/claims/new",
                 "/my/party/appeals", "/my/party/appeals/new", "/my/evaluation"]
        pages += [f"/my/party/claims/{claim.id}"] if claim else []
        pages += [f"/my/party/appeals/{appeal.id}"] if appeal else []
        self.authenticate("portal", "portal")
        for page in pages:
            with self.subTest(page=page):
                response = self.url_open(page, timeout=60)
                self.assertIn(response.status_code, (200, 303), page)
                self.assertNotIn("o_error_dialog", response.text)
        for page in ("/my", "/my/party", "/my/party/claims/new"):
            self.browser_js(page, "console.log('test successful')", "document.readyState === 'complete'",
                            login="portal", timeout=120)


@tagged("post_install", "-at_install")
class TestOfficerTours(WaitForLateRequests, HttpCase):

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
        image = io.BytesIO()
        Image.new("RGB", (300, 200), (30, 120, 200)).save(image, "PNG")
        attachment = self.env["ir.attachment"].with_user(member_user).create([
            {"name": "donation.txt", "raw": b"certificate", "res_model": "party.points.entry"},
            {"name": "donation.png", "raw": image.getvalue(), "res_model": "party.points.entry"},
        ])
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


    def test_secretary_marks_meeting_attendance_with_one_click(self):
        if not self.env.ref("party_member_points.demo_org_dongshan", raise_if_not_found=False):
            self.skipTest("demo data not loaded")
        meeting = self.env["party.meeting"].create({
            "name": "Tour meeting", "meeting_type": "themed_day",
            "organization_id": self.env.ref("party_member_points.demo_org_dongshan").id})
        self.start_tour(f"/odoo/action-party_member_points.party_meeting_action/{meeting.id}",
                        "party_meeting_attendance", login="secretary")
        statuses = {line.member_id.name: line.status for line in meeting.attendance_ids}
        self.assertEqual((statuses.pop("刘翠花"), statuses.pop("吴明亮")), ("present", "absent"))
        self.assertEqual(set(statuses.values()), {False}, "the others are still unmarked")


    def test_secretary_corrects_an_accepted_appeal(self):
        appeal = self.env["party.points.appeal"].search([("state", "=", "submitted")], limit=1)
        if not appeal or not self.env.ref("party_member_points.demo_user_secretary", raise_if_not_found=False):
            self.skipTest("demo data not loaded")
        secretary = appeal.member_id.organization_id._get_responsible_user()
        appeal.with_user(secretary)._answer("accepted", "Not recorded: added")
        rule = appeal.member_id.organization_id._get_points_scheme().rule_ids.filtered(
            lambda r: r.recorder != "system" and r.points > 0 and not r.cap_points and not r.count_limit)[:1]
        for lang, _name in self.env["res.lang"].get_installed():
            rule.with_context(lang=lang).name = "Tour correction item"
        self.start_tour(f"/odoo/action-party_member_points.party_points_appeal_action/{appeal.id}",
                        "party_appeal_correction", login=secretary.login)
        correction = appeal.correction_entry_id
        self.assertEqual((correction.state, correction.rule_id, correction.member_id),
                         ("posted", rule, appeal.member_id))
        self.assertTrue(appeal.period_id.date_from <= correction.date <= appeal.period_id.date_to)


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

    def test_member_cannot_print_another_members_register(self):
        """The honour roll is public to members, so a member reads other members' honour-roll results; the
        register sheet of such a result lists that member's whole ledger of the year. It used to be read as
        superuser (HTTP 200: a member printed another branch member's 63-line register); it now prints only
        for those who may read the member's record, and the entries are read with the user's rights."""
        if not self.env.ref("party_member_points.demo_org_dongshan", raise_if_not_found=False):
            self.skipTest("demo data not loaded")
        member_user = self.env.ref("party_member_points.demo_user_member")
        Result = self.env["party.points.result"]
        own_members = member_user.party_member_ids
        readable = Result.with_user(member_user).search([("member_id", "not in", own_members.ids)], limit=1)
        self.assertTrue(readable.honour, "the other members' results a member reads are the honour roll")
        own = Result.with_user(member_user).search([("member_id", "in", own_members.ids)], limit=1)
        self.authenticate("member", "member")
        with mute_logger("odoo.http"):
            response = self.url_open(f"/report/html/party_member_points.report_points_register/{readable.id}",
                                     timeout=60)
        self.assertEqual(response.status_code, 403, "a member cannot print another member's register")
        self.assertNotIn(readable.sudo().member_id.name, response.text)
        if own:
            response = self.url_open(f"/report/html/party_member_points.report_points_register/{own.id}",
                                     timeout=60)
            self.assertEqual(response.status_code, 200, "the member prints their own register")


@tagged("post_install", "-at_install")
class TestRoleHome(WaitForLateRequests, HttpCase):
    """Each role lands on the page of its day when it opens Odoo (no home action of its own set)."""

    def setUp(self):
        super().setUp()
        if not self.env.ref("party_member_points.demo_org_dongshan", raise_if_not_found=False):
            self.skipTest("demo data not loaded")

    def _home(self, login):
        self.authenticate(login, login if login != "admin" else "admin")
        return self.make_jsonrpc_request("/web/session/get_session_info", {}).get("home_action_id")

    def test_home_action_of_each_role(self):
        expected = {
            "admin": "party_member_points.party_organization_action_overview",
            "upper": "party_member_points.party_organization_action_overview",
            "secretary": "party_member_points.party_organization_action_overview",
            "leader": "party_member_points.party_points_entry_action",
            "member": "party_member_points.party_points_entry_action_my",
            "hr": "party_member_points.party_hr_performance_report_action",
        }
        for login, xmlid in expected.items():
            with self.subTest(login=login):
                self.assertEqual(self._home(login), self.env.ref(xmlid).id)

    def test_home_action_chosen_by_the_user_wins(self):
        user = self.env["res.users"].search([("login", "=", "member")])
        user.action_id = self.env.ref("party_member_points.party_points_entry_action").id
        self.assertEqual(self._home("member"), user.action_id.id)

    def test_secretary_lands_on_own_branches_and_to_do(self):
        secretary = self.env.ref("party_member_points.demo_user_secretary")
        dongshan = self.env.ref("party_member_points.demo_org_dongshan")
        entry = self.env["party.points.entry"].search([("organization_id", "=", dongshan.id)], limit=1)
        entry.activity_schedule("mail.mail_activity_data_todo", user_id=secretary.id, summary="Tour to-do")
        cards = self.env["party.organization"].with_user(secretary).search(
            [("kind", "in", ("branch", "general_branch")), ("overview_mine", "=", True)])
        self.assertEqual(cards, dongshan, "only the branch the secretary runs")
        self.assertIn("Tour to-do", dongshan.with_user(secretary).overview_todo)
        self.start_tour("/odoo", "party_home_officer", login="secretary")

    def test_member_lands_on_own_points(self):
        self.start_tour("/odoo", "party_home_member", login="member")

    def test_hr_lands_on_performance_report(self):
        self.start_tour("/odoo", "party_home_hr", login="hr")


@tagged("post_install", "-at_install")
class TestHrPerformanceExport(HttpCase):
    """HR downloads the party performance pivot: a clean file name, the grades in their order, rounded averages."""

    # what the pivot's Download button posts (a one-cell table of the report)
    PIVOT_DATA = {
        "title": "各部门党员表现", "model": "party.hr.performance.report", "measure_count": 1,
        "origin_count": 1, "col_group_headers": [[{"title": "Total", "width": 1, "height": 1}]],
        "measure_headers": [{"title": "Points", "is_bold": True}], "origin_headers": [],
        "rows": [{"title": "Total", "indent": 0, "values": [{"value": 85.69, "is_bold": True}]}],
    }

    def _hr(self):
        hr = self.env["res.users"].search([("login", "=", "hr")])
        if not hr:
            self.skipTest("demo data not loaded")
        self.authenticate("hr", "hr")
        return hr

    def _download(self, **extra):
        """The pivot's download as HR: status 200 and an XLSX file; returns the response."""
        response = self.url_open("/web/pivot/export_xlsx", data={
            "data": json.dumps(dict(self.PIVOT_DATA, **extra)), "csrf_token": http.Request.csrf_token(self)})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"PK"), "an XLSX file")
        return response

    def test_pivot_download_is_named_after_the_report(self):
        self._hr()
        disposition = self._download().headers["Content-Disposition"]
        self.assertIn("%E5%90%84%E9%83%A8%E9%97%A8%E5%85%9A%E5%91%98%E8%A1%A8%E7%8E%B0.xlsx", disposition)
        self.assertNotIn("party.hr.performance.report", disposition)

    def test_pivot_download_names_its_years(self):
        """The download says which years it covers (the pivot sends its search; the years are read with HR's own
        rights); a search that is not valid still downloads, named after the report alone."""
        hr = self._hr()
        years = sorted({year for (year,) in self.env["party.hr.performance.report"].with_user(hr)._read_group(
            [], ["year"]) if year})
        self.assertTrue(years, "the demo data gives HR results to read")

        def disposition(domain):
            return unquote(self._download(domain=domain).headers["Content-Disposition"])

        self.assertIn(f"各部门党员表现 {years[-1]}.xlsx", disposition([["year", "=", years[-1]]]))
        everything = f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])
        self.assertIn(f"各部门党员表现 {everything}.xlsx", disposition([]))
        self.assertIn("各部门党员表现.xlsx", disposition([["year", "=", 1900]]), "no result: no year")
        for forged in ([["no_such_field", "=", 1]], [["year", "=", "not a year"]], "year = 2025"):
            self.assertIn("各部门党员表现.xlsx", disposition(forged))

    def test_pivot_grades_in_order_and_rounded(self):
        report = self.env["party.hr.performance.report"]
        labels = [label for _key, label in report._fields["grade_level"]._description_selection(self.env)]
        self.assertEqual(labels, ["Excellent", "Qualified", "Basically Qualified", "Unqualified"])
        for row in report.read_group([], ["total:avg", "stars:avg"], ["department_id"]):
            for name in ("total", "stars"):
                if isinstance(row.get(name), float):
                    self.assertEqual(row[name], round(row[name], 2))

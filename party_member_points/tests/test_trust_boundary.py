"""The trust boundary (issue 14): no branch officer reaches beyond the branch or above their level, no member
beyond their own records. Each test is an attack tried through the ORM and, where a client could try it, over
JSON-RPC or a URL, with what the attacker (and the victim) would notice."""
import base64
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import mute_logger


from .access_matrix import AccessWorld


class TrustWorld(AccessWorld):
    """The access world (town, branches A and B, one user per role) built once per class."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._build_world()
        cls.admin_user = cls.env.ref("base.user_admin")

    def _admin_account(self):
        """What an attacker taking over the administrator's login would change."""
        self.env.flush_all()
        self.env.cr.execute("SELECT login, password, active, share FROM res_users WHERE id = %s",
                            [self.admin_user.id])
        return self.env.cr.fetchone()

    def _root_branch(self):
        """A branch registered without its upper organization (its parent left empty by the administrator),
        run by officer A."""
        return self.env["party.organization"].create({"name": "Matrix Orphan Branch", "kind": "branch",
                                                      "secretary_id": self.users["officer_a"].id,
                                                      "points_scheme_id": self.scheme.id})


@tagged("post_install", "-at_install")
class TestAccountTakeover(TrustWorld, TransactionCase):
    """1. A secretary cannot take over another user's login through the register and Grant Portal Access."""

    def _grant(self, member, login="takeover", password="chosen-by-attacker"):
        wizard = self.env["party.member.portal.wizard"].with_user(self.users["officer_a"]).with_context(
            default_member_id=member.id).create({"login": login, "password": password})
        return wizard.action_grant()

    def test_member_with_the_administrators_contact_is_refused(self):
        before = self._admin_account()
        Member = self.env["party.member"].with_user(self.users["officer_a"])
        with self.assertRaisesRegex(ValidationError, "another user's login"):
            Member.create({"name": "Fake Admin", "organization_id": self.branch_a.id,
                           "partner_id": self.admin_user.partner_id.id})
        with self.assertRaisesRegex(ValidationError, "another user's login"):
            self.alice.with_user(self.users["officer_a"]).partner_id = self.admin_user.partner_id
        # another member's contact, an employee's, the company's: refused alike
        with self.assertRaisesRegex(ValidationError, "another member"):
            Member.create({"name": "Bob Twin", "organization_id": self.branch_a.id,
                           "partner_id": self.bob.partner_id.id})
        employee = self.env["hr.employee"].create({"name": "Payroll Clerk"})
        with self.assertRaisesRegex(ValidationError, "another employee"):
            Member.create({"name": "Clerk", "organization_id": self.branch_a.id,
                           "partner_id": employee.work_contact_id.id})
        with self.assertRaisesRegex(ValidationError, "a company"):
            Member.create({"name": "Company", "organization_id": self.branch_a.id,
                           "partner_id": self.env.company.partner_id.id})
        self.assertEqual(self._admin_account(), before)

    def test_grant_portal_never_touches_an_existing_login(self):
        before = self._admin_account()
        # a member linked to the administrator's contact by older data (before the check existed)
        member = self._member("Legacy Member")
        self.env.cr.execute("UPDATE party_member SET partner_id = %s WHERE id = %s",
                            [self.admin_user.partner_id.id, member.id])
        member.invalidate_recordset()
        with self.assertRaisesRegex(UserError, "already linked to a login"):
            self._grant(member)
        self.assertEqual(self._admin_account(), before, "the administrator's login, password and state unchanged")
        self.assertFalse(member.user_id)
        # an archived portal login on the member's own contact is not reactivated (nor renamed or re-passworded)
        member2 = self._member("Revoked Member")
        self._grant(member2, login="revoked-member", password="first-Pass1")
        old_user = member2.user_id
        member2.with_user(self.users["officer_a"]).action_revoke_portal_access()
        with self.assertRaisesRegex(UserError, "already linked to a login"):
            self._grant(member2, login="new-login", password="second-Pass2")
        self.assertFalse(old_user.active)
        self.assertEqual(old_user.login, "revoked-member")

    def test_grant_portal_creates_a_portal_login_for_the_members_own_contact(self):
        member = self._member("Villager")
        self._grant(member, login="villager-login", password="v1llager-Pass")
        self.assertTrue(member.user_id.share)
        self.assertFalse(member.user_id.has_group("base.group_user"))
        self.assertEqual(member.user_id.partner_id, member.partner_id)
        with self.assertRaisesRegex(UserError, "already used"):
            self._grant(self._member("Another"), login=self.admin_user.login)

    def test_members_contact_carries_no_personal_data(self):
        """5. The phone and address stay in the register: another internal user reading the contacts learns
        nothing but the name."""
        member = self.env["party.member"].with_user(self.users["officer_a"]).create({
            "name": "Private Person", "organization_id": self.branch_a.id, "phone": "13912345678",
            "address": "3 Well Lane"})
        partner = member.partner_id.with_user(self.users["hr"])
        self.assertEqual(partner.name, "Private Person")
        self.assertFalse(partner.phone)
        self.assertFalse(partner.street)
        self.assertEqual(member.phone, "13912345678", "the register keeps it")


@tagged("post_install", "-at_install")
class TestOrganizationTree(TrustWorld, TransactionCase):
    """2. The tree, its secretaries and committees are maintained from above; members move by transfer."""

    def test_secretary_cannot_reshape_the_tree(self):
        branch = self.branch_a.with_user(self.users["officer_a"])
        with self.assertRaises(AccessError):
            branch.parent_id = False  # the branch would vanish from the town's view
        with self.assertRaises(AccessError):
            branch.secretary_id = self.users["officer_b"]
        with self.assertRaises(AccessError):
            branch.committee_member_ids = [fields.Command.link(self.users["member"].id)]
        with self.assertRaises(AccessError):
            self.env["party.organization"].with_user(self.users["officer_a"]).create({
                "name": "Own New Branch", "kind": "branch", "parent_id": self.town.id,
                "secretary_id": self.users["officer_a"].id})
        with self.assertRaises(AccessError):
            self.group_a1.with_user(self.users["officer_a"]).parent_id = self.branch_b
        self.assertEqual(self.branch_a.parent_id, self.town)
        self.assertEqual(self.group_a1.parent_id, self.branch_a)
        # what stays the branch's own business: its party groups and their leaders, its notes
        group = self.env["party.organization"].with_user(self.users["officer_a"]).create({
            "name": "Group A9", "kind": "group", "parent_id": self.branch_a.id})
        group.secretary_id = self.users["leader"]
        branch.note = "<p>Meets on Fridays</p>"
        # the town moves and staffs its branches
        town_view = self.branch_a.with_user(self.users["upper"])
        town_view.deputy_secretary_id = self.users["officer_b"]
        self.assertEqual(self.branch_a.deputy_secretary_id, self.users["officer_b"])

    def test_member_moves_only_by_an_approved_transfer(self):
        for role in ("officer_a", "upper", "admin"):
            with self.assertRaisesRegex(UserError, "approved transfer"):
                self.alice.with_user(self.users[role]).organization_id = self.branch_b
        self.assertEqual(self.alice.organization_id, self.branch_a)
        transfer = self.env["party.member.transfer"].with_user(self.users["officer_a"]).create({
            "member_id": self.alice.id, "direction": "internal", "from_organization_id": self.branch_a.id,
            "to_organization_id": self.branch_b.id, "reason": "Moved house"})
        transfer.action_submit()
        transfer.with_user(self.users["officer_b"]).action_approve()
        self.assertEqual(self.alice.organization_id, self.branch_b)

    def test_upper_level_decisions_need_a_real_upper_organization(self):
        orphan = self._root_branch()
        claimant = self._member("Orphan Secretary", org=orphan, user_id=self.users["officer_a"].id)
        # the secretary's own claim goes to the upper level, which does not exist: refused, not self-approved
        Entry = self.env["party.points.entry"].with_user(self.users["officer_a"])
        entry = Entry.create({"member_id": claimant.id, "rule_id": self.r_claim.id, "name": "Own claim"})
        with self.assertRaisesRegex(UserError, "has no upper organization.*parent organization"):
            entry._get_approver()
        # an appeal addressed to the upper committee of a branch without one
        appeal = self.env["party.points.appeal"].new({"member_id": claimant.id, "escalated": True})
        with self.assertRaisesRegex(UserError, "has no upper organization"):
            appeal._get_answering_user()
        # a secretary cannot produce that situation: only an administrator maintains the top of the tree
        with self.assertRaises(AccessError):
            self.branch_b.with_user(self.users["officer_b"]).parent_id = False


@tagged("post_install", "-at_install")
class TestOwnership(TrustWorld, TransactionCase):
    """4. Who a record belongs to is set at creation and never rewritten; portal rules hold in the model."""

    def test_appeal_names_its_member_and_entry_once(self):
        appeal = self.env["party.points.appeal"].with_user(self.users["member"]).create({
            "period_id": self._published_period().id, "member_id": self.m_member.id, "reason": "Missing points"})
        self._result()
        other_entry = self.env["party.points.entry"].search([("member_id", "=", self.alice.id)], limit=1)
        for user in (self.users["member"], self.users["admin"]):
            with self.assertRaisesRegex(UserError, "never change"):
                appeal.with_user(user).member_id = self.alice
            with self.assertRaisesRegex(UserError, "never change"):
                appeal.with_user(user).entry_id = other_entry
        appeal.with_user(self.users["member"]).reason = "Missing points of March"
        self.assertEqual(appeal.member_id, self.m_member)

    def test_claims_follow_the_portal_date_rules_in_the_model(self):
        Entry = self.env["party.points.entry"].with_user(self.users["member"])
        vals = {"member_id": self.m_member.id, "rule_id": self.r_claim.id, "name": "Claim"}
        period = self._published_period()
        with self.assertRaisesRegex(ValidationError, "no longer accepted"):
            Entry.create(dict(vals, date=period.date_from + timedelta(days=10)))
        with self.assertRaisesRegex(ValidationError, "in the future"):
            Entry.create(dict(vals, date=self.today + timedelta(days=1)))
        entry = Entry.create(dict(vals, date=self.today))
        with self.assertRaisesRegex(ValidationError, "no longer accepted"):
            entry.date = period.date_to
        self.assertEqual(entry.date, self.today)


@tagged("post_install", "-at_install")
class TestPersonalDataAndReports(TrustWorld, TransactionCase):
    """5. Employees' party fields within the officer's scope; reports read as the user."""

    def test_officer_sees_party_fields_of_employees_in_scope_only(self):
        employee_a = self.env["hr.employee"].create({"name": "Alice at Work"})
        employee_b = self.env["hr.employee"].create({"name": "Bob at Work"})
        self.alice.employee_id = employee_a
        self.bob.employee_id = employee_b
        Employee = self.env["hr.employee.public"].with_user(self.users["officer_a"])
        self.assertEqual(Employee.browse(employee_a.id).party_member_id, self.alice)
        self.assertFalse(Employee.browse(employee_b.id).party_member_id, "Bob is in branch B")
        self.assertFalse(Employee.browse(employee_b.id).party_stage)
        hr_view = self.env["hr.employee"].with_user(self.users["hr"]).browse(employee_b.id)
        self.assertEqual(hr_view.party_stage, "full", "HR sees the summary of every employee")

    def test_register_of_an_honour_roll_member_is_not_printed_for_others(self):
        result = self._result()  # Alice's
        self.env.cr.execute("UPDATE party_points_result SET honour = TRUE WHERE id = %s", [result.id])
        result.invalidate_recordset()
        Report = self.env["ir.actions.report"]
        report = "party_member_points.party_points_register_report"
        result.with_user(self.users["member"]).check_access("read")  # the honour roll is public to members
        with self.assertRaises(AccessError):
            Report.with_user(self.users["member"])._render_qweb_html(report, result.ids)
        html = Report.with_user(self.users["officer_a"])._render_qweb_html(report, result.ids)[0]
        self.assertIn(b"Matrix attendance", html)


@tagged("post_install", "-at_install")
class TestExports(TrustWorld, TransactionCase):
    """3. An XLSX export is its creator's only, and expires."""

    def _export(self, role):
        action = self.env["party.xlsx.export"].with_user(self.users[role])._download(
            "secret.xlsx", [{"name": "Tally", "headers": ["Member", "Grade"], "rows": [["Alice", "excellent"]]}])
        export_id = int(action["url"].split("id=")[1].split("&")[0])
        token = action["url"].split("access_token=")[1]
        return self.env["party.xlsx.export"].browse(export_id), token

    def test_export_is_its_creators_only(self):
        export, token = self._export("upper")
        Export = self.env["party.xlsx.export"]
        self.assertEqual(Export.with_user(self.users["upper"])._get_download(export.id, token)[0], "secret.xlsx")
        for role in ("member", "officer_a", "admin"):
            self.assertFalse(Export.with_user(self.users[role]).search([("id", "=", export.id)]))
            self.assertIsNone(Export.with_user(self.users[role])._get_download(export.id, token))
        self.assertIsNone(Export.with_user(self.users["upper"])._get_download(export.id, "guessed"))
        with self.assertRaises(AccessError):
            export.with_user(self.users["upper"]).read(["file"])  # served by the download route only

    def test_export_expires(self):
        export, token = self._export("member")
        self.env.cr.execute("UPDATE party_xlsx_export SET create_date = now() at time zone 'UTC' - interval '25 hours' "
                            "WHERE id = %s", [export.id])
        export.invalidate_recordset()
        self.assertIsNone(self.env["party.xlsx.export"].with_user(self.users["member"])._get_download(export.id, token))
        self.assertEqual(self.env["party.xlsx.export"]._transient_max_hours, 24, "the daily clean-up deletes it")


@tagged("post_install", "-at_install")
class TestTrustBoundaryHttp(TrustWorld, HttpCase):
    """The same attacks from outside: JSON-RPC, /web/content and the download and report routes."""

    def test_takeover_over_json_rpc_refused(self):
        before = self._admin_account()
        self.authenticate("matrix_officer_a", "matrix_officer_a")
        allowed, detail = self._call_kw("party.member", "create", [{
            "name": "Fake Admin", "organization_id": self.branch_a.id, "partner_id": self.admin_user.partner_id.id}])
        self.assertFalse(allowed)
        self.assertIn("ValidationError", detail)
        allowed, detail = self._call_kw("party.organization", "write", [self.branch_a.ids, {"parent_id": False}])
        self.assertFalse(allowed, "a secretary cannot detach their branch")
        self.assertEqual(self._admin_account(), before)
        self.assertEqual(self.branch_a.parent_id, self.town)

    def test_claim_in_a_published_period_over_json_rpc_refused(self):
        self.authenticate("matrix_member", "matrix_member")
        allowed, detail = self._call_kw("party.points.entry", "create", [{
            "member_id": self.m_member.id, "rule_id": self.r_claim.id, "name": "Back-dated",
            "date": fields.Date.to_string(self._published_period().date_from)}])
        self.assertFalse(allowed)
        self.assertIn("no longer accepted", detail)

    def test_export_download_route(self):
        self.authenticate("matrix_upper", "matrix_upper")
        action = self.env["party.xlsx.export"].with_user(self.users["upper"])._download(
            "tally.xlsx", [{"name": "Tally", "headers": ["Grade"], "rows": [["excellent"]]}])
        self.env.flush_all()
        export_id = int(action["url"].split("id=")[1].split("&")[0])
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content[:2], b"PK", "an XLSX (zip) file")
        with mute_logger("odoo.http"):
            self.assertEqual(self.url_open(f"/party/xlsx/download?id={export_id}&access_token=x").status_code, 404)
            # /web/content serves the file to nobody, its creator included
            web = f"/web/content/?model=party.xlsx.export&id={export_id}&field=file&download=true"
            self.assertNotEqual(self.url_open(web).status_code, 200)
            self.authenticate("matrix_member", "matrix_member")
            self.assertEqual(self.url_open(action["url"]).status_code, 404, "another user: as if it did not exist")
            self.assertNotEqual(self.url_open(web).status_code, 200)
            self.authenticate("matrix_admin", "matrix_admin")
            self.assertEqual(self.url_open(action["url"]).status_code, 404)
        self.assertTrue(base64.b64decode(self.env["party.xlsx.export"].browse(export_id).file))

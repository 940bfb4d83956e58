import io
import re
from datetime import timedelta
from unittest import SkipTest

from PIL import Image

from odoo import fields, http
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.addons.party_member_points.tools.clock import party_today

from ..models.party_workflow import workflow
from .common import PartyRegisterCase, WaitForLateRequests


@tagged("post_install", "-at_install")
class TestMemberPortal(WaitForLateRequests, HttpCase):
    """The member portal seen by the demo portal login (portal / portal), a member of 西山村党支部: own data
    only, claims with evidence through the normal approval flow, appeals in the publication window."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = cls.env.ref("base.demo_user0", raise_if_not_found=False)
        cls.member = cls.portal_user.party_member_ids[:1] if cls.portal_user else None
        if not cls.member:
            raise SkipTest("demo data not loaded")
        # messages in English for the assertions (the demo database may be Chinese); one test checks Chinese
        cls.env["res.lang"]._activate_lang("en_US")
        cls.portal_user.lang = "en_US"
        cls.Entry = cls.env["party.points.entry"]
        cls.other_entry = cls.Entry.search([("member_id", "!=", cls.member.id), ("state", "=", "posted")], limit=1)
        cls.other_member = cls.other_entry.member_id
        cls.rule = cls.member._portal_claimable_rules().filtered(lambda r: r.code == "volunteer")
        cls.approver = cls.member.organization_id._get_responsible_user()
        cls.today = party_today(cls.member.with_user(cls.portal_user))

    def _csrf(self):
        return http.Request.csrf_token(self)

    def _claim(self, files=None, **values):
        data = {"csrf_token": self._csrf(), "rule_id": self.rule.id, "date": fields.Date.to_string(self.today),
                "description": "Volunteer service at the village clinic", "evidence_note": "Certificate"}
        data.update(values)
        return self.url_open("/my/party/claims/new", data=data, files=files or [])

    def _counts(self):
        return (self.Entry.search_count([("member_id", "=", self.member.id)]),
                self.env["ir.attachment"].search_count([("res_model", "=", "party.points.entry")]),
                self.env["party.points.appeal"].search_count([]))

    # ------------------------------------------------------------------ own data
    def test_portal_home_and_overview_show_own_data(self):
        self.authenticate("portal", "portal")
        home = self.url_open("/my")
        self.assertEqual(home.status_code, 200)
        self.assertIn('href="/my/party"', home.text, "the member sees the party points entry on /my")
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["party_entry_count", "party_claim_count"]})
        posted = self.Entry.search_count([("member_id", "=", self.member.id), ("state", "=", "posted")])
        self.assertEqual(counters["party_entry_count"], posted)

        page = self.url_open("/my/party")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.member.name, page.text)
        self.assertIn("%g" % round(self.member.points_year_total, 2), page.text, "this year's running total")
        rank, size = self.member._portal_rank_in_branch()
        self.assertTrue(rank)
        self.assertIn(f'<span>{rank}</span><small class="fs-5 text-muted"> / {size}</small>', page.text)
        self.assertNotIn(self.other_member.name, page.text, "nobody else's data on the page")

        ledger = self.url_open("/my/party/ledger?filterby=all")
        self.assertEqual(ledger.status_code, 200)
        own = self.Entry.search([("member_id", "=", self.member.id), ("state", "=", "posted")], limit=20)
        self.assertEqual(ledger.text.count("o_party_ledger_row"), len(own))
        self.assertIn(own[0].name, ledger.text)
        self.assertNotIn(f"/my/party/claims/{self.other_entry.id}\"", ledger.text)

    def test_page_in_chinese_for_a_chinese_member(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["party_member_points"], ["zh_CN"], overwrite=True)
        self.portal_user.lang = "zh_CN"
        self.authenticate("portal", "portal")
        page = self.url_open("/my/party")
        self.assertIn("我的党员积分", page.text)
        self.assertIn("支部排名", page.text)
        response = self._claim(description="  ")
        self.assertIn("请说明您做了什么。", response.text, "the error is shown translated")

    def test_other_members_records_are_forbidden(self):
        self.authenticate("portal", "portal")
        other_appeal = self.env["party.points.appeal"].search([("member_id", "!=", self.member.id)], limit=1)
        self.assertEqual(self.url_open(f"/my/party/claims/{self.other_entry.id}").status_code, 403)
        self.assertEqual(self.url_open("/my/party/claims/987654321").status_code, 404)
        if other_appeal:
            self.assertEqual(self.url_open(f"/my/party/appeals/{other_appeal.id}").status_code, 403)
        response = self.url_open(f"/my/party/claims/{self.other_entry.id}/withdraw", data={"csrf_token": self._csrf()})
        self.assertEqual(response.status_code, 403)
        # the ORM refuses the same as the pages: record rules of the portal group
        as_portal = self.env(user=self.portal_user)
        with self.assertRaises(AccessError):
            as_portal["party.points.entry"].browse(self.other_entry.id).check_access("read")
        self.assertEqual(as_portal["party.member"].search([]), self.member)

    # ------------------------------------------------------------------ claims
    def test_claim_with_evidence_goes_to_the_approver(self):
        self.authenticate("portal", "portal")
        response = self._claim(files=[("attachments", ("photo.png", b"\x89PNG\r\n\x1a\nfake", "image/png")),
                                      ("attachments", ("certificate.txt", b"certified", "text/plain"))])
        self.assertEqual(response.status_code, 200)
        self.assertRegex(response.url, r"/my/party/claims/\d+\?submitted=1$")
        entry = self.Entry.browse(int(response.url.split("/")[-1].split("?")[0]))
        self.assertEqual(entry.member_id, self.member)
        self.assertEqual(entry.proposer_id, self.portal_user)
        self.assertEqual(entry.state, "submitted", "submitted for approval through the normal flow")
        self.assertEqual(entry.rule_id, self.rule)
        self.assertEqual(sorted(entry.attachment_ids.mapped("name")), ["certificate.txt", "photo.png"])
        self.assertEqual(set(entry.attachment_ids.mapped("res_id")), {entry.id})
        activity = entry.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("party_member_points.mail_activity_type_points_approval"))
        self.assertEqual(activity.user_id, self.approver, "an approval activity for the branch's approver")
        # the detail page shows the state, who must approve and the evidence (downloadable)
        self.assertIn("Waiting for Approval", response.text)
        self.assertIn(self.approver.name, response.text)
        self.assertIn("certificate.txt", response.text)
        certificate = entry.attachment_ids.filtered(lambda a: a.name == "certificate.txt")
        link = re.search(rf'href="(/web/content/{certificate.id}\?[^"]+)"', response.text).group(1)
        self.assertEqual(self.url_open(link.replace("&amp;", "&")).content, b"certified")
        # listed among the member's claims
        claims = self.url_open("/my/party/claims")
        self.assertIn(f"/my/party/claims/{entry.id}", claims.text)
        # the officer approves: the member sees the points posted
        entry.with_user(self.approver).action_approve()
        page = self.url_open(f"/my/party/claims/{entry.id}")
        self.assertIn("Posted", page.text)
        self.assertIn("Approved and posted by:", page.text)

    def test_claim_photo_shown_as_a_thumbnail(self):
        """A photo of the evidence is shown as a thumbnail on the claim's page (the member's token opens it),
        other files by their name."""
        image = io.BytesIO()
        Image.new("RGB", (400, 300), (200, 30, 30)).save(image, "PNG")
        self.authenticate("portal", "portal")
        response = self._claim(files=[("attachments", ("photo.png", image.getvalue(), "image/png")),
                                      ("attachments", ("certificate.txt", b"certified", "text/plain"))])
        entry = self.Entry.browse(int(response.url.split("/")[-1].split("?")[0]))
        photo = entry.attachment_ids.filtered(lambda a: a.name == "photo.png")
        thumbnail = re.search(rf'<img [^>]*src="(/web/image/{photo.id}/256x256\?access_token=[^"]+)"', response.text)
        self.assertTrue(thumbnail, "the photo is shown as a thumbnail")
        self.assertNotRegex(response.text, r'<img [^>]*alt="certificate.txt"')
        self.assertIn("certificate.txt", response.text)
        fetched = self.url_open(thumbnail.group(1).replace("&amp;", "&"))
        self.assertEqual(fetched.status_code, 200)
        self.assertTrue(fetched.headers["Content-Type"].startswith("image/"))
        with Image.open(io.BytesIO(fetched.content)) as small:
            self.assertLessEqual(max(small.size), 256)

    def test_invalid_claims_save_nothing(self):
        self.authenticate("portal", "portal")
        published = self.member._portal_appealable_periods()[:1]
        officer_rule = self.env["party.points.rule"].search([
            ("scheme_id", "=", self.rule.scheme_id.id), ("recorder", "=", "officer")], limit=1)
        other_scheme_rule = self.env["party.points.rule"].search([
            ("scheme_id", "!=", self.rule.scheme_id.id), ("recorder", "=", "member")], limit=1)
        photo = [("attachments", ("photo.png", b"\x89PNG\r\n\x1a\nfake", "image/png"))]
        cases = [
            ({"description": "   "}, photo, "Describe what you did."),
            ({"rule_id": officer_rule.id}, photo, "Choose one of the items you may claim."),
            ({"rule_id": other_scheme_rule.id or 987654}, photo, "Choose one of the items you may claim."),
            ({"rule_id": "abc"}, photo, "Choose one of the items you may claim."),
            ({"date": fields.Date.to_string(self.today + timedelta(days=1))}, photo, "is in the future"),
            ({"date": "not a date"}, photo, "Give the date of the activity."),
            ({}, [], "needs evidence: attach a photo or a file."),
        ]
        if published:
            cases.append(({"date": fields.Date.to_string(published.date_from)}, photo,
                          "claims dated %s are no longer accepted" % fields.Date.to_string(published.date_from)))
        before = self._counts()
        for values, files, message in cases:
            with self.subTest(values=values):
                response = self._claim(files=files, **values)
                self.assertEqual(response.status_code, 200)
                self.assertIn("o_party_error", response.text)
                self.assertIn(message, response.text)
                self.assertEqual(self._counts(), before, "nothing saved")

    # ------------------------------------------------------------------ appeals
    def test_appeal_only_in_the_publication_window(self):
        period = self.member._portal_appealable_periods()[:1]
        if not period:
            self.skipTest("no published period in the demo data")
        own_entry = self.Entry.search([("member_id", "=", self.member.id), ("state", "=", "posted"),
                                       ("date", ">=", period.date_from), ("date", "<=", period.date_to)], limit=1)
        foreign_entry = self.Entry.search([("member_id", "!=", self.member.id), ("state", "=", "posted"),
                                           ("date", ">=", period.date_from), ("date", "<=", period.date_to)], limit=1)
        self.authenticate("portal", "portal")
        before = self._counts()
        response = self.url_open("/my/party/appeals/new", data={
            "csrf_token": self._csrf(), "period_id": period.id, "entry_id": foreign_entry.id, "reason": "Not mine"})
        self.assertIn("You can only dispute your own posted entries", response.text)
        response = self.url_open("/my/party/appeals/new", data={
            "csrf_token": self._csrf(), "period_id": period.id, "entry_id": own_entry.id, "reason": " "})
        self.assertIn("Explain what is wrong with the published points.", response.text)
        self.assertEqual(self._counts(), before, "nothing saved")

        response = self.url_open("/my/party/appeals/new", data={
            "csrf_token": self._csrf(), "period_id": period.id, "entry_id": own_entry.id,
            "reason": "I attended twice, only one attendance was recorded."})
        self.assertRegex(response.url, r"/my/party/appeals/\d+\?submitted=1$")
        appeal = self.env["party.points.appeal"].browse(int(response.url.split("/")[-1].split("?")[0]))
        self.assertEqual((appeal.member_id, appeal.entry_id, appeal.period_id), (self.member, own_entry, period))
        self.assertEqual(appeal.create_uid, self.portal_user)
        self.assertTrue(appeal.activity_ids, "the branch is asked to answer")
        # the branch answers: the member sees the outcome
        appeal.with_user(appeal.activity_ids.user_id[:1])._answer("dismissed", "Only one attendance is on the sheet.")
        page = self.url_open(f"/my/party/appeals/{appeal.id}")
        self.assertIn("Dismissed", page.text)
        self.assertIn("Only one attendance is on the sheet.", page.text)

        # after the publication window: refused, nothing saved
        workflow(period, "party_points_period_flow").write({"publication_end": self.today - timedelta(days=1)})
        before = self._counts()
        response = self.url_open("/my/party/appeals/new", data={
            "csrf_token": self._csrf(), "period_id": period.id, "reason": "Too late"})
        self.assertIn("Appeals are accepted only while the points of your branch are published", response.text)
        self.assertEqual(self._counts(), before)

    # ------------------------------------------------------------------ browser
    def test_portal_claim_tour(self):
        self.start_tour("/my", "party_portal_claim", login="portal")
        entry = self.Entry.search([("member_id", "=", self.member.id), ("name", "=", "Tour: helped at the clinic")])
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry.state, "submitted")
        self.assertEqual(entry.attachment_ids.mapped("name"), ["evidence.txt"])


class TestPortalAccess(PartyRegisterCase):
    """Officers give members a free portal login from the register."""

    def _wizard(self, member, **vals):
        wizard = self.env["party.member.portal.wizard"].with_user(self.user_secretary).with_context(
            default_member_id=member.id).create(vals)
        return wizard

    def test_grant_and_revoke_portal_access(self):
        member = self._member("Villager Member", phone="139 0000 1234")
        wizard = self._wizard(member, password="s3cret-Pass")
        self.assertEqual(wizard.login, "13900001234", "the phone number is the default login")
        wizard.action_grant()
        user = member.user_id
        self.assertTrue(user.share)
        self.assertTrue(user.has_group("base.group_portal"))
        self.assertFalse(user.has_group("base.group_user"))
        self.assertEqual(user.partner_id, member.partner_id)
        self.assertTrue(member.portal_user)
        self.assertEqual(self.env["party.member"].with_user(user)._portal_get_own(), member)
        member.with_user(self.user_secretary).action_revoke_portal_access()
        self.assertFalse(member.user_id)
        self.assertFalse(user.active)

    def test_grant_refused(self):
        member = self._member("Member Without Contact")
        with self.assertRaises(UserError):
            self._wizard(member, login="someone").action_grant()  # no password and no e-mail
        other = self._member("Other Branch Member", org=self.other_branch)
        with self.assertRaises(AccessError):
            self._wizard(other, login="other", password="x").action_grant()
        linked = self._member("Linked", user_id=self.user_member.id)
        with self.assertRaises(UserError):
            self._wizard(linked, login="linked", password="x").action_grant()

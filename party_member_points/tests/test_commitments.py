from unittest import SkipTest

from odoo import Command, http
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .test_points_common import PartyPointsCase


@tagged("post_install", "-at_install")
class TestCommitments(PartyPointsCase):
    """年初承诺 (S004: 年初承诺 → 过程积分 → 年终评议 → 结果运用): a member's commitments of the year, approved by the
    branch, reviewed at the year end."""

    def _commitment(self, user=None, member=None, **vals):
        values = {"member_id": (member or self.own).id, "year": self.YEAR, "name": "Volunteer every month",
                  "category": "service", "description": "Serve at the village clinic",
                  "item_ids": [Command.create({"name": "Clinic duty once a month"}),
                               Command.create({"name": "Visit two elderly members"})]}
        values.update(vals)
        return self.env["party.points.commitment"].with_user(user or self.user_member).create(values)

    def test_member_commits_branch_approves_and_reviews(self):
        commitment = self._commitment()
        self.assertEqual((commitment.state, commitment.organization_id), ("draft", self.branch))
        commitment.action_submit()
        self.assertEqual(commitment.state, "submitted")
        activity = commitment.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("party_member_points.mail_activity_type_commitment_approval"))
        self.assertEqual(activity.user_id, self.user_secretary, "the branch secretary approves")
        with self.assertRaises(UserError, msg="submitted: the text is frozen"):
            commitment.write({"name": "Something else"})
        with self.assertRaises(UserError, msg="a member does not approve"):
            commitment.action_approve()
        commitment.with_user(self.user_secretary).action_approve()
        self.assertEqual((commitment.state, commitment.approved_by_id), ("approved", self.user_secretary))
        with self.assertRaises(UserError, msg="what was not kept must be said"):
            commitment.with_user(self.user_secretary).action_review("partly")
        kept = commitment.item_ids[:1]
        commitment.with_user(self.user_secretary).action_review("partly", "Visits not made",
                                                                 kept_item_ids=kept.ids)
        self.assertEqual((commitment.state, commitment.outcome), ("reviewed", "partly"))
        self.assertEqual(commitment.item_ids.mapped("kept"), [True, False])
        with self.assertRaises(UserError):
            commitment.unlink()

    def test_commitments_belong_to_their_member(self):
        with self.assertRaises(AccessError, msg="a member writes only their own commitments"):
            self._commitment(member=self.alice)
        commitment = self._commitment()
        with self.assertRaises(UserError, msg="the member of a commitment never changes"):
            commitment.write({"member_id": self.alice.id})
        with self.assertRaises(UserError, msg="the state moves with the buttons only"):
            commitment.write({"state": "approved"})
        with self.assertRaises(UserError, msg="nothing to approve without a text"):
            self._commitment(description=False, item_ids=[]).action_submit()
        on_behalf = self._commitment(user=self.user_secretary, member=self.alice)
        self.assertEqual(on_behalf.member_id, self.alice, "the branch writes for a member without a login")
        with self.assertRaises(AccessError, msg="another branch's officer does not write here"):
            self._commitment(user=self.user_other_secretary, member=self.bob)


@tagged("post_install", "-at_install")
class TestCommitmentPortal(HttpCase):
    """The member writes and submits the commitment of the year on the portal."""

    def test_portal_commitment(self):
        portal_user = self.env.ref("base.demo_user0", raise_if_not_found=False)
        member = portal_user.party_member_ids[:1] if portal_user else None
        if not member:
            raise SkipTest("demo data not loaded")
        portal_user.lang = "en_US"
        self.authenticate("portal", "portal")
        csrf = http.Request.csrf_token(self)
        empty = self.url_open("/my/party/commitments/new", data={"csrf_token": csrf, "name": " ", "category": "duty"})
        self.assertIn("o_party_error", empty.text)
        response = self.url_open("/my/party/commitments/new", data={
            "csrf_token": csrf, "name": "Keep the village roads clean", "category": "service",
            "items": "Sweep the square every Saturday\nReport broken lamps"})
        self.assertTrue(response.url.endswith("/my/party/commitments?submitted=1"))
        self.assertIn("Keep the village roads clean", response.text)
        commitment = self.env["party.points.commitment"].search([("member_id", "=", member.id)], limit=1,
                                                                order="id desc")
        self.assertEqual(commitment.state, "submitted")
        self.assertEqual(commitment.item_ids.mapped("name"), ["Sweep the square every Saturday", "Report broken lamps"])
        other = self.env["party.points.commitment"].create({
            "member_id": self.env["party.member"].search([("id", "!=", member.id)], limit=1).id,
            "name": "Someone else's", "category": "duty", "description": "x"})
        page = self.url_open("/my/party/commitments")
        self.assertNotIn(other.name, page.text, "only the member's own commitments")

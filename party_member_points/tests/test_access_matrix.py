from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, TransactionCase, tagged

from .access_matrix import OrmMatrixTests, RpcMatrixTests

# Who may do what with the records of branch A (see access_matrix.py for the notation).
# r/w/c/u = read/write/create/unlink allowed, "-" refused, "." not checked.
MATRIX = (
    # target            member  leader  off_A   off_B   upper   hr      admin   portal
    ("org",             "r---", "r---", "rwc-", "r---", "rwc-", "----", "rwcu", "r---"),
    # branch A's parent and secretary, a new branch under the town: the upper organization's business
    ("org_structure",   "r---", "r---", "r---", "r---", "rwc-", "----", "rwcu", "r---"),
    ("member_alice",    "----", "r---", "rwc-", "----", "rwc-", "----", "rwcu", "----"),
    # moving Alice to branch B by a write: refused to everyone (an approved transfer moves a member)
    ("member_move",     ".-..", ".-..", ".-..", ".-..", ".-..", ".-..", ".-..", ".-.."),
    ("member_self",     "r---", "r---", "rwc-", "----", "rwc-", "----", "rwcu", "----"),
    # the status history is written by the register itself (every status change), never by hand
    ("status_history",  "----", "r---", "r---", "----", "r---", "----", "r---", "----"),
    ("sanction",        "----", "r---", "rwcu", "----", "rwcu", "----", "rwcu", "----"),
    ("transfer",        "----", "----", "rwcu", "----", "rwcu", "----", "rwcu", "----"),
    ("dues",            "----", "r---", "rwcu", "----", "rwcu", "----", "rwcu", "----"),
    ("meeting",         "r---", "rwc-", "rwcu", "----", "rwcu", "----", "rwcu", "----"),
    ("attendance",      "r---", "rwcu", "rwcu", "----", "rwcu", "----", "rwcu", "----"),
    ("scheme",          "r---", "r---", "r---", "r---", "r---", "----", "rwcu", "r---"),
    ("component",       "r---", "r---", "r---", "r---", "r---", "----", "rwcu", "r---"),
    ("rule",            "r---", "r---", "r---", "r---", "r---", "----", "rwcu", "r---"),
    # a draft recorded for Alice (party group A1) / a draft claim of the member themselves
    ("entry_alice",     "----", "rwcu", "rwcu", "----", "rwcu", "----", "rwcu", "----"),
    ("entry_self",      "rwcu", "rwcu", "rwcu", "----", "rwcu", "----", "rwcu", "----"),
    # a period being recorded is for the officers; a published one (public notice) is read by every member
    ("period",          "----", "----", "rwcu", "----", "rwcu", "----", "rwcu", "----"),
    ("period_published", "r-.-", "r-.-", "rw.-", "r-.-", "rw.-", "--.-", "rw.-", "r-.-"),
    # the member's appeal: only its author writes it, nobody deletes it (it is answered)
    ("appeal",          "rwc-", "r-c-", "r-c-", "----", "r-c-", "----", "r-c-", "----"),
    # annual results are computed; officers only set a manual veto; lines are read-only
    # naming another member in a filed appeal: refused to everyone
    ("appeal_owner",    ".-..", ".-..", ".-..", ".-..", ".-..", ".-..", ".-..", ".-.."),
    ("result",          "----", "r---", "rw--", "----", "rw--", "----", "rw-u", "----"),
    # an XLSX export is read by the member who made it only (administrator included), deleted by the clean-up
    ("export",          "rwc-", "--c-", "--c-", "--c-", "--c-", "----", "--c-", "----"),
    ("result_line",     "----", "r---", "r---", "----", "r---", "----", "r---", "----"),
    ("hr_report",       "----", "----", "----", "----", "----", "r---", "r---", "----"),
)

REPORTS = (
    # report xmlid                                               target            m l A B u h a p
    ("party_member_points.party_points_register_report", "result", "-yy-y-y-"),
    ("party_member_points.party_points_summary_report", "result", "-yy-y-y-"),
    ("party_member_points.party_points_honour_report", "result", "-yy-y-y-"),
    ("party_member_points.party_points_period_notice_report", "period_published", "yyyyy-yy"),
    ("party_member_points.party_points_period_notice_report", "period", "--y-y-y-"),
)


@tagged("post_install", "-at_install")
class TestAccessMatrix(OrmMatrixTests, TransactionCase):
    """The access matrix of the register and the points, through the ORM."""

    MATRIX = MATRIX
    REPORTS = REPORTS


@tagged("post_install", "-at_install")
class TestAccessMatrixRpc(RpcMatrixTests, HttpCase):
    """The same matrix over JSON-RPC and the report routes, with a real session per role."""

    MATRIX = MATRIX
    REPORTS = REPORTS

    def test_group_leader_reaches_the_group_through_the_led_groups(self):
        """The records of a member carry the branch and the party group apart: the leader of group A1, who does not
        run branch A, reaches them through ``party_led_group_ids``; the officers of a branch and above have none,
        so their rules test the organization alone (one index for PostgreSQL)."""
        Users = self.env["res.users"]
        self.assertEqual(Users.browse(self.users["leader"].id).party_led_group_ids, self.group_a1)
        for role in ("officer_a", "officer_b", "upper"):
            self.assertFalse(Users.browse(self.users[role].id).party_led_group_ids, role)
        entries = self.env["party.points.entry"].with_user(self.users["leader"])
        self.assertIn(self.alice, entries.env["party.member"].search([]))
        self.assertNotIn(self.bob, entries.env["party.member"].search([]))
        # once branch A is run by the leader too, the group is inside the scope: nothing to add
        self.branch_a.deputy_secretary_id = self.users["leader"]
        self.assertFalse(Users.browse(self.users["leader"].id).party_led_group_ids)
        self.assertIn(self.bob.browse(self.alice.id), entries.env["party.member"].search([]))

    def test_register_scope_leaves_out_the_party_groups(self):
        """Members (and so their points and results) are registered in a branch, never in a party group: the rules
        of the register, the ledger and the results list the scope without its groups."""
        officer = self.env["res.users"].browse(self.users["officer_a"].id)
        self.assertIn(self.group_a1, officer.party_officer_scope_ids)
        self.assertEqual(officer.party_officer_register_scope_ids, self.branch_a)
        with self.assertRaises(ValidationError):
            self._member("Matrix Misplaced", org=self.group_a1)

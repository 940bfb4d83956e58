from datetime import date

from odoo.tests import BaseCase, tagged

from odoo.addons.party_evaluation.models import evaluation_rules as rules


@tagged("post_install", "-at_install")
class TestEvaluationRules(BaseCase):
    """The determination rules as pure functions (DOMAIN.md 3.3 and 3.5)."""

    def test_quorum(self):
        self.assertEqual(rules.quorum_needed(31, 0.8), 25)
        self.assertTrue(rules.quorum_reached(25, 31))
        self.assertFalse(rules.quorum_reached(24, 31))
        self.assertTrue(rules.quorum_reached(8, 10), "exactly 80 % is enough")
        self.assertFalse(rules.quorum_reached(7, 10))
        self.assertFalse(rules.quorum_reached(0, 0), "nobody expected: no meeting")
        self.assertEqual(rules.quorum_needed(20, 0.8), 16, "no floating-point surprise")

    def test_qualified_share(self):
        self.assertAlmostEqual(rules.qualified_share(2, 4, 3, 1), 0.6)
        self.assertAlmostEqual(rules.qualified_share(2, 4, 3, 1, basic_counts=True), 0.9)
        self.assertAlmostEqual(rules.qualified_share(0, 6, 0, 2, abstain=2), 0.6, msg="abstentions count as cast")
        self.assertEqual(rules.qualified_share(0, 0, 0, 0), 0.0)

    def test_proposed_grade(self):
        # below 60 % of qualified votes
        self.assertEqual(rules.proposed_grade(0, 5, 0, 5), ("unqualified", "threshold"))
        # exactly 60 % passes
        self.assertEqual(rules.proposed_grade(0, 6, 0, 4), ("qualified", "plurality"))
        # sanction and veto win over any vote
        self.assertEqual(rules.proposed_grade(10, 0, 0, 0, sanctioned=True), ("unqualified", "sanction"))
        self.assertEqual(rules.proposed_grade(10, 0, 0, 0, veto=True, sanctioned=True), ("unqualified", "veto"))
        # plurality, ties to the lower grade
        self.assertEqual(rules.proposed_grade(6, 4, 0, 0), ("excellent", "plurality"))
        self.assertEqual(rules.proposed_grade(5, 5, 0, 0), ("qualified", "plurality"))
        self.assertEqual(rules.proposed_grade(4, 4, 5, 0), ("basic", "plurality"))
        self.assertEqual(rules.proposed_grade(4, 3, 5, 0), ("unqualified", "threshold"), "7 of 12 is below 60 %")
        # unqualified has most votes but the member passed the threshold: basically qualified
        self.assertEqual(rules.proposed_grade(3, 3, 0, 4), ("basic", "plurality"))
        # basic votes may count as qualified by campaign setting
        self.assertEqual(rules.proposed_grade(0, 2, 5, 3), ("unqualified", "threshold"))
        self.assertEqual(rules.proposed_grade(0, 2, 5, 3, basic_counts=True), ("basic", "plurality"))
        self.assertEqual(rules.proposed_grade(0, 0, 0, 0), (False, "no_votes"))

    def test_excellent_quota(self):
        self.assertEqual(rules.excellent_quota(33, 0.15, 0.20), (5, 6))
        self.assertEqual(rules.excellent_quota(20, 0.15, 0.20), (3, 4), "0.15 * 20 is 3, not 3.0000000000000004")
        self.assertEqual(rules.excellent_quota(35, 0.15, 0.20), (6, 7))
        self.assertEqual(rules.excellent_quota(3, 0.15, 0.20), (1, 1), "a small branch may name one")
        self.assertEqual(rules.excellent_quota(0), (0, 0))
        self.assertTrue(rules.excellent_within_quota(6, 33))
        self.assertFalse(rules.excellent_within_quota(7, 33))

    def test_dates(self):
        meeting = date(2026, 3, 20)
        self.assertTrue(rules.plan_approved_in_time(date(2026, 3, 10), meeting))
        self.assertFalse(rules.plan_approved_in_time(date(2026, 3, 11), meeting))
        self.assertFalse(rules.plan_approved_in_time(False, meeting))
        self.assertTrue(rules.notice_in_time(date(2026, 3, 15), meeting))
        self.assertFalse(rules.notice_in_time(date(2026, 3, 16), meeting))

    def test_other_rules(self):
        self.assertEqual(rules.mass_representatives_needed(31, 0.5), 16)
        self.assertEqual(rules.mass_representatives_needed(0, 0.5), 0)
        self.assertEqual(rules.self_evaluation_exemption(70, False), "age")
        self.assertEqual(rules.self_evaluation_exemption(50, True), "ill")
        self.assertFalse(rules.self_evaluation_exemption(69, False))
        self.assertTrue(rules.split_in_groups(30, 30))
        self.assertFalse(rules.split_in_groups(29, 30))

    def test_sanction_received_within_three_years_forces_unqualified(self):
        """S000: 近三年内受到开除党籍以下党纪处分的党员，一律认定为不合格党员; 处分期满的…根据现实表现进行认定.
        The decision date decides, not the end of the sanction period."""
        meeting = date(2027, 1, 15)
        forced = rules.sanction_forces_unqualified
        self.assertTrue(forced("party_warning", date(2025, 3, 1), meeting), "received two years ago")
        self.assertTrue(forced("party_probation", date(2024, 1, 15), meeting), "exactly three years before")
        self.assertFalse(forced("party_serious_warning", date(2023, 12, 1), meeting),
                         "received more than three years ago: judged on conduct")
        self.assertFalse(forced("party_warning", date(2020, 5, 1), meeting),
                         "a sanction with no end date does not make a member unqualified for ever")
        self.assertFalse(forced("state_sanction", date(2026, 5, 1), meeting), "not a party sanction")
        self.assertFalse(forced("party_warning", date(2027, 2, 1), meeting), "decided after the meeting")
        self.assertTrue(forced("party_warning", date(2024, 6, 1), meeting, years=5), "the campaign's look-back")

    def test_warned_two_years_running_is_proposed_unqualified(self):
        """S003 P4 第二十四条: 连续两年被警示的，一般评定为不合格党员."""
        self.assertEqual(rules.proposed_grade(8, 2, 0, 0, warned_twice=True), ("unqualified", "warned"))
        self.assertEqual(rules.proposed_grade(8, 2, 0, 0, warned_twice=False), ("excellent", "plurality"))
        self.assertEqual(rules.proposed_grade(8, 2, 0, 0, veto=True, warned_twice=True), ("unqualified", "veto"))
        self.assertEqual(rules.proposed_grade(8, 2, 0, 0, other_ground=True), ("unqualified", "ground"),
                         "a failed below-standard conversion (mobilization) proposes 不合格")

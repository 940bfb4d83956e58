from datetime import date

from odoo.tests import TransactionCase, tagged

from odoo.addons.party_mobilization.models.mobilization_rules import (
    default_order,
    identity_rank,
    progress_percent,
    rank_sequence,
    spread_batch_dates,
    vote_passes,
    vote_quorum_met,
)


@tagged("post_install", "-at_install")
class TestMobilizationRules(TransactionCase):
    """The rules of S000 as pure functions."""

    def test_identity_rank_highest_wins(self):
        self.assertEqual(identity_rank(), 7)
        self.assertEqual(identity_rank(is_representative=True), 6)
        self.assertEqual(identity_rank(is_party_member=True), 5)
        self.assertEqual(identity_rank(is_party_member=True, is_representative=True), 5)
        self.assertEqual(identity_rank(is_village_committee=True, is_representative=True), 4)
        self.assertEqual(identity_rank(is_branch_committee=True, is_village_committee=True, is_party_member=True), 3)
        self.assertEqual(identity_rank(is_director=True, is_party_member=True), 2)
        self.assertEqual(identity_rank(is_branch_secretary=True, is_director=True, is_party_member=True), 1)

    def test_default_order_by_kind(self):
        for kind in ("flood", "epidemic", "drought", "disaster", "major_event", "land", "emergency",
                     "town_key_project", "other"):
            self.assertEqual(default_order(kind), "forward", kind)
        for kind in ("welfare", "benefit", "safety", "resettlement"):
            self.assertEqual(default_order(kind), "reverse", kind)

    def test_rank_sequence(self):
        self.assertEqual(rank_sequence([7, 5, 1, 5, 3, 7], "forward"), [1, 3, 5, 7])
        self.assertEqual(rank_sequence([7, 5, 1, 5, 3, 7], "reverse"), [7, 5, 3, 1])

    def test_spread_batch_dates(self):
        windows = spread_batch_dates(date(2026, 3, 1), date(2026, 3, 30), 3)
        self.assertEqual(windows, [(date(2026, 3, 1), date(2026, 3, 10)), (date(2026, 3, 11), date(2026, 3, 20)),
                                   (date(2026, 3, 21), date(2026, 3, 30))])
        # shorter period than batches: batches share days, the last one still ends on the deadline
        windows = spread_batch_dates(date(2026, 3, 1), date(2026, 3, 2), 4)
        self.assertEqual(windows[0][0], date(2026, 3, 1))
        self.assertEqual(windows[-1][1], date(2026, 3, 2))
        self.assertTrue(all(start <= end for start, end in windows))
        self.assertEqual(spread_batch_dates(date(2026, 3, 1), date(2026, 3, 2), 0), [])

    def test_vote_passes(self):
        # more than half of the attendees, with the quorum reached
        self.assertTrue(vote_passes(51, 100, 150))
        self.assertFalse(vote_passes(50, 100, 150), "exactly half is not a majority")
        # quorum of half of the eligible for an assembly
        self.assertFalse(vote_quorum_met(74, 150, 0.5))
        self.assertFalse(vote_passes(74, 74, 150, 0.5, 0.5), "unanimous but without quorum")
        # representatives' meeting: two thirds must attend
        self.assertTrue(vote_passes(11, 20, 30, 0.5, 2 / 3))
        self.assertFalse(vote_passes(19, 19, 30, 0.5, 2 / 3))
        # a two-thirds majority configured
        self.assertFalse(vote_passes(60, 90, 100, 2 / 3))
        self.assertTrue(vote_passes(61, 90, 100, 2 / 3))
        self.assertFalse(vote_passes(0, 0, 0))

    def test_progress_percent(self):
        self.assertEqual(progress_percent(0, 0), 0.0)
        self.assertEqual(progress_percent(1, 3), 33.3)
        self.assertEqual(progress_percent(200, 200), 100.0)

from datetime import date

from odoo.tests import BaseCase, tagged

from ..models.party_points_logic import (
    apply_cap,
    apply_floor,
    apply_magnitude_cap,
    assign_stars,
    competition_ranks,
    core_bar_met,
    grade_for_points,
    grade_with_stars,
    leave_points,
    mean_of_quarters,
    member_year_figures,
    period_bounds,
    publication_end_date,
    round_half_up,
    star_quota,
    tiered_points,
)

THRESHOLDS = {5: 90, 4: 80, 3: 70, 2: 60}
QUOTAS = {5: 10, 4: 30, 3: 40}


@tagged("post_install", "-at_install")
class TestPointsLogic(BaseCase):
    """The pure rule functions the models use."""

    def test_cap_exactly_reached_and_cut(self):
        self.assertEqual(apply_cap(7, 3, 10), 3, "room left exactly for the points")
        self.assertEqual(apply_cap(8, 3, 10), 2, "cut to the cap")
        self.assertEqual(apply_cap(10, 3, 10), 0, "cap reached: nothing")
        self.assertEqual(apply_cap(12, 3, 10), 0, "never below zero")
        self.assertEqual(apply_cap(100, 3, 0), 3, "0 means no cap")
        self.assertEqual(apply_cap(9, -4, 10), -4, "deductions are not capped")

    def test_magnitude_cap_of_deduction_rules(self):
        self.assertEqual(apply_magnitude_cap(-6, -3, 9), -3)
        self.assertEqual(apply_magnitude_cap(-8, -3, 9), -1)
        self.assertEqual(apply_magnitude_cap(-9, -3, 9), 0)
        self.assertEqual(apply_magnitude_cap(8, 4, 10), 2)

    def test_floor(self):
        self.assertEqual(apply_floor(10, -4, 0), -4)
        self.assertEqual(apply_floor(3, -4, 0), -3, "deductions stop at zero")
        self.assertEqual(apply_floor(0, -4, 0), 0)
        self.assertEqual(apply_floor(-2, -4, 0), 0, "already below the floor: nothing more")
        self.assertEqual(apply_floor(0, -4, None), -4, "no floor")
        self.assertEqual(apply_floor(0, 5, 0), 5)

    def test_leave_tiers(self):
        self.assertEqual([leave_points("work", n) for n in range(1, 9)], [0, 0, 0, 0, 0, 0, -2, -2],
                         "leave for work is free up to 6 times a year, then -2")
        self.assertEqual([leave_points("personal", n) for n in range(1, 7)], [-1, -1, -1, -1, -2, -2],
                         "personal leave: -1 for the first 4, then -2")
        self.assertEqual(leave_points("sick", 10), 0)
        self.assertEqual(tiered_points(3, -5, free_count=1, tier_count=1, tier_points=-1), -5)

    def test_grades(self):
        thresholds = {"excellent": 90, "qualified": 75, "basic": 60}
        self.assertEqual(grade_for_points(90, thresholds), "excellent")
        self.assertEqual(grade_for_points(89.9, thresholds), "qualified")
        self.assertEqual(grade_for_points(75, thresholds), "qualified")
        self.assertEqual(grade_for_points(74, thresholds), "basic")
        self.assertEqual(grade_for_points(60, thresholds), "basic")
        self.assertEqual(grade_for_points(59.5, thresholds), "unqualified")

    def test_quota_rounding(self):
        # branch of 7: 10 % is 0.7 -> 0, but a branch under 10 may still name one five-star member
        self.assertEqual([star_quota(7, p, 10, 1 if level == 5 else 0) for level, p in QUOTAS.items()], [1, 2, 2])
        self.assertEqual([star_quota(10, p, 10, 1 if level == 5 else 0) for level, p in QUOTAS.items()], [1, 3, 4])
        self.assertEqual([star_quota(25, p, 10, 1 if level == 5 else 0) for level, p in QUOTAS.items()], [2, 7, 10])
        self.assertEqual(star_quota(0, 10, 10, 1), 0)

    def _stars(self, totals, **kwargs):
        rows = [{"id": i, "total": total, **kwargs.get("extra", {}).get(i, {})} for i, total in enumerate(totals)]
        return assign_stars(rows, THRESHOLDS, QUOTAS, core_bar=3)

    def test_stars_branch_of_seven(self):
        stars = self._stars([99, 98, 97, 96, 95, 94, 93])
        self.assertEqual([stars[i] for i in range(7)], [5, 4, 4, 3, 3, 2, 2],
                         "1 five-star (under-10 rule), 2 four-star (30 % of 7), 2 three-star (40 % of 7)")

    def test_stars_branch_of_ten_and_twenty_five(self):
        stars = self._stars([95] * 10)
        self.assertEqual(sorted(stars.values(), reverse=True), [5, 4, 4, 4, 3, 3, 3, 3, 2, 2])
        stars = self._stars([95] * 25)
        counts = {level: list(stars.values()).count(level) for level in (5, 4, 3, 2)}
        self.assertEqual(counts, {5: 2, 4: 7, 3: 10, 2: 6})

    def test_stars_thresholds_core_bar_and_veto(self):
        stars = self._stars([95, 85, 75, 65, 50], extra={0: {"core_ok": False}})
        self.assertEqual(stars[0], 3, "a core component below the bar: no four or five stars")
        self.assertEqual(stars[1], 4)
        self.assertEqual(stars[2], 3)
        self.assertEqual(stars[3], 2)
        self.assertEqual(stars[4], 1)
        stars = self._stars([99, 80], extra={0: {"veto": True}})
        self.assertEqual(stars[0], 1, "a veto item forces one star")
        self.assertEqual(stars[1], 2, "a branch of 2 has no room for four or three stars (30 % and 40 % of 2 "
                                      "round down to 0)")

    def test_publication_end(self):
        monday = date(2026, 11, 16)
        self.assertEqual(publication_end_date(monday, 5), date(2026, 11, 20))
        thursday = date(2026, 11, 19)
        self.assertEqual(publication_end_date(thursday, 5), date(2026, 11, 23), "calendar days")
        self.assertEqual(publication_end_date(thursday, 5, working_days=True), date(2026, 11, 25),
                         "Thu, Fri, Mon, Tue, Wed")
        self.assertEqual(publication_end_date(date(2026, 11, 21), 1, working_days=True), date(2026, 11, 23),
                         "a publication starting on Saturday counts from Monday")

    def test_periods_and_totals(self):
        self.assertEqual(period_bounds(date(2026, 5, 17), "quarter"), (date(2026, 4, 1), date(2026, 6, 30)))
        self.assertEqual(period_bounds(date(2026, 2, 17), "month"), (date(2026, 2, 1), date(2026, 2, 28)))
        self.assertEqual(period_bounds(date(2026, 9, 1), "half_year"), (date(2026, 7, 1), date(2026, 12, 31)))
        self.assertEqual(period_bounds(date(2026, 9, 1), "year"), (date(2026, 1, 1), date(2026, 12, 31)))
        self.assertEqual(mean_of_quarters([80, 90, 100, 70]), 85)
        self.assertEqual(competition_ranks({"a": 90, "b": 95, "c": 90, "d": 10}), {"b": 1, "a": 2, "c": 2, "d": 4})


@tagged("post_install", "-at_install")
class TestCoreBar(BaseCase):
    """S003 P4 第十七条: a basic score (organizational life + study + rules) under 70 points bars four and five
    stars; it is the sum of the core components that counts, not a share of each."""

    COMPONENTS = [(1, 0.0, 35.0, True), (2, 0.0, 25.0, True), (3, 0.0, 20.0, True), (4, 0.0, 20.0, False)]

    def _figures(self, life, study, rules, vanguard):
        ledger = {1: (life, 0, 0, 0), 2: (study, 0, 0, 0), 3: (rules, 0, 0, 0), 4: (vanguard, 0, 0, 0)}
        return member_year_figures(self.COMPONENTS, ledger, "sum", "total", 0.0, 30.0, 0.0, core_bar_points=70.0)

    def test_core_bar_is_the_basic_score_in_points(self):
        figures = self._figures(35, 25, 10, 20)
        self.assertEqual(figures["earned"], 90.0)
        self.assertTrue(figures["core_ok"], "35 + 25 + 10 = 70: the basic score reaches the bar, five stars possible")
        figures = self._figures(25, 16, 20, 20)
        self.assertEqual(figures["earned"], 81.0)
        self.assertFalse(figures["core_ok"], "a basic score of 61 bars four and five stars whatever the total")
        self.assertTrue(core_bar_met(70.0, 70.0))
        self.assertFalse(core_bar_met(69.99, 70.0))
        self.assertTrue(core_bar_met(10.0, 0.0), "no bar")
        self.assertFalse(core_bar_met(80.0, 0.0, [100.0, 50.0], 70.0), "a scheme may ask a share of each component")


@tagged("post_install", "-at_install")
class TestRoundHalfUp(BaseCase):
    """Carry-over and totals are rounded half up on decimals (四舍五入), not on binary floats."""

    def test_round_half_up(self):
        self.assertEqual(round(86.15 * 30 / 100.0, 2), 25.84, "Python's round on the binary float")
        self.assertEqual(round_half_up(86.15 * 30 / 100.0), 25.85, "30 % of 86.15 is 25.845 → 25.85")
        self.assertEqual(round_half_up(2.675), 2.68)
        self.assertEqual(round_half_up(0.125), 0.13, "no rounding of ties to even")
        self.assertEqual(round_half_up(-2.345), -2.35)
        self.assertEqual(round_half_up(0.0), 0.0)
        figures = member_year_figures([(1, 0.0, 100.0, False)], {1: (10.0, 0, 0, 0)}, carry_over_percent=30.0,
                                      previous_total=86.15)
        self.assertEqual(figures["carry"], 25.85, "the carry-over of last year's 86.15 at 30 %")


@tagged("post_install", "-at_install")
class TestExcellentNeedsStars(BaseCase):
    """S003 P4 第二十条: 优秀 only from four- and five-star members, where the scheme says so."""

    def test_excellent_only_with_four_or_five_stars(self):
        self.assertEqual(grade_with_stars("excellent", 5, True), "excellent")
        self.assertEqual(grade_with_stars("excellent", 4, True), "excellent")
        self.assertEqual(grade_with_stars("excellent", 3, True), "qualified", "three stars: not 优秀")
        self.assertEqual(grade_with_stars("excellent", 3, False), "excellent", "the scheme does not ask it")
        self.assertEqual(grade_with_stars("basic", 1, True), "basic")

"""Right on any date: each period is judged by its own facts, on the organization's calendar.

Every test is built on the test clock (``PARTY_TEST_NOW``, see README "Time and the clock"): either relative to the
user's today, or at a fixed instant of the past frozen inside the test. ``bash setup/test.sh`` runs them with the
real clock; with ``PARTY_TEST_NOW=2026-12-31T16:30:00Z`` (and the other instants of .ci/run) they run again at
the moments where a UTC date and a Chinese one differ.
"""
import os
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import SUPERUSER_ID, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import freeze_time, tagged

from odoo.addons.party_member_points.models.party_member import dues_unpaid_run, life_missed_run
from odoo.addons.party_member_points.models.party_points_logic import period_bounds, publication_end_date
from odoo.addons.party_member_points.tools.clock import party_today

from .test_points_common import PartyPointsCase


@tagged("post_install", "-at_install")
class TestOneClock(PartyPointsCase):
    """"Today" is the date in the user's timezone; for scheduled actions, the company's (Asia/Shanghai by
    default)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_member.tz = "Asia/Shanghai"
        cls.user_secretary.tz = "Asia/Shanghai"

    def _evening_utc(self):
        """17:00 UTC of the test clock's day: already the next day in Shanghai."""
        return datetime.combine(fields.Datetime.now().date(), time(17, 0))

    def test_today_is_the_date_in_the_users_timezone(self):
        with freeze_time(self._evening_utc()) as frozen:
            utc_day = frozen().date()
            self.assertEqual(party_today(self.env["party.member"].with_user(self.user_member)),
                             utc_day + timedelta(days=1), "17:00 UTC is 01:00 the next day in Shanghai")
            self.user_leader.tz = "Europe/Paris"
            self.assertEqual(party_today(self.env["party.member"].with_user(self.user_leader)), utc_day)
            self.env.company.partner_id.tz = False
            self.assertEqual(party_today(self.env["party.member"].with_user(SUPERUSER_ID)),
                             utc_day + timedelta(days=1), "system work without a company timezone: Asia/Shanghai")

    def test_claim_dated_tomorrow_in_the_users_timezone_is_refused(self):
        """A claim may be dated today in the member's own calendar, never the day after, whatever UTC says."""
        with freeze_time(self._evening_utc()) as frozen:
            local_today = frozen().date() + timedelta(days=1)
            Entry = self.env["party.points.entry"].with_user(self.user_member)
            claim = Entry.create({"member_id": self.own.id, "rule_id": self.r_free.id, "date": local_today,
                                  "name": "Volunteer service"})
            self.assertEqual(claim.date, local_today, "today in Shanghai is accepted although UTC is a day behind")
            with self.assertRaisesRegex(ValidationError, "is in the future"):
                Entry.create({"member_id": self.own.id, "rule_id": self.r_free.id, "name": "Tomorrow",
                              "date": local_today + timedelta(days=1)})

    def test_year_end_job_at_00_30_shanghai_closes_the_year_just_ended(self):
        """The year-end job runs at 00:30 on 1 January in Shanghai, 16:30 UTC on 31 December: it makes the year
        just ended final (not the one before) and opens the new year's provisional results."""
        self.env.company.partner_id.tz = "Asia/Shanghai"
        member = self._member("Year End Member", org=self.default_branch)
        self.Entry._post_automatic(member, "mobilization_commendation", date=date(self.YEAR, 6, 1))
        Result = self.env["party.points.result"]
        provisional = Result._compute_year(self.YEAR, member)
        self.assertEqual(provisional.state, "draft")
        with freeze_time(datetime(self.YEAR, 12, 31, 16, 30)):
            Result.with_user(SUPERUSER_ID)._cron_year_end()
        self.assertEqual(provisional.state, "final", "the year just ended in Shanghai is made final")
        new_year = Result.search([("member_id", "=", member.id), ("year", "=", self.YEAR + 1)])
        self.assertEqual(new_year.state, "draft", "the new year's provisional results are opened")
        cron = self.env.ref("party_member_points.ir_cron_party_points_year_end")
        self.assertEqual((cron.nextcall.month, cron.nextcall.day, cron.nextcall.hour, cron.nextcall.minute),
                         (12, 31, 16, 30), "scheduled at 00:30 in Shanghai, written in UTC")

    def test_test_clock_pins_the_cursor_and_create_dates(self):
        """With PARTY_TEST_NOW, the cursor's now() (create and write dates) follows the test clock."""
        member = self._member("Clock Member")
        member.flush_recordset()
        self.assertEqual(member.create_date, self.env.cr.now())
        instant = os.environ.get("PARTY_TEST_NOW")
        if instant:
            expected = datetime.fromisoformat(instant.replace("Z", "+00:00")).replace(tzinfo=None)
            self.assertEqual(member.create_date, expected, "frozen at the instant of PARTY_TEST_NOW")


@tagged("post_install", "-at_install")
class TestPeriodsJudgedByTheirOwnFacts(PartyPointsCase):
    """The veto of a year, the floor of deductions, the organization of an entry and the lock of a closed
    period come from the period's own records, never from a flag of today."""

    def _dues(self, member, year, paid=None):
        """Dues of 2 a month for the twelve months of ``year``; ``paid`` maps a month number to the day it was
        paid (default: the 10th of the month; None: unpaid)."""
        paid = paid or {}
        Dues = self.env["party.dues"]
        lines = Dues.browse()
        for month in range(1, 13):
            day = paid.get(month, date(year, month, 10))
            vals = {"member_id": member.id, "month": date(year, month, 1), "amount_due": 2.0}
            if day:
                vals.update(amount_paid=2.0, paid_date=day)
            lines |= Dues.create(vals)
        return lines

    def _result(self, member, year):
        return self.env["party.points.result"]._compute_year(year, member)

    def test_veto_dues_unpaid_january_to_june_then_paid_is_vetoed_for_that_year(self):
        member = self._member("Late Payer", org=self.default_branch)
        self._dues(member, self.YEAR, paid={month: date(self.YEAR, 7, 10) for month in range(1, 7)})
        result = self._result(member, self.YEAR)
        self.assertTrue(result.veto, "six months unpaid at the end of June, although all was paid in July")
        self.assertIn("six months", result.veto_reason)
        regular = self._member("Regular Payer", org=self.default_branch)
        self._dues(regular, self.YEAR, paid={month: date(self.YEAR, month + 1, 5) for month in range(1, 12)})
        self.assertFalse(self._result(regular, self.YEAR).veto, "a month late each month is no six-month run")

    def test_veto_paying_last_years_dues_in_january_does_not_lift_last_years_veto(self):
        member = self._member("Arrears", org=self.default_branch)
        lines = self._dues(member, self.YEAR, paid={month: None for month in range(7, 13)})
        result = self._result(member, self.YEAR)
        self.assertTrue(result.veto, "July to December unpaid")
        lines.filtered(lambda d: d.month.month >= 7).write({"amount_paid": 2.0,
                                                           "paid_date": date(self.YEAR + 1, 1, 15)})
        again = self._result(member, self.YEAR)
        self.assertEqual(again, result)
        self.assertTrue(again.veto, "recomputing the year after the January payment gives the same veto")
        self.assertFalse(self._result(member, self.YEAR + 1).veto, "the new year is judged by its own months")

    def test_veto_ignores_the_registers_current_flag(self):
        member = self._member("Flagged Today", org=self.default_branch)
        self._dues(member, self.YEAR)
        member.sudo().write({"veto_candidate": True, "months_unpaid_dues": 7})
        self.assertFalse(self._result(member, self.YEAR).veto, "a flag of today does not veto a paid-up year")

    def test_veto_six_month_runs_pure_rules(self):
        months = [date(self.YEAR, month, 1) for month in range(1, 13)]
        ends = [month + relativedelta(months=1, days=-1) for month in months]
        self.assertTrue(dues_unpaid_run([(m, date(self.YEAR, 7, 10) if m.month <= 6 else m) for m in months], ends))
        self.assertFalse(dues_unpaid_run([(m, date(self.YEAR, 6, 30) if m.month <= 6 else m) for m in months], ends),
                         "paid by the end of the sixth month: five months at most")
        self.assertFalse(dues_unpaid_run([(m, m.replace(day=1)) for m in months], ends), "paid in advance")
        self.assertTrue(life_missed_run([(m, m.month in (2, 3, 4, 5, 6, 7)) for m in months]))
        self.assertFalse(life_missed_run([(m, m.month in (2, 3, 4, 6, 7, 8)) for m in months]))

    def test_entry_keeps_the_organization_it_was_posted_in(self):
        member = self._member("Mover")
        entry = self._post(member, self.r_act, day=date(self.YEAR, 3, 1))
        self.assertEqual(entry.organization_id, self.branch)
        transfer = self.env["party.member.transfer"].create({
            "member_id": member.id, "direction": "internal", "from_organization_id": self.branch.id,
            "to_organization_id": self.default_branch.id, "reason": "Moved house"})
        transfer.with_user(self.user_secretary).action_submit()
        transfer.with_user(self.user_other_secretary).action_approve()
        self.assertEqual(member.organization_id, self.default_branch)
        entry.invalidate_recordset()
        self.assertEqual(entry.organization_id, self.branch, "a transfer does not move the entries of the past")
        later = self.Entry._post_automatic(member, "mobilization_commendation", date=date(self.YEAR, 9, 1))
        self.assertEqual(later.organization_id, self.default_branch, "the member's new entries go to the new branch")

    def test_closed_quarter_locks_the_ledger_not_the_register(self):
        """Closing a quarter locks its points, not the register: dues of that quarter can still be paid; their
        automatic points go to the open period, today, with a note of the day they belong to."""
        member = self._member("Quarter Member", org=self.default_branch)
        today = party_today(self.env["party.points.period"])
        quarter_day = today - relativedelta(months=6)
        Period = self.env["party.points.period"]
        period = Period._generate_periods(quarter_day, self.default_branch)
        self.Entry._post_automatic(member, "mobilization_commendation", date=period.date_from)
        period.action_review()
        period.action_publish()
        period._flow_write({"publication_start": period.date_to + timedelta(days=1),
                            "publication_end": period.date_to + timedelta(days=6)})
        period.action_close()
        before = self.Entry.search_count([("organization_id", "=", self.default_branch.id),
                                          ("date", ">=", period.date_from), ("date", "<=", period.date_to)])
        dues = self.env["party.dues"].create({"member_id": member.id, "month": period.date_from,
                                              "amount_due": 2.0})
        dues.write({"amount_paid": 2.0, "paid_date": period.date_from + timedelta(days=3)})
        self.assertEqual(dues.state, "paid", "the register records the payment")
        entry = self.Entry.search([("source_ref", "=", f"party.dues,{dues.id}")])
        self.assertEqual(entry.date, today, "posted in the open period")
        self.assertIn("closed", entry.name)
        self.assertEqual(self.Entry.search_count([("organization_id", "=", self.default_branch.id),
                                                  ("date", ">=", period.date_from),
                                                  ("date", "<=", period.date_to)]), before,
                         "the closed quarter's ledger is unchanged")
        with self.assertRaisesRegex(Exception, "is closed"):
            self.Entry.with_user(self.user_other_secretary).create({
                "member_id": member.id, "rule_id": self.default_scheme._get_rule("volunteer").id,
                "date": period.date_from + timedelta(days=5), "name": "Late recording"})

    def test_publication_in_working_days_skips_public_holidays(self):
        """公示 in working days does not count the Spring Festival (the company's public holidays, shipped as
        data for 2026 and 2027) and counts the Saturdays worked in exchange (调休上班: 14 and 28 February 2026)."""
        spring_festival = {date(2026, 2, 15) + timedelta(days=n) for n in range(9)}
        self.assertEqual(publication_end_date(date(2026, 2, 13), 5, True, spring_festival), date(2026, 2, 27))
        self.assertEqual(publication_end_date(date(2026, 2, 13), 5, True, spring_festival,
                                              {date(2026, 2, 14), date(2026, 2, 28)}), date(2026, 2, 26),
                         "Friday 13, Saturday 14 (worked), then 24, 25 and 26 February")
        self.assertEqual(publication_end_date(date(2026, 2, 13), 5, True), date(2026, 2, 19),
                         "without holidays: weekends only")
        self.assertEqual(publication_end_date(date(2026, 10, 9), 5, True, (), {date(2026, 10, 10)}),
                         date(2026, 10, 14), "Saturday 10 October 2026 is worked after the National Day")
        self.assertEqual(publication_end_date(date(2026, 10, 10), 3, False, (), {date(2026, 10, 10)}),
                         date(2026, 10, 12), "calendar days ignore the schedule")
        Period = self.env["party.points.period"]
        period = Period._generate_periods(date(2026, 1, 15), self.default_branch)
        period.write({"publication_days": 5, "publication_working_days": True})
        period.action_review()
        with freeze_time(datetime(2026, 2, 13, 2, 0)):  # 10:00 on Friday 13 February 2026 in Shanghai
            period.action_publish()
        self.assertEqual(period.publication_end, date(2026, 2, 26),
                         "Friday 13, Saturday 14 (调休上班, shipped as data), then three working days after the "
                         "Spring Festival holidays")
        self.env.ref("party_member_points.party_workday_cn_2026_02_14").unlink()
        other = Period._generate_periods(date(2026, 1, 15), self.other_branch)
        other.write({"publication_days": 5, "publication_working_days": True})
        other.action_review()
        with freeze_time(datetime(2026, 2, 13, 2, 0)):
            other.action_publish()
        self.assertEqual(other.publication_end, date(2026, 2, 27), "an administrator removed the day")
        with self.assertRaises(AccessError):
            self.env["party.workday"].with_user(self.user_secretary).create(
                {"name": "调休", "date": date(2026, 3, 7)})
        self.assertEqual(period_bounds(date(2026, 1, 15), "quarter"), (period.date_from, period.date_to))

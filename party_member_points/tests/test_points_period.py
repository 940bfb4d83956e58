from datetime import date, timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.addons.party_member_points.tools.clock import party_today

from ..models.party_points_logic import period_bounds, publication_end_date
from ..models.party_workflow import WORKFLOW
from .test_points_common import PartyPointsCase


@tagged("post_install", "-at_install")
class TestPointsPeriods(PartyPointsCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = party_today(cls.env)
        start, end = period_bounds(cls.today, "quarter")
        cls.period = cls.env["party.points.period"].create({
            "organization_id": cls.branch.id, "scheme_id": cls.scheme.id, "period_type": "quarter",
            "date_from": start, "date_to": end, "publication_days": 5})
        cls.entry = cls._post(cls.own, cls.r_act, day=cls.today)

    def _published(self, days_left=3):
        """Publish the period as the secretary, then move its publication window relative to today."""
        period = self.period.with_user(self.user_secretary)
        period.action_review()
        period.action_publish()
        period.with_context(party_points_period_flow=WORKFLOW).write({
            "publication_end": self.today + timedelta(days=days_left)})
        return period

    def test_publication_floor_of_five_days(self):
        """Seed 003: 公示时间不少于五个工作日 — neither a scheme nor a period goes under five days."""
        with self.assertRaises(ValidationError) as caught:
            self.scheme.write({"publication_days": 3})
        self.assertIn("at least 5 days", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            self.period.write({"publication_days": 4})
        self.assertIn("at least 5 days", str(caught.exception))
        self.env.invalidate_all()
        self.assertEqual((self.scheme.publication_days, self.period.publication_days), (5, 5))

    def test_name_and_onchange_from_scheme(self):
        self.assertIn("Q", self.period.name)
        self.scheme.write({"publication_days": 7, "publication_working_days": True})
        with Form(self.env["party.points.period"]) as form:
            form.organization_id = self.branch
            form.date_from = date(self.YEAR, 1, 1)
            form.date_to = date(self.YEAR, 3, 31)
            self.assertEqual(form.scheme_id, self.scheme)
            self.assertEqual(form.publication_days, 7)
            self.assertTrue(form.publication_working_days)
        self.assertEqual(form.record.name, f"{self.branch.name} {self.YEAR} Q1")

    def test_flow_publication_then_close(self):
        period = self.period.with_user(self.user_secretary)
        with self.assertRaises(UserError, msg="an open period is not published without review"):
            period.action_publish()
        period.action_review()
        self.assertEqual(period.state, "review")
        period.action_publish()
        self.assertEqual(period.state, "published")
        self.assertEqual(period.publication_start, self.today)
        self.assertEqual(period.publication_end, publication_end_date(self.today, 5))
        self.assertTrue(period.can_appeal)
        with self.assertUserError("runs until"):
            period.action_close()
        period.with_context(party_points_period_flow=WORKFLOW).write(
            {"publication_end": self.today - timedelta(days=1)})
        period.action_close()
        self.assertEqual(period.state, "closed")
        self.assertEqual(period.closed_by_id, self.user_secretary)

    def test_only_officers_move_the_period(self):
        with self.assertRaises(UserError):
            self.period.with_user(self.user_other_secretary).action_review()
        with self.assertRaises(AccessError):
            self.period.with_user(self.user_member).write({"note": "x"})

    def test_publish_refused_with_pending_claims(self):
        claim = self.Entry.with_user(self.user_member).create({
            "member_id": self.own.id, "rule_id": self.r_free.id, "date": self.today})
        claim.action_submit()
        self.period.with_user(self.user_secretary).action_review()
        with self.assertUserError("draft or submitted"):
            self.period.with_user(self.user_secretary).action_publish()
        claim.with_user(self.user_secretary).action_approve()
        self.period.with_user(self.user_secretary).action_publish()
        self.assertEqual(self.period.state, "published")

    def test_appeal_during_publication_answered_with_reason(self):
        self._published()
        appeal = self.env["party.points.appeal"].with_user(self.user_member).create({
            "period_id": self.period.id, "entry_id": self.entry.id, "reason": "I attended twice"})
        self.assertEqual(appeal.member_id, self.own, "a member appeals for themselves by default")
        self.assertEqual(appeal.state, "submitted")
        self.assertEqual(appeal.sudo().activity_ids.user_id, self.user_secretary)
        self.assertEqual(self.period.open_appeal_count, 1)
        self.period.with_context(party_points_period_flow=WORKFLOW).write(
            {"publication_end": self.today - timedelta(days=1)})
        with self.assertUserError("unanswered appeals"):
            self.period.with_user(self.user_secretary).action_close()
        wizard = self.env["party.points.appeal.answer.wizard"].with_user(self.user_secretary).create({
            "appeal_id": appeal.id, "outcome": "accepted", "answer": "  "})
        with self.assertRaises(UserError):
            wizard.action_answer()
        with self.assertRaises(UserError):
            appeal.with_user(self.user_member)._answer("accepted", "self-service")
        wizard.write({"answer": "The attendance was recorded on the wrong member", "reverse_entry": True})
        wizard.action_answer()
        self.assertEqual(appeal.state, "accepted")
        self.assertEqual(appeal.answered_by_id, self.user_secretary)
        self.assertTrue(self.entry.is_reversed)
        self.assertEqual(appeal.correction_entry_id.points, -3.0)
        self.assertFalse(appeal.sudo().activity_ids)
        with self.assertRaises(UserError):
            appeal.with_user(self.user_secretary)._answer("dismissed", "twice")
        self.period.with_user(self.user_secretary).action_close()
        self.assertEqual(self.period.state, "closed")

    def test_accepted_appeal_posts_the_missing_points_in_one_step(self):
        """漏记 3 分，予以补记: accepting the appeal posts the correction entry at once."""
        self._published()
        appeal = self.env["party.points.appeal"].with_user(self.user_member).create({
            "period_id": self.period.id, "reason": "My volunteer day was not recorded"})
        wizard = self.env["party.points.appeal.answer.wizard"].with_user(self.user_secretary).create({
            "appeal_id": appeal.id, "outcome": "accepted", "answer": "Not recorded: 3 points added",
            "correction_rule_id": self.r_act.id, "correction_date": self.today})
        total = self.own.points_year_total
        wizard.action_answer()
        self.assertEqual(appeal.state, "accepted")
        correction = appeal.correction_entry_id
        self.assertEqual((correction.state, correction.points, correction.member_id), ("posted", 3.0, self.own))
        self.assertEqual(correction.approver_id, self.user_secretary)
        self.own.invalidate_recordset()
        self.assertEqual(self.own.points_year_total, total + 3.0)

        # the correction is dated in the period of the appeal
        other = self.env["party.points.appeal"].with_user(self.user_member).create({
            "period_id": self.period.id, "reason": "Another missing activity"})
        wizard = self.env["party.points.appeal.answer.wizard"].with_user(self.user_secretary).create({
            "appeal_id": other.id, "outcome": "accepted", "answer": "Agreed",
            "correction_rule_id": self.r_act.id, "correction_date": self.period.date_to + timedelta(days=1)})
        with self.assertUserError("dated within the period"):
            wizard.action_answer()
        self.assertEqual(other.state, "submitted", "nothing saved")

    def test_accepted_appeal_corrected_later_with_the_button(self):
        self._published()
        appeal = self.env["party.points.appeal"].with_user(self.user_member).create({
            "period_id": self.period.id, "reason": "Missing points"})
        appeal.with_user(self.user_secretary)._answer("accepted", "Agreed, to be added")
        self.assertFalse(appeal.correction_entry_id)
        action = appeal.with_user(self.user_secretary).action_open_answer_wizard()
        wizard = self.env[action["res_model"]].with_user(self.user_secretary).with_context(**action["context"]).create({
            "correction_rule_id": self.r_act.id, "correction_date": self.today})
        self.assertEqual(wizard.appeal_state, "accepted")
        wizard.action_answer()
        self.assertEqual(appeal.correction_entry_id.state, "posted")
        self.assertEqual(appeal.answer, "Agreed, to be added", "the answer is kept")
        with self.assertUserError("without correction"):
            appeal.with_user(self.user_secretary)._post_correction({"rule": self.r_act, "date": self.today})

    def test_appeal_after_publication_ended_refused(self):
        self._published(days_left=-1)
        count = self.env["party.points.appeal"].search_count([])
        with self.assertUserError("ended on .*no longer accepted"):
            self.env["party.points.appeal"].with_user(self.user_member).create({
                "period_id": self.period.id, "reason": "Too late"})
        self.assertEqual(self.env["party.points.appeal"].search_count([]), count)

    def test_appeal_on_last_day_accepted_and_not_before_publication(self):
        with self.assertUserError("only while"):
            self.env["party.points.appeal"].with_user(self.user_member).create({
                "period_id": self.period.id, "reason": "Not published yet"})
        self._published(days_left=0)
        appeal = self.env["party.points.appeal"].with_user(self.user_member).create({
            "period_id": self.period.id, "reason": "Last day"})
        self.assertEqual(appeal.state, "submitted")

    def test_member_appeals_only_for_self(self):
        self._published()
        with self.assertRaises(AccessError):
            self.env["party.points.appeal"].with_user(self.user_member).create({
                "period_id": self.period.id, "member_id": self.alice.id, "reason": "For a friend"})

    def test_closed_period_locks_entries(self):
        period = self._published(days_left=-1)
        period.action_close()
        with self.assertUserError("is closed"):
            self._post(self.alice, self.r_act, day=self.today)
        with self.assertUserError("is closed"):
            self.Entry.with_user(self.user_secretary).create({"member_id": self.alice.id, "rule_id": self.r_act.id,
                                                              "date": self.today})
        with self.assertUserError("is closed"):
            self.entry.with_user(self.user_secretary)._reverse("late correction")
        with self.assertRaises(UserError):
            period.write({"date_to": self.today + timedelta(days=400)})
        self.assertFalse(self.entry.is_reversed)
        self.assertEqual(self.Entry.search_count([("member_id", "=", self.alice.id)]), 0)
        # outside the closed period, and in another branch, recording goes on
        other = self._member("West", org=self.other_branch)
        self.assertTrue(self.Entry._post_automatic(other, "evaluation_excellent", date=self.today))
        self.assertTrue(self._post(self.alice, self.r_act, day=period.date_from - timedelta(days=1)))

    def test_scheduled_actions(self):
        Period = self.env["party.points.period"]
        old = Period.create({"organization_id": self.branch.id, "scheme_id": self.scheme.id,
                             "date_from": date(self.YEAR, 1, 1), "date_to": date(self.YEAR, 3, 31)})
        ended = Period.create({"organization_id": self.branch.id, "scheme_id": self.scheme.id,
                               "date_from": date(self.YEAR, 4, 1), "date_to": date(self.YEAR, 6, 30)})
        ended.action_review()
        ended.action_publish()
        ended.with_context(party_points_period_flow=WORKFLOW).write({"publication_end": self.today - timedelta(days=1)})
        Period._cron_daily()
        self.assertEqual(old.state, "review", "a period whose dates are over goes to review")
        self.assertEqual(old.activity_ids.user_id, self.user_secretary)
        self.assertEqual(ended.state, "closed", "the publication ended without appeals: closed")
        self.assertEqual(self.period.state, "open")
        # monthly: periods for every branch and a reminder to the group leaders and secretaries
        Period._cron_monthly_reminder()
        current = Period.search([("organization_id", "=", self.default_branch.id), ("date_from", "<=", self.today),
                                 ("date_to", ">=", self.today)])
        self.assertEqual(len(current), 1)
        reminder = self.env.ref("party_member_points.mail_activity_type_points_record")
        reminders = self.period.activity_ids.filtered(lambda a: a.activity_type_id == reminder)
        self.assertEqual(reminders.user_id, self.user_secretary | self.user_leader)
        Period._cron_monthly_reminder()
        self.assertEqual(len(self.period.activity_ids.filtered(lambda a: a.activity_type_id == reminder)), 2,
                         "a reminder still open is not repeated")

from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import ABROAD, PROBATIONARY, SENTENCE, EvaluationCase


@tagged("post_install", "-at_install")
class TestGates(EvaluationCase):
    """Each transition refuses with a clear message when a gate is not met."""

    def test_submit_gates(self):
        campaign = self._campaign(meeting_date=False)
        with self.assertRaisesMsg(UserError, "Set the date of the evaluation meeting"):
            campaign.action_submit()
        campaign.meeting_date = self.today + timedelta(days=5)
        with self.assertRaisesMsg(UserError, "at least 10 days before the meeting"):
            campaign.action_submit()
        self.assertEqual(campaign.state, "draft")
        campaign.meeting_date = self.meeting_date
        with self.assertRaisesMsg(UserError, "Load the members"):
            campaign.action_submit()
        campaign.action_load_members()
        campaign.action_submit()
        self.assertEqual(campaign.state, "submitted")

    def test_plan_approved_too_late(self):
        campaign = self._campaign()
        campaign.action_load_members()
        campaign.action_submit()
        with freeze_time(self.meeting_date - timedelta(days=9)):
            with self.assertRaisesMsg(UserError, "at least 10 days before the meeting"):
                campaign.with_user(self.user_upper).action_approve_plan()
        self.assertEqual(campaign.state, "submitted")
        with freeze_time(self.meeting_date - timedelta(days=10)):
            campaign.with_user(self.user_upper).action_approve_plan()
        self.assertEqual(campaign.state, "approved")

    def test_only_upper_confirms_exclusions(self):
        campaign = self._campaign()
        campaign.action_load_members()
        abroad = self._participant(campaign, ABROAD)
        with self.assertRaisesMsg(UserError, "Only the upper committee"):
            abroad.action_confirm_exclusion()
        with self.assertRaisesMsg(UserError, "set by the evaluation workflow"):
            abroad.exclusion_state = "confirmed"
        self.assertEqual(abroad.exclusion_state, "proposed")
        abroad.with_user(self.user_upper).action_confirm_exclusion()
        self._participant(campaign, SENTENCE).with_user(self.user_upper).action_reject_exclusion()
        self.assertEqual(campaign.expected_count, 32, "33 voting members, one confirmed exclusion")
        self.assertEqual(abroad.exclusion_decided_by_id, self.user_upper)

    def test_meeting_gates(self):
        campaign = self._campaign()
        campaign.action_load_members()
        campaign.action_submit()
        campaign.with_user(self.user_upper).action_approve_plan()
        campaign.action_start_preparation()
        with freeze_time(self.meeting_date), self.assertRaises(UserError) as gate:
            campaign.action_start_meeting()
        message = str(gate.exception)
        self.assertIn("Exclusions not confirmed", message)
        self.assertIn(self.members[ABROAD].name, message)
        self.assertIn("Party-spirit analysis neither received nor exempted", message)
        self.assertEqual(campaign.state, "preparation")
        self._prepare_all(campaign)
        talk = campaign.participant_ids.filtered(lambda p: p.member_id == self.members[20])
        talk.talk_done = False
        with freeze_time(self.meeting_date), self.assertRaises(UserError) as gate:
            campaign.action_start_meeting()
        self.assertIn("Heart-to-heart talks not done: Member 20", str(gate.exception))
        talk.talk_done = True
        campaign.notice_date = self.meeting_date - timedelta(days=4)
        with freeze_time(self.meeting_date), self.assertRaisesMsg(UserError, "at least 5 days before the meeting"):
            campaign.action_start_meeting()
        campaign.notice_date = self.meeting_date - timedelta(days=5)
        with freeze_time(self.meeting_date):
            campaign.action_start_meeting()
            self.assertEqual(campaign.state, "meeting")
            with self.assertRaisesMsg(UserError, "Attendance not recorded"):
                campaign.action_start_voting()
            self._record_attendance(campaign)
            leave = campaign.participant_ids.filtered(lambda p: p.attendance == "leave")[:1]
            leave.leave_reason = False
            with self.assertRaisesMsg(UserError, "Leave without a type or reason"):
                campaign.action_start_voting()
            leave.leave_reason = "Sick"
            campaign.mass_reps_present = 17
            with self.assertRaisesMsg(UserError, "only 16 were invited"):
                campaign.action_start_voting()
            campaign.mass_reps_present = 12
            campaign.action_start_voting()
        self.assertEqual(campaign.state, "voting")

    def _prepare_all(self, campaign):
        campaign.with_user(self.user_upper).action_confirm_all_exclusions()
        self._meet_preparation_gates(campaign)

    def test_step_order_and_locked_fields(self):
        campaign = self._campaign()
        with self.assertRaisesMsg(UserError, "this step needs the state"):
            campaign.action_tally()
        campaign.action_load_members()
        probationary = self._participant(campaign, PROBATIONARY[0])
        with self.assertRaisesMsg(ValidationError, "neither evaluated nor voting"):
            probationary.evaluated = True
        line = self._participant(campaign, 20)
        with self.assertRaisesMsg(UserError, "cannot be changed while the campaign"):
            line.attendance = "present"
        with self.assertRaisesMsg(UserError, "cannot be changed while the campaign"):
            line.committee_grade = "excellent"
        with self.assertRaisesMsg(UserError, "set by the evaluation workflow"):
            line.member_excellent = 30
        with self.assertRaisesMsg(ValidationError, "already has an evaluation campaign"):
            self._campaign()
        campaign.action_cancel()
        self.assertEqual(campaign.state, "cancelled")
        second = self._campaign()
        self.assertEqual(second.state, "draft", "a cancelled campaign does not block a new one")

    def test_ballots_only_while_voting(self):
        campaign = self._to_voting(self._campaign())
        Ballot = self.env["party.evaluation.ballot"].with_user(self.user_secretary)
        other = self.env["party.evaluation.participant"].search(
            [("campaign_id", "=", campaign.id), ("is_probationary", "=", True)], limit=1)
        with self.assertRaisesMsg(ValidationError, "is not evaluated in this campaign"):
            Ballot.create({"campaign_id": campaign.id, "voter_type": "member",
                           "line_ids": [Command.create({"participant_id": other.id, "grade": "qualified"})]})
        with self.assertRaisesMsg(UserError, "No valid member ballot"):
            campaign.action_tally()
        spoiled = Ballot.create({"campaign_id": campaign.id, "voter_type": "member", "spoiled": True,
                                 "line_ids": [Command.create({"participant_id": self._participant(campaign, 20).id,
                                                      "grade": "excellent"})]})
        self.assertFalse(spoiled.line_ids, "a spoiled ballot keeps no grade")
        self._cast_ballots(campaign, members=10, member_spoiled=0, public=3, public_spoiled=0)
        campaign.action_tally()
        with self.assertRaisesMsg(UserError, "only be entered while voting is open"):
            Ballot.create({"campaign_id": campaign.id, "voter_type": "member"})
        with self.assertRaisesMsg(UserError, "archived"):
            spoiled.unlink()

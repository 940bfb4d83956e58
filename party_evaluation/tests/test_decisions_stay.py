"""Decisions of an evaluation stay made (issue: one freeze table for every workflow)."""
from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import ABSENT, VETO, EvaluationCase


@tagged("post_install", "-at_install")
class TestEvaluationDecisionsStay(EvaluationCase):

    def test_has_a_vote_fixed_after_plan_approval(self):
        """After the upper committee approved the plan, the branch cannot untick the vote of an absent full member
        to reach the quorum: only an exclusion confirmed by the upper level leaves the expected count."""
        campaign = self._campaign()
        campaign.action_load_members()
        campaign.action_submit()
        campaign.with_user(self.user_upper).action_confirm_all_exclusions()
        campaign.with_user(self.user_upper).action_approve_plan()
        absent = self._participant(campaign, ABSENT[0])
        expected = campaign.expected_count
        for user in (self.user_secretary, self.env.ref("base.user_root")):
            with self.assertRaises(UserError):
                absent.with_user(user).write({"voting": False})
        self.assertTrue(absent.voting)
        self.assertEqual(campaign.expected_count, expected)

    def test_planned_mass_representatives_kept(self):
        """A planned number of mass representatives (e.g. 3 per 002-J) is not overwritten when an exclusion is
        confirmed; once voting opened, the numbers are frozen."""
        campaign = self._campaign()
        campaign.action_load_members()
        campaign.mass_rep_count = 3
        campaign.action_submit()
        campaign.with_user(self.user_upper).action_confirm_all_exclusions()
        self.assertEqual(campaign.mass_rep_count, 3)
        campaign.with_user(self.user_upper).action_approve_plan()
        campaign.action_start_preparation()
        self._meet_preparation_gates(campaign)
        with freeze_time(self.meeting_date):
            campaign.action_start_meeting()
            self._record_attendance(campaign, mass_reps=3)
            campaign.action_start_voting()
        for vals in ({"mass_rep_count": 30}, {"mass_reps_present": 30}):
            with self.assertRaises(UserError):
                campaign.write(vals)
        self.assertEqual((campaign.mass_rep_count, campaign.mass_reps_present), (3, 3))

    def test_six_month_ground_removal_kept_without_reason(self):
        """The six-month ground's removal (一律…除名) is not swapped for a rectification without the upper
        committee's named action and its reason."""
        campaign = self._to_tallied(self._campaign())
        campaign.action_propose()
        veto = self._participant(campaign, VETO)
        self.assertFalse(veto.disposal, "no disposal is preselected: the committee decides")
        self._committee_grades(campaign)
        self.assertEqual(veto.disposal, "removal")
        with self.assertRaisesRegex(ValidationError, "six-month"):
            veto.write({"disposal": "rectification"})
        with self.assertRaisesRegex(UserError, "upper committee"):
            veto.with_user(self.user_secretary).action_dispose_otherwise("rectification", "He came back")
        with self.assertRaisesRegex(UserError, "reason"):
            veto.with_user(self.user_upper).action_dispose_otherwise("rectification", " ")
        veto.with_user(self.user_upper).action_dispose_otherwise(
            "rectification", "Was in hospital for the six months, with a doctor's certificate")
        self.assertEqual(veto.disposal, "rectification")
        self.assertIn("doctor's certificate", veto.veto_waiver_reason)
        self.assertTrue(veto.message_ids.filtered(
            lambda m: "Upper Secretary" in (m.body or "") and "certificate" in (m.body or "")),
            "who, when and why in the chatter")

    def test_no_parent_no_self_approval(self):
        """An organization without a parent cannot approve its own plan: the administrator must set the parent."""
        lone = self.env["party.organization"].create({"name": "Lone Branch", "kind": "branch"})
        campaign = self.env["party.evaluation.campaign"].create({
            "organization_id": lone.id, "year": self.today.year, "meeting_date": self.meeting_date})
        with self.assertRaisesRegex(UserError, "parent organization"):
            campaign._check_upper()

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import (
    ABROAD,
    ABSENT,
    AGED,
    BASIC,
    COMMITTEE,
    EXCELLENT,
    FRAIL,
    LOW,
    OLD_SANCTION,
    ON_LEAVE,
    OVERRIDDEN,
    PROBATIONARY,
    SANCTIONED,
    SENTENCE,
    VETO,
    WITH_LOGIN,
    EvaluationCase,
)


@tagged("post_install", "-at_install")
class TestCompleteCampaign(EvaluationCase):
    """A complete campaign on a branch of 35 members, every count, threshold and outcome checked."""

    def test_complete_campaign(self):
        campaign = self._campaign()
        self.assertEqual(campaign.state, "draft")
        self.assertIn("Test Branch", campaign.name)

        # ---------------------------------------------------------- members and roles
        campaign.action_load_members()
        self.assertEqual(campaign.participant_count, 35)
        self.assertEqual(campaign.evaluated_count, 33, "probationary members are not evaluated")
        self.assertEqual(campaign.probationary_count, 2)
        for index in PROBATIONARY:
            line = self._participant(campaign, index)
            self.assertFalse(line.evaluated or line.voting)
            self.assertFalse(line.expected)
        self.assertEqual(self._participant(campaign, ABROAD).exclusion_reason, "abroad")
        self.assertEqual(self._participant(campaign, SENTENCE).exclusion_reason, "sentence")
        self.assertEqual(campaign.pending_exclusion_count, 2)
        self.assertEqual(campaign.expected_count, 33, "an exclusion only counts once confirmed")
        self.assertEqual(self._participant(campaign, AGED).self_eval_state, "exempt")
        self.assertEqual(self._participant(campaign, AGED).self_eval_exemption, "age")
        self.assertEqual(self._participant(campaign, FRAIL).self_eval_exemption, "ill")
        self.assertTrue(campaign.split_in_groups, "33 attending members: discussion in party groups")
        # loading twice adds nobody
        campaign.action_load_members()
        self.assertEqual(campaign.participant_count, 35)

        # ---------------------------------------------------------- plan and its approval
        campaign.action_submit()
        self.assertEqual(campaign.state, "submitted")
        activity = campaign.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("party_evaluation.mail_activity_type_plan_approval"))
        self.assertEqual(activity.user_id, self.user_upper, "the upper committee's secretary approves")
        with self.assertRaisesMsg(UserError, "upper committee"):
            campaign.action_approve_plan()
        as_upper = campaign.with_user(self.user_upper)
        self._participant(campaign, ABROAD).with_user(self.user_upper).action_confirm_exclusion()
        self._participant(campaign, SENTENCE).with_user(self.user_upper).action_confirm_exclusion()
        self.assertEqual(campaign.expected_count, 31)
        self.assertEqual(campaign.quorum_needed, 25)
        self.assertEqual(campaign.mass_rep_count, 16, "half the expected members, rounded up")
        as_upper.action_approve_plan()
        self.assertEqual(campaign.state, "approved")
        self.assertEqual(campaign.plan_approval_date, self.today)
        self.assertFalse(campaign.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("party_evaluation.mail_activity_type_plan_approval")))
        with self.assertRaisesMsg(UserError, "fixed once the plan is submitted"):
            campaign.quorum_ratio = 0.5

        # ---------------------------------------------------------- preparation gates (五个不准)
        campaign.action_start_preparation()
        with freeze_time(self.meeting_date), self.assertRaises(UserError) as gate:
            campaign.action_start_meeting()
        message = str(gate.exception)
        self.assertIn("not approved by the upper committee", message)
        self.assertIn("not notified", message)
        self.assertIn("talks not done", message)
        self.assertIn("written notice", message)
        self._meet_preparation_gates(campaign)
        with self.assertRaisesMsg(UserError, "planned for"):
            campaign.action_start_meeting()
        with freeze_time(self.meeting_date):
            campaign.action_start_meeting()
        self.assertEqual(campaign.state, "meeting")

        # ---------------------------------------------------------- attendance and quorum
        with freeze_time(self.meeting_date):
            attending = campaign.participant_ids.filtered(lambda p: p.exclusion_state != "confirmed")
            self.assertEqual(len(attending), 33)
            voting = attending.filtered("voting")
            # 24 present of 31 expected: below the 80 % quorum
            voting[:24].attendance = "present"
            voting[24:].attendance = "absent"
            attending.filtered("is_probationary").attendance = "present"
            campaign.mass_reps_present = 12
            with self.assertRaisesMsg(UserError, "Quorum not reached: 24 of 31 expected members are present; at "
                                                   "least 25"):
                campaign.action_start_voting()
            self.assertEqual(campaign.state, "meeting")
            self._record_attendance(campaign)
            self.assertEqual(campaign.present_count, 28)
            self.assertEqual(campaign.leave_count, len(ON_LEAVE))
            self.assertEqual(campaign.absent_count, len(ABSENT))
            self.assertTrue(campaign.quorum_ok)
            campaign.action_start_voting()
        self.assertEqual(campaign.state, "voting")
        meeting = campaign.meeting_id
        self.assertEqual(meeting.meeting_type, "evaluation")
        self.assertEqual(meeting.state, "done")
        self.assertEqual(meeting.present_count, 30, "28 voting members and 2 probationary members attended")
        self.assertEqual(meeting.leave_count, 2)

        # ---------------------------------------------------------- ballots
        ballots = self._cast_ballots(campaign)
        self.assertEqual(len(ballots), 28 + 12)
        self.assertEqual(sorted(ballots.mapped("number")), list(range(1, 41)), "numbered by the campaign counter")
        self.assertEqual(campaign.member_ballot_count, 28)
        self.assertEqual(campaign.member_spoiled_count, 1)
        self.assertEqual(campaign.public_ballot_count, 12)
        self.assertEqual(campaign.public_spoiled_count, 1)
        Ballot = self.env["party.evaluation.ballot"].with_user(self.user_secretary)
        with self.assertRaisesMsg(ValidationError, "only 28 voting members are present"):
            Ballot.create(self._ballot_vals(campaign, "member", 0))
        with self.assertRaisesMsg(ValidationError, "only 12 mass representatives are present"):
            Ballot.create(self._ballot_vals(campaign, "public", 0, spoiled=True))
        self.assertEqual(Ballot.search_count([("campaign_id", "=", campaign.id)]), 40, "nothing was saved")

        # ---------------------------------------------------------- tally and proposals
        with freeze_time(self.meeting_date):
            campaign.action_tally()
        self.assertEqual(campaign.state, "tallied")
        top = self._participant(campaign, EXCELLENT[0])
        self.assertEqual((top.member_excellent, top.member_qualified, top.member_votes), (20, 7, 27))
        self.assertEqual((top.public_excellent, top.public_qualified, top.public_votes), (8, 3, 11))
        self.assertAlmostEqual(top.qualified_share, 1.0)
        low = self._participant(campaign, LOW)
        self.assertEqual((low.member_qualified, low.member_unqualified), (10, 17))
        self.assertEqual((low.public_qualified, low.public_unqualified), (4, 7))
        self.assertAlmostEqual(low.qualified_share, 14 / 38)
        self.assertEqual((low.proposed_grade, low.proposal_rule), ("unqualified", "threshold"))
        self.assertEqual(low.proposal_note, "Qualified votes 36.8 % below the threshold of 60 %")
        basic = self._participant(campaign, BASIC)
        self.assertAlmostEqual(basic.qualified_share, 24 / 38, msg="basic votes are not qualified votes")
        self.assertEqual((basic.proposed_grade, basic.proposal_rule), ("basic", "plurality"))
        sanctioned = self._participant(campaign, SANCTIONED)
        self.assertTrue(sanctioned.sanctioned_recently)
        self.assertEqual((sanctioned.proposed_grade, sanctioned.proposal_rule), ("unqualified", "sanction"))
        veto = self._participant(campaign, VETO)
        self.assertEqual((veto.proposed_grade, veto.proposal_rule), ("unqualified", "veto"))
        old = self._participant(campaign, OLD_SANCTION)
        self.assertFalse(old.sanctioned_recently, "a sanction ended five years ago is outside the look-back")
        self.assertEqual(old.proposed_grade, "qualified")
        overridden = self._participant(campaign, OVERRIDDEN)
        self.assertEqual((overridden.member_abstain, overridden.public_abstain), (1, 1))
        for index in EXCELLENT[:6]:
            self.assertEqual(self._participant(campaign, index).proposed_grade, "excellent")
        for index in EXCELLENT[6:]:
            line = self._participant(campaign, index)
            self.assertEqual((line.proposed_grade, line.proposal_rule), ("qualified", "quota"),
                             "8 members won most excellent votes, the quota of 33 is 6")
        self.assertEqual(self._participant(campaign, ABROAD).proposed_grade, "qualified")
        self.assertEqual((campaign.excellent_min, campaign.excellent_max), (5, 6))

        # ---------------------------------------------------------- committee proposal
        campaign.action_propose()
        self.assertEqual(campaign.state, "proposal")
        self.assertFalse(veto.committee_grade, "the committee grades each member itself")
        self.assertFalse(veto.disposal, "no disposal is preselected")
        self._committee_grades(campaign)
        self.assertEqual(veto.committee_grade, "unqualified")
        self.assertEqual(veto.disposal, "removal", "six-month veto: removal whatever the vote")
        self.assertEqual(low.disposal, "rectification")
        self.assertEqual(basic.disposal, "warning_talk")
        self.assertFalse(sanctioned.disposal, "a sanctioned member gets no further organizational handling")
        self.assertEqual((campaign.excellent_count, campaign.qualified_count, campaign.basic_count,
                          campaign.unqualified_count), (6, 23, 1, 3))
        # an override needs a recorded reason
        with self.assertRaisesMsg(ValidationError, "only with a recorded reason"):
            overridden.committee_grade = "basic"
        self.assertEqual(overridden.committee_grade, "qualified", "nothing was saved")
        overridden.write({"committee_grade": "basic", "override_reason": "Did not take part in village work",
                          "disposal": "warning_talk"})
        with self.assertRaisesMsg(ValidationError, "sanctioned within the look-back"):
            sanctioned.write({"committee_grade": "qualified", "override_reason": "Reformed"})
        # the excellent share is enforced: a seventh excellent is refused at the branch resolution
        seventh = self._participant(campaign, EXCELLENT[6])
        seventh.write({"committee_grade": "excellent", "override_reason": "Led the flood relief"})
        self.assertTrue(campaign.excellent_over_quota)
        probationary = self._participant(campaign, PROBATIONARY[0])
        with self.assertRaisesMsg(ValidationError, "6 to 12 months"):
            probationary.write({"disposal": "extend_probation", "extension_months": 3})
        probationary.write({"disposal": "extend_probation", "extension_months": 6})
        cancelled = self._participant(campaign, PROBATIONARY[1])
        cancelled.write({"disposal": "cancel_probation", "grade_reason": "Refused the tasks of the branch"})
        with self.assertRaisesMsg(ValidationError, "does not fit the grade"):
            low.disposal = "warning_talk"
        campaign.action_hear()
        self.assertEqual(campaign.state, "hearing")

        # ---------------------------------------------------------- hearing and resolution
        with self.assertRaisesMsg(UserError, "more than the limit of 6"):
            campaign.action_resolve()
        seventh.write({"committee_grade": "qualified", "override_reason": False})
        with self.assertRaises(UserError) as not_heard:
            campaign.action_resolve()
        for line in (low, basic, sanctioned, veto, overridden, probationary, cancelled):
            self.assertIn(line.member_id.name, str(not_heard.exception))
        self.assertNotIn(top.member_id.name, str(not_heard.exception))
        (low | basic | sanctioned | veto | overridden | probationary | cancelled).write(
            {"heard": True, "heard_date": self.meeting_date, "member_statement": "Accepts the grade"})
        campaign.action_resolve()
        self.assertEqual(campaign.state, "resolution")
        self.assertEqual(overridden.final_grade, "basic")
        self.assertEqual((campaign.excellent_count, campaign.qualified_count, campaign.basic_count,
                          campaign.unqualified_count), (6, 22, 2, 3))

        # ---------------------------------------------------------- upper approval, send back and redo
        campaign.action_submit_results()
        self.assertEqual(campaign.state, "upper_review")
        result_type = self.env.ref("party_evaluation.mail_activity_type_result_approval")
        self.assertEqual(campaign.activity_ids.filtered(lambda a: a.activity_type_id == result_type).user_id,
                         self.user_upper)
        with self.assertRaisesMsg(UserError, "upper committee"):
            campaign.action_approve_results()
        wizard = Form(self.env["party.evaluation.reason.wizard"].with_user(self.user_upper).with_context(
            default_campaign_id=campaign.id, default_mode="send_back"))
        wizard.redo = "proposal"
        wizard.reason = "Hear member 14 again with the party group leader"
        wizard.save().action_confirm()
        self.assertEqual(campaign.state, "proposal")
        self.assertFalse(overridden.final_grade, "the redo clears the branch's decision")
        self.assertFalse(overridden.heard)
        self.assertEqual(overridden.committee_grade, "basic", "the committee starts from its earlier proposal")
        self.assertIn("Hear member 14 again", campaign.send_back_reason)
        campaign.action_hear()
        (low | basic | sanctioned | veto | overridden | probationary | cancelled).write({"heard": True})
        campaign.action_resolve()
        campaign.action_submit_results()
        self._upper_talks(campaign)
        campaign.with_user(self.user_upper).action_approve_results()
        self.assertEqual(campaign.state, "upper_approved")
        self.assertEqual(campaign.result_approver_id, self.user_upper)

        # ---------------------------------------------------------- publication
        campaign.action_publish()
        self.assertEqual(campaign.state, "published")
        removed = self.members[VETO]
        self.assertEqual(removed.status, "removed")
        self.assertEqual(removed.status_history_ids[:1].new_status, "removed")
        self.assertEqual(self.members[PROBATIONARY[0]].probation_outcome, "extended")
        self.assertEqual(self.members[PROBATIONARY[0]].probation_extension_months, 6)
        self.assertEqual(self.members[SANCTIONED].status, "normal")
        disqualified = self.members[PROBATIONARY[1]]
        self.assertEqual((disqualified.status, disqualified.probation_outcome), ("disqualified", "cancelled"))
        self.assertEqual(disqualified.status_history_ids[:1].reason, "Refused the tasks of the branch")
        rectification = low.rectification_id
        self.assertTrue(rectification)
        self.assertEqual(rectification.state, "draft")
        self.assertEqual(rectification.deadline, self.today + relativedelta(years=1))
        self.assertEqual(rectification.problems, low.proposal_note, "the problems start from the proposal's basis")
        talk_type = self.env.ref("party_evaluation.mail_activity_type_warning_talk")
        for line in (basic, overridden):
            self.assertEqual(line.member_id.activity_ids.filtered(lambda a: a.activity_type_id == talk_type).user_id,
                             self.user_secretary)
        self._check_points(campaign)
        with self.assertRaisesMsg(UserError, "published"):
            campaign.meeting_location = "Elsewhere"
        with self.assertRaisesMsg(UserError, "cannot be changed while the campaign"):
            top.heard = True

        # ---------------------------------------------------------- follow-up and closing
        with self.assertRaises(UserError) as closing:
            campaign.action_close()
        self.assertIn(basic.member_id.name, str(closing.exception))
        self.assertIn(low.member_id.name, str(closing.exception))
        (basic | overridden).action_warning_talk_done()
        self.assertFalse(basic.member_id.activity_ids.filtered(lambda a: a.activity_type_id == talk_type))
        rectification.write({
            "pledge": "I will take part in every meeting and pay my dues on time.",
            "pledge_date": self.today,
            "helper_committee_id": self.members[COMMITTEE].id,
            "helper_excellent_id": self.members[EXCELLENT[0]].id,
        })
        rectification.action_start()
        campaign.action_close()
        self.assertEqual(campaign.state, "closed")

        # ---------------------------------------------------------- the member sees only their own grade
        own = self.env["party.evaluation.participant"].with_user(self.user_member).search([])
        self.assertEqual(own.member_id, self.members[WITH_LOGIN])
        self.assertEqual(own.final_grade, "qualified")

    def _check_points(self, campaign):
        if "party.points.entry" not in self.env:
            self.skipTest("points API not available")
        Entry = self.env["party.points.entry"]
        for index, grade, points in ((EXCELLENT[0], "excellent", 20.0), (OLD_SANCTION, "qualified", 15.0),
                                     (BASIC, "basic", 8.0)):
            line = self._participant(campaign, index)
            self.assertEqual(line.final_grade, grade)
            self.assertTrue(line.points_posted)
            entries = Entry.search([("source_ref", "=", f"{line._name},{line.id}")])
            self.assertEqual(len(entries), 1, "one entry per graded member")
            self.assertEqual(entries.state, "posted")
            self.assertEqual(entries.points, points, "the campaign's points for the grade (basic set to 8)")
            self.assertEqual(entries.rule_id.code, f"evaluation_{grade}")
            self.assertEqual(entries.member_id, line.member_id)
        self.assertFalse(self._participant(campaign, PROBATIONARY[0]).points_posted, "not graded, no points")
        # publishing twice posts nothing more
        top = self._participant(campaign, EXCELLENT[0])
        self.assertFalse(top._post_points())
        self.assertGreaterEqual(top.year_points, 20.0, "the year's points include the grade's points")


@tagged("post_install", "-at_install")
class TestRedoVote(EvaluationCase):

    def _to_upper_review(self, campaign):
        self._to_tallied(campaign)
        campaign.action_propose()
        self._committee_grades(campaign)
        needs = campaign.participant_ids.filtered(lambda p: p._needs_hearing())
        campaign.action_hear()
        needs.write({"heard": True})
        campaign.action_resolve()
        campaign.action_submit_results()
        return campaign

    def test_send_back_for_a_new_vote(self):
        campaign = self._to_upper_review(self._campaign())
        old_ballots = campaign.ballot_ids
        self.assertEqual(len(old_ballots), 40)
        wizard = self.env["party.evaluation.reason.wizard"].with_user(self.user_upper).create({
            "campaign_id": campaign.id, "mode": "send_back", "redo": "voting",
            "reason": "Ballots were handed out before the booth was set up"})
        wizard.action_confirm()
        self.assertEqual(campaign.state, "voting")
        self.assertEqual(campaign.round, 2)
        self.assertEqual(campaign.member_ballot_count, 0, "the new round starts with no ballot")
        self.assertEqual(len(campaign.ballot_ids), 40, "the first round's ballots stay archived")
        low = self._participant(campaign, LOW)
        self.assertFalse(low.proposed_grade or low.final_grade or low.member_unqualified)
        with self.assertRaisesMsg(UserError, "archived"):
            old_ballots[0].spoiled = True
        with self.assertRaisesMsg(UserError, "archived"):
            old_ballots[0].unlink()
        # the new vote: everyone qualified
        Ballot = self.env["party.evaluation.ballot"].with_user(self.user_secretary)
        vals = []
        for _i in range(20):
            vals.append({"campaign_id": campaign.id, "voter_type": "member", "line_ids": [
                Command.create({"participant_id": p.id, "grade": "qualified"})
                for p in campaign.participant_ids if p.evaluated]})
        new = Ballot.create(vals)
        self.assertEqual(set(new.mapped("round")), {2})
        self.assertEqual(min(new.mapped("number")), 41, "numbering continues in the campaign")
        campaign.action_tally()
        self.assertEqual(low.member_qualified, 20, "only the new round is counted")
        self.assertEqual(low.proposed_grade, "qualified")

    def test_plan_sent_back(self):
        campaign = self._campaign()
        campaign.action_load_members()
        campaign.action_submit()
        wizard = self.env["party.evaluation.reason.wizard"].with_user(self.user_upper).create({
            "campaign_id": campaign.id, "mode": "reject_plan", "reason": "Add the talks schedule"})
        wizard.action_confirm()
        self.assertEqual(campaign.state, "draft")
        self.assertEqual(campaign.plan_rejection_reason, "Add the talks schedule")
        campaign.meeting_date = self.meeting_date + timedelta(days=7)
        campaign.action_submit()
        self.assertEqual(campaign.state, "submitted")


@tagged("post_install", "-at_install")
class TestRectification(EvaluationCase):

    def _rectification(self, campaign):
        self._tallied_to_published(self._to_tallied(campaign))
        return self._participant(campaign, LOW).rectification_id

    def test_rectification_year(self):
        campaign = self._campaign()
        rectification = self._rectification(campaign)
        with self.assertRaisesMsg(UserError, "signed rectification pledge"):
            rectification.action_start()
        with self.assertRaisesMsg(ValidationError, "not graded Excellent"):
            rectification.helper_excellent_id = self.members[EXCELLENT[7]]
        with self.assertRaisesMsg(ValidationError, "not a member of the committee"):
            rectification.helper_committee_id = self.members[OLD_SANCTION]
        with self.assertRaisesMsg(ValidationError, "cannot help themselves"):
            rectification.helper_committee_id = self.members[LOW]
        rectification.write({"pledge": "Pledge", "pledge_date": self.today,
                             "helper_committee_id": self.members[COMMITTEE].id,
                             "helper_excellent_id": self.members[EXCELLENT[1]].id})
        rectification.action_start()
        self.assertEqual(rectification.state, "in_progress")
        reminder_type = self.env.ref("party_evaluation.mail_activity_type_rectification_reminder")
        reminder = rectification.activity_ids.filtered(lambda a: a.activity_type_id == reminder_type)
        self.assertEqual(reminder.user_id, self.user_committee, "the committee helper is reminded")
        self.assertEqual(reminder.date_deadline, rectification.deadline - timedelta(days=30))
        rectification.followup_ids = [Command.create({"kind": "visit", "note": "Visited at home", "progress": "good"})]
        self.assertEqual(rectification.followup_count, 1)
        # re-judged at the deadline only
        rectification.write({"outcome": "persuade", "outcome_reason": "No change in a year"})
        with self.assertRaisesMsg(UserError, "re-judged at the deadline"):
            rectification.action_judge()
        Rectification = self.env["party.evaluation.rectification"]
        self.assertFalse(Rectification._cron_check_deadlines(today=rectification.deadline - timedelta(days=1)))
        due = Rectification._cron_check_deadlines(today=rectification.deadline)
        self.assertEqual(due, rectification)
        self.assertEqual(rectification.state, "due")
        judgement_type = self.env.ref("party_evaluation.mail_activity_type_rectification_judgement")
        self.assertEqual(rectification.activity_ids.filtered(lambda a: a.activity_type_id == judgement_type).user_id,
                         self.user_secretary)
        with freeze_time(rectification.deadline):
            rectification.action_judge()
        self.assertEqual(rectification.state, "done")
        member = self.members[LOW]
        self.assertEqual(member.status, "persuaded_out")
        self.assertEqual(member.status_history_ids[:1].new_status, "persuaded_out")
        self.assertFalse(rectification.activity_ids)
        with self.assertRaisesMsg(UserError, "finished rectification"):
            rectification.pledge = "Changed"

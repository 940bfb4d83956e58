from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

from ..models import evaluation_rules as rules
from .common import BASIC, EXCELLENT, LOW, SANCTIONED, VETO, EvaluationCase

QUALIFIED_MEMBER = 26


@tagged("post_install", "-at_install")
class TestCommitteeProcedure(EvaluationCase):
    """Issue 17: the committee's decision, proposals of Unqualified members, posting of the list, the upper
    committee's ruling and talks, grade notices and the disposals in full (seed 000)."""

    def _to_proposal(self):
        campaign = self._to_tallied(self._campaign())
        campaign.action_propose()
        return campaign

    def _to_upper_review(self, campaign=None):
        campaign = campaign or self._to_proposal()
        self._committee_grades(campaign)
        campaign.action_hear()
        campaign.participant_ids.filtered(lambda p: p._needs_hearing()).write({"heard": True})
        campaign.action_resolve()
        campaign.action_submit_results()
        return campaign

    # ------------------------------------------------------------------ item 7: the committee decides
    def test_committee_grades_each_member_nothing_preselected(self):
        campaign = self._to_proposal()
        evaluated = campaign.participant_ids.filtered("evaluated")
        self.assertFalse(any(evaluated.mapped("committee_grade")), "the suggested grades are not copied")
        self.assertFalse(any(campaign.participant_ids.mapped("disposal")), "no disposal is preselected")
        veto = self._participant(campaign, VETO)
        self.assertEqual((veto.proposed_grade, veto.proposal_rule), ("unqualified", "veto"))
        with self.assertRaisesMsg(UserError, "No grade proposed for"):
            campaign.action_hear()
        # the grading screen lists every member with the vote, the points and the grounds
        action = campaign.action_open_grading()
        self.assertEqual(action["res_model"], "party.evaluation.participant")
        screen = self.env["party.evaluation.participant"].search(action["domain"])
        self.assertEqual(screen, campaign.determination_ids)
        self.assertIn(veto, screen)
        # the committee adopts the suggestion member by member, and chooses the disposal itself
        veto.action_adopt_suggestion()
        self.assertEqual(veto.committee_grade, "unqualified")
        self.assertFalse(veto.disposal)
        self.assertIn(veto.member_id.name, "\n".join(campaign._proposal_problems()),
                      "an Unqualified member without a disposal is listed")
        veto.disposal = "removal"
        # who still needs a hearing is listed, and recorded on the screen
        self._committee_grades(campaign)
        campaign.action_hear()
        to_hear = self.env["party.evaluation.participant"].search(
            action["domain"] + [("needs_hearing", "=", True), ("heard", "=", False)])
        self.assertIn(self._participant(campaign, LOW), to_hear)
        self.assertIn(self._participant(campaign, BASIC), to_hear)
        self.assertNotIn(self._participant(campaign, EXCELLENT[0]), to_hear)
        self.assertEqual(campaign.hearing_pending_count, len(to_hear))
        to_hear.write({"heard": True, "heard_date": self.today, "member_statement": "Accepts the grade"})
        self.assertEqual(campaign.hearing_pending_count, 0)
        campaign.action_resolve()
        self.assertEqual(campaign.state, "resolution")

    def test_share_with_basic_shown_to_the_committee(self):
        campaign = self._to_proposal()
        basic = self._participant(campaign, BASIC)
        # 13 excellent + 11 qualified + 14 basic of 38 valid ballots
        self.assertAlmostEqual(basic.qualified_share, 24 / 38, places=4)
        self.assertAlmostEqual(basic.share_with_basic, 1.0, places=4)
        self.assertFalse(campaign.basic_counts_as_qualified, "优秀 + 合格 stays the default rule")

    def test_grade_notices_only_after_approval(self):
        campaign = self._to_upper_review()
        low = self._participant(campaign, LOW)
        with self.assertRaisesMsg(UserError, "once the upper committee has approved"):
            campaign.action_print_grade_notices()
        report = self.env["ir.actions.report"]
        with self.assertRaisesMsg(UserError, "once the upper committee has approved"):
            report._render_qweb_html("party_evaluation.report_grade_notice", low.ids)
        self._upper_talks(campaign)
        campaign.with_user(self.user_upper).action_approve_results()
        html = report._render_qweb_html("party_evaluation.report_grade_notice", low.ids)[0].decode()
        self.assertIn(low.member_id.name, html)
        self.assertEqual(campaign.action_print_grade_notices()["type"], "ir.actions.report")

    # ------------------------------------------------------------------ item 4: the upper committee rules
    def test_upper_committee_talks_before_approving_unqualified(self):
        campaign = self._to_upper_review()
        unqualified = campaign.participant_ids.filtered(lambda p: p.final_grade == "unqualified")
        self.assertEqual(campaign.upper_talk_pending_count, len(unqualified))
        self.assertTrue(campaign.activity_ids.filtered(
            lambda a: a.summary == "Talk with the Unqualified members and hold a forum"))
        with self.assertRaisesMsg(UserError, "talks with the member or holds a forum"):
            campaign.with_user(self.user_upper).action_approve_results()
        self.assertEqual(campaign.state, "upper_review")
        # the branch cannot record the upper committee's talks
        with self.assertRaisesMsg(UserError, "Only the upper committee"):
            unqualified[:1].with_user(self.user_secretary).write({"upper_talk_kind": "talk"})
        unqualified.with_user(self.user_upper).write({"upper_talk_kind": "forum", "upper_talk_date": self.today})
        campaign.with_user(self.user_upper).action_approve_results()
        self.assertEqual(campaign.state, "upper_approved")

    def test_upper_committee_rules_directly(self):
        campaign = self._to_upper_review()
        low = self._participant(campaign, LOW)
        self.assertEqual(low.final_grade, "unqualified")
        # a branch officer, or the upper user of another committee, cannot rule
        other_upper = new_test_user(self.env, "ev_upper2", name="Other Town Secretary",
                                    groups="base.group_user,party_member_points.group_party_upper")
        other_town = self.env["party.organization"].create({"name": "Other Town", "kind": "committee",
                                                            "secretary_id": other_upper.id})
        self.assertTrue(other_town)
        with self.assertRaisesMsg(UserError, "Only the upper committee"):
            low.with_user(self.user_secretary)._do_upper_ruling("basic", "warning_talk", "Worked hard at the flood")
        with self.assertRaises(UserError):
            low.with_user(other_upper)._do_upper_ruling("basic", "warning_talk", "Worked hard at the flood")
        self.assertEqual(low.final_grade, "unqualified", "nothing was saved")
        wizard = self.env["party.evaluation.upper.ruling"].with_user(self.user_upper).create({
            "participant_id": low.id, "grade": "basic", "disposal": "warning_talk", "reason": " "})
        with self.assertRaisesMsg(UserError, "reason of the ruling"):
            wizard.action_confirm()
        wizard.reason = "Took part in the flood relief; the low vote followed a family dispute"
        wizard.action_confirm()
        self.assertEqual((low.final_grade, low.disposal), ("basic", "warning_talk"))
        self.assertEqual(low.upper_ruled_by_id, self.user_upper)
        self.assertIn("flood relief", low.upper_ruling_reason)
        self.assertIn("flood relief", campaign.message_ids[:1].body)
        self._upper_talks(campaign)
        campaign.with_user(self.user_upper).action_approve_results()
        campaign.action_publish()
        self.assertEqual(low.final_grade, "basic")

    # ------------------------------------------------------------------ item 3: the list is posted
    def test_member_list_posted_three_days_before_the_meeting(self):
        campaign = self._campaign()
        self._prepare(campaign)
        campaign.list_posted_date = self.meeting_date - timedelta(days=2)
        with freeze_time(self.meeting_date), self.assertRaisesMsg(UserError, "must be posted at least 3 days"):
            campaign.action_start_meeting()
        campaign.list_posted_date = False
        with freeze_time(self.meeting_date), self.assertRaisesMsg(UserError, "must be posted at least 3 days"):
            campaign.action_start_meeting()
        campaign.list_posted_date = self.meeting_date - timedelta(days=3)
        with freeze_time(self.meeting_date):
            campaign.action_start_meeting()
        self.assertEqual(campaign.state, "meeting")
        self.assertTrue(rules.list_posted_in_time(self.today, self.today + timedelta(days=3)))
        self.assertFalse(rules.list_posted_in_time(self.today, self.today + timedelta(days=2)))

    # ------------------------------------------------------------------ item 2: proposals of Unqualified
    def test_proposals_answered_before_the_resolution(self):
        campaign = self._campaign()
        campaign.action_load_members()
        target = self._participant(campaign, QUALIFIED_MEMBER)
        Nomination = self.env["party.evaluation.nomination"].with_user(self.user_secretary)
        with self.assertRaisesMsg(ValidationError, "at least 10 proposers"):
            Nomination.create({"campaign_id": campaign.id, "participant_id": target.id, "proposer_kind": "members",
                               "proposer_count": 9, "proposer_names": "Nine members", "grounds": "Never at work"})
        nomination = Nomination.create({
            "campaign_id": campaign.id, "participant_id": target.id, "proposer_kind": "masses",
            "proposer_count": 12, "proposer_names": "12 villagers of group 3",
            "grounds": "Refused the flood duty, witnesses listed"})
        upper = Nomination.create({"campaign_id": campaign.id, "participant_id": self._participant(campaign, LOW).id,
                                   "proposer_kind": "upper", "grounds": "Complaint files"})
        self.assertEqual(campaign.open_nomination_count, 2)
        campaign = self._to_tallied(campaign)
        campaign.action_propose()
        self._committee_grades(campaign)
        campaign.action_hear()
        campaign.participant_ids.filtered(lambda p: p._needs_hearing()).write({"heard": True})
        with self.assertRaisesMsg(UserError, "must answer each proposal"):
            campaign.action_resolve()
        with self.assertRaisesMsg(UserError, "answered with a reason"):
            nomination.action_reject()
        with self.assertRaisesMsg(UserError, "buttons"):
            nomination.answer = "rejected"
        nomination.answer_reason = "Checked: the member was in hospital during the flood"
        nomination.action_reject()
        upper.answer_reason = "Confirmed by the inquiry"
        upper.action_accept()
        self.assertEqual((nomination.answer, upper.answer), ("rejected", "accepted"))
        self.assertEqual(nomination.answered_by_id, self.user_secretary)
        with self.assertRaisesMsg(UserError, "cannot be changed"):
            nomination.grounds = "Other"
        self.assertEqual(target.nomination_count, 1)
        campaign.action_resolve()
        self.assertEqual(campaign.state, "resolution")

    # ------------------------------------------------------------------ item 6: Excellent below the minimum
    def test_excellent_below_minimum_is_warned(self):
        campaign = self._to_proposal()
        self._committee_grades(campaign)
        for index in EXCELLENT[:4]:
            self._participant(campaign, index).write({"committee_grade": "qualified",
                                                      "override_reason": "Equal merits"})
        self.assertEqual((campaign.excellent_count, campaign.excellent_min), (2, 5))
        self.assertTrue(campaign.excellent_under_quota)
        campaign.action_hear()
        campaign.participant_ids.filtered(lambda p: p._needs_hearing()).write({"heard": True})
        campaign.action_resolve()
        self.assertIn("fewer than the minimum of 5", campaign.message_ids[:1].body)
        self.assertFalse(campaign.excellent_under_quota, "the warning is for the committee, before the resolution")

    # ------------------------------------------------------------------ item 5: disposals in full
    def test_withdrawal_and_persuasion_refused(self):
        campaign = self._to_proposal()
        self._committee_grades(campaign)
        low = self._participant(campaign, LOW)
        low.disposal = "persuade"
        leaving = self._participant(campaign, QUALIFIED_MEMBER)
        leaving.write({"disposal": "withdrawal", "grade_reason": "Asked in writing to leave the party"})
        with self.assertRaisesMsg(ValidationError, "does not fit the grade"):
            self._participant(campaign, EXCELLENT[0]).disposal = "removal"
        campaign.action_hear()
        campaign.participant_ids.filtered(lambda p: p._needs_hearing()).write({"heard": True})
        campaign.action_resolve()
        campaign.action_submit_results()
        self._upper_talks(campaign)
        campaign.with_user(self.user_upper).action_approve_results()
        campaign.action_publish()
        self.assertEqual(self.members[QUALIFIED_MEMBER].status, "withdrew")
        self.assertEqual(self.members[LOW].status, "normal", "persuaded first: the outcome is recorded after")
        self.assertFalse(low.disposal_done)
        self.assertTrue(self.members[LOW].activity_ids.filtered(lambda a: a.summary == "Persuade to leave the party"))
        with self.assertRaisesMsg(UserError, "no persuasion"):
            self._participant(campaign, SANCTIONED).action_persuasion_refused()
        with self.assertRaisesMsg(UserError, "Persuasions to leave without their outcome"):
            campaign.action_close()
        low.action_persuasion_refused()
        self.assertEqual(self.members[LOW].status, "removed")
        self.assertIn("劝而不退", self.members[LOW].status_reason)
        self.assertEqual(low.persuasion_outcome, "refused")
        self.assertTrue(low.disposal_done)
        with self.assertRaisesMsg(UserError, "no persuasion"):
            low.action_persuasion_left()

    def test_assigned_work_not_done_is_a_six_month_ground(self):
        refused = self.members[QUALIFIED_MEMBER]
        Member = type(self.env["party.member"])

        def assigned_work_refused(members, date_from, date_to):
            return {refused.id} & set(members.ids)

        with patch.object(Member, "_assigned_work_refused", assigned_work_refused):
            campaign = self._to_tallied(self._campaign())
        line = self._participant(campaign, QUALIFIED_MEMBER)
        self.assertEqual((line.proposed_grade, line.proposal_rule, line.veto), ("unqualified", "veto", True))
        self.assertIn("assigned work", line.proposal_note)
        self.assertFalse(refused._assigned_work_refused(self.today, self.today),
                         "without records of assignments nobody is reported")

    def test_other_records_of_the_year_beside_the_evaluation(self):
        """Issue 17 item 11: the cadre appraisal of the year (and other modules' records) is shown to the committee
        beside the vote and the points, on the grading screen and the member's form."""
        cadre = self.members[EXCELLENT[0]]
        Member = type(self.env["party.member"])
        asked = []

        def side_records(members, year):
            asked.append((set(members.ids), year))
            return {cadre.id: ["Cadre year-end appraisal: commended"]} if cadre in members else {}

        campaign = self._to_tallied(self._campaign())
        with patch.object(Member, "_evaluation_side_records", side_records):
            lines = campaign.participant_ids.with_user(self.user_secretary)
            lines.invalidate_recordset(["side_records"])
            by_member = {line.member_id: line.side_records for line in lines}
        self.assertEqual(by_member[cadre], "Cadre year-end appraisal: commended")
        self.assertFalse(by_member[self.members[LOW]])
        self.assertEqual(len(asked), 1, "one call for all the members of the campaign")
        self.assertEqual(asked[0][1], campaign.year)
        grading = self.env.ref("party_evaluation.party_evaluation_grading_view_list")
        self.assertIn('name="side_records"', grading.arch)

    # ------------------------------------------------------------------ item 1: village cadres' own form
    def test_village_cadres_appraised_on_their_own_form(self):
        self.members[EXCELLENT[0]].is_village_cadre = True
        campaign = self._campaign()
        campaign.action_load_members()
        with self.assertRaisesMsg(UserError, "during the vote or after it"):
            self.env["party.evaluation.cadre.tally"].create({
                "campaign_id": campaign.id, "participant_id": self._participant(campaign, EXCELLENT[0]).id})
        self._to_voting(campaign)
        campaign.action_load_cadre_tallies()
        cadre = campaign.cadre_tally_ids.filtered(lambda t: t.member_id == self.members[EXCELLENT[0]])
        self.assertTrue(cadre)
        present = campaign.present_count + campaign.mass_reps_present
        with self.assertRaisesMsg(ValidationError, "are present"):
            cadre.write({"excellent": present, "qualified": 1})
        cadre.write({"excellent": 20, "qualified": 10, "basic": 5, "unqualified": 3})
        self.assertEqual(cadre.votes, 38)
        self.assertAlmostEqual(cadre.qualified_share, 30 / 38, places=4)
        html = self.env["ir.actions.report"]._render_qweb_html(
            "party_evaluation.action_report_cadre_tally", campaign.ids)[0].decode()
        self.assertIn(self.members[EXCELLENT[0]].name, html)
        ballot = self.env["ir.actions.report"]._render_qweb_html(
            "party_evaluation.action_report_cadre_ballot", campaign.ids)[0].decode()
        self.assertIn(self.members[EXCELLENT[0]].name, ballot)
        self.assertNotIn(self.members[LOW].name + "<", ballot)

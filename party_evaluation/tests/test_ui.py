import re

from odoo.tests import HttpCase, tagged

from odoo.addons.party_member_points.models.party_workflow import workflow
from odoo.addons.party_member_points.tests.common import WaitForLateRequests
from odoo.addons.party_member_points.tests.test_portal_phone import PortalPhoneMixin


@tagged("post_install", "-at_install")
class TestBallotEntryTour(WaitForLateRequests, HttpCase):

    def test_scrutineers_enter_paper_ballots(self):
        campaign = self.env.ref("party_evaluation.demo_campaign_dongshan", raise_if_not_found=False)
        if not campaign:
            self.skipTest("demo data not loaded")
        # The meeting is held and the quorum reached (the workflow itself is tested in test_campaign_flow).
        workflow(campaign._attending(), "evaluation_system").write({"attendance": "present"})
        campaign._system().write({"state": "voting", "mass_reps_present": 3})
        self.start_tour("/odoo", "party_evaluation_ballot_entry", login="secretary")
        ballots = self.env["party.evaluation.ballot"].search([("campaign_id", "=", campaign.id)])
        self.assertEqual(len(ballots), 2)
        valid = ballots.filtered(lambda b: not b.spoiled)
        self.assertEqual(len(valid), 1)
        grades = {line.participant_id.member_id.name: line.grade for line in valid.line_ids}
        self.assertEqual(grades.pop("刘翠花"), "excellent")
        self.assertEqual(set(grades.values()), {"qualified"})
        self.assertEqual(campaign.member_ballot_count, 2)
        self.assertFalse(self.env["party.evaluation.ballot.entry"].search([]), "the wizard keeps nothing")

    def test_scrutineers_enter_ballots_with_the_keyboard(self):
        """Keys 1–4 grade the marked member and move on, Enter saves and opens the next ballot; "Count Ballots"
        lists the anomalies before the vote is closed."""
        campaign = self.env.ref("party_evaluation.demo_campaign_dongshan", raise_if_not_found=False)
        if not campaign:
            self.skipTest("demo data not loaded")
        workflow(campaign._attending(), "evaluation_system").write({"attendance": "present"})
        campaign._system().write({"state": "voting", "mass_reps_present": 3})
        self.assertGreaterEqual(len(campaign.participant_ids.filtered("evaluated")), 4)
        self.start_tour(f"/odoo/action-party_evaluation.party_evaluation_campaign_action/{campaign.id}",
                        "party_evaluation_ballot_keyboard", login="secretary")
        ballots = self.env["party.evaluation.ballot"].search([("campaign_id", "=", campaign.id)])
        self.assertEqual(len(ballots), 2)
        grade_sets = sorted(sorted(g for g in ballot.line_ids.mapped("grade") if g != "abstain") for ballot in ballots)
        self.assertEqual(grade_sets, [["basic", "excellent", "qualified", "unqualified"], ["qualified"]])
        self.assertEqual(campaign.state, "tallied")
        # the saved ballots left nothing in the wizard (the third one, discarded, was never graded)
        self.assertFalse(self.env["party.evaluation.ballot.entry.line"].search([("grade", "!=", False)]))

    def test_tally_confirmation_lists_every_anomaly(self):
        campaign = self.env.ref("party_evaluation.demo_campaign_dongshan", raise_if_not_found=False)
        if not campaign:
            self.skipTest("demo data not loaded")
        workflow(campaign._attending(), "evaluation_system").write({"attendance": "present"})
        campaign._system().write({"state": "voting", "mass_reps_present": 3})
        action = campaign.action_confirm_tally()
        confirm = self.env[action["res_model"]].browse(action["res_id"])
        self.assertEqual(confirm.anomaly_count, 2)
        self.assertIn("No public ballot entered, with 3 mass representatives present.", confirm.anomalies)
        self.assertIn("0 member ballots for", confirm.anomalies)
        self.assertEqual(campaign.state, "voting", "nothing is counted before the confirmation")

    def test_counters_and_tally_warnings_before_counting(self):
        campaign = self.env.ref("party_evaluation.demo_campaign_dongshan", raise_if_not_found=False)
        if not campaign:
            self.skipTest("demo data not loaded")
        workflow(campaign._attending(), "evaluation_system").write({"attendance": "present"})
        campaign._system().write({"state": "voting", "mass_reps_present": 3})
        present = campaign._ballot_capacity("member")
        member, public = campaign._ballot_entry_counters()
        self.assertEqual(member, f"0 / {present} paper ballots, {present} still allowed")
        self.assertEqual(public, "0 / 3 ballots, 3 still allowed")
        warnings = campaign.tally_warnings
        self.assertIn("No public ballot entered, with 3 mass representatives present.", warnings)
        self.assertIn(f"0 member ballots for {present} voting members present", warnings)


@tagged("post_install", "-at_install")
class TestOverviewWaitingSteps(HttpCase):
    """The to-do list of the overview card names the evaluation steps that wait for the user."""

    def test_campaign_step_waits_for_the_branch_officer_then_for_the_upper_committee(self):
        campaign = self.env.ref("party_evaluation.demo_campaign_dongshan", raise_if_not_found=False)
        if not campaign:
            self.skipTest("demo data not loaded")
        secretary = self.env.ref("party_member_points.demo_user_secretary")
        upper = self.env.ref("party_member_points.demo_user_upper")
        branch = campaign.organization_id

        def todo(user):
            """The steps of this campaign in the user's to-do list of the branch (other workflows may wait too)."""
            branch.invalidate_recordset(["overview_todo", "overview_todo_count"])  # computed for the user
            lines = (branch.with_user(user).overview_todo or "").split("<div ")
            return "".join(line for line in lines if "o_party_todo_step" in line
                           and f"/odoo/party.evaluation.campaign/{campaign.id}" in line)

        campaign._system().write({"state": "preparation"})
        self.assertIn("Waiting for you: Open Meeting", todo(secretary))
        # read as HTML by the browser: no self-closed tag other than a void element (a browser reads
        # <i class="fa ..."/> as an opening tag that swallows every line after it, in the icon's font)
        branch.invalidate_recordset(["overview_todo", "overview_todo_count"])
        html = str(branch.with_user(secretary).overview_todo)
        self.assertFalse(re.findall(r"<(?!(?:br|img|hr|input|wbr)\b)\w+[^<>]*/>", html), html)
        self.assertNotIn("Waiting for you", todo(upper), "a step of the branch is not the upper committee's")
        campaign._system().write({"state": "upper_review"})
        self.assertIn("Waiting for you: Approve Results", todo(upper))
        self.assertNotIn("Waiting for you", todo(secretary))


@tagged("post_install", "-at_install")
class TestOnlineBallotOnPhone(PortalPhoneMixin, HttpCase):
    """The demo portal member votes online on a phone (390 × 844): the ballot fits the screen and its grades are
    big buttons (at least 40 px high, easy to hit with a finger). Screenshots are saved with the portal's."""

    def test_online_ballot_fits_a_phone(self):
        portal = self.env.ref("base.demo_user0", raise_if_not_found=False)
        token = self.env["party.evaluation.ballot.token"].sudo().search(
            [("user_id", "=", portal.id), ("used", "=", False)], limit=1) if portal else None
        if not token:
            self.skipTest("demo data not loaded (no open online ballot of the portal member)")
        results = self._visit_on_phone("portal", [("evaluation", "/my/evaluation"),
                                                  ("ballot", f"/my/evaluation/ballot/{token.token}")])
        for measures in results.values():
            self._assert_fits_a_phone(measures)
        self.assertGreaterEqual(results["ballot"]["smallestChoice"], 40, "the grades are big buttons")

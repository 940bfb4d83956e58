from odoo.tests import HttpCase, tagged

from odoo.addons.party_member_points.models.party_workflow import workflow


@tagged("post_install", "-at_install")
class TestBallotEntryTour(HttpCase):

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

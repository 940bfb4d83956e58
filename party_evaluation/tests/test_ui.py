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

from odoo import Command
from odoo.tests import tagged

from odoo.addons.party_member_points.tests.test_query_counts import QueryCountMixin

from .common import EvaluationCase


@tagged("post_install", "-at_install")
class TestTallyQueryCount(QueryCountMixin, EvaluationCase):
    """The tally of a campaign uses the same number of queries for 5 members and 5 ballots as for 50 members
    and 50 ballots (a county's big branch has a thousand)."""

    def _voting_campaign(self, size):
        """A branch of ``size`` members whose campaign is open for voting, with ``size`` member ballots that all
        grade everyone Qualified (the meeting gates are not what this test is about: the states are set)."""
        branch = self.env["party.organization"].create({
            "name": f"Tally Branch {size}", "kind": "branch", "parent_id": self.town.id,
            "secretary_id": self.user_secretary.id})
        self.env["party.member"].create([
            {"name": f"Voter {size}-{index:02d}", "organization_id": branch.id, "stage": "full",
             "join_date": "2005-07-01", "full_member_date": "2006-07-01"} for index in range(size)])
        campaign = self._campaign(organization_id=branch.id)
        campaign.action_load_members()
        campaign.participant_ids._system().write({"attendance": "present"})
        campaign._system().write({"state": "voting"})
        self.env["party.evaluation.ballot"].create([
            {"campaign_id": campaign.id, "voter_type": "member",
             "line_ids": [Command.create({"participant_id": participant.id, "grade": "qualified"})
                          for participant in campaign.participant_ids]}
            for _index in range(size)])
        return campaign.with_user(self.user_secretary)

    def test_tally(self):
        def prepare(size):
            campaign = self._voting_campaign(size)

            def run():
                campaign.action_tally()
                self.assertEqual(campaign.participant_ids.mapped("member_qualified"), [size] * size)
            return run

        # 50: the tally shuffles every ballot of the round in two statements (ids, then one rewrite); 3 of them judge
        # the grounds from the records: the six-month ground from the year before the meeting (dues, meetings), the
        # warnings of the points results of the last two years; 1 more: the freeze table reads the state of the
        # campaign the ballots are added to
        self.assertQueryCountConstant(prepare, 67)

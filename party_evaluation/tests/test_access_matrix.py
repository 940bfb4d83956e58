from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import HttpCase, TransactionCase, tagged

from odoo.addons.party_member_points.models.party_workflow import WORKFLOW
from odoo.addons.party_member_points.tests.access_matrix import AccessWorld, OrmMatrixTests, RpcMatrixTests

# Evaluation materials are confidential (DOMAIN.md 5): officers of the branch and the levels above. A member
# reads their own result once published, never a ballot. Notation: see party_member_points access_matrix.py.
MATRIX = (
    # target             member  leader  off_A   off_B   upper   hr      admin   portal
    ("campaign_draft",   "----", "----", "rwcu", "----", "rwcu", "----", "rwcu", "----"),
    # published: part of the record (no write, no delete); the member reads it because they were evaluated
    ("campaign_published", "r-.-", "--.-", "r-.-", "--.-", "r-.-", "--.-", "r-.-", "--.-"),
    ("participant",      "----", "----", "rwcu", "----", "rwcu", "----", "rwcu", "----"),
    ("participant_published", "r---", "----", "r---", "----", "r---", "----", "r---", "----"),
    ("ballot",           "----", "----", "rwcu", "----", "rwcu", "----", "rwcu", "----"),
    # cast on the booth terminal: sealed until the tally, for everyone
    ("ballot_sealed",    "----", "----", "--c-", "----", "--c-", "----", "--c-", "----"),
    # grades are changed through their ballot only
    ("ballot_line",      "----", "----", "r---", "----", "r---", "----", "r---", "----"),
    ("rectification",    "----", "----", "rwc-", "----", "rwc-", "----", "rwcu", "----"),
    ("followup",         "----", "----", "rwcu", "----", "rwcu", "----", "rwcu", "----"),
    ("issue",            "----", "----", "rwcu", "----", "rwcu", "----", "rwcu", "----"),
)

REPORTS = (
    # report xmlid                                  target                 m l A B u h a p
    ("party_evaluation.action_report_ballot_member", "campaign_draft", "--y-y-y-"),
    ("party_evaluation.action_report_ballot_public", "campaign_draft", "--y-y-y-"),
    ("party_evaluation.action_report_tally", "campaign_published", "--y-y-y-"),
    ("party_evaluation.action_report_results", "campaign_published", "--y-y-y-"),
    ("party_evaluation.action_report_grade_notice", "participant_published", "--y-y-y-"),
    ("party_evaluation.action_report_rectification_notice", "rectification", "--y-y-y-"),
)


class EvaluationWorld(AccessWorld):

    @classmethod
    def _build_targets(cls):  # pylint: disable=missing-return  # builds fixtures, returns nothing
        super()._build_targets()
        cls.voters = cls.env["party.member"].create([
            {"name": f"Matrix Voter {index:02d}", "organization_id": cls.branch_a.id, "stage": "full",
             "join_date": "2010-07-01", "full_member_date": "2011-07-01"} for index in range(30)])
        Campaign = cls.env["party.evaluation.campaign"]
        target = cls._target
        target("campaign_draft", "party.evaluation.campaign",
               lambda n: {"organization_id": cls.branch_a.id, "year": 2000 + n % 100,
                          "period": ("year", "first_half", "second_half")[n // 100 % 3]},
               {"meeting_location": "Hall"},
               make=lambda: Campaign.create({"organization_id": cls.branch_a.id, "year": 2100,
                                             "period": "first_half"}))
        target("campaign_published", "party.evaluation.campaign", None, {"meeting_location": "Hall"},
               make=lambda: cls._campaign("published"))
        target("participant", "party.evaluation.participant",
               lambda n: {"campaign_id": cls._campaign("draft").id,
                          "member_id": cls._member(f"Matrix Participant {n}").id},
               {"notified": True})
        target("participant_published", "party.evaluation.participant", None, {"grade_reason": "changed"},
               make=lambda: cls._campaign("published").participant_ids.filtered(
                   lambda p: p.member_id == cls.m_member))
        target("ballot", "party.evaluation.ballot", lambda n: cls._ballot_vals("paper"), {"spoiled": True})
        target("ballot_sealed", "party.evaluation.ballot", lambda n: cls._ballot_vals("booth"), {"spoiled": True})
        target("ballot_line", "party.evaluation.ballot.line",
               lambda n: {"ballot_id": cls._paper_ballot().id,
                          "participant_id": cls._campaign("voting").participant_ids[:1].id, "grade": "excellent"},
               {"grade": "excellent"}, make=lambda: cls._paper_ballot().line_ids[:1],
               fresh=lambda n: cls._paper_ballot().line_ids[-1:])
        target("rectification", "party.evaluation.rectification",
               lambda n: {"member_id": cls.alice.id, "problems": f"Matrix {n}"}, {"problems": "changed"})
        target("followup", "party.evaluation.rectification.followup",
               lambda n: {"rectification_id": cls._rectification().id, "note": f"Matrix {n}"}, {"note": "changed"})
        target("issue", "party.evaluation.issue",
               lambda n: {"campaign_id": cls._campaign("published").id, "name": f"Matrix problem {n}"},
               {"measure": "changed"})

    @classmethod
    def _campaign(cls, state):
        """A campaign of branch A with the member, Alice and thirty voters, put in ``state`` by the workflow
        (published: everyone graded Qualified; voting: everyone present)."""
        key = ("campaign", state)
        if key not in cls._cache:
            years = {"draft": 2096, "voting": 2097, "published": 2098}
            campaign = cls.env["party.evaluation.campaign"].create(
                {"organization_id": cls.branch_a.id, "year": years[state], "period": "second_half"})
            Participant = cls.env["party.evaluation.participant"]
            Participant.create([Participant._values_for_member(campaign, member)
                                for member in cls.m_member | cls.alice | cls.voters])
            if state != "draft":
                campaign.participant_ids._system().write({"attendance": "present", "notified": True})
                campaign._system().write({"state": state})
            if state == "published":
                campaign.participant_ids._system().write({"final_grade": "qualified"})
            cls._cache[key] = campaign
        return cls._cache[key]

    @classmethod
    def _ballot_vals(cls, channel):
        campaign = cls._campaign("voting")
        return {"campaign_id": campaign.id, "voter_type": "member", "channel": channel, "line_ids": [
            Command.create({"participant_id": participant.id, "grade": "qualified"})
            for participant in campaign.participant_ids.filtered("evaluated")]}

    @classmethod
    def _paper_ballot(cls):
        if "paper_ballot" not in cls._cache:
            cls._cache["paper_ballot"] = cls.env["party.evaluation.ballot"].create(cls._ballot_vals("paper"))
        return cls._cache["paper_ballot"]

    @classmethod
    def _rectification(cls):
        if "rectification" not in cls._cache:
            rectification = cls.env["party.evaluation.rectification"].create(
                {"member_id": cls.alice.id, "problems": "Matrix"})
            rectification.with_context(evaluation_system=WORKFLOW).state = "in_progress"
            cls._cache["rectification"] = rectification
        return cls._cache["rectification"]


@tagged("post_install", "-at_install")
class TestEvaluationAccessMatrix(EvaluationWorld, OrmMatrixTests, TransactionCase):
    """The access matrix of the democratic evaluation, through the ORM."""

    MATRIX = MATRIX
    REPORTS = REPORTS

    def test_workflow_flag_is_not_client_input(self):
        """The flag that lets the workflow write a campaign's state counts only when set by the code: the same
        key sent in a client's context (any JSON-RPC call may carry one) changes nothing."""
        campaign = self._campaign("draft").with_user(self.users["officer_a"])
        for forged in (True, 1, "1", {"x": 1}):
            with self.assertRaises(UserError):
                campaign.with_context(evaluation_system=forged).write({"state": "upper_approved"})
        self.assertEqual(campaign.state, "draft")
        campaign.with_context(evaluation_system=WORKFLOW)  # the real flag only exists in code


@tagged("post_install", "-at_install")
class TestEvaluationAccessMatrixRpc(EvaluationWorld, RpcMatrixTests, HttpCase):
    """The same matrix over JSON-RPC and the report routes."""

    MATRIX = MATRIX
    REPORTS = REPORTS

from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import MobilizationCase


@tagged("post_install", "-at_install")
class TestMobilizationAccess(MobilizationCase):
    """Officers see their village and below, the town sees its villages, members their own lines."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.project = cls.env["party.mobilization.project"].create({
            "name": "Drought relief", "organization_id": cls.village.id, "kind": "drought",
            "date_start": cls.today, "date_deadline": cls.today + relativedelta(years=1),
            "joint_meeting_date": cls.today, "rewards": "Points", "penalties": "Conversion",
            "stage_review_plan": "Weekly", "description": "<p>Water the fields in turn.</p>",
        })
        cls.project._build_roster()

    def test_officer_of_another_village_sees_nothing(self):
        Project = self.env["party.mobilization.project"].with_user(self.user_other)
        self.assertFalse(Project.search([("id", "=", self.project.id)]))
        self.assertEqual(self.env["party.mobilization.person"].with_user(self.user_other).search_count([]), 5)
        self.assertFalse(self.env["party.mobilization.participant"].with_user(self.user_other).search_count(
            [("project_id", "=", self.project.id)]))
        with self.assertRaises(AccessError):
            self.project.with_user(self.user_other).read(["name"])
        with self.assertRaises(AccessError):
            self.p_secretary.with_user(self.user_other).write({"is_representative": True})
        with self.assertRaises(AccessError):
            Project.create({"name": "Intrusion", "organization_id": self.village.id, "kind": "flood",
                            "date_start": self.today, "date_deadline": self.today})

    def test_town_sees_its_villages(self):
        Project = self.env["party.mobilization.project"].with_user(self.user_town)
        self.assertEqual(Project.search([("id", "=", self.project.id)]), self.project)
        self.assertEqual(self.env["party.mobilization.person"].with_user(self.user_town).search_count(
            [("organization_id", "child_of", self.town.id)]), 205)

    def test_member_sees_own_lines(self):
        Project = self.env["party.mobilization.project"].with_user(self.user_member)
        self.assertFalse(Project.search([]), "a plan is not shown to members before it is open for opinions")
        self._approve(self.project)
        with self.assertRaises(AccessError):
            self.project.with_user(self.user_member).action_collect_opinions()
        self.project.action_collect_opinions()
        self.assertEqual(Project.search([]), self.project)
        participants = self.env["party.mobilization.participant"].with_user(self.user_member).search([])
        self.assertEqual(participants.person_id, self.p_member_user)
        people = self.env["party.mobilization.person"].with_user(self.user_member).search([])
        self.assertEqual(people, self.p_member_user)
        # a member keeps a dissenting opinion and reports it to the town committee
        dissent = self.env["party.mobilization.opinion"].with_user(self.user_member).create({
            "project_id": self.project.id, "name": "Water allocation", "opinion_type": "dissent",
            "content": "The upper fields should be watered first.",
        })
        dissent.action_raise()
        self.assertEqual(dissent.state, "raised")
        self.assertEqual(dissent.sudo().activity_ids.user_id, self.user_town)
        with self.assertRaises(UserError):
            dissent.action_answer()
        # an opinion on the plan is taken into account by the branch, not by its author
        suggestion = self.env["party.mobilization.opinion"].with_user(self.user_member).create({
            "project_id": self.project.id, "name": "Night shifts", "content": "Two people per section at night.",
        })
        with self.assertRaisesRegex(UserError, "officers"):
            suggestion.action_note()
        suggestion.with_user(self.user_secretary).action_note()
        self.assertEqual(suggestion.state, "noted")
        # but cannot change the project
        with self.assertRaises(AccessError):
            self.project.with_user(self.user_member).write({"name": "Changed"})
        with self.assertRaises(AccessError):
            self.env["party.mobilization.vote"].with_user(self.user_member).create({
                "project_id": self.project.id, "attendee_count": 1})

    def test_town_decisions_need_a_real_town_committee(self):
        """A village branch without a parent has no town committee: its plan is not approved by the branch
        itself, the decision is refused with a message asking for the parent."""
        project = self._new_project()
        self.village.parent_id = False  # the administrator left the parent empty
        with self.assertRaisesRegex(UserError, "no upper organization.*parent organization"):
            project._town_organization()
        with self.assertRaisesRegex(UserError, "no upper organization"):
            project.with_user(self.user_secretary)._check_town_officer()

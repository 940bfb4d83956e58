"""Decisions of a mobilization stay made (issue: one freeze table for every workflow)."""
from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import MobilizationCase


@tagged("post_install", "-at_install")
class TestMobilizationDecisionsStay(MobilizationCase):

    def _voted(self):
        project = self._new_project("flood")
        self._to_voting(project)
        self._vote(project, votes_for=120)
        self.assertTrue(project.passed_vote_id)
        return project

    def test_voted_plan_is_frozen(self):
        """After the villagers' vote passed, the order and the deadline do not change, not even for the superuser."""
        project = self._voted()
        for vals in ({"order": "reverse", "order_reason": "changed"}, {"date_deadline": project.date_deadline
                                                                       + relativedelta(days=30)}):
            for env_project in (project.with_user(self.user_secretary), project.sudo()):
                with self.assertRaises(UserError):
                    env_project.write(vals)
        self.assertEqual(project.order, "forward")

    def test_published_batches_frozen(self):
        """After publication, batches are neither reordered, re-dated, added nor removed; the town changes their
        order only through its named action, with a reason written in the chatter."""
        project = self._voted()
        project.with_user(self.user_secretary).action_publish()
        batches = project.batch_ids.sorted("sequence")
        first, last = batches[0], batches[-1]
        for target in (first.with_user(self.user_secretary), first.sudo()):
            with self.assertRaises(UserError):
                target.write({"sequence": last.sequence + 1})
            with self.assertRaises(UserError):
                target.write({"date_planned_start": project.date_start + relativedelta(days=40)})
        with self.assertRaises(UserError):
            self.env["party.mobilization.batch"].sudo().create({
                "project_id": project.id, "identity": first.identity, "sequence": 99})
        with self.assertRaises(UserError):
            project.sudo().write({"batch_ids": [Command.unlink(first.id)]})
        with self.assertRaises(UserError):
            first.sudo().unlink()
        self.assertEqual(project.batch_ids.sorted("sequence")[0], first)
        # the named action of the town committee
        with self.assertRaisesRegex(UserError, "town committee"):
            project.with_user(self.user_secretary).action_reorder_batches({first.id: 99}, "Secretary asks")
        project.with_user(self.user_town).action_reorder_batches({first.id: 99}, "The secretary is in hospital")
        self.assertEqual(first.sequence, 99)
        self.assertTrue(first.message_ids.filtered(lambda m: "in hospital" in (m.body or "")))

    def test_plan_needs_content_and_a_parent(self):
        project = self._new_project("flood", description=False)
        with self.assertRaisesRegex(UserError, "content of the project"):
            project.with_user(self.user_secretary).action_submit()
        lone = self.env["party.organization"].create({"name": "Lone Village", "kind": "branch", "sector": "rural",
                                                      "secretary_id": self.user_secretary.id})
        project = self._new_project("flood", organization_id=lone.id)
        with self.assertRaisesRegex(UserError, "parent organization"):
            project.with_user(self.user_secretary).action_submit()
        self.assertEqual(project.state, "draft")

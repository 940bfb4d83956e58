from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import VILLAGE_SIZE, MobilizationCase


@tagged("post_install", "-at_install")
class TestReverseProject(MobilizationCase):
    """A resettlement (回迁安置) of the same village: ordinary villagers first."""

    def test_reverse_project(self):
        project = self._new_project("resettlement")
        self.assertEqual(project.order, "reverse")
        project.action_build_roster()
        self.assertEqual(project.participant_count, VILLAGE_SIZE)
        self.assertEqual(self._batch_ranks(project), [7, 6, 5, 4, 3, 1])
        ranks = self._roster_ranks(project)
        self.assertEqual(ranks, sorted(ranks, reverse=True), "reverse roster starts with ordinary villagers")
        self.assertEqual(project.batch_ids.sorted("sequence")[0].participant_count, 154)

        # ---- role changes before publication re-rank people
        self.p_villager.is_representative = True
        participant = self._participant(project, self.p_villager)
        self.assertEqual(participant.identity, "6")
        self.assertEqual(participant.batch_id.identity_rank, 6)
        self.assertIn("1 people changed identity", project.message_ids[0].body)
        # a new village committee director: a batch for rank 2 appears in its place (before the secretary)
        # (a village has one director: the secretary hands the post over)
        self.p_secretary.is_village_director = False
        self.p_villager2.is_village_director = True
        self.assertEqual(self._batch_ranks(project), [7, 6, 5, 4, 3, 2, 1])
        self.assertEqual(self._participant(project, self.p_villager2).batch_id.identity_rank, 2)
        # a member leaving the party: re-checked when the roster is rebuilt (or at publication)
        self.p_plain_member.member_id._set_status("withdrew", self.today, "Withdrew")
        self.assertEqual(self._participant(project, self.p_plain_member).identity, "5")
        project.action_build_roster()
        self.assertEqual(self._participant(project, self.p_plain_member).identity, "7")
        # someone moving into the village joins the roster; someone archived leaves it
        newcomer = self.env["party.mobilization.person"].create({"name": "Newcomer Tang",
                                                                  "organization_id": self.village.id})
        self.assertTrue(self._participant(project, newcomer))
        self.p_outside_worker.active = False
        self.assertFalse(self._participant(project, self.p_outside_worker))
        self.assertEqual(project.participant_count, VILLAGE_SIZE)
        batches = project.batch_ids.sorted("sequence")
        self.assertEqual(batches[0].date_planned_start, project.date_start)
        self.assertEqual(batches[-1].date_planned_end, project.date_deadline)

        # ---- the town orders a direct launch: no vote, but the order reference is required
        self._approve(project)
        # the village secretary can neither give the town's order nor carry it out
        with self.assertRaisesRegex(UserError, "town committee"):
            project.with_user(self.user_secretary).write({"town_order_ref": "Our own order"})
        with self.assertRaisesRegex(UserError, "town committee"):
            project.with_user(self.user_secretary).action_direct_launch()
        with self.assertRaises(UserError):
            project.with_user(self.user_secretary).write({"direct_launch": True})
        town_project = project.with_user(self.user_town)
        town_project.town_order_ref = "Town Committee Order [2026] No. 12"
        with self.assertRaisesRegex(UserError, "reason"):
            town_project.action_direct_launch()
        self.assertEqual(project.state, "approved")
        town_project.town_order_reason = "The villagers are away for the harvest: no assembly can be held in time."
        town_project.action_direct_launch()
        self.assertTrue(project.direct_launch)
        self.assertIn("Town Secretary", project.message_ids.filtered(
            lambda m: "Direct launch ordered" in (m.body or "")).body)
        self.assertEqual(project.state, "published")
        self.assertFalse(project.vote_ids)
        self.assertIn("Announcement", project.message_ids[0].body)

        # ---- frozen after publication
        self.p_villager.is_representative = False
        self.assertEqual(self._participant(project, self.p_villager).identity, "6")
        late = self.env["party.mobilization.person"].create({"name": "Late Newcomer",
                                                             "organization_id": self.village.id})
        self.assertFalse(self._participant(project, late))
        with self.assertRaisesRegex(UserError, "frozen"):
            self.env["party.mobilization.participant"].create({
                "project_id": project.id, "person_id": late.id, "identity": "7", "batch_id": batches[0].id})
        with self.assertRaisesRegex(UserError, "frozen|no longer be changed"):
            project.participant_ids[0].unlink()
        with self.assertRaisesRegex(UserError, "frozen"):
            project.action_build_roster()

        # ---- batches open by completion or by date
        project.action_start_execution()
        self.assertEqual(batches.mapped("state"), ["open"] + ["pending"] * 6)
        Batch = self.env["party.mobilization.batch"]
        opened = Batch._open_due_batches(batches[1].date_planned_start - timedelta(days=1))
        self.assertFalse(opened & batches)
        opened = Batch._open_due_batches(batches[1].date_planned_start)
        self.assertEqual(opened & batches, batches[1])
        self.assertEqual(batches[2].state, "pending")
        # the daily scheduled action runs the same check for today: nothing else is due yet
        cron = self.env.ref("party_mobilization.ir_cron_party_mobilization_open_batches")
        cron.method_direct_trigger()
        self.assertEqual(batches.mapped("state"), ["open", "open"] + ["pending"] * 5)
        with self.assertRaisesRegex(UserError, "executing"):
            project.action_cancel()
        # ordinary villagers finish first: the cadres' batches are still closed to them
        secretary = self._participant(project, self.p_secretary)
        with self.assertRaisesRegex(UserError, "not open"):
            secretary.action_done()
        self.assertEqual(project.current_batch_id, batches[0])

from dateutil.relativedelta import relativedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import VILLAGE_SIZE, MobilizationCase

APPROVAL = "party_mobilization.mail_activity_type_mobilization_approval"


@tagged("post_install", "-at_install")
class TestForwardProject(MobilizationCase):
    """A flood-control mobilization of the 200-people village, cadres first, from plan to closure."""

    def test_order_defaults_from_kind(self):
        with Form(self.env["party.mobilization.project"].with_user(self.user_secretary)) as form:
            form.name = "Flood control"
            form.organization_id = self.village
            form.date_deadline = self.today + relativedelta(days=30)
            form.kind = "resettlement"
            self.assertEqual(form.order, "reverse")
            form.kind = "flood"
            self.assertEqual(form.order, "forward")
        project = form.record
        self.assertTrue(project.reference.startswith("DY"))
        # running a flood project in reverse order needs a reason
        with self.assertRaises(ValidationError):
            project.order = "reverse"
        project.write({"order": "reverse", "order_reason": "Benefits of the flood compensation fund first."})
        self.assertEqual(project.order, "reverse")

    def test_plan_gates_and_town_approval(self):
        project = self._new_project(rewards=False)
        with self.assertRaisesRegex(UserError, "rewards"):
            project.action_submit()
        self.assertEqual(project.state, "draft")
        self.assertFalse(project.activity_ids)
        project.rewards = "Commendation notice."
        project.action_submit()
        self.assertEqual(project.state, "submitted")
        activity = project.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_town, "the town committee's secretary approves")
        self.assertEqual(activity.activity_type_id, self.env.ref(APPROVAL))
        # the village's own secretary cannot approve the plan
        with self.assertRaisesRegex(UserError, "town committee"):
            project.with_user(self.user_secretary).action_approve()
        self.assertEqual(project.state, "submitted")
        # sending back needs a reason
        with self.assertRaises(UserError):
            project.with_user(self.user_town).action_reject()
        project.with_user(self.user_town).rejection_reason = "Give the stage review dates."
        project.with_user(self.user_town).action_reject()
        self.assertEqual(project.state, "draft")
        self.assertFalse(project.activity_ids)
        project.action_submit()
        project.with_user(self.user_town).action_approve()
        self.assertEqual(project.state, "approved")
        self.assertEqual(project.approver_id, self.user_town)
        self.assertFalse(project.activity_ids, "the approval activity is done")
        # the vote cannot be skipped without the town's order
        with self.assertRaisesRegex(UserError, "town committee's order"):
            project.action_direct_launch()
        with self.assertRaisesRegex(UserError, "cannot publish"):
            project.action_publish()

    def test_forward_project_end_to_end(self):
        project = self._new_project("flood")
        self.assertEqual(project.order, "forward")

        # ---- roster: 200 people, cadres first, one batch per identity present
        project.action_build_roster()
        self.assertEqual(project.participant_count, VILLAGE_SIZE)
        self.assertEqual(self._batch_ranks(project), [1, 3, 4, 5, 6, 7])
        ranks = self._roster_ranks(project)
        self.assertEqual(ranks, sorted(ranks), "forward roster reads from the branch secretary down")
        batches = project.batch_ids.sorted("sequence")
        self.assertEqual(batches.mapped("participant_count"), [1, 2, 2, 26, 15, 154])
        self.assertEqual(batches[0].date_planned_start, project.date_start)
        self.assertEqual(batches[-1].date_planned_end, project.date_deadline)
        for previous, batch in zip(batches, batches[1:]):
            self.assertGreater(batch.date_planned_start, previous.date_planned_end)
        self.assertEqual(self._participant(project, self.p_secretary).batch_id, batches[0])
        self.assertEqual(self._participant(project, self.p_outside_member).batch_id, batches[3])

        # ---- approval, opinions and a dissent raised to the town
        self._approve(project)
        project.action_collect_opinions()
        with self.assertRaisesRegex(UserError, "summarize"):
            project.action_start_vote()
        dissent = self.env["party.mobilization.opinion"].with_user(self.user_secretary).create({
            "project_id": project.id, "name": "Compensation for the sandbag storage", "opinion_type": "dissent",
            "person_id": self.p_member_rep.id, "content": "I will carry it out but ask for a compensation rule.",
        })
        dissent.action_raise()
        self.assertEqual(dissent.state, "raised")
        self.assertEqual(dissent.activity_ids.user_id, self.user_town)
        with self.assertRaises(UserError):
            dissent.with_user(self.user_secretary).action_answer()
        dissent.with_user(self.user_town).answer = "200 yuan per mu and month, paid by the town."
        dissent.with_user(self.user_town).action_answer()
        self.assertEqual(dissent.state, "answered")
        self.assertFalse(dissent.activity_ids)
        with self.assertRaises(UserError):
            dissent.content = "changed afterwards"

        project.opinion_summary = "Members agreed; night patrols added."
        project.action_start_vote()
        self.assertEqual(project.state, "voting")

        # ---- a failed assembly vote sends the plan back
        self.assertEqual(self.env["party.mobilization.vote"].new({"project_id": project.id}).eligible_count,
                         VILLAGE_SIZE)
        vote = self._vote(project, votes_for=75, attendees=150)
        self.assertEqual(vote.result, "failed")
        self.assertEqual(project.state, "draft")
        self.assertIn("did not pass", project.message_ids[0].body)
        with self.assertRaises(UserError):
            vote.votes_for = 140

        # ---- second round: the representatives' meeting passes the plan
        self._approve(project)
        project.action_collect_opinions()
        project.action_start_vote()
        with self.assertRaisesRegex(UserError, "not passed the plan yet"):
            project.action_publish()
        with self.assertRaises(ValidationError):
            self._vote(project, votes_for=20, attendees=30, meeting_type="representatives")  # only 22 representatives
        vote = self._vote(project, votes_for=12, attendees=18, meeting_type="representatives")
        self.assertEqual(vote.eligible_count, 22)
        self.assertEqual(vote.result, "passed")
        self.assertEqual(project.passed_vote_id, vote)
        project.action_publish()
        self.assertEqual(project.state, "published")
        self.assertTrue(project.roster_frozen)

        # ---- after publication the roster is frozen
        with self.assertRaisesRegex(UserError, "frozen"):
            project.action_build_roster()
        self.p_villager2.is_representative = True
        participant = self._participant(project, self.p_villager2)
        self.assertEqual(participant.identity, "7", "no re-ranking after publication")
        self.assertEqual(participant.current_identity, "6")
        with self.assertRaises(UserError):
            project.date_deadline = self.today + relativedelta(days=90)

        # ---- execution: batch 1 opens, the others wait
        project.action_start_execution()
        self.assertEqual(project.state, "executing")
        self.assertEqual(batches.mapped("state"), ["open", "pending", "pending", "pending", "pending", "pending"])
        self.assertEqual(project.current_batch_id, batches[0])
        villager = self._participant(project, self.p_villager)
        with self.assertRaisesRegex(UserError, "not open"):
            villager.action_done()
        with self.assertRaisesRegex(UserError, "opens when"):
            batches[2].action_open()

        # completion of batch 1 opens batch 2
        batches[0].participant_ids.action_done()
        self.assertEqual(batches[0].state, "done")
        self.assertEqual(batches[1].state, "open")
        self.assertEqual(batches[1].date_opened, self.today)
        self.assertIn("is done", project.message_ids.filtered(lambda m: m.subject == "Stage Announcement")[1].body)

        # batch 3 opens on its planned date even though batch 2 is not done; batch 4 still waits
        opened = self.env["party.mobilization.batch"]._open_due_batches(batches[2].date_planned_start)
        self.assertEqual(opened.filtered(lambda b: b.project_id == project), batches[2])
        self.assertEqual(batches[3].state, "pending")

        # progress by batch and overall
        batches[1].participant_ids[0].action_notify()
        self.assertEqual(batches[1].notified_count, 1)
        batches[1].participant_ids.action_done()
        self.assertEqual(batches[1].state, "done")
        self.assertEqual(batches[2].state, "open")
        self.assertEqual(batches[3].state, "pending", "batch 3 is not done and batch 4's date has not come")
        self.assertEqual((project.done_count, project.participant_count), (3, VILLAGE_SIZE))
        self.assertEqual(project.progress, 1.5)
        self.assertEqual(batches.mapped("progress"), [100.0, 100.0, 0.0, 0.0, 0.0, 0.0])
        project.invalidate_recordset()
        batches.invalidate_recordset()
        with self.assertQueryCount(8):
            # two grouped queries whatever the size of the roster
            self.assertEqual(project.progress, 1.5)
            self.assertEqual(batches.mapped("progress")[:2], [100.0, 100.0])

        # ---- exemplary and resisting people
        self._participant(project, self.p_secretary).write(
            {"exemplary": True, "exemplary_note": "Led the night patrols for three nights."})
        self._participant(project, self.p_villager).write({"exemplary": True})
        self._participant(project, self.p_member_rep).write(
            {"resisting": True, "resisting_note": "Spread rumours against the sandbag storage."})
        plain = self._participant(project, self.p_plain_member)
        plain.resisting = True
        with self.assertRaises(ValidationError):
            plain.exemplary = True

        # batch 3: a refusal needs its reason; then the batch is done and batch 4 opens
        han = self._participant(project, self.p_committee_nonmember)
        with self.assertRaisesRegex(UserError, "reason"):
            han.action_refuse()
        han.write({"refusal_reason": "Refuses to store sandbags in his yard.", "resisting": True,
                   "resisting_note": "Led three households to refuse."})
        han.action_refuse()
        self.assertEqual(han.state, "refused")
        self.assertEqual(han.date_refused, self.today)
        self._participant(project, self.p_village_committee).action_done()
        self.assertEqual(batches[2].state, "done")
        self.assertEqual(batches[3].state, "open")

        # batch 4 closed by hand with a reason while one member has not finished
        (batches[3].participant_ids - plain).action_done()
        self.assertEqual(batches[3].state, "open")
        with self.assertRaisesRegex(UserError, "reason"):
            batches[3].action_close_manually()
        batches[3].close_reason = "The last member is away; the branch handles him at acceptance."
        batches[3].action_close_manually()
        self.assertTrue(batches[3].closed_manually)
        self.assertEqual(plain.state, "pending")
        self.assertEqual(batches[4].state, "open")
        batches[4].participant_ids.action_done()
        with self.assertRaisesRegex(UserError, "not done yet"):
            project.action_to_acceptance()
        batches[5].participant_ids.action_done()
        self.assertEqual(project.state, "acceptance", "the last batch done moves the project to acceptance")

        # ---- acceptance
        with self.assertRaisesRegex(UserError, "summary"):
            project.action_close()
        project.acceptance_summary = "<p>The dyke was reinforced in time.</p>"
        plain.resisting_note = False
        with self.assertRaisesRegex(UserError, "Describe"):
            project.action_close()
        self.assertFalse(project.commendation_ids)
        plain.resisting_note = "Refused to take his patrol shift."
        if self._points_api():
            # the member had earned bonus points earlier this year: the deduction has room below them
            self.env["party.points.entry"]._post_automatic(
                self.p_plain_member.member_id, "mobilization_commendation", source=self.p_plain_member.member_id,
                description="Earlier commendation")
        project.action_close()
        self.assertEqual(project.state, "closed")

        commendations = project.commendation_ids
        self.assertEqual(commendations.person_id, self.p_secretary | self.p_villager)
        self.assertEqual(commendations.filtered("member_id").member_id, self.p_secretary.member_id,
                         "only party members are commended in the register")
        conversions = project.conversion_ids
        self.assertEqual(conversions.member_id, self.p_member_rep.member_id | self.p_plain_member.member_id)
        self.assertEqual(set(conversions.mapped("state")), {"open"})
        self.assertEqual(set(conversions.mapped("year")), {self.today.year})
        downgrades = project.downgrade_ids
        self.assertEqual(downgrades.person_id, self.p_committee_nonmember,
                         "one identity, one handling: the member who is a representative is handled as a member")
        self.assertEqual(downgrades.filtered(lambda d: d.person_id == self.p_committee_nonmember).role, "cadre")
        self.assertIn("Commended", self.p_secretary.member_id.message_ids[0].body)
        # the town confirms the downgrade notes; the branch follows the conversion procedure up
        note = downgrades.filtered(lambda d: d.person_id == self.p_committee_nonmember)
        with self.assertRaisesRegex(UserError, "town committee"):
            note.with_user(self.user_secretary).action_confirm()
        note.with_user(self.user_town).action_confirm()
        self.assertEqual(note.state, "confirmed")
        conversion = conversions.filtered(lambda c: c.person_id == self.p_member_rep)
        with self.assertRaisesRegex(UserError, "outcome"):
            conversion.with_user(self.user_secretary).action_converted()
        conversion.with_user(self.user_secretary).write({"result_note": "Admitted his error at the branch meeting."})
        conversion.with_user(self.user_secretary).action_converted()
        self.assertEqual(conversion.state, "converted")
        with self.assertRaises(UserError):
            conversion.with_user(self.user_secretary).unlink()

        if not self._points_api():
            self.skipTest("points API not available")
        Entry = self.env["party.points.entry"]
        commended = Entry.search([("member_id", "=", self.p_secretary.member_id.id),
                                  ("source_ref", "=", f"party.mobilization.participant,"
                                                      f"{self._participant(project, self.p_secretary).id}")])
        self.assertEqual(len(commended), 1)
        self.assertEqual(commended.state, "posted")
        self.assertEqual(commended.points, 5)
        self.assertEqual(commendations.filtered("member_id").points, 5)
        deductions = Entry.search([("member_id", "=", self.p_plain_member.member_id.id),
                                   ("rule_id.code", "=", "mobilization_resisting")])
        self.assertEqual(deductions.points, -5)
        self.assertEqual(deductions.source_ref, plain)
        self.assertEqual(conversions.filtered(lambda c: c.person_id == self.p_plain_member).points, -5)
        self.assertFalse(Entry.search([("source_ref", "=", f"party.mobilization.participant,"
                                                           f"{self._participant(project, self.p_villager).id}")]))

    def test_closed_project_is_immutable(self):
        project = self._new_project("emergency", date_deadline=self.today + relativedelta(days=5))
        project.action_build_roster()
        self._approve(project)
        project.with_user(self.user_town).write({"town_order_ref": "Town order 2026-7",
                                                 "town_order_reason": "Flood warning: no time for a meeting"})
        project.with_user(self.user_town).action_direct_launch()
        project.action_start_execution()
        for batch in project.batch_ids.sorted("sequence"):
            batch.participant_ids.action_done()
        self.assertEqual(project.state, "acceptance")
        project.acceptance_summary = "<p>Done.</p>"
        project.action_close()
        with self.assertRaises(UserError):
            project.name = "Renamed"
        with self.assertRaises(UserError):
            project.participant_ids[0].refusal_reason = "late"
        with self.assertRaises(UserError):
            project.batch_ids[0].close_reason = "late"
        with self.assertRaises(UserError):
            project.unlink()
        with self.assertRaises(UserError):
            project.action_cancel()
        # the chatter stays open
        project.message_post(body="Filed with the town committee.")

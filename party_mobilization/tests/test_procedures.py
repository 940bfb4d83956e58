from contextlib import contextmanager

from dateutil.relativedelta import relativedelta

from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.mobilization_rules import handling_of_rank, vote_passes_on_basis
from .common import VILLAGE_SIZE, MobilizationCase


@tagged("post_install", "-at_install")
class TestMobilizationProcedures(MobilizationCase):
    """Issue 17 items 9-14: recall, organizational handling, one identity one handling, cadre appraisal, the
    conversion reaching the evaluation, roster completeness, the assembly majority and the batch bulletin."""

    @contextmanager
    def _refused(self, text):
        """Refused with a message containing ``text``, nothing saved (TransactionCase.assertRaises rolls back)."""
        with self.assertRaises(ValidationError) as caught:
            yield
        self.assertIn(text, str(caught.exception))

    def _launch(self, project):
        """Plan approved by the town, launched on the town's order, executing."""
        project.with_user(self.user_secretary).action_build_roster()
        self._approve(project)
        project.with_user(self.user_town).write({"town_order_ref": "Town order 7",
                                                 "town_order_reason": "No time for the villagers' meeting"})
        project.with_user(self.user_town).action_direct_launch()
        project.with_user(self.user_secretary).action_start_execution()

    def _close(self, project, exemplary=(), resisting=(), refusing=()):
        """Run every batch in order, marking people, then accept and close the project."""
        self._launch(project)
        for person in exemplary:
            self._participant(project, person).write({"exemplary": True, "exemplary_note": "Worked day and night."})
        for person in resisting:
            self._participant(project, person).write({"resisting": True, "resisting_note": "Spread rumours."})
        for batch in project.batch_ids.sorted("sequence"):
            refused = batch.participant_ids.filtered(lambda p: p.person_id in refusing)
            if refused:
                refused.write({"refusal_reason": "Would not do the assigned work."})
                refused.action_refuse()
            (batch.participant_ids - refused).action_done()
        self.assertEqual(project.state, "acceptance")
        project.acceptance_summary = "<p>Done.</p>"
        project.action_close()
        return project

    # ------------------------------------------------------------------ item 10
    def test_one_identity_one_handling(self):
        self.assertEqual([handling_of_rank(rank) for rank in range(1, 8)],
                         ["cadre", "cadre", "cadre", "cadre", "member", "representative", False])
        rep = self.people.filtered(lambda p: p.name == "Representative 00")
        project = self._close(self._new_project(), resisting=(
            self.p_secretary, self.p_village_committee, self.p_member_rep, rep, self.p_villager))
        # cadres who are party members: the cadre procedure only, no conversion, no points deduction
        self.assertEqual(project.conversion_ids.person_id, self.p_member_rep,
                         "only the rank-5 member gets the below-standard conversion")
        downgrades = project.downgrade_ids
        self.assertEqual(downgrades.person_id, self.p_secretary | self.p_village_committee | rep)
        self.assertEqual(downgrades.filtered(lambda d: d.person_id == rep).role, "representative")
        self.assertEqual(set(downgrades.filtered(lambda d: d.person_id != rep).mapped("role")), {"cadre"})
        self.assertNotIn(self.p_member_rep, downgrades.person_id,
                         "a member who is also a representative is handled as a member")
        if self._points_api():
            deductions = self.env["party.points.entry"].search([("rule_id.code", "=", "mobilization_resisting")])
            self.assertNotIn(self.p_secretary.member_id, deductions.member_id)

    # ------------------------------------------------------------------ item 9
    def test_recall_procedure(self):
        project = self._close(self._new_project(), resisting=(self.p_committee_nonmember,))
        note = project.downgrade_ids
        self.assertEqual(note.person_id, self.p_committee_nonmember)
        action = note.with_user(self.user_secretary).action_propose_recall()
        recall = self.env["party.mobilization.recall"].browse(action["res_id"])
        self.assertEqual(recall.post, "village_committee")
        self.assertEqual(recall.state, "draft")
        self.assertTrue(note.recall_proposed)
        with self.assertRaisesRegex(UserError, "already under way"):
            note.with_user(self.user_secretary).action_propose_recall()
        recall.with_user(self.user_secretary).action_submit()
        self.assertEqual(recall.state, "submitted")
        with self.assertRaisesRegex(UserError, "town committee"):
            recall.with_user(self.user_secretary).action_recall()
        with self.assertRaisesRegex(UserError, "decision of the town"):
            recall.with_user(self.user_town).action_reject()
        recall.with_user(self.user_town).action_recall()
        self.assertEqual(recall.state, "recalled")
        self.assertEqual(recall.decided_by_id, self.user_town)
        self.assertFalse(self.p_committee_nonmember.is_village_committee)
        self.assertEqual(self.p_committee_nonmember.identity, "7", "the recalled cadre is an ordinary villager now")
        with self.assertRaises(UserError):
            recall.with_user(self.user_secretary).reason = "changed afterwards"

    def test_organizational_handling_reaches_register(self):
        project = self._close(self._new_project(), resisting=(self.p_member_rep, self.p_plain_member))
        sanctioned = project.conversion_ids.filtered(lambda c: c.person_id == self.p_member_rep)
        removed = project.conversion_ids.filtered(lambda c: c.person_id == self.p_plain_member)
        secretary = self.user_secretary
        sanctioned.with_user(secretary).result_note = "Still refuses after three talks."
        with self.assertRaisesRegex(UserError, "organizational handling"):
            sanctioned.with_user(secretary).action_handled()
        sanctioned.with_user(secretary).handling = "sanction"
        with self.assertRaisesRegex(UserError, "kind of sanction"):
            sanctioned.with_user(secretary).action_handled()
        self.assertFalse(self.env["party.member.sanction"].search([("member_id", "=", self.p_member_rep.member_id.id)]))
        sanctioned.with_user(secretary).sanction_type = "party_warning"
        sanctioned.with_user(secretary).action_handled()
        self.assertEqual(sanctioned.state, "handled")
        sanction = sanctioned.sanction_id
        self.assertEqual(sanction.member_id, self.p_member_rep.member_id)
        self.assertEqual(sanction.sanction_type, "party_warning")
        self.assertIn(project.name, sanction.reason)

        removed.with_user(secretary).write({"result_note": "Refused every task.", "handling": "removed"})
        removed.with_user(secretary).action_handled()
        member = self.p_plain_member.member_id
        self.assertEqual(member.status, "removed")
        self.assertEqual(member.status_date, self.today)
        self.assertIn("Organizational handling", member.message_ids[0].body)

    # ------------------------------------------------------------------ item 12 and the six-month ground
    def test_conversion_reaches_evaluation(self):
        project = self._close(self._new_project(), resisting=(self.p_member_rep, self.p_plain_member),
                              refusing=(self.p_member_user,))
        year = self.today.year
        rep_member = self.p_member_rep.member_id
        plain_member = self.p_plain_member.member_id
        self.assertEqual(len(rep_member._mobilization_conversion_summary(year)), 1)
        self.assertEqual(rep_member._mobilization_conversion_summary(year)[0]["state"], "open")
        self.assertFalse(rep_member._mobilization_unqualified_ground(year), "an open conversion is no ground yet")
        converted = project.conversion_ids.filtered(lambda c: c.member_id == rep_member)
        converted.with_user(self.user_secretary).result_note = "Apologized to the village."
        converted.with_user(self.user_secretary).action_converted()
        self.assertFalse(rep_member._mobilization_unqualified_ground(year))
        failed = project.conversion_ids.filtered(lambda c: c.member_id == plain_member)
        failed.with_user(self.user_secretary).write({"result_note": "No change.", "handling": "talk_warning"})
        failed.with_user(self.user_secretary).action_handled()
        ground = plain_member._mobilization_unqualified_ground(year)
        self.assertIn(project.name, ground)
        self.assertFalse(plain_member._mobilization_unqualified_ground(year - 1))
        self.assertEqual(plain_member.status, "normal", "a warning talk changes no status")

        refused = self.p_member_user.member_id._mobilization_refused_batches(
            self.today - relativedelta(months=6), self.today)
        self.assertEqual(refused, self._participant(project, self.p_member_user))
        self.assertEqual(refused.batch_id.identity, "5")
        self.assertFalse(self.p_member_user.member_id._mobilization_refused_batches(
            self.today + relativedelta(days=1), self.today + relativedelta(months=6)))
        self.assertFalse(rep_member._mobilization_refused_batches(self.today - relativedelta(months=6), self.today))

    # ------------------------------------------------------------------ item 11
    def test_cadre_appraisal_of_the_year(self):
        project = self._close(self._new_project(), exemplary=(self.p_secretary, self.p_villager),
                              resisting=(self.p_village_committee,))
        Appraisal = self.env["party.mobilization.cadre.appraisal"]
        year = self.today.year
        commended = Appraisal.search([("person_id", "=", self.p_secretary.id), ("year", "=", year)])
        self.assertEqual(commended.outcome, "commended")
        self.assertEqual(commended.commendation_ids, project.commendation_ids.filtered(
            lambda c: c.person_id == self.p_secretary))
        self.assertFalse(Appraisal.search([("person_id", "=", self.p_villager.id)]),
                         "ordinary villagers have no cadre appraisal")
        self.assertFalse(Appraisal.search([("person_id", "=", self.p_village_committee.id)]),
                         "a downgrade note counts once the town confirms it")
        project.downgrade_ids.with_user(self.user_town).action_confirm()
        downgraded = self.p_village_committee.member_id._mobilization_cadre_appraisal(year)
        self.assertEqual(downgraded.person_id, self.p_village_committee)
        self.assertEqual((downgraded.outcome, downgraded.downgrade_count), ("downgraded", 1))
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            Appraisal.create({"person_id": self.p_village_committee.id, "year": year})

        # shown beside the democratic evaluation of the year (item 11): one line per record, for all the members
        members = self.p_village_committee.member_id | self.p_secretary.member_id | self.p_member_user.member_id
        side = members._evaluation_side_records(year)
        self.assertIn("1", side[self.p_village_committee.member_id.id][0])
        self.assertIn(dict(Appraisal._fields["outcome"]._description_selection(self.env))["downgraded"],
                      side[self.p_village_committee.member_id.id][0])
        self.assertIn(dict(Appraisal._fields["outcome"]._description_selection(self.env))["commended"],
                      side[self.p_secretary.member_id.id][0])
        self.assertFalse(members._evaluation_side_records(year - 1))
        if "party.evaluation.participant" in self.env:
            Participant = self.env["party.evaluation.participant"]
            self.assertIn("side_records", Participant._fields)

    # ------------------------------------------------------------------ item 13
    def test_roster_completeness(self):
        Person = self.env["party.mobilization.person"]
        missing = self.env["party.member"].create(self._member_vals("Unregistered Gao", self.village))
        project = self._new_project()
        self.assertEqual(project.missing_member_ids, missing)
        self.assertEqual(project.missing_member_count, 1)
        self._launch(project)
        self.assertIn("Unregistered Gao", project.message_ids.filtered(
            lambda m: "no villager record" in (m.body or ""))[:1].body)
        self.assertFalse(project.missing_member_ids, "no warning once the roster is published")

        count = Person.search_count([])
        with self._refused("registered twice"):
            Person.create({"name": "Wang again", "member_id": self.p_secretary.member_id.id,
                           "organization_id": self.other_village.id})
        Person.create({"name": "Ma Hong", "phone": "138 0000 1111", "organization_id": self.village.id})
        with self._refused("registered twice"):
            Person.create({"name": "Ma  hong", "phone": "13800001111", "organization_id": self.village.id})
        with self._refused("director"):
            Person.create({"name": "Second Director", "organization_id": self.village.id,
                           "is_village_director": True})
        with self._refused("director"):
            self.p_villager.is_village_director = True
        with self._refused("branch secretary"):
            self.p_plain_member.branch_secretary_role = True
        self.assertEqual(Person.search_count([]), count + 1, "nothing else saved")

    # ------------------------------------------------------------------ item 14
    def test_majority_of_those_entitled(self):
        self.assertFalse(vote_passes_on_basis(100, 150, 200), "100 of 200 entitled is not more than half")
        self.assertTrue(vote_passes_on_basis(101, 150, 200))
        self.assertTrue(vote_passes_on_basis(100, 150, 200, basis="attendees"))
        project = self._new_project()
        self.assertEqual(project.vote_majority_basis, "entitled")
        self._to_voting(project)
        vote = self._vote(project, votes_for=100, attendees=150)
        self.assertEqual((vote.eligible_count, vote.majority_basis, vote.result), (VILLAGE_SIZE, "entitled", "failed"))
        self.assertIn("entitled", project.message_ids[0].body)
        with self._refused("registered"):
            self.env["party.mobilization.vote"].with_user(self.user_secretary).create({
                "project_id": project.id, "eligible_count": VILLAGE_SIZE + 1, "attendee_count": 150})

        other = self._new_project(vote_majority_basis="attendees")
        self._to_voting(other)
        vote = self._vote(other, votes_for=100, attendees=150)
        self.assertEqual(vote.result, "passed")

    def test_batch_bulletin(self):
        project = self._new_project()
        self._launch(project)
        batch = project.batch_ids.sorted("sequence")[0]
        batch.participant_ids.action_done()
        html = self.env["ir.actions.report"]._render_qweb_html(
            "party_mobilization.action_report_mobilization_batch_bulletin", batch.ids)[0].decode()
        self.assertIn("Secretary Wang", html)
        self.assertIn("100.0 %", batch._bulletin_text())
        self.assertIn("1 of 1 people have done their part", html)

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.party_member_points.models.party_workflow import WORKFLOW
from odoo.addons.party_member_points.tests.test_integrity import load_zh_cn

from ..models.party_evaluation_ballot import ENTRY_TABLES
from .common import EXCELLENT, EvaluationCase

PERSON_MODELS = {"res.users", "res.partner", "party.member", "hr.employee"}


@tagged("post_install", "-at_install")
class TestBallotSecrecy(EvaluationCase):
    """Nothing lets anyone map a ballot to a voter: no field, relation, log, chatter message, timestamp, order of
    the records or export."""

    def _patterned_ballot(self, campaign, index, channel):
        """A ballot recognisable by its content: the ``index``-th evaluated member is graded Excellent."""
        evaluated = campaign.participant_ids.filtered("evaluated").sorted("id")
        return {"campaign_id": campaign.id, "voter_type": "member", "channel": channel, "line_ids": [
            Command.create({"participant_id": participant.id,
                            "grade": "excellent" if position == index else "qualified"})
            for position, participant in enumerate(evaluated)]}

    @staticmethod
    def _pattern(ballot):
        excellent = ballot.line_ids.filtered(lambda line: line.grade == "excellent").participant_id
        return sorted(ballot.campaign_id.participant_ids.filtered("evaluated").ids).index(excellent.id)

    def test_booth_ballots_are_sealed_then_shuffled(self):
        campaign = self._to_voting(self._campaign())
        Ballot = self.env["party.evaluation.ballot"].with_user(self.user_secretary)
        # ten voters go into the booth one after the other (everyone in the room sees who goes in)
        for index in range(10):
            Ballot.create(self._patterned_ballot(campaign, index, "booth"))
        admin = self.env.ref("base.user_admin")
        for user in (self.user_secretary, self.user_upper, admin):
            Seen = self.env["party.evaluation.ballot"].with_user(user)
            self.assertFalse(Seen.search([("campaign_id", "=", campaign.id)]), f"{user.login} sees sealed ballots")
            self.assertFalse(self.env["party.evaluation.ballot.line"].with_user(user)._read_group(
                [("campaign_id", "=", campaign.id)], ["participant_id", "grade"], ["__count"]))
        exported = self.env["party.evaluation.ballot"].with_user(admin).search(
            [("campaign_id", "=", campaign.id)]).export_data(["number", "line_ids/grade"])
        self.assertFalse(exported["datas"], "an export shows no sealed ballot")
        sealed = self.env["party.evaluation.ballot"].search([("campaign_id", "=", campaign.id)])
        with self.assertRaises(AccessError):
            sealed.with_user(admin).read(["number"])
        with self.assertRaises(AccessError):
            sealed.with_user(self.user_secretary).write({"spoiled": True})
        self.assertEqual(campaign.member_ballot_count, 10, "the count of ballots cast stays visible")
        cast_order = list(range(10))
        with freeze_time(self.meeting_date):
            campaign.action_tally()
        ballots = self.env["party.evaluation.ballot"].with_user(self.user_secretary).search(
            [("campaign_id", "=", campaign.id)])
        self.assertEqual(len(ballots), 10, "unsealed by the tally")
        self.assertFalse(ballots.filtered("sealed"))
        by_id = [self._pattern(ballot) for ballot in ballots.sorted("id")]
        by_number = [self._pattern(ballot) for ballot in ballots.sorted("number")]
        by_line = []
        for line in ballots.line_ids.filtered(lambda line: line.grade == "excellent").sorted("id"):
            by_line.append(self._pattern(line.ballot_id))
        self.assertEqual(sorted(by_id), cast_order, "every ballot is kept as cast")
        for order in (by_id, by_number, by_line):
            self.assertNotEqual(order, cast_order, "the order of the records gives away the order of voting")
        self.assertEqual(sum(campaign.participant_ids.mapped("member_excellent")), 10, "and all of them counted")

    def test_entering_ballots_leaves_no_trace(self):
        campaign = self._to_voting(self._campaign())
        Message = self.env["mail.message"].sudo()
        Tracking = self.env["mail.tracking.value"].sudo()
        messages, trackings = Message.search_count([]), Tracking.search_count([])
        activities = self.env["mail.activity"].sudo().search_count([])
        self.env.cr.postcommit.data.pop("party_evaluation_vacuum", None)
        Entry = self.env["party.evaluation.ballot.entry"].with_user(self.user_secretary).with_context(
            tracking_disable=False, mail_create_nolog=False, mail_notrack=False)
        action = campaign.with_user(self.user_secretary).with_context(
            tracking_disable=False, mail_notrack=False).action_open_ballot_entry()
        wizard = Entry.browse(action["res_id"])
        for _index in range(3):
            wizard.line_ids[:1].grade = "excellent"
            action = wizard.action_save_next()
            wizard = Entry.browse(action["res_id"])
        wizard.write({"channel": "booth"})
        wizard.action_save_close()
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.assertEqual(Message.search_count([]), messages, "no chatter message about a ballot")
        self.assertEqual(Tracking.search_count([]), trackings)
        self.assertEqual(self.env["mail.activity"].sudo().search_count([]), activities)
        self.assertFalse(self.env["party.evaluation.ballot.entry"].sudo().search([("campaign_id", "=", campaign.id)]),
                         "the entry screen keeps nothing")
        self.assertFalse(self.env["party.evaluation.ballot.entry.line"].sudo().search(
            [("participant_id.campaign_id", "=", campaign.id)]))
        # and once committed, the entry tables are rewritten: no old row version keeps the grades (the rewrite
        # itself is checked on a committed database by tests/test_concurrency.py)
        self.assertLessEqual(set(ENTRY_TABLES), self.env.cr.postcommit.data.get("party_evaluation_vacuum", set()))
        self.assertEqual(campaign.member_ballot_count, 4)

    def test_no_time_and_no_person_in_ballot_records(self):
        for model_name in ("party.evaluation.ballot", "party.evaluation.ballot.line"):
            Model = self.env[model_name]
            self.env.cr.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s",
                                [Model._table])
            columns = dict(self.env.cr.fetchall())
            self.assertFalse([name for name, kind in columns.items() if "time" in kind or kind == "date"],
                             f"{model_name} stores a date or a time")
            fields_to_export = [name for name, field in Model._fields.items() if field.store]
            exported = Model.with_user(self.env.ref("base.user_admin")).fields_get(fields_to_export)
            self.assertFalse([name for name, desc in exported.items() if desc.get("relation") in PERSON_MODELS])
        self.assertNotIn("message_ids", self.env["party.evaluation.ballot"]._fields)


@tagged("post_install", "-at_install")
class TestEvaluationIntegrity(EvaluationCase):
    """Tallied ballots, the branch resolution and the published results are never changed, by anyone."""

    def test_tallied_ballots_are_archived_as_they_are(self):
        campaign = self._to_tallied(self._campaign())
        ballot = campaign.ballot_ids[:1]
        admin = self.env.ref("base.user_admin")
        for env_ballot in (ballot.with_user(self.user_secretary), ballot.with_user(admin), ballot.sudo()):
            for vals in ({"spoiled": True}, {"voter_type": "public"},
                         {"line_ids": [Command.update(ballot.line_ids[0].id, {"grade": "unqualified"})]}):
                with self.assertRaises(UserError):
                    env_ballot.write(vals)
            with self.assertRaises(UserError):
                env_ballot.unlink()
            with self.assertRaises(UserError):
                env_ballot.line_ids[:1].write({"grade": "unqualified"})
        with self.assertRaises(UserError):
            self.env["party.evaluation.ballot"].with_user(self.user_secretary).create(
                self._ballot_vals(campaign, "member", 0))
        result = self.env["party.evaluation.ballot"].with_user(self.user_secretary).load(
            [".id", "spoiled"], [[str(ballot.id), "1"]])
        self.assertFalse(result["ids"])
        self.assertFalse(ballot.spoiled)

    def test_resolution_and_publication_cannot_be_bypassed_or_changed(self):
        campaign = self._to_tallied(self._campaign())
        as_secretary = campaign.with_user(self.user_secretary)
        # skipping the upper committee's approval by writing the state, with or without a forged flag
        for context in ({}, {"evaluation_system": True}):
            with self.assertRaises(UserError):
                as_secretary.with_context(**context).write({"state": "upper_approved"})
            with self.assertRaises(UserError):
                as_secretary.with_context(**context).write({"result_approver_id": self.user_upper.id})
        # injecting a member graded Unqualified with a removal after the vote
        with self.assertRaises(UserError):
            self.env["party.evaluation.participant"].with_user(self.user_secretary).create({
                "campaign_id": campaign.id, "member_id": self.other_member.id, "final_grade": "unqualified",
                "disposal": "removal"})
        campaign.action_propose()
        self._committee_grades(campaign)
        campaign.action_hear()
        campaign.participant_ids.filtered(lambda p: p._needs_hearing()).write({"heard": True})
        campaign.action_resolve()
        participant = self._participant(campaign, EXCELLENT[0]).with_user(self.user_secretary)
        for vals in ({"committee_grade": "unqualified"}, {"final_grade": "unqualified"}, {"disposal": "removal"}):
            with self.assertRaises(UserError):
                participant.write(vals)
        campaign.action_submit_results()
        with self.assertRaises(UserError):
            as_secretary.write({"resolution_note": "<p>rewritten</p>"})
        self._upper_talks(campaign)
        campaign.with_user(self.user_upper).action_approve_results()
        campaign.action_publish()
        for env_campaign in (as_secretary, campaign.with_user(self.env.ref("base.user_admin")), campaign.sudo()):
            with self.assertRaises(UserError):
                env_campaign.write({"meeting_location": "elsewhere"})
            with self.assertRaises(UserError):
                env_campaign.unlink()
        self.assertEqual(participant.final_grade, "excellent")

    def test_rectification_runs_its_full_term(self):
        rectification = self.env["party.evaluation.rectification"].create({
            "member_id": self.members[0].id, "problems": "Absent from meetings"})
        rectification.with_context(evaluation_system=WORKFLOW).state = "in_progress"
        as_secretary = rectification.with_user(self.user_secretary)
        with self.assertRaises(UserError):
            as_secretary.write({"deadline": self.today})
        with self.assertRaises(UserError):
            as_secretary.write({"state": "due"})
        as_secretary.write({"outcome": "removal", "outcome_reason": "No change"})
        with self.assertRaisesMsg(UserError, "runs until"):
            as_secretary.action_judge()
        self.assertEqual(self.members[0].status, "normal")

    def test_every_state_is_tracked_in_the_chatter(self):
        """Each workflow state of the suite is a tracked field of a model with a chatter."""
        untracked = []
        for name in self.env.registry:
            Model = self.env[name]
            if not name.startswith("party.") or Model._transient or Model._abstract or "state" not in Model._fields:
                continue
            if getattr(Model, "_party_ledger_aggregate", False):  # sums of the ledger kept by the database
                continue
            field = Model._fields["state"]
            if field.compute:  # derived from other tracked values (dues: from the amounts paid)
                continue
            announced_on = getattr(Model, "_party_state_announced_on", None)
            if announced_on:  # set in bulk and announced once in the chatter of a related record
                target = Model._fields[announced_on]
                if target.type != "many2one" or "message_ids" not in self.env[target.comodel_name]._fields:
                    untracked.append(name)
                continue
            if "message_ids" not in Model._fields or not getattr(field, "tracking", False):
                untracked.append(name)
        self.assertFalse(untracked, "states changed without a trace in the chatter")

    def test_grades_are_tracked_with_author_and_time(self):
        campaign = self._to_tallied(self._campaign())
        campaign.action_propose()
        self._committee_grades(campaign)
        participant = self._participant(campaign, EXCELLENT[0])
        self.env.flush_all()
        self.env.cr.precommit.run()
        participant.with_user(self.user_secretary).with_context(tracking_disable=False, mail_notrack=False).write(
            {"committee_grade": "qualified", "override_reason": "Fewer excellent votes than the others"})
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracking = self.env["mail.tracking.value"].sudo().search([
            ("mail_message_id.model", "=", participant._name), ("mail_message_id.res_id", "=", participant.id),
            ("field_id.name", "=", "committee_grade")])
        self.assertEqual(len(tracking), 1)
        self.assertEqual(tracking.mail_message_id.author_id, self.user_secretary.partner_id)
        self.assertTrue(tracking.mail_message_id.date <= fields.Datetime.now())


@tagged("post_install", "-at_install")
class TestBallotBadInput(EvaluationCase):

    def test_empty_foreign_and_excess_ballots(self):
        campaign = self._to_voting(self._campaign())
        Ballot = self.env["party.evaluation.ballot"].with_user(self.user_secretary)
        count = self.env["party.evaluation.ballot"].search_count([])
        with self.assertRaisesMsg(ValidationError, "every evaluated member"):
            Ballot.create({"campaign_id": campaign.id, "voter_type": "member"})
        vals = self._ballot_vals(campaign, "member", 0)
        vals["line_ids"] = vals["line_ids"][1:]
        with self.assertRaisesMsg(ValidationError, "every evaluated member"):
            Ballot.create(vals)
        other = self.env["party.evaluation.campaign"].create({"organization_id": self.other_branch.id,
                                                              "year": self.today.year})
        other.action_load_members()
        vals = self._ballot_vals(campaign, "member", 0)
        vals["line_ids"].append(Command.create({"participant_id": other.participant_ids[:1].id, "grade": "excellent"}))
        with self.assertRaisesMsg(ValidationError, "not evaluated in this campaign"):
            Ballot.create(vals)
        valid = Ballot.create(self._ballot_vals(campaign, "member", 1))
        with self.assertRaisesMsg(UserError, "changed on the ballot itself"):
            self.env["party.evaluation.ballot.line"].with_user(self.user_secretary).create({
                "ballot_id": valid.id, "participant_id": campaign.participant_ids.filtered("evaluated")[:1].id})
        capacity = campaign.present_count
        existing = campaign.member_ballot_count
        with self.assertRaisesMsg(ValidationError, "cannot outnumber the voters"):
            Ballot.create([self._ballot_vals(campaign, "member", i) for i in range(capacity - existing + 1)])
        self.assertEqual(self.env["party.evaluation.ballot"].search_count([]), count + 1,
                         "only the one valid ballot is saved")

    def test_messages_in_chinese(self):
        load_zh_cn(self.env)
        campaign = self._to_voting(self._campaign())
        Ballot = self.env["party.evaluation.ballot"].with_user(self.user_secretary).with_context(lang="zh_CN")
        with self.assertRaises(ValidationError) as caught:
            Ballot.create({"campaign_id": campaign.id, "voter_type": "member"})
        self.assertIn("有效票须对每名参评党员给出等次", str(caught.exception))
        with self.assertRaises(UserError) as caught:
            campaign.with_user(self.user_secretary).with_context(lang="zh_CN").write({"state": "published"})
        self.assertIn("不能编辑：状态", str(caught.exception))


@tagged("post_install", "-at_install")
class TestBallotGrades(EvaluationCase):
    """A ballot's grades are stored in its row and read as its lines (a view): given and corrected as One2many
    commands on the ballot while voting is open, never directly, and checked like lines."""

    def test_lines_read_and_corrected_through_the_ballot(self):
        campaign = self._to_voting(self._campaign())
        evaluated = campaign.participant_ids.filtered("evaluated").sorted("id")
        Ballot = self.env["party.evaluation.ballot"].with_user(self.user_secretary)
        ballot = Ballot.create(self._ballot_vals(campaign, "member", 0))
        self.assertEqual(ballot.line_ids.participant_id, evaluated, "one line per evaluated member")
        self.assertEqual(ballot.line_ids.ballot_id, ballot)
        self.assertEqual(set(ballot.line_ids.mapped("campaign_id")), {campaign})
        first = ballot.line_ids.filtered(lambda line: line.participant_id == evaluated[0])
        # the scrutineers correct a grade typed wrong, through the ballot
        ballot.write({"line_ids": [Command.update(first.id, {"grade": "unqualified"})]})
        self.assertEqual(ballot.line_ids.filtered(lambda line: line.participant_id == evaluated[0]).grade,
                         "unqualified")
        for vals, error, message in (
                ({"grades": {str(evaluated[0].id): "excellent"}}, UserError, "given as its lines"),
                ({"line_ids": [Command.update(first.id, {"participant_id": evaluated[1].id})]}, UserError,
                 "Only the grade"),
                ({"line_ids": [Command.update(first.id, {"grade": "perfect"})]}, ValidationError,
                 "not a grade of the ballot"),
                ({"line_ids": [Command.create({"participant_id": evaluated[0].id, "grade": "basic"})]},
                 ValidationError, "each member once"),
                ({"line_ids": [Command.delete(first.id)]}, ValidationError, "every evaluated member"),
                ({"line_ids": [Command.update(first.id + 1_000_000_000, {"grade": "basic"})]}, UserError,
                 "not one of the ballot's")):
            with self.subTest(vals=vals), self.assertRaisesMsg(error, message):
                ballot.write(vals)
        self.assertEqual(ballot.line_ids.filtered(lambda line: line.participant_id == evaluated[0]).grade,
                         "unqualified", "nothing of a refused correction is saved")
        vals = self._ballot_vals(campaign, "member", 1)
        for bad, error, message in (
                ({"grades": {}}, UserError, "given as its lines"),
                ({"line_ids": vals["line_ids"] + [Command.create({"participant_id": 0, "grade": "basic"})]},
                 ValidationError, "grades an evaluated member"),
                ({"line_ids": vals["line_ids"][:-1] + [Command.create({"participant_id": 10 ** 9})]},
                 ValidationError, "not evaluated in this campaign")):
            with self.subTest(vals=bad), self.assertRaisesMsg(error, message):
                Ballot.create(dict(vals, **bad))
        # spoiled: its grades are gone
        ballot.write({"spoiled": True})
        self.assertFalse(ballot.line_ids)
        self.assertFalse(ballot.sudo().grades)
        with self.assertRaisesMsg(UserError, "changed on the ballot itself"):
            first.sudo().write({"grade": "excellent"})
        with self.assertRaisesMsg(UserError, "changed on the ballot itself"):
            first.sudo().unlink()

    def test_the_tally_counts_the_stored_grades(self):
        campaign = self._to_voting(self._campaign())
        evaluated = campaign.participant_ids.filtered("evaluated").sorted("id")
        self._cast_ballots(campaign)  # 27 valid member ballots, 11 public ones, one spoiled of each

        def contents():
            return sorted((ballot.voter_type, sorted((ballot.grades or {}).items()))
                          for ballot in campaign.ballot_ids.sudo())

        before = contents()
        with freeze_time(self.meeting_date):
            campaign.action_tally()
        self.assertEqual(contents(), before, "the tally moves whole ballots among their rows, it changes no grade")
        lines = self.env["party.evaluation.ballot.line"].sudo().search([("campaign_id", "=", campaign.id)])
        self.assertEqual(len(lines), (27 + 11) * len(evaluated), "a spoiled ballot has no line")
        for participant in evaluated:
            for voter_type, valid in (("member", 27), ("public", 11)):
                counted = sum(participant[f"{voter_type}_{grade}"]
                              for grade in ("excellent", "qualified", "basic", "unqualified", "abstain"))
                self.assertEqual(counted, valid, f"{participant.member_name}: every valid ballot counted once")
            self.assertEqual(participant.member_excellent, len(lines.filtered(
                lambda line, p=participant: line.participant_id == p and line.voter_type == "member"
                and line.grade == "excellent")))

    def test_lines_of_an_older_database_move_into_the_ballots(self):
        """A database from before the grades were stored in the ballot row keeps its ballot lines in a table: at
        the module's update they move into their ballots, and the table becomes the view."""
        campaign = self._to_voting(self._campaign())
        ballots = self._cast_ballots(campaign, members=3, member_spoiled=0, public=1, public_spoiled=0).sudo()
        expected = {ballot.id: ballot.grades for ballot in ballots}
        cr = self.env.cr
        self.env.flush_all()
        # the older layout: a table of lines, the ballots without their grades
        cr.execute("CREATE TABLE party_evaluation_ballot_line_old AS SELECT id, ballot_id, participant_id, grade, "
                   "campaign_id, company_id, round, voter_type, spoiled FROM party_evaluation_ballot_line")
        cr.execute("DROP VIEW party_evaluation_ballot_line")
        cr.execute("ALTER TABLE party_evaluation_ballot_line_old RENAME TO party_evaluation_ballot_line")
        cr.execute("UPDATE party_evaluation_ballot SET grades = NULL WHERE id = ANY(%s)", [ballots.ids])
        self.env.invalidate_all()
        self.env["party.evaluation.ballot.line"].init()
        cr.execute("SELECT relkind FROM pg_class WHERE relname = 'party_evaluation_ballot_line'")
        self.assertEqual(cr.fetchone()[0], "v")
        self.env.invalidate_all()
        self.assertEqual({ballot.id: ballot.grades for ballot in ballots}, expected)
        self.assertEqual(len(ballots.line_ids), 4 * len(campaign.participant_ids.filtered("evaluated")))

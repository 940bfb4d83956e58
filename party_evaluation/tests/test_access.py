from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import EXCELLENT, WITH_LOGIN, EvaluationCase


@tagged("post_install", "-at_install")
class TestConfidentiality(EvaluationCase):
    """Evaluation materials are confidential (DOMAIN.md 5) and ballots are secret."""

    def test_ballot_has_no_path_to_a_voter(self):
        person_models = {"res.users", "res.partner", "party.member", "hr.employee"}
        for model_name in ("party.evaluation.ballot", "party.evaluation.ballot.line"):
            Model = self.env[model_name]
            self.assertFalse(Model._log_access, f"{model_name} must not log who created or wrote it")
            for name in ("create_uid", "create_date", "write_uid", "write_date", "message_ids",
                         "message_follower_ids", "activity_ids"):
                self.assertNotIn(name, Model._fields, f"{model_name}.{name} could tie a ballot to a person")
            links = {name: field.comodel_name for name, field in Model._fields.items() if field.relational}
            self.assertFalse({name for name, comodel in links.items() if comodel in person_models},
                             f"{model_name} has a field pointing to a person")
            # what the export dialog offers is what fields_get offers, for the administrator too
            exportable = Model.with_user(self.env.ref("base.user_admin")).fields_get()
            self.assertFalse({name for name, desc in exportable.items() if desc.get("relation") in person_models})
            self.env.cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s",
                                [Model._table])
            columns = {row[0] for row in self.env.cr.fetchall()}
            self.assertFalse(columns & {"create_uid", "create_date", "write_uid", "write_date"})
        # the only person reachable from a ballot line is the member being evaluated, not the voter
        line_field = self.env["party.evaluation.ballot.line"]._fields["participant_id"]
        self.assertEqual(line_field.comodel_name, "party.evaluation.participant")
        Participant = self.env["party.evaluation.participant"]
        self.assertFalse([name for name, field in Participant._fields.items()
                          if field.relational and field.comodel_name == "party.evaluation.ballot"],
                         "no link from a participant to the ballots they cast")

    def test_ballot_entry_wizard(self):
        campaign = self._to_voting(self._campaign())
        Entry = self.env["party.evaluation.ballot.entry"].with_user(self.user_secretary)
        action = campaign.action_open_ballot_entry()
        wizard = Entry.browse(action["res_id"])
        self.assertEqual(len(wizard.line_ids), 33, "one line per evaluated member")
        with Form(wizard) as form:
            with form.line_ids.edit(0) as line:
                line.grade = "excellent"
        wizard.with_context(fill_grade="qualified").action_fill_blanks()
        self.assertEqual(wizard.line_ids.mapped("grade").count("qualified"), 32)
        next_action = wizard.action_save_next()
        self.assertFalse(wizard.exists(), "the entry screen keeps nothing once the ballot is saved")
        ballot = campaign.ballot_ids
        self.assertEqual(len(ballot), 1)
        self.assertEqual(ballot.number, 1)
        self.assertEqual(ballot.line_ids.mapped("grade").count("excellent"), 1)
        following = Entry.browse(next_action["res_id"])
        self.assertEqual(following.campaign_id, campaign)
        self.assertEqual(following.next_number, 2)
        self.assertEqual(following.member_progress, "1 / 28 paper ballots, 27 still allowed")
        following.write({"spoiled": True, "voter_type": "public"})
        following.action_save_close()
        self.assertEqual(campaign.public_spoiled_count, 1)
        self.assertEqual(len(campaign.ballot_ids), 2)
        # from the menu: a new entry screen where the scrutineer picks the campaign
        with Form(Entry.with_context(ballot_entry_target="new")) as form:
            form.campaign_id = campaign
            self.assertEqual(len(form.line_ids), 33)
            for index in range(3):
                with form.line_ids.edit(index) as line:
                    line.grade = "unqualified"
        form.record.action_save_next()
        third = campaign.ballot_ids.filtered(lambda b: b.number == 3)
        self.assertEqual(third.line_ids.mapped("grade").count("unqualified"), 3)
        self.assertEqual(third.line_ids.mapped("grade").count("abstain"), 30, "blank lines count as abstentions")

    def test_officer_of_another_branch_sees_nothing(self):
        campaign = self._to_tallied(self._campaign())
        for model in ("party.evaluation.campaign", "party.evaluation.participant", "party.evaluation.ballot",
                      "party.evaluation.ballot.line"):
            Model = self.env[model].with_user(self.user_other)
            self.assertEqual(Model.search_count([]), 0, f"{model} must be hidden from another branch")
            self.assertGreater(self.env[model].with_user(self.user_upper).search_count([]), 0,
                               f"the upper committee sees {model}")
        with self.assertRaises(AccessError):
            campaign.with_user(self.user_other).read(["name"])

    def test_member_sees_own_published_result_only(self):
        campaign = self._to_tallied(self._campaign())
        Participant = self.env["party.evaluation.participant"].with_user(self.user_member)
        self.assertEqual(Participant.search_count([]), 0, "nothing before publication")
        with self.assertRaises(AccessError):
            self.env["party.evaluation.ballot"].with_user(self.user_member).search([])
        self._tallied_to_published(campaign)
        own = Participant.search([])
        self.assertEqual(own.member_id, self.members[WITH_LOGIN])
        self.assertEqual(own.read(["final_grade"])[0]["final_grade"], "qualified")
        with self.assertRaises(AccessError):
            own.read(["member_excellent"])
        with self.assertRaises(AccessError):
            own.read(["opinions"])
        other = campaign.participant_ids.filtered(lambda p: p.member_id == self.members[EXCELLENT[0]])
        with self.assertRaises(AccessError):
            other.with_user(self.user_member).read(["final_grade"])
        with self.assertRaises(AccessError):
            self.env["party.evaluation.ballot.line"].with_user(self.user_member).search([])
        self.assertEqual(self.env["party.evaluation.campaign"].with_user(self.user_member).search([]), campaign)

    def test_tally_queries_do_not_grow_with_ballots(self):
        campaign = self._to_voting(self._campaign())
        self._cast_ballots(campaign)
        evaluated = campaign.participant_ids.filtered("evaluated")
        self.env.invalidate_all()
        # one grouped query for all ballots, then one update per member
        with self.assertQueryCount(__system__=len(evaluated) + 10):
            evaluated.sudo()._compute_tally()

    def test_reports_render(self):
        campaign = self._to_tallied(self._campaign())
        Report = self.env["ir.actions.report"]
        for xmlid in ("party_evaluation.action_report_ballot_member", "party_evaluation.action_report_ballot_public",
                      "party_evaluation.action_report_tally", "party_evaluation.action_report_results"):
            html, kind = Report._render_qweb_html(xmlid, campaign.ids)
            self.assertEqual(kind, "html")
            self.assertIn(self.members[EXCELLENT[0]].name, html.decode())
        report = self.env.ref("party_evaluation.action_report_tally")
        self.assertEqual(report.paperformat_id.format, "A4")
        low = campaign.participant_ids.filtered(lambda p: p.proposed_grade == "unqualified")[:1]
        # a grade notice states the approved result: refused before the upper committee's approval
        with self.assertRaisesMsg(UserError, "once the upper committee has approved"):
            Report._render_qweb_html("party_evaluation.action_report_grade_notice", low.ids)

    def test_views_open_for_each_role(self):
        """The screens of each menu load for the roles that reach them."""
        officer_actions = ["party_evaluation_campaign_action", "party_evaluation_participant_action",
                           "party_evaluation_ballot_action", "party_evaluation_rectification_action",
                           "party_evaluation_issue_action", "party_evaluation_result_action",
                           "party_evaluation_ballot_entry_action"]
        for user in (self.user_secretary, self.user_upper):
            for xmlid in officer_actions:
                action = self.env.ref(f"party_evaluation.{xmlid}")
                views = [(False, mode) for mode in action.view_mode.split(",")]
                result = self.env[action.res_model].with_user(user).get_views(views)
                self.assertTrue(result["views"], xmlid)
        action = self.env.ref("party_evaluation.party_evaluation_my_result_action")
        result = self.env[action.res_model].with_user(self.user_member).get_views(
            [(view.view_id.id, view.view_mode) for view in action.view_ids])
        arch = result["views"]["list"]["arch"]
        self.assertIn("final_grade", arch)
        self.assertNotIn("member_excellent", arch)

    def test_demo_campaign(self):
        campaign = self.env.ref("party_evaluation.demo_campaign_dongshan", raise_if_not_found=False)
        if not campaign:
            self.skipTest("demo data not loaded")
        self.assertEqual(campaign.state, "preparation")
        self.assertEqual(campaign.organization_id, self.env.ref("party_member_points.demo_org_dongshan"))
        self.assertGreater(campaign.evaluated_count, 10)
        self.assertTrue(campaign.participant_ids.filtered("is_probationary"))

    def test_upper_decisions_need_a_real_upper_organization(self):
        """A branch without a parent has no upper committee: the decisions of the upper level are refused (the
        administrator included) with a message asking for the parent, never taken by the branch itself."""
        campaign = self._campaign()
        self.branch.parent_id = False  # the administrator left the parent empty
        with self.assertRaisesRegex(UserError, "no upper organization.*parent organization"):
            campaign._upper_user()
        for user in (self.user_secretary, self.env.ref("base.user_admin")):
            with self.assertRaisesRegex(UserError, "no upper organization"):
                campaign.with_user(user)._check_upper()

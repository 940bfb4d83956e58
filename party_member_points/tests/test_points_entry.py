from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, freeze_time, tagged
from odoo.addons.party_member_points.tools.clock import party_today

from .test_points_common import PartyPointsCase


@tagged("post_install", "-at_install")
class TestPointsApi(PartyPointsCase):
    """The contract used by party_evaluation and party_mobilization."""

    def test_post_automatic_creates_posted_entry_with_source(self):
        entry = self.Entry._post_automatic(self.alice, "evaluation_excellent", source=self.alice,
                                           date=date(self.YEAR, 12, 20), description="Evaluation 2025")
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry.state, "posted")
        self.assertEqual(entry.points, 20.0)
        self.assertEqual(entry.source_ref, self.alice)
        self.assertEqual(entry.name, "Evaluation 2025")
        self.assertEqual(entry.component_id, self.c_bonus)
        self.assertTrue(entry.is_automatic)
        self.assertEqual(entry.proposer_id, self.env.user)
        self.assertEqual(entry.approver_id, self.env.user)
        self.assertTrue(entry.approval_date)
        again = self.Entry._post_automatic(self.alice, "evaluation_excellent", source=self.alice)
        self.assertEqual(again, entry, "the same rule is never posted twice for the same source")
        self.assertEqual(self.Entry.search_count([("member_id", "=", self.alice.id)]), 1)

    def test_default_scheme_ships_contract_codes(self):
        member = self._member("Default Scheme Member", org=self.default_branch)
        self.assertEqual(self.default_branch._get_points_scheme(), self.default_scheme)
        expected = {"evaluation_excellent": 20, "evaluation_qualified": 15, "evaluation_basic": 10,
                    "evaluation_unqualified": 0, "mobilization_commendation": 5, "mobilization_resisting": -5}
        for code, points in expected.items():
            entry = self.Entry._post_automatic(member, code, date=date(self.YEAR, 6, 1))
            self.assertEqual((entry.rule_id.code, entry.points, entry.state), (code, points, "posted"))
        automatic = set(expected) | {"attendance", "absence_unexcused", "leave_work", "leave_personal",
                                     "dues_on_time", "dues_late"}
        for scheme in ("scheme_p4", "scheme_p8", "scheme_p9"):
            codes = set(self.env.ref(f"party_member_points.{scheme}").rule_ids.mapped("code"))
            self.assertLessEqual(automatic, codes, f"{scheme} has every automatic rule")

    def test_points_override_and_unknown_code(self):
        entry = self.Entry._post_automatic(self.bob, "evaluation_excellent", points=7.0)
        self.assertEqual(entry.points, 7.0)
        with self.assertRaises(UserError):
            self.Entry._post_automatic(self.bob, "no_such_rule")


@tagged("post_install", "-at_install")
class TestPointsCaps(PartyPointsCase):

    def test_rule_cap_exactly_reached_then_refused(self):
        first = self._post(self.alice, self.r_capped)
        second = self._post(self.alice, self.r_capped)
        self.assertEqual((first.points, second.points), (4.0, 4.0))
        third = self._post(self.alice, self.r_capped, points=2.0)
        self.assertEqual(third.points, 2.0, "the cap of 10 is reached exactly")
        self.assertFalse(third.cap_note)
        self.assertFalse(self._post(self.alice, self.r_capped), "the cap is reached: nothing is posted")
        self.assertEqual(self._total(self.alice, self.c_study), 10.0)
        # a manual entry is refused with a clear message, and stays a draft
        draft = self.Entry.create({"member_id": self.alice.id, "rule_id": self.r_capped.id,
                                   "date": date(self.YEAR, 5, 1)})
        with self.assertUserError("cap is already reached"):
            draft.action_post()
        self.assertEqual(draft.state, "draft")
        self.assertEqual(self._total(self.alice, self.c_study), 10.0)

    def test_claim_over_component_maximum_is_cut(self):
        for _i in range(3):
            self._post(self.alice, self.r_act)
        self.assertEqual(self._total(self.alice, self.c_life), 9.0)
        draft = self.Entry.with_user(self.user_leader).create({
            "member_id": self.alice.id, "rule_id": self.r_act.id, "date": date(self.YEAR, 4, 2)})
        draft.with_user(self.user_secretary).action_post()
        self.assertEqual(draft.state, "posted")
        self.assertEqual(draft.requested_points, 3.0)
        self.assertEqual(draft.points, 1.0, "cut to the component maximum of 10")
        self.assertIn("Cut from 3 to 1", draft.cap_note)
        self.assertIn("Cut from 3 to 1", draft.message_ids[:1].body)
        self.assertEqual(self._total(self.alice, self.c_life), 10.0, "never overshot")
        self.assertFalse(self._post(self.alice, self.r_act))

    def test_reversal_of_capped_entry_frees_room(self):
        entries = self.Entry
        for _i in range(4):
            entries |= self._post(self.alice, self.r_act)
        self.assertEqual(entries.mapped("points"), [3.0, 3.0, 3.0, 1.0])
        self.assertFalse(self._post(self.alice, self.r_act))
        capped = entries[-1]
        with self.assertRaises(UserError):
            capped.with_user(self.user_secretary)._reverse("   ")
        reversal = capped.with_user(self.user_secretary)._reverse("Recorded twice")
        self.assertEqual((reversal.points, reversal.state, reversal.reversed_entry_id), (-1.0, "posted", capped))
        self.assertTrue(capped.is_reversed)
        self.assertEqual(capped.reversal_reason, "Recorded twice")
        self.assertEqual(self._total(self.alice, self.c_life), 9.0)
        again = self._post(self.alice, self.r_act)
        self.assertEqual(again.points, 1.0, "the room of the reversed entry is free again")
        entries[0].with_user(self.user_secretary)._reverse("Wrong member")
        self.assertEqual(self._post(self.alice, self.r_act).points, 3.0)
        self.assertEqual(self._total(self.alice, self.c_life), 10.0)
        with self.assertRaises(UserError, msg="an entry is reversed once"):
            capped.with_user(self.user_secretary)._reverse("again")
        with self.assertRaises(UserError, msg="a reversal is not reversed"):
            reversal.with_user(self.user_secretary)._reverse("again")

    def test_count_limit_per_month(self):
        self._post(self.alice, self.r_twice, day=date(self.YEAR, 3, 3))
        self._post(self.alice, self.r_twice, day=date(self.YEAR, 3, 20))
        self.assertFalse(self._post(self.alice, self.r_twice, day=date(self.YEAR, 3, 31)))
        self.assertEqual(self._post(self.alice, self.r_twice, day=date(self.YEAR, 4, 1)).points, 5.0)

    def test_deduction_floor_applies_to_the_annual_figure_not_at_posting(self):
        """扣完为止 (deduct until nothing is left) is a floor of the year's figure: every deduction is posted as it
        happened, none is refused or cut, and the component's figure of the year stops at zero."""
        self._post(self.bob, self.r_capped)
        self._post(self.bob, self.r_capped)  # study = 8
        deductions = [self._post(self.bob, self.r_deduct), self._post(self.bob, self.r_deduct, points=-6.0),
                      self._post(self.bob, self.r_deduct)]
        self.assertEqual([entry.points for entry in deductions], [-4.0, -6.0, -4.0], "posted as they happened")
        self.assertFalse(any(entry.cap_note for entry in deductions))
        self.assertEqual(self._total(self.bob, self.c_study), -6.0, "the ledger keeps every deduction")
        result = self.env["party.points.result"]._compute_year(self.YEAR, self.bob)
        study = result.line_ids.filtered(lambda line: line.component_id == self.c_study)
        self.assertEqual(study.points, 0.0, "the component's figure of the year stops at zero")

    def test_deduction_floor_total_is_the_same_whatever_the_order_of_events(self):
        """Earnings and deductions recorded in any order give the same year: the maximum of a component is
        measured on the points earned, the floor on the year's figure."""
        first, second = self._member("First Order"), self._member("Second Order")
        for day in (1, 2, 3, 4):
            self._post(first, self.r_act, day=date(self.YEAR, 2, day))
        self._post(first, self.r_capped, day=date(self.YEAR, 2, 5))
        self._post(first, self.r_deduct, day=date(self.YEAR, 2, 6), points=-8.0)
        self._post(second, self.r_deduct, day=date(self.YEAR, 2, 1), points=-8.0)
        self._post(second, self.r_capped, day=date(self.YEAR, 2, 2))
        for day in (3, 4, 5, 6):
            self._post(second, self.r_act, day=date(self.YEAR, 2, day))
        self.assertEqual(self._total(first), self._total(second))
        self.assertEqual(self._total(first, self.c_life), 10.0, "the maximum of Life is reached in both orders")
        results = self.env["party.points.result"]._compute_year(self.YEAR, first | second)
        self.assertEqual(results[0].total, results[1].total)

    def test_total_floor_of_default_scheme(self):
        member = self._member("Floor Member", org=self.default_branch)
        self.Entry._post_automatic(member, "mobilization_commendation", date=date(self.YEAR, 2, 1))
        entry = self.Entry._post_automatic(member, "absence_unexcused", date=date(self.YEAR, 2, 2))
        self.assertEqual(entry.points, -5.0)
        again = self.Entry._post_automatic(member, "absence_unexcused", date=date(self.YEAR, 2, 3))
        self.assertEqual(again.points, -5.0, "a deduction is never refused: the floor is the year's")
        result = self.env["party.points.result"]._compute_year(self.YEAR, member)
        self.assertEqual(result.total, 0.0, "the total of the year stops at zero (扣完为止)")

    def test_batch_of_many_members_and_caps_across_the_batch(self):
        members = self.alice | self.bob | self.own
        items = [{"member": m, "rule_code": "activity", "date": date(self.YEAR, 1, d)} for m in members
                 for d in (1, 2, 3, 4, 5)]
        entries = self.Entry._post_automatic_multi(items)
        self.assertEqual(len(entries), 12, "3 full entries and one cut per member; the fifth is refused")
        for member in members:
            self.assertEqual(self._total(member, self.c_life), 10.0)


@tagged("post_install", "-at_install")
class TestPointsImmutable(PartyPointsCase):

    def test_posted_entry_cannot_change_or_be_deleted(self):
        entry = self._post(self.alice, self.r_act)
        with self.assertUserError("cannot be changed"):
            entry.write({"points": 10.0})
        with self.assertRaises(UserError):
            entry.with_user(self.user_secretary).write({"date": date(self.YEAR, 1, 5)})
        with self.assertRaises(UserError):
            entry.unlink()
        entry.invalidate_recordset()
        self.assertEqual((entry.points, entry.date, entry.state), (3.0, date(self.YEAR, 3, 1), "posted"))
        entry.message_post(body="comment")  # the chatter stays open

    def test_state_only_through_buttons(self):
        draft = self.Entry.create({"member_id": self.alice.id, "rule_id": self.r_act.id})
        with self.assertRaises(UserError):
            draft.write({"state": "posted"})
        with self.assertRaises(UserError):
            self.Entry.create({"member_id": self.alice.id, "rule_id": self.r_act.id, "state": "posted"})
        self.assertEqual(draft.state, "draft")

    def test_rule_of_another_scheme_refused(self):
        other_rule = self.default_scheme.rule_ids.filtered(lambda r: r.code == "volunteer")
        with self.assertRaises(ValidationError):
            self.Entry.with_user(self.user_secretary).create({"member_id": self.alice.id,
                                                              "rule_id": other_rule.id})

    def test_points_of_fixed_and_variable_rules(self):
        entry = self.Entry.create({"member_id": self.alice.id, "rule_id": self.r_act.id, "points": 99})
        self.assertEqual(entry.points, 3.0, "a fixed rule gives its own points")
        self.r_capped.allow_custom_points = True
        entry = self.Entry.create({"member_id": self.alice.id, "rule_id": self.r_capped.id, "points": 2})
        self.assertEqual(entry.points, 2.0)
        with self.assertRaises(ValidationError):
            self.Entry.create({"member_id": self.alice.id, "rule_id": self.r_capped.id, "points": 5})
        claim = self.Entry.with_user(self.user_member).create({"member_id": self.own.id, "rule_id": self.r_free.id})
        with self.assertRaises(ValidationError, msg="a member cannot raise the points of a fixed item"):
            claim.write({"points": 50.0})
        self.assertEqual(claim.points, 1.0)


@tagged("post_install", "-at_install")
class TestPointsClaims(PartyPointsCase):

    def test_member_claim_with_evidence_approved_by_secretary(self):
        Entry = self.Entry.with_user(self.user_member)
        with Form(Entry) as form:
            form.member_id = self.own
            form.rule_id = self.r_claim
            form.name = "Volunteer at the elderly home"
            form.date = party_today(self.env)
        claim = form.record
        self.assertEqual(claim.state, "draft")
        self.assertEqual(claim.proposer_id, self.user_member)
        with self.assertUserError("needs evidence"):
            claim.action_submit()
        upload = self.env["ir.attachment"].with_user(self.user_member).create({"name": "proof.txt", "raw": b"proof"})
        claim.attachment_ids = [Command.set(upload.ids)]
        claim.action_submit()
        self.assertEqual(claim.state, "submitted")
        self.assertEqual((upload.res_model, upload.res_id), (claim._name, claim.id), "the evidence is bound")
        self.assertEqual(claim.with_user(self.user_secretary).attachment_ids.read(["name"])[0]["name"], "proof.txt",
                         "the approver reads the member's evidence")
        activity = claim.sudo().activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_secretary, "the branch secretary approves")
        self.assertEqual(activity.activity_type_id,
                         self.env.ref("party_member_points.mail_activity_type_points_approval"))
        with self.assertRaises(AccessError):
            claim.action_approve()
        with self.assertRaises(AccessError, msg="another branch's secretary cannot decide"):
            claim.with_user(self.user_other_secretary).action_approve()
        claim.with_user(self.user_secretary).action_approve()
        self.assertEqual(claim.state, "posted")
        self.assertEqual(claim.approver_id, self.user_secretary)
        self.assertTrue(claim.approval_date)
        self.assertFalse(claim.sudo().activity_ids, "the activity is marked done")
        self.assertTrue(claim.sudo().message_ids.filtered(lambda m: "Approved" in (m.body or "")))

    def test_rejection_needs_reason(self):
        claim = self.Entry.with_user(self.user_member).create({
            "member_id": self.own.id, "rule_id": self.r_free.id, "date": party_today(self.env)})
        claim.action_submit()
        wizard = self.env["party.points.reject.wizard"].with_user(self.user_secretary).create({
            "entry_ids": [Command.set(claim.ids)], "reason": " "})
        with self.assertRaises(UserError):
            wizard.action_reject()
        self.assertEqual(claim.state, "submitted")
        wizard.reason = "No proof of the activity"
        wizard.action_reject()
        self.assertEqual(claim.state, "rejected")
        self.assertEqual(claim.reject_reason, "No proof of the activity")
        self.assertFalse(claim.sudo().activity_ids)
        with self.assertRaises(UserError):
            claim.with_user(self.user_member).unlink()

    def test_member_claims_only_for_self_and_claimable_rules(self):
        Entry = self.Entry.with_user(self.user_member)
        with self.assertRaises(AccessError):
            Entry.create({"member_id": self.alice.id, "rule_id": self.r_free.id})
        with self.assertRaises(AccessError, msg="an item recorded by leaders only"):
            Entry.create({"member_id": self.own.id, "rule_id": self.r_act.id})
        with self.assertRaises(AccessError, msg="an officer item"):
            self.Entry.with_user(self.user_leader).create({"member_id": self.alice.id,
                                                           "rule_id": self.r_officer.id})
        with self.assertRaises(AccessError, msg="automatic items are never recorded by hand"):
            self.Entry.with_user(self.user_secretary).create({"member_id": self.alice.id,
                                                              "rule_id": self.r_big.id})
        self.assertFalse(self.Entry.search([("member_id", "in", (self.alice | self.own).ids)]))

    def test_member_withdraws_and_edits_draft(self):
        claim = self.Entry.with_user(self.user_member).create({
            "member_id": self.own.id, "rule_id": self.r_free.id, "date": party_today(self.env)})
        claim.action_submit()
        with self.assertRaises(UserError):
            claim.write({"name": "changed while waiting"})
        claim.action_withdraw()
        self.assertEqual(claim.state, "draft")
        self.assertFalse(claim.sudo().activity_ids)
        claim.write({"name": "Changed"})
        claim.unlink()

    def test_late_claim_needs_two_witnesses(self):
        # mid-year of the test clock: a claim two months old is late and still of the current year
        with freeze_time(f"{party_today(self.env).year}-06-15 04:00:00"):
            self._late_claim_needs_two_witnesses()

    def _late_claim_needs_two_witnesses(self):
        claim = self.Entry.with_user(self.user_member).create({
            "member_id": self.own.id, "rule_id": self.r_free.id,
            "date": party_today(self.env) - timedelta(days=60)})
        with self.assertUserError("two party members"):
            claim.action_submit()
        # typed names are no witnesses: two full members of the branch chosen in the register are
        claim.witness_names = "Alice、Bob"
        with self.assertUserError("two party members"):
            claim.action_submit()
        # the claimant does not witness their own claim, nor does a member of another branch
        with self.assertRaisesRegex(ValidationError, "own claim"):
            claim.sudo().witness_ids = [Command.set((self.alice | self.own).ids)]
        stranger = self._member("Stranger", org=self.other_branch)
        with self.assertRaisesRegex(ValidationError, "same branch"):
            claim.sudo().witness_ids = [Command.set((self.alice | stranger).ids)]
        claim.sudo().witness_ids = [Command.set(self.alice.ids)]
        with self.assertUserError("two party members"):
            claim.action_submit()
        claim.sudo().witness_ids = [Command.set((self.alice | self.bob).ids)]
        claim.action_submit()
        self.assertEqual(claim.state, "submitted")

    def test_secretary_own_claim_goes_to_upper_committee(self):
        secretary_member = self._member("Secretary Member", user_id=self.user_secretary.id)
        claim = self.Entry.with_user(self.user_secretary).create({
            "member_id": secretary_member.id, "rule_id": self.r_free.id, "date": party_today(self.env)})
        claim.action_submit()
        self.assertEqual(claim.sudo().activity_ids.user_id, self.user_upper)
        with self.assertRaises(AccessError):
            claim.with_user(self.user_secretary).action_approve()
        claim.with_user(self.user_upper).action_approve()
        self.assertEqual(claim.state, "posted")


@tagged("post_install", "-at_install")
class TestPointsBatch(PartyPointsCase):

    def test_leader_batch_submits_one_entry_per_member(self):
        members = self.own | self.alice
        wizard = self.env["party.points.batch.wizard"].with_user(self.user_leader).create({
            "organization_id": self.group1.id, "scheme_id": self.scheme.id, "rule_id": self.r_act.id,
            "date": date(self.YEAR, 5, 4), "description": "Group study", "member_ids": [Command.set(members.ids)]})
        self.assertFalse(wizard.will_post)
        wizard.action_load_members()
        self.assertEqual(wizard.member_ids, members, "members of the party group who earn points")
        wizard.action_record()
        entries = self.Entry.search([("rule_id", "=", self.r_act.id)])
        self.assertEqual(len(entries), 2)
        self.assertEqual(set(entries.mapped("state")), {"submitted"})
        self.assertEqual(set(entries.mapped("name")), {"Group study"})
        self.assertEqual(entries.sudo().activity_ids.user_id, self.user_secretary)
        entries.with_user(self.user_secretary).action_approve()
        self.assertEqual(set(entries.mapped("state")), {"posted"})

    def test_officer_batch_posts_at_once_and_refuses_members_at_cap(self):
        members = self.alice | self.bob | self._member("Carol") | self._member("Dan")
        wizard = self.env["party.points.batch.wizard"].with_user(self.user_secretary).create({
            "scheme_id": self.scheme.id, "rule_id": self.r_act.id, "date": date(self.YEAR, 5, 4),
            "member_ids": [Command.set(members.ids)]})
        self.assertTrue(wizard.will_post)
        with self.assertQueryCount(400):
            wizard.action_record()
        self.assertEqual(self.Entry.search_count([("rule_id", "=", self.r_act.id), ("state", "=", "posted")]), 4)
        for _i in range(3):
            self._post(self.bob, self.r_act)
        wizard = self.env["party.points.batch.wizard"].with_user(self.user_secretary).create({
            "scheme_id": self.scheme.id, "rule_id": self.r_act.id, "date": date(self.YEAR, 5, 5),
            "member_ids": [Command.set(members.ids)]})
        summary = wizard.action_record()
        new = self.Entry.search([("rule_id", "=", self.r_act.id), ("date", "=", date(self.YEAR, 5, 5))])
        self.assertEqual(new.member_id, members - self.bob, "what fits is posted, Bob at his cap is left out")
        self.assertEqual(set(new.mapped("state")), {"posted"})
        self.assertEqual(summary["tag"], "display_notification")
        message = summary["params"]["message"]
        self.assertIn("Posted: 3", message)
        self.assertRegex(message, r"Not recorded: 1 \(Bob: ")
        self.assertEqual(sorted(summary["params"]["next"]["domain"][0][2]), sorted(new.ids))
        before = self.Entry.search_count([])
        wizard = self.env["party.points.batch.wizard"].with_user(self.user_secretary).create({
            "scheme_id": self.scheme.id, "rule_id": self.r_act.id, "date": date(self.YEAR, 5, 6),
            "member_ids": [Command.set(self.bob.ids)]})
        with self.assertUserError("(?s)Nothing was recorded.*Bob"):
            wizard.action_record()
        self.assertEqual(self.Entry.search_count([]), before, "nothing saved")

    def test_officer_batch_summary_counts_cuts_and_approvals(self):
        me = self._member("Secretary Herself", user_id=self.user_secretary.id)
        wizard = self.env["party.points.batch.wizard"].with_user(self.user_secretary).create({
            "scheme_id": self.scheme.id, "rule_id": self.r_act.id, "date": party_today(self.env),
            "member_ids": [Command.set((me | self.alice).ids)]})
        message = wizard.action_record()["params"]["message"]
        self.assertIn("Posted: 1", message)
        self.assertIn("Sent for approval: 1 (Secretary Herself)", message)
        self.assertNotIn("Not recorded", message)

    def test_officer_batch_sends_own_points_for_approval(self):
        me = self._member("Secretary Herself", user_id=self.user_secretary.id)
        wizard = self.env["party.points.batch.wizard"].with_user(self.user_secretary).create({
            "scheme_id": self.scheme.id, "rule_id": self.r_act.id, "date": party_today(self.env),
            "member_ids": [Command.set((me | self.alice).ids)]})
        wizard.action_record()
        entries = self.Entry.search([("rule_id", "=", self.r_act.id)])
        self.assertEqual(entries.filtered(lambda e: e.member_id == self.alice).state, "posted")
        own = entries.filtered(lambda e: e.member_id == me)
        self.assertEqual(own.state, "submitted", "an officer does not approve their own points")

    def test_batch_refuses_members_of_another_scheme(self):
        stranger = self._member("Stranger", org=self.default_branch)
        wizard = self.env["party.points.batch.wizard"].create({
            "scheme_id": self.scheme.id, "rule_id": self.r_act.id, "member_ids": [Command.set(stranger.ids)]})
        with self.assertRaises(UserError):
            wizard.action_record()


@tagged("post_install", "-at_install")
class TestPointsAccess(PartyPointsCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for member in (cls.own, cls.alice, cls.bob):
            cls._post(member, cls.r_act)
        cls.stranger = cls._member("West Member", org=cls.other_branch)
        cls.env["party.points.entry"]._post_automatic(cls.stranger, "evaluation_excellent", date=date(cls.YEAR, 3, 1))

    def test_member_sees_only_own_entries(self):
        entries = self.Entry.with_user(self.user_member).search([])
        self.assertEqual(entries.member_id, self.own)

    def test_leader_sees_group(self):
        members = self.Entry.with_user(self.user_leader).search([]).member_id
        self.assertEqual(members, self.own | self.alice)

    def test_officer_of_another_branch_sees_nothing(self):
        entries = self.Entry.with_user(self.user_other_secretary).search([("organization_id", "=", self.branch.id)])
        self.assertFalse(entries)
        self.assertEqual(self.Entry.with_user(self.user_secretary).search([]).member_id,
                         self.own | self.alice | self.bob)
        self.assertIn(self.stranger, self.Entry.with_user(self.user_upper).search([]).member_id)

    def test_ledger_list_has_no_n_plus_one(self):
        members = self.Member.create([{"name": f"Many {i}", "organization_id": self.branch.id, "stage": "full",
                                       "join_date": "2010-07-01", "full_member_date": "2011-07-01"}
                                      for i in range(25)])
        self.Entry._post_automatic_multi([{"member": m, "rule_code": code, "date": date(self.YEAR, 6, 1)}
                                          for m in members for code in ("activity", "evaluation_excellent")])
        fields_list = ["date", "member_id", "organization_id", "component_id", "name", "points", "state",
                       "proposer_id", "approver_id", "is_automatic"]
        Entry = self.Entry.with_user(self.user_secretary)
        Entry.search_read([], fields_list, limit=1)  # warm the caches of the access rules
        self.env.invalidate_all()
        with self.assertQueryCount(30):
            rows = Entry.search_read([("member_id", "in", members.ids)], fields_list, limit=50)
        self.assertEqual(len(rows), 50)

    def test_member_form_running_total(self):
        member = self.own
        self._post(member, self.r_capped, day=party_today(self.env))
        self._post(member, self.r_act, day=party_today(self.env))
        member.invalidate_recordset()
        with Form(member.with_user(self.user_secretary)) as form:
            self.assertEqual(form.points_year_posted, 7.0)
            self.assertEqual(form.points_year_total, 7.0)
            self.assertEqual(form.points_scheme_id, self.scheme)
        self.assertIn("Life", member.points_summary_html)


@tagged("post_install", "-at_install")
class TestComponentCountLimit(PartyPointsCase):
    """S003 P9: the public evaluation (群众评议) is held every half-year, 5 points each at most, 10 a year; the party
    evaluation twice a year, 10 each, 20 a year: one entry of the component per half-year, whatever the grade."""

    def test_public_evaluation_twice_a_year(self):
        p9 = self.env.ref("party_member_points.scheme_p9")
        branch = self.env["party.organization"].create({
            "name": "P9 Community Branch", "kind": "branch", "parent_id": self.town.id, "points_scheme_id": p9.id})
        member = self._member("P9 Member", org=branch)
        Entry = self.Entry
        first = Entry._post_automatic(member, "public_evaluation_excellent", date=date(self.YEAR, 3, 1))
        self.assertEqual(first.points, 5.0)
        again = Entry._post_automatic(member, "public_evaluation_qualified", date=date(self.YEAR, 5, 1))
        self.assertFalse(again, "one public evaluation per half-year, whatever the grade")
        second = Entry._post_automatic(member, "public_evaluation_excellent", date=date(self.YEAR, 9, 1))
        self.assertEqual(second.points, 5.0, "the second half-year")
        self.assertFalse(Entry._post_automatic(member, "public_evaluation_basic", date=date(self.YEAR, 12, 1)))
        public = self.env.ref("party_member_points.component_p9_public_eval")
        self.assertEqual(self._total(member, public), 10.0, "10 a year at most")
        self.assertEqual(Entry._post_automatic(member, "public_evaluation_excellent",
                                               date=date(self.YEAR + 1, 2, 1)).points, 5.0, "a new year")

from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger
from odoo.addons.party_member_points.tools.clock import party_today

from ..models.party_member import consecutive_missed_months, is_allowed_stage_transition
from .common import PartyRegisterCase


@tagged("post_install", "-at_install")
class TestMemberStages(PartyRegisterCase):

    def test_stage_rule(self):
        self.assertTrue(is_allowed_stage_transition("applicant", "activist"))
        self.assertTrue(is_allowed_stage_transition("probationary", "full"))
        self.assertFalse(is_allowed_stage_transition("applicant", "candidate"), "skipping a stage")
        self.assertFalse(is_allowed_stage_transition("full", "probationary"), "going back")

    def test_promote_through_development(self):
        member = self.Member.create({"name": "Applicant A", "organization_id": self.branch.id})
        self.assertEqual(member.stage, "applicant")
        member.action_promote()
        self.assertEqual(member.stage, "activist")
        self.assertTrue(member.activist_date)
        member.action_promote()
        member.action_promote()
        self.assertEqual(member.stage, "probationary")
        self.assertEqual(member.join_date, party_today(member))
        self.assertEqual(member.probation_end_date, member.join_date + relativedelta(years=1))
        with self.assertRaises(UserError, msg="a probationary member is confirmed through the probation decision"):
            member.action_promote()

    def test_skip_stage_refused_and_nothing_saved(self):
        member = self.Member.create({"name": "Applicant B", "organization_id": self.branch.id})
        with self.assertRaises(UserError):
            member.write({"stage": "probationary", "join_date": "2020-01-01"})
        member.invalidate_recordset()
        self.assertEqual(member.stage, "applicant")
        self.assertFalse(member.join_date)

    MEETING = {"meeting_date": date.today(), "meeting_reference": "Members' meeting resolution No. 4"}

    def _approve_decision(self, member):
        """The upper committee approves the member's pending decision (the activity scheduled to it)."""
        decision = self.env["party.member.decision"].search([("member_id", "=", member.id),
                                                             ("state", "=", "submitted")])
        self.assertEqual(len(decision), 1)
        self.assertEqual(decision.activity_ids.user_id, self.user_upper, "an activity for the upper committee")
        decision.with_user(self.user_upper).action_approve()
        return decision

    def test_probation_decisions(self):
        today = party_today(self.env)
        member = self._member("Probationer", stage="probationary", full_member_date=False,
                              join_date=today - relativedelta(months=11))
        wizard = self.env["party.member.probation.wizard"].create({
            "member_id": member.id, "outcome": "extended", "extension_months": 3, "reason": "weak", **self.MEETING})
        with self.assertRaises(UserError, msg="extension must be 6 to 12 months"):
            wizard.action_apply()
        wizard.extension_months = 6
        wizard.action_apply()
        self.assertEqual(member.probation_outcome, "pending", "the register waits for the upper committee")
        # the branch cannot approve its own proposal
        decision = self.env["party.member.decision"].search([("member_id", "=", member.id)])
        with self.assertRaisesRegex(UserError, "upper committee"):
            decision.with_user(self.user_secretary).action_approve()
        self._approve_decision(member)
        self.assertEqual(member.probation_outcome, "extended")
        self.assertEqual(member.probation_end_date, member.join_date + relativedelta(months=18))
        Wizard = self.env["party.member.probation.wizard"]
        # full membership before the end of the probation needs a reason (and the upper committee)
        with self.assertRaisesRegex(UserError, "early"):
            Wizard.create({"member_id": member.id, "outcome": "confirmed", "date": today, **self.MEETING}
                          ).action_apply()
        Wizard.create({"member_id": member.id, "outcome": "confirmed", "date": today,
                       "early_reason": "Outstanding in the flood relief", **self.MEETING}).action_apply()
        self.assertEqual(member.stage, "probationary")
        self._approve_decision(member)
        self.assertEqual(member.stage, "full")
        self.assertEqual(member.full_member_date, today)

    def test_register_decisions_need_meeting_and_upper(self):
        member = self._member("Decided Member")
        # a plain write of the register is refused, even as superuser
        with self.assertRaisesRegex(UserError, "Membership Decision"):
            member.write({"status": "removed", "status_date": party_today(self.env), "status_reason": "x"})
        # no members' meeting resolution: refused
        wizard = self.env["party.member.status.wizard"].create({
            "member_ids": [Command.set(member.ids)], "status": "expelled", "reason": "serious violation"})
        with self.assertRaisesRegex(UserError, "members' meeting"):
            wizard.action_apply()
        self.assertFalse(self.env["party.member.decision"].search([("member_id", "=", member.id)]))
        # an organization without a parent cannot approve its own decisions
        lone = self.env["party.organization"].create({"name": "Lone Branch", "kind": "branch"})
        lone_member = self._member("Lone Member", org=lone)
        with self.assertRaisesRegex(UserError, "parent organization"):
            self.env["party.member.status.wizard"].create({
                "member_ids": [Command.set(lone_member.ids)], "status": "removed", "reason": "six months",
                **self.MEETING}).action_apply()
        self.assertEqual(lone_member.status, "normal")

    def test_no_destructive_default_in_dialogs(self):
        member = self._member("Dialog Member")
        status = Form(self.env["party.member.status.wizard"].with_context(default_member_ids=member.ids))
        self.assertFalse(status.status, "no status is preselected")
        self.assertFalse(self.env["party.member.probation.wizard"].default_get(["outcome"]).get("outcome"))

    def test_cancel_probation_needs_reason(self):
        member = self._member("Probationer C", stage="probationary", full_member_date=False)
        wizard = self.env["party.member.probation.wizard"].create({"member_id": member.id, "outcome": "cancelled",
                                                                   **self.MEETING})
        with self.assertRaises(UserError):
            wizard.action_apply()
        wizard.reason = "did not meet the conditions"
        wizard.action_apply()
        self._approve_decision(member)
        self.assertEqual(member.status, "disqualified")
        self.assertEqual(member.status_history_ids[0].new_status, "disqualified")

    def test_full_member_needs_dates(self):
        with self.assertRaises(ValidationError):
            self.Member.create({"name": "No dates", "organization_id": self.branch.id, "stage": "full"})
        self.assertFalse(self.Member.search([("name", "=", "No dates")]))


@tagged("post_install", "-at_install")
class TestMemberStatus(PartyRegisterCase):

    def test_history_kept_for_each_change(self):
        member = self._member("Status Person")
        self.assertEqual(member.status_history_ids.new_status, "normal")
        self.env["party.member.status.wizard"].create({
            "member_ids": [Command.set(member.ids)], "status": "removed", "meeting_date": "2026-02-20",
            "meeting_reference": "Resolution 2026-3",
            "date": "2026-03-01", "reason": "six months without org life"}).action_apply()
        self.assertEqual(member.status, "normal", "removed only once the upper committee approved")
        self.env["party.member.decision"].search([("member_id", "=", member.id)]).with_user(
            self.user_upper).action_approve()
        self.assertEqual(member.status, "removed")
        history = member.status_history_ids.sorted("id")
        self.assertEqual(history.mapped("new_status"), ["normal", "removed"])
        self.assertEqual(history[-1].old_status, "normal")
        self.assertIn("six months without org life", history[-1].reason)
        self.assertIn("Resolution 2026-3", history[-1].reason)
        self.assertEqual(history[-1].date, date(2026, 3, 1))

    def test_status_without_reason_refused(self):
        member = self._member("No Reason")
        with self.assertRaises(UserError):
            member.write({"status": "withdrew", "status_date": "2026-01-01"})
        with self.assertRaises(UserError):
            member._set_status("deceased", date(2026, 1, 1), False)
        member.invalidate_recordset()
        self.assertEqual(member.status, "normal")
        self.assertEqual(len(member.status_history_ids), 1)

    def test_sanction_flag(self):
        member = self._member("Sanctioned")
        self.env["party.member.sanction"].create({
            "member_id": member.id, "sanction_type": "party_warning", "reason": "x",
            "date_start": party_today(self.env) - relativedelta(months=1),
            "date_end": party_today(self.env) + relativedelta(months=5)})
        self.assertTrue(member.under_sanction)
        self.assertIn(member, self.Member.search([("under_sanction", "=", True)]))
        with self.assertRaises(ValidationError):
            self.env["party.member.sanction"].create({
                "member_id": member.id, "sanction_type": "party_warning", "reason": "x",
                "date_start": "2026-05-01", "date_end": "2026-01-01"})

    def test_id_number_checked(self):
        self.assertTrue(self.Member._is_valid_id_number("11010519491231002X"))
        self.assertFalse(self.Member._is_valid_id_number("110105194912310021"))
        with self.assertRaises(ValidationError):
            self._member("Bad ID", identification_id="12345")

    def test_party_group_must_belong_to_branch(self):
        with self.assertRaises(ValidationError):
            self._member("Wrong group", org=self.other_branch, party_group_id=self.group1.id)


@tagged("post_install", "-at_install")
class TestOrganization(PartyRegisterCase):

    def test_kind_nesting(self):
        with self.assertRaises(ValidationError):
            self.env["party.organization"].create({"name": "Branch under group", "kind": "branch",
                                                   "parent_id": self.group1.id})
        with self.assertRaises(UserError, msg="a cycle in the tree is refused"):
            self.town.parent_id = self.branch

    def test_member_counts_include_subtree(self):
        self._member("M1")
        self._member("M2", party_group_id=self.group1.id)
        self._member("M3", org=self.other_branch)
        self.assertEqual(self.branch.member_count, 2)
        self.assertEqual(self.town.member_count, 3)
        self.assertEqual(self.branch.complete_name, "Test Town Committee / East Village Branch")
        self.assertEqual(self.Member.search_count([("organization_id", "child_of", self.town.id),
                                                   ("name", "in", ["M1", "M2", "M3"])]), 3)


@tagged("post_install", "-at_install")
class TestSixMonths(PartyRegisterCase):

    def test_streak_function(self):
        flags = [(6, True), (5, True), (4, False), (3, True)]
        self.assertEqual(consecutive_missed_months(flags), 2)
        self.assertEqual(consecutive_missed_months([]), 0)

    def _meeting(self, month, statuses):
        meeting = self.env["party.meeting"].create({
            "name": "Themed day", "meeting_type": "themed_day", "organization_id": self.branch.id,
            "date": datetime.combine(month + relativedelta(days=9), datetime.min.time()),
            "attendance_ids": [Command.create(dict(member_id=m.id, status=s,
                                                   **({"leave_type": "work", "leave_reason": "away"}
                                                      if s == "leave" else {})))
                               for m, s in statuses.items()],
        })
        meeting.action_done()
        return meeting

    def test_six_months_absent_and_unpaid_flagged_with_activity(self):
        absent = self._member("Absentee")
        unpaid = self._member("Non-payer")
        regular = self._member("Regular")
        excused = self._member("Excused")
        today = date(2026, 11, 22)
        first = date(2026, 4, 1)
        for shift in range(7):
            month = first + relativedelta(months=shift)
            self._meeting(month, {absent: "absent", unpaid: "present", regular: "present",
                                  excused: "leave" if shift % 2 else "absent"})
            self.env["party.dues"].create([
                {"member_id": m.id, "month": month, "amount_due": 5.0,
                 "amount_paid": 0.0 if m == unpaid else 5.0, "paid_date": False if m == unpaid else month}
                for m in (absent, unpaid, regular, excused)])
        flagged = (absent | unpaid | regular | excused)._update_veto_flags(today)
        self.assertEqual(flagged, absent | unpaid)
        self.assertEqual(absent.months_without_life, 7)
        self.assertEqual(unpaid.months_unpaid_dues, 7)
        self.assertEqual(unpaid.months_without_life, 0)
        self.assertEqual(excused.months_without_life, 1, "the leave month before last breaks the streak")
        self.assertFalse(regular.veto_candidate)
        activity = absent.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_secretary, "the branch secretary reviews the case")
        # running the check again does not schedule a second activity
        (absent | unpaid)._update_veto_flags(today)
        self.assertEqual(len(absent.activity_ids), 1)

    def test_five_months_not_flagged_and_months_without_meetings_neutral(self):
        member = self._member("Five months")
        for shift in (0, 2, 3, 4, 5):  # no meeting at all in month 1
            self._meeting(date(2026, 5, 1) + relativedelta(months=shift), {member: "absent"})
        member._update_veto_flags(date(2026, 11, 22))
        self.assertEqual(member.months_without_life, 5)
        self.assertFalse(member.veto_candidate)

    def test_exempt_dues_are_not_missed(self):
        member = self._member("Exempt")
        for shift in range(6):
            self.env["party.dues"].create({
                "member_id": member.id, "month": date(2026, 5, 1) + relativedelta(months=shift),
                "amount_due": 2.0, "exempt": shift == 3, "exempt_reason": "hardship"})
        member._update_veto_flags(date(2026, 11, 22))
        self.assertEqual(member.months_unpaid_dues, 2)


@tagged("post_install", "-at_install")
class TestDuesMeetingsTransfers(PartyRegisterCase):

    def test_dues_states(self):
        member = self._member("Payer")
        Dues = self.env["party.dues"]
        on_time = Dues.create({"member_id": member.id, "month": "2026-01-15", "amount_due": 10,
                               "amount_paid": 10, "paid_date": "2026-01-20"})
        self.assertEqual(on_time.month, date(2026, 1, 1), "the month is normalised to its first day")
        self.assertEqual(on_time.state, "paid")
        late = Dues.create({"member_id": member.id, "month": "2026-02-01", "amount_due": 10,
                            "amount_paid": 10, "paid_date": "2026-03-05"})
        self.assertEqual(late.state, "late")
        short = Dues.create({"member_id": member.id, "month": "2026-03-01", "amount_due": 10,
                             "amount_paid": 4, "paid_date": "2026-03-05"})
        self.assertEqual(short.state, "partial")
        with self.assertRaises(ValidationError):
            Dues.create({"member_id": member.id, "month": "2026-04-01", "amount_due": 10, "amount_paid": 10})
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.cr.savepoint():
            Dues.create({"member_id": member.id, "month": "2026-01-01", "amount_due": 10})

    def test_generate_month_repeats_last_amount(self):
        member = self._member("Monthly")
        self.env["party.dues"].create({"member_id": member.id, "month": "2026-09-01", "amount_due": 7.5})
        lines = self.env["party.dues"]._generate_month(date(2026, 10, 3), organizations=self.branch)
        self.assertEqual(lines.filtered(lambda d: d.member_id == member).amount_due, 7.5)
        again = self.env["party.dues"]._generate_month(date(2026, 10, 3), organizations=self.branch)
        self.assertFalse(again, "no duplicate lines")

    def test_meeting_flow(self):
        m1 = self._member("Attendee", party_group_id=self.group1.id)
        self._member("Other branch member", org=self.other_branch)
        meeting = self.env["party.meeting"].create({"name": "Lecture", "meeting_type": "party_lecture",
                                                    "organization_id": self.branch.id})
        with self.assertRaises(UserError, msg="no attendance recorded"):
            meeting.action_done()
        meeting.action_load_members()
        self.assertEqual(meeting.attendance_ids.member_id, m1)
        self.assertFalse(meeting.attendance_ids.status, "loaded unmarked: the officer marks each member")
        with self.assertRaisesRegex(UserError, "Mark the attendance of Attendee"):
            meeting.action_done()
        with Form(meeting) as form:
            with form.attendance_ids.edit(0) as line:
                line.status = "leave"
                line.leave_type = "work"
                line.leave_reason = "on duty"
        meeting.action_done()
        self.assertEqual((meeting.present_count, meeting.leave_count), (0, 1))
        with self.assertRaises(UserError):
            meeting.attendance_ids.with_user(self.user_secretary).write({"status": "absent"})
        with self.assertRaises(UserError):
            meeting.unlink()

    def test_internal_transfer_approved_by_receiving_side(self):
        member = self._member("Mover", party_group_id=self.group1.id)
        transfer = self.env["party.member.transfer"].with_user(self.user_secretary).create({
            "member_id": member.id, "direction": "internal", "from_organization_id": self.branch.id,
            "to_organization_id": self.other_branch.id, "reason": "moved house"})
        self.assertTrue(transfer.name.startswith("ZJ"))
        transfer.action_submit()
        self.assertEqual(transfer.activity_ids.user_id, self.user_other_secretary)
        with self.assertRaises(UserError, msg="the sending secretary cannot approve for the receiving side"):
            transfer.with_user(self.user_secretary).action_approve()
        transfer.with_user(self.user_other_secretary).action_approve()
        self.assertEqual(transfer.state, "approved")
        self.assertEqual(member.organization_id, self.other_branch)
        self.assertFalse(member.party_group_id)
        self.assertFalse(transfer.activity_ids)

    def test_transfer_out_and_reject(self):
        member = self._member("Leaver")
        transfer = self.env["party.member.transfer"].create({
            "member_id": member.id, "direction": "out", "from_organization_id": self.branch.id,
            "to_external": "Shenzhen Street Committee", "reason": "works in Shenzhen"})
        transfer.action_submit()
        with self.assertRaises(UserError):
            transfer.with_user(self.user_secretary).action_reject()
        transfer.rejection_reason = "letter missing"
        transfer.with_user(self.user_secretary).action_reject()
        self.assertEqual(transfer.state, "rejected")
        transfer.action_draft()
        transfer.action_submit()
        transfer.with_user(self.user_secretary).action_approve()
        self.assertEqual(member.status, "transferred_out")
        self.assertEqual(member.status_history_ids.sorted("id")[-1].new_status, "transferred_out")
        with self.assertRaises(UserError):
            transfer.unlink()

    def test_transfer_needs_both_sides(self):
        member = self._member("Half")
        with self.assertRaises(ValidationError):
            self.env["party.member.transfer"].create({"member_id": member.id, "direction": "internal",
                                                      "from_organization_id": self.branch.id, "reason": "x"})


@tagged("post_install", "-at_install")
class TestRegisterAccess(PartyRegisterCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own = cls._member("Me", user_id=cls.user_member.id, identification_id="11010519491231002X")
        cls.grouped = cls._member("Group member", party_group_id=cls.group1.id)
        cls.ungrouped = cls._member("Not in group")
        cls.far = cls._member("Far away", org=cls.other_branch)
        cls.env["party.dues"].create([{"member_id": m.id, "month": "2026-01-01", "amount_due": 2}
                                      for m in (cls.own, cls.grouped, cls.far)])

    def _visible(self, user, model="party.member"):
        return self.env[model].with_user(user).search([("id", "in", self.env[model].search([]).ids)])

    def test_member_sees_only_self(self):
        self.assertEqual(self._visible(self.user_member), self.own)
        self.assertEqual(self._visible(self.user_member, "party.dues").member_id, self.own)
        with self.assertRaises(AccessError):
            self.far.with_user(self.user_member).read(["name"])
        with self.assertRaises(AccessError):
            self.own.with_user(self.user_member).write({"name": "Changed"})

    def test_leader_sees_group(self):
        visible = self._visible(self.user_leader)
        self.assertIn(self.grouped, visible)
        self.assertNotIn(self.ungrouped, visible)
        self.assertNotIn(self.far, visible)

    def test_officer_sees_subtree_only(self):
        visible = self._visible(self.user_secretary)
        self.assertTrue((self.own | self.grouped | self.ungrouped) <= visible)
        self.assertNotIn(self.far, visible)
        self.assertEqual(self._visible(self.user_other_secretary), self.far)

    def test_upper_sees_all_below(self):
        visible = self._visible(self.user_upper)
        self.assertTrue((self.own | self.grouped | self.ungrouped | self.far) <= visible)

    def test_new_secretary_gets_access_at_once(self):
        self.assertFalse(self._visible(self.user_leader) & self.far)
        self.other_branch.committee_member_ids = [Command.link(self.user_leader.id)]
        self.assertIn(self.far, self._visible(self.user_leader))

    def test_id_number_hidden_from_members(self):
        own = self.own.with_user(self.user_member)
        self.assertNotIn("identification_id", own.fields_get())
        with self.assertRaises(AccessError):
            own.read(["identification_id"])
        self.assertEqual(self.own.with_user(self.user_secretary).identification_id, "11010519491231002X")

    def test_member_list_query_count(self):
        members = self.env["party.member"].create([
            {"name": f"Bulk {i}", "organization_id": self.branch.id} for i in range(40)])
        fields_list = ["name", "organization_id", "party_group_id", "stage", "status", "age", "join_date",
                       "veto_candidate"]
        Member = self.env["party.member"].with_user(self.user_secretary)
        Member.search_read([("id", "in", members.ids)], fields_list)  # warm up caches
        self.env.invalidate_all()
        with self.assertQueryCount(8):
            Member.search_read([("id", "in", members.ids)], fields_list)


@tagged("post_install", "-at_install")
class TestDemoRegister(PartyRegisterCase):

    def test_demo_register_is_filled(self):
        town = self.env.ref("party_member_points.demo_org_town", raise_if_not_found=False)
        if not town:
            self.skipTest("demo data not loaded")
        members = self.Member.search([("organization_id", "child_of", town.id)])
        self.assertGreaterEqual(len(members), 55)
        self.assertEqual(set(members.mapped("stage")), {"applicant", "activist", "candidate", "probationary", "full"})
        self.assertEqual(len(town.child_ids), 4)
        self.assertTrue(members.filtered("veto_candidate"), "the demo shows six-month candidates")
        self.assertTrue(members.filtered("is_mobile") and members.filtered("is_village_cadre"))
        self.assertGreaterEqual(self.env["party.meeting"].search_count([("organization_id", "child_of", town.id)]), 48)


@tagged("post_install", "-at_install")
class TestBranchOverview(PartyRegisterCase):

    def test_overview_counts_subtree(self):
        self._member("Probationer", stage="probationary", full_member_date=False)
        self._member("Applicant", stage="applicant", join_date=False, full_member_date=False)
        far = self._member("Far", org=self.other_branch, stage="probationary", full_member_date=False)
        last_month = party_today(self.env).replace(day=1) - relativedelta(months=1)
        self.env["party.dues"].create({"member_id": far.id, "month": last_month, "amount_due": 3})
        far.veto_candidate = True
        self.assertEqual(self.branch.overview_probationary_count, 1)
        self.assertEqual(self.branch.overview_development_count, 1)
        self.assertEqual(self.town.overview_probationary_count, 2, "the committee counts its branches")
        self.assertEqual(self.town.overview_unpaid_dues_count, 1)
        self.assertEqual(self.branch.overview_unpaid_dues_count, 0)
        action = self.town.action_overview_veto()
        self.assertEqual(self.env["party.member"].search(action["domain"]), far)

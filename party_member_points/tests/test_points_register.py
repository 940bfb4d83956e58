from datetime import date, datetime

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.addons.party_member_points.tools.clock import party_today

from .test_points_common import PartyPointsCase


@tagged("post_install", "-at_install")
class TestAutomaticEntries(PartyPointsCase):
    """Entries from the register with the default scheme: meetings (attendance, absence, leave) and dues."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.m_present = cls._member("Present", org=cls.default_branch)
        cls.m_absent = cls._member("Absent", org=cls.default_branch)
        cls.m_work = cls._member("Works Away", org=cls.default_branch)
        cls.m_personal = cls._member("Busy at Home", org=cls.default_branch)
        cls.m_sick = cls._member("Ill", org=cls.default_branch)
        # some points first, so that the deductions are not stopped by the floor at zero
        for member in (cls.m_absent, cls.m_work, cls.m_personal, cls.m_sick):
            cls.env["party.points.entry"]._post_automatic(member, "evaluation_excellent",
                                                          date=date(cls.YEAR - 1, 12, 1))
            cls.env["party.points.entry"]._post_automatic(member, "evaluation_excellent",
                                                          date=date(cls.YEAR, 1, 2))
            cls.env["party.points.entry"]._post_automatic(member, "evaluation_excellent",
                                                          date=party_today(cls.env).replace(month=1, day=2))

    def _meeting(self, month, statuses, day=10):
        lines = []
        for member, status in statuses.items():
            line = {"member_id": member.id, "status": status}
            if status in ("work", "personal", "sick"):
                line.update(status="leave", leave_type=status, leave_reason="reason")
            lines.append(Command.create(line))
        meeting = self.env["party.meeting"].create({
            "name": f"Themed party day {month}", "meeting_type": "themed_day",
            "organization_id": self.default_branch.id, "date": datetime(self.YEAR, month, day, 2, 0),
            "attendance_ids": lines})
        meeting.action_done()
        return meeting

    def _entries(self, member, code):
        return self.Entry.search([("member_id", "=", member.id), ("rule_id.code", "=", code)], order="date, id")

    def test_attendance_and_unexcused_absence(self):
        meeting = self._meeting(2, {self.m_present: "present", self.m_absent: "absent", self.m_sick: "sick"})
        present = self._entries(self.m_present, "attendance")
        self.assertEqual(present.mapped("points"), [3.0])
        self.assertEqual(present.source_ref, meeting.attendance_ids.filtered(lambda a: a.member_id == self.m_present))
        self.assertEqual(present.component_id.code, "org_life")
        self.assertEqual(present.date, date(self.YEAR, 2, 10))
        self.assertEqual(self._entries(self.m_absent, "absence_unexcused").mapped("points"), [-5.0])
        self.assertFalse(self.Entry.search([("member_id", "=", self.m_sick.id), ("date", "=", date(self.YEAR, 2, 10))]),
                         "sick leave costs nothing")

    def test_meeting_shows_what_marking_it_held_posts(self):
        meeting = self.env["party.meeting"].create({
            "name": "Themed party day", "meeting_type": "themed_day",
            "organization_id": self.default_branch.id, "date": datetime(self.YEAR, 3, 10, 2, 0)})
        meeting.action_load_members()
        lines = meeting.attendance_ids
        self.assertTrue(lines)
        self.assertFalse(any(lines.mapped("status")), "the attendance starts unmarked")
        self.assertIn("Attendance not marked: ", meeting.points_preview)
        with self.assertRaisesRegex(UserError, "Mark the attendance of"):
            meeting.action_done()
        lines.status = "present"
        lines.filtered(lambda a: a.member_id == self.m_absent).status = "absent"
        meeting.invalidate_recordset(["points_preview"])
        preview = meeting.points_preview
        self.assertIn(f": {len(lines) - 1} × +3", preview)
        self.assertIn(": 1 × -5", preview)
        self.assertNotIn("not marked", preview)
        meeting.action_done()
        self.assertEqual(self._entries(self.m_absent, "absence_unexcused").mapped("points"), [-5.0])
        self.assertFalse(meeting.points_preview, "no preview once held")

    def test_work_leave_free_up_to_six_then_minus_two(self):
        for month in range(1, 9):
            self._meeting(month, {self.m_work: "work", self.m_present: "present"})
        leaves = self._entries(self.m_work, "leave_work")
        self.assertEqual(leaves.mapped("points"), [-2.0, -2.0], "the 7th and 8th leave for work cost 2 each")
        self.assertEqual(leaves.mapped("date"), [date(self.YEAR, 7, 10), date(self.YEAR, 8, 10)])

    def test_personal_leave_minus_one_then_minus_two(self):
        for month in range(1, 7):
            self._meeting(month, {self.m_personal: "personal"})
        self.assertEqual(self._entries(self.m_personal, "leave_personal").mapped("points"),
                         [-1.0, -1.0, -1.0, -1.0, -2.0, -2.0])

    def test_leave_count_restarts_each_year(self):
        for month in range(6, 13):
            self._meeting(month, {self.m_work: "work"})
        self.assertEqual(len(self._entries(self.m_work, "leave_work")), 1)
        meeting = self.env["party.meeting"].create({
            "name": "New year", "organization_id": self.default_branch.id,
            "date": datetime(self.YEAR + 1, 1, 10, 2, 0),
            "attendance_ids": [Command.create({"member_id": self.m_work.id, "status": "leave", "leave_type": "work",
                                               "leave_reason": "away"})]})
        meeting.action_done()
        self.assertEqual(len(self._entries(self.m_work, "leave_work")), 1, "the first leave of a new year is free")

    def test_dues_on_time_late_and_short(self):
        today = party_today(self.env)
        this_month = today.replace(day=1)
        Dues = self.env["party.dues"]
        on_time = Dues.create({"member_id": self.m_present.id, "month": this_month, "amount_due": 10.0})
        self.assertFalse(self.Entry.search([("source_ref", "=", f"party.dues,{on_time.id}")]))
        on_time.action_register_payment()
        entry = self.Entry.search([("source_ref", "=", f"party.dues,{on_time.id}")])
        self.assertEqual((entry.rule_id.code, entry.points), ("dues_on_time", 2.0))
        on_time.write({"note": "receipt 12"})
        self.assertEqual(self.Entry.search_count([("source_ref", "=", f"party.dues,{on_time.id}")]), 1)

        late = Dues.create({"member_id": self.m_absent.id, "month": this_month - relativedelta(months=2),
                            "amount_due": 10.0})
        late.action_register_payment()
        self.assertEqual(late.state, "late")
        self.assertEqual(self.Entry.search([("source_ref", "=", f"party.dues,{late.id}")]).points, -5.0)

        short = Dues.create({"member_id": self.m_personal.id, "month": this_month - relativedelta(months=1),
                             "amount_due": 10.0, "amount_paid": 4.0, "paid_date": this_month - relativedelta(days=20)})
        self.assertFalse(self.Entry.search([("source_ref", "=", f"party.dues,{short.id}")]))
        Dues._post_overdue_dues_points(today)
        Dues._post_overdue_dues_points(today)
        penalty = self.Entry.search([("source_ref", "=", f"party.dues,{short.id}")])
        self.assertEqual(penalty.mapped("points"), [-5.0], "late or short dues cost 5 once")
        short.write({"amount_paid": 10.0, "paid_date": today})
        self.assertEqual(self.Entry.search([("source_ref", "=", f"party.dues,{short.id}")]).mapped("points"), [-5.0],
                         "paying late afterwards does not cost a second time")

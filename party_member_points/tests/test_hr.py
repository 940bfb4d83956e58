from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.addons.party_member_points.tools.clock import party_today

from .common import PartyRegisterCase


@tagged("post_install", "-at_install")
class TestHrPerformance(PartyRegisterCase):
    """HR managers read each employee's party points, grade and rank beside the department."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_hr = cls.env["res.users"].create({
            "name": "HR Manager", "login": "t_hr",
            "groups_id": [(6, 0, [cls.env.ref("base.group_user").id, cls.env.ref("hr.group_hr_manager").id])]})
        cls.department = cls.env["hr.department"].create({"name": "Production"})
        cls.employee = cls.env["hr.employee"].create({"name": "Zhang Wei", "department_id": cls.department.id})
        cls.other_employee = cls.env["hr.employee"].create({"name": "No Party", "department_id": cls.department.id})
        cls.member = cls._member("Zhang Wei", employee_id=cls.employee.id)
        year = party_today(cls.env).year
        Entry = cls.env["party.points.entry"]
        Entry._post_automatic(cls.member, "evaluation_excellent", date=date(year, 1, 15))
        cls.env["party.points.result"]._compute_year(year, cls.member)

    def test_employee_shows_party_performance_to_hr(self):
        employee = self.employee.with_user(self.user_hr)
        self.assertEqual(employee.party_member_id, self.member)
        self.assertEqual(employee.party_organization_id, self.branch)
        self.assertEqual(employee.party_stage, "full")
        self.assertEqual(employee.party_result_year, party_today(self.env).year)
        self.assertEqual(employee.party_points_total, self.member.points_year_total)
        self.assertGreater(employee.party_points_total, 0)
        self.assertEqual(employee.party_rank_branch, 1)
        self.assertTrue(employee.party_grade)
        self.assertFalse(self.other_employee.with_user(self.user_hr).party_member_id)

    def test_party_fields_hidden_from_plain_employees(self):
        plain = self.env["res.users"].create({"name": "Plain", "login": "t_plain",
                                              "groups_id": [(6, 0, [self.env.ref("base.group_user").id])]})
        with self.assertRaises(AccessError):
            self.employee.with_user(plain).read(["party_points_total"])

    def test_report_by_department(self):
        Report = self.env["party.hr.performance.report"].with_user(self.user_hr)
        rows = Report.search([("employee_id", "=", self.employee.id)])
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows.department_id, self.department)
        self.assertEqual(rows.grade, self.member.points_result_ids[:1].grade)
        groups = Report._read_group([("department_id", "=", self.department.id)], ["department_id", "grade"],
                                    ["member_count:sum", "total:avg"])
        self.assertEqual(sum(count for _dep, _grade, count, _avg in groups), 1)

    def test_public_profile_shows_party_summary_to_party_officers_of_the_branch_only(self):
        officer = self.env["res.users"].create({
            "name": "Party Officer", "login": "t_party_officer",
            "groups_id": [(6, 0, [self.env.ref("base.group_user").id,
                                  self.env.ref("party_member_points.group_party_officer").id])]})
        public = self.env["hr.employee.public"].browse(self.employee.id)
        # an officer of another branch sees no party summary of the employee (not in their scope)
        self.other_branch.committee_member_ids = [(4, officer.id)]
        self.assertFalse(public.with_user(officer).party_member_id)
        self.assertFalse(public.with_user(officer).party_points_total)
        # an officer of the employee's branch does
        self.branch.committee_member_ids = [(4, officer.id)]
        self.env.invalidate_all()
        self.assertEqual(public.with_user(officer).party_member_id, self.member)
        self.assertEqual(public.with_user(officer).party_points_total, self.member.points_year_total)
        self.assertEqual(public.with_user(officer).action_open_party_member()["res_id"], self.member.id)
        colleague = self.env["res.users"].create({"name": "Colleague", "login": "t_colleague",
                                                  "groups_id": [(6, 0, [self.env.ref("base.group_user").id])]})
        self.assertTrue(public.with_user(colleague).name, "colleagues still read the public profile")
        with self.assertRaises(AccessError):
            public.with_user(colleague).read(["party_grade"])

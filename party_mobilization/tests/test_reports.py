import base64
import io

import openpyxl
from dateutil.relativedelta import relativedelta

from odoo.tests import tagged

from .common import VILLAGE_SIZE, MobilizationCase


@tagged("post_install", "-at_install")
class TestMobilizationReports(MobilizationCase):
    """Announcement, progress bulletin and roster by batch (PDF and XLSX)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.project = cls.env["party.mobilization.project"].create({
            "name": "Flood season 2026", "organization_id": cls.village.id, "kind": "flood",
            "date_start": cls.today, "date_deadline": cls.today + relativedelta(years=1),
            "joint_meeting_date": cls.today, "rewards": "Commendation notices", "penalties": "Conversion",
            "stage_review_plan": "After each batch", "description": "<p>Flood season works</p>",
        })
        cls.project._build_roster()
        cls.project.with_user(cls.user_secretary).action_submit()
        cls.project.with_user(cls.user_town).action_approve()
        cls.project.with_user(cls.user_town).write({"town_order_ref": "Town Order No. 3",
                                                    "town_order_reason": "Flood season"})
        cls.project.with_user(cls.user_town).action_direct_launch()
        cls.project.action_start_execution()

    def test_roster_xlsx(self):
        action = self.project.with_user(self.user_secretary).action_export_roster_xlsx()
        self.assertEqual(action["type"], "ir.actions.act_url")
        export = self.env["party.xlsx.export"].search([], order="id desc", limit=1)
        self.assertIn(f"id={export.id}", action["url"])
        self.assertTrue(export.filename.endswith(".xlsx"))
        workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(export.file)))
        sheet = workbook.active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertIn("Flood season 2026", rows[0][0])
        self.assertEqual(rows[3][:4], ("Batch", "No.", "Name", "Identity"))
        data = [row for row in rows[4:] if row[0]]
        self.assertEqual(len(data), VILLAGE_SIZE)
        self.assertEqual(data[0][2], "Secretary Wang")
        self.assertEqual(data[0][3], "Branch Secretary")
        self.assertTrue(data[0][0].startswith("Batch 1"))
        self.assertEqual(data[-1][3], "Ordinary Villager")
        identities = [row[3] for row in data]
        self.assertEqual(identities.count("Villager Representative"), 15)
        self.assertEqual(identities.count("Rural Party Member"), 26)
        # numbering restarts in each batch, party membership shown
        self.assertEqual(data[1][1], 1)
        outside = next(row for row in data if row[2] == "Outside Member Qian")
        self.assertEqual(outside[4], "Long-term Resident from Outside Unit")
        self.assertEqual(outside[5], "Yes")

    def test_pdf_reports(self):
        Report = self.env["ir.actions.report"]
        for xmlid, expected in (
            ("party_mobilization.action_report_mobilization_announcement", "Town Order No. 3"),
            ("party_mobilization.action_report_mobilization_progress", "Progress Bulletin"),
            ("party_mobilization.action_report_mobilization_roster", "Representative 13"),
        ):
            html, report_type = Report._render_qweb_html(xmlid, self.project.ids)
            self.assertEqual(report_type, "html")
            html = html.decode()
            self.assertIn("Flood season 2026", html, xmlid)
            self.assertIn(expected, html, xmlid)
        report = self.env.ref("party_mobilization.action_report_mobilization_roster")
        self.assertEqual(report.paperformat_id.format, "A4")

    def test_branch_overview_and_employee_tab(self):
        village = self.village.with_user(self.user_secretary)
        self.assertEqual(village.overview_project_count, 1)
        self.assertEqual(village.overview_project_id, self.project)
        self.assertEqual(village.overview_project_state, "executing")
        town = self.village.parent_id.with_user(self.user_town)
        self.assertEqual(town.overview_project_count, 1, "the town committee counts the villages below it")
        action = village.action_overview_projects()
        self.assertEqual(self.env["party.mobilization.project"].search(action["domain"]), self.project)

        wang = self.project.participant_ids.filtered(lambda p: p.name == "Secretary Wang").member_id
        employee = self.env["hr.employee"].create({"name": "Secretary Wang"})
        wang.employee_id = employee
        self.assertEqual(employee.party_mobilization_count, 1)
        self.assertEqual(employee.party_commendation_count, 0)
        self.assertEqual(employee.party_mobilization_penalty_count, 0)

    def test_overview_names_the_steps_waiting_for_the_user(self):
        """The to-do list of the overview card: a plan to submit waits for the branch's secretary, a plan
        submitted for the town committee; an executing project waits for nobody's button."""
        plan = self.env["party.mobilization.project"].create({
            "name": "Road repair", "organization_id": self.village.id, "kind": "flood",
            "date_start": self.today, "date_deadline": self.today + relativedelta(years=1),
            "joint_meeting_date": self.today, "rewards": "Commendation notices", "penalties": "Conversion",
            "stage_review_plan": "After each batch", "description": "<p>Road repair works</p>",
        })

        def steps(user, org):
            org.invalidate_recordset(["overview_todo", "overview_todo_count"])  # computed for the user
            todo = org.with_user(user).overview_todo or ""
            return [line for line in todo.split("<div ") if "o_party_todo_step" in line]

        village_steps = steps(self.user_secretary, self.village)
        self.assertEqual(len(village_steps), 1, "the executing project waits for no button")
        self.assertIn("Waiting for you: Submit to the Town", village_steps[0])
        self.assertIn(f"/odoo/party.mobilization.project/{plan.id}", village_steps[0])
        self.assertFalse(steps(self.user_town, self.village.parent_id), "a plan not submitted is the branch's")
        self.assertFalse(steps(self.user_other, self.village.parent_id), "another village's secretary")
        plan.with_user(self.user_secretary).action_submit()
        self.assertFalse(steps(self.user_secretary, self.village))
        town_steps = steps(self.user_town, self.village.parent_id)
        self.assertEqual(len(town_steps), 1)
        self.assertIn("Waiting for you: Approve", town_steps[0])

import base64
import io

import openpyxl

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import BASIC, EXCELLENT, EvaluationCase


@tagged("post_install", "-at_install")
class TestEvaluationExportsAndOverview(EvaluationCase):
    """Tally and results as XLSX, the campaign on the branch overview, the last grade on the employee."""

    def _workbook(self, action):
        export = self.env["party.xlsx.export"].browse(int(action["url"].split("id=")[1].split("&")[0]))
        return openpyxl.load_workbook(io.BytesIO(base64.b64decode(export.file)))

    def test_tally_then_results_as_xlsx(self):
        campaign = self._campaign()
        self.assertEqual(self.branch.with_user(self.user_secretary).overview_campaign_id, campaign)
        self.assertEqual(self.branch.with_user(self.user_secretary).overview_campaign_state, "draft")
        with self.assertRaises(UserError):
            campaign.action_export_tally_xlsx()
        self._to_tallied(campaign)
        workbook = self._workbook(campaign.action_export_tally_xlsx())
        self.assertEqual(workbook.sheetnames, ["Tally"], "no results before the resolution")
        rows = list(workbook["Tally"].iter_rows(values_only=True))
        header = next(row for row in rows if row[0] == "No.")
        self.assertEqual(header[2], "Members: Excellent")
        data = {row[1]: row for row in rows[rows.index(header) + 1:] if row[1]}
        top = data[self.members[EXCELLENT[0]].name]
        self.assertEqual(top[2], 20, "twenty member ballots said excellent")
        self.assertEqual(top[7], 8, "eight public ballots said excellent")
        self.assertEqual(len(data), len(campaign.participant_ids.filtered("evaluated")))

        self._tallied_to_published(campaign)
        workbook = self._workbook(campaign.action_export_tally_xlsx())
        self.assertEqual(workbook.sheetnames, ["Tally", "Results"])
        results = list(workbook["Results"].iter_rows(values_only=True))
        header = next(row for row in results if row[0] == "No.")
        grades = {row[1]: row[3] for row in results[results.index(header) + 1:] if row[1]}
        self.assertEqual(grades[self.members[BASIC].name], "Basically Qualified")
        self.assertEqual(self.branch.with_user(self.user_secretary).overview_campaign_state, "published")

    def test_tally_export_confidential(self):
        campaign = self._to_tallied(self._campaign())
        with self.assertRaises(AccessError):
            campaign.with_user(self.user_other)._tally_xlsx_sheets()
        with self.assertRaises(AccessError):
            campaign.with_user(self.user_member)._tally_xlsx_sheets()

    def test_employee_tab_shows_last_published_grade(self):
        employee = self.env["hr.employee"].create({"name": self.members[EXCELLENT[0]].name})
        self.members[EXCELLENT[0]].employee_id = employee
        campaign = self._to_tallied(self._campaign())
        self.assertFalse(employee.party_evaluation_grade, "nothing before publication")
        self._tallied_to_published(campaign)
        employee.invalidate_recordset()
        self.assertEqual(employee.party_evaluation_year, campaign.year)
        self.assertEqual(employee.party_evaluation_grade, "excellent")
        public = self.env["hr.employee.public"].browse(employee.id).with_user(self.user_secretary)
        self.assertEqual(public.party_evaluation_grade, "excellent")

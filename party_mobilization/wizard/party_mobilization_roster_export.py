import base64
import io

from odoo import fields, models
from odoo.tools.misc import xlsxwriter


class PartyMobilizationRosterExport(models.TransientModel):
    """Roster by batch as an Excel workbook (XLSX), downloaded from the project."""

    _name = "party.mobilization.roster.export"
    _description = "Mobilization Roster Export"

    project_id = fields.Many2one("party.mobilization.project", required=True, ondelete="cascade")
    file = fields.Binary(readonly=True, attachment=False)
    filename = fields.Char(readonly=True)

    def _headers(self):
        return [
            self.env._("Batch"), self.env._("No."), self.env._("Name"), self.env._("Identity"),
            self.env._("Residence"), self.env._("Party Member"), self.env._("Status"), self.env._("Notified on"),
            self.env._("Done on"), self.env._("Exemplary"), self.env._("Resisting"),
        ]

    def _build_workbook(self):
        """The XLSX file content (bytes): a title, the project's order and period, then one row per person
        grouped by batch in execution order."""
        self.ensure_one()
        project = self.project_id
        project.check_access("read")
        identities = dict(self.env["party.mobilization.participant"]._fields["identity"]._description_selection(
            self.env))
        states = dict(self.env["party.mobilization.participant"]._fields["state"]._description_selection(self.env))
        residences = dict(self.env["party.mobilization.person"]._fields["residence"]._description_selection(self.env))
        yes, no = self.env._("Yes"), self.env._("No")
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(self.env._("Roster"))
        title = workbook.add_format({"bold": True, "font_size": 14})
        header = workbook.add_format({"bold": True, "bg_color": "#D9D9D9", "border": 1})
        cell = workbook.add_format({"border": 1})
        date_format = workbook.add_format({"border": 1, "num_format": "yyyy-mm-dd"})
        sheet.write(0, 0, self.env._("Roster by Batch: %s", project.name), title)
        sheet.write(1, 0, self.env._("%(village)s, %(order)s order, %(start)s to %(end)s",
                                     village=project.organization_id.display_name, order=project._order_label(),
                                     start=project.date_start, end=project.date_deadline))
        headers = self._headers()
        for col, label in enumerate(headers):
            sheet.write(3, col, label, header)
        row = 4
        for batch, number, participant in project._roster_rows():
            values = [
                batch.name, number, participant.name, identities.get(participant.identity, ""),
                residences.get(participant.residence, ""), yes if participant.is_party_member else no,
                states.get(participant.state, ""),
            ]
            for col, value in enumerate(values):
                sheet.write(row, col, value, cell)
            for col, value in ((7, participant.date_notified), (8, participant.date_done)):
                if value:
                    sheet.write_datetime(row, col, fields.Datetime.to_datetime(value), date_format)
                else:
                    sheet.write_blank(row, col, None, cell)
            sheet.write(row, 9, yes if participant.exemplary else "", cell)
            sheet.write(row, 10, yes if participant.resisting else "", cell)
            row += 1
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, 1, 6)
        sheet.set_column(2, 6, 16)
        sheet.set_column(7, 10, 12)
        sheet.freeze_panes(4, 0)
        workbook.close()
        return output.getvalue()

    def action_generate(self):
        self.ensure_one()
        content = self._build_workbook()
        self.write({
            "file": base64.b64encode(content),
            "filename": f"{self.project_id.reference or 'roster'}-{self.env._('roster')}.xlsx",
        })
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/?model={self._name}&id={self.id}&field=file&filename_field=filename&download=true",
            "target": "self",
        }

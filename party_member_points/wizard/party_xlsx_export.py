import base64
import datetime
import io
import secrets

from odoo import api, fields, models
from odoo.tools.misc import consteq, xlsxwriter

# An export is downloaded right after it is made; it is refused after this many hours and deleted by Odoo's
# daily clean-up of transient records (``_transient_vacuum``).
EXPIRY_HOURS = 24


def export_expired(created, now, hours=EXPIRY_HOURS):
    """True when an export made at ``created`` may no longer be downloaded at ``now``."""
    return not created or now - created > datetime.timedelta(hours=hours)


class PartyXlsxExport(models.TransientModel):
    """One downloadable Excel workbook (XLSX) of the suite's summary tables.

    Callers describe the workbook as a list of sheets and get back the client action that downloads it::

        self.env["party.xlsx.export"]._download("summary.xlsx", [{
            "name": "Summary", "title": "...", "subtitle": "...",
            "headers": ["Rank", "Member", ...], "rows": [[1, "张三", ...], ...],
            "widths": [6, 16, ...],
        }])

    Cells take their type from the value: numbers stay numbers (so the table can be summed in Excel),
    dates are written as dates, ``None``/``False`` as empty cells. Access is the caller's business: it
    must read the source records as the current user (``check_access``) before describing them.

    An export belongs to the user who made it: a global record rule hides it from everyone else (the
    administrator included), the file itself is readable by nobody through the ORM or ``/web/content`` (it is not
    an attachment, and the field is for the system group only), and it is served by ``/party/xlsx/download``,
    which checks the owner, a random access token and the age (``EXPIRY_HOURS``) before reading it.
    """

    _name = "party.xlsx.export"
    _description = "Party XLSX Export"
    _transient_max_hours = EXPIRY_HOURS

    file = fields.Binary(readonly=True, attachment=False, groups="base.group_system")
    filename = fields.Char(readonly=True)
    access_token = fields.Char(readonly=True, copy=False, groups="base.group_system")

    @api.model
    def _workbook_bytes(self, sheets):
        """The XLSX content (bytes) of ``sheets`` (see the class docstring)."""
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        title = workbook.add_format({"bold": True, "font_size": 14})
        header = workbook.add_format({"bold": True, "bg_color": "#D9D9D9", "border": 1, "text_wrap": True,
                                      "align": "center", "valign": "vcenter"})
        cell = workbook.add_format({"border": 1})
        number = workbook.add_format({"border": 1, "num_format": "0.##"})
        date_format = workbook.add_format({"border": 1, "num_format": "yyyy-mm-dd"})
        used = set()
        for spec in sheets:
            name = self._sheet_name(spec.get("name") or self.env._("Sheet"), used)
            sheet = workbook.add_worksheet(name)
            row = 0
            if spec.get("title"):
                sheet.write(row, 0, spec["title"], title)
                row += 1
            for line in spec.get("subtitle_lines") or ([spec["subtitle"]] if spec.get("subtitle") else []):
                sheet.write(row, 0, line)
                row += 1
            if row:
                row += 1
            header_row = row
            for col, label in enumerate(spec.get("headers") or []):
                sheet.write(row, col, label, header)
            row += 1
            for values in spec.get("rows") or []:
                for col, value in enumerate(values):
                    if value is None or value is False:
                        sheet.write_blank(row, col, None, cell)
                    elif isinstance(value, bool):
                        sheet.write(row, col, str(value), cell)
                    elif isinstance(value, (int, float)):
                        sheet.write_number(row, col, value, number)
                    elif isinstance(value, datetime.date):
                        sheet.write_datetime(row, col, datetime.datetime.combine(value, datetime.time())
                                             if not isinstance(value, datetime.datetime) else value, date_format)
                    else:
                        sheet.write_string(row, col, str(value), cell)
                row += 1
            for line in spec.get("footer_lines") or []:
                row += 1
                sheet.write(row, 0, line)
            for col, width in enumerate(spec.get("widths") or []):
                sheet.set_column(col, col, width)
            sheet.freeze_panes(header_row + 1, 0)
        workbook.close()
        return output.getvalue()

    @staticmethod
    def _sheet_name(name, used):
        """Excel sheet names: at most 31 characters, none of []:*?/\\, unique within the workbook."""
        clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)[:31] or "Sheet"
        candidate, n = clean, 2
        while candidate.lower() in used:
            suffix = f" ({n})"
            candidate = clean[:31 - len(suffix)] + suffix
            n += 1
        used.add(candidate.lower())
        return candidate

    @api.model
    def _download(self, filename, sheets):
        """Build the workbook and return the client action that downloads it."""
        content = base64.b64encode(self._workbook_bytes(sheets))
        export = self.create({"filename": "".join("_" if ch in '/\\:*?"<>|' else ch for ch in filename)})
        token = secrets.token_urlsafe(32)
        # the file and its token are written by the system: no user reads or writes them through the ORM
        export.sudo().write({"file": content, "access_token": token})
        return export._download_action(token)

    def _download_action(self, token):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/party/xlsx/download?id={self.id}&access_token={token}",
            "target": "self",
        }

    @api.model
    def _get_download(self, export_id, token):
        """``(filename, XLSX bytes)`` of the export ``export_id`` for the current user, or ``None`` when it is
        not theirs (the record rule hides it), the token is wrong or it has expired."""
        export = self.browse(export_id).exists() if export_id else self.browse()
        if not export or not export.has_access("read"):
            return None
        system = export.sudo()
        if not token or not system.access_token or not consteq(system.access_token, token):
            return None
        if export_expired(system.create_date, fields.Datetime.now()):
            return None
        return export.filename, base64.b64decode(system.file or b"")

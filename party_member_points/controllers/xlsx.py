from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import content_disposition, request

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PartyXlsxDownload(http.Controller):
    """Serves the XLSX exports of the suite (``party.xlsx.export``) to the user who made them only."""

    @http.route("/party/xlsx/download", type="http", auth="user", methods=["GET"])
    def party_xlsx_download(self, id=None, access_token=None, **kw):  # noqa: A002 (the query parameter)
        """The export ``id`` when it is the user's own, the token is its token and it has not expired; 404
        otherwise (the same answer whether it exists or not)."""
        try:
            export_id = int(id or 0)
        except ValueError:
            export_id = 0
        found = request.env["party.xlsx.export"]._get_download(export_id, access_token)
        if not found:
            raise NotFound()
        filename, content = found
        return request.make_response(content, headers=[
            ("Content-Type", XLSX_MIMETYPE),
            ("Content-Length", len(content)),
            ("Content-Disposition", content_disposition(filename or "export.xlsx")),
            ("Cache-Control", "no-store"),
        ])

import json

from odoo import http
from odoo.http import content_disposition
from odoo.tools import osutil

from odoo.addons.web.controllers.pivot import TableExporter

# Models whose pivot download is named after the report alone (the title of the action, e.g. 各部门党员表现.xlsx),
# not "Pivot <title> (<technical model name>)" (数据透视各部门党员表现party.hr.performance.report.xlsx).
CLEAN_PIVOT_NAMES = {"party.hr.performance.report"}


def pivot_filename(title):
    """The file name of a report's pivot download: its title (``各部门党员表现.xlsx``)."""
    name = osutil.clean_filename(title or "").strip() or "export"
    return f"{name}.xlsx"


class PartyTableExporter(TableExporter):

    @http.route()
    def export_xlsx(self, data, **kw):
        response = super().export_xlsx(data, **kw)
        jdata = json.loads(data)
        if jdata.get("model") in CLEAN_PIVOT_NAMES:
            response.headers["Content-Disposition"] = content_disposition(pivot_filename(jdata.get("title")))
        return response

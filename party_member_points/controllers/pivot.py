import json
import logging

import psycopg2

from odoo import http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import content_disposition, request
from odoo.tools import osutil

from odoo.addons.web.controllers.pivot import TableExporter

_logger = logging.getLogger(__name__)

# Models whose pivot download is named after the report alone (the title of the action, e.g. 各部门党员表现.xlsx),
# not "Pivot <title> (<technical model name>)" (数据透视各部门党员表现party.hr.performance.report.xlsx), followed by
# the years that the download covers when the model has a ``year`` field (各部门党员表现 2025.xlsx).
CLEAN_PIVOT_NAMES = {"party.hr.performance.report"}


def pivot_filename(title, years=()):
    """The file name of a report's pivot download: its title and the ``years`` it covers (``各部门党员表现
    2025.xlsx``, ``各部门党员表现 2024-2025.xlsx`` for several years, the title alone without any)."""
    name = osutil.clean_filename(title or "").strip() or "export"
    years = sorted(set(years))
    if years:
        name = f"{name} {years[0]}" if len(years) == 1 else f"{name} {years[0]}-{years[-1]}"
    return f"{name}.xlsx"


def pivot_years(model_name, domain):
    """The years of the records of ``model_name`` in ``domain`` (the pivot's search), read with the user's own
    rights: a domain the user may not search, or that is not valid, names no year (the download is still made)."""
    Model = request.env.get(model_name)
    if Model is None or "year" not in Model._fields or not isinstance(domain, list):
        return []
    try:
        with request.env.cr.savepoint():
            return [year for (year,) in Model._read_group(domain, ["year"]) if year]
    except (AccessError, UserError, ValidationError, ValueError, TypeError, KeyError, psycopg2.Error) as error:
        _logger.info("pivot download of %s named without its years: %s", model_name, error)
        return []


class PartyTableExporter(TableExporter):

    @http.route()
    def export_xlsx(self, data, **kw):
        response = super().export_xlsx(data, **kw)
        jdata = json.loads(data)
        model = jdata.get("model")
        if model in CLEAN_PIVOT_NAMES:
            years = pivot_years(model, jdata.get("domain"))
            response.headers["Content-Disposition"] = content_disposition(pivot_filename(jdata.get("title"), years))
        return response

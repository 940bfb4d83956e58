import functools
import subprocess

from odoo import models
from odoo.exceptions import AccessError
from odoo.tools.pdf import merge_pdf

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin


@functools.cache
def wkhtmltopdf_is_patched():
    """True for the wkhtmltopdf builds with patched Qt that Odoo recommends; Debian's package is unpatched."""
    try:
        out = subprocess.run([_get_wkhtmltopdf_bin(), "--version"], capture_output=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return True  # nothing installed: nothing to work around
    return b"patched qt" in out.lower()


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _get_rendering_context(self, report, docids, data):
        """Party reports are printed only by the groups they are meant for and only on records the user may
        read. Odoo's report routes (/report/html|pdf/...) do not check the report's groups, and a template may
        read its data as superuser (totals, tallies): without this, any user who can read a campaign could
        print its tally sheet by typing the URL."""
        if not self.env.su and (report.model or "").startswith("party."):
            user = self.env.user
            if report.groups_id and not (report.groups_id & user.groups_id):
                raise AccessError(self.env._("You are not allowed to print “%s”.", report.name))
            records = self.env[report.model].browse(docids)
            records.check_access("read")
            if hasattr(records, "_party_check_report_access"):
                records._party_check_report_access(report)
        return super()._get_rendering_context(report, docids, data)

    def _run_wkhtmltopdf(self, bodies, report_ref=False, header=None, footer=None, landscape=False,
                         specific_paperformat_args=None, set_viewport_size=False):
        """wkhtmltopdf built on an unpatched Qt (Debian's package) fails on several documents in one call, so
        printing a batch of notices or registers would fail: print them one at a time and merge the PDFs."""
        run = super()._run_wkhtmltopdf
        kwargs = {"report_ref": report_ref, "header": header, "footer": footer, "landscape": landscape,
                  "specific_paperformat_args": specific_paperformat_args, "set_viewport_size": set_viewport_size}
        if len(bodies) <= 1 or wkhtmltopdf_is_patched():
            return run(bodies, **kwargs)
        return merge_pdf([run([body], **kwargs) for body in bodies])

from odoo.tests import TransactionCase, tagged


def party_reports(env):
    """The PDF reports of the party addons."""
    return env["ir.actions.report"].search([("model", "=like", "party.%"), ("report_type", "=", "qweb-pdf")])


def printable_records(reports):
    """``(report, records)`` for each of ``reports`` with up to two records of the demo data it prints (reports
    with nothing to print are left out)."""
    for report in reports:
        # a grade notice states an approved result: printed only once the upper committee approved it
        domain = [("campaign_id.state", "in", ("upper_approved", "published", "closed"))] \
            if report.report_name == "party_evaluation.report_grade_notice" else []
        records = report.env[report.model].search(domain, limit=2)
        if records:
            yield report, records


@tagged("post_install", "-at_install")
class TestReportRendering(TransactionCase):
    """Every PDF report of the party addons renders on the demo data, on A4, with a Chinese font.

    The HTML that wkhtmltopdf prints is rendered here; turning it into a PDF is left to wkhtmltopdf."""

    def test_every_party_report_renders(self):
        if not self.env.ref("party_member_points.demo_org_town", raise_if_not_found=False):
            self.skipTest("demo data not loaded")
        reports = party_reports(self.env)
        self.assertGreaterEqual(len(reports), 13, "points, evaluation and mobilization reports")
        rendered = 0
        for report, records in printable_records(reports):
            with self.subTest(report=report.report_name):
                paperformat = report.paperformat_id or self.env.company.paperformat_id
                self.assertEqual(paperformat.format, "A4")
                html, kind = self.env["ir.actions.report"]._render_qweb_html(report.report_name, records.ids)
                self.assertEqual(kind, "html")
                self.assertRegex(html.decode(), r"Noto Sans CJK SC|WenQuanYi|Noto Serif CJK SC",
                                 "the report asks for a Chinese font")
                self.assertGreater(len(html), 1000)
                rendered += 1
        self.assertGreaterEqual(rendered, 10, "most reports have demo records to print")

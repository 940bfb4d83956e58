from odoo import api, models


class ReportGradeNotice(models.AbstractModel):
    """The written notice of the grade (书面通知) states the approved result: refused before the upper committee
    approved it, from any print menu."""

    _name = "report.party_evaluation.report_grade_notice"
    _description = "Grade Notice"

    @api.model
    def _get_report_values(self, docids, data=None):
        participants = self.env["party.evaluation.participant"].browse(docids)
        participants.campaign_id._check_notices_printable()
        return {"doc_ids": docids, "doc_model": "party.evaluation.participant", "docs": participants}

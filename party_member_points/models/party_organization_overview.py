from dateutil.relativedelta import relativedelta

from odoo import fields, models

from ..tools.clock import party_today

# The overview is the officers' dashboard: members and leaders do not read its figures.
OFFICER = "party_member_points.group_party_officer"


class PartyOrganization(models.Model):
    """Branch overview figures for the officers' dashboard: each counts the organization and everything below."""

    _inherit = "party.organization"

    overview_probationary_count = fields.Integer(compute="_compute_overview", string="Probationary", groups=OFFICER)
    overview_development_count = fields.Integer(compute="_compute_overview", string="In Development", groups=OFFICER)
    overview_veto_count = fields.Integer(compute="_compute_overview", string="Veto Candidates", groups=OFFICER)
    overview_pending_points_count = fields.Integer(
        compute="_compute_overview", string="Points Awaiting Approval", groups=OFFICER
    )
    overview_unpaid_dues_count = fields.Integer(compute="_compute_overview", string="Overdue Dues", groups=OFFICER)
    overview_points_month = fields.Float(compute="_compute_overview", string="Points Posted This Month", groups=OFFICER)
    overview_attendance_rate = fields.Float(
        compute="_compute_overview",
        string="Attendance (3 Months)",
        help="Share of expected attendances at meetings held in the last three months that were present.",
        groups=OFFICER,
    )

    def _compute_overview(self):
        if not self.ids:  # new records in a form: nothing to count yet
            for org in self:
                org.overview_probationary_count = org.overview_development_count = org.overview_veto_count = 0
                org.overview_pending_points_count = org.overview_unpaid_dues_count = 0
                org.overview_points_month = org.overview_attendance_rate = 0.0
            return
        today = party_today(self)
        month_start = today.replace(day=1)
        normal = [("status", "=", "normal")]
        probationary = self._subtree_totals("party.member", normal + [("stage", "=", "probationary")])
        development = self._subtree_totals(
            "party.member", normal + [("stage", "in", ("applicant", "activist", "candidate"))]
        )
        veto = self._subtree_totals("party.member", normal + [("veto_candidate", "=", True)])
        pending = self._subtree_totals("party.points.entry", [("state", "=", "submitted")])
        unpaid = self._subtree_totals(
            "party.dues",
            [
                ("state", "in", ("unpaid", "partial")),
                ("month", "<", month_start),
                ("month", ">=", month_start - relativedelta(months=12)),
            ],
        )
        points = self._subtree_totals(
            "party.points.entry", [("state", "=", "posted"), ("date", ">=", month_start)], aggregate="points:sum"
        )
        held = [
            ("meeting_state", "=", "done"),
            ("meeting_date", ">=", fields.Datetime.to_datetime(today - relativedelta(months=3))),
        ]
        expected = self._subtree_totals("party.meeting.attendance", held)
        present = self._subtree_totals("party.meeting.attendance", held + [("status", "=", "present")])
        for org in self:
            org.overview_attendance_rate = self._attendance_rate(present[org.id], expected[org.id])
            org.overview_probationary_count = probationary[org.id]
            org.overview_development_count = development[org.id]
            org.overview_veto_count = veto[org.id]
            org.overview_pending_points_count = pending[org.id]
            org.overview_unpaid_dues_count = unpaid[org.id]
            org.overview_points_month = points[org.id]

    @staticmethod
    def _attendance_rate(present, expected):
        """Percentage of expected attendances that were present (0 when no meeting was held)."""
        return round(100.0 * present / expected, 1) if expected else 0.0

    def _overview_action(self, xmlid, domain):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = domain
        action["context"] = {}
        return action

    def action_overview_veto(self):
        return self._overview_action(
            "party_member_points.party_member_action",
            [("organization_id", "child_of", self.id), ("status", "=", "normal"), ("veto_candidate", "=", True)],
        )

    def action_overview_pending_points(self):
        return self._overview_action(
            "party_member_points.party_points_entry_action",
            [("organization_id", "child_of", self.id), ("state", "=", "submitted")],
        )

    def action_overview_unpaid_dues(self):
        month_start = party_today(self).replace(day=1)
        return self._overview_action(
            "party_member_points.party_dues_action",
            [
                ("organization_id", "child_of", self.id),
                ("state", "in", ("unpaid", "partial")),
                ("month", "<", month_start),
                ("month", ">=", month_start - relativedelta(months=12)),
            ],
        )

    def action_overview_attendance(self):
        action = self._overview_action(
            "party_member_points.party_meeting_attendance_action",
            [("organization_id", "child_of", self.id), ("meeting_state", "=", "done")],
        )
        action["view_mode"] = "pivot,graph,list"
        action["views"] = [(False, "pivot"), (False, "graph"), (False, "list")]
        return action

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class PartyMeetingAttendance(models.Model):
    _name = "party.meeting.attendance"
    _inherit = ["party.freeze.mixin"]  # frozen as a child of its meeting (attendance_ids)
    _description = "Meeting Attendance"
    _order = "meeting_date desc, member_id"
    _rec_name = "member_id"

    meeting_id = fields.Many2one("party.meeting", required=True, ondelete="cascade", index=True)
    member_id = fields.Many2one("party.member", required=True, ondelete="cascade", index=True)
    meeting_date = fields.Datetime(related="meeting_id.date", store=True)
    meeting_type = fields.Selection(related="meeting_id.meeting_type", store=True)
    meeting_state = fields.Selection(related="meeting_id.state", store=True)
    organization_id = fields.Many2one(related="member_id.organization_id", store=True, index=True)
    company_id = fields.Many2one(related="meeting_id.company_id", store=True, index=True)
    # left empty by Load Members until the officer marks it: a meeting is marked held only when every line is set
    status = fields.Selection([("present", "Present"), ("leave", "On Leave"), ("absent", "Absent")],
                              default="present")
    leave_type = fields.Selection([
        ("work", "Work"),
        ("personal", "Personal"),
        ("sick", "Sick"),
        ("other", "Other"),
    ])
    leave_reason = fields.Char()

    _sql_constraints = [
        ("meeting_member_uniq", "unique(meeting_id, member_id)", "A member is listed once per meeting."),
    ]

    @api.constrains("status", "leave_type")
    def _check_leave(self):
        for line in self:
            if line.status == "leave" and not line.leave_type:
                raise ValidationError(self.env._("%s: a leave needs its type (work, personal, sick...).",
                                                 line.member_id.name))

    def write(self, vals):
        if any(line.meeting_id.state == "done" for line in self) and not self.env.su:
            raise UserError(self.env._("The attendance of a meeting that was held cannot be changed."))
        return super().write(vals)

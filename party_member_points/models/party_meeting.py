from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from .party_freeze_mixin import DELETE

MEETING_TYPES = [
    ("general_meeting", "Branch General Meeting"),
    ("committee_meeting", "Branch Committee Meeting"),
    ("group_meeting", "Party Group Meeting"),
    ("party_lecture", "Party Lecture"),
    ("themed_day", "Themed Party Day"),
    ("org_life", "Organizational Life Meeting"),
    ("evaluation", "Democratic Evaluation Meeting"),
    ("other", "Other"),
]


class PartyMeeting(models.Model):
    """A meeting of organizational life (三会一课, themed party day, org-life meeting) with its attendance."""

    _name = "party.meeting"
    _description = "Party Meeting"
    _inherit = ["mail.thread", "mail.activity.mixin", "party.freeze.mixin"]
    # What each state freezes (party.freeze.mixin): a meeting held is part of the record, its attendance list
    # included (points were posted from it).
    _party_freeze = {"done": ("organization_id", "meeting_type", "date", "name", "location", "host_id", "lecturer_id",
                              "attendance_ids", DELETE)}
    _party_freeze_free = ("content",)  # the minutes are written after the meeting
    _order = "date desc, id desc"

    name = fields.Char(string="Topic", required=True, tracking=True)
    meeting_type = fields.Selection(MEETING_TYPES, required=True, default="general_meeting", tracking=True)
    organization_id = fields.Many2one("party.organization", required=True, index=True, tracking=True,
                                      ondelete="restrict")
    company_id = fields.Many2one(related="organization_id.company_id", store=True, index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, tracking=True)
    location = fields.Char()
    host_id = fields.Many2one("res.users", string="Host", default=lambda self: self.env.user)
    lecturer_id = fields.Many2one("party.member", string="Lecturer")
    content = fields.Html(string="Minutes")
    state = fields.Selection([("draft", "Planned"), ("done", "Held"), ("cancelled", "Cancelled")],
                             default="draft", required=True, tracking=True, index=True)
    attendance_ids = fields.One2many("party.meeting.attendance", "meeting_id", string="Attendance")
    expected_count = fields.Integer(compute="_compute_attendance_stats", store=True)
    present_count = fields.Integer(compute="_compute_attendance_stats", store=True)
    leave_count = fields.Integer(compute="_compute_attendance_stats", store=True)
    absent_count = fields.Integer(compute="_compute_attendance_stats", store=True)
    attendance_rate = fields.Float(compute="_compute_attendance_stats", store=True, aggregator="avg")

    @api.depends("attendance_ids.status")
    def _compute_attendance_stats(self):
        for meeting in self:
            statuses = meeting.attendance_ids.mapped("status")
            meeting.expected_count = len(statuses)
            meeting.present_count = statuses.count("present")
            meeting.leave_count = statuses.count("leave")
            meeting.absent_count = statuses.count("absent")
            meeting.attendance_rate = (100.0 * meeting.present_count / len(statuses)) if statuses else 0.0

    def _expected_members(self):
        """Members expected at the meeting: the party group's members for a group meeting, the committee
        for a committee meeting, otherwise every member of the organization and its sub-organizations."""
        self.ensure_one()
        Member = self.env["party.member"]
        domain = [("status", "=", "normal"), ("stage", "in", ("probationary", "full"))]
        org = self.organization_id
        if org.kind == "group":
            domain.append(("party_group_id", "=", org.id))
        else:
            domain.append(("organization_id", "child_of", org.id))
        members = Member.search(domain)
        if self.meeting_type == "committee_meeting":
            members = members.filtered(lambda m: m.user_id and m.user_id in org._get_officer_users())
        return members

    def action_load_members(self):
        for meeting in self:
            if meeting.state != "draft":
                raise UserError(self.env._("Attendance can only be loaded for a planned meeting."))
            present = meeting.attendance_ids.member_id
            missing = meeting._expected_members() - present
            # attendance unset: the officer marks each member present, on leave or absent
            meeting.attendance_ids = [Command.create({"member_id": member.id, "status": False})
                                      for member in missing]
        return True

    def action_done(self):
        for meeting in self:
            if meeting.state != "draft":
                raise UserError(self.env._("Only a planned meeting can be marked as held."))
            if not meeting.attendance_ids:
                raise UserError(self.env._("Record the attendance of “%s” before marking it as held.", meeting.name))
            unmarked = meeting.attendance_ids.filtered(lambda a: not a.status)
            if unmarked:
                raise UserError(self.env._("Mark the attendance of %(names)s before marking “%(meeting)s” as held.",
                                           names="、".join(unmarked.member_id.mapped("name")), meeting=meeting.name))
            missing_reason = meeting.attendance_ids.filtered(lambda a: a.status == "leave" and not a.leave_reason)
            if missing_reason:
                raise UserError(self.env._("Leave without a reason for: %s",
                                           ", ".join(missing_reason.member_id.mapped("name"))))
        self.state = "done"
        return True

    def action_cancel(self):
        if any(meeting.state == "done" for meeting in self):
            raise UserError(self.env._("A meeting that was held cannot be cancelled."))
        self.state = "cancelled"
        return True

    def action_draft(self):
        if any(meeting.state != "cancelled" for meeting in self):
            raise UserError(self.env._("Only a cancelled meeting can be planned again."))
        self.state = "draft"
        return True

    @api.ondelete(at_uninstall=False)
    def _unlink_except_held(self):
        if any(meeting.state == "done" for meeting in self):
            raise UserError(self.env._("A meeting that was held is part of the record and cannot be deleted."))

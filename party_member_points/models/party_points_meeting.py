from odoo import fields, models

# Attendance status -> rule code of the automatic entry (leave is handled by its tiers).
ATTENDANCE_RULES = {"present": "attendance", "absent": "absence_unexcused"}
LEAVE_RULES = {"work": "leave_work", "personal": "leave_personal"}


class PartyMeeting(models.Model):
    _inherit = "party.meeting"

    def action_done(self):
        res = super().action_done()
        self.sorted(lambda m: (m.date, m.id))._post_attendance_points()
        return res

    def _post_attendance_points(self):
        """Automatic points of held meetings: attendance (+3), unexcused absence (-5), and leave by its tiers
        (work leave free up to 6 a year then -2; personal leave -1 for the first 4 then -2). Sick and other
        leave cost nothing. One batch of entries per meeting."""
        Entry = self.env["party.points.entry"]
        Attendance = self.env["party.meeting.attendance"].sudo()
        for meeting in self:
            lines = meeting.sudo().attendance_ids
            if not lines:
                continue
            leave_lines = lines.filtered(lambda a: a.status == "leave" and a.leave_type in LEAVE_RULES)
            earlier = {}
            if leave_lines:
                year_start = meeting.date.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
                rows = Attendance._read_group([
                    ("member_id", "in", leave_lines.member_id.ids), ("status", "=", "leave"),
                    ("leave_type", "in", list(LEAVE_RULES)), ("meeting_state", "=", "done"),
                    ("meeting_date", ">=", year_start), ("meeting_id", "!=", meeting.id),
                    "|", ("meeting_date", "<", meeting.date),
                    "&", ("meeting_date", "=", meeting.date), ("meeting_id", "<", meeting.id),
                ], ["member_id", "leave_type"], ["__count"])
                earlier = {(member.id, kind): count for member, kind, count in rows}
            items = []
            schemes = {}
            day = fields.Datetime.context_timestamp(meeting, meeting.date).date()
            # code translations: the selection labels of this module are not translated yet while it installs
            status_labels = {"present": self.env._("Present"), "leave": self.env._("On Leave"),
                             "absent": self.env._("Absent")}
            for line in lines:
                code = ATTENDANCE_RULES.get(line.status)
                points = None
                if line.status == "leave":
                    code = LEAVE_RULES.get(line.leave_type)
                    if not code:
                        continue
                    org = line.member_id.organization_id
                    if org.id not in schemes:
                        schemes[org.id] = org._get_points_scheme()
                    rule = schemes[org.id]._get_rule(code)
                    if not rule:
                        continue
                    nth = earlier.get((line.member_id.id, line.leave_type), 0) + 1
                    points = rule._points_for_occurrence(nth)
                    if not points:
                        continue
                if code:
                    description = self.env._("%(meeting)s (%(status)s)", meeting=meeting.name,
                                             status=status_labels[line.status])
                    items.append({"member": line.member_id, "rule_code": code, "source": line, "date": day,
                                  "points": points, "description": description})
            Entry._post_automatic_multi(items)
        return True

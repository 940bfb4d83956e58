from collections import Counter

from odoo import api, fields, models

from .party_points_logic import fmt_points

# Attendance status -> rule code of the automatic entry (leave is handled by its tiers).
ATTENDANCE_RULES = {"present": "attendance", "absent": "absence_unexcused"}
LEAVE_RULES = {"work": "leave_work", "personal": "leave_personal"}


class PartyMeeting(models.Model):
    _inherit = "party.meeting"

    points_preview = fields.Text(
        compute="_compute_points_preview", string="Points When Held",
        help="The points that marking the meeting as held will post, by item (before the caps).")

    @api.depends("state", "date", "attendance_ids.status", "attendance_ids.leave_type")
    def _compute_points_preview(self):
        for meeting in self:
            if meeting.state != "draft" or not meeting.date:
                meeting.points_preview = False
                continue
            meeting.points_preview = meeting._points_preview_text()

    def _points_preview_text(self):
        """Lines "item: count × points" of what marking the meeting held will post, and the members whose
        attendance is not marked yet."""
        self.ensure_one()
        items = self._attendance_point_items()
        schemes = {}
        counts = Counter()
        for item in items:
            org = item["member"].organization_id
            if org.id not in schemes:
                schemes[org.id] = org._get_points_scheme()
            rule = schemes[org.id] and schemes[org.id]._get_rule(item["rule_code"])
            if not rule:
                continue
            points = rule.points if item["points"] is None else item["points"]
            counts[(rule.name, points)] += 1
        lines = [self.env._("%(item)s: %(count)s × %(points)s", item=name, count=count,
                            points=("+" if points > 0 else "") + fmt_points(points))
                 for (name, points), count in sorted(counts.items())]
        unmarked = self.sudo().attendance_ids.filtered(lambda a: not a.status)
        if unmarked:
            lines.append(self.env._("Attendance not marked: %s", "、".join(unmarked.member_id.mapped("name"))))
        return "\n".join(lines) or self.env._("No points will be posted.")

    def action_done(self):
        res = super().action_done()
        self.sorted(lambda m: (m.date, m.id))._post_attendance_points()
        return res

    def _post_attendance_points(self):
        """Automatic points of held meetings: attendance (+3), unexcused absence (-5), and leave by its tiers
        (work leave free up to 6 a year then -2; personal leave -1 for the first 4 then -2). Sick and other
        leave cost nothing. One batch of entries per meeting."""
        Entry = self.env["party.points.entry"]
        for meeting in self:
            Entry._post_automatic_multi(meeting._attendance_point_items())
        return True

    def _attendance_point_items(self):
        """The automatic entries (items of ``_post_automatic_multi``) of the meeting's attendance."""
        self.ensure_one()
        meeting = self
        meeting_id = self._origin.id or 0  # a meeting being edited in the form (its preview)
        Attendance = self.env["party.meeting.attendance"].sudo()
        lines = meeting.sudo().attendance_ids.filtered("status")
        if not lines:
            return []
        leave_lines = lines.filtered(lambda a: a.status == "leave" and a.leave_type in LEAVE_RULES)
        earlier = {}
        if leave_lines:
            year_start = meeting.date.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
            rows = Attendance._read_group([
                ("member_id", "in", leave_lines.member_id.ids), ("status", "=", "leave"),
                ("leave_type", "in", list(LEAVE_RULES)), ("meeting_state", "=", "done"),
                ("meeting_date", ">=", year_start), ("meeting_id", "!=", meeting_id),
                "|", ("meeting_date", "<", meeting.date),
                "&", ("meeting_date", "=", meeting.date), ("meeting_id", "<", meeting_id),
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
        return items

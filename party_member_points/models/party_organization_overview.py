from dateutil.relativedelta import relativedelta
from markupsafe import Markup, escape

from odoo import fields, models

from ..tools.clock import party_today

# The overview is the officers' dashboard: members and leaders do not read its figures.
OFFICER = "party_member_points.group_party_officer"
UPPER = "party_member_points.group_party_upper"

# Months shown by the trends of the overview cards (this month and the eleven before).
TREND_MONTHS = 12


def trend_months(today, count=TREND_MONTHS):
    """The first days of the last ``count`` months, oldest first, this month last."""
    start = today.replace(day=1)
    return [start - relativedelta(months=back) for back in range(count - 1, -1, -1)]


def sparkline_svg(values, width=120, height=26, color="#c8102e"):
    """A small inline SVG line of ``values`` (oldest first; ``None`` for a month without data, skipped): the
    trend of a figure over the months of the overview card, the last value marked by a dot."""
    points = [(index, value) for index, value in enumerate(values) if value is not None]
    if not points:
        return Markup('<svg class="o_party_sparkline" width="%s" height="%s" role="img"></svg>') % (width, height)
    low = min(value for _index, value in points)
    high = max(value for _index, value in points)
    span = (high - low) or 1.0
    step = (width - 6) / max(len(values) - 1, 1)

    def xy(index, value):
        return round(3 + index * step, 1), round(height - 3 - (value - low) / span * (height - 6), 1)

    coordinates = [xy(index, value) for index, value in points]
    line = " ".join(f"{x},{y}" for x, y in coordinates)
    last_x, last_y = coordinates[-1]
    return Markup(
        '<svg class="o_party_sparkline" width="%s" height="%s" viewBox="0 0 %s %s" role="img">'
        '<polyline fill="none" stroke="%s" stroke-width="1.5" stroke-linejoin="round" points="%s"/>'
        '<circle cx="%s" cy="%s" r="2.5" fill="%s"/></svg>'
    ) % (width, height, width, height, color, line, last_x, last_y, color)


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

    overview_mine = fields.Boolean(
        compute="_compute_overview_mine", search="_search_overview_mine", string="In My Scope",
        help="Organizations the user runs and those below them (all of them for a party administrator): the "
             "overview shows only these.")
    overview_todo = fields.Html(compute="_compute_overview_todo", string="To Do", sanitize=False, groups=OFFICER,
                                help="The user's open activities on the records of this organization and below, and "
                                     "the workflow steps that wait for the user.")
    overview_trends = fields.Html(compute="_compute_overview_trends", string="Trends", sanitize=False,
                                  groups=OFFICER,
                                  help="Points posted, meeting attendance and dues paid over the last 12 months.")
    overview_todo_count = fields.Integer(compute="_compute_overview_todo", string="To Do Count", groups=OFFICER)

    def _overview_scope_domain(self):
        if self.env.user.has_group("party_member_points.group_party_admin"):
            return []
        return [("id", "in", self.env.user.party_officer_scope_ids.ids)]

    def _compute_overview_mine(self):
        scope = set(self.search(self._overview_scope_domain()).ids) if self.ids else set()
        for org in self:
            org.overview_mine = org.id in scope

    def _search_overview_mine(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Unsupported search on In My Scope."))
        domain = self._overview_scope_domain() or [(1, "=", 1)]
        return domain if (operator == "=") == value else ["!", *domain]

    def _activity_organizations(self, activities):
        """``{activity id: organization}`` of the record of each activity: its organization, the organization of
        its member, or the organization itself; activities on other records have none."""
        result = {}
        by_model = {}
        for activity in activities:
            by_model.setdefault(activity.res_model, []).append(activity)
        for model, model_activities in by_model.items():
            if model not in self.env:
                continue
            Model = self.env[model].with_context(active_test=False)
            # only the records the user may read (an activity can sit on a record outside the user's scope)
            records = {record.id: record for record in
                       Model.browse([a.res_id for a in model_activities]).exists()._filtered_access("read")}
            for activity in model_activities:
                record = records.get(activity.res_id)
                if not record:
                    continue
                if model == self._name:
                    organization = record
                elif "organization_id" in Model._fields and Model._fields["organization_id"].comodel_name == self._name:
                    organization = record.organization_id
                elif "member_id" in Model._fields and Model._fields["member_id"].comodel_name == "party.member":
                    organization = record.member_id.organization_id
                else:
                    continue
                if organization:
                    result[activity.id] = organization
        return result

    def _compute_overview_todo(self):
        activities = self.env["mail.activity"].search([("user_id", "=", self.env.uid)], order="date_deadline, id") \
            if self.ids else self.env["mail.activity"]
        organizations = self._activity_organizations(activities)
        today = party_today(self)
        blocked = self._overview_blocked_steps()
        for org in self:
            mine = [a for a in activities if org.parent_path and a.id in organizations
                    and (organizations[a.id].parent_path or "").startswith(org.parent_path)]
            steps = blocked.get(org.id, [])
            org.overview_todo_count = len(mine) + len(steps)
            lines = [self._overview_step_line(*step) for step in steps]
            lines += [self._overview_todo_line(a, today) for a in mine]
            org.overview_todo = Markup("").join(lines[:8]) or False

    def _overview_blocked_steps(self):
        """``{organization id: [(record, step label), ...]}``: the workflows under way in each organization of
        ``self`` (and below) whose next step waits for the current user (an officer step of an organization the
        user runs, an upper step of one below). The addons with workflows add theirs."""
        return {}

    def _overview_add_blocked(self, result, records, step_of):
        """Add to ``result`` each record of ``records`` (with an ``organization_id``) whose next step is the user's.
        ``step_of(record)`` gives the step as ``(button label, who)`` or ``None``: ``who`` is ``"officer"`` for a
        step of the record's organization, pressed by its own officers, or ``"upper"`` for a step of the
        organization above it, pressed by an upper committee member who runs it or one above it."""
        user = self.env.user
        own = set(user.party_officer_organization_ids.ids)
        for record in records:
            step = step_of(record)
            if not step:
                continue
            button, who = step
            upper = who == "upper"
            acting = record.organization_id.parent_id if upper else record.organization_id
            if not acting or not user.has_group(UPPER if upper else OFFICER):
                continue
            if not (user._party_can_manage(acting) if upper else acting.id in own):
                continue
            label = self.env._("Waiting for you: %s", button)
            path = record.organization_id.parent_path or ""
            for org in self:
                if org.parent_path and path.startswith(org.parent_path):
                    result.setdefault(org.id, []).append((record, label))
        return result

    def _overview_step_line(self, record, label):
        """One line of the card's to-do list for a workflow step that waits for the user, with a link."""
        return Markup(
            '<div class="o_party_todo_line o_party_todo_step text-truncate">'
            '<i class="fa fa-hourglass-half text-warning me-1"></i>'
            '<a href="/odoo/%s/%s">%s</a> <span class="text-muted">%s</span></div>'
        ) % (record._name, record.id, escape(label), escape(record.display_name))

    def _subtree_monthly(self, model, domain, date_field, aggregate, months):
        """``{organization id: {first day of month: value}}`` of ``aggregate`` over the records of each
        organization's subtree, month by month over ``months`` (one grouped query for all of ``self``)."""
        start = months[0]
        date_type = self.env[model]._fields[date_field].type
        since = fields.Datetime.to_datetime(start) if date_type == "datetime" else start
        rows = self.env[model]._read_group(
            domain + [("organization_id", "child_of", self.ids), (date_field, ">=", since)],
            ["organization_id", f"{date_field}:month"], [aggregate])
        result = {org.id: {} for org in self}
        for organization, month, value in rows:
            if not month:
                continue
            month = (month.date() if hasattr(month, "date") and callable(month.date) else month).replace(day=1)
            for org in self:
                if org.parent_path and (organization.parent_path or "").startswith(org.parent_path):
                    result[org.id][month] = result[org.id].get(month, 0) + value
        return result

    @staticmethod
    def _monthly_rate(part, whole, months):
        """Percentages of ``part`` in ``whole`` per month (``None`` for a month with nothing)."""
        return [round(100.0 * part.get(month, 0) / whole[month], 1) if whole.get(month) else None
                for month in months]

    def _compute_overview_trends(self):
        if not self.ids:
            self.overview_trends = False
            return
        months = trend_months(party_today(self))
        points = self._subtree_monthly("party.points.entry", [("state", "=", "posted")], "date", "points:sum",
                                       months)
        expected = self._subtree_monthly("party.meeting.attendance", [("meeting_state", "=", "done")],
                                         "meeting_date", "__count", months)
        present = self._subtree_monthly("party.meeting.attendance",
                                        [("meeting_state", "=", "done"), ("status", "=", "present")],
                                        "meeting_date", "__count", months)
        dues = self._subtree_monthly("party.dues", [], "month", "__count", months)
        paid = self._subtree_monthly("party.dues", [("state", "in", ("paid", "late", "exempt"))], "month", "__count",
                                     months)
        labels = (self.env._("Points"), self.env._("Attendance"), self.env._("Dues paid"))
        for org in self:
            series = (
                [round(points[org.id].get(month, 0), 1) for month in months],
                self._monthly_rate(present[org.id], expected[org.id], months),
                self._monthly_rate(paid[org.id], dues[org.id], months),
            )
            org.overview_trends = Markup("").join(
                self._overview_trend_line(label, values, unit)
                for label, values, unit in zip(labels, series, ("", "%", "%")))

    def _overview_trend_line(self, label, values, unit):
        """One trend of the card: its name, the sparkline of the 12 months and the last month's value."""
        last = next((value for value in reversed(values) if value is not None), None)
        shown = "–" if last is None else f"{last:g}{unit}"
        title = self.env._("%(label)s, last 12 months: %(values)s", label=label, values=" · ".join(
            "–" if value is None else f"{value:g}" for value in values))
        return Markup(
            '<div class="o_party_trend d-flex align-items-center gap-2" title="%s">'
            '<span class="text-muted small text-nowrap" style="width: 4.5rem;">%s</span>%s'
            '<span class="small fw-bold text-nowrap">%s</span></div>'
        ) % (title, label, sparkline_svg(values), shown)

    def _overview_todo_line(self, activity, today):
        """One line of the card's to-do list: the deadline, what to do and the record, with a link to it."""
        late = activity.date_deadline and activity.date_deadline < today
        return Markup(
            '<div class="o_party_todo_line text-truncate"><span class="%s me-1">%s</span>'
            '<a href="/odoo/%s/%s">%s</a> <span class="text-muted">%s</span></div>'
        ) % (
            "text-danger" if late else "text-muted",
            escape(activity.date_deadline.strftime("%m-%d") if activity.date_deadline else ""),
            activity.res_model, activity.res_id,
            escape(activity.summary or activity.activity_type_id.name or ""),
            escape(activity.res_name or ""),
        )

    def action_overview_todo(self):
        """The user's open activities (the full to-do list behind the card's first lines)."""
        action = self.env["ir.actions.act_window"]._for_xml_id("mail.mail_activity_action")
        action["domain"] = [("user_id", "=", self.env.uid)]
        action["context"] = {}
        return action

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

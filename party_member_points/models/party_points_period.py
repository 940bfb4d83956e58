from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools.clock import local_date, party_today
from .party_freeze_mixin import DELETE
from .party_points_logic import (
    MIN_PUBLICATION_DAYS,
    PERIOD_TYPES,
    period_bounds,
    publication_days_too_short,
    publication_end_date,
)
from .party_workflow import WORKFLOW, given_fields, in_workflow

PERIOD_STATES = [
    ("open", "Recording"),
    ("review", "Under Review"),
    ("published", "Published"),
    ("closed", "Closed"),
]
# Written by the buttons of the period only.
FLOW_FIELDS = {"state", "publication_start", "publication_end", "closed_by_id", "closed_date"}
# What the period covers: fixed once it leaves the recording state.
SCOPE_FIELDS = {"organization_id", "date_from", "date_to", "scheme_id", "period_type"}


class PartyPointsPeriod(models.Model):
    """A review period of an organization: points are recorded, reviewed by the branch committee, published
    (公示) for the configured days with an appeal window, then closed. A closed period is locked: no entry
    dated inside it can be created, changed or reversed for the members of the organization."""

    _name = "party.points.period"
    _description = "Points Period"
    _inherit = ["mail.thread", "mail.activity.mixin", "party.freeze.mixin"]
    # What each state freezes (party.freeze.mixin): the scope at review, the published notice, and the appeals
    # once the period is closed.
    _party_freeze = {
        "review": ("organization_id", "date_from", "date_to", "scheme_id", "period_type", DELETE),
        "published": ("organization_id", "date_from", "date_to", "scheme_id", "period_type", "name",
                      "publication_days", "publication_working_days", DELETE),
        "closed": ("organization_id", "date_from", "date_to", "scheme_id", "period_type", "name",
                   "publication_days", "publication_working_days", "note", "appeal_ids", DELETE),
    }
    _order = "date_from desc, organization_id"

    name = fields.Char(compute="_compute_name", store=True, readonly=False, required=True, precompute=True)
    organization_id = fields.Many2one("party.organization", required=True, index=True, ondelete="restrict",
                                      tracking=True, help="The period covers the members of this organization and "
                                                          "of its sub-organizations.")
    company_id = fields.Many2one(related="organization_id.company_id", store=True, index=True)
    scheme_id = fields.Many2one("party.points.scheme", string="Scheme", ondelete="restrict")
    period_type = fields.Selection(PERIOD_TYPES, required=True, default="quarter")
    date_from = fields.Date(required=True, tracking=True)
    date_to = fields.Date(required=True, tracking=True)
    state = fields.Selection(PERIOD_STATES, required=True, default="open", tracking=True, index=True, copy=False)
    publication_days = fields.Integer(default=5, tracking=True)
    publication_working_days = fields.Boolean(string="Count Working Days")
    publication_start = fields.Date(readonly=True, copy=False, tracking=True)
    publication_end = fields.Date(readonly=True, copy=False, tracking=True,
                                  help="Last day of the publication; appeals are accepted until this day.")
    closed_by_id = fields.Many2one("res.users", string="Closed by", readonly=True, copy=False)
    closed_date = fields.Datetime(string="Closed on", readonly=True, copy=False)
    appeal_ids = fields.One2many("party.points.appeal", "period_id", string="Appeals")
    appeal_count = fields.Integer(compute="_compute_counts")
    open_appeal_count = fields.Integer(compute="_compute_counts")
    entry_count = fields.Integer(compute="_compute_counts")
    pending_count = fields.Integer(compute="_compute_counts", string="Pending Entries")
    can_appeal = fields.Boolean(compute="_compute_can_appeal")
    note = fields.Html()

    _sql_constraints = [
        ("dates_uniq", "unique(organization_id, date_from, date_to)", "This period already exists."),
        ("dates_order", "CHECK(date_from <= date_to)", "A period cannot end before it starts."),
    ]

    @api.depends("organization_id", "date_from", "date_to", "period_type")
    def _compute_name(self):
        for period in self:
            if not (period.organization_id and period.date_from and period.date_to):
                period.name = period.name or False
                continue
            start = period.date_from
            # in the user's language: 2026 Q3 reads 2026年第三季度 in Chinese
            quarters = [self.env._("%s Q1"), self.env._("%s Q2"), self.env._("%s Q3"), self.env._("%s Q4")]
            halves = [self.env._("%s H1"), self.env._("%s H2")]
            label = {
                "month": f"{start.year}-{start.month:02d}",
                "quarter": quarters[(start.month - 1) // 3] % start.year,
                "half_year": halves[(start.month - 1) // 6] % start.year,
                "year": self.env._("Year %s", start.year),
            }.get(period.period_type, f"{period.date_from} – {period.date_to}")
            period.name = f"{period.organization_id.name} {label}"

    def _compute_counts(self):
        Entry = self.env["party.points.entry"]
        appeals = {(period, state): count for period, state, count in self.env["party.points.appeal"]._read_group(
            [("period_id", "in", self.ids)], ["period_id", "state"], ["__count"])}
        for period in self:
            period.appeal_count = sum(count for (p, _state), count in appeals.items() if p == period)
            period.open_appeal_count = appeals.get((period, "submitted"), 0)
            counts = dict(Entry._read_group(period._entry_domain(), ["state"], ["__count"]))
            period.entry_count = counts.get("posted", 0)
            period.pending_count = counts.get("submitted", 0) + counts.get("draft", 0)

    @api.depends_context("date")
    @api.depends("state", "publication_end")
    def _compute_can_appeal(self):
        today = party_today(self)
        for period in self:
            period.can_appeal = period._appeal_window_open(today)

    @api.constrains("organization_id", "date_from", "date_to")
    def _check_overlap(self):
        for period in self:
            if self.search_count([("id", "!=", period.id), ("organization_id", "=", period.organization_id.id),
                                  ("date_from", "<=", period.date_to), ("date_to", ">=", period.date_from)]):
                raise ValidationError(self.env._("%s overlaps another period of the same organization.",
                                                 period.name))

    @api.onchange("organization_id")
    def _onchange_organization_id(self):
        if self.organization_id:
            scheme = self.organization_id._get_points_scheme()
            self.scheme_id = scheme
            self.period_type = scheme.period_type
            self.publication_days = scheme.publication_days
            self.publication_working_days = scheme.publication_working_days

    @api.model_create_multi
    def create(self, vals_list):
        if not in_workflow(self.env, "party_points_period_flow"):
            if any(vals.get("state", "open") != "open" for vals in vals_list) \
                    or given_fields(vals_list, FLOW_FIELDS - {"state"}):
                raise UserError(self.env._("A new points period starts in recording; use its buttons to move it on."))
        for vals in vals_list:
            self._check_dates_order(vals.get("date_from"), vals.get("date_to"))
        return super().create(vals_list)

    @api.constrains("publication_days")
    def _check_publication_days(self):
        for period in self:
            if publication_days_too_short(period.publication_days):
                raise ValidationError(self.env._(
                    "%(period)s: the publication of the points lasts at least %(days)s days.",
                    period=period.name, days=MIN_PUBLICATION_DAYS))

    def _check_dates_order(self, date_from, date_to):
        if date_from and date_to and fields.Date.to_date(date_from) > fields.Date.to_date(date_to):
            raise ValidationError(self.env._("A period cannot end before it starts."))

    def write(self, vals):
        if not in_workflow(self.env, "party_points_period_flow"):
            if FLOW_FIELDS & set(vals):
                raise UserError(self.env._("Use the buttons of the period to review, publish or close it."))
            if SCOPE_FIELDS & set(vals):
                if self.filtered(lambda p: p.state == "closed"):
                    raise UserError(self.env._("A closed period is locked and cannot be changed."))
                if self.filtered(lambda p: p.state != "open"):
                    raise UserError(self.env._(
                        "The organization, dates and scheme of a period are fixed once it goes to review."))
        if "date_from" in vals or "date_to" in vals:
            for period in self:
                self._check_dates_order(vals.get("date_from", period.date_from), vals.get("date_to", period.date_to))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_open(self):
        if any(period.state != "open" for period in self):
            raise UserError(self.env._("Only a period still being recorded can be deleted."))

    # ------------------------------------------------------------------ helpers
    def _entry_domain(self):
        self.ensure_one()
        return [("organization_id", "child_of", self.organization_id.id),
                ("date", ">=", self.date_from), ("date", "<=", self.date_to)]

    def _appeal_window_open(self, today):
        self.ensure_one()
        return self.state == "published" and bool(self.publication_end) and today <= self.publication_end

    @api.model
    def _closed_periods_of(self, pairs):
        """The closed period (or an empty recordset) of each ``(organization, date)`` of ``pairs``: a period of the
        organization or of one of its ancestors, closed, whose dates hold the date. One query."""
        empty = self.browse()
        found = [empty] * len(pairs)
        todo = [(index, org, day) for index, (org, day) in enumerate(pairs) if org and day]
        if not todo:
            return found
        dates = [day for _index, _org, day in todo]
        org_ids = list({org.id for _index, org, _day in todo})
        periods = self.sudo().search([
            ("date_from", "<=", max(dates)), ("date_to", ">=", min(dates)), ("organization_id", "parent_of", org_ids)])
        if periods:
            # a period closed by a concurrent transaction since our snapshot makes this fail with a serialization
            # error (and the request is retried on fresh data, where the period is closed)
            self.env.cr.execute(SQL("SELECT id FROM party_points_period WHERE id = ANY(%s) ORDER BY id FOR SHARE",
                                    periods.ids), log_exceptions=False)
        closed = periods.filtered(lambda period: period.state == "closed")
        if not closed:
            return found
        for index, org, day in todo:
            ancestors = {int(part) for part in (org.sudo().parent_path or "").split("/") if part}
            for period in closed:
                if period.organization_id.id in ancestors and period.date_from <= day <= period.date_to:
                    found[index] = period
                    break
        return found

    def _check_not_locked(self, pairs):
        """Refuse any change of the points ledger dated inside a closed period of the organization or of one of its
        ancestors. ``pairs``: list of ``(organization, date)``. One query.

        Closing a period locks its points, not the register: a dues payment or a meeting dated in a closed
        period is still recorded, and its automatic points go to the open period
        (:meth:`party.points.entry._post_automatic_multi`)."""
        pairs = list(pairs)
        for (_org, day), period in zip(pairs, self._closed_periods_of(pairs)):
            if period:
                raise UserError(self.env._(
                    "The points period %(period)s is closed: nothing dated %(date)s can be recorded or changed "
                    "any more.", period=period.name, date=fields.Date.to_string(day)))

    def _public_holidays(self, date_from, date_to):
        """Days between ``date_from`` and ``date_to`` that are public holidays of the period's company: the
        company-wide leaves (no resource) of its working calendar, Odoo's own "Public Holidays" (the statutory
        holidays of mainland China are shipped as data, to be checked and edited each year). Dates are read in
        the organization's timezone."""
        self.ensure_one()
        company = self.organization_id.company_id or self.env.company
        calendar = company.sudo().resource_calendar_id
        leaves = self.env["resource.calendar.leaves"].sudo().search([
            ("resource_id", "=", False),
            ("calendar_id", "in", [calendar.id, False] if calendar else [False]),
            ("company_id", "in", [company.id, False]),
            ("date_from", "<=", fields.Datetime.to_datetime(date_to) + timedelta(days=1)),
            ("date_to", ">=", fields.Datetime.to_datetime(date_from) - timedelta(days=1)),
        ])
        days = set()
        for leave in leaves:
            day, last = local_date(self, leave.date_from), local_date(self, leave.date_to)
            while day <= last:
                days.add(day)
                day += timedelta(days=1)
        return days

    def _makeup_workdays(self, date_from, date_to):
        """Saturdays and Sundays between ``date_from`` and ``date_to`` worked under the holiday schedule (调休上班):
        the make-up working days of the period's company and of the national schedule (no company)."""
        self.ensure_one()
        company = self.organization_id.company_id or self.env.company
        return set(self.env["party.workday"].sudo().search([
            ("company_id", "in", [company.id, False]), ("date", ">=", date_from), ("date", "<=", date_to),
        ]).mapped("date"))

    def _check_officer(self):
        for period in self:
            if not self.env.su and not self.env.user._party_can_manage(period.organization_id):
                raise UserError(self.env._("Only an officer of %s can move its points period.",
                                           period.organization_id.name))

    def _flow_write(self, vals):
        return self.with_context(party_points_period_flow=WORKFLOW).write(vals)

    # ------------------------------------------------------------------ flow
    def action_review(self):
        self._check_officer()
        for period in self:
            if period.state != "open":
                raise UserError(self.env._("Only a period being recorded can go to review."))
        self._flow_write({"state": "review"})
        return True

    def action_back_to_open(self):
        self._check_officer()
        if any(period.state != "review" for period in self):
            raise UserError(self.env._("Only a period under review can go back to recording."))
        self._flow_write({"state": "open"})
        return True

    def action_publish(self):
        """Publish the period's points (公示) from today for the configured days; appeals are accepted until
        the end of the publication."""
        self._check_officer()
        today = party_today(self)
        for period in self:
            if period.state != "review":
                raise UserError(self.env._("Only a reviewed period can be published."))
            if period.pending_count:
                raise UserError(self.env._(
                    "%(period)s still has %(count)s draft or submitted entries: decide them before publishing.",
                    period=period.name, count=period.pending_count))
            horizon = today + timedelta(days=7 * period.publication_days + 60)
            holidays = period._public_holidays(today, horizon) if period.publication_working_days else ()
            workdays = period._makeup_workdays(today, horizon) if period.publication_working_days else ()
            end = publication_end_date(today, period.publication_days, period.publication_working_days, holidays,
                                       workdays)
            period._flow_write({"state": "published", "publication_start": today, "publication_end": end})
            period.message_post(body=self.env._(
                "Points published from %(start)s to %(end)s. Members may appeal until %(end)s.",
                start=fields.Date.to_string(today), end=fields.Date.to_string(end)))
        return True

    def action_close(self):
        """Close (lock) the period once its publication has ended and every appeal is answered."""
        self._check_officer()
        today = party_today(self)
        for period in self:
            if period.state != "published":
                raise UserError(self.env._("Only a published period can be closed."))
            if period.publication_end and today <= period.publication_end:
                raise UserError(self.env._("The publication of %(period)s runs until %(end)s.",
                                           period=period.name, end=fields.Date.to_string(period.publication_end)))
            if period.open_appeal_count:
                raise UserError(self.env._("%(period)s has %(count)s unanswered appeals.",
                                           period=period.name, count=period.open_appeal_count))
        self._flow_write({"state": "closed", "closed_by_id": self.env.uid, "closed_date": fields.Datetime.now()})
        for period in self:
            period.message_post(body=self.env._("Period closed and locked."))
        return True

    def action_view_entries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("party_member_points.party_points_entry_action")
        action["domain"] = self._entry_domain()
        action["context"] = {"search_default_group_member": 1}
        return action

    def action_view_appeals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("party_member_points.party_points_appeal_action")
        action["domain"] = [("period_id", "=", self.id)]
        action["context"] = {"default_period_id": self.id}
        return action

    def _member_totals(self):
        """Posted points of the period per member and component, for the public notice: one grouped query.
        Returns ``[(member, {component: points}, total)]`` sorted by total, highest first."""
        self.ensure_one()
        rows = self.env["party.points.entry"].sudo()._read_group(
            self._entry_domain() + [("state", "=", "posted")], ["member_id", "component_id"], ["points:sum"])
        totals = {}
        for member, component, points in rows:
            totals.setdefault(member, {})[component] = points
        return sorted(((member, comps, sum(comps.values())) for member, comps in totals.items()),
                      key=lambda row: (-row[2], row[0].name))

    def action_export_notice_xlsx(self):
        """The public notice (公示表) of the period as an XLSX workbook: one row per member, one column per
        component, highest total first."""
        self.ensure_one()
        self.check_access("read")
        components = self.scheme_id.component_ids
        rows = [[index, member.name] + [comps.get(component, 0.0) for component in components] + [total]
                for index, (member, comps, total) in enumerate(self._member_totals(), start=1)]
        subtitle_lines = [self.env._("Period: %(start)s to %(end)s", start=self.date_from, end=self.date_to)]
        if self.publication_end:
            subtitle_lines.append(self.env._("Publication: %(start)s to %(end)s",
                                             start=self.publication_start, end=self.publication_end))
        return self.env["party.xlsx.export"]._download(
            f"{self.display_name}.xlsx", [{
                "name": self.env._("Public Notice"),
                "title": self.env._("Public Notice of Party Member Points: %s", self.organization_id.display_name),
                "subtitle_lines": subtitle_lines,
                "headers": [self.env._("No."), self.env._("Member")] + components.mapped("name")
                + [self.env._("Total")],
                "rows": rows,
                "widths": [6, 14] + [12] * len(components) + [10],
            }])

    # ------------------------------------------------------------------ generation and scheduled actions
    @api.model
    def _generate_periods(self, day=None, organizations=None):
        """Create the period containing ``day`` for every branch (per its scheme's period type) that has none.
        Returns the new periods."""
        day = day or party_today(self)
        Org = self.env["party.organization"].sudo()
        orgs = organizations or Org.search([("kind", "in", ("branch", "general_branch"))])
        existing = self.sudo().search([("organization_id", "in", orgs.ids), ("date_from", "<=", day),
                                       ("date_to", ">=", day)])
        covered = set(existing.organization_id.ids)
        vals_list = []
        for org in orgs:
            if org.id in covered:
                continue
            scheme = org._get_points_scheme()
            if not scheme:
                continue
            start, end = period_bounds(day, scheme.period_type)
            vals_list.append({
                "organization_id": org.id, "scheme_id": scheme.id, "period_type": scheme.period_type,
                "date_from": start, "date_to": end, "publication_days": scheme.publication_days,
                "publication_working_days": scheme.publication_working_days,
            })
        return self.sudo().create(vals_list)

    @api.model
    def _cron_monthly_reminder(self):
        """Monthly: make sure the current periods exist and remind every group leader and branch secretary to
        record last month's points (one activity each, on the branch's current period)."""
        today = party_today(self)
        self._generate_periods(today)
        periods = self.sudo().search([("date_from", "<=", today), ("date_to", ">=", today), ("state", "=", "open")])
        activity_type = self.env.ref("party_member_points.mail_activity_type_points_record")
        groups = self.env["party.organization"].sudo().search([
            ("kind", "=", "group"), ("parent_id", "in", periods.organization_id.ids)])
        for period in periods:
            users = period.organization_id.secretary_id | groups.filtered(
                lambda g, p=period: g.parent_id == p.organization_id).secretary_id
            waiting = period.activity_ids.filtered(lambda a: a.activity_type_id == activity_type).user_id
            for user in users - waiting:
                period.activity_schedule(
                    activity_type_id=activity_type.id, user_id=user.id,
                    summary=self.env._("Record the points of last month"),
                    note=self.env._("Record the points of %(month)s for the members of %(org)s.",
                                    month=fields.Date.to_string(today.replace(day=1)), org=period.organization_id.name))
        self.env["party.dues"]._post_overdue_dues_points(today)
        return True

    @api.model
    def _cron_daily(self):
        """Daily: periods whose dates are over go to review (the secretary is asked to review and publish);
        published periods whose publication ended are closed, or the secretary is asked to answer the appeals."""
        today = party_today(self)
        review_type = self.env.ref("party_member_points.mail_activity_type_points_review")
        Period = self.sudo()
        for period in Period.search([("state", "=", "open"), ("date_to", "<", today)]):
            period._flow_write({"state": "review"})
            period.activity_schedule(
                activity_type_id=review_type.id, user_id=period.organization_id._get_responsible_user().id,
                summary=self.env._("Review and publish the points of %s", period.name))
        for period in Period.search([("state", "=", "published"), ("publication_end", "<", today)]):
            if period.open_appeal_count:
                if not period.activity_ids.filtered(lambda a: a.activity_type_id == review_type):
                    period.activity_schedule(
                        activity_type_id=review_type.id, user_id=period.organization_id._get_responsible_user().id,
                        summary=self.env._("Answer the appeals of %s to close it", period.name))
            else:
                period.action_close()
        return True

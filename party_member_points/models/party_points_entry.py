import math
import re
from collections import defaultdict
from datetime import date as date_type

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from .party_points_logic import apply_cap, apply_floor, apply_magnitude_cap, fmt_points, period_bounds
from .party_workflow import WORKFLOW, given_fields, in_workflow

ENTRY_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("posted", "Posted"),
    ("rejected", "Rejected"),
]

# Fields that make up the record of a points entry: once posted (or rejected) they never change.
IMMUTABLE_FIELDS = {
    "name", "member_id", "scheme_id", "rule_id", "component_id", "date", "points", "requested_points", "state",
    "attachment_ids", "evidence_note", "witness_ids", "witness_names", "source_ref", "reversed_entry_id",
    "reversal_reason", "reject_reason", "proposer_id", "submit_date", "approver_id", "approval_date", "is_automatic",
    "cap_note",
}
# Fields only the workflow writes (posting, approval, reversal, automatic entries): a user never gives them.
WORKFLOW_FIELDS = {
    "state", "approver_id", "approval_date", "submit_date", "proposer_id", "is_automatic", "source_ref",
    "reversed_entry_id", "is_reversed", "reversal_reason", "reject_reason", "cap_note", "requested_points",
    "component_id", "year", "organization_id", "party_group_id", "company_id", "category",
}


class PartyPointsEntry(models.Model):
    """One line of the points ledger (积分台账).

    Flow: a claim or a recording is a draft, submitted to the branch secretary (an activity), then posted or
    rejected. Officers may post directly; automatic entries (attendance, dues, evaluation, mobilization) are
    posted at once. Posted entries are immutable: a correction is a reversing entry with a reason. Caps of the
    rule and of the component are enforced when posting, and never overshot.
    """

    _name = "party.points.entry"
    _description = "Points Entry"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"

    name = fields.Char(string="Description", required=True)
    member_id = fields.Many2one("party.member", string="Member", required=True, index=True, ondelete="restrict",
                                tracking=True)
    organization_id = fields.Many2one(related="member_id.organization_id", store=True, index=True,
                                      string="Organization")
    party_group_id = fields.Many2one(related="member_id.party_group_id", store=True, index=True,
                                     string="Party Group")
    company_id = fields.Many2one(related="member_id.company_id", store=True, index=True)
    scheme_id = fields.Many2one("party.points.scheme", string="Scheme", required=True, index=True,
                                ondelete="restrict")
    rule_id = fields.Many2one("party.points.rule", string="Rule", required=True, index=True, ondelete="restrict",
                              tracking=True, domain="[('scheme_id', '=', scheme_id)]")
    component_id = fields.Many2one("party.points.component", string="Component", index=True, readonly=True,
                                   ondelete="restrict")
    category = fields.Selection(related="rule_id.category", store=True)
    date = fields.Date(required=True, default=fields.Date.context_today, index=True, tracking=True)
    year = fields.Integer(compute="_compute_year", store=True, index=True, aggregator=None)
    requested_points = fields.Float(string="Requested Points", readonly=True,
                                    help="Points proposed before the caps were applied.")
    points = fields.Float(tracking=True)
    cap_note = fields.Char(string="Cap Note", readonly=True)
    state = fields.Selection(ENTRY_STATES, required=True, default="draft", tracking=True, index=True, copy=False)
    is_automatic = fields.Boolean(string="Automatic", readonly=True, copy=False)
    proposer_id = fields.Many2one("res.users", string="Proposed by", default=lambda self: self.env.user,
                                  readonly=True, copy=False)
    submit_date = fields.Datetime(string="Submitted on", readonly=True, copy=False)
    approver_id = fields.Many2one("res.users", string="Approved by", readonly=True, copy=False, tracking=True)
    approval_date = fields.Datetime(string="Approved on", readonly=True, copy=False)
    attachment_ids = fields.Many2many("ir.attachment", "party_points_entry_attachment_rel", "entry_id",
                                      "attachment_id", string="Evidence")
    evidence_note = fields.Text(string="Evidence Description")
    witness_ids = fields.Many2many("party.member", "party_points_entry_witness_rel", "entry_id", "member_id",
                                   string="Witnesses", help="A late claim (补录) needs two party members as witnesses.")
    witness_names = fields.Char(string="Witnesses (names)",
                                help="Names of the two party members who confirm a late claim, when they cannot be "
                                     "chosen from the register.")
    evidence_required = fields.Boolean(related="rule_id.evidence_required")
    source_ref = fields.Reference(selection="_selection_source_models", string="Source", index=True, readonly=True,
                                  copy=False,
                                  help="Record the entry comes from: a meeting attendance, a dues month, an "
                                       "evaluation, a mobilization...")
    reversed_entry_id = fields.Many2one("party.points.entry", string="Reverses", index=True, readonly=True,
                                        copy=False, ondelete="restrict")
    reversal_entry_ids = fields.One2many("party.points.entry", "reversed_entry_id", string="Reversals")
    is_reversed = fields.Boolean(string="Reversed", readonly=True, index=True, copy=False)
    reversal_reason = fields.Text(readonly=True, copy=False)
    reject_reason = fields.Text(readonly=True, copy=False)
    can_approve = fields.Boolean(compute="_compute_can_approve")

    # ------------------------------------------------------------------ computes
    @api.model
    def _selection_source_models(self):
        return [(model.model, model.name) for model in self.env["ir.model"].sudo().search([])]

    @api.depends("date")
    def _compute_year(self):
        for entry in self:
            entry.year = entry.date.year if entry.date else 0

    @api.depends_context("uid")
    @api.depends("state", "member_id")
    def _compute_can_approve(self):
        user = self.env.user
        for entry in self:
            entry.can_approve = entry.state == "submitted" and entry._user_can_decide(user)

    @api.depends("name", "points", "member_id")
    def _compute_display_name(self):
        for entry in self:
            entry.display_name = f"{entry.member_id.name or ''} · {entry.name or ''} ({entry.points:+g})"

    @api.onchange("member_id")
    def _onchange_member_id(self):
        if self.member_id:
            scheme = self.member_id.organization_id._get_points_scheme()
            if scheme != self.scheme_id:
                self.scheme_id = scheme
                self.rule_id = False

    @api.onchange("rule_id")
    def _onchange_rule_id(self):
        if self.rule_id:
            self.points = self.rule_id.points
            if not self.name:
                self.name = self.rule_id.name

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "member_id" in fields_list and not values.get("member_id"):
            own = self.env.user.party_member_ids[:1]
            if own:
                values["member_id"] = own.id
        member = self.env["party.member"].browse(values.get("member_id"))
        if "scheme_id" in fields_list and not values.get("scheme_id") and member:
            values["scheme_id"] = member.organization_id._get_points_scheme().id
        return values

    # ------------------------------------------------------------------ rights helpers
    def _user_can_decide(self, user):
        """Officers of the member's organization (or above) decide, but never on their own entry."""
        self.ensure_one()
        if user.has_group("party_member_points.group_party_admin"):
            return True
        return user._party_can_manage(self.member_id.organization_id) and self.member_id.user_id != user

    @api.model
    def _user_can_record(self, user, member, rule):
        """Who may record ``rule`` for ``member``: the rule's recorder setting against the user's role."""
        if user.has_group("party_member_points.group_party_admin"):
            return rule.recorder != "system"
        if rule.recorder == "system":
            return False
        is_officer = user._party_can_manage(member.organization_id)
        is_leader = bool(member.party_group_id) and member.party_group_id in user.party_officer_organization_ids
        is_self = member.user_id == user
        if rule.recorder == "officer":
            return is_officer
        if rule.recorder == "leader":
            return is_officer or is_leader
        return is_officer or is_leader or is_self

    def _get_approver(self):
        """The branch secretary (nearest secretary up the tree); never the member themselves."""
        self.ensure_one()
        org = self.member_id.organization_id
        approver = org._get_responsible_user()
        if approver == self.member_id.user_id and org.parent_id:
            approver = org.parent_id._get_responsible_user()
        return approver

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        Member = self.env["party.member"]
        Rule = self.env["party.points.rule"]
        system = in_workflow(self.env, "party_points_posting")
        if not system:
            if any(vals.get("state", "draft") != "draft" for vals in vals_list):
                raise UserError(self.env._("A new points entry starts as a draft."))
            forged = given_fields(vals_list, WORKFLOW_FIELDS - {"state", "proposer_id", "requested_points",
                                                                "cap_note", "component_id"})
            if forged:
                raise UserError(self.env._(
                    "These fields are set by the approval workflow and cannot be given: %s",
                    ", ".join(self._fields[name]._description_string(self.env) for name in forged)))
        for vals in vals_list:
            member = Member.browse(vals.get("member_id"))
            rule = Rule.browse(vals.get("rule_id"))
            if not member or not rule:
                raise UserError(self.env._("A points entry needs a member and a rule."))
            scheme = member.organization_id._get_points_scheme()
            vals["scheme_id"] = rule.scheme_id.id
            if rule.scheme_id != scheme and not system:
                raise ValidationError(self.env._(
                    "The rule “%(rule)s” is not part of the scheme of %(member)s (%(scheme)s).",
                    rule=rule.name, member=member.name, scheme=scheme.name))
            vals["component_id"] = rule.component_id.id
            vals.setdefault("name", rule.name)
            if not system:
                vals.pop("cap_note", None)
                day = fields.Date.to_date(vals.get("date")) or fields.Date.context_today(self)
                if day > fields.Date.context_today(self):
                    raise ValidationError(self.env._(
                        "Points are recorded for what has happened: %s is in the future.", fields.Date.to_string(day)))
                if not self._user_can_record(self.env.user, member, rule):
                    raise AccessError(self.env._(
                        "You may not record “%(rule)s” for %(member)s.", rule=rule.name, member=member.name))
                vals["points"] = self._check_points_for_rule(rule, vals.get("points"))
                vals["proposer_id"] = self.env.uid
                vals["requested_points"] = vals["points"]
            elif vals.get("points") is None:
                vals["points"] = rule.points
            self._check_finite(vals["points"])
            vals.setdefault("requested_points", vals["points"])
        today = fields.Date.context_today(self)
        self.env["party.points.period"]._check_not_locked([
            (Member.browse(vals["member_id"]).organization_id, fields.Date.to_date(vals.get("date")) or today)
            for vals in vals_list])
        entries = super().create(vals_list)
        entries._attach_evidence()
        return entries

    def _attach_evidence(self):
        """Bind evidence uploaded before the entry existed (``res_id`` still empty) to the entry, so that
        whoever may read the entry (its approver in particular) may read the evidence too. Only files the
        current user uploaded are bound: nobody can take over someone else's attachment this way."""
        for entry in self:
            loose = entry.attachment_ids.filtered(
                lambda a: not a.res_id and (self.env.su or a.create_uid == self.env.user))
            if loose:
                loose.sudo().write({"res_model": self._name, "res_id": entry.id})

    @api.model
    def _check_points_for_rule(self, rule, points):
        """Manual points must be the rule's value, or for a variable rule between 0 and it (same sign)."""
        if points is None or points is False or not rule.allow_custom_points:
            return rule.points
        self._check_finite(points)
        if points * rule.points < 0 or abs(points) > abs(rule.points):
            raise ValidationError(self.env._(
                "“%(rule)s” gives between 0 and %(points)s points.", rule=rule.name, points=fmt_points(rule.points)))
        return points

    @api.model
    def _check_finite(self, points):
        """Refuse points that are not a finite number (JSON-RPC lets a client send NaN or Infinity)."""
        if not isinstance(points, (int, float)) or not math.isfinite(points):
            raise ValidationError(self.env._("Points must be a number, not “%s”.", points))

    def write(self, vals):
        if not in_workflow(self.env, "party_points_posting"):
            system_fields = (WORKFLOW_FIELDS - {"state"}) & set(vals)
            if system_fields:
                raise UserError(self.env._(
                    "These fields are set by the approval workflow and cannot be changed: %s",
                    ", ".join(sorted(self._fields[name]._description_string(self.env) for name in system_fields))))
            locked_fields = IMMUTABLE_FIELDS & set(vals)
            if locked_fields:
                frozen = self.filtered(lambda e: e.state in ("posted", "rejected"))
                if frozen:
                    raise UserError(self.env._(
                        "Posted or rejected points entries cannot be changed (%s). Correct a posted entry with a "
                        "reversing entry.", ", ".join(frozen.mapped("display_name"))))
                if "state" in vals:
                    raise UserError(self.env._("Use the buttons to submit, approve or reject a points entry."))
                if not self.env.su:
                    for entry in self:
                        if entry.state == "submitted" and not entry._user_can_decide(self.env.user):
                            raise UserError(self.env._(
                                "%s is waiting for approval: withdraw it to make changes.", entry.display_name))
                if {"member_id", "rule_id", "scheme_id"} & set(vals):
                    raise UserError(self.env._("Create a new entry instead of changing its member or rule."))
                if "points" in vals and not self.env.su:
                    for entry in self:
                        if entry._check_points_for_rule(entry.rule_id, vals["points"]) != vals["points"]:
                            raise ValidationError(self.env._(
                                "“%(rule)s” gives %(points)s points; they cannot be changed.",
                                rule=entry.rule_id.name, points=fmt_points(entry.rule_id.points)))
        if "date" in vals:
            day = fields.Date.to_date(vals["date"])
            if not in_workflow(self.env, "party_points_posting") and day and day > fields.Date.context_today(self):
                raise ValidationError(self.env._(
                    "Points are recorded for what has happened: %s is in the future.", fields.Date.to_string(day)))
            self.env["party.points.period"]._check_not_locked(
                [(entry.member_id.organization_id, fields.Date.to_date(vals["date"])) for entry in self]
                + [(entry.member_id.organization_id, entry.date) for entry in self])
        res = super().write(vals)
        if "attachment_ids" in vals:
            self._attach_evidence()
        if "points" in vals and not in_workflow(self.env, "party_points_posting"):
            for entry in self:
                entry.with_context(party_points_posting=WORKFLOW).requested_points = entry.points
        return res

    def unlink(self):
        for entry in self:
            if entry.state in ("posted", "rejected"):
                raise UserError(self.env._(
                    "Posted or rejected points entries are part of the ledger and are never deleted (%s). Reverse "
                    "a posted entry instead.", entry.display_name))
        self.env["party.points.period"]._check_not_locked(
            [(entry.member_id.organization_id, entry.date) for entry in self])
        return super().unlink()

    # ------------------------------------------------------------------ concurrency
    def init(self):
        super().init()
        # one row per member whose postings were serialized (see _lock_ledger); no foreign key on purpose
        self.env.cr.execute("""
            CREATE TABLE IF NOT EXISTS party_points_ledger_lock (
                member_id integer PRIMARY KEY,
                version integer NOT NULL DEFAULT 0
            )""")

    @api.model
    def _lock_ledger(self, members):
        """Serialize the postings of ``members``: two transactions posting for the same member (two officers
        approving at once, attendance points recorded twice) would each check the caps and the entries already
        there against their own snapshot and could overshoot a cap or post the same points twice.

        Each posting bumps the member's row of ``party_points_ledger_lock`` (in member order, against deadlocks):
        when a concurrent transaction bumped it since our snapshot, this fails with a serialization error and
        Odoo runs the request again on fresh data, where the caps and the duplicates are seen. A table of its own
        keeps the lock away from the member rows, which every new entry references (foreign key checks)."""
        if members:
            self.env.cr.execute(SQL(
                "INSERT INTO party_points_ledger_lock (member_id) SELECT unnest(%s::int[]) AS id ORDER BY id "
                "ON CONFLICT (member_id) DO UPDATE SET version = party_points_ledger_lock.version + 1",
                sorted(set(members.ids))), log_exceptions=False)

    def _lock_for_decision(self):
        """Lock the entries before a state change (submit, approve, post, reject, withdraw, reverse), without
        waiting: a concurrent decision on the same entry makes this request fail at once and be retried by Odoo,
        and the retry sees the new state ("Only submitted entries can be approved") instead of deciding twice."""
        if self.ids:
            self.env.cr.execute(SQL(
                "SELECT id FROM party_points_entry WHERE id = ANY(%s) ORDER BY id FOR UPDATE NOWAIT", self.ids),
                log_exceptions=False)

    # ------------------------------------------------------------------ caps
    @api.model
    def _cap_points(self, items):
        """Allowed points for pending items, in order, against the posted ledger and each other.

        ``items``: dicts with ``member`` (party.member), ``rule`` (party.points.rule), ``date`` and ``points``.
        Returns a list of ``(allowed, note)``: ``allowed`` is cut to the room left under the rule's count limit
        and cap (per its limit period) and under the component maximum (per scoring period), and stopped at the
        scheme's floor for deductions; ``note`` says why points were cut (empty when not cut).
        Reversed entries and reversals are left out: reversing an entry frees its room again.
        Three grouped queries for the whole batch.
        """
        if not items:
            return []
        dates = [item["date"] for item in items]
        first = date_type(min(dates).year, 1, 1)
        last = date_type(max(dates).year, 12, 31)
        member_ids = list({item["member"].id for item in items})
        domain = [("state", "=", "posted"), ("is_reversed", "=", False), ("reversed_entry_id", "=", False),
                  ("member_id", "in", member_ids), ("date", ">=", first), ("date", "<=", last)]
        Entry = self.sudo().with_context(active_test=False)
        rule_sums = defaultdict(float)
        rule_counts = defaultdict(int)
        for member, rule, month, total, count in Entry._read_group(
                domain + [("rule_id", "in", list({item["rule"].id for item in items}))],
                ["member_id", "rule_id", "date:month"], ["points:sum", "__count"]):
            rule_sums[(member.id, rule.id, month)] = total
            rule_counts[(member.id, rule.id, month)] = count
        component_sums = defaultdict(float)
        for member, component, month, total in Entry._read_group(
                domain + [("component_id", "in", list({item["rule"].component_id.id for item in items}))],
                ["member_id", "component_id", "date:month"], ["points:sum"]):
            component_sums[(member.id, component.id, month)] = total
        total_sums = defaultdict(float)
        if any(item["rule"].scheme_id.floor_mode == "total" for item in items):
            for member, month, total in Entry._read_group(domain, ["member_id", "date:month"], ["points:sum"]):
                total_sums[(member.id, month)] = total

        def window_sum(table, key, start, end):
            return sum(value for (*rest, month), value in table.items()
                       if tuple(rest) == key and start <= month <= end)

        period_labels = dict(self.env["party.points.rule"]._fields["limit_period"]._description_selection(self.env))
        results = []
        for item in items:
            member, rule, day, requested = item["member"], item["rule"], item["date"], item["points"]
            component, scheme = rule.component_id, rule.scheme_id
            month = day.replace(day=1)
            notes = []
            allowed = requested
            rule_start, rule_end = period_bounds(day, rule.limit_period)
            if rule.count_limit:
                count = window_sum(rule_counts, (member.id, rule.id), rule_start, rule_end)
                if count >= rule.count_limit:
                    allowed = 0.0
                    period_label = period_labels[rule.limit_period]
                    notes.append(self.env._("count limit of %(limit)s per %(period)s reached",
                                            limit=rule.count_limit, period=period_label))
            if allowed and rule.cap_points:
                current = window_sum(rule_sums, (member.id, rule.id), rule_start, rule_end)
                capped = apply_magnitude_cap(current, allowed, rule.cap_points)
                if capped != allowed:
                    notes.append(self.env._("cap of %(cap)s points of the rule", cap=fmt_points(rule.cap_points)))
                allowed = capped
            scoring = "quarter" if scheme.total_method == "mean_quarters" else "year"
            comp_start, comp_end = period_bounds(day, scoring)
            comp_current = component.start_points + window_sum(
                component_sums, (member.id, component.id), comp_start, comp_end)
            if allowed > 0 and component.max_points:
                capped = apply_cap(comp_current, allowed, component.max_points)
                if capped != allowed:
                    notes.append(self.env._("maximum of %(max)s points of “%(component)s”",
                                            max=fmt_points(component.max_points),
                                            component=component.with_context(lang=self.env.lang).name))
                allowed = capped
            if allowed < 0:
                floored = allowed
                if scheme.floor_mode == "component":
                    floored = apply_floor(comp_current, allowed, 0.0)
                elif scheme.floor_mode == "total":
                    starts = sum(scheme.component_ids.mapped("start_points"))
                    floored = apply_floor(starts + window_sum(total_sums, (member.id,), comp_start, comp_end),
                                          allowed, 0.0)
                if floored != allowed:
                    notes.append(self.env._("deductions stop at zero"))
                allowed = floored
            note = ""
            if notes and allowed != requested:
                note = self.env._("Cut from %(requested)s to %(allowed)s: %(why)s.", requested=fmt_points(requested),
                                  allowed=fmt_points(allowed), why="; ".join(notes))
            results.append((allowed, note))
            if allowed or not requested:
                rule_sums[(member.id, rule.id, month)] += allowed
                rule_counts[(member.id, rule.id, month)] += 1
                component_sums[(member.id, component.id, month)] += allowed
                total_sums[(member.id, month)] += allowed
        return results

    # ------------------------------------------------------------------ posting
    def _post(self, approver=None):
        """Post the entries (in date order) with the caps applied. An entry whose cap is already reached is
        refused with a clear message and nothing is posted."""
        entries = self.sorted(lambda e: (e.date, e.id))
        entries._lock_for_decision()
        self._lock_ledger(entries.member_id)
        if any(entry.state not in ("draft", "submitted") for entry in entries):
            raise UserError(self.env._("Only draft or submitted entries can be posted."))
        self.env["party.points.period"]._check_not_locked(
            [(entry.member_id.organization_id, entry.date) for entry in entries])
        capped = self._cap_points([
            {"member": entry.member_id, "rule": entry.rule_id, "date": entry.date, "points": entry.points}
            for entry in entries])
        refused = [(entry, note) for entry, (allowed, note) in zip(entries, capped) if entry.points and not allowed]
        if refused:
            lines = "\n".join(f"- {entry.display_name}: {note}" for entry, note in refused)
            raise UserError(self.env._("Nothing was posted: the cap is already reached for\n%s", lines))
        now = fields.Datetime.now()
        approver = approver or self.env.user
        for entry, (allowed, note) in zip(entries, capped):
            entry.with_context(party_points_posting=WORKFLOW).write({
                "state": "posted",
                "requested_points": entry.points,
                "points": allowed,
                "cap_note": note or False,
                "approver_id": approver.id,
                "approval_date": now,
            })
            if note:
                entry.message_post(body=note)
        return True

    def action_submit(self):
        self._lock_for_decision()
        for entry in self:
            if entry.state != "draft":
                raise UserError(self.env._("Only a draft can be submitted."))
            if entry.rule_id.evidence_required and not entry.attachment_ids:
                raise UserError(self.env._("“%s” needs evidence: attach a proof before submitting.",
                                           entry.rule_id.name))
            late_days = entry.scheme_id.late_claim_days
            if (late_days and entry.member_id.user_id == self.env.user
                    and (fields.Date.context_today(self) - entry.date).days > late_days
                    and entry._witness_count() < 2):
                raise UserError(self.env._(
                    "A claim older than %s days needs two party members as witnesses.", late_days))
        activity_type = self.env.ref("party_member_points.mail_activity_type_points_approval")
        for entry in self:
            entry.with_context(party_points_posting=WORKFLOW).write({
                "state": "submitted", "submit_date": fields.Datetime.now()})
            entry.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=entry._get_approver().id,
                summary=self.env._("Approve points: %s", entry.display_name),
                note=entry.evidence_note or False,
            )
        return True

    def _witness_count(self):
        """Witnesses of a late claim: chosen members (other than the claimant) or names written down."""
        self.ensure_one()
        chosen = len(self.sudo().witness_ids - self.member_id)
        written = len([name for name in re.split(r"[,，、;；\s]+", self.witness_names or "") if name])
        return max(chosen, written)

    def action_withdraw(self):
        self._lock_for_decision()
        for entry in self:
            if entry.state != "submitted":
                raise UserError(self.env._("Only a submitted entry can be withdrawn."))
            if entry.proposer_id != self.env.user and not entry._user_can_decide(self.env.user):
                raise UserError(self.env._("Only the proposer can withdraw %s.", entry.display_name))
        self._approval_activities().unlink()
        self.with_context(party_points_posting=WORKFLOW).write({"state": "draft", "submit_date": False})
        return True

    def _approval_activities(self):
        activity_type = self.env.ref("party_member_points.mail_activity_type_points_approval")
        return self.sudo().activity_ids.filtered(lambda a: a.activity_type_id == activity_type)

    def _check_can_decide(self):
        for entry in self:
            if not entry._user_can_decide(self.env.user):
                raise AccessError(self.env._(
                    "Only an officer of the branch (not the member concerned) can decide on %s.",
                    entry.display_name))

    def action_approve(self):
        self._lock_for_decision()
        if any(entry.state != "submitted" for entry in self):
            raise UserError(self.env._("Only submitted entries can be approved."))
        self._check_can_decide()
        self._post()
        for entry in self:
            entry.activity_feedback(["party_member_points.mail_activity_type_points_approval"],
                                    feedback=self.env._("Approved: %s points", fmt_points(entry.points)))
        return True

    def action_post(self):
        """Officers post a draft at once (they are the approvers)."""
        self._lock_for_decision()
        if any(entry.state != "draft" for entry in self):
            raise UserError(self.env._("Only drafts can be posted directly; approve submitted entries."))
        self._check_can_decide()
        return self._post()

    def _reject(self, reason):
        if not reason or not reason.strip():
            raise UserError(self.env._("Give the reason of the rejection."))
        self._lock_for_decision()
        if any(entry.state not in ("draft", "submitted") for entry in self):
            raise UserError(self.env._("Only draft or submitted entries can be rejected."))
        self._check_can_decide()
        for entry in self:
            entry.with_context(party_points_posting=WORKFLOW).write({
                "state": "rejected", "reject_reason": reason, "approver_id": self.env.uid,
                "approval_date": fields.Datetime.now()})
            if entry._approval_activities():
                entry.activity_feedback(["party_member_points.mail_activity_type_points_approval"],
                                        feedback=self.env._("Rejected: %s", reason))
            entry.message_post(body=self.env._("Rejected: %s", reason),
                               partner_ids=entry.proposer_id.partner_id.ids)
        return True

    def _reverse(self, reason, date=None):
        """Reverse posted entries: a new posted entry with the opposite points, linked to the original, which
        is flagged as reversed (its room under the caps is free again). Returns the reversing entries."""
        if not reason or not reason.strip():
            raise UserError(self.env._("A reversal needs a reason."))
        self._lock_for_decision()
        for entry in self:
            if entry.state != "posted" or entry.is_reversed or entry.reversed_entry_id:
                raise UserError(self.env._("%s is not a posted entry that can be reversed.", entry.display_name))
            if not self.env.su and not self.env.user._party_can_manage(entry.member_id.organization_id):
                raise AccessError(self.env._("Only an officer of the branch can reverse %s.", entry.display_name))
        self.env["party.points.period"]._check_not_locked(
            [(entry.member_id.organization_id, date or entry.date) for entry in self])
        now = fields.Datetime.now()
        reversals = self.sudo().with_context(party_points_posting=WORKFLOW, mail_create_nolog=True).create([{
            "name": self.env._("Reversal: %s", entry.name),
            "member_id": entry.member_id.id,
            "scheme_id": entry.scheme_id.id,
            "rule_id": entry.rule_id.id,
            "date": date or entry.date,
            "points": -entry.points,
            "requested_points": -entry.points,
            "state": "posted",
            "reversed_entry_id": entry.id,
            "reversal_reason": reason,
            "source_ref": entry.source_ref and f"{entry.source_ref._name},{entry.source_ref.id}" or False,
            "proposer_id": self.env.uid,
            "approver_id": self.env.uid,
            "approval_date": now,
        } for entry in self])
        self.sudo().with_context(party_points_posting=WORKFLOW).write({"is_reversed": True, "reversal_reason": reason})
        for entry, reversal in zip(self, reversals):
            entry.message_post(body=self.env._("Reversed by %(reversal)s: %(reason)s",
                                               reversal=reversal.display_name, reason=reason))
        return reversals.with_env(self.env)

    # ------------------------------------------------------------------ automatic entries (API)
    @api.model
    def _post_automatic(self, member, rule_code, source=None, date=None, points=None, description=None):
        """Create an already-posted entry for ``member`` from the rule ``rule_code`` of the member's scheme.

        ``source``: the record the points come from (kept in ``source_ref``); ``date``: date of the event
        (today by default); ``points``: overrides the rule's points; ``description``: the entry's text.
        Caps are enforced: the points are cut to the room left, and nothing is created when the cap is
        already reached (an empty recordset is returned). The same rule is never posted twice for the same
        member and source: the existing entry is returned instead.
        """
        member.ensure_one()
        return self._post_automatic_multi([{
            "member": member, "rule_code": rule_code, "source": source, "date": date, "points": points,
            "description": description}])

    @api.model
    def _post_automatic_multi(self, items):
        """Batch form of :meth:`_post_automatic`: ``items`` are dicts with its arguments as keys (plus optional
        ``proposer`` and ``approver`` users and ``automatic``, True by default, for imported records). One create
        for the whole batch; returns the entries (created or already there)."""
        if not items:
            return self.browse()
        today = fields.Date.context_today(self)
        schemes = {}
        rules = {}
        prepared = []
        for item in items:
            member = item["member"]
            org = member.organization_id
            if org.id not in schemes:
                schemes[org.id] = org._get_points_scheme()
            scheme = schemes[org.id]
            if not scheme:
                raise UserError(self.env._("No points scheme applies to %s: configure a default scheme.", org.name))
            key = (scheme.id, item["rule_code"])
            if key not in rules:
                rules[key] = scheme._get_rule(item["rule_code"])
                if not rules[key]:
                    raise UserError(self.env._("The points scheme %(scheme)s has no rule with the code %(code)s.",
                                               scheme=scheme.name, code=item["rule_code"]))
            rule = rules[key]
            source = item.get("source")
            day = fields.Date.to_date(item.get("date")) or today
            points = item.get("points")
            prepared.append({
                "member": member, "rule": rule, "date": day,
                "points": rule.points if points is None else points,
                "source_ref": f"{source._name},{source.id}" if source else False,
                "description": item.get("description") or rule.name,
                "proposer": item.get("proposer") or self.env.user,
                "approver": item.get("approver") or self.env.user,
                "automatic": item.get("automatic", True),
            })
        self.env["party.points.period"]._check_not_locked([(p["member"].organization_id, p["date"]) for p in prepared])
        self._lock_ledger(self.env["party.member"].union(*[p["member"] for p in prepared]))
        Entry = self.sudo()
        existing = Entry.browse()
        refs = [p["source_ref"] for p in prepared if p["source_ref"]]
        if refs:
            existing = Entry.search([
                ("source_ref", "in", refs), ("state", "=", "posted"), ("is_reversed", "=", False),
                ("reversed_entry_id", "=", False), ("rule_id", "in", list({p["rule"].id for p in prepared})),
            ])
        done = {(e.member_id.id, e.rule_id.id, f"{e.source_ref._name},{e.source_ref.id}"): e
                for e in existing if e.source_ref}
        found = Entry.browse()
        todo = []
        for p in prepared:
            previous = done.get((p["member"].id, p["rule"].id, p["source_ref"])) if p["source_ref"] else None
            if previous:
                found |= previous
            else:
                todo.append(p)
        todo.sort(key=lambda p: p["date"])
        capped = self._cap_points(todo)
        now = fields.Datetime.now()
        vals_list = []
        for p, (allowed, note) in zip(todo, capped):
            if p["points"] and not allowed:
                continue
            vals_list.append({
                "name": p["description"],
                "member_id": p["member"].id,
                "scheme_id": p["rule"].scheme_id.id,
                "rule_id": p["rule"].id,
                "date": p["date"],
                "points": allowed,
                "requested_points": p["points"],
                "cap_note": note or False,
                "state": "posted",
                "is_automatic": p["automatic"],
                "source_ref": p["source_ref"],
                "proposer_id": p["proposer"].id,
                "approver_id": p["approver"].id,
                "approval_date": now,
            })
        created = Entry.with_context(party_points_posting=WORKFLOW, tracking_disable=True,
                                     mail_create_nolog=True).create(vals_list)
        return (found | created).with_env(self.env)

    # ------------------------------------------------------------------ wizards
    def action_open_reject_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reject Points"),
            "res_model": "party.points.reject.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_entry_ids": self.ids},
        }

    def action_open_reverse_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reverse Points"),
            "res_model": "party.points.reverse.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_entry_ids": self.ids},
        }

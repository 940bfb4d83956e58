import math
from collections import defaultdict
from datetime import date as date_type

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from ..tools.bulk import copy_rows, int_array, no_cyclic_gc
from ..tools.clock import party_today
from ..tools.read_group import format_plain_groups
from .party_freeze_mixin import ATTACHMENTS, DELETE
from .party_points_logic import PERIOD_MONTHS, apply_cap, apply_magnitude_cap, fmt_points, period_start
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


def witness_problem(claimant, witness):
    """Why ``witness`` cannot confirm a late claim of ``claimant`` (False when they can).

    Seed 003 (四、积分流程): "因故未能及时登记的，由党员本人提出并由两名党员证明，待下次参加活动时补录" — two
    party members confirm the claim: full members of the claimant's branch in the register, never the claimant."""
    if witness == claimant:
        return "self"
    if witness.stage != "full" or witness.status != "normal":
        return "not_full"
    if witness.organization_id != claimant.organization_id:
        return "other_branch"
    return False


class PartyPointsEntry(models.Model):
    """One line of the points ledger (积分台账).

    Flow: a claim or a recording is a draft, submitted to the branch secretary (an activity), then posted or
    rejected. Officers may post directly; automatic entries (attendance, dues, evaluation, mobilization) are
    posted at once. Posted entries are immutable: a correction is a reversing entry with a reason. Caps of the
    rule and of the component are enforced when posting, and never overshot.
    """

    _name = "party.points.entry"
    _description = "Points Entry"
    _inherit = ["mail.thread", "mail.activity.mixin", "party.freeze.mixin"]
    _order = "date desc, id desc"
    # What each state freezes (party.freeze.mixin): a posted or rejected entry is the ledger's record, its
    # evidence included; a correction is a reversing entry.
    _party_freeze = {
        state: ("name", "member_id", "scheme_id", "rule_id", "date", "points", "attachment_ids", "evidence_note",
                "witness_ids", "witness_names", ATTACHMENTS, DELETE)
        for state in ("posted", "rejected")
    }

    name = fields.Char(string="Description", required=True)
    member_id = fields.Many2one("party.member", string="Member", required=True, index=True, ondelete="restrict",
                                tracking=True)
    # Precomputed: the INSERT of a new entry carries its organization and company, so the statement trigger adds it
    # straight to its own organization's ledger sums. Computed at the flush instead, they were NULL in the INSERT,
    # which added every new entry to the sums of organization 0 before an UPDATE moved it there.
    # An entry belongs to the organization where it was posted: stored when it is created (and again when a draft
    # is posted), never moved by a later transfer of the member, so that a closed or published period's totals
    # and notices stay as they were. A transfer moves the member's future entries only.
    organization_id = fields.Many2one("party.organization", compute="_compute_posted_in", store=True, index=True,
                                      precompute=True, readonly=True, string="Organization")
    party_group_id = fields.Many2one("party.organization", compute="_compute_posted_in", store=True, index=True,
                                     precompute=True, readonly=True, string="Party Group")
    # Indexes: every entry posted updates each of them (a county's bulk posting writes tens of thousands of
    # entries at once), so only the columns that select few rows are indexed; the company, scheme, component and
    # year of a ledger select most of it (the date index serves the periods), the flags and references are
    # indexed where they are set (see init for the indexes of earlier versions)
    company_id = fields.Many2one("res.company", compute="_compute_posted_in", store=True,
                                 precompute=True, readonly=True)
    scheme_id = fields.Many2one("party.points.scheme", string="Scheme", required=True, ondelete="restrict")
    rule_id = fields.Many2one("party.points.rule", string="Rule", required=True, index=True, ondelete="restrict",
                              tracking=True, domain="[('scheme_id', '=', scheme_id)]")
    component_id = fields.Many2one("party.points.component", string="Component", readonly=True,
                                   ondelete="restrict")
    category = fields.Selection(related="rule_id.category", store=True)
    date = fields.Date(required=True, default=party_today, index=True, tracking=True)
    year = fields.Integer(compute="_compute_year", store=True, aggregator=None)
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
                                   string="Witnesses", domain="[('organization_id', '=', organization_id), "
                                                              "('stage', '=', 'full'), ('status', '=', 'normal'), "
                                                              "('id', '!=', member_id)]",
                                   help="A late claim (补录) needs two full members of the branch as witnesses, "
                                        "chosen in the register; the claimant is not one of them.")
    witness_names = fields.Char(string="Witnesses (names)",
                                help="Names of the two party members who confirm a late claim, when they cannot be "
                                     "chosen from the register.")
    evidence_required = fields.Boolean(related="rule_id.evidence_required")
    source_ref = fields.Reference(selection="_selection_source_models", string="Source", index="btree_not_null",
                                  readonly=True,
                                  copy=False,
                                  help="Record the entry comes from: a meeting attendance, a dues month, an "
                                       "evaluation, a mobilization...")
    reversed_entry_id = fields.Many2one("party.points.entry", string="Reverses", index="btree_not_null",
                                        readonly=True,
                                        copy=False, ondelete="restrict")
    reversal_entry_ids = fields.One2many("party.points.entry", "reversed_entry_id", string="Reversals")
    is_reversed = fields.Boolean(string="Reversed", readonly=True, copy=False)
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

    @api.depends("member_id")
    def _compute_posted_in(self):
        for entry in self:
            member = entry.member_id.sudo()
            entry.organization_id = member.organization_id
            entry.party_group_id = member.party_group_id
            entry.company_id = member.company_id

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

    # ------------------------------------------------------------------ grouping
    @api.model
    @api.readonly
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        # a province's pivot builds fifty thousand groups (their rows, records and domains): Python's cyclic
        # collector would walk the server's whole heap several times meanwhile (a third of the call)
        with no_cyclic_gc():
            return super().read_group(domain, fields, groupby, offset=offset, limit=limit, orderby=orderby,
                                      lazy=lazy)

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        """Groups of the ledger (pivot, graph, grouped lists) without a limit, in their natural order.

        When the domain, groups and measures only involve what ``party.points.summary`` stores (organization,
        company, component, state, whole months; number of entries and sum of points) and the record rules of the
        user can be applied to it exactly, the groups come from the summary: a county's pivot reads some sixty
        thousand rows instead of two million entries. Otherwise the entries are grouped, and the many2one groups
        are sorted here rather than by joining their tables to every entry."""
        groupby = tuple(groupby)
        # only the groups asked for in their default order (read_group of the views, or no groups at all): code
        # grouping without an order gets PostgreSQL's raw order, as always
        if limit or offset or (groupby and order != ",".join(groupby)):
            return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)
        if not having and not self.env.context.get("party_points_no_summary"):
            rows = self._read_group_summary(domain, groupby, tuple(aggregates))
            if rows is not None:  # sorted already
                return rows
        many2ones = [spec for spec in groupby if ":" not in spec and "." not in spec
                     and self._fields[spec].type == "many2one"]
        if not many2ones:
            return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)
        return self._sort_groups(super()._read_group(domain, groupby, aggregates, having), groupby)

    @api.model
    def _read_group_format_result(self, rows_dict, lazy_groupby):
        # the groups of many2one and plain fields formatted in one go (a province's pivot has fifty thousand)
        if format_plain_groups(self, rows_dict, lazy_groupby):
            return None
        return super()._read_group_format_result(rows_dict, lazy_groupby)

    @api.model
    def _sort_groups(self, rows, groupby, plain=False):
        """``rows`` of :meth:`_read_group` sorted like PostgreSQL would for the default order: many2one groups by
        their model's order (one query per many2one), other values ascending, empty groups last. With ``plain``,
        the many2one values of ``rows`` are ids (or ``None``) as read from the database, not records.

        Sorted on plain keys computed column by column (a province's pivot has fifty thousand groups)."""
        rows = list(rows)
        if not groupby or not rows:  # one group is still named here: the same queries whatever the size
            return rows
        columns = []
        for index, spec in enumerate(groupby):
            field = self._fields[spec.split(":")[0]]
            values = [row[index] for row in rows]
            if field.type == "many2one" and ":" not in spec:
                ids = values if plain else [value._ids[0] if value._ids else None for value in values]
                comodel = self.env[field.comodel_name].sudo().with_context(active_test=False)
                rec_name = comodel._fields.get(comodel._rec_name)
                # sorted as ``sorted()`` does (a search in the model's order) and, when the name is stored, named in
                # the same query: the groups are named next (see format_plain_groups)
                ordered = comodel.search_fetch([("id", "in", list({i for i in ids if i}))],
                                               [rec_name.name] if rec_name and rec_name.store else [])
                rank = {record_id: position for position, record_id in enumerate(ordered.ids)}
                last = len(rank)  # empty groups last
                columns.append([rank.get(i, last) if i else last for i in ids])
            elif field.type == "boolean":
                columns.append([bool(value) for value in values])
            else:
                columns.append([(0, value) if value is not False and value is not None else (1, 0)
                                for value in values])
        keys = list(zip(*columns))
        return [rows[index] for index in sorted(range(len(rows)), key=keys.__getitem__)]

    # record rules of the ledger that the summary reproduces (any other rule: the entries are grouped instead)
    SUMMARY_RULES = {
        "party_member_points.party_points_entry_rule_company": (
            None, "['|', ('company_id', '=', False), ('company_id', 'in', company_ids)]"),
        "party_member_points.party_points_entry_rule_own": (
            "party_member_points.group_party_member", "[('member_id', 'in', user.party_own_member_ids.ids)]"),
        "party_member_points.party_points_entry_rule_officer": (
            "party_member_points.group_party_leader",
            "['|', ('organization_id', 'in', user.party_officer_register_scope_ids.ids), "
            "('party_group_id', 'in', user.party_led_group_ids.ids)]"),
        "party_member_points.party_points_entry_rule_admin": ("party_member_points.group_party_admin", "[(1, '=', 1)]"),
        # portal members read their own entries on /my (never the pivot): their rule changes nothing for the others
        "party_member_points.party_points_entry_rule_portal": (
            "base.group_portal", "[('member_id.user_id', '=', user.id)]"),
    }
    SUMMARY_GROUPBY = {
        "organization_id": SQL("organization_id"), "company_id": SQL("company_id"),
        "component_id": SQL("component_id"), "state": SQL("state"), "date:month": SQL("month"),
        "date:quarter": SQL("date_trunc('quarter', month)::date"), "date:year": SQL("date_trunc('year', month)::date"),
        "year": SQL("extract(year FROM month)::integer"),
    }
    SUMMARY_AGGREGATES = {"__count": SQL("SUM(entry_count)::integer"), "points:sum": SQL("SUM(points)")}

    @tools.ormcache()
    def _summary_rules_shipped(self):
        """True when the active record rules of the ledger are exactly the ones this module ships (cleared with
        the registry caches whenever a record rule changes)."""
        expected = {}
        for xmlid, (group_xmlid, domain) in self.SUMMARY_RULES.items():
            rule = self.env.ref(xmlid, raise_if_not_found=False)
            group = self.env.ref(group_xmlid, raise_if_not_found=False) if group_xmlid else None
            if not rule or (group_xmlid and not group):
                return False
            expected[rule.id] = (group, domain)
        rules = self.env["ir.rule"].sudo().search([("model_id.model", "=", self._name), ("perm_read", "=", True)])
        return set(rules.ids) == set(expected) and all(
            rule.domain_force == expected[rule.id][1] and rule.groups == (expected[rule.id][0] or rule.groups.browse())
            for rule in rules)

    def _summary_scope(self):
        """The organizations whose summary rows the user sees exactly as the entries behind them: ``True`` for
        all of them, a set of ids, or ``None`` when the summary cannot reproduce the user's record rules (a party
        group leader, a member seeing their own entries, a changed rule)."""
        if self.env.su:
            return True
        if not self._summary_rules_shipped():
            return None
        user = self.env.user
        if user.has_group("party_member_points.group_party_admin"):
            return True
        if not user.has_group("party_member_points.group_party_leader"):
            return None
        # the organization term of the officers' rule, whose other term is the groups led outside the scope
        scope = set(user.party_officer_register_scope_ids.ids)
        # entries carry the branch of their member (the party group is its child): a party group led by the user
        # outside the scope, or the user's own member record outside it, would be missed
        if user.party_led_group_ids:
            return None
        if any(member.organization_id.id not in scope for member in user.party_own_member_ids):
            return None
        return scope

    @api.model
    def _summary_conditions(self, domain):
        """SQL conditions on the summary equivalent to ``domain`` on the entries, or ``None`` when the domain uses
        anything else than organization, company, component, state, year or dates bounding whole months."""
        conditions = []
        for leaf in expression.normalize_domain(domain):
            if leaf == "&" or leaf == expression.TRUE_LEAF:
                continue
            if not isinstance(leaf, (list, tuple)) or len(leaf) != 3:
                return None
            name, operator, value = leaf
            if name in ("organization_id", "company_id", "component_id", "state") and operator in ("=", "!=", "in",
                                                                                                  "not in"):
                values = list(value) if isinstance(value, (list, tuple)) else [value]
                if name != "state":
                    if not all(v is False or isinstance(v, int) for v in values):
                        return None
                    values = [v or 0 for v in values]
                elif not all(isinstance(v, str) for v in values):
                    return None
                if not values:
                    conditions.append(SQL("FALSE") if operator in ("=", "in") else SQL("TRUE"))
                else:
                    sql_operator = SQL("IN") if operator in ("=", "in") else SQL("NOT IN")
                    conditions.append(SQL("%s %s %s", SQL.identifier(name), sql_operator, tuple(values)))
            elif name == "year" and operator in ("=", "!=", "<", "<=", ">", ">=") and isinstance(value, int):
                conditions.append(SQL("extract(year FROM month)::integer %s %s", SQL(operator), value))
            elif name == "date" and operator in ("<", "<=", ">", ">="):
                try:
                    day = fields.Date.to_date(value)
                except (TypeError, ValueError):
                    return None
                if not isinstance(day, date_type):
                    return None
                last_day = day + relativedelta(day=31) == day
                if (operator in (">=", "<") and day.day != 1) or (operator in (">", "<=") and not last_day):
                    return None
                conditions.append(SQL("month %s %s", SQL(operator), day))
            else:
                return None
        return conditions

    @api.model
    def _read_group_summary(self, domain, groupby, aggregates):
        """Rows of :meth:`_read_group` computed from ``party.points.summary``, or ``None`` when it cannot answer
        (see :meth:`_read_group`)."""
        if not set(groupby) <= set(self.SUMMARY_GROUPBY) or not set(aggregates) <= set(self.SUMMARY_AGGREGATES):
            return None
        conditions = self._summary_conditions(domain)
        if conditions is None:
            return None
        scope = self._summary_scope()
        if scope is None:
            return None
        self.check_access("read")
        if not self.env.su:
            conditions.append(SQL("(company_id = 0 OR company_id IN %s)", tuple(self.env.companies.ids)))
        if scope is not True:
            conditions.append(SQL("organization_id IN %s", tuple(scope) or (0,)) if scope else SQL("FALSE"))
        self.env["party.points.summary"].flush_model()
        self.flush_model()
        select = [self.SUMMARY_GROUPBY[spec] for spec in groupby] + [self.SUMMARY_AGGREGATES[spec]
                                                                      for spec in aggregates]
        query = SQL("SELECT %s FROM party_points_summary WHERE %s", SQL(", ").join(select),
                    SQL(" AND ").join(conditions) if conditions else SQL("TRUE"))
        if groupby:
            query = SQL("%s GROUP BY %s HAVING SUM(entry_count) > 0", query,
                        SQL(", ").join(SQL(str(position)) for position in range(1, len(groupby) + 1)))
        # sorted on the ids as read, before they become records
        raw_rows = self._sort_groups(self.env.execute_query(query), groupby, plain=True)
        columns = list(zip(*raw_rows)) if raw_rows else [()] * (len(groupby) + len(aggregates))
        converted = []
        for spec, values in zip(groupby + aggregates, columns):
            field = self._fields[spec.split(":")[0]] if spec != "__count" else None
            if field is not None and field.type == "many2one" and spec in groupby:
                Comodel = self.env[field.comodel_name]
                prefetch = tuple(dict.fromkeys(v for v in values if v))
                # a record per value sharing one prefetch set, as browse(v).with_prefetch(prefetch) makes it, used by
                # every group of that value (ten thousand branches by five components in a province's pivot)
                records, env = type(Comodel), Comodel.env
                record_of = {v: records(env, (v,), prefetch) for v in prefetch}
                converted.append([record_of[v] if v else Comodel for v in values])
            else:
                empty = self._read_group_empty_value(spec)
                converted.append([empty if v is None else v for v in values])
        return [tuple(row) for row in zip(*converted)]

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
        if approver == self.member_id.user_id:
            approver = org._get_upper_organization()._get_responsible_user()
        return approver

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        # members and rules of the whole batch, browsed together so that their fields are read in one go
        members = {member.id: member for member in self.env["party.member"].browse(
            {vals["member_id"] for vals in vals_list if vals.get("member_id")})}
        rules = {rule.id: rule for rule in self.env["party.points.rule"].browse(
            {vals["rule_id"] for vals in vals_list if vals.get("rule_id")})}
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
        schemes = None
        for vals in vals_list:
            member = members.get(vals.get("member_id"), Member)
            rule = rules.get(vals.get("rule_id"), Rule)
            if not member or not rule:
                raise UserError(self.env._("A points entry needs a member and a rule."))
            vals["scheme_id"] = rule.scheme_id.id
            if not system:
                if schemes is None:
                    schemes = Member.browse(members).organization_id._get_points_schemes()
                scheme = schemes.get(member.organization_id.id, self.env["party.points.scheme"])
                if rule.scheme_id != scheme:
                    raise ValidationError(self.env._(
                        "The rule “%(rule)s” is not part of the scheme of %(member)s (%(scheme)s).",
                        rule=rule.name, member=member.name, scheme=scheme.name))
            vals["component_id"] = rule.component_id.id
            vals.setdefault("name", rule.name)
            if not system:
                vals.pop("cap_note", None)
                day = fields.Date.to_date(vals.get("date")) or party_today(self)
                if day > party_today(self):
                    raise ValidationError(self.env._(
                        "Points are recorded for what has happened: %s is in the future.", fields.Date.to_string(day)))
                if not self._user_can_record(self.env.user, member, rule):
                    raise AccessError(self.env._(
                        "You may not record “%(rule)s” for %(member)s.", rule=rule.name, member=member.name))
                self._check_own_claim_date(member, day)
                vals["points"] = self._check_points_for_rule(rule, vals.get("points"))
                vals["proposer_id"] = self.env.uid
                vals["requested_points"] = vals["points"]
            elif vals.get("points") is None:
                vals["points"] = rule.points
            self._check_finite(vals["points"])
            vals.setdefault("requested_points", vals["points"])
        today = party_today(self)
        self.env["party.points.period"]._check_not_locked([
            (members[vals["member_id"]].organization_id, fields.Date.to_date(vals.get("date")) or today)
            for vals in vals_list])
        entries = super().create(vals_list)
        entries._attach_evidence()
        return entries

    @api.model
    def _check_own_claim_date(self, member, day):
        """A member's claim for themselves follows the rules of the portal's claim form whatever the way it comes
        in (the form, JSON-RPC, an import): no date in the future, none in a period under review, published or
        closed, and without a period only this year's dates."""
        if self.env.su or not member.user_id or member.user_id != self.env.user:
            return
        problem = member._portal_claim_date_problem(day)
        if problem:
            raise ValidationError(problem)

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
            if not in_workflow(self.env, "party_points_posting") and day and day > party_today(self):
                raise ValidationError(self.env._(
                    "Points are recorded for what has happened: %s is in the future.", fields.Date.to_string(day)))
            if not in_workflow(self.env, "party_points_posting"):
                for entry in self:
                    self._check_own_claim_date(entry.member_id, day)
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

    @api.ondelete(at_uninstall=False)
    def _unlink_except_posted_or_rejected(self):
        for entry in self:
            if entry.state in ("posted", "rejected"):
                raise UserError(self.env._(
                    "Posted or rejected points entries are part of the ledger and are never deleted (%s). Reverse "
                    "a posted entry instead.", entry.display_name))

    def unlink(self):
        self.env["party.points.period"]._check_not_locked(
            [(entry.member_id.organization_id, entry.date) for entry in self])
        return super().unlink()

    # ------------------------------------------------------------------ concurrency
    def init(self):
        res = super().init()
        # indexes of earlier versions: selecting most of the ledger, they only slowed down every posting (the
        # references are now indexed where they are set)
        cr = self.env.cr
        for column in ("company_id", "scheme_id", "component_id", "year", "is_reversed"):
            cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(f"{self._table}__{column}_index")))
        for column in ("source_ref", "reversed_entry_id"):
            name = f"{self._table}__{column}_index"
            cr.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
            found = cr.fetchone()
            if found and " WHERE " not in found[0]:
                cr.execute(SQL("DROP INDEX %s", SQL.identifier(name)))
                cr.execute(SQL("CREATE INDEX %s ON %s (%s) WHERE %s IS NOT NULL", SQL.identifier(name),
                               SQL.identifier(self._table), SQL.identifier(column), SQL.identifier(column)))
        # Officers' record rules list organizations: with the statistics of every organization (a county has
        # about a thousand branches with entries) PostgreSQL knows that a branch officer's entries are a few
        # thousand and reads them through the indexes instead of walking the whole ledger by date.
        for column in ("organization_id", "party_group_id"):
            self.env.cr.execute(SQL("ALTER TABLE %s ALTER COLUMN %s SET STATISTICS 2000",
                                    SQL.identifier(self._table), SQL.identifier(column)))
        # one row per member whose postings were serialized (see _lock_ledger); no foreign key on purpose
        self.env.cr.execute("""
            CREATE TABLE IF NOT EXISTS party_points_ledger_lock (
                member_id integer PRIMARY KEY,
                version integer NOT NULL DEFAULT 0
            )""")
        return res

    @api.model
    def _lock_ledger(self, members):
        """Serialize the postings of ``members``: two transactions posting for the same member (two officers
        approving at once, attendance points recorded twice) would each check the caps and the entries already
        there against their own snapshot and could overshoot a cap or post the same points twice.

        Each posting bumps the member's row of ``party_points_ledger_lock`` (in member order, against deadlocks):
        when a concurrent transaction bumped it since our snapshot, this fails with a serialization error and
        Odoo runs the request again on fresh data, where the caps and the duplicates are seen. A table of its own
        keeps the lock away from the member rows, which every new entry references (foreign key checks)."""
        self._bump_lock_rows("party_points_ledger_lock", "member_id", members.ids)

    @api.model
    def _bump_lock_rows(self, table, column, ids):
        """Insert or bump (``version + 1``) the rows of the lock ``table`` keyed by ``column`` for ``ids``, in id
        order (against deadlocks). A row bumped by a concurrent transaction since our snapshot makes this fail
        with a serialization error, which is not logged as a failed query: Odoo retries the request."""
        ids = sorted({record_id for record_id in ids if record_id})
        if ids:
            self.env.cr.execute(SQL(
                "INSERT INTO %(table)s (%(column)s) SELECT unnest(%(ids)s::int[]) AS id ORDER BY id "
                "ON CONFLICT (%(column)s) DO UPDATE SET version = %(table)s.version + 1",
                table=SQL.identifier(table), column=SQL.identifier(column), ids=int_array(ids)), log_exceptions=False)

    def _lock_for_decision(self):
        """Lock the entries before a state change (submit, approve, post, reject, withdraw, reverse), without
        waiting: a concurrent decision on the same entry makes this request fail at once and be retried by Odoo,
        and the retry sees the new state ("Only submitted entries can be approved") instead of deciding twice."""
        if self.ids:
            self.env.cr.execute(SQL(
                "SELECT id FROM party_points_entry WHERE id = ANY(%s::int[]) ORDER BY id FOR UPDATE NOWAIT",
                int_array(self.ids)),
                log_exceptions=False)

    # ------------------------------------------------------------------ caps
    @api.model
    def _cap_points(self, items):
        """Allowed points for pending items, in order, against the posted ledger and each other.

        ``items``: dicts with ``member`` (party.member), ``rule`` (party.points.rule), ``date`` and ``points``.
        Returns a list of ``(allowed, note)``: ``allowed`` is cut to the room left under the rule's count limit
        and cap (per its limit period) and, for points earned, under the component maximum (per scoring period);
        ``note`` says why points were cut (empty when not cut).
        Reversed entries and reversals are left out: reversing an entry frees its room again.

        Deductions are posted as they happened: the scheme's floor (扣完为止, "deduct until nothing is left")
        applies to the component's or the year's figure when the year is computed
        (:func:`member_year_figures`), never here. The room under a component's maximum is measured on the points
        earned only (the starting points and the positive entries), so the year's figure is the same whatever the
        order in which earnings and deductions were recorded.

        Set-based: the ledger is summed with a few grouped queries for the whole batch, at the granularity of each
        limit (the rule's limit period, the scheme's scoring period) and only for the rules, components and
        members that have a limit to check; each item is then a few dictionary look-ups.
        """
        if not items:
            return []
        # the member's and rule's ids of each item, read once for both loops below
        item_ids = [(item["member"].id, item["rule"].id) for item in items]
        settings = self._cap_settings({rule_id for _member_id, rule_id in item_ids})
        dates = [item["date"] for item in items]
        first = date_type(min(dates).year, 1, 1)
        last = date_type(max(dates).year, 12, 31)
        # what has to be read from the ledger: (member, rule) pairs under a count limit or cap, (member, component)
        # pairs under a maximum
        rule_members = defaultdict(set)
        component_members = defaultdict(set)
        counted_members = set()
        for item, (member_id, rule_id) in zip(items, item_ids):
            info = settings[rule_id]
            points = item["points"]
            if info["count_limit"] or info["cap"]:
                rule_members[info["period"]].add((member_id, info["rule"]))
            if points > 0 and info["comp_max"]:
                component_members[info["scoring"]].add((member_id, info["component"]))
            if info["comp_count_limit"]:
                counted_members.add((member_id, info["component"]))
        # the posted ledger (reversed entries and reversals left out) summed per member, rule or component and
        # period start, in plain SQL: a batch of a county reads a group per member, and the ORM's grouping made a
        # record of each member and rule of every group
        self.flush_model()
        cr = self.env.cr

        def ledger(key, period, pairs):
            months = PERIOD_MONTHS[period]
            cr.execute(SQL("""
                SELECT member_id, %(key)s,
                       make_date(extract(year FROM date)::int,
                                 (extract(month FROM date)::int - 1) / %(months)s * %(months)s + 1, 1),
                       SUM(points), count(*)
                  FROM party_points_entry
                 WHERE state = 'posted' AND NOT COALESCE(is_reversed, FALSE) AND reversed_entry_id IS NULL
                   AND date >= %(first)s AND date <= %(last)s
                   AND member_id = ANY(%(members)s::int[]) AND %(key)s = ANY(%(keys)s::int[])
              GROUP BY 1, 2, 3
            """, key=SQL.identifier(key), months=months, first=first, last=last,
                members=int_array({m for m, _k in pairs}), keys=int_array({k for _m, k in pairs})))
            return cr.fetchall()

        rule_sums = defaultdict(float)
        rule_counts = defaultdict(int)
        for period, pairs in rule_members.items():
            for member_id, rule_id, start, total, count in ledger("rule_id", period, pairs):
                rule_sums[(member_id, rule_id, start)] = total
                rule_counts[(member_id, rule_id, start)] = count
        # the points earned under each component's maximum, per scoring period (quarter or year), from the stored
        # quarter sums of the ledger (party.points.total: a few rows per member and component, where grouping the
        # entries read every entry of the year of every member of the batch)
        component_sums = defaultdict(float)
        for scoring, pairs in component_members.items():
            cr.execute(SQL("""
                SELECT member_id, component_id, year, SUM(e1), SUM(e2), SUM(e3), SUM(e4)
                  FROM party_points_total
                 WHERE year >= %(first)s AND year <= %(last)s
                   AND member_id = ANY(%(members)s::int[]) AND component_id = ANY(%(components)s::int[])
              GROUP BY 1, 2, 3
            """, first=first.year, last=last.year, members=int_array({m for m, _c in pairs}),
                components=int_array({c for _m, c in pairs})))
            for member_id, component_id, year, *quarters in cr.fetchall():
                if scoring == "quarter":
                    for index, earned in enumerate(quarters):
                        if earned:
                            component_sums[(member_id, component_id, date_type(year, 3 * index + 1, 1))] = earned
                else:
                    component_sums[(member_id, component_id, date_type(year, 1, 1))] = sum(quarters)

        # entries of the components that have a count limit, per quarter (folded into half-years or years below)
        component_counts = defaultdict(int)
        if counted_members:
            for member_id, component_id, quarter, _total, count in ledger("component_id", "quarter",
                                                                           counted_members):
                component_counts[(member_id, component_id, quarter)] += count
        period_labels = dict(self.env["party.points.rule"]._fields["limit_period"]._description_selection(self.env))
        component_periods = dict(
            self.env["party.points.component"]._fields["limit_period"]._description_selection(self.env))
        # the notes of a batch repeat (the same cap reached by thousands of members): translated once each
        texts = {}

        def text(key, translate):
            found = texts.get(key)
            if found is None:
                found = texts[key] = translate()
            return found

        results = []
        for item, (member_id, rule_id) in zip(items, item_ids):
            day, requested = item["date"], item["points"]
            info = settings[rule_id]
            rule_key = (member_id, info["rule"], period_start(day, info["period"]))
            scoring_start = period_start(day, info["scoring"])
            component_key = (member_id, info["component"], scoring_start)
            notes = []
            allowed = requested
            if info["count_limit"] and rule_counts[rule_key] >= info["count_limit"]:
                allowed = 0.0
                notes.append(text(("count", info["rule"]), lambda info=info: self.env._(
                    "count limit of %(limit)s per %(period)s reached",
                    limit=info["count_limit"], period=period_labels[info["period"]])))
            count_key = None
            if info["comp_count_limit"]:
                count_start = period_start(day, info["comp_period"])
                count_key = (member_id, info["component"], count_start)
                used = sum(count for (m, c, quarter), count in component_counts.items()
                           if m == member_id and c == info["component"]
                           and period_start(fields.Date.to_date(quarter), info["comp_period"]) == count_start)
                if used >= info["comp_count_limit"]:
                    allowed = 0.0
                    notes.append(text(("counted", info["rule"]), lambda info=info: self.env._(
                        "“%(component)s” is counted %(limit)s times per %(period)s",
                        component=info["comp_name"], limit=info["comp_count_limit"],
                        period=component_periods[info["comp_period"]])))
            if allowed and info["cap"]:
                capped = apply_magnitude_cap(rule_sums[rule_key], allowed, info["cap"])
                if capped != allowed:
                    notes.append(text(("cap", info["rule"]), lambda info=info: self.env._(
                        "cap of %(cap)s points of the rule", cap=fmt_points(info["cap"]))))
                allowed = capped
            comp_current = info["comp_start"] + component_sums[component_key]
            if allowed > 0 and info["comp_max"]:
                capped = apply_cap(comp_current, allowed, info["comp_max"])
                if capped != allowed:
                    notes.append(text(("max", info["rule"]), lambda info=info: self.env._(
                        "maximum of %(max)s points of “%(component)s”",
                        max=fmt_points(info["comp_max"]), component=info["comp_name"])))
                allowed = capped
            note = ""
            if notes and allowed != requested:
                why = "; ".join(notes)
                note = text(("cut", requested, allowed, why), lambda requested=requested, allowed=allowed, why=why:
                            self.env._("Cut from %(requested)s to %(allowed)s: %(why)s.",
                                       requested=fmt_points(requested), allowed=fmt_points(allowed), why=why))
            results.append((allowed, note))
            if allowed or not requested:
                rule_sums[rule_key] += allowed
                rule_counts[rule_key] += 1
                if allowed > 0:
                    component_sums[component_key] += allowed
                if count_key:
                    component_counts[(member_id, info["component"], count_key[2])] += 1
        return results

    @api.model
    def _cap_settings(self, rule_ids):
        """Plain values of the rules (with their component and scheme) that the caps need, read once per batch."""
        settings = {}
        for rule in self.env["party.points.rule"].sudo().with_context(active_test=False).browse(rule_ids):
            component, scheme = rule.component_id, rule.scheme_id
            settings[rule.id] = {
                "rule": rule.id, "count_limit": rule.count_limit, "cap": rule.cap_points,
                "period": rule.limit_period, "component": component.id, "comp_max": component.max_points,
                "comp_start": component.start_points, "comp_name": component.name,
                "scoring": "quarter" if scheme.total_method == "mean_quarters" else "year",
                "floor": scheme.floor_mode, "starts": sum(scheme.component_ids.mapped("start_points")),
                "comp_count_limit": component.count_limit, "comp_period": component.limit_period,
            }
        return settings

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
            values = {
                "state": "posted",
                "requested_points": entry.points,
                "points": allowed,
                "cap_note": note or False,
                "approver_id": approver.id,
                "approval_date": now,
            }
            member = entry.member_id.sudo()
            if entry.organization_id != member.organization_id:
                # a draft of a member who moved since: the entry is posted where the member now belongs
                values.update(organization_id=member.organization_id.id, party_group_id=member.party_group_id.id,
                              company_id=member.company_id.id)
            entry.with_context(party_points_posting=WORKFLOW).write(values)
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
                    and (party_today(self) - entry.date).days > late_days
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
        """Witnesses of a late claim: full members of the claimant's branch chosen in the register (names typed
        in ``witness_names`` do not count)."""
        self.ensure_one()
        return len(self.sudo().witness_ids.filtered(lambda w: not witness_problem(self.sudo().member_id, w)))

    @api.constrains("witness_ids", "member_id")
    def _check_witnesses(self):
        # system step: the witnesses' stage and branch are checked even when the claimant may not read them
        for entry in self.sudo():
            for witness in entry.witness_ids:
                problem = witness_problem(entry.member_id, witness)
                if problem == "self":
                    raise ValidationError(self.env._("%s cannot witness their own claim.", witness.name))
                if problem:
                    raise ValidationError(self.env._(
                        "%(witness)s cannot witness the claim of %(member)s: witnesses are full members of the "
                        "same branch in the register.", witness=witness.name, member=entry.member_id.name))

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
        for the whole batch; returns the entries (created or already there).

        The number of queries does not grow with the batch: schemes are resolved for all the organizations at
        once, rules once per scheme and code, the caps with a few grouped queries (:meth:`_cap_points`)."""
        if not items:
            return self.browse()
        # a county's batch holds hundreds of thousands of small dicts: Python's cyclic collector would walk them
        # (and the server's heap) a thousand times meanwhile (0.3 s of 4 s); they are dropped when the batch
        # returns, before it runs again (see no_cyclic_gc)
        with no_cyclic_gc():
            return self._post_automatic_batch(items)

    @api.model
    def _post_automatic_batch(self, items):
        """The work of :meth:`_post_automatic_multi` (``items`` not empty)."""
        today = party_today(self)
        Member = self.env["party.member"]
        member_ids = {item["member"].id for item in items}
        # plain ids of each member's organization, group and company (one query, no record per item: a county
        # posts a month of attendance and dues for tens of thousands of members at once)
        # the caller may read the members (one query; the ORM's check goes a thousand ids per query)
        if Member.with_context(active_test=False).search_count([("id", "in", list(member_ids))]) != len(member_ids):
            Member.browse(member_ids).check_access("read")
        Member.flush_model(["organization_id", "party_group_id", "company_id"])
        self.env.cr.execute(SQL("SELECT id, organization_id, party_group_id, company_id FROM party_member "
                                "WHERE id = ANY(%s::int[])", int_array(member_ids)))
        member_values = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        Org = self.env["party.organization"]
        orgs = {org.id: org for org in Org.browse({values[0] for values in member_values.values() if values[0]})}
        schemes = Org.browse(list(orgs))._get_points_schemes()
        rules = {}
        rule_values = {}
        # record ids read once per rule and for the current user (a county's batch repeats the same few rules over a
        # hundred thousand items: ``record.id`` is a descriptor call each time)
        uid = self.env.user.id
        prepared = []
        for item in items:
            member = item["member"]
            member_id = member.id
            org_id, group_id, company_id = member_values[member_id]
            org = orgs.get(org_id) or Org
            scheme = schemes.get(org_id)
            if not scheme:
                raise UserError(self.env._("No points scheme applies to %s: configure a default scheme.", org.name))
            key = (scheme.id, item["rule_code"])
            found = rules.get(key)
            if found is None:
                rule = scheme._get_rule(item["rule_code"])
                if not rule:
                    raise UserError(self.env._("The points scheme %(scheme)s has no rule with the code %(code)s.",
                                               scheme=scheme.name, code=item["rule_code"]))
                found = rules[key] = (rule, rule.id)
                if rule.id not in rule_values:
                    rule_values[rule.id] = {
                        "points": rule.points, "name": rule.name, "scheme_id": rule.scheme_id.id,
                        "component_id": rule.component_id.id or None, "category": rule.category}
            rule, rule_id = found
            values = rule_values[rule_id]
            source = item.get("source")
            points = item.get("points")
            day = item.get("date")
            prepared.append({
                "member": member, "member_id": member_id, "org": org, "org_id": org_id or None,
                "group_id": group_id or None, "company_id": company_id or None, "rule": rule, "rule_id": rule_id,
                "rule_values": values, "date": (day if type(day) is date_type else fields.Date.to_date(day)) or today,
                "points": values["points"] if points is None else points,
                "source_ref": f"{source._name},{source.id}" if source else False,
                "description": item.get("description") or values["name"],
                "proposer_id": item["proposer"].id if item.get("proposer") else uid,
                "approver_id": item["approver"].id if item.get("approver") else uid,
                "automatic": item.get("automatic", True),
            })
        # Closing a period locks its points, not the register: the points of a meeting held or dues paid in a
        # closed period are posted today, in the open period, with a note of the day they belong to.
        Period = self.env["party.points.period"]
        moved = []
        # each organization and day once (a county's batch: a thousand branches, a few days)
        pairs = list(dict.fromkeys((p["org_id"], p["date"]) for p in prepared))
        closed_of = dict(zip(pairs, Period._closed_periods_of([(orgs.get(org_id) or Org, day)
                                                               for org_id, day in pairs])))
        for p in prepared:
            closed = closed_of[(p["org_id"], p["date"])]
            if closed:
                p["description"] = self.env._(
                    "%(description)s (of %(date)s, period %(period)s closed: recorded in the open period)",
                    description=p["description"], date=fields.Date.to_string(p["date"]), period=closed.name)
                p["date"] = today
                moved.append((p["org"], today))
        Period._check_not_locked(moved)
        self._lock_ledger(Member.browse(member_ids))
        Entry = self.sudo()
        done = {}
        refs = [p["source_ref"] for p in prepared if p["source_ref"]]
        if refs:
            existing = Entry.search_fetch([
                ("source_ref", "in", refs), ("state", "=", "posted"), ("is_reversed", "=", False),
                ("reversed_entry_id", "=", False), ("rule_id", "in", list({p["rule_id"] for p in prepared})),
            ], ["member_id", "rule_id", "source_ref"])
            for entry in existing:
                if entry.source_ref:
                    ref = f"{entry.source_ref._name},{entry.source_ref.id}"
                    done[(entry.member_id.id, entry.rule_id.id, ref)] = entry.id
        found_ids = []
        todo = []
        for p in prepared:
            previous = done.get((p["member_id"], p["rule_id"], p["source_ref"])) if p["source_ref"] else None
            if previous:
                found_ids.append(previous)
            else:
                todo.append(p)
        todo.sort(key=lambda p: p["date"])
        capped = self._cap_points(todo)
        rows = []
        for p, (allowed, note) in zip(todo, capped):
            if p["points"] and not allowed:
                continue
            values = p["rule_values"]
            rows.append({
                "name": p["description"], "member_id": p["member_id"], "organization_id": p["org_id"],
                "party_group_id": p["group_id"], "company_id": p["company_id"],
                "scheme_id": values["scheme_id"], "rule_id": p["rule_id"], "component_id": values["component_id"],
                "category": values["category"], "date": p["date"], "year": p["date"].year, "points": allowed,
                "requested_points": p["points"], "cap_note": note or None, "is_automatic": bool(p["automatic"]),
                "source_ref": p["source_ref"] or None, "proposer_id": p["proposer_id"],
                "approver_id": p["approver_id"],
            })
        created = Entry._insert_posted(rows)
        found = self.browse(dict.fromkeys(found_ids))
        return (found + created).with_env(self.env)

    # columns of the automatic entries inserted by _insert_posted, with their kind (see tools.bulk.copy_column)
    _POSTED_COLUMNS = {
        "name": "text", "member_id": "number", "organization_id": "number", "party_group_id": "number",
        "company_id": "number", "scheme_id": "number", "rule_id": "number", "component_id": "number",
        "category": "text", "date": "text", "year": "number", "points": "number", "requested_points": "number",
        "cap_note": "text", "is_automatic": "bool", "source_ref": "text", "proposer_id": "number",
        "approver_id": "number",
    }

    @api.model
    def _insert_posted(self, rows):
        """Insert already-posted automatic entries with one ``COPY`` and return them (in the order of ``rows``,
        dicts of the :attr:`_POSTED_COLUMNS` values).

        Automatic entries are the system's own postings (see :meth:`_post_automatic_multi`, which has checked the
        schemes, rules, closed periods and caps): none of the checks :meth:`create` makes for manual entries
        apply, nothing is tracked, and no stored field of another model depends on the ledger. The ORM create
        spends its time per record (defaults, caches, related columns written afterwards), which a county posting
        a month of attendance and dues for tens of thousands of members cannot afford. ``COPY`` rather than an
        ``INSERT`` of arrays: a county's batch made PostgreSQL parse and plan an array constant of every value
        (0.7 s of 5 s). The ledger's statement triggers (party.points.total) fire for a ``COPY`` as for an
        ``INSERT``."""
        if not rows:
            return self.browse()
        self.env.flush_all()
        cr = self.env.cr
        # the sequence named once (pg_get_serial_sequence() per id took 0.24 s for 112,000 ids)
        cr.execute(SQL("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", f"{self._table}_id_seq",
                       len(rows)))
        ids = [row[0] for row in cr.fetchall()]
        for row, new_id in zip(rows, ids):
            row["id"] = new_id
        moment = cr.now().isoformat(sep=" ")
        uid = str(self.env.uid)
        copy_rows(cr, self._table, {"id": "number", **self._POSTED_COLUMNS}, rows, {
            "state": "posted", "is_reversed": "f", "approval_date": moment, "create_uid": uid, "create_date": moment,
            "write_uid": uid, "write_date": moment})
        self.env["party.member"].invalidate_model(["points_entry_ids"])
        return self.browse(ids)

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

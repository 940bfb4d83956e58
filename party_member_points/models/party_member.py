from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .party_workflow import WORKFLOW, in_workflow

STAGES = [
    ("applicant", "Applicant"),
    ("activist", "Activist"),
    ("candidate", "Development Target"),
    ("probationary", "Probationary Member"),
    ("full", "Full Member"),
]
STAGE_ORDER = [key for key, _label in STAGES]

# Statuses set only by an approved membership decision (party.member.decision).
DECISION_STATUSES = {"removed", "expelled", "persuaded_out", "withdrew", "disqualified"}
STATUSES = [
    ("normal", "Normal"),
    ("removed", "Removed"),
    ("persuaded_out", "Persuaded Out"),
    ("withdrew", "Withdrew"),
    ("expelled", "Expelled"),
    ("transferred_out", "Transferred Out"),
    ("deceased", "Deceased"),
    ("disqualified", "Probation Cancelled"),
]

PROBATION_OUTCOMES = [
    ("pending", "Pending"),
    ("confirmed", "Confirmed on Time"),
    ("extended", "Probation Extended"),
    ("cancelled", "Probation Cancelled"),
]

# Consecutive months without organizational life or dues that make a member a veto/removal candidate.
VETO_MONTHS = 6
# A member living elsewhere or away for longer than this should transfer the relationship.
TRANSFER_AFTER_MONTHS = 6


def is_allowed_stage_transition(old_stage, new_stage):
    """Development runs one step forward at a time: applicant -> activist -> development target ->
    probationary -> full. Moving backwards or skipping a step is not allowed."""
    if old_stage == new_stage:
        return True
    if old_stage not in STAGE_ORDER or new_stage not in STAGE_ORDER:
        return False
    return STAGE_ORDER.index(new_stage) == STAGE_ORDER.index(old_stage) + 1


def consecutive_missed_months(month_flags):
    """Length of the run of missed months ending at the most recent month.

    ``month_flags`` is a list of ``(month, missed)`` sorted from the most recent month backwards,
    holding only months that count (a month in which nothing was expected of the member is left out
    by the caller). The run stops at the first month that was not missed.
    """
    count = 0
    for _month, missed in month_flags:
        if not missed:
            break
        count += 1
    return count


class PartyMember(models.Model):
    _name = "party.member"
    _description = "Party Member"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "organization_id, name"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    partner_id = fields.Many2one("res.partner", string="Contact", ondelete="restrict", index=True,
                                 help="Contact record of the member; created automatically when left empty.")
    user_id = fields.Many2one("res.users", string="User", index=True, ondelete="set null", tracking=True,
                              help="Odoo login of the member, used to show the member their own records.")
    employee_id = fields.Many2one("hr.employee", string="Employee", index=True, ondelete="set null")
    organization_id = fields.Many2one("party.organization", string="Organization", required=True, index=True,
                                      tracking=True, ondelete="restrict")
    party_group_id = fields.Many2one("party.organization", string="Party Group", index=True,
                                     domain="[('kind', '=', 'group'), ('parent_id', '=', organization_id)]")
    company_id = fields.Many2one(related="organization_id.company_id", store=True, index=True)
    sector = fields.Selection(related="organization_id.sector", store=True)

    # Personal data
    gender = fields.Selection([("male", "Male"), ("female", "Female")])
    ethnicity = fields.Char(default=lambda self: self.env._("Han"))
    birth_date = fields.Date()
    age = fields.Integer(compute="_compute_age")
    native_place = fields.Char()
    education = fields.Selection([
        ("primary", "Primary School"),
        ("junior", "Junior Middle School"),
        ("senior", "Senior Middle School"),
        ("vocational", "Vocational School"),
        ("college", "Junior College"),
        ("bachelor", "Bachelor"),
        ("master", "Master"),
        ("doctor", "Doctor"),
    ])
    identification_id = fields.Char(string="ID Number", groups="party_member_points.group_party_officer",
                                    copy=False)
    phone = fields.Char()
    address = fields.Char()
    family_contact = fields.Char(help="Name and phone of a family contact.")
    work_unit = fields.Char(string="Work Unit")
    job_title = fields.Char(string="Post")
    professional_title = fields.Char()
    image_128 = fields.Image(related="partner_id.image_128")

    # Party data
    stage = fields.Selection(STAGES, required=True, default="applicant", tracking=True, index=True)
    application_date = fields.Date(string="Application Date")
    activist_date = fields.Date(string="Activist Since")
    candidate_date = fields.Date(string="Development Target Since")
    join_date = fields.Date(string="Date Joined", tracking=True)
    full_member_date = fields.Date(string="Full Member Since", tracking=True)
    probation_end_date = fields.Date(compute="_compute_probation_end_date", store=True, readonly=False,
                                     tracking=True)
    probation_outcome = fields.Selection(PROBATION_OUTCOMES, default="pending", tracking=True)
    probation_extension_months = fields.Integer(tracking=True)

    status = fields.Selection(STATUSES, required=True, default="normal", tracking=True, index=True)
    status_date = fields.Date(tracking=True)
    status_reason = fields.Text()
    status_history_ids = fields.One2many("party.member.status.history", "member_id", string="Status History")

    # Flags
    employment = fields.Selection([("in_service", "In Service"), ("retired", "Retired")], default="in_service")
    is_mobile = fields.Boolean(string="Mobile Member", tracking=True)
    mobile_destination = fields.Char(string="Outflow Destination")
    mobile_since = fields.Date(string="Away Since")
    mobile_months_away = fields.Integer(string="Months Away", compute="_compute_mobile_months_away")
    mobile_card_number = fields.Char(string="Activity Card Number")
    lives_elsewhere = fields.Boolean(string="Living Elsewhere")
    is_frail = fields.Boolean(string="Frail or Long-term Ill")
    frail_exempt_approved = fields.Boolean(string="Exemption Approved",
                                           help="Exempt from some duties by approval of the branch.")
    abroad_long = fields.Boolean(string="Abroad over 6 Months")
    serving_sentence = fields.Boolean(string="Serving a Sentence")
    hardship = fields.Boolean(string="Hardship")
    is_village_cadre = fields.Boolean(string="Village Cadre")
    without_post = fields.Boolean(string="Member without Post")
    key_attention = fields.Boolean(string="Key Attention")
    sanction_ids = fields.One2many("party.member.sanction", "member_id", string="Sanctions")
    under_sanction = fields.Boolean(compute="_compute_under_sanction", search="_search_under_sanction")
    should_transfer = fields.Boolean(compute="_compute_should_transfer",
                                     help="Away for more than six months: the relationship should be transferred.")

    # Six-month veto detection (updated by the daily scheduled action)
    months_without_life = fields.Integer(string="Months without Org Life", readonly=True)
    months_unpaid_dues = fields.Integer(string="Months without Dues", readonly=True)
    veto_candidate = fields.Boolean(string="Veto / Removal Candidate", readonly=True, index=True, tracking=True)

    transfer_ids = fields.One2many("party.member.transfer", "member_id", string="Transfers")
    dues_ids = fields.One2many("party.dues", "member_id", string="Dues")
    attendance_ids = fields.One2many("party.meeting.attendance", "member_id", string="Attendance")
    dues_count = fields.Integer(compute="_compute_counts")
    attendance_count = fields.Integer(compute="_compute_counts")
    transfer_count = fields.Integer(compute="_compute_counts")

    _sql_constraints = [
        ("user_uniq", "unique(user_id)", "A user can be linked to one party member only."),
    ]

    # ------------------------------------------------------------------ computes
    @api.depends("birth_date")
    def _compute_age(self):
        today = fields.Date.context_today(self)
        for member in self:
            member.age = relativedelta(today, member.birth_date).years if member.birth_date else 0

    @api.depends("join_date", "probation_extension_months")
    def _compute_probation_end_date(self):
        for member in self:
            if member.join_date:
                member.probation_end_date = member.join_date + relativedelta(
                    years=1, months=member.probation_extension_months or 0)
            else:
                member.probation_end_date = False

    @api.depends("mobile_since", "is_mobile")
    def _compute_mobile_months_away(self):
        today = fields.Date.context_today(self)
        for member in self:
            if member.is_mobile and member.mobile_since:
                delta = relativedelta(today, member.mobile_since)
                member.mobile_months_away = delta.years * 12 + delta.months
            else:
                member.mobile_months_away = 0

    @api.depends("is_mobile", "mobile_since", "lives_elsewhere", "status")
    def _compute_should_transfer(self):
        for member in self:
            member.should_transfer = member.status == "normal" and (
                member.lives_elsewhere or member.mobile_months_away > TRANSFER_AFTER_MONTHS)

    @api.depends("sanction_ids.date_start", "sanction_ids.date_end")
    def _compute_under_sanction(self):
        today = fields.Date.context_today(self)
        for member in self:
            member.under_sanction = any(s._is_running(today) for s in member.sanction_ids)

    def _search_under_sanction(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on the sanction flag."))
        today = fields.Date.context_today(self)
        running = self.env["party.member.sanction"]._search([
            ("date_start", "<=", today), "|", ("date_end", "=", False), ("date_end", ">=", today)])
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", running.subselect("member_id"))]

    def _compute_counts(self):
        for field, model in (("dues_count", "party.dues"), ("attendance_count", "party.meeting.attendance"),
                             ("transfer_count", "party.member.transfer")):
            counts = dict(self.env[model]._read_group([("member_id", "in", self.ids)], ["member_id"], ["__count"]))
            for member in self:
                member[field] = counts.get(member, 0)

    # ------------------------------------------------------------------ constraints
    @api.constrains("party_group_id", "organization_id")
    def _check_party_group(self):
        for member in self:
            group = member.party_group_id
            if group and (group.kind != "group" or group.parent_id != member.organization_id):
                raise ValidationError(self.env._(
                    "The party group %(group)s does not belong to %(org)s.",
                    group=group.display_name, org=member.organization_id.display_name))

    @api.constrains("stage", "join_date", "full_member_date", "birth_date")
    def _check_dates(self):
        today = fields.Date.context_today(self)
        for member in self:
            if member.stage in ("probationary", "full") and not member.join_date:
                raise ValidationError(self.env._("%s: a party member needs the date joined.", member.name))
            if member.stage == "full" and not member.full_member_date:
                raise ValidationError(self.env._("%s: a full member needs the date of becoming a full member.",
                                                 member.name))
            if member.join_date and member.full_member_date and member.full_member_date < member.join_date:
                raise ValidationError(self.env._("%s: the full member date cannot be before the date joined.",
                                                 member.name))
            if member.birth_date and member.birth_date > today:
                raise ValidationError(self.env._("%s: the birth date cannot be in the future.", member.name))
            if member.join_date and member.join_date > today:
                raise ValidationError(self.env._("%s: the date joined cannot be in the future.", member.name))

    @api.constrains("probation_extension_months")
    def _check_probation_extension(self):
        for member in self:
            months = member.probation_extension_months
            if months and not 6 <= months <= 12:
                raise ValidationError(self.env._("Probation can be extended by 6 to 12 months only."))

    @api.constrains("status", "status_reason", "status_date")
    def _check_status_reason(self):
        for member in self:
            if member.status != "normal" and (not member.status_reason or not member.status_date):
                raise ValidationError(self.env._(
                    "%s: a status other than normal needs a date and a reason.", member.name))

    @api.constrains("identification_id")
    def _check_identification_id(self):
        for member in self.sudo():
            number = member.identification_id
            if number and not self._is_valid_id_number(number):
                raise ValidationError(self.env._(
                    "%s: the ID number must have 18 characters: 17 digits and a final digit or X.", member.name))

    @api.model
    def _is_valid_id_number(self, number):
        """Mainland resident ID number: 17 digits then a digit or X, with the ISO 7064 check digit."""
        number = (number or "").strip().upper()
        if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
            return False
        weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        total = sum(int(digit) * weight for digit, weight in zip(number[:17], weights))
        return "10X98765432"[total % 11] == number[17]

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("stage") == "full":
                # registering a full member: the probation was decided long ago
                vals.setdefault("probation_outcome", "confirmed")
        partners_to_create = [vals for vals in vals_list if not vals.get("partner_id")]
        if partners_to_create:
            # the contact belongs to the register: an officer registering a member needs no right on contacts
            partners = self.env["res.partner"].sudo().create([
                {"name": vals.get("name"), "phone": vals.get("phone"), "street": vals.get("address")}
                for vals in partners_to_create])
            for vals, partner in zip(partners_to_create, partners):
                vals["partner_id"] = partner.id
        members = super().create(vals_list)
        members._log_status_history(dict.fromkeys(members.ids, False))
        if any(vals.get("user_id") for vals in vals_list):
            self._invalidate_own_member_access()
        return members

    def write(self, vals):
        if not in_workflow(self.env, "party_member_decision"):
            self._check_register_decision(vals)
        if "stage" in vals:
            for member in self:
                if not is_allowed_stage_transition(member.stage, vals["stage"]):
                    raise UserError(self.env._(
                        "%(name)s cannot move from stage “%(old)s” to “%(new)s”: development goes one step "
                        "forward at a time.", name=member.name,
                        old=dict(STAGES)[member.stage], new=dict(STAGES).get(vals["stage"], vals["stage"])))
        old_status = {member.id: member.status for member in self} if "status" in vals else None
        res = super().write(vals)
        if old_status is not None:
            self._log_status_history(old_status)
        if "user_id" in vals:
            self._invalidate_own_member_access()
        return res

    def _check_register_decision(self, vals):
        """Full membership, the probation's outcome and the statuses of removal, expulsion, persuading to leave,
        withdrawal and cancelled probation change only through an approved membership decision."""
        decided = []
        if vals.get("stage") == "full" and any(member.stage != "full" for member in self):
            decided.append("stage")
        for name in ("probation_outcome", "probation_extension_months", "full_member_date"):
            if name in vals and any(member[name] != vals[name] for member in self if member.stage == "probationary"):
                decided.append(name)
        if "status" in vals and any(member.status != vals["status"] for member in self) and (
                vals["status"] in DECISION_STATUSES
                or any(member.status in DECISION_STATUSES for member in self)):
            decided.append("status")
        if decided:
            raise UserError(self.env._(
                "Full membership, the probation and the removal, expulsion, persuading to leave or withdrawal of a "
                "member are decisions of the branch's members' meeting approved by the upper committee: propose "
                "them with “Membership Decision” (changed: %s).",
                ", ".join(sorted(self._fields[name]._description_string(self.env) for name in decided))))

    def _invalidate_own_member_access(self):
        """Record rules list each user's own member records: drop the cached rule domains when a member record
        is linked to another user."""
        self.env["res.users"].invalidate_model(["party_member_ids", "party_own_member_ids"])
        self.env.registry.clear_cache()

    def _log_status_history(self, old_status):
        """Keep a line of history for every status change, with its date and reason."""
        lines = []
        for member in self:
            if old_status.get(member.id) != member.status:
                lines.append({
                    "member_id": member.id,
                    "old_status": old_status.get(member.id) or False,
                    "new_status": member.status,
                    "date": member.status_date or fields.Date.context_today(self),
                    "reason": member.status_reason or False,
                })
        if lines:
            self.env["party.member.status.history"].sudo().create(lines)

    # ------------------------------------------------------------------ stage and status actions
    def _next_stage(self):
        self.ensure_one()
        index = STAGE_ORDER.index(self.stage)
        return STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else False

    def action_promote(self):
        """Move each member one development stage forward, stamping the date of the new stage."""
        today = fields.Date.context_today(self)
        date_field = {"activist": "activist_date", "candidate": "candidate_date", "probationary": "join_date"}
        for member in self:
            if member.status != "normal":
                raise UserError(self.env._("%s is not a member in normal status.", member.name))
            next_stage = member._next_stage()
            if not next_stage:
                raise UserError(self.env._("%s is already a full member.", member.name))
            if next_stage == "full":
                raise UserError(self.env._(
                    "%s: use “Decide Probation” to confirm a probationary member.", member.name))
            vals = {"stage": next_stage}
            if not member[date_field[next_stage]]:
                vals[date_field[next_stage]] = today
            member.write(vals)
        return True

    def action_open_probation_wizard(self):
        self.ensure_one()
        if self.stage != "probationary":
            raise UserError(self.env._("Only probationary members have a probation to decide."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Decide Probation"),
            "res_model": "party.member.probation.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_member_id": self.id},
        }

    def action_open_status_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Change Status"),
            "res_model": "party.member.status.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_member_ids": self.ids},
        }

    def _decided(self):
        """The members with the trusted flag of an approved membership decision (or of a workflow that was
        itself approved by the upper committee: evaluation disposals, rectification outcomes, transfers)."""
        return self.with_context(party_member_decision=WORKFLOW)

    def _confirm_probation(self, date):
        for member in self:
            member._decided().write({"stage": "full", "full_member_date": date, "probation_outcome": "confirmed"})

    def _extend_probation(self, months, reason):
        for member in self:
            member._decided().write({"probation_extension_months": months, "probation_outcome": "extended"})
            member.message_post(body=self.env._("Probation extended by %(months)s months: %(reason)s",
                                                months=months, reason=reason))

    def _cancel_probation(self, date, reason):
        self._decided().write({"probation_outcome": "cancelled", "status": "disqualified",
                               "status_date": date, "status_reason": reason})

    def _set_status(self, status, date, reason):
        if status != "normal" and not reason:
            raise UserError(self.env._("A reason is required to change the status."))
        self._decided().write({"status": status, "status_date": date, "status_reason": reason})

    # ------------------------------------------------------------------ smart buttons
    def _action_related(self, xmlid):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("member_id", "=", self.id)]
        action["context"] = {"default_member_id": self.id}
        return action

    def action_view_dues(self):
        return self._action_related("party_member_points.party_dues_action")

    def action_view_attendance(self):
        return self._action_related("party_member_points.party_meeting_attendance_action")

    def action_view_transfers(self):
        return self._action_related("party_member_points.party_member_transfer_action")

    # ------------------------------------------------------------------ six-month veto detection
    @api.model
    def _month_start(self, day):
        return day.replace(day=1)

    @api.model
    def _compute_missed_life_months(self, member_ids, last_month):
        """Months, most recent first, in which each member had meetings of their organization
        (an attendance line) but attended none and was excused for none. Months with no meeting for
        the member are left out: nothing was asked of the member then. One SQL query."""
        self.env["party.meeting.attendance"].flush_model()
        self.env["party.meeting"].flush_model()
        self.env.cr.execute("""
            SELECT a.member_id,
                   date_trunc('month', m.date)::date AS month,
                   bool_and(a.status = 'absent') AS missed
              FROM party_meeting_attendance a
              JOIN party_meeting m ON m.id = a.meeting_id
             WHERE a.member_id = ANY(%s)
               AND m.state = 'done'
               AND m.date < %s
          GROUP BY a.member_id, date_trunc('month', m.date)
          ORDER BY a.member_id, month DESC
        """, [list(member_ids), last_month + relativedelta(months=1)])
        result = {}
        for member_id, month, missed in self.env.cr.fetchall():
            result.setdefault(member_id, []).append((month, missed))
        return result

    @api.model
    def _compute_unpaid_dues_months(self, member_ids, last_month):
        """Months, most recent first, with a dues line for each member, flagged when not paid in full
        and not exempted. One SQL query."""
        self.env["party.dues"].flush_model()
        self.env.cr.execute("""
            SELECT member_id, month,
                   (COALESCE(amount_paid, 0) < COALESCE(amount_due, 0) AND NOT COALESCE(exempt, FALSE)) AS missed
              FROM party_dues
             WHERE member_id = ANY(%s) AND month <= %s
          ORDER BY member_id, month DESC
        """, [list(member_ids), last_month])
        result = {}
        for member_id, month, missed in self.env.cr.fetchall():
            result.setdefault(member_id, []).append((month, missed))
        return result

    def _update_veto_flags(self, today=None):
        """Refresh the six-month counters and the veto flag of the given members, and schedule a
        review activity for the branch secretary of each member who newly became a candidate."""
        today = today or fields.Date.context_today(self)
        last_month = self._month_start(today) - relativedelta(months=1)
        life = self._compute_missed_life_months(self.ids, last_month)
        dues = self._compute_unpaid_dues_months(self.ids, last_month)
        newly_flagged = self.browse()
        changes = {}
        for member in self:
            life_months = consecutive_missed_months(life.get(member.id, []))
            dues_months = consecutive_missed_months(dues.get(member.id, []))
            veto = life_months >= VETO_MONTHS or dues_months >= VETO_MONTHS
            key = (life_months, dues_months, veto)
            if (member.months_without_life, member.months_unpaid_dues, member.veto_candidate) != key:
                changes.setdefault(key, self.browse())
                changes[key] |= member
            if veto and not member.veto_candidate:
                newly_flagged |= member
        for (life_months, dues_months, veto), members in changes.items():
            members.write({"months_without_life": life_months, "months_unpaid_dues": dues_months,
                           "veto_candidate": veto})
        newly_flagged._schedule_veto_review()
        return newly_flagged

    def _schedule_veto_review(self):
        activity_type = self.env.ref("party_member_points.mail_activity_type_veto_review")
        for member in self:
            secretary = member.organization_id._get_responsible_user()
            member.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=secretary.id,
                summary=self.env._("Six months without org life or dues"),
                note=self.env._(
                    "%(name)s has %(life)s consecutive months without organizational life and %(dues)s "
                    "consecutive months without dues. Check for a valid reason; otherwise the member is a "
                    "candidate for removal.",
                    name=member.name, life=member.months_without_life, dues=member.months_unpaid_dues),
            )

    @api.model
    def _cron_check_six_months(self):
        members = self.search([("status", "=", "normal"), ("stage", "in", ("probationary", "full"))])
        # Members are processed in chunks so that a large register does not hold everything in memory.
        for start in range(0, len(members), 1000):
            chunk = members[start:start + 1000]
            chunk._update_veto_flags()
        return True

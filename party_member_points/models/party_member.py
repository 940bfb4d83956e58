from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from odoo.addons.web.models.models import SEARCH_PANEL_ERROR_MESSAGE

from ..tools.bulk import int_array
from ..tools.clock import party_today

from .party_workflow import in_workflow

from .party_workflow import WORKFLOW

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


# GB 11643-1999 citizen identity number: weights of the first 17 digits (2^(17-i) mod 11) and the check
# character for each remainder of the weighted sum modulo 11 (ISO 7064 MOD 11-2, 10 written as X).
ID_NUMBER_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_NUMBER_CHECK_CHARS = "10X98765432"


def normalize_id_number(number):
    """The ID number as stored: spaces removed, a final lowercase x written X."""
    return "".join((number or "").split()).upper()


def id_number_check_char(first17):
    """Check character of a GB 11643-1999 citizen identity number (ISO 7064 MOD 11-2).

    Each of the first 17 digits is multiplied by its weight 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2; the
    remainder of the sum modulo 11 gives the check character: 0→1, 1→0, 2→X, 3→9, 4→8, ... 10→2.
    """
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_NUMBER_WEIGHTS))
    return ID_NUMBER_CHECK_CHARS[total % 11]


def parse_id_number(number):
    """Read an 18-character citizen identity number (GB 11643-1999).

    Layout: 6-digit address code, 8-digit birth date YYYYMMDD, 3-digit sequence code (odd for men,
    even for women), 1 check character (a digit or X). Returns ``(birth_date, gender)`` with gender
    ``"male"`` or ``"female"``; raises ``ValueError`` whose argument is ``"format"`` (not 17 digits and
    a digit or X), ``"checksum"`` (wrong check character) or ``"birth_date"`` (no such date).
    """
    number = normalize_id_number(number)
    if len(number) != 18 or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValueError("format")
    if id_number_check_char(number[:17]) != number[17]:
        raise ValueError("checksum")
    try:
        birth_date = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValueError("birth_date") from None
    return birth_date, ("male" if int(number[16]) % 2 else "female")


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


def dues_unpaid_run(rows, month_ends, months=VETO_MONTHS):
    """True when the member went ``months`` consecutive months without paying dues (连续6个月不交纳党费),
    judged from the records at the end of each month of ``month_ends`` (the months of the assessed period).

    ``rows``: ``(month, settled_on)`` for each month with dues to pay: ``settled_on`` is the day the month was
    paid in full (the first of the month when it was exempt), None when it is still unpaid. At the end of a
    month ``end``, the run counts the months up to ``end``, most recent first, not settled by that day; a month
    paid by then stops it. Dues of January–June first paid in July are six months unpaid at the end of June,
    whatever was paid later: the veto of a year is judged by that year's facts and never lifted afterwards.
    """
    ordered = sorted(rows)
    for end in sorted(month_ends):
        run = 0
        for _month, settled_on in reversed([row for row in ordered if row[0] <= end]):
            if settled_on is not None and settled_on <= end:
                break
            run += 1
            if run >= months:
                return True
    return False


def life_missed_run(month_flags, months=VETO_MONTHS):
    """True when the member missed organizational life ``months`` months running (连续6个月不参加党的组织生活).

    ``month_flags``: ``(month, missed)`` for the months of the assessed period in which the member's
    organization held organizational life (a month with no meeting asked nothing of the member and is left out
    by the caller); ``missed`` when the member attended none and was excused for none.
    """
    run = 0
    for _month, missed in sorted(month_flags):
        run = run + 1 if missed else 0
        if run >= months:
            return True
    return False
def partner_taken_reason(partner, member, users, employees, members, companies):
    """Why ``partner`` cannot be the contact of ``member`` (``"login"``, ``"member"``, ``"employee"``,
    ``"company"``), or ``None`` when it is the member's own. ``users``/``employees``/``members``/``companies``
    are the records linked to the partner. A contact belongs to one person: the member's own login and employee
    record may share it, nobody else."""
    if users - member.user_id:
        return "login"
    if members - member:
        return "member"
    if employees - member.employee_id:
        return "employee"
    if companies:
        return "company"
    return None


class PartyMember(models.Model):
    _name = "party.member"
    _description = "Party Member"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "organization_id, name"

    name = fields.Char(string="Full Name", required=True, tracking=True)
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
    is_leading_cadre = fields.Boolean(
        string="Leading Cadre", tracking=True,
        help="A leading cadre (党员领导干部) earns points but is not star-rated nor graded (S003 P4 第五条).")
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
        today = party_today(self)
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
        today = party_today(self)
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
        today = party_today(self)
        for member in self:
            member.under_sanction = any(s._is_running(today) for s in member.sanction_ids)

    def _search_under_sanction(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on the sanction flag."))
        today = party_today(self)
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
            if member.organization_id.kind == "group":
                # a member's organizational relationship (组织关系) is kept by a branch; a party group (党小组) is a
                # part of the branch, set as the member's party group
                raise ValidationError(self.env._(
                    "%(member)s: a member belongs to a branch (or a committee), not to the party group %(group)s: "
                    "choose its branch as the organization and set the group as the party group.",
                    member=member.name, group=member.organization_id.display_name))
            group = member.party_group_id
            if group and (group.kind != "group" or group.parent_id != member.organization_id):
                raise ValidationError(self.env._(
                    "The party group %(group)s does not belong to %(org)s.",
                    group=group.display_name, org=member.organization_id.display_name))

    @api.constrains("partner_id")
    def _check_partner_is_own(self):
        """A member's contact is their own: created for them by the register, or a contact of nobody else. A
        contact that is a login's (other than the member's own login), another member's, an employee's (other
        than the member's own employee record) or a company's is refused: an officer who could point a member
        at the administrator's contact and then grant it portal access would take the administrator's login."""
        partners = self.partner_id.sudo().with_context(active_test=False)
        if not partners:
            return
        users = partners.user_ids
        employees = self.env["hr.employee"].sudo().with_context(active_test=False).search(
            [("work_contact_id", "in", partners.ids)])
        members = self.sudo().with_context(active_test=False).search([("partner_id", "in", partners.ids)])
        companies = self.env["res.company"].sudo().with_context(active_test=False).search(
            [("partner_id", "in", partners.ids)])
        for member in self:
            partner = member.partner_id
            reason = partner_taken_reason(
                partner, member, users.filtered(lambda u, p=partner: u.partner_id == p),
                employees.filtered(lambda e, p=partner: e.work_contact_id == p),
                members.filtered(lambda m, p=partner: m.partner_id == p),
                companies.filtered(lambda c, p=partner: c.partner_id == p))
            if reason:
                reasons = {
                    "login": self.env._("it is the contact of another user's login"),
                    "member": self.env._("it is the contact of another member"),
                    "employee": self.env._("it is the contact of another employee"),
                    "company": self.env._("it is the contact of a company"),
                }
                raise ValidationError(self.env._(
                    "%(member)s: the contact %(contact)s cannot be used (%(reason)s). A member's contact is their "
                    "own: leave the contact empty and the register creates it.",
                    member=member.name, contact=partner.sudo().display_name, reason=reasons[reason]))

    @api.constrains("stage", "join_date", "full_member_date", "birth_date")
    def _check_dates(self):
        today = party_today(self)
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

    @api.constrains("identification_id", "birth_date", "gender", "organization_id")
    def _check_identification_id(self):
        # the ID number is readable by officers only: the check itself reads it as the system
        members = self.sudo().filtered("identification_id")
        for member in members:
            try:
                birth_date, gender = parse_id_number(member.identification_id)
            except ValueError as error:
                if error.args[0] == "checksum":
                    raise ValidationError(self.env._(
                        "%(name)s: the ID number %(number)s is wrong: its last character does not match the "
                        "other 17 digits (check character).",
                        name=member.name, number=member.identification_id)) from None
                if error.args[0] == "birth_date":
                    raise ValidationError(self.env._(
                        "%(name)s: the ID number %(number)s holds no valid birth date.",
                        name=member.name, number=member.identification_id)) from None
                raise ValidationError(self.env._(
                    "%s: the ID number must have 18 characters: 17 digits and a final digit or X.",
                    member.name)) from None
            if member.birth_date and member.birth_date != birth_date:
                raise ValidationError(self.env._(
                    "%(name)s: the birth date %(date)s does not match the ID number %(number)s.",
                    name=member.name, date=member.birth_date, number=member.identification_id))
            if member.gender and member.gender != gender:
                raise ValidationError(self.env._(
                    "%(name)s: the gender does not match the ID number %(number)s.",
                    name=member.name, number=member.identification_id))
        if members:
            # one person, one register record per company (archived records count: reactivate them instead)
            duplicates = members.with_context(active_test=False)._read_group(
                [("identification_id", "in", members.mapped("identification_id")),
                 ("company_id", "in", members.company_id.ids)],
                ["identification_id", "company_id"], ["__count"], having=[("__count", ">", 1)])
            duplicated = {(number, company.id) for number, company, _count in duplicates}
            for member in members:
                if (member.identification_id, member.company_id.id) in duplicated:
                    raise ValidationError(self.env._(
                        "%(name)s: another member of the register already has the ID number %(number)s.",
                        name=member.name, number=member.identification_id))

    # organizations with members beyond which the member search panel lists the committees only
    _PANEL_MAX_ORGANIZATIONS = 500

    @api.model
    def search_panel_select_range(self, field_name, **kwargs):
        """The organizations of the member search panel: the tree of the organizations with members the user
        can see and their ancestors, each counting the members of everything below it, as Odoo's panel shows it,
        in three queries whatever the size (Odoo reads the names of every organization of the tree a thousand at
        a time and goes up the tree with one query per level).

        Beyond ``_PANEL_MAX_ORGANIZATIONS`` organizations (a province committee: ten thousand branches and
        twenty thousand party groups) the panel lists the committees only, each with the members below it: a
        list of ten thousand branches can neither be read nor built in an instant (1.8 s). Choosing a committee
        filters the members to everything below it; a branch is found with the search."""
        if (field_name != "organization_id" or kwargs.get("expand") or kwargs.get("comodel_domain")
                or not kwargs.get("hierarchize", True)):
            return super().search_panel_select_range(field_name, **kwargs)
        domain = expression.AND([kwargs.get("search_domain") or [], kwargs.get("category_domain") or [],
                                 kwargs.get("filter_domain") or []])
        counts = {org.id: count for org, count in self._read_group(domain, ["organization_id"], ["__count"]) if org}
        Org = self.env["party.organization"].with_context(hierarchical_naming=False)
        totals = dict.fromkeys(counts, 0)
        if counts:
            # each organization's members counted in it and in every organization above it (parent_path)
            self.env.cr.execute(Org._search([("id", "in", list(counts))]).select("id", "parent_path"))
            for org_id, path in self.env.cr.fetchall():
                for ancestor in path.split("/")[:-1]:
                    totals[int(ancestor)] = totals.get(int(ancestor), 0) + counts[org_id]
        org_domain = [("id", "in", list(totals))]
        if len(counts) > self._PANEL_MAX_ORGANIZATIONS:
            org_domain.append(("kind", "=", "committee"))
        records = Org.search_read(org_domain, ["display_name", "parent_id"])
        # as Odoo's panel: only the organizations whose chain of parents is all there (the tree is closed)
        by_id = {record["id"]: record for record in records}
        complete = {}

        def is_complete(org_id):
            if org_id not in complete:
                record = by_id.get(org_id)
                complete[org_id] = bool(record) and (
                    not record["parent_id"] or is_complete(record["parent_id"][0]))
            return complete[org_id]

        limit = kwargs.get("limit")
        values = []
        for record in records:
            if not is_complete(record["id"]):
                continue
            value = {"id": record["id"], "display_name": record["display_name"],
                     "parent_id": record["parent_id"] and record["parent_id"][0]}
            if kwargs.get("enable_counters"):
                value["__count"] = totals.get(record["id"], 0)
            values.append(value)
        if limit and len(values) >= limit:
            return {"error_msg": str(SEARCH_PANEL_ERROR_MESSAGE)}
        return {"parent_field": "parent_id", "values": values}

    @api.model
    def _is_valid_id_number(self, number):
        """Mainland resident ID number: 17 digits then a digit or X, with the ISO 7064 check digit."""
        try:
            parse_id_number(number)
        except ValueError:
            return False
        return True

    @api.model
    def _id_number_values(self, number):
        """Birth date and gender read from a valid ID number (empty dict for an invalid one)."""
        try:
            birth_date, gender = parse_id_number(number)
        except ValueError:
            return {}
        return {"birth_date": birth_date, "gender": gender}

    @api.model
    def get_import_templates(self):
        """The member list's import offers a spreadsheet with the columns of the national party member
        information system (全国党员管理信息系统); data/party_member_import_mapping.xml maps them to fields."""
        return [{
            "label": self.env._("Import Template for Party Members"),
            "template": "/party_member_points/static/xls/party_member_import_template.xlsx",
        }]

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        # the values are completed below: copies, so that the import's retry row by row gets the caller's values
        vals_list = [dict(vals) for vals in vals_list]
        for vals in vals_list:
            if vals.get("identification_id"):
                # the ID number gives the birth date and gender when they are left empty
                vals["identification_id"] = normalize_id_number(vals["identification_id"])
                for field, value in self._id_number_values(vals["identification_id"]).items():
                    vals[field] = vals.get(field) or value
            if vals.get("stage") == "full":
                # registering a full member: the probation was decided long ago
                vals.setdefault("probation_outcome", "confirmed")
        partners_to_create = [vals for vals in vals_list if not vals.get("partner_id")]
        if partners_to_create:
            # the contact belongs to the register: an officer registering a member needs no right on contacts
            # the personal data (phone, address) stays in the register, readable by the member and their
            # officers only: the contact, which every internal user reads, gets the name only
            partners = self.env["res.partner"].sudo().create(
                [{"name": vals.get("name")} for vals in partners_to_create])
            for vals, partner in zip(partners_to_create, partners):
                vals["partner_id"] = partner.id
        members = super().create(vals_list)
        members._log_status_history(dict.fromkeys(members.ids, False))
        if any(vals.get("user_id") for vals in vals_list):
            self._invalidate_own_member_access()
        return members

    def write(self, vals):
        if "organization_id" in vals and not in_workflow(self.env, "party_member_transfer") and any(
                member.organization_id.id != vals["organization_id"] for member in self):
            raise UserError(self.env._(
                "A member changes organization only through an approved transfer of their organizational "
                "relationship (Transfers)."))
        if not in_workflow(self.env, "party_member_decision"):
            self._check_register_decision(vals)
        if "stage" in vals:
            for member in self:
                if not is_allowed_stage_transition(member.stage, vals["stage"]):
                    raise UserError(self.env._(
                        "%(name)s cannot move from stage “%(old)s” to “%(new)s”: development goes one step "
                        "forward at a time.", name=member.name,
                        old=dict(STAGES)[member.stage], new=dict(STAGES).get(vals["stage"], vals["stage"])))
        if vals.get("identification_id"):
            vals = dict(vals, identification_id=normalize_id_number(vals["identification_id"]))
        old_status = {member.id: member.status for member in self} if "status" in vals else None
        res = super().write(vals)
        if vals.get("identification_id"):
            for field, value in self._id_number_values(vals["identification_id"]).items():
                if not vals.get(field):
                    self.filtered(lambda member, field=field: not member[field]).write({field: value})
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
                    "date": member.status_date or party_today(self),
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
        today = party_today(self)
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
             WHERE a.member_id = ANY(%s::int[])
               AND m.state = 'done'
               AND m.date < %s
          GROUP BY a.member_id, date_trunc('month', m.date)
          ORDER BY a.member_id, month DESC
        """, [int_array(member_ids), last_month + relativedelta(months=1)])
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
             WHERE member_id = ANY(%s::int[]) AND month <= %s
          ORDER BY member_id, month DESC
        """, [int_array(member_ids), last_month])
        result = {}
        for member_id, month, missed in self.env.cr.fetchall():
            result.setdefault(member_id, []).append((month, missed))
        return result

    @api.model
    def _six_month_grounds(self, member_ids, date_from, date_to):
        """``{member id: {"life", "dues"}}``: the members who, between ``date_from`` and ``date_to``, went six months
        running without organizational life or without paying dues, judged from the records of those months
        (meetings held and their attendance, dues lines with the day they were paid), not from the register's
        current flag. Used for the veto of a year's points (the months of that year) and the evaluation's six-month
        ground (the twelve months before the meeting). Two queries."""
        member_ids = list(member_ids)
        if not member_ids or not date_from or not date_to or date_to < date_from:
            return {}
        first_month = date_from.replace(day=1)
        self.env["party.dues"].flush_model()
        self.env["party.meeting.attendance"].flush_model()
        self.env["party.meeting"].flush_model()
        # only members with six months or more not paid by the end of their own month can have a run: their
        # rows are read whole (a month paid on time stops a run)
        self.env.cr.execute(SQL("""
            WITH dues AS (
                SELECT member_id, month,
                       CASE WHEN COALESCE(exempt, FALSE) THEN month
                            WHEN COALESCE(amount_paid, 0) >= COALESCE(amount_due, 0)
                            THEN COALESCE(paid_date, month)
                       END AS settled_on
                  FROM party_dues
                 WHERE member_id = ANY(%(ids)s::int[]) AND month >= %(first)s AND month <= %(last)s
                   AND COALESCE(amount_due, 0) > 0
            ), candidates AS (
                SELECT member_id FROM dues
                 WHERE settled_on IS NULL OR settled_on >= (month + interval '1 month')::date
              GROUP BY member_id HAVING count(*) >= %(months)s
            )
            SELECT member_id, month, settled_on FROM dues WHERE member_id IN (SELECT member_id FROM candidates)
        """, ids=int_array(member_ids), first=first_month, last=date_to, months=VETO_MONTHS))
        dues = {}
        for member_id, month, settled_on in self.env.cr.fetchall():
            dues.setdefault(member_id, []).append((month, settled_on))
        self.env.cr.execute(SQL("""
            WITH months AS (
                SELECT a.member_id, date_trunc('month', m.date)::date AS month, bool_and(a.status = 'absent') AS missed
                  FROM party_meeting_attendance a
                  JOIN party_meeting m ON m.id = a.meeting_id
                 WHERE a.member_id = ANY(%(ids)s::int[]) AND m.state = 'done'
                   AND m.date >= %(first)s AND m.date < %(end)s
              GROUP BY a.member_id, date_trunc('month', m.date)
            )
            SELECT member_id, month, missed FROM months
             WHERE member_id IN (SELECT member_id FROM months WHERE missed
                                  GROUP BY member_id HAVING count(*) >= %(months)s)
        """, ids=int_array(member_ids), first=first_month, end=date_to + relativedelta(days=1), months=VETO_MONTHS))
        life = {}
        for member_id, month, missed in self.env.cr.fetchall():
            life.setdefault(member_id, []).append((month, missed))
        # the ends of the months of the period that are over by date_to
        month_ends = []
        month = first_month
        while month + relativedelta(months=1, days=-1) <= date_to:
            month_ends.append(month + relativedelta(months=1, days=-1))
            month += relativedelta(months=1)
        grounds = {}
        # only the members with records can have a run (a county's year: the few with six months on record)
        for member_id in sorted(set(life) | set(dues)):
            found = set()
            if life_missed_run(life.get(member_id, [])):
                found.add("life")
            if dues_unpaid_run(dues.get(member_id, []), month_ends):
                found.add("dues")
            if found:
                grounds[member_id] = found
        return grounds

    def _assigned_work_refused(self, date_from, date_to):
        """The members of ``self`` (a set of ids) who did not carry out work assigned by the party organization
        between ``date_from`` and ``date_to`` (S000 ①: 不能完成党组织所分配工作的党员 ... 一律认定为不合格党员).
        The register records no assignments itself: modules that do (the mobilization batches a member refused to
        carry out) extend this method from their records, in one query for all the members."""
        return set()

    def _other_unqualified_grounds(self, year):
        """``{member id: reason}``: grounds recorded elsewhere that make the democratic evaluation of ``year``
        propose 不合格 for members of ``self``. The register records none: the mobilization returns its failed
        below-standard conversions (欠合格党员书面转化, S000), in one query for all the members."""
        return {}

    def _evaluation_side_records(self, year):
        """``{member id: [line, ...]}``: what other records of ``year`` say about members of ``self``, shown to the
        evaluation committee beside the vote and the points (S000 五、总结验收: 年终考核表彰 and 降档 of village
        cadres; the written below-standard conversions). The register has none: the mobilization returns its
        cadre appraisals and conversions, in a fixed number of queries for all the members."""
        return {}

    def _update_veto_flags(self, today=None):
        """Refresh the six-month counters and the veto flag of the given members, and schedule a
        review activity for the branch secretary of each member who newly became a candidate."""
        today = today or party_today(self)
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

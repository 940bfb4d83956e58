from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .mobilization_rules import IDENTITIES, duplicate_keys, identity_rank

RESIDENCES = [
    ("native", "Native Villager"),
    ("outside_resident", "Long-term Resident from Outside Unit"),
]
PARTY_MEMBER_STAGES = ("probationary", "full")
# Fields whose change may move a person to another identity (and so another batch).
ROLE_FIELDS = {
    "branch_secretary_role", "branch_committee_role", "is_village_director", "is_village_committee",
    "is_representative", "member_id", "organization_id", "residence", "outside_party_member", "active",
}


class PartyMobilizationPerson(models.Model):
    """A villager, with the village roles that decide the identity used by ordered mobilization.

    Everyone living in the village is registered, party member or not. Party members and cadres of outside
    organizations who live in the village long-term are included too (S000: 长期在农村生活居住的机关企事业单位的
    党员、干部，同样适用本办法).
    """

    _name = "party.mobilization.person"
    _description = "Villager (Ordered Mobilization)"
    _inherit = ["mail.thread"]
    _order = "organization_id, identity_rank, name, id"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    partner_id = fields.Many2one("res.partner", string="Contact", index=True, ondelete="set null")
    organization_id = fields.Many2one(
        "party.organization", string="Village", required=True, index=True, tracking=True, ondelete="restrict",
        help="Party branch of the village the person lives in.")
    company_id = fields.Many2one(related="organization_id.company_id", store=True, index=True)
    phone = fields.Char()
    address = fields.Char(string="Household Address")
    residence = fields.Selection(RESIDENCES, required=True, default="native", tracking=True)
    outside_unit = fields.Char(string="Outside Unit", tracking=True,
                               help="Office, enterprise or institution the long-term resident belongs to.")
    outside_party_member = fields.Boolean(
        string="Party Member of Outside Unit", tracking=True,
        help="A long-term resident whose party membership is kept in an outside organization not in this register. "
             "Counts as a rural party member.")
    member_id = fields.Many2one(
        "party.member", string="Party Member Record", index=True, tracking=True, ondelete="set null",
        help="Filled automatically from the contact when a member of the register has the same contact.")

    # Village roles
    branch_secretary_role = fields.Boolean(
        string="Branch Secretary (declared)", tracking=True,
        help="Set when the secretary of the village branch has no Odoo user; otherwise derived from the branch.")
    branch_committee_role = fields.Boolean(
        string="Branch Committee Member (declared)", tracking=True,
        help="Set when a member of the branch committee has no Odoo user; otherwise derived from the branch.")
    is_village_director = fields.Boolean(string="Village Committee Director", tracking=True)
    is_village_committee = fields.Boolean(string="Village Committee Member", tracking=True)
    is_representative = fields.Boolean(string="Villager Representative", tracking=True)

    # Derived identity
    is_party_member = fields.Boolean(compute="_compute_identity", store=True, index=True)
    is_branch_secretary = fields.Boolean(compute="_compute_identity", store=True)
    is_branch_committee = fields.Boolean(compute="_compute_identity", store=True)
    is_cadre = fields.Boolean(compute="_compute_identity", store=True, string="Village Cadre",
                              help="Branch secretary, branch committee member, village committee director or member.")
    identity = fields.Selection(IDENTITIES, compute="_compute_identity", store=True, index=True,
                                help="Highest identity held: decides the batch in ordered mobilization.")
    identity_rank = fields.Integer(compute="_compute_identity", store=True, index=True, aggregator=False)
    participant_ids = fields.One2many("party.mobilization.participant", "person_id", string="Mobilizations")
    participant_count = fields.Integer(compute="_compute_participant_count")
    note = fields.Text()

    _sql_constraints = [
        ("member_village_uniq", "unique(member_id, organization_id)",
         "A party member is registered once per village."),
    ]

    @api.depends("branch_secretary_role", "branch_committee_role", "is_village_director", "is_village_committee",
                 "is_representative", "residence", "outside_party_member",
                 "member_id.stage", "member_id.status", "member_id.user_id",
                 "organization_id.secretary_id", "organization_id.deputy_secretary_id",
                 "organization_id.committee_member_ids")
    def _compute_identity(self):
        for person in self:
            member = person.member_id
            is_member = bool(member and member.stage in PARTY_MEMBER_STAGES and member.status == "normal")
            if person.residence == "outside_resident" and person.outside_party_member:
                is_member = True
            user = member.user_id if is_member else self.env["res.users"]
            village = person.organization_id
            is_secretary = person.branch_secretary_role or bool(user and user == village.secretary_id)
            is_committee = person.branch_committee_role or bool(
                user and user in (village.deputy_secretary_id | village.committee_member_ids))
            rank = identity_rank(
                is_branch_secretary=is_secretary,
                is_director=person.is_village_director,
                is_branch_committee=is_committee,
                is_village_committee=person.is_village_committee,
                is_party_member=is_member,
                is_representative=person.is_representative,
            )
            person.is_party_member = is_member
            person.is_branch_secretary = is_secretary
            person.is_branch_committee = is_committee
            person.is_cadre = is_secretary or is_committee or person.is_village_director or person.is_village_committee
            person.identity_rank = rank
            person.identity = str(rank)

    def _compute_participant_count(self):
        counts = dict(self.env["party.mobilization.participant"]._read_group(
            [("person_id", "in", self.ids)], ["person_id"], ["__count"]))
        for person in self:
            person.participant_count = counts.get(person, 0)

    @api.constrains("branch_secretary_role", "branch_committee_role", "member_id")
    def _check_branch_roles(self):
        for person in self:
            if (person.branch_secretary_role or person.branch_committee_role) and not person.member_id:
                raise ValidationError(self.env._(
                    "%s: a branch secretary or branch committee member must be linked to a party member record.",
                    person.name))

    @api.constrains("residence", "outside_unit", "outside_party_member")
    def _check_outside_unit(self):
        for person in self:
            if person.residence == "outside_resident" and not person.outside_unit:
                raise ValidationError(self.env._(
                    "%s: give the outside unit of a long-term resident.", person.name))
            if person.outside_party_member and person.residence != "outside_resident":
                raise ValidationError(self.env._(
                    "%s: only a long-term resident from an outside unit can be a party member of an outside unit.",
                    person.name))

    @api.constrains("member_id", "partner_id", "name", "phone", "organization_id", "active")
    def _check_registered_once(self):
        """The same person is registered once (issue 17 item 13): one villager record per party member, per
        contact, and per name and phone in a village."""
        for person in self.filtered("active"):
            domain = [("id", "!=", person.id), ("active", "=", True)]
            twin = self.browse()
            if person.member_id:
                twin = self.search(domain + [("member_id", "=", person.member_id.id)], limit=1)
            if not twin and person.partner_id:
                twin = self.search(domain + [("partner_id", "=", person.partner_id.id)], limit=1)
            key = duplicate_keys(person.name, person.phone)
            if not twin and key:
                twin = self.search(domain + [("organization_id", "=", person.organization_id.id),
                                             ("phone", "!=", False)]).filtered(
                    lambda other, key=key: duplicate_keys(other.name, other.phone) == key)[:1]
            if twin:
                raise ValidationError(self.env._(
                    "%(name)s is already registered in %(village)s: the same person cannot be registered twice.",
                    name=person.name, village=twin.organization_id.display_name))

    @api.constrains("branch_secretary_role", "is_village_director", "member_id", "organization_id", "active")
    def _check_single_posts(self):
        """A village has one branch secretary and one village committee director (issue 17 item 13)."""
        for village in self.filtered("active").organization_id:
            people = self.search([("organization_id", "=", village.id), ("active", "=", True),
                                  "|", ("is_village_director", "=", True), ("is_branch_secretary", "=", True)])
            directors = people.filtered("is_village_director")
            secretaries = people.filtered("is_branch_secretary")
            if len(directors) > 1:
                raise ValidationError(self.env._(
                    "%(village)s already has a village committee director: %(names)s.",
                    village=village.display_name, names=", ".join(directors.mapped("name"))))
            if len(secretaries) > 1:
                raise ValidationError(self.env._(
                    "%(village)s already has a branch secretary: %(names)s.",
                    village=village.display_name, names=", ".join(secretaries.mapped("name"))))

    # ------------------------------------------------------------------ CRUD
    @api.onchange("member_id")
    def _onchange_member_id(self):
        member = self.member_id
        if member:
            self.partner_id = self.partner_id or member.partner_id
            self.name = self.name or member.name
            self.phone = self.phone or member.phone

    @api.model_create_multi
    def create(self, vals_list):
        self._match_members(vals_list)
        people = super().create(vals_list)
        people._rerank_open_rosters()
        return people

    def write(self, vals):
        if vals.get("partner_id") and "member_id" not in vals:
            self._match_members([vals])
        watch = bool(ROLE_FIELDS & set(vals))
        old_ranks = {person.id: person.identity_rank for person in self} if watch else {}
        res = super().write(vals)
        if watch:
            moved = bool({"organization_id", "active"} & set(vals))
            changed = self if moved else self.filtered(lambda p: p.identity_rank != old_ranks.get(p.id))
            if changed:
                changed._rerank_open_rosters()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_on_published_roster(self):
        """A person leaves the rosters not yet published; on a published roster they stay (archive them)."""
        rows = self.env["party.mobilization.participant"].sudo().search([("person_id", "in", self.ids)])
        frozen = rows.filtered(lambda row: row.project_id.roster_frozen)
        if frozen:
            raise UserError(self.env._(
                "%(people)s are on the published roster of %(projects)s: archive them instead of deleting them.",
                people=", ".join(frozen.person_id.mapped("name")),
                projects=", ".join(frozen.project_id.mapped("name"))))

    def unlink(self):
        # the rows of rosters not yet published go with the person (system step: the rows may be out of reach);
        # rows of a published roster are refused by _unlink_except_on_published_roster
        rows = self.env["party.mobilization.participant"].sudo().search([("person_id", "in", self.ids)])
        rows.filtered(lambda row: not row.project_id.roster_frozen).unlink()
        return super().unlink()

    @api.model
    def _match_members(self, vals_list):
        """Link each new person to the party member sharing their contact, or take the contact from the member
        (one search for the whole batch)."""
        partner_ids = {vals["partner_id"] for vals in vals_list if vals.get("partner_id") and not vals.get("member_id")}
        by_partner = {}
        if partner_ids:
            for member in self.env["party.member"].search([("partner_id", "in", list(partner_ids))]):
                by_partner.setdefault(member.partner_id.id, member)
        member_ids = {vals["member_id"] for vals in vals_list if vals.get("member_id") and not vals.get("partner_id")}
        members = {m.id: m for m in self.env["party.member"].browse(list(member_ids))}
        for vals in vals_list:
            if vals.get("partner_id") and not vals.get("member_id") and vals["partner_id"] in by_partner:
                vals["member_id"] = by_partner[vals["partner_id"]].id
            elif vals.get("member_id") and not vals.get("partner_id") and vals["member_id"] in members:
                vals["partner_id"] = members[vals["member_id"]].partner_id.id

    def _rerank_open_rosters(self):
        """A person whose identity changed moves to the right batch of every roster not yet published."""
        projects = self.env["party.mobilization.participant"].search([
            ("person_id", "in", self.ids), ("project_id.roster_frozen", "=", False),
        ]).project_id
        villages = self.organization_id
        if villages:
            projects |= self.env["party.mobilization.project"].search([
                ("roster_frozen", "=", False), ("roster_date", "!=", False),
                ("organization_id", "parent_of", villages.ids),
            ])
        if projects:
            projects._build_roster()

    def action_view_participations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "party_mobilization.party_mobilization_participant_action")
        action["domain"] = [("person_id", "=", self.id)]
        action["context"] = {}
        return action

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

ORGANIZATION_KINDS = [
    ("committee", "Party Committee"),
    ("working_committee", "Working Committee"),
    ("general_branch", "General Branch"),
    ("branch", "Branch"),
    ("group", "Party Group"),
]

# Allowed parent kinds for each kind: a party group sits under a branch, a branch under a
# general branch or a committee, and so on (DOMAIN.md section 1).
ALLOWED_PARENT_KINDS = {
    "committee": {"committee", "working_committee"},
    "working_committee": {"committee"},
    "general_branch": {"committee", "working_committee"},
    "branch": {"committee", "working_committee", "general_branch"},
    "group": {"branch", "general_branch"},
}

SECTORS = [
    ("rural", "Rural"),
    ("community", "Community"),
    ("government", "Government Office"),
    ("state_enterprise", "State Enterprise"),
    ("school", "School"),
    ("non_public", "Non-public Enterprise"),
    ("social", "Social Organization"),
]


class PartyOrganization(models.Model):
    _name = "party.organization"
    _description = "Party Organization"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _parent_name = "parent_id"
    _parent_store = True
    _rec_name = "complete_name"
    # imports and many2one inputs find an organization by its own name or its national register code as well
    _rec_names_search = ["complete_name", "name", "code"]
    _order = "complete_name"

    name = fields.Char(required=True, tracking=True, translate=False)
    complete_name = fields.Char(compute="_compute_complete_name", recursive=True, store=True)
    code = fields.Char(string="Organization Code", help="Organization code in the national party register.")
    kind = fields.Selection(ORGANIZATION_KINDS, required=True, default="branch", tracking=True)
    sector = fields.Selection(
        SECTORS, required=True, default="rural", tracking=True,
        help="The sector selects which points scheme applies to the members.",
    )
    parent_id = fields.Many2one("party.organization", string="Parent Organization", index=True, ondelete="restrict",
                                tracking=True)
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("party.organization", "parent_id", string="Sub-organizations")
    secretary_id = fields.Many2one("res.users", string="Secretary", tracking=True,
                                   help="Branch secretary, or party group leader for a party group.")
    deputy_secretary_id = fields.Many2one("res.users", string="Deputy Secretary", tracking=True)
    committee_member_ids = fields.Many2many(
        "res.users", "party_organization_committee_rel", "organization_id", "user_id", string="Committee Members")
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    active = fields.Boolean(default=True)
    founded_date = fields.Date()
    address = fields.Char()
    note = fields.Html()
    member_ids = fields.One2many("party.member", "organization_id", string="Members")
    member_count = fields.Integer(compute="_compute_member_count", string="Members (incl. sub-organizations)")
    direct_member_count = fields.Integer(compute="_compute_member_count", string="Direct Members")
    needs_group_split = fields.Boolean(
        compute="_compute_member_count",
        help="Branches with 30 or more members may hold analysis and discussion steps in party groups.",
    )

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id)", "The organization code must be unique per company."),
    ]

    GROUP_SPLIT_THRESHOLD = 30

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for org in self:
            if org.parent_id:
                org.complete_name = f"{org.parent_id.complete_name} / {org.name}"
            else:
                org.complete_name = org.name

    @api.depends_context("hierarchical_naming")
    def _compute_display_name(self):
        # the search panel shows the organizations as a tree (hierarchical_naming=False): each under its own name
        if self.env.context.get("hierarchical_naming", True):
            return super()._compute_display_name()
        for org in self:
            org.display_name = org.name

    def _party_display_names(self):
        """``{id: display name}`` of the organizations as plain values, as :meth:`_compute_display_name` names
        them (the complete name, or the name alone with ``hierarchical_naming=False``): the pivot of a province
        committee names ten thousand branches at once (see ``tools.read_group.format_plain_groups``)."""
        field = "complete_name" if self.env.context.get("hierarchical_naming", True) else "name"
        self.fetch([field])
        return {org_id: name or "" for org_id, name in zip(self._ids, self.mapped(field))}

    def _compute_member_count(self):
        """Count normal members of each organization and of its whole subtree in two grouped queries."""
        direct = dict(self.env["party.member"]._read_group(
            [("organization_id", "in", self.ids), ("status", "=", "normal")], ["organization_id"], ["__count"]))
        subtree = self._subtree_totals("party.member", [("status", "=", "normal")]) if self.ids else {}
        for org in self:
            org.direct_member_count = direct.get(org, 0)
            org.member_count = subtree.get(org.id, 0)
            org.needs_group_split = org.member_count >= self.GROUP_SPLIT_THRESHOLD

    def _subtree_totals(self, model, domain, aggregate="__count", org_field="organization_id"):
        """``{organization id: total}`` of ``aggregate`` over the records of each organization's subtree,
        in one grouped query for all of ``self``."""
        rows = self.env[model]._read_group(domain + [(org_field, "child_of", self.ids)], [org_field], [aggregate])
        paths = [(org.parent_path, value) for org, value in rows]
        return {org.id: sum(value for path, value in paths if org.parent_path and path.startswith(org.parent_path))
                for org in self}

    @api.constrains("parent_id")
    def _check_parent(self):
        if self._has_cycle():
            raise ValidationError(self.env._("An organization cannot be its own ancestor."))
        for org in self:
            if org.parent_id and not self._is_allowed_parent(org.kind, org.parent_id.kind):
                raise ValidationError(self.env._(
                    "A %(kind)s cannot be placed under a %(parent_kind)s.",
                    kind=dict(self._fields["kind"]._description_selection(self.env))[org.kind],
                    parent_kind=dict(self._fields["kind"]._description_selection(self.env))[org.parent_id.kind],
                ))

    @api.model
    def _is_allowed_parent(self, kind, parent_kind):
        return parent_kind in ALLOWED_PARENT_KINDS.get(kind, set())

    OFFICER_FIELDS = {"secretary_id", "deputy_secretary_id", "committee_member_ids", "parent_id", "active"}
    # the place of an organization in the tree and who runs it: decided by the upper organization
    UPPER_FIELDS = OFFICER_FIELDS | {"kind", "company_id"}

    def _check_upper_maintains(self, parents):
        """The organization tree, its secretaries and committees are maintained by the upper organization (or a
        party administrator), never by the organization itself: the user must run each of ``parents`` (the
        current and the new parent organizations) or one of their ancestors. Creating or moving an organization
        to the top of the tree is for administrators."""
        if self.env.su or self.env.user.has_group("party_member_points.group_party_admin"):
            return
        if not all(parents):
            raise AccessError(self.env._(
                "Only a party administrator maintains the organizations at the top of the tree."))
        for parent in parents:
            if not self.env.user._party_can_manage(parent):
                raise AccessError(self.env._(
                    "Only the officers of %s (the upper organization) or a party administrator can create or "
                    "move its sub-organizations and appoint their secretaries and committees.",
                    parent.sudo().display_name))

    @api.model_create_multi
    def create(self, vals_list):
        Org = self.sudo()
        self._check_upper_maintains([Org.browse(vals.get("parent_id")) for vals in vals_list])
        organizations = super().create(vals_list)
        self._invalidate_officer_access()
        return organizations

    def write(self, vals):
        if self.UPPER_FIELDS & set(vals):
            parents = [org.sudo().parent_id for org in self]
            if "parent_id" in vals:
                parents.append(self.sudo().browse(vals["parent_id"]))
            self._check_upper_maintains(parents)
        res = super().write(vals)
        if self.OFFICER_FIELDS & set(vals):
            self._invalidate_officer_access()
        return res

    def _invalidate_officer_access(self):
        """Record rules depend on who runs which organization: drop the cached rule domains and
        the users' computed list of organizations."""
        self.env["res.users"].invalidate_model(["party_officer_organization_ids", "party_officer_scope_ids",
                                                "party_officer_register_scope_ids", "party_led_group_ids"])
        self.env.registry.clear_cache()

    def _get_officer_users(self):
        """Users who run this organization: secretary, deputy and committee members."""
        self.ensure_one()
        return self.secretary_id | self.deputy_secretary_id | self.committee_member_ids

    def _get_responsible_user(self):
        """The user who should receive approvals for this organization: its secretary, else the
        nearest ancestor's secretary, else the current user."""
        self.ensure_one()
        org = self
        while org:
            if org.secretary_id:
                return org.secretary_id
            org = org.parent_id
        return self.env.user

    def _get_upper_organization(self):
        """The real upper organization (the parent) of this organization, for the decisions that need the upper
        level. Never this organization itself: without a parent the decision is refused until the administrator
        sets one."""
        self.ensure_one()
        upper = self.sudo().parent_id
        if not upper:
            raise UserError(self.env._(
                "%s has no upper organization, and this decision belongs to the upper level: ask the administrator "
                "to set its parent organization.", self.sudo().display_name))
        return upper.with_env(self.env)

    def _get_branch(self):
        """The branch (or general branch/committee) a party group belongs to; itself otherwise."""
        self.ensure_one()
        org = self
        while org.kind == "group" and org.parent_id:
            org = org.parent_id
        return org

    def action_view_members(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("party_member_points.party_member_action")
        action["domain"] = [("organization_id", "child_of", self.id)]
        action["context"] = {"default_organization_id": self.id}
        return action

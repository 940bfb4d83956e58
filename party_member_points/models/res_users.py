from odoo import api, fields, models
from odoo.tools import SQL


class ResUsers(models.Model):
    _inherit = "res.users"

    party_member_ids = fields.One2many("party.member", "user_id", string="Party Member Record")
    party_officer_organization_ids = fields.Many2many(
        "party.organization", compute="_compute_party_officer_organization_ids",
        string="Organizations Run",
        help="Organizations where the user is secretary, deputy secretary or committee member. Record rules give "
             "officers access to these organizations and everything below them.")

    @api.depends_context("uid")
    def _compute_party_officer_organization_ids(self):
        Organization = self.env["party.organization"].sudo()
        for user in self:
            user.party_officer_organization_ids = Organization.search([
                "|", "|",
                ("secretary_id", "=", user.id),
                ("deputy_secretary_id", "=", user.id),
                ("committee_member_ids", "in", user.id),
            ])

    party_officer_scope_ids = fields.Many2many(
        "party.organization", compute="_compute_party_officer_scope_ids", string="Organizations in Scope",
        context={"active_test": False},
        help="The organizations the user runs and every organization below them (archived ones included). Record "
             "rules use this plain list of ids: PostgreSQL then finds an officer's records through the indexes "
             "instead of testing a sub-query on every row.")
    party_officer_register_scope_ids = fields.Many2many(
        "party.organization", compute="_compute_party_officer_register_scope_ids",
        string="Organizations in Scope (Register)",
        context={"active_test": False},
        help="The organizations in scope without their party groups: where members are registered (a member belongs "
             "to a branch or a committee, never to a party group), so where their points and results are posted. "
             "The record rules of the members, the ledger and the results use it: PostgreSQL then estimates a "
             "branch's records from the branch alone, not from the branch and its groups as if they had records of "
             "their own, and reads them through the organization's index.")
    party_led_group_ids = fields.Many2many(
        "party.organization", compute="_compute_party_led_group_ids", string="Party Groups Led Outside Scope",
        context={"active_test": False},
        help="Party groups the user leads whose branch is not in the user's scope (a group leader who does not run "
             "the branch). Records carry the branch of their member and the party group apart: record rules give "
             "these leaders the records of their group through it. Empty for the officers of a branch and above, "
             "whose rules then test the organization only (one index for PostgreSQL to use).")
    party_own_member_ids = fields.Many2many(
        "party.member", compute="_compute_party_own_member_ids", string="Own Member Records",
        context={"active_test": False},
        help="Party member records linked to the user (archived ones included), for the record rules of the "
             "records members see as their own.")

    def _party_scope_rows(self, register=False):
        """Ids of the organizations the user runs and of everything below them (archived ones included), without
        the party groups when ``register``: plain values read in one query. A province committee's scope has
        thirty thousand organizations: a record each cost a tenth of a second on every request of the committee
        (the record rules read these fields), so each field is computed only when a rule asks for it."""
        self.ensure_one()
        runs = self.party_officer_organization_ids
        paths = [f"{path}%" for path in runs.sudo().mapped("parent_path") if path]
        if not paths:
            return []
        self.env["party.organization"].flush_model(["parent_path", "kind"])
        return [org_id for (org_id,) in self.env.execute_query(SQL(
            "SELECT id FROM party_organization WHERE parent_path LIKE ANY(%s) %s ORDER BY id",
            paths, SQL("AND kind != 'group'") if register else SQL()))]

    @api.depends_context("uid")
    def _compute_party_officer_scope_ids(self):
        Organization = self.env["party.organization"].sudo().with_context(active_test=False)
        for user in self:
            user.party_officer_scope_ids = Organization.browse(user._party_scope_rows())

    @api.depends_context("uid")
    def _compute_party_officer_register_scope_ids(self):
        Organization = self.env["party.organization"].sudo().with_context(active_test=False)
        for user in self:
            user.party_officer_register_scope_ids = Organization.browse(user._party_scope_rows(register=True))

    @api.depends_context("uid")
    def _compute_party_led_group_ids(self):
        for user in self:
            runs = user.party_officer_organization_ids.sudo()
            paths = [path for path in runs.mapped("parent_path") if path]
            # a party group whose branch is not under an organization the user runs
            user.party_led_group_ids = runs.filtered(
                lambda org, paths=paths: org.kind == "group"
                and not any((org.parent_id.parent_path or "").startswith(path) for path in paths))

    @api.depends_context("uid")
    def _compute_party_own_member_ids(self):
        Member = self.env["party.member"].sudo().with_context(active_test=False)
        for user in self:
            user.party_own_member_ids = Member.search([("user_id", "=", user.id)])

    def _party_can_manage(self, organization):
        """True when the user is a party administrator or an officer of ``organization`` or of an ancestor."""
        self.ensure_one()
        if self.has_group("party_member_points.group_party_admin"):
            return True
        if not organization:
            return False
        ancestors = {int(org_id) for org_id in organization.sudo().parent_path.split("/") if org_id}
        return bool(ancestors & set(self.party_officer_organization_ids.ids))

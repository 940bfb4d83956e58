from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import email_normalize


class PartyMemberPortalWizard(models.TransientModel):
    """Give a member a free portal login for the member portal (/my/party): like Odoo's portal wizard, a share
    user in the portal group is created for the member's own contact (never an existing login reused) and
    linked to the register. The member gets an invitation e-mail to choose a password, or the officer sets an
    initial password (members without e-mail, e.g. villagers, often log in with their phone number)."""

    _name = "party.member.portal.wizard"
    _description = "Grant Portal Access"

    member_id = fields.Many2one("party.member", required=True, ondelete="cascade", readonly=True)
    login = fields.Char(required=True, help="Login of the member: an e-mail address or a phone number.")
    email = fields.Char(help="The invitation to choose a password is sent to this address.")
    password = fields.Char(string="Initial Password",
                           help="Leave empty to send an invitation e-mail instead; give the password to the member "
                                "in person.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        member = self.env["party.member"].browse(values.get("member_id") or self.env.context.get("active_id"))
        if member:
            values["member_id"] = member.id
            email = email_normalize(member.partner_id.email or "") or False
            values.setdefault("email", email)
            values.setdefault("login", email or (member.phone or "").replace(" ", "") or False)
        return values

    def _check_rights(self):
        member = self.member_id
        if not self.env.user._party_can_manage(member.organization_id):
            raise AccessError(self.env._("Only an officer of the branch can grant %s portal access.", member.name))

    def action_grant(self):
        """Create the member's portal user and link it to the register."""
        self.ensure_one()
        self._check_rights()
        member = self.member_id
        if member.user_id:
            raise UserError(self.env._("%(member)s already has a login (%(login)s).",
                                       member=member.name, login=member.user_id.sudo().login))
        login = (self.login or "").strip()
        if not login:
            raise UserError(self.env._("Give the login of the member."))
        email = email_normalize(self.email or "") if self.email else False
        if self.email and not email:
            raise UserError(self.env._("%s is not a valid e-mail address.", self.email))
        Users = self.env["res.users"].sudo().with_context(active_test=False)
        partner = member.partner_id.sudo()
        # the same rules as Odoo's portal wizard, and stricter: an existing login is never renamed, given a new
        # password or reactivated from here, whoever it belongs to (internal or portal, active or archived)
        existing = partner.with_context(active_test=False).user_ids
        if existing:
            raise UserError(self.env._(
                "The contact of %s is already linked to a login (active or archived): portal access is only "
                "granted with a new login for the member's own contact. An administrator must review that login.",
                member.name))
        member._check_partner_is_own()
        taken = Users.search([("login", "=", login)], limit=1)
        if taken:
            raise UserError(self.env._("The login %s is already used by another user.", login))
        if not self.password and not email:
            raise UserError(self.env._("Set an initial password, or give an e-mail address for the invitation."))
        if email and partner.email != email:
            partner.email = email
        # the portal template user of Odoo's signup: a share user of the portal group
        company = member.company_id or self.env.company
        user = Users.with_context(no_reset_password=True)._create_user_from_template({
            "login": login, "email": email or False, "partner_id": partner.id, "lang": self.env.lang,
            "company_id": company.id, "company_ids": [fields.Command.set(company.ids)],
        })
        if self.password:
            user.password = self.password
        elif email:
            user.with_context(create_user=True).action_reset_password()
        member.user_id = user
        member.message_post(body=self.env._("Portal access granted (login %s).", login))
        return {"type": "ir.actions.act_window_close"}

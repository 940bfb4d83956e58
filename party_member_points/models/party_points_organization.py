from odoo import fields, models


class PartyOrganization(models.Model):
    _inherit = "party.organization"

    points_scheme_id = fields.Many2one(
        "party.points.scheme", string="Points Scheme", ondelete="restrict",
        help="Scheme used by the members of this organization and of its sub-organizations. Leave empty to use "
             "the parent's scheme, else the scheme of the sector, else the default scheme.")

    def _get_points_scheme(self):
        """The scheme that applies to the members of this organization: its own or the nearest ancestor's
        explicit scheme, else the active scheme of its sector, else the default scheme."""
        self.ensure_one()
        org = self.sudo()
        while org:
            if org.points_scheme_id:
                return org.points_scheme_id
            org = org.parent_id
        Scheme = self.env["party.points.scheme"].sudo()
        company = self.sudo().company_id
        scheme = Scheme.search([("sector", "=", self.sudo().sector), ("company_id", "in", (False, company.id))],
                               order="company_id, sequence", limit=1)
        return scheme or Scheme._default_scheme(company)

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
        return self._get_points_schemes()[self.id]

    def _get_points_schemes(self):
        """``{organization id: scheme}`` for every organization of ``self`` (see :meth:`_get_points_scheme`), in a
        few queries whatever the number of organizations: one read of the ancestors' explicit schemes (from
        ``parent_path``), then one search per sector and company that has no explicit scheme."""
        orgs = self.sudo()
        paths = {org.id: [int(part) for part in (org.parent_path or "").split("/") if part] or [org.id]
                 for org in orgs}
        ancestors = orgs.browse({org_id for path in paths.values() for org_id in path})
        explicit = {org.id: org.points_scheme_id for org in ancestors if org.points_scheme_id}
        fallback = {}
        result = {}
        for org in orgs:
            scheme = next((explicit[org_id] for org_id in reversed(paths[org.id]) if org_id in explicit), None)
            if scheme is None:
                key = (org.sector, org.company_id.id)
                if key not in fallback:
                    fallback[key] = org._get_sector_points_scheme()
                scheme = fallback[key]
            result[org.id] = scheme
        return result

    def _get_sector_points_scheme(self):
        """The active scheme of the organization's sector, else the default scheme (no explicit scheme)."""
        self.ensure_one()
        Scheme = self.env["party.points.scheme"].sudo()
        company = self.sudo().company_id
        scheme = Scheme.search([("sector", "=", self.sudo().sector), ("company_id", "in", (False, company.id))],
                               order="company_id, sequence", limit=1)
        return scheme or Scheme._default_scheme(company)

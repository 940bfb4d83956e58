from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from .portal import PartyMemberPortal


class PartyCommitmentPortal(PartyMemberPortal):
    """The member's commitments of the year (年初承诺) on the portal: list, write and submit to the branch."""

    @http.route("/my/party/commitments", type="http", auth="user", website=True)
    def portal_party_commitments(self, **kw):
        member = self._party_member()
        values = {"page_name": "party_commitments"}
        if member:
            Commitment = request.env["party.points.commitment"]
            values.update({
                "member": member.sudo(),
                "commitments": Commitment.search([("member_id", "=", member.id)]).sudo(),
                "state_labels": dict(Commitment._fields["state"]._description_selection(request.env)),
                "outcome_labels": dict(Commitment._fields["outcome"]._description_selection(request.env)),
                "category_labels": dict(Commitment._fields["category"]._description_selection(request.env)),
                "submitted": kw.get("submitted"),
            })
        return self._party_render("party_member_points.portal_party_commitments", values)

    def _party_commitment_form_values(self, member, post=None, error=None):
        post = post or {}
        Commitment = request.env["party.points.commitment"]
        return {
            "page_name": "party_commitment_new",
            "member": member.sudo(),
            "categories": Commitment._fields["category"]._description_selection(request.env),
            "form": {"name": post.get("name") or "", "category": post.get("category") or "duty",
                     "description": post.get("description") or "", "items": post.get("items") or ""},
            "error": error,
        }

    @http.route("/my/party/commitments/new", type="http", auth="user", website=True, methods=["GET", "POST"])
    def portal_party_commitment_new(self, **post):
        member = self._party_member()
        if not member:
            return self._party_render("party_member_points.portal_party_commitment_form", {"page_name": "party"})
        if request.httprequest.method != "POST":
            return self._party_render("party_member_points.portal_party_commitment_form",
                                      self._party_commitment_form_values(member, post))
        try:
            with request.env.cr.savepoint():
                member._portal_create_commitment(post.get("name"), post.get("category"), post.get("description"),
                                                 post.get("items"))
        except UserError as error:
            return self._party_render("party_member_points.portal_party_commitment_form",
                                      self._party_commitment_form_values(member, post, error.args[0]))
        return request.redirect("/my/party/commitments?submitted=1")

from werkzeug.exceptions import Forbidden, NotFound

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..tools.clock import party_today

PAGE_SIZE = 20


def _to_int(value):
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


class PartyMemberPortal(CustomerPortal):
    """Member portal (/my/party): own points, rank and results, ledger, claims with evidence and appeals.

    Records are read with the user's own rights: record rules restrict a portal user to their own member
    record, entries, appeals and results; a record of somebody else answers 403 (or 404 when it does not
    exist). The pages render the checked records as superuser (names of approvers and officers)."""

    # ------------------------------------------------------------------ helpers
    def _party_member(self):
        return request.env["party.member"]._portal_get_own()

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        values["party_portal_member"] = self._party_member().sudo()
        return values

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "party_entry_count" in counters or "party_claim_count" in counters:
            member = self._party_member()
            Entry = request.env["party.points.entry"]
            if "party_entry_count" in counters:
                values["party_entry_count"] = Entry.search_count(
                    [("member_id", "=", member.id), ("state", "=", "posted")]) if member else 0
            if "party_claim_count" in counters:
                values["party_claim_count"] = Entry.search_count(self._party_claim_domain(member)) if member else 0
        return values

    def _party_claim_domain(self, member):
        return [("member_id", "=", member.id), ("proposer_id", "=", request.env.uid)]

    def _party_render(self, template, values):
        """Render a member portal page, or the page saying the login is not linked to a member."""
        layout = self._prepare_portal_layout_values()
        layout.update(values)
        if not layout["party_portal_member"]:
            layout["page_name"] = "party"
            return request.render("party_member_points.portal_party_no_member", layout)
        return request.render(template, layout)

    def _party_check_access(self, model_name, record_id):
        """The record if the user may read it (their own), as superuser for rendering; 404 when it does not
        exist, 403 when it is somebody else's."""
        try:
            return self._document_check_access(model_name, record_id)
        except MissingError:
            raise NotFound()
        except AccessError:
            raise Forbidden()

    def _party_attachment_links(self, attachments):
        """``(attachment, download link, thumbnail link or None)`` of the evidence the user may see: photos get a
        thumbnail (tokens make the links work whoever uploaded the file)."""
        links = []
        for attachment in attachments.sudo():
            token = attachment.generate_access_token()[0]
            thumbnail = None
            if (attachment.mimetype or "").startswith("image/"):
                thumbnail = f"/web/image/{attachment.id}/256x256?access_token={token}"
            links.append((attachment, f"/web/content/{attachment.id}?download=true&access_token={token}", thumbnail))
        return links

    # ------------------------------------------------------------------ overview
    @http.route("/my/party", type="http", auth="user", website=True)
    def portal_party_home(self, **kw):
        member = self._party_member()
        values = {"page_name": "party"}
        if member:
            env = request.env
            Entry = env["party.points.entry"]
            rank, size = member._portal_rank_in_branch()
            periods = member._portal_periods()
            values.update({
                "member": member.sudo(),
                "rank": rank,
                "branch_size": size,
                "last_result": member._portal_last_result().sudo(),
                "current_periods": periods,
                "appealable_periods": member._portal_appealable_periods(),
                "recent_entries": Entry.search([("member_id", "=", member.id), ("state", "=", "posted")],
                                               limit=5).sudo(),
                "pending_count": Entry.search_count(
                    [("member_id", "=", member.id), ("state", "in", ("draft", "submitted"))]),
                "open_appeal_count": env["party.points.appeal"].search_count(
                    [("member_id", "=", member.id), ("state", "=", "submitted")]),
                "grade_labels": dict(env["party.points.result"]._fields["grade"]._description_selection(env)),
                "period_states": dict(env["party.points.period"]._fields["state"]._description_selection(env)),
            })
        return self._party_render("party_member_points.portal_party_home", values)

    # ------------------------------------------------------------------ ledger
    def _party_ledger_sortings(self):
        return {
            "date": {"label": request.env._("Newest"), "order": "date desc, id desc"},
            "date_asc": {"label": request.env._("Oldest"), "order": "date asc, id asc"},
            "points": {"label": request.env._("Points"), "order": "points desc, date desc, id desc"},
        }

    @http.route(["/my/party/ledger", "/my/party/ledger/page/<int:page>"], type="http", auth="user", website=True)
    def portal_party_ledger(self, page=1, sortby=None, filterby=None, **kw):
        member = self._party_member()
        values = {"page_name": "party_ledger"}
        if member:
            env = request.env
            Entry = env["party.points.entry"]
            domain = [("member_id", "=", member.id), ("state", "=", "posted")]
            years = sorted({year for year, in Entry._read_group(domain, ["year"])}, reverse=True)
            this_year = party_today(Entry).year
            filters = {"all": {"label": env._("All Years"), "domain": []}}
            for year in sorted(set(years) | {this_year}, reverse=True):
                filters[str(year)] = {"label": env._("Year %s", year), "domain": [("year", "=", year)]}
            filterby = filterby if filterby in filters else str(this_year)
            sortings = self._party_ledger_sortings()
            sortby = sortby if sortby in sortings else "date"
            domain += filters[filterby]["domain"]
            total_count = Entry.search_count(domain)
            pager = portal_pager(url="/my/party/ledger", url_args={"sortby": sortby, "filterby": filterby},
                                 total=total_count, page=page, step=PAGE_SIZE)
            entries = Entry.search(domain, order=sortings[sortby]["order"], limit=PAGE_SIZE,
                                   offset=pager["offset"])
            total_points = sum(points for points, in Entry._read_group(domain, [], ["points:sum"]))
            values.update({
                "member": member.sudo(),
                "entries": entries.sudo(),
                "total_points": total_points or 0.0,
                "total_count": total_count,
                "pager": pager,
                "searchbar_sortings": sortings,
                "sortby": sortby,
                "searchbar_filters": filters,
                "filterby": filterby,
                "default_url": "/my/party/ledger",
            })
        return self._party_render("party_member_points.portal_party_ledger", values)

    # ------------------------------------------------------------------ claims
    @http.route(["/my/party/claims", "/my/party/claims/page/<int:page>"], type="http", auth="user", website=True)
    def portal_party_claims(self, page=1, **kw):
        member = self._party_member()
        values = {"page_name": "party_claims"}
        if member:
            Entry = request.env["party.points.entry"]
            domain = self._party_claim_domain(member)
            pager = portal_pager(url="/my/party/claims", total=Entry.search_count(domain), page=page,
                                 step=PAGE_SIZE)
            claims = Entry.search(domain, order="create_date desc, id desc", limit=PAGE_SIZE,
                                  offset=pager["offset"])
            values.update({
                "member": member.sudo(),
                "claims": claims.sudo(),
                "pager": pager,
                "state_labels": dict(Entry._fields["state"]._description_selection(request.env)),
                "submitted_id": _to_int(kw.get("submitted")),
            })
        return self._party_render("party_member_points.portal_party_claims", values)

    def _party_claim_form_values(self, member, post=None, error=None):
        post = post or {}
        today = party_today(member)
        return {
            "page_name": "party_claim_new",
            "member": member.sudo(),
            "rules": member._portal_claimable_rules(),
            "can_claim": member._portal_can_claim(),
            "today": fields.Date.to_string(today),
            "form": {
                "rule_id": _to_int(post.get("rule_id")),
                "date": post.get("date") or fields.Date.to_string(today),
                "description": post.get("description") or "",
                "evidence_note": post.get("evidence_note") or "",
                "witness_ids": [_to_int(value) for value in request.httprequest.form.getlist("witness_ids")],
            },
            "witnesses": member._portal_witness_choices(),
            "late_claim_days": member.organization_id._get_points_scheme().late_claim_days,
            "error": error,
        }

    @http.route("/my/party/claims/new", type="http", auth="user", website=True, methods=["GET", "POST"])
    def portal_party_claim_new(self, **post):
        member = self._party_member()
        if not member:
            return self._party_render("party_member_points.portal_party_claim_form", {"page_name": "party"})
        if request.httprequest.method != "POST":
            return self._party_render("party_member_points.portal_party_claim_form",
                                      self._party_claim_form_values(member))
        files = [(upload.filename or "evidence", upload.read())
                 for upload in request.httprequest.files.getlist("attachments") if upload.filename]
        try:
            day = fields.Date.to_date(post.get("date") or None)
        except ValueError:
            day = None
        try:
            with request.env.cr.savepoint():
                entry = member._portal_create_claim(
                    _to_int(post.get("rule_id")), day, post.get("description"),
                    evidence_note=post.get("evidence_note"), files=files,
                    witness_ids=[_to_int(value) for value in request.httprequest.form.getlist("witness_ids")])
        except UserError as error:
            return self._party_render("party_member_points.portal_party_claim_form",
                                      self._party_claim_form_values(member, post, error.args[0]))
        return request.redirect(f"/my/party/claims/{entry.id}?submitted=1")

    @http.route("/my/party/claims/<int:entry_id>", type="http", auth="user", website=True)
    def portal_party_claim(self, entry_id, **kw):
        entry = self._party_check_access("party.points.entry", entry_id)
        env = request.env
        member = self._party_member()
        activity_type = env.ref("party_member_points.mail_activity_type_points_approval")
        waiting_for = entry.activity_ids.filtered(lambda a: a.activity_type_id == activity_type).user_id
        appeal_periods = member._portal_appealable_periods().filtered(
            lambda p: p.date_from <= entry.date <= p.date_to) if member and entry.state == "posted" else []
        values = {
            "page_name": "party_claim",
            "entry": entry,
            "object": entry,
            "member": member.sudo(),
            "waiting_for": waiting_for,
            "attachment_links": self._party_attachment_links(entry.attachment_ids),
            "state_labels": dict(entry._fields["state"]._description_selection(env)),
            "appeal_period": appeal_periods[:1],
            "can_submit": entry.state == "draft" and entry.member_id.user_id == env.user,
            "can_withdraw": entry.state == "submitted" and entry.proposer_id == env.user,
            "submitted": kw.get("submitted"),
            "error": kw.get("error"),
            "disable_composer": False,
        }
        return self._party_render("party_member_points.portal_party_claim", values)

    @http.route("/my/party/claims/<int:entry_id>/<string:action>", type="http", auth="user", website=True,
                methods=["POST"])
    def portal_party_claim_action(self, entry_id, action, **post):
        entry_sudo = self._party_check_access("party.points.entry", entry_id)
        if action not in ("submit", "withdraw"):
            raise NotFound()
        entry = entry_sudo.with_env(request.env)
        try:
            with request.env.cr.savepoint():
                if action == "submit":
                    if entry.member_id.user_id != request.env.user:
                        raise UserError(request.env._("Only the member concerned can submit this claim."))
                    # the approval activity is created as superuser: portal users may not create activities
                    entry.sudo().action_submit()
                else:
                    if entry.proposer_id != request.env.user:
                        raise UserError(request.env._("Only the proposer can withdraw this claim."))
                    entry.sudo().action_withdraw()
        except UserError as error:
            return self.portal_party_claim(entry_id, error=error.args[0])
        return request.redirect(f"/my/party/claims/{entry.id}")

    # ------------------------------------------------------------------ appeals
    @http.route("/my/party/appeals", type="http", auth="user", website=True)
    def portal_party_appeals(self, **kw):
        member = self._party_member()
        values = {"page_name": "party_appeals"}
        if member:
            Appeal = request.env["party.points.appeal"]
            values.update({
                "member": member.sudo(),
                "appeals": Appeal.search([("member_id", "=", member.id)]).sudo(),
                "appealable_periods": member._portal_appealable_periods(),
                "state_labels": dict(Appeal._fields["state"]._description_selection(request.env)),
            })
        return self._party_render("party_member_points.portal_party_appeals", values)

    def _party_appeal_form_values(self, member, post=None, error=None):
        post = post or {}
        periods = member._portal_appealable_periods()
        period_id = _to_int(post.get("period_id")) or periods[:1].id
        period = periods.filtered(lambda p: p.id == period_id)
        entries = request.env["party.points.entry"]
        if period:
            entries = entries.search([("member_id", "=", member.id), ("state", "=", "posted"),
                                      ("date", ">=", period.date_from), ("date", "<=", period.date_to)])
        return {
            "page_name": "party_appeal_new",
            "member": member.sudo(),
            "periods": periods,
            "entries": entries.sudo(),
            "form": {
                "period_id": period_id,
                "entry_id": _to_int(post.get("entry_id")),
                "reason": post.get("reason") or "",
                "escalated": bool(post.get("escalated")),
            },
            "error": error,
        }

    @http.route("/my/party/appeals/new", type="http", auth="user", website=True, methods=["GET", "POST"])
    def portal_party_appeal_new(self, **post):
        member = self._party_member()
        if not member:
            return self._party_render("party_member_points.portal_party_appeal_form", {"page_name": "party"})
        if request.httprequest.method != "POST":
            return self._party_render("party_member_points.portal_party_appeal_form",
                                      self._party_appeal_form_values(member, post))
        try:
            with request.env.cr.savepoint():
                appeal = member._portal_create_appeal(
                    _to_int(post.get("period_id")), post.get("reason"), entry_id=_to_int(post.get("entry_id")),
                    escalated=bool(post.get("escalated")))
        except UserError as error:
            return self._party_render("party_member_points.portal_party_appeal_form",
                                      self._party_appeal_form_values(member, post, error.args[0]))
        return request.redirect(f"/my/party/appeals/{appeal.id}?submitted=1")

    @http.route("/my/party/appeals/<int:appeal_id>", type="http", auth="user", website=True)
    def portal_party_appeal(self, appeal_id, **kw):
        appeal = self._party_check_access("party.points.appeal", appeal_id)
        values = {
            "page_name": "party_appeal",
            "appeal": appeal,
            "member": self._party_member().sudo(),
            "state_labels": dict(appeal._fields["state"]._description_selection(request.env)),
            "submitted": kw.get("submitted"),
        }
        return self._party_render("party_member_points.portal_party_appeal", values)

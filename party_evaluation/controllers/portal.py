from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class PartyEvaluationPortal(CustomerPortal):
    """Online ballot of the democratic evaluation on the member portal: a voter with a one-time token sees
    “Vote” on /my and casts the secret ballot once at /my/evaluation/ballot/<token>."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "party_ballot_count" in counters:
            tokens = request.env["party.evaluation.ballot.token"]._portal_voter_tokens()
            values["party_ballot_count"] = len(tokens.filtered(lambda t: not t.used and t._is_valid()))
        return values

    def _ballot_grade_choices(self):
        env = request.env
        return env["party.evaluation.ballot.line"]._fields["grade"]._description_selection(env)

    @http.route("/my/evaluation", type="http", auth="user", website=True)
    def portal_evaluation_ballots(self, **kw):
        tokens = request.env["party.evaluation.ballot.token"]._portal_voter_tokens()
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "evaluation_ballots",
            "open_tokens": tokens.filtered(lambda t: not t.used and t._is_valid()),
            "used_tokens": tokens.filtered("used"),
            "voted": kw.get("voted"),
        })
        return request.render("party_evaluation.portal_evaluation_ballots", values)

    def _ballot_page(self, token, values):
        layout = self._prepare_portal_layout_values()
        layout.update({"page_name": "evaluation_ballot", "token": token}, **values)
        return request.render("party_evaluation.portal_evaluation_ballot", layout)

    @http.route("/my/evaluation/ballot/<string:token>", type="http", auth="user", website=True,
                methods=["GET", "POST"])
    def portal_evaluation_ballot(self, token, **post):
        Token = request.env["party.evaluation.ballot.token"]
        try:
            record = Token._portal_get(token)
        except UserError as error:
            return self._ballot_page(token, {"invalid": error.args[0]})
        campaign = record.campaign_id
        evaluated = campaign.participant_ids.filtered("evaluated").sorted(
            lambda p: (p.party_group_id.name or "", p.member_name or "", p.id))
        values = {"campaign": campaign, "participants": evaluated, "choices": self._ballot_grade_choices(),
                  "grades": {}}
        if request.httprequest.method != "POST":
            return self._ballot_page(token, values)
        grades = {}
        for key, value in post.items():
            if key.startswith("grade_"):
                try:
                    grades[int(key[len("grade_"):])] = value
                except ValueError:
                    continue
        values["grades"] = grades
        try:
            with request.env.cr.savepoint():
                record._cast(grades)
        except UserError as error:
            values["error"] = error.args[0]
            return self._ballot_page(token, values)
        return request.redirect("/my/evaluation?voted=1")

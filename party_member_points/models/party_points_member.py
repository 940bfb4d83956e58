from markupsafe import Markup, escape

from odoo import api, fields, models

from ..tools.clock import party_today


class PartyMember(models.Model):
    _inherit = "party.member"

    points_entry_ids = fields.One2many("party.points.entry", "member_id", string="Points Entries")
    points_result_ids = fields.One2many("party.points.result", "member_id", string="Annual Results")
    points_scheme_id = fields.Many2one("party.points.scheme", compute="_compute_points_year", string="Points Scheme")
    points_year = fields.Integer(compute="_compute_points_year", string="Points Year")
    points_year_posted = fields.Float(compute="_compute_points_year", string="Points Earned This Year")
    points_carry_over = fields.Float(compute="_compute_points_year", string="Carried Over")
    points_year_total = fields.Float(compute="_compute_points_year", string="Running Total",
                                     help="Starting points and carry-over plus the points posted this year.")
    points_pending_count = fields.Integer(compute="_compute_points_year", string="Pending Claims")
    points_summary_html = fields.Html(compute="_compute_points_year", string="Points by Component",
                                      sanitize=False)

    def _compute_points_year(self):
        """Running total of the current year for every member in a few grouped queries (no per-member query)."""
        today = party_today(self)
        year = today.year
        Entry = self.env["party.points.entry"].sudo()
        posted = Entry._read_group(
            [("member_id", "in", self.ids), ("state", "=", "posted"), ("year", "=", year)],
            ["member_id", "component_id"], ["points:sum"])
        by_member = {}
        for member, component, points in posted:
            by_member.setdefault(member.id, {})[component] = points
        pending = dict(Entry._read_group(
            [("member_id", "in", self.ids), ("state", "in", ("draft", "submitted"))], ["member_id"], ["__count"]))
        results = {(r.member_id.id, r.year): r for r in self.env["party.points.result"].sudo().search(
            [("member_id", "in", self.ids), ("year", "in", (year - 1, year))])}
        schemes = {}
        for member in self:
            org = member.organization_id
            if org.id not in schemes:
                schemes[org.id] = org._get_points_scheme() if org else self.env["party.points.scheme"]
            scheme = schemes[org.id]
            components = by_member.get(member.id, {})
            current = results.get((member.id, year))
            previous = results.get((member.id, year - 1))
            if current:
                carry = current.carry_over
            elif previous and scheme:
                carry = round(previous.total * scheme.carry_over_percent / 100.0, 2)
            else:
                carry = 0.0
            starts = sum(scheme.component_ids.mapped("start_points")) if scheme else 0.0
            member.points_scheme_id = scheme
            member.points_year = year
            member.points_year_posted = sum(components.values())
            member.points_carry_over = carry
            member.points_year_total = starts + carry + member.points_year_posted
            member.points_pending_count = pending.get(member, 0)
            member.points_summary_html = member._points_summary_table(scheme, components)

    def _points_summary_table(self, scheme, components):
        if not scheme:
            return False
        rows = []
        for component in scheme.component_ids:
            earned = component.start_points + components.get(component, 0.0)
            maximum = f"{component.max_points:g}" if component.max_points else "—"
            rows.append(Markup("<tr><td>%s</td><td class='text-end'>%s</td><td class='text-end'>%s</td></tr>") % (
                escape(component.name), f"{earned:g}", maximum))
        header = Markup("<tr><th>%s</th><th class='text-end'>%s</th><th class='text-end'>%s</th></tr>") % (
            self.env._("Component"), self.env._("Points"), self.env._("Maximum"))
        return Markup("<table class='table table-sm o_party_points_summary'><thead>%s</thead><tbody>%s</tbody>"
                      "</table>") % (header, Markup("").join(rows))

    def action_view_points(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("party_member_points.party_points_entry_action")
        action["domain"] = [("member_id", "=", self.id)]
        action["context"] = {"default_member_id": self.id, "search_default_this_year": 1}
        return action

    def action_claim_points(self):
        """Open a new claim for this member (members claim for themselves, with evidence)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Claim Points"),
            "res_model": "party.points.entry",
            "view_mode": "form",
            "target": "current",
            "context": {"default_member_id": self.id,
                        "default_scheme_id": self.organization_id._get_points_scheme().id},
        }

    @api.model
    def _points_earning_domain(self):
        """Members who earn points: probationary and full members in normal status, except the frail or ill members
        whose exemption was approved (S003 P4 第七条: "经本人申请，党支部研究同意…可不参加积分管理、评星定级")."""
        return [("status", "=", "normal"), ("stage", "in", ("probationary", "full")),
                "|", ("is_frail", "=", False), ("frail_exempt_approved", "=", False)]

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.clock import party_today


class PartyPointsBatchWizard(models.TransientModel):
    """Record one rule for many members on one date (a group leader after an activity, 批量记分)."""

    _name = "party.points.batch.wizard"
    _description = "Record Points in Batch"

    organization_id = fields.Many2one("party.organization", string="Organization",
                                      help="Organization or party group whose members are loaded.")
    scheme_id = fields.Many2one("party.points.scheme", string="Scheme", required=True)
    rule_id = fields.Many2one("party.points.rule", string="Rule", required=True,
                              domain="[('scheme_id', '=', scheme_id), ('recorder', '!=', 'system')]")
    allow_custom_points = fields.Boolean(related="rule_id.allow_custom_points")
    points = fields.Float()
    date = fields.Date(required=True, default=party_today)
    description = fields.Char(help="What happened, e.g. the name of the activity.")
    # not required on the form: "Load Members" saves the wizard before filling it; action_record checks it
    member_ids = fields.Many2many("party.member", string="Members",
                                  domain="[('status', '=', 'normal'), ('stage', 'in', ('probationary', 'full'))]")
    attachment_ids = fields.Many2many("ir.attachment", string="Evidence")
    evidence_note = fields.Text(string="Evidence Description")
    will_post = fields.Boolean(compute="_compute_will_post",
                               help="Officers post at once; group leaders' records go to the branch secretary.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        user = self.env.user
        org = user.party_officer_organization_ids[:1] or user.party_member_ids[:1].organization_id
        if org and "organization_id" in fields_list and not values.get("organization_id"):
            values["organization_id"] = org.id
        if org and "scheme_id" in fields_list and not values.get("scheme_id"):
            values["scheme_id"] = org._get_points_scheme().id
        return values

    @api.onchange("organization_id")
    def _onchange_organization_id(self):
        if self.organization_id:
            self.scheme_id = self.organization_id._get_points_scheme()

    @api.onchange("rule_id")
    def _onchange_rule_id(self):
        if self.rule_id:
            self.points = self.rule_id.points
            self.description = self.description or self.rule_id.name

    @api.depends("member_ids")
    @api.depends_context("uid")
    def _compute_will_post(self):
        user = self.env.user
        for wizard in self:
            orgs = wizard.member_ids.organization_id
            wizard.will_post = bool(orgs) and all(user._party_can_manage(org) for org in orgs)

    def action_load_members(self):
        """Load the members who earn points in the organization (or party group)."""
        self.ensure_one()
        if not self.organization_id:
            raise UserError(self.env._("Choose the organization or party group first."))
        Member = self.env["party.member"]
        domain = Member._points_earning_domain()
        if self.organization_id.kind == "group":
            domain.append(("party_group_id", "=", self.organization_id.id))
        else:
            domain.append(("organization_id", "child_of", self.organization_id.id))
        self.member_ids = Member.search(domain)
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": self.id, "view_mode": "form",
                "target": "new", "name": self.env._("Record Points in Batch")}

    def action_record(self):
        """Create one entry per member in one go; officers' entries are posted at once (caps applied), the
        others are submitted to the branch secretary."""
        self.ensure_one()
        if not self.member_ids:
            raise UserError(self.env._("Choose the members."))
        if self.rule_id.evidence_required and not self.attachment_ids and not self.will_post:
            raise UserError(self.env._("“%s” needs evidence: attach a proof.", self.rule_id.name))
        wrong = self.member_ids.filtered(lambda m: m.organization_id._get_points_scheme() != self.rule_id.scheme_id)
        if wrong:
            raise UserError(self.env._("%(members)s do not use the scheme %(scheme)s.",
                                       members=", ".join(wrong.mapped("name")), scheme=self.rule_id.scheme_id.name))
        points = self.points if self.rule_id.allow_custom_points else self.rule_id.points
        entries = self.env["party.points.entry"].create([{
            "member_id": member.id,
            "rule_id": self.rule_id.id,
            "scheme_id": self.rule_id.scheme_id.id,
            "date": self.date,
            "points": points,
            "name": self.description or self.rule_id.name,
            "attachment_ids": [fields.Command.set(self.attachment_ids.ids)],
            "evidence_note": self.evidence_note,
        } for member in self.member_ids])
        if self.will_post:
            # an officer does not approve their own points: those go for approval like a claim
            own = entries.filtered(lambda entry: entry.member_id.user_id == self.env.user)
            (entries - own).action_post()
            own.action_submit()
        else:
            entries.action_submit()
        action = self.env["ir.actions.act_window"]._for_xml_id("party_member_points.party_points_entry_action")
        action["domain"] = [("id", "in", entries.ids)]
        action["context"] = {}
        return action

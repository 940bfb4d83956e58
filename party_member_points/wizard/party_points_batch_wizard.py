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
        """Record the rule for every chosen member and say what happened to each: an officer's entries are posted
        at once with the caps applied (cut where the room left is smaller), members whose cap is already reached
        or who use another scheme are refused (no entry), the officer's own points and a group leader's records go
        to the branch secretary for approval. Posts what fits instead of refusing the whole batch."""
        self.ensure_one()
        if not self.member_ids:
            raise UserError(self.env._("Choose the members."))
        if self.rule_id.evidence_required and not self.attachment_ids and not self.will_post:
            raise UserError(self.env._("“%s” needs evidence: attach a proof.", self.rule_id.name))
        Entry = self.env["party.points.entry"]
        points = self.points if self.rule_id.allow_custom_points else self.rule_id.points
        wrong = self.member_ids.filtered(lambda m: m.organization_id._get_points_scheme() != self.rule_id.scheme_id)
        members = self.member_ids - wrong
        refused = [(member, self.env._("uses another scheme than %s", self.rule_id.scheme_id.name))
                   for member in wrong]
        own = members.filtered(lambda m: m.user_id == self.env.user) if self.will_post else members
        to_post = members - own
        if to_post:
            capped = Entry._cap_points([{"member": member, "rule": self.rule_id, "date": self.date,
                                         "points": points} for member in to_post])
            full = to_post.browse([m.id for m, (allowed, _note) in zip(to_post, capped) if points and not allowed])
            refused += [(member, note) for member, (allowed, note) in zip(to_post, capped)
                        if member in full]
            to_post -= full
        if not to_post and not own:
            raise UserError(self.env._("Nothing was recorded:\n%s", batch_lines(refused)))
        entries = Entry.create([{
            "member_id": member.id,
            "rule_id": self.rule_id.id,
            "scheme_id": self.rule_id.scheme_id.id,
            "date": self.date,
            "points": points,
            "name": self.description or self.rule_id.name,
            "attachment_ids": [fields.Command.set(self.attachment_ids.ids)],
            "evidence_note": self.evidence_note,
        } for member in to_post | own])
        posted = entries.filtered(lambda entry: entry.member_id in to_post)
        submitted = entries - posted
        # an officer does not approve their own points: those go for approval like a claim
        posted.action_post()
        submitted.action_submit()
        return self._summary_action(entries, posted, submitted, refused)

    def _summary_action(self, entries, posted, submitted, refused):
        """A notification with what the batch did, then the ledger of the new entries."""
        cut = posted.filtered("cap_note")
        parts = []
        if posted:
            parts.append(self.env._("Posted: %s", len(posted - cut)))
        if cut:
            parts.append(self.env._("Cut by the caps: %(count)s (%(lines)s)", count=len(cut),
                                    lines="; ".join(f"{e.member_id.name}: {e.cap_note}" for e in cut)))
        if submitted:
            parts.append(self.env._("Sent for approval: %(count)s (%(names)s)", count=len(submitted),
                                    names="、".join(submitted.member_id.mapped("name"))))
        if refused:
            parts.append(self.env._("Not recorded: %(count)s (%(lines)s)", count=len(refused),
                                    lines="; ".join(f"{member.name}: {note}" for member, note in refused)))
        action = self.env["ir.actions.act_window"]._for_xml_id("party_member_points.party_points_entry_action")
        action["domain"] = [("id", "in", entries.ids)]
        action["context"] = {}
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Points recorded"),
                "message": "\n".join(parts),
                "type": "warning" if refused or cut else "success",
                "sticky": bool(refused or cut),
                "className": "text-prewrap",
                "next": action,
            },
        }


def batch_lines(refused):
    """One line per member not recorded: name and why."""
    return "\n".join(f"- {member.name}: {note}" for member, note in refused)

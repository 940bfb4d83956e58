from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.clock import party_today
from .party_workflow import workflow
from .party_freeze_mixin import DELETE


class PartyMemberTransfer(models.Model):
    """Transfer of a member's organizational relationship (组织关系转接).

    Three cases: between two organizations of this register (internal), in from an organization outside
    it, or out to one. The receiving side approves: for an internal or incoming transfer it is the
    receiving organization's secretary; for an outgoing one the sending branch records the receipt
    (回执) returned by the outside organization.
    """

    _name = "party.member.transfer"
    _description = "Organizational Relationship Transfer"
    _inherit = ["mail.thread", "mail.activity.mixin", "party.freeze.mixin"]
    # What each state freezes (party.freeze.mixin): a transfer on its way or decided moves the member as written.
    _party_freeze = {
        state: ("member_id", "direction", "from_organization_id", "from_external", "to_organization_id",
                "to_external", "date", "letter_number", "reason")
        + (("rejection_reason",) if state != "submitted" else ()) + ((DELETE,) if state == "approved" else ())
        for state in ("submitted", "approved", "rejected")
    }
    _order = "date desc, id desc"

    name = fields.Char(string="Reference", readonly=True, copy=False, default="/")
    member_id = fields.Many2one("party.member", required=True, index=True, tracking=True, ondelete="cascade")
    direction = fields.Selection([("internal", "Internal"), ("in", "Transfer In"), ("out", "Transfer Out")],
                                 required=True, default="internal", tracking=True)
    from_organization_id = fields.Many2one("party.organization", string="From Organization", index=True)
    from_external = fields.Char(string="From (outside organization)")
    to_organization_id = fields.Many2one("party.organization", string="To Organization", index=True)
    to_external = fields.Char(string="To (outside organization)")
    date = fields.Date(required=True, default=party_today, tracking=True)
    letter_number = fields.Char(string="Introduction Letter No.")
    reason = fields.Text(required=True)
    state = fields.Selection([
        ("draft", "Draft"),
        ("submitted", "Waiting for Receiving Side"),
        ("approved", "Approved"),
        ("rejected", "Rejected"),
        ("cancelled", "Cancelled"),
    ], default="draft", required=True, tracking=True, index=True)
    approver_id = fields.Many2one("res.users", string="Approved by", readonly=True, copy=False)
    approval_date = fields.Date(readonly=True, copy=False)
    rejection_reason = fields.Text(copy=False, tracking=True)
    company_id = fields.Many2one(related="member_id.company_id", store=True)
    organization_id = fields.Many2one(
        "party.organization", compute="_compute_organization_id", store=True, index=True,
        help="Organization that owns the transfer for access rights: the sending one if internal, else the "
             "one on this side.")
    receiving_organization_id = fields.Many2one("party.organization", compute="_compute_organization_id",
                                                store=True)

    @api.depends("direction", "from_organization_id", "to_organization_id")
    def _compute_organization_id(self):
        for transfer in self:
            if transfer.direction == "in":
                transfer.organization_id = transfer.to_organization_id
                transfer.receiving_organization_id = transfer.to_organization_id
            elif transfer.direction == "out":
                transfer.organization_id = transfer.from_organization_id
                transfer.receiving_organization_id = transfer.from_organization_id
            else:
                transfer.organization_id = transfer.from_organization_id
                transfer.receiving_organization_id = transfer.to_organization_id

    @api.onchange("member_id", "direction")
    def _onchange_member_id(self):
        if self.member_id and self.direction in ("internal", "out"):
            self.from_organization_id = self.member_id.organization_id
        elif self.member_id and self.direction == "in":
            self.to_organization_id = self.member_id.organization_id

    @api.constrains("direction", "from_organization_id", "to_organization_id", "from_external", "to_external")
    def _check_sides(self):
        for transfer in self:
            if transfer.direction == "internal":
                if not transfer.from_organization_id or not transfer.to_organization_id:
                    raise ValidationError(self.env._("An internal transfer needs both organizations."))
                if transfer.from_organization_id == transfer.to_organization_id:
                    raise ValidationError(self.env._("The member is already in %s.",
                                                     transfer.to_organization_id.display_name))
            elif transfer.direction == "in" and (not transfer.from_external or not transfer.to_organization_id):
                raise ValidationError(self.env._(
                    "A transfer in needs the outside organization it comes from and the receiving organization."))
            elif transfer.direction == "out" and (not transfer.to_external or not transfer.from_organization_id):
                raise ValidationError(self.env._(
                    "A transfer out needs the sending organization and the outside organization it goes to."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("party.member.transfer") or "/"
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_approved(self):
        if any(transfer.state == "approved" for transfer in self):
            raise UserError(self.env._("An approved transfer is part of the member's history and cannot be deleted."))

    def _receiving_user(self):
        self.ensure_one()
        return self.receiving_organization_id._get_responsible_user()

    def action_submit(self):
        activity_type = self.env.ref("party_member_points.mail_activity_type_transfer_approval")
        for transfer in self:
            if transfer.state != "draft":
                raise UserError(self.env._("Only a draft transfer can be submitted."))
            if transfer.member_id.status != "normal":
                raise UserError(self.env._("%s is not a member in normal status.", transfer.member_id.name))
            transfer.state = "submitted"
            transfer.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=transfer._receiving_user().id,
                summary=self.env._("Approve transfer of %s", transfer.member_id.name),
            )
        return True

    def _check_can_decide(self):
        for transfer in self:
            if transfer.state != "submitted":
                raise UserError(self.env._("Only a transfer waiting for the receiving side can be decided."))
            if not self.env.user._party_can_manage(transfer.receiving_organization_id):
                raise UserError(self.env._("Only officers of %s can decide on this transfer.",
                                           transfer.receiving_organization_id.display_name))

    def action_approve(self):
        self._check_can_decide()
        today = party_today(self)
        for transfer in self:
            member = transfer.member_id
            if transfer.direction == "out":
                member.sudo()._set_status("transferred_out", transfer.date, self.env._(
                    "Transferred out to %(to)s (%(ref)s)", to=transfer.to_external, ref=transfer.name))
            else:
                # the receiving officer may not see the member yet: the decision was checked above
                workflow(member.sudo(), "party_member_transfer").write(
                    {"organization_id": transfer.to_organization_id.id, "party_group_id": False})
                member.message_post(body=self.env._("Organizational relationship transferred to %(to)s (%(ref)s).",
                                                    to=transfer.to_organization_id.display_name, ref=transfer.name))
            transfer.write({"state": "approved", "approver_id": self.env.user.id, "approval_date": today})
            transfer.activity_feedback(["party_member_points.mail_activity_type_transfer_approval"])
        return True

    def action_reject(self):
        self._check_can_decide()
        for transfer in self:
            if not transfer.rejection_reason:
                raise UserError(self.env._("Write the reason for rejecting the transfer first."))
            transfer.state = "rejected"
            transfer.activity_feedback(["party_member_points.mail_activity_type_transfer_approval"],
                                       feedback=transfer.rejection_reason)
        return True

    def action_cancel(self):
        for transfer in self:
            if transfer.state not in ("draft", "submitted"):
                raise UserError(self.env._("Only a draft or waiting transfer can be cancelled."))
        self.activity_unlink(["party_member_points.mail_activity_type_transfer_approval"])
        self.state = "cancelled"
        return True

    def action_draft(self):
        for transfer in self:
            if transfer.state not in ("rejected", "cancelled"):
                raise UserError(self.env._("Only a rejected or cancelled transfer can go back to draft."))
        self.state = "draft"
        return True

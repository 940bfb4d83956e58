from odoo import api, models
from odoo.exceptions import UserError

# What a message of the audit trail records: who, when, what changed.
AUDIT_FIELDS = {"body", "tracking_value_ids", "author_id", "author_guest_id", "date", "model", "res_id",
                "message_type", "subtype_id", "subject", "record_name", "email_from"}


class MailMessage(models.Model):
    """The chatter of the party records is their audit trail: state changes (tracking), approvals,
    rejections, reversals and answers are logged there with their author and time. Odoo lets whoever may
    write on a record delete its messages and lets authors edit theirs; for the party records this would
    erase or rewrite the trail, so only the system may (e.g. when a draft is deleted). Comments (log notes
    and messages typed by users) stay editable as usual."""

    _inherit = "mail.message"

    def _party_audit_trail(self):
        return self.sudo().filtered(
            lambda message: (message.model or "").startswith("party.")
            and (message.message_type != "comment" or message.tracking_value_ids))

    def write(self, vals):
        if not self.env.su and AUDIT_FIELDS & set(vals) and self._party_audit_trail():
            raise UserError(self.env._("The history of a party record cannot be rewritten."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_party_audit_trail(self):
        if not self.env.su and self._party_audit_trail():
            raise UserError(self.env._("The history of a party record cannot be deleted."))

from odoo import api, models

from .party_freeze_mixin import ATTACHMENTS, freeze_open


class IrAttachment(models.Model):
    """Files attached to a frozen workflow record (the evidence of a posted entry...) stay as they are: the
    record's freeze table (``party.freeze.mixin``) says in which states its ``attachments`` are frozen."""

    _inherit = "ir.attachment"

    @api.model
    def _party_check_frozen_targets(self, targets):
        """Refuse when one of ``targets`` (``{model name: record ids}``) freezes its attachments."""
        for model_name, ids in targets.items():
            if model_name not in self.env or not ids:
                continue
            Model = self.env[model_name]
            if ATTACHMENTS not in {n for names in getattr(Model, "_party_freeze", {}).values() for n in names}:
                continue
            for record in Model.browse(ids).exists():
                if ATTACHMENTS in record._party_frozen():
                    raise record._party_frozen_error({ATTACHMENTS})

    def _party_targets(self):
        targets = {}
        # system step: which records the attachments belong to, only to refuse the change
        for attachment in self.sudo():
            if attachment.res_model and attachment.res_id:
                targets.setdefault(attachment.res_model, set()).add(attachment.res_id)
        return targets

    @api.model_create_multi
    def create(self, vals_list):
        if not freeze_open(self.env):
            targets = {}
            for vals in vals_list:
                if vals.get("res_model") and vals.get("res_id"):
                    targets.setdefault(vals["res_model"], set()).add(vals["res_id"])
            self._party_check_frozen_targets(targets)
        return super().create(vals_list)

    def write(self, vals):
        if not freeze_open(self.env) and set(vals) & {"res_model", "res_id", "datas", "raw", "db_datas", "url",
                                                       "name", "store_fname"}:
            targets = self._party_targets()
            if vals.get("res_model") or vals.get("res_id"):
                for attachment in self.sudo():
                    model_name = vals.get("res_model", attachment.res_model)
                    res_id = vals.get("res_id", attachment.res_id)
                    if model_name and res_id:
                        targets.setdefault(model_name, set()).add(res_id)
            self._party_check_frozen_targets(targets)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_party_frozen(self):
        if not freeze_open(self.env):
            self._party_check_frozen_targets(self._party_targets())

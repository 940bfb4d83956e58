"""Decisions stay made: what each state of a workflow freezes, declared in one table per model.

A workflow model inherits ``party.freeze.mixin`` and declares, in its class attribute ``_party_freeze``, what
each value of its state field (``_party_freeze_state``, ``state`` unless told) freezes::

    _party_freeze = {
        "posted": ("points", "date", "attachment_ids", ATTACHMENTS),
        "closed": ("date_from", "date_to", "batch_ids"),
    }

A name is

* a field of the record: its value can no longer change;
* a one2many (a child relation: batches, participants, ballots...): no child can be added, removed or moved
  to another parent (the children's own fields are frozen by their own table);
* :data:`ATTACHMENTS`: the files attached to the record (evidence) can be neither added, changed nor deleted;
* :data:`DELETE`: the record itself cannot be deleted.
 ``create``, ``write`` and ``unlink`` enforce
the table for every user, the superuser included, through the ORM, JSON-RPC and imports. Only workflow code —
a context carrying the in-code marker ``WORKFLOW`` (see ``party_workflow.py``), which no client can send — moves
a frozen record: the buttons, and the named actions that amend a decision (:meth:`_party_amend`) after checking
who may do it and writing who, when and why in the chatter.

The generic test ``party_member_points/tests/test_freeze.py`` walks every table (model × state × frozen name ×
role) and fails when a workflow model with a state does not declare its table.
"""
from odoo import api, fields, models
from odoo.exceptions import UserError

from .party_workflow import WORKFLOW

ATTACHMENTS = "attachments"
DELETE = "delete"
PSEUDO_NAMES = (ATTACHMENTS, DELETE)
AMEND_KEY = "party_freeze_amend"


def freeze_open(env):
    """True in workflow code only: a value of the context is the in-code marker ``WORKFLOW``."""
    return any(value is WORKFLOW for value in env.context.values())


def frozen_names(table):
    """Every name that some state of ``table`` freezes."""
    return {name for names in table.values() for name in names}


class PartyFreezeMixin(models.AbstractModel):
    _name = "party.freeze.mixin"
    _description = "Workflow Record with Frozen Decisions"

    # state -> names frozen in that state (fields, child relations, ATTACHMENTS): the one table of the model
    _party_freeze = {}
    # the field whose value selects the row of the table (a related state of the parent for child records)
    _party_freeze_state = "state"

    # ------------------------------------------------------------------ table
    def _party_frozen(self):
        """Names frozen for this record in its current state."""
        self.ensure_one()
        if not self._party_freeze:
            return set()
        return set(self._party_freeze.get(self[self._party_freeze_state], ()))

    @api.model
    def _party_freeze_parents(self):
        """Child relations of other models' tables that point at this model: ``[(parent model, inverse field,
        relation name)]`` (computed once per registry)."""
        cls = type(self)  # rebuilt whenever the registry sets its models up again
        if "_party_freeze_parents_cache" not in cls.__dict__:
            parents = []
            for model_name, model_class in self.pool.items():
                table = getattr(model_class, "_party_freeze", None)
                if not table:
                    continue
                for name in frozen_names(table):
                    field = model_class._fields.get(name)
                    if field and field.type == "one2many" and field.comodel_name == self._name:
                        parents.append((model_name, field.inverse_name, name))
            cls._party_freeze_parents_cache = parents
        return cls._party_freeze_parents_cache

    def _party_frozen_error(self, names):
        self.ensure_one()
        record = self.sudo()  # its name and state only, to explain the refusal
        state_field = self._fields[self._party_freeze_state]
        state = dict(state_field._description_selection(self.env)).get(record[self._party_freeze_state], "")
        labels = []
        for name in sorted(names):
            if name == ATTACHMENTS:
                labels.append(self.env._("attachments"))
            elif name == DELETE:
                labels.append(self.env._("the record itself (deletion)"))
            else:
                labels.append(self._fields[name]._description_string(self.env))
        return UserError(self.env._(
            "%(record)s is at the stage “%(state)s”: %(fields)s can no longer be changed. A decision taken is "
            "changed only through its workflow action, by whoever may take it, with the reason written in the "
            "chatter.", record=record.display_name or self._description, state=state, fields=", ".join(labels)))

    @staticmethod
    def _party_value_changes(record, name, value):
        """Whether writing ``value`` to ``name`` changes ``record`` (writing the same value back is harmless)."""
        field = record._fields[name]
        if field.type in ("one2many", "many2many"):
            if not value:
                return False
            current = set(record[name].ids)
            for command in value:
                if isinstance(command, (list, tuple)) and command and command[0] == 6 \
                        and set(command[2] or ()) == current:
                    continue
                if isinstance(command, (list, tuple)) and command and command[0] == 4 and command[1] in current:
                    continue
                return True
            return False
        new = field.convert_to_record(field.convert_to_cache(value, record, validate=False), record)
        old = record[name]
        if field.type in ("many2one", "many2one_reference", "reference") and isinstance(old, models.BaseModel):
            return getattr(new, "id", new) != old.id
        if not new and not old:
            return False
        if field.type == "html":
            return str(new or "") != str(old or "")
        return new != old

    def _party_check_frozen_write(self, vals):
        names = set(vals) & frozen_names(self._party_freeze)
        if names:
            for record in self:
                changed = {name for name in record._party_frozen() & names
                           if self._party_value_changes(record, name, vals[name])}
                if changed:
                    raise record._party_frozen_error(changed)
        self._party_check_frozen_parents([vals], self)

    @api.model
    def _party_check_frozen_parents(self, vals_list, records=None):
        """Refuse to add a child to (``records`` None: create) or move one out of or into a frozen child relation.
        The parents' states are read as superuser (a system step: the user may add a child to a record they do
        not read, e.g. an opinion on a project), in one query per parent model."""
        for parent_model, inverse, relation in self._party_freeze_parents():
            ids = {vals[inverse] for vals in vals_list if vals.get(inverse)}
            if records is not None:
                if not any(inverse in vals for vals in vals_list):
                    continue
                ids |= set(records.sudo()[inverse].ids)
            for parent in self.env[parent_model].sudo().browse(ids).exists():
                if relation in parent._party_frozen():
                    raise parent.with_env(self.env)._party_frozen_error({relation})

    # ------------------------------------------------------------------ CRUD
    @api.model_create_multi
    def create(self, vals_list):
        if not freeze_open(self.env):
            self._party_check_frozen_parents(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        if not freeze_open(self.env):
            self._party_check_frozen_write(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_party_frozen(self):
        if freeze_open(self.env):
            return
        for record in self:
            if DELETE in record._party_frozen():
                raise record._party_frozen_error({DELETE})
        for _parent_model, inverse, relation in self._party_freeze_parents():
            for parent in self.sudo()[inverse]:
                if relation in parent._party_frozen():
                    raise parent.with_env(self.env)._party_frozen_error({relation})

    # ------------------------------------------------------------------ named amendments
    def _party_amend(self, vals, reason, action_label):
        """Change a frozen decision: the named workflow action ``action_label`` checked who may take it; this
        writes ``vals`` past the freeze and records who, when, what and why in the chatter."""
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("%s: give the reason for changing a decision already taken.", action_label))
        now = fields.Datetime.to_string(fields.Datetime.context_timestamp(self, fields.Datetime.now()))
        for record in self:
            labels = ", ".join(sorted(record._fields[name]._description_string(self.env) for name in vals))
            body = self.env._(
                "%(action)s by %(user)s on %(when)s (changed: %(fields)s). Reason: %(reason)s",
                action=action_label, user=self.env.user.name, when=now, fields=labels, reason=reason)
            record.with_context(**{AMEND_KEY: WORKFLOW}).write(vals)
            if hasattr(record, "message_post"):
                record.message_post(body=body)
        return True

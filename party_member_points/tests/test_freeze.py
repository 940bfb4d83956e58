"""Decisions stay made: the one freeze table of every workflow model, walked generically.

Every model of the party addons with a ``state`` declares in ``_party_freeze`` (``party.freeze.mixin``) what each
state freezes. These tests walk every table — model × state × frozen name × role — and expect a refusal with a
clear Chinese message and nothing saved, through the ORM (superuser and party administrator) and over JSON-RPC.
They fail when a workflow model with a state has no table, or when a model of a table grows an editable field
that its table neither freezes nor lists as free (``_party_freeze_free``).
"""
import json
import re
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import SQL, mute_logger

from ..models.party_freeze_mixin import ATTACHMENTS, DELETE, PSEUDO_NAMES
from ..models.party_workflow import WORKFLOW
from ..tools.clock import party_today
from .test_integrity import load_zh_cn

CJK = re.compile(r"[\u4e00-\u9fff]")
# Models of the party addons with a state that are no decisions, with the reason.
EXEMPT = {
    "party.points.summary": "a database view of the ledger: never written",
}
# Fields every model has that are no decision (chatter, activities, technical).
GENERIC_FREE = {
    "message_follower_ids", "message_ids", "message_main_attachment_id", "activity_ids", "activity_user_id",
    "activity_type_id", "activity_date_deadline", "activity_summary", "activity_exception_decoration",
    "website_message_ids", "message_partner_ids", "rating_ids", "active", "sequence", "display_name",
}
ROLES = ("superuser", "administrator")
ENGLISH = re.compile(r"[A-Za-z]{3,}[ ,:]+[A-Za-z]{3,}[ ,:]+[A-Za-z]{3,}[ ,:]+[A-Za-z]{3,}")


def _first(env, model, domain=()):
    return env[model].sudo().search(list(domain), limit=1)


def _make_transfer(env):
    member = _first(env, "party.member", [("status", "=", "normal"), ("stage", "=", "full")])
    other = _first(env, "party.organization", [("id", "!=", member.organization_id.id), ("kind", "=", "branch"),
                                               ("company_id", "=", member.company_id.id)])
    return env["party.member.transfer"].create({
        "member_id": member.id, "direction": "internal", "from_organization_id": member.organization_id.id,
        "to_organization_id": other.id, "reason": "Moved house"})


def _make_decision(env):
    member = _first(env, "party.member", [("status", "=", "normal"), ("stage", "=", "full")])
    return env["party.member.decision"].create({
        "member_id": member.id, "decision": "withdrew", "reason": "Asked to leave",
        "meeting_date": party_today(env), "meeting_reference": "Resolution 1"})


def _make_rectification(env):
    member = _first(env, "party.member", [("status", "=", "normal"), ("stage", "=", "full")])
    today = party_today(env)
    return env["party.evaluation.rectification"].create({
        "member_id": member.id, "start_date": today, "deadline": today + timedelta(days=365)})


def _make_mobilization_result(model, **vals):
    def make(env):
        participant = _first(env, "party.mobilization.participant")
        return env[model].create(dict({
            "project_id": participant.project_id.id, "participant_id": participant.id, "reason": "Resisted"}, **vals))
    return make


def _make_recall(env):
    downgrade = _make_mobilization_result("party.mobilization.downgrade", role="cadre")(env)
    return env["party.mobilization.recall"].create({"downgrade_id": downgrade.id, "post": "representative",
                                                   "reason": "Resisted the plan"})


# Records built when the demo data has none of a model (a new workflow model adds its own here).
FACTORIES = {
    "party.mobilization.recall": _make_recall,
    "party.member.transfer": _make_transfer,
    "party.member.decision": _make_decision,
    "party.evaluation.rectification": _make_rectification,
    "party.mobilization.conversion": _make_mobilization_result("party.mobilization.conversion"),
    "party.mobilization.downgrade": _make_mobilization_result("party.mobilization.downgrade", role="cadre"),
}


def workflow_models(env):
    """Stored models of the party addons with a stored ``state`` field."""
    for name in sorted(env.registry):
        Model = env[name]
        field = Model._fields.get("state")
        if not name.startswith("party.") or Model._abstract or Model._transient or not Model._auto:
            continue
        if field and field.store:
            yield Model


def declared_models(env):
    """Models that declare a freeze table."""
    for name in sorted(env.registry):
        Model = env[name]
        if not Model._abstract and hasattr(Model, "_party_frozen") and Model._party_freeze:
            yield Model


def editable_fields(Model):
    """Fields a user could write: stored, not readonly (a computed field only when editable), not generic."""
    for name, field in Model._fields.items():
        if name in GENERIC_FREE or name.startswith(("message_", "activity_")) or name in models_magic():
            continue
        if not field.store or field.readonly or field.related or field.type in ("one2many",):
            continue
        yield name


def models_magic():
    return {"id", "create_uid", "create_date", "write_uid", "write_date"}


def other_value(record, name):
    """A value of ``name`` different from the record's (None when none can be found)."""
    field = record._fields[name]
    current = record[name]
    today = party_today(record)
    if field.type == "many2one":
        other = record.env[field.comodel_name].sudo().search([("id", "!=", current.id)], limit=1)
        return other.id if other else (False if current else None)
    if field.type == "many2many":
        if current:
            return [Command.clear()]
        other = record.env[field.comodel_name].sudo().search([], limit=1)
        return [Command.link(other.id)] if other else None
    if field.type in ("char", "text"):
        return f"{current or ''} (changed)"
    if field.type == "html":
        return "<p>changed</p>"
    if field.type == "integer":
        return (current or 0) + 1
    if field.type in ("float", "monetary"):
        return (current or 0.0) + 1.5
    if field.type == "boolean":
        return not current
    if field.type == "date":
        return (current or today) - timedelta(days=1)
    if field.type == "datetime":
        return (current or fields.Datetime.now()) - timedelta(days=1)
    if field.type == "selection":
        keys = [key for key, _label in field._description_selection(record.env) if key != current]
        return keys[0] if keys else None
    return None


class FreezeWalker:
    """Records in every state of every table, forced there by SQL when the demo data has none."""

    def _state_holder(self, Model):
        """``(model holding the state, path from a record to it, state field name)``."""
        field = Model._fields[Model._party_freeze_state]
        if field.store:
            return Model, None, Model._party_freeze_state
        path = field.related.split(".") if isinstance(field.related, str) else list(field.related)
        return self.env[Model._fields[path[0]].comodel_name], path[0], path[1]

    def _record_in(self, Model, state):
        """A record of ``Model`` whose table row is ``state`` (superuser environment)."""
        Holder, via, state_field = self._state_holder(Model)
        Model = Model.sudo()
        if via:
            record = Model.search([(f"{via}.{state_field}", "=", state)], limit=1) or Model.search([], limit=1)
            holder = record[via]
        else:
            record = Model.search([(state_field, "=", state)], limit=1) or Model.search([], limit=1)
            holder = record
        if not record and Model._name in FACTORIES:
            # built by the test as workflow code would (its parent may be frozen already)
            builder = self.env(su=True, context=dict(self.env.context, party_freeze_test_setup=WORKFLOW))
            record = FACTORIES[Model._name](builder).with_env(Model.env)
            holder = record[via] if via else record
        if not record:
            return record
        if holder[state_field] != state:
            self.env.flush_all()
            self.env.cr.execute(SQL("UPDATE %s SET %s = %s WHERE id = %s", SQL.identifier(Holder._table),
                                    SQL.identifier(state_field), state, holder.id))
            self.env.invalidate_all()
        return record


@tagged("post_install", "-at_install")
class TestFreezeTable(FreezeWalker, TransactionCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        load_zh_cn(cls.env)
        cls.env = cls.env(context=dict(cls.env.context, lang="zh_CN", tracking_disable=True))
        cls.admin = new_test_user(cls.env, "freeze_admin", lang="zh_CN",
                                  groups="base.group_user,party_member_points.group_party_admin")

    def test_every_workflow_model_declares_its_table(self):
        """A model with a state that declares nothing fails here: decide what each of its states freezes."""
        declared = {Model._name for Model in declared_models(self.env)}
        undeclared = [Model._name for Model in workflow_models(self.env)
                      if Model._name not in declared and Model._name not in EXEMPT]
        self.assertFalse(undeclared, f"workflow models without a freeze table (_party_freeze): {undeclared}")
        problems = []
        for Model in declared_models(self.env):
            state_field = Model._fields[Model._party_freeze_state]
            states = {key for key, _label in state_field._description_selection(self.env)}
            frozen = set()
            for state, names in Model._party_freeze.items():
                if state not in states:
                    problems.append(f"{Model._name}: no state “{state}”")
                for name in names:
                    if name not in PSEUDO_NAMES and name not in Model._fields:
                        problems.append(f"{Model._name}[{state}]: no field “{name}”")
                    frozen.add(name)
            # the state itself moves with the buttons only (check_flow_write)
            free = set(getattr(Model, "_party_freeze_free", ())) | {Model._party_freeze_state, "state"}
            loose = sorted(set(editable_fields(Model)) - frozen - free)
            for name in frozen - set(PSEUDO_NAMES):
                field = Model._fields.get(name)
                if field and field.type == "one2many" \
                        and not hasattr(self.env[field.comodel_name], "_party_check_frozen_parents"):
                    problems.append(f"{Model._name}.{name}: {field.comodel_name} does not inherit party.freeze.mixin")
            if loose:
                problems.append(f"{Model._name}: editable fields neither frozen in a state nor listed in "
                                f"_party_freeze_free: {loose}")
        self.assertFalse(problems, "\n".join(problems))

    def _as(self, record, role):
        return record.sudo() if role == "superuser" else record.with_user(self.admin)

    def _refused(self, label, attempt):
        """Run ``attempt``; the refusal must be a UserError with a Chinese message. Returns a failure or None."""
        try:
            with mute_logger("odoo.models", "odoo.sql_db"), self.env.cr.savepoint():
                attempt()
                self.env.flush_all()
        except UserError as error:
            message = str(error.args[0]) if error.args else ""
            if not CJK.search(message) or ENGLISH.search(message):
                return f"{label}: refused without a Chinese message: {message[:120]}"
            return None
        finally:
            self.env.invalidate_all()
        return f"{label}: ALLOWED"

    def test_every_frozen_name_is_refused(self):
        failures = []
        walked = 0
        for Model in declared_models(self.env):
            for state, names in Model._party_freeze.items():
                record = self._record_in(Model, state)
                if not record:
                    failures.append(f"{Model._name}: no record to walk (add demo data)")
                    break
                for role in ROLES:
                    target = self._as(record, role)
                    for name in names:
                        label = f"{Model._name}[{state}].{name} as {role}"
                        failure = self._check_name(target, name, label)
                        walked += 1
                        if failure:
                            failures.append(failure)
        self.assertGreater(walked, 300)
        self.assertFalse(failures, f"{len(failures)} frozen name(s) not refused:\n" + "\n".join(failures))

    def _check_name(self, target, name, label):
        record = target.sudo()
        if name == DELETE:
            failure = self._refused(label, target.unlink)
            if not failure and not record.exists():
                return f"{label}: deleted"
            return failure
        if name == ATTACHMENTS:
            return self._refused(label, lambda: self.env["ir.attachment"].with_env(target.env).create({
                "name": "forged.txt", "raw": b"x", "res_model": target._name, "res_id": target.id}))
        field = target._fields[name]
        if field.type == "one2many":
            Child = self.env[field.comodel_name].with_env(target.env)
            failure = self._refused(label + " (add)", lambda: Child._party_check_frozen_parents(
                [{field.inverse_name: target.id}]))
            children = record[name]
            if not failure and children:
                failure = self._refused(label + " (remove)", children[:1].with_env(target.env).unlink)
            return failure
        value = other_value(record, name)
        if value is None:
            return None
        before = record[name]
        before = before.ids if hasattr(before, "ids") else before
        failure = self._refused(label, lambda: target.write({name: value}))
        after = record[name]
        after = after.ids if hasattr(after, "ids") else after
        if not failure and before != after:
            return f"{label}: saved"
        return failure

    def test_named_amendment_writes_who_when_why(self):
        """A frozen decision changes only through a named action: who, when and why go to the chatter."""
        Model = self.env["party.points.period"]
        record = self._record_in(Model, "closed")
        with self.assertRaisesRegex(UserError, "理由|reason"):
            record._party_amend({"note": "<p>x</p>"}, "  ", "Test amendment")
        record._party_amend({"note": "<p>Corrected notice</p>"}, "Typo in the notice", "Test amendment")
        self.assertIn("Corrected notice", record.note)
        self.assertIn("Typo in the notice", record.message_ids[0].body)
        self.assertIn(self.env.user.name, record.message_ids[0].body)


@tagged("post_install", "-at_install")
class TestFreezeTableRpc(FreezeWalker, HttpCase):
    """The same refusal over JSON-RPC (/web/dataset/call_kw): one frozen field per model and state."""

    def _rpc_write(self, record, name, value, state):
        """Write ``value`` over JSON-RPC as the authenticated user: failures (allowed, not Chinese, saved)."""
        self.env.flush_all()
        before = record[name]
        before = before.ids if hasattr(before, "ids") else before
        payload = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {
            "model": record._name, "method": "write", "args": [record.ids, {name: value}],
            "kwargs": {"context": {"lang": "zh_CN"}}}}
        response = self.url_open(f"/web/dataset/call_kw/{record._name}/write", data=json.dumps(payload, default=str),
                                 headers={"Content-Type": "application/json"})
        self.env.invalidate_all()
        body = response.json()
        after = record[name]
        after = after.ids if hasattr(after, "ids") else after
        label = f"{record._name}[{state}].{name}"
        message = (body.get("error") or {}).get("data", {}).get("message") or ""
        failures = []
        if "error" not in body:
            failures.append(f"{label}: ALLOWED over JSON-RPC")
        elif not CJK.search(message) or ENGLISH.search(message):
            failures.append(f"{label}: refused without a Chinese message: {message[:100]}")
        if before != after:
            failures.append(f"{label}: saved")
        return failures

    def test_rpc_writes_refused(self):
        load_zh_cn(self.env)
        admin = new_test_user(self.env, "freeze_rpc_admin", lang="zh_CN",
                              groups="base.group_user,party_member_points.group_party_admin")
        self.authenticate(admin.login, admin.login)
        failures = []
        checked = 0
        for Model in declared_models(self.env):
            for state, names in Model._party_freeze.items():
                plain = [name for name in names if name not in PSEUDO_NAMES
                         and Model._fields[name].type not in ("one2many", "many2many")]
                if not plain:
                    continue
                record = self._record_in(Model, state)
                name = plain[0]
                value = other_value(record, name) if record else None
                if value is None:
                    continue
                checked += 1
                failures += self._rpc_write(record, name, value, state)
                break
        self.assertGreater(checked, 12)
        self.assertFalse(failures, "\n".join(failures))

"""Trusted workflow flags.

The workflows of the party addons write fields that users may not write themselves (a state, an approver, a
tally...). They used to do it under a plain context key such as ``party_points_posting=True``. A context is
client input, though: every JSON-RPC call (``/web/dataset/call_kw``, ``/json/...`` routes) may pass any context,
so a member could have sent ``{"party_points_posting": true}`` with a ``create`` and posted their own points.

A flag now counts only when its value is :data:`WORKFLOW`, an object that JSON cannot produce. Workflow code sets
it with ``records.with_context(key=WORKFLOW)`` (or :func:`workflow`), guards test it with :func:`in_workflow`.
A plain ``True`` sent by a client, or left by older code, is ignored.
"""
from odoo.exceptions import UserError


class _WorkflowFlag:
    """Marker value of a trusted workflow flag (a singleton that no client input can produce)."""

    __slots__ = ()

    def __repr__(self):
        return "<party workflow>"

    def __reduce__(self):
        # copies (copy.deepcopy of a context) keep the singleton
        return "WORKFLOW"


WORKFLOW = _WorkflowFlag()


def workflow(records, *keys):
    """``records`` with the trusted flags ``keys`` set in their context."""
    return records.with_context(**dict.fromkeys(keys, WORKFLOW))


def in_workflow(env, key):
    """True when ``key`` was set by workflow code (never when it comes from a client's context)."""
    return env.context.get(key) is WORKFLOW


def given_fields(vals_list, field_names):
    """Names among ``field_names`` given a non-empty value in any of ``vals_list`` (create values)."""
    return sorted({name for vals in vals_list for name in field_names if vals.get(name)})


def check_flow_write(records, vals, flow_fields, key):
    """Refuse a write of the workflow fields ``flow_fields`` (a state, who approved, when...) outside the workflow
    flagged ``key``: those fields move with the buttons of the record only."""
    touched = set(vals) & set(flow_fields)
    if touched and not in_workflow(records.env, key):
        raise UserError(records.env._(
            "These fields are set by the workflow buttons and cannot be edited: %s",
            ", ".join(sorted(records._fields[name]._description_string(records.env) for name in touched))))


def check_flow_create(model, vals_list, flow_fields, key, initial=None):
    """Refuse to create records already past their first step: ``flow_fields`` must be left empty, except the
    fields of ``initial`` (``{field: first value}``, e.g. the state) which may only hold their first value."""
    if in_workflow(model.env, key):
        return
    initial = initial or {}
    forged = set(given_fields(vals_list, set(flow_fields) - set(initial)))
    forged |= {name for name, first in initial.items() for vals in vals_list if vals.get(name, first) != first}
    if forged:
        raise UserError(model.env._(
            "A new record starts at its first step; these fields are set by its workflow buttons: %s",
            ", ".join(sorted(model._fields[name]._description_string(model.env) for name in forged))))

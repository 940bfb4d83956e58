from odoo import fields, models

from .party_points_entry import ENTRY_STATES


class PartyPointsSummary(models.Model):
    """Points and number of entries per organization, company, component, state and month: a stored aggregate of
    the ledger kept by PostgreSQL (see ``party.points.total``).

    The pivot and graph of the ledger read it instead of the entries when they can (see
    :meth:`party.points.entry._read_group`): a county's year is two million entries but some sixty thousand
    summary rows. The ids are plain integers (0 for none), not links: the rows are written by the database for
    every statement on the ledger and must stay cheap. Like the totals, a key may have several (delta) rows until
    they are folded: readers sum them."""

    _name = "party.points.summary"
    _description = "Points per Organization and Month"
    _log_access = False
    # an aggregate kept by the database, not a workflow record: its state is the entries' state
    _party_ledger_aggregate = True

    organization_id = fields.Integer(readonly=True, index=True)
    company_id = fields.Integer(readonly=True)
    component_id = fields.Integer(readonly=True)
    state = fields.Selection(ENTRY_STATES, readonly=True)
    month = fields.Date(readonly=True, index=True)
    points = fields.Float(readonly=True)
    entry_count = fields.Integer(readonly=True)


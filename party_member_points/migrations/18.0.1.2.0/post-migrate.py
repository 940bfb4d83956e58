"""The officers' record rules reach the records of a party group through ``user.party_led_group_ids`` (the groups
a user leads outside the organizations in scope: empty for the officers of a branch and above) instead of every
organization the user runs, and the rules of the members, the ledger and the results list the organizations in
scope without their party groups (``user.party_officer_register_scope_ids``): reload the rules, which are
``noupdate`` data, from the module's file."""
from odoo.addons.party_member_points.tools.migrate import reload_noupdate_file


def migrate(cr, version):
    if version:
        reload_noupdate_file(cr, "party_member_points", "security/party_rules.xml")

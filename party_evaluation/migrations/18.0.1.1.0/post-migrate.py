"""Record rules list the organizations in an officer's scope and the user's own member records as plain ids
(``user.party_officer_scope_ids``, ``user.party_own_member_ids``) instead of a ``child_of`` sub-query: reload
the rules, which are ``noupdate`` data, from the module's file."""
from odoo.addons.party_member_points.tools.migrate import reload_noupdate_file


def migrate(cr, version):
    if version:
        reload_noupdate_file(cr, "party_evaluation", "security/party_evaluation_rules.xml")

"""Record rules list the organizations in an officer's scope and the user's own member records as plain ids
(``user.party_officer_scope_ids``, ``user.party_own_member_ids``) instead of a ``child_of`` sub-query: reload
the rules, which are ``noupdate`` data, from the module's file."""
from odoo import SUPERUSER_ID, api
from odoo.tools import convert_file


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    convert_file(env, "party_evaluation", "security/party_evaluation_rules.xml", {},
                 mode="init", noupdate=True, kind="data")
    env.registry.clear_cache()

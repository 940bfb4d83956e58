"""Helpers of the addons' migration scripts."""
from odoo import SUPERUSER_ID, api
from odoo.tools import convert_file


def reload_noupdate_file(cr, module, path):
    """Load the data file ``path`` of ``module`` again although its records are ``noupdate`` (record rules, for
    instance): an upgrade keeps noupdate records as they are, so a migration that changes them reloads them."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    convert_file(env, module, path, {}, mode="init", noupdate=True, kind="data")
    env.registry.clear_cache()

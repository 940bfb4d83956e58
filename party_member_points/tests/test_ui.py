import logging

from odoo.tests import HttpCase, tagged

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestPartyMenus(HttpCase):
    """Open every menu, view and filter of the Party Affairs app in a real browser: no client error."""

    allow_end_on_form = True

    def _click_everywhere(self, login):
        self.browser_js(
            "/odoo",
            "odoo.loader.modules.get('@web/webclient/clickbot/clickbot_loader')"
            ".startClickEverywhere('party_member_points.menu_party_root');",
            "odoo.isReady === true",
            login=login,
            timeout=600,
            success_signal="clickbot test succeeded",
        )

    def test_click_everywhere_as_admin(self):
        self._click_everywhere("admin")

    def test_click_everywhere_as_secretary(self):
        if not self.env.ref("party_member_points.demo_user_secretary", raise_if_not_found=False):
            self.skipTest("demo data not loaded")
        self._click_everywhere("secretary")


@tagged("post_install", "-at_install")
class TestOfficerTours(HttpCase):

    def test_secretary_records_points_for_several_members(self):
        if not self.env.ref("party_member_points.demo_org_dongshan", raise_if_not_found=False):
            self.skipTest("demo data not loaded")
        self.start_tour("/odoo", "party_officer_batch_points", login="secretary")
        entries = self.env["party.points.entry"].search([("name", "=", "Tour volunteer day")])
        self.assertEqual(sorted(entries.member_id.mapped("name")), sorted(["刘翠花", "吴明亮"]))
        self.assertEqual(set(entries.mapped("state")), {"posted"}, "a secretary's batch is posted at once")
        self.assertEqual(set(entries.mapped("points")), {5.0})

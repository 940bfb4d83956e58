import base64
import json
import logging
import os
import pathlib

from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser

from .common import WaitForLateRequests

_logger = logging.getLogger(__name__)

# Where the screenshots of the phone test go: setup/logs/screenshots/ of the repository (git-ignored, next to the
# logs of setup/test.sh), or the directory in PARTY_SCREENSHOTS_DIR.
SCREENSHOTS_DIR = pathlib.Path(os.environ.get("PARTY_SCREENSHOTS_DIR") or (
    pathlib.Path(__file__).resolve().parents[2] / "setup" / "logs" / "screenshots"))

# What a page looks like on the phone: the width of the page, the right edge of every cell of the points column
# (o_party_points_col), and the English placeholders of a fresh database that must not show.
CHATTER_READY = """(async () => {
    if (!document.querySelector('.o_portal_chatter')) {
        return true;
    }
    await odoo.portalChatterReady;
    // the thread is loaded when it shows its messages or says it has none
    for (let wait = 0; wait < 50; wait++) {
        const roots = [...document.querySelectorAll('*')].filter((el) => el.shadowRoot).map((el) => el.shadowRoot);
        if (roots.some((root) => root.querySelector('.o-mail-Message, .o-mail-Thread-empty span'))) {
            return true;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return true;
})()"""

MEASURE = """(() => {
    const points = [...document.querySelectorAll('.o_party_points_col')].filter((el) => el.offsetParent);
    // the text shown, also in the portal's chatter, which lives in a shadow root
    const shadowText = [...document.querySelectorAll('*')].filter((el) => el.shadowRoot).flatMap(
        (el) => [...el.shadowRoot.children].filter((child) => !['STYLE', 'LINK'].includes(child.tagName))
            .map((child) => child.innerText || ''));
    const text = [document.body.innerText, ...shadowText].join(' ');
    return JSON.stringify({
        width: window.innerWidth,
        scrollWidth: document.documentElement.scrollWidth,
        points: points.length,
        pointsRight: Math.max(0, ...points.map((el) => el.getBoundingClientRect().right)),
        placeholders: ['Your logo', 'YourCompany', 'The conversation is empty', '对话内容为空']
            .filter((t) => text.includes(t)),
        smallestChoice: Math.min(Infinity, ...[...document.querySelectorAll('.o_party_ballot_choice')].map(
            (el) => el.getBoundingClientRect().height)),
    });
})()"""


class PortalPhoneMixin(WaitForLateRequests):
    """Opens pages of the portal as a user on a phone (390 × 844, touch) in headless Chromium, saves a screenshot
    of each into SCREENSHOTS_DIR and returns what each page looks like (MEASURE)."""

    browser_size = "390x844"
    touch_enabled = True

    def _evaluate(self, browser, expression):
        result = browser._websocket_request("Runtime.evaluate", params={
            "expression": expression, "returnByValue": True, "awaitPromise": True}, timeout=30)
        return result["result"].get("value")

    def _speaks_chinese(self, login):
        """The user ``login`` reads the portal in Chinese, as the members do (the party addons' translations and
        those of the portal pages they use)."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"].search([
            ("state", "=", "installed"), "|", ("name", "like", "party_%"), ("name", "in", ("web", "portal", "mail")),
        ])._update_translations(["zh_CN"])
        self.env["res.users"].search([("login", "=", login)]).lang = "zh_CN"

    def _visit_on_phone(self, login, pages):
        """``{name: measures}`` of each ``(name, path)`` of ``pages`` opened by ``login`` on a phone, in Chinese."""
        SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
        self._speaks_chinese(login)
        _logger.info("Screenshots of the portal on a phone: %s", SCREENSHOTS_DIR)
        results = {}
        browser = ChromeBrowser(self)
        try:
            # a phone's screen (Chromium's window is at least 500 px wide)
            browser._websocket_request("Emulation.setDeviceMetricsOverride", params={
                "width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True})
            self.authenticate(login, login, browser=browser)
            self.cr.flush()
            self.cr.clear()
            for name, path in pages:
                browser.navigate_to(self.base_url() + path, wait_stop=True)
                self.assertTrue(browser._wait_ready("document.readyState === 'complete'"))
                # the portal's chatter loads after the page (its messages after it)
                self.assertTrue(browser._wait_ready(CHATTER_READY))
                self._evaluate(browser, "new Promise((resolve) => setTimeout(resolve, 1000))")
                measures = json.loads(self._evaluate(browser, MEASURE))
                png = browser._websocket_request("Page.captureScreenshot", timeout=30)["data"]
                target = SCREENSHOTS_DIR / f"portal_phone_{name}.png"
                target.write_bytes(base64.b64decode(png))
                _logger.info("%s: %s %s", path, target, measures)
                results[name] = dict(measures, path=path)
        finally:
            browser.stop()
            self._wait_remaining_requests()
        return results

    def _assert_fits_a_phone(self, measures):
        path = measures["path"]
        self.assertEqual(measures["width"], 390)
        self.assertLessEqual(measures["scrollWidth"], measures["width"], f"{path} scrolls sideways on a phone")
        self.assertEqual(measures["placeholders"], [], f"{path} shows a placeholder")


@tagged("post_install", "-at_install")
class TestMemberPortalOnPhone(PortalPhoneMixin, HttpCase):
    """The demo portal member opens the pages of the member portal on a phone (390 × 844, touch) in headless
    Chromium: the points column is inside the screen (no horizontal scroll hides it), nothing of a fresh database
    shows ("Your logo", "YourCompany", "The conversation is empty."). A screenshot of each page is saved."""

    def test_member_portal_pages_fit_a_phone(self):
        portal = self.env.ref("base.demo_user0", raise_if_not_found=False)
        member = portal.party_member_ids[:1] if portal else None
        if not member:
            self.skipTest("demo data not loaded")
        claim = self.env["party.points.entry"].search([("member_id", "=", member.id)], limit=1, order="id desc")
        pages = [("home", "/my"), ("party", "/my/party"), ("ledger", "/my/party/ledger"),
                 ("claims", "/my/party/claims"), ("appeals", "/my/party/appeals")]
        if claim:
            pages.append(("claim", f"/my/party/claims/{claim.id}"))
        # no placeholder of a fresh database: the demo company has its name and logo
        company = portal.company_id
        self.assertNotEqual(company.name, "YourCompany")
        self.assertNotEqual(company.logo, company._get_logo(), "the company logo is Odoo's “Your logo” placeholder")
        for name, measures in self._visit_on_phone("portal", pages).items():
            with self.subTest(page=measures["path"]):
                self._assert_fits_a_phone(measures)
                if name in ("ledger", "claims"):
                    self.assertGreater(measures["points"], 0, f"{measures['path']} shows the points column")
                    self.assertLessEqual(measures["pointsRight"], measures["width"],
                                         f"{measures['path']}: the points column is outside the screen")

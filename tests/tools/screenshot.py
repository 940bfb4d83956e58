"""Log into a running Odoo as a user and save PNG screenshots of pages (for looking at the screens).

Usage: python3 tests/tools/screenshot.py --url http://localhost:8069 --login secretary --password secretary \
           --out /tmp/shots "/odoo/action-party_member_points.party_member_action" ...

Drives headless Chromium over the DevTools protocol (needs the `websocket-client` package).
"""
import argparse
import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request

import websocket


def _chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit("Chromium is not installed: run setup/install.sh (Debian package 'chromium').")


class Page:
    def __init__(self, port):
        for _attempt in range(50):
            try:
                targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json"))
                break
            except OSError:
                time.sleep(0.2)
        page = next(t for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.counter = 0

    def call(self, method, **params):
        self.counter += 1
        self.ws.send(json.dumps({"id": self.counter, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.counter:
                if "error" in message:
                    raise RuntimeError(message["error"])
                return message.get("result", {})

    def evaluate(self, expression):
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True).get("result", {}).get("value")

    def goto(self, url, settle=3.0):
        self.call("Page.navigate", url=url)
        deadline = time.time() + 30
        while time.time() < deadline:
            time.sleep(0.5)
            if self.evaluate("document.readyState") == "complete":
                break
        time.sleep(settle)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default=None)
    parser.add_argument("--out", default="/tmp/shots")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    port = 9333
    profile = tempfile.mkdtemp(prefix="party-shot-")
    browser = subprocess.Popen([
        _chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--remote-debugging-port={port}", f"--user-data-dir={profile}",
        f"--window-size={args.width},{args.height}", "about:blank",
    ], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        page = Page(port)
        page.call("Page.enable")
        page.goto(f"{args.url}/web/login", settle=1)
        password = args.password or args.login
        page.evaluate(
            f"document.querySelector('input[name=login]').value = {json.dumps(args.login)};"
            f"document.querySelector('input[name=password]').value = {json.dumps(password)};"
            "document.querySelector('form.oe_login_form').submit();")
        time.sleep(4)
        for index, path in enumerate(args.paths):
            page.goto(args.url + path, settle=4)
            data = page.call("Page.captureScreenshot", format="png")["data"]
            target = os.path.join(args.out, f"{index:02d}.png")
            with open(target, "wb") as handle:
                handle.write(base64.b64decode(data))
            print(target, path)
    finally:
        browser.terminate()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()

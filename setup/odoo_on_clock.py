"""Run Odoo (same arguments as ``python3 -m odoo``) on the test clock ``PARTY_TEST_NOW`` when it is set.

``PARTY_TEST_NOW`` is an ISO instant in UTC (``2026-12-31T16:30:00Z``). With it:

* the whole process starts at that instant and its clock runs on from there (``freezegun``, ticking): the modules
  are installed and the demo data is built "today" as seen from that instant, so the data the tests read is
  relative to the test clock;
* every Odoo test class is pinned at the instant itself: the clock is frozen (not ticking) for each
  ``TransactionCase``; a ``HttpCase`` (which may drive a browser, whose waits need a running clock) starts at the
  instant and its clock runs on;
* the cursor's ``now()`` (create and write dates, ``cr.now()``) follows the test clock instead of PostgreSQL's
  ``now()``.

Without the variable this is exactly ``python3 -m odoo``. setup/test.sh uses it; see README "Time and the clock".
"""
import os
import sys
from datetime import datetime, timezone


def parse_instant(text):
    """The naive UTC datetime of an ISO instant (``Z`` or an offset; a naive text is read as UTC)."""
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def install_clock(instant):
    """Start the process clock at ``instant`` and pin Odoo's test classes to it."""
    import freezegun

    # Odoo's framework is imported before the clock starts: freezegun then patches the module-level references
    # (datetime, time) it finds, while class attributes set at import (logging's converter) keep the real
    # functions; the addons, imported later, get the test clock directly.
    import odoo.cli.command  # noqa: F401
    import odoo.netsvc  # noqa: F401
    import odoo.sql_db
    import odoo.tests.common as test_common

    # the stack inspection of freezegun's ignore list costs on every call of time.time(): nothing to ignore here
    freezegun.configure(default_ignore_list=[])
    freezegun.freeze_time(instant, tick=True).start()

    def now(cursor):
        """The transaction's timestamp on the test clock (instead of PostgreSQL's now())."""
        if getattr(cursor, "_now", None) is None:
            cursor._now = datetime.now()
        return cursor._now

    odoo.sql_db.Cursor.now = now

    # TransactionCase: frozen at the instant. HttpCase: starts at the instant, clock running (browser waits).
    test_common.TransactionCase.freeze_time = instant
    test_common.HttpCase.freeze_time = None
    http_setup = test_common.HttpCase.setUpClass.__func__

    @classmethod
    def setUpClass(cls):
        cls.startClassPatcher(freezegun.freeze_time(instant, tick=True))
        http_setup(cls)

    test_common.HttpCase.setUpClass = setUpClass


def main():
    text = os.environ.get("PARTY_TEST_NOW", "").strip()
    if text:
        try:
            instant = parse_instant(text)
        except ValueError:
            sys.exit(f"PARTY_TEST_NOW={text!r} is not an ISO instant (example: 2026-12-31T16:30:00Z)")
        install_clock(instant)
    from odoo.cli.command import main as odoo_main

    sys.argv[0] = "odoo"
    odoo_main()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Bring the addons' translation files up to date with their source strings.

    python3 tests/tools/i18n_sync.py --db DB [--addons-path PATH] [module ...]

For each module (default: every party_* addon of the repository) it exports the current template from the
database DB (where the modules must be installed and up to date: run ``-u`` first), writes it to
``MODULE/i18n/MODULE.pot`` and merges it into ``MODULE/i18n/zh_CN.po``: existing translations are kept,
new strings are added untranslated, strings that disappeared are dropped. It then lists what is left to
translate; ``--todo FILE`` writes those strings as JSON ``{module: [msgid, ...]}`` and ``--fill FILE``
reads a JSON ``{module: {msgid: msgstr}}`` with the translations to add.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[2]


def export_pot(db, module, addons_path):
    with tempfile.NamedTemporaryFile(suffix=".pot", delete=False) as handle:
        target = handle.name
    cmd = [sys.executable, "-m", "odoo", "-d", db, f"--addons-path={addons_path}", f"--i18n-export={target}",
           f"--modules={module}", "--stop-after-init", "--log-level=warn", "--no-http"]
    subprocess.run(cmd, check=True)
    pot = polib.pofile(target, wrapwidth=0)
    os.unlink(target)
    return pot


def merge(module, pot, fills):
    i18n = ROOT / module / "i18n"
    pot.save(str(i18n / f"{module}.pot"))
    po_path = i18n / "zh_CN.po"
    old = polib.pofile(str(po_path), wrapwidth=0) if po_path.exists() else polib.POFile(wrapwidth=0)
    known = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in old if entry.msgstr and not entry.obsolete}
    known_by_id = {entry.msgid: entry.msgstr for entry in old if entry.msgstr and not entry.obsolete}
    po = polib.POFile(wrapwidth=0)
    po.metadata = old.metadata or dict(pot.metadata)
    po.metadata["Language"] = "zh_CN"
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    todo = []
    for entry in pot:
        msgstr = known.get((entry.msgctxt, entry.msgid)) or known_by_id.get(entry.msgid) \
            or fills.get(entry.msgid, "")
        po.append(polib.POEntry(msgid=entry.msgid, msgstr=msgstr, msgctxt=entry.msgctxt,
                                occurrences=entry.occurrences, comment=entry.comment, tcomment=entry.tcomment,
                                flags=[flag for flag in entry.flags if flag != "fuzzy"]))
        if not msgstr:
            todo.append(entry.msgid)
    po.save(str(po_path))
    return todo


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons-path", default=os.environ.get("PARTY_ADDONS_PATH"),
                        help="Odoo addons path (default: $PARTY_ADDONS_PATH, else the repository and Odoo's)")
    parser.add_argument("--todo", help="write the untranslated strings to this JSON file")
    parser.add_argument("--fill", help="JSON file {module: {msgid: msgstr}} of translations to add")
    parser.add_argument("modules", nargs="*")
    args = parser.parse_args()
    modules = args.modules or sorted(p.parent.name for p in ROOT.glob("party_*/__manifest__.py"))
    addons_path = args.addons_path
    if not addons_path:
        import odoo  # noqa: PLC0415 - only to locate Odoo's own addons
        base = Path(odoo.__file__).resolve().parent
        addons_path = ",".join(str(p) for p in (ROOT, base.parent / "addons", base / "addons") if p.is_dir())
    fills = json.loads(Path(args.fill).read_text()) if args.fill else {}
    todo = {}
    for module in modules:
        missing = merge(module, export_pot(args.db, module, addons_path), fills.get(module, {}))
        if missing:
            todo[module] = missing
        print(f"{module}: {len(missing)} string(s) to translate")
    if args.todo:
        Path(args.todo).write_text(json.dumps(todo, ensure_ascii=False, indent=1))
    return 1 if todo else 0


if __name__ == "__main__":
    sys.exit(main())

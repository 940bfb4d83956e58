"""Completeness of the Simplified Chinese translations (the UI language of the project)."""
import re

import pytest

polib = pytest.importorskip("polib", reason="polib is installed with Odoo / requirements.txt")

NAMED_RE = re.compile(r"%\((\w+)\)[sdifr]")
POSITIONAL_RE = re.compile(r"(?<!%)%[sdifr]")


def _load(path):
    try:
        return polib.pofile(str(path), wrapwidth=0)
    except (OSError, ValueError) as exc:
        pytest.fail(f"{path} cannot be parsed: {exc}")


def _zh_cn(module_dir):
    path = module_dir / "i18n" / "zh_CN.po"
    if not path.is_file():
        pytest.fail(f"{module_dir.name}: missing i18n/zh_CN.po")
    return _load(path)


def _describe(entry):
    msgid = entry.msgid.replace("\n", "\\n")
    if len(msgid) > 80:
        msgid = msgid[:77] + "..."
    return f"line {entry.linenum}: {msgid!r}"


def _translations(entry):
    if entry.msgid_plural:
        return list(entry.msgstr_plural.values()) or [""]
    return [entry.msgstr]


def test_zh_cn_complete(module_dir):
    po = _zh_cn(module_dir)
    untranslated = [e for e in po if not e.obsolete and not all(s.strip() for s in _translations(e))]
    fuzzy = [e for e in po if not e.obsolete and "fuzzy" in e.flags]
    problems = [f"untranslated {_describe(e)}" for e in untranslated]
    problems += [f"fuzzy {_describe(e)}" for e in fuzzy]
    assert not problems, (
        f"{module_dir.name}/i18n/zh_CN.po: {len(untranslated)} untranslated, {len(fuzzy)} fuzzy:\n  "
        + "\n  ".join(problems)
    )


def test_pot_terms_translated(module_dir):
    pots = sorted((module_dir / "i18n").glob("*.pot"))
    if not pots:
        pytest.fail(f"{module_dir.name}: missing i18n/{module_dir.name}.pot")
    po = _zh_cn(module_dir)
    known = {(e.msgctxt, e.msgid) for e in po if not e.obsolete}
    missing = []
    for pot_path in pots:
        for entry in _load(pot_path):
            if not entry.obsolete and entry.msgid and (entry.msgctxt, entry.msgid) not in known:
                missing.append(f"{pot_path.name} {_describe(entry)}")
    assert not missing, (
        f"{module_dir.name}/i18n/zh_CN.po lacks {len(missing)} term(s) of the .pot "
        "(update it from the .pot, e.g. msgmerge):\n  " + "\n  ".join(missing)
    )


def test_zh_cn_placeholders_kept(module_dir):
    """A translation must keep the msgid's %s / %(name)s placeholders, or formatting fails at runtime."""
    po = _zh_cn(module_dir)
    problems = []
    for entry in po:
        if entry.obsolete or "%" not in entry.msgid:
            continue
        expected = (sorted(NAMED_RE.findall(entry.msgid)), len(POSITIONAL_RE.findall(entry.msgid)))
        if expected == ([], 0):
            continue
        for text in _translations(entry):
            if text and (sorted(NAMED_RE.findall(text)), len(POSITIONAL_RE.findall(text))) != expected:
                problems.append(f"{_describe(entry)} -> {text!r}")
    assert not problems, (
        f"{module_dir.name}/i18n/zh_CN.po: placeholders differ from the source text:\n  " + "\n  ".join(problems)
    )

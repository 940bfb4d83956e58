"""Shared helpers for the suite-level tests.

Every test that takes a ``module_dir`` argument is run once per party addon found at the
repository root (a top-level ``party_*`` directory with a ``__manifest__.py``). Addons that
do not exist yet are simply not tested; ``test_static.test_party_modules_exist`` fails when
there is none at all.
"""
import ast
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The test clock (README "Time and the clock"): PARTY_TEST_NOW, an ISO instant in UTC, pins every suite test at
# that instant; unset, the tests run on the real clock.
TEST_NOW = os.environ.get("PARTY_TEST_NOW", "").strip()


def odoo_command():
    """The command that runs Odoo (``python -m odoo``) on the test clock, for the tests that install a database."""
    return [sys.executable, str(ROOT / "setup" / "odoo_on_clock.py")]


@pytest.fixture(autouse=True)
def test_clock():
    """Every suite test runs with the clock frozen at PARTY_TEST_NOW when it is set."""
    if not TEST_NOW:
        yield None
        return
    sys.path.insert(0, str(ROOT / "setup"))
    try:
        from odoo_on_clock import parse_instant
    finally:
        sys.path.remove(str(ROOT / "setup"))
    import freezegun

    with freezegun.freeze_time(parse_instant(TEST_NOW)) as frozen:
        yield frozen


# tests/perf holds benchmarks (they print figures and need a database): never collected as tests
collect_ignore_glob = ["perf/*"]


def find_party_modules():
    """Top-level ``party_*`` addon directories, sorted by name."""
    return sorted(p.parent for p in ROOT.glob("party_*/__manifest__.py"))


def pytest_generate_tests(metafunc):
    if "module_dir" in metafunc.fixturenames:
        modules = find_party_modules()
        metafunc.parametrize("module_dir", modules, ids=[m.name for m in modules])


@pytest.fixture(scope="session")
def repo_root():
    return ROOT


@pytest.fixture
def manifest(module_dir):
    """The module's manifest as a dict (fails cleanly if it is not a literal dict)."""
    source = (module_dir / "__manifest__.py").read_text(encoding="utf-8")
    try:
        value = ast.literal_eval(source)
    except (SyntaxError, ValueError) as exc:
        pytest.fail(f"{module_dir.name}/__manifest__.py is not a plain Python literal: {exc}")
    if not isinstance(value, dict):
        pytest.fail(f"{module_dir.name}/__manifest__.py must contain a dict, got {type(value).__name__}")
    return value

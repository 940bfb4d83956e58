"""Shared helpers for the suite-level tests.

Every test that takes a ``module_dir`` argument is run once per party addon found at the
repository root (a top-level ``party_*`` directory with a ``__manifest__.py``). Addons that
do not exist yet are simply not tested; ``test_static.test_party_modules_exist`` fails when
there is none at all.
"""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

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

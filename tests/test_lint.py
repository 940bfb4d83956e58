"""OCA-style lint of the addons: pylint-odoo (odoolint set, 18.0), the OCA pre-commit hooks and README.rst.

The same checks run for contributors through pre-commit (.pre-commit-config.yaml); the configuration is the
committed .pylintrc and .oca_hooks.cfg. A check is skipped only when its tool is not installed
(pip install -r requirements.txt).
"""
import importlib.util
import io
import subprocess
import sys

import pytest

from conftest import ROOT, find_party_modules

sys.path.insert(0, str(ROOT / "tests" / "tools"))
import gen_readme  # noqa: E402


def _modules():
    return [module.name for module in find_party_modules()]


def _require(module):
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed (pip install -r requirements.txt); not checked")


def _run(args):
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, check=False)


def test_pylint_odoo_clean():
    _require("pylint_odoo")
    result = _run(["-m", "pylint", "--rcfile", str(ROOT / ".pylintrc"), "--output-format=parseable", *_modules()])
    assert result.returncode == 0 and not result.stdout.strip(), (
        f"pylint-odoo reports (see .pylintrc):\n{result.stdout}{result.stderr}")


def test_oca_module_checks_clean():
    _require("oca_pre_commit_hooks")
    result = _run(["-c", "import sys; from oca_pre_commit_hooks.cli import main; sys.exit(main())", *_modules()])
    assert result.returncode == 0, f"oca-checks-odoo-module reports:\n{result.stdout}{result.stderr}"


def test_oca_po_checks_clean():
    _require("oca_pre_commit_hooks")
    files = sorted(str(path.relative_to(ROOT)) for module in find_party_modules()
                   for path in (module / "i18n").glob("*.po*"))
    result = _run(["-c", "import sys; from oca_pre_commit_hooks.cli_po import main; sys.exit(main())", *files])
    assert result.returncode == 0, f"oca-checks-po reports:\n{result.stdout}{result.stderr}"


def test_readme_generated_from_fragments(module_dir):
    """README.rst is what tests/tools/gen_readme.py makes of readme/*.md (run it after editing a fragment)."""
    assert (module_dir / "readme" / "DESCRIPTION.md").exists(), f"{module_dir.name}: readme/DESCRIPTION.md missing"
    target = module_dir / "README.rst"
    assert target.exists() and target.read_text(encoding="utf-8") == gen_readme.build(module_dir), (
        f"{module_dir.name}/README.rst is out of date: python3 tests/tools/gen_readme.py")


def test_readme_is_valid_rst(module_dir):
    _require("docutils")
    import docutils.core

    warnings = io.StringIO()
    docutils.core.publish_doctree((module_dir / "README.rst").read_text(encoding="utf-8"), settings_overrides={
        "report_level": 2, "halt_level": 5, "warning_stream": warnings})
    assert not warnings.getvalue(), f"{module_dir.name}/README.rst:\n{warnings.getvalue()}"

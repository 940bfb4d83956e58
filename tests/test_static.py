"""Static checks of the party_* addons: manifests, access rights, Odoo 18 view syntax,
translation files and lint. No Odoo server or database is needed."""
import ast
import csv
import importlib.util
import re
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, find_party_modules

VERSION_RE = re.compile(r"^18\.0\.\d+\.\d+\.\d+$")
# Python sub-packages of an addon that may declare models
MODEL_PACKAGES = ("models", "wizard", "wizards", "report")

# Syntax removed in Odoo 17/18: list views are <list>, `attrs`/`states` became plain
# attributes (invisible="...", readonly="..."), ir.cron lost `numbercall`.
FORBIDDEN_XML = [
    (re.compile(r"<tree\b"), "<tree> (use <list> in Odoo 18)"),
    (re.compile(r"\sattrs="), "attrs= (removed in Odoo 17; use invisible=/readonly=/required=)"),
    (re.compile(r"\sstates="), "states= (removed in Odoo 17; use invisible=\"state != ...\")"),
    (re.compile(r"numbercall"), "numbercall (ir.cron field removed in Odoo 18)"),
    (re.compile(r"""name=["']view_mode["'][^>]*>[^<]*\btree\b"""), "view_mode containing 'tree' (use 'list')"),
    (re.compile(r"""\bview_mode=["'][^"']*\btree\b"""), "view_mode containing 'tree' (use 'list')"),
]
FORBIDDEN_PY = [
    (re.compile(r"""["']view_mode["']\s*:\s*["'][^"']*\btree\b"""), "view_mode containing 'tree' (use 'list')"),
]


def test_party_modules_exist():
    modules = find_party_modules()
    assert modules, f"no party_* addon (directory with __manifest__.py) found in {ROOT}"


# --------------------------------------------------------------------------- manifest
def test_manifest_version(module_dir, manifest):
    version = manifest.get("version", "")
    assert VERSION_RE.match(str(version)), (
        f"{module_dir.name}: version {version!r} must look like 18.0.x.y.z"
    )


def test_manifest_license(module_dir, manifest):
    assert manifest.get("license") == "LGPL-3", f"{module_dir.name}: license must be 'LGPL-3'"


def test_manifest_depends(module_dir, manifest):
    depends = manifest.get("depends")
    assert isinstance(depends, list) and depends, f"{module_dir.name}: 'depends' must be a non-empty list"


def test_manifest_files_exist(module_dir, manifest):
    missing = [
        f"{key}: {path}"
        for key in ("data", "demo")
        for path in manifest.get(key, [])
        if not (module_dir / path).is_file()
    ]
    assert not missing, f"{module_dir.name}: files listed in the manifest do not exist:\n  " + "\n  ".join(missing)


# --------------------------------------------------------------------------- access rights
def _base_kind(base):
    """'Model' / 'TransientModel' / 'AbstractModel' for `models.X` or bare `X` bases, else None."""
    name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", None)
    return name if name in ("Model", "TransientModel", "AbstractModel") else None


def _str_or_list(node):
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError):
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, str)]
    return []


def declared_models(module_dir):
    """Models newly declared by the module: {model name: 'file:line'}.

    A class counts when it has `_name = '...'` that is not also in its `_inherit`
    (which would just extend an existing model) and it is not an AbstractModel.
    """
    found = {}
    for package in MODEL_PACKAGES:
        for path in sorted((module_dir / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for cls in ast.walk(tree):
                if not isinstance(cls, ast.ClassDef):
                    continue
                kinds = {_base_kind(b) for b in cls.bases} - {None}
                if "AbstractModel" in kinds:
                    continue
                attrs = {}
                for stmt in cls.body:
                    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                            and isinstance(stmt.targets[0], ast.Name):
                        attrs[stmt.targets[0].id] = stmt.value
                abstract = attrs.get("_abstract")
                if isinstance(abstract, ast.Constant) and abstract.value is True:
                    continue
                names = _str_or_list(attrs["_name"]) if "_name" in attrs else []
                if not names:
                    continue
                name = names[0]
                if name in _str_or_list(attrs.get("_inherit", ast.Constant(None))):
                    continue
                found[name] = f"{path.relative_to(module_dir)}:{cls.lineno}"
    return found


def acl_model_xmlids(module_dir):
    path = module_dir / "security" / "ir.model.access.csv"
    if not path.is_file():
        return set()
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {row.get("model_id:id", "").strip().split(".")[-1] for row in rows}


def test_models_have_access_rights(module_dir):
    models = declared_models(module_dir)
    acls = acl_model_xmlids(module_dir)
    missing = [
        f"{name} ({where}) -> expected a line with model_id:id model_{name.replace('.', '_')}"
        for name, where in sorted(models.items())
        if "model_" + name.replace(".", "_") not in acls
    ]
    assert not missing, (
        f"{module_dir.name}/security/ir.model.access.csv has no access rule for:\n  " + "\n  ".join(missing)
    )


# --------------------------------------------------------------------------- Odoo 18 syntax
def _scan(files, patterns, module_dir):
    """'file:line: problem' for every match of `patterns`, in file and line order."""
    found = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        for regex, label in patterns:
            for match in regex.finditer(text):
                found.append((str(path.relative_to(module_dir)), text.count("\n", 0, match.start()) + 1, label))
    return [f"{name}:{line}: {label}" for name, line, label in sorted(found)]


def test_no_obsolete_xml_syntax(module_dir):
    files = [p for p in sorted(module_dir.rglob("*.xml")) if "static" not in p.relative_to(module_dir).parts]
    problems = _scan(files, FORBIDDEN_XML, module_dir)
    assert not problems, f"{module_dir.name}: syntax not valid in Odoo 18:\n  " + "\n  ".join(problems)


def test_no_tree_view_mode_in_python(module_dir):
    problems = _scan(sorted(module_dir.rglob("*.py")), FORBIDDEN_PY, module_dir)
    assert not problems, f"{module_dir.name}: syntax not valid in Odoo 18:\n  " + "\n  ".join(problems)


# --------------------------------------------------------------------------- translations
def test_has_translation_files(module_dir):
    i18n = module_dir / "i18n"
    assert (i18n / "zh_CN.po").is_file(), f"{module_dir.name}: missing i18n/zh_CN.po"
    assert list(i18n.glob("*.pot")), f"{module_dir.name}: missing i18n/{module_dir.name}.pot"


# --------------------------------------------------------------------------- lint
def _ruff_command():
    if importlib.util.find_spec("ruff") is not None:
        return [sys.executable, "-m", "ruff"]
    if shutil.which("ruff"):
        return [shutil.which("ruff")]
    return None


def test_ruff_clean():
    command = _ruff_command()
    if command is None:
        pytest.skip("ruff is not installed (pip install -r requirements.txt); lint not checked")
    targets = [m.name for m in find_party_modules()] + ["tests"]
    result = subprocess.run(
        [*command, "check", "--no-cache", "--output-format", "concise", "--config", str(ROOT / "ruff.toml"), *targets],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, f"ruff check failed:\n{result.stdout}{result.stderr}"

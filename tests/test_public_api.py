"""The public API checks itself: every exported and every documented name resolves.

Issue 14: `gankit.presets` and `gankit.nets.compact_cgan_generator`, used in the README, raised
AttributeError. These tests import the package as a user does (`import gankit`) and resolve, with
`getattr` only, every name in every `__all__` and every dotted `gankit.X.Y` reference in the
documentation and the package's docstrings; a failure lists every unresolved reference with the
file it came from.
"""

import ast
import importlib
import importlib.util
import json
import os
import pathlib
import pkgutil
import re
import subprocess
import sys

import keras
import pytest

import gankit

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE_DIR = ROOT / "gankit"
DOCS = ["README.md", "DEVELOPERS.md", "assets/README.md", *sorted(
    str(p.relative_to(ROOT)) for p in (ROOT / "docs").rglob("*.md"))]

# `gankit.a.b` (not after `-m `: `python -m gankit.grading.calibration` runs a module by path;
# not after `from `/`import `: an import statement reaches a module by import, see IMPORT).
REFERENCE = re.compile(r"(?<!-m )(?<!from )(?<!import )\bgankit(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
# `from gankit.a import b, c` in docs and docstring examples.
IMPORT = re.compile(r"\bfrom (gankit(?:\.[A-Za-z_][A-Za-z0-9_]*)*) import ([A-Za-z_][\w ,]*)")
# `gankit/nets/dcgan.py`, `gankit/metrics/` (not inside another path: `share/gankit/assets`).
SOURCE_PATH = re.compile(r"(?<![\w/.-])gankit/[A-Za-z0-9_/]*[A-Za-z0-9_]+(?:\.py)?\b/?")
# Strings that look like references but are not Python names.
NOT_PYTHON_NAMES = {"gankit.layout": "the PNG text key of grid layouts, `gankit.images.LAYOUT_KEY`"}


def _modules():
    """Every module of the package, imported (names like `gankit.nets.dcgan`)."""
    names = ["gankit"] + [
        info.name for info in pkgutil.walk_packages([str(PACKAGE_DIR)], prefix="gankit.")
        if info.name != "gankit.__main__"
    ]
    return {name: importlib.import_module(name) for name in names}


def _docstrings(path):
    """Module, class and function docstrings of one source file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = [tree] + [node for node in ast.walk(tree) if isinstance(
        node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))]
    # Attribute docstrings: a string literal right after an assignment.
    texts = [ast.get_docstring(node, clean=False) or "" for node in nodes]
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if not isinstance(body, list):
            continue
        for before, after in zip(body[:-1], body[1:]):
            if isinstance(before, (ast.Assign, ast.AnnAssign)) and isinstance(
                    after, ast.Expr) and isinstance(getattr(after, "value", None), ast.Constant):
                texts.append(str(after.value.value))
    return "\n".join(texts)


def _texts():
    """`{source: text}`: the documentation files and each package file's docstrings."""
    texts = {name: (ROOT / name).read_text(encoding="utf-8") for name in DOCS}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        texts[f"{path.relative_to(ROOT)} (docstrings)"] = _docstrings(path)
    return texts


_RESOLVER = """
import json, sys
import gankit
fresh = set(dir(gankit))  # what `gankit.X` reaches before anything else is imported
unresolved = []
for dotted in json.load(sys.stdin):
    parts = dotted.split(".")[1:]
    obj = gankit
    ok = parts[0] in fresh
    for part in parts if ok else ():
        try:
            obj = getattr(obj, part)
        except AttributeError:
            ok = False
            break
    if not ok:
        unresolved.append(dotted)
print(json.dumps(unresolved))
"""


def unresolved_in_fresh_process(references):
    """The references a user cannot reach after `import gankit`, by getattr only.

    Runs in a new interpreter: in this one, other tests have imported submodules, and an
    imported submodule becomes an attribute of its package whether or not it is exported.
    """
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    result = subprocess.run([sys.executable, "-c", _RESOLVER], input=json.dumps(sorted(references)),
                            capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def resolve(dotted):
    """The object `dotted` names, reached from the package by getattr (this process)."""
    obj = gankit
    for part in dotted.split(".")[1:]:
        try:
            obj = getattr(obj, part)
        except AttributeError:
            return None
    return obj


def test_docs_exist():
    for name in DOCS:
        assert (ROOT / name).is_file(), name


def test_every_all_name_resolves_and_is_sorted_without_duplicates():
    """Every `__all__` name exists; a package's `__all__` (its public listing) is sorted."""
    problems = []
    for name, module in _modules().items():
        exported = getattr(module, "__all__", None)
        if exported is None:
            continue
        for attr in exported:
            if not hasattr(module, attr):
                problems.append(f"{name}.__all__ lists {attr!r}, which {name} does not define")
        is_package = hasattr(module, "__path__")
        if is_package and list(exported) != sorted(exported):
            problems.append(f"{name}.__all__ is not sorted")
        if len(set(exported)) != len(exported):
            problems.append(f"{name}.__all__ has duplicates")
    _assert_no_problems(problems)


def _assert_no_problems(problems):
    assert not problems, "\n".join(sorted(set(problems)))


def test_package_all_lists_every_public_subpackage_name():
    """What a subpackage's `__all__` exports, `gankit.<subpackage>.<name>` resolves to."""
    problems = []
    for sub in ("callbacks", "data", "grading", "metrics", "models", "nets"):
        module = getattr(gankit, sub)
        for attr in module.__all__:
            if resolve(f"gankit.{sub}.{attr}") is None:
                problems.append(f"gankit.{sub}.{attr}")
        # Public functions and classes defined in the subpackage's modules are exported.
        for info in pkgutil.iter_modules(module.__path__):
            submodule = importlib.import_module(f"gankit.{sub}.{info.name}")
            for attr in getattr(submodule, "__all__", []):
                if attr not in module.__all__:
                    problems.append(f"gankit.{sub}.{info.name}.{attr} not in gankit.{sub}.__all__")
    _assert_no_problems(problems)


def test_every_net_builder_is_exported_from_nets():
    """`gankit.nets.<builder>` works for every builder, layer and helper of a builder file."""
    missing = []
    for info in pkgutil.iter_modules(gankit.nets.__path__):
        if info.name == "blocks":  # argument checks and inputs for builder authors
            continue
        module = importlib.import_module(f"gankit.nets.{info.name}")
        for attr, value in vars(module).items():
            if (not attr.startswith("_") and callable(value)
                    and getattr(value, "__module__", None) == module.__name__
                    and attr not in gankit.nets.__all__):
                missing.append(f"gankit.nets.{info.name}.{attr}")
    assert not missing, missing


def test_top_level_names_resolve():
    missing = [name for name in gankit.__all__ if resolve(f"gankit.{name}") is None]
    assert not missing, missing
    assert set(gankit.__all__) <= set(dir(gankit))


def test_not_python_names_are_what_they_say():
    assert "gankit.layout" == gankit.images.LAYOUT_KEY


def test_every_documented_reference_resolves():
    found = {}
    for source, text in _texts().items():
        for dotted in set(REFERENCE.findall(text)) - set(NOT_PYTHON_NAMES):
            found.setdefault(dotted, []).append(source)
    assert len(found) > 50  # the regex finds the references
    unresolved = unresolved_in_fresh_process(found)
    report = [f"{source}: {dotted}" for dotted in sorted(unresolved) for source in found[dotted]]
    assert not report, "unresolved references (after `import gankit`):\n" + "\n".join(report)


def test_every_documented_import_statement_works():
    problems = []
    for source, text in _texts().items():
        for module_name, names in IMPORT.findall(text):
            try:
                module = importlib.import_module(module_name)
            except ImportError as e:
                problems.append(f"{source}: from {module_name} import ... ({e})")
                continue
            for name in filter(None, (n.strip() for n in names.split(","))):
                name = name.split(" as ")[0].strip()
                if not hasattr(module, name) and not _is_module(f"{module_name}.{name}"):
                    problems.append(f"{source}: from {module_name} import {name}")
    assert not problems, "documented imports that fail:\n" + "\n".join(problems)


def test_every_documented_source_path_exists():
    missing = []
    for source, text in _texts().items():
        for path in sorted(set(SOURCE_PATH.findall(text))):
            target = ROOT / path.rstrip("/")
            if not (target.exists() or target.with_suffix(".py").exists()):
                missing.append(f"{source}: {path}")
    assert not missing, "paths that do not exist:\n" + "\n".join(missing)


def test_issue_14_names():
    # The names the issue found missing, as a new user types them.
    assert callable(gankit.presets.get)
    assert "fast-cgan" in gankit.presets.names()
    assert callable(gankit.nets.compact_cgan_generator)
    assert callable(gankit.nets.projection_discriminator)


def test_custom_layers_live_in_nets_layers_under_their_registered_names():
    from gankit.nets import cyclegan, layers

    for cls in (layers.ReflectionPadding2D, layers.RandomPatchCrop):
        assert issubclass(cls, keras.layers.Layer)
        assert keras.saving.get_registered_name(cls) == f"gankit>{cls.__name__}"
        assert getattr(gankit.nets, cls.__name__) is cls
        # The old public import path keeps working.
        assert getattr(cyclegan, cls.__name__) is cls
    # No net-builder file defines its own Layer subclass.
    for info in pkgutil.iter_modules(gankit.nets.__path__):
        module = importlib.import_module(f"gankit.nets.{info.name}")
        own = [value for value in vars(module).values()
               if isinstance(value, type) and issubclass(value, keras.layers.Layer)
               and value.__module__ == module.__name__]
        assert info.name == "layers" or not own, (info.name, own)


def test_saved_layer_config_from_before_the_move_still_loads():
    # A .keras file written before the move names the old module; the registered name finds it.
    config = keras.saving.serialize_keras_object(gankit.nets.layers.RandomPatchCrop(4, seed=3))
    config["module"] = "gankit.nets.cyclegan"
    layer = keras.saving.deserialize_keras_object(config)
    assert type(layer) is gankit.nets.layers.RandomPatchCrop
    assert (layer.size, layer.seed) == (4, 3)


def _is_module(name):
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


@pytest.mark.parametrize(
    "path", sorted(str(p.relative_to(ROOT)) for p in PACKAGE_DIR.rglob("*.py")))
def test_no_private_name_imported_from_another_module(path):
    """`from gankit.x import _helper` and `module._helper` across modules hide a public concept."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    module_aliases = set()
    bad = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("gankit"):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    bad.append(f"from {node.module} import {alias.name}")
                elif _is_module(f"{node.module}.{alias.name}"):
                    module_aliases.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            module_aliases.update(alias.asname for alias in node.names
                                  if alias.name.startswith("gankit") and alias.asname)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and isinstance(node.value, ast.Name) and node.value.id in module_aliases):
            bad.append(f"{node.value.id}.{node.attr} (line {node.lineno})")
    assert not bad, bad


RST_MARKUP = re.compile(r"(?<!`)``[^`\n]+``(?!`)|:(?:class|func|meth|mod|attr|exc):`")


@pytest.mark.parametrize(
    "path", sorted(str(p.relative_to(ROOT)) for p in PACKAGE_DIR.rglob("*.py")))
def test_docstrings_use_keras_markdown_not_rst(path):
    """One docstring style: Keras' Markdown (`name`, ```python blocks), no RST roles or ``x``."""
    found = RST_MARKUP.findall(_docstrings(ROOT / path))
    assert not found, f"{path}: RST markup in docstrings: {found[:5]}"

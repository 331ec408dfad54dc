"""No import cycles inside the package, counting the imports done inside functions too.

A cycle hidden in a function body still ties two modules together (neither can be understood,
tested or moved without the other) and turns into an ImportError the day someone hoists the
import. Imports under ``if TYPE_CHECKING:`` are not run and are not counted. Modules that
import by name at run time (``importlib.import_module``) must say what they can reach in
``DYNAMIC`` below, so a new dynamic import cannot slip past this test.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import networkx as nx
import pytest

PKG_DIR = Path(__file__).resolve().parent.parent / "graph" / "digiprov"
ROOT = "digiprov"


def _modules() -> dict[str, Path]:
    mods = {}
    for path in sorted(PKG_DIR.rglob("*.py")):
        parts = list(path.relative_to(PKG_DIR.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        mods[".".join(parts)] = path
    return mods


def _dynamic_targets(mods: dict[str, Path]) -> dict[str, set[str]]:
    """What each module that imports by name at run time can import."""
    from digiprov.exporters import FORMATS

    commands = {m for m in mods if m.startswith(f"{ROOT}.commands.")}
    formats = {f.target.split(":")[0] for f in FORMATS.values()}
    from digiprov import _LAZY

    lazy = {f"{ROOT}.{mod}" for mod, _attr in _LAZY.values()}
    return {f"{ROOT}.cli": commands, f"{ROOT}.exporters": formats, ROOT: lazy}


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST, module: str, is_pkg: bool, mods: dict[str, Path]):
    """(statically imported modules, whether importlib.import_module is called)."""
    package = module if is_pkg else module.rpartition(".")[0]
    found: set[str] = set()
    dynamic = False
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == ROOT)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] == ROOT:
                for alias in node.names:  # `from . import paths` imports a module
                    sub = f"{target}.{alias.name}"
                    found.add(sub if sub in mods else target)
        elif isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            if name in ("import_module", "__import__"):
                dynamic = True
        stack.extend(ast.iter_child_nodes(node))
    return found, dynamic


def import_graph() -> nx.DiGraph:
    mods = _modules()
    dynamic_targets = _dynamic_targets(mods)
    g = nx.DiGraph()
    g.add_nodes_from(mods)
    undeclared = []
    for mod, path in mods.items():
        found, dynamic = _imports(ast.parse(path.read_text(encoding="utf-8")), mod,
                                  path.name == "__init__.py", mods)
        if dynamic:
            if mod not in dynamic_targets:
                undeclared.append(mod)
            found |= dynamic_targets.get(mod, set())
        for target in found:
            # Every module's parent packages are loaded before it, so reading a name from
            # one (``from . import __version__``) adds nothing; the root's own eager imports
            # are checked by test_root_package_imports_only_leaves.
            if target == mod or mod.startswith(target + "."):
                continue
            g.add_edge(mod, target)
    assert not undeclared, f"declare what these import at run time in DYNAMIC: {undeclared}"
    return g


def test_no_import_cycles():
    g = import_graph()
    # each cycle written from its smallest module name, so the message is stable
    cycles = [c[c.index(min(c)):] + c[:c.index(min(c))] for c in nx.simple_cycles(g)]
    assert not cycles, "import cycles: " + "; ".join(
        " -> ".join(c + [c[0]]) for c in sorted(cycles, key=lambda c: (len(c), c)))


def test_root_package_imports_only_leaves():
    """``import digiprov`` runs before any submodule; what it imports eagerly must not import
    anything of the package back."""
    mods = _modules()
    tree = ast.parse(mods[ROOT].read_text(encoding="utf-8"))
    eager = {f"{ROOT}.{n.module}" for n in tree.body
             if isinstance(n, ast.ImportFrom) and n.level == 1 and n.module}
    g = import_graph()
    for mod in eager:
        assert not [t for t in g.successors(mod) if t != ROOT], f"{mod} is not a leaf"


def test_the_checker_sees_a_cycle_in_a_function_body(tmp_path, monkeypatch):
    """The detector itself: two modules importing each other inside functions."""
    pkg = tmp_path / "digiprov"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from .b import g\n")
    (pkg / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                              "    from .c import x\n"
                              "def g():\n    from . import a\n")
    (pkg / "c.py").write_text("from .b import g\n")
    monkeypatch.setattr(sys.modules[__name__], "PKG_DIR", pkg)
    monkeypatch.setattr(sys.modules[__name__], "_dynamic_targets", lambda mods: {})
    with pytest.raises(AssertionError, match=r"digiprov\.a -> digiprov\.b -> digiprov\.a"):
        test_no_import_cycles()
    assert ("digiprov.b", "digiprov.c") not in import_graph().edges  # TYPE_CHECKING only

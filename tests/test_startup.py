"""`digiprov --help` stays fast: no heavy library is imported at start-up."""

import subprocess
import sys

HEAVY = ("rdflib", "pyshacl", "pyvis", "neo4j", "jieba", "networkx", "pyoxigraph", "yaml",
         "pypinyin", "falkordb", "SPARQLWrapper", "playwright", "starlette", "uvicorn", "pebble",
         "jinja2")


def test_cli_start_up_imports_nothing_heavy():
    code = ("import sys; from digiprov.cli import main; "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == "", f"imported at start-up: {res.stdout.strip()}"


def test_help_lists_the_core_commands():
    res = subprocess.run([sys.executable, "-m", "digiprov.cli", "--help"], capture_output=True,
                         text=True, check=True)
    for cmd in ("build", "validate", "export", "stats"):
        assert f"  {cmd} " in res.stdout

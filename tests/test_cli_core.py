"""build / validate / export / stats through the CLI, and --help for every command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from digiprov.cli import main

REPO = Path(__file__).resolve().parent.parent


def _all_commands(group: click.Group, prefix=()):
    for name, cmd in sorted(group.commands.items()):
        yield (*prefix, name), cmd
        if isinstance(cmd, click.Group):
            yield from _all_commands(cmd, (*prefix, name))


def test_every_command_has_help_with_an_example(run_cli):
    commands = list(_all_commands(main))
    assert {("build",), ("validate",), ("export",), ("stats",)} <= {c for c, _ in commands}
    for path, cmd in commands:
        res = run_cli(*path, "--help")
        assert res.exit_code == 0, path
        if not isinstance(cmd, click.Group):
            assert "Example" in res.output, f"'digiprov {' '.join(path)} --help' shows no example"


def test_unknown_command_and_option_fail(run_cli):
    assert run_cli("frobnicate").exit_code == 2
    assert run_cli("export", "--format").exit_code == 2


@pytest.mark.parametrize("fmt,parse_as,quads", [
    ("trig", "trig", True), ("nquads", "nquads", True), ("jsonld", "json-ld", True),
    ("turtle", "turtle", False), ("nt", "nt", False), ("rdfxml", "xml", False),
])
def test_export_formats_round_trip(run_cli, dataset, tmp_path, fmt, parse_as, quads):
    out = tmp_path / f"x.{fmt}"
    res = run_cli("export", "--format", fmt, "-o", str(out))
    assert res.exit_code == 0, res.output
    if quads:
        back = Dataset()
        back.parse(out, format=parse_as)
        got = {(s, p, o, g.identifier if hasattr(g, "identifier") else g)
               for s, p, o, g in back.quads((None, None, None, None))}
        want = set()
        for s, p, o, g in dataset.quads():
            want.add((s, p, o, g))
        # rdflib names the default graph its own way; compare named graphs exactly
        named = {q for q in want if "urn:x-rdflib:default" not in str(q[3])}
        assert {q for q in got if "urn:x-rdflib:default" not in str(q[3])} == named
        assert len(got) == len(want)
    else:
        back = Graph().parse(out, format=parse_as)
        union = Graph()
        for t in dataset.triples():
            union.add(t)
        assert isomorphic(back, union)


def test_export_to_stdout_and_unknown_format(run_cli):
    res = run_cli("export", "-f", "nt")
    assert res.exit_code == 0 and res.stdout.count("\n") > 1000
    bad = run_cli("export", "-f", "docx", "-o", "x.docx")
    assert bad.exit_code == 2 and "unknown export format 'docx'" in bad.stderr


def test_failed_export_keeps_the_previous_file(run_cli, tmp_path, monkeypatch):
    target = tmp_path / "keep.trig"
    target.write_text("previous", encoding="utf-8")
    from digiprov import store

    def boom(self, out, fmt):
        out.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(store.OxigraphDataset, "serialize", boom)
    with pytest.raises(OSError):
        run_cli("export", "-f", "trig", "-o", str(target))
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.trig"]


def test_export_into_a_directory_path_is_refused(run_cli, tmp_path):
    res = run_cli("export", "-f", "trig", "-o", str(tmp_path))
    assert res.exit_code == 2 and "is a directory" in res.stderr


def test_stats_counts(run_cli):
    res = run_cli("stats", "--json")
    st = json.loads(res.stdout)
    assert st["classes"]["dp:Milestone"] == 5
    assert st["classes"]["dp:City"] == 5
    assert st["classes"]["dp:PolicyDocument"] == 8
    assert st["sources"][0]["statements"] > 90
    table = run_cli("stats").stdout
    assert "per class" in table and "dp:Observation" in table


def test_memory_store_answers_like_the_persisted_one(run_cli):
    a = run_cli("stats", "--json")
    b = run_cli("--store", "memory", "stats", "--json")
    sa, sb = json.loads(a.stdout), json.loads(b.stdout)
    assert sa["classes"] == sb["classes"] and sa["quads"] == sb["quads"]


@pytest.mark.slow
def test_end_to_end_as_a_subprocess(tmp_path):
    env = {**os.environ, "DIGIPROV_OUT": str(tmp_path / "out")}
    exe = [sys.executable, "-m", "digiprov.cli"]
    res = subprocess.run([*exe, "--seeds", str(REPO / "seeds"), "build"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "validated: conforms" in res.stdout
    res = subprocess.run([*exe, "--seeds", str(REPO / "seeds"), "validate"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and "0 violation(s)" in res.stdout
    res = subprocess.run([*exe, "--out", str(tmp_path / "none"), "stats"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 2 and res.stderr.count("\n") == 1


def test_export_registry_knows_every_rdf_format():
    from digiprov.exporters import FORMATS, RDF_FORMATS

    assert set(RDF_FORMATS) <= set(FORMATS)

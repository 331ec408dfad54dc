"""digiprov push against a real Oxigraph server (SPARQL 1.1 Graph Store HTTP Protocol)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from procs import free_port, stop

from digiprov.errors import InputError


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).with_name("oxigraph")
    return str(beside) if beside.exists() else shutil.which("oxigraph")


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    """An Oxigraph server on a free loopback port (union default graph, like digiprov)."""
    exe = oxigraph_binary()
    if exe is None:
        pytest.skip("the oxigraph server binary is missing (pip install oxigraph)")
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    proc = subprocess.Popen([exe, "serve", "--location", str(location), "--bind",
                             f"127.0.0.1:{port}", "--union-default-graph"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"oxigraph serve did not start: {proc.stderr.read().decode()}")
            time.sleep(0.2)
    yield base
    stop(proc, grace=10)


def server_quads(base: str) -> set[tuple]:
    """Every quad the server holds, read back through the Graph Store Protocol."""
    from rdflib import Dataset

    req = urllib.request.Request(base + "/store", headers={"Accept": "application/n-quads"})
    with urllib.request.urlopen(req, timeout=30) as r:
        data = r.read()
    ds = Dataset()
    ds.parse(data=data, format="nquads")
    return {(s, p, o, g) for s, p, o, g in ds.quads((None, None, None, None))}


def test_graph_store_url():
    from digiprov.push import graph_store_url

    assert graph_store_url("http://h:7878/query") == "http://h:7878/store"
    assert graph_store_url("http://h:7878") == "http://h:7878/store"
    assert graph_store_url("https://h/x/sparql/") == "https://h/x/store"
    with pytest.raises(InputError, match="give --graph-store"):
        graph_store_url("http://h:3030/ds/other")
    with pytest.raises(InputError, match="not an http"):
        graph_store_url("h:7878/query")


@pytest.mark.server
def test_push_then_every_named_query_agrees(oxigraph, dataset, run_cli):
    from digiprov.sparql import list_queries, run_query, run_remote

    r = run_cli("push", "--endpoint", oxigraph + "/query")
    assert r.exit_code == 0, r.output
    n = len(dataset)
    assert f"pushed {n} quads ({len(dataset.graph_names())} named graphs" in r.output
    first = server_quads(oxigraph)
    # the dataset has no blank nodes, so the server must hold exactly the same quads
    assert len(first) == n and first == set(dataset.quads())

    queries = list_queries()
    if not queries:
        pytest.skip("no named queries yet")
    for q in queries:
        local = run_query(dataset, q.text, q.examples)
        remote = run_remote(oxigraph + "/query", q.text, q.examples)
        assert (remote.kind, remote.vars, remote.boolean) == \
            (local.kind, local.vars, local.boolean), q.name
        if "ORDER BY" in q.text.upper():
            assert remote.rows == local.rows, q.name
        else:
            assert sorted(map(repr, remote.rows)) == sorted(map(repr, local.rows)), q.name
        # and through the CLI, as a user would
        args = [x for k, v in q.examples.items() for x in ("-p", f"{k}={v}")]
        out_l = json.loads(run_cli("query", "--name", q.name, *args, "--format", "json").output)
        out_r = json.loads(run_cli("query", "--name", q.name, *args, "--format", "json",
                                   "--endpoint", oxigraph + "/query").output)
        if "results" in out_l and "ORDER BY" not in q.text.upper():
            for doc in (out_l, out_r):
                doc["results"]["bindings"].sort(key=lambda b: json.dumps(b, sort_keys=True))
        assert out_r == out_l, q.name

    # a second push changes nothing
    r = run_cli("push", "--endpoint", oxigraph + "/query", "--quiet")
    assert r.exit_code == 0, r.output
    assert server_quads(oxigraph) == first


@pytest.mark.server
def test_push_refused_is_one_line(oxigraph, run_cli):
    r = run_cli("push", "--graph-store", oxigraph + "/nowhere", "--quiet")
    assert r.exit_code == 2
    line = r.output.strip().splitlines()
    assert len(line) == 1
    assert line[0].startswith(f"digiprov: error: graph store {oxigraph}/nowhere refused the "
                              "default graph: HTTP 404")


def test_push_unreachable(run_cli):
    port = free_port()
    r = run_cli("push", "--endpoint", f"http://127.0.0.1:{port}/query", "--quiet",
                "--timeout", "5")
    assert r.exit_code == 2
    assert r.output.strip() == (f"digiprov: error: cannot reach graph store at "
                                f"http://127.0.0.1:{port}/store?default: [Errno 111] "
                                "Connection refused")


def test_push_needs_a_target(run_cli):
    r = run_cli("push")
    assert r.exit_code == 2 and "give --endpoint URL" in r.output


@pytest.mark.server
def test_push_prune_removes_only_our_stale_graphs(oxigraph, dataset, run_cli):
    stale = "https://w3id.org/digiprov/id/statement/gone/p1-0-1"
    foreign = "http://example.org/someone-elses-graph"
    for g in (stale, foreign):
        req = urllib.request.Request(
            oxigraph + "/store?graph=" + urllib.parse.quote(g, safe=""), method="PUT",
            data=b"<http://example.org/s> <http://example.org/p> \"1\" .\n",
            headers={"Content-Type": "application/n-triples"})
        urllib.request.urlopen(req, timeout=30).read()
    r = run_cli("push", "--endpoint", oxigraph + "/query", "--quiet", "--prune")
    assert r.exit_code == 0, r.output
    assert r.output.strip().endswith("; removed 1 stale graph(s)")
    graphs = {str(g) for *_, g in server_quads(oxigraph)}
    assert stale not in graphs and foreign in graphs
    assert {str(g) for g in dataset.graph_names()} <= graphs
    r = run_cli("push", "--graph-store", oxigraph + "/store", "--prune")
    assert r.exit_code == 2 and "--prune needs --endpoint" in r.output

"""digiprov push (SPARQL 1.1 Graph Store HTTP Protocol) against two independent real stores,
Oxigraph and Virtuoso, each followed by every named query on the store and on the dataset."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from procs import free_port, require_or_skip, stop
from rdflib import Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID as DEFAULT

from digiprov.errors import InputError


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).with_name("oxigraph")
    return str(beside) if beside.exists() else shutil.which("oxigraph")


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    """An Oxigraph server on a free loopback port (union default graph, like digiprov)."""
    exe = oxigraph_binary()
    if exe is None:
        require_or_skip("the oxigraph server binary is missing (pip install -e '.[test]')")
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


def _order_keys(text: str) -> list[tuple[str, bool]]:
    """The ORDER BY keys of a query as (variable, compared as str()) pairs; [] if none."""
    m = re.search(r"ORDER\s+BY\s+(.+?)(?:\bLIMIT\b|\bOFFSET\b|\Z)", text, re.I | re.S)
    if not m:
        return []
    keys = []
    for tok in re.finditer(r"(?i)\bstr\s*\(\s*\?(\w+)\s*\)|\?(\w+)", m.group(1)):
        keys.append((tok.group(1), True) if tok.group(1) else (tok.group(2), False))
    return keys


def _defined_order(q, rows, vars_) -> list[tuple[str, bool]]:
    """The leading ORDER BY keys whose order SPARQL defines. Language-tagged literals have no
    '<' in SPARQL 1.1 (section 15.1 leaves their order to the store), so a key holding any
    ends the part of the order two stores must share; str(?x) is a simple literal, ordered
    by code point everywhere."""
    out = []
    for var, as_str in _order_keys(q.text):
        col = vars_.index(var)
        if not as_str and any(isinstance(r[col], Literal) and r[col].language for r in rows):
            break
        out.append((var, as_str))
    return out


def assert_named_queries_agree(dataset, endpoint: str, run_cli, *, same_engine: bool) -> None:
    """Every named query gives the local answers on the store at ``endpoint``, through the
    Python API and through the CLI. Rows are compared as multisets; where the query has ORDER
    BY, the store must also order them the same way: entirely if it is the same engine
    (Oxigraph), else on the keys whose order SPARQL defines (ties may come in any order)."""
    from digiprov.sparql import list_queries, run_query, run_remote

    queries = list_queries()
    assert len(queries) >= 16, [q.name for q in queries]
    for q in queries:
        local = run_query(dataset, q.text, q.examples)
        remote = run_remote(endpoint, q.text, q.examples)
        assert (remote.kind, remote.vars, remote.boolean) == \
            (local.kind, local.vars, local.boolean), q.name
        assert local.rows, f"{q.name}: no local answers, the comparison would be vacuous"
        assert sorted(map(repr, remote.rows)) == sorted(map(repr, local.rows)), q.name
        if same_engine and _order_keys(q.text):
            assert remote.rows == local.rows, q.name
        elif _order_keys(q.text):
            keys = _defined_order(q, local.rows, local.vars)

            def seq(rows, keys=keys, res=local):
                return [tuple(str(r[res.vars.index(v)]) if s else r[res.vars.index(v)]
                              for v, s in keys) for r in rows]

            assert seq(remote.rows) == seq(local.rows), q.name
        # and through the CLI, as a user would
        args = [x for k, v in q.examples.items() for x in ("-p", f"{k}={v}")]
        out_l = json.loads(run_cli("query", "--name", q.name, *args, "--format", "json").output)
        out_r = json.loads(run_cli("query", "--name", q.name, *args, "--format", "json",
                                   "--endpoint", endpoint).output)
        for doc in (out_l, out_r):
            if "results" in doc:
                doc["results"]["bindings"].sort(key=lambda b: json.dumps(b, sort_keys=True))
        assert out_r == out_l, q.name


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
    r = run_cli("push", "--endpoint", oxigraph + "/query")
    assert r.exit_code == 0, r.output
    n = len(dataset)
    assert f"pushed {n} quads ({len(dataset.graph_names())} named graphs" in r.output
    first = server_quads(oxigraph)
    # the dataset has no blank nodes, so the server must hold exactly the same quads
    assert len(first) == n and first == set(dataset.quads())

    assert_named_queries_agree(dataset, oxigraph + "/query", run_cli, same_engine=True)

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


# ------------------------------------------------------------------ Virtuoso

VIRTUOSO_INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
ServerThreads = 4
CheckpointInterval = 0
NumberOfBuffers = 2000
MaxDirtyBuffers = 1500
DirsAllowed = {d}

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerThreads = 4
MaxClientConnections = 4

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""
# Virtuoso's graph store has no default graph of its own (its default graph is the union of
# all graphs), so the dataset's default graph goes into this named graph.
DEFAULT_AS = "https://w3id.org/digiprov/id/graph/default"


@dataclass
class Virtuoso:
    sparql: str  # the SPARQL endpoint
    crud: str  # the Graph Store Protocol endpoint


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """Debian's Virtuoso (scripts/test installs it) with a fresh database in a temp dir, on
    free loopback ports, its anonymous SPARQL user allowed to write; stopped by pid."""
    exe, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if exe is None or isql is None:
        require_or_skip("Virtuoso is not installed (scripts/test installs Debian's "
                        "virtuoso-opensource-7-bin)")
    d = tmp_path_factory.mktemp("virtuoso")
    sql, http = free_port(), free_port()
    ini = d / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(d=d, sql=sql, http=http), encoding="utf-8")
    proc = subprocess.Popen([exe, "-c", str(ini), "+foreground"], cwd=d,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{http}"
    deadline = time.monotonic() + 90  # a new database takes several seconds
    while True:
        try:
            urllib.request.urlopen(base + "/sparql?query=ASK%7B%7D", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                stop(proc, grace=10)
                log = (d / "virtuoso.log").read_text(errors="replace")[-1500:] \
                    if (d / "virtuoso.log").exists() else ""
                pytest.fail(f"Virtuoso did not start: {log}")
            time.sleep(0.3)
    try:
        # dba/dba is a new database's own administrator, reachable on loopback only
        subprocess.run([isql, str(sql), "dba", "dba",
                        'exec=GRANT SPARQL_UPDATE TO "SPARQL";'],
                       check=True, capture_output=True, timeout=60)
        yield Virtuoso(base + "/sparql", base + "/sparql-graph-crud")
    finally:
        stop(proc, grace=30)


def virtuoso_quads(v: Virtuoso) -> set[tuple]:
    """The quads of digiprov's graphs in Virtuoso (it also keeps system graphs of its own),
    the default graph mapped back from DEFAULT_AS."""
    from digiprov.sparql import run_remote

    res = run_remote(v.sparql, """SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o }
        FILTER(STRSTARTS(STR(?g), "https://w3id.org/digiprov/")) }""")
    return {(s, p, o, DEFAULT if g == URIRef(DEFAULT_AS) else g) for s, p, o, g in res.rows}


@pytest.mark.server
def test_push_to_virtuoso_then_every_named_query_agrees(virtuoso, dataset, run_cli):
    """A second, independent store: Virtuoso holds exactly the dataset after a push, every
    named query answers as on the local store, and pushing again changes nothing."""
    r = run_cli("push", "--graph-store", virtuoso.crud, "--default-graph", DEFAULT_AS,
                "--quiet")
    assert r.exit_code == 0, r.output
    n = len(dataset)
    assert re.fullmatch(rf"pushed {n} quads \({len(dataset.graph_names())} named graphs \+ "
                        rf"the default graph, \d+ KiB of N-Triples\) to {re.escape(virtuoso.crud)}",
                        r.output.strip()), r.output
    first = virtuoso_quads(virtuoso)
    assert len(first) == n and first == set(dataset.quads())

    assert_named_queries_agree(dataset, virtuoso.sparql, run_cli, same_engine=False)

    r = run_cli("push", "--graph-store", virtuoso.crud, "--default-graph", DEFAULT_AS,
                "--quiet")
    assert r.exit_code == 0, r.output
    assert virtuoso_quads(virtuoso) == first


@pytest.mark.server
def test_push_to_virtuoso_without_default_graph_says_what_to_do(virtuoso, run_cli):
    r = run_cli("push", "--graph-store", virtuoso.crud, "--quiet")
    assert r.exit_code == 2
    lines = r.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"digiprov: error: graph store {virtuoso.crud} refused the "
                               "default graph: HTTP 500; a store without a writable default "
                               "graph (Virtuoso) needs --default-graph IRI: ")


def test_default_graph_must_be_an_iri_of_its_own(run_cli, dataset):
    r = run_cli("push", "--graph-store", "http://127.0.0.1:9/store", "--default-graph", "x y",
                "--quiet")
    assert r.exit_code == 2 and "--default-graph 'x y' is not an absolute IRI" in r.output
    g = str(dataset.graph_names()[0])
    r = run_cli("push", "--graph-store", "http://127.0.0.1:9/store", "--default-graph", g,
                "--quiet")
    assert r.exit_code == 2 and "is one of the dataset's own named graphs" in r.output


def test_an_answer_before_the_body_is_read_is_returned_not_a_broken_pipe():
    """A store that refuses a large PUT at once and closes (Virtuoso does) must surface its
    status, however fast the client uploads."""
    import socket
    import threading

    from digiprov.sparql import http_request

    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]

    def refuse():
        conn, _ = srv.accept()
        buf = b""
        while b"\r\n\r\n" not in buf:
            buf += conn.recv(4096)
        conn.sendall(b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n"
                     b"Content-Length: 7\r\nConnection: close\r\n\r\nrefused")
        conn.close()  # with most of the body unread: the client's next send fails

    t = threading.Thread(target=refuse, daemon=True)
    t.start()
    try:
        status, ctype, data = http_request(
            "PUT", f"http://127.0.0.1:{port}/store?default", b"x" * (32 << 20),
            {"Content-Type": "application/n-triples"}, timeout=10, what="graph store")
    finally:
        t.join(5)
        srv.close()
    assert (status, ctype, data) == (500, "text/plain", b"refused")

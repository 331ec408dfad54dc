"""digiprov serve, checked with an independent client (SPARQLWrapper) over real HTTP.

The endpoint runs as a subprocess (`digiprov serve`) on a free loopback port and is stopped by
its pid. One read-only server (worker processes, 3 s timeout, 1000-row cap, 64 KiB requests)
serves most tests; a second one with --allow-update on the in-memory store covers updates.
"""

from __future__ import annotations

import csv
import io
import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from procs import free_port, import_or_skip, require_or_skip, stop
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

SPARQLWrapper = import_or_skip("SPARQLWrapper", "SPARQLWrapper is not installed (test extra)")
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, POSTDIRECTLY, TSV, TURTLE, XML  # noqa: E402
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
MILESTONES = ("SELECT ?m ?d ?l WHERE { ?m a dp:Milestone ; dp:deadline ?d ; skos:prefLabel ?l "
              "FILTER(lang(?l) = 'zh') } ORDER BY ?d ?m")


def start_server(*args: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    exe = Path(sys.executable).with_name("digiprov")
    cmd = [str(exe), *args, "--port", str(port)]  # args end with "serve ..."
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"digiprov serve exited: {proc.stderr.read().decode()}")
        try:
            urllib.request.urlopen(base + "/sparql", timeout=2).read()
            return proc, base
        except OSError:
            time.sleep(0.2)
    stop(proc)
    raise RuntimeError("digiprov serve did not start within 60 s")


@pytest.fixture(scope="module")
def endpoint(built_out):
    proc, base = start_server("--out", str(built_out), "--seeds", str(SEEDS), "serve",
                              "--timeout", "3", "--max-rows", "1000",
                              "--max-request-bytes", "65536", "--workers", "2")
    yield base
    stop(proc)
    assert proc.returncode == 0, "the server did not stop cleanly on SIGTERM"


@pytest.fixture(scope="module")
def update_endpoint():
    proc, base = start_server("--store", "memory", "--seeds", str(SEEDS), "serve",
                              "--allow-update", "--timeout", "5")
    yield base
    stop(proc)


def wrapper(base: str, query: str, fmt=JSON, method: str | None = None):
    w = SPARQLWrapper.SPARQLWrapper(base + "/sparql")
    w.setQuery(query)
    w.setReturnFormat(fmt)
    if method == POSTDIRECTLY:
        w.setMethod(POST)
        w.setRequestMethod(POSTDIRECTLY)
    elif method:
        w.setMethod(method)
    return w


def http(method: str, url: str, body: bytes | None = None, headers: dict | None = None):
    req = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def local_rows(dataset, query):
    from digiprov.sparql import run_query

    return run_query(dataset, query).rows


# ------------------------------------------------------------------ result formats


@pytest.mark.parametrize("method", [None, POST, POSTDIRECTLY])
def test_select_json(endpoint, dataset, method):
    res = wrapper(endpoint, MILESTONES, JSON, method).query()
    assert res.info()["content-type"] == "application/sparql-results+json"
    doc = res.convert()
    rows = [(URIRef(b["m"]["value"]), Literal(b["d"]["value"], datatype=URIRef(
        b["d"]["datatype"])), Literal(b["l"]["value"], lang=b["l"]["xml:lang"]))
        for b in doc["results"]["bindings"]]
    assert rows == local_rows(dataset, MILESTONES) and len(rows) >= 3


def test_select_xml(endpoint, dataset):
    res = wrapper(endpoint, MILESTONES, XML).query()
    assert res.info()["content-type"] == "application/sparql-results+xml"
    dom = res.convert()
    results = dom.getElementsByTagName("result")
    assert len(results) == len(local_rows(dataset, MILESTONES))
    first = {b.getAttribute("name"): b.firstChild for b in
             results[0].getElementsByTagName("binding")}
    assert first["l"].tagName == "literal" and first["l"].getAttribute("xml:lang") == "zh"
    assert first["m"].tagName == "uri"


def test_select_csv_and_tsv(endpoint, dataset):
    rows = local_rows(dataset, MILESTONES)
    res = wrapper(endpoint, MILESTONES, CSV).query()
    assert res.info()["content-type"] == "text/csv; charset=utf-8"
    raw = res.response.read()
    assert raw.startswith(b"m,d,l\r\n")
    parsed = list(csv.reader(io.StringIO(raw.decode(), newline="")))
    assert parsed[1:] == [[str(t) for t in r] for r in rows]
    res = wrapper(endpoint, MILESTONES, TSV).query()
    assert res.info()["content-type"] == "text/tab-separated-values; charset=utf-8"
    lines = res.response.read().decode().splitlines()
    assert lines[0] == "?m\t?d\t?l"
    from digiprov.sparql import nt_term

    assert lines[1] == "\t".join(nt_term(t) for t in rows[0])


def test_ask(endpoint):
    assert wrapper(endpoint, "ASK { ?x a dp:Province }").query().convert()["boolean"] is True
    dom = wrapper(endpoint, "ASK { ?x a dp:Atlantis }", XML).query().convert()
    assert dom.getElementsByTagName("boolean")[0].firstChild.data == "false"


def test_construct_formats(endpoint, dataset):
    q = "CONSTRUCT WHERE { ?m a dp:Milestone ; dp:deadline ?d }"
    expected = Graph()
    for t in dataset.query(q).triples:
        expected.add(t)
    assert len(expected) >= 6
    for fmt, ctype, rdflib_fmt in [(TURTLE, "text/turtle", "turtle"),
                                   (N3, "text/turtle", "turtle"),
                                   (JSONLD, "application/ld+json", "json-ld")]:
        res = wrapper(endpoint, q, fmt).query()
        assert res.info()["content-type"].split(";")[0] == ctype, fmt
        g = Graph().parse(data=res.response.read(), format=rdflib_fmt)
        assert isomorphic(g, expected), fmt
    for accept, rdflib_fmt in [("application/n-triples", "nt"), ("application/trig", "trig"),
                               ("application/rdf+xml", "xml")]:
        url = endpoint + "/sparql?" + urllib.parse.urlencode({"query": q})
        status, headers, body = http("GET", url, headers={"Accept": accept})
        assert status == 200 and headers["Content-Type"].startswith(accept)
        assert isomorphic(Graph().parse(data=body, format=rdflib_fmt), expected), accept


def test_content_negotiation_q_values(endpoint):
    url = endpoint + "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})
    _, h, _ = http("GET", url, headers={
        "Accept": "application/sparql-results+json;q=0.5, text/csv"})
    assert h["Content-Type"].startswith("text/csv")
    _, h, _ = http("GET", url, headers={"Accept": "text/html,*/*;q=0.8"})
    assert h["Content-Type"] == "application/sparql-results+json"
    status, _, body = http("GET", url, headers={"Accept": "image/png"})
    assert status == 406 and b"application/sparql-results+json" in body


def test_graph_parameters(endpoint, dataset):
    graphs = [str(g) for g in dataset.graph_names() if "/statement/" in str(g)]
    g0 = graphs[0]
    expected = {r for r in dataset.query(f"SELECT ?s ?p ?o {{ GRAPH <{g0}> {{ ?s ?p ?o }} }}")}
    w = wrapper(endpoint, "SELECT ?s ?p ?o { ?s ?p ?o }")
    w.addDefaultGraph(g0)
    got = w.query().convert()["results"]["bindings"]
    assert len(got) == len(expected) > 0
    w = wrapper(endpoint, "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }")
    w.addNamedGraph(graphs[0])
    w.addNamedGraph(graphs[1])
    got = {b["g"]["value"] for b in w.query().convert()["results"]["bindings"]}
    assert got == {graphs[0], graphs[1]}


def test_row_cap_is_flagged(endpoint, dataset):
    res = wrapper(endpoint, "SELECT * { ?s ?p ?o }").query()
    assert res.info()["x-digiprov-truncated"] == "max-rows=1000"
    assert len(res.convert()["results"]["bindings"]) == 1000 < len(dataset)
    res = wrapper(endpoint, "SELECT * { ?s a dp:Province }").query()
    assert "x-digiprov-truncated" not in res.info()


# ------------------------------------------------------------------ service description, CORS


def test_service_description(endpoint, dataset):
    status, headers, body = http("GET", endpoint + "/sparql")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    g = Graph().parse(data=body, format="turtle")
    svc = URIRef(endpoint + "/sparql")
    assert (svc, SD.endpoint, svc) in g
    assert (svc, SD.supportedLanguage, SD.SPARQL11Query) in g
    assert (svc, SD.supportedLanguage, SD.SPARQL11Update) not in g
    assert (svc, SD.feature, SD.UnionDefaultGraph) in g
    fmts = {str(o).rsplit("/", 1)[1] for o in g.objects(svc, SD.resultFormat)}
    assert {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
            "SPARQL_Results_TSV", "Turtle"} <= fmts
    names = set(g.objects(None, SD.name))
    assert names == set(dataset.graph_names())
    from rdflib.namespace import VOID

    default = g.value(g.value(svc, SD.defaultDataset), SD.defaultGraph)
    assert g.value(default, VOID.triples).toPython() == len(set(dataset.triples()))
    _, headers, body = http("GET", endpoint + "/sparql",
                            headers={"Accept": "application/ld+json"})
    assert headers["Content-Type"] == "application/ld+json"
    assert isomorphic(Graph().parse(data=body, format="json-ld"), g)


def test_cors(endpoint):
    url = endpoint + "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})
    _, headers, _ = http("GET", url, headers={"Origin": "http://example.org"})
    assert headers["Access-Control-Allow-Origin"] == "*"
    status, headers, body = http("OPTIONS", endpoint + "/sparql", headers={
        "Origin": "http://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert status == 204 and body == b""
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert headers["Access-Control-Allow-Headers"] == "content-type"


# ------------------------------------------------------------------ error paths


def test_syntax_error_400_with_parser_message(endpoint):
    with pytest.raises(QueryBadFormed) as exc:
        wrapper(endpoint, "SELECT * WHERE { ?s ?p }").query()
    assert "SPARQL syntax error: error at 1:" in str(exc.value)


def test_update_refused_403(endpoint):
    w = wrapper(endpoint, "INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }")
    w.setMethod(POST)
    with pytest.raises(urllib.error.HTTPError) as exc:
        w.query()
    assert exc.value.code == 403
    assert b"read-only" in exc.value.read()
    status, _, _ = http("POST", endpoint + "/sparql", b"CLEAR ALL",
                        {"Content-Type": "application/sparql-update"})
    assert status == 403
    assert wrapper(endpoint, "ASK { ?x a dp:Province }").query().convert()["boolean"]


def test_timeout_503_then_recovers(endpoint):
    w = wrapper(endpoint, SLOW)
    with pytest.raises(urllib.error.HTTPError) as exc:
        w.query()
    assert exc.value.code == 503
    assert b"exceeded the 3 s time limit and was stopped" in exc.value.read()
    # the killed worker is replaced; both workers answer again
    for _ in range(4):
        assert wrapper(endpoint, "ASK { ?x a dp:Province }").query().convert()["boolean"]


def test_unknown_graph_400(endpoint):
    w = wrapper(endpoint, "SELECT * { ?s ?p ?o }")
    w.addDefaultGraph("http://example.org/no-such-graph")
    with pytest.raises(QueryBadFormed) as exc:
        w.query()
    assert "unknown graph <http://example.org/no-such-graph> (default-graph-uri)" in \
        str(exc.value)
    w = wrapper(endpoint, "SELECT * { ?s ?p ?o }")
    w.addNamedGraph("not an iri")
    with pytest.raises(QueryBadFormed, match="not an absolute IRI"):
        w.query()


def test_request_too_large_413(endpoint):
    big = "ASK { ?s ?p ?o } #" + "x" * 70_000
    status, _, body = http("POST", endpoint + "/sparql", big.encode(),
                           {"Content-Type": "application/sparql-query"})
    assert status == 413 and b"exceeds the limit of 65536 bytes" in body
    w = wrapper(endpoint, big)
    w.setMethod(POST)
    with pytest.raises(urllib.error.HTTPError) as exc:
        w.query()
    assert exc.value.code == 413


def test_other_protocol_errors(endpoint):
    status, _, body = http("POST", endpoint + "/sparql", b"ASK {}",
                           {"Content-Type": "text/plain"})
    assert status == 415 and b"application/sparql-query" in body
    status, _, body = http("POST", endpoint + "/sparql", b"query=ASK{}&update=CLEAR+ALL",
                           {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400 and b"not both" in body
    status, _, _ = http("GET", endpoint + "/sparql?query=ASK{}&query=ASK{}")
    assert status == 400
    status, _, _ = http("GET", endpoint + "/nowhere")
    assert status == 404


# ------------------------------------------------------------------ the query page


def test_query_page_offline_and_escaped(endpoint):
    from digiprov.sparql import list_queries

    status, headers, body = http("GET", endpoint + "/")
    page = body.decode()
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<textarea" in page and "default-src 'none'" in headers["Content-Security-Policy"]
    for q in list_queries():
        assert f"/?name={q.name}" in page
    # nothing is loaded from elsewhere: no scripts, no external stylesheets or images
    assert "<script" not in page and not re.search(r'(src|href)="(https?:)?//', page)
    hostile = '# </textarea><script>alert(1)</script>\nSELECT ?x WHERE { BIND("<b>&" AS ?x) }'
    status, _, body = http("GET", endpoint + "/?" + urllib.parse.urlencode({"query": hostile}))
    page = body.decode()
    assert "<script>" not in page and "&lt;/textarea&gt;&lt;script&gt;" in page
    assert "<td>&lt;b&gt;&amp;</td>" in page


def test_query_page_runs_named_query_with_params(endpoint, dataset):
    from digiprov.sparql import list_queries, run_query

    q = {q.name: q for q in list_queries()}["milestones-due"]
    status, _, body = http("GET", endpoint + "/?name=milestones-due")
    page = body.decode()
    n = len(run_query(dataset, q.text, q.examples).rows)
    assert status == 200 and f"{n} row" in page and page.count("<tr>") == n + 1
    form = urllib.parse.urlencode({"query": "SELECT ?s ?c { ?s a ?c }", "params": "c=dp:City"})
    status, _, body = http("POST", endpoint + "/", form.encode(),
                           {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and "5 rows" in body.decode()


# ------------------------------------------------------------------ remote client, updates


def test_query_cli_against_the_endpoint(endpoint, dataset):
    """digiprov query --endpoint gives the embedded store's answers for every named query."""
    from digiprov.sparql import list_queries, run_query, run_remote

    for q in list_queries():
        local = run_query(dataset, q.text, q.examples)
        remote = run_remote(endpoint + "/sparql", q.text, q.examples)
        assert (remote.kind, remote.vars, remote.rows, remote.boolean) == \
            (local.kind, local.vars, local.rows, local.boolean), q.name


def test_update_allowed(update_endpoint):
    w = wrapper(update_endpoint, "INSERT DATA { GRAPH <http://example.org/g> { "
                                 "<http://example.org/x> a dp:Province } }")
    w.setMethod(POST)
    w.query()
    ask = wrapper(update_endpoint, "ASK { <http://example.org/x> a dp:Province }")
    assert ask.query().convert()["boolean"] is True
    _, _, body = http("GET", update_endpoint + "/sparql")
    g = Graph().parse(data=body, format="turtle")
    assert (None, SD.supportedLanguage, SD.SPARQL11Update) in g
    assert URIRef("http://example.org/g") in set(g.objects(None, SD.name))
    status, _, body = http("POST", update_endpoint + "/sparql", b"INSERT DATA { ?x }",
                           {"Content-Type": "application/sparql-update"})
    assert status == 400


def test_serve_refuses_a_busy_port(run_cli, built_out):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = run_cli("serve", "--port", str(port), "--workers", "0")
    assert r.exit_code == 2 and f"cannot listen on 127.0.0.1:{port}" in r.output


def test_results_json_matches_library_json(endpoint, dataset):
    from digiprov.sparql import results_json, run_query

    url = endpoint + "/sparql?" + urllib.parse.urlencode({"query": MILESTONES})
    _, _, body = http("GET", url)
    assert json.loads(body) == json.loads(results_json(run_query(dataset, MILESTONES)))


@pytest.mark.browser
def test_query_page_in_chromium(endpoint, dataset, artifacts_dir):
    """The page works in a real browser with no network beyond the server itself."""
    import shutil

    chromium = shutil.which("chromium")
    if chromium is None:
        require_or_skip("Debian's chromium is not installed (scripts/test installs it)")
    sync_api = import_or_skip("playwright.sync_api", "playwright is not installed (test extra)")
    from digiprov.sparql import list_queries, run_query

    named = {q.name: q for q in list_queries()}
    expected = run_query(dataset, named["milestones-2021"].text)
    foreign: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        page.on("request", lambda req: None if req.url.startswith(endpoint)
                else foreign.append(req.url))
        page.goto(endpoint + "/")
        page.click("a[href='/?name=milestones-2021']")
        page.wait_for_selector("#results table")
        rows = page.locator("#results tbody tr")
        assert rows.count() == len(expected.rows)
        first = rows.nth(0).locator("td").all_inner_texts()
        assert first[0] == str(expected.rows[0][0]) and first[2] == str(expected.rows[0][2])
        # edit the query in the textarea and run it with a parameter
        page.fill("#query", "SELECT ?c ?l ?k WHERE { ?c a ?k ; skos:prefLabel ?l "
                            "FILTER(lang(?l) = 'zh') } ORDER BY ?l")
        page.fill("#params", "k=dp:City")
        page.click("button[type=submit]")
        page.wait_for_selector("#results table")
        assert page.locator("#results tbody tr").count() == 5
        page.screenshot(path=str(artifacts_dir / "sparql-query-page.png"), full_page=True)
        browser.close()
    assert foreign == []


def test_thread_mode_timeout_in_process():
    """--workers 0: the server runs queries in threads and still answers 503 on time.

    The dataset is 200 tiny triples; a three-way cross product counts 8 million rows, which
    takes Oxigraph about a second or more, far above the 0.2 s limit."""
    import threading

    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    from digiprov.server import ServerOptions, SparqlApp, make_server
    from digiprov.store import memory_oxigraph

    ex = Namespace("http://example.org/")
    ds = memory_oxigraph([(ex[f"s{i}"], ex.p, Literal(i), DATASET_DEFAULT_GRAPH_ID)
                          for i in range(200)])
    opts = ServerOptions(workers=0, timeout=0.2, access_log=False)
    app = SparqlApp(ds, opts)
    server = make_server(app, "127.0.0.1", 0)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    base = "http://{}:{}".format(*server.server_address[:2])
    try:
        with pytest.raises(urllib.error.HTTPError) as exc:
            wrapper(base, "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }").query()
        assert exc.value.code == 503 and b"0.2 s time limit" in exc.value.read()
        res = wrapper(base, "SELECT (COUNT(*) AS ?n) { ?a ?b ?c }").query().convert()
        assert res["results"]["bindings"][0]["n"]["value"] == "200"
    finally:
        server.shutdown()
        server.server_close()
        app.runner.close()


def test_unknown_method_405_with_allow(endpoint):
    for path, allowed in (("/sparql", "GET, HEAD, POST, OPTIONS"), ("/", "GET, HEAD, POST")):
        status, headers, body = http("PUT", endpoint + path + "?query=ASK%7B%7D", b"x",
                                     {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 405 and headers["Allow"] == allowed
        assert headers["Content-Type"] == "text/plain; charset=utf-8"
        assert body.decode() == f"PUT is not allowed on {path}; use {allowed}\n"
        assert headers["Access-Control-Allow-Origin"] == "*"


def test_relative_iris_resolve_against_the_endpoint(endpoint):
    """W3C query_content_type_construct: CONSTRUCT { <s> <p> 1 } has relative IRIs, which
    the endpoint URL (the query's retrieval IRI) resolves."""
    status, headers, body = http("POST", endpoint + "/sparql", b"CONSTRUCT { <s> <p> 1 } WHERE {}",
                                 {"Content-Type": "application/sparql-query",
                                  "Accept": "application/n-triples"})
    assert status == 200 and headers["Content-Type"] == "application/n-triples"
    host = endpoint.removeprefix("http://")
    assert body.decode().strip() == (f"<http://{host}/s> <http://{host}/p> "
                                     '"1"^^<http://www.w3.org/2001/XMLSchema#integer> .')


def test_non_utf8_charset_415(endpoint):
    status, _, body = http("POST", endpoint + "/sparql", "ASK {}".encode("utf-16"),
                           {"Content-Type": "application/sparql-query; charset=UTF-16"})
    assert status == 415 and body == b"unsupported charset 'UTF-16'; send UTF-8\n"


def test_process_runner_busy_timeout_and_recovery(built_out):
    """One worker: a second query waits at most its time limit for it (ServerBusy), the
    runaway one is stopped (QueryTimeout), and the replacement worker answers."""
    import asyncio

    from digiprov.server import Job, ProcessRunner, QueryTimeout, ServerBusy

    runner = ProcessRunner({"out_dir": str(built_out), "check_stale": False}, workers=1)

    async def scenario():
        slow = asyncio.ensure_future(runner.run(Job(SLOW, formats=("json", "turtle")), 1.5))
        await asyncio.sleep(0.2)
        with pytest.raises(ServerBusy, match="stayed busy for 0.5 s"):
            await runner.run(Job("ASK {}", formats=("json", "turtle")), 0.5)
        with pytest.raises(QueryTimeout, match="1.5 s time limit and was stopped"):
            await slow
        ans = await runner.run(Job("ASK { ?x a dp:Province }", formats=("json", "turtle")), 30)
        return ans

    try:
        ans = asyncio.run(scenario())
    finally:
        runner.close()
    assert (ans.kind, ans.fmt, json.loads(ans.body)["boolean"]) == ("ask", "json", True)


def test_process_runner_reports_a_dataset_it_cannot_open(tmp_path):
    from digiprov.errors import StoreError
    from digiprov.server import ProcessRunner

    with pytest.raises(StoreError, match="query worker cannot open the dataset: no built "
                                         "dataset"):
        ProcessRunner({"out_dir": str(tmp_path / "nothing"), "check_stale": False}, workers=1)

"""The W3C SPARQL 1.1 Protocol test suite, run against `digiprov serve` and, in the same run,
`oxigraph serve-read-only` for comparison.

Everything comes from ``../shared/w3c/sparql11-protocol-manifest.ttl``: each test's requests
(method, path, headers, body and its character encoding) and what the response must be (status
class, result format, ASK answer). The data the tests query is derived from the manifest too
(see :func:`manifest_data`). Both endpoints are read-only, so a test that needs an update to
succeed is expected to have that update refused with 403 and its later requests are not sent.

The comparison table in docs/sparql.md is this test's output: it fails when the documented
table differs from the run; ``DIGIPROV_WRITE_DOCS=1`` rewrites it.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from xml.dom import minidom

import pytest
from procs import free_port, require_or_skip, stop
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF

REPO = Path(__file__).resolve().parent.parent
MANIFEST = REPO.parent / "shared" / "w3c" / "sparql11-protocol-manifest.ttl"
DOC = REPO / "docs" / "sparql.md"
TABLE_START = "<!-- w3c-protocol-table: written by tests/test_w3c_protocol.py -->"
TABLE_END = "<!-- /w3c-protocol-table -->"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")

# Media types the manifest's mf:expectedFormat values allow (its test names spell them out:
# "expect one of: XML, JSON, CSV, TSV", "RDF/XML, Turtle, N-Triples, RDFa").
FORMAT_TYPES = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {"application/sparql-results+json", "application/sparql-results+xml",
                "text/csv", "text/tab-separated-values"},
    "RDF": {"application/rdf+xml", "text/turtle", "application/n-triples", "text/html",
            "application/xhtml+xml"},
}
RDF_PARSERS = {"application/rdf+xml": "xml", "text/turtle": "turtle",
               "application/n-triples": "nt"}


@dataclass
class Request:
    method: str
    path: str  # as in the manifest: starts with /sparql/
    headers: dict[str, str]
    body: bytes | None
    statuses: set[int]  # allowed status classes: 2 for 2xx, ...
    fmt: str | None
    boolean: bool | None

    @property
    def is_update(self) -> bool:
        ctype = self.headers.get("content-type", "")
        form = self.body is not None and ctype.startswith("application/x-www-form-urlencoded")
        return ctype.startswith("application/sparql-update") or (
            form and "update" in urllib.parse.parse_qs(self.body.decode("utf-8")))


@dataclass
class ProtocolTest:
    name: str
    title: str
    requests: list[Request] = field(default_factory=list)

    @property
    def needs_update(self) -> bool:
        """It can pass only if an update it sends succeeds."""
        return any(r.is_update and 2 in r.statuses for r in self.requests)


def load_manifest(path: Path = MANIFEST) -> list[ProtocolTest]:
    g = Graph().parse(path, format="turtle")
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    tests = []
    for t in Collection(g, g.value(manifest, MF.entries)):
        test = ProtocolTest(str(t).rsplit("#", 1)[1], str(g.value(t, MF.name)))
        for req in Collection(g, g.value(g.value(t, MF.action), HT.requests)):
            headers = {}
            if (hs := g.value(req, HT.headers)) is not None:
                for h in Collection(g, hs):
                    headers[str(g.value(h, HT.fieldName)).lower()] = str(g.value(h, HT.fieldValue))
            body = None
            if (b := g.value(req, HT.body)) is not None:
                encoding = str(g.value(b, CNT.characterEncoding) or "UTF-8")
                body = str(g.value(b, CNT.chars)).encode(encoding)
            resp = g.value(req, HT.resp)
            statuses = {int(re.search(r"StatusCode(\d)xx", str(s))[1])
                        for s in g.objects(resp, MF.expectedStatus)}
            fmt = g.value(resp, MF.expectedFormat)
            boolean = g.value(resp, MF.expectedBoolean)
            test.requests.append(Request(
                str(g.value(req, HT.methodName)), str(g.value(req, HT.absolutePath)), headers,
                body, statuses, str(fmt) if fmt is not None else None,
                boolean.toPython() if isinstance(boolean, Literal) else None))
        tests.append(test)
    return tests


_KASEI = re.compile(r"http://kasei\.us/2009/09/sparql/data/data\d+\.rdf")
_INSERTED = re.compile(r"GRAPH\s*<([^>]+)>\s*\{\s*<([^>]+)>\s+a\s+(\w*):(\w+)\s*\}")


def manifest_data(tests: list[ProtocolTest]) -> list[tuple[URIRef, URIRef, URIRef, URIRef]]:
    """Quads for the data files the query tests name (data0.rdf ... data3.rdf).

    Each is a graph of that name holding one resource, itself, with an rdf:type; the type is
    the one the manifest's own update tests give them when they rebuild the files
    (``INSERT DATA { GRAPH <…/data1.rdf> { <…/data1.rdf> a foaf:Document } }``)."""
    named: set[str] = set()
    types: set[str] = set()
    for t in tests:
        for r in t.requests:
            text = urllib.parse.unquote(r.path) + " " + (r.body or b"").decode("utf-8", "ignore")
            named.update(_KASEI.findall(text))
            for m in _INSERTED.finditer(text):
                if m[1] == m[2] and _KASEI.fullmatch(m[1]):
                    prefixes = dict(re.findall(r"PREFIX\s+(\w*):\s*<([^>]+)>", text))
                    types.add(prefixes[m[3]] + m[4])
    assert len(types) == 1, f"the manifest's data files have one type, found {types}"
    (rdf_type,) = types
    return [(URIRef(iri), RDF.type, URIRef(rdf_type), URIRef(iri)) for iri in sorted(named)]


# ------------------------------------------------------------------ running one endpoint


@dataclass
class Endpoint:
    name: str
    port: int
    query_path: str
    update_path: str


def send(ep: Endpoint, req: Request) -> tuple[int, str, bytes]:
    path = ep.update_path if req.is_update else ep.query_path
    target = re.sub(r"^/sparql/?", path, req.path, count=1)
    conn = http.client.HTTPConnection("127.0.0.1", ep.port, timeout=30)
    try:
        conn.request(req.method, target, body=req.body, headers=req.headers)
        resp = conn.getresponse()
        return resp.status, resp.getheader("Content-Type") or "", resp.read()
    finally:
        conn.close()


def check(req: Request, status: int, ctype: str, body: bytes) -> str | None:
    """Why the response does not meet the manifest's expectation, or None."""
    if status // 100 not in req.statuses:
        want = "/".join(f"{c}xx" for c in sorted(req.statuses))
        return f"{status}, expected {want}: {body[:80].decode('utf-8', 'replace').strip()!r}"
    if req.fmt is None:
        return None
    mtype = ctype.split(";")[0].strip().lower()
    if mtype not in FORMAT_TYPES[req.fmt]:
        return f"Content-Type {mtype or '(none)'} is not a {req.fmt} result type"
    try:
        if req.fmt in ("boolean", "tabular"):
            if mtype.endswith("+json"):
                doc = json.loads(body)
                got = doc.get("boolean") if req.fmt == "boolean" else doc["results"]["bindings"]
            elif mtype.endswith("+xml"):
                dom = minidom.parseString(body)
                b = dom.getElementsByTagName("boolean")
                got = (b[0].firstChild.data.strip() == "true" if b else None) \
                    if req.fmt == "boolean" else dom.getElementsByTagName("result")
            else:  # CSV / TSV: a header line at least
                got = body.decode("utf-8").splitlines()
            if req.fmt == "boolean" and not isinstance(got, bool):
                return "no boolean in the result"
            if req.boolean is not None and got != req.boolean:
                return f"ASK answered {got}, expected {req.boolean}"
        elif mtype in RDF_PARSERS:
            Graph().parse(data=body, format=RDF_PARSERS[mtype])
    except Exception as e:  # noqa: BLE001 - any parse failure is the test's finding
        return f"unreadable {mtype} result: {' '.join(str(e).split())[:80]}"
    return None


def run_suite(ep: Endpoint, tests: list[ProtocolTest]) -> dict[str, str]:
    """Test name -> "pass", "403 (read-only)" or what failed."""
    out = {}
    for t in tests:
        outcome = "pass"
        for req in t.requests:
            status, ctype, body = send(ep, req)
            if t.needs_update and req.is_update and 2 in req.statuses:
                outcome = "403 (read-only)" if status == 403 else \
                    f"update answered {status}, expected 403 from a read-only endpoint"
                break  # what follows checks the update's effect
            problem = check(req, status, ctype, body)
            if problem:
                outcome = f"{req.method}: {problem}"
                break
        out[t.name] = outcome
    return out


def wait_until_up(proc: subprocess.Popen, port: int, path: str, what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path + "?query=ASK%7B%7D")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not start within 60 s")


# ------------------------------------------------------------------ the test


@pytest.fixture(scope="module")
def suite():
    if not MANIFEST.is_file():
        require_or_skip(f"the W3C manifest is not there ({MANIFEST})")
    return load_manifest()


@pytest.fixture(scope="module")
def data_file(suite, tmp_path_factory) -> Path:
    from digiprov.terms import nquad_lines

    path = tmp_path_factory.mktemp("w3c") / "data.nq"
    path.write_text("".join(nquad_lines(manifest_data(suite))), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def digiprov_endpoint(data_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("w3c-digiprov")
    exe = [sys.executable, "-m", "digiprov.cli", "--out", str(out)]
    subprocess.run([*exe, "load", str(data_file), "--replace"], check=True, capture_output=True)
    port = free_port()
    proc = subprocess.Popen([*exe, "serve", "--port", str(port), "--workers", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        wait_until_up(proc, port, "/sparql", "digiprov serve")
        yield Endpoint("digiprov serve", port, "/sparql", "/sparql")
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def oxigraph_endpoint(data_file, tmp_path_factory):
    exe = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or \
        shutil.which("oxigraph")
    if exe is None:
        require_or_skip("the oxigraph server binary is missing (pip package oxigraph, a test "
                        "extra)")
    location = tmp_path_factory.mktemp("w3c-oxigraph")
    subprocess.run([exe, "load", "--location", str(location), "--file", str(data_file)],
                   check=True, capture_output=True)
    port = free_port()
    proc = subprocess.Popen([exe, "serve-read-only", "--location", str(location), "--bind",
                             f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        wait_until_up(proc, port, "/query", "oxigraph serve-read-only")
        yield Endpoint("oxigraph serve-read-only", port, "/query", "/update")
    finally:
        stop(proc)


def _oxigraph_version() -> str:
    try:
        from importlib.metadata import version

        return version("oxigraph")
    except Exception:  # noqa: BLE001 - only a label in the table
        return "?"


def render_table(tests: list[ProtocolTest], results: dict[str, dict[str, str]]) -> str:
    names = list(results)
    lines = [TABLE_START, "",
             "| test | kind | " + " | ".join(f"`{n}`" for n in names) + " |",
             "|---|---|" + "---|" * len(names)]
    for t in tests:
        kind = "update" if t.needs_update else "error" if all(
            r.statuses == {4} for r in t.requests) else "query"
        cells = [results[n][t.name].replace("|", "\\|") for n in names]
        lines.append(f"| `{t.name}` | {kind} | " + " | ".join(cells) + " |")
    totals = []
    for n in names:
        passed = sum(r == "pass" for r in results[n].values())
        refused = sum(r == "403 (read-only)" for r in results[n].values())
        totals.append(f"{passed} pass, {refused} refused, {len(tests) - passed - refused} fail")
    lines += [f"| **total** ({len(tests)}) | | " + " | ".join(totals) + " |", "",
              f"oxigraph {_oxigraph_version()}; data: "
              f"{len(manifest_data(tests))} one-triple graphs derived from the manifest.", "",
              TABLE_END]
    return "\n".join(lines)


def test_w3c_protocol_suite(suite, digiprov_endpoint, oxigraph_endpoint, artifacts_dir):
    assert len(suite) == 34 and sum(t.needs_update for t in suite) == 7
    results = {ep.name: run_suite(ep, suite) for ep in (digiprov_endpoint, oxigraph_endpoint)}
    table = render_table(suite, results)
    (artifacts_dir / "w3c-protocol.md").write_text(table + "\n", encoding="utf-8")

    ours = results["digiprov serve"]
    failed = {t.name: ours[t.name] for t in suite if not t.needs_update and ours[t.name] != "pass"}
    assert not failed, failed
    not_refused = {t.name: ours[t.name] for t in suite
                   if t.needs_update and ours[t.name] != "403 (read-only)"}
    assert not not_refused, not_refused

    doc = DOC.read_text(encoding="utf-8")
    start, end = doc.find(TABLE_START), doc.find(TABLE_END)
    assert start >= 0 and end > start, f"{DOC} has no {TABLE_START} ... {TABLE_END} block"
    documented = doc[start:end + len(TABLE_END)]
    if os.environ.get("DIGIPROV_WRITE_DOCS") == "1" and documented != table:
        DOC.write_text(doc[:start] + table + doc[end + len(TABLE_END):], encoding="utf-8")
    else:
        assert documented == table, ("docs/sparql.md's W3C table differs from this run; "
                                     "DIGIPROV_WRITE_DOCS=1 rewrites it (see "
                                     "test-artifacts/w3c-protocol.md)")


def test_manifest_data_is_derived_not_typed(suite):
    quads = manifest_data(suite)
    assert [str(q[0]).rsplit("/", 1)[1] for q in quads] == [
        "data0.rdf", "data1.rdf", "data2.rdf", "data3.rdf"]
    assert {str(q[2]) for q in quads} == {"http://xmlns.com/foaf/0.1/Document"}
    assert all(q[0] == q[3] for q in quads)


def test_checker_rejects_what_the_manifest_rejects():
    """The response checker itself: status class, media type and ASK answer each matter."""
    ask = Request("GET", "/sparql/?query=ASK%20%7B%7D", {}, None, {2, 3}, "boolean", True)
    ok = json.dumps({"head": {}, "boolean": True}).encode()
    assert check(ask, 200, "application/sparql-results+json", ok) is None
    assert check(ask, 400, "text/plain", b"bad").startswith("400, expected 2xx/3xx")
    assert "not a boolean result type" in check(ask, 200, "text/csv", b"x")
    no = json.dumps({"head": {}, "boolean": False}).encode()
    assert check(ask, 200, "application/sparql-results+json", no) == \
        "ASK answered False, expected True"
    rdf = Request("POST", "/sparql/", {}, b"", {2}, "RDF", None)
    assert check(rdf, 200, "text/turtle", b"<a> <b> .").startswith("unreadable text/turtle")

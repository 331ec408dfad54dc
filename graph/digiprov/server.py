"""A SPARQL 1.1 Protocol endpoint (``/sparql``) and an offline query page (``/``).

Stdlib only (``http.server.ThreadingHTTPServer``). Safe by default: binds 127.0.0.1, read-only,
per-query timeout, result-row cap, request-size limit.

Timeouts: pyoxigraph cannot interrupt a running query from Python. By default queries therefore
run in a pool of worker processes (each opens the read-only store); a query that overruns is
answered 503 and its worker is killed and replaced, so a runaway query does not keep a core
busy. With ``--workers 0`` or ``--allow-update`` (one writable store, which cannot be shared
between processes) queries run in threads of the server process: the client still gets its 503
on time, but the timed-out query keeps running in its thread until it finishes.
"""

from __future__ import annotations

import html
import queue
import re
import signal
import sys
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from rdflib import URIRef

from .errors import DigiprovError, InputError, QueryError, StoreError
from .store import DigiDataset, QueryResult

DRAIN_LIMIT = 64 << 20  # larger refused bodies are not read: the connection is dropped
SD_NS = "http://www.w3.org/ns/sparql-service-description#"
SELECT_TYPES = [  # offered media types, server preference first
    ("application/sparql-results+json", "json"), ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"), ("text/tab-separated-values", "tsv"), ("application/json", "json"),
    ("application/xml", "xml"), ("text/xml", "xml"),
]
GRAPH_TYPES = [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "jsonld"),
    ("application/trig", "trig"), ("application/rdf+xml", "rdfxml"), ("application/x-turtle",
                                                                       "turtle"),
    ("text/plain", "nt"), ("application/json", "jsonld"), ("application/xml", "rdfxml"),
]
FORMAT_ALIASES = {
    "json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv",
    "turtle": "turtle", "ttl": "turtle", "nt": "nt", "ntriples": "nt", "n-triples": "nt",
    "jsonld": "jsonld", "json-ld": "jsonld", "trig": "trig", "rdfxml": "rdfxml",
    "rdf": "rdfxml", "rdf+xml": "rdfxml",
}


@dataclass
class ServerOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 10.0
    max_rows: int = 10_000
    max_request_bytes: int = 1 << 20
    workers: int = 2
    allow_update: bool = False
    queries_dirs: list[str] = field(default_factory=list)
    access_log: bool = True


class QueryTimeout(DigiprovError):
    pass


class ServerBusy(DigiprovError):
    pass


def _cap(res: QueryResult, max_rows: int) -> tuple[QueryResult, bool]:
    if res.kind == "select" and len(res.rows) > max_rows:
        res.rows = res.rows[:max_rows]
        return res, True
    if res.kind == "graph" and len(res.triples) > max_rows:
        res.triples = res.triples[:max_rows]
        return res, True
    return res, False


# ------------------------------------------------------------------ runners


class ThreadRunner:
    """Queries in threads of this process; a timed-out query keeps running (see module doc)."""

    def __init__(self, ds: DigiDataset, workers: int = 4):
        from concurrent.futures import ThreadPoolExecutor

        self.ds = ds
        self.pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="sparql")
        # rdflib's in-memory store is not safe for concurrent queries (the memory backend
        # also toggles its union flag per query); Oxigraph is.
        self.lock = threading.Lock() if ds.backend == "memory" else None

    def _query(self, *args: Any, **kwargs: Any) -> QueryResult:
        if self.lock is None:
            return self.ds.query(*args, **kwargs)
        with self.lock:
            return self.ds.query(*args, **kwargs)

    def run(self, text: str, bindings: dict | None, union: bool, default_graphs, named_graphs,
            timeout: float, max_rows: int) -> tuple[QueryResult, bool]:
        from concurrent.futures import TimeoutError as FutTimeout

        fut = self.pool.submit(self._query, text, bindings, union=union,
                               default_graphs=default_graphs, named_graphs=named_graphs)
        try:
            return _cap(fut.result(timeout=timeout), max_rows)
        except FutTimeout:
            raise QueryTimeout(f"query exceeded the {timeout:g} s time limit") from None

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def _worker_main(conn: Any, open_kwargs: dict) -> None:
    """A query worker process: open the dataset once, then answer requests until EOF."""
    from .store import open_dataset

    try:
        ds = open_dataset(**open_kwargs)
    except Exception as e:  # report any failure to the parent instead of dying silently
        conn.send(("fail", str(e)))
        return
    conn.send(("ready", None))
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            return
        if req is None:
            return
        text, bindings, union, dg, ng, max_rows = req
        try:
            res = ds.query(text, bindings, union=union, default_graphs=dg, named_graphs=ng)
            res, truncated = _cap(res, max_rows)
            conn.send(("ok", res, truncated))
        except DigiprovError as e:
            conn.send(("error", str(e)))
        except Exception as e:
            conn.send(("error", f"query failed: {e}"))


class _Worker:
    def __init__(self, ctx: Any, open_kwargs: dict):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, open_kwargs), daemon=True,
                                name="digiprov-sparql-worker")
        self.proc.start()
        child.close()

    def wait_ready(self, timeout: float = 120.0) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise StoreError("query worker did not start")
        try:
            msg = self.conn.recv()
        except EOFError:
            raise StoreError("query worker died while opening the dataset") from None
        if msg[0] != "ready":
            raise StoreError(f"query worker cannot open the dataset: {msg[1]}")

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class ProcessRunner:
    """A pool of worker processes; a query that overruns has its worker killed and replaced."""

    def __init__(self, open_kwargs: dict, workers: int = 2):
        import multiprocessing

        # spawn, not fork: the parent has threads and an open store.
        self.ctx = multiprocessing.get_context("spawn")
        self.open_kwargs = open_kwargs
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.closed = False
        started = [_Worker(self.ctx, open_kwargs) for _ in range(max(1, workers))]
        try:
            for w in started:
                w.wait_ready()
        except StoreError:
            for w in started:
                w.kill()
            raise
        for w in started:
            self.idle.put(w)

    def _replace(self, w: _Worker) -> None:
        w.kill()

        def respawn() -> None:
            if self.closed:
                return
            try:
                nw = _Worker(self.ctx, self.open_kwargs)
                nw.wait_ready()
            except StoreError as e:
                print(f"digiprov serve: cannot replace a query worker: {e}", file=sys.stderr)
                return
            self.idle.put(nw)

        threading.Thread(target=respawn, daemon=True).start()

    def run(self, text, bindings, union, default_graphs, named_graphs, timeout, max_rows):
        try:
            w = self.idle.get(timeout=timeout)
        except queue.Empty:
            raise ServerBusy(f"all query workers stayed busy for {timeout:g} s; "
                             "try again later") from None
        try:
            w.conn.send((text, bindings, union, default_graphs, named_graphs, max_rows))
            ready = w.conn.poll(timeout)
            msg = w.conn.recv() if ready else None
        except (EOFError, OSError):
            self._replace(w)
            raise QueryError("the query worker died; it is being restarted") from None
        if msg is None:
            self._replace(w)
            raise QueryTimeout(f"query exceeded the {timeout:g} s time limit and was stopped")
        self.idle.put(w)
        if msg[0] == "ok":
            return msg[1], msg[2]
        raise QueryError(msg[1])

    def close(self) -> None:
        self.closed = True
        while True:
            try:
                w = self.idle.get_nowait()
            except queue.Empty:
                break
            try:
                w.conn.send(None)
            except OSError:
                pass
            w.kill()


# ------------------------------------------------------------------ the application


class SparqlApp:
    """Everything a request handler needs: the dataset, a runner and the options."""

    def __init__(self, ds: DigiDataset, opts: ServerOptions, runner: Any | None = None,
                 id_base: str | None = None):
        from .sparql import list_queries

        self.ds = ds
        self.opts = opts
        self.runner = runner or ThreadRunner(ds, max(2, opts.workers))
        self.named = list_queries(opts.queries_dirs)
        self.id_base = id_base
        self.update_lock = threading.Lock()
        self._graph_counts: dict[str, int] | None = None
        self._union_triples: int | None = None

    def has_graph(self, iri: str) -> bool:
        return next(iter(self.ds.quads(g=URIRef(iri))), None) is not None

    def graph_counts(self) -> dict[str, int]:
        if self._graph_counts is None or self.opts.allow_update:
            res = self.ds.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                                "GROUP BY ?g", union=False)
            self._graph_counts = {str(g): int(n) for g, n in res.rows}  # type: ignore[arg-type]
        return self._graph_counts

    def union_triples(self) -> int:
        if self._union_triples is None or self.opts.allow_update:
            res = self.ds.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o "
                                "WHERE { ?s ?p ?o } }")
            self._union_triples = int(res.rows[0][0])  # type: ignore[arg-type]
        return self._union_triples

    def run(self, text: str, bindings: dict | None = None, default_graphs: list[str] = (),
            named_graphs: list[str] = ()) -> tuple[QueryResult, bool]:
        for iri, what in [(g, "default-graph-uri") for g in default_graphs] + \
                         [(g, "named-graph-uri") for g in named_graphs]:
            if not re.match(r"^[A-Za-z][\w+.-]*:[^\s<>\"{}|^`\\]*$", iri):
                raise InputError(f"{what} {iri!r} is not an absolute IRI")
            if not self.has_graph(iri):
                raise InputError(f"unknown graph <{iri}> ({what}); GET /sparql lists the "
                                 "dataset's named graphs")
        dg = [URIRef(g) for g in default_graphs] or None
        ng = [URIRef(g) for g in named_graphs] or None
        return self.runner.run(text, bindings, dg is None, dg, ng, self.opts.timeout,
                               self.opts.max_rows)

    def update(self, text: str) -> None:
        lock = getattr(self.runner, "lock", None) or self.update_lock
        with lock:
            self.ds.update(text)

    def service_description(self, endpoint: str, fmt: str) -> bytes:
        from rdflib import BNode, Graph, Literal, Namespace
        from rdflib.namespace import DCTERMS, RDF, VOID

        sd = Namespace(SD_NS)
        formats = Namespace("http://www.w3.org/ns/formats/")
        g = Graph()
        g.bind("sd", sd)
        g.bind("formats", formats)
        g.bind("void", VOID)
        g.bind("dcterms", DCTERMS)
        svc = URIRef(endpoint)
        g.add((svc, RDF.type, sd.Service))
        g.add((svc, sd.endpoint, svc))
        g.add((svc, DCTERMS.title, Literal("digiprov SPARQL endpoint", lang="en")))
        g.add((svc, sd.supportedLanguage, sd.SPARQL11Query))
        if self.opts.allow_update:
            g.add((svc, sd.supportedLanguage, sd.SPARQL11Update))
        g.add((svc, sd.feature, sd.UnionDefaultGraph))
        g.add((svc, sd.defaultEntailmentRegime,
               URIRef("http://www.w3.org/ns/entailment/Simple")))
        for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                     "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "TriG", "RDF_XML"):
            g.add((svc, sd.resultFormat, formats[name]))
        dataset = BNode()
        g.add((svc, sd.defaultDataset, dataset))
        g.add((dataset, RDF.type, sd.Dataset))
        default = BNode()
        g.add((dataset, sd.defaultGraph, default))
        g.add((default, RDF.type, sd.Graph))
        g.add((default, DCTERMS.description, Literal(
            "The union of all graphs (the dataset's own default graph holds the statement "
            "metadata).", lang="en")))
        counts = self.graph_counts()
        g.add((default, VOID.triples, Literal(self.union_triples())))
        for name, n in sorted(counts.items()):
            ng, graph = BNode(), BNode()
            g.add((dataset, sd.namedGraph, ng))
            g.add((ng, RDF.type, sd.NamedGraph))
            g.add((ng, sd.name, URIRef(name)))
            g.add((ng, sd.graph, graph))
            g.add((graph, RDF.type, sd.Graph))
            g.add((graph, VOID.triples, Literal(n)))
        rdflib_fmt = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld", "rdfxml": "xml",
                      "trig": "trig"}[fmt]
        return g.serialize(format=rdflib_fmt, encoding="utf-8")


# ------------------------------------------------------------------ content negotiation


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    out = []
    for part in (header or "").split(","):
        bits = [b.strip() for b in part.split(";")]
        if not bits[0]:
            continue
        q = 1.0
        for b in bits[1:]:
            if b.lower().startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        out.append((bits[0].lower(), q))
    return out


def negotiate(accept: str | None, offers: list[tuple[str, str]]) -> str | None:
    """The format whose media type the Accept header prefers; None if nothing is acceptable."""
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0][1]
    best, best_key = None, (0.0, 0, 0)
    for i, (mtype, fmt) in enumerate(offers):
        major = mtype.split("/")[0]
        q, spec = None, -1
        for rng, rq in ranges:
            s = 2 if rng == mtype else 1 if rng == f"{major}/*" else 0 if rng == "*/*" else -1
            if s > spec:
                q, spec = rq, s
        if q is None or q <= 0:
            continue
        key = (q, spec, -i)
        if best is None or key > best_key:
            best, best_key = fmt, key
    return best


# ------------------------------------------------------------------ HTTP


class HttpError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "X-Digiprov-Truncated, Content-Type",
}


class Handler(BaseHTTPRequestHandler):
    server_version = "digiprov-sparql"
    protocol_version = "HTTP/1.1"
    app: SparqlApp  # set on the subclass made by make_server

    # -------------------------------------------------------------- plumbing

    def log_message(self, format: str, *args: Any) -> None:
        if self.app.opts.access_log:
            super().log_message(format, *args)

    def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None
              ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in {**CORS, **(headers or {})}.items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, e: HttpError) -> None:
        self._send(e.status, (e.message + "\n").encode(), "text/plain; charset=utf-8",
                   e.headers)

    def _dispatch(self, fn: Callable[[], None]) -> None:
        try:
            fn()
        except HttpError as e:
            self._error(e)
        except QueryTimeout as e:
            self._error(HttpError(503, str(e), {"Retry-After": "5"}))
        except ServerBusy as e:
            self._error(HttpError(503, str(e), {"Retry-After": "5"}))
        except (QueryError, InputError) as e:
            self._error(HttpError(400, str(e)))
        except DigiprovError as e:
            self._error(HttpError(500, str(e)))
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _url(self) -> tuple[str, dict[str, list[str]]]:
        parts = urllib.parse.urlsplit(self.path)
        try:
            qs = urllib.parse.parse_qs(parts.query, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            raise HttpError(400, "the query string is not valid UTF-8") from None
        return parts.path, qs

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self.close_connection = True
            raise HttpError(411, "chunked request bodies are not supported; send Content-Length")
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            raise HttpError(400, "bad Content-Length") from None
        if length > self.app.opts.max_request_bytes:
            self.close_connection = True
            if length <= DRAIN_LIMIT:
                # Read what the client is sending so it sees the 413 instead of a reset.
                left = length
                while left > 0:
                    chunk = self.rfile.read(min(left, 1 << 16))
                    if not chunk:
                        break
                    left -= len(chunk)
            raise HttpError(413, f"request body of {length} bytes exceeds the limit of "
                            f"{self.app.opts.max_request_bytes} bytes")
        return self.rfile.read(length) if length > 0 else b""

    # -------------------------------------------------------------- methods

    def do_OPTIONS(self) -> None:
        self.send_response(204)
        for k, v in CORS.items():
            self.send_header(k, v)
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers",
                         self.headers.get("Access-Control-Request-Headers")
                         or "Content-Type, Accept")
        self.send_header("Access-Control-Max-Age", "86400")
        self.send_header("Allow", "GET, POST, OPTIONS")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        self._dispatch(self._get)

    def do_HEAD(self) -> None:
        self._dispatch(self._get)

    def do_POST(self) -> None:
        self._dispatch(self._post)

    def _get(self) -> None:
        if len(self.path) > self.app.opts.max_request_bytes:
            raise HttpError(414, "request URI too long; POST the query instead")
        path, qs = self._url()
        if path == "/sparql":
            if "update" in qs:
                self._refuse_update()
                raise HttpError(405, "SPARQL Update must be sent with POST", {"Allow": "POST"})
            if "query" in qs:
                self._query(qs, qs)
            else:
                self._service_description(qs)
        elif path in ("/", "/index.html"):
            self._page(qs)
        else:
            raise HttpError(404, f"no such resource {path}; the endpoint is /sparql")

    def _post(self) -> None:
        path, qs = self._url()
        if path not in ("/sparql", "/", "/index.html"):
            raise HttpError(404, f"no such resource {path}; the endpoint is /sparql")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            self._refuse_update()
        body = self._body()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise HttpError(400, "the request body is not valid UTF-8") from None
        if ctype == "application/x-www-form-urlencoded":
            form = urllib.parse.parse_qs(text, keep_blank_values=True)
            if path != "/sparql":
                self._page(form)
                return
            if "query" in form and "update" in form:
                raise HttpError(400, "give either query= or update=, not both")
            if "update" in form:
                self._refuse_update()
                self._update(_one(form, "update"), form)
            elif "query" in form:
                self._query(form, {**qs, **form})
            else:
                raise HttpError(400, "the form has no query= (or update=) field")
        elif ctype == "application/sparql-query" and path == "/sparql":
            self._query({"query": [text]}, qs)
        elif ctype == "application/sparql-update" and path == "/sparql":
            self._update(text, qs)
        else:
            raise HttpError(415, f"unsupported Content-Type {ctype or '(none)'!r}; use "
                            "application/sparql-query, application/sparql-update or "
                            "application/x-www-form-urlencoded")

    # -------------------------------------------------------------- SPARQL

    def _refuse_update(self) -> None:
        if not self.app.opts.allow_update:
            self.close_connection = True
            raise HttpError(403, "this endpoint is read-only: SPARQL Update is refused "
                            "(start 'digiprov serve --allow-update' to accept it)")

    def _update(self, text: str, params: dict[str, list[str]]) -> None:
        if params.get("using-graph-uri") or params.get("using-named-graph-uri"):
            raise HttpError(400, "using-graph-uri / using-named-graph-uri are not supported")
        self.app.update(text)
        self._send(200, b"update applied\n", "text/plain; charset=utf-8")

    def _pick_format(self, res: QueryResult, params: dict[str, list[str]]) -> str:
        offers = GRAPH_TYPES if res.kind == "graph" else SELECT_TYPES
        for key in ("format", "output"):
            if params.get(key):
                want = params[key][0].strip().lower()
                fmt = FORMAT_ALIASES.get(want) or dict(offers).get(want.split(";")[0])
                if fmt == "json" and res.kind == "graph":
                    fmt = "jsonld"
                if fmt == "xml" and res.kind == "graph":
                    fmt = "rdfxml"
                if fmt in {f for _, f in offers}:
                    return fmt
        fmt = negotiate(self.headers.get("Accept"), offers)
        if fmt is None:
            raise HttpError(406, "none of the Accept types is available; this result can be "
                            + ", ".join(m for m, _ in offers))
        return fmt

    def _query(self, q: dict[str, list[str]], params: dict[str, list[str]]) -> None:
        from .sparql import MEDIA_TYPES, render

        text = _one(q, "query")
        res, truncated = self.app.run(text, None, params.get("default-graph-uri", []),
                                      params.get("named-graph-uri", []))
        fmt = self._pick_format(res, params)
        headers = {"Vary": "Accept"}
        if truncated:
            headers["X-Digiprov-Truncated"] = f"max-rows={self.app.opts.max_rows}"
        self._send(200, render(res, fmt), MEDIA_TYPES[fmt], headers)

    def _service_description(self, qs: dict[str, list[str]]) -> None:
        from .sparql import MEDIA_TYPES

        fmt = None
        if qs.get("format"):
            fmt = FORMAT_ALIASES.get(qs["format"][0].lower())
        offers = GRAPH_TYPES[:5]
        if fmt not in {f for _, f in offers}:
            fmt = negotiate(self.headers.get("Accept"), offers) or "turtle"
        host = self.headers.get("Host") or ""
        if not re.fullmatch(r"[\w.-]+(:\d+)?|\[[0-9a-fA-F:.]+\](:\d+)?", host):
            host = "{}:{}".format(*self.server.server_address[:2])
        body = self.app.service_description(f"http://{host}/sparql", fmt)
        self._send(200, body, MEDIA_TYPES[fmt], {"Vary": "Accept"})

    # -------------------------------------------------------------- the page

    def _page(self, qs: dict[str, list[str]]) -> None:
        from .sparql import load_query

        text = _one(qs, "query", required=False)
        params_text = _one(qs, "params", required=False) or ""
        name = _one(qs, "name", required=False)
        if name and not text:
            nq = load_query(name, self.app.opts.queries_dirs)
            text = nq.text
            params_text = "\n".join(f"{k}={v}" for k, v in nq.examples.items())
        result_html = ""
        if text:
            try:
                from .sparql import bind_terms, parse_params

                values = parse_params(ln.strip() for ln in params_text.splitlines() if ln.strip())
                res, truncated = self.app.run(text, bind_terms(text, values) or None)
                result_html = self._result_html(res, truncated)
            except (QueryError, InputError, QueryTimeout, ServerBusy) as e:
                result_html = f'<p class="error">{html.escape(str(e))}</p>'
        body = render_page(self.app, text or "", params_text, result_html).encode()
        self._send(200, body, "text/html; charset=utf-8", {
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                       "form-action 'self'; base-uri 'none'",
            "X-Content-Type-Options": "nosniff",
        })

    def _result_html(self, res: QueryResult, truncated: bool) -> str:
        from .sparql import display_term, render

        if res.kind == "ask":
            return f'<p class="ask">{"true" if res.boolean else "false"}</p>'
        if res.kind == "graph":
            ttl = render(res, "turtle").decode("utf-8", "replace")
            return f"<pre>{html.escape(ttl)}</pre>"
        head = "".join(f"<th>{html.escape(v)}</th>" for v in res.vars)
        rows = []
        for row in res.rows:
            cells = []
            for t in row:
                shown = html.escape(display_term(t, self.app.id_base))
                if isinstance(t, URIRef):
                    href = "/?" + urllib.parse.urlencode({"query": f"DESCRIBE <{t}>"})
                    shown = f'<a href="{html.escape(href)}">{shown}</a>'
                cells.append(f"<td>{shown}</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        n = len(res.rows)
        note = f" (cut at the {self.app.opts.max_rows}-row limit)" if truncated else ""
        if self.app.id_base and any(isinstance(t, URIRef) and str(t).startswith(self.app.id_base)
                                    for row in res.rows for t in row):
            note += f"; id: = {html.escape(self.app.id_base)}"
        return (f'<p class="count">{n} row{"s" if n != 1 else ""}{note}</p>'
                f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _one(params: dict[str, list[str]], key: str, required: bool = True) -> str | None:
    vals = params.get(key) or []
    if len(vals) > 1:
        raise HttpError(400, f"{key}= given {len(vals)} times; give it once")
    if not vals:
        if required:
            raise HttpError(400, f"missing {key}=")
        return None
    return vals[0]


PAGE_CSS = """
body{font:15px/1.45 system-ui,"Noto Sans CJK SC",sans-serif;margin:0;color:#1d2330}
header{background:#1d3557;color:#fff;padding:.6em 1.2em}header h1{font-size:1.2em;margin:0}
main{display:flex;gap:1.5em;padding:1em 1.2em;flex-wrap:wrap}
section.q{flex:3 1 420px;min-width:0}aside{flex:1 1 260px;font-size:.9em}
#results{overflow-x:auto}
textarea{width:100%;box-sizing:border-box;font:13px/1.4 ui-monospace,monospace}
button{margin:.4em 0;padding:.35em 1.2em}table{border-collapse:collapse;margin-top:.5em}
th,td{border:1px solid #ccd;padding:.2em .5em;text-align:left;vertical-align:top}
th{background:#eef1f6}.error{color:#a0001a;white-space:pre-wrap}pre{background:#f6f7f9;
padding:.6em;overflow:auto}aside li{margin:.4em 0}aside .d{color:#556}a{color:#1d4ed8}
"""


def render_page(app: SparqlApp, text: str, params_text: str, result_html: str) -> str:
    e = html.escape
    examples = "".join(
        f'<li><a href="/?{e(urllib.parse.urlencode({"name": q.name}))}">{e(q.title)}</a>'
        f' <code>{e(q.name)}</code><div class="d">{e(q.description)}</div></li>'
        for q in app.named)
    mode = "read-write" if app.opts.allow_update else "read-only"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>digiprov SPARQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{PAGE_CSS}</style></head><body>
<header><h1>digiprov SPARQL</h1></header>
<main><section class="q">
<form method="post" action="/">
<label for="query">Query (prefixes dp:, skos:, schema:, org:, eli:, prov:, time: … are
predeclared; the default graph is the union of all graphs)</label>
<textarea id="query" name="query" rows="14">{e(text)}</textarea>
<label for="params">Parameters, one <code>name=value</code> a line (<code>&lt;iri&gt;</code>,
<code>2021-03-31</code>, <code>"text"@zh</code> …)</label>
<textarea id="params" name="params" rows="2">{e(params_text)}</textarea>
<button type="submit">Run</button></form>
<div id="results">{result_html}</div>
</section>
<aside><h2>Example questions</h2><ul>{examples}</ul>
<p>Endpoint: <code>/sparql</code> (SPARQL 1.1 Protocol, {mode}; time limit
{app.opts.timeout:g} s, at most {app.opts.max_rows} rows). <a href="/sparql">Service
description</a>.</p></aside></main></body></html>
"""


def make_server(app: SparqlApp | None, host: str = "127.0.0.1", port: int = 0
                ) -> ThreadingHTTPServer:
    """A server for ``app`` (which may be set later as ``server.RequestHandlerClass.app``)."""
    handler = type("BoundHandler", (Handler,), {"app": app})
    # The stdlib's listen backlog of 5 drops SYNs when a few dozen clients connect at once,
    # which costs each of them a 1 s retransmit.
    server_class = type("Server", (ThreadingHTTPServer,), {"request_queue_size": 128})
    try:
        server = server_class((host, port), handler)
    except OSError as e:
        raise InputError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
    server.daemon_threads = True
    return server


def open_app(cfg: Any, opts: ServerOptions) -> SparqlApp:
    """Open the dataset the way ``opts`` asks (read-only pool, threads, or writable)."""
    from .persist import dataset_path
    from .store import open_writable
    from .vocab import id_namespace

    ds = cfg.open()
    runner: Any = None
    if opts.allow_update:
        if ds.backend == "oxigraph":
            ds.close()
            ds = open_writable(dataset_path(cfg.out).resolve() / "oxigraph")
        runner = ThreadRunner(ds, max(2, opts.workers))
    elif opts.workers > 0:
        runner = ProcessRunner({"out_dir": str(cfg.out), "store": cfg.store,
                                "seeds_dir": str(cfg.seeds) if cfg.seeds else None,
                                "check_stale": False, "base": cfg.base}, opts.workers)
    return SparqlApp(ds, opts, runner, id_base=id_namespace(cfg.base))


def run_server(cfg: Any, opts: ServerOptions, announce: Callable[[str], None] = print) -> None:
    # Claim the port first: a busy port should fail before worker processes start.
    server = make_server(None, opts.host, opts.port)
    try:
        app = open_app(cfg, opts)
    except BaseException:
        server.server_close()
        raise
    server.RequestHandlerClass.app = app  # type: ignore[attr-defined]
    host, port = server.server_address[:2]
    mode = "read-write" if opts.allow_update else "read-only"
    runner = ("threads" if isinstance(app.runner, ThreadRunner)
              else f"{opts.workers} worker processes")
    announce(f"digiprov: SPARQL endpoint http://{host}:{port}/sparql, query page "
             f"http://{host}:{port}/ ({mode}, {runner}, timeout {opts.timeout:g} s, "
             f"max {opts.max_rows} rows); Ctrl-C stops")
    def stop(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        # A server started in the background ignores SIGINT; let SIGTERM stop it cleanly.
        signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        app.runner.close()
        app.ds.close()


__all__ = ["ServerOptions", "SparqlApp", "make_server", "open_app", "run_server",
           "ThreadRunner", "ProcessRunner", "negotiate", "render_page"]

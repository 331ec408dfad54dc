"""A SPARQL 1.1 Protocol endpoint (``/sparql``) and an offline query page (``/``).

An ASGI application (Starlette) served by uvicorn. Safe by default: binds 127.0.0.1,
read-only, per-query timeout, result-row cap, request-size limit.

Timeouts: pyoxigraph cannot interrupt a running query from Python. By default queries therefore
run in a pool of worker processes (``pebble.ProcessPool``; each worker opens the read-only
store once): a query that overruns is answered 503 and pebble kills its worker and starts a new
one, so a runaway query does not keep a core busy. Workers also serialise the results, which
spreads that work over the cores. With ``--workers 0`` or ``--allow-update`` (one writable
store, which cannot be shared between processes) queries run in threads of the server process:
the client still gets its 503 on time, but the timed-out query keeps running in its thread
until it finishes.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
import socket
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import URIRef
from rdflib.term import Node

from .errors import DigiprovError, InputError, QueryError, StoreError
from .store import DigiDataset, QueryResult
from .vocab import SERVICE_NS

DRAIN_LIMIT = 64 << 20  # larger refused bodies are not read: the connection is dropped
SD_NS = SERVICE_NS["sd"]
TEMPLATES = Path(__file__).resolve().parent / "templates"
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
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "X-Digiprov-Truncated, Content-Type",
}
SPARQL_METHODS = "GET, HEAD, POST, OPTIONS"
ALLOWED = {"/sparql": SPARQL_METHODS, "/": "GET, HEAD, POST", "/index.html": "GET, HEAD, POST"}
# A few dozen clients connecting at once overflow a small listen backlog, and each dropped SYN
# costs its client a 1 s retransmit.
BACKLOG = 1024
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][\w+.-]*:[^\s<>\"{}|^`\\]*$")
_HOST = re.compile(r"[\w.-]+(:\d+)?|\[[0-9a-fA-F:.]+\](:\d+)?")


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


class HttpError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


# ------------------------------------------------------------------ one query, anywhere


@dataclass(frozen=True)
class Job:
    """A query as the runners take it. With ``formats`` = (format for SELECT/ASK results,
    format for graph results) the answer comes back rendered, None for a kind the client does
    not accept; without, it comes back as a :class:`QueryResult` (the page renders it)."""

    text: str
    bindings: dict[str, Node] | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    max_rows: int = 10_000
    base_iri: str | None = None
    formats: tuple[str | None, str | None] | None = None


@dataclass
class Answer:
    kind: str
    truncated: bool
    fmt: str | None = None
    body: bytes | None = None
    result: QueryResult | None = None


def _cap(res: QueryResult, max_rows: int) -> tuple[QueryResult, bool]:
    if res.kind == "select" and len(res.rows) > max_rows:
        res.rows = res.rows[:max_rows]
        return res, True
    if res.kind == "graph" and len(res.triples) > max_rows:
        res.triples = res.triples[:max_rows]
        return res, True
    return res, False


def execute(ds: DigiDataset, job: Job) -> Answer:
    """Run ``job`` on ``ds``; library errors come out as :class:`QueryError` and friends."""
    from .sparql import render

    dg = [URIRef(g) for g in job.default_graphs] or None
    ng = [URIRef(g) for g in job.named_graphs] or None
    try:
        res = ds.query(job.text, job.bindings, union=dg is None, default_graphs=dg,
                       named_graphs=ng, base_iri=job.base_iri)
    except DigiprovError:
        raise
    except Exception as e:  # noqa: BLE001 - one message, never a traceback to the client
        raise QueryError(f"query failed: {e}") from None
    res, truncated = _cap(res, job.max_rows)
    if job.formats is None:
        return Answer(res.kind, truncated, result=res)
    fmt = job.formats[1] if res.kind == "graph" else job.formats[0]
    if fmt is None:
        return Answer(res.kind, truncated)
    return Answer(res.kind, truncated, fmt, render(res, fmt))


# ------------------------------------------------------------------ runners

_WORKER: dict[str, Any] = {}


def _worker_init(open_kwargs: dict) -> None:
    """In each pool worker: open the dataset once. An error is kept and reported by every task,
    since a failing initializer makes pebble start the worker again and again."""
    # The worker holds a read-only store only, so it may die at once. pebble's own SIGTERM
    # handler runs only when Python gets control back, which a running Oxigraph query does
    # not give, so a timed-out worker would linger for pebble's 3 s grace period.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    from .store import open_dataset

    try:
        _WORKER["ds"] = open_dataset(**open_kwargs)
    except Exception as e:  # noqa: BLE001 - reported to the server by _worker_ready
        _WORKER["error"] = f"query worker cannot open the dataset: {e}"


def _worker_ds() -> DigiDataset:
    if "error" in _WORKER:
        raise StoreError(_WORKER["error"])
    return _WORKER["ds"]


def _worker_ready() -> bool:
    _worker_ds()
    return True


def _worker_run(job: Job) -> Answer:
    return execute(_worker_ds(), job)


class ProcessRunner:
    """Queries in a pool of worker processes (pebble), at most one per worker at a time."""

    def __init__(self, open_kwargs: dict, workers: int = 2, start_timeout: float = 120.0):
        import multiprocessing
        from concurrent.futures import TimeoutError as FutTimeout

        from pebble import ProcessPool

        self.workers = max(1, workers)
        # spawn, not fork: the parent has threads and an open store.
        self.pool = ProcessPool(max_workers=self.workers, initializer=_worker_init,
                                initargs=(open_kwargs,),
                                context=multiprocessing.get_context("spawn"))
        self._slots: asyncio.Semaphore | None = None
        try:
            for f in [self.pool.schedule(_worker_ready, timeout=start_timeout)
                      for _ in range(self.workers)]:
                f.result()
        except FutTimeout:
            self.close()
            raise StoreError("query workers did not start") from None
        except BaseException:
            self.close()
            raise

    async def run(self, job: Job, timeout: float) -> Answer:
        from concurrent.futures import TimeoutError as FutTimeout

        from pebble import ProcessExpired

        loop = asyncio.get_running_loop()
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.workers)
        slots = self._slots
        # Waiting for a worker and running on it each get the time limit: a query never
        # queues inside the pool, where its clock would not be running.
        try:
            await asyncio.wait_for(slots.acquire(), timeout)
        except TimeoutError:
            raise ServerBusy(f"all query workers stayed busy for {timeout:g} s; "
                             "try again later") from None
        try:
            fut = self.pool.schedule(_worker_run, args=(job,), timeout=timeout)
        except BaseException:
            slots.release()
            raise
        # The slot is free when the worker is, not when the client got its answer.
        fut.add_done_callback(lambda _f: loop.call_soon_threadsafe(slots.release))
        try:
            return await asyncio.wrap_future(fut)
        except FutTimeout:
            raise QueryTimeout(f"query exceeded the {timeout:g} s time limit and was "
                               "stopped") from None
        except ProcessExpired:
            raise QueryError("the query worker died; it is being restarted") from None

    def close(self) -> None:
        self.pool.stop()
        self.pool.join(10)


class ThreadRunner:
    """Queries in threads of this process; a timed-out query keeps running (see module doc)."""

    def __init__(self, ds: DigiDataset, workers: int = 4):
        from concurrent.futures import ThreadPoolExecutor

        self.ds = ds
        self.pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="sparql")
        # rdflib's in-memory store is not safe for concurrent queries (the memory backend
        # also toggles its union flag per query); Oxigraph is.
        self.lock = threading.Lock() if ds.backend == "memory" else None

    def _execute(self, job: Job) -> Answer:
        if self.lock is None:
            return execute(self.ds, job)
        with self.lock:
            return execute(self.ds, job)

    async def run(self, job: Job, timeout: float) -> Answer:
        fut = self.pool.submit(self._execute, job)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(fut), timeout)
        except TimeoutError:
            raise QueryTimeout(f"query exceeded the {timeout:g} s time limit") from None

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


# ------------------------------------------------------------------ the application


class SparqlApp:
    """What the endpoint serves: the dataset, a runner and the options."""

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

    async def run(self, text: str, bindings: dict | None = None,
                  default_graphs: list[str] = (), named_graphs: list[str] = (), *,
                  base_iri: str | None = None,
                  formats: tuple[str | None, str | None] | None = None) -> Answer:
        for iri, what in [(g, "default-graph-uri") for g in default_graphs] + \
                         [(g, "named-graph-uri") for g in named_graphs]:
            if not _ABSOLUTE_IRI.match(iri):
                raise InputError(f"{what} {iri!r} is not an absolute IRI")
            if not self.has_graph(iri):
                raise InputError(f"unknown graph <{iri}> ({what}); GET /sparql lists the "
                                 "dataset's named graphs")
        job = Job(text, bindings, tuple(default_graphs), tuple(named_graphs),
                  self.opts.max_rows, base_iri, formats)
        return await self.runner.run(job, self.opts.timeout)

    def update(self, text: str) -> None:
        lock = getattr(self.runner, "lock", None) or self.update_lock
        with lock:
            self.ds.update(text)

    def service_description(self, endpoint: str, fmt: str) -> bytes:
        from rdflib import BNode, Graph, Literal, Namespace
        from rdflib.namespace import DCTERMS, RDF, VOID

        from .exporters import RDF_FORMATS

        sd = Namespace(SD_NS)
        formats = Namespace(SERVICE_NS["formats"])
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
               URIRef(SERVICE_NS["entailment"] + "Simple")))
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
        return g.serialize(format=RDF_FORMATS[fmt].rdflib, encoding="utf-8")


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


def pick_format(kind: str, params: dict[str, list[str]], accept: str | None) -> str | None:
    """The result format for a result of ``kind`` ("graph" or not): a ``format=``/``output=``
    parameter first, then the Accept header; None if the client accepts none we offer."""
    offers = GRAPH_TYPES if kind == "graph" else SELECT_TYPES
    for key in ("format", "output"):
        if params.get(key):
            want = params[key][0].strip().lower()
            fmt = FORMAT_ALIASES.get(want) or dict(offers).get(want.split(";")[0])
            if fmt == "json" and kind == "graph":
                fmt = "jsonld"
            if fmt == "xml" and kind == "graph":
                fmt = "rdfxml"
            if fmt in {f for _, f in offers}:
                return fmt
    return negotiate(accept, offers)


# ------------------------------------------------------------------ HTTP


def _one(params: dict[str, list[str]], key: str, required: bool = True) -> str | None:
    vals = params.get(key) or []
    if len(vals) > 1:
        raise HttpError(400, f"{key}= given {len(vals)} times; give it once")
    if not vals:
        if required:
            raise HttpError(400, f"missing {key}=")
        return None
    return vals[0]


def _parse_qs(text: str) -> dict[str, list[str]]:
    try:
        return urllib.parse.parse_qs(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise HttpError(400, "a parameter is not valid UTF-8 once percent-decoded") from None


def build_asgi(app: SparqlApp) -> Any:
    """The Starlette application serving ``app``."""
    from jinja2 import Environment, FileSystemLoader
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.exceptions import HTTPException
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from .sparql import MEDIA_TYPES, bind_terms, display_term, load_query, parse_params, render

    templates = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                            auto_reload=False)
    opts = app.opts

    def respond(status: int, body: bytes, ctype: str,
                headers: dict[str, str] | None = None) -> Response:
        return Response(body, status, {**CORS, **(headers or {})}, media_type=ctype)

    def error(e: HttpError) -> Response:
        return respond(e.status, (e.message + "\n").encode(), "text/plain; charset=utf-8",
                       e.headers)

    def guarded(handler: Callable) -> Callable:
        """Library errors become the endpoint's one-line text errors with their status."""

        async def endpoint(request: Request) -> Response:
            try:
                return await handler(request)
            except HttpError as e:
                return error(e)
            except (QueryTimeout, ServerBusy) as e:
                return error(HttpError(503, str(e), {"Retry-After": "5"}))
            except (QueryError, InputError) as e:
                return error(HttpError(400, str(e)))
            except DigiprovError as e:
                return error(HttpError(500, str(e)))

        return endpoint

    def query_string(request: Request) -> dict[str, list[str]]:
        raw: bytes = request.scope.get("query_string", b"")
        if len(raw) + len(request.scope.get("raw_path", b"")) > opts.max_request_bytes:
            raise HttpError(414, "request URI too long; POST the query instead")
        try:
            return _parse_qs(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise HttpError(400, "the query string is not valid UTF-8") from None

    async def body_of(request: Request) -> bytes:
        limit = opts.max_request_bytes
        too_big = HttpError(413, "", {"Connection": "close"})
        length_header = request.headers.get("content-length")
        if length_header is not None:
            try:
                length = int(length_header)
            except ValueError:
                raise HttpError(400, "bad Content-Length") from None
            if length > limit:
                if length <= DRAIN_LIMIT:
                    # Read what the client is sending so it sees the 413 instead of a reset.
                    async for _chunk in request.stream():
                        pass
                too_big.message = (f"request body of {length} bytes exceeds the limit of "
                                   f"{limit} bytes")
                raise too_big
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                too_big.message = f"request body exceeds the limit of {limit} bytes"
                raise too_big
            chunks.append(chunk)
        return b"".join(chunks)

    def media_type(request: Request) -> str:
        """The request's media type; any charset but UTF-8 is refused (SPARQL text is UTF-8)."""
        raw = request.headers.get("content-type") or ""
        ctype, *params = [p.strip() for p in raw.split(";")]
        for p in params:
            name, _, value = p.partition("=")
            if name.strip().lower() == "charset" and \
                    value.strip().strip('"').lower() not in ("utf-8", "utf8"):
                raise HttpError(415, f"unsupported charset {value.strip()!r}; send UTF-8")
        return ctype.lower()

    def endpoint_url(request: Request) -> str:
        host = request.headers.get("host") or ""
        if not _HOST.fullmatch(host):
            server = request.scope.get("server") or (opts.host, opts.port)
            host = f"{server[0]}:{server[1]}"
        return f"http://{host}/sparql"

    def refuse_update() -> None:
        if not opts.allow_update:
            raise HttpError(403, "this endpoint is read-only: SPARQL Update is refused "
                            "(start 'digiprov serve --allow-update' to accept it)",
                            {"Connection": "close"})

    # -------------------------------------------------------------- /sparql

    async def sparql(request: Request) -> Response:
        if request.method == "OPTIONS":
            return Response(b"", 204, {
                **CORS, "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                "Access-Control-Allow-Headers":
                    request.headers.get("access-control-request-headers")
                    or "Content-Type, Accept",
                "Access-Control-Max-Age": "86400", "Allow": SPARQL_METHODS})
        qs = query_string(request)
        if request.method in ("GET", "HEAD"):
            if "update" in qs:
                refuse_update()
                raise HttpError(405, "SPARQL Update must be sent with POST", {"Allow": "POST"})
            if "query" in qs:
                return await run_query(request, _one(qs, "query"), qs)
            return await service_description(request, qs)
        ctype = media_type(request)
        if ctype == "application/sparql-update":
            refuse_update()
        text = await body_text(request)
        if ctype == "application/x-www-form-urlencoded":
            form = _parse_qs(text)
            if "query" in form and "update" in form:
                raise HttpError(400, "give either query= or update=, not both")
            if "update" in form:
                refuse_update()
                return await run_update(_one(form, "update"), form)
            if "query" in form:
                return await run_query(request, _one(form, "query"), {**qs, **form})
            raise HttpError(400, "the form has no query= (or update=) field")
        if ctype == "application/sparql-query":
            return await run_query(request, text, qs)
        if ctype == "application/sparql-update":
            return await run_update(text, qs)
        raise HttpError(415, f"unsupported Content-Type {ctype or '(none)'!r}; use "
                        "application/sparql-query, application/sparql-update or "
                        "application/x-www-form-urlencoded")

    async def body_text(request: Request) -> str:
        try:
            return (await body_of(request)).decode("utf-8")
        except UnicodeDecodeError:
            raise HttpError(400, "the request body is not valid UTF-8") from None

    async def run_query(request: Request, text: str, params: dict[str, list[str]]) -> Response:
        accept = request.headers.get("accept")
        formats = (pick_format("select", params, accept), pick_format("graph", params, accept))
        ans = await app.run(text, None, params.get("default-graph-uri", []),
                            params.get("named-graph-uri", []), base_iri=endpoint_url(request),
                            formats=formats)
        if ans.fmt is None:
            offers = GRAPH_TYPES if ans.kind == "graph" else SELECT_TYPES
            raise HttpError(406, "none of the Accept types is available; this result can be "
                            + ", ".join(m for m, _ in offers))
        headers = {"Vary": "Accept"}
        if ans.truncated:
            headers["X-Digiprov-Truncated"] = f"max-rows={opts.max_rows}"
        return respond(200, ans.body or b"", MEDIA_TYPES[ans.fmt], headers)

    async def run_update(text: str, params: dict[str, list[str]]) -> Response:
        if params.get("using-graph-uri") or params.get("using-named-graph-uri"):
            raise HttpError(400, "using-graph-uri / using-named-graph-uri are not supported")
        await run_in_threadpool(app.update, text)
        return respond(200, b"update applied\n", "text/plain; charset=utf-8")

    async def service_description(request: Request, qs: dict[str, list[str]]) -> Response:
        fmt = FORMAT_ALIASES.get(qs["format"][0].lower()) if qs.get("format") else None
        offers = GRAPH_TYPES[:5]
        if fmt not in {f for _, f in offers}:
            fmt = negotiate(request.headers.get("accept"), offers) or "turtle"
        body = await run_in_threadpool(app.service_description, endpoint_url(request), fmt)
        return respond(200, body, MEDIA_TYPES[fmt], {"Vary": "Accept"})

    # -------------------------------------------------------------- the page

    async def page(request: Request) -> Response:
        qs = query_string(request)
        if request.method == "POST":
            if media_type(request) != "application/x-www-form-urlencoded":
                raise HttpError(415, "the query page takes application/x-www-form-urlencoded")
            qs = _parse_qs(await body_text(request))
        text = _one(qs, "query", required=False)
        params_text = _one(qs, "params", required=False) or ""
        name = _one(qs, "name", required=False)
        if name and not text:
            nq = load_query(name, opts.queries_dirs)
            text = nq.text
            params_text = "\n".join(f"{k}={v}" for k, v in nq.examples.items())
        result, problem = None, None
        if text:
            try:
                values = parse_params(ln.strip() for ln in params_text.splitlines() if ln.strip())
                ans = await app.run(text, bind_terms(text, values) or None,
                                    base_iri=endpoint_url(request))
                result = page_result(ans)
            except (QueryError, InputError, QueryTimeout, ServerBusy) as e:
                problem = str(e)
        html = templates.get_template("sparql.html").render(
            text=text or "", params_text=params_text, result=result, error=problem,
            examples=[{"name": q.name, "title": q.title, "description": q.description,
                       "link": urllib.parse.urlencode({"name": q.name})} for q in app.named],
            mode="read-write" if opts.allow_update else "read-only",
            timeout=f"{opts.timeout:g}", max_rows=opts.max_rows)
        return respond(200, html.encode(), "text/html; charset=utf-8", {
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                       "form-action 'self'; base-uri 'none'",
            "X-Content-Type-Options": "nosniff",
        })

    def page_result(ans: Answer) -> dict[str, Any]:
        res = ans.result
        assert res is not None
        if res.kind == "ask":
            return {"kind": "ask", "boolean": res.boolean}
        if res.kind == "graph":
            return {"kind": "graph", "turtle": render(res, "turtle").decode("utf-8", "replace")}
        rows = []
        for row in res.rows:
            cells = []
            for t in row:
                href = None
                if isinstance(t, URIRef):
                    href = "/?" + urllib.parse.urlencode({"query": f"DESCRIBE <{t}>"})
                cells.append((display_term(t, app.id_base), href))
            rows.append(cells)
        shows_ids = bool(app.id_base) and any(
            isinstance(t, URIRef) and str(t).startswith(app.id_base)
            for row in res.rows for t in row)
        return {"kind": "select", "vars": res.vars, "rows": rows, "truncated": ans.truncated,
                "id_base": app.id_base if shows_ids else None}

    # -------------------------------------------------------------- errors outside a route

    async def http_exception(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        path = request.url.path
        if exc.status_code == 405:
            # Starlette keeps a route's methods in a set; say them in a stable order
            allowed = ALLOWED.get(path) or (exc.headers or {}).get("Allow", "")
            return error(HttpError(405, f"{request.method} is not allowed on {path}; use "
                                   f"{allowed}", {"Allow": allowed}))
        if exc.status_code == 404:
            return error(HttpError(404, f"no such resource {path}; the endpoint is /sparql"))
        return error(HttpError(exc.status_code, exc.detail, dict(exc.headers or {})))

    routes = [Route(path, guarded(sparql if path == "/sparql" else page),
                    methods=methods.split(", ")) for path, methods in ALLOWED.items()]
    return Starlette(routes=routes, exception_handlers={HTTPException: http_exception})


# ------------------------------------------------------------------ serving


class HttpServer:
    """uvicorn serving a :class:`SparqlApp` on a socket bound when this is made, so a busy port
    fails before anything else starts. ``serve_forever`` blocks (in any thread);
    ``shutdown`` from another thread makes it return."""

    def __init__(self, app: SparqlApp | None, host: str = "127.0.0.1", port: int = 0):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        # proto=IPPROTO_TCP, not 0: asyncio turns Nagle's algorithm off only on sockets that
        # say they are TCP, and with it on every response written in two parts (headers, then
        # body) waits for the client's delayed ACK, 40 ms on Linux.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
            # Listening now, clients that connect before uvicorn runs wait in the backlog
            # instead of being refused.
            sock.listen(BACKLOG)
        except OSError as e:
            sock.close()
            raise InputError(f"cannot listen on {host}:{port}: {e.strerror or e}") from None
        self.socket = sock
        self.server_address = sock.getsockname()[:2]
        self.app = app
        self._server: Any = None
        self._exit = False
        self._running = threading.Event()
        self._done = threading.Event()

    def serve_forever(self) -> None:
        import logging

        import uvicorn

        if self.app is None:
            raise RuntimeError("HttpServer.app is not set")
        config = uvicorn.Config(build_asgi(self.app), log_level="warning",
                                access_log=self.app.opts.access_log, lifespan="off",
                                timeout_graceful_shutdown=5, server_header=False,
                                date_header=True)
        if self.app.opts.access_log:  # log_level="warning" mutes the access log too
            logging.getLogger("uvicorn.access").setLevel(logging.INFO)
        config.backlog = BACKLOG
        self._server = uvicorn.Server(config)
        self._server.should_exit = self._exit
        self._running.set()
        try:
            self._server.run(sockets=[self.socket])
        finally:
            self._done.set()

    def shutdown(self) -> None:
        self._exit = True
        if self._running.is_set():
            self._server.should_exit = True
            self._done.wait(15)

    def server_close(self) -> None:
        self.socket.close()


def make_server(app: SparqlApp | None, host: str = "127.0.0.1", port: int = 0) -> HttpServer:
    """A server for ``app`` (which may be set later as ``server.app``)."""
    return HttpServer(app, host, port)


def open_app(cfg: Any, opts: ServerOptions) -> SparqlApp:
    """Open the dataset the way ``opts`` asks (read-only pool, threads, or writable)."""
    from .persist import dataset_path
    from .store import open_writable
    from .vocab import id_namespace

    ds = cfg.open()
    runner: Any = None
    try:
        if opts.allow_update:
            if ds.backend == "oxigraph":
                ds.close()
                ds = open_writable(dataset_path(cfg.out).resolve() / "oxigraph")
            runner = ThreadRunner(ds, max(2, opts.workers))
        elif opts.workers > 0:
            runner = ProcessRunner({"out_dir": str(cfg.out), "store": cfg.store,
                                    "seeds_dir": str(cfg.seeds) if cfg.seeds else None,
                                    "check_stale": False, "base": cfg.base}, opts.workers)
    except BaseException:
        ds.close()
        raise
    return SparqlApp(ds, opts, runner, id_base=id_namespace(cfg.base))


def run_server(cfg: Any, opts: ServerOptions, announce: Callable[[str], None] = print) -> None:
    # Claim the port first: a busy port should fail before worker processes start.
    server = make_server(None, opts.host, opts.port)
    try:
        app = open_app(cfg, opts)
    except BaseException:
        server.server_close()
        raise
    server.app = app
    host, port = server.server_address
    mode = "read-write" if opts.allow_update else "read-only"
    runner = ("threads" if isinstance(app.runner, ThreadRunner)
              else f"{opts.workers} worker processes")
    announce(f"digiprov: SPARQL endpoint http://{host}:{port}/sparql, query page "
             f"http://{host}:{port}/ ({mode}, {runner}, timeout {opts.timeout:g} s, "
             f"max {opts.max_rows} rows); Ctrl-C stops")

    def stop(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        # uvicorn shuts down gracefully on SIGTERM/SIGINT, then raises the signal again with
        # the handler it found: this one, so the process ends with status 0, not -15.
        signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        with contextlib.suppress(KeyboardInterrupt):
            server.server_close()
            app.runner.close()
            app.ds.close()


__all__ = ["ServerOptions", "SparqlApp", "HttpServer", "make_server", "open_app", "run_server",
           "ThreadRunner", "ProcessRunner", "Job", "Answer", "execute", "build_asgi",
           "negotiate", "pick_format"]

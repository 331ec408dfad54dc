"""Load the dataset into an external store with the SPARQL 1.1 Graph Store HTTP Protocol.

Each named graph is sent with ``PUT <store>?graph=<IRI>`` and the default graph with
``PUT <store>?default``. PUT replaces a graph as a whole, so a second push leaves the store
exactly as the first one did (graphs the store holds that the dataset does not are untouched).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from .errors import InputError, RemoteError
from .sparql import _excerpt, http_request
from .store import DigiDataset


@dataclass
class PushReport:
    url: str
    graphs: int
    quads: int
    bytes: int
    pruned: list[str] = field(default_factory=list)

    def summary(self) -> str:
        s = (f"pushed {self.quads} quads ({self.graphs} named graphs + the default graph, "
             f"{self.bytes / 1024:.0f} KiB of N-Triples) to {self.url}")
        if self.pruned:
            s += f"; removed {len(self.pruned)} stale graph(s)"
        return s


def graph_store_url(endpoint: str) -> str:
    """Guess the Graph Store URL from a query endpoint (Oxigraph: /query -> /store)."""
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"endpoint {endpoint!r} is not an http(s) URL")
    path = parts.path.rstrip("/")
    head, _, last = path.rpartition("/")
    if last in ("query", "sparql"):
        path = f"{head}/store"
    elif path == "":
        path = "/store"
    else:
        raise InputError(f"cannot derive a graph store URL from {endpoint}; give --graph-store")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _with_param(url: str, param: str) -> str:
    return url + ("&" if "?" in url else "?") + param


def graph_ntriples(ds: DigiDataset, g: Node) -> tuple[bytes, int]:
    import pyoxigraph as ox

    from .terms import to_ox

    triples = [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o, _ in ds.quads(g=g)]
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", len(triples)


def push_dataset(ds: DigiDataset, url: str, *, user: str | None = None,
                 password: str | None = None, timeout: float = 60.0,
                 progress: Callable[[Node], None] | None = None,
                 graphs: list[Node] | None = None,
                 default_graph: str | None = None) -> PushReport:
    """PUT every named graph and the default graph of ``ds`` to the graph store at ``url``.

    ``default_graph``: put the default graph (source and statement metadata) into this
    named graph instead, for stores whose default graph is the union of all graphs and
    cannot be written as such (Virtuoso); queries over the union then see it as before."""
    names = list(graphs if graphs is not None else ds.graph_names())
    if default_graph is not None:
        _check_default_graph(default_graph, names)
    total_quads = total_bytes = 0
    for g in [DATASET_DEFAULT_GRAPH_ID, *names]:
        body, n = graph_ntriples(ds, g)
        if g == DATASET_DEFAULT_GRAPH_ID and default_graph is not None:
            target = _with_param(url, "graph=" + urllib.parse.quote(default_graph, safe=""))
            what = f"the default graph (as <{default_graph}>)"
        elif g == DATASET_DEFAULT_GRAPH_ID:
            target, what = _with_param(url, "default"), "the default graph"
        else:
            target = _with_param(url, "graph=" + urllib.parse.quote(str(g), safe=""))
            what = f"graph <{g}>"
        status, _ctype, data = http_request(
            "PUT", target, body, {"Content-Type": "application/n-triples"}, timeout=timeout,
            user=user, password=password, what="graph store")
        if not 200 <= status < 300:
            hint = ("; a store without a writable default graph (Virtuoso) needs "
                    "--default-graph IRI" if what == "the default graph" else "")
            raise RemoteError(f"graph store {url} refused {what}: HTTP {status}{hint}: "
                              f"{_excerpt(data)}")
        total_quads += n
        total_bytes += len(body)
        if progress is not None:
            progress(g)
    return PushReport(url, len(names), total_quads, total_bytes)


def _check_default_graph(iri: str, names: list[Node]) -> None:
    parts = urllib.parse.urlsplit(iri)
    if not parts.scheme or any(c in iri for c in '<>" {}|\\^`'):
        raise InputError(f"--default-graph {iri!r} is not an absolute IRI")
    if iri in {str(g) for g in names}:
        raise InputError(f"--default-graph <{iri}> is one of the dataset's own named graphs")


def prune_stale_graphs(ds: DigiDataset, url: str, endpoint: str, own_prefixes: list[str], *,
                       user: str | None = None, password: str | None = None,
                       timeout: float = 60.0, keep: tuple[str, ...] = ()) -> list[str]:
    """DELETE the store's graphs under ``own_prefixes`` that the dataset no longer has
    (``keep``: graphs to spare as well, e.g. the one holding the default graph).

    Graphs outside those namespaces belong to someone else and are never touched."""
    from .sparql import run_remote

    res = run_remote(endpoint, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                     timeout=timeout, user=user, password=password)
    ours = {str(g) for g in ds.graph_names()} | set(keep)
    stale = sorted(str(g) for (g,) in res.rows
                   if any(str(g).startswith(p) for p in own_prefixes) and str(g) not in ours)
    for g in stale:
        target = _with_param(url, "graph=" + urllib.parse.quote(g, safe=""))
        status, _ctype, data = http_request("DELETE", target, None, {}, timeout=timeout,
                                            user=user, password=password, what="graph store")
        if not (200 <= status < 300 or status == 404):
            raise RemoteError(f"graph store {url} refused to delete graph <{g}>: "
                              f"HTTP {status}: {_excerpt(data)}")
    return stale


__all__ = ["push_dataset", "prune_stale_graphs", "graph_store_url", "PushReport"]

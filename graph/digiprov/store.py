"""The dataset API: every consumer reads the dataset through :class:`DigiDataset`.

Two backends share one interface and hand out rdflib terms:

* ``oxigraph`` (default): a pyoxigraph store published under ``OUT/dataset`` by
  ``digiprov build`` (see :mod:`digiprov.persist`) and opened read-only by every other
  command, so several readers can run at once and nothing is re-parsed;
* ``memory``: plain rdflib, built from the seeds on every open. It is the baseline the
  benchmarks compare against and needs no prior build.
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from rdflib import BNode, Dataset, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from . import paths
from .errors import QueryError, StoreError
from .exporters import RDF_FORMATS
from .persist import check_stale as _check_stale
from .persist import dataset_path, read_manifest
from .sparqltext import bind_as_values, inline_terms, with_prologue
from .terms import Quad, TermCache, from_ox, nquad_lines, to_ox
from .vocab import PREFIXES

# ------------------------------------------------------------------ query results


@dataclass
class QueryResult:
    """A SPARQL result in rdflib terms: ``kind`` is select, ask or graph."""

    kind: str
    vars: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Node, Node, Node]] = field(default_factory=list)

    def dicts(self) -> list[dict[str, Node | None]]:
        return [dict(zip(self.vars, r, strict=True)) for r in self.rows]

    def column(self, var: str) -> list[Node | None]:
        i = self.vars.index(var)
        return [r[i] for r in self.rows]

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows) if self.kind == "select" else len(self.triples)


# ------------------------------------------------------------------ the dataset API


class DigiDataset(ABC):
    """The dataset, whatever holds it. Read-only unless opened by the builder."""

    backend = "abstract"
    path: Path | None = None
    manifest: dict[str, Any]

    @abstractmethod
    def query(self, sparql: str, bindings: dict[str, Node] | None = None, *, union: bool = True,
              default_graphs: list[URIRef] | None = None,
              named_graphs: list[URIRef] | None = None,
              base_iri: str | None = None) -> QueryResult:
        """Run a SPARQL query. ``bindings`` (variable name -> RDF term) restrict variables
        like a substitution; a term can never change the query's structure (Oxigraph gets them
        as an escaped VALUES block, rdflib as ``initBindings``).

        The default graph is the union of all graphs unless ``union`` is false or
        ``default_graphs`` names graphs (SPARQL Protocol's default-graph-uri). ``base_iri``
        resolves relative IRIs (``<s>``) the query does not give a BASE for; without it they
        are a syntax error."""
        ...

    def update(self, sparql: str) -> None:
        raise StoreError(f"the {self.backend} dataset is open read-only")

    @abstractmethod
    def quads(self, s: Node | None = None, p: Node | None = None, o: Node | None = None,
              g: Node | None = None) -> Iterator[Quad]:
        ...

    def triples(self, s: Node | None = None, p: Node | None = None, o: Node | None = None
                ) -> Iterator[tuple[Node, Node, Node]]:
        """Triples of the union graph, each once."""
        seen: set[tuple[Node, Node, Node]] = set()
        for q in self.quads(s, p, o):
            t = q[:3]
            if t not in seen:
                seen.add(t)
                yield t  # type: ignore[misc]

    @abstractmethod
    def graph_names(self) -> list[Node]:
        ...

    @abstractmethod
    def __len__(self) -> int:
        ...

    @abstractmethod
    def serialize(self, out: IO[bytes], fmt: str) -> None:
        ...

    @property
    def pyoxigraph_store(self) -> Any:
        """The ``pyoxigraph.Store`` holding the dataset, or None for a backend without one.

        For readers that need Oxigraph's own speed (``quads_for_pattern``, ``dump``) and no
        rdflib terms: read it, never write it (the published store is opened read-only)."""
        return None

    def to_rdflib(self) -> Dataset:
        """A plain in-memory copy (for tools that need rdflib's own store)."""
        ds = Dataset()
        for s, p, o, g in self.quads():
            ds.add((s, p, o, g))
        return ds

    def close(self) -> None:  # noqa: B027 - backends without resources need no cleanup
        return None

    def __enter__(self) -> DigiDataset:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class OxigraphDataset(DigiDataset):
    backend = "oxigraph"

    def __init__(self, store: Any, path: Path | None = None,
                 manifest: dict[str, Any] | None = None, read_only: bool = False):
        self.store = store
        self.path = path
        self.manifest = manifest or {}
        self.read_only = read_only

    @property
    def pyoxigraph_store(self) -> Any:
        if self.store is None:
            raise StoreError("the dataset is closed")
        return self.store

    def query(self, sparql, bindings=None, *, union=True, default_graphs=None,
              named_graphs=None, base_iri=None):
        import pyoxigraph as ox

        kwargs: dict[str, Any] = {}
        if base_iri is not None:
            kwargs["base_iri"] = base_iri
        if default_graphs is not None:
            kwargs["default_graph"] = [to_ox(g) for g in default_graphs]
        elif union:
            kwargs["use_default_graph_as_union"] = True
        if named_graphs is not None:
            kwargs["named_graphs"] = [to_ox(g) for g in named_graphs]
        inlined = None
        if bindings and not any(isinstance(v, BNode) for v in bindings.values()):
            # Written into the text, the bound terms steer Oxigraph's plan; its substitutions
            # are applied after planning (see sparqltext).
            with contextlib.suppress(QueryError):  # no WHERE group: substitute instead
                inlined = inline_terms(sparql, bindings)
        if bindings and inlined is None:
            kwargs["substitutions"] = {ox.Variable(k): to_ox(v) for k, v in bindings.items()}
        try:
            if inlined is None:
                res = self.store.query(sparql, prefixes=PREFIXES, **kwargs)
            else:
                res = self._query_bound(sparql, inlined, bindings, kwargs)
        except SyntaxError as e:
            raise QueryError(f"SPARQL syntax error: {_short(e)}") from None
        except (OSError, ValueError, TypeError, RuntimeError) as e:
            raise QueryError(f"query failed: {e}") from None
        return _ox_result(res)

    def _query_bound(self, sparql: str, inlined: str, bindings: dict[str, Node],
                     kwargs: dict[str, Any]) -> Any:
        """Run the inlined text; where a bound variable stood in a place only a variable may
        (``bound(?v)``, ``VALUES ?v``) it does not parse, and the VALUES block alone runs."""
        with contextlib.suppress(SyntaxError):
            return self.store.query(inlined, prefixes=PREFIXES, **kwargs)
        try:
            return self.store.query(bind_as_values(sparql, bindings), prefixes=PREFIXES,
                                    **kwargs)
        except SyntaxError as e:
            error = e
        # Report on the user's own text, so the line and column are theirs; it cannot parse
        # where its bound forms did not, but is never run without its bindings.
        self.store.query(sparql, prefixes=PREFIXES, **kwargs)
        raise QueryError(f"cannot bind the parameters into this query: {_short(error)}")

    def update(self, sparql: str) -> None:
        if self.read_only:
            raise StoreError("the persisted dataset is open read-only; change the seeds and run "
                             "'digiprov build', or 'digiprov load' a file")
        try:
            self.store.update(with_prologue(sparql))
        except SyntaxError as e:
            raise QueryError(f"SPARQL syntax error: {e}") from None
        except OSError as e:
            raise StoreError(f"update failed: {e}") from None

    def quads(self, s=None, p=None, o=None, g=None):
        conv = TermCache()
        for q in self.store.quads_for_pattern(to_ox(s), to_ox(p), to_ox(o), to_ox(g)):
            yield conv(q.subject), conv(q.predicate), conv(q.object), conv(q.graph_name)

    def triples(self, s=None, p=None, o=None):
        """Triples of the union graph, each once, streamed (see :func:`union_triples`)."""
        conv = TermCache()
        for t in union_triples(self.store, to_ox(s), to_ox(p), to_ox(o)):
            yield conv(t.subject), conv(t.predicate), conv(t.object)

    def graph_names(self):
        return sorted((from_ox(g) for g in self.store.named_graphs()), key=str)

    def __len__(self):
        # A published store is read-only and its manifest holds the count persist() took;
        # len(store) would scan the whole quad index (~0.25 s per million quads).
        if self.read_only and isinstance(self.manifest.get("quads"), int):
            return self.manifest["quads"]
        return len(self.store)

    def serialize(self, out, fmt):
        import pyoxigraph as ox

        spec = RDF_FORMATS[fmt]
        rdf_format = getattr(ox.RdfFormat, spec.ox)
        if spec.quads:
            self.store.dump(out, rdf_format, prefixes=PREFIXES if fmt != "nquads" else None)
        else:
            # Streams; a CONSTRUCT over the union would hold every triple (0.7 GB at 1M).
            ox.serialize(union_triples(self.store), out, rdf_format,
                         prefixes=PREFIXES if fmt in ("turtle", "rdfxml") else None)

    def close(self):
        self.store = None


def union_triples(store: Any, s: Any = None, p: Any = None, o: Any = None) -> Iterator[Any]:
    """pyoxigraph Triples of the union graph, each once, in one streaming pass.

    A triple stated in several graphs is written at its first occurrence in Oxigraph's
    iteration order (the default graph, then named graphs in index order), which is also
    the first graph ``quads_for_pattern(s, p, o, None)`` lists. A set of 64-bit hashes says
    when a triple is new for sure; only on a hash hit is the store asked. ~50 bytes per
    quad instead of a set of whole triples."""
    import pyoxigraph as ox

    qp = store.quads_for_pattern
    T = ox.Triple
    seen: set[int] = set()
    add = seen.add
    for q in qp(s, p, o, None):
        t = T(q.subject, q.predicate, q.object)
        h = hash(t)
        if h in seen:
            if next(qp(q.subject, q.predicate, q.object, None)).graph_name != q.graph_name:
                continue
        else:
            add(h)
        yield t


def _ox_result(res: Any) -> QueryResult:
    import pyoxigraph as ox

    if isinstance(res, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(res))
    conv = TermCache(limit=1 << 62)  # one result: its distinct terms are bounded by its size
    if isinstance(res, ox.QuerySolutions):
        names = [v.value for v in res.variables]
        # a QuerySolution iterates its values in variable order, None where unbound
        rows = [tuple(map(conv, sol)) for sol in res]
        return QueryResult("select", vars=names, rows=rows)
    triples = [(conv(t.subject), conv(t.predicate), conv(t.object)) for t in res]
    return QueryResult("graph", triples=triples)  # type: ignore[arg-type]


class MemoryDataset(DigiDataset):
    """Plain rdflib: the baseline, and a store that needs no build."""

    backend = "memory"

    def __init__(self, ds: Dataset, manifest: dict[str, Any] | None = None):
        self.ds = ds
        self.manifest = manifest or {}

    def query(self, sparql, bindings=None, *, union=True, default_graphs=None,
              named_graphs=None, base_iri=None):
        from rdflib import Graph
        from rdflib.plugins.sparql.parser import parseQuery

        text = with_prologue(sparql)
        try:
            parseQuery(text)
        except Exception as e:  # pyparsing's ParseException and friends
            raise QueryError(f"SPARQL syntax error: {e}") from None
        target: Any
        if default_graphs is not None:
            target = Graph()
            for g in default_graphs:
                for t in self.ds.graph(g):
                    target.add(t)
        else:
            # A per-query view over the same store: toggling default_union on the shared
            # Dataset would leak between concurrent queries.
            target = Dataset(store=self.ds.store, default_union=union)
        try:
            res = target.query(text, initBindings=bindings or {}, base=base_iri)
            if res.type == "ASK":
                return QueryResult("ask", boolean=bool(res.askAnswer))
            if res.type == "SELECT":
                names = [str(v) for v in res.vars]
                return QueryResult("select", vars=names, rows=[tuple(r) for r in res])
            return QueryResult("graph", triples=list(res))
        except Exception as e:
            raise QueryError(f"query failed: {e}") from None

    def update(self, sparql: str) -> None:
        try:
            self.ds.update(with_prologue(sparql))
        except Exception as e:
            raise QueryError(f"update failed: {e}") from None

    def quads(self, s=None, p=None, o=None, g=None):
        ctx = None if g is None else self.ds.graph(g)
        for s2, p2, o2, c in self.ds.quads((s, p, o, ctx)):
            gid = c.identifier if hasattr(c, "identifier") else c
            yield s2, p2, o2, (DATASET_DEFAULT_GRAPH_ID if gid is None else gid)

    def graph_names(self):
        return sorted((c.identifier for c in self.ds.contexts()
                       if c.identifier != DATASET_DEFAULT_GRAPH_ID and len(c)), key=str)

    def __len__(self):
        return sum(1 for _ in self.ds.quads((None, None, None, None)))

    def serialize(self, out, fmt):
        spec = RDF_FORMATS[fmt]
        if spec.quads:
            self.ds.serialize(out, format=spec.rdflib)
        else:
            from rdflib import Graph

            g = Graph()
            for p, ns in PREFIXES.items():
                g.bind(p, ns)
            for t in self.triples():
                g.add(t)
            g.serialize(out, format=spec.rdflib)

    def to_rdflib(self):
        return self.ds


def _short(e: BaseException, limit: int = 240) -> str:
    """A parser message on one line, its list of expected tokens cut to ``limit`` chars."""
    text = " ".join(str(e).split())
    return text if len(text) <= limit else text[:limit].rstrip() + " …"


# ------------------------------------------------------------------ opening


def open_dataset(out_dir: str | Path | None = None, *, store: str = "oxigraph",
                 seeds_dir: str | Path | None = None, check_stale: bool = True,
                 base: str | None = None) -> DigiDataset:
    """Open the dataset for reading.

    ``store="oxigraph"`` opens what ``digiprov build`` persisted under ``out_dir`` (read-only);
    ``store="memory"`` builds it from the seeds with plain rdflib.
    """
    if store == "memory":
        from .build import build_dataset
        from .seeds import load_seeds
        from .vocab import DEFAULT_BASE

        sdir = Path(seeds_dir) if seeds_dir else paths.default_seeds_dir()
        seeds = load_seeds(sdir)
        return MemoryDataset(build_dataset(seeds, base or DEFAULT_BASE),
                             {"seeds_dir": str(sdir), "base": base or DEFAULT_BASE})
    if store != "oxigraph":
        raise StoreError(f"unknown store '{store}' (use oxigraph or memory)")
    import pyoxigraph as ox

    out = Path(out_dir) if out_dir else paths.default_out_dir()
    path = dataset_path(out)
    if not path.exists():
        raise StoreError(f"no built dataset at {path}; run 'digiprov build' first")
    manifest = read_manifest(path)
    if check_stale:
        _check_stale(path, manifest, seeds_dir)
    try:
        st = ox.Store.read_only(str(path / "oxigraph"))
    except OSError as e:
        raise StoreError(f"cannot open dataset at {path}: {e}; run 'digiprov build'") from None
    return OxigraphDataset(st, path, manifest, read_only=True)


def staged_dataset(target: Path) -> OxigraphDataset:
    """A staged (unpublished) store, opened read-write, e.g. to validate it before publishing."""
    import pyoxigraph as ox

    return OxigraphDataset(ox.Store(str(target / "oxigraph")), target)


def open_writable(path: str | Path) -> OxigraphDataset:
    """A read-write store at ``path`` (for tests and tools that load RDF themselves)."""
    import pyoxigraph as ox

    return OxigraphDataset(ox.Store(str(path)), Path(path))


def memory_oxigraph(quads: Iterable[Quad] | None = None) -> OxigraphDataset:
    """An in-memory Oxigraph dataset (tests, tiny fixtures)."""
    import pyoxigraph as ox

    st = ox.Store()
    ds = OxigraphDataset(st)
    if quads is not None:
        data = "".join(nquad_lines(quads)).encode()
        if data:
            st.load(data, ox.RdfFormat.N_QUADS)
    return ds


__all__ = ["DigiDataset", "OxigraphDataset", "MemoryDataset", "QueryResult", "open_dataset",
           "staged_dataset", "open_writable", "memory_oxigraph", "union_triples"]

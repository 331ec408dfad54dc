"""One streamed pass over the dataset's quads -> :class:`PropertyGraph` (entities + schema).

Quads come as plain strings (``digiprov.projection.raw_quads``), are externally sorted by
subject (bounded memory, runs spilled to temp files), statement metadata goes to a temp
SQLite index, and the quads are grouped into one :class:`Entity` per resource and written
to a temp file while a :class:`Schema` (property types, which keys repeat, label sets,
counts) is collected. Every writer re-reads that file, so the Cypher script, the CSV files
and the Bolt loader see exactly the same rows.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import heapq
import pickle
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..vocab import DEF_NS, DP, OA, PROV, RDF, SKOS, XSD
from .mapping import (
    NODE_RESERVED,
    REL_PROPS,
    RESOURCE,
    coerce,
    convert,
    merge_types,
    unique_names,
    upper_snake,
)

# Records per in-memory sort run (about 0.5 KB each in Python): bounds the scan's memory.
SORT_CHUNK = 100_000
_RDF_TYPE = str(RDF.type)
_XSD_STRING = str(XSD.string)
_HAS_SELECTOR = str(OA.hasSelector)
_SELECTOR_CLASS = str(OA.TextPositionSelector)
_ALT_LABEL = str(SKOS.altLabel)
_ONTOLOGY_GRAPH = DEF_NS


@dataclass
class Entity:
    """One resource: its types, literal values per (predicate, lang), outgoing IRI triples."""

    uri: str
    types: list[str] = field(default_factory=list)
    values: dict[tuple[str, str], list[tuple[str, Any, str]]] = field(default_factory=dict)
    rels: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)  # (p, o, graphs)
    graphs: set[str] = field(default_factory=set)


@dataclass
class Schema:
    """What the writers need before the first row: names, types, label sets and counts."""

    statements: StatementIndex  # IRI -> (source, paragraph, start, end)
    label_of: dict[str, str] = field(default_factory=dict)
    rel_of: dict[str, str] = field(default_factory=dict)
    key_name: dict[tuple[str, str], str] = field(default_factory=dict)
    key_type: dict[tuple[str, str], str] = field(default_factory=dict)
    key_array: set[tuple[str, str]] = field(default_factory=set)
    combos: dict[tuple[str, ...], list[tuple[str, str]]] = field(default_factory=dict)
    node_count: dict[tuple[str, ...], int] = field(default_factory=dict)
    rel_count: dict[str, int] = field(default_factory=dict)  # predicate IRI -> count
    rel_keys: dict[str, list[str]] = field(default_factory=dict)  # predicate -> prov keys

    @property
    def nodes(self) -> int:
        return sum(self.node_count.values())

    @property
    def relationships(self) -> int:
        return sum(self.rel_count.values())

    def labels(self, types: Iterable[str]) -> tuple[str, ...]:
        return tuple(sorted({self.label_of[t] for t in types}))


def _records(ds, include_ontology: bool) -> Iterator[tuple]:
    """Sort records (subject, predicate, kind, value, datatype, lang, graph) for every quad,
    plus a bare (object,) record per IRI object so object-only resources become nodes.

    Quads come as plain strings from :func:`digiprov.projection.raw_quads` (Oxigraph's own
    iterator): building an rdflib term per quad costs time, and the term cache behind
    ``ds.quads()`` costs memory that grows with the number of distinct terms."""
    from ..projection import Lit, raw_quads

    for s, p, o, g in raw_quads(ds):
        gs = g or ""
        if gs == _ONTOLOGY_GRAPH and not include_ontology:
            continue
        if isinstance(o, Lit):
            dt = "" if o.lang else (o.datatype or _XSD_STRING)
            yield (s, p, "L", o.value, dt, o.lang or "", gs)
        else:
            yield (s, p, "I", o, "", "", gs)
            if p not in (_RDF_TYPE, _HAS_SELECTOR):
                yield (o, "", "", "", "", "", "")


def _external_sort(records: Iterator[tuple], tmp: Path, chunk: int) -> Iterator[tuple]:
    """Sort with bounded memory: sorted runs of ``chunk`` records spilled to disk, merged."""
    runs: list[Path] = []
    buf: list[tuple] = []

    def spill() -> None:
        buf.sort()
        path = tmp / f"run{len(runs):05d}.pkl"
        with open(path, "wb") as fh:
            for i in range(0, len(buf), 256):
                pickle.dump(buf[i:i + 256], fh, protocol=pickle.HIGHEST_PROTOCOL)
        runs.append(path)
        buf.clear()

    for r in records:
        buf.append(r)
        if len(buf) >= chunk:
            spill()
    if not runs:
        buf.sort()
        yield from buf
        return
    if buf:
        spill()

    def read(path: Path) -> Iterator[tuple]:
        with open(path, "rb") as fh:
            while True:
                try:
                    yield from pickle.load(fh)
                except EOFError:
                    return

    prev = None
    for r in heapq.merge(*(read(p) for p in runs)):
        if r != prev:
            yield r
            prev = r


def _num(x: Any) -> int:
    try:
        return int(str(x))
    except (TypeError, ValueError):
        return -1


class StatementIndex:
    """Statement IRI -> (source, paragraph, start, end), kept in a temp SQLite file.

    Statements grow with the dataset, so they are not held in a dict: the pieces are streamed
    from quad patterns into tables, joined once in SQL, and looked up by primary key (with a
    small LRU cache in front, as relationships of one subject share their statements)."""

    def __init__(self, ds, path: Path):
        import sqlite3

        from ..projection import Lit, raw_quads

        self.conn = db = sqlite3.connect(str(path))
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        for table in ("st(s)", "src(s, v)", "para(s, v)", "sel(s, v)", "start(s, v)",
                      "stop(s, v)"):
            db.execute(f"CREATE TABLE {table}")
        patterns = {"src": PROV.wasDerivedFrom, "para": DP.paragraph, "sel": OA.hasSelector,
                    "start": OA.start, "stop": OA.end}
        db.executemany("INSERT INTO st VALUES (?)",
                       ((q[0],) for q in raw_quads(ds, p=_RDF_TYPE, o=str(DP.Statement))))
        for table, pred in patterns.items():
            db.executemany(f"INSERT INTO {table} VALUES (?, ?)",
                           ((q[0], _num(q[2].value) if isinstance(q[2], Lit) else q[2])
                            for q in raw_quads(ds, p=str(pred))))
        for table in ("src", "para", "sel", "start", "stop"):
            db.execute(f"CREATE INDEX {table}_s ON {table}(s)")
        db.execute("""CREATE TABLE info(iri TEXT PRIMARY KEY, src, para, start, stop)
                      WITHOUT ROWID""")
        db.execute("""INSERT OR IGNORE INTO info SELECT st.s,
                        (SELECT MIN(v) FROM src WHERE src.s = st.s),
                        (SELECT MIN(v) FROM para WHERE para.s = st.s),
                        (SELECT MIN(start.v) FROM sel JOIN start ON start.s = sel.v
                         WHERE sel.s = st.s),
                        (SELECT MIN(stop.v) FROM sel JOIN stop ON stop.s = sel.v
                         WHERE sel.s = st.s)
                      FROM st""")
        for table in ("st", "src", "para", "sel", "start", "stop"):
            db.execute(f"DROP TABLE {table}")
        db.commit()
        self._get = functools.lru_cache(maxsize=8192)(self._fetch)

    def _fetch(self, iri: str) -> tuple[str, int, int, int] | None:
        row = self.conn.execute("SELECT src, para, start, stop FROM info WHERE iri = ?",
                                (iri,)).fetchone()
        if row is None:
            return None
        src, para, start, stop = row
        return (src or "", -1 if para is None else para, -1 if start is None else start,
                -1 if stop is None else stop)

    def __contains__(self, iri: object) -> bool:
        return isinstance(iri, str) and self._get(iri) is not None

    def __getitem__(self, iri: str) -> tuple[str, int, int, int]:
        v = self._get(iri)
        if v is None:
            raise KeyError(iri)
        return v

    def __len__(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM info").fetchone()[0]

    def close(self) -> None:
        self.conn.close()


def _group(records: Iterator[tuple]) -> Iterator[Entity]:
    cur: Entity | None = None
    rel_graphs: dict[tuple[str, str], set[str]] = {}
    for s, p, kind, val, dt, lang, g in records:
        if cur is None or s != cur.uri:
            if cur is not None:
                cur.rels = [(rp, ro, tuple(sorted(gs))) for (rp, ro), gs in rel_graphs.items()]
                yield cur
            cur, rel_graphs = Entity(s), {}
        if not p:
            continue
        if g:
            cur.graphs.add(g)
        if kind == "I":
            if p == _RDF_TYPE:
                if val not in cur.types:
                    cur.types.append(val)
            else:
                rel_graphs.setdefault((p, val), set())
                if g:
                    rel_graphs[(p, val)].add(g)
        else:
            key = (p, lang.lower())
            v = ("string", val, val) if lang else (*convert(val, dt), val)
            lst = cur.values.setdefault(key, [])
            if v not in lst:
                lst.append(v)
    if cur is not None:
        cur.rels = [(rp, ro, tuple(sorted(gs))) for (rp, ro), gs in rel_graphs.items()]
        yield cur


class PropertyGraph(contextlib.AbstractContextManager):
    """The dataset scanned once into a temp file plus its :class:`Schema`.

    Use as a context manager (the temp directory is removed on exit)::

        with PropertyGraph(ds) as pg:
            for b in batches(pg): ...
    """

    def __init__(self, ds, *, include_ontology: bool = False, sort_chunk: int = SORT_CHUNK,
                 tmpdir: str | Path | None = None):
        self._tmp = tempfile.TemporaryDirectory(prefix="digiprov-pg-", dir=tmpdir)
        try:
            self._scan(ds, Path(self._tmp.name), include_ontology, sort_chunk)
        except BaseException:
            self.close()
            raise

    def _scan(self, ds, tmp: Path, include_ontology: bool, sort_chunk: int) -> None:
        self._file = tmp / "entities.pkl"
        schema = Schema(statements=StatementIndex(ds, tmp / "statements.sqlite"))
        types: dict[tuple[str, str], set[str]] = defaultdict(set)
        combos: dict[tuple[str, ...], set[tuple[str, str]]] = defaultdict(set)
        counts: dict[tuple[str, ...], int] = defaultdict(int)
        rel_count: dict[str, int] = defaultdict(int)
        rel_keys: dict[str, set[str]] = defaultdict(set)
        classes: set[str] = set()
        with open(self._file, "wb") as fh:
            for e in _group(_external_sort(_records(ds, include_ontology), tmp, sort_chunk)):
                if _SELECTOR_CLASS in e.types:
                    continue  # folded into its statement (start/end), see docs/neo4j.md
                if e.uri in schema.statements:
                    _fold_selector(e, schema.statements[e.uri])
                classes.update(e.types)
                combo = tuple(sorted(e.types))
                counts[combo] += 1
                for key, vals in e.values.items():
                    types[key].update(v[0] for v in vals)
                    combos[combo].add(key)
                    if len(vals) > 1 or key[0] == _ALT_LABEL:
                        schema.key_array.add(key)
                for p, _o, gs in e.rels:
                    rel_count[p] += 1
                    rel_keys[p].update(self._prov_keys(gs, schema.statements))
                pickle.dump(e, fh, protocol=pickle.HIGHEST_PROTOCOL)
        schema.label_of = unique_names(classes, lambda n: n, reserved=(RESOURCE,))
        schema.rel_of = unique_names(rel_count, upper_snake)
        preds = {k[0] for k in types}
        base = unique_names(preds, lambda n: n, reserved=NODE_RESERVED)
        names: dict[tuple[str, str], str] = {}
        taken = set(NODE_RESERVED)
        for key in sorted(types):
            n = base[key[0]] + (f"_{key[1].replace('-', '_')}" if key[1] else "")
            while n in taken:
                n += "_"
            names[key] = n
            taken.add(n)
        schema.key_name = names
        schema.key_type = {k: merge_types(v) for k, v in types.items()}
        for combo, n in counts.items():
            labels = schema.labels(combo)
            schema.node_count[labels] = schema.node_count.get(labels, 0) + n
            keys = set(schema.combos.get(labels, [])) | combos.get(combo, set())
            schema.combos[labels] = sorted(keys, key=lambda k: names[k])
        schema.rel_count = dict(rel_count)
        schema.rel_keys = {p: [k for k in REL_PROPS if k in ks] for p, ks in rel_keys.items()}
        self.schema = schema

    @staticmethod
    def _prov_keys(graphs: tuple[str, ...], statements: dict) -> set[str]:
        keys: set[str] = set()
        if any(g in statements for g in graphs):
            keys.update(REL_PROPS[:5])
        if any(g not in statements for g in graphs):
            keys.add("graphs")
        return keys

    def entities(self) -> Iterator[Entity]:
        with open(self._file, "rb") as fh:
            while True:
                try:
                    yield pickle.load(fh)
                except EOFError:
                    return

    def node_props(self, e: Entity) -> dict[str, Any]:
        """Property name -> value (typed; lists for repeated keys) plus provenance."""
        sch = self.schema
        props: dict[str, Any] = {}
        for key, vals in e.values.items():
            typ = sch.key_type[key]
            conv = sorted((coerce(v, typ) for v in vals), key=_sort_key)
            props[sch.key_name[key]] = conv if key in sch.key_array else conv[0]
        st = sorted(g for g in e.graphs if g in sch.statements)
        if st:
            props["statements"] = st
            props["sources"] = sorted({sch.statements[g][0] for g in st} - {""})
            if not props["sources"]:
                del props["sources"]
        return props

    def rel_props(self, graphs: tuple[str, ...]) -> dict[str, Any]:
        sts = self.schema.statements
        st = [g for g in graphs if g in sts]
        props: dict[str, Any] = {}
        if st:
            props["statements"] = st
            props["sources"] = [sts[g][0] for g in st]
            props["paragraphs"] = [sts[g][1] for g in st]
            props["starts"] = [sts[g][2] for g in st]
            props["ends"] = [sts[g][3] for g in st]
        other = [g for g in graphs if g not in sts]
        if other:
            props["graphs"] = other
        return props

    def close(self) -> None:
        if hasattr(self, "schema"):
            self.schema.statements.close()
        self._tmp.cleanup()

    def __exit__(self, *exc: object) -> None:
        self.close()


def _fold_selector(e: Entity, info: tuple[str, int, int, int]) -> None:
    e.rels = [r for r in e.rels if r[0] != _HAS_SELECTOR]
    for name, v in (("start", info[2]), ("end", info[3])):
        if v >= 0:
            e.values[(str(OA[name]), "")] = [("long", v, str(v))]


def _sort_key(v: Any) -> tuple:
    return (type(v).__name__, v.isoformat() if isinstance(v, _dt.date) else v)

"""RDF dataset -> property graph (Neo4j): the mapping, Cypher script, admin-import CSV, Bolt load.

The mapping (docs/neo4j.md) is computed in one streamed pass over the dataset's quads (as
plain strings, ``digiprov.projection.raw_quads``): they are externally sorted by subject
(bounded memory, runs spilled to temp files), statement metadata goes to a temp SQLite
index, and the quads are grouped into one :class:`Entity` per resource and written to a
temp file while a :class:`Schema` (property types, which keys repeat, label sets, counts)
is collected. Every writer then re-reads that
file, so the Cypher script, the CSV files and the Bolt loader see exactly the same rows, and
the Cypher script and the loader share one statement generator (:func:`batches`).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import functools
import heapq
import io
import pickle
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .atomic import atomic_dir, atomic_file
from .errors import InputError, RemoteError
from .terms import local_name
from .vocab import DEF_NS, DP, OA, PREFIXES, PROV, RDF, SKOS, XSD

RESOURCE = "Resource"
CONSTRAINT = ("CREATE CONSTRAINT digiprov_resource_uri IF NOT EXISTS "
              "FOR (n:Resource) REQUIRE n.uri IS UNIQUE;")
BEGIN_CONSTRAINTS = "// ==== BEGIN CONSTRAINTS (Neo4j 5+; skip on engines without them) ===="
END_CONSTRAINTS = "// ==== END CONSTRAINTS ===="
# neo4j-admin splits array cells on one character; U+001F (unit separator) never occurs in
# text, so labels full of ';' and ',' survive. Passed as --array-delimiter=U+001F.
ARRAY_DELIMITER = "\x1f"
DEFAULT_BATCH = 1000
# Records per in-memory sort run (about 0.5 KB each in Python): bounds the scan's memory.
SORT_CHUNK = 100_000
BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
NODE_RESERVED = {"uri", "statements", "sources"}
REL_PROPS = ("statements", "sources", "paragraphs", "starts", "ends", "graphs")

_INT_TYPES = {str(XSD[t]) for t in (
    "integer int long short byte nonNegativeInteger positiveInteger nonPositiveInteger "
    "negativeInteger unsignedLong unsignedInt unsignedShort unsignedByte gYear").split()}
_FLOAT_TYPES = {str(XSD.decimal), str(XSD.double), str(XSD.float)}
_RDF_TYPE = str(RDF.type)
_XSD_STRING = str(XSD.string)
_HAS_SELECTOR = str(OA.hasSelector)
_SELECTOR_CLASS = str(OA.TextPositionSelector)
_ALT_LABEL = str(SKOS.altLabel)
_ONTOLOGY_GRAPH = DEF_NS
_CSV_TYPE = {"string": "string", "long": "long", "double": "double", "boolean": "boolean",
             "date": "date"}
_SAFE_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
# Words some Cypher engines refuse as bare map keys / after a dot; such keys get a generated
# row key (the property name itself is always backtick-quoted).
_KEYWORDS = set("""all and any as asc ascending by call case contains count create delete desc
descending detach distinct else end ends exists false foreach in is limit load match merge
none not null on optional or order remove return set single skip starts then true union
unique unwind when where with xor yield""".split())


# ------------------------------------------------------------------ names


def _clean(name: str) -> str:
    # ':' would split a neo4j-admin header ("name:type"); control characters are unreadable.
    return "".join("_" if c == ":" or ord(c) < 32 else c for c in name) or "_"


def upper_snake(name: str) -> str:
    """``containedInPlace`` -> ``CONTAINED_IN_PLACE``, ``type_document`` -> ``TYPE_DOCUMENT``."""
    s = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name)
    s = re.sub(r"[\s\-.]+", "_", s)
    return s.upper()


def quote(name: str) -> str:
    """Backtick-quote a label, type or property name (backticks doubled, as Neo4j wants)."""
    return "`" + name.replace("`", "``") + "`"


def _prefix_of(iri: str) -> str | None:
    best = None
    for p, ns in PREFIXES.items():
        if iri.startswith(ns) and (best is None or len(ns) > len(PREFIXES[best])):
            best = p
    return best


def unique_names(iris: Iterable[str], base: Callable[[str], str],
                 reserved: Iterable[str] = ()) -> dict[str, str]:
    """IRI -> name; IRIs whose names clash (or hit a reserved name) get their prefix added."""
    iris = sorted(set(iris))
    taken = set(reserved)
    first = {i: _clean(base(local_name(i))) for i in iris}
    counts: dict[str, int] = defaultdict(int)
    for n in first.values():
        counts[n] += 1
    out: dict[str, str] = {}
    for i in iris:
        n = first[i]
        if counts[n] > 1 or n in taken:
            n = f"{_clean(base(_prefix_of(i) or 'ns'))}_{n}"
            k = 2
            cand = n
            while cand in taken or cand in out.values():
                cand, k = f"{n}_{k}", k + 1
            n = cand
        out[i] = n
        taken.add(n)
    return out


# ------------------------------------------------------------------ values


def convert(lex: str, dt: str) -> tuple[str, Any]:
    """A typed literal -> (type, Python value) as Neo4j stores it (string when unsure)."""
    try:
        if dt in _INT_TYPES:
            v = int(lex.strip())
            if -2**63 <= v < 2**63:
                return "long", v
        elif dt in _FLOAT_TYPES:
            f = float(lex.strip())
            if f == f and f not in (float("inf"), float("-inf")):
                return "double", f
        elif dt == str(XSD.boolean):
            if lex.strip() in ("true", "1", "false", "0"):
                return "boolean", lex.strip() in ("true", "1")
        elif dt == str(XSD.date):
            return "date", _dt.date.fromisoformat(lex.strip())
    except ValueError:
        pass
    return "string", lex


def _merge_types(types: set[str]) -> str:
    if len(types) == 1:
        return next(iter(types))
    if types == {"long", "double"}:
        return "double"
    return "string"


def _coerce(value: tuple[str, Any, str], typ: str) -> Any:
    vt, v, lex = value
    if vt == typ:
        return v
    if typ == "double" and vt == "long":
        return float(v)
    return lex


def cypher_literal(v: Any) -> str:
    """A Python value as a Cypher literal (strings double-quoted, dates as date(...))."""
    if isinstance(v, str):  # most values: checked first
        return '"' + (v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                      .replace("\r", "\\r").replace("\t", "\\t")) + '"'
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        r = repr(v)
        return r if ("." in r or "e" in r) else r + ".0"
    if isinstance(v, _dt.date):
        return f'date("{v.isoformat()}")'
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(cypher_literal(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {cypher_literal(x)}" for k, x in v.items()) + "}"
    if v is None:
        return "null"
    raise TypeError(f"no Cypher literal for {type(v).__name__}")


# ------------------------------------------------------------------ scanning the dataset


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
    from .projection import Lit, raw_quads

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

        from .projection import Lit, raw_quads

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
        schema.key_type = {k: _merge_types(v) for k, v in types.items()}
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
            conv = sorted((_coerce(v, typ) for v in vals), key=_sort_key)
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


# ------------------------------------------------------------------ Cypher statements


@dataclass
class Batch:
    """One parameterised statement and its rows (``UNWIND $rows AS row ...``)."""

    kind: str  # "node" or "rel"
    cypher: str
    rows: list[dict[str, Any]]


def _row_keys(names: list[str], fixed: Iterable[str]) -> dict[str, str]:
    """Property name -> row-map key: the name itself when it is a plain identifier."""
    taken = set(fixed)
    out = {}
    for i, n in enumerate(names):
        k = n if (_SAFE_KEY.match(n) and n.lower() not in _KEYWORDS and n not in taken) \
            else f"_{i}"
        out[n] = k
        taken.add(k)
    return out


def node_statement(labels: tuple[str, ...], props: list[str]) -> tuple[str, dict[str, str]]:
    keys = _row_keys(props, ("uri",))
    sets = [f"n:{quote(lb)}" for lb in labels] + [
        f"n.{quote(p)} = row.{keys[p]}" for p in props]
    cy = f"UNWIND $rows AS row MERGE (n:{RESOURCE} {{uri: row.uri}})"
    if sets:
        cy += " SET " + ", ".join(sets)
    return cy, keys


def rel_statement(rtype: str, props: list[str]) -> str:
    cy = (f"UNWIND $rows AS row MATCH (a:{RESOURCE} {{uri: row.s}}) "
          f"MATCH (b:{RESOURCE} {{uri: row.o}}) MERGE (a)-[r:{quote(rtype)}]->(b)")
    if props:
        cy += " SET " + ", ".join(f"r.{p} = row.{p}" for p in props)
    return cy


def batches(pg: PropertyGraph, size: int = DEFAULT_BATCH) -> Iterator[Batch]:
    """Node batches (per label set), then relationship batches (per type), deterministic."""
    if size < 1:
        raise InputError(f"batch size must be at least 1, got {size}")
    sch = pg.schema
    node_stmt: dict[tuple[str, ...], tuple[str, dict[str, str]]] = {}
    for labels, keys in sch.combos.items():
        prop_names = [sch.key_name[k] for k in keys] + ["sources", "statements"]
        node_stmt[labels] = node_statement(labels, prop_names)
    pending: dict[Any, list[dict[str, Any]]] = {}
    for e in pg.entities():
        labels = sch.labels(e.types)
        cy, keys = node_stmt[labels]
        row = {"uri": e.uri}
        for name, v in sorted(pg.node_props(e).items()):
            row[keys[name]] = v
        buf = pending.setdefault(labels, [])
        buf.append(row)
        if len(buf) >= size:
            yield Batch("node", cy, pending.pop(labels))
    for labels in sorted(pending):
        yield Batch("node", node_stmt[labels][0], pending[labels])
    pending = {}
    rel_stmt = {p: rel_statement(sch.rel_of[p], sch.rel_keys[p]) for p in sch.rel_count}
    for e in pg.entities():
        for p, o, gs in sorted(e.rels):
            row = {"s": e.uri, "o": o, **pg.rel_props(gs)}
            buf = pending.setdefault(p, [])
            buf.append(row)
            if len(buf) >= size:
                yield Batch("rel", rel_stmt[p], pending.pop(p))
    for p in sorted(pending, key=lambda p: sch.rel_of[p]):
        yield Batch("rel", rel_stmt[p], pending[p])


# ------------------------------------------------------------------ writers


def write_cypher(ds, dest: Path | None, *, batch: int = DEFAULT_BATCH,
                 sort_chunk: int = SORT_CHUNK, **_: Any) -> str:
    """``export --format cypher``: constraints, then ``:param rows => [...]`` + UNWIND batches."""
    with PropertyGraph(ds, sort_chunk=sort_chunk) as pg, atomic_file(dest, "w") as out:
        sch = pg.schema
        out.write(f"// digiprov property graph: {sch.nodes} nodes, {sch.relationships} "
                  "relationships. Mapping: docs/neo4j.md. Run with cypher-shell -f FILE.\n")
        out.write(BEGIN_CONSTRAINTS + "\n" + CONSTRAINT + "\n" + END_CONSTRAINTS + "\n")
        for b in batches(pg, batch):
            out.write(f":param rows => {cypher_literal(b.rows)};\n{b.cypher};\n")
        out.write(":param rows => [];\n")
        return (f"wrote cypher ({sch.nodes} nodes, {sch.relationships} relationships) "
                f"to {dest or 'stdout'}")


def _file_slug(name: str, i: int) -> str:
    slug = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_")[:60]
    return f"{i:03d}_{slug or 'x'}"


def _csv_cell(v: Any) -> str:
    if isinstance(v, list):
        cells = [_csv_cell(x) for x in v]
        for c in cells:
            if ARRAY_DELIMITER in c:
                raise InputError(f"value {c[:40]!r} contains the array delimiter U+001F")
        return ARRAY_DELIMITER.join(cells)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, _dt.date):
        return v.isoformat()
    if isinstance(v, float):
        return repr(v)
    return str(v)


def write_csv(ds, dest: Path | None, *, sort_chunk: int = SORT_CHUNK, **_: Any) -> str:
    """``export --format neo4j-csv``: node files per label set, relationship files per type."""
    if dest is None:
        raise InputError("neo4j-csv writes a directory; give -o DIR")
    with PropertyGraph(ds, sort_chunk=sort_chunk) as pg, atomic_dir(dest) as tmp:
        sch = pg.schema
        node_files: dict[tuple[str, ...], tuple[Any, Any, list[str]]] = {}
        opened: list[Any] = []
        try:
            for i, labels in enumerate(sorted(sch.combos)):
                keys = sch.combos[labels]
                names = [sch.key_name[k] for k in keys]
                header = ["uri:ID", ":LABEL"]
                for k, n in zip(keys, names, strict=True):
                    typ = _CSV_TYPE[sch.key_type[k]]
                    header.append(f"{n}:{typ}{'[]' if k in sch.key_array else ''}")
                header += ["sources:string[]", "statements:string[]"]
                fname = f"nodes_{_file_slug('_'.join(labels) or RESOURCE, i)}.csv"
                fh = open(tmp / fname, "w", encoding="utf-8", newline="")
                opened.append(fh)
                w = csv.writer(fh, lineterminator="\n")
                w.writerow(header)
                node_files[labels] = (fname, w, names + ["sources", "statements"])
            rel_files: dict[str, tuple[str, Any]] = {}
            for i, p in enumerate(sorted(sch.rel_count, key=lambda p: sch.rel_of[p])):
                fname = f"rels_{_file_slug(sch.rel_of[p], i)}.csv"
                fh = open(tmp / fname, "w", encoding="utf-8", newline="")
                opened.append(fh)
                w = csv.writer(fh, lineterminator="\n")
                w.writerow([":START_ID", ":END_ID", ":TYPE", "statements:string[]",
                            "sources:string[]", "paragraphs:long[]", "starts:long[]",
                            "ends:long[]", "graphs:string[]"])
                rel_files[p] = (fname, w)
            for e in pg.entities():
                labels = sch.labels(e.types)
                _fname, w, names = node_files[labels]
                props = pg.node_props(e)
                w.writerow([e.uri, ";".join((RESOURCE, *labels))] +
                           ["" if n not in props else _csv_cell(props[n]) for n in names])
                for p, o, gs in sorted(e.rels):
                    rp = pg.rel_props(gs)
                    w2 = rel_files[p][1]
                    w2.writerow([e.uri, o, sch.rel_of[p]] +
                                [_csv_cell(rp[k]) if k in rp else "" for k in REL_PROPS])
        finally:
            for fh in opened:
                fh.close()
        nodes = [node_files[lb][0] for lb in sorted(node_files)]
        rels = [rel_files[p][0] for p in sorted(rel_files, key=lambda p: sch.rel_of[p])]
        (tmp / "constraints.cypher").write_text(CONSTRAINT + "\n", encoding="utf-8")
        (tmp / "README.md").write_text(_csv_readme(nodes, rels, sch), encoding="utf-8")
    return (f"wrote neo4j-csv ({sch.nodes} nodes in {len(nodes)} files, {sch.relationships} "
            f"relationships in {len(rels)} files) to {dest}")


def _csv_readme(nodes: list[str], rels: list[str], sch: Schema) -> str:
    args = " \\\n  ".join([f"--nodes=import/{n}" for n in nodes] +
                          [f"--relationships=import/{r}" for r in rels])
    return f"""# digiprov graph for `neo4j-admin database import full`

{sch.nodes} nodes, {sch.relationships} relationships. Mapping: docs/neo4j.md in digiprov.

Copy these files into Neo4j's `import/` directory, stop the database, then run:

```sh
neo4j-admin database import full neo4j \\
  --array-delimiter=U+001F --multiline-fields=true --overwrite-destination \\
  {args}
```

Then start Neo4j and create the uniqueness constraint (`constraints.cypher`):

```sh
cypher-shell -u neo4j -f import/constraints.cypher
```

* Arrays (`name:string[]`, `paragraphs:long[]` ...) are split on U+001F (unit separator),
  which is why `--array-delimiter=U+001F` is required; `;` separates the `:LABEL` column.
* Text may contain newlines, hence `--multiline-fields=true`.
* Every file has a header row; CSV quoting is RFC 4180 (`"` doubled inside quoted cells).
"""


# ------------------------------------------------------------------ Bolt loader


@dataclass
class LoadSummary:
    nodes_created: int = 0
    nodes_updated: int = 0
    relationships_created: int = 0
    relationships_updated: int = 0
    properties_set: int = 0
    batches: int = 0

    def line(self) -> str:
        return (f"nodes: {self.nodes_created} created, {self.nodes_updated} updated; "
                f"relationships: {self.relationships_created} created, "
                f"{self.relationships_updated} updated; {self.properties_set} properties set "
                f"in {self.batches} batches")


# An executor runs one statement with its parameters and returns the counters
# (nodes_created, relationships_created, properties_set).
Executor = Callable[[str, dict[str, Any]], tuple[int, int, int]]


def run_batches(pg: PropertyGraph, execute: Executor, *, batch: int = DEFAULT_BATCH,
                progress: Callable[[int], None] | None = None) -> LoadSummary:
    """Send every batch through ``execute`` (one transaction each) and add up the counters."""
    s = LoadSummary()
    for b in batches(pg, batch):
        nc, rc, ps = execute(b.cypher, {"rows": b.rows})
        s.batches += 1
        s.properties_set += ps
        if b.kind == "node":
            s.nodes_created += nc
            s.nodes_updated += len(b.rows) - nc
        else:
            s.relationships_created += rc
            s.relationships_updated += len(b.rows) - rc
        if progress:
            progress(len(b.rows))
    return s


def _neo4j_error(e: Exception, uri: str, user: str, database: str | None) -> RemoteError:
    from neo4j import exceptions as nx

    msg = str(getattr(e, "message", None) or e).splitlines()[0] if str(e) else type(e).__name__
    if isinstance(e, nx.AuthError):
        return RemoteError(f"Neo4j at {uri} refused user '{user}': wrong user or password")
    if isinstance(e, nx.ServiceUnavailable):
        return RemoteError(f"cannot reach Neo4j at {uri}: {msg}")
    code = getattr(e, "code", "") or ""
    if "DatabaseNotFound" in code:
        return RemoteError(f"Neo4j at {uri} has no database '{database}'")
    return RemoteError(f"Neo4j at {uri}: {msg}")


def open_driver(uri: str, user: str, password: str, database: str | None = None,
                timeout: float = 10.0) -> Any:
    """A connected driver (connectivity, credentials and database checked up front)."""
    import neo4j
    from neo4j import exceptions as nx

    scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
    if scheme not in BOLT_SCHEMES:
        raise InputError(f"bad Neo4j URI {uri!r}: use one of "
                         f"{', '.join(s + '://' for s in BOLT_SCHEMES)}HOST:PORT")
    try:
        driver = neo4j.GraphDatabase.driver(uri, auth=(user, password),
                                            connection_timeout=timeout,
                                            connection_acquisition_timeout=timeout,
                                            max_transaction_retry_time=timeout)
    except (ValueError, nx.ConfigurationError) as e:
        raise InputError(f"bad Neo4j URI {uri!r}: {e}") from None
    try:
        driver.verify_connectivity()
        driver.execute_query("RETURN 1", database_=database)
    except (nx.Neo4jError, nx.DriverError, OSError) as e:
        driver.close()
        raise _neo4j_error(e, uri, user, database) from None
    return driver


def neo4j_executor(driver: Any, database: str | None) -> Executor:
    def run(cypher: str, params: dict[str, Any]) -> tuple[int, int, int]:
        def work(tx):
            return tx.run(cypher, params).consume().counters

        with driver.session(database=database) as session:
            c = session.execute_write(work)
        return c.nodes_created, c.relationships_created, c.properties_set

    return run


def load_bolt(ds, uri: str, user: str, password: str, *, database: str | None = None,
              batch: int = DEFAULT_BATCH, progress: Callable[[int], None] | None = None,
              on_plan: Callable[[Schema], None] | None = None) -> LoadSummary:
    """Load the dataset into Neo4j over Bolt: constraint, node batches, relationship batches."""
    from neo4j import exceptions as nx

    driver = open_driver(uri, user, password, database)
    try:
        with PropertyGraph(ds) as pg:
            if on_plan:
                on_plan(pg.schema)
            driver.execute_query(CONSTRAINT.rstrip(";"), database_=database)
            return run_batches(pg, neo4j_executor(driver, database), batch=batch,
                               progress=progress)
    except (nx.Neo4jError, nx.DriverError, OSError) as e:
        raise _neo4j_error(e, uri, user, database) from None
    finally:
        driver.close()


# ------------------------------------------------------------------ reading the script back


def script_statements(text: str, *, skip_constraints: bool = True) -> Iterator[str]:
    """The statements of a Cypher export with each ``$rows`` replaced by its ``:param`` value
    (how cypher-shell runs it), for engines that take plain Cypher strings."""
    rows = "[]"
    in_constraints = False
    for line in io.StringIO(text):
        line = line.rstrip("\n")
        if line == BEGIN_CONSTRAINTS:
            in_constraints = True
            continue
        if line == END_CONSTRAINTS:
            in_constraints = False
            continue
        if not line or line.startswith("//"):
            continue
        if in_constraints:
            if not skip_constraints:
                yield line.rstrip(";")
            continue
        if line.startswith(":param rows => "):
            rows = line[len(":param rows => "):].rstrip(";")
            continue
        yield line.rstrip(";").replace("$rows", rows, 1)


__all__ = ["PropertyGraph", "Schema", "Entity", "Batch", "batches", "write_cypher",
           "write_csv", "load_bolt", "run_batches", "open_driver", "neo4j_executor",
           "LoadSummary", "cypher_literal", "quote", "upper_snake", "local_name",
           "unique_names", "convert", "script_statements", "ARRAY_DELIMITER", "CONSTRAINT"]

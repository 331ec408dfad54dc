"""The Cypher statements (``UNWIND $rows AS row ... MERGE``) and the script for cypher-shell.

:func:`batches` is the one statement generator: the script writer and the Bolt loader both
send what it yields.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..atomic import atomic_file
from ..errors import InputError
from .mapping import RESOURCE, quote
from .scan import SORT_CHUNK, PropertyGraph

CONSTRAINT = ("CREATE CONSTRAINT digiprov_resource_uri IF NOT EXISTS "
              "FOR (n:Resource) REQUIRE n.uri IS UNIQUE;")
BEGIN_CONSTRAINTS = "// ==== BEGIN CONSTRAINTS (Neo4j 5+; skip on engines without them) ===="
END_CONSTRAINTS = "// ==== END CONSTRAINTS ===="
DEFAULT_BATCH = 1000
_SAFE_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
# Words some Cypher engines refuse as bare map keys / after a dot; such keys get a generated
# row key (the property name itself is always backtick-quoted).
_KEYWORDS = set("""all and any as asc ascending by call case contains count create delete desc
descending detach distinct else end ends exists false foreach in is limit load match merge
none not null on optional or order remove return set single skip starts then true union
unique unwind when where with xor yield""".split())


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



@dataclass
class Batch:
    """One parameterised statement and its rows (``UNWIND $rows AS row ...``)."""

    kind: str  # "node" or "rel"
    cypher: str
    rows: list[dict[str, Any]]
    what: str = ""  # the label set or relationship type, for messages

    def inline(self) -> str:
        """The statement with its rows written in as a Cypher literal (no parameters), as
        cypher-shell runs the script: for servers that do not pass parameters faithfully."""
        return self.cypher.replace("$rows", cypher_literal(self.rows), 1)


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
            yield Batch("node", cy, pending.pop(labels), ":".join(labels) or RESOURCE)
    for labels in sorted(pending):
        yield Batch("node", node_stmt[labels][0], pending[labels], ":".join(labels) or RESOURCE)
    pending = {}
    rel_stmt = {p: rel_statement(sch.rel_of[p], sch.rel_keys[p]) for p in sch.rel_count}
    for e in pg.entities():
        for p, o, gs in sorted(e.rels):
            row = {"s": e.uri, "o": o, **pg.rel_props(gs)}
            buf = pending.setdefault(p, [])
            buf.append(row)
            if len(buf) >= size:
                yield Batch("rel", rel_stmt[p], pending.pop(p), sch.rel_of[p])
    for p in sorted(pending, key=lambda p: sch.rel_of[p]):
        yield Batch("rel", rel_stmt[p], pending[p], sch.rel_of[p])


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

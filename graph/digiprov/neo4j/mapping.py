"""RDF terms -> property-graph names and values (docs/neo4j.md, "The mapping").

Labels, relationship types and property names come from IRI local names (prefixed on a
clash); typed literals become the values Neo4j stores (dates, numbers, booleans).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from ..terms import local_name
from ..vocab import PREFIXES, XSD, XSD_DECIMAL_TYPES, XSD_INTEGER_TYPES, iri

RESOURCE = "Resource"
NODE_RESERVED = {"uri", "statements", "sources"}
REL_PROPS = ("statements", "sources", "paragraphs", "starts", "ends", "graphs")

# A year is stored as a whole number, so Cypher can compare and add years (docs/neo4j.md).
_INT_TYPES = XSD_INTEGER_TYPES | {iri("xsd:gYear")}
_FLOAT_TYPES = XSD_DECIMAL_TYPES


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


def merge_types(types: set[str]) -> str:
    """One type for a key seen with several: long + double -> double, other mixes -> string."""
    if len(types) == 1:
        return next(iter(types))
    if types == {"long", "double"}:
        return "double"
    return "string"


def coerce(value: tuple[str, Any, str], typ: str) -> Any:
    """A (type, value, lexical form) in the key's merged type (the lexical form if it differs)."""
    vt, v, lex = value
    if vt == typ:
        return v
    if typ == "double" and vt == "long":
        return float(v)
    return lex

"""RDF terms: pyoxigraph <-> rdflib conversion, N-Triples/N-Quads text, local names.

A leaf module (rdflib and the vocabulary only; pyoxigraph is imported where it is used), so
the store, the persister, the query-text helpers and the exporters can all share it without
importing each other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from .vocab import XSD

Quad = tuple[Node, Node, Node, Node]
XSD_STRING = str(XSD.string)


# ------------------------------------------------------------------ pyoxigraph <-> rdflib


def from_ox(term: Any) -> Node | None:
    """pyoxigraph term -> rdflib term (DefaultGraph -> rdflib's default graph id)."""
    if term is None:
        return None
    return _convert(term)


def _convert(term: Any) -> Node:
    import pyoxigraph as ox

    cls = term.__class__
    if cls is ox.NamedNode:
        return URIRef(term.value)
    if cls is ox.Literal:
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(dt))
    if cls is ox.BlankNode:
        return BNode(term.value)
    if cls is ox.DefaultGraph:
        return DATASET_DEFAULT_GRAPH_ID
    raise TypeError(f"unsupported term {term!r}")


class TermCache:
    """pyoxigraph -> rdflib conversion with memory of terms already seen.

    Building an rdflib term is pure Python (URIRef validates its characters, Literal parses its
    value), while results repeat the same IRIs and labels over and over: a dict lookup keyed by
    the pyoxigraph term (hashed in Rust) makes big results ~15x cheaper to convert. ``limit``
    bounds memory when streaming a whole store."""

    __slots__ = ("cache", "limit")

    def __init__(self, limit: int = 500_000):
        self.cache: dict[Any, Node] = {}
        self.limit = limit

    def __call__(self, term: Any) -> Node | None:
        if term is None:
            return None
        cache = self.cache
        try:
            return cache[term]
        except KeyError:
            pass
        node = _convert(term)
        if len(cache) >= self.limit:
            cache.clear()
        cache[term] = node
        return node


def to_ox(term: Node | None) -> Any:
    """rdflib term -> pyoxigraph term (rdflib's default graph id -> DefaultGraph)."""
    import pyoxigraph as ox

    if term is None:
        return None
    if term == DATASET_DEFAULT_GRAPH_ID:
        return ox.DefaultGraph()
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")


# ------------------------------------------------------------------ N-Triples / N-Quads text


def nt_literal(o: Node) -> str:
    """A term in N-Triples syntax; literals always spelled out as "lexical"^^<datatype>."""
    if isinstance(o, Literal):
        # rdflib's n3() may shorten numbers and booleans to Turtle forms; N-Quads wants the
        # full "lexical"^^<datatype> spelling.
        lex = (str(o).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r"))
        if o.language:
            return f'"{lex}"@{o.language}'
        if o.datatype and o.datatype != XSD.string:
            return f'"{lex}"^^<{o.datatype}>'
        return f'"{lex}"'
    return o.n3()


def nquad_lines(quads: Iterable[Quad]) -> Iterator[str]:
    """One N-Quads line per quad (``g`` None or the default graph id: a triple line)."""
    for s, p, o, g in quads:
        gpart = "" if g is None or g == DATASET_DEFAULT_GRAPH_ID else f" {g.n3()}"
        yield f"{s.n3()} {p.n3()} {nt_literal(o)}{gpart} .\n"


# ------------------------------------------------------------------ names

_SEPARATORS = re.compile(r"[#/:]")


def local_name(iri: str) -> str:
    """The part after the last ``#``, ``/`` or ``:`` (n10s' rule), trailing separators aside:
    ``org#subOrganizationOf``, ``https://schema.org/containedInPlace/``, ``urn:x:y`` and the
    prefixed name ``dp:deadline`` give ``subOrganizationOf``, ``containedInPlace``, ``y``,
    ``deadline``. A string with nothing but separators is returned whole."""
    text = str(iri)
    return _SEPARATORS.split(text.rstrip("#/:"))[-1] or text


__all__ = ["Quad", "XSD_STRING", "from_ox", "to_ox", "TermCache", "nt_literal", "nquad_lines",
           "local_name"]

"""``digiprov export``: one registry of every output format, each a lazily imported writer.

A writer is ``fn(ds: DigiDataset, dest: Path | None, **options) -> str`` returning a one-line
summary; ``dest`` of ``None`` means stdout (file formats only). Writers must write atomically
(``digiprov.atomic``) so a failure leaves any previous output untouched.

Every format the package can write is registered here, so ``digiprov.export(ds, "cypher",
path)`` works in a program that never imports the CLI; :func:`register_format` is for
formats added from outside the package. The module stays light (no rdflib): the CLI lists the
formats at start-up.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .atomic import atomic_file
from .errors import InputError

if TYPE_CHECKING:  # the store pulls in rdflib; the registry must stay light for CLI start-up
    from .store import DigiDataset


class RdfFormat(NamedTuple):
    ox: str  # pyoxigraph.RdfFormat member
    rdflib: str  # rdflib serializer name
    quads: bool  # holds named graphs; the others get the union graph
    suffix: str
    media_type: str


RDF_FORMATS: dict[str, RdfFormat] = {
    "trig": RdfFormat("TRIG", "trig", True, ".trig", "application/trig"),
    "nquads": RdfFormat("N_QUADS", "nquads", True, ".nq", "application/n-quads"),
    "turtle": RdfFormat("TURTLE", "turtle", False, ".ttl", "text/turtle; charset=utf-8"),
    "nt": RdfFormat("N_TRIPLES", "nt", False, ".nt", "application/n-triples"),
    "jsonld": RdfFormat("JSON_LD", "json-ld", True, ".jsonld", "application/ld+json"),
    "rdfxml": RdfFormat("RDF_XML", "xml", False, ".rdf", "application/rdf+xml"),
}

# What ``digiprov query`` (and the endpoint) can write: SELECT/ASK results, or for
# CONSTRUCT/DESCRIBE one of the RDF formats above. Here, not in sparql.py, so the CLI can
# offer the choices without importing the query engine.
SELECT_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("turtle", "trig", "nt", "jsonld", "rdfxml")
QUERY_FORMATS = SELECT_FORMATS + GRAPH_FORMATS


@dataclass(frozen=True)
class Format:
    name: str
    target: str  # "module:function" or "module:function:fmt" (passed as fmt=...)
    kind: str  # "file" or "dir"
    help: str


FORMATS: dict[str, Format] = {}


def register_format(name: str, target: str, kind: str = "file", help: str = "") -> None:
    """Add (or replace) an export format; ``target`` names its writer, imported on first use."""
    if kind not in ("file", "dir"):
        raise ValueError(f"format {name}: kind must be 'file' or 'dir', not {kind!r}")
    FORMATS[name] = Format(name, target, kind, help)


def write_rdf(ds: DigiDataset, dest: Path | None, *, fmt: str) -> str:
    with atomic_file(dest, "wb") as out:
        ds.serialize(out, fmt)
    return f"wrote {fmt} ({len(ds)} quads) to {dest or 'stdout'}"


for _name, _f in RDF_FORMATS.items():
    register_format(_name, f"digiprov.exporters:write_rdf:{_name}", "file",
                    f"RDF {'dataset (named graphs kept)' if _f.quads else 'union graph'}")
register_format("cypher", "digiprov.neo4j:write_cypher", "file",
                "Cypher script: constraint, then idempotent UNWIND $rows ... MERGE batches")
register_format("neo4j-csv", "digiprov.neo4j:write_csv", "dir",
                "CSV files + README for neo4j-admin database import full")
register_format("graphml", "digiprov.graphfmt:write_graphml", "file",
                "GraphML of the networkx projection (yEd, Gephi)")
register_format("gexf", "digiprov.graphfmt:write_gexf", "file",
                "GEXF of the networkx projection (Gephi)")
register_format("html", "digiprov.view:export_html", "file",
                "the interactive offline HTML page of the whole graph")


def export(ds: DigiDataset, fmt: str, dest: str | Path | None, **options) -> str:
    """Write the dataset ``ds`` as ``fmt`` to ``dest`` (None or ``-``: stdout); a summary."""
    if fmt not in FORMATS:
        raise InputError(f"unknown export format '{fmt}' (known: {', '.join(sorted(FORMATS))})")
    f = FORMATS[fmt]
    if f.kind == "dir" and dest in (None, "-"):
        raise InputError(f"format {fmt} writes a directory; give -o DIR")
    module, func, *extra = f.target.split(":")
    fn = getattr(importlib.import_module(module), func)
    if extra:
        options["fmt"] = extra[0]
    return fn(ds, None if dest in (None, "-") else Path(dest), **options)


__all__ = ["FORMATS", "Format", "RDF_FORMATS", "RdfFormat", "SELECT_FORMATS", "GRAPH_FORMATS",
           "QUERY_FORMATS", "export", "register_format",
           "write_rdf"]

"""Counts per class, per predicate and per source document."""

from __future__ import annotations

from typing import Any

from .validate import _short

_CLASS_Q = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class }
GROUP BY ?class ORDER BY DESC(?n) ?class"""
_PRED_Q = """
SELECT ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }
GROUP BY ?p ORDER BY DESC(?n) ?p"""
_DEFAULT_PRED_Q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
_SOURCE_Q = """
SELECT ?src ?title (COUNT(DISTINCT ?st) AS ?statements) (COUNT(?s) AS ?triples) WHERE {
  ?st a dp:Statement ; prov:wasDerivedFrom ?src .
  ?src dcterms:title ?title . FILTER(lang(?title) = "zh")
  OPTIONAL { GRAPH ?st { ?s ?p ?o } }
} GROUP BY ?src ?title ORDER BY ?src"""


def dataset_stats(ds) -> dict[str, Any]:
    classes = ds.query(_CLASS_Q)
    preds = ds.query(_PRED_Q, union=False)
    default_n = ds.query(_DEFAULT_PRED_Q, union=False).rows[0][0]
    sources = ds.query(_SOURCE_Q)
    return {
        "quads": len(ds),
        "named_graphs": len(ds.graph_names()),
        "default_graph_triples": int(default_n),
        "classes": {_short(c): int(n) for c, n in classes.rows},
        "predicates_in_named_graphs": {_short(p): int(n) for p, n in preds.rows},
        "sources": [{"source": str(s), "title": str(t), "statements": int(st),
                     "triples": int(tr)} for s, t, st, tr in sources.rows],
    }


def _table(title: str, rows: list[tuple[str, Any]]) -> str:
    if not rows:
        return f"{title}\n  (none)\n"
    w = max(len(r[0]) for r in rows)
    return title + "\n" + "".join(f"  {k.ljust(w)}  {v:>8}\n" for k, v in rows)


def format_stats(st: dict[str, Any]) -> str:
    head = (f"{st['quads']} quads, {st['named_graphs']} named graphs, "
            f"{st['default_graph_triples']} triples in the default graph\n\n")
    return (head + _table("per class", list(st["classes"].items())) + "\n"
            + _table("per predicate (named graphs)",
                     list(st["predicates_in_named_graphs"].items())) + "\n"
            + _table("per source", [(f"{s['title']} <{s['source']}>",
                                     f"{s['statements']} statements, {s['triples']} triples")
                                    for s in st["sources"]]))

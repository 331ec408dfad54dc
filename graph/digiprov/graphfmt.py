"""GraphML and GEXF exports of the networkx projection (``digiprov.projection``), for yEd/Gephi.

Both formats only hold scalar attributes, so :func:`flat_graph` rewrites the projection:
lists and dicts (``aliases``, ``themes``, ``props``, ``sources``) become JSON strings
(``ensure_ascii=False``, dates as ISO text), dates become ISO text, and characters XML 1.0
cannot carry (control characters other than tab/newline/CR) are dropped. Edge keys (short
predicates such as ``dp:operator``) repeat between node pairs, which GraphML ids must not,
so edges get ids ``e0, e1, ...`` in sorted order and the key moves to ``predicate_short``.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from pathlib import Path
from typing import Any

from .atomic import atomic_file

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _json_default(v: Any) -> str:
    if isinstance(v, (_dt.date, _dt.datetime)):
        return v.isoformat()
    return str(v)


def flat_value(v: Any) -> str | int | float | bool | None:
    """One attribute value as a GraphML/GEXF scalar (see the module docstring)."""
    if v is None:
        return None
    if isinstance(v, bool | int | float):
        return v
    if isinstance(v, (_dt.date, _dt.datetime)):
        return v.isoformat()
    if isinstance(v, str):
        return _XML_BAD.sub("", v)
    text = json.dumps(v, ensure_ascii=False, sort_keys=True, default=_json_default)
    return _XML_BAD.sub("", text)


def _flat_attrs(data: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in sorted(data.items()):
        fv = flat_value(v)
        if fv is not None:
            out[_XML_BAD.sub("", str(k))] = fv
    return out


def flat_graph(G: Any) -> Any:
    """A deterministic copy of a projection with scalar attributes only."""
    import networkx as nx

    H = nx.MultiDiGraph()
    H.graph.update(_flat_attrs(dict(G.graph)))
    for n in sorted(G.nodes):
        H.add_node(_XML_BAD.sub("", str(n)), **_flat_attrs(G.nodes[n]))
    edges = sorted(G.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2])))
    for i, (u, v, k, d) in enumerate(edges):
        attrs = _flat_attrs(d)
        attrs["predicate_short"] = flat_value(k)
        H.add_edge(_XML_BAD.sub("", str(u)), _XML_BAD.sub("", str(v)), key=f"e{i}", **attrs)
    return H


def _projection(ds: Any, nary: str = "keep", lang: str = "zh") -> Any:
    from .projection import project

    return flat_graph(project(ds, nary=nary, lang=lang))


def write_graphml(ds: Any, dest: Path | None, *, nary: str = "keep", lang: str = "zh",
                  **_: Any) -> str:
    import networkx as nx

    H = _projection(ds, nary, lang)
    with atomic_file(dest, "wb") as out:
        nx.write_graphml(H, out, encoding="utf-8", prettyprint=True, named_key_ids=True)
    return (f"wrote graphml ({H.number_of_nodes()} nodes, {H.number_of_edges()} edges) "
            f"to {dest or 'stdout'}")


def write_gexf(ds: Any, dest: Path | None, *, nary: str = "keep", lang: str = "zh",
               **_: Any) -> str:
    import networkx as nx

    H = _projection(ds, nary, lang)
    with atomic_file(dest, "wb") as out:
        nx.write_gexf(H, out, encoding="utf-8", prettyprint=True)
    return (f"wrote gexf ({H.number_of_nodes()} nodes, {H.number_of_edges()} edges) "
            f"to {dest or 'stdout'}")


__all__ = ["flat_graph", "flat_value", "write_graphml", "write_gexf"]

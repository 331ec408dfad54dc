"""RDF dataset -> networkx ``MultiDiGraph``: the one projection every graph feature uses.

``project(ds, nary="keep"|"collapse", lang="zh"|"en")``. The rules (docs/analytics.md has
the full table):

* **Nodes** are the typed entities outside the ontology graph, minus bookkeeping and the
  concepts that are folded into properties (``FOLDED_CLASSES``/``EXCLUDED_CLASSES``). Node id
  = IRI; attributes ``iri``, ``cls`` (local name of the rdf:type), ``label_zh``, ``label_en``,
  ``label`` (``lang`` first), ``aliases``, ``themes`` (theme IRIs), ``props`` and ``sources``.
* **Edges**: every IRI-valued triple whose subject and object are both nodes; key = short
  predicate (``dp:operator``), attributes ``predicate`` (full IRI), ``label_zh``/``label_en``
  (the ontology's rdfs:label, else a built-in label for standard terms), ``sources``. A triple
  stated in several statements is one edge with several sources.
* **Props** (``dict[str, list]``, short predicate -> values): literals as Python values
  (xsd:date -> ``datetime.date``, integer types -> ``int``, decimal/double/float -> ``float``,
  everything else ``str``, the language tag dropped); IRI objects that are not nodes become
  their label in ``lang`` (units, qualifiers, document types, schemes) or the IRI string
  (Wikidata links). A period (time:ProperInterval) object P under predicate ``k`` gives
  ``props[k] = [label]`` plus ``props[k + ".start"]`` / ``props[k + ".end"]`` = dates.
  prefLabel, altLabel, rdf:type and prov:wasDerivedFrom are not repeated in props.
* **Sources**: the statement graphs (dp:Statement) a node's triples or an edge's triple are
  in, each ``{statement, source, title, paragraph, start, end}``; curated facts (no
  statement) have none.
* ``nary="collapse"`` replaces Membership, Milestone, Observation, Quotation and Recognition
  nodes by labelled edges (``COLLAPSE_RULES``); key = the n-ary node's IRI; attributes
  ``predicate`` (its class IRI), ``label_zh``/``label_en`` (its labels, a Membership's role
  labels), ``sources``, ``nary`` (IRI), ``cls``, ``props`` (its literal data) and ``links``
  (short predicate -> IRIs of the entities it pointed to).

The dataset is read by quad patterns (pyoxigraph's own iterator when the backend is
Oxigraph, so no rdflib term is built), never copied into an rdflib Graph.
"""

from __future__ import annotations

import datetime as _dt
import gc
from collections import defaultdict
from collections.abc import Container, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, NamedTuple

from .terms import local_name
from .vocab import DEF_NS, PREFIXES, curie

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PREF, ALT = SKOS + "prefLabel", SKOS + "altLabel"
TIME = "http://www.w3.org/2006/time#"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
OA = "http://www.w3.org/ns/oa#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCT_TITLE = "http://purl.org/dc/terms/title"
DP_THEME = DEF_NS + "theme"
ONTOLOGY_GRAPH = DEF_NS

# Never nodes, never folded: provenance bookkeeping, SKOS schemes, OWL-Time instants.
EXCLUDED_CLASSES = frozenset({
    DEF_NS + "Statement", DEF_NS + "SourceDocument", OA + "TextPositionSelector",
    SKOS + "ConceptScheme", TIME + "Instant",
})
# Not nodes: where a node points at one, its label (and a period's dates) go into props.
FOLDED_CLASSES = frozenset({
    TIME + "ProperInterval", DEF_NS + "Unit", DEF_NS + "Qualifier", DEF_NS + "DocumentType",
})
NARY_CLASSES = ("Membership", "Milestone", "Observation", "Quotation", "Recognition")

# Labels for the standard predicates the ontology reuses without labelling them.
STANDARD_LABELS: dict[str, tuple[str, str]] = {
    "schema:containedInPlace": ("位于", "contained in"),
    "schema:attendee": ("出席", "attendee"),
    "schema:organizer": ("主办", "organizer"),
    "schema:location": ("地点", "location"),
    "schema:spokenByCharacter": ("讲话人", "spoken by"),
    "org:subOrganizationOf": ("隶属于", "sub-organization of"),
    "org:unitOf": ("内设于", "unit of"),
    "org:member": ("成员", "member"),
    "org:organization": ("任职机构", "organization"),
    "org:role": ("职务", "role"),
    "dcterms:spatial": ("适用地域", "spatial coverage"),
    "dcterms:temporal": ("期间", "period"),
    "eli:passed_by": ("发布机关", "passed by"),
    "eli:based_on": ("依据", "based on"),
    "eli:type_document": ("文件类型", "document type"),
    "eli:date_document": ("发布日期", "document date"),
    "sdmx-dimension:refArea": ("地区", "reference area"),
    "sdmx-dimension:refPeriod": ("统计期", "reference period"),
    "sdmx-attribute:unitMeasure": ("单位", "unit"),
    "sdmx-measure:obsValue": ("数值", "value"),
    "skos:exactMatch": ("等同于", "exact match"),
    "skos:inScheme": ("所属方案", "in scheme"),
    "skos:definition": ("定义", "definition"),
    "skos:note": ("说明", "note"),
    "schema:startDate": ("日期", "date"),
}

# n-ary class -> (anchor predicates in order of preference, target predicates in order of
# preference; the first target predicate with a value wins, except Observation which links
# its area to both the indicator and what the value is about).
COLLAPSE_RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Membership": (("org:member",), ("org:organization",)),
    "Milestone": (("dp:responsibleAgent", "dp:partOf"), ("dp:concerns", "dp:partOf")),
    "Observation": (("sdmx-dimension:refArea", "dp:about"), ("dp:indicator", "dp:about")),
    "Quotation": (("schema:spokenByCharacter",), ("dp:concerns",)),
    "Recognition": (("dp:recipient",), ("dp:designation",)),
}
_ALL_TARGETS = {"Observation"}

_INT_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                "positiveInteger", "negativeInteger", "nonPositiveInteger",
                                "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}
_FLOAT_TYPES = {XSD + t for t in ("decimal", "double", "float")}


class Lit(NamedTuple):
    """A literal as plain strings (no rdflib object per term)."""

    value: str
    datatype: str | None
    lang: str | None


Term = str | Lit  # IRIs (and "_:bnode") are plain str


# Cached: the projection calls it once per quad.
short = lru_cache(maxsize=4096)(curie)


def expand(curie: str) -> str:
    prefix, _, rest = curie.partition(":")
    ns = PREFIXES.get(prefix)
    return ns + rest if ns and not rest.startswith("//") else curie


def py_value(lit: Lit) -> Any:
    """Literal -> Python value (see the module docstring)."""
    dt = lit.datatype
    try:
        if dt == XSD + "date":
            return _dt.date.fromisoformat(lit.value)
        if dt in _INT_TYPES:
            return int(lit.value)
        if dt in _FLOAT_TYPES:
            return float(lit.value)
    except ValueError:
        pass
    return lit.value


# ------------------------------------------------------------------ reading quads


def raw_quads(ds: Any, s: str | None = None, p: str | None = None, o: str | None = None,
              g: str | None = None, *, default_graph: bool = False,
              named_only: bool = False, subjects: Container[str] | None = None,
              ) -> Iterator[tuple[str, str, Term, str | None]]:
    """Quads as (s, p, o, g) with IRIs as str, literals as :class:`Lit`, the default graph
    as ``None``. ``default_graph=True`` restricts to the default graph, ``named_only`` to
    the named graphs; ``subjects`` keeps only quads whose subject is in it (checked before
    the rest of the quad is converted, which is most of the cost at a million quads)."""
    store = getattr(ds, "store", None)
    if store is not None and type(store).__module__.startswith("pyoxigraph"):
        yield from _ox_quads(store, s, p, o, g, default_graph, named_only, subjects)
        return
    from rdflib import Literal, URIRef
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    gterm = DATASET_DEFAULT_GRAPH_ID if default_graph else (URIRef(g) if g else None)
    for s2, p2, o2, g2 in ds.quads(URIRef(s) if s else None, URIRef(p) if p else None,
                                   URIRef(o) if o else None, gterm):
        gname = None if g2 is None or g2 == DATASET_DEFAULT_GRAPH_ID else str(g2)
        if (named_only and gname is None) or (subjects is not None
                                              and _node_str(s2) not in subjects):
            continue
        if isinstance(o2, Literal):
            ot: Term = Lit(str(o2), str(o2.datatype) if o2.datatype else None, o2.language)
        else:
            ot = _node_str(o2)
        yield _node_str(s2), str(p2), ot, gname


def _node_str(term: Any) -> str:
    from rdflib import BNode

    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _ox_quads(store: Any, s, p, o, g, default_graph: bool, named_only: bool,
              subjects: Container[str] | None):
    import pyoxigraph as ox

    gterm = ox.DefaultGraph() if default_graph else (ox.NamedNode(g) if g else None)
    named, literal, blank = ox.NamedNode, ox.Literal, ox.BlankNode
    xsd_string = XSD + "string"
    for q in store.quads_for_pattern(ox.NamedNode(s) if s else None,
                                     ox.NamedNode(p) if p else None,
                                     ox.NamedNode(o) if o else None, gterm):
        gn = q.graph_name
        is_named = type(gn) is named
        if named_only and not is_named:
            continue
        subj = q.subject
        sv = subj.value if type(subj) is named else f"_:{subj.value}"
        if subjects is not None and sv not in subjects:
            continue
        obj = q.object
        ot: Term
        if type(obj) is named:
            ot = obj.value
        elif isinstance(obj, literal):
            lang = obj.language
            dt = None if lang else obj.datatype.value
            ot = Lit(obj.value, None if dt == xsd_string else dt, lang)
        elif isinstance(obj, blank):
            ot = f"_:{obj.value}"
        else:
            ot = str(obj)
        yield sv, q.predicate.value, ot, (gn.value if is_named else None)


# ------------------------------------------------------------------ the projection


def entity_types(ds: Any) -> dict[str, str]:
    """IRI -> its class IRI, for every subject typed outside the ontology graph."""
    multi: dict[str, set[str]] = defaultdict(set)
    for s, _p, o, g in raw_quads(ds, p=RDF_TYPE):
        if g != ONTOLOGY_GRAPH and isinstance(o, str):
            multi[s].add(o)
    # One local class per entity by design; prefer dp: if a feed added a second one.
    return {s: min(ts, key=lambda t: (not t.startswith(DEF_NS), t)) for s, ts in multi.items()}


def is_node_class(cls: str | None) -> bool:
    """Whether entities of class ``cls`` become nodes of the projection."""
    return cls is not None and cls not in EXCLUDED_CLASSES and cls not in FOLDED_CLASSES


class _Context:
    """Everything the main pass needs to classify a triple, read by predicate patterns."""

    def __init__(self, ds: Any, lang: str):
        self.lang = lang
        self.types = entity_types(ds)
        self.labels: dict[str, dict[str, str]] = defaultdict(dict)
        for s, _p, o, g in raw_quads(ds, p=PREF):
            if g != ONTOLOGY_GRAPH and isinstance(o, Lit):
                lg = (o.lang or "").split("-")[0] or ("zh" if _has_cjk(o.value) else "en")
                cur = self.labels[s].get(lg)
                if cur is None or o.value < cur:  # deterministic when a language repeats
                    self.labels[s][lg] = o.value
        self.prop_labels: dict[str, dict[str, str]] = defaultdict(dict)
        for s, _p, o, _g in raw_quads(ds, p=RDFS_LABEL, g=ONTOLOGY_GRAPH):
            if isinstance(o, Lit) and o.lang:
                self.prop_labels[s][o.lang.split("-")[0]] = o.value
        self._pred_cache: dict[str, tuple[str, str]] = {}
        self.periods = self._periods(ds)
        self.statements = self._statements(ds)

    def _periods(self, ds: Any) -> dict[str, tuple[_dt.date | None, _dt.date | None]]:
        dates: dict[str, _dt.date] = {}
        for s, _p, o, _g in raw_quads(ds, p=TIME + "inXSDDate"):
            if isinstance(o, Lit):
                v = py_value(o)
                if isinstance(v, _dt.date):
                    dates[s] = v
        begin = {s: o for s, _p, o, _g in raw_quads(ds, p=TIME + "hasBeginning")
                 if isinstance(o, str)}
        end = {s: o for s, _p, o, _g in raw_quads(ds, p=TIME + "hasEnd") if isinstance(o, str)}
        return {s: (dates.get(begin.get(s, "")), dates.get(end.get(s, "")))
                for s in set(begin) | set(end)}

    def _statements(self, ds: Any) -> dict[str, dict[str, Any]]:
        statement = DEF_NS + "Statement"
        out: dict[str, dict[str, Any]] = {
            s: {"statement": s, "source": None, "title": None, "paragraph": None,
                "start": None, "end": None}
            for s, t in self.types.items() if t == statement}
        if not out:
            return out
        titles: dict[str, dict[str, str]] = defaultdict(dict)
        for s, _p, o, _g in raw_quads(ds, p=DCT_TITLE, default_graph=True):
            if isinstance(o, Lit):
                titles[s][(o.lang or "en").split("-")[0]] = o.value
        selectors: dict[str, str] = {}
        for s, _p, o, _g in raw_quads(ds, p=OA + "hasSelector", default_graph=True):
            if s in out and isinstance(o, str):
                selectors[o] = s
        for s, _p, o, _g in raw_quads(ds, p=PROV_DERIVED, default_graph=True):
            if s in out and isinstance(o, str):
                t = titles.get(o, {})
                out[s]["source"] = o
                out[s]["title"] = t.get(self.lang) or next(iter(t.values()), None)
        for s, _p, o, _g in raw_quads(ds, p=DEF_NS + "paragraph", default_graph=True):
            if s in out and isinstance(o, Lit):
                out[s]["paragraph"] = py_value(o)
        for key in ("start", "end"):
            for s, _p, o, _g in raw_quads(ds, p=OA + key, default_graph=True):
                st = selectors.get(s)
                if st and isinstance(o, Lit):
                    out[st][key] = py_value(o)
        return out

    def is_node(self, iri: str) -> bool:
        return is_node_class(self.types.get(iri))

    def label(self, iri: str) -> str:
        lab = self.labels.get(iri, {})
        other = "en" if self.lang == "zh" else "zh"
        return lab.get(self.lang) or lab.get(other) or next(iter(lab.values()), None) \
            or local_name(iri)

    def predicate_labels(self, iri: str, key: str) -> tuple[str, str]:
        got = self._pred_cache.get(iri)
        if got is None:
            lab = self.prop_labels.get(iri, {})
            zh0, en0 = STANDARD_LABELS.get(key, (None, None))
            name = local_name(iri)
            got = self._pred_cache[iri] = (lab.get("zh") or zh0 or name,
                                           lab.get("en") or en0 or name)
        return got


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def project(ds: Any, *, nary: str = "keep", lang: str = "zh"):
    """Project the dataset onto a ``networkx.MultiDiGraph`` (rules in the module docstring)."""
    from .errors import InputError

    if nary not in ("keep", "collapse"):
        raise InputError(f"nary must be 'keep' or 'collapse', not {nary!r}")
    if lang not in ("zh", "en"):
        raise InputError(f"lang must be 'zh' or 'en', not {lang!r}")
    with _gc_paused():
        G = _build(ds, lang)
    if nary == "collapse":
        collapse(G)
    G.graph.update(lang=lang, nary=nary)
    return G


@contextmanager
def _gc_paused() -> Iterator[None]:
    # Projecting allocates millions of small containers; the cyclic collector would rescan
    # them over and over (a third of the run time at 1M quads) and none of them form cycles.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _build(ds: Any, lang: str):
    import networkx as nx

    ctx = _Context(ds, lang)
    other = "en" if lang == "zh" else "zh"
    cls_names: dict[str, str] = {}
    attrs: dict[str, dict[str, Any]] = {}
    for iri, cls in ctx.types.items():
        if not ctx.is_node(iri):
            continue
        lab = ctx.labels.get(iri, {})
        cname = cls_names.get(cls) or cls_names.setdefault(cls, local_name(cls))
        attrs[iri] = {"iri": iri, "cls": cname, "label_zh": lab.get("zh"),
                      "label_en": lab.get("en"),
                      "label": lab.get(lang) or lab.get(other) or local_name(iri),
                      "aliases": [], "themes": [], "props": {}, "sources": []}
    stmts = ctx.statements
    node_src: dict[str, set[str]] = defaultdict(set)
    edges: dict[tuple[str, str, str], tuple[str, set[str]]] = {}
    skip = {RDF_TYPE, PREF, PROV_DERIVED}
    for s, p, o, g in raw_quads(ds, named_only=True, subjects=attrs):
        if g == ONTOLOGY_GRAPH:
            continue
        in_statement = g in stmts
        if in_statement:
            node_src[s].add(g)
        if p in skip:
            continue
        data = attrs[s]
        if p == ALT:
            if isinstance(o, Lit) and o.value not in data["aliases"]:
                data["aliases"].append(o.value)
            continue
        key = short(p)
        if isinstance(o, Lit):
            _add_prop(data["props"], key, py_value(o))
            continue
        if o in attrs:
            ek = (s, o, key)
            got = edges.get(ek)
            if got is None:
                got = edges[ek] = (p, set())
                if p == DP_THEME:
                    data["themes"].append(o)
            if in_statement:
                got[1].add(g)
            continue
        # An IRI that is not a node: fold its label (and a period's dates) into props.
        _add_prop(data["props"], key, ctx.label(o) if o in ctx.labels else o)
        if o in ctx.periods:
            start, end = ctx.periods[o]
            if start:
                _add_prop(data["props"], key + ".start", start)
            if end:
                _add_prop(data["props"], key + ".end", end)
    # Source dicts are shared between the nodes and edges citing one statement: read-only.
    for n, sts in node_src.items():
        attrs[n]["sources"] = [stmts[st] for st in sorted(sts)]
    for data in attrs.values():
        data["aliases"].sort()
        data["themes"].sort()
        props = data["props"]
        for k, vals in props.items():
            if len(vals) > 1:
                props[k] = sorted(vals, key=lambda v: (type(v).__name__, v))
    G = nx.MultiDiGraph()
    G.add_nodes_from(attrs.items())
    G.add_edges_from(
        (u, v, k, {"predicate": p, "label_zh": lab[0], "label_en": lab[1],
                   "sources": [stmts[st] for st in sorted(sts)]})
        for (u, v, k), (p, sts) in edges.items()
        for lab in (ctx.predicate_labels(p, k),))
    return G


def _add_prop(props: dict[str, list], key: str, value: Any) -> None:
    vals = props.setdefault(key, [])
    if value not in vals:
        vals.append(value)


def collapse(G: Any) -> None:
    """Replace each n-ary node by edges between the entities it connects (COLLAPSE_RULES),
    in place: ``collapse(project(ds))`` is ``project(ds, nary="collapse")``."""
    with _gc_paused():
        _collapse(G)
    G.graph["nary"] = "collapse"


def _collapse(G: Any) -> None:
    nary_nodes = [n for n, c in G.nodes(data="cls") if c in COLLAPSE_RULES]
    nary_set = set(nary_nodes)
    for n in nary_nodes:
        data = G.nodes[n]
        anchors, targets = COLLAPSE_RULES[data["cls"]]
        links: dict[str, list[str]] = defaultdict(list)
        for _u, v, k in G.out_edges(n, keys=True):
            links[k].append(v)
        for vs in links.values():
            vs.sort()
        anchor = next((links[a][0] for a in anchors if links.get(a)), None)
        ends: list[str] = []
        for t in targets:
            vs = [v for v in links.get(t, []) if v != anchor and v not in nary_set]
            ends.extend(v for v in vs if v not in ends)
            if ends and data["cls"] not in _ALL_TARGETS:
                break
        if anchor is None or anchor in nary_set:
            continue
        zh, en = data["label_zh"], data["label_en"]
        if data["cls"] == "Membership" and links.get("org:role"):
            role = G.nodes[links["org:role"][0]]
            zh, en = role["label_zh"] or zh, role["label_en"] or en
        for v in ends:
            G.add_edge(anchor, v, key=n, predicate=DEF_NS + data["cls"], label_zh=zh,
                       label_en=en, sources=list(data["sources"]), nary=n, cls=data["cls"],
                       props={k: list(vs) for k, vs in data["props"].items()},
                       links={k: list(vs) for k, vs in sorted(links.items())})
    G.remove_nodes_from(nary_nodes)


def edge_label(data: dict[str, Any], lang: str) -> str:
    """The edge's label in ``lang`` (falls back to the other language, then the key)."""
    other = "en" if lang == "zh" else "zh"
    return data.get(f"label_{lang}") or data.get(f"label_{other}") or ""


def node_label(G: Any, n: str, lang: str) -> str:
    d = G.nodes[n]
    other = "en" if lang == "zh" else "zh"
    return d.get(f"label_{lang}") or d.get(f"label_{other}") or d.get("label") or local_name(n)


__all__ = ["project", "collapse", "entity_types", "is_node_class", "short", "expand", "local_name",
           "raw_quads", "py_value", "Lit",
           "edge_label", "node_label", "EXCLUDED_CLASSES", "FOLDED_CLASSES", "NARY_CLASSES",
           "COLLAPSE_RULES", "STANDARD_LABELS"]

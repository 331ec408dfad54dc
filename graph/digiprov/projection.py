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
import os
import re
from collections import defaultdict
from collections.abc import Container, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, NamedTuple

from . import registry as _registry
from .cjk import label_lang
from .terms import local_name
from .vocab import DEF_NS, PREFIXES, XSD_DECIMAL_TYPES, XSD_INTEGER_TYPES, curie, expand
from .vocab import iri as _iri

# Namespaces and terms as plain strings (the reader compares str, never builds rdflib terms).
SKOS, TIME, OA, XSD = (PREFIXES[p] for p in ("skos", "time", "oa", "xsd"))
RDF_TYPE, RDFS_LABEL = _iri("rdf:type"), _iri("rdfs:label")
PREF, ALT = _iri("skos:prefLabel"), _iri("skos:altLabel")
PROV_DERIVED = _iri("prov:wasDerivedFrom")
DCT_TITLE = _iri("dcterms:title")
DP_THEME = _iri("dp:theme")
ONTOLOGY_GRAPH = DEF_NS

# Never nodes, never folded: provenance bookkeeping, SKOS schemes, OWL-Time instants.
EXCLUDED_CLASSES = frozenset(_registry.BOOKKEEPING_CLASSES)
# Not nodes: where a node points at one, its label (and a period's dates) go into props.
FOLDED_CLASSES = frozenset(_registry.FOLDED_CLASSES)
NARY_CLASSES = _registry.NARY_CLASSES

# Labels of predicates the ontology graph does not label (the registry's one table).
STANDARD_LABELS: dict[str, tuple[str, str]] = _registry.PREDICATE_LABELS

# n-ary class -> (anchor predicates in order of preference, target predicates in order of
# preference), from the registry's Collapse rules: the first target predicate with a value
# wins, except for classes in _ALL_TARGETS (Observation links its area to both the indicator
# and what the value is about).
COLLAPSE_RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    c.name: (c.collapse.anchors, c.collapse.targets)
    for c in _registry.CLASSES.values() if c.collapse}
_ALL_TARGETS = {c.name for c in _registry.CLASSES.values() if c.collapse and c.collapse.all_targets}

_INT_TYPES = XSD_INTEGER_TYPES
_FLOAT_TYPES = XSD_DECIMAL_TYPES


class Lit(NamedTuple):
    """A literal as plain strings (no rdflib object per term)."""

    value: str
    datatype: str | None
    lang: str | None


Term = str | Lit  # IRIs (and "_:bnode") are plain str


# Cached: the projection calls it once per quad.
short = lru_cache(maxsize=4096)(curie)


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


def raw_quads(ds: Any, s: str | None = None, p: str | None = None, o: Term | None = None,
              g: str | None = None, *, default_graph: bool = False,
              named_only: bool = False, subjects: Container[str] | None = None,
              ) -> Iterator[tuple[str, str, Term, str | None]]:
    """Quads as (s, p, o, g) with IRIs as str, literals as :class:`Lit`, the default graph
    as ``None``. ``default_graph=True`` restricts to the default graph, ``named_only`` to
    the named graphs; ``subjects`` keeps only quads whose subject is in it (checked before
    the rest of the quad is converted, which is most of the cost at a million quads).
    ``s``/``o`` may be ``"_:label"`` blank nodes and ``o`` a :class:`Lit`."""
    store = getattr(ds, "store", None)
    if store is not None and type(store).__module__.startswith("pyoxigraph"):
        yield from _ox_quads(store, s, p, o, g, default_graph, named_only, subjects)
        return
    from rdflib import Literal, URIRef
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    gterm = DATASET_DEFAULT_GRAPH_ID if default_graph else (URIRef(g) if g else None)
    def term(x: Term | None) -> Any:
        from rdflib import BNode

        if x is None:
            return None
        if isinstance(x, Lit):
            return Literal(x.value, lang=x.lang, datatype=None if x.lang else x.datatype)
        return BNode(x[2:]) if x.startswith("_:") else URIRef(x)

    for s2, p2, o2, g2 in ds.quads(term(s), URIRef(p) if p else None, term(o), gterm):
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

    def term(x: Term | None) -> Any:
        if x is None:
            return None
        if isinstance(x, Lit):
            if x.lang:
                return literal(x.value, language=x.lang)
            return literal(x.value, datatype=named(x.datatype) if x.datatype else None)
        return blank(x[2:]) if x.startswith("_:") else named(x)

    xsd_string = XSD + "string"
    for q in store.quads_for_pattern(term(s), ox.NamedNode(p) if p else None, term(o), gterm):
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


class _PredicateLabels:
    """(zh, en) of a predicate: the ontology graph's rdfs:label, else the registry's table,
    else its local name; read once per dataset, cached per predicate."""

    def __init__(self, ds: Any):
        self.prop_labels: dict[str, dict[str, str]] = defaultdict(dict)
        for s, _p, o, _g in raw_quads(ds, p=RDFS_LABEL, g=ONTOLOGY_GRAPH):
            if isinstance(o, Lit) and o.lang:
                self.prop_labels[s][o.lang.split("-")[0]] = o.value
        self._pred_cache: dict[str, tuple[str, str]] = {}

    def predicate_labels(self, iri: str, key: str) -> tuple[str, str]:
        got = self._pred_cache.get(iri)
        if got is None:
            lab = self.prop_labels.get(iri, {})
            zh0, en0 = STANDARD_LABELS.get(key, (None, None))
            name = local_name(iri)
            got = self._pred_cache[iri] = (lab.get("zh") or zh0 or name,
                                           lab.get("en") or en0 or name)
        return got


class _Context(_PredicateLabels):
    """Everything the main pass needs to classify a triple, read by predicate patterns."""

    def __init__(self, ds: Any, lang: str):
        self.lang = lang
        self.types = entity_types(ds)
        self.labels: dict[str, dict[str, str]] = defaultdict(dict)
        for s, _p, o, g in raw_quads(ds, p=PREF):
            if g != ONTOLOGY_GRAPH and isinstance(o, Lit):
                lg = label_lang(o.value, o.lang)
                cur = self.labels[s].get(lg)
                if cur is None or o.value < cur:  # deterministic when a language repeats
                    self.labels[s][lg] = o.value
        super().__init__(ds)
        self.periods = _read_periods(ds)
        self.statements = self._statements(ds)

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


def project(ds: Any, *, nary: str = "keep", lang: str = "zh"):
    """Project the dataset onto a ``networkx.MultiDiGraph`` (rules in the module docstring)."""
    _check_options(nary, lang)
    store = ox_store(ds)
    with _gc_paused():
        G = _build_bulk(store, ds, lang) if store is not None else _build(ds, lang)
    if nary == "collapse":
        collapse(G)
    G.graph.update(lang=lang, nary=nary)
    return G


def project_nodes(ds: Any, iris: Iterable[str], *, nary: str = "keep", lang: str = "zh",
                  reader: SubjectReader | None = None):
    """The projection restricted to the entities ``iris`` (non-entities among them are
    ignored): the same nodes, attributes and edges as ``project(ds).subgraph(iris)``, read
    subject by subject, so the cost follows the answer, not the dataset."""
    _check_options(nary, lang)
    reader = reader or SubjectReader(ds, lang)
    with _gc_paused():
        G = _build_subjects(reader, [i for i in iris if reader.is_node(i)])
    if nary == "collapse":
        collapse(G)
    G.graph.update(lang=lang, nary=nary)
    return G


def _check_options(nary: str, lang: str) -> None:
    from .errors import InputError

    if nary not in ("keep", "collapse"):
        raise InputError(f"nary must be 'keep' or 'collapse', not {nary!r}")
    if lang not in ("zh", "en"):
        raise InputError(f"lang must be 'zh' or 'en', not {lang!r}")


def ox_store(ds: Any) -> Any:
    """The pyoxigraph Store behind ``ds``, or None for another backend."""
    store = getattr(ds, "store", None)
    if store is not None and type(store).__module__.startswith("pyoxigraph"):
        return store
    return None


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


# ------------------------------------------------------------------ lazy sources


class _LazyDict(dict):
    """The dict protocol shared by the lazy dicts below: comparing, printing, merging and
    pickling see the whole dict (``_whole`` materialises it) and give plain dicts."""

    __slots__ = ()

    def _whole(self) -> None:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        self._whole()
        if isinstance(other, _LazyDict):
            other._whole()
        return dict.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]

    def __or__(self, other: Any) -> dict[str, Any]:
        return self.copy() | other

    def __ror__(self, other: Any) -> dict[str, Any]:
        return dict(other) | self.copy()

    def __ior__(self, other: Any):
        self.update(other)
        return self

    def __repr__(self) -> str:
        self._whole()
        return dict.__repr__(self)

    def __reduce__(self):
        return (dict, (self.copy(),))

    def __reduce_ex__(self, protocol: int):
        return self.__reduce__()


class _Attrs(_LazyDict):
    """A node's or edge's attribute dict whose ``sources`` entry is read from the store the
    first time anything looks at it (sources are most of the dataset at a million quads —
    the statement graph of every triple plus its metadata — and most consumers never ask).

    Every reading method fills it first, so the dict compares, copies, pickles and
    serialises as if it had been complete from the start."""

    __slots__ = ("_loader", "_key")

    def __init__(self, data: dict[str, Any], loader: Any, key: Any):
        dict.__init__(self, data)
        self._loader = loader
        self._key = key

    def _ready(self) -> None:
        """Materialise the entries that cost no store read (edges keep theirs elsewhere)."""

    def _source_key(self) -> Any:
        return self._key

    def _whole(self) -> None:
        self._fill()

    def _fill(self) -> None:
        self._ready()
        loader = self._loader
        if loader is not None:
            loader.fill(self._source_key(), self)
            if self._loader is not None:  # the loader found nothing for it
                self._set_sources([])

    def _set_sources(self, sources: list) -> None:
        self._ready()  # the cheap entries first, so the key order never depends on access
        self._loader = None
        dict.__setitem__(self, "sources", sources)

    def __missing__(self, key: str) -> Any:
        self._ready()
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        if key == "sources" and self._loader is not None:
            self._fill()
            return dict.__getitem__(self, key)
        raise KeyError(key)

    def __setitem__(self, key: str, value: Any) -> None:
        self._ready()
        if key == "sources":
            self._loader = None
        dict.__setitem__(self, key, value)

    def __delitem__(self, key: str) -> None:
        self._fill()
        dict.__delitem__(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        if key == "sources":
            self._fill()
        else:
            self._ready()
        return dict.get(self, key, default)

    def __contains__(self, key: object) -> bool:
        self._ready()
        return key == "sources" and self._loader is not None or dict.__contains__(self, key)

    def __iter__(self):
        self._fill()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._ready()
        return dict.__len__(self) + (self._loader is not None)

    def __reversed__(self):
        self._fill()
        return dict.__reversed__(self)

    def keys(self):
        self._fill()
        return dict.keys(self)

    def values(self):
        self._fill()
        return dict.values(self)

    def items(self):
        self._fill()
        return dict.items(self)

    def copy(self) -> dict[str, Any]:
        self._fill()
        return dict(dict.items(self))

    def pop(self, key: str, *default: Any) -> Any:
        self._fill()
        return dict.pop(self, key, *default)

    def popitem(self):
        self._fill()
        return dict.popitem(self)

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key == "sources":
            self._fill()
        else:
            self._ready()
        return dict.setdefault(self, key, default)

    def update(self, *args: Any, **kwargs: Any) -> None:
        self._ready()
        dict.update(self, *args, **kwargs)
        if "sources" in dict.keys(self):
            self._loader = None

    def clear(self) -> None:
        self._ready()
        self._loader = None
        dict.clear(self)



class _EdgeAttrs(_Attrs):
    """An edge's attributes, held as its ends and key until first touched: ``predicate``,
    ``label_zh`` and ``label_en`` come from the loader's per-predicate table (no store
    read), ``sources`` as for every :class:`_Attrs`. An empty dict and four slots instead of
    a filled dict and a key tuple: a third of the projection's memory at a million quads."""

    __slots__ = ("_v", "_k", "_pending")

    def __init__(self, loader: Any, u: str, v: str, k: str):
        self._loader = loader
        self._key = u
        self._v = v
        self._k = k
        self._pending = True

    def _ready(self) -> None:
        if self._pending:
            self._pending = False
            # every path that drops the loader calls _ready first, so it is still here
            p, zh, en = self._loader.edge_fields[self._k]
            dict.__setitem__(self, "predicate", p)
            dict.__setitem__(self, "label_zh", zh)
            dict.__setitem__(self, "label_en", en)

    def _source_key(self) -> tuple[str, str, str]:
        return (self._key, self._v, self._k)


class _EdgeKeys(_LazyDict):
    """The key dict of one (u, v) pair holding one edge, kept as its key until first
    touched: networkx's MultiDiGraph gives every pair a ``{key: attrs}`` dict, and that
    dict plus its attribute dict are two thirds of a projection's memory at a million
    quads. ``len`` answers without materialising (degrees, edge counts); everything else
    materialises ``{key: _EdgeAttrs}`` first and then behaves as a plain dict."""

    __slots__ = ("_loader", "_u", "_v", "_k")

    def __init__(self, loader: Any, u: str, v: str, k: str):
        self._loader = loader
        self._u, self._v, self._k = u, v, k

    def _whole(self) -> None:
        self._m()

    def _m(self) -> None:
        loader = self._loader
        if loader is not None:
            self._loader = None
            dict.__setitem__(self, self._k, _EdgeAttrs(loader, self._u, self._v, self._k))

    def __missing__(self, key: str) -> Any:
        self._m()
        return dict.__getitem__(self, key)

    def __contains__(self, key: object) -> bool:
        if self._loader is not None:
            return key == self._k
        return dict.__contains__(self, key)

    def __len__(self) -> int:
        return 1 if self._loader is not None else dict.__len__(self)

    def __iter__(self):
        self._m()
        return dict.__iter__(self)

    def __reversed__(self):
        self._m()
        return dict.__reversed__(self)

    def __setitem__(self, key: str, value: Any) -> None:
        self._m()
        dict.__setitem__(self, key, value)

    def __delitem__(self, key: str) -> None:
        self._m()
        dict.__delitem__(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        self._m()
        return dict.get(self, key, default)

    def keys(self):
        self._m()
        return dict.keys(self)

    def values(self):
        self._m()
        return dict.values(self)

    def items(self):
        self._m()
        return dict.items(self)

    def copy(self) -> dict[str, Any]:
        self._m()
        return dict(dict.items(self))

    def pop(self, key: str, *default: Any) -> Any:
        self._m()
        return dict.pop(self, key, *default)

    def popitem(self):
        self._m()
        return dict.popitem(self)

    def setdefault(self, key: str, default: Any = None) -> Any:
        self._m()
        return dict.setdefault(self, key, default)

    def update(self, *args: Any, **kwargs: Any) -> None:
        self._m()
        dict.update(self, *args, **kwargs)

    def clear(self) -> None:
        self._loader = None
        dict.clear(self)



class _FromNary:
    """Loader of a collapsed edge: the sources of the n-ary node it replaces."""

    __slots__ = ("node",)

    def __init__(self, node: dict[str, Any]):
        self.node = node

    def fill(self, _key: Any, attrs: _Attrs) -> None:
        attrs._set_sources(list(self.node["sources"]))


class _SourceLoader:
    """Fills the lazy ``sources`` of one projection. One subject at a time (a quad-pattern
    read of that subject) while few are asked for; once more than ``BULK_AFTER`` subjects
    have been, everything still pending is read in one scan, which is cheaper than
    continuing one by one through a whole graph."""

    BULK_AFTER = 2000

    def __init__(self, ds: Any, statements: _Statements, reader: SubjectReader | None = None):
        self.ds = ds
        self.statements = statements
        self.reader = reader  # set: quads come from its cache, and never in one scan
        self.graph: Any = None  # weakref to the projection, set once it exists
        self.nodes: dict[str, _Attrs] = {}
        self.singles = 0
        # short predicate -> (predicate IRI, zh label, en label) of the lazy edges
        self.edge_fields: dict[str, tuple[str, str, str]] = {}

    def fill(self, key: str | tuple[str, str, str], attrs: _Attrs) -> None:
        """Fill ``attrs`` (a node's, key = IRI, or an edge's, key = (u, v, k)) and every
        other pending dict of the same subject."""
        if self.singles >= self.BULK_AFTER and self.reader is None:
            self._fill_all()
            if attrs._loader is None:
                return
        if self.singles == 0 and self.reader is not None:
            self._prefetch()
        self.singles += 1
        subject = key if isinstance(key, str) else key[0]
        node_st: set[str] = set()
        edge_st: dict[tuple[str, str], set[str]] = defaultdict(set)
        quads = ((subject, p, o, g) for p, o, g in self.reader.quads(subject) if g is not None) \
            if self.reader is not None else raw_quads(self.ds, s=subject, named_only=True)
        for _s, p, o, g in quads:
            if g == ONTOLOGY_GRAPH or self.statements.get(g) is None:
                continue
            node_st.add(g)
            if isinstance(o, str):
                edge_st[(o, short(p))].add(g)
        self._apply(subject, node_st, edge_st)
        if attrs._loader is self:  # an edge no longer in the graph
            sts = edge_st.get((key[1], key[2]), ()) if isinstance(key, tuple) else node_st
            attrs._set_sources([self.statements.get(g) for g in sorted(sts)])

    def _prefetch(self) -> None:
        """Read the statements of every node of a focused projection at once: a view asks
        for all of them, and one selection per thousand statements costs a fraction of
        reading each by quad patterns."""
        wanted = {g for s in self.nodes for _p, _o, g in self.reader.quads(s)
                  if g is not None and g != ONTOLOGY_GRAPH}
        self.statements.prefetch(wanted)

    def _apply(self, s: str, node_st: set[str],
               edge_st: dict[tuple[str, str], set[str]]) -> None:
        stmts = self.statements
        node = self.nodes.get(s)
        if node is not None and node._loader is self:
            node._set_sources([stmts.get(g) for g in sorted(node_st)])
        G = self.graph() if self.graph is not None else None
        if G is not None and s in G._succ:
            for o, keydict in G._succ[s].items():
                for k, data in keydict.items():
                    if isinstance(data, _Attrs) and data._loader is self:
                        data._set_sources([stmts.get(g)
                                           for g in sorted(edge_st.get((o, k), ()))])

    def _fill_all(self) -> None:
        pending = {s for s, a in self.nodes.items() if a._loader is self}
        G = self.graph() if self.graph is not None else None
        if G is not None:
            for u, nbrs in G._succ.items():
                if u not in pending and any(
                        isinstance(d, _Attrs) and d._loader is self
                        for kd in nbrs.values() for d in kd.values()):
                    pending.add(u)
        if not pending:
            return
        self.statements.load_all()
        node_st: dict[str, set[str]] = defaultdict(set)
        edge_st: dict[str, dict[tuple[str, str], set[str]]] = defaultdict(
            lambda: defaultdict(set))
        stmts = self.statements
        for s, p, o, g in raw_quads(self.ds, named_only=True, subjects=pending):
            if g == ONTOLOGY_GRAPH or stmts.get(g) is None:
                continue
            node_st[s].add(g)
            if isinstance(o, str):
                edge_st[s][(o, short(p))].add(g)
        for s in pending:
            self._apply(s, node_st.get(s, set()), edge_st.get(s, {}))


class _Statements:
    """Statement IRI -> its source dict (document, title, paragraph, offsets), read one
    statement at a time or all at once; ``get`` gives None for a graph that is not a
    dp:Statement. The dicts are shared by every node and edge citing the statement."""

    def __init__(self, ds: Any, lang: str):
        self.ds, self.lang = ds, lang
        self.cache: dict[str | None, dict[str, Any] | None] = {None: None}
        self.titles: dict[str, str | None] = {}
        self.complete = False

    def get(self, st: str | None) -> dict[str, Any] | None:
        try:
            return self.cache[st]
        except KeyError:
            pass
        if self.complete:
            self.cache[st] = None
            return None
        info = self.cache[st] = self._read(st)  # type: ignore[arg-type]
        return info

    PREFETCH_CHUNK = 1000

    def prefetch(self, graphs: Iterable[str]) -> None:
        """Read many statements in a few SPARQL selections (the same answers as ``get``);
        a graph that is not a statement, or whose metadata is not one value per field, is
        left to ``get``."""
        store = ox_store(self.ds)
        todo = sorted(g for g in graphs if g not in self.cache)
        if store is None or not todo:
            return
        statement, ont = DEF_NS + "Statement", f"<{ONTOLOGY_GRAPH}>"
        for at in range(0, len(todo), self.PREFETCH_CHUNK):
            chunk = todo[at:at + self.PREFETCH_CHUNK]
            values = " ".join(f"<{g}>" for g in chunk)
            rows: dict[str, list[list[str]]] = defaultdict(list)
            for row in tsv_select(store, (
                    "SELECT ?st ?src ?para ?start ?end WHERE { VALUES ?st { " + values + " } "
                    "{ ?st a <" + statement + "> } UNION { GRAPH ?g { ?st a <" + statement
                    + "> } FILTER(?g != " + ont + ") } "
                    "OPTIONAL { ?st <" + PROV_DERIVED + "> ?src } "
                    "OPTIONAL { ?st <" + DEF_NS + "paragraph> ?para } "
                    # the position selector (a quote selector beside it has no offsets)
                    "OPTIONAL { ?st <" + OA + "hasSelector> ?sel . ?sel <" + OA
                    + "start> ?start . OPTIONAL { ?sel <" + OA + "end> ?end } } }")):
                rows[_subject(row[0])].append(row[1:])
            for st, found in rows.items():
                distinct = {tuple(r) for r in found}
                if len(distinct) != 1:
                    continue  # typed twice is one row twice; anything else: one by one
                src, para, start, end = next(iter(distinct))
                info = {"statement": st, "source": None, "title": None, "paragraph": None,
                        "start": None, "end": None}
                if src.startswith("<"):
                    info["source"] = src[1:-1]
                    info["title"] = self._title(src[1:-1])
                for k, field in (("paragraph", para), ("start", start), ("end", end)):
                    if field:
                        term = tsv_term(field)
                        if isinstance(term, Lit):
                            info[k] = py_value(term)
                self.cache[st] = info
            for st in chunk:
                if st not in rows:
                    self.cache.setdefault(st, None)  # not a statement

    def _read(self, st: str) -> dict[str, Any] | None:
        statement = DEF_NS + "Statement"
        is_statement = False
        meta: list[tuple[str, Term]] = []
        for _s, p, o, g in raw_quads(self.ds, s=st):
            if p == RDF_TYPE and o == statement and g != ONTOLOGY_GRAPH:
                is_statement = True
            elif g is None:
                meta.append((p, o))
        if not is_statement:
            return None
        out = {"statement": st, "source": None, "title": None, "paragraph": None,
               "start": None, "end": None}
        for p, o in meta:
            if p == PROV_DERIVED and isinstance(o, str):
                out["source"] = o
                out["title"] = self._title(o)
            elif p == DEF_NS + "paragraph" and isinstance(o, Lit):
                out["paragraph"] = py_value(o)
            elif p == OA + "hasSelector" and isinstance(o, str):
                for _s, p2, o2, _g in raw_quads(self.ds, s=o, default_graph=True):
                    if p2 in (OA + "start", OA + "end") and isinstance(o2, Lit):
                        out[p2[len(OA):]] = py_value(o2)
        return out

    def _title(self, src: str) -> str | None:
        if src not in self.titles:
            t: dict[str, str] = {}
            for _s, _p, o, _g in raw_quads(self.ds, s=src, p=DCT_TITLE, default_graph=True):
                if isinstance(o, Lit):
                    t[(o.lang or "en").split("-")[0]] = o.value
            self.titles[src] = t.get(self.lang) or next(iter(t.values()), None)
        return self.titles[src]

    def load_all(self) -> None:
        """Read every statement by predicate patterns (the projection's bulk pass)."""
        if self.complete:
            return
        statement = DEF_NS + "Statement"
        found = {s for s, _p, o, g in raw_quads(self.ds, p=RDF_TYPE, o=statement)
                 if g != ONTOLOGY_GRAPH}
        out = {s: {"statement": s, "source": None, "title": None, "paragraph": None,
                   "start": None, "end": None} for s in found}
        titles: dict[str, dict[str, str]] = defaultdict(dict)
        for s, _p, o, _g in raw_quads(self.ds, p=DCT_TITLE, default_graph=True):
            if isinstance(o, Lit):
                titles[s][(o.lang or "en").split("-")[0]] = o.value
        selectors: dict[str, str] = {}
        for s, _p, o, _g in raw_quads(self.ds, p=OA + "hasSelector", default_graph=True):
            if s in out and isinstance(o, str):
                selectors[o] = s
        for s, _p, o, _g in raw_quads(self.ds, p=PROV_DERIVED, default_graph=True):
            if s in out and isinstance(o, str):
                t = titles.get(o, {})
                out[s]["source"] = o
                out[s]["title"] = t.get(self.lang) or next(iter(t.values()), None)
        for s, _p, o, _g in raw_quads(self.ds, p=DEF_NS + "paragraph", default_graph=True):
            if s in out and isinstance(o, Lit):
                out[s]["paragraph"] = py_value(o)
        for key in ("start", "end"):
            for s, _p, o, _g in raw_quads(self.ds, p=OA + key, default_graph=True):
                st = selectors.get(s)
                if st and isinstance(o, Lit):
                    out[st][key] = py_value(o)
        # keep the dicts already handed out: they are shared with nodes and edges
        for s, info in out.items():
            cur = self.cache.get(s)
            if cur is None:
                self.cache[s] = info
        self.complete = True


# ------------------------------------------------------------------ the bulk projection


_ECHAR = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_ECHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'",
           "\\": "\\"}


def _unescape(text: str) -> str:
    def one(m: re.Match) -> str:
        hexa = m[1] or m[2]
        if hexa:
            return chr(int(hexa, 16))
        got = _ECHARS.get(m[3])
        if got is None:
            raise ValueError(f"bad escape \\{m[3]} in a SPARQL TSV result")
        return got

    return _ECHAR.sub(one, text)


_BARE_TYPES = {"true": XSD + "boolean", "false": XSD + "boolean"}


def tsv_term(field: str) -> Term:
    """One RDF term of a SPARQL 1.1 TSV result (Turtle syntax) as a projection term: an IRI
    or ``_:label`` as str, a literal as :class:`Lit` (the abbreviated number and boolean
    forms get their XSD datatype, xsd:string becomes None)."""
    c = field[:1]
    if c == "<":
        return field[1:-1]
    if c == '"':
        end = field.rindex('"')  # neither a language tag nor a datatype IRI holds a quote
        value = field[1:end]
        if "\\" in value:
            value = _unescape(value)
        rest = field[end + 1:]
        if not rest:
            return Lit(value, None, None)
        if rest[0] == "@":
            return Lit(value, None, rest[1:])
        dt = rest[3:-1]  # ^^<datatype>
        return Lit(value, None if dt == XSD + "string" else dt, None)
    if c == "_":
        return field
    if not field:
        raise ValueError("an unbound value in a SPARQL TSV result")
    bare = _BARE_TYPES.get(field)
    if bare is None:
        bare = XSD + ("double" if "e" in field or "E" in field
                      else "decimal" if "." in field else "integer")
    return Lit(field, bare, None)


def tsv_select(store: Any, query: str) -> Iterator[list[str]]:
    """The rows of a SELECT as lists of raw TSV fields (header skipped; :func:`tsv_term`
    reads a field). Oxigraph serialises the result itself, so no Python object is made per
    solution or term — most of the cost of iterating a wide result (measured at 1M quads:
    the projection's 48 per-predicate selections in 2.5 s instead of 3-4.5 s through
    solution objects). The text goes through a temporary file and is read line by line:
    holding a whole result in memory left ~10 MB of freed heap behind at 1M quads. Lines
    end at "\n" only: a literal may hold U+2028 or other characters str.splitlines breaks
    at."""
    import io
    import tempfile

    import pyoxigraph as ox

    with tempfile.TemporaryFile() as fh:
        store.query(query).serialize(fh, format=ox.QueryResultsFormat.TSV)
        fh.seek(0)
        lines = io.TextIOWrapper(fh, encoding="utf-8", newline="\n")
        next(lines, None)
        for line in lines:
            if line.endswith("\n"):
                line = line[:-1]
            if line:
                yield line.split("\t")


# A second process reads part of a large projection: pyoxigraph holds the GIL while it
# serialises a result, so threads cannot share the work, but a second reader of the same
# on-disk store can (measured at 1M quads on 2 cores: 4.4 s -> see docs/performance.md).
HELPER_MIN_QUADS = 300_000


class _Helper:
    """Runs SELECTs in a child process on the same store (opened read-only by path), each
    result serialised to a TSV file in a private temporary directory; the rows are handed
    back in the order the queries were given. ``rows`` gives None when the child cannot
    answer (it failed, or the published dataset changed under us): the caller then runs the
    query itself, so the projection never depends on the child."""

    def __init__(self, ds: Any, queries: list[str]):
        import json
        import subprocess
        import sys
        import tempfile

        self.tmp = tempfile.TemporaryDirectory(prefix="digiprov-sel-")
        ox_dir = os.path.realpath(os.path.join(ds.path, "oxigraph"))
        built = str((ds.manifest or {}).get("built", ""))
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [os.path.dirname(os.path.dirname(os.path.abspath(__file__)))]
            + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "digiprov.projection", "--select", ox_dir, self.tmp.name, built],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, env=env)
        self.next = 0
        self.failed = False
        try:
            self.proc.stdin.write("".join(json.dumps(q) + "\n" for q in queries))
            self.proc.stdin.close()
        except OSError:
            self.failed = True

    def rows(self) -> Iterator[list[str]] | None:
        k, self.next = self.next, self.next + 1
        if self.failed:
            return None
        line = self.proc.stdout.readline()
        if line.strip() != str(k):
            self.failed = True
            return None
        return self._read(os.path.join(self.tmp.name, f"{k}.tsv"))

    @staticmethod
    def _read(path: str) -> Iterator[list[str]]:
        try:
            with open(path, encoding="utf-8", newline="\n") as lines:
                next(lines, None)
                for line in lines:
                    if line.endswith("\n"):
                        line = line[:-1]
                    if line:
                        yield line.split("\t")
        finally:
            os.unlink(path)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()
        self.tmp.cleanup()


def _select_main(ox_dir: str, out_dir: str, built: str) -> int:
    """The helper's side: ``python -m digiprov.projection --select OXDIR OUTDIR BUILT`` reads
    one JSON query per stdin line and writes ``OUTDIR/<n>.tsv`` for each, printing n once
    the file is complete. Exits 3 if the dataset's manifest is not the one the parent
    opened."""
    import json
    import sys

    import pyoxigraph as ox

    try:
        with open(os.path.join(os.path.dirname(ox_dir), "manifest.json"),
                  encoding="utf-8") as fh:
            if str(json.load(fh).get("built", "")) != built:
                return 3
        store = ox.Store.read_only(ox_dir)
    except (OSError, ValueError):
        return 3
    queries = [json.loads(line) for line in sys.stdin if line.strip()]
    for k, q in enumerate(queries):
        tmp, dest = os.path.join(out_dir, f"{k}.part"), os.path.join(out_dir, f"{k}.tsv")
        with open(tmp, "wb") as fh:
            store.query(q).serialize(fh, format=ox.QueryResultsFormat.TSV)
        os.replace(tmp, dest)
        print(k, flush=True)
    return 0


def _helper_for(ds: Any, queries: list[str]) -> _Helper | None:
    """A helper for a large persisted dataset on a machine with a second core, else None."""
    quads = (getattr(ds, "manifest", None) or {}).get("quads")
    if (getattr(ds, "path", None) is None or not isinstance(quads, int)
            or quads < HELPER_MIN_QUADS or (os.cpu_count() or 1) < 2
            or os.environ.get("DIGIPROV_NO_HELPER")):
        return None
    try:
        return _Helper(ds, queries)
    except OSError:
        return None


def _subject(field: str) -> str:
    return field[1:-1] if field[:1] == "<" else field


def _build_bulk(store: Any, ds: Any, lang: str):
    """The whole projection from an Oxigraph store: a few SPARQL selections (one per
    predicate, so no predicate is decoded per row) serialised to TSV inside Oxigraph
    (:func:`tsv_select`), the labels and per-predicate ones by a second process on a large
    dataset (:class:`_Helper`) while this one reads the types and builds the graph, IRIs
    interned to one str object each, the adjacency filled as rows arrive, edge attributes
    and sources attached lazily (:class:`_EdgeAttrs`)."""
    ont = f"<{ONTOLOGY_GRAPH}>"
    preds = sorted(_subject(f[0]) for f in tsv_select(store, (
        "SELECT DISTINCT ?p WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g != " + ont + ") }")))
    wanted = [p for p in preds if p not in (RDF_TYPE, PREF, PROV_DERIVED)]
    labels_q = ("SELECT ?s ?l WHERE { { GRAPH ?g { ?s <" + PREF + "> ?l } FILTER(?g != "
                + ont + ") } UNION { ?s <" + PREF + "> ?l } FILTER(isLiteral(?l)) }")
    # no DISTINCT: a triple stated in several statements comes once per statement, and
    # every branch below ignores a repeat (cheaper than Oxigraph hashing each row)
    pred_q = ["SELECT ?s ?o WHERE { GRAPH ?g { ?s <" + p + "> ?o } FILTER(?g != " + ont + ") }"
              for p in wanted]
    helper = _helper_for(ds, [labels_q, *pred_q])
    try:
        return _build_bulk_rows(store, ds, lang, wanted, labels_q, pred_q, helper)
    finally:
        if helper is not None:
            helper.close()


def _build_bulk_rows(store: Any, ds: Any, lang: str, wanted: list[str], labels_q: str,
                     pred_q: list[str], helper: _Helper | None):
    import weakref

    import networkx as nx

    ont = f"<{ONTOLOGY_GRAPH}>"

    def rows(q: str) -> Iterable[list[str]]:
        got = helper.rows() if helper is not None else None
        return got if got is not None else tsv_select(store, q)

    # types: every graph but the ontology's, one selection per class so that only the
    # subjects are decoded (half the time of one selection of (subject, class) pairs);
    # classes that never make nodes are not asked for
    multi: dict[str, list[str]] = defaultdict(list)
    classes = sorted(f[0][1:-1] for f in tsv_select(store, (
        "SELECT DISTINCT ?t WHERE { { GRAPH ?g { ?s a ?t } FILTER(?g != " + ont + ") } "
        "UNION { ?s a ?t } FILTER(isIRI(?t)) }")))
    for c in classes:
        if c in EXCLUDED_CLASSES or c in FOLDED_CLASSES:
            continue
        for (s,) in tsv_select(store, (
                "SELECT ?s WHERE { { GRAPH ?g { ?s a <" + c + "> } FILTER(?g != " + ont
                + ") } UNION { ?s a <" + c + "> } }")):
            multi[_subject(s)].append(c)
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for s, lab in rows(labels_q):
        lit = tsv_term(lab)
        value, tag = lit.value, lit.lang
        lg = label_lang(value, tag)
        by_lang = labels[_subject(s)]
        cur = by_lang.get(lg)
        if cur is None or value < cur:
            by_lang[lg] = value
    ctx = _BulkContext(ds, lang, labels)
    other = "en" if lang == "zh" else "zh"
    statements = _Statements(ds, lang)
    loader = _SourceLoader(ds, statements)
    G = nx.MultiDiGraph()
    node, succ, pred = G._node, G._succ, G._pred
    cls_names: dict[str, str] = {}
    for iri, ts in multi.items():
        cls = ts[0] if len(ts) == 1 else min(ts, key=lambda t: (not t.startswith(DEF_NS),
                                                               t))
        # a node's labels live on the node; only non-node IRIs (units, periods) stay
        # in the context, for folding
        lab = labels.pop(iri, {})
        cname = cls_names.get(cls) or cls_names.setdefault(cls, local_name(cls))
        node[iri] = _Attrs({
            "iri": iri, "cls": cname, "label_zh": lab.get("zh"),
            "label_en": lab.get("en"),
            "label": lab.get(lang) or lab.get(other) or local_name(iri),
            "aliases": [], "themes": [], "props": {}}, loader, iri)
        succ[iri] = {}
        pred[iri] = {}
    del multi
    loader.nodes = node
    edge_fields = loader.edge_fields
    node_get = node.get
    for p, q in zip(wanted, pred_q, strict=True):
        key = short(p)
        is_alias, is_theme = p == ALT, p == DP_THEME
        for s, o in rows(q):
            data = node_get(s[1:-1] if s[:1] == "<" else s)
            if data is None:
                continue
            c0 = o[:1]
            if c0 == "<":
                if is_alias:
                    continue
                ov = o[1:-1]
                nbrs = succ.get(ov)
                if nbrs is not None:
                    u = dict.__getitem__(data, "iri")  # the interned str of the subject
                    v = dict.__getitem__(node[ov], "iri")
                    keydict = succ[u].get(v)
                    if keydict is None:
                        succ[u][v] = pred[v][u] = _EdgeKeys(loader, u, v, key)
                    elif key in keydict:
                        continue
                    else:  # a second predicate between the same pair
                        keydict[key] = _EdgeAttrs(loader, u, v, key)
                    if key not in edge_fields:
                        edge_fields[key] = (p, *ctx.predicate_labels(p, key))
                    if is_theme:
                        dict.__getitem__(data, "themes").append(v)
                    continue
                ctx.fold(dict.__getitem__(data, "props"), key, ov)
                continue
            if c0 == "_":  # a blank node object: an IRI-like string, never a node
                _add_prop(dict.__getitem__(data, "props"), key, o)
                continue
            lit = tsv_term(o)
            if is_alias:
                al = dict.__getitem__(data, "aliases")
                if lit.value not in al:
                    al.append(lit.value)
                continue
            _add_prop(dict.__getitem__(data, "props"), key, py_value(lit))
    _finish_attrs(node.values())
    loader.graph = weakref.ref(G)
    return G


def _assemble(nodes: dict[str, dict[str, Any]], edges: Iterable[tuple[str, str, str]],
              loader: _SourceLoader):
    """A MultiDiGraph holding these very node attribute dicts and a lazy edge dict per
    (u, v, key): networkx's add_nodes_from and add_edges_from copy each dict into a new
    one, which would read every lazy source."""
    import networkx as nx

    G = nx.MultiDiGraph()
    node, succ, pred = G._node, G._succ, G._pred
    for n, a in nodes.items():
        node[n] = a
        succ[n] = {}
        pred[n] = {}
    for u, v, k in edges:
        keydict = succ[u].get(v)
        if keydict is None:
            succ[u][v] = pred[v][u] = _EdgeKeys(loader, u, v, k)
        else:
            keydict[k] = _EdgeAttrs(loader, u, v, k)
    return G


def _finish_attrs(all_attrs: Iterable[dict[str, Any]]) -> None:
    for data in all_attrs:
        dict.__getitem__(data, "aliases").sort()
        dict.__getitem__(data, "themes").sort()
        props = dict.__getitem__(data, "props")
        for k, vals in props.items():
            if len(vals) > 1:
                props[k] = sorted(vals, key=lambda v: (type(v).__name__, v))


class _BulkContext(_PredicateLabels):
    """What folding a non-node IRI object needs, for the bulk projection: labels (already
    read), the ontology's predicate labels and the periods, read when first needed."""

    def __init__(self, ds: Any, lang: str, labels: dict[str, dict[str, str]]):
        super().__init__(ds)
        self.ds, self.lang, self.labels = ds, lang, labels
        self._periods: dict[str, tuple[_dt.date | None, _dt.date | None]] | None = None

    def label(self, iri: str) -> str:
        return self.label_from(self.labels.get(iri, {}), iri)

    def label_from(self, lab: dict[str, str], iri: str) -> str:
        other = "en" if self.lang == "zh" else "zh"
        return lab.get(self.lang) or lab.get(other) or next(iter(lab.values()), None) \
            or local_name(iri)

    def fold(self, props: dict[str, list], key: str, o: str) -> None:
        _add_prop(props, key, self.label(o) if o in self.labels else o)
        if self._periods is None:
            self._periods = _read_periods(self.ds)
        period = self._periods.get(o)
        if period is not None:
            start, end = period
            if start:
                _add_prop(props, key + ".start", start)
            if end:
                _add_prop(props, key + ".end", end)


def _read_periods(ds: Any) -> dict[str, tuple[_dt.date | None, _dt.date | None]]:
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


# ------------------------------------------------------------------ projection by subject


class SubjectReader:
    """Reads the dataset one subject (or one object) at a time by quad patterns, caching
    what it read: the base of the focused projections (:func:`project_nodes`,
    :func:`neighbourhood`), whose cost follows the size of the answer."""

    def __init__(self, ds: Any, lang: str = "zh"):
        self.ds, self.lang = ds, lang
        self._quads: dict[str, list[tuple[str, Term, str | None]]] = {}
        self._types: dict[str, str | None] = {}
        self._labels: dict[str, dict[str, str]] = {}
        self._period: dict[str, tuple[_dt.date | None, _dt.date | None] | None] = {}
        self.statements = _Statements(ds, lang)
        self._ctx: _BulkContext | None = None

    def quads(self, s: str) -> list[tuple[str, Term, str | None]]:
        """(p, o, g) of every quad with subject ``s``."""
        got = self._quads.get(s)
        if got is None:
            got = self._quads[s] = [(p, o, g) for _s, p, o, g in raw_quads(self.ds, s=s)]
        return got

    def incoming(self, o: str) -> list[tuple[str, str, str | None]]:
        """(s, p, g) of every quad with IRI object ``o`` outside the ontology graph."""
        return [(s, p, g) for s, p, _o, g in raw_quads(self.ds, o=o)
                if g != ONTOLOGY_GRAPH]

    def incoming_count(self, o: str) -> int:
        """How many quads have ``o`` as object, counted inside Oxigraph (no term is decoded)
        where the backend is Oxigraph."""
        store = ox_store(self.ds)
        if store is None:
            return sum(1 for _ in raw_quads(self.ds, o=o))
        res = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p <{o}> }} }}")
        return int(next(iter(res))[0].value)

    def cls(self, s: str) -> str | None:
        """The class IRI of ``s`` (as :func:`entity_types` chooses it), or None."""
        if s in self._types:
            return self._types[s]
        if s in self._quads:
            ts = [o for p, o, g in self._quads[s]
                  if p == RDF_TYPE and g != ONTOLOGY_GRAPH and isinstance(o, str)]
        else:
            ts = [o for _s, _p, o, g in raw_quads(self.ds, s=s, p=RDF_TYPE)
                  if g != ONTOLOGY_GRAPH and isinstance(o, str)]
        ts = [t for t in ts if t not in EXCLUDED_CLASSES and t not in FOLDED_CLASSES] or ts
        got = self._types[s] = (min(ts, key=lambda t: (not t.startswith(DEF_NS), t))
                                if ts else None)
        return got

    def is_node(self, s: str) -> bool:
        return is_node_class(self.cls(s))

    def labels(self, s: str) -> dict[str, str]:
        got = self._labels.get(s)
        if got is None:
            got = {}
            src = ([(PREF, o, g) for p, o, g in self._quads[s] if p == PREF]
                   if s in self._quads else
                   [(p, o, g) for _s, p, o, g in raw_quads(self.ds, s=s, p=PREF)])
            for _p, o, g in src:
                if g != ONTOLOGY_GRAPH and isinstance(o, Lit):
                    lg = label_lang(o.value, o.lang)
                    if lg not in got or o.value < got[lg]:
                        got[lg] = o.value
            self._labels[s] = got
        return got

    def period(self, s: str) -> tuple[_dt.date | None, _dt.date | None] | None:
        if s not in self._period:
            ends: dict[str, str] = {}
            for _s, p, o, _g in raw_quads(self.ds, s=s):
                if p in (TIME + "hasBeginning", TIME + "hasEnd") and isinstance(o, str):
                    ends[p] = o
            if not ends:
                self._period[s] = None
            else:
                def day(instant: str | None) -> _dt.date | None:
                    if not instant:
                        return None
                    for _s, _p, o, _g in raw_quads(self.ds, s=instant, p=TIME + "inXSDDate"):
                        v = py_value(o) if isinstance(o, Lit) else None
                        if isinstance(v, _dt.date):
                            return v
                    return None

                self._period[s] = (day(ends.get(TIME + "hasBeginning")),
                                   day(ends.get(TIME + "hasEnd")))
        return self._period[s]

    def context(self) -> _BulkContext:
        if self._ctx is None:
            self._ctx = _BulkContext(self.ds, self.lang, {})
        return self._ctx


_EDGELESS = frozenset({RDF_TYPE, PREF, ALT, PROV_DERIVED})


def node_links(reader: SubjectReader, n: str) -> Iterator[tuple[str, str, str]]:
    """(predicate, other entity, "out"|"in") for every edge of entity ``n`` in the
    keep-mode projection, read from the store by two quad patterns."""
    seen: set[tuple[str, str, str]] = set()
    for p, o, g in reader.quads(n):
        if (g is not None and g != ONTOLOGY_GRAPH and isinstance(o, str)
                and p not in _EDGELESS and (p, o, "out") not in seen and reader.is_node(o)):
            seen.add((p, o, "out"))
            yield p, o, "out"
    for s, p, g in reader.incoming(n):
        if g is not None and p not in _EDGELESS and (p, s, "in") not in seen \
                and reader.is_node(s):
            seen.add((p, s, "in"))
            yield p, s, "in"


def neighbourhood(ds: Any, start: str, depth: int, *, skip_classes: Container[str] = (),
                  reader: SubjectReader | None = None) -> dict[str, int]:
    """Entity -> hops from ``start`` (edges in either direction) for every entity within
    ``depth`` hops of the keep-mode projection, read from the store by quad patterns around
    the answer only. Entities whose class local name is in ``skip_classes`` are neither
    reached nor passed through (themes: every entity is two hops from every other through
    them). ``project_nodes(ds, neighbourhood(...))`` is the ego graph."""
    reader = reader or SubjectReader(ds)
    dist = {start: 0}
    frontier = [start]
    for d in range(1, depth + 1):
        nxt: list[str] = []
        for n in frontier:
            for _p, m, _dir in node_links(reader, n):
                if m not in dist and local_name(reader.cls(m) or "") not in skip_classes:
                    dist[m] = d
                    nxt.append(m)
        frontier = nxt
        if not frontier:
            break
    return dist


def _build_subjects(reader: SubjectReader, iris: list[str]):

    import weakref

    lang = reader.lang
    other = "en" if lang == "zh" else "zh"
    ctx = reader.context()
    loader = _SourceLoader(reader.ds, reader.statements, reader)
    attrs: dict[str, _Attrs] = {}
    for iri in iris:
        if iri in attrs:
            continue
        lab = reader.labels(iri)
        attrs[iri] = _Attrs({"iri": iri, "cls": local_name(reader.cls(iri) or ""),
                             "label_zh": lab.get("zh"), "label_en": lab.get("en"),
                             "label": lab.get(lang) or lab.get(other) or local_name(iri),
                             "aliases": [], "themes": [], "props": {}}, loader, iri)
    loader.nodes = attrs
    edges: dict[tuple[str, str, str], str] = {}
    for s, a in attrs.items():
        data = dict(dict.items(a))  # the same lists and dicts, without filling the sources
        for p, o, g in reader.quads(s):
            if g is None or g == ONTOLOGY_GRAPH:
                continue
            if p in (RDF_TYPE, PREF, PROV_DERIVED):
                continue
            if p == ALT:
                if isinstance(o, Lit) and o.value not in data["aliases"]:
                    data["aliases"].append(o.value)
                continue
            key = short(p)
            if isinstance(o, Lit):
                _add_prop(data["props"], key, py_value(o))
                continue
            if reader.is_node(o):
                if o in attrs:
                    ek = (s, o, key)
                    if ek not in edges:
                        edges[ek] = p
                        if p == DP_THEME:
                            data["themes"].append(o)
                elif p == DP_THEME:  # the theme is a filter of the node even when not shown
                    if o not in data["themes"]:
                        data["themes"].append(o)
                continue
            lab = reader.labels(o)
            _add_prop(data["props"], key, ctx.label_from(lab, o) if lab else o)
            period = reader.period(o)
            if period is not None:
                start, end = period
                if start:
                    _add_prop(data["props"], key + ".start", start)
                if end:
                    _add_prop(data["props"], key + ".end", end)
    _finish_attrs(attrs.values())
    for (_u, _v, k), p in edges.items():
        if k not in loader.edge_fields:
            loader.edge_fields[k] = (p, *ctx.predicate_labels(p, k))
    G = _assemble(attrs, edges, loader)
    loader.graph = weakref.ref(G)
    return G


def _build(ds: Any, lang: str):
    """The projection from any backend by quad patterns, everything read at once (the
    plain-rdflib path; Oxigraph uses :func:`_build_bulk`)."""
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
    _finish_attrs(attrs.values())
    G = nx.MultiDiGraph()
    G.add_nodes_from(attrs.items())
    G.add_edges_from(
        (u, v, k, {"predicate": p, "label_zh": lab[0], "label_en": lab[1],
                   "sources": [stmts[st] for st in sorted(sts)]})
        for (u, v, k), (p, sts) in edges.items()
        for lab in (ctx.predicate_labels(p, k),))
    return G


def _add_prop(props: dict[str, list], key: str, value: Any) -> None:
    vals = props.get(key)
    if vals is None:
        props[key] = [value]  # no growth slack: most properties have one value
    elif value not in vals:
        vals.append(value)


def collapse(G: Any) -> None:
    """Replace each n-ary node by edges between the entities it connects (COLLAPSE_RULES),
    in place: ``collapse(project(ds))`` is ``project(ds, nary="collapse")``."""
    with _gc_paused():
        _collapse(G)
    G.graph["nary"] = "collapse"


def collapse_ends(cls: str, links: dict[str, list[str]],
                  is_nary: Any) -> tuple[str | None, list[str]]:
    """(anchor, targets) of an n-ary node of class ``cls`` whose out-links are ``links``
    (short predicate -> sorted entity IRIs), by COLLAPSE_RULES; ``is_nary(iri)`` says
    whether an entity is itself n-ary (such targets are dropped). No anchor: (None, [])."""
    anchors, targets = COLLAPSE_RULES[cls]
    anchor = next((links[a][0] for a in anchors if links.get(a)), None)
    if anchor is None or is_nary(anchor):
        return None, []
    ends: list[str] = []
    for t in targets:
        vs = [v for v in links.get(t, []) if v != anchor and not is_nary(v)]
        ends.extend(v for v in vs if v not in ends)
        if ends and cls not in _ALL_TARGETS:
            break
    return anchor, ends


def _collapse(G: Any) -> None:
    nary_nodes = [n for n, c in G.nodes(data="cls") if c in COLLAPSE_RULES]
    nary_set = set(nary_nodes)
    for n in nary_nodes:
        data = G.nodes[n]
        links: dict[str, list[str]] = defaultdict(list)
        for _u, v, k in G.out_edges(n, keys=True):
            links[k].append(v)
        for vs in links.values():
            vs.sort()
        anchor, ends = collapse_ends(data["cls"], links, nary_set.__contains__)
        if anchor is None:
            continue
        zh, en = data["label_zh"], data["label_en"]
        if data["cls"] == "Membership" and links.get("org:role"):
            role = G.nodes[links["org:role"][0]]
            zh, en = role["label_zh"] or zh, role["label_en"] or en
        lazy = isinstance(data, _Attrs) and data._loader is not None
        for v in ends:
            attrs = {"predicate": DEF_NS + data["cls"], "label_zh": zh, "label_en": en,
                     "nary": n, "cls": data["cls"],
                     "props": {k: list(vs) for k, vs in data["props"].items()},
                     "links": {k: list(vs) for k, vs in sorted(links.items())}}
            if lazy:  # the n-ary node's sources, read only if someone asks for them
                G.add_edge(anchor, v, key=n)
                G._succ[anchor][v][n] = _Attrs(attrs, _FromNary(data), None)
            else:
                attrs["sources"] = list(data["sources"])
                G.add_edge(anchor, v, key=n, **attrs)
    G.remove_nodes_from(nary_nodes)


def edge_label(data: dict[str, Any], lang: str) -> str:
    """The edge's label in ``lang`` (falls back to the other language, then the key)."""
    other = "en" if lang == "zh" else "zh"
    return data.get(f"label_{lang}") or data.get(f"label_{other}") or ""


def node_label(G: Any, n: str, lang: str) -> str:
    d = G.nodes[n]
    other = "en" if lang == "zh" else "zh"
    return d.get(f"label_{lang}") or d.get(f"label_{other}") or d.get("label") or local_name(n)


__all__ = ["project", "project_nodes", "neighbourhood", "node_links", "SubjectReader",
           "ox_store", "collapse", "entity_types", "is_node_class", "short", "expand", "local_name",
           "raw_quads", "py_value", "Lit",
           "edge_label", "node_label", "EXCLUDED_CLASSES", "FOLDED_CLASSES", "NARY_CLASSES",
           "COLLAPSE_RULES", "STANDARD_LABELS"]


if __name__ == "__main__":  # the helper process of _Helper
    import sys

    if sys.argv[1:2] == ["--select"] and len(sys.argv) == 5:
        sys.exit(_select_main(*sys.argv[2:5]))
    sys.exit("usage: python -m digiprov.projection --select OXDIR OUTDIR BUILT")

"""Find an entity from what a user types: IRI, Chinese or English label, alias, or pinyin.

``resolve(ds_or_graph, text) -> iri`` and ``candidates(ds_or_graph, text, limit) ->
[(iri, label, score)]`` accept the dataset or a graph from :func:`digiprov.projection.project`.

Matching tiers, tried in order; the first tier with a hit decides (several entities in that
tier -> :class:`EntityNotFound` listing them):

1. ``iri``: the full IRI, or its tail after ``/id/`` (``place/jinan``);
2. ``label``: a skos:prefLabel in any language;
3. ``alias``: a skos:altLabel;
4. ``key``: the IRI's last segment (``jinan``, ``shandong-big-data-bureau``);
5. ``pinyin``: toneless pinyin of a label or alias, spaces ignored (``jinan``, ``Jǐnán``,
   ``ji nan shi``, ``ji3nan2``), polyphonic readings included, and with a trailing
   administrative suffix (市 省 区 县) dropped (济南市 -> ``jinan``);
6. ``fuzzy``: difflib similarity and substring containment over the same names. A fuzzy
   match resolves only when exactly one entity scores at least ``FUZZY_ACCEPT``; otherwise
   the error lists the best candidates ("did you mean ...").

Before comparing, text is NFKC-normalised (full-width -> half-width), converted from
traditional to simplified Chinese (zhconv), case-folded, and stripped of whitespace and
punctuation.
"""

from __future__ import annotations

import difflib
import itertools
import re
import unicodedata
import weakref
from dataclasses import dataclass, field
from typing import Any

from .cjk import CJK_RE, label_lang
from .errors import EntityNotFound
from .vocab import DEF_NS, id_namespace

FUZZY_ACCEPT = 0.85
FUZZY_CUTOFF = 0.5
ADMIN_SUFFIXES = ("市", "省", "区", "县")
MAX_READINGS = 16  # polyphonic combinations kept per name
MAX_POLYPHONIC_CHARS = 8  # longer names get only pypinyin's context-aware reading
TIERS = ("iri", "label", "alias", "key", "pinyin")

_TONE_DIGITS = re.compile(r"(?<=[a-züv])[1-5]")
_NOT_ALNUM = re.compile(r"[\W_]+")  # what str.isalnum rejects, in one C pass


def _simplified(text: str) -> str:
    if not CJK_RE.search(text):
        return text
    import zhconv

    return zhconv.convert(text, "zh-cn")


def normalize(text: str) -> str:
    """Loose form for comparison: NFKC, simplified Chinese, case-folded, letters/digits only."""
    t = _simplified(unicodedata.normalize("NFKC", text)).casefold()
    return _NOT_ALNUM.sub("", t)


def latin_key(text: str) -> str:
    """Pinyin as typed -> toneless, spaceless ASCII (``Jǐ Nán`` / ``ji3nan2`` -> ``jinan``)."""
    t = unicodedata.normalize("NFKC", text).casefold()
    t = _TONE_DIGITS.sub("", t)
    t = "".join(ch for ch in unicodedata.normalize("NFKD", t)
                if not unicodedata.combining(ch))
    return "".join(ch for ch in t if ch.isalnum())


def pinyin_keys(text: str) -> list[str]:
    """Toneless lowercase pinyin of ``text``: each reading joined without and with spaces,
    plus the forms without a trailing 市/省/区/县. Empty for text without Chinese.

    >>> pinyin_keys("济南市")[:4]
    ['jinanshi', 'ji nan shi', 'jinan', 'ji nan']
    """
    text = _simplified(unicodedata.normalize("NFKC", text))
    if not CJK_RE.search(text):
        return []
    from pypinyin import Style, lazy_pinyin, pinyin

    readings: list[list[str]] = [lazy_pinyin(text, style=Style.NORMAL, errors="default")]
    # Other readings of polyphonic characters only for short names (what people type as
    # pinyin); a long milestone title gets the context-aware reading alone.
    if len(CJK_RE.findall(text)) <= MAX_POLYPHONIC_CHARS:
        het = pinyin(text, style=Style.NORMAL, heteronym=True, errors="default")
        combos = 1
        for opts in het:
            combos *= max(1, len(opts))
        if 1 < combos <= MAX_READINGS:
            readings.extend([list(r) for r in itertools.product(*het)])
    keys: list[str] = []
    strip = text.endswith(ADMIN_SUFFIXES) and len(text) > 2

    def add(sylls: list[str]) -> None:
        words = [w for s in sylls for w in re.split(r"[^0-9a-zü]+", s.lower()) if w]
        for k in ("".join(words), " ".join(words)):
            k = k.replace("ü", "v")
            if k and k not in keys:
                keys.append(k)

    for r in readings:
        add(r)
        if strip:
            add(r[:-1])
    return keys


@dataclass
class Entry:
    iri: str
    label_zh: str | None
    label_en: str | None
    aliases: list[str] = field(default_factory=list)

    def label(self, lang: str = "zh") -> str:
        first, second = (self.label_zh, self.label_en) if lang == "zh" else \
            (self.label_en, self.label_zh)
        return first or second or self.iri.rsplit("/", 1)[-1]

    def display(self) -> str:
        tail = self.iri.split("/id/", 1)[-1]
        return f"{tail} ({self.label('zh')})"


class Index:
    """Lookup tables over the entities; build once per dataset or graph (cached)."""

    def __init__(self, entries: list[Entry]):
        self.entries = {e.iri: e for e in entries}
        self.tiers: dict[str, dict[str, set[str]]] = {t: {} for t in TIERS}
        self.names: dict[str, set[str]] = {}  # loose name or pinyin -> IRIs, for fuzzy
        for e in entries:
            self._add("iri", e.iri, e.iri, raw=True)
            if "/id/" in e.iri:
                self._add("iri", e.iri.split("/id/", 1)[1], e.iri, raw=True)
            for lab in (e.label_zh, e.label_en):
                if lab:
                    self._add("label", normalize(lab), e.iri)
            for a in e.aliases:
                self._add("alias", normalize(a), e.iri)
            self._add("key", e.iri.rstrip("/").rsplit("/", 1)[-1].casefold(), e.iri)
        self._pinyin_done = False

    def _ensure_pinyin(self) -> None:
        # Pinyin is the costly part of the index (~0.3 ms a name); most look-ups end at a
        # label or alias, so it is built on the first look-up that needs it.
        if self._pinyin_done:
            return
        self._pinyin_done = True
        for e in self.entries.values():
            for name in [n for n in (e.label_zh, *e.aliases) if n and CJK_RE.search(n)]:
                for k in pinyin_keys(name):
                    self._add("pinyin", k.replace(" ", ""), e.iri)

    def _add(self, tier: str, key: str, iri: str, raw: bool = False) -> None:
        if not key:
            return
        self.tiers[tier].setdefault(key, set()).add(iri)
        if not raw:
            self.names.setdefault(key, set()).add(iri)

    def exact(self, text: str) -> tuple[str, list[str]]:
        """(tier, IRIs) of the first tier that matches ``text``; ("", []) if none does."""
        probes = {"iri": text.strip(), "label": normalize(text), "alias": normalize(text),
                  "key": text.strip().casefold(), "pinyin": latin_key(text)}
        for tier in TIERS:
            if tier == "pinyin":
                if not probes["pinyin"].isascii():
                    break
                self._ensure_pinyin()
            hit = self.tiers[tier].get(probes[tier])
            if hit:
                return tier, sorted(hit)
        return "", []

    def fuzzy(self, text: str, limit: int) -> list[tuple[str, float]]:
        q = normalize(text)
        ql = latin_key(text)
        if not q and not ql:
            return []
        if re.search(r"[a-z]", ql):
            # pinyin names only ever match Latin letters; building them is the costly part
            # of the index (a typo in a Chinese name at 1M quads waited ~35 s for it)
            self._ensure_pinyin()
        best: dict[str, float] = {}

        def score(iri: str, s: float) -> None:
            if s > best.get(iri, 0.0):
                best[iri] = s

        names = list(self.names)
        for probe in {q, ql} - {""}:
            for name in difflib.get_close_matches(probe, names, n=max(limit * 4, 20),
                                                  cutoff=FUZZY_CUTOFF):
                s = difflib.SequenceMatcher(None, probe, name).ratio()
                for iri in self.names[name]:
                    score(iri, s)
            if len(probe) >= 2:
                for name, iris in self.names.items():
                    if probe in name:
                        s = 0.6 + 0.4 * len(probe) / len(name)
                        for iri in iris:
                            score(iri, s)
        return sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


_CACHE: weakref.WeakKeyDictionary[Any, Index] = weakref.WeakKeyDictionary()


def index_for(ds_or_graph: Any) -> Index:
    try:
        idx = _CACHE.get(ds_or_graph)
    except TypeError:
        idx = None
    if idx is None:
        idx = Index(_entries(ds_or_graph))
        try:
            _CACHE[ds_or_graph] = idx
        except TypeError:
            pass
    return idx


def _entries(obj: Any) -> list[Entry]:
    import networkx as nx

    if isinstance(obj, nx.Graph):
        return [Entry(n, d.get("label_zh"), d.get("label_en"), list(d.get("aliases", [])))
                for n, d in obj.nodes(data=True)]
    from .projection import ALT, PREF, entity_types, is_node_class, ox_store, raw_quads

    store = ox_store(obj)
    if store is not None:
        return _ox_entries(store)
    types = entity_types(obj)
    nodes = {s for s, t in types.items() if is_node_class(t)}
    labels: dict[str, dict[str, str]] = {}
    aliases: dict[str, list[str]] = {}
    for s, p, o, _g in itertools.chain(raw_quads(obj, p=PREF), raw_quads(obj, p=ALT)):
        if s not in nodes or isinstance(o, str):
            continue
        if p == PREF:
            lang = label_lang(o.value, o.lang)
            cur = labels.setdefault(s, {})
            if lang not in cur or o.value < cur[lang]:  # same choice as the projection
                cur[lang] = o.value
        elif o.value not in aliases.setdefault(s, []):
            aliases[s].append(o.value)
    return [Entry(s, labels.get(s, {}).get("zh"), labels.get(s, {}).get("en"),
                  aliases.get(s, [])) for s in sorted(nodes)]


def _ox_entries(store: Any) -> list[Entry]:
    """:func:`_entries` for an Oxigraph store by three SPARQL selections serialised inside
    Oxigraph (the projection's reader), not by a Python pass over every typed quad."""
    from .projection import (
        ALT,
        DEF_NS,
        EXCLUDED_CLASSES,
        FOLDED_CLASSES,
        ONTOLOGY_GRAPH,
        PREF,
        Lit,
        _subject,
        tsv_select,
        tsv_term,
    )

    ont = f"<{ONTOLOGY_GRAPH}>"
    types: dict[str, list[str]] = {}
    for s, t in tsv_select(store, (
            "SELECT ?s ?t WHERE { { GRAPH ?g { ?s a ?t } FILTER(?g != " + ont + ") } "
            "UNION { ?s a ?t } FILTER(isIRI(?t)) }")):
        types.setdefault(_subject(s), []).append(t[1:-1])
    excluded = EXCLUDED_CLASSES | FOLDED_CLASSES
    # one class per entity, chosen as project.entity_types chooses it
    nodes = {s for s, ts in types.items()
             if min(ts, key=lambda t: (not t.startswith(DEF_NS), t)) not in excluded}
    labels: dict[str, dict[str, str]] = {}
    aliases: dict[str, list[str]] = {}
    for pred in (PREF, ALT):
        for s, o in tsv_select(store, (
                "SELECT ?s ?o WHERE { { GRAPH ?g { ?s <" + pred + "> ?o } FILTER(?g != "
                + ont + ") } UNION { ?s <" + pred + "> ?o } FILTER(isLiteral(?o)) }")):
            s = _subject(s)
            if s not in nodes:
                continue
            lit = tsv_term(o)
            if not isinstance(lit, Lit):
                continue
            if pred == PREF:
                lang = label_lang(lit.value, lit.lang)
                cur = labels.setdefault(s, {})
                if lang not in cur or lit.value < cur[lang]:
                    cur[lang] = lit.value
            elif lit.value not in aliases.setdefault(s, []):
                aliases[s].append(lit.value)
    return [Entry(s, labels.get(s, {}).get("zh"), labels.get(s, {}).get("en"),
                  aliases.get(s, [])) for s in sorted(nodes)]


def candidates(ds_or_graph: Any, text: str, limit: int = 5) -> list[tuple[str, str, float]]:
    """Best matches as (iri, zh label, score); exact matches score 1.0 and come first."""
    idx = index_for(ds_or_graph)
    _tier, exact = idx.exact(text)
    out = [(iri, idx.entries[iri].label("zh"), 1.0) for iri in exact]
    seen = set(exact)
    for iri, s in idx.fuzzy(text, limit):
        if iri not in seen:
            out.append((iri, idx.entries[iri].label("zh"), round(s, 3)))
            seen.add(iri)
    return out[:limit]


def _direct(ds: Any, text: str) -> tuple[str, list[str]]:
    """(tier, entities) found without building the index: an IRI or ``/id/`` tail, or a
    label or alias exactly as stored (``济南市``, ``Jinan``, ``省大数据局``), looked up in
    the store's own indexes. ("", []) when that finds nothing; the index then decides.
    (Unlike the index it tells apart two names that differ only in case, spacing or
    punctuation; the data has none.)"""
    from .projection import ALT, PREF, Lit, SubjectReader, raw_quads

    reader = SubjectReader(ds)
    t = text.strip()
    for iri in ([t] if "://" in t else []) + _id_iris(ds, t):
        if reader.is_node(iri):
            return "iri", [iri]
    for tier, pred in (("label", PREF), ("alias", ALT)):
        hits: set[str] = set()
        for lang in ("zh", "en", None):
            lit = Lit(t, None, lang)
            for s, _p, _o, g in raw_quads(ds, p=pred, o=lit):
                if g != DEF_NS and reader.is_node(s):
                    hits.add(s)
        if hits:
            return tier, sorted(hits)
    return "", []


def _id_iris(ds: Any, tail: str) -> list[str]:
    """Candidate IRIs for an ``/id/`` tail such as ``place/jinan``."""
    if "/" not in tail or " " in tail or "://" in tail:
        return []
    bases = {id_namespace()}
    base = (getattr(ds, "manifest", None) or {}).get("base")
    if isinstance(base, str):
        bases.add(base.rstrip("/") + "/id/")
    return [b + tail.lstrip("/") for b in sorted(bases)]


def _cached(obj: Any) -> bool:
    try:
        return obj in _CACHE
    except TypeError:
        return False


def resolve(ds_or_graph: Any, text: str) -> str:
    """The one entity ``text`` names, or :class:`EntityNotFound` (none, or several)."""
    import networkx as nx

    if not text or not text.strip():
        raise EntityNotFound("empty entity reference; give an IRI, a label, an alias or pinyin")
    if not isinstance(ds_or_graph, nx.Graph) and not _cached(ds_or_graph):
        # an exact name needs no index: at a million quads the index takes seconds
        tier, exact = _direct(ds_or_graph, text)
        if len(exact) == 1:
            return exact[0]
        if exact:
            from .projection import SubjectReader

            reader = SubjectReader(ds_or_graph)
            listed = ", ".join(Entry(i, reader.labels(i).get("zh"), reader.labels(i).get("en"))
                               .display() for i in exact[:8])
            raise EntityNotFound(f"'{text}' is ambiguous ({tier} of {len(exact)} entities): "
                                 f"{listed}; give one of these IRIs", candidates=exact)
    idx = index_for(ds_or_graph)
    tier, exact = idx.exact(text)
    if len(exact) == 1:
        return exact[0]
    if exact:
        listed = ", ".join(idx.entries[i].display() for i in exact[:8])
        raise EntityNotFound(f"'{text}' is ambiguous ({tier} of {len(exact)} entities): "
                             f"{listed}; give one of these IRIs", candidates=exact)
    fuzzy = idx.fuzzy(text, 5)
    strong = [iri for iri, s in fuzzy if s >= FUZZY_ACCEPT]
    if len(strong) == 1:
        return strong[0]
    if not fuzzy:
        raise EntityNotFound(f"no entity matches '{text}'")
    listed = ", ".join(idx.entries[i].display() for i, _s in fuzzy)
    raise EntityNotFound(f"no entity matches '{text}'; did you mean {listed}?",
                         candidates=[i for i, _s in fuzzy])


__all__ = ["resolve", "candidates", "pinyin_keys", "normalize", "latin_key", "index_for",
           "Index", "Entry", "FUZZY_ACCEPT"]

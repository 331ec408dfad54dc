"""Records -> RDF dataset. The only place entity IRIs are minted.

Layout of the dataset (see docs/model.md):

* one named graph per source statement (``{base}id/statement/{doc}/p{para}-{start}-{end}``)
  holding the triples that span states; its metadata (source, paragraph, Web Annotation
  text-position selector) lives in the default graph;
* ``{base}id/graph/curated`` for curated facts no source states (area codes, Wikidata links);
* the ontology in the named graph ``https://w3id.org/digiprov/def/``;
* source documents and statement metadata in the default graph.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from decimal import Decimal

from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from . import paths
from .seeds import CJK_RE, Evidence, Period, Record, SeedSet, resolve_period
from .vocab import (
    DCTERMS,
    DEF_NS,
    DEFAULT_BASE,
    DP,
    ELI,
    OA,
    ORG,
    PROV,
    RDF,
    SCHEMA,
    SDMX_ATTR,
    SDMX_DIM,
    SDMX_MEASURE,
    SKOS,
    TIME,
    WD,
    XSD,
    id_namespace,
)

Quad = tuple[Node, Node, Node, Node]

# Section -> IRI path segment. Stable: changing one renames every entity of the section.
SEGMENT = {
    "sources": "source", "themes": "theme", "schemes": "scheme", "concepts": "concept",
    "periods": "period",
    "places": "place", "organizations": "org", "roles": "role", "people": "person",
    "memberships": "membership", "platforms": "platform", "documents": "document",
    "programmes": "programme", "goals": "goal", "milestones": "milestone",
    "indicators": "indicator", "observations": "observation", "recognitions": "recognition",
    "events": "event", "quotes": "quote",
}
SCHEMES = {
    "themes": ("数字省份建设领域", "Digital-province themes"),
    "document-types": ("政策文件类型", "Policy document types"),
    "units": ("计量单位", "Units of measure"),
    "qualifiers": ("数值限定", "Value qualifiers"),
    "designations": ("称号与名单", "Designations"),
    "indicators": ("指标", "Indicators"),
}
CONCEPT_SCHEME = {"document-type": "document-types", "unit": "units", "qualifier": "qualifiers",
                  "designation": "designations"}
ONTOLOGY_GRAPH = URIRef(DEF_NS)


def lang_of(text: str) -> str:
    return "zh" if CJK_RE.search(text) else "en"


class Minter:
    """Entity IRIs from (section, key); one instance per base IRI."""

    def __init__(self, base: str = DEFAULT_BASE):
        self.base = base if base.endswith("/") else base + "/"
        self.ns = id_namespace(self.base)

    def entity(self, rec: Record) -> URIRef:
        return URIRef(f"{self.ns}{SEGMENT[rec.section]}/{rec.key}")

    def period(self, key: str) -> URIRef:
        return URIRef(f"{self.ns}period/{key}")

    def instant(self, day: _dt.date) -> URIRef:
        return URIRef(f"{self.ns}instant/{day.isoformat()}")

    def scheme(self, name: str) -> URIRef:
        return URIRef(f"{self.ns}scheme/{name}")

    def statement(self, ev: Evidence) -> URIRef:
        return URIRef(f"{self.ns}statement/{ev.slug}")

    def source(self, key: str) -> URIRef:
        return URIRef(f"{self.ns}source/{key}")

    @property
    def curated_graph(self) -> URIRef:
        return URIRef(f"{self.ns}graph/curated")


def _num(value: int | float) -> Literal:
    if isinstance(value, int):
        return Literal(value, datatype=XSD.integer)
    return Literal(Decimal(repr(value)), datatype=XSD.decimal)


def _datelike(value: str) -> Literal:
    if len(value) == 4:
        return Literal(value, datatype=XSD.gYear)
    if len(value) == 7:
        return Literal(value, datatype=XSD.gYearMonth)
    return Literal(value, datatype=XSD.date)


class _Builder:
    def __init__(self, seeds: SeedSet, base: str):
        self.seeds = seeds
        self.m = Minter(base)
        self.iri = {k: self.m.entity(r) for k, r in seeds.records.items()}
        self.periods_used: dict[str, Period] = {}

    # -- helpers -------------------------------------------------------------------------
    def ref(self, key: str) -> URIRef:
        return self.iri[key]

    def label(self, key: str, lang: str) -> str:
        rec = self.seeds.records[key]
        if lang == "en":
            return rec.get("en") or rec.get("zh") or key
        return rec.get("zh") or rec.get("en") or key

    def period(self, value: str) -> URIRef:
        p = resolve_period(self.seeds, value)
        self.periods_used[p.key] = p
        return self.m.period(p.key)

    # -- main ----------------------------------------------------------------------------
    def quads(self) -> Iterator[Quad]:
        default = DATASET_DEFAULT_GRAPH_ID
        for rec in self.seeds.records.values():
            if rec.section == "periods":
                continue  # emitted below, with the inline ones, once each
            graph = self.m.statement(rec.evidence[0]) if rec.evidence else self.m.curated_graph
            if rec.section == "sources":
                graph = default
            s = self.iri[rec.key]
            for p, o in self.describe(rec, s):
                yield s, p, o, graph
            # Each statement that attests the entry links to it inside its own graph: one
            # distinct triple per statement, so the union graph holds no duplicates.
            if rec.section != "sources":
                for ev in rec.evidence:
                    st = self.m.statement(ev)
                    yield s, PROV.wasDerivedFrom, st, st
        yield from self.statement_metadata()
        yield from self.period_quads()
        yield from self.scheme_quads()

    def type_of(self, rec: Record) -> URIRef:
        if rec.section == "schemes":
            return SKOS.ConceptScheme
        if rec.section == "concepts" and rec.cls is None:
            return SKOS.Concept
        return DP[rec.cls] if rec.cls else SKOS.Concept

    def describe(self, rec: Record, s: URIRef) -> Iterator[tuple[Node, Node]]:
        f = rec.fields
        yield RDF.type, self.type_of(rec)
        # Labels: generated for n-ary nodes that have none, so every node reads well.
        zh, en = f.get("zh"), f.get("en")
        if zh is None or en is None:
            gzh, gen = self.generated_labels(rec)
            zh, en = zh or gzh, en or gen
        if rec.section == "sources":
            yield DCTERMS.title, Literal(zh, lang="zh")
            if en:
                yield DCTERMS.title, Literal(en, lang="en")
        if zh:
            yield SKOS.prefLabel, Literal(zh, lang="zh")
        if en:
            yield SKOS.prefLabel, Literal(en, lang="en")
        for alias in f.get("aliases", []):
            yield SKOS.altLabel, Literal(alias, lang=lang_of(alias))
        if "definition" in f:
            yield SKOS.definition, Literal(f["definition"], lang=lang_of(f["definition"]))
        if "note" in f:
            yield SKOS.note, Literal(f["note"], lang=lang_of(f["note"]))
        for t in f.get("themes", []):
            yield DP.theme, self.ref(t)
        yield from getattr(self, "describe_" + rec.section)(rec, f)

    def generated_labels(self, rec: Record) -> tuple[str | None, str | None]:
        f, L = rec.fields, self.label
        if rec.section == "memberships":
            return (f"{L(f['person'], 'zh')}（{L(f['organization'], 'zh')}{L(f['role'], 'zh')}）",
                    f"{L(f['person'], 'en')}, {L(f['role'], 'en')}, {L(f['organization'], 'en')}")
        if rec.section == "observations":
            p = resolve_period(self.seeds, f["period"])
            unit = self.seeds.records[f["unit"]]
            qual = self.seeds.records[f["qualifier"]]
            sym = qual.get("symbol", "")
            sym = "" if sym == "=" else sym
            return (f"{L(f['indicator'], 'zh')}：{f['value_text']}（{p.zh}）",
                    f"{L(f['indicator'], 'en')}: {sym}{f['value']:g} {unit.get('en', '')} "
                    f"({p.en})".replace("  ", " "))
        if rec.section == "recognitions":
            return (f"{L(f['recipient'], 'zh')}：{L(f['designation'], 'zh')}",
                    f"{L(f['recipient'], 'en')}: {L(f['designation'], 'en')}")
        return None, None

    # -- per section ----------------------------------------------------------------------
    def describe_sources(self, rec: Record, f: dict) -> Iterator[tuple[Node, Node]]:
        yield DCTERMS.publisher, Literal(f["publisher"], lang=lang_of(f["publisher"]))
        if "publisher_en" in f:
            yield DCTERMS.publisher, Literal(f["publisher_en"], lang="en")
        yield DCTERMS.issued, _datelike(f["date"])
        if "file" in f:
            yield DP.corpusFile, Literal(f["file"])
        if "url" in f:
            yield SCHEMA.url, Literal(f["url"], datatype=XSD.anyURI)
        if "sha256" in f:
            yield DP.sha256, Literal(f["sha256"])

    def describe_themes(self, rec: Record, f: dict) -> Iterator[tuple[Node, Node]]:
        yield SKOS.inScheme, self.m.scheme("themes")

    def describe_schemes(self, rec: Record, f: dict) -> Iterator[tuple[Node, Node]]:
        return iter(())

    def describe_concepts(self, rec: Record, f: dict) -> Iterator[tuple[Node, Node]]:
        if "scheme" in f:
            yield SKOS.inScheme, self.ref(f["scheme"])
        else:
            yield SKOS.inScheme, self.m.scheme(CONCEPT_SCHEME[f["type"]])
        if "symbol" in f:
            yield SKOS.notation, Literal(f["symbol"])

    def describe_places(self, rec: Record, f: dict) -> Iterator[tuple[Node, Node]]:
        if "code" in f:
            yield DP.areaCode, Literal(f["code"])
        if "within" in f:
            yield SCHEMA.containedInPlace, self.ref(f["within"])
        if "wikidata" in f:
            yield SKOS.exactMatch, WD[f["wikidata"]]

    def describe_organizations(self, rec: Record, f: dict) -> Iterator[tuple[Node, Node]]:
        if "within" in f:
            yield (ORG.unitOf if f["type"] == "office" else ORG.subOrganizationOf), \
                self.ref(f["within"])
        if "jurisdiction" in f:
            yield DCTERMS.spatial, self.ref(f["jurisdiction"])
        if "wikidata" in f:
            yield SKOS.exactMatch, WD[f["wikidata"]]
        if "status" in f:
            yield DP.status, Literal(f["status"])

    def describe_roles(self, rec: Record, f: dict) -> Iterator[tuple[Node, Node]]:
        return iter(())

    describe_people = describe_roles

    def describe_indicators(self, rec: Record, f: dict) -> Iterator[tuple[Node, Node]]:
        yield SKOS.inScheme, self.m.scheme("indicators")

    def describe_memberships(self, rec: Record, f: dict) -> Iterator[tuple[Node, Node]]:
        yield ORG.member, self.ref(f["person"])
        yield ORG.organization, self.ref(f["organization"])
        yield ORG.role, self.ref(f["role"])

    def _common(self, f: dict, lead: str) -> Iterator[tuple[Node, Node]]:
        if lead in f:
            yield DP.responsibleAgent, self.ref(f[lead])
        if "jurisdiction" in f:
            yield DCTERMS.spatial, self.ref(f["jurisdiction"])
        if "period" in f:
            yield DCTERMS.temporal, self.period(f["period"])
        if "part_of" in f:
            yield DP.partOf, self.ref(f["part_of"])
        for k in f.get("goals", []):
            yield DP.statesGoal, self.ref(k)
        arch = f.get("architecture")
        if arch:
            for lang, text in arch.items():
                yield DP.architecture, Literal(text, lang=lang)

    def describe_platforms(self, rec: Record, f: dict) -> Iterator[tuple[Node, Node]]:
        if "operator" in f:
            yield DP.operator, self.ref(f["operator"])
        if "built_on" in f:
            yield DP.builtOn, self.ref(f["built_on"])
        if "status" in f:
            yield DP.status, Literal(f["status"])
        yield from self._common(f, "-")

    def describe_documents(self, rec: Record, f: dict) -> Iterator[tuple[Node, Node]]:
        yield ELI.type_document, self.ref(f["doctype"])
        if "issuer" in f:
            yield ELI.passed_by, self.ref(f["issuer"])
        if "date" in f:
            yield ELI.date_document, Literal(f["date"], datatype=XSD.date)
        for k in f.get("based_on", []):
            yield ELI.based_on, self.ref(k)
        if "adopted_at" in f:
            yield DP.adoptedAt, self.ref(f["adopted_at"])
        yield from self._common(f, "-")

    def describe_programmes(self, rec: Record, f: dict) -> Iterator[tuple[Node, Node]]:
        if "launched" in f:
            yield DP.launchYear, Literal(str(f["launched"]), datatype=XSD.gYear)
        yield from self._common(f, "lead")

    def describe_goals(self, rec: Record, f: dict) -> Iterator[tuple[Node, Node]]:
        for k in f.get("focus_areas", []):
            yield DP.focusArea, self.ref(k)
        yield from self._common(f, "responsible")

    def describe_milestones(self, rec: Record, f: dict) -> Iterator[tuple[Node, Node]]:
        yield DP.deadline, Literal(f["deadline"], datatype=XSD.date)
        yield DP.deadlineText, Literal(f["deadline_text"], lang=lang_of(f["deadline_text"]))
        for k in f.get("concerns", []):
            yield DP.concerns, self.ref(k)
        yield from self._common(f, "responsible")

    def describe_observations(self, rec: Record, f: dict) -> Iterator[tuple[Node, Node]]:
        yield DP.indicator, self.ref(f["indicator"])
        yield SDMX_MEASURE.obsValue, _num(f["value"])
        yield SDMX_ATTR.unitMeasure, self.ref(f["unit"])
        yield DP.qualifier, self.ref(f["qualifier"])
        yield DP.valueText, Literal(f["value_text"], lang=lang_of(f["value_text"]))
        yield SDMX_DIM.refPeriod, self.period(f["period"])
        if "period_text" in f:
            yield DP.periodText, Literal(f["period_text"], lang=lang_of(f["period_text"]))
        yield SDMX_DIM.refArea, self.ref(f["area"])
        if "about" in f:
            yield DP.about, self.ref(f["about"])

    def describe_recognitions(self, rec: Record, f: dict) -> Iterator[tuple[Node, Node]]:
        yield DP.recipient, self.ref(f["recipient"])
        yield DP.designation, self.ref(f["designation"])
        if "qualifier_text" in f:
            yield DP.qualifierText, Literal(f["qualifier_text"], lang=lang_of(f["qualifier_text"]))
        if "period" in f:
            yield DCTERMS.temporal, self.period(f["period"])

    def describe_events(self, rec: Record, f: dict) -> Iterator[tuple[Node, Node]]:
        if "date" in f:
            yield SCHEMA.startDate, Literal(f["date"], datatype=XSD.date)
        if "date_text" in f:
            yield DP.dateText, Literal(f["date_text"], lang=lang_of(f["date_text"]))
        if "organizer" in f:
            yield SCHEMA.organizer, self.ref(f["organizer"])
        for k in f.get("attendees", []):
            yield SCHEMA.attendee, self.ref(k)
        if "location" in f:
            yield SCHEMA.location, self.ref(f["location"])
        for lang, text in f.get("series", {}).items():
            yield DP.seriesTitle, Literal(text, lang=lang)
        if "number" in f:
            yield DP.seriesNumber, Literal(f["number"], datatype=XSD.integer)

    def describe_quotes(self, rec: Record, f: dict) -> Iterator[tuple[Node, Node]]:
        yield SCHEMA.spokenByCharacter, self.ref(f["speaker"])
        if "membership" in f:
            yield DP.inRole, self.ref(f["membership"])
        for k in f.get("concerns", []):
            yield DP.concerns, self.ref(k)

    # -- shared nodes ---------------------------------------------------------------------
    def statement_metadata(self) -> Iterator[Quad]:
        default = DATASET_DEFAULT_GRAPH_ID
        seen: set[URIRef] = set()
        for rec in self.seeds.records.values():
            for ev in rec.evidence:
                st = self.m.statement(ev)
                if st in seen:
                    continue
                seen.add(st)
                sel = URIRef(f"{st}/selector")
                src = self.iri[ev.doc]
                yield st, RDF.type, DP.Statement, default
                yield st, PROV.wasDerivedFrom, src, default
                yield st, DP.paragraph, Literal(ev.para, datatype=XSD.integer), default
                yield st, OA.hasSelector, sel, default
                yield sel, RDF.type, OA.TextPositionSelector, default
                yield sel, OA.start, Literal(ev.start, datatype=XSD.integer), default
                yield sel, OA.end, Literal(ev.end, datatype=XSD.integer), default

    def period_quads(self) -> Iterator[Quad]:
        for rec in self.seeds.section("periods"):
            self.periods_used[rec.key] = self.seeds.periods[rec.key]
        declared = {r.key: r for r in self.seeds.section("periods")}
        instants: set[_dt.date] = set()
        for key, p in sorted(self.periods_used.items()):
            rec = declared.get(key)
            graph = (self.m.statement(rec.evidence[0]) if rec and rec.evidence
                     else self.m.curated_graph)
            s = self.m.period(key)
            yield s, RDF.type, TIME.ProperInterval, graph
            yield s, SKOS.prefLabel, Literal(p.zh, lang="zh"), graph
            yield s, SKOS.prefLabel, Literal(p.en, lang="en"), graph
            if rec:
                for alias in rec.get("aliases", []):
                    yield s, SKOS.altLabel, Literal(alias, lang=lang_of(alias)), graph
                if "definition" in rec.fields:
                    d = rec.fields["definition"]
                    yield s, SKOS.definition, Literal(d, lang=lang_of(d)), graph
            yield s, TIME.hasBeginning, self.m.instant(p.start), graph
            yield s, TIME.hasEnd, self.m.instant(p.end), graph
            instants.update((p.start, p.end))
        for day in sorted(instants):
            i = self.m.instant(day)
            yield i, RDF.type, TIME.Instant, self.m.curated_graph
            yield i, TIME.inXSDDate, Literal(day, datatype=XSD.date), self.m.curated_graph

    def scheme_quads(self) -> Iterator[Quad]:
        # Built-in schemes; schemes declared in the seeds describe themselves.
        used = {"themes", "indicators"} | {
            CONCEPT_SCHEME[r.get("type")] for r in self.seeds.section("concepts")
            if "scheme" not in r.fields}
        for name in sorted(used):
            s = self.m.scheme(name)
            zh, en = SCHEMES.get(name, (name, name))
            g = self.m.curated_graph
            yield s, RDF.type, SKOS.ConceptScheme, g
            yield s, SKOS.prefLabel, Literal(zh, lang="zh"), g
            yield s, SKOS.prefLabel, Literal(en, lang="en"), g


def iter_quads(seeds: SeedSet, base: str = DEFAULT_BASE, with_ontology: bool = True
               ) -> Iterator[Quad]:
    """Every quad of the dataset, generated from checked seeds (streaming)."""
    yield from _Builder(seeds, base).quads()
    if with_ontology:
        yield from ontology_quads()


def ontology_quads() -> Iterator[Quad]:
    from rdflib import Graph

    g = Graph()
    g.parse(paths.ontology_file(), format="turtle")
    # Sorted: rdflib's iteration order follows string hashing, which changes per process, and
    # outputs built from these quads (synth, exports) should be the same bytes every run.
    for s, p, o in sorted(g):
        if isinstance(s, BNode) or isinstance(o, BNode):
            continue  # the ontology is written without blank nodes; keep it that way
        yield s, p, o, ONTOLOGY_GRAPH


def build_dataset(seeds: SeedSet, base: str = DEFAULT_BASE) -> Dataset:
    """The whole dataset as an in-memory rdflib Dataset (plain rdflib store)."""
    ds = Dataset()
    ds.bind_namespaces = "none"
    from .vocab import PREFIXES

    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns)
    ds.bind("id", id_namespace(base))
    for s, p, o, g in iter_quads(seeds, base):
        ds.add((s, p, o, g))
    return ds

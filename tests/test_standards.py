"""The vocabularies used as their standards define them (#17), and the registry that describes
every class once (#15 item 2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH

from digiprov import paths, registry
from digiprov.vocab import DEF_NS, DP_CLASSES, DP_PROPERTIES, OA, PROV, QB, SDMX_ATTR

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ERR = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")  # owlrl's error messages


@pytest.fixture(scope="module")
def data_graph(seedset) -> Graph:
    from digiprov.build import iter_quads

    g = Graph()
    for s, p, o, _g in iter_quads(seedset):
        g.add((s, p, o))
    return g


def _owl_rl_errors(g: Graph) -> list[str]:
    import owlrl

    g = g + Graph().parse(FIXTURES / "prov-o.ttl", format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
    return sorted(str(m) for m in g.objects(None, ERR))


def test_the_data_is_consistent_with_prov_o(data_graph):
    assert _owl_rl_errors(data_graph) == []


def test_the_old_quotation_role_link_would_be_inconsistent(data_graph):
    # The control: PROV's qualifiedAssociation has domain Activity, a quotation is an Entity,
    # and PROV-O makes the two disjoint. The closure must see it.
    g = data_graph + Graph()
    g.add((URIRef(DEF_NS + "inRole"), RDFS.subPropertyOf, PROV.qualifiedAssociation))
    errors = _owl_rl_errors(g)
    assert errors and all("prov#Activity and http://www.w3.org/ns/prov#Entity" in e
                          for e in errors)
    assert len(errors) == len(set(data_graph.subjects(URIRef(DEF_NS + "inRole"), None)))


def test_quote_selectors_quote_the_text(dataset, seedset, corpus_dir):
    rows = dataset.query("""
        SELECT ?file ?s ?e ?exact WHERE {
          ?st oa:hasSource/dp:corpusFile ?file ;
              oa:hasSelector [ a oa:TextPositionSelector ; oa:start ?s ; oa:end ?e ] ,
                             [ a oa:TextQuoteSelector ; oa:exact ?exact ] .
        }""")
    n_spans = sum(len(r.evidence) for r in seedset.records.values())
    assert len(rows) == n_spans > 100
    texts = {}
    for file, s, e, exact in rows:
        text = texts.setdefault(str(file), (corpus_dir / str(file)).read_text(encoding="utf-8"))
        assert text[int(s):int(e)] == str(exact)


def test_statements_are_specific_resources_of_their_source(dataset):
    bad = dataset.query("""
        SELECT ?st WHERE {
          ?st a dp:Statement .
          FILTER NOT EXISTS { ?st a oa:SpecificResource ; oa:hasSource ?src .
                              ?src a dp:SourceDocument }
        }""")
    assert list(bad) == []


def test_data_cube_is_well_formed(dataset):
    # IC-1 and IC-2 (W3C RDF Data Cube, section 11): one data set per observation, one
    # structure per data set; every observation carries the unit multiplier.
    assert list(dataset.query("""
        SELECT ?o WHERE { ?o a qb:Observation .
          FILTER NOT EXISTS { ?o qb:dataSet ?ds } }""")) == []
    assert list(dataset.query("""
        SELECT ?o WHERE { ?o qb:dataSet ?a , ?b . FILTER (?a != ?b) }""")) == []
    assert list(dataset.query("""
        SELECT ?ds WHERE { ?ds a qb:DataSet .
          FILTER NOT EXISTS { ?ds qb:structure ?dsd . ?dsd a qb:DataStructureDefinition } }""")) == []
    assert list(dataset.query("""
        SELECT ?o WHERE { ?o a qb:Observation .
          FILTER NOT EXISTS { ?o sdmx-attribute:unitMult ?m } }""")) == []


def test_qualifier_is_an_attribute_of_its_own(onto_graph):
    q = URIRef(DEF_NS + "qualifier")
    assert (q, RDF.type, QB.AttributeProperty) in onto_graph
    assert (q, RDFS.subPropertyOf, SDMX_ATTR.obsStatus) not in onto_graph
    status = URIRef(DEF_NS + "status")
    assert (status, RDFS.subPropertyOf, URIRef("https://schema.org/status")) not in onto_graph


@pytest.fixture(scope="module")
def onto_graph() -> Graph:
    return Graph().parse(paths.ontology_file(), format="turtle")


@pytest.fixture(scope="module")
def shapes_graph() -> Graph:
    return Graph().parse(paths.shapes_file(), format="turtle")


def _ancestors(onto: Graph, cls: URIRef) -> set[URIRef]:
    out, todo = set(), [cls]
    while todo:
        c = todo.pop()
        for p in onto.objects(c, RDFS.subClassOf):
            if p not in out:
                out.add(p)
                todo.append(p)
    return out


@pytest.mark.parametrize("name", DP_CLASSES)
def test_every_class_has_a_shape_a_registry_entry_and_a_style(name, onto_graph, shapes_graph):
    cls = URIRef(DEF_NS + name)
    targets = set(shapes_graph.objects(None, SH.targetClass))
    assert ({cls} | _ancestors(onto_graph, cls)) & targets, f"no shape targets dp:{name}"
    info = registry.CLASSES.get(name)
    assert info is not None, f"dp:{name} has no registry entry"
    labels = {lbl.language: str(lbl) for lbl in onto_graph.objects(cls, RDFS.label)}
    assert (info.zh, info.en) == (labels["zh"], labels["en"])
    assert info.style in registry.FAMILIES, f"dp:{name}: unknown view family {info.style!r}"
    if info.iri not in registry.BOOKKEEPING_CLASSES + registry.FOLDED_CLASSES:
        from digiprov.view import CLASS_STYLE

        assert name in CLASS_STYLE, f"the view has no style for dp:{name}"


def test_view_and_projection_read_the_registry():
    from digiprov import projection, view

    assert view.CLASS_STYLE["Milestone"] == ("#d73027", "diamond")
    assert view.FAMILIES["places"][2] == ("AdministrativeArea", "Country", "Province", "City",
                                          "District")
    assert projection.NARY_CLASSES == ("Membership", "Milestone", "Recognition", "Observation",
                                       "Quotation")
    assert projection.COLLAPSE_RULES["Membership"] == (("org:member",), ("org:organization",))
    assert projection._ALL_TARGETS == {"Observation"}


def test_one_predicate_label_table():
    # ORG: X subOrganizationOf Y when Y contains X ("X 隶属于 Y"); unitOf, its sub-property,
    # when X is a unit inside Y. The view once called unitOf 隶属于 and analytics
    # subOrganizationOf 隶属于; both now read the registry's table.
    from digiprov import projection, view

    assert registry.PREDICATE_LABELS["org:subOrganizationOf"] == ("隶属于", "sub-organization of")
    assert registry.PREDICATE_LABELS["org:unitOf"] == ("内设于", "unit of")
    assert projection.STANDARD_LABELS is registry.PREDICATE_LABELS
    for key, lab in registry.PREDICATE_LABELS.items():
        if not key.startswith("dp:"):
            assert view.STD_LABELS[key.partition(":")[2]] == lab, key
    assert registry.predicate_label("http://www.w3.org/ns/org#unitOf") == ("内设于", "unit of")
    assert registry.predicate_label("org:noSuchTerm") is None


def test_registry_covers_exactly_the_ontology_classes():
    assert set(registry.CLASSES) == set(DP_CLASSES)
    for sec in registry.SECTIONS.values():
        assert set(sec.classes) <= set(DP_CLASSES), sec.name


def test_predicate_labels_repeat_the_ontology(onto_graph):
    for name in DP_PROPERTIES:
        p = URIRef(DEF_NS + name)
        labels = {lbl.language: str(lbl) for lbl in onto_graph.objects(p, RDFS.label)}
        assert registry.PREDICATE_LABELS[f"dp:{name}"] == (labels["zh"], labels["en"]), name


def test_every_fact_predicate_has_a_label(dataset):
    # The predicates of the facts (statement and curated graphs), which the view, the
    # projection and the exports show; the bookkeeping in the default graph is not shown.
    from digiprov.vocab import curie

    used = {curie(str(r[0])) for r in dataset.query("""
        SELECT DISTINCT ?p WHERE { GRAPH ?g { ?s ?p ?o }
          FILTER (?g != <https://w3id.org/digiprov/def/>) }""")}
    assert len(used) > 40
    assert sorted(p for p in used if p not in registry.PREDICATE_LABELS) == []


def test_no_owl_class_is_left_without_a_definition(onto_graph):
    classes = {s for s in onto_graph.subjects(RDF.type, OWL.Class) if str(s).startswith(DEF_NS)}
    assert len(classes) == len(DP_CLASSES)
    assert OA.SpecificResource in _ancestors(onto_graph, URIRef(DEF_NS + "Statement"))

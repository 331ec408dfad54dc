"""The ontology is the contract: every local term is defined, bilingual and anchored in a standard."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from digiprov import paths
from digiprov.vocab import DEF_NS, DP_CLASSES, DP_PROPERTIES


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(paths.ontology_file(), format="turtle")


def _local_terms(g: Graph, kinds) -> set[str]:
    return {str(s)[len(DEF_NS):] for k in kinds for s in g.subjects(RDF.type, k)
            if str(s).startswith(DEF_NS) and str(s) != DEF_NS}


def test_vocab_and_ontology_define_the_same_terms(onto):
    assert _local_terms(onto, [OWL.Class]) == set(DP_CLASSES)
    assert _local_terms(onto, [OWL.ObjectProperty, OWL.DatatypeProperty]) == set(DP_PROPERTIES)


def test_closed_namespace_rejects_typos():
    from digiprov.vocab import DP

    with pytest.raises(AttributeError):
        _ = DP.operater


@pytest.mark.parametrize("term", DP_CLASSES + DP_PROPERTIES)
def test_every_term_is_bilingual_defined_and_anchored(onto, term):
    s = URIRef(DEF_NS + term)
    langs = sorted(lbl.language for lbl in onto.objects(s, RDFS.label))
    assert langs == ["en", "zh"], f"{term}: labels {langs}"
    assert list(onto.objects(s, SKOS.definition)), f"{term} has no definition"
    parents = list(onto.objects(s, RDFS.subClassOf)) + list(onto.objects(s, RDFS.subPropertyOf))
    external = [p for p in parents if not str(p).startswith(DEF_NS)]
    local = [p for p in parents if str(p).startswith(DEF_NS)]
    # A local term is anchored in a standard directly or through a local parent that is.
    assert external or local, f"{term} is not a subclass/subproperty of anything"


def test_local_hierarchies_reach_a_standard_term(onto):
    def reaches_standard(node, seen=()):
        for p in list(onto.objects(node, RDFS.subClassOf)) + list(onto.objects(node, RDFS.subPropertyOf)):
            if not str(p).startswith(DEF_NS) or (p not in seen and reaches_standard(p, (*seen, p))):
                return True
        return False

    for term in DP_CLASSES + DP_PROPERTIES:
        assert reaches_standard(URIRef(DEF_NS + term)), term


def test_shapes_parse_and_target_local_classes():
    from rdflib.namespace import SH

    g = Graph().parse(paths.shapes_file(), format="turtle")
    targets = {str(o)[len(DEF_NS):] for o in g.objects(None, SH.targetClass) if str(o).startswith(DEF_NS)}
    assert {"Milestone", "Observation", "PolicyDocument", "Membership", "Statement"} <= targets
    assert targets <= set(DP_CLASSES)

"""The only place ontology IRIs are spelled.

``DP`` is closed: a typo such as ``DP.operater`` raises at import time of the calling
module instead of minting a new, silently wrong, predicate. A test checks that the
terms listed here and the terms defined in ``ontology/digiprov.ttl`` are the same set.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD, ClosedNamespace

DEF_NS = "https://w3id.org/digiprov/def/"
DEFAULT_BASE = "https://w3id.org/digiprov/"

DP_CLASSES = (
    "AdministrativeArea Country Province City District Organization GovernmentAgency "
    "PartyCommittee OfficeUnit ResearchInstitute Enterprise Association Role Person Membership "
    "Platform PolicyDocument DocumentType Programme Campaign Project Strategy Goal Milestone "
    "Recognition Designation Indicator Observation Unit Qualifier Event PressConference "
    "PlenarySession Meeting Quotation Theme Status SourceDocument Statement CuratedGraph"
).split()
DP_PROPERTIES = (
    "areaCode theme focusArea operator responsibleAgent leadAgency partOf contributesTo builtOn "
    "concerns statesGoal setsUp announces adoptedAt deadline deadlineText dateText launchYear "
    "architecture indicator about qualifier valueText targetValue targetText periodText "
    "recipient designation qualifierText inRole seriesNumber seriesTitle status paragraph "
    "corpusFile sha256 characterCount"
).split()
# Named individuals of the ontology: the Data Cube structures of the indicator data sets.
DP_INDIVIDUALS = "IndicatorStructure UndatedIndicatorStructure".split()

DP = ClosedNamespace(DEF_NS, DP_CLASSES + DP_PROPERTIES + DP_INDIVIDUALS)

SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
QB = Namespace("http://purl.org/linked-data/cube#")
SDMX_ATTR = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
SDMX_DIM = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
OA = Namespace("http://www.w3.org/ns/oa#")
WD = Namespace("http://www.wikidata.org/entity/")
ADMS = Namespace("http://www.w3.org/ns/adms#")

PREFIXES: dict[str, str] = {
    "dp": DEF_NS,
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "eli": str(ELI),
    "prov": str(PROV),
    "time": str(TIME),
    "qb": str(QB),
    "sdmx-attribute": str(SDMX_ATTR),
    "sdmx-dimension": str(SDMX_DIM),
    "sdmx-measure": str(SDMX_MEASURE),
    "oa": str(OA),
    "foaf": str(FOAF),
    "wd": str(WD),
    "adms": str(ADMS),
}


_LONGEST_FIRST = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def curie(iri: str) -> str:
    """``https://w3id.org/digiprov/def/operator`` -> ``dp:operator``; other IRIs unchanged."""
    for prefix, ns in _LONGEST_FIRST:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def id_namespace(base: str = DEFAULT_BASE) -> str:
    """Entity IRIs live under ``{base}id/``; the vocabulary stays at DEF_NS whatever the base."""
    return base.rstrip("/") + "/id/"


__all__ = [
    "DP", "DEF_NS", "DEFAULT_BASE", "SCHEMA", "ORG", "ELI", "QB", "SDMX_ATTR", "SDMX_DIM",
    "SDMX_MEASURE", "OA", "WD", "ADMS", "PREFIXES", "RDF", "RDFS", "OWL", "XSD", "SKOS", "DCTERMS",
    "PROV", "TIME", "FOAF", "id_namespace", "curie",
]

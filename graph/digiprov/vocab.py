"""The only place ontology IRIs are spelled.

Namespaces are plain strings here (``PREFIXES``, ``iri("skos:prefLabel")``), so light modules
(the registry, the projection's quad reader, the CLI) can use them without importing rdflib;
the rdflib namespace objects (``DP``, ``SKOS``, ``SCHEMA`` ...) are made on first use.

``DP`` is closed: a typo such as ``DP.operater`` raises at import time of the calling
module instead of minting a new, silently wrong, predicate. A test checks that the
terms listed here and the terms defined in ``ontology/digiprov.ttl`` are the same set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # made on first use by __getattr__ below
    from rdflib import Namespace
    from rdflib.namespace import (
        DCTERMS,
        FOAF,
        OWL,
        PROV,
        RDF,
        RDFS,
        SKOS,
        TIME,
        XSD,
        ClosedNamespace,
    )

    DP: ClosedNamespace
    SCHEMA: Namespace
    ORG: Namespace
    ELI: Namespace
    QB: Namespace
    SDMX_ATTR: Namespace
    SDMX_DIM: Namespace
    SDMX_MEASURE: Namespace
    OA: Namespace
    WD: Namespace
    ADMS: Namespace

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

PREFIXES: dict[str, str] = {
    "dp": DEF_NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "prov": "http://www.w3.org/ns/prov#",
    "time": "http://www.w3.org/2006/time#",
    "qb": "http://purl.org/linked-data/cube#",
    "sdmx-attribute": "http://purl.org/linked-data/sdmx/2009/attribute#",
    "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "sdmx-measure": "http://purl.org/linked-data/sdmx/2009/measure#",
    "oa": "http://www.w3.org/ns/oa#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "wd": "http://www.wikidata.org/entity/",
    "adms": "http://www.w3.org/ns/adms#",
}
# Namespaces the code uses but the data's prefixes leave out (the SPARQL service description
# and the W3C format and entailment registries the endpoint describes itself with).
SERVICE_NS = {
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "formats": "http://www.w3.org/ns/formats/",
    "entailment": "http://www.w3.org/ns/entailment/",
    "sparql-results": "http://www.w3.org/2005/sparql-results#",
}

# XSD integer types (xsd:integer and every type derived from it): literals read as int.
XSD_INTEGER_TYPES = frozenset(PREFIXES["xsd"] + t for t in (
    "integer int long short byte nonNegativeInteger positiveInteger nonPositiveInteger "
    "negativeInteger unsignedLong unsignedInt unsignedShort unsignedByte").split())
XSD_DECIMAL_TYPES = frozenset(PREFIXES["xsd"] + t for t in ("decimal", "double", "float"))


def iri(curie: str) -> str:
    """``skos:prefLabel`` -> its full IRI (a plain string). An unknown prefix is an error, so
    a typo cannot become an IRI."""
    prefix, sep, rest = curie.partition(":")
    ns = PREFIXES.get(prefix) or SERVICE_NS.get(prefix)
    if not sep or ns is None:
        raise KeyError(f"{curie!r} is not a prefixed name with a known prefix")
    return ns + rest


def expand(curie: str) -> str:
    """Like :func:`iri`, but anything that is not a known prefixed name comes back unchanged
    (``http://...`` included)."""
    prefix, _, rest = curie.partition(":")
    ns = PREFIXES.get(prefix)
    return ns + rest if ns and not rest.startswith("//") else curie


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


# ------------------------------------------------------------------ rdflib objects, made lazily

_RDFLIB_NS = ("RDF", "RDFS", "OWL", "XSD", "SKOS", "DCTERMS", "PROV", "TIME", "FOAF")
_OWN_NS = {"SCHEMA": "schema", "ORG": "org", "ELI": "eli", "QB": "qb",
           "SDMX_ATTR": "sdmx-attribute", "SDMX_DIM": "sdmx-dimension",
           "SDMX_MEASURE": "sdmx-measure", "OA": "oa", "WD": "wd", "ADMS": "adms"}


def __getattr__(name: str) -> Any:
    # PEP 562: ``from .vocab import DP`` builds the namespace (and imports rdflib) only here.
    if name in _RDFLIB_NS:
        from rdflib import namespace

        value: Any = getattr(namespace, name)
    elif name in _OWN_NS:
        from rdflib import Namespace

        value = Namespace(PREFIXES[_OWN_NS[name]])
    elif name == "DP":
        from rdflib.namespace import ClosedNamespace

        value = ClosedNamespace(DEF_NS, DP_CLASSES + DP_PROPERTIES + DP_INDIVIDUALS)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


__all__ = [
    "DP", "DEF_NS", "DEFAULT_BASE", "SCHEMA", "ORG", "ELI", "QB", "SDMX_ATTR", "SDMX_DIM",
    "SDMX_MEASURE", "OA", "WD", "ADMS", "PREFIXES", "SERVICE_NS", "RDF", "RDFS", "OWL", "XSD",
    "SKOS", "DCTERMS", "PROV", "TIME", "FOAF", "XSD_INTEGER_TYPES", "XSD_DECIMAL_TYPES",
    "id_namespace", "curie", "iri", "expand",
]

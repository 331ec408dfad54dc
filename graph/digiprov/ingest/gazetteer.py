"""What the graph already knows: every entity's key, section, labels and aliases.

Read from the built dataset with SPARQL when there is one, otherwise from the seeds (the
builder's own loader). Lookups go through :func:`textio.label_key`, so full-width/half-width,
traditional/simplified and quote differences do not matter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..registry import SECTIONS
from .textio import label_key

# IRI segment -> seed section, from the registry; a concept scheme is no entity a text names
SEGMENT_TO_SECTION = {s.segment: s.name for s in SECTIONS.values() if s.name != "schemes"}
# Sections whose entities the extractor links mentions to.
LINKABLE = ("places", "organizations", "people", "platforms", "programmes", "documents",
            "roles", "indicators", "concepts", "periods", "events")


@dataclass
class KnownEntity:
    key: str
    section: str
    zh: str = ""
    labels: set[str] = field(default_factory=set)
    kind: str = ""          # concept type / place type / org type when known
    extra: dict = field(default_factory=dict)


@dataclass
class Gazetteer:
    entities: dict[str, KnownEntity] = field(default_factory=dict)
    index: dict[str, list[str]] = field(default_factory=dict)   # label_key -> entity keys
    origin: str = "nothing (empty graph)"
    # Facts already stated (memberships, milestones, observations) by signature, so a text the
    # graph already covers proposes nothing twice.
    facts: set[tuple] = field(default_factory=set)

    def add(self, ent: KnownEntity) -> None:
        self.entities[ent.key] = ent
        for lab in ent.labels | {ent.zh}:
            if lab:
                keys = self.index.setdefault(label_key(lab), [])
                if ent.key not in keys:
                    keys.append(ent.key)

    def lookup(self, label: str, sections: tuple[str, ...] | None = None) -> KnownEntity | None:
        if not self.index:
            return None
        for key in self.index.get(label_key(label), []):
            ent = self.entities[key]
            if sections is None or ent.section in sections:
                return ent
        return None

    def labels(self, sections: tuple[str, ...] = LINKABLE) -> list[str]:
        return [lab for e in self.entities.values() if e.section in sections
                for lab in e.labels | {e.zh} if lab]

    def source_by_sha(self, sha: str) -> KnownEntity | None:
        for e in self.entities.values():
            if e.section == "sources" and e.extra.get("sha256") == sha:
                return e
        return None


def from_seeds(seeds_dir: str | Path | None) -> Gazetteer:
    """Known entities from a seeds directory; an empty or absent directory knows nothing."""
    from ..seeds import load_seeds, seed_files

    gz = Gazetteer(origin=f"seeds {seeds_dir}")
    if seeds_dir is None or not Path(seeds_dir).is_dir() or not seed_files(Path(seeds_dir)):
        gz.origin = "nothing (empty graph)"
        return gz
    ss = load_seeds(seeds_dir)
    for rec in ss.records.values():
        f = rec.fields
        labels = set(f.get("aliases", [])) | set(f.get("mentions", []))
        if f.get("en"):
            labels.add(f["en"])
        extra = {k: f[k] for k in ("sha256", "file", "within", "jurisdiction", "symbol", "code")
                 if k in f}
        gz.add(KnownEntity(rec.key, rec.section, f.get("zh", ""), labels,
                           f.get("type", ""), extra))
        sig = fact_signature(rec.section, f)
        if sig:
            gz.facts.add(sig)
    return gz


def fact_signature(section: str, f: dict) -> tuple | None:
    """What makes two n-ary facts the same fact, whatever their keys."""
    if section == "memberships":
        return (section, f["person"], f["organization"], f["role"])
    if section == "milestones":
        return (section, str(f["deadline"]), f["responsible"], f.get("zh", ""))
    if section == "observations":  # the value as a number: 7 with unit_mult 4 is 70000
        return (section, float(f["value"]) * 10 ** f.get("unit_mult", 0), f["unit"], f["area"])
    return None


_QUERY = """
SELECT ?s ?type ?zh ?alt ?sha ?file ?code ?within WHERE {
  ?s a ?type .
  OPTIONAL { ?s skos:prefLabel ?zh FILTER(lang(?zh) = "zh") }
  OPTIONAL { ?s skos:altLabel|skos:hiddenLabel ?alt }
  OPTIONAL { ?s dp:sha256 ?sha }
  OPTIONAL { ?s dp:corpusFile ?file }
  OPTIONAL { ?s dp:areaCode ?code }
  OPTIONAL { ?s schema:containedInPlace|dcterms:spatial ?within }
  FILTER(isIRI(?s))
}"""
_TYPE_KIND = {
    "DocumentType": "document-type", "Unit": "unit", "Qualifier": "qualifier",
    "Designation": "designation", "Country": "country", "Province": "province", "City": "city",
    "District": "district", "GovernmentAgency": "agency", "PartyCommittee": "party-committee",
    "OfficeUnit": "office", "ResearchInstitute": "institute", "Enterprise": "enterprise",
    "Association": "association", "Campaign": "campaign", "Project": "project",
    "Strategy": "strategy", "Programme": "programme",
}


def from_dataset(ds, base: str) -> Gazetteer:
    """Known entities from the built dataset (labels and aliases via SPARQL)."""
    ns = (base if base.endswith("/") else base + "/") + "id/"
    gz = Gazetteer(origin=f"dataset {getattr(ds, 'path', None) or 'in memory'}")
    res = ds.query(_QUERY)
    for row in res.dicts():
        s = str(row["s"])
        if not s.startswith(ns):
            continue
        parts = s[len(ns):].split("/")
        if len(parts) != 2 or parts[0] not in SEGMENT_TO_SECTION:
            continue
        section, key = SEGMENT_TO_SECTION[parts[0]], parts[1]
        ent = gz.entities.get(key)
        if ent is None:
            ent = KnownEntity(key, section)
            gz.entities[key] = ent
        t = str(row["type"]).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        if t in _TYPE_KIND and not ent.kind:
            ent.kind = _TYPE_KIND[t]
        if row["zh"] is not None:
            ent.zh = str(row["zh"])
        if row["alt"] is not None:
            ent.labels.add(str(row["alt"]))
        for name in ("sha", "file", "code"):
            if row[name] is not None:
                ent.extra[{"sha": "sha256"}.get(name, name)] = str(row[name])
        if row["within"] is not None and str(row["within"]).startswith(ns):
            ent.extra.setdefault("within", str(row["within"]).rsplit("/", 1)[-1])
    for ent in list(gz.entities.values()):
        gz.add(ent)
    key = lambda t: str(t).rsplit("/", 1)[-1]  # noqa: E731
    for r in ds.query(_FACTS_QUERY).dicts():
        if r["person"] is not None:
            gz.facts.add(("memberships", key(r["person"]), key(r["org"]), key(r["role"])))
        if r["deadline"] is not None:
            gz.facts.add(("milestones", str(r["deadline"]), key(r["resp"]), str(r["mzh"])))
        if r["value"] is not None:
            gz.facts.add(("observations", float(r["value"]), key(r["unit"]), key(r["area"])))
    return gz


_FACTS_QUERY = """
SELECT ?person ?org ?role ?deadline ?resp ?mzh ?value ?unit ?area WHERE {
  { ?m org:member ?person ; org:organization ?org ; org:role ?role }
  UNION { ?m dp:deadline ?deadline ; dp:responsibleAgent ?resp ;
             skos:prefLabel ?mzh FILTER(lang(?mzh) = "zh") }
  UNION { ?m sdmx-measure:obsValue ?value ; sdmx-attribute:unitMeasure ?unit ;
             sdmx-dimension:refArea ?area }
}"""


def load(cfg_open=None, seeds_dir: str | Path | None = None, base: str | None = None
         ) -> Gazetteer:
    """Prefer the built dataset (``cfg_open()``); fall back to the seeds when none is usable."""
    from ..errors import StoreError
    from ..vocab import DEFAULT_BASE

    if cfg_open is not None:
        try:
            with cfg_open() as ds:
                return from_dataset(ds, base or DEFAULT_BASE)
        except StoreError:
            pass
    return from_seeds(seeds_dir)

"""What an ingest run produces (candidates, links, the result) and the section tables every step
shares, so the extractor, the candidate writer and the evaluation name kinds the same way."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field

from ..errors import InputError
from ..registry import SECTIONS

ENTITY_SECTIONS = ("places", "organizations", "people", "documents", "platforms", "programmes")
# Section -> entity kind, for summaries, gold files and the evaluation alike. Platforms are their
# own kind (dp:Platform), not programmes.
# seed section -> the entity kind it is proposed as (registry.Section.ingest)
KIND_OF_SECTION = {s.name: s.ingest for s in SECTIONS.values() if s.ingest}
# Sections a mention of a pattern kind may link to, most likely first. A platform and a
# programme are easily mistaken for each other by their names, so each may link to the other.
LINK_SECTIONS = {"place": ("places",), "org": ("organizations",), "person": ("people",),
                 "document": ("documents",), "platforms": ("platforms", "programmes"),
                 "programmes": ("programmes", "platforms")}
LOW_CONFIDENCE = 0.7


@dataclass
class Candidate:
    """One seed entry the analyst reviews: ``fields`` are exactly the seed fields."""

    section: str
    key: str
    fields: dict
    evidence: list[tuple[int, int, int]] = field(default_factory=list)
    confidence: float = 0.8
    review: list[str] = field(default_factory=list)
    labels: set[str] = field(default_factory=set)
    # Calibrated confidence of each fact the entry states (its type, parent, lead …), which is
    # not that of the entity: a right name may carry a wrong lead. Filled by calibration.
    fact_conf: dict[str, float] = field(default_factory=dict)

    def add_evidence(self, para: int, start: int, end: int) -> None:
        ev = (para, start, end)
        if ev not in self.evidence and len(self.evidence) < 5:
            self.evidence.append(ev)


@dataclass
class Linked:
    key: str
    section: str
    label: str
    mentions: list[tuple[int, int, int, str]] = field(default_factory=list)


@dataclass
class Result:
    source_key: str
    source_is_new: bool
    source_fields: dict
    candidates: list[Candidate]
    linked: dict[str, Linked]
    warnings: list[str]
    encoding: str
    chars: int
    paragraphs: int
    known_facts: int = 0
    found: list = field(default_factory=list)
    labels: dict = field(default_factory=dict)   # key -> (section, set of labels)

    def by_section(self, section: str) -> list[Candidate]:
        return [c for c in self.candidates if c.section == section]


def parse_doc_date(value: str) -> _dt.date:
    """YYYY-MM-DD (or YYYY-MM, as the founding source gives) -> a date for resolving phrases."""
    v = (value or "").strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            return _dt.date.fromisoformat(v)
        if re.fullmatch(r"\d{4}-\d{2}", v):
            return _dt.date(int(v[:4]), int(v[5:]), 1)
    except ValueError:
        pass
    raise InputError(f"--date '{value}' is not a date (expected YYYY-MM-DD, e.g. 2021-04-15)")

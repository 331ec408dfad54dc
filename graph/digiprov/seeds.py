"""Seed files -> validated records. No RDF here.

A seed file is YAML whose top-level keys are section names (``places``, ``organizations`` ...),
each a list of entries. An optional top-level ``source`` names the source document that
``evidence`` entries refer to by default. Keys are ASCII slugs, unique across all seed files,
so any field can refer to any entry by key. See docs/seeds.md for every field.

Every problem raises :class:`SeedError` naming file, line and entry.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import SeedError

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]$|^[a-z0-9]$")
CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Chinese text writes some names in Latin letters (GDP, 5G, COSMOPlat, Geega): one such word is
# a zh label too; a spaced phrase ("Lian Kai") is English or pinyin. shapes.ttl says the same.
LATIN_NAME_RE = re.compile(r"^[0-9+.&'-]*[A-Za-z][A-Za-z0-9+.&'-]*$")
YEAR_RANGE_RE = re.compile(r"^(\d{4})\s*-\s*(\d{4})$")
YEAR_RE = re.compile(r"^(\d{4})$")
HALF_RE = re.compile(r"^(\d{4})-H([12])$")
QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")
WIKIDATA_RE = re.compile(r"^Q[1-9][0-9]*$")
AREA_CODE_RE = re.compile(r"^[1-8][0-9]{5}$")

# Section -> (allowed `type` values -> class local name) ; fields -> kind.
# Field kinds: text, bilingual, aliases, int, number, date, datelike, year, period,
# ref:<sections>, refs:<sections>, enum:<a|b>, evidence, wikidata, areacode, url, sha256.
COMMON = {
    "key": "key", "zh": "text", "en": "text", "aliases": "aliases", "note": "text",
    "definition": "text", "evidence": "evidence", "themes": "refs:themes",
}

SECTIONS: dict[str, dict[str, Any]] = {
    "sources": {
        "types": {None: "SourceDocument"},
        "fields": {"publisher": "text", "publisher_en": "text", "date": "datelike",
                   "file": "text", "url": "url", "sha256": "sha256"},
        "required": ["zh", "publisher", "date"],
    },
    "themes": {
        "types": {None: "Theme"},
        "fields": {},
        "required": ["zh"],
    },
    "schemes": {
        "types": {None: None},
        "fields": {},
        "required": ["zh"],
    },
    "concepts": {
        "types": {"document-type": "DocumentType", "unit": "Unit", "qualifier": "Qualifier",
                  "designation": "Designation", "concept": None},
        "fields": {"scheme": "ref:schemes", "symbol": "text"},
        "required": ["zh", "type"],
    },
    "periods": {
        "types": {None: None},
        "fields": {"start": "date", "end": "date"},
        "required": ["zh", "start", "end"],
    },
    "places": {
        "types": {"country": "Country", "province": "Province", "city": "City",
                  "district": "District"},
        "fields": {"code": "areacode", "within": "ref:places", "wikidata": "wikidata"},
        "required": ["zh", "type"],
    },
    "organizations": {
        "types": {"agency": "GovernmentAgency", "party-committee": "PartyCommittee",
                  "office": "OfficeUnit", "institute": "ResearchInstitute",
                  "enterprise": "Enterprise", "association": "Association"},
        "fields": {"within": "ref:organizations", "jurisdiction": "ref:places",
                   "wikidata": "wikidata", "status": "enum:planned|established"},
        "required": ["zh", "type"],
    },
    "roles": {
        "types": {None: "Role"},
        "fields": {},
        "required": ["zh"],
    },
    "people": {
        "types": {None: "Person"},
        "fields": {},
        "required": ["zh"],
    },
    "memberships": {
        "types": {None: "Membership"},
        "fields": {"person": "ref:people", "organization": "ref:organizations",
                   "role": "ref:roles"},
        "required": ["person", "organization", "role"],
    },
    "platforms": {
        "types": {None: "Platform"},
        "fields": {"operator": "ref:organizations", "jurisdiction": "ref:places",
                   "built_on": "ref:platforms", "status": "enum:planned|operating",
                   "architecture": "bilingual", "part_of": "ref:programmes|goals"},
        "required": ["zh"],
    },
    "documents": {
        "types": {None: "PolicyDocument"},
        "fields": {"doctype": "ref:concepts", "issuer": "ref:organizations",
                   "jurisdiction": "ref:places", "period": "period", "date": "date",
                   "based_on": "refs:documents", "adopted_at": "ref:events",
                   "goals": "refs:goals"},
        "required": ["zh", "doctype"],
    },
    "programmes": {
        "types": {"programme": "Programme", "campaign": "Campaign", "project": "Project",
                  "strategy": "Strategy"},
        "fields": {"lead": "ref:organizations", "jurisdiction": "ref:places",
                   "period": "period", "launched": "year", "part_of": "ref:programmes|goals",
                   "architecture": "bilingual", "goals": "refs:goals"},
        "required": ["zh", "type"],
    },
    "goals": {
        "types": {None: "Goal"},
        "fields": {"responsible": "ref:organizations", "jurisdiction": "ref:places",
                   "period": "period", "part_of": "ref:goals|programmes",
                   "focus_areas": "refs:concepts"},
        "required": ["zh"],
    },
    "milestones": {
        "types": {None: "Milestone"},
        "fields": {"deadline": "date", "deadline_text": "text",
                   "responsible": "ref:organizations", "jurisdiction": "ref:places",
                   "part_of": "ref:goals|programmes", "concerns": "refs:*"},
        "required": ["zh", "deadline", "deadline_text", "responsible"],
    },
    "indicators": {
        "types": {None: "Indicator"},
        "fields": {},
        "required": ["zh"],
    },
    "observations": {
        "types": {None: "Observation"},
        "fields": {"indicator": "ref:indicators", "value": "number", "unit": "ref:concepts",
                   "qualifier": "ref:concepts", "value_text": "text", "period": "period",
                   "period_text": "text", "area": "ref:places", "about": "ref:*"},
        "required": ["indicator", "value", "unit", "qualifier", "value_text", "period", "area"],
    },
    "recognitions": {
        "types": {None: "Recognition"},
        "fields": {"recipient": "ref:*", "designation": "ref:concepts",
                   "qualifier_text": "text", "period": "period"},
        "required": ["recipient", "designation"],
    },
    "events": {
        "types": {"press-conference": "PressConference", "plenary-session": "PlenarySession",
                  "meeting": "Meeting"},
        "fields": {"date": "date", "date_text": "text", "organizer": "ref:organizations",
                   "attendees": "refs:organizations|people", "location": "ref:places",
                   "series": "bilingual", "number": "int", "adopted": "refs:documents"},
        "required": ["zh", "type"],
    },
    "quotes": {
        "types": {None: "Quotation"},
        "fields": {"speaker": "ref:people", "membership": "ref:memberships",
                   "concerns": "refs:*"},
        "required": ["speaker", "zh", "en"],
    },
}


@dataclass
class Evidence:
    doc: str
    para: int
    start: int
    end: int
    line: int = 0

    @property
    def slug(self) -> str:
        return f"{self.doc}/p{self.para}-{self.start}-{self.end}"


@dataclass
class Period:
    key: str
    start: _dt.date
    end: _dt.date
    zh: str
    en: str


@dataclass
class Record:
    section: str
    key: str
    fields: dict[str, Any]
    file: str
    line: int
    evidence: list[Evidence] = field(default_factory=list)

    def get(self, name: str, default: Any = None) -> Any:
        return self.fields.get(name, default)

    @property
    def cls(self) -> str | None:
        return SECTIONS[self.section]["types"].get(self.fields.get("type"))


@dataclass
class SeedSet:
    records: dict[str, Record]
    periods: dict[str, Period]
    files: list[Path]
    fingerprint: str

    def section(self, name: str) -> list[Record]:
        return [r for r in self.records.values() if r.section == name]

    def __len__(self) -> int:
        return len(self.records)


# ------------------------------------------------------------------ YAML with line numbers


class _LineDict(dict):
    line = 0


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _LineDict:
    loader.flatten_mapping(node)
    out = _LineDict()
    out.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise SeedError(f"duplicate field '{key}'", loader.name, key_node.start_mark.line + 1)
        out[key] = loader.construct_object(value_node, deep=True)
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# YAML 1.1 would turn 2021-03-31 into a date and "no" into False; seeds want strings, the
# loader checks dates itself and can then name the line of an impossible one.
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag not in ("tag:yaml.org,2002:timestamp",
                                                  "tag:yaml.org,2002:bool")]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path, display: str | None = None) -> Any:
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise SeedError(f"not UTF-8 ({e.reason} at byte {e.start})", name) from None
    except OSError as e:
        raise SeedError(f"cannot read: {e.strerror}", name) from None
    loader = _Loader(text)
    loader.name = name
    try:
        return loader.get_single_data()
    except SeedError:
        raise
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        msg = " ".join(str(x) for x in (e.context, e.problem) if x)
        raise SeedError(f"malformed YAML: {msg}", name, line) from None
    except yaml.YAMLError as e:
        raise SeedError(f"malformed YAML: {e}", name) from None
    finally:
        loader.dispose()


# ------------------------------------------------------------------ field checks


def parse_date(value: Any) -> _dt.date:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(f"'{value}' is not a date (YYYY-MM-DD)")
    try:
        return _dt.date.fromisoformat(value)
    except ValueError as e:
        raise ValueError(f"'{value}' is an impossible date ({e})") from None


def period_from_text(value: str) -> Period | None:
    """Inline periods: '2018-2022', '2021', '2020-H1', '2021-Q3' mint their own period."""
    v = value.strip()
    if m := YEAR_RANGE_RE.match(v):
        a, b = int(m[1]), int(m[2])
        if b < a:
            raise ValueError(f"period '{value}' ends before it starts")
        return Period(f"{a}-{b}", _dt.date(a, 1, 1), _dt.date(b, 12, 31), f"{a}—{b}年", f"{a}–{b}")
    if m := YEAR_RE.match(v):
        a = int(m[1])
        return Period(f"{a}", _dt.date(a, 1, 1), _dt.date(a, 12, 31), f"{a}年", f"{a}")
    if m := HALF_RE.match(v):
        a, h = int(m[1]), int(m[2])
        start, end = ((1, 1), (6, 30)) if h == 1 else ((7, 1), (12, 31))
        return Period(f"{a}-h{h}", _dt.date(a, *start), _dt.date(a, *end),
                      f"{a}年{'上' if h == 1 else '下'}半年", f"{a} H{h}")
    if m := QUARTER_RE.match(v):
        a, q = int(m[1]), int(m[2])
        start = _dt.date(a, 3 * q - 2, 1)
        end = (_dt.date(a + 1, 1, 1) if q == 4 else _dt.date(a, 3 * q + 1, 1)) - _dt.timedelta(1)
        return Period(f"{a}-q{q}", start, end, f"{a}年第{q}季度", f"{a} Q{q}")
    return None


def is_zh_label(text: str) -> bool:
    """A Chinese label: holds a Chinese character (i山东, “爱山东”APP) or is one Latin name."""
    return bool(CJK_RE.search(text)) or bool(LATIN_NAME_RE.match(text.strip()))


def _is_ascii_text(s: str) -> bool:
    return all(ord(c) < 128 for c in s)


class _Checker:
    def __init__(self, display: str, default_doc: str | None):
        self.display = display
        self.default_doc = default_doc

    def fail(self, msg: str, line: int, key: str | None = None) -> SeedError:
        return SeedError(msg, self.display, line, key)

    def check(self, section: str, raw: Any, line: int) -> Record:
        if not isinstance(raw, dict):
            raise self.fail(f"an entry of '{section}' must be a mapping, not {type(raw).__name__}",
                            line)
        key = raw.get("key")
        if not isinstance(key, str) or not KEY_RE.match(key):
            raise self.fail(f"missing or invalid key {key!r} (lower-case ASCII letters, digits "
                            f"and '-')", line)
        spec = SECTIONS[section]
        kinds = {**COMMON, **spec["fields"]}
        if len(spec["types"]) > 1 or None not in spec["types"]:
            kinds["type"] = "enum:" + "|".join(t for t in spec["types"] if t)
        fields: dict[str, Any] = {}
        for name, value in raw.items():
            if name not in kinds:
                raise self.fail(f"unknown field '{name}' in {section} (allowed: "
                                f"{', '.join(sorted(kinds))})", line, key)
            if value is None:
                raise self.fail(f"field '{name}' is empty", line, key)
            fields[name] = self.check_field(kinds[name], name, value, line, key)
        for req in spec["required"]:
            if req not in fields:
                what = "a Chinese label (zh)" if req == "zh" else f"field '{req}'"
                raise self.fail(f"missing {what}", line, key)
        if "zh" in fields and not is_zh_label(fields["zh"]):
            raise self.fail(f"zh label {fields['zh']!r} contains no Chinese characters and is not "
                            "one Latin name (GDP, 5G, COSMOPlat)", line, key)
        evidence = fields.pop("evidence", [])
        return Record(section, key, fields, self.display, line, evidence)

    def check_field(self, kind: str, name: str, value: Any, line: int, key: str) -> Any:
        bad = lambda msg: self.fail(f"field '{name}': {msg}", line, key)  # noqa: E731
        if kind == "key":
            return value
        if kind in ("text", "url", "sha256", "wikidata", "areacode"):
            if isinstance(value, (int, float)) and kind == "areacode":
                value = str(value)
            if not isinstance(value, str) or not value.strip():
                raise bad(f"expected text, got {value!r}")
            value = value.strip()
            if kind == "wikidata" and not WIKIDATA_RE.match(value):
                raise bad(f"'{value}' is not a Wikidata item id (Q…)")
            if kind == "areacode" and not AREA_CODE_RE.match(value):
                raise bad(f"'{value}' is not a six-digit GB/T 2260 code")
            if kind == "sha256" and not re.fullmatch(r"[0-9a-f]{64}", value):
                raise bad("expected 64 lower-case hex digits")
            if kind == "url" and not re.match(r"^https?://\S+$", value):
                raise bad(f"'{value}' is not an http(s) URL")
            if name == "en" and not _is_ascii_text(value) and CJK_RE.search(value):
                raise bad("the English label contains Chinese characters")
            return value
        if kind == "bilingual":
            if not isinstance(value, dict) or set(value) - {"zh", "en"} or "zh" not in value:
                raise bad("expected a mapping with 'zh' and optionally 'en'")
            return {k: str(v) for k, v in value.items()}
        if kind == "aliases":
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip()
                                                      for v in value):
                raise bad("expected a list of strings")
            return [v.strip() for v in value]
        if kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise bad(f"expected an integer, got {value!r}")
            return value
        if kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise bad(f"expected a number, got {value!r}")
            return value
        if kind == "date":
            try:
                return parse_date(value)
            except ValueError as e:
                raise bad(str(e)) from None
        if kind == "datelike":
            s = str(value)
            if re.fullmatch(r"\d{4}(-\d{2})?", s):
                if len(s) == 7 and not 1 <= int(s[5:]) <= 12:
                    raise bad(f"'{s}' has an impossible month")
                return s
            try:
                return parse_date(s).isoformat()
            except ValueError as e:
                raise bad(str(e)) from None
        if kind == "year":
            if isinstance(value, bool) or not isinstance(value, int) or not 1900 <= value <= 2100:
                raise bad(f"expected a year, got {value!r}")
            return value
        if kind == "period":
            return str(value).strip()
        if kind.startswith("enum:"):
            allowed = kind[5:].split("|")
            if value not in allowed:
                raise bad(f"'{value}' is not one of {', '.join(allowed)}")
            return value
        if kind.startswith("ref:"):
            if not isinstance(value, str):
                raise bad(f"expected one key, got {value!r}")
            return value
        if kind.startswith("refs:"):
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise bad("expected a list of keys")
            return value
        if kind == "evidence":
            items = value if isinstance(value, list) else [value]
            out = []
            for item in items:
                ln = getattr(item, "line", line)
                if not isinstance(item, dict):
                    raise bad("each evidence is a mapping {para, start, end[, doc]}")
                extra = set(item) - {"doc", "para", "start", "end"}
                if extra:
                    raise bad(f"unknown evidence field(s) {', '.join(sorted(extra))}")
                doc = item.get("doc", self.default_doc)
                if not doc:
                    raise bad("evidence names no document and the file has no 'source'")
                try:
                    para, start, end = (int(item[k]) for k in ("para", "start", "end"))
                except (KeyError, TypeError, ValueError):
                    raise bad("evidence needs integer para, start and end") from None
                if para < 1 or start < 0 or end <= start:
                    raise bad(f"evidence span p{para} [{start}, {end}) is empty or negative")
                out.append(Evidence(doc, para, start, end, ln))
            return out
        raise AssertionError(kind)


# ------------------------------------------------------------------ loading


def seed_files(seeds_dir: Path) -> list[Path]:
    return sorted(p for p in Path(seeds_dir).rglob("*.y*ml") if p.suffix in (".yaml", ".yml"))


def fingerprint(files: Iterable[Path]) -> str:
    h = hashlib.sha256()
    for p in files:
        h.update(str(p.name).encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def load_seeds(seeds_dir: str | Path, extra_files: Iterable[Path] = ()) -> SeedSet:
    """Read every ``*.yaml`` under ``seeds_dir`` (plus ``extra_files``) into a checked SeedSet."""
    root = Path(seeds_dir)
    if not root.is_dir():
        raise SeedError(f"seeds directory '{root}' does not exist")
    files = seed_files(root) + [Path(p) for p in extra_files]
    if not files:
        raise SeedError(f"no seed files (*.yaml) in '{root}'")
    records: dict[str, Record] = {}
    for path in files:
        try:
            display = str(path.relative_to(root.parent))
        except ValueError:
            display = str(path)
        for rec in _load_file(path, display):
            if rec.key in records:
                other = records[rec.key]
                raise SeedError(f"duplicate key (first defined at {other.file}:{other.line})",
                                rec.file, rec.line, rec.key)
            records[rec.key] = rec
    periods = _resolve(records)
    return SeedSet(records, periods, files, fingerprint(files))


def _load_file(path: Path, display: str) -> list[Record]:
    data = read_yaml(path, display)
    if data is None:
        return []
    if not isinstance(data, dict):
        raise SeedError("a seed file must be a mapping of section names to lists", display, 1)
    default_doc = data.get("source")
    checker = _Checker(display, default_doc)
    out = []
    for section, entries in data.items():
        if section == "source":
            continue
        if section not in SECTIONS:
            raise SeedError(f"unknown section '{section}' (known: {', '.join(SECTIONS)})",
                            display, getattr(data, "line", None))
        if not isinstance(entries, list):
            raise SeedError(f"section '{section}' must be a list of entries", display)
        for raw in entries:
            out.append(checker.check(section, raw, getattr(raw, "line", 0)))
    return out


def _resolve(records: dict[str, Record]) -> dict[str, Period]:
    """Check every reference and period; return all periods (declared and inline)."""
    periods: dict[str, Period] = {}
    for rec in records.values():
        if rec.section == "periods":
            start, end = rec.fields["start"], rec.fields["end"]
            if end < start:
                raise SeedError(f"period ends ({end}) before it starts ({start})", rec.file,
                                rec.line, rec.key)
            periods[rec.key] = Period(rec.key, start, end, rec.fields["zh"],
                                      rec.fields.get("en", rec.key))
    for rec in records.values():
        kinds = {**COMMON, **SECTIONS[rec.section]["fields"]}
        for name, value in rec.fields.items():
            kind = kinds.get(name, "")
            if kind.startswith(("ref:", "refs:")):
                allowed = kind.split(":", 1)[1].split("|")
                for target in [value] if kind.startswith("ref:") else value:
                    _check_ref(records, rec, name, target, allowed)
            elif kind == "period":
                if value in periods:
                    continue
                try:
                    p = period_from_text(value)
                except ValueError as e:
                    raise SeedError(f"field '{name}': {e}", rec.file, rec.line, rec.key) from None
                if p is None:
                    raise SeedError(f"field '{name}': '{value}' is neither a period key nor "
                                    "YYYY, YYYY-YYYY, YYYY-H1/H2, YYYY-Q1..Q4", rec.file,
                                    rec.line, rec.key)
                periods.setdefault(p.key, p)
        for ev in rec.evidence:
            src = records.get(ev.doc)
            if src is None or src.section != "sources":
                raise SeedError(f"evidence refers to unknown source document '{ev.doc}'",
                                rec.file, ev.line or rec.line, rec.key)
        if rec.section == "concepts" and rec.fields.get("type") == "concept" \
                and "scheme" not in rec.fields:
            raise SeedError("a plain concept needs a 'scheme'", rec.file, rec.line, rec.key)
    return periods


def _check_ref(records: dict[str, Record], rec: Record, name: str, target: str,
               allowed: list[str]) -> None:
    other = records.get(target)
    if other is None:
        raise SeedError(f"field '{name}' refers to unknown key '{target}' (dangling reference)",
                        rec.file, rec.line, rec.key)
    if "*" not in allowed and other.section not in allowed:
        raise SeedError(f"field '{name}' must refer to {' or '.join(allowed)}, but '{target}' "
                        f"is in {other.section}", rec.file, rec.line, rec.key)
    if other.key == rec.key:
        raise SeedError(f"field '{name}' refers to the entry itself", rec.file, rec.line, rec.key)


def resolve_period(seedset: SeedSet, value: str) -> Period:
    return seedset.periods[value] if value in seedset.periods else period_from_text(value)  # type: ignore[return-value]

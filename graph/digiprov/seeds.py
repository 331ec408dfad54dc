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

from . import registry
from .cjk import CJK_RE
from .errors import SeedError

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]*[a-z0-9]$|^[a-z0-9]$")
# Chinese text writes some names in Latin letters (GDP, 5G, COSMOPlat, Geega): one such word is
# a zh label too; a spaced phrase ("Lian Kai") is English or pinyin. shapes.ttl says the same.
LATIN_NAME_RE = re.compile(r"^[0-9+.&'-]*[A-Za-z][A-Za-z0-9+.&'-]*$")
YEAR_RANGE_RE = re.compile(r"^(\d{4})\s*-\s*(\d{4})$")
YEAR_RE = re.compile(r"^(\d{4})$")
HALF_RE = re.compile(r"^(\d{4})-H([12])$")
QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")
MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
WIKIDATA_RE = re.compile(r"^Q[1-9][0-9]*$")
AREA_CODE_RE = re.compile(r"^[1-8][0-9]{5}$")

# Section -> {"types": seed type -> class local name, "fields": field -> kind, "required"},
# derived from the registry (the one description of every section).
COMMON = dict(registry.COMMON)
SECTIONS: dict[str, dict[str, Any]] = {
    name: {"types": dict(sec.types), "fields": dict(sec.fields), "required": list(sec.required)}
    for name, sec in registry.SECTIONS.items()
}
# A resolved value and the source's phrase for it: evidence for the first must cover both.
PHRASE_OF = {"deadline": "deadline_text", "value": "value_text", "target_value": "target_text",
             "date": "date_text", "period": "period_text"}
# Legacy (list-form) evidence credits an entry's stated fields to its first span; these
# stay curated even then (translations, definitions, notes, codes and links).
CURATED_IN_LEGACY = {"en", "definition", "note", "themes", "code", "wikidata"}
# Quotes and brackets are typography, not wording: ignored when a phrase is looked up.
_STRIP = str.maketrans("", "", "“”\"'‘’《》「」『』〈〉")


@dataclass
class Evidence:
    """One span of a source that states some of an entry's facts.

    ``fields`` are the fields the span states (empty: the whole entry, the legacy list form);
    ``item`` narrows a list field to one of its values. ``claim`` names the statement within
    the entry (``zh``, ``deadline-deadline_text``, ``aliases-3f2a9c1e``, ``entry``): with the
    source and the entry's key it makes the statement IRI, so correcting offsets keeps it."""

    doc: str
    para: int
    start: int
    end: int
    line: int = 0
    key: str = ""
    claim: str = "entry"
    fields: tuple[str, ...] = ()
    item: str | None = None

    @property
    def slug(self) -> str:
        return f"{self.doc}/{self.key}/{self.claim}"

    @property
    def span(self) -> str:
        return f"p{self.para} [{self.start}, {self.end})"


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

    @property
    def legacy(self) -> bool:
        """Evidence in the old list form: one set of spans for the whole entry."""
        return bool(self.evidence) and not self.evidence[0].fields

    def claim_for(self, name: str, item: str | None = None) -> Evidence | None:
        """The first span stating field ``name`` (its value ``item`` for a list field), or
        ``None`` when the field is curated (no span states it)."""
        if self.legacy:
            curated = name in CURATED_IN_LEGACY or name.endswith(".en")
            return None if curated else self.evidence[0]
        whole = None
        for ev in self.evidence:
            if name in ev.fields:
                if ev.item is None and whole is None:
                    whole = ev
                elif item is not None and ev.item == item:
                    return ev
        return whole

    def anchor(self) -> Evidence | None:
        """The span the entry's rdf:type goes with: the one stating ``type``, else its
        Chinese name, else its first span."""
        if not self.evidence:
            return None
        if self.legacy:
            return self.evidence[0]
        return self.claim_for("type") or self.claim_for("zh") or self.evidence[0]


@dataclass
class SeedSet:
    records: dict[str, Record]
    periods: dict[str, Period]
    files: list[Path]
    fingerprint: str
    texts: dict[str, str] = field(default_factory=dict)  # source key -> corpus text

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
    """Inline periods: '2018-2022', '2021', '2020-H1', '2021-Q3', '2021-03' mint their own."""
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
    if m := MONTH_RE.match(v):
        a, mo = int(m[1]), int(m[2])
        end = (_dt.date(a + 1, 1, 1) if mo == 12 else _dt.date(a, mo + 1, 1)) - _dt.timedelta(1)
        return Period(f"{a}-{mo:02d}", _dt.date(a, mo, 1), end, f"{a}年{mo}月", f"{a}-{mo:02d}")
    return None


def is_zh_label(text: str) -> bool:
    """A Chinese label: holds a Chinese character (i山东, “爱山东”APP) or is one Latin name."""
    return bool(CJK_RE.search(text)) or bool(LATIN_NAME_RE.match(text.strip()))


# Written multipliers, longest first: 万亿 is 10^12, not 万 (10^4) then 亿.
MULTIPLIERS = (("万亿", 12), ("千亿", 11), ("百亿", 10), ("亿", 8), ("千万", 7), ("百万", 6),
               ("万", 4))
_WRITTEN = re.compile(r"(\d+(?:\.\d+)?)\s*(" + "|".join(m for m, _ in MULTIPLIERS) + ")")


def _unfold(fields: dict[str, Any], name: str, phrase: str) -> None:
    """A value with the multiplier folded in (70000 for 7万家, the older convention and the
    ingest extractor's) becomes the written number with ``unit_mult`` (7, 4), so every value
    in the graph is the number as the source writes it."""
    m = _WRITTEN.search(fields[phrase])
    if not m:
        return
    written, exp = float(m[1]), dict(MULTIPLIERS)[m[2]]
    value = fields[name]
    if isinstance(value, (int, float)) and abs(value - written * 10 ** exp) < 1e-6 * abs(value):
        fields[name] = int(written) if written.is_integer() else written
        fields["unit_mult"] = exp


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
        raw_ev = fields.pop("evidence", None)
        rec = Record(section, key, fields, self.display, line)
        if raw_ev is not None:
            rec.evidence = self.evidence(rec, raw_ev, kinds, getattr(raw, "line", line))
        for name, phrase in (("target_value", "target_text"),):
            if name in fields and phrase not in fields:
                raise self.fail(f"field '{name}' needs '{phrase}' (the source's phrase for it)",
                                line, key)
        for name, phrase in (("value", "value_text"), ("target_value", "target_text")):
            if name in fields and phrase in fields and "unit_mult" not in fields:
                _unfold(fields, name, phrase)
        return rec

    # -- evidence ------------------------------------------------------------------------
    def span(self, item: Any, line: int, key: str, what: str) -> Evidence:
        ln = getattr(item, "line", line) or line
        bad = lambda msg: self.fail(f"{what}: {msg}", ln, key)  # noqa: E731
        if not isinstance(item, dict):
            raise bad("a span is a mapping {para, start, end[, doc]}")
        if "find" in item:
            raise bad(f"unresolved {{find: {item['find']!r}}}: run scripts/locate --fix on "
                      "this file")
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
        return Evidence(str(doc), para, start, end, ln, key)

    def spans(self, value: Any, line: int, key: str, what: str) -> list[Evidence]:
        items = value if isinstance(value, list) else [value]
        if not items:
            raise self.fail(f"{what}: no span given", line, key)
        return [self.span(x, line, key, what) for x in items]

    def evidence(self, rec: Record, value: Any, kinds: dict[str, str], line: int
                 ) -> list[Evidence]:
        """``evidence`` as a list of spans (legacy: the whole entry) or a mapping from the
        fields a span states (``zh``, ``deadline, deadline_text``) to one span or a list
        (the first holds the facts); a list field may map its values to spans one by one."""
        key = rec.key
        if isinstance(value, list) or (isinstance(value, dict) and "para" in value):
            out = self.spans(value, line, key, "field 'evidence'")
            for i, ev in enumerate(out):
                ev.claim = "entry" if i == 0 else f"entry-{i + 1}"
            return out
        if not isinstance(value, dict) or not value:
            raise self.fail("field 'evidence': expected a mapping from field names to spans "
                            "(or a list of spans)", line, key)
        ln = getattr(value, "line", line)
        out: list[Evidence] = []
        claimed: dict[tuple[str, str | None], str] = {}
        for names_text, spec in value.items():
            names = tuple(n for n in re.split(r"[\s,]+", str(names_text).strip()) if n)
            what = f"evidence for '{names_text}'"
            if not names:
                raise self.fail(f"{what}: names no field", ln, key)
            for n in names:
                if n in ("key", "evidence") or (n not in rec.fields and n != "type"):
                    raise self.fail(f"{what}: the entry has no field '{n}'", ln, key)
                if n == "type" and "type" not in kinds:
                    raise self.fail(f"{what}: {rec.section} entries have no 'type'", ln, key)
            for n in names:
                phrase = PHRASE_OF.get(n)
                if phrase and phrase in rec.fields and phrase not in names:
                    raise self.fail(f"{what}: a span stating '{n}' must also state '{phrase}' "
                                    f"(list both: '{n}, {phrase}')", ln, key)
            base = "-".join(names)
            per_item = isinstance(spec, dict) and "para" not in spec and "find" not in spec
            if per_item:
                if len(names) != 1 or not isinstance(rec.fields[names[0]], list):
                    raise self.fail(f"{what}: only a list field maps its values to spans", ln,
                                    key)
                values = rec.fields[names[0]]
                groups = []
                for item, sub in spec.items():
                    item = str(item)
                    if item not in values:
                        raise self.fail(f"{what}: '{item}' is not one of its values", ln, key)
                    tail = item if KEY_RE.match(item) else hashlib.sha1(
                        item.encode()).hexdigest()[:8]
                    groups.append((item, f"{base}-{tail}", sub))
            else:
                groups = [(None, base, spec)]
            for item, claim, sub in groups:
                for n in names:
                    other = claimed.get((n, item))
                    if other is not None:
                        raise self.fail(f"{what}: '{n}' already has evidence (under "
                                        f"'{other}')", ln, key)
                    claimed[(n, item)] = str(names_text)
                for i, ev in enumerate(self.spans(sub, ln, key, what)):
                    ev.claim = claim if i == 0 else f"{claim}-{i + 1}"
                    ev.fields, ev.item = names, item
                    out.append(ev)
        return out

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
            return value  # checked with the whole entry, see evidence()
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


def load_seeds(seeds_dir: str | Path, extra_files: Iterable[Path] = (),
               corpus: Path | str | None | bool = True) -> SeedSet:
    """Read every ``*.yaml`` under ``seeds_dir`` (plus ``extra_files``) into a checked SeedSet.

    ``corpus`` is the directory of source texts (``True``: ``paths.corpus_dir()``, the shared
    corpus beside the checkout; ``None``/``False``: none). Where a source's file is there,
    every span of it is checked against the text (see :func:`check_texts`)."""
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
    seeds = SeedSet(records, periods, files, fingerprint(files))
    if corpus is True:
        from .paths import corpus_dir

        corpus = corpus_dir()
    if corpus:
        seeds.texts = check_texts(seeds, Path(corpus))
    return seeds


# ------------------------------------------------------------------ spans against the text


def _norm(text: str) -> str:
    return text.translate(_STRIP)


def check_texts(seeds: SeedSet, corpus: Path) -> dict[str, str]:
    """Check every span against the source text it points into; return the texts read.

    A source is checked when its ``file`` is in ``corpus``: the file must match the source's
    ``sha256`` (and ``chars``, its length in code points). Then each span must lie inside its
    paragraph (the paragraph is the 1-based line) and, where the evidence names the fields it
    states, contain what they say: labels and the source's phrases (``value_text``,
    ``deadline_text`` ...) verbatim (quotes and brackets aside), and for a reference to a
    named entity one of that entity's names. The first problem raises SeedError naming the
    span's file:line, the entry and the field."""
    texts: dict[str, str] = {}
    for src in seeds.section("sources"):
        name = src.get("file")
        path = corpus / name if name else None
        if path is None or not path.is_file():
            continue
        data = path.read_bytes()
        sha = src.get("sha256")
        if sha and hashlib.sha256(data).hexdigest() != sha:
            raise SeedError(f"field 'sha256': the corpus file {path} has changed (its SHA-256 "
                            "differs); offsets may no longer fit", src.file, src.line, src.key)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise SeedError(f"field 'file': {path} is not UTF-8 ({e.reason} at byte {e.start})",
                            src.file, src.line, src.key) from None
        if "chars" in src.fields and src.fields["chars"] != len(text):
            raise SeedError(f"field 'chars': {src.fields['chars']}, but {path} has {len(text)} "
                            "characters", src.file, src.line, src.key)
        texts[src.key] = text
    starts: dict[str, list[int]] = {}
    for key, text in texts.items():
        st = [0]
        for line in text.split("\n"):
            st.append(st[-1] + len(line) + 1)
        starts[key] = st
    for rec in seeds.records.values():
        for ev in rec.evidence:
            if ev.doc in texts:
                _check_span(seeds, rec, ev, texts[ev.doc], starts[ev.doc])
    return texts


def _check_span(seeds: SeedSet, rec: Record, ev: Evidence, text: str, starts: list[int]
                ) -> None:
    def fail(msg: str) -> SeedError:
        what = f"field '{', '.join(ev.fields)}'" if ev.fields else "field 'evidence'"
        return SeedError(f"{what}: span {ev.span} of {ev.doc} {msg}", rec.file,
                         ev.line or rec.line, rec.key)

    lines = len(starts) - 1
    if ev.end > len(text):
        raise fail(f"ends past the end of the text ({len(text)} characters)")
    if ev.para > lines:
        raise fail(f"names paragraph {ev.para}, but the text has {lines} lines")
    p_start, p_end = starts[ev.para - 1], starts[ev.para] - 1
    if not (p_start <= ev.start and ev.end <= p_end):
        actual = next(i for i in range(1, lines + 1) if starts[i] > ev.start)
        raise fail(f"lies outside paragraph {ev.para} (characters [{p_start}, {p_end})); "
                   f"it starts in paragraph {actual}")
    span = _norm(text[ev.start:ev.end])
    shown = text[ev.start:ev.end] if ev.end - ev.start <= 40 else \
        text[ev.start:ev.start + 38] + "…"
    kinds = {**COMMON, **SECTIONS[rec.section]["fields"]}
    for name in ev.fields:
        value = rec.fields.get(name)
        kind = kinds.get(name, "")
        values = [ev.item] if ev.item is not None else (
            value if isinstance(value, list) else [value])
        if name in registry.STATED_PHRASES:
            for v in values:
                if _norm(str(v)) not in span:
                    raise fail(f"reads '{shown}' and does not contain '{v}' (field '{name}')")
        elif kind == "bilingual":
            if _norm(value["zh"]) not in span:
                raise fail(f"reads '{shown}' and does not contain '{value['zh']}' "
                           f"(field '{name}')")
        elif kind.startswith(("ref:", "refs:")):
            for target in values:
                other = seeds.records[target]
                if other.section not in registry.NAMED_SECTIONS:
                    continue
                names = [other.get("zh"), *other.get("aliases", []), *other.get("mentions", [])]
                if not any(n and _norm(n) in span for n in names):
                    raise fail(f"reads '{shown}' and names none of {target}'s names "
                               f"({', '.join(n for n in names if n)}) (field '{name}')")


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
                                    "YYYY, YYYY-YYYY, YYYY-H1/H2, YYYY-Q1..Q4, YYYY-MM", rec.file,
                                    rec.line, rec.key)
                periods.setdefault(p.key, p)
        if rec.section == "sources" and rec.key in registry.AUTHORITIES:
            raise SeedError(f"the source key '{rec.key}' is reserved for the built-in "
                            f"authority of curated facts", rec.file, rec.line, rec.key)
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

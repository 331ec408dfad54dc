"""Precision and recall against a hand-written gold file, a calibration table of the
confidences, and how much of the curated seeds an ingest + accept reproduces.

Gold files are TSV, one row per entity or fact; ``#`` starts a comment. Columns::

    kind  label  value  unit  date  qualifier

A line ``#! kinds: place org document ...`` limits the evaluation to the kinds the file
annotates completely (a small gold file for a long text). tests/gold/devset/README.md says
what counts as each kind.

* entities: ``place``, ``org``, ``person``, ``document``, ``programme``, ``platform``;
  ``label`` may list alternatives separated by ``|`` (山东省大数据局|省大数据局); a ``value``
  is the entity's type and is scored as a ``type`` fact (city, agency, 规划, campaign ...).
* facts: ``type`` (label, value), ``locatedIn`` (place, containing place), ``issuedBy``
  (document, organisation), ``leadAgency`` (programme, organisation), ``operatedBy``
  (platform, organisation), ``partOf`` (programme or platform, programme), ``mentions``
  (a target's deadline phrase, the entity it concerns), ``deadline`` (phrase as written, an
  optional responsible organisation as value, resolved date), ``holdsPosition`` (person, role,
  organisation), ``value`` (measure for the reader, number, unit as written, qualifier word),
  ``period`` (document, 2018-2022 or 2020).
* older names are read as synonyms: ``doctype`` = type, ``issuer`` = issuedBy,
  ``membership`` = holdsPosition, ``quantity`` = value.

An empty value in a gold row (a deadline without a named responsible body) matches any.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from . import lexicon as L
from .records import KIND_OF_SECTION
from .textio import label_key

ENTITY_KINDS = set(KIND_OF_SECTION.values())
FACT_KINDS = {"type", "locatedIn", "issuedBy", "leadAgency", "operatedBy", "partOf", "mentions",
              "deadline", "holdsPosition", "value", "period"}
SYNONYMS = {"doctype": "type", "issuer": "issuedBy", "membership": "holdsPosition",
            "quantity": "value"}
# Relations between two named things: (kind, section of the subject, its field).
FIELD_FACTS = [("locatedIn", "places", "within"), ("leadAgency", "programmes", "lead"),
               ("operatedBy", "platforms", "operator"), ("partOf", "programmes", "part_of"),
               ("partOf", "platforms", "part_of")]
TYPED_SECTIONS = ("places", "organizations", "programmes")


@dataclass
class Item:
    kind: str
    labels: frozenset = frozenset()
    value: object = None
    extra: object = None
    text: str = ""
    conf: float = 1.0

    def matches(self, other: Item) -> bool:
        """``self`` predicted, ``other`` gold; an empty gold value matches anything."""
        if self.kind != other.kind:
            return False
        if self.labels and other.labels and not (self.labels & other.labels):
            return False
        for a, b in ((self.value, other.value), (self.extra, other.extra)):
            if b in (None, frozenset(), ""):
                continue
            if isinstance(a, frozenset) and isinstance(b, frozenset):
                if not a & b:
                    return False
            elif a != b:
                return False
        return True


def _alts(text: str) -> frozenset:
    return frozenset(label_key(x) for x in text.split("|") if x.strip())


def _phrases(text: str) -> frozenset:
    """Deadline phrases compare without 到/于 in front or a bracketed weekday."""
    from .dates import phrase_key

    return frozenset(label_key(phrase_key(x)) for x in text.split("|") if x.strip())


def _qual(word: str) -> str:
    w = (word or "").strip()
    if not w:
        return "exactly"
    return L.QUAL_BEFORE.get(w) or L.QUAL_AFTER.get(w) or w


def _num(v) -> float:
    return round(float(v), 6)


def gold_scope(path: str | Path) -> set[str]:
    """Kinds a gold file annotates completely: ``#! kinds: place org ...`` (default: all).
    The older ``doctype`` annotates the type of documents only: it scopes ``type:document``."""
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("#! kinds:"):
            words = line.split(":", 1)[1].split()
            return {"type:document" if k == "doctype" else SYNONYMS.get(k, k) for k in words}
    return ENTITY_KINDS | FACT_KINDS


def read_gold(path: str | Path) -> list[Item]:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"gold file {p} does not exist")
    items = []
    for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = (line.split("\t") + [""] * 6)[:6]
        kind, label, value, unit, date, qual = (c.strip() for c in cols)
        kind = SYNONYMS.get(kind, kind)
        try:
            if kind in ENTITY_KINDS:
                items.append(Item(kind, _alts(label), text=label))
                if value:
                    items.append(Item("type", _alts(label), label_key(value), kind,
                                      text=f"{label} {value}"))
            elif kind == "type":
                items.append(Item(kind, _alts(label), label_key(value),
                                  "document" if cols[0].strip() == "doctype" else None,
                                  text=f"{label} {value}"))
            elif kind == "period":
                items.append(Item(kind, _alts(label), label_key(value), text=f"{label} {value}"))
            elif kind in ("locatedIn", "issuedBy", "leadAgency", "operatedBy", "partOf",
                          "mentions"):
                if not value:
                    raise ValueError(f"{kind} needs a value (the related entity)")
                items.append(Item(kind, _phrases(label) if kind == "mentions" else _alts(label),
                                  _alts(value), text=f"{label} {value}"))
            elif kind == "holdsPosition":
                items.append(Item(kind, _alts(label), label_key(value), _alts(unit),
                                  text=f"{label} {value} {unit}"))
            elif kind == "deadline":
                items.append(Item(kind, _phrases(label), date, _alts(value),
                                  text=f"{label} {date}"))
            elif kind == "value":
                items.append(Item(kind, frozenset(), (_num(value), unit), _qual(qual),
                                  text=f"{label} {qual}{value}{unit}"))
            else:
                raise ValueError(f"unknown kind '{kind}'")
        except ValueError as e:
            raise InputError(f"{p}:{n}: {e}") from None
    return items


def predicted(result) -> list[Item]:
    """Entities and facts an ingest run found (linked or new), in the gold file's terms, each
    with the confidence of the candidate that states it."""
    table = result.labels
    cands = {c.key: c for c in result.candidates}
    doctypes = {c.key: c.fields.get("zh", "") for c in result.candidates
                if c.section == "concepts" and c.fields.get("type") == "document-type"}

    def labels(key) -> frozenset:
        return frozenset(label_key(x) for x in table.get(key, ("", {key}))[1])

    def conf(key, default: float = 0.95) -> float:
        return cands[key].confidence if key in cands else default

    def fconf(key, kind: str, default: float = 0.95) -> float:
        """The confidence of a fact an entry states, else the entry's."""
        c = cands.get(key)
        return c.fact_conf.get(kind, c.confidence) if c else default

    items: list[Item] = []
    seen: set[str] = set()
    for f in result.found:
        kind = f[0]
        if kind == "entity":
            key = f[1]
            section = table.get(key, ("",))[0]
            if key in seen or section not in KIND_OF_SECTION:
                continue
            seen.add(key)
            items.append(Item(KIND_OF_SECTION[section], labels(key) | {label_key(f[2])},
                              text=f[2], conf=conf(key)))
            c = cands.get(key)
            typ = c.fields.get("type") if c and section in TYPED_SECTIONS else None
            if c and section == "documents" and "doctype" in c.fields:
                typ = doctypes.get(c.fields["doctype"]) or \
                    L.DOC_TYPE_ZH.get(c.fields["doctype"], "")
            if typ:
                items.append(Item("type", labels(key), label_key(typ), KIND_OF_SECTION[section],
                                  text=f"{f[2]} {typ}", conf=fconf(key, "type")))
        elif kind == "period":
            items.append(Item(kind, labels(f[1]), label_key(str(f[2])), text=f"{f[1]} {f[2]}",
                              conf=fconf(f[1], "period")))
        elif kind == "issuer":
            items.append(Item("issuedBy", labels(f[1]), labels(f[2]), text=f"{f[1]} {f[2]}",
                              conf=fconf(f[1], "issuedBy")))
        elif kind == "membership":
            items.append(Item("holdsPosition", labels(f[1]), label_key(f[2]), labels(f[3]),
                              text=f"{f[1]} {f[2]} {f[3]}", conf=f[4] if len(f) > 4 else 0.8))
        elif kind == "deadline":
            items.append(Item(kind, _phrases(f[1]), f[2], labels(f[3]) if f[3] else frozenset(),
                              text=f"{f[1]} {f[2]}", conf=f[4] if len(f) > 4 else 0.8))
        elif kind == "quantity":
            items.append(Item("value", frozenset(), (_num(f[1]), f[2]), f[3],
                              text=f"{f[4]} {f[1]}{f[2]}", conf=f[6] if len(f) > 6 else 0.8))
    # A relation counts when both ends are named in the text: a city's province taken from the
    # area-code table is true, but no extraction from this text.
    named = {f[1] for f in result.found if f[0] == "entity"}
    for kind, section, name in FIELD_FACTS:
        for c in result.candidates:
            if c.section == section and c.fields.get(name) and c.fields[name] in named:
                items.append(Item(kind, labels(c.key), labels(c.fields[name]),
                                  text=f"{c.fields.get('zh')} {c.fields[name]}",
                                  conf=c.fact_conf.get(kind, _relation_conf(c))))
    for c in result.candidates:
        if c.section == "milestones":
            for k in c.fields.get("concerns", []):
                items.append(Item("mentions", _phrases(c.fields["deadline_text"]),
                                  labels(k), text=f"{c.fields['deadline_text']} {k}",
                                  conf=c.fact_conf.get("mentions", c.confidence)))
    # The same fact stated twice counts once on each side.
    out, keys = [], set()
    for it in items:
        sig = (it.kind, it.labels, it.value, it.extra) if it.kind != "value" else id(it)
        if sig not in keys:
            keys.add(sig)
            out.append(it)
    return out


def _relation_conf(c) -> float:
    """A relation the pipeline guessed (a parent place from the text's province) is less
    certain than the entity it belongs to."""
    guessed = any("guess" in r for r in c.review)
    return min(c.confidence, 0.5) if guessed else c.confidence


@dataclass
class Score:
    tp: int = 0
    pred: int = 0
    gold: int = 0
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)
    judged: list[tuple[float, bool]] = field(default_factory=list)  # (confidence, right)

    @property
    def precision(self) -> float:
        return self.tp / self.pred if self.pred else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def match(pred: list[Item], gold: list[Item]) -> Score:
    s = Score(pred=len(pred), gold=len(gold))
    used: set[int] = set()
    hit_pred: set[int] = set()
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if pi not in hit_pred and p.matches(g):
                hit_pred.add(pi)
                used.add(gi)
                s.tp += 1
                break
    s.missed = [g.text for gi, g in enumerate(gold) if gi not in used]
    s.spurious = [p.text for pi, p in enumerate(pred) if pi not in hit_pred]
    s.judged = [(p.conf, pi in hit_pred) for pi, p in enumerate(pred)]
    return s


BINS = [(0.0, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)]


def calibration(judged: list[tuple[float, bool]]) -> list[dict]:
    """Share of right candidates per confidence band, and for all at or above 0.7."""
    rows = []
    for lo, hi in BINS + [(0.7, 1.01)]:
        sel = [ok for c, ok in judged if lo <= c < hi]
        label = f">= {lo:.1f}" if (lo, hi) == (0.7, 1.01) else f"{lo:.1f}-{min(hi, 1.0):.1f}"
        rows.append({"band": label, "n": len(sel), "right": sum(sel),
                     "precision": round(sum(sel) / len(sel), 3) if sel else None})
    return rows


def calibration_table(judged) -> str:
    lines = [f"{'confidence':12} {'n':>5} {'right':>6} {'precision':>9}"]
    for r in calibration(judged):
        p = f"{r['precision']:.3f}" if r["precision"] is not None else "-"
        lines.append(f"{r['band']:12} {r['n']:5d} {r['right']:6d} {p:>9}")
    return "\n".join(lines)


@dataclass
class Evaluation:
    entities: Score
    facts: Score
    by_kind: dict[str, Score]

    @property
    def judged(self) -> list[tuple[float, bool]]:
        return self.entities.judged + self.facts.judged

    def as_dict(self) -> dict:
        def d(s: Score) -> dict:
            return {"precision": round(s.precision, 3), "recall": round(s.recall, 3),
                    "f1": round(s.f1, 3), "tp": s.tp, "predicted": s.pred, "gold": s.gold}
        return {"entities": d(self.entities), "facts": d(self.facts),
                "by_kind": {k: d(v) for k, v in sorted(self.by_kind.items())},
                "calibration": calibration(self.judged)}

    def table(self) -> str:
        rows = [("entities", self.entities)] + \
            [(f"  {k}", v) for k, v in sorted(self.by_kind.items()) if k in ENTITY_KINDS] + \
            [("facts", self.facts)] + \
            [(f"  {k}", v) for k, v in sorted(self.by_kind.items()) if k in FACT_KINDS]
        lines = [f"{'':16} {'precision':>9} {'recall':>7} {'tp':>4} {'pred':>5} {'gold':>5}"]
        for name, s in rows:
            lines.append(f"{name:16} {s.precision:9.3f} {s.recall:7.3f} {s.tp:4d} {s.pred:5d} "
                         f"{s.gold:5d}")
        return "\n".join(lines) + "\n\n" + calibration_table(self.judged)


def evaluate(result, gold_path: str | Path) -> Evaluation:
    gold = read_gold(gold_path)
    pred = predicted(result)
    scope = gold_scope(gold_path)
    if "type:document" in scope and "type" not in scope:
        scope = (scope - {"type:document"}) | {"type"}
        pred = [x for x in pred if x.kind != "type" or x.extra == "document"]
    by_kind = {}
    for k in sorted(scope):
        g = [x for x in gold if x.kind == k]
        p = [x for x in pred if x.kind == k]
        if g or p:
            by_kind[k] = match(p, g)
    ent = sum_scores(v for k, v in by_kind.items() if k in ENTITY_KINDS)
    fac = sum_scores(v for k, v in by_kind.items() if k in FACT_KINDS)
    return Evaluation(ent, fac, by_kind)


def sum_scores(scores) -> Score:
    out = Score()
    for s in scores:
        out.tp += s.tp
        out.pred += s.pred
        out.gold += s.gold
        out.missed += s.missed
        out.spurious += s.spurious
        out.judged += s.judged
    return out


def merge(evaluations: list[Evaluation]) -> Evaluation:
    """Micro-average several texts: sum the counts per kind."""
    kinds = sorted({k for e in evaluations for k in e.by_kind})
    by_kind = {k: sum_scores(e.by_kind[k] for e in evaluations if k in e.by_kind)
               for k in kinds}
    return Evaluation(sum_scores(e.entities for e in evaluations),
                      sum_scores(e.facts for e in evaluations), by_kind)


# ------------------------------------------------------------------ curated-seed reproduction


def seed_facts(seedset, only_source: str | None = None) -> list[Item]:
    """Facts of the seeds by entity label and value (keys ignored): entities, place nesting,
    document type/period/issuer/jurisdiction, memberships, milestone deadlines and their
    responsible organisation, observation value/unit/qualifier, area and period."""
    from ..seeds import resolve_period

    recs = seedset.records

    def labels(key: str) -> frozenset:
        r = recs[key]
        return frozenset(label_key(x) for x in [r.fields.get("zh", "")] +
                         r.fields.get("aliases", []) + r.fields.get("mentions", []) if x)

    def zh(key: str) -> str:
        r = recs[key]
        return r.fields.get("symbol") if r.section == "concepts" and r.fields.get("type") == \
            "qualifier" else label_key(r.fields.get("zh", key))

    def period(value: str) -> tuple:
        p = resolve_period(seedset, value)
        return (p.start.isoformat(), p.end.isoformat())

    out: list[Item] = []
    for r in recs.values():
        if only_source and not any(ev.doc == only_source for ev in r.evidence) \
                and r.section not in ("roles",):
            continue
        f = r.fields
        kind = KIND_OF_SECTION.get(r.section)
        if kind:
            out.append(Item(f"entity:{kind}", labels(r.key), text=f"{kind} {f['zh']}"))
        if r.section == "places" and "within" in f:
            out.append(Item("within", labels(r.key), labels(f["within"]),
                            text=f"{f['zh']} within {f['within']}"))
        if r.section == "documents":
            out.append(Item("doctype", labels(r.key), zh(f["doctype"]), text=f"{f['zh']} type"))
            for name in ("issuer", "jurisdiction"):
                if name in f:
                    out.append(Item(name, labels(r.key), labels(f[name]),
                                    text=f"{f['zh']} {name}"))
            if "period" in f:
                out.append(Item("doc-period", labels(r.key), period(f["period"]),
                                text=f"{f['zh']} period"))
        if r.section == "memberships":
            out.append(Item("membership", labels(f["person"]), zh(f["role"]),
                            labels(f["organization"]), text=f"membership {r.key}"))
        if r.section == "milestones":
            out.append(Item("milestone", frozenset(), str(f["deadline"]),
                            labels(f["responsible"]), text=f"milestone {f['deadline_text']}"))
        if r.section == "observations":
            v = (_num(f["value"]), zh(f["unit"]))
            out.append(Item("obs-value", frozenset(), v, zh(f["qualifier"]),
                            text=f"observation {f['value_text']}"))
            out.append(Item("obs-area", frozenset(), v, labels(f["area"]),
                            text=f"observation {f['value_text']} area"))
            if "period" in f:  # the seeds record none where the source gives none
                out.append(Item("obs-period", frozenset(), v, period(f["period"]),
                                text=f"observation {f['value_text']} period"))
    return out


def reproduction(curated, accepted, source: str | None = None) -> Score:
    """How many of the curated seed facts the accepted seeds state too (recall)."""
    gold = seed_facts(curated, source)
    pred = seed_facts(accepted)
    s = match(pred, gold)
    s.pred = s.tp  # precision is not what this measures
    return s

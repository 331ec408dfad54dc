"""Precision and recall against a hand-written gold file, and how much of the curated seeds an
ingest + accept reproduces.

Gold files are TSV, one row per entity or fact; ``#`` starts a comment. Columns::

    kind  label  value  unit  date  qualifier

A line ``#! kinds: place org document ...`` limits the evaluation to the kinds the file
annotates completely (a small gold file for a long text).

* entities: ``place``, ``org``, ``person``, ``document``, ``programme`` (platforms included);
  ``label`` may list alternatives separated by ``|`` (山东省大数据局|省大数据局).
* ``doctype`` (label = title, value = 规划/方案/...), ``period`` (value = 2018-2022 or 2020),
  ``issuer`` (value = organisation), ``membership`` (label = person, value = role,
  unit = organisation), ``deadline`` (label = phrase as written, date = resolved YYYY-MM-DD),
  ``quantity`` (label = what is measured, for the reader only; value, unit as written, and the
  qualifier word, empty for an exact figure).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from . import lexicon as L
from .textio import label_key

ENTITY_KINDS = {"place", "org", "person", "document", "programme"}
FACT_KINDS = {"doctype", "period", "issuer", "membership", "deadline", "quantity"}
SECTION_KIND = {"places": "place", "organizations": "org", "people": "person",
                "documents": "document", "platforms": "programme", "programmes": "programme"}


@dataclass
class Item:
    kind: str
    labels: frozenset = frozenset()
    value: object = None
    extra: object = None
    text: str = ""

    def matches(self, other: Item) -> bool:
        if self.kind != other.kind:
            return False
        if self.labels and other.labels and not (self.labels & other.labels):
            return False
        for a, b in ((self.value, other.value), (self.extra, other.extra)):
            if isinstance(a, frozenset) and isinstance(b, frozenset):
                if not a & b:
                    return False
            elif a != b:
                return False
        return True


def _alts(text: str) -> frozenset:
    return frozenset(label_key(x) for x in text.split("|") if x.strip())


def _qual(word: str) -> str:
    w = (word or "").strip()
    if not w:
        return "exactly"
    return L.QUAL_BEFORE.get(w) or L.QUAL_AFTER.get(w) or w


def _num(v) -> float:
    return round(float(v), 6)


def gold_scope(path: str | Path) -> set[str]:
    """Kinds a gold file annotates completely: ``#! kinds: place org ...`` (default: all)."""
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("#! kinds:"):
            return set(line.split(":", 1)[1].split())
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
        try:
            if kind in ENTITY_KINDS:
                items.append(Item(kind, _alts(label), text=label))
            elif kind in ("doctype", "period"):
                items.append(Item(kind, _alts(label), label_key(value), text=f"{label} {value}"))
            elif kind == "issuer":
                items.append(Item(kind, _alts(label), _alts(value), text=f"{label} {value}"))
            elif kind == "membership":
                items.append(Item(kind, _alts(label), label_key(value), _alts(unit),
                                  text=f"{label} {value} {unit}"))
            elif kind == "deadline":
                items.append(Item(kind, _alts(label), date, text=f"{label} {date}"))
            elif kind == "quantity":
                items.append(Item(kind, frozenset(), (_num(value), unit), _qual(qual),
                                  text=f"{label} {qual}{value}{unit}"))
            else:
                raise ValueError(f"unknown kind '{kind}'")
        except ValueError as e:
            raise InputError(f"{p}:{n}: {e}") from None
    return items


def predicted(result) -> list[Item]:
    """Entities and facts an ingest run found (linked or new), in the gold file's terms."""
    table = result.labels

    def labels(key) -> frozenset:
        return frozenset(label_key(x) for x in table.get(key, ("", {key}))[1])

    items: list[Item] = []
    seen: set[str] = set()
    for f in result.found:
        kind = f[0]
        if kind == "entity":
            key = f[1]
            section = table.get(key, ("",))[0]
            if key in seen or section not in SECTION_KIND:
                continue
            seen.add(key)
            items.append(Item(SECTION_KIND[section], labels(key) | {label_key(f[2])},
                              text=f[2]))
        elif kind in ("doctype", "period"):
            items.append(Item(kind, labels(f[1]), label_key(str(f[2])), text=f"{f[1]} {f[2]}"))
        elif kind == "issuer":
            items.append(Item(kind, labels(f[1]), labels(f[2]), text=f"{f[1]} {f[2]}"))
        elif kind == "membership":
            items.append(Item(kind, labels(f[1]), label_key(f[2]), labels(f[3]),
                              text=f"{f[1]} {f[2]} {f[3]}"))
        elif kind == "deadline":
            items.append(Item(kind, frozenset({label_key(f[1])}), f[2], text=f"{f[1]} {f[2]}"))
        elif kind == "quantity":
            items.append(Item(kind, frozenset(), (_num(f[1]), f[2]), f[3],
                              text=f"{f[4]} {f[1]}{f[2]}"))
    # The same fact stated twice counts once on each side.
    out, keys = [], set()
    for it in items:
        sig = (it.kind, it.labels, it.value, it.extra) if it.kind != "quantity" else id(it)
        if sig not in keys:
            keys.add(sig)
            out.append(it)
    return out


@dataclass
class Score:
    tp: int = 0
    pred: int = 0
    gold: int = 0
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)

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
    return s


@dataclass
class Evaluation:
    entities: Score
    facts: Score
    by_kind: dict[str, Score]

    def as_dict(self) -> dict:
        def d(s: Score) -> dict:
            return {"precision": round(s.precision, 3), "recall": round(s.recall, 3),
                    "f1": round(s.f1, 3), "tp": s.tp, "predicted": s.pred, "gold": s.gold}
        return {"entities": d(self.entities), "facts": d(self.facts),
                "by_kind": {k: d(v) for k, v in sorted(self.by_kind.items())}}

    def table(self) -> str:
        rows = [("entities", self.entities), ("facts", self.facts)] + \
            [(f"  {k}", v) for k, v in sorted(self.by_kind.items())]
        lines = [f"{'':14} {'precision':>9} {'recall':>7} {'tp':>4} {'pred':>5} {'gold':>5}"]
        for name, s in rows:
            lines.append(f"{name:14} {s.precision:9.3f} {s.recall:7.3f} {s.tp:4d} {s.pred:5d} "
                         f"{s.gold:5d}")
        return "\n".join(lines)


def evaluate(result, gold_path: str | Path) -> Evaluation:
    gold = read_gold(gold_path)
    pred = predicted(result)
    by_kind = {}
    for k in sorted(gold_scope(gold_path)):
        g = [x for x in gold if x.kind == k]
        p = [x for x in pred if x.kind == k]
        if g or p:
            by_kind[k] = match(p, g)
    ent = _sum(v for k, v in by_kind.items() if k in ENTITY_KINDS)
    fac = _sum(v for k, v in by_kind.items() if k in FACT_KINDS)
    return Evaluation(ent, fac, by_kind)


def _sum(scores) -> Score:
    out = Score()
    for s in scores:
        out.tp += s.tp
        out.pred += s.pred
        out.gold += s.gold
        out.missed += s.missed
        out.spurious += s.spurious
    return out


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
                         r.fields.get("aliases", []) if x)

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
        kind = SECTION_KIND.get(r.section)
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

"""The three library entry points the CLI calls: ingest, accept, evaluate."""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from . import candidates as C
from .gazetteer import Gazetteer, from_seeds
from .gazetteer import load as _load_gz
from .pipeline import run
from .records import KIND_OF_SECTION, LOW_CONFIDENCE, Result

CANDIDATES = "candidates.yaml"
PREVIEW = "candidates.trig"


@dataclass
class IngestReport:
    result: Result
    out_dir: Path
    new_quads: int = 0
    low: list[str] = field(default_factory=list)
    origin: str = "nothing"

    def summary(self) -> str:
        r = self.result
        new_ent = [c for c in r.candidates if c.section in KIND_OF_SECTION]
        kinds = Counter(c.section for c in r.candidates)
        lines = [f"ingested {r.paragraphs} paragraphs, {r.chars} characters ({r.encoding}) "
                 f"-> {self.out_dir / CANDIDATES}",
                 f"source: {r.source_key} ({'new' if r.source_is_new else 'already in the graph'})"
                 f"; linked against: {self.origin}",
                 f"new entities: {len(new_ent)} (" + ", ".join(
                     f"{KIND_OF_SECTION[s]} {kinds[s]}" for s in KIND_OF_SECTION if kinds[s]) + ")",
                 f"linked entities: {len(r.linked)} (" + ", ".join(
                     sorted(ln.key for ln in r.linked.values())[:12]) +
                 (", ..." if len(r.linked) > 12 else "") + ")",
                 "facts: " + (", ".join(f"{s} {kinds[s]}" for s in
                                        ("documents", "memberships", "milestones",
                                         "observations") if kinds[s]) or "none new") +
                 f"; already in the graph: {r.known_facts}",
                 f"TriG preview: {self.new_quads} new quads -> {self.out_dir / PREVIEW}"
                 if self.new_quads else "TriG preview: not written",
                 f"low-confidence (< {LOW_CONFIDENCE}): {len(self.low)}"]
        lines += [f"  {x}" for x in self.low[:15]]
        if len(self.low) > 15:
            lines.append(f"  ... {len(self.low) - 15} more in the candidates file")
        lines += [f"warning: {w}" for w in r.warnings]
        return "\n".join(lines)


def load_gazetteer(cfg_open=None, seeds_dir=None, base=None) -> Gazetteer:
    return _load_gz(cfg_open, seeds_dir, base)


def render_result(r: Result) -> str:
    sections: dict[str, list] = {}
    if r.source_is_new:
        sections["sources"] = [(r.source_key, r.source_fields, None,
                                "confidence: 1.0 | the ingested document")]
    for c in sorted(r.candidates, key=lambda c: min((e[0], e[1]) for e in c.evidence)
                    if c.evidence else (0, 0)):
        ev = [{"para": p, "start": s, "end": e} for p, s, e in c.evidence]
        note = "; ".join(dict.fromkeys(c.review))
        facts = ", ".join(f"{k} {v:.2f}" for k, v in sorted(c.fact_conf.items()))
        comment = f"confidence: {c.confidence:.2f}" + (f" | facts: {facts}" if facts else "") + \
            (f" | review: {note}" if note else "")
        sections.setdefault(c.section, []).append((c.key, c.fields, ev, comment))
    header = [
        f"Candidates from {r.source_fields['file']} (digiprov ingest). Review, edit, then:",
        "  digiprov accept THIS-FILE [--min-confidence 0.7]",
        "Each entry's confidence and review note is the comment line above it.",
        "Evidence offsets count Unicode code points in the source file; para is the line.",
        "",
        "Linked to entities already in the graph (no entry here, referenced by key):",
    ] + [f"  {ln.key} <- " + ", ".join(sorted({m[3] for m in ln.mentions}))[:90]
         for ln in sorted(r.linked.values(), key=lambda x: x.key)]
    return C.render(r.source_key, sections, header)


def preview_quads(seeds_dir: Path | None, candidates_file: Path):
    """Quads the candidates add: build(seeds + candidates) minus build(seeds)."""
    from ..build import iter_quads
    from ..seeds import load_seeds, seed_files

    have_seeds = seeds_dir is not None and seeds_dir.is_dir() and seed_files(seeds_dir)
    with tempfile.TemporaryDirectory() as tmp:
        if have_seeds:
            both = load_seeds(seeds_dir, extra_files=[candidates_file])
            before = set(iter_quads(load_seeds(seeds_dir), with_ontology=False))
        else:
            d = Path(tmp) / "seeds"
            d.mkdir()
            shutil.copy(candidates_file, d / CANDIDATES)
            both = load_seeds(d)
            before = set()
        return [q for q in iter_quads(both, with_ontology=False) if q not in before]


def write_trig(quads, dest) -> None:
    from rdflib import Dataset
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    from ..vocab import PREFIXES

    ds = Dataset()
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns)
    for s, p, o, g in quads:
        ds.graph(g if g != DATASET_DEFAULT_GRAPH_ID else DATASET_DEFAULT_GRAPH_ID).add((s, p, o))
    dest.write(ds.serialize(format="trig", encoding="utf-8"))


def ingest(path: str | Path, out_dir: str | Path, *, title: str, publisher: str, date: str,
           url: str | None = None, gz: Gazetteer | None = None, seeds_dir: str | Path | None = None,
           strict: bool = False, preview: bool = True) -> IngestReport:
    """Extract candidates from ``path`` and write OUT_DIR/candidates.yaml + candidates.trig.

    Nothing is written unless the candidates load together with the seeds (so ``accept`` can
    merge them); the output directory is replaced atomically."""
    from ..atomic import atomic_dir

    out = Path(out_dir) if out_dir is not None and str(out_dir).strip() else None
    if out is not None and out.exists() and not out.is_dir():
        raise InputError(f"output {out} exists and is not a directory")
    if out is not None and out.is_dir():
        # The directory is replaced as a whole: never swallow files ingest did not write.
        others = sorted(p.name for p in out.iterdir() if p.name not in (CANDIDATES, PREVIEW))
        if others:
            raise InputError(f"output directory {out} holds other files ({', '.join(others[:3])}"
                             f"{', ...' if len(others) > 3 else ''}); give a new or empty one")
    sdir = Path(seeds_dir) if seeds_dir else None
    if gz is None:
        gz = from_seeds(sdir)
    result = run(path, title=title, publisher=publisher, date=date, url=url, gz=gz,
                 strict=strict)
    report = IngestReport(result, out or Path("-"), origin=gz.origin)
    if out is None:
        report.low = low_confidence(result)
        return report  # evaluation only: nothing is written
    from .settle import precheck, settle

    file = Path(path).name
    result.warnings += precheck(result, lambda k: k in gz.entities, file)
    with atomic_dir(out) as tmp:
        cand = tmp / CANDIDATES

        def load(text: str):
            cand.write_text(text, encoding="utf-8")
            return preview_quads(sdir, cand) if preview else check_loads(sdir, cand)

        _text, quads, warnings = settle(result, render_result, load, file)
        result.warnings += warnings
        if preview:
            with (tmp / PREVIEW).open("wb") as fh:
                write_trig(quads, fh)
            report.new_quads = len(quads)
    report.low = low_confidence(result)
    return report


def low_confidence(result: Result) -> list[str]:
    return [f"{c.section}/{c.key} ({c.confidence:.2f}): "
            f"{c.fields.get('zh') or c.fields.get('value_text') or ''}"
            for c in result.candidates if c.confidence < LOW_CONFIDENCE]


def check_loads(seeds_dir: Path | None, candidates_file: Path) -> None:
    """Load the candidates with the seeds (or alone), as accept will."""
    from ..seeds import load_seeds, seed_files

    if seeds_dir is not None and seeds_dir.is_dir() and seed_files(seeds_dir):
        load_seeds(seeds_dir, extra_files=[candidates_file])
        return
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp) / "seeds"
        d.mkdir()
        shutil.copy(candidates_file, d / CANDIDATES)
        load_seeds(d)


def evaluate_run(report: IngestReport, gold: str | Path):
    from .evaluate import evaluate

    return evaluate(report.result, gold)


def accept(candidates: str | Path, seeds_dir: str | Path, min_confidence: float = 0.0):
    from .accept import accept_candidates

    return accept_candidates(Path(candidates), Path(seeds_dir), min_confidence)

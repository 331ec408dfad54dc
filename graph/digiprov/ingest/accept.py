"""Merge reviewed candidates into a seeds directory, atomically and idempotently.

Accepted entries go to ``SEEDS/ingested/<source-key>.yaml`` (one file per ingested document;
the curated files are never rewritten). An entry is skipped when its key already exists, or when
an entity of the same section already carries its Chinese label or an alias (then references to
it are redirected to the existing key). Entries below ``--min-confidence`` are dropped, and so
is every entry that refers to a dropped one, so the result always loads. The merged seeds are
loaded with the builder's loader in a scratch copy before anything is replaced.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, SeedError
from ..seeds import COMMON, SECTIONS, load_seeds
from . import candidates as C
from .textio import label_key

ENTITY_SECTIONS = {"places", "organizations", "people", "roles", "platforms", "programmes",
                   "documents", "indicators", "concepts", "periods"}


@dataclass
class AcceptReport:
    dest: Path
    added: dict[str, int] = field(default_factory=dict)
    skipped_existing: int = 0
    merged_into_existing: int = 0
    dropped_low: int = 0
    dropped_dependent: int = 0

    @property
    def total(self) -> int:
        return sum(self.added.values())

    def summary(self) -> str:
        parts = ", ".join(f"{k} {v}" for k, v in self.added.items() if v) or "nothing new"
        return (f"accepted {self.total} entries -> {self.dest} ({parts}); already present: "
                f"{self.skipped_existing}, linked by label: {self.merged_into_existing}, below "
                f"confidence: {self.dropped_low}, dropped with them: {self.dropped_dependent}")


def _refs(section: str) -> dict[str, str]:
    kinds = {**COMMON, **SECTIONS[section]["fields"]}
    return {n: k for n, k in kinds.items() if k.startswith(("ref:", "refs:"))}


def accept_candidates(cand_path: Path, seeds_dir: Path, min_confidence: float = 0.0
                      ) -> AcceptReport:
    if not 0.0 <= min_confidence <= 1.0:
        raise InputError(f"--min-confidence {min_confidence} is not between 0 and 1")
    if not seeds_dir.is_dir():
        raise InputError(f"seeds directory {seeds_dir} does not exist")
    data, confidences = C.read(cand_path)
    source = data.get("source")
    if not isinstance(source, str):
        raise InputError(f"{cand_path} has no top-level 'source' (not a candidates file)")
    try:
        existing = load_seeds(seeds_dir)
        records = existing.records
    except SeedError as e:
        if "no seed files" not in str(e):
            raise
        records = {}
    dest = seeds_dir / "ingested" / f"{source}.yaml"
    report = AcceptReport(dest)

    # Index existing entities by (section, label) so a re-ingested entity is not duplicated.
    by_label: dict[tuple[str, str], str] = {}
    for rec in records.values():
        if rec.section in ENTITY_SECTIONS:
            for lab in [rec.fields.get("zh", "")] + rec.fields.get("aliases", []):
                if lab:
                    by_label.setdefault((rec.section, label_key(lab)), rec.key)

    entries: list[tuple[str, dict, float]] = []
    for section, items in data.items():
        if section == "source":
            continue
        if section not in SECTIONS or not isinstance(items, list):
            raise InputError(f"{cand_path}: unknown section '{section}'")
        for raw in items:
            conf = confidences.get(getattr(raw, "line", 0), 1.0)
            entries.append((section, dict(raw), conf))

    redirect: dict[str, str] = {}
    keep: list[tuple[str, dict, float]] = []
    dropped: set[str] = set()
    for section, raw, conf in entries:
        key = raw.get("key")
        if key in records:
            report.skipped_existing += 1
            continue
        same = None
        if section in ENTITY_SECTIONS:
            for lab in [raw.get("zh", "")] + list(raw.get("aliases", []) or []):
                same = same or (lab and by_label.get((section, label_key(lab))))
        if same:
            redirect[key] = same
            report.merged_into_existing += 1
            continue
        if conf < min_confidence:
            dropped.add(key)
            report.dropped_low += 1
            continue
        keep.append((section, raw, conf))

    # Redirect references, then drop entries that refer to dropped ones (until stable).
    changed = True
    while changed:
        changed = False
        nxt = []
        for section, raw, conf in keep:
            bad = False
            for name in _refs(section):
                if name not in raw:
                    continue
                vals = raw[name] if isinstance(raw[name], list) else [raw[name]]
                vals = [redirect.get(v, v) for v in vals]
                if any(v in dropped for v in vals):
                    required = SECTIONS[section]["required"]
                    if isinstance(raw[name], list) and name not in required:
                        vals = [v for v in vals if v not in dropped]
                        if not vals:
                            del raw[name]
                            continue
                    elif name not in SECTIONS[section]["required"]:
                        del raw[name]
                        continue
                    else:
                        bad = True
                        break
                raw[name] = vals if isinstance(raw[name], list) else vals[0]
            if bad:
                dropped.add(raw["key"])
                report.dropped_dependent += 1
                changed = True
            else:
                nxt.append((section, raw, conf))
        keep = nxt

    # Previously accepted entries of this source stay; new ones are appended.
    old_sections: dict[str, list] = {}
    if dest.exists():
        old, _ = C.read(dest)
        for section, items in old.items():
            if section != "source" and isinstance(items, list):
                old_sections[section] = [(dict(r)["key"], {k: v for k, v in dict(r).items()
                                                           if k not in ("key", "evidence")},
                                          _ev(dict(r).get("evidence")), None) for r in items]
    if not keep:
        return report
    sections = {k: list(v) for k, v in old_sections.items()}
    for section, raw, conf in keep:
        fields = {k: v for k, v in raw.items() if k not in ("key", "evidence")}
        sections.setdefault(section, []).append(
            (raw["key"], fields, _ev(raw.get("evidence")),
             f"accepted from {cand_path.name} (confidence {conf:.2f})"))
        report.added[section] = report.added.get(section, 0) + 1
    text = C.render(source, sections, [
        f"Accepted ingest candidates for source '{source}' (digiprov accept).",
        "Curate freely: this is an ordinary seed file."])

    # Validate the merged seeds in a scratch copy before touching the real directory.
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp) / "seeds"
        shutil.copytree(seeds_dir, scratch)
        sd = scratch / "ingested" / dest.name
        sd.parent.mkdir(parents=True, exist_ok=True)
        sd.write_text(text, encoding="utf-8")
        try:
            load_seeds(scratch)
        except SeedError as e:
            raise InputError(f"the accepted candidates would break the seeds: {e}; nothing "
                             "was written") from None
    from ..atomic import atomic_file

    with atomic_file(dest, "w") as fh:
        fh.write(text)
    return report


def _ev(ev) -> list[dict] | None:
    if not ev:
        return None
    return [{k: v for k, v in dict(e).items() if k in ("doc", "para", "start", "end")}
            for e in (ev if isinstance(ev, list) else [ev])]

"""The build pipeline ``digiprov build`` runs: seeds -> dataset -> SHACL -> published store.

It sits above both :mod:`digiprov.build` (records -> RDF, no storage) and
:mod:`digiprov.store`/:mod:`digiprov.persist`, so neither of those needs the other.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from rdflib import Dataset
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from . import paths
from .build import build_dataset, iter_quads
from .errors import ValidationFailed
from .persist import discard, finish, inputs_of, stage, stat_fingerprint
from .seeds import load_seeds
from .store import MemoryDataset, open_dataset, staged_dataset
from .terms import Quad
from .validate import union_graph, validate_graph, validate_store
from .vocab import DEFAULT_BASE


def run_build(seeds_dir: str | Path | None = None, out_dir: str | Path | None = None, *,
              base: str = DEFAULT_BASE, store: str = "oxigraph", validate: bool = True):
    """Seeds -> dataset -> SHACL -> persisted store. Returns (dataset, validation report).

    Nothing is written unless the seeds load (spans checked against the corpus where it is
    present) and the dataset conforms; the previous build stays in place otherwise. The
    oxigraph path never holds an rdflib Dataset: quads stream from the builder into a staged
    store, which is validated (``validate.validate_store``) and only then published."""
    sdir = Path(seeds_dir) if seeds_dir else paths.default_seeds_dir()
    seeds = load_seeds(sdir)
    manifest = {"seeds_dir": str(sdir.resolve()), "seeds_sha256": seeds.fingerprint,
                "inputs": stat_fingerprint(inputs_of(sdir.resolve())), "base": base,
                "entries": len(seeds), "texts_checked": sorted(seeds.texts)}
    report = None
    if store == "memory":
        ds = build_dataset(seeds, base)
        if validate:
            report = validate_graph(union_graph((s, p, o) for s, p, o, _g in _quads_of(ds)))
            if not report.conforms:
                raise ValidationFailed(report.violations)
        return MemoryDataset(ds, manifest), report
    out = Path(out_dir) if out_dir else paths.default_out_dir()
    target = stage(iter_quads(seeds, base), out)
    try:
        if validate:
            staged = staged_dataset(target)
            try:
                report = validate_store(staged)
            finally:
                staged.close()
            if not report.conforms:
                raise ValidationFailed(report.violations)
    except BaseException:
        discard(target)
        raise
    finish(target, out, manifest)
    return open_dataset(out, check_stale=False), report


def _quads_of(ds: Dataset) -> Iterator[Quad]:
    for s, p, o, c in ds.quads((None, None, None, None)):
        gid = getattr(c, "identifier", c)
        yield s, p, o, (DATASET_DEFAULT_GRAPH_ID if gid is None else gid)


__all__ = ["run_build"]

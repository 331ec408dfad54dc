"""Where the ontology, the seeds and the built dataset live.

In a source checkout (or an editable install) the top-level ``ontology/`` and ``seeds/`` are
used; an installed wheel carries copies under ``digiprov/_data/``.
"""

from __future__ import annotations

import os
from pathlib import Path

_PKG = Path(__file__).resolve().parent
_REPO = _PKG.parent.parent


def _data_dir(name: str) -> Path:
    repo = _REPO / name
    if repo.is_dir() and (_REPO / "pyproject.toml").is_file():
        return repo
    return _PKG / "_data" / name


def ontology_dir() -> Path:
    return _data_dir("ontology")


def ontology_file() -> Path:
    return ontology_dir() / "digiprov.ttl"


def shapes_file() -> Path:
    return ontology_dir() / "shapes.ttl"


def packaged_seeds_dir() -> Path:
    return _data_dir("seeds")


def default_seeds_dir() -> Path:
    """``$DIGIPROV_SEEDS``, else ``./seeds`` when it exists, else the packaged seeds."""
    env = os.environ.get("DIGIPROV_SEEDS")
    if env:
        return Path(env)
    local = Path.cwd() / "seeds"
    if local.is_dir() and any(local.glob("*.yaml")):
        return local
    return packaged_seeds_dir()


def default_out_dir() -> Path:
    return Path(os.environ.get("DIGIPROV_OUT", "out"))


def corpus_dir() -> Path | None:
    """The shared corpus beside the checkout (``../shared/corpus``), if present."""
    env = os.environ.get("DIGIPROV_CORPUS")
    candidates = [Path(env)] if env else []
    candidates += [_REPO.parent / "shared" / "corpus", Path.cwd().parent / "shared" / "corpus"]
    for c in candidates:
        if c.is_dir():
            return c
    return None

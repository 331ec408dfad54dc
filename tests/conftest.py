"""Shared fixtures: the real seeds built once per session into a temp out/ directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="session")
def seedset():
    from digiprov.seeds import load_seeds

    return load_seeds(SEEDS)


@pytest.fixture(scope="session")
def built_out(tmp_path_factory) -> Path:
    """OUT directory holding a persisted build of the real seeds."""
    from digiprov.pipeline import run_build

    out = tmp_path_factory.mktemp("out")
    ds, _report = run_build(SEEDS, out)
    ds.close()
    return out


@pytest.fixture(scope="session")
def dataset(built_out):
    """The real dataset, opened read-only from the persisted Oxigraph store."""
    from digiprov.store import open_dataset

    ds = open_dataset(built_out, seeds_dir=SEEDS)
    yield ds
    ds.close()


@pytest.fixture(scope="session")
def memory_dataset():
    """The same dataset in plain rdflib (the baseline backend)."""
    from digiprov.store import open_dataset

    return open_dataset(store="memory", seeds_dir=SEEDS)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    from procs import require_or_skip

    from digiprov.paths import corpus_dir as find

    found = find()
    if found is None:
        require_or_skip("the shared corpus (../shared/corpus) is not present beside the checkout")
    return found


@pytest.fixture
def run_cli(built_out):
    """Invoke the CLI in-process against the session build: run_cli('query', '--list')."""
    from digiprov.cli import main

    def run(*args: str, input: str | None = None, out: Path | None = None):
        runner = CliRunner()
        return runner.invoke(main, ["--out", str(out or built_out), "--seeds", str(SEEDS), *args],
                             input=input, catch_exceptions=False)

    return run


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS

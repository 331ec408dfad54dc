"""scripts/synth: deterministic, sized, valid, and the same data whether written as seeds or RDF."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SYNTH = REPO / "scripts" / "synth"


@pytest.fixture(scope="module")
def synth():
    loader = importlib.machinery.SourceFileLoader("digiprov_synth", str(SYNTH))
    spec = importlib.util.spec_from_loader("digiprov_synth", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def sample(synth, tmp_path_factory) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("synth") / "s10k.nq"
    n = synth.write(10_000, 7, "nquads", path, quiet=True)
    return path, n


def test_same_seed_same_bytes(synth, tmp_path, sample):
    path, _ = sample
    again = tmp_path / "again.nq"
    synth.write(10_000, 7, "nquads", again, quiet=True)
    assert again.read_bytes() == path.read_bytes()
    other = tmp_path / "other.nq"
    synth.write(10_000, 8, "nquads", other, quiet=True)
    assert other.read_bytes() != path.read_bytes()


def test_trig_is_deterministic_and_same_dataset(synth, tmp_path, sample):
    import pyoxigraph as ox

    a, b = tmp_path / "a.trig", tmp_path / "b.trig"
    synth.write(10_000, 7, "trig", a, quiet=True)
    synth.write(10_000, 7, "trig", b, quiet=True)
    assert a.read_bytes() == b.read_bytes()
    st_trig, st_nq = ox.Store(), ox.Store()
    st_trig.bulk_load(path=str(a), format=ox.RdfFormat.TRIG)
    st_nq.bulk_load(path=str(sample[0]), format=ox.RdfFormat.N_QUADS)
    assert set(map(str, st_trig)) == set(map(str, st_nq))


@pytest.mark.parametrize("size", [10_000, 40_000])
def test_requested_size_within_ten_percent(synth, tmp_path, size):
    import pyoxigraph as ox

    path = tmp_path / "s.nq"
    n = synth.write(size, 3, "nquads", path, quiet=True)
    st = ox.Store()
    st.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    assert len(st) == n  # no quad written twice
    assert abs(n - size) <= size * 0.10, n


def test_sample_conforms_to_the_shapes(sample):
    from digiprov.store import open_writable
    from digiprov.validate import validate_store

    path, n = sample
    ds = open_writable(path.parent / "store")
    ds.store.bulk_load(path=str(path), format=__import__("pyoxigraph").RdfFormat.N_QUADS)
    report = validate_store(ds)
    assert report.conforms, [p.line() for p in report.violations[:5]]
    assert not report.warnings, [p.line() for p in report.warnings[:5]]
    # every class of the model that a nationwide graph should have is present
    counts = {str(r[0]).rsplit("/", 1)[-1].rsplit("#", 1)[-1]: int(r[1]) for r in ds.query(
        "SELECT ?c (COUNT(?x) AS ?n) WHERE { ?x a ?c } GROUP BY ?c").rows}
    for cls in ["Province", "City", "GovernmentAgency", "Enterprise", "Platform",
                "PolicyDocument", "Milestone", "Observation", "Person", "Membership",
                "Quotation", "Statement", "SourceDocument", "ProperInterval"]:
        assert counts.get(cls, 0) >= 1, cls
    assert counts["Province"] == 31


def test_seeds_format_builds_to_the_same_dataset(synth, tmp_path, sample):
    """The seed YAML goes through the real loader, builder and SHACL, and gives the very
    quads the N-Quads output has: synth mints exactly the builder's IRIs."""
    import pyoxigraph as ox

    from digiprov.pipeline import run_build

    seeds = tmp_path / "seeds"
    n = synth.write(10_000, 7, "seeds", seeds, quiet=True)
    assert n == sample[1]
    assert len(list(seeds.glob("*.yaml"))) == 32
    ds, report = run_build(seeds, tmp_path / "out")
    assert report.conforms
    built = {str(q) for q in ds.store}
    st = ox.Store()
    st.bulk_load(path=str(sample[0]), format=ox.RdfFormat.N_QUADS)
    assert built == {str(q) for q in st}
    ds.close()


def test_cli_errors_are_one_line(tmp_path):
    res = subprocess.run([sys.executable, str(SYNTH), "--triples", "100", "-o",
                          str(tmp_path / "x.nq")], capture_output=True, text=True)
    assert res.returncode == 2 and "at least 5000" in res.stderr
    assert not (tmp_path / "x.nq").exists()


def test_same_bytes_in_separate_processes(tmp_path):
    """String hashing changes per process; nothing in the output may depend on it."""
    import os

    outs = []
    for hashseed in ("1", "2"):
        out = tmp_path / f"p{hashseed}.nq"
        subprocess.run([sys.executable, str(SYNTH), "--triples", "5000", "-q", "-o", str(out)],
                       env={**os.environ, "PYTHONHASHSEED": hashseed}, check=True,
                       capture_output=True, timeout=120)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]

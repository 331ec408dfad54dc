"""A non-editable install (the wheel) carries the ontology and the seeds and builds from them."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_in_a_fresh_venv_builds_the_packaged_seeds(tmp_path):
    pytest.importorskip("hatchling", reason="hatchling (test extra) builds the wheel offline")
    dist = tmp_path / "dist"
    res = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                          "-q", "-w", str(dist), str(REPO)], capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stderr
    wheel = next(dist.glob("digiprov-*.whl"))
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    assert "digiprov/_data/ontology/digiprov.ttl" in names
    assert "digiprov/_data/ontology/shapes.ttl" in names
    assert any(n.startswith("digiprov/_data/seeds/") and n.endswith(".yaml") for n in names)
    assert "digiprov/queries/milestones-2021.rq" in names

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    py = env_dir / "bin" / "python"
    # Dependencies come from this test environment (no network); digiprov itself only from the wheel.
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps",
                          "-q", str(wheel)], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr

    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGIPROV_")}
    code = ("import digiprov, digiprov.paths as p; print(digiprov.__file__); "
            "print(p.ontology_file()); print(p.default_seeds_dir())")
    res = subprocess.run([str(py), "-c", code], cwd=work, env=env, capture_output=True, text=True,
                         check=True)
    mod, onto, seeds = res.stdout.split()
    assert mod.startswith(str(env_dir)) and onto.startswith(str(env_dir))
    assert seeds.startswith(str(env_dir))
    exe = env_dir / "bin" / "digiprov"
    res = subprocess.run([str(exe), "build"], cwd=work, env=env, capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stderr
    assert "validated: conforms" in res.stdout and (work / "out" / "dataset").exists()

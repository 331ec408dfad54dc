"""The tree stays ruff-clean under the configuration in pyproject.toml."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def test_ruff_is_clean():
    ruff = Path(sys.executable).parent / "ruff"
    exe = str(ruff) if ruff.exists() else shutil.which("ruff")
    if exe is None:
        pytest.skip("ruff is not installed (it comes with the test extra)")
    scripts = [str(p) for p in (REPO / "scripts").iterdir()
               if p.is_file() and p.read_text(encoding="utf-8", errors="replace").startswith(
                   "#!/usr/bin/env python")]
    res = subprocess.run([exe, "check", "graph", "tests", *scripts], cwd=REPO,
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr

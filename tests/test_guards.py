"""The CI guard: what skips on a developer's machine fails when CI=true."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent

CASES = '''
from procs import import_or_skip, require_or_skip

def test_missing_server():
    require_or_skip("the frobnicator server is not installed")

def test_missing_package():
    import_or_skip("no_such_package_digiprov", "no_such_package_digiprov is not installed")
'''


def _run(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess:
    (tmp_path / "test_cases.py").write_text(CASES, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    env["PYTHONPATH"] = str(TESTS)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                           str(tmp_path / "test_cases.py")], capture_output=True, text=True,
                          env=env, cwd=tmp_path)


def test_skips_outside_ci(tmp_path):
    res = _run(tmp_path, None)
    assert res.returncode == 0, res.stdout
    assert "2 skipped" in res.stdout
    assert "the frobnicator server is not installed" in res.stdout


def test_fails_in_ci(tmp_path):
    for value in ("true", "1"):
        res = _run(tmp_path, value)
        assert res.returncode == 1, res.stdout
        assert "2 failed" in res.stdout
        assert "the frobnicator server is not installed (CI=true" in res.stdout


def test_ci_entry_point_sets_ci():
    text = (TESTS.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "export CI=true" in text.split("exec ")[0]

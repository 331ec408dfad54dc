"""What the benchmark scripts share: running with the project's venv, ONE way to run and
measure a child process (wall and CPU time, peak memory, a timeout), ONE way to measure peak
memory, and writing the JSON.

Peak memory is the high-water mark of the process's own address space (``VmHWM`` in
/proc/PID/status), not ``ru_maxrss``: Linux folds the old address space's high-water mark into
``ru_maxrss`` at exec, and a forked child's old address space is a copy of its parent's, so a
child's ``ru_maxrss`` is at least its parent's RSS at the fork (a 2 GB parent makes every
child "use" 2 GB). ``VmHWM`` starts afresh at exec. A Python child reports its own at its end
(:func:`peak_rss_mb`, printed in its JSON line); for any other command :func:`run` samples
the child's ``VmHWM`` while it runs (a high-water mark only grows, so a sample misses at most
the last interval's growth).

Stdlib only; the scripts import it before the venv is known to be there.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
SAMPLE_S = (0.01, 0.1)  # first and longest interval between memory samples
TAIL = 300  # characters of stdout/stderr kept in a result


def use_venv(script: str) -> None:
    """Re-run ``script`` with the project's venv Python when digiprov is not importable (a
    script started with a bare ``python3``); the venv's own Python raises the ImportError."""
    try:
        import digiprov  # noqa: F401
    except ImportError:
        if VENV_PYTHON.exists() and Path(sys.executable).resolve() != VENV_PYTHON.resolve():
            os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), script, *sys.argv[1:]])
        raise


def _vmhwm_mb(pid: int | str = "self") -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return None


def peak_rss_mb() -> float:
    """Peak resident memory of this process since its exec, in MiB (``ru_maxrss`` where
    /proc is missing: an upper bound, see the module docstring)."""
    got = _vmhwm_mb()
    if got is not None:
        return got
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_out(timeout: float) -> str:
    """The text a table shows for a step stopped by its timeout."""
    return f"timed out after {timeout:g} s"


def run(cmd: Sequence[str], *, timeout: float | None = None, env: dict | None = None,
        cwd: str | Path | None = None) -> dict:
    """Run one command to its end or its timeout (then its whole process group is killed).

    Returns ``wall_s``, ``cpu_s``, ``peak_mb``, ``rc``, the tails of ``stdout``/``stderr``,
    ``error`` (the last stderr line, or "timed out after N s" with ``timeout_s``), and the keys
    of the JSON object on the last stdout line if there is one: a Python child's own
    ``peak_mb`` (:func:`peak_rss_mb`) replaces the sampled one."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        # its own session, so a timeout also stops what it started (servers, pools)
        p = subprocess.Popen(list(cmd), stdout=out, stderr=err, env=env, cwd=cwd,
                             start_new_session=True)
        peak, pause, killed = None, SAMPLE_S[0], False
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            got = _vmhwm_mb(p.pid)
            if got is not None:
                peak = max(peak or 0.0, got)
            if timeout is not None and time.perf_counter() - t0 > timeout:
                # the group may have exited between the last poll and the kill
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGKILL)
                _pid, status, ru = os.wait4(p.pid, 0)
                killed = True
                break
            time.sleep(pause)
            pause = min(pause * 2, SAMPLE_S[1])
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        text = out.read().decode(errors="replace")
        etext = err.read().decode(errors="replace")
    res: dict = {"wall_s": wall,
                 "peak_mb": peak if peak is not None else ru.ru_maxrss / 1024,
                 "rc": p.returncode, "cpu_s": ru.ru_utime + ru.ru_stime,
                 "stdout": text[-TAIL:], "stderr": etext[-TAIL:]}
    if killed:
        res["timeout_s"] = timeout
        res["error"] = timed_out(timeout)
        return res
    if p.returncode != 0:
        res["error"] = (etext.strip().splitlines() or [f"exit status {p.returncode}"])[-1][:TAIL]
    last = text.strip().splitlines()[-1] if text.strip() else ""
    if last.startswith("{"):
        try:
            res.update(json.loads(last))
        except json.JSONDecodeError:
            pass
    return res


def status_of(r: dict) -> str | None:
    """What a table shows instead of numbers for a step that did not complete, else None."""
    if r.get("skipped"):
        return "skipped"
    if r.get("timeout_s") is not None:
        return timed_out(r["timeout_s"])
    if r.get("error"):
        return "failed"
    return None


def write_json(path: str | Path, doc: object) -> Path:
    """Write ``doc`` as indented UTF-8 JSON via a temporary file and a rename, so a run
    stopped half-way never leaves a truncated results file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, indent=2, ensure_ascii=False)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


__all__ = ["ROOT", "use_venv", "peak_rss_mb", "run", "timed_out", "status_of", "write_json"]

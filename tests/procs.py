"""Helpers for tests (imported by test modules): servers in subprocesses, and the guard for
whatever a test needs that a developer's machine may lack (a server binary, the corpus)."""

from __future__ import annotations

import importlib
import os
import signal
import socket
import subprocess
from types import ModuleType
from typing import NoReturn

import pytest


def in_ci() -> bool:
    """True when ``CI`` is set to true/1/yes (``.ci/run`` sets it; so do CI services)."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def require_or_skip(reason: str) -> NoReturn:
    """Skip the test for ``reason``, or fail it when running in CI.

    CI installs and starts everything the tests need, so there a missing server, package or
    corpus is a regression to see, not a test to skip silently."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: required there, so this fails instead of skipping)",
                    pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def import_or_skip(module: str, reason: str) -> ModuleType:
    """``pytest.importorskip`` that fails in CI (see :func:`require_or_skip`)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        require_or_skip(reason)


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen, grace: float = 15) -> None:
    """SIGTERM, then SIGKILL after ``grace`` seconds; close the captured stderr."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(5)
    if proc.stderr is not None:
        proc.stderr.close()

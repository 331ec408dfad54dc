"""Typed errors. The CLI turns each into one line on stderr and an exit code."""

from __future__ import annotations


class DigiprovError(Exception):
    """Base class: ``str(err)`` is the one-line message a user sees."""

    exit_code = 2


class SeedError(DigiprovError):
    """A seed file is malformed; the message names file, line and entry."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None,
                 entry: str | None = None):
        self.file, self.line, self.entry, self.detail = file, line, entry, message
        where = ""
        if file:
            where = f"{file}:{line}: " if line else f"{file}: "
        what = f"entry '{entry}': " if entry else ""
        super().__init__(f"{where}{what}{message}")


class ValidationFailed(DigiprovError):
    """SHACL found violations; ``report`` holds the problems."""

    exit_code = 1

    def __init__(self, problems: list):
        self.problems = problems
        super().__init__(f"{len(problems)} SHACL violation(s); nothing was written, the previous "
                         "build is kept")


class StoreError(DigiprovError):
    """The persisted dataset is missing, stale or unreadable."""


class QueryError(DigiprovError):
    """A SPARQL query is malformed or failed."""


class EntityNotFound(DigiprovError):
    """No entity matches a user's reference (or several do)."""

    def __init__(self, message: str, candidates: list | None = None):
        self.candidates = candidates or []
        super().__init__(message)


class RemoteError(DigiprovError):
    """A remote server (SPARQL endpoint, graph store, Neo4j) is unreachable or refused."""


class InputError(DigiprovError):
    """A user-supplied file or argument is unusable."""

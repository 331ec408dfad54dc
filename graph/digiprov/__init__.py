"""digiprov: a knowledge graph of China's digital-province initiatives.

    >>> import digiprov
    >>> ds = digiprov.open_dataset()            # what `digiprov build` persisted under out/
    >>> res = ds.query("SELECT ?d WHERE { ?d a dp:PolicyDocument }")
    >>> G = digiprov.project(ds)                # networkx MultiDiGraph of the entities

Heavy modules (pyshacl, pyvis, neo4j, jieba) are imported only by the functions that use them.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import (  # noqa: E402
    DigiprovError,
    EntityNotFound,
    InputError,
    QueryError,
    RemoteError,
    SeedError,
    StoreError,
    ValidationFailed,
)

# Lazy public API: `import digiprov` stays cheap for the CLI's start-up. A public name must
# never be a submodule's name too: importing the submodule would rebind the package attribute
# to the module, and `digiprov.<name>(...)` would then fail (tests/test_api.py checks).
_LAZY = {
    "open_dataset": ("store", "open_dataset"),
    "DigiDataset": ("store", "DigiDataset"),
    "QueryResult": ("store", "QueryResult"),
    "load_seeds": ("seeds", "load_seeds"),
    "build_dataset": ("build", "build_dataset"),
    "run_build": ("pipeline", "run_build"),
    "validate_dataset": ("validate", "validate_dataset"),
    "export": ("exporters", "export"),
    "project": ("projection", "project"),
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        mod, attr = _LAZY[name]
        return getattr(importlib.import_module(f".{mod}", __name__), attr)
    raise AttributeError(f"module 'digiprov' has no attribute {name!r}")


__all__ = [
    "__version__", "open_dataset", "DigiDataset", "QueryResult", "load_seeds", "build_dataset",
    "run_build", "validate_dataset", "export", "project", "DigiprovError", "SeedError",
    "StoreError", "QueryError", "EntityNotFound", "RemoteError", "InputError", "ValidationFailed",
]

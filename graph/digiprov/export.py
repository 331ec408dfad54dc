"""``digiprov export``: one registry of output formats, each a lazily imported writer.

A writer is ``fn(ds: DigiDataset, dest: Path | None, **options) -> str`` returning a one-line
summary; ``dest`` of ``None`` means stdout (file formats only). Writers must write atomically
(``digiprov.atomic``) so a failure leaves any previous output untouched.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .atomic import atomic_file
from .errors import InputError

if TYPE_CHECKING:  # the store pulls in rdflib; the registry must stay light for CLI start-up
    from .store import DigiDataset


@dataclass(frozen=True)
class Format:
    name: str
    target: str  # "module:function"
    kind: str  # "file" or "dir"
    help: str


FORMATS: dict[str, Format] = {}


def register_format(name: str, target: str, kind: str = "file", help: str = "") -> None:
    FORMATS[name] = Format(name, target, kind, help)


def write_rdf(ds: DigiDataset, dest: Path | None, *, fmt: str) -> str:
    with atomic_file(dest, "wb") as out:
        ds.serialize(out, fmt)
    return f"wrote {fmt} ({len(ds)} quads) to {dest or 'stdout'}"


# Keep in step with store.RDF_FORMATS (a test checks they agree).
RDF_FORMAT_NAMES = {"trig": True, "nquads": True, "jsonld": True, "turtle": False, "nt": False,
                    "rdfxml": False}
for _name, _quads in RDF_FORMAT_NAMES.items():
    register_format(_name, f"digiprov.export:write_rdf:{_name}", "file",
                    f"RDF {'dataset (named graphs kept)' if _quads else 'union graph'}")


def export(ds: DigiDataset, fmt: str, dest: str | Path | None, **options) -> str:
    if fmt not in FORMATS:
        raise InputError(f"unknown export format '{fmt}' (known: {', '.join(sorted(FORMATS))})")
    f = FORMATS[fmt]
    if f.kind == "dir" and dest in (None, "-"):
        raise InputError(f"format {fmt} writes a directory; give -o DIR")
    module, func, *extra = f.target.split(":")
    fn = getattr(importlib.import_module(module), func)
    if extra:
        options["fmt"] = extra[0]
    return fn(ds, None if dest in (None, "-") else Path(dest), **options)

"""``export --format neo4j-csv``: files for ``neo4j-admin database import full``."""

from __future__ import annotations

import csv
import datetime as _dt
import re
from pathlib import Path
from typing import Any

from ..atomic import atomic_dir
from ..errors import InputError
from .cypher import CONSTRAINT
from .mapping import REL_PROPS, RESOURCE
from .scan import SORT_CHUNK, PropertyGraph, Schema

# neo4j-admin splits array cells on one character; U+001F (unit separator) never occurs in
# text, so labels full of ';' and ',' survive. Passed as --array-delimiter=U+001F.
ARRAY_DELIMITER = "\x1f"
_CSV_TYPE = {"string": "string", "long": "long", "double": "double", "boolean": "boolean",
             "date": "date"}


def _file_slug(name: str, i: int) -> str:
    slug = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_")[:60]
    return f"{i:03d}_{slug or 'x'}"


def _csv_cell(v: Any) -> str:
    if isinstance(v, list):
        cells = [_csv_cell(x) for x in v]
        for c in cells:
            if ARRAY_DELIMITER in c:
                raise InputError(f"value {c[:40]!r} contains the array delimiter U+001F")
        return ARRAY_DELIMITER.join(cells)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, _dt.date):
        return v.isoformat()
    if isinstance(v, float):
        return repr(v)
    return str(v)


def write_csv(ds, dest: Path | None, *, sort_chunk: int = SORT_CHUNK, **_: Any) -> str:
    """``export --format neo4j-csv``: node files per label set, relationship files per type."""
    if dest is None:
        raise InputError("neo4j-csv writes a directory; give -o DIR")
    with PropertyGraph(ds, sort_chunk=sort_chunk) as pg, atomic_dir(dest) as tmp:
        sch = pg.schema
        node_files: dict[tuple[str, ...], tuple[Any, Any, list[str]]] = {}
        opened: list[Any] = []
        try:
            for i, labels in enumerate(sorted(sch.combos)):
                keys = sch.combos[labels]
                names = [sch.key_name[k] for k in keys]
                header = ["uri:ID", ":LABEL"]
                for k, n in zip(keys, names, strict=True):
                    typ = _CSV_TYPE[sch.key_type[k]]
                    header.append(f"{n}:{typ}{'[]' if k in sch.key_array else ''}")
                header += ["sources:string[]", "statements:string[]"]
                fname = f"nodes_{_file_slug('_'.join(labels) or RESOURCE, i)}.csv"
                fh = open(tmp / fname, "w", encoding="utf-8", newline="")
                opened.append(fh)
                w = csv.writer(fh, lineterminator="\n")
                w.writerow(header)
                node_files[labels] = (fname, w, names + ["sources", "statements"])
            rel_files: dict[str, tuple[str, Any]] = {}
            for i, p in enumerate(sorted(sch.rel_count, key=lambda p: sch.rel_of[p])):
                fname = f"rels_{_file_slug(sch.rel_of[p], i)}.csv"
                fh = open(tmp / fname, "w", encoding="utf-8", newline="")
                opened.append(fh)
                w = csv.writer(fh, lineterminator="\n")
                w.writerow([":START_ID", ":END_ID", ":TYPE", "statements:string[]",
                            "sources:string[]", "paragraphs:long[]", "starts:long[]",
                            "ends:long[]", "graphs:string[]"])
                rel_files[p] = (fname, w)
            for e in pg.entities():
                labels = sch.labels(e.types)
                _fname, w, names = node_files[labels]
                props = pg.node_props(e)
                w.writerow([e.uri, ";".join((RESOURCE, *labels))] +
                           ["" if n not in props else _csv_cell(props[n]) for n in names])
                for p, o, gs in sorted(e.rels):
                    rp = pg.rel_props(gs)
                    w2 = rel_files[p][1]
                    w2.writerow([e.uri, o, sch.rel_of[p]] +
                                [_csv_cell(rp[k]) if k in rp else "" for k in REL_PROPS])
        finally:
            for fh in opened:
                fh.close()
        nodes = [node_files[lb][0] for lb in sorted(node_files)]
        rels = [rel_files[p][0] for p in sorted(rel_files, key=lambda p: sch.rel_of[p])]
        (tmp / "constraints.cypher").write_text(CONSTRAINT + "\n", encoding="utf-8")
        (tmp / "README.md").write_text(_csv_readme(nodes, rels, sch), encoding="utf-8")
    return (f"wrote neo4j-csv ({sch.nodes} nodes in {len(nodes)} files, {sch.relationships} "
            f"relationships in {len(rels)} files) to {dest}")


def _csv_readme(nodes: list[str], rels: list[str], sch: Schema) -> str:
    args = " \\\n  ".join([f"--nodes=import/{n}" for n in nodes] +
                          [f"--relationships=import/{r}" for r in rels])
    return f"""# digiprov graph for `neo4j-admin database import full`

{sch.nodes} nodes, {sch.relationships} relationships. Mapping: docs/neo4j.md in digiprov.

Copy these files into Neo4j's `import/` directory, stop the database, then run:

```sh
neo4j-admin database import full neo4j \\
  --array-delimiter=U+001F --multiline-fields=true --overwrite-destination \\
  {args}
```

Then start Neo4j and create the uniqueness constraint (`constraints.cypher`):

```sh
cypher-shell -u neo4j -f import/constraints.cypher
```

* Arrays (`name:string[]`, `paragraphs:long[]` ...) are split on U+001F (unit separator),
  which is why `--array-delimiter=U+001F` is required; `;` separates the `:LABEL` column.
* Text may contain newlines, hence `--multiline-fields=true`.
* Every file has a header row; CSV quoting is RFC 4180 (`"` doubled inside quoted cells).
"""

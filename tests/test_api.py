"""The public API as a library user meets it: ``import digiprov`` and nothing of the CLI.

Each check runs in a fresh interpreter, because what breaks (a lazily bound name shadowed by
its submodule, a format registered only by a CLI command module) depends on what was imported
before, and the test session has imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
PKG_DIR = REPO / "graph" / "digiprov"


def _run(code: str, *args: str) -> dict:
    res = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_no_public_name_is_also_a_submodule():
    """Importing ``digiprov.X`` sets the package attribute ``X`` to the module: a public
    function of the same name would be replaced by it."""
    import digiprov

    submodules = {p.stem for p in PKG_DIR.glob("*.py")} | {
        p.name for p in PKG_DIR.iterdir() if (p / "__init__.py").exists()}
    assert not set(digiprov.__all__) & submodules
    assert set(digiprov._LAZY) <= set(digiprov.__all__)


CALL_TWICE = r"""
import json, sys, tempfile
from pathlib import Path
import networkx as nx
import digiprov

seeds, out = Path(sys.argv[1]), Path(tempfile.mkdtemp())
runs = []
for i in range(2):
    s = digiprov.load_seeds(seeds)
    b = digiprov.build_dataset(s)
    ds, report = digiprov.run_build(seeds, out)
    ds.close()
    ds = digiprov.open_dataset(out, seeds_dir=seeds)
    res = ds.query("SELECT (COUNT(*) AS ?n) WHERE { ?d a dp:PolicyDocument }")
    v = digiprov.validate_dataset(ds)
    G = digiprov.project(ds)
    dest = out / f"export-{i}.nq"
    summary = digiprov.export(ds, "nquads", dest)
    runs.append({
        "seeds": len(s), "built": len(b), "quads": len(ds), "documents": int(res.rows[0][0]),
        "conforms": [report.conforms, v.conforms],
        "types": [isinstance(ds, digiprov.DigiDataset), isinstance(res, digiprov.QueryResult),
                  isinstance(G, nx.MultiDiGraph)],
        "graph": [G.number_of_nodes(), G.number_of_edges()],
        "export": [summary, dest.read_bytes().count(b"\n")]})
    ds.close()
print(json.dumps({"runs": runs, "cli_imported": "digiprov.cli" in sys.modules}))
"""


def test_every_public_function_works_twice_without_the_cli(dataset, seedset):
    from digiprov.projection import project

    got = _run(CALL_TWICE, str(SEEDS))
    assert not got["cli_imported"]
    first, second = got["runs"]
    for k in ("export",):  # the file name differs between the two runs
        first[k][0] = first[k][0].replace("export-0", "export-N")
        second[k][0] = second[k][0].replace("export-1", "export-N")
    assert first == second
    G = project(dataset)
    n_docs = int(dataset.query("SELECT (COUNT(*) AS ?n) WHERE { ?d a dp:PolicyDocument }")
                 .rows[0][0])
    assert first["seeds"] == len(seedset) and first["quads"] == len(dataset)
    assert first["built"] == len(dataset) and first["documents"] == n_docs > 0
    assert first["conforms"] == [True, True] and first["types"] == [True, True, True]
    assert first["graph"] == [G.number_of_nodes(), G.number_of_edges()]
    assert first["export"][1] == len(dataset)  # one N-Quads line per quad
    assert first["export"][0].startswith(f"wrote nquads ({len(dataset)} quads) to ")


EXPORT_ALL = r"""
import json, sys, tempfile
from pathlib import Path
import digiprov
from digiprov.exporters import FORMATS

ds = digiprov.open_dataset(Path(sys.argv[1]), check_stale=False)
tmp = Path(tempfile.mkdtemp())
out = {}
for name, f in sorted(FORMATS.items()):
    dest = tmp / name if f.kind == "dir" else tmp / f"all.{name}"
    summary = digiprov.export(ds, name, dest)
    files = sorted(dest.iterdir()) if dest.is_dir() else [dest]
    out[name] = {"summary": summary, "kind": f.kind, "files": [str(p) for p in files]}
print(json.dumps({"formats": out, "cli_imported": "digiprov.cli" in sys.modules}))
"""

# What each writer must produce: a check on its real content, not only that a file exists.
EXPECTED_FORMATS = {"trig", "nquads", "turtle", "nt", "jsonld", "rdfxml", "cypher", "neo4j-csv",
                    "graphml", "gexf", "html"}


def test_every_format_exports_without_the_cli(built_out, dataset):
    import networkx as nx
    import pyoxigraph as ox

    from digiprov.exporters import RDF_FORMATS
    from digiprov.projection import project

    got = _run(EXPORT_ALL, str(built_out))
    assert not got["cli_imported"]
    formats = got["formats"]
    assert set(formats) == EXPECTED_FORMATS
    n_union = int(dataset.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0])
    for name, spec in RDF_FORMATS.items():
        (path,) = formats[name]["files"]
        parsed = list(ox.parse(path=path, format=getattr(ox.RdfFormat, spec.ox)))
        # quad formats keep every quad; triple formats hold the union graph, each triple once
        assert len(parsed) == (len(dataset) if spec.quads else n_union), name
    G = project(dataset)
    for name, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        H = read(formats[name]["files"][0])
        assert (H.number_of_nodes(), H.number_of_edges()) == (G.number_of_nodes(),
                                                              G.number_of_edges()), name
    cypher = Path(formats["cypher"]["files"][0]).read_text(encoding="utf-8")
    assert "CREATE CONSTRAINT" in cypher and "UNWIND $rows" in cypher
    csv_names = [Path(p).name for p in formats["neo4j-csv"]["files"]]
    assert any(n.startswith("nodes_") for n in csv_names)
    assert any(n.startswith("rels_") for n in csv_names)
    page = Path(formats["html"]["files"][0]).read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html") and "</html>" in page

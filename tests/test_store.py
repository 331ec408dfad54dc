"""The persisted Oxigraph store: round trip, readers, staleness, atomic publish, digiprov load."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID as DEFAULT
from rdflib.namespace import RDF, SKOS, XSD

from digiprov.errors import SeedError, StoreError, ValidationFailed
from digiprov.persist import dataset_path, load_file, stage
from digiprov.pipeline import run_build
from digiprov.store import memory_oxigraph, open_dataset
from digiprov.terms import TermCache, from_ox
from digiprov.validate import union_graph, validate_graph, validate_store

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
ID = "https://w3id.org/digiprov/id/"
TIME = "http://www.w3.org/2006/time#"
OA = "http://www.w3.org/ns/oa#"


# Oxigraph stores every integer-derived XSD type (nonNegativeInteger, int, ...) as xsd:integer,
# while rdflib keeps the datatype it was given. The builder therefore emits plain xsd:integer
# (oa:start/oa:end included); other data may still differ, so compare after that mapping.
OX_INTEGER_TYPES = {XSD.nonNegativeInteger, XSD.positiveInteger, XSD.nonPositiveInteger,
                    XSD.negativeInteger, XSD.int, XSD.long, XSD.short, XSD.byte,
                    XSD.unsignedInt, XSD.unsignedLong, XSD.unsignedShort, XSD.unsignedByte}


def as_oxigraph_stores(o):
    if isinstance(o, Literal) and o.datatype in OX_INTEGER_TYPES:
        return Literal(str(o), datatype=XSD.integer)
    return o


def graphs_of(ds) -> dict:
    out: dict = {}
    for s, p, o, g in ds.quads():
        out.setdefault(g, Graph()).add((s, p, as_oxigraph_stores(o)))
    return out


def test_oxigraph_stores_derived_integers_as_integer():
    """The one lossy spot of the round trip (see OX_INTEGER_TYPES); fails if Oxigraph changes."""
    lit = Literal("947", datatype=XSD.nonNegativeInteger)
    ds = memory_oxigraph([(URIRef("urn:a"), URIRef("urn:b"), lit, DEFAULT)])
    (_, _, o, _), = ds.quads()
    assert o == Literal("947", datatype=XSD.integer)


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    dst = tmp_path / "seeds"
    shutil.copytree(SEEDS, dst)
    return dst


def test_round_trip_keeps_named_graphs_and_is_isomorphic(dataset, memory_dataset):
    persisted, memory = graphs_of(dataset), graphs_of(memory_dataset)
    assert set(persisted) == set(memory)
    assert any(str(g).startswith(ID + "statement/") for g in persisted)
    assert URIRef(ID + "graph/curated") in persisted and DEFAULT in persisted
    for g in memory:
        assert isomorphic(persisted[g], memory[g]), g
    assert len(dataset) == len(memory_dataset) == dataset.manifest["quads"]
    assert dataset.graph_names() == memory_dataset.graph_names()


def test_two_readers_at_once(built_out):
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?x a dp:Province }"
    a = open_dataset(built_out, seeds_dir=SEEDS)
    b = open_dataset(built_out, seeds_dir=SEEDS)
    try:
        assert a.query(q).rows == b.query(q).rows
        assert int(a.query(q).rows[0][0]) >= 1
        # and a reader in another process while both are open
        code = ("from digiprov.store import open_dataset; import sys; "
                f"ds = open_dataset({str(built_out)!r}, check_stale=False); "
                "print(len(ds.query('SELECT ?x WHERE { ?x a dp:Province }').rows))")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True)
        assert int(out.stdout) == int(a.query(q).rows[0][0])
        with pytest.raises(StoreError, match="read-only"):
            a.update("INSERT DATA { <urn:x> <urn:y> <urn:z> }")
    finally:
        a.close()
        b.close()


def test_missing_store_says_run_build(tmp_path, run_cli):
    with pytest.raises(StoreError, match="run 'digiprov build'"):
        open_dataset(tmp_path / "nothing")
    res = run_cli("stats", out=tmp_path / "nothing")
    assert res.exit_code != 0
    assert res.output.strip().count("\n") == 0
    assert "digiprov: error:" in res.output and "run 'digiprov build'" in res.output


def test_stale_store_detected(tmp_path, seeds_copy):
    out = tmp_path / "out"
    run_build(seeds_copy, out)[0].close()
    open_dataset(out, seeds_dir=seeds_copy).close()
    f = seeds_copy / "places.yaml"
    f.write_text(f.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    with pytest.raises(StoreError, match="stale.*run 'digiprov build'"):
        open_dataset(out, seeds_dir=seeds_copy)
    open_dataset(out, seeds_dir=seeds_copy, check_stale=False).close()


def _published(out: Path) -> tuple[str, str]:
    link = dataset_path(out)
    return os.readlink(link), (link / "manifest.json").read_text(encoding="utf-8")


def test_failed_build_leaves_previous_dataset(tmp_path, seeds_copy):
    out = tmp_path / "out"
    run_build(seeds_copy, out)[0].close()
    before = _published(out)
    staged_before = sorted(p.name for p in out.glob(".dataset-*"))
    places = seeds_copy / "places.yaml"
    good = places.read_text(encoding="utf-8")
    # 1. a seed error: nothing is even staged
    places.write_text(good + "  - {key: broken, type: city, zh: 坏市, within: nowhere}\n",
                      encoding="utf-8")
    with pytest.raises(SeedError, match="nowhere"):
        run_build(seeds_copy, out)
    # 2. a SHACL violation (a city contained in nothing): staged, validated, discarded
    places.write_text(good + "  - {key: lonely-city, type: city, zh: 孤城市}\n", encoding="utf-8")
    with pytest.raises(ValidationFailed):
        run_build(seeds_copy, out)
    assert _published(out) == before
    assert sorted(p.name for p in out.glob(".dataset-*")) == staged_before
    with open_dataset(out, seeds_dir=seeds_copy, check_stale=False) as ds:
        assert not ds.query("ASK { ?x skos:prefLabel '孤城市'@zh }").boolean


def test_load_file_replace_and_add(tmp_path, dataset):
    nq = tmp_path / "real.nq"
    with open(nq, "wb") as fh:
        dataset.serialize(fh, "nquads")
    out = tmp_path / "out"
    load_file(nq, out, replace=True)
    with open_dataset(out) as ds:
        assert len(ds) == len(dataset)
        assert "seeds_dir" not in ds.manifest and ds.manifest["loaded"] == [str(nq.resolve())]
        assert ds.graph_names() == dataset.graph_names()
    extra = tmp_path / "extra.trig"
    extra.write_text("@prefix ex: <http://example.org/> .\nex:g { ex:a ex:b ex:c . }\n",
                     encoding="utf-8")
    load_file(extra, out)
    with open_dataset(out) as ds:
        assert len(ds) == len(dataset) + 1
        assert URIRef("http://example.org/g") in ds.graph_names()


def test_load_cli_happy_path_and_bad_files(tmp_path, run_cli, dataset):
    nq = tmp_path / "real.nq"
    with open(nq, "wb") as fh:
        dataset.serialize(fh, "nquads")
    out = tmp_path / "out"
    res = run_cli("load", str(nq), "--replace", out=out)
    assert res.exit_code == 0, res.output
    assert f"({len(dataset)} quads in the dataset" in res.output
    before = _published(out)
    bad = tmp_path / "bad.nq"
    bad.write_text('<http://a> <http://b> <http://c> .\n<http://a> <http://b> "open .\n',
                   encoding="utf-8")
    for args, expected in [((str(bad),), "bad.nq:2: not valid N-QUADS"),
                           ((str(tmp_path / "missing.trig"),), "missing.trig: no such file"),
                           ((str(tmp_path / "x.json"),), "unknown RDF file type")]:
        res = run_cli("load", *args, out=out)
        assert res.exit_code != 0, args
        assert res.output.startswith("digiprov: error:") and expected in res.output, res.output
        assert res.output.strip().count("\n") == 0
    assert _published(out) == before
    res = run_cli("stats", out=out)
    assert res.exit_code == 0, res.output


def test_term_cache_matches_from_ox(dataset):
    cache = TermCache(limit=3)  # tiny limit: the cache must clear itself and stay correct
    for q in list(dataset.store.quads_for_pattern(None, None, None, None))[:500]:
        for t in (q.subject, q.predicate, q.object, q.graph_name):
            assert cache(t) == from_ox(t)
            assert type(cache(t)) is type(from_ox(t))
    assert cache(None) is None
    assert len(cache.cache) <= 3


def test_union_triples_are_distinct():
    g1, g2 = URIRef("urn:g1"), URIRef("urn:g2")
    t = (URIRef("urn:a"), URIRef("urn:b"), Literal("x", lang="zh"))
    ds = memory_oxigraph([(*t, g1), (*t, g2), (*t, DEFAULT)])
    assert len(ds) == 3
    assert list(ds.triples()) == [t]
    assert list(ds.triples(None, None, Literal("y"))) == []
    assert list(ds.triples(URIRef("urn:a"))) == [t]


def test_query_results_match_memory_backend(dataset, memory_dataset):
    q = (REPO / "graph/digiprov/queries/milestones-2021.rq").read_text(encoding="utf-8")
    a, b = dataset.query(q), memory_dataset.query(q)
    assert a.vars == b.vars and a.rows == b.rows and a.rows


def test_validate_store_matches_pyshacl_on_violations(dataset):
    """SHACL-SPARQL constraints run inside Oxigraph give exactly pyshacl's problems."""
    quads = list(dataset.quads())
    bad, b1, b2 = URIRef(ID + "period/bad"), URIRef(ID + "instant/b1"), URIRef(ID + "instant/b2")
    quads += [(bad, RDF.type, URIRef(TIME + "ProperInterval"), DEFAULT),
              (bad, SKOS.prefLabel, Literal("坏区间", lang="zh"), DEFAULT),
              (bad, URIRef(TIME + "hasBeginning"), b1, DEFAULT),
              (bad, URIRef(TIME + "hasEnd"), b2, DEFAULT),
              (b1, URIRef(TIME + "inXSDDate"), Literal("2021-05-01", datatype=XSD.date), DEFAULT),
              (b2, URIRef(TIME + "inXSDDate"), Literal("2020-05-01", datatype=XSD.date), DEFAULT)]
    sel = next(q for q in quads if str(q[1]) == OA + "start")
    quads.append((sel[0], URIRef(OA + "end"), Literal(0, datatype=XSD.nonNegativeInteger),
                  DEFAULT))
    ds = memory_oxigraph(quads)
    fast = validate_store(ds)
    full = validate_graph(union_graph(ds.triples()))
    assert fast.problems == full.problems
    messages = {p.message for p in fast.violations}
    assert {"the interval ends before it begins",
            "the text selector is empty or reversed (end <= start)"} <= messages


def test_manifest_records_count_and_inputs(built_out):
    m = json.loads((dataset_path(built_out) / "manifest.json").read_text(encoding="utf-8"))
    assert m["quads"] > 1000 and m["seeds_dir"] and m["inputs"]


def test_union_triples_stream_each_triple_once():
    """Heavy duplication across graphs in random order: exactly SPARQL DISTINCT's triples."""
    import random

    import pyoxigraph as ox

    from digiprov.store import union_triples

    r = random.Random(1)
    st = ox.Store()
    graphs = [ox.DefaultGraph()] + [ox.NamedNode(f"urn:g:{i}") for i in range(30)]
    for _ in range(5000):
        st.add(ox.Quad(ox.NamedNode(f"urn:s:{r.randrange(40)}"),
                       ox.NamedNode(f"urn:p:{r.randrange(4)}"), ox.Literal(str(r.randrange(15))),
                       r.choice(graphs)))
    got = [str(t) for t in union_triples(st)]
    distinct = {f"{s} {p} {o}" for s, p, o in st.query(
        "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }", use_default_graph_as_union=True)}
    assert len(got) == len(set(got)) == len(distinct) < len(st)
    assert set(got) == distinct
    s0 = ox.NamedNode("urn:s:0")
    assert {str(t) for t in union_triples(st, s0)} == {x for x in distinct
                                                       if x.startswith("<urn:s:0> ")}


def _sorted_quads(out: Path) -> list[str]:
    import pyoxigraph as ox

    store = ox.Store.read_only(str(out / "dataset" / "oxigraph"))
    return sorted(store.dump(format=ox.RdfFormat.N_QUADS).decode().splitlines())


def _synthetic_nquads(n: int, bnode_every: int = 0) -> str:
    lines = []
    for i in range(n):
        s = f"_:b{i % 7}" if bnode_every and i % bnode_every == 0 else f"<urn:s{i % 997}>"
        lines.append(f'{s} <urn:p{i % 13}> "v{i}"@zh <urn:g{i % 5}> .\n')
    return "".join(lines)


def test_parallel_chunked_load_equals_one_parse(tmp_path, monkeypatch):
    """The file is cut into many chunks loaded on several threads; the store must hold
    exactly what one parse of the whole file gives."""
    import digiprov.persist as st

    nq = tmp_path / "many.nq"
    nq.write_text(_synthetic_nquads(20_000), encoding="utf-8")
    monkeypatch.setattr(st, "LOAD_CHUNK_BYTES", 50_000)  # ~30 chunks
    monkeypatch.setattr(st, "_load_threads", lambda: 3)
    load_file(nq, tmp_path / "a", replace=True)
    monkeypatch.setattr(st, "LOAD_CHUNK_BYTES", 1 << 30)  # one chunk
    load_file(nq, tmp_path / "b", replace=True)
    quads = _sorted_quads(tmp_path / "a")
    assert len(quads) == 20_000 and quads == _sorted_quads(tmp_path / "b")


def test_chunked_load_syntax_error_names_the_line_of_the_whole_file(tmp_path, monkeypatch,
                                                                     run_cli):
    import digiprov.persist as st

    monkeypatch.setattr(st, "LOAD_CHUNK_BYTES", 10_000)
    text = _synthetic_nquads(3000).splitlines(keepends=True)
    text[2716] = "<urn:s> <urn:p> bad <urn:g> .\n"  # line 2717, many chunks in
    bad = tmp_path / "bad.nq"
    bad.write_text("".join(text), encoding="utf-8")
    res = run_cli("load", str(bad), "--replace", out=tmp_path / "out")
    assert res.exit_code != 0
    assert res.output.startswith(f"digiprov: error: {bad}:2717: not valid N-QUADS: "), res.output
    assert "Parser error" not in res.output and res.output.strip().count("\n") == 0
    assert not (tmp_path / "out" / "dataset").exists()
    assert not list((tmp_path / "out").glob(".dataset-*"))  # the staged store is gone


def test_blank_nodes_stay_one_node_across_chunks(tmp_path, monkeypatch):
    """Oxigraph gives a blank-node label a new node in every parse, so a file with blank
    nodes is loaded in one pass and the builder's stager keeps them out of its text chunks."""
    import pyoxigraph as ox

    import digiprov.persist as st

    monkeypatch.setattr(st, "LOAD_CHUNK_BYTES", 20_000)
    nq = tmp_path / "bn.nq"
    nq.write_text(_synthetic_nquads(5000, bnode_every=10), encoding="utf-8")
    load_file(nq, tmp_path / "out", replace=True)
    store = ox.Store.read_only(str(tmp_path / "out" / "dataset" / "oxigraph"))
    subjects = {q.subject for q in store if isinstance(q.subject, ox.BlankNode)}
    assert len(subjects) == 7 and len(store) == 5000

    bn = BNode()
    quads = [(URIRef(f"urn:s{i}"), URIRef("urn:p"), bn if i % 50 == 0 else Literal(i),
              URIRef("urn:g")) for i in range(2000)]
    target = stage(quads, tmp_path / "staged", chunk=100)  # 20 chunks
    store = ox.Store.read_only(str(target / "oxigraph"))
    objects = {q.object for q in store if isinstance(q.object, ox.BlankNode)}
    assert len(objects) == 1 and len(store) == 2000


def test_local_name_one_rule():
    from digiprov.terms import local_name

    cases = {
        "http://www.w3.org/ns/org#subOrganizationOf": "subOrganizationOf",
        "https://schema.org/containedInPlace": "containedInPlace",
        "https://w3id.org/digiprov/def/": "def",  # trailing separator ignored
        "http://example.org/a#": "a",
        "urn:x:y": "y",
        "dp:deadline": "deadline",
        "sdmx-measure:obsValue": "obsValue",
        "dcterms:temporal.start": "temporal.start",
        "plain": "plain",
        "//": "//",
    }
    assert {k: local_name(k) for k in cases} == cases


def test_pyoxigraph_store_accessor(memory_dataset):
    import pyoxigraph as ox

    ds = memory_oxigraph([(URIRef("urn:a"), URIRef("urn:b"), Literal("c"), URIRef("urn:g"))])
    st = ds.pyoxigraph_store
    assert isinstance(st, ox.Store) and len(st) == 1
    ds.close()
    with pytest.raises(StoreError, match="closed"):
        ds.pyoxigraph_store  # noqa: B018
    assert memory_dataset.pyoxigraph_store is None

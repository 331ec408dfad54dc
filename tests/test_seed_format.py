"""The seed format's per-fact evidence (docs/seeds.md) on the tiny fixture (tests/tiny_world.py):
where each fact goes, what the loader refuses, and scripts/locate writing spans."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import tiny_world as tw
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from digiprov.build import build_dataset
from digiprov.errors import SeedError
from digiprov.seeds import load_seeds
from digiprov.vocab import DP, PROV, RDF, SKOS, XSD

REPO = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/digiprov/id/"
MS = URIRef(ID + "milestone/ms-sharing-expressway")


def _build(tmp_path, yaml_text=None):
    seeds, corpus = tw.write(tmp_path, yaml_text)
    return build_dataset(load_seeds(seeds, corpus=corpus))


def _graph(ds, iri: str) -> Graph:
    g = Graph()
    for t in ds.graph(URIRef(iri)):
        g.add(t)
    return g


def _error(tmp_path, yaml_text: str) -> str:
    seeds, corpus = tw.write(tmp_path, yaml_text)
    with pytest.raises(SeedError) as e:
        load_seeds(seeds, corpus=corpus)
    return str(e.value)


def test_each_fact_goes_to_the_span_that_states_it(tmp_path):
    ds = _build(tmp_path)
    st = ID + "statement/tiny-article/ms-sharing-expressway/deadline-deadline_text"
    expected = Graph()
    # The type goes with the first span: the summary label (zh) is the curators' own.
    expected.add((MS, RDF.type, DP.Milestone))
    expected.add((MS, DP.deadline, Literal("2021-03-31", datatype=XSD.date)))
    expected.add((MS, DP.deadlineText, Literal("3月底前", lang="zh")))
    expected.add((MS, PROV.wasDerivedFrom, URIRef(st)))
    assert isomorphic(_graph(ds, st), expected)
    st = ID + "statement/tiny-article/ms-sharing-expressway/responsible"
    expected = Graph()
    expected.add((MS, DP.responsibleAgent, URIRef(ID + "org/bdb")))
    expected.add((MS, PROV.wasDerivedFrom, URIRef(st)))
    assert isomorphic(_graph(ds, st), expected)


def test_curated_facts_go_to_their_authoritys_graph(tmp_path):
    ds = _build(tmp_path)
    sd = URIRef(ID + "place/shandong")
    where = {(p, o): str(g) for s, p, o, g in ds.quads((sd, None, None, None))}
    assert where[(DP.areaCode, Literal("370000"))] == ID + "graph/gbt-2260"
    assert where[(SKOS.exactMatch, URIRef("http://www.wikidata.org/entity/Q43407"))] == \
        ID + "graph/wikidata"
    assert where[(SKOS.prefLabel, Literal("Shandong", lang="en"))] == ID + "graph/curated"
    assert where[(SKOS.prefLabel, Literal("山东省", lang="zh"))] == \
        ID + "statement/tiny-article/shandong/zh"
    assert where[(SKOS.hiddenLabel, Literal("全省", lang="zh"))] == \
        ID + "statement/tiny-article/shandong/mentions"
    # Each curated graph is derived from its authority, never from the article.
    for graph, source in (("gbt-2260", "gbt-2260"), ("wikidata", "wikidata"),
                          ("curated", "curation")):
        (src,) = ds.objects(URIRef(ID + "graph/" + graph), PROV.wasDerivedFrom)
        assert str(src) == ID + "source/" + source


def test_correcting_a_span_keeps_the_statement_iri(tmp_path):
    before = _build(tmp_path / "a")
    wider = tw.edited(f"deadline, deadline_text: {tw.span('3月底前打造数据共享高速通道')}",
                      f"deadline, deadline_text: {tw.span('3月底前')}")
    after = _build(tmp_path / "b", wider)
    graphs = lambda ds: {str(g.identifier) for g in ds.graphs()}  # noqa: E731
    assert graphs(before) == graphs(after)
    st = URIRef(ID + "statement/tiny-article/ms-sharing-expressway/deadline-deadline_text")
    end = lambda ds: {int(o) for o in ds.objects(URIRef(f"{st}/position"),  # noqa: E731
                                                URIRef("http://www.w3.org/ns/oa#end"))}
    i = tw.TEXT.index("3月底前")
    assert end(before) == {i + len("3月底前打造数据共享高速通道")} and end(after) == {i + 4}


def test_a_list_value_may_have_its_own_span(tmp_path):
    two = tw.edited("    aliases: [省大数据局]\n", "    aliases: [省大数据局, 大数据局]\n").replace(
        f"      aliases: {tw.span('省大数据局', 2)}",
        f"      aliases:\n        省大数据局: {tw.span('省大数据局', 2)}\n"
        f"        大数据局: {tw.span('大数据局', 3)}")
    ds = _build(tmp_path, two)
    bdb = URIRef(ID + "org/bdb")
    graphs = {str(g) for _s, _p, _o, g in ds.quads((bdb, SKOS.altLabel, None, None))}
    assert len(graphs) == 2 and all("/bdb/aliases-" in g for g in graphs)


@pytest.mark.parametrize("old, new, message", [
    ("      zh: {para: 4", "      zh, definition: {para: 4",
     "evidence for 'zh, definition': the entry has no field 'definition'"),
    ("      mentions: {", "      zh: {para: 3, start: 1, end: 2}\n      mentions: {",
     "duplicate field 'zh'"),
    ("      deadline, deadline_text: {", "      deadline: {",
     "evidence for 'deadline': a span stating 'deadline' must also state 'deadline_text' "
     "(list both: 'deadline, deadline_text')"),
    (f"      responsible: {tw.span('山东省大数据局计划')}",
     "      responsible: {find: \"山东省大数据局计划\"}",
     "evidence for 'responsible': unresolved {find: '山东省大数据局计划'}: run scripts/locate "
     "--fix on this file"),
    ("      aliases: {para", "      aliases:\n        大数据局: {para",
     "evidence for 'aliases': '大数据局' is not one of its values"),
])
def test_evidence_mistakes_are_named(tmp_path, old, new, message):
    text = tw.seeds_yaml()
    assert text.count(old) >= 1
    msg = _error(tmp_path, text.replace(old, new, 1))
    assert msg.startswith("seeds/tiny.yaml:") and msg.endswith(message), msg


def test_legacy_list_evidence_credits_the_first_span(tmp_path):
    legacy = tw.edited(
        f"      deadline, deadline_text: {tw.span('3月底前打造数据共享高速通道')}\n"
        f"      responsible: {tw.span('山东省大数据局计划')}\n",
        f"      - {tw.span('山东省大数据局计划，3月底前')}\n")
    ds = _build(tmp_path, legacy)
    where = {p: str(g) for _s, p, _o, g in ds.quads((MS, None, None, None))}
    st = ID + "statement/tiny-article/ms-sharing-expressway/entry"
    assert where[DP.deadline] == where[DP.responsibleAgent] == st
    assert where[SKOS.prefLabel] in (st, ID + "graph/curated")


def test_a_folded_value_is_unfolded(tmp_path):
    folded = tw.edited("    value: 235\n", "    value: 2350000\n").replace(
        "value_text: 235项", "value_text: 235万项").replace(
        f"      value, value_text, unit, qualifier: {tw.span('235项')}",
        "      value, value_text, unit, qualifier: {para: 3, start: 1, end: 2}")
    seeds, _corpus = tw.write(tmp_path, folded)
    rec = load_seeds(seeds, corpus=None).records["obs-local-standards"]
    assert (rec.fields["value"], rec.fields["unit_mult"]) == (235, 4)


def test_locate_fix_turns_phrases_into_spans(tmp_path):
    with_finds = tw.edited(f"      responsible: {tw.span('山东省大数据局计划')}",
                           '      responsible: {find: "山东省大数据局计划"}').replace(
        f"      zh: {tw.span('张三')}", '      zh: {find: "张三", para: 4}')
    seeds, corpus = tw.write(tmp_path, with_finds)
    res = subprocess.run([sys.executable, str(REPO / "scripts" / "locate"),
                          str(corpus / tw.FILE), "--fix", str(seeds / "tiny.yaml")],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert (seeds / "tiny.yaml").read_text(encoding="utf-8") == tw.seeds_yaml()
    load_seeds(seeds, corpus=corpus)


def test_locate_fix_reports_an_ambiguous_phrase_and_writes_nothing(tmp_path):
    with_finds = tw.edited(f"      aliases: {tw.span('省大数据局', 2)}",
                           '      aliases: {find: "省大数据局"}')
    seeds, corpus = tw.write(tmp_path, with_finds)
    res = subprocess.run([sys.executable, str(REPO / "scripts" / "locate"),
                          str(corpus / tw.FILE), "--fix", str(seeds / "tiny.yaml")],
                         capture_output=True, text=True)
    line = tw.line_of(with_finds, '{find: "省大数据局"}')
    assert res.returncode == 1
    assert res.stderr.strip() == (f"{seeds / 'tiny.yaml'}:{line}: phrase occurs 2 times "
                                  "(paragraphs 2, 4); add nth: K: 省大数据局")
    assert (seeds / "tiny.yaml").read_text(encoding="utf-8") == with_finds

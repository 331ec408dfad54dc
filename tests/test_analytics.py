"""Analytics and timeline: exact answers on a tiny fixture, then the CLI on the real dataset."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from rdflib import Literal, URIRef

from digiprov import analytics as an
from digiprov.errors import InputError
from digiprov.vocab import DCTERMS, DP, RDF, SCHEMA, SKOS, TIME, XSD

ID = "https://w3id.org/digiprov/id/"
G0 = URIRef(ID + "graph/curated")


def i(tail: str) -> URIRef:
    return URIRef(ID + tail)


def ent(tail, cls, zh, en):
    s = i(tail)
    return [(s, RDF.type, cls, G0), (s, SKOS.prefLabel, Literal(zh, lang="zh"), G0),
            (s, SKOS.prefLabel, Literal(en, lang="en"), G0)]


def period(tail, start, end):
    p, a, b = i(tail), i(f"instant/{start}"), i(f"instant/{end}")
    return [(p, RDF.type, TIME.ProperInterval, G0), (p, SKOS.prefLabel, Literal(tail), G0),
            (p, TIME.hasBeginning, a, G0), (p, TIME.hasEnd, b, G0),
            (a, TIME.inXSDDate, Literal(start, datatype=XSD.date), G0),
            (b, TIME.inXSDDate, Literal(end, datatype=XSD.date), G0)]


def fixture_quads():
    """济南 —位于→ 山东 ←适用地域— 大数据局 ←运营方— 平台 ; plan 2018–2022 ; two milestones ;
    an event ; and a separate pair 甲公司 —位于→ 乙镇 (a second component)."""
    q = (ent("place/jinan", DP.City, "济南市", "Jinan")
         + ent("place/shandong", DP.Province, "山东省", "Shandong")
         + ent("org/bdb", DP.GovernmentAgency, "大数据局", "Big Data Bureau")
         + ent("platform/p", DP.Platform, "平台甲", "Platform A")
         + ent("document/plan", DP.PolicyDocument, "规划", "Plan")
         + ent("milestone/m1", DP.Milestone, "三月任务", "March task")
         + ent("milestone/m2", DP.Milestone, "年底任务", "Year-end task")
         + ent("event/e", DP.PressConference, "发布会", "Press conference")
         + ent("org/x", DP.Enterprise, "甲公司", "Company X")
         + ent("place/y", DP.City, "乙镇", "Town Y")
         + period("period/2018-2022", "2018-01-01", "2022-12-31"))
    q += [
        (i("place/jinan"), SCHEMA.containedInPlace, i("place/shandong"), G0),
        (i("org/bdb"), DCTERMS.spatial, i("place/shandong"), G0),
        (i("platform/p"), DP.operator, i("org/bdb"), G0),
        (i("document/plan"), DCTERMS.spatial, i("place/shandong"), G0),
        (i("document/plan"), DCTERMS.temporal, i("period/2018-2022"), G0),
        (i("milestone/m1"), DP.responsibleAgent, i("org/bdb"), G0),
        (i("milestone/m1"), DP.concerns, i("platform/p"), G0),
        (i("milestone/m1"), DP.deadline, Literal("2021-03-31", datatype=XSD.date), G0),
        (i("milestone/m2"), DP.responsibleAgent, i("org/bdb"), G0),
        (i("milestone/m2"), DP.concerns, i("place/jinan"), G0),
        (i("milestone/m2"), DP.deadline, Literal("2021-12-31", datatype=XSD.date), G0),
        (i("event/e"), SCHEMA.startDate, Literal("2021-03-10", datatype=XSD.date), G0),
        (i("event/e"), SCHEMA.attendee, i("org/bdb"), G0),
        (i("org/x"), SCHEMA.containedInPlace, i("place/y"), G0),
    ]
    return q


@pytest.fixture(scope="module")
def tiny():
    from digiprov.store import memory_oxigraph

    return memory_oxigraph(fixture_quads())


@pytest.fixture(scope="module")
def G(tiny):
    return an.load_graph(tiny)


def test_central_degree_exact(G):
    r = an.central(G, top=3)
    # 大数据局: 山东, 平台, 发布会 and (collapsed milestones) 平台 again and 济南 -> 4 neighbours
    assert [(row["label"], row["degree"]) for row in r.rows] == [
        ("大数据局", 4), ("山东省", 3), ("济南市", 2)]
    assert r.rows[0]["score"] == pytest.approx(4 / 7)  # 8 entities after collapsing
    assert r.exit_code == 0


def test_central_class_filter_and_errors(G):
    r = an.central(G, cls="city", top=5)
    assert [row["label"] for row in r.rows] == ["济南市", "乙镇"]
    with pytest.raises(InputError, match="unknown class 'Town'.*City"):
        an.central(G, cls="Town")
    with pytest.raises(InputError):
        an.central(G, measure="closeness")


def test_betweenness_exact_and_sampled(G, monkeypatch):
    r = an.central(G, measure="betweenness", top=1)
    assert r.rows[0]["label"] in ("大数据局", "山东省") and r.meta["samples"] is None
    monkeypatch.setattr(an, "BETWEENNESS_EXACT_MAX", 3)
    r = an.central(G, measure="betweenness", top=1)
    assert r.meta["samples"] == min(G.number_of_nodes(), an.BETWEENNESS_SAMPLES)
    assert "sampled" in an.central(G, measure="betweenness", lang="en").note


def test_pagerank():
    import networkx as nx

    cycle = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a")])
    assert all(v == pytest.approx(1 / 3) for v in an.pagerank(cycle).values())
    star = nx.MultiDiGraph([("a", "hub"), ("b", "hub"), ("c", "hub")])
    pr = an.pagerank(star)
    assert sum(pr.values()) == pytest.approx(1.0)
    assert max(pr, key=pr.get) == "hub"
    assert an.pagerank(nx.MultiDiGraph()) == {}


def test_path_explained_with_real_directions(G):
    r = an.paths(G, ID + "place/jinan", ID + "platform/p", max_paths=3)
    assert r.rows[0]["hops"] == 2  # via the collapsed year-end milestone
    assert r.rows[0]["path"] == "济南市 ←年底任务— 大数据局 —三月任务→ 平台甲"
    assert r.rows[1]["path"] == "济南市 —位于→ 山东省 ←适用地域— 大数据局 —三月任务→ 平台甲"
    en = an.paths(G, ID + "place/jinan", ID + "org/bdb", lang="en", max_paths=1)
    assert en.rows[0]["path"] == "Jinan ←Year-end task— Big Data Bureau"


def test_path_disconnected_and_bad_input(G):
    r = an.paths(G, ID + "place/jinan", ID + "org/x")
    assert r.rows == [] and r.exit_code == 1 and "different components" in \
        an.paths(G, ID + "place/jinan", ID + "org/x", lang="en").note
    with pytest.raises(InputError, match="same"):
        an.paths(G, ID + "place/jinan", ID + "place/jinan")
    with pytest.raises(InputError, match="--max"):
        an.paths(G, ID + "place/jinan", ID + "org/x", max_paths=0)


def test_neighbours(G):
    r = an.neighbours(G, ID + "place/jinan", depth=1)
    assert [(x["distance"], x["label"], x["via"]) for x in r.rows] == [
        (1, "大数据局", "←年底任务—"), (1, "山东省", "—位于→")]
    r2 = an.neighbours(G, ID + "place/jinan", depth=2)
    assert {x["label"] for x in r2.rows if x["distance"] == 2} == {"平台甲", "发布会", "规划"}
    lonely = an.neighbours(G, ID + "place/y", depth=3)
    assert [x["label"] for x in lonely.rows] == ["甲公司"]


def test_communities_seeded(G):
    a = an.communities(G, seed=1)
    b = an.communities(G, seed=1)
    assert a.rows == b.rows and a.exit_code == 0
    groups: dict[int, set[str]] = {}
    for row in a.rows:
        groups.setdefault(row["community"], set()).add(row["label"])
    # the separate pair is always its own community
    assert {"甲公司", "乙镇"} in groups.values()
    assert sum(len(g) for g in groups.values()) == G.number_of_nodes()


def test_timeline_order_and_range(tiny):
    from digiprov.projection import project

    K = project(tiny, nary="keep")
    r = an.timeline(K)
    assert [(x["date"], x["kind"], x["label"]) for x in r.rows] == [
        (dt.date(2018, 1, 1), "规划期", "规划"), (dt.date(2021, 3, 10), "活动", "发布会"),
        (dt.date(2021, 3, 31), "完成时限", "三月任务"),
        (dt.date(2021, 12, 31), "完成时限", "年底任务")]
    r = an.timeline(K, date_from=dt.date(2021, 4, 1), date_to=dt.date(2021, 12, 31))
    assert [x["label"] for x in r.rows] == ["规划", "年底任务"]  # the plan overlaps the range
    none = an.timeline(K, date_from=dt.date(2030, 1, 1))
    assert none.rows == [] and none.exit_code == 1
    with pytest.raises(InputError):
        an.timeline(K, date_from=dt.date(2022, 1, 1), date_to=dt.date(2021, 1, 1))


def test_timeline_as_of(tiny):
    from digiprov.projection import project

    K = project(tiny, nary="keep", lang="en")
    r = an.timeline(K, as_of=dt.date(2021, 7, 1), lang="en")
    assert [(x["status"], x["label"]) for x in r.rows] == [
        ("in force", "Plan"), ("overdue, status unknown", "March task"),
        ("due, status unknown", "Year-end task")]
    r = an.timeline(K, as_of=dt.date(2023, 1, 1), lang="en")
    assert [x["status"] for x in r.rows] == ["overdue, status unknown"] * 2


def test_parse_date():
    assert an.parse_date("2021", "--to") == dt.date(2021, 1, 1)
    assert an.parse_date("2021-07", "--to") == dt.date(2021, 7, 1)
    with pytest.raises(InputError, match="--as-of: '2021-13-01' is not a date"):
        an.parse_date("2021-13-01", "--as-of")


def test_empty_graph():
    from digiprov.store import memory_oxigraph

    E = an.load_graph(memory_oxigraph([]))
    for r in (an.central(E), an.communities(E)):
        assert r.rows == [] and r.exit_code == 1 and "空" in r.note
    assert an.timeline(E).exit_code == 1


def test_render_formats(G):
    r = an.central(G, top=2)
    table = an.render(r, "table", "zh")
    assert table.splitlines()[0].split()[:3] == ["排名", "名称", "类型"]
    assert "org/bdb" in table  # IRIs shortened in tables
    rows = list(csv.DictReader(io.StringIO(an.render(r, "csv"))))
    assert rows[0]["label"] == "大数据局" and rows[0]["iri"] == ID + "org/bdb"
    data = json.loads(an.render(r, "json"))
    assert data["kind"] == "central" and data["rows"][0]["degree"] == 4
    assert an.render(an.Report("x", ["a"]), "table") == ""


# ------------------------------------------------------------------ CLI, real dataset


def test_cli_central(run_cli):
    res = run_cli("analyze", "central", "--top", "3", "--format", "json", "--lang", "en")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)["rows"]
    assert rows[0]["label"] == "Shandong Province" and len(rows) == 3


def test_cli_path(run_cli):
    res = run_cli("analyze", "path", "济南", "省大数据局")
    assert res.exit_code == 0, res.output
    assert "济南市 —位于→ 山东省 ←适用地域— 山东省大数据局" in res.stdout


@pytest.fixture(scope="module")
def tiny_out(tmp_path_factory):
    """An OUT directory holding the tiny fixture as a persisted dataset."""
    from digiprov.persist import persist

    out = tmp_path_factory.mktemp("tiny-out")
    persist(fixture_quads(), out, {})
    return out


def test_cli_path_no_connection(run_cli, tiny_out):
    res = run_cli("analyze", "path", "济南", "甲公司", out=tiny_out)
    assert res.exit_code == 1 and res.stdout == ""
    assert res.stderr.strip() == "济南市 与 甲公司 之间没有连接（二者位于不同的连通分量）"
    res = run_cli("analyze", "path", "jinan", "Company X", "--format", "json", out=tiny_out)
    assert res.exit_code == 1 and json.loads(res.stdout)["rows"] == []


def test_cli_unknown_and_ambiguous_entity(run_cli):
    res = run_cli("analyze", "neighbours", "xyzzy")
    assert res.exit_code == 2
    assert res.stderr.strip() == "digiprov: error: no entity matches 'xyzzy'"
    res = run_cli("analyze", "neighbours", "高速通道")
    assert res.exit_code == 2 and "did you mean platform/data-sharing-expressway" in res.stderr


def test_cli_neighbours_csv(run_cli):
    res = run_cli("analyze", "neighbours", "jinan", "--format", "csv")
    assert res.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert ("山东省", "—位于→") in {(r["label"], r["via"]) for r in rows}


def test_cli_communities(run_cli):
    a = run_cli("analyze", "communities", "--format", "json")
    b = run_cli("analyze", "communities", "--format", "json")
    assert a.exit_code == 0 and a.stdout == b.stdout
    assert json.loads(a.stdout)["communities"] >= 2


def test_cli_timeline_as_of(run_cli):
    res = run_cli("timeline", "--as-of", "2021-07-01", "--format", "json", "--lang", "en")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)["rows"]
    status = {r["iri"].split("/id/")[1]: r["status"] for r in rows}
    assert status["milestone/bdb-2021-03-data-sharing-expressway"] == "overdue, status unknown"
    assert status["milestone/bdb-2021-12-integrated-command-platform"] == "due, status unknown"
    assert status["document/digital-shandong-development-plan-2018-2022"] == "in force"


def test_cli_timeline_range_and_bad_date(run_cli):
    res = run_cli("timeline", "--from", "2021-01-01", "--to", "2021-03-31", "--format", "csv")
    assert res.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert rows and all(r["date"] <= "2021-03-31" and (r["end"] or r["date"]) >= "2021-01-01"
                        for r in rows)
    bad = run_cli("timeline", "--as-of", "next week")
    assert bad.exit_code == 2 and "--as-of: 'next week' is not a date" in bad.stderr


def test_cli_empty_dataset(run_cli, tmp_path):
    from digiprov.persist import persist

    persist([], tmp_path, {})
    res = run_cli("analyze", "central", out=tmp_path)
    assert res.exit_code == 1 and "图为空" in res.stderr
    res = run_cli("timeline", "--lang", "en", out=tmp_path)
    assert res.exit_code == 1 and "no dated items" in res.stderr


@pytest.mark.parametrize("args", [("analyze",), ("analyze", "central"), ("analyze", "path"),
                                  ("analyze", "neighbours"), ("analyze", "communities"),
                                  ("timeline",)])
def test_cli_help_has_example(run_cli, args):
    res = run_cli(*args, "--help")
    assert res.exit_code == 0 and "Example:" in res.stdout


def test_entities_left_out_of_the_analysis_graph(G, run_cli):
    with pytest.raises(InputError, match="milestone/m1 is an n-ary node.*--nary keep"):
        an.neighbours(G, ID + "milestone/m1")
    res = run_cli("analyze", "path", "数字政府", "济南")
    assert res.exit_code == 2
    assert "theme/digital-government is a theme" in res.stderr and "--themes" in res.stderr


@pytest.mark.parametrize("nary,themes", [("collapse", False), ("keep", False),
                                         ("collapse", True)])
def test_store_read_paths_and_neighbours_equal_the_whole_graph(dataset, nary, themes):
    """paths_in/neighbours_in read only around the entities and give the answers of the
    whole projection (every pair of a sample, every depth)."""
    from digiprov.projection import project

    full = an.analysis_graph(project(dataset), nary=nary, themes=themes)
    tails = ["place/jinan", "org/shandong-big-data-bureau", "place/qingdao",
             "org/shandong-government", "person/lian-kai", "place/shandong"]
    iris = [ID + t for t in tails if ID + t in full]
    assert len(iris) >= 5
    for a in iris:
        for b in iris:
            if a < b:
                want = an.paths(full, a, b, max_paths=4)
                got = an.paths_in(dataset, a, b, max_paths=4, nary=nary, themes=themes)
                assert [r["hops"] for r in got.rows] == [r["hops"] for r in want.rows]
                if not themes:  # through the themes ties run past TIE_CAP: order is Yen's
                    assert [r["path"] for r in got.rows] == [r["path"] for r in want.rows]
        for depth in (1, 2):
            want = an.neighbours(full, a, depth=depth, lang="en")
            got = an.neighbours_in(dataset, a, depth=depth, lang="en", nary=nary, themes=themes)
            assert got.rows == want.rows
    with pytest.raises(InputError, match="n-ary node"):
        an.paths_in(dataset, ID + "place/jinan",
                    next(n for n, c in project(dataset).nodes(data="cls") if c == "Milestone"))

"""digiprov view without a browser: the file, its escaping, subgraph selection, the CLI."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

XSS = "<img src=x onerror=alert(1)>"
XSS_EN = "</script><script>alert(2)</script>"
ID = "https://w3id.org/digiprov/id/"
# what a page must never contain: a script or stylesheet fetched from anywhere
REMOTE_ASSET = re.compile(
    r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)
CDN = re.compile(r"https?://(?:cdn|unpkg|cdnjs)[^\s\"']*", re.I)


def xss_quads():
    """A tiny dataset whose labels, alias, literal and source title are all hostile HTML."""
    from rdflib import Literal, URIRef
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID as DEFAULT

    from digiprov.vocab import DCTERMS, DP, OA, PROV, RDF, SCHEMA, SKOS

    x, y = URIRef(ID + "place/xss"), URIRef(ID + "place/shandong")
    st, src = URIRef(ID + "statement/doc/p3-10-20"), URIRef(ID + "source/doc")
    sel = URIRef(str(st) + "/selector")
    return [
        (x, RDF.type, DP.City, st),
        (x, SKOS.prefLabel, Literal(XSS, lang="zh"), st),
        (x, SKOS.prefLabel, Literal(XSS_EN, lang="en"), st),
        (x, SKOS.altLabel, Literal("a & b <b>bold</b>\u2028", lang="zh"), st),
        (x, DP.areaCode, Literal("<svg onload=alert(3)>"), st),
        (x, SCHEMA.containedInPlace, y, st),
        (y, RDF.type, DP.Province, st),
        (y, SKOS.prefLabel, Literal("山东省", lang="zh"), st),
        (y, SKOS.prefLabel, Literal("Shandong", lang="en"), st),
        (st, RDF.type, DP.Statement, DEFAULT),
        (st, PROV.wasDerivedFrom, src, DEFAULT),
        (st, DP.paragraph, Literal(3), DEFAULT),
        (st, OA.hasSelector, sel, DEFAULT),
        (sel, OA.start, Literal(10), DEFAULT),
        (sel, OA.end, Literal(20), DEFAULT),
        (src, RDF.type, DP.SourceDocument, DEFAULT),
        (src, DCTERMS.title, Literal("<i>Doc</i> & title", lang="zh"), DEFAULT),
    ]


@pytest.fixture
def xss_dataset():
    from digiprov.store import memory_oxigraph

    return memory_oxigraph(xss_quads())


@pytest.fixture(scope="module")
def real_page(dataset, tmp_path_factory) -> Path:
    from digiprov.view import write_view

    dest = tmp_path_factory.mktemp("view") / "digiprov.html"
    write_view(dataset, dest)
    return dest


def page_data(text: str, element: str = "dp-data"):
    m = re.search(rf'<script type="application/json" id="{element}">(.*?)</script>', text, re.S)
    assert m, f"no {element} element"
    return json.loads(m.group(1))


# ------------------------------------------------------------------ the file


def test_page_is_utf8_single_file_without_remote_assets(real_page):
    raw = real_page.read_bytes()
    text = raw.decode("utf-8")  # raises if the file is not UTF-8
    assert "济南市".encode() in raw
    assert REMOTE_ASSET.search(text) is None
    assert CDN.search(text) is None
    assert "bootstrap" not in text.lower()
    assert not (real_page.parent / "lib").exists()  # pyvis's local mode would copy lib/ here
    assert text.count("vis.Network(") >= 1  # vis-network is inlined, not linked


def test_no_cdn_urls_in_sources():
    root = Path(__file__).resolve().parent.parent
    for path in [*(root / "graph" / "digiprov").rglob("*.py"),
                 *(root / "graph" / "digiprov" / "templates").glob("*")]:
        assert CDN.search(path.read_text(encoding="utf-8")) is None, path


def test_page_nodes_equal_projection(real_page, dataset):
    from digiprov.projection import project

    full = project(dataset, nary="keep", lang="zh")
    # themes are the page's filter, not nodes
    G = full.subgraph(n for n, c in full.nodes(data="cls") if c != "Theme")
    data = page_data(real_page.read_text(encoding="utf-8"))
    vis_nodes = page_data(real_page.read_text(encoding="utf-8"), "dp-vis-nodes")
    assert len(data["nodes"]) == len(vis_nodes) == G.number_of_nodes()
    assert {n["iri"] for n in data["nodes"]} == set(G.nodes)
    vis_edges = page_data(real_page.read_text(encoding="utf-8"), "dp-vis-edges")
    assert len(vis_edges) == G.number_of_edges()
    jinan = next(n for n in data["nodes"] if n["iri"].endswith("/place/jinan"))
    assert "jinan" in jinan["k"] and jinan["zh"] == "济南市"
    assert jinan["s"], "济南市 should carry its source statements"


def test_nary_nodes_read_as_sentences(real_page):
    data = page_data(real_page.read_text(encoding="utf-8"))
    milestones = [n for n in data["nodes"] if n["cls"] == "Milestone"]
    assert milestones
    for m in milestones:
        assert re.search(r"\d{4}-\d{2}-\d{2}", m["dt"]), m  # the resolved deadline
        assert not m["zh"].startswith("http")
    # the founding article dates "3月底前" to 2021-03-31; the page shows both
    assert "3月底前 · 2021-03-31" in {m["dt"] for m in milestones}
    obs = [n for n in data["nodes"] if n["cls"] == "Observation"]
    assert obs and all(n["dt"] and not n["zh"].startswith("http") for n in obs)


# ------------------------------------------------------------------ escaping


def test_script_json_cannot_close_the_script_element():
    from digiprov.view import script_json

    payload = {"a": XSS_EN, "b": "x\u2028y\u2029z", "c": "&amp; <!--"}
    s = script_json(payload)
    for bad in ("<", ">", "&", "\u2028", "\u2029"):
        assert bad not in s
    assert json.loads(s) == payload


def test_hostile_labels_never_reach_the_page_as_markup(xss_dataset, tmp_path):
    from digiprov.view import write_view

    dest = tmp_path / "xss.html"
    write_view(xss_dataset, dest, title="<b>t</b>")
    text = dest.read_text(encoding="utf-8")
    for needle in (XSS, XSS_EN, "<svg onload", "<b>bold</b>", "<i>Doc</i>", "<b>t</b>"):
        assert needle not in text
    assert "<title>&lt;b&gt;t&lt;/b&gt;</title>" in text
    data = page_data(text)
    node = next(n for n in data["nodes"] if n["iri"].endswith("/place/xss"))
    assert node["zh"] == XSS and node["en"] == XSS_EN  # still there, as data
    assert data["sources"][node["s"][0]][0] == "<i>Doc</i> & title"
    # the page script must not use HTML sinks at all
    template = (Path(__file__).resolve().parent.parent / "graph" / "digiprov" / "templates"
                / "view.html").read_text(encoding="utf-8")
    script = template.split("@@VIS_JS@@")[1]
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script


# ------------------------------------------------------------------ helpers


def test_wrap_label_and_detail():
    from digiprov.view import nary_detail, wrap_label

    assert wrap_label("山东省大数据局") == "山东省大数据局"
    assert wrap_label("一" * 40) == "一" * 12 + "\n" + "一" * 12 + "\n" + "一" * 11 + "…"
    assert wrap_label("Shandong Provincial Big Data Bureau") == \
        "Shandong Provincial\nBig Data Bureau"
    import datetime as dt

    assert nary_detail("Milestone", {"dp:deadlineText": ["3月底前"],
                                     "dp:deadline": [dt.date(2021, 3, 31)]}) \
        == "3月底前 · 2021-03-31"
    assert nary_detail("City", {"dp:deadline": ["x"]}) == ""


def _synthetic(n: int):
    """A projection-shaped chain-and-star graph of n nodes."""
    import networkx as nx

    G = nx.MultiDiGraph()
    for i in range(n):
        G.add_node(f"{ID}x/{i}", iri=f"{ID}x/{i}", cls="City" if i % 3 else "Province",
                   label_zh=f"节点{i}", label_en=f"node {i}", aliases=[], themes=[],
                   props={}, sources=[])
    for i in range(1, n):
        G.add_edge(f"{ID}x/{i}", f"{ID}x/{i // 4}", key="schema:containedInPlace",
                   predicate="https://schema.org/containedInPlace", label_zh="位于",
                   label_en="contained in", sources=[])
    return G


def test_large_graph_gets_a_precomputed_layout_and_no_physics():
    from digiprov.view import PHYSICS_MAX_NODES, view_payload

    G = _synthetic(PHYSICS_MAX_NODES + 1)
    payload, vis_nodes, _ = view_payload(G)
    assert payload["physics"] is False
    assert all("x" in n and "y" in n for n in vis_nodes)
    assert len({(n["x"], n["y"]) for n in vis_nodes}) == len(vis_nodes)  # no two stacked
    small, small_nodes, _ = view_payload(_synthetic(20))
    assert small["physics"] is False and "x" in small_nodes[0]
    lively, lively_nodes, _ = view_payload(_synthetic(20), physics=True)
    assert lively["physics"] is True and "x" not in lively_nodes[0]


def test_reduce_graph_keeps_the_hubs_and_says_so():
    from digiprov.view import reduce_graph

    G = _synthetic(100)
    H, msg = reduce_graph(G, 10, keep=[f"{ID}x/99"])
    hub = max(G.degree, key=lambda nd: nd[1])[0]
    assert H.number_of_nodes() == 10 and hub in H and f"{ID}x/99" in H
    assert "10 most connected of 100" in msg
    assert reduce_graph(G, 0)[1] is None


def test_select_subgraph_focus_class_theme(dataset):
    import networkx as nx

    from digiprov.errors import EntityNotFound, InputError
    from digiprov.projection import project
    from digiprov.view import select_subgraph

    G = project(dataset)
    H, focus = select_subgraph(G, dataset, focus="jinan", depth=1)
    assert focus.endswith("/place/jinan")
    assert set(H) == set(nx.ego_graph(G, focus, radius=1, undirected=True))
    cities, _ = select_subgraph(G, dataset, classes=["city"])
    assert cities.number_of_nodes() and {d["cls"] for _, d in cities.nodes(data=True)} == {"City"}
    with pytest.raises(InputError, match="--class Nope"):
        select_subgraph(G, dataset, classes=["Nope"])
    with pytest.raises(EntityNotFound, match="no entity matches"):
        select_subgraph(G, dataset, focus="zzqqxx-not-here")
    theme = next(t for _, d in G.nodes(data=True) for t in d["themes"])
    T, _ = select_subgraph(G, dataset, themes=[theme])
    assert all(n == theme or theme in d["themes"] for n, d in T.nodes(data=True))
    assert 0 < T.number_of_nodes() < G.number_of_nodes()


# ------------------------------------------------------------------ CLI


def test_cli_view_writes_page(run_cli, tmp_path):
    dest = tmp_path / "v.html"
    r = run_cli("view", "-o", str(dest), "--focus", "济南", "--depth", "1", "--lang", "en")
    assert r.exit_code == 0, r.output
    assert "wrote" in r.output and dest.exists()
    data = page_data(dest.read_text(encoding="utf-8"))
    assert data["lang"] == "en" and data["nodes"][data["focus"]]["zh"] == "济南市"


def test_cli_unknown_focus_is_one_line_error(run_cli, tmp_path):
    dest = tmp_path / "v.html"
    r = run_cli("view", "-o", str(dest), "--focus", "jinna")
    assert r.exit_code != 0
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("digiprov: error: no entity matches 'jinna'")
    assert "did you mean" in lines[0] and "济南市" in lines[0]
    assert not dest.exists()


def test_cli_help_has_example(run_cli):
    r = run_cli("view", "--help")
    assert r.exit_code == 0 and "Example:" in r.output and "--focus" in r.output


@pytest.mark.slow
def test_subprocess_under_c_locale_still_writes_utf8(built_out, tmp_path):
    """pyvis's own writer uses the locale encoding; ours must not."""
    dest = tmp_path / "c.html"
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0",
           "PYTHONCOERCECLOCALE": "0", "PYTHONIOENCODING": "ascii"}
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    exe = Path(sys.executable).parent / "digiprov"
    if not exe.exists():
        pytest.skip(f"console script {exe} not installed (pip install -e .)")
    r = subprocess.run([str(exe), "--out", str(built_out),
                        "--seeds", str(seeds), "view", "-o", str(dest)],
                       env=env, capture_output=True, timeout=300)
    assert r.returncode == 0, r.stderr.decode("utf-8", "replace")
    assert "济南市" in dest.read_text(encoding="utf-8")


def test_cli_max_nodes_reduces_with_a_message(run_cli, tmp_path):
    dest = tmp_path / "small.html"
    r = run_cli("view", "-o", str(dest), "--max-nodes", "10")
    assert r.exit_code == 0, r.output
    assert "most connected of" in r.output
    data = page_data(dest.read_text(encoding="utf-8"))
    assert len(data["nodes"]) == 10 and data["message"].startswith("showing the 10 most")
    assert data["total"] > 10


def test_cli_bad_class_and_theme_are_one_line_errors(run_cli, tmp_path):
    for args in (["--class", "Spaceship"], ["--theme", "zzqqxx-no-theme"]):
        dest = tmp_path / "bad.html"
        r = run_cli("view", "-o", str(dest), *args)
        assert r.exit_code != 0 and r.output.startswith("digiprov: error: "), r.output
        assert len(r.output.strip().splitlines()) == 1 and not dest.exists()

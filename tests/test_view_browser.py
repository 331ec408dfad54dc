"""digiprov view in Debian's chromium (headless, via Playwright): offline, search, filter,
side panel, language toggle, hostile labels, a large graph. Screenshots go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
READY = "body[data-ready='1']"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium (apt install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="python playwright is not installed")
    pw = sync_api.sync_playwright().start()
    b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    yield b
    b.close()
    pw.stop()


class Page:
    """A page with everything it requested, logged and raised recorded."""

    def __init__(self, browser, path: Path, timeout_s: float = 90):
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error"
                     else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.goto(path.as_uri())
        self.page.wait_for_selector(READY, state="attached", timeout=timeout_s * 1000)
        self.url = path.as_uri()

    def _dialog(self, d):
        self.dialogs.append(d.message)
        d.dismiss()

    def js(self, expr: str, arg=None):
        return self.page.evaluate(expr, arg)

    def type_search(self, text: str):
        self.page.fill("#search", text)
        self.page.wait_for_selector("#results button, #results div", state="attached")

    def panel_text(self) -> str:
        return self.page.inner_text("#panel")

    def close(self):
        self.page.close()


@pytest.fixture(scope="module")
def projection(dataset):
    """What the page draws: the projection without the theme nodes (the theme menu)."""
    from digiprov.projection import project

    full = project(dataset, nary="keep", lang="zh")
    return full.subgraph(n for n, c in full.nodes(data="cls") if c != "Theme")


@pytest.fixture(scope="module")
def real_page_file(dataset, tmp_path_factory) -> Path:
    from digiprov.view import write_view

    dest = tmp_path_factory.mktemp("viewb") / "digiprov.html"
    write_view(dataset, dest)
    return dest


@pytest.fixture
def page(browser, real_page_file):
    p = Page(browser, real_page_file)
    yield p
    p.close()


def iri_index(p: Page, tail: str) -> int:
    return p.js("t => dpView.data.nodes.findIndex(n => n.iri.endsWith(t))", tail)


def test_loads_offline_with_all_nodes(page, projection, artifacts_dir):
    assert page.requests == [page.url]  # nothing but the file itself
    assert page.errors == []
    assert page.js("dpView.nodes.length") == projection.number_of_nodes()
    assert page.js("dpView.visibleCount()") == projection.number_of_nodes()
    assert page.js("dpView.edges.length") == projection.number_of_edges()
    assert page.js("dpView.network.physics.options.enabled") is False  # stopped after settling
    page.page.screenshot(path=str(artifacts_dir / "view-overview.png"))


def test_legend_is_short_and_opens_a_family(page):
    from digiprov.view import FAMILIES

    rows = page.js("[...document.querySelectorAll('#legend .fam-row')].map(r => r.innerText)")
    assert 3 <= len(rows) <= len(FAMILIES)  # one row per family present, classes folded
    legend = page.page.inner_text("#legend")
    assert "地区" in legend and "地级市" not in legend
    page.page.click("#legend button[data-expand='places']")
    assert "地级市" in page.page.inner_text("#legend")
    assert page.js("document.querySelector('#legend').getBoundingClientRect().height") < 500


def _drawn(page: Page) -> list[dict]:
    return page.js("dpView.drawnLabels()")


def test_labels_at_the_default_zoom_are_legible_and_never_overlap(page, projection):
    drawn = _drawn(page)
    shown = {d["node"] for d in drawn}
    ranked = page.js("""() => dpView.data.nodes.map((n, i) => [n.deg, i])
        .sort((a, b) => b[0] - a[0] || a[1] - b[1]).map(x => x[1])""")
    # the best connected nodes carry their name at the default zoom
    assert set(ranked[:8]) <= shown, [page.js("i => dpView.labelText(i)", i)
                                      for i in ranked[:8] if i not in shown]
    assert len(drawn) >= 40
    assert min(d["px"] for d in drawn) >= 12
    for a in range(len(drawn)):
        for b in range(a + 1, len(drawn)):
            p, q = drawn[a], drawn[b]
            assert not (p["x0"] < q["x1"] and q["x0"] < p["x1"] and p["y0"] < q["y1"]
                        and q["y0"] < p["y1"]), (p["text"], q["text"])
    # nothing is drawn under the legend
    legend = page.js("(() => { const r = document.querySelector('#legend')"
                     ".getBoundingClientRect(); const n = document.querySelector('#net')"
                     ".getBoundingClientRect(); return [r.right - n.left, r.bottom - n.top]; })()")
    xy = page.js("""() => { const p = dpView.network.getPositions();
        return Object.values(p).map(q => dpView.network.canvasToDOM(q)); }""")
    assert not [q for q in xy if q["x"] < legend[0] and q["y"] < legend[1]]
    assert not [d["text"] for d in drawn if d["x0"] < legend[0] and d["y0"] < legend[1]]
    width, height = page.js("[document.querySelector('#net').clientWidth, "
                            "document.querySelector('#net').clientHeight]")
    assert all(d["x0"] >= 0 and d["y0"] >= 0 and d["x1"] <= width and d["y1"] <= height
               for d in drawn)  # no name runs off the canvas
    # zooming in makes room for more names
    in_view = """() => { const n = document.querySelector('#net');
        return Object.values(dpView.network.getPositions()).map(q => dpView.network.canvasToDOM(q))
          .filter(q => q.x >= 0 && q.y >= 0 && q.x <= n.clientWidth && q.y <= n.clientHeight)
          .length; }"""
    share = len(drawn) / page.js(in_view)
    page.js("dpView.network.moveTo({scale: dpView.network.getScale() * 2.5})")
    page.page.wait_for_timeout(200)
    assert len(_drawn(page)) / page.js(in_view) > share
    page.js("dpView.fitView()")
    page.page.wait_for_timeout(200)
    # hovering an unlabelled node shows its name
    hidden = next(i for i in ranked[::-1] if i not in {d["node"] for d in _drawn(page)})
    xy = page.js("i => dpView.network.canvasToDOM(dpView.network.getPositions([i])[i])", hidden)
    box = page.page.locator("#net").bounding_box()
    page.page.mouse.move(box["x"] + xy["x"], box["y"] + xy["y"])
    page.page.wait_for_timeout(300)
    assert hidden in {d["node"] for d in _drawn(page)}


def test_family_regions_are_separated_and_hub_edges_faint(page, projection):
    import math

    from digiprov.view import ASPECT, HUB_EDGE_COLOUR, family

    pos = page.js("dpView.network.getPositions()")
    fam = {int(i): family(n["cls"]) for i, n in enumerate(page.js("dpView.data.nodes"))}
    # undo the ellipse: the places fill a disc in the middle, every other family one sector
    polar = {int(i): (math.hypot(p["x"] / math.sqrt(ASPECT), p["y"] * math.sqrt(ASPECT)),
                      math.atan2(p["y"] * math.sqrt(ASPECT), p["x"] / math.sqrt(ASPECT)))
             for i, p in pos.items()}
    places = [polar[i][0] for i in polar if fam[i] == "places"]
    ring = sorted((polar[i][1], fam[i]) for i in polar if fam[i] != "places")
    assert places and max(places) < min(polar[i][0] for i in polar if fam[i] != "places")
    runs = [f for k, (_a, f) in enumerate(ring) if k == 0 or ring[k - 1][1] != f]
    if len(runs) > 1 and runs[0] == runs[-1]:
        runs.pop()  # the circle closes
    assert len(runs) == len(set(runs)) == len({f for _a, f in ring}), runs
    shandong = iri_index(page, "/place/shandong")
    colours = page.js("""i => dpView.edges.get().filter(e => e.from === i || e.to === i)
        .map(e => e.color.color)""", shandong)
    assert colours and all(c == HUB_EDGE_COLOUR for c in colours)


def test_search_by_pinyin_english_alias_and_ime(page, projection, artifacts_dir):
    jinan = iri_index(page, "/place/jinan")
    page.type_search("jinan")
    hits = page.js("dpView.hits")
    assert hits[0] == jinan
    assert page.js("dpView.network.getSelectedNodes()")[:1] == [jinan]
    assert "济南市" in page.page.inner_text("#results")
    page.page.screenshot(path=str(artifacts_dir / "view-search-jinan.png"))

    page.type_search("Ji Nan")  # spaces and case ignored
    assert jinan in page.js("dpView.hits")
    iri, data = next((n, d) for n, d in projection.nodes(data=True) if d["aliases"]
                     and d["label_en"])
    idx = iri_index(page, iri)
    page.type_search(data["aliases"][0])
    assert idx in page.js("dpView.hits")
    page.type_search(data["label_en"].lower())
    assert idx in page.js("dpView.hits")

    # Chinese IME: no search while composing, one when the composition ends
    page.page.fill("#search", "")
    page.js("""() => { const i = document.getElementById('search');
        i.dispatchEvent(new CompositionEvent('compositionstart'));
        i.value = 'jin'; i.dispatchEvent(new Event('input')); }""")
    assert page.js("dpView.hits.length") == 0
    page.js("""() => { const i = document.getElementById('search'); i.value = '济南';
        i.dispatchEvent(new Event('input'));
        i.dispatchEvent(new CompositionEvent('compositionend', {data: '济南'})); }""")
    assert jinan in page.js("dpView.hits")
    page.type_search("zzqqxx")
    assert page.js("dpView.hits.length") == 0


def test_class_and_theme_filters_change_what_is_shown(page, projection, artifacts_dir):
    total = projection.number_of_nodes()
    n_city = sum(1 for _, d in projection.nodes(data=True) if d["cls"] == "City")
    assert n_city
    city_edges = sum(1 for u, v in projection.edges() if "City" in
                     (projection.nodes[u]["cls"], projection.nodes[v]["cls"]))
    drawn = "dpView.network.body.edgeIndices.length"
    assert page.js(drawn) == projection.number_of_edges()
    page.page.click("#legend button[data-expand='places']")
    page.page.uncheck("#legend input[data-cls='City']")
    assert page.js("dpView.visibleCount()") == total - n_city
    assert page.js(drawn) == projection.number_of_edges() - city_edges  # no dangling edges
    assert f"显示 {total - n_city} / {total}" in page.page.inner_text("#status")
    page.page.check("#legend input[data-cls='City']")
    assert page.js("dpView.visibleCount()") == total
    assert page.js(drawn) == projection.number_of_edges()

    theme = next(t for _, d in projection.nodes(data=True) for t in d["themes"])
    expect = sum(1 for n, d in projection.nodes(data=True) if theme in d["themes"])
    page.page.select_option("#theme", theme)
    assert page.js("dpView.visibleCount()") == expect < total
    page.page.screenshot(path=str(artifacts_dir / "view-theme-filter.png"))
    page.page.click("#reset")
    assert page.js("dpView.visibleCount()") == total


def test_clicking_a_node_shows_properties_neighbours_and_sources(page, projection,
                                                                  artifacts_dir):
    tail = "/place/jinan"
    iri = next(n for n in projection if n.endswith(tail))
    idx = iri_index(page, tail)
    # click the node on the canvas itself, where vis-network drew it
    page.js("i => dpView.network.moveTo({position: dpView.network.getPositions([i])[i], "
            "scale: 1.5})", idx)
    page.page.wait_for_timeout(300)
    xy = page.js("i => dpView.network.canvasToDOM(dpView.network.getPositions([i])[i])", idx)
    box = page.page.locator("#net").bounding_box()
    page.page.mouse.click(box["x"] + xy["x"], box["y"] + xy["y"])
    page.page.wait_for_selector("#panel", state="visible")
    assert page.js("dpView.panelNode") == idx
    text = page.panel_text()
    d = projection.nodes[iri]
    assert d["label_zh"] in text and d["label_en"] in text
    src = d["sources"][0]
    assert src["title"] in text
    assert f"第 {src['paragraph']} 段" in text and f"{src['start']}–{src['end']}" in text
    for code in d["props"].get("dp:areaCode", []):
        assert str(code) in text
    neighbour = next(iter(set(projection.successors(iri)) | set(projection.predecessors(iri))))
    assert projection.nodes[neighbour]["label_zh"] in text
    page.page.screenshot(path=str(artifacts_dir / "view-panel-jinan.png"))
    # neighbours are links: following one opens its panel
    page.page.locator("#panel button.link", has_text=projection.nodes[neighbour]["label_zh"]
                      ).first.click()
    assert page.js("dpView.panelNode") == iri_index(page, neighbour)


def test_language_toggle(page, projection, artifacts_dir):
    idx = iri_index(page, "/place/jinan")
    assert page.js("i => dpView.labelText(i)", idx) == "济南市"
    page.page.click("#lang")
    assert page.js("i => dpView.labelText(i)", idx) == "Jinan"
    page.page.click("#legend button[data-expand='places']")
    legend = page.page.inner_text("#legend")
    assert "LEGEND" in legend.upper() and "City" in legend
    assert any(d["text"] == "Shandong Province" for d in _drawn(page))  # the canvas too
    assert page.js("document.documentElement.lang") == "en"
    page.js("i => dpView.select(i)", idx)
    assert page.page.inner_text("#panel h2") == "Jinan"
    page.page.screenshot(path=str(artifacts_dir / "view-english.png"))
    page.page.click("#lang")
    assert page.js("i => dpView.labelText(i)", idx) == "济南市"
    assert page.errors == []


def test_hostile_labels_render_as_text_and_run_nothing(browser, tmp_path, artifacts_dir):
    from test_view import XSS, XSS_EN, xss_quads

    from digiprov.store import memory_oxigraph
    from digiprov.view import write_view

    dest = tmp_path / "xss.html"
    write_view(memory_oxigraph(xss_quads()), dest, title="<img src=y onerror=alert(9)>")
    p = Page(browser, dest)
    try:
        idx = iri_index(p, "/place/xss")
        assert p.js("i => dpView.data.nodes[i].zh", idx) == XSS
        p.type_search("<img")
        assert p.js("dpView.hits") == [idx]
        assert XSS in p.page.inner_text("#results")
        p.page.click("#results button[data-node]")
        p.page.wait_for_selector("#panel", state="visible")
        assert p.page.inner_text("#panel h2") == XSS
        text = p.panel_text()
        assert XSS_EN in text and "<svg onload=alert(3)>" in text and "<i>Doc</i> & title" in text
        p.page.click("#lang")
        assert p.page.inner_text("#panel h2") == XSS_EN
        p.page.wait_for_timeout(300)
        p.page.screenshot(path=str(artifacts_dir / "view-xss.png"))
        assert p.dialogs == []
        assert p.js("document.querySelectorAll('img, svg, b, i').length") == 0
        assert p.js("document.querySelectorAll('script').length") == 6  # ours, none injected
        assert p.errors == [] and p.requests == [p.url]
    finally:
        p.close()


@pytest.mark.slow
def test_large_graph_is_interactive_without_physics(browser, tmp_path, artifacts_dir):
    from test_view import _synthetic

    from digiprov.view import PHYSICS_MAX_NODES, render_html

    n = PHYSICS_MAX_NODES * 3
    dest = tmp_path / "large.html"
    dest.write_text(render_html(_synthetic(n)), encoding="utf-8")
    p = Page(browser, dest, timeout_s=120)
    try:
        assert p.js("dpView.data.physics") is False
        assert p.js("dpView.nodes.length") == n
        assert not p.page.is_visible("#banner")  # no cut, nothing to say
        assert p.js("dpView.drawnLabels().length") >= 20
        p.type_search("节点17")
        assert p.js("dpView.hits")[0] == 17
        p.page.screenshot(path=str(artifacts_dir / "view-large.png"))
        assert p.errors == [] and p.requests == [p.url]
    finally:
        p.close()

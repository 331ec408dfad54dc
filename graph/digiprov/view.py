"""One self-contained, offline HTML page for exploring the graph (the only module using pyvis).

The page is built from the networkx projection (:func:`digiprov.projection.project`). pyvis is
where vis-network comes from (its package ships the library), but nothing else of it is used:
its HTML writer links Bootstrap from a CDN even with ``cdn_resources="in_line"``, copies a
``lib/`` folder beside the page in its default mode, writes in the locale's encoding and fills
nodes through ``add_node`` (quadratic), and its ``Network`` only holds the lists we build,
while importing it (jinja2 and all) took a tenth of a focused view's time. vis-network's
JS/CSS are read from the package files and inlined, the data travels as escaped JSON in
``<script type="application/json">``, and the page script (``templates/view.html``) draws the
canvas labels itself and renders every other label with ``textContent``.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import registry
from .atomic import atomic_file
from .cjk import CJK_RE
from .errors import EntityNotFound, InputError, QueryError
from .terms import local_name
from .vocab import DEF_NS

# Measured with scripts/bench_view in headless Chromium (2 cores): vis-network's barnesHut
# physics stabilises 1k nodes in a few seconds but 5k nodes take far too long to settle, and
# redrawing while dragging gets sluggish past ~2k; above this the layout is precomputed here
# and physics is off.
PHYSICS_MAX_NODES = 1000
# Node labels are drawn by the page itself (templates/view.html: at a fixed screen size,
# most connected first, none overlapping); edge labels live in the side panel.
HUB_EDGE_COLOUR = "rgba(140,140,140,0.12)"
HUB_EDGE_HIGHLIGHT = "rgba(60,60,60,0.45)"
# edges take a light tint of their subject's family, so bundles read by who states them
EDGE_COLOURS = {"places": "rgba(44,162,95,0.35)", "organisations": "rgba(33,102,172,0.35)",
                "programmes": "rgba(118,42,131,0.30)", "documents": "rgba(140,81,10,0.35)",
                "indicators": "rgba(53,151,143,0.30)", "events": "rgba(166,97,26,0.30)"}
# Edges at nodes of higher degree get longer springs in physics mode.
HUB_DEGREE = 8
# Above this the page is reduced to the most connected nodes (with a message saying so).
DEFAULT_MAX_NODES = 20000

TEMPLATE = Path(__file__).parent / "templates" / "view.html"
VIS_VERSION = "vis-9.1.2"
LABEL_PREDICATES = {"prefLabel", "altLabel", "label", "type"}

# class local name -> (colour, vis shape), from the registry (a class without a colour there,
# such as dp:Status or skos:Concept, gets a fallback colour).
CLASS_STYLE: dict[str, tuple[str, str]] = {
    c.name: (c.colour, c.shape)
    for c in (*registry.CLASSES.values(), *registry.OTHER_CLASSES.values()) if c.colour}
FALLBACK_COLOURS = ["#7570b3", "#1b9e77", "#d95f02", "#e6ab02", "#66a61e", "#a6761d",
                    "#666666", "#e7298a"]


def _std_labels() -> dict[str, tuple[str, str]]:
    # The page names predicates by local name; the registry's one table, dp: terms last so a
    # standard term keeps its own label where a dp: term shares its local name (the dataset's
    # ontology graph relabels dp: terms anyway, see term_labels).
    out: dict[str, tuple[str, str]] = {}
    for key, lab in sorted(registry.PREDICATE_LABELS.items(), key=lambda kv: kv[0][:3] == "dp:"):
        out.setdefault(key.partition(":")[2], lab)
    for c in registry.OTHER_CLASSES.values():
        out.setdefault(c.name, (c.zh, c.en))
    out.setdefault("Thing", ("其他", "other"))
    return out


# Labels for the predicates (and the classes without a dp: label) the ontology graph does not
# label, by local name.
STD_LABELS: dict[str, tuple[str, str]] = _std_labels()

_SEARCH_STRIP = re.compile(r"[\s'’\-_·.]+")


# ------------------------------------------------------------------ small helpers


def fmt_value(v: Any) -> str:
    """A property value as a person reads it (dates ISO, decimals without noise)."""
    if hasattr(v, "toPython"):  # an rdflib Literal (the projection gives Python values)
        v = v.toPython() if getattr(v, "datatype", None) else str(v)
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return format(v.normalize(), "f")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def search_key(text: str) -> str:
    """Normalised form the page matches queries against (lower case, no spaces/hyphens)."""
    return _SEARCH_STRIP.sub("", text.lower())


# CJK text may break between any two characters, but reads better after a comma or colon
# and before an opening bracket; a run of Latin letters or digits ("2018-2022", "5G") never
# breaks.
_BREAK_AFTER = set("，、；：。！？）》」』”,;:)")
_BREAK_BEFORE = set("（《「『“(")
_LATIN_RUN = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-/%+·]*|.", re.S)


def _cjk_lines(text: str, width: float, max_lines: int) -> tuple[list[str], bool]:
    tokens = _LATIN_RUN.findall(text)
    lines: list[str] = []
    i = 0
    while i < len(tokens) and len(lines) < max_lines:
        used, j, nice = 0.0, i, None
        while j < len(tokens):
            t = tokens[j]
            w = len(t) * 0.55 if t.isascii() else 1.0
            if used + w > width and j > i:
                break
            used += w
            j += 1
            if j < len(tokens) and (t in _BREAK_AFTER or tokens[j] in _BREAK_BEFORE):
                nice = j
        if j < len(tokens) and nice is not None and nice > i and \
                sum(len(t) * 0.55 if t.isascii() else 1.0 for t in tokens[i:nice]) >= width * 0.6:
            j = nice
        while j < len(tokens) and tokens[j] in _BREAK_AFTER:  # no line opens with "）" or "，"
            j += 1
        lines.append("".join(tokens[i:j]).strip())
        i = j
    return lines, i < len(tokens)


def wrap_label(text: str, *, width: int | None = None, max_lines: int = 3) -> str:
    """Break a canvas label into short lines (vis-network only wraps at spaces)."""
    text = " ".join(str(text).split())
    if not text:
        return ""
    cjk = bool(CJK_RE.search(text))
    width = width or (12 if cjk else 22)
    lines: list[str] = []
    if cjk:
        lines, truncated = _cjk_lines(text, width, max_lines)
    else:
        cur = ""
        words = text.split(" ")
        i = 0
        while i < len(words) and len(lines) < max_lines:
            w = words[i]
            if not cur:
                cur = w[:width * 2]
                i += 1
            elif len(cur) + 1 + len(w) <= width:
                cur += " " + w
                i += 1
            else:
                lines.append(cur)
                cur = ""
        if cur and len(lines) < max_lines:
            lines.append(cur)
        truncated = i < len(words)
    if truncated:
        lines[-1] = lines[-1].rstrip()[:-1] + "…"
    return "\n".join(lines)


def script_json(data: Any) -> str:
    """JSON safe inside <script type="application/json">: no '<', '>' or '&' can end or
    reopen the element, and U+2028/2029 cannot break older JS parsers."""
    s = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=fmt_value)
    return (s.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def class_style(cls: str) -> tuple[str, str]:
    if cls in CLASS_STYLE:
        return CLASS_STYLE[cls]
    return FALLBACK_COLOURS[sum(map(ord, cls)) % len(FALLBACK_COLOURS)], "dot"


def _first(values: Any) -> str:
    if isinstance(values, list | tuple):
        return fmt_value(values[0]) if values else ""
    return "" if values is None else fmt_value(values)


def _props_by_local(props: dict) -> dict[str, Any]:
    return {local_name(k): v for k, v in (props or {}).items()}


DETAIL_CLASSES = {"Milestone", "Observation", "Event", "PressConference", "PlenarySession",
                  "Meeting", "PolicyDocument"}


def nary_detail(cls: str, props: dict) -> str:
    """Second canvas line for n-ary nodes: '3月底前 · 2021-03-31', '突破 3万亿元 (十三五)'."""
    if cls not in DETAIL_CLASSES:
        return ""
    p = _props_by_local(props)
    if cls == "Milestone":
        parts = [_first(p.get("deadlineText")), _first(p.get("deadline"))]
    elif cls == "Observation":
        value = _first(p.get("valueText")) or _first(p.get("obsValue"))
        parts = [_first(p.get("qualifierText")), value, _first(p.get("periodText"))]
    elif cls in ("Event", "PressConference", "PlenarySession", "Meeting"):
        parts = [_first(p.get("dateText")), _first(p.get("startDate"))]
    elif cls == "PolicyDocument":
        parts = [_first(p.get("type_document")), _first(p.get("date_document"))]
    else:
        return ""
    seen: list[str] = []
    for x in parts:
        if x and x not in seen:
            seen.append(x)
    return " · ".join(seen)


# ------------------------------------------------------------------ labels from the dataset


def term_labels(ds) -> dict[str, tuple[str, str]]:
    """Local name -> (zh, en) label for every ontology term, falling back to STD_LABELS."""
    labels = dict(STD_LABELS)
    if ds is None:
        return labels
    try:
        res = ds.query(f"SELECT ?t ?l WHERE {{ GRAPH <{DEF_NS}> "
                       "{ ?t rdfs:label|skos:prefLabel ?l } }")
    except QueryError:  # a dataset without the ontology still renders, with built-in labels
        return labels
    found: dict[str, dict[str, str]] = {}
    for t, lab in res.rows:
        lang = getattr(lab, "language", None) or "en"
        found.setdefault(local_name(str(t)), {}).setdefault(lang, str(lab))
    for name, by_lang in found.items():
        zh = by_lang.get("zh") or labels.get(name, ("", ""))[0] or by_lang.get("en", name)
        en = by_lang.get("en") or labels.get(name, ("", ""))[1] or name
        labels[name] = (zh, en)
    return labels


PINYIN_FULL_MAX = 10  # longer labels get one reading per character (see _pinyin_keys_fn)


def _pinyin_keys_fn():
    """Pinyin search keys for a label. Names people type as pinyin are short (济南市,
    大数据局); those get lookup.pinyin_keys with every polyphonic reading. Long labels
    (observations, milestones) get the first reading of each character from a per-character
    cache: word-level pypinyin on 20k long labels took ~15 s of a 20 s page build."""
    from functools import lru_cache

    from pypinyin import Style, lazy_pinyin

    from .lookup import pinyin_keys as full

    @lru_cache(maxsize=65536)
    def char_py(ch: str) -> str:
        return lazy_pinyin(ch, style=Style.NORMAL)[0] if CJK_RE.match(ch) else ch

    def keys(text: str) -> list[str]:
        if len(text) <= PINYIN_FULL_MAX:
            return full(text)
        return ["".join(char_py(ch) for ch in text)]

    return keys


# ------------------------------------------------------------------ selecting the subgraph


def select_subgraph(G, ds=None, *, focus: str | None = None, depth: int = 1,
                    classes: Sequence[str] = (), themes: Sequence[str] = (),
                    focus_iri: str | None = None):
    """Apply --focus/--depth (as an ego graph of G), --class and --theme; returns
    (subgraph, focus IRI or None). ``focus_iri`` is a focus already applied: kept by the
    class and theme filters."""
    import networkx as nx

    if focus:
        focus_iri = _resolve(ds, G, focus)
        if focus_iri not in G:
            raise EntityNotFound(f"'{focus}' is {focus_iri}, which is not an entity in the view")
        if depth < 0:
            raise InputError(f"--depth must be 0 or more, not {depth}")
        G = nx.ego_graph(G, focus_iri, radius=depth, undirected=True)
    if classes:
        known = Counter(d.get("cls", "") for _, d in G.nodes(data=True))
        wanted = set()
        by_lower = {c.lower(): c for c in known}
        for c in classes:
            name = by_lower.get(local_name(c).lower())
            if name is None:
                raise InputError(f"--class {c}: no node of that class in the view (classes: "
                                 f"{', '.join(sorted(k for k in known if k))})")
            wanted.add(name)
        keep = [n for n, d in G.nodes(data=True) if d.get("cls") in wanted or n == focus_iri]
        G = G.subgraph(keep)
    if themes:
        wanted_t = set()
        for t in themes:
            iri = _resolve(ds, G, t)
            if not any(iri in (d.get("themes") or ()) for _, d in G.nodes(data=True)) \
                    and G.nodes.get(iri, {}).get("cls") != "Theme":
                raise InputError(f"--theme {t}: {iri} is not the theme of any node in the "
                                 "selection")
            wanted_t.add(iri)
        keep = [n for n, d in G.nodes(data=True)
                if n in wanted_t or n == focus_iri or wanted_t & set(d.get("themes") or ())]
        G = G.subgraph(keep)
    return G, focus_iri


def _resolve(ds, G, text: str) -> str:
    from .lookup import resolve

    return str(resolve(ds if ds is not None else G, text))


def reduce_graph(G, max_nodes: int, keep: Iterable[str] = ()):
    """Keep the ``max_nodes`` most connected nodes (and ``keep``); returns (graph, message)."""
    n = G.number_of_nodes()
    if not max_nodes or n <= max_nodes:
        return G, None
    keep = [k for k in keep if k in G]
    deg = sorted(G.degree, key=lambda nd: (-nd[1], str(nd[0])))
    chosen = set(keep)
    for node, _d in deg:
        if len(chosen) >= max_nodes:
            break
        chosen.add(node)
    msg = (f"showing the {len(chosen)} most connected of {n} nodes; narrow the view with "
           f"--focus/--class/--theme or raise --max-nodes")
    return G.subgraph(chosen), msg


# ------------------------------------------------------------------ the grouped layout

# Each class belongs to one family; a family has one hue (the legend's groups) and one
# region of the canvas, so places, organisations, documents and programmes never mix.
FAMILIES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    # family: (zh, en, classes), the registry's families and each class's ``style``
    f: (zh, en, tuple(c.name for c in (*registry.CLASSES.values(),
                                      *registry.OTHER_CLASSES.values())
                      if c.style == f and f != "other"))
    for f, (zh, en) in registry.FAMILIES.items()
}
FAMILY_OF = {c: f for f, (_zh, _en, cs) in FAMILIES.items() for c in cs}
# Families around the places, clockwise from the top: each family sits between the two it
# links to most (documents cite organisations and programmes; quotes and events name
# people; indicators measure programmes and places).
FAMILY_RING = ("documents", "programmes", "other", "indicators", "events", "organisations")
# classes drawn as a filter (the theme menu), not as nodes on the canvas
FILTER_CLASSES = frozenset({"Theme"})
NODE_SPACING = 80.0  # px of canvas per layout unit at scale 1
# A node whose degree is well above the graph's typical one (the province that everything
# "applies to") is a hub: its edges pull only weakly in the layout and are drawn faint, so
# they do not knot every family around it.
HUB_MIN_DEGREE = 8
HUB_MEAN_FACTOR = 4.0
ANCHOR_WEIGHT = 0.5  # pull of a node towards its family's place on the ring
ASPECT = 1.5  # the ring is an ellipse as wide as a screen beside the legend
AREA_PER_NODE = 1.6  # square layout units a node's region gets


def family(cls: str) -> str:
    return FAMILY_OF.get(cls, "other")


def hub_degree(degrees: Iterable[int]) -> float:
    """The degree from which a node counts as a hub (see HUB_MIN_DEGREE)."""
    ds = list(degrees)
    mean = sum(ds) / len(ds) if ds else 0.0
    return max(HUB_MIN_DEGREE, HUB_MEAN_FACTOR * mean)


def grouped_layout(G, *, spacing: float = NODE_SPACING, seed: int = 7
                   ) -> dict[Any, tuple[float, float]]:
    """Positions with the places in a disc in the middle and every other family in its own
    sector of a ring around them (FAMILY_RING), each region's area in proportion to its
    nodes and the whole an ellipse ASPECT times as wide as high. One Fruchterman-Reingold
    run (igraph) over the whole graph, each node bounded to its region's box and pulled by
    a pinned anchor at the region's middle: links inside a family keep its members
    together, links across families pull them to the sides facing each other (a programme
    sits by the agency that runs it), and nothing drifts off. Edges at hubs pull weakly
    (``hub_degree``). Deterministic for a seed."""
    import random

    import igraph as ig

    nodes = list(G.nodes)
    n = len(nodes)
    if n == 0:
        return {}
    index = {v: i for i, v in enumerate(nodes)}
    fam = [family(G.nodes[v].get("cls") or "") for v in nodes]
    counts = Counter(fam)
    degree = dict(G.degree)
    hub = hub_degree(degree.values())
    pairs: dict[tuple[int, int], float] = {}
    for u, v in G.edges():
        if u == v:
            continue
        a, b = sorted((index[u], index[v]))
        w = min(1.0, hub / max(degree[u], degree[v], 1))
        pairs[(a, b)] = max(pairs.get((a, b), 0.0), w)
    ring = [f for f in (*FAMILY_RING, *sorted(set(counts) - set(FAMILY_RING) - {"places"}))
            if counts[f]]
    # regions in layout units, where Fruchterman-Reingold keeps linked nodes about one unit
    # apart: AREA_PER_NODE square units each
    sx, sy = math.sqrt(ASPECT), 1 / math.sqrt(ASPECT)
    inner = math.sqrt(counts["places"] * AREA_PER_NODE / math.pi)
    boxes: dict[str, tuple[float, float, float, float]] = {}
    anchors: dict[str, tuple[float, float]] = {}
    sectors: dict[str, tuple[float, float, float, float]] = {"places": (0.0, 0.0, 0.0, inner)}
    if counts["places"]:
        anchors["places"] = (0.0, 0.0)
        boxes["places"] = (-inner * sx, -inner * sy, inner * sx, inner * sy)
    if ring:
        r_in = inner + (1.0 if counts["places"] else 0.0)
        ring_n = sum(counts[f] for f in ring)
        r_out = math.sqrt(r_in ** 2 + ring_n * AREA_PER_NODE / math.pi)
        if len(ring) == 1 and not counts["places"]:
            r_in = 0.0
        angle = -math.pi / 2 - math.pi * counts[ring[0]] / ring_n  # the first family on top
        for f in ring:
            span = 2 * math.pi * counts[f] / ring_n
            pts = [(r * math.cos(angle + span * t / 8), r * math.sin(angle + span * t / 8))
                   for r in (r_in, r_out) for t in range(9)]
            xs, ys = [x * sx for x, _ in pts], [y * sy for _, y in pts]
            boxes[f] = (min(xs), min(ys), max(xs), max(ys))
            mid, rm = angle + span / 2, (r_in + r_out) / 2
            anchors[f] = (rm * math.cos(mid) * sx, rm * math.sin(mid) * sy)
            sectors[f] = (angle, span, r_in, r_out)
            angle += span
    fams = sorted(anchors)
    anchor_index = {f: n + j for j, f in enumerate(fams)}
    edges = list(pairs)
    weights = [pairs[e] for e in edges]
    pull = [0.0] * n
    for (a, b), w in pairs.items():
        pull[a] += w
        pull[b] += w
    for i, f in enumerate(fam):
        # as strong as the node's own links together, so no family is dragged into another
        edges.append((i, anchor_index[f]))
        weights.append(ANCHOR_WEIGHT * max(1.0, pull[i]))
    rnd = random.Random(seed)
    random.seed(seed)  # igraph draws from Python's random module
    start = []
    for f in fam:
        x0, y0, x1, y1 = boxes[f]
        ax, ay = anchors[f]
        # start near the anchor, inside the box, so the run has little to undo
        start.append([ax + (rnd.random() - 0.5) * (x1 - x0) * 0.5,
                      ay + (rnd.random() - 0.5) * (y1 - y0) * 0.5])
    start += [list(anchors[f]) for f in fams]
    g = ig.Graph(n=n + len(fams), edges=edges)
    lay = g.layout_fruchterman_reingold(
        weights=weights, niter=max(150, min(600, 60000 // max(n, 1))), seed=start,
        minx=[boxes[f][0] for f in fam] + [anchors[f][0] for f in fams],
        maxx=[boxes[f][2] for f in fam] + [anchors[f][0] for f in fams],
        miny=[boxes[f][1] for f in fam] + [anchors[f][1] for f in fams],
        maxy=[boxes[f][3] for f in fam] + [anchors[f][1] for f in fams], grid="auto")
    coords = _fill_regions(lay.coords[:n], fam, sectors, sx, sy)
    return {v: (round(x * spacing, 1), round(y * spacing, 1))
            for v, (x, y) in zip(nodes, coords, strict=True)}


def _fill_regions(coords: Sequence[Sequence[float]], fam: list[str],
                  sectors: dict[str, tuple[float, float, float, float]], sx: float, sy: float
                  ) -> list[tuple[float, float]]:
    """Spread each family evenly over its region, keeping the order the force layout found:
    a node's angle and radius become their ranks within its family, mapped onto the
    sector's angles and (area-even) radii. Forces alone pack a large family into a knot at
    its anchor; this uses the region and keeps regions apart, and a programme that the
    forces put on the side facing its agency stays on that side."""
    members: dict[str, list[int]] = {}
    for i, f in enumerate(fam):
        members.setdefault(f, []).append(i)
    out: list[tuple[float, float]] = [(0.0, 0.0)] * len(fam)
    for f, idx in members.items():
        a0, span, r_in, r_out = sectors[f]
        mid = a0 + span / 2
        polar = []
        for i in idx:
            x, y = coords[i][0] / sx, coords[i][1] / sy
            rel = (math.atan2(y, x) - mid + math.pi) % (2 * math.pi) - math.pi
            polar.append((math.hypot(x, y), rel))
        m = len(idx)
        by_r = sorted(range(m), key=lambda j: (polar[j][0], idx[j]))
        by_a = sorted(range(m), key=lambda j: (polar[j][1], idx[j]))
        r_rank = {j: k for k, j in enumerate(by_r)}
        a_rank = {j: k for k, j in enumerate(by_a)}
        gap = min(0.05, span * 0.08)
        for j, i in enumerate(idx):
            q = (r_rank[j] + 0.5) / m
            r = math.sqrt(r_in ** 2 + (r_out ** 2 - r_in ** 2) * q)
            if span:
                theta = a0 + gap + (span - 2 * gap) * (a_rank[j] + 0.5) / m
            else:  # the places' disc keeps the angles the forces gave
                theta = mid + polar[j][1]
            out[i] = (r * math.cos(theta) * sx, r * math.sin(theta) * sy)
    return out


# ------------------------------------------------------------------ page data


def view_payload(G, *, labels: dict[str, tuple[str, str]] | None = None, lang: str = "zh",
                 title: str = "digiprov", focus: str | None = None,
                 message: str | None = None, physics: bool | None = None,
                 total_nodes: int | None = None,
                 theme_labels: dict[str, tuple[str, str]] | None = None,
                 ) -> tuple[dict, list[dict], list[dict]]:
    """The JSON the page script reads, plus the vis-network node and edge dicts."""
    labels = labels or dict(STD_LABELS)
    pinyin_keys = _pinyin_keys_fn()
    nodes = list(G.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    n_nodes = len(nodes)
    physics = bool(physics)
    pos = {} if physics else grouped_layout(G)
    degree = dict(G.degree)
    max_deg = max(degree.values(), default=1) or 1
    hub_at = hub_degree(degree.values())

    sources: list[list] = []
    source_index: dict[tuple, int] = {}

    def src_ids(items: Any) -> list[int]:
        out = []
        for s in items or ():
            if not isinstance(s, dict):
                s = {"statement": str(s)}
            key = (s.get("statement"), s.get("source"), s.get("paragraph"), s.get("start"),
                   s.get("end"))
            if key not in source_index:
                source_index[key] = len(sources)
                sources.append([s.get("title") or "", s.get("paragraph"), s.get("start"),
                                s.get("end"), s.get("statement") or "", s.get("source") or ""])
            out.append(source_index[key])
        return out

    class_count: Counter[str] = Counter()
    theme_set: dict[str, None] = {}
    info: list[dict] = []
    vis_nodes: list[dict] = []
    for i, n in enumerate(nodes):
        d = G.nodes[n]
        cls = d.get("cls") or "Thing"
        class_count[cls] += 1
        zh = str(d.get("label_zh") or d.get("label") or "")
        en = str(d.get("label_en") or "")
        props = d.get("props") or {}
        detail = nary_detail(cls, props)
        aliases = [str(a) for a in d.get("aliases") or ()]
        themes = [str(t) for t in d.get("themes") or ()]
        for t in themes:
            theme_set.setdefault(t, None)
        keys = {search_key(x) for x in [zh, en, *aliases] if x}
        for text in [zh, *aliases]:
            if text and CJK_RE.search(text):
                keys.update(search_key(k) for k in pinyin_keys(text) if k)
        keys.discard("")
        plist = []
        for k, vals in props.items():
            ln = local_name(k).split(".")[0]  # 'dcterms:temporal.start' -> 'temporal'
            if ln in LABEL_PREDICATES:
                continue
            vals = vals if isinstance(vals, list | tuple) else [vals]
            pz, pe = labels.get(ln, (ln, ln))
            plist.append([k, pz, pe, [fmt_value(v) for v in vals]])
        info.append({
            "iri": str(n), "cls": cls, "zh": zh or en or str(n), "en": en or zh or str(n),
            "al": aliases, "th": themes, "dt": detail, "p": plist,
            "s": src_ids(d.get("sources")), "k": sorted(keys), "deg": degree.get(n, 0),
        })
        colour, shape = class_style(cls)
        # vis scales the node size between the min/max in vis_options by "value"
        value = round(1 + 99 * math.sqrt(degree.get(n, 0) / max_deg), 1)
        node = {"id": i, "shape": shape, "color": colour, "value": value,
                "label": _canvas_label(zh or en or local_name(str(n)), detail, "zh"),
                "le": _canvas_label(en or zh or local_name(str(n)), detail, "en")}
        if n in pos:
            node["x"], node["y"] = pos[n]
        vis_nodes.append(node)

    vis_edges: list[dict] = []
    edge_info: list[list] = []
    for u, v, key, d in G.edges(keys=True, data=True):
        pred = str(d.get("predicate") or key)
        ln = local_name(pred)
        ez = str(d.get("label_zh") or labels.get(ln, (ln, ln))[0])
        ee = str(d.get("label_en") or labels.get(ln, (ln, ln))[1])
        edge = {"id": len(vis_edges), "from": index[u], "to": index[v],
                "color": {"color": EDGE_COLOURS.get(family(G.nodes[u].get("cls") or ""),
                                                    "rgba(120,120,120,0.35)")}}
        hub = max(degree.get(u, 0), degree.get(v, 0))
        if hub >= hub_at:
            # "applies to the province" says little drawn a hundred times: faint until the
            # hub or the other end is selected (vis-network then highlights it)
            edge["color"] = {"color": HUB_EDGE_COLOUR, "highlight": HUB_EDGE_HIGHLIGHT}
            edge["width"] = 0.6
            edge["arrows"] = {"to": {"enabled": False}}
        if physics and hub > HUB_DEGREE:
            # longer springs around hubs (the province, themes) spread their neighbours out
            # instead of piling them into one knot at the centre
            edge["length"] = round(150 + 25 * math.sqrt(hub - HUB_DEGREE))
        vis_edges.append(edge)
        edge_info.append([str(key), ez, ee, src_ids(d.get("sources"))])

    theme_list = []
    for t in theme_set:
        if theme_labels and t in theme_labels:
            theme_list.append([t, *theme_labels[t]])
            continue
        td = G.nodes.get(t, {})
        theme_list.append([t, str(td.get("label_zh") or local_name(t)),
                           str(td.get("label_en") or td.get("label_zh") or local_name(t))])
    theme_list.sort(key=lambda x: x[2])
    class_list = []
    for cls, cnt in sorted(class_count.items(), key=lambda kv: (-kv[1], kv[0])):
        colour, shape = class_style(cls)
        cz, ce = labels.get(cls, (cls, cls))
        class_list.append([cls, cz, ce[:1].upper() + ce[1:], colour, shape, cnt, family(cls)])
    family_list = [[f, fz, fe] for f, (fz, fe, _c) in FAMILIES.items()
                   if any(c[6] == f for c in class_list)]

    payload = {
        "title": title, "lang": lang if lang in ("zh", "en") else "zh",
        "physics": physics, "edgeLabels": False, "families": family_list,
        "message": message, "focus": index.get(focus) if focus else None,
        "total": total_nodes if total_nodes is not None else n_nodes,
        "classes": class_list, "themes": theme_list, "nodes": info, "edges": edge_info,
        "sources": sources,
    }
    return payload, vis_nodes, vis_edges


def _canvas_label(label: str, detail: str, lang: str) -> str:
    # an observation's label usually states its value already; add only what it lacks
    extra = [p for p in detail.split(" · ") if p and p not in label
             and (lang == "zh" or not CJK_RE.search(p))]  # an English label gets no Chinese
    text = wrap_label(label, max_lines=2 if extra else 3)
    return text + ("\n" + " · ".join(extra) if extra else "")


# ------------------------------------------------------------------ pyvis + template


def vis_options(*, physics: bool, edge_labels: bool) -> dict:
    # Labels scale with node importance and are not drawn below ~7 px, so a zoomed-out view
    # shows the hubs' names instead of a blur; zooming in reveals the rest and edge labels.
    return {
        "autoResize": True,
        "nodes": {"borderWidth": 1, "scaling": {"min": 7, "max": 30}},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                  # many overlapping edges in a large graph would paint a grey slab
                  "color": {"color": "#b8b8b8" if physics else "rgba(150,150,150,0.3)",
                            "highlight": "#333333", "hover": "#666666"},
                  "font": {"size": 11, "color": "#555555", "strokeWidth": 3,
                           "align": "middle"} if edge_labels else {"size": 0},
                  "hoverWidth": 2,
                  "scaling": {"label": {"enabled": True, "drawThreshold": 8}},
                  "smooth": {"enabled": physics, "type": "continuous"}, "width": 1,
                  "selectionWidth": 2},
        "interaction": {"hover": True, "tooltipDelay": 10 ** 9, "hideEdgesOnDrag": not physics,
                        "navigationButtons": False, "keyboard": False},
        "physics": {"enabled": physics, "solver": "barnesHut",
                    "barnesHut": {"gravitationalConstant": -9000, "centralGravity": 0.15,
                                  "springLength": 150, "springConstant": 0.03,
                                  "damping": 0.2, "avoidOverlap": 0.6},
                    "stabilization": {"enabled": physics, "iterations": 400,
                                      "updateInterval": 50, "fit": True}},
        "layout": {"improvedLayout": False, "randomSeed": 7},
    }


def vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS as shipped inside the pyvis package (found, not imported)."""
    from importlib.util import find_spec

    spec = find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise InputError("the pyvis package (which ships vis-network) is not installed")
    lib = Path(next(iter(spec.submodule_search_locations))) / "lib" / VIS_VERSION
    try:
        js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
        css = (lib / "vis-network.css").read_text(encoding="utf-8")
    except OSError as e:  # pragma: no cover - a broken pyvis install
        raise InputError(f"cannot read vis-network from the pyvis package ({lib}): {e}") from None
    if "</script" in js.lower() or "</style" in css.lower():  # pragma: no cover
        raise InputError("the bundled vis-network cannot be inlined safely")
    return js, css


def render_html(G, *, labels: dict[str, tuple[str, str]] | None = None, lang: str = "zh",
                title: str = "digiprov", focus: str | None = None,
                message: str | None = None, physics: bool | None = None,
                total_nodes: int | None = None,
                theme_labels: dict[str, tuple[str, str]] | None = None) -> str:
    """The whole page for a projection graph, as one string."""
    payload, vis_nodes, vis_edges = view_payload(
        G, labels=labels, lang=lang, title=title, focus=focus, message=message,
        physics=physics, total_nodes=total_nodes, theme_labels=theme_labels)
    options = vis_options(physics=payload["physics"], edge_labels=payload["edgeLabels"])
    js, css = vis_assets()
    parts = {
        "TITLE": html.escape(title),
        "LANG": "zh-CN" if payload["lang"] == "zh" else "en",
        "VIS_CSS": css,
        "VIS_JS": js,
        "DATA": script_json(payload),
        "VIS_NODES": script_json(vis_nodes),
        "VIS_EDGES": script_json(vis_edges),
        "VIS_OPTIONS": script_json(options),
    }
    template = TEMPLATE.read_text(encoding="utf-8")
    # one pass, so text substituted in is never scanned for further placeholders
    return re.sub(r"@@([A-Z_]+)@@", lambda m: parts[m.group(1)], template)


def write_view(ds, dest: str | Path | None, *, focus: str | None = None, depth: int = 1,
               classes: Sequence[str] = (), themes: Sequence[str] = (), lang: str = "zh",
               max_nodes: int = DEFAULT_MAX_NODES, title: str | None = None,
               physics: bool | None = None) -> str:
    """Select, project, render and write the page atomically; returns a summary line.

    Without ``focus`` the whole projection is drawn; with it, only the entities within
    ``depth`` hops are read from the store (:func:`digiprov.projection.neighbourhood`), so a
    focused page costs what it shows. Themes are the page's filter, not nodes: they are
    neither drawn nor walked through."""
    from .projection import _gc_paused

    with _gc_paused():  # a page is millions of small objects, none in a cycle
        return _write_view(ds, dest, focus=focus, depth=depth, classes=classes, themes=themes,
                           lang=lang, max_nodes=max_nodes, title=title, physics=physics)


def _write_view(ds, dest, *, focus, depth, classes, themes, lang, max_nodes, title, physics):
    from .projection import neighbourhood, project, project_nodes

    if lang not in ("zh", "en"):
        raise InputError(f"--lang must be zh or en, not {lang!r}")
    if max_nodes < 0:
        raise InputError(f"--max-nodes must be 0 (no limit) or more, not {max_nodes}")
    if depth < 0:
        raise InputError(f"--depth must be 0 or more, not {depth}")
    wanted_filters = {c.lower() for c in classes} & {c.lower() for c in FILTER_CLASSES}
    skip = set() if wanted_filters else set(FILTER_CLASSES)
    if focus:
        focus_iri = _resolve(ds, None, focus)
        dist = neighbourhood(ds, focus_iri, depth, skip_classes=skip)
        G = project_nodes(ds, dist, lang=lang)
        if focus_iri not in G:
            raise EntityNotFound(f"'{focus}' is {focus_iri}, which is not an entity in the view")
    else:
        focus_iri = None
        G = project(ds, nary="keep", lang=lang)
        if skip:
            G = G.subgraph([n for n, c in G.nodes(data="cls") if c not in skip])
    theme_labels = _theme_labels(ds, G, lang)
    G, _ = select_subgraph(G, ds, classes=classes, themes=themes, focus_iri=focus_iri)
    selected = G.number_of_nodes()
    G, message = reduce_graph(G, max_nodes, keep=[focus_iri] if focus_iri else [])
    if G.number_of_nodes() == 0:
        raise InputError("nothing to show: the selection (--focus/--class/--theme) is empty")
    page = render_html(G, labels=term_labels(ds), lang=lang, title=title or "digiprov",
                       focus=focus_iri, message=message, physics=physics,
                       total_nodes=selected, theme_labels=theme_labels)
    with atomic_file(dest, "w", encoding="utf-8") as fh:
        fh.write(page)
    mode = "physics" if physics else "grouped layout"
    summary = (f"wrote {G.number_of_nodes()} nodes, {G.number_of_edges()} edges ({mode}) "
               f"to {dest or 'stdout'}")
    return summary + (f"; {message}" if message else "")


def _theme_labels(ds, G, lang: str) -> dict[str, tuple[str, str]]:
    """Theme IRI -> (zh, en) for every theme a shown node carries (themes are not nodes)."""
    from .projection import SubjectReader

    reader = SubjectReader(ds, lang)
    out = {}
    for t in sorted({t for _n, ts in G.nodes(data="themes") for t in ts or ()}):
        lab = G.nodes[t] if t in G else reader.labels(t)
        zh = lab.get("label_zh") if t in G else lab.get("zh")
        en = lab.get("label_en") if t in G else lab.get("en")
        out[t] = (zh or en or local_name(t), en or zh or local_name(t))
    return out


def export_html(ds, dest: Path | None, **options) -> str:
    """``digiprov export -f html``: the whole graph as the interactive page."""
    return write_view(ds, dest, **options)


__all__ = ["write_view", "render_html", "view_payload", "select_subgraph", "reduce_graph",
           "grouped_layout", "script_json", "wrap_label", "nary_detail", "PHYSICS_MAX_NODES",
           "DEFAULT_MAX_NODES"]

"""Network analytics and the timeline, over the one projection
(:func:`digiprov.projection.project`).

Every function takes the projected graph and returns a :class:`Report` (columns + rows +
a note for stderr + an exit code) that :func:`render` prints as a table, CSV or JSON.

Analysis graph (central, path, neighbours, communities): the projection with n-ary nodes
collapsed into labelled edges (``nary="collapse"``, change with ``nary="keep"``) and without
theme nodes and ``dp:theme`` edges unless ``themes=True`` — five themes touch nearly every
entity, so with them every shortest path runs through a theme and every hub is a theme.

Exit codes of the reports: 0 answered; 1 no answer exists (empty graph, no connection, nothing
dated in the range); 2 bad input (unknown or ambiguous entity, bad date, unknown class —
raised as typed errors).
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from .errors import InputError
from .sparql import display_width as _width

BETWEENNESS_EXACT_MAX = 1000  # nodes; above this betweenness samples BETWEENNESS_SAMPLES pivots
BETWEENNESS_SAMPLES = 100
# Equally long paths beyond --max that are still compared to choose among ties.
TIE_CAP = 50
MEASURES = ("degree", "betweenness", "pagerank")

HEADERS = {
    "rank": ("排名", "rank"), "iri": ("IRI", "IRI"), "label": ("名称", "name"),
    "cls": ("类型", "class"), "score": ("得分", "score"), "degree": ("连接数", "degree"),
    "path": ("路径", "path"), "hops": ("步数", "hops"), "n": ("序号", "#"),
    "distance": ("距离", "distance"), "via": ("关系", "via"), "from": ("经由", "from"),
    "community": ("社区", "community"), "size": ("规模", "size"),
    "date": ("日期", "date"), "end": ("截止", "end"), "kind": ("类别", "kind"),
    "status": ("状态", "status"), "detail": ("说明", "detail"),
}
KINDS = {  # timeline item kind -> (zh, en)
    "period": ("实施期", "period"), "plan": ("规划期", "plan period"),
    "deadline": ("完成时限", "deadline"), "event": ("活动", "event"),
    "indicator": ("指标期", "indicator period"), "document": ("发文日期", "document date"),
    "launch": ("提出年份", "launched"),
}
STATUS = {
    "in-force": ("实施中", "in force"),
    "overdue": ("已逾期（完成情况未知）", "overdue, status unknown"),
    "due": ("未到期（完成情况未知）", "due, status unknown"),
}
PLAN_CLASSES = {"PolicyDocument"}


@dataclass
class Report:
    """What a command prints: ``rows`` (dicts) under ``columns``, ``note`` for stderr."""

    kind: str
    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""
    exit_code: int = 0
    meta: dict[str, Any] = field(default_factory=dict)


def _t(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]


# ------------------------------------------------------------------ graphs


def load_graph(ds: Any, *, lang: str = "zh", nary: str = "collapse", themes: bool = False):
    """The analysis graph: the projection, n-ary nodes collapsed, themes dropped by default."""
    from .projection import project

    return analysis_graph(project(ds, nary="keep", lang=lang), nary=nary, themes=themes)


def analysis_graph(G: Any, *, nary: str = "collapse", themes: bool = False):
    """Turn a keep-mode projection into the analysis graph, in place (and return it), so a
    command can resolve names against every entity first and project only once."""
    from .projection import collapse

    if nary == "collapse":
        collapse(G)
    if not themes:
        G.remove_nodes_from([n for n, c in G.nodes(data="cls") if c == "Theme"])
        G.remove_edges_from([e for e in G.edges(keys=True) if e[2] == "dp:theme"])
    return G


def simple_undirected(G: Any):
    """One undirected edge per connected pair (paths and centrality ignore direction)."""
    import networkx as nx

    U = nx.Graph()
    U.add_nodes_from(G.nodes)
    U.add_edges_from((u, v) for u, v in G.edges() if u != v)
    return U


def _label(G: Any, n: str, lang: str) -> str:
    from .projection import node_label

    return node_label(G, n, lang)


def _empty(kind: str, columns: list[str], lang: str) -> Report:
    msg = ("图为空：数据集中没有实体（先运行 'digiprov build'）" if lang == "zh" else
           "the graph is empty: the dataset has no entities (run 'digiprov build' first)")
    return Report(kind, columns, [], msg, 1)


class LocalGraph:
    """The analysis graph around a few entities, read from the store as far as a question
    needs it: ``expand(n)`` reads n's relations (and the n-ary nodes through which it is
    linked), ``graph()`` projects what was read. Every expanded entity keeps all of its
    edges of the full analysis graph, so answers that only look that far are exact."""

    def __init__(self, ds: Any, *, lang: str = "zh", nary: str = "collapse",
                 themes: bool = False, reader: Any = None):
        from .projection import SubjectReader

        self.ds, self.lang, self.nary, self.themes = ds, lang, nary, themes
        self.reader = reader or SubjectReader(ds, lang)
        self.members: set[str] = set()
        self._closed: set[str] = set()
        self._nbrs: dict[str, list[str]] = {}

    def _cls(self, n: str) -> str:
        from .terms import local_name

        return local_name(self.reader.cls(n) or "")

    def _is_nary(self, n: str) -> bool:
        from .projection import COLLAPSE_RULES

        return self._cls(n) in COLLAPSE_RULES

    def add(self, n: str) -> None:
        """Make n a node of the graph; an n-ary node brings every entity it points to, so
        that it collapses here as it does in the whole graph."""
        from .projection import node_links

        todo = [n]
        while todo:
            x = todo.pop()
            self.members.add(x)
            if self.nary == "collapse" and x not in self._closed and self._is_nary(x):
                self._closed.add(x)
                todo.extend(o for _p, o, d in node_links(self.reader, x)
                            if d == "out" and o not in self.members)

    def expand(self, n: str) -> list[str]:
        """n's neighbours in the analysis graph, sorted."""
        from .projection import collapse_ends, node_links, short

        got = self._nbrs.get(n)
        if got is not None:
            return got
        self.add(n)
        nbrs: set[str] = set()
        for _p, m, _d in node_links(self.reader, n):
            cls = self._cls(m)
            if cls == "Theme" and not self.themes:
                continue
            if self.nary == "collapse" and self._is_nary(m):
                self.add(m)
                links: dict[str, list[str]] = defaultdict(list)
                for p2, o2, d2 in node_links(self.reader, m):
                    if d2 == "out":
                        links[short(p2)].append(o2)
                for vs in links.values():
                    vs.sort()
                anchor, ends = collapse_ends(cls, links, self._is_nary)
                if anchor is None:
                    continue
                if n == anchor:
                    nbrs.update(ends)
                elif n in ends:
                    nbrs.add(anchor)
                continue
            nbrs.add(m)
        if not self.themes:
            nbrs = {m for m in nbrs if self._cls(m) != "Theme"}
        nbrs.discard(n)
        for m in nbrs:
            self.add(m)
        got = self._nbrs[n] = sorted(nbrs)
        return got

    def graph(self):
        from .projection import project_nodes

        G = project_nodes(self.ds, self.members, lang=self.lang, reader=self.reader)
        return analysis_graph(G, nary=self.nary, themes=self.themes)


def _check_entity(local: LocalGraph, iri: str) -> None:
    """The errors :func:`_require` gives on the whole graph, for an entity not read yet."""
    if not local.reader.is_node(iri):
        raise InputError(f"{iri.split('/id/', 1)[-1]} is not in the analysis graph")
    cls = local._cls(iri)
    if cls == "Theme" and not local.themes:
        _require(_Named(local.nary), iri, theme=True)
    if local.nary == "collapse" and local._is_nary(iri):
        _require(_Named(local.nary), iri, nary=True)


class _Named:
    """Stands in for a graph in :func:`_require` (only its ``nary`` setting is read)."""

    def __init__(self, nary: str):
        self.graph = {"nary": nary}

    def __contains__(self, _iri: str) -> bool:
        return False


HUB_LINKS = 200  # quads pointing at an entity above which its reading is put off


def paths_in(ds: Any, a: str, b: str, *, max_paths: int = 3, lang: str = "zh",
             nary: str = "collapse", themes: bool = False) -> Report:
    """:func:`paths` without projecting the dataset: the analysis graph is read outwards
    from a and b until the ``max_paths`` shortest connections are certain.

    With X the entities read so far and F the entities seen next to them but not read, a
    connection that is not yet visible must step from one entity of F to another one of F,
    so it is at least ``min(dA(f) + 1 + dB(f'))`` long over f != f' in F (distances in what
    was read). Reading stops once the last path kept is shorter than that bound, or F is
    empty. Entities on the tight pairs are read next, hubs (the province, the country) last:
    a path through a hub is found from the hub's other neighbours without reading the
    thousands of links of the hub itself."""
    import networkx as nx

    if max_paths < 1:
        raise InputError(f"--max must be at least 1, not {max_paths}")
    local = LocalGraph(ds, lang=lang, nary=nary, themes=themes)
    for x in (a, b):
        _check_entity(local, x)
    if a == b:
        raise InputError("the two entities are the same; give two different ones")
    local.add(a)
    local.add(b)
    local.expand(a)
    local.expand(b)
    inf = float("inf")
    links: dict[str, int] = {}

    def hubness(n: str) -> int:
        if n not in links:
            links[n] = local.reader.incoming_count(n)
        return links[n]

    while True:
        U = nx.Graph()
        for x, nbrs in local._nbrs.items():
            U.add_node(x)
            U.add_edges_from((x, m) for m in nbrs)
        frontier = [n for n in U if n not in local._nbrs]
        found = _k_shortest(U, a, b, max_paths)
        if not frontier:
            break
        da = nx.single_source_shortest_path_length(U, a)
        db = nx.single_source_shortest_path_length(U, b)
        best_a = sorted((da.get(f, inf), f) for f in frontier)[:2]
        best_b = sorted((db.get(f, inf), f) for f in frontier)[:2]
        bound, tight = inf, set()
        for x, fa in best_a:
            for y, fb in best_b:
                if fa != fb and x + 1 + y <= bound:
                    if x + 1 + y < bound:
                        bound, tight = x + 1 + y, set()
                    tight.update((fa, fb))
        longest = len(found[-1]) - 1 if found else inf
        if bound == inf or (len(found) == max_paths and longest < bound):
            break
        # every entity as close as the tight pair, on either side; hubs only if nothing else
        level_a, level_b = best_a[0][0], best_b[0][0]
        todo = [f for f in frontier if da.get(f, inf) == level_a or db.get(f, inf) == level_b]
        small = [f for f in todo if hubness(f) <= HUB_LINKS]
        for n in small or [min(todo, key=lambda f: (hubness(f), f))]:
            local.expand(n)
    H = local.graph()
    report = paths(H, a, b, max_paths=max_paths, lang=lang)
    report.meta["read_entities"] = len(local.members)
    return report


def _k_shortest(U: Any, a: str, b: str, k: int) -> list[list[str]]:
    import itertools

    import networkx as nx

    if a not in U or b not in U:
        return []
    try:
        return list(itertools.islice(nx.shortest_simple_paths(U, a, b), k))
    except nx.NetworkXNoPath:
        return []


def neighbours_in(ds: Any, a: str, *, depth: int = 1, lang: str = "zh",
                  nary: str = "collapse", themes: bool = False) -> Report:
    """:func:`neighbours` without projecting the dataset: the entities within ``depth - 1``
    hops of a are expanded (all their edges read), which is all the breadth-first search
    looks at."""
    if depth < 1:
        raise InputError(f"--depth must be at least 1, not {depth}")
    local = LocalGraph(ds, lang=lang, nary=nary, themes=themes)
    _check_entity(local, a)
    local.add(a)
    seen, frontier = {a}, [a]
    for _ in range(depth - 1):
        nxt = []
        for n in frontier:
            for m in local.expand(n):
                if m not in seen:
                    seen.add(m)
                    nxt.append(m)
        frontier = nxt
    for n in frontier:
        local.expand(n)
    report = neighbours(local.graph(), a, depth=depth, lang=lang)
    report.meta["read_entities"] = len(local.members)
    return report


# ------------------------------------------------------------------ centrality


def pagerank(G: Any, alpha: float = 0.85, tol: float = 1.0e-6, max_iter: int = 100
             ) -> dict[str, float]:
    """PageRank by power iteration in pure Python (networkx's own needs scipy, which the
    project does not depend on). Parallel edges count as weight; dangling mass is spread
    uniformly."""
    nodes = list(G.nodes)
    n = len(nodes)
    if n == 0:
        return {}
    out_w: dict[str, Counter] = {u: Counter() for u in nodes}
    for u, v in G.edges():
        out_w[u][v] += 1
    out_sum = {u: sum(c.values()) for u, c in out_w.items()}
    rank = dict.fromkeys(nodes, 1.0 / n)
    for _ in range(max_iter):
        dangling = alpha * sum(rank[u] for u in nodes if out_sum[u] == 0) / n
        nxt = dict.fromkeys(nodes, (1.0 - alpha) / n + dangling)
        for u, targets in out_w.items():
            if out_sum[u]:
                share = alpha * rank[u] / out_sum[u]
                for v, w in targets.items():
                    nxt[v] += share * w
        err = sum(abs(nxt[u] - rank[u]) for u in nodes)
        rank = nxt
        if err < n * tol:
            break
    return rank


def central(G: Any, *, measure: str = "degree", cls: str | None = None, top: int = 10,
            lang: str = "zh", samples: int | None = None, seed: int = 42) -> Report:
    """The ``top`` most central entities by ``measure`` (optionally of one class).

    degree: networkx degree centrality of the undirected simple graph (share of the other
    entities an entity is linked to). betweenness: exact up to BETWEENNESS_EXACT_MAX nodes,
    else estimated from ``samples`` pivots (default BETWEENNESS_SAMPLES, seeded). pagerank:
    on the directed graph (edges point from the describing entity to the described one)."""
    import networkx as nx

    cols = ["rank", "label", "cls", "score", "degree", "iri"]
    if measure not in MEASURES:
        raise InputError(f"unknown measure '{measure}' (use {', '.join(MEASURES)})")
    if top < 1:
        raise InputError(f"--top must be at least 1, not {top}")
    if G.number_of_nodes() == 0:
        return _empty("central", cols, lang)
    wanted = _class_filter(G, cls)
    U = simple_undirected(G)
    meta: dict[str, Any] = {"measure": measure, "nodes": U.number_of_nodes(),
                            "edges": U.number_of_edges()}
    if measure == "degree":
        scores = nx.degree_centrality(U)
    elif measure == "betweenness":
        n = U.number_of_nodes()
        k = None
        if n > BETWEENNESS_EXACT_MAX:
            k = min(n, samples or BETWEENNESS_SAMPLES)
        elif samples:
            k = min(n, samples)
        meta["samples"] = k
        scores = nx.betweenness_centrality(U, k=k, seed=seed)
    else:
        scores = pagerank(G)
    ranked = sorted((n for n in scores if wanted is None or G.nodes[n]["cls"] in wanted),
                    key=lambda n: (-scores[n], n))[:top]
    rows = [{"rank": i + 1, "label": _label(G, n, lang), "cls": G.nodes[n]["cls"],
             "score": round(scores[n], 6), "degree": U.degree(n), "iri": n}
            for i, n in enumerate(ranked)]
    note = ""
    if meta.get("samples"):
        note = (f"介数为抽样估计（{meta['samples']} 个样本）" if lang == "zh" else
                f"betweenness estimated from {meta['samples']} sampled pivots")
    if not rows:
        note = ("没有该类型的实体" if lang == "zh" else "no entity of that class")
        return Report("central", cols, [], note, 1, meta)
    return Report("central", cols, rows, note, 0, meta)


def _class_filter(G: Any, cls: str | None) -> set[str] | None:
    if not cls:
        return None
    have = sorted({c for _n, c in G.nodes(data="cls")})
    wanted = {c for c in have if c.casefold() == cls.casefold()}
    if not wanted:
        raise InputError(f"unknown class '{cls}' (classes in the graph: {', '.join(have)})")
    return wanted


# ------------------------------------------------------------------ paths


def _require(G: Any, iri: str, *, nary: bool = False, theme: bool = False) -> None:
    if iri in G:
        return
    tail = iri.split("/id/", 1)[-1]
    if G.graph.get("nary") == "collapse" and (nary or tail.split("/")[0] in (
            "milestone", "observation", "membership", "quote", "recognition")):
        raise InputError(f"{tail} is an n-ary node, collapsed into edges here; "
                         "use --nary keep to analyse it as a node")
    if theme or tail.startswith("theme/"):
        raise InputError(f"{tail} is a theme, left out of the analysis graph; use --themes")
    raise InputError(f"{tail} is not in the analysis graph")


def _hop(G: Any, u: str, v: str, lang: str) -> str:
    """``—label→`` or ``←label—`` for the edge(s) between u and v, in their real direction."""
    from .projection import edge_label

    parts = []
    for a, b, arrow in ((u, v, "fwd"), (v, u, "back")):
        if G.has_edge(a, b):
            for k in sorted(G[a][b]):
                lab = edge_label(G[a][b][k], lang) or k
                parts.append(f"—{lab}→" if arrow == "fwd" else f"←{lab}—")
    return " ".join(parts[:1]) if parts else "—"


def explain_path(G: Any, path: list[str], lang: str) -> str:
    """济南市 —位于→ 山东省 ←适用地域— …: labels with each edge in its real direction."""
    out = [_label(G, path[0], lang)]
    for u, v in zip(path, path[1:], strict=False):
        out.append(_hop(G, u, v, lang))
        out.append(_label(G, v, lang))
    return " ".join(out)


def paths(G: Any, a: str, b: str, *, max_paths: int = 3, lang: str = "zh") -> Report:
    """Up to ``max_paths`` shortest connections between a and b (shortest first; edges
    treated as undirected to find them, shown in their real direction)."""
    import itertools

    import networkx as nx

    cols = ["n", "hops", "path"]
    if max_paths < 1:
        raise InputError(f"--max must be at least 1, not {max_paths}")
    if G.number_of_nodes() == 0:
        return _empty("path", cols, lang)
    for x in (a, b):
        _require(G, x)
    if a == b:
        raise InputError("the two entities are the same; give two different ones")
    U = simple_undirected(G)
    found: list[list[str]] = []
    try:
        # Yen's algorithm yields paths shortest first, but which of several equally long
        # ones comes first depends on the graph's insertion order; taking every path as
        # long as the last one kept and sorting makes the answer the same on any graph
        # that holds these paths (the whole projection or the part read around a and b).
        for p in itertools.islice(nx.shortest_simple_paths(U, a, b), max_paths + TIE_CAP):
            if len(found) >= max_paths and len(p) > len(found[max_paths - 1]):
                break
            found.append(p)
    except nx.NetworkXNoPath:
        found = []
    found = sorted(found, key=lambda p: (len(p), p))[:max_paths]
    if not found:
        la, lb = _label(G, a, lang), _label(G, b, lang)
        note = (f"{la} 与 {lb} 之间没有连接（二者位于不同的连通分量）" if lang == "zh" else
                f"no connection between {la} and {lb} (they are in different components)")
        return Report("path", cols, [], note, 1)
    rows = [{"n": i + 1, "hops": len(p) - 1, "path": explain_path(G, p, lang), "nodes": p}
            for i, p in enumerate(found)]
    return Report("path", cols, rows)


# ------------------------------------------------------------------ neighbours


def neighbours(G: Any, a: str, *, depth: int = 1, lang: str = "zh") -> Report:
    """Entities within ``depth`` hops of a (undirected), nearest first, with the relation
    that reached each one."""
    cols = ["distance", "label", "cls", "via", "from", "iri"]
    if depth < 1:
        raise InputError(f"--depth must be at least 1, not {depth}")
    _require(G, a)
    U = simple_undirected(G)
    dist = {a: 0}
    parent: dict[str, str] = {}
    queue = deque([a])
    while queue:
        u = queue.popleft()
        if dist[u] >= depth:
            continue
        for v in sorted(U[u]):
            if v not in dist:
                dist[v] = dist[u] + 1
                parent[v] = u
                queue.append(v)
    rows = []
    for n in sorted((n for n in dist if n != a),
                    key=lambda n: (dist[n], G.nodes[n]["cls"], _label(G, n, lang))):
        p = parent[n]
        rows.append({"distance": dist[n], "label": _label(G, n, lang), "cls": G.nodes[n]["cls"],
                     "via": _hop(G, p, n, lang), "from": _label(G, p, lang), "iri": n})
    if not rows:
        note = (f"{_label(G, a, lang)} 没有相连的实体" if lang == "zh" else
                f"{_label(G, a, lang)} has no connected entity")
        return Report("neighbours", cols, [], note, 1)
    return Report("neighbours", cols, rows)


# ------------------------------------------------------------------ communities


def communities(G: Any, *, seed: int = 42, resolution: float = 1.0, lang: str = "zh",
                members: int | None = None) -> Report:
    """Louvain communities of the undirected graph (seeded: same input, same answer),
    largest first; inside each, members by degree. Isolated entities are left out."""
    import networkx as nx

    cols = ["community", "size", "label", "cls", "degree", "iri"]
    if G.number_of_nodes() == 0:
        return _empty("communities", cols, lang)
    U = simple_undirected(G)
    U.remove_nodes_from([n for n, d in U.degree() if d == 0])
    if U.number_of_nodes() == 0:
        note = ("图中没有任何关系，无法划分社区" if lang == "zh" else
                "the graph has no relations: no communities")
        return Report("communities", cols, [], note, 1)
    comms = nx.community.louvain_communities(U, seed=seed, resolution=resolution)
    comms = sorted(comms, key=lambda c: (-len(c), min(c)))
    rows = []
    for i, c in enumerate(comms, 1):
        ordered = sorted(c, key=lambda n: (-U.degree(n), n))
        for n in ordered[:members] if members else ordered:
            rows.append({"community": i, "size": len(c), "label": _label(G, n, lang),
                         "cls": G.nodes[n]["cls"], "degree": U.degree(n), "iri": n})
    meta = {"communities": len(comms), "modularity": round(
        nx.community.modularity(U, comms), 4), "seed": seed}
    note = (f"{len(comms)} 个社区，模块度 {meta['modularity']}" if lang == "zh" else
            f"{len(comms)} communities, modularity {meta['modularity']}")
    return Report("communities", cols, rows, note, 0, meta)


# ------------------------------------------------------------------ timeline


def parse_date(text: str | None, what: str) -> _dt.date | None:
    """``2021-03-31``, ``2021-03`` (first day) or ``2021`` (1 January)."""
    if text is None:
        return None
    t = text.strip()
    try:
        if len(t) == 4 and t.isdigit():
            return _dt.date(int(t), 1, 1)
        if len(t) == 7:
            return _dt.date.fromisoformat(t + "-01")
        return _dt.date.fromisoformat(t)
    except ValueError:
        raise InputError(f"{what}: '{text}' is not a date (use YYYY-MM-DD, YYYY-MM or YYYY)"
                         ) from None


def timeline_items(G: Any, lang: str = "zh") -> list[dict[str, Any]]:
    """Every dated item of the (keep-mode) projection: plan and other periods, milestone
    deadlines, events, indicator periods, document dates, launch years."""
    items = []
    for n, d in G.nodes(data=True):
        props, cls = d["props"], d["cls"]
        base = {"label": _label(G, n, lang), "cls": cls, "iri": n}

        def add(kind: str, start: Any, end: Any = None, detail: str = "",
                _base: dict = base) -> None:
            items.append({**_base, "kind": kind, "date": start, "end": end, "detail": detail})

        for s, e, text in _periods(props, "dcterms:temporal"):
            add("plan" if cls in PLAN_CLASSES else "period", s, e, text)
        for day in props.get("dp:deadline", []):
            if isinstance(day, _dt.date):
                add("deadline", day, None, "; ".join(props.get("dp:deadlineText", [])))
        for day in props.get("schema:startDate", []):
            if isinstance(day, _dt.date):
                add("event", day, None, "; ".join(props.get("dp:dateText", [])))
        for s, e, text in _periods(props, "sdmx-dimension:refPeriod"):
            add("indicator", s, e, "; ".join(props.get("dp:valueText", [])) or text)
        for day in props.get("eli:date_document", []):
            if isinstance(day, _dt.date):
                add("document", day)
        for year in props.get("dp:launchYear", []):
            if str(year).isdigit():
                add("launch", _dt.date(int(year), 1, 1), None, str(year))
    items.sort(key=lambda r: (r["date"], r["end"] or r["date"], r["kind"], r["label"]))
    return items


def _periods(props: dict[str, list], key: str):
    starts, ends = props.get(key + ".start", []), props.get(key + ".end", [])
    labels = props.get(key, [])
    for i, s in enumerate(starts):
        e = ends[i] if i < len(ends) else None
        yield s, e, labels[i] if i < len(labels) else ""


def timeline(G: Any, *, date_from: _dt.date | None = None, date_to: _dt.date | None = None,
             as_of: _dt.date | None = None, lang: str = "zh") -> Report:
    """Dated items in order, those overlapping [date_from, date_to]. With ``as_of``: the
    plans and other periods in force on that day, and every milestone as due or overdue
    (deadline before ``as_of``); the dataset has no completion data, so status is unknown."""
    cols = ["date", "end", "kind", "label", "cls", "detail", "iri"]
    if date_from and date_to and date_from > date_to:
        raise InputError(f"--from {date_from} is after --to {date_to}")
    items = [r for r in timeline_items(G, lang)
             if (date_to is None or r["date"] <= date_to)
             and (date_from is None or (r["end"] or r["date"]) >= date_from)]
    if as_of is not None:
        cols = ["status", "date", "end", "kind", "label", "cls", "detail", "iri"]
        rows = []
        for r in items:
            if r["kind"] in ("plan", "period") and r["date"] <= as_of <= (r["end"] or as_of):
                rows.append({**r, "status": "in-force"})
            elif r["kind"] == "deadline":
                rows.append({**r, "status": "overdue" if r["date"] < as_of else "due"})
        order = {"in-force": 0, "overdue": 1, "due": 2}
        rows.sort(key=lambda r: (order[r["status"]], r["date"], r["label"]))
        counts = Counter(r["status"] for r in rows)
        note = (f"截至 {as_of}：{counts['in-force']} 项实施中，"
                f"{counts['overdue']} 项节点目标已逾期，"
                f"{counts['due']} 项未到期（数据集不含完成情况）" if lang == "zh" else
                f"as of {as_of}: {counts['in-force']} in force, {counts['overdue']} milestones "
                f"overdue, {counts['due']} due (the dataset has no completion data)")
        for r in rows:
            r["status"] = _t(STATUS[r["status"]], lang)
            r["kind"] = _t(KINDS[r["kind"]], lang)
        return Report("timeline", cols, rows, note, 0 if rows else 1,
                      {"as_of": as_of.isoformat(), **dict(counts)})
    for r in items:
        r["kind"] = _t(KINDS[r["kind"]], lang)
    if not items:
        note = ("该时间范围内没有带日期的条目" if lang == "zh" else
                "no dated items in that range")
        return Report("timeline", cols, [], note, 1)
    return Report("timeline", cols, items)


# ------------------------------------------------------------------ output


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


TRUNCATE = {"label": 40, "detail": 24, "from": 24, "via": 40}


def _table_cell(col: str, v: Any) -> str:
    """Tables stay readable: IRIs shortened to their tail after /id/, long labels cut."""
    text = _cell(v)
    if col == "iri" and "/id/" in text:
        return text.split("/id/", 1)[1]
    limit = TRUNCATE.get(col)
    if limit and _width(text) > limit:
        out, w = "", 0
        for ch in text:
            w += _width(ch)
            if w > limit - 1:
                break
            out += ch
        return out + "…"
    return text


def render(report: Report, fmt: str = "table", lang: str = "zh") -> str:
    """The report as an aligned table (CJK-width aware), CSV (with header) or JSON."""
    cols = report.columns
    if fmt == "json":
        def conv(v: Any) -> Any:
            return v.isoformat() if isinstance(v, _dt.date) else v

        return json.dumps({"kind": report.kind, **report.meta,
                           "rows": [{k: conv(v) for k, v in r.items()} for r in report.rows]},
                          ensure_ascii=False, indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(cols)
        for r in report.rows:
            w.writerow([_cell(r.get(c)) for c in cols])
        return buf.getvalue().rstrip("\n")
    if fmt != "table":
        raise InputError(f"unknown format '{fmt}' (use table, csv or json)")
    if not report.rows:
        return ""
    head = [_t(HEADERS.get(c, (c, c)), lang) for c in cols]
    cells = [[_table_cell(c, r.get(c)) for c in cols] for r in report.rows]
    widths = [max(_width(x) for x in col) for col in zip(head, *cells, strict=False)]
    lines = []
    for row in [head, *cells]:
        parts = [x + " " * (w - _width(x)) for x, w in zip(row, widths, strict=False)]
        lines.append("  ".join(parts).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


__all__ = ["Report", "load_graph", "analysis_graph", "central", "paths", "explain_path",
           "neighbours", "paths_in", "neighbours_in", "LocalGraph", "communities", "timeline",
           "timeline_items", "parse_date", "render",
           "pagerank", "BETWEENNESS_EXACT_MAX", "BETWEENNESS_SAMPLES", "MEASURES"]

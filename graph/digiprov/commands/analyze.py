"""``digiprov analyze central|path|neighbours|communities`` and ``digiprov timeline``.

Exit codes: 0 answered; 1 no answer (empty graph, no connection, nothing dated in range);
2 bad input (unknown or ambiguous entity, bad date or class).
"""

from __future__ import annotations

import click

from .options import format_option, lang_option

FORMATS = ("table", "csv", "json")


def _common(f):
    return lang_option()(format_option(FORMATS)(f))


def _graph_opts(f):
    f = click.option("--themes", is_flag=True,
                     help="Keep theme nodes and dp:theme edges (left out by default: five "
                          "themes touch nearly everything).")(f)
    f = click.option("--nary", type=click.Choice(["collapse", "keep"]), default="collapse",
                     show_default=True,
                     help="collapse: milestones, observations, memberships, quotations and "
                          "recognitions become labelled edges; keep: they stay nodes.")(f)
    return f


def _emit(report, fmt: str, lang: str) -> None:
    from ..analytics import render

    text = render(report, fmt, lang)
    if text:
        click.echo(text)
    if report.note:
        click.echo(report.note, err=True)
    if report.exit_code:
        click.get_current_context().exit(report.exit_code)


def _graph(cfg, lang: str, nary: str, themes: bool, *names: str):
    """The analysis graph and the IRIs of ``names``, resolved against every entity of the
    dataset (so a milestone or theme left out of the analysis graph gets a clear message
    from the analysis, not a "did you mean")."""
    from ..analytics import analysis_graph
    from ..lookup import resolve
    from ..projection import project

    with cfg.open() as ds:
        G = project(ds, nary="keep", lang=lang)
    iris = [resolve(G, n) for n in names]
    return analysis_graph(G, nary=nary, themes=themes), iris


@click.group()
def analyze():
    """Network analytics over the entity graph: centrality, paths, neighbours, communities.

    Entities are named by IRI, Chinese or English label, alias or pinyin (济南, Jinan,
    jinan, "ji nan shi"). Exit status: 0 answered, 1 no answer (empty graph, no
    connection), 2 bad input (unknown or ambiguous entity).

    \b
    Example:
      digiprov analyze central --measure pagerank --top 5
      digiprov analyze path 济南 省大数据局
    """

@analyze.command()
@click.option("--measure", type=click.Choice(["degree", "betweenness", "pagerank"]),
              default="degree", show_default=True, help="Centrality measure.")
@click.option("--class", "cls", metavar="CLASS",
              help="Only rank entities of this class (local name, e.g. GovernmentAgency).")
@click.option("--top", type=int, default=10, show_default=True,
              help="How many entities to list.")
@click.option("--samples", type=int, default=None,
              help="Betweenness: sample this many pivots (default: exact up to 1000 "
                   "nodes, 100 samples above).")
@click.option("--seed", type=int, default=42, show_default=True,
              help="Seed for sampled betweenness.")
@_graph_opts
@_common
@click.pass_obj
def central(cfg, measure, cls, top, samples, seed, nary, themes, fmt, lang):
    """The most central entities (degree, betweenness or PageRank).

    \b
    Example:
      digiprov analyze central
      digiprov analyze central --measure betweenness --class GovernmentAgency --top 3
      digiprov analyze central --measure pagerank --format json --lang en
    """
    from ..analytics import central as run

    G, _ = _graph(cfg, lang, nary, themes)
    _emit(run(G, measure=measure, cls=cls, top=top, lang=lang, samples=samples,
              seed=seed), fmt, lang)

@analyze.command()
@click.argument("a")
@click.argument("b")
@click.option("--max", "max_paths", type=int, default=3, show_default=True,
              help="How many connections to list (shortest first).")
@_graph_opts
@_common
@click.pass_obj
def path(cfg, a, b, max_paths, nary, themes, fmt, lang):
    """How A and B are connected: the shortest chains of relations, each edge shown in
    its real direction (济南市 —位于→ 山东省 ←…).

    \b
    Example:
      digiprov analyze path 济南 省大数据局
      digiprov analyze path jinan "Shandong Big Data Bureau" --max 5 --lang en
      digiprov analyze path 济南 浪潮 --themes
    """
    from ..analytics import paths_in
    from ..lookup import resolve

    with cfg.open() as ds:
        report = paths_in(ds, resolve(ds, a), resolve(ds, b), max_paths=max_paths,
                          lang=lang, nary=nary, themes=themes)
    _emit(report, fmt, lang)

@analyze.command()
@click.argument("a")
@click.option("--depth", type=int, default=1, show_default=True,
              help="How many hops out to go.")
@_graph_opts
@_common
@click.pass_obj
def neighbours(cfg, a, depth, nary, themes, fmt, lang):
    """Entities within DEPTH hops of A, nearest first, with the relation that reaches each.

    \b
    Example:
      digiprov analyze neighbours 省大数据局
      digiprov analyze neighbours jinan --depth 2 --format csv
    """
    from ..analytics import neighbours_in
    from ..lookup import resolve

    with cfg.open() as ds:
        report = neighbours_in(ds, resolve(ds, a), depth=depth, lang=lang, nary=nary,
                               themes=themes)
    _emit(report, fmt, lang)

@analyze.command()
@click.option("--seed", type=int, default=42, show_default=True,
              help="Random seed (same seed, same communities).")
@click.option("--resolution", type=float, default=1.0, show_default=True,
              help="Louvain resolution: above 1 gives smaller communities.")
@click.option("--members", type=int, default=None,
              help="List at most this many members per community (by degree).")
@_graph_opts
@_common
@click.pass_obj
def communities(cfg, seed, resolution, members, nary, themes, fmt, lang):
    """Groups of entities that are linked more among themselves (Louvain, seeded).

    \b
    Example:
      digiprov analyze communities --members 5
      digiprov analyze communities --format json --lang en
    """
    from ..analytics import communities as run

    G, _ = _graph(cfg, lang, nary, themes)
    _emit(run(G, seed=seed, resolution=resolution, lang=lang, members=members), fmt, lang)

@click.command()
@click.option("--from", "date_from", metavar="DATE",
              help="Only items ending on or after DATE (YYYY-MM-DD, YYYY-MM or YYYY).")
@click.option("--to", "date_to", metavar="DATE", help="Only items starting on or before DATE.")
@click.option("--as-of", "as_of", metavar="DATE",
              help="Which plans are in force and which milestones are overdue on DATE.")
@_common
@click.pass_obj
def timeline(cfg, date_from, date_to, as_of, fmt, lang):
    """Every dated item in order: plan periods, milestone deadlines, events, indicator
    periods, document dates. With --as-of: what is in force and what is overdue.

    A milestone is overdue when its deadline is before the --as-of date; the dataset has
    no completion data, so its status is reported as unknown.

    \b
    Example:
      digiprov timeline
      digiprov timeline --from 2021 --to 2021-12-31 --format csv
      digiprov timeline --as-of 2021-07-01 --lang en
    """
    from ..analytics import parse_date
    from ..analytics import timeline as run
    from ..projection import project

    f, t, a = (parse_date(date_from, "--from"), parse_date(date_to, "--to"),
               parse_date(as_of, "--as-of"))
    with cfg.open() as ds:
        G = project(ds, nary="keep", lang=lang)
    _emit(run(G, date_from=f, date_to=t, as_of=a, lang=lang), fmt, lang)


def register(main: click.Group) -> None:
    main.add_command(analyze)
    main.add_command(timeline)

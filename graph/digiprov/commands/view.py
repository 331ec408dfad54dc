"""``digiprov view``: the interactive offline HTML page."""

from __future__ import annotations

from pathlib import Path

import click

from .options import lang_option


@click.command("view")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="HTML file to write (one self-contained file, UTF-8).")
@click.option("--focus", metavar="ENTITY",
              help="Only ENTITY and its neighbourhood (label, alias, pinyin, key or IRI).")
@click.option("--depth", type=click.IntRange(min=0), default=1, show_default=True,
              help="Hops around --focus.")
@click.option("--class", "classes", multiple=True, metavar="CLASS",
              help="Only nodes of this class (local name, e.g. City); repeatable.")
@click.option("--theme", "themes", multiple=True, metavar="THEME",
              help="Only nodes tagged with this theme (label or key); repeatable.")
@lang_option(help="Initial label language (the page has a toggle).")
@click.option("--max-nodes", type=click.IntRange(min=0), default=None, metavar="N",
              help="Keep at most N (most connected) nodes; 0 = no limit "
                   "[default: 20000].")
@click.option("--title", default=None, help="Page title [default: digiprov].")
@click.pass_obj
def view(cfg, output: Path, focus: str | None, depth: int, classes: tuple[str, ...],
         themes: tuple[str, ...], lang: str, max_nodes: int | None, title: str | None):
    """Write an interactive HTML page of the graph that works offline.

    Search by Chinese, English, alias or pinyin; filter by class and theme; click a node
    for its properties, neighbours and sources. The layout is computed here (places in
    the middle, every other family in its own sector around them), so the page opens
    ready at any size; with --focus only the neighbourhood is read from the store.

    \b
    Example:
      digiprov view -o out/digiprov.html
      digiprov view -o jinan.html --focus 济南 --depth 2
      digiprov view -o cities.html --class City --class Province --lang en
    """
    from ..view import DEFAULT_MAX_NODES, write_view

    with cfg.open() as ds:
        summary = write_view(ds, output, focus=focus, depth=depth, classes=classes,
                             themes=themes, lang=lang, title=title,
                             max_nodes=DEFAULT_MAX_NODES if max_nodes is None else max_nodes)
    click.echo(summary)


def register(main: click.Group) -> None:
    main.add_command(view)

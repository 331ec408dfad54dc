"""``digiprov neo4j load`` and the property-graph export formats (cypher, neo4j-csv, graphml,
gexf). Heavy imports (neo4j driver, networkx) happen inside the functions."""

from __future__ import annotations

import os

import click


def register(main: click.Group) -> None:
    main.add_command(neo4j)


@click.group()
def neo4j() -> None:
    """Move the graph into Neo4j (see also: digiprov export -f cypher | neo4j-csv).

    \b
    Example:
      NEO4J_PASSWORD=secret digiprov neo4j load --uri bolt://localhost:7687 --user neo4j
    """


@neo4j.command()
@click.option("--uri", required=True, help="Bolt URI, e.g. bolt://localhost:7687 or neo4j://host.")
@click.option("--user", required=True, help="Neo4j user name.")
@click.option("--database", default=None, help="Target database [default: the server's default].")
@click.option("--batch", default=1000, show_default=True, type=click.IntRange(min=1),
              help="Rows per transaction.")
@click.pass_obj
def load(cfg, uri: str, user: str, database: str | None, batch: int) -> None:
    """Load the dataset into Neo4j over Bolt, idempotently (MERGE on uri; re-runs add nothing).

    The password comes from NEO4J_PASSWORD, else a hidden prompt. The mapping is the one of
    'digiprov export -f cypher' (docs/neo4j.md): both send the same statements.

    \b
    Example:
      export NEO4J_PASSWORD=secret
      digiprov neo4j load --uri bolt://localhost:7687 --user neo4j --database digiprov
    """
    from ..neo4j import load_bolt

    password = os.environ.get("NEO4J_PASSWORD")
    if password is None:
        from ..errors import InputError

        if not _stdin_is_terminal():
            # getpass would fall back to an echoing prompt (or read a password from a pipe)
            raise InputError("no Neo4j password: set NEO4J_PASSWORD (there is no terminal to "
                             "prompt on)")
        password = click.prompt(f"Neo4j password for {user}", hide_input=True, err=True)
    bar: dict[str, object] = {}

    def on_plan(schema) -> None:
        bar["bar"] = click.progressbar(length=schema.nodes + schema.relationships,
                                       label="loading", file=click.get_text_stream("stderr"))
        bar["bar"].__enter__()

    def progress(n: int) -> None:
        bar["bar"].update(n)

    with cfg.open() as ds:
        try:
            summary = load_bolt(ds, uri, user, password, database=database, batch=batch,
                                progress=progress, on_plan=on_plan)
        finally:
            if "bar" in bar:
                bar["bar"].__exit__(None, None, None)
    click.echo(f"loaded into {uri}{'/' + database if database else ''}: {summary.line()}")


def _stdin_is_terminal() -> bool:
    import sys

    return sys.stdin.isatty()

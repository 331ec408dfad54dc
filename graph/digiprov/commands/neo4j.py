"""``digiprov neo4j load`` (the cypher and neo4j-csv export formats are registered in
exporters.py). The neo4j driver is imported inside the command."""

from __future__ import annotations

import sys

import click

from .options import password_option


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
@password_option("NEO4J_PASSWORD", help="Password; prefer the environment variable (a command "
                 "line is visible to other users). Without either, a hidden prompt on a "
                 "terminal.")
@click.option("--database", default=None, help="Target database [default: the server's default].")
@click.option("--batch", default=1000, show_default=True, type=click.IntRange(min=1),
              help="Rows per transaction.")
@click.option("--rows", "rows", type=click.Choice(["auto", "param", "inline"]), default="auto",
              show_default=True,
              help="How rows reach the server: as Bolt parameters, or written into each "
                   "statement as Cypher literals (for servers that garble parameters, such as "
                   "FalkorDB); auto sends a probe and decides.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=10.0,
              show_default=True,
              help="Seconds to wait for a connection, and for retrying a failed transaction.")
@click.pass_obj
def load(cfg, uri: str, user: str, password: str | None, database: str | None, batch: int,
         rows: str, timeout: float) -> None:
    """Load the dataset into Neo4j over Bolt, idempotently (MERGE on uri; re-runs add nothing).

    The mapping is the one of 'digiprov export -f cypher' (docs/neo4j.md): both send the
    same statements. Also loads FalkorDB's Bolt port (docs/neo4j.md says what differs).

    \b
    Example:
      export NEO4J_PASSWORD=secret
      digiprov neo4j load --uri bolt://localhost:7687 --user neo4j --database digiprov
    """
    from ..neo4j import load_bolt

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
                                       label="loading", file=sys.stderr)
        bar["bar"].__enter__()

    def progress(n: int) -> None:
        bar["bar"].update(n)

    with cfg.open() as ds:
        try:
            summary = load_bolt(ds, uri, user, password, database=database, batch=batch,
                                rows=rows, timeout=timeout, progress=progress,
                                on_plan=on_plan)
        finally:
            if "bar" in bar:
                bar["bar"].__exit__(None, None, None)
    click.echo(f"loaded into {uri}{'/' + database if database else ''}: {summary.line()}")


def _stdin_is_terminal() -> bool:
    import sys

    return sys.stdin.isatty()

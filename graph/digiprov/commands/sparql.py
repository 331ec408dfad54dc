"""``digiprov query``, ``digiprov serve`` and ``digiprov push``."""

from __future__ import annotations

import sys

import click

from ..exporters import QUERY_FORMATS as FORMATS
from .options import format_option, output_option, password_option, queries_option


def _read_source(query: str | None, file: str | None, name: str | None,
                 queries_dirs: tuple[str, ...]) -> str:
    from ..errors import InputError

    given = [x for x in (query, file, name) if x is not None]
    if len(given) != 1:
        raise InputError("give exactly one query: inline text, '-' for stdin, --file FILE.rq or "
                         "--name NAME (see 'digiprov query --list')")
    if name is not None:
        from ..sparql import load_query

        return load_query(name, queries_dirs).text
    if file is not None:
        if file == "-":
            return sys.stdin.read()
        try:
            with open(file, encoding="utf-8") as fh:
                return fh.read()
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(f"cannot read query file {file}: "
                             f"{getattr(e, 'strerror', None) or e}") from None
    assert query is not None
    return sys.stdin.read() if query == "-" else query


def _list(queries_dirs: tuple[str, ...]) -> None:
    from ..sparql import list_queries

    qs = list_queries(queries_dirs)
    for q in qs:
        click.echo(f"{q.name}\n  {q.title}")
        if q.description:
            click.echo(f"  {q.description}")
        for p, desc in q.params:
            click.echo(f"  --param {p}=...  {desc}")
    click.echo(f"({len(qs)} named queries)")


@click.command()
@click.argument("query", required=False)
@click.option("--file", "file", metavar="FILE.rq", help="Read the query from a file "
              "('-' is stdin).")
# -f is --format in every other command; here it stays the old spelling of --file
# (scripts and docs/sparql.md use it), out of --help
@click.option("-f", "file_f", metavar="FILE.rq", hidden=True)
@click.option("-n", "--name", metavar="NAME", help="Run a named query (see --list).")
@click.option("--list", "list_", is_flag=True, help="List the named queries and exit.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind ?NAME to an RDF term: <iri>, prefix:name, 2021-03-31 (xsd:date), "
                   "42, 3.5, \"text\"@zh, \"text\"; anything else is a plain string. "
                   "Repeatable.")
@format_option(FORMATS, short=False, help="table|csv|tsv|json|xml for SELECT/ASK; "
               "turtle|trig|nt|jsonld|rdfxml for CONSTRUCT/DESCRIBE (table means turtle "
               "there).")
@output_option()
@click.option("--endpoint", metavar="URL", help="Run on a remote SPARQL 1.1 endpoint "
              "instead of the local dataset.")
@click.option("--no-union", is_flag=True, help="Default graph = the dataset's own default "
              "graph (metadata) instead of the union of all graphs.")
@queries_option()
@click.option("--timeout", type=float, default=60.0, show_default=True,
              help="Seconds to wait for a remote endpoint.")
@click.pass_obj
def query(cfg, query, file, file_f, name, list_, params, fmt, output, endpoint, no_union,
          queries_dirs, timeout):
    """Run a SPARQL query on the dataset (or on a remote endpoint).

    The default graph is the union of all named graphs; address a single statement graph
    with GRAPH. The project's prefixes (dp:, skos:, schema:, org:, eli:, prov:, time:, ...)
    are predeclared. ASK prints true or false and exits 0 or 1.

    \b
    Example:
      digiprov query --list
      digiprov query --name milestones-2021
      digiprov query --name milestones-due --param from=2021-07-01 --param to=2021-12-31
      digiprov query 'SELECT ?d WHERE { ?d a dp:PolicyDocument }' --format csv
      digiprov query --file my.rq --format json -o result.json
      echo 'ASK { ?x a dp:Province }' | digiprov query -
      digiprov query --name milestones-2021 --endpoint http://127.0.0.1:7878/query
    """
    from ..atomic import atomic_file
    from ..sparql import parse_params, render, run_query, run_remote

    if list_:
        _list(queries_dirs)
        return
    if file is not None and file_f is not None:
        from ..errors import InputError

        raise InputError("give the query file once (--file FILE.rq)")
    text = _read_source(query, file if file is not None else file_f, name, queries_dirs)
    values = parse_params(params)
    if endpoint:
        if no_union:
            from ..errors import InputError

            raise InputError("--no-union applies to the local dataset; a remote "
                             "endpoint's default graph is its own setting")
        res = run_remote(endpoint, text, values, timeout=timeout)
    else:
        with cfg.open() as ds:
            res = run_query(ds, text, values, union=not no_union)
    from ..vocab import id_namespace

    data = render(res, fmt, pretty=True, id_base=id_namespace(cfg.base))
    with atomic_file(None if output == "-" else output, "wb") as out:
        out.write(data)
    if res.kind == "ask" and not res.boolean:
        sys.exit(1)

@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to bind (0.0.0.0 exposes the endpoint to the network).")
@click.option("--port", type=int, default=8000, show_default=True, help="0 picks a free port.")
@click.option("--timeout", type=float, default=10.0, show_default=True,
              help="Per-query time limit in seconds (answered 503 when exceeded).")
@click.option("--max-rows", type=int, default=10_000, show_default=True,
              help="Result-row cap; larger results are cut and flagged with the "
                   "X-Digiprov-Truncated header.")
@click.option("--max-request-bytes", type=int, default=1 << 20, show_default=True,
              help="Larger request bodies are answered 413.")
@click.option("--workers", type=int, default=2, show_default=True,
              help="Query worker processes (a timed-out query's worker is killed and "
                   "replaced). 0 runs queries in threads of the server process instead.")
@click.option("--allow-update", is_flag=True,
              help="Accept SPARQL Update. Opens the built store writable: changes persist "
                   "in OUT/dataset until the next 'digiprov build' replaces it.")
@queries_option()
@click.pass_obj
def serve(cfg, host, port, timeout, max_rows, max_request_bytes, workers, allow_update,
          queries_dirs):
    """Serve the dataset as a SPARQL 1.1 Protocol endpoint at /sparql, a page at /.

    Read-only by default (update answered 403), bound to 127.0.0.1, with a per-query
    timeout, a row cap and a request-size limit. GET /sparql without a query gives the
    SPARQL 1.1 Service Description.

    \b
    Example:
      digiprov serve --port 8000
      curl -H 'Accept: text/csv' 'http://127.0.0.1:8000/sparql?query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D'
    """
    from ..server import ServerOptions, run_server

    opts = ServerOptions(host=host, port=port, timeout=timeout, max_rows=max_rows,
                         max_request_bytes=max_request_bytes, workers=workers,
                         allow_update=allow_update, queries_dirs=list(queries_dirs))
    run_server(cfg, opts, announce=lambda msg: click.echo(msg, err=True))

@click.command()
@click.option("--endpoint", metavar="URL", help="The store's SPARQL query endpoint; the "
              "graph store URL is derived from it (…/query or …/sparql -> …/store, "
              "Oxigraph's layout) unless --graph-store is given.")
@click.option("--graph-store", metavar="URL", help="SPARQL 1.1 Graph Store HTTP Protocol "
              "URL (Fuseki: http://HOST:3030/DS/data; Oxigraph: http://HOST:7878/store).")
@click.option("--user", help="HTTP basic-auth user.")
@password_option("DIGIPROV_PUSH_PASSWORD", help="HTTP basic-auth password (prompted if "
                 "--user is given without one).")
@click.option("--timeout", type=float, default=60.0, show_default=True,
              help="Seconds to wait for each request.")
@click.option("--prune", is_flag=True, help="Afterwards delete the store's graphs in "
              "digiprov's namespaces that the dataset no longer has (needs --endpoint). "
              "Other graphs are never touched.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--default-graph", metavar="IRI", help="Put the dataset's default graph "
              "(source and statement metadata) into this named graph, for stores whose "
              "default graph is the union of all graphs (Virtuoso: "
              "http://HOST:8890/sparql-graph-crud).")
@click.pass_obj
def push(cfg, endpoint, graph_store, user, password, timeout, prune, quiet, default_graph):
    """Load the dataset into an external triple store (SPARQL 1.1 Graph Store Protocol).

    Each named graph is replaced as a whole (PUT ?graph=IRI) and the default graph via
    PUT ?default, so pushing twice leaves the store as after the first push. Graphs the
    store holds that the dataset does not are left alone, unless --prune removes those in
    digiprov's own namespaces.

    \b
    Example:
      oxigraph serve --location /tmp/ox --bind 127.0.0.1:7878 --union-default-graph &
      digiprov push --endpoint http://127.0.0.1:7878/query
      digiprov query --name milestones-2021 --endpoint http://127.0.0.1:7878/query
    """
    from ..errors import InputError
    from ..push import graph_store_url, push_dataset

    if not endpoint and not graph_store:
        raise InputError("give --endpoint URL (or --graph-store URL)")
    if prune and not endpoint:
        raise InputError("--prune needs --endpoint URL to list the store's graphs")
    url = graph_store or graph_store_url(endpoint)
    if user is not None and password is None:
        password = click.prompt(f"password for {user}", hide_input=True, default="",
                                show_default=False, err=True)
    with cfg.open() as ds:
        if quiet:
            report = push_dataset(ds, url, user=user, password=password, timeout=timeout,
                                  default_graph=default_graph)
        else:
            names = ds.graph_names()
            with click.progressbar(length=len(names) + 1, label="pushing graphs",
                                   file=sys.stderr) as bar:
                report = push_dataset(ds, url, user=user, password=password,
                                      timeout=timeout, progress=lambda _g: bar.update(1),
                                      graphs=names, default_graph=default_graph)
        if prune:
            from ..push import prune_stale_graphs
            from ..vocab import DEF_NS, id_namespace

            report.pruned = prune_stale_graphs(
                ds, url, endpoint, [id_namespace(cfg.base), DEF_NS], user=user,
                password=password, timeout=timeout,
                keep=(default_graph,) if default_graph else ())
    click.echo(report.summary())


def register(main: click.Group) -> None:
    main.add_command(query)
    main.add_command(serve)
    main.add_command(push)

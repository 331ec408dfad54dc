"""``digiprov neo4j load``: the statements of :func:`~digiprov.neo4j.cypher.batches` sent
over Bolt with the official ``neo4j`` driver (imported inside the functions)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import InputError, RemoteError
from .cypher import CONSTRAINT, DEFAULT_BATCH, Batch, batches
from .mapping import RESOURCE
from .scan import PropertyGraph, Schema

BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
ROW_MODES = ("auto", "param", "inline")
INDEX = f"CREATE INDEX FOR (n:{RESOURCE}) ON (n.uri)"
# What the parameter probe sends: a quote and a backslash (FalkorDB splices string parameters
# into the query text unescaped), a float needing 17 digits (it prints them with "%f") and a
# date (it cannot read temporal parameters). Only toString() of the date comes back: a
# FalkorDB that did parse it would crash replying with a temporal value.
_PROBE = {"s": "it's a \\ \"probe\" 中文", "f": 0.1 + 2**-40, "d": _dt.date(2021, 3, 31)}
_PROBE_QUERY = "RETURN $s AS s, $f AS f, toString($d) AS d"
# The driver's text when a failure carries no message it can read.
_UNKNOWN = "An unknown error occurred"


@dataclass
class LoadSummary:
    nodes_created: int = 0
    nodes_updated: int = 0
    relationships_created: int = 0
    relationships_updated: int = 0
    properties_set: int = 0
    batches: int = 0
    rows: str = "param"  # how rows were sent: "param" (Bolt parameters) or "inline"
    schema: str = "constraint"  # "constraint" (uniqueness) or "index" on :Resource(uri)

    def line(self) -> str:
        how = ("as parameters" if self.rows == "param" else
               "inline as Cypher literals (the server garbles Bolt parameters)")
        schema = ("uniqueness constraint" if self.schema == "constraint" else
                  "index (the server has no CREATE CONSTRAINT)")
        return (f"nodes: {self.nodes_created} created, {self.nodes_updated} updated; "
                f"relationships: {self.relationships_created} created, "
                f"{self.relationships_updated} updated; {self.properties_set} properties set "
                f"in {self.batches} batches; rows sent {how}; {schema} on :Resource(uri)")


# An executor runs one batch (one transaction) and returns the counters
# (nodes_created, relationships_created, properties_set).
Executor = Callable[[Batch], tuple[int, int, int]]


class BatchFailed(Exception):
    """A batch's statement failed; ``error`` is what the executor raised."""

    def __init__(self, batch: Batch, number: int, error: BaseException):
        super().__init__(f"{batch.kind} batch {number} ({batch.what}): {error}")
        self.batch, self.number, self.error = batch, number, error

    @property
    def step(self) -> str:
        kind = "node" if self.batch.kind == "node" else "relationship"
        return f"{kind} batch {self.number} ({self.batch.what}, {len(self.batch.rows)} rows)"


def run_batches(pg: PropertyGraph, execute: Executor, *, batch: int = DEFAULT_BATCH,
                progress: Callable[[int], None] | None = None) -> LoadSummary:
    """Send every batch through ``execute`` (one transaction each) and add up the counters."""
    s = LoadSummary()
    for b in batches(pg, batch):
        try:
            nc, rc, ps = execute(b)
        except Exception as e:
            raise BatchFailed(b, s.batches + 1, e) from e
        s.batches += 1
        s.properties_set += ps
        if b.kind == "node":
            s.nodes_created += nc
            s.nodes_updated += len(b.rows) - nc
        else:
            s.relationships_created += rc
            s.relationships_updated += len(b.rows) - rc
        if progress:
            progress(len(b.rows))
    return s


def _message(e: BaseException) -> str:
    from neo4j import exceptions as nx

    text = str(getattr(e, "message", None) or e)
    # the driver puts the reason on a second line ("Couldn't connect to ...:\nFailed to ...")
    msg = " ".join(ln.strip() for ln in text.splitlines() if ln.strip()) or type(e).__name__
    if isinstance(e, nx.Neo4jError) and msg == _UNKNOWN:
        # A server that negotiates Bolt 5.7+ but reports failures the pre-5.7 way (FalkorDB)
        # loses its message in the driver; its code at least survives in the metadata.
        code = _server_code(e)
        if code and code != e.code:
            msg += f" (the server's code: {code}; its message did not reach the driver)"
    return msg


def _neo4j_error(e: BaseException, uri: str, user: str, database: str | None,
                 step: str | None = None) -> RemoteError:
    from neo4j import exceptions as nx

    msg = _message(e)
    if isinstance(e, nx.AuthError) or _server_code(e).endswith(".Security.Unauthorized"):
        return RemoteError(f"Neo4j at {uri} refused user '{user}': wrong user or password")
    if isinstance(e, nx.ServiceUnavailable):
        return RemoteError(f"cannot reach Neo4j at {uri}{' during ' + step if step else ''}: "
                           f"{msg}")
    code = getattr(e, "code", "") or ""
    if "DatabaseNotFound" in code:
        return RemoteError(f"Neo4j at {uri} has no database '{database}'")
    return RemoteError(f"Neo4j at {uri}: {step + ': ' if step else ''}{msg}")


def _server_code(e: BaseException) -> str:
    """The failure's code as the server sent it, also where the driver could not read it
    (then its own ``code`` is the placeholder ...UnknownError and the real one is metadata)."""
    from neo4j import exceptions as nx

    if not isinstance(e, nx.Neo4jError):
        return ""
    raw = (e.metadata or {}).get("code")
    return str(raw) if raw else (e.code or "")


def _is_syntax_error(e: BaseException) -> bool:
    code = _server_code(e)
    return code == "SyntaxError" or code.endswith(".SyntaxError")


def open_driver(uri: str, user: str, password: str, database: str | None = None,
                timeout: float = 10.0) -> Any:
    """A connected driver (connectivity, credentials and database checked up front)."""
    import neo4j
    from neo4j import exceptions as nx

    scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
    if scheme not in BOLT_SCHEMES:
        raise InputError(f"bad Neo4j URI {uri!r}: use one of "
                         f"{', '.join(s + '://' for s in BOLT_SCHEMES)}HOST:PORT")
    try:
        driver = neo4j.GraphDatabase.driver(uri, auth=(user, password),
                                            connection_timeout=timeout,
                                            connection_acquisition_timeout=timeout,
                                            max_transaction_retry_time=timeout)
    except (ValueError, nx.ConfigurationError) as e:
        raise InputError(f"bad Neo4j URI {uri!r}: {e}") from None
    for attempt in (1, 2):
        try:
            driver.verify_connectivity()
            driver.execute_query("RETURN 1", database_=database)
            return driver
        except nx.ServiceUnavailable as e:
            # FalkorDB 4.16 leaves each closed Bolt connection's socket registered in its
            # event loop, so the next connection given that descriptor is never answered;
            # a second connection gets another one. Only a silent handshake is retried.
            if attempt == 1 and "Bolt handshake" in str(e):
                continue
            driver.close()
            raise _neo4j_error(e, uri, user, database) from None
        except (nx.Neo4jError, nx.DriverError, OSError) as e:
            driver.close()
            raise _neo4j_error(e, uri, user, database) from None
    raise AssertionError("unreachable")


def parameters_faithful(driver: Any, database: str | None = None) -> bool:
    """Whether the server gives Bolt parameters back unchanged (strings with quotes and
    backslashes, full-precision floats, dates): the probe behind ``rows="auto"``."""
    from neo4j import exceptions as nx

    try:
        recs = driver.execute_query(_PROBE_QUERY, _PROBE, database_=database).records
    except nx.Neo4jError:
        return False
    if len(recs) != 1:
        return False
    r = recs[0]
    return (r["s"], r["f"], r["d"]) == (_PROBE["s"], _PROBE["f"], _PROBE["d"].isoformat())


def ensure_schema(driver: Any, database: str | None = None) -> str:
    """The uniqueness constraint on :Resource(uri), or on servers without CREATE CONSTRAINT
    (FalkorDB, Neo4j before 4.4) an index, so that MERGE stays fast. Returns which one."""
    try:
        driver.execute_query(CONSTRAINT.rstrip(";"), database_=database)
        return "constraint"
    except Exception as e:
        if not _is_syntax_error(e):
            raise
    # Such servers answer a second CREATE INDEX with an error, so look first.
    recs = driver.execute_query("CALL db.indexes() YIELD label, properties "
                                "RETURN label, properties", database_=database).records
    if not any(r["label"] == RESOURCE and list(r["properties"]) == ["uri"] for r in recs):
        driver.execute_query(INDEX, database_=database)
    return "index"


def neo4j_executor(driver: Any, database: str | None, *, inline: bool = False) -> Executor:
    """Each batch in its own write transaction (``execute_write`` retries transient errors);
    ``inline`` writes the rows into the statement instead of sending them as a parameter."""

    def run(b: Batch) -> tuple[int, int, int]:
        cypher, params = (b.inline(), {}) if inline else (b.cypher, {"rows": b.rows})

        def work(tx):
            return tx.run(cypher, params).consume().counters

        with driver.session(database=database) as session:
            c = session.execute_write(work)
        return c.nodes_created, c.relationships_created, c.properties_set

    return run


def load_bolt(ds, uri: str, user: str, password: str, *, database: str | None = None,
              batch: int = DEFAULT_BATCH, rows: str = "auto", timeout: float = 10.0,
              progress: Callable[[int], None] | None = None,
              on_plan: Callable[[Schema], None] | None = None) -> LoadSummary:
    """Load the dataset over Bolt: constraint (or index), node batches, relationship batches.

    ``rows``: ``"param"`` sends each batch's rows as the ``$rows`` parameter, ``"inline"``
    writes them into the statement as a Cypher literal, ``"auto"`` picks ``param`` when
    :func:`parameters_faithful` says the server can take it. ``timeout``: seconds to wait for
    a connection (and for retrying a failed transaction)."""
    from neo4j import exceptions as nx

    if rows not in ROW_MODES:
        raise InputError(f"rows must be one of {', '.join(ROW_MODES)}, got {rows!r}")
    driver = open_driver(uri, user, password, database, timeout=timeout)
    step = "checking how the server takes parameters"
    try:
        if rows == "auto":
            rows = "param" if parameters_faithful(driver, database) else "inline"
        step = "creating the uniqueness constraint on :Resource(uri)"
        schema = ensure_schema(driver, database)
        step = "scanning the dataset"
        with PropertyGraph(ds) as pg:
            if on_plan:
                on_plan(pg.schema)
            step = "loading"
            try:
                s = run_batches(pg, neo4j_executor(driver, database, inline=rows == "inline"),
                                batch=batch, progress=progress)
            except BatchFailed as bf:
                step = bf.step
                raise bf.error from None
        s.rows, s.schema = rows, schema
        return s
    except (nx.Neo4jError, nx.DriverError, OSError) as e:
        raise _neo4j_error(e, uri, user, database, step) from None
    finally:
        driver.close()

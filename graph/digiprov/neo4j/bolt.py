"""``digiprov neo4j load``: the statements of :func:`~digiprov.neo4j.cypher.batches` sent
over Bolt with the official ``neo4j`` driver (imported inside the functions)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..errors import InputError, RemoteError
from .cypher import CONSTRAINT, DEFAULT_BATCH, batches
from .scan import PropertyGraph, Schema

BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


@dataclass
class LoadSummary:
    nodes_created: int = 0
    nodes_updated: int = 0
    relationships_created: int = 0
    relationships_updated: int = 0
    properties_set: int = 0
    batches: int = 0

    def line(self) -> str:
        return (f"nodes: {self.nodes_created} created, {self.nodes_updated} updated; "
                f"relationships: {self.relationships_created} created, "
                f"{self.relationships_updated} updated; {self.properties_set} properties set "
                f"in {self.batches} batches")


# An executor runs one statement with its parameters and returns the counters
# (nodes_created, relationships_created, properties_set).
Executor = Callable[[str, dict[str, Any]], tuple[int, int, int]]


def run_batches(pg: PropertyGraph, execute: Executor, *, batch: int = DEFAULT_BATCH,
                progress: Callable[[int], None] | None = None) -> LoadSummary:
    """Send every batch through ``execute`` (one transaction each) and add up the counters."""
    s = LoadSummary()
    for b in batches(pg, batch):
        nc, rc, ps = execute(b.cypher, {"rows": b.rows})
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


def _neo4j_error(e: Exception, uri: str, user: str, database: str | None) -> RemoteError:
    from neo4j import exceptions as nx

    msg = str(getattr(e, "message", None) or e).splitlines()[0] if str(e) else type(e).__name__
    if isinstance(e, nx.AuthError):
        return RemoteError(f"Neo4j at {uri} refused user '{user}': wrong user or password")
    if isinstance(e, nx.ServiceUnavailable):
        return RemoteError(f"cannot reach Neo4j at {uri}: {msg}")
    code = getattr(e, "code", "") or ""
    if "DatabaseNotFound" in code:
        return RemoteError(f"Neo4j at {uri} has no database '{database}'")
    return RemoteError(f"Neo4j at {uri}: {msg}")


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
    try:
        driver.verify_connectivity()
        driver.execute_query("RETURN 1", database_=database)
    except (nx.Neo4jError, nx.DriverError, OSError) as e:
        driver.close()
        raise _neo4j_error(e, uri, user, database) from None
    return driver


def neo4j_executor(driver: Any, database: str | None) -> Executor:
    def run(cypher: str, params: dict[str, Any]) -> tuple[int, int, int]:
        def work(tx):
            return tx.run(cypher, params).consume().counters

        with driver.session(database=database) as session:
            c = session.execute_write(work)
        return c.nodes_created, c.relationships_created, c.properties_set

    return run


def load_bolt(ds, uri: str, user: str, password: str, *, database: str | None = None,
              batch: int = DEFAULT_BATCH, progress: Callable[[int], None] | None = None,
              on_plan: Callable[[Schema], None] | None = None) -> LoadSummary:
    """Load the dataset into Neo4j over Bolt: constraint, node batches, relationship batches."""
    from neo4j import exceptions as nx

    driver = open_driver(uri, user, password, database)
    try:
        with PropertyGraph(ds) as pg:
            if on_plan:
                on_plan(pg.schema)
            driver.execute_query(CONSTRAINT.rstrip(";"), database_=database)
            return run_batches(pg, neo4j_executor(driver, database), batch=batch,
                               progress=progress)
    except (nx.Neo4jError, nx.DriverError, OSError) as e:
        raise _neo4j_error(e, uri, user, database) from None
    finally:
        driver.close()

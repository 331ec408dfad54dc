"""RDF dataset -> property graph (Neo4j): the mapping, Cypher script, admin-import CSV, Bolt load.

One module per step, each usable alone:

* :mod:`.mapping`: IRIs -> labels, relationship types and property names; literals -> values.
* :mod:`.scan`: one streamed pass over the quads (external sort, statement index) into a
  :class:`PropertyGraph` of entities plus its :class:`Schema`.
* :mod:`.cypher`: the ``UNWIND $rows ... MERGE`` statements (:func:`batches`) and the script.
* :mod:`.admin_csv`: files for ``neo4j-admin database import full``.
* :mod:`.bolt`: the same statements sent over Bolt with the official driver.

The mapping itself is described in docs/neo4j.md.
"""

from __future__ import annotations

from .admin_csv import ARRAY_DELIMITER, write_csv
from .bolt import (
    BOLT_SCHEMES,
    ROW_MODES,
    BatchFailed,
    Executor,
    LoadSummary,
    ensure_schema,
    load_bolt,
    neo4j_executor,
    open_driver,
    parameters_faithful,
    run_batches,
)
from .cypher import (
    BEGIN_CONSTRAINTS,
    CONSTRAINT,
    DEFAULT_BATCH,
    END_CONSTRAINTS,
    Batch,
    batches,
    cypher_literal,
    node_statement,
    rel_statement,
    script_statements,
    write_cypher,
)
from .mapping import RESOURCE, convert, local_name, quote, unique_names, upper_snake
from .scan import SORT_CHUNK, Entity, PropertyGraph, Schema, StatementIndex

__all__ = ["PropertyGraph", "Schema", "Entity", "StatementIndex", "Batch", "batches",
           "node_statement", "rel_statement", "write_cypher", "write_csv", "load_bolt",
           "run_batches", "open_driver", "neo4j_executor", "Executor", "LoadSummary",
           "BatchFailed", "parameters_faithful", "ensure_schema", "ROW_MODES",
           "cypher_literal", "quote", "upper_snake", "local_name", "unique_names", "convert",
           "script_statements", "ARRAY_DELIMITER", "CONSTRAINT", "BEGIN_CONSTRAINTS",
           "END_CONSTRAINTS", "BOLT_SCHEMES", "DEFAULT_BATCH", "SORT_CHUNK", "RESOURCE"]

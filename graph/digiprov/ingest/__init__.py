"""Chinese text -> reviewable candidate facts in the seeds' format (see docs/ingest.md).

``ingest`` proposes, ``accept`` merges into seeds/, ``evaluate`` measures against a gold file.
jieba and the other heavy libraries are imported only when these run.
"""

from __future__ import annotations

from .api import IngestReport, accept, ingest, load_gazetteer

__all__ = ["ingest", "accept", "load_gazetteer", "IngestReport"]

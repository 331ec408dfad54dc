"""SHACL validation -> a list of readable problems."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from . import paths
from .vocab import PREFIXES, SKOS


@dataclass(frozen=True)
class Problem:
    severity: str  # Violation | Warning | Info
    focus: str
    focus_label: str
    path: str
    message: str
    value: str

    def line(self) -> str:
        val = f" (value: {self.value})" if self.value else ""
        return (f"{self.severity}: {self.focus_label} <{self.focus}> {self.path}: "
                f"{self.message}{val}")


@dataclass
class Report:
    problems: list[Problem]

    @property
    def violations(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "Violation"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "Violation"]

    @property
    def conforms(self) -> bool:
        return not self.violations


def _short(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        s = str(node)
        for prefix, ns in PREFIXES.items():
            if s.startswith(ns):
                return f"{prefix}:{s[len(ns):]}"
        return s
    return str(node)


def union_graph(triples: Iterable[tuple[Node, Node, Node]]) -> Graph:
    g = Graph()
    for t in triples:
        g.add(t)
    return g


def validate_graph(data: Graph, shapes: Path | None = None) -> Report:
    """Validate one graph (the union of the dataset, ontology included)."""
    import pyshacl

    sg = Graph().parse(shapes or paths.shapes_file(), format="turtle")
    _conforms, results, _text = pyshacl.validate(
        data, shacl_graph=sg, inference="none", allow_warnings=True, advanced=True,
        abort_on_first=False, meta_shacl=False)
    problems = []
    for r in results.subjects(SH.resultSeverity, None):
        focus = results.value(r, SH.focusNode)
        sev = _short(results.value(r, SH.resultSeverity)).rsplit("#", 1)[-1]
        path = results.value(r, SH.resultPath)
        path_text = _short(path) if isinstance(path, URIRef) else ("(path)" if path else "")
        msg = results.value(r, SH.resultMessage)
        value = results.value(r, SH.value)
        label = (data.value(focus, SKOS.prefLabel) if focus is not None else None) or ""
        labels = [lbl for lbl in data.objects(focus, SKOS.prefLabel)
                  if getattr(lbl, "language", None) == "zh"] if focus is not None else []
        if labels:
            label = labels[0]
        problems.append(Problem(sev, str(focus), str(label) or _short(focus), path_text,
                                str(msg or "constraint violated"),
                                _short(value) if value is not None else ""))
    problems.sort(key=lambda p: (p.severity != "Violation", p.focus, p.path, p.message))
    return Report(problems)


def validate_dataset(ds) -> Report:  # ds: store.DigiDataset
    return validate_graph(union_graph(ds.triples()))

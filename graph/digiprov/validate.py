"""SHACL validation -> a list of readable problems."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from . import paths
from .vocab import SKOS, curie, iri


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
    return curie(str(node)) if isinstance(node, URIRef) else str(node)


def union_graph(triples: Iterable[tuple[Node, Node, Node]]) -> Graph:
    g = Graph()
    for t in triples:
        g.add(t)
    return g


def validate_graph(data: Graph, shapes: Path | Graph | None = None) -> Report:
    """Validate one graph (the union of the dataset, ontology included)."""
    import pyshacl

    sg = shapes if isinstance(shapes, Graph) else Graph().parse(
        shapes or paths.shapes_file(), format="turtle")
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
    if ds.backend == "oxigraph":
        return validate_store(ds)
    return validate_graph(union_graph(ds.triples()))


def validate_store(ds):  # ds: store.OxigraphDataset -> validate.Report
    """SHACL validation of an Oxigraph dataset, same report as ``validate_graph(union)``.

    pyshacl runs a SHACL-SPARQL constraint once per focus node through rdflib's SPARQL engine,
    which dominates validation time (~90% at 100k quads). Those constraints are run here
    inside Oxigraph instead, once for all focus nodes of their target classes; pyshacl checks
    the core constraints over one rdflib copy of the union graph."""
    shapes = Graph().parse(paths.shapes_file(), format="turtle")
    checks = _take_sparql_constraints(shapes)
    union = union_graph(ds.triples())
    report = validate_graph(union, shapes)
    problems = report.problems + [p for check in checks for p in _run_check(ds, union, check)]
    problems.sort(key=lambda p: (p.severity != "Violation", p.focus, p.path, p.message))
    return Report(problems)


def _take_sparql_constraints(shapes) -> list[dict]:
    """Remove from ``shapes`` the sh:sparql constraints of class-targeted node shapes whose
    query is a plain pattern with filters (so running it with $this unbound and joining the
    targets gives the same focus nodes as SHACL's per-node pre-binding). Others stay."""
    import re

    from rdflib.namespace import SH

    taken = []
    for shape, c in list(shapes.subject_objects(SH.sparql)):
        targets = list(shapes.objects(shape, SH.targetClass))
        select = shapes.value(c, SH.select)
        if not targets or select is None or (shape, SH.path, None) in shapes:
            continue
        other_targets = (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
        if any((shape, t, None) in shapes for t in other_targets):
            continue
        body = str(select)
        if len(re.findall(r"(?i)\bselect\b", body)) != 1 or re.search(
                r"(?i)\b(optional|minus|service|values|graph|bind|limit|offset|"
                r"group|having)\b|\$(?!this\b)", body):
            continue
        # (NOT) EXISTS sees the solution's bindings, so it agrees with SHACL's pre-bound $this
        # as long as the main pattern binds $this before any filter.
        if re.search(r"(?i)\bexists\b", body) and "$this" not in re.split(
                r"(?i)\bfilter\b", body.split("{", 1)[-1], maxsplit=1)[0]:
            continue
        prefixes = {}
        for decl_owner in shapes.objects(c, SH.prefixes):
            for decl in shapes.objects(decl_owner, SH.declare):
                prefixes[str(shapes.value(decl, SH.prefix))] = str(shapes.value(decl,
                                                                                  SH.namespace))
        deactivated = any(str(shapes.value(n, SH.deactivated)).lower() == "true"
                          for n in (shape, c))
        shapes.remove((shape, SH.sparql, c))
        if deactivated:
            continue
        severity = shapes.value(shape, SH.severity) or SH.Violation
        taken.append({"targets": targets, "select": body, "prefixes": prefixes,
                      "message": str(shapes.value(c, SH.message) or "constraint violated"),
                      "severity": str(severity).rsplit("#", 1)[-1]})
    return taken


def _run_check(ds, union, check: dict):
    import re

    inner = re.sub(r"\$this\b", "?this", check["select"])
    targets = " UNION ".join(
        f"{{ ?this <{iri('rdf:type')}>/<{iri('rdfs:subClassOf')}>* <{t}> }}"
        for t in check["targets"])
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in check["prefixes"].items())
    # The constraint's own prefixes come first; the body becomes a subquery.
    head, sep, rest = re.split(r"(?i)(\bselect\b)", inner, maxsplit=1)
    query = (f"{prologue}{head}SELECT DISTINCT ?this WHERE {{ {{ {sep}{rest} }} {targets} }}"
             " ORDER BY ?this")
    for (focus,) in ds.query(query).rows:
        labels = [lbl for lbl in union.objects(focus, SKOS.prefLabel)
                  if getattr(lbl, "language", None) == "zh"]
        label = labels[0] if labels else union.value(focus, SKOS.prefLabel)
        yield Problem(check["severity"], str(focus), str(label or "") or _short(focus), "",
                      check["message"], _short(focus))

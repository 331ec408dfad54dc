"""Run SPARQL queries, bind parameters safely and format results.

* Named queries: ``queries/<name>.rq`` (the file stem is the name) with a comment header::

      # title: one line
      # description: one or more lines
      #   (continuation lines are indented)
      # param: varname — what it is (e.g. an IRI or a date)

  They use the project's predeclared prefixes without PREFIX lines.
* Parameters (``--param name=value``) are parsed into RDF terms (:func:`parse_param`) and bound
  through the dataset API's ``bindings``. The Oxigraph store and remote endpoints receive them
  as a ``VALUES`` block at the top of the outer ``WHERE`` group, each term written by an
  N-Triples serializer (:func:`~digiprov.sparqltext.bind_as_values`), so a value can never
  change the query's structure.
* Result formats follow the W3C SPARQL 1.1 Query Results JSON, XML, CSV and TSV formats;
  ``table`` is an aligned, CJK-width-aware table for people; graph results (CONSTRUCT, DESCRIBE)
  are written as Turtle, TriG, N-Triples or JSON-LD.
"""

from __future__ import annotations

import csv
import datetime
import difflib
import io
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from .errors import InputError, QueryError, RemoteError
from .exporters import GRAPH_FORMATS, RDF_FORMATS, SELECT_FORMATS
from .exporters import QUERY_FORMATS as FORMATS
from .sparqltext import _IRI_BAD, _strip_strings_comments, bind_as_values, nt_term, with_prologue
from .store import DigiDataset, QueryResult
from .vocab import PREFIXES, SERVICE_NS, XSD

QUERIES_DIR = Path(__file__).resolve().parent / "queries"

MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "table": "text/plain; charset=utf-8",
    **{f: RDF_FORMATS[f].media_type for f in GRAPH_FORMATS},
}

# ------------------------------------------------------------------ named queries


@dataclass
class NamedQuery:
    name: str
    title: str
    description: str
    params: list[tuple[str, str]]
    text: str
    path: Path
    # Values from "Example: --param k=v" in the description, so tools can run the query as-is.
    examples: dict[str, str] = field(default_factory=dict)


_HEADER = re.compile(r"#\s*(title|description|param)\s*:\s*(.*)$")
_EXAMPLE = re.compile(r"--param\s+([A-Za-z_]\w*)=(\S+)")


def parse_named_query(path: Path) -> NamedQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read named query {path}: {e}") from None
    fields: dict[str, list[str]] = {"title": [], "description": []}
    params: list[list[str]] = []
    last: list[str] | None = None
    for line in text.splitlines():
        s = line.strip()
        if not s:
            continue
        if not s.startswith("#"):
            break
        m = _HEADER.match(s)
        if m:
            key, value = m[1], m[2].strip()
            if key == "param":
                name, desc = _split_param(value)
                last = [name, desc]
                params.append(last)
            else:
                last = fields[key]
                last.append(value)
        elif last is not None and s[1:].strip():
            last.append(s[1:].strip())
    desc = " ".join(fields["description"])
    return NamedQuery(
        name=path.stem,
        title=" ".join(fields["title"]) or path.stem,
        description=desc,
        params=[(p[0], " ".join(p[1:]).strip()) for p in params],
        text=text,
        path=path,
        examples=dict(_EXAMPLE.findall(desc)),
    )


def _split_param(value: str) -> tuple[str, str]:
    m = re.match(r"[?$]?([A-Za-z_]\w*)\s*(?:[—–:]|--?)?\s*(.*)$", value)
    if not m:
        return value, ""
    return m[1], m[2]


def query_dirs(extra: Iterable[str | Path] = ()) -> list[Path]:
    return [Path(d) for d in extra] + [QUERIES_DIR]


def list_queries(extra_dirs: Iterable[str | Path] = ()) -> list[NamedQuery]:
    """Named queries, sorted by name; a query in an extra directory shadows a packaged one."""
    found: dict[str, NamedQuery] = {}
    for d in query_dirs(extra_dirs):
        if not d.is_dir():
            if d != QUERIES_DIR:
                raise InputError(f"query directory {d} does not exist")
            continue
        for p in sorted(d.glob("*.rq")):
            found.setdefault(p.stem, parse_named_query(p))
    return [found[k] for k in sorted(found)]


def load_query(name: str, extra_dirs: Iterable[str | Path] = ()) -> NamedQuery:
    queries = {q.name: q for q in list_queries(extra_dirs)}
    if name in queries:
        return queries[name]
    close = difflib.get_close_matches(name, list(queries), n=5, cutoff=0.5)
    close += [n for n in queries if name and name in n and n not in close]
    hint = f"did you mean: {', '.join(close)}?" if close else \
        f"known: {', '.join(queries) or '(none)'}"
    raise InputError(f"no named query '{name}'; {hint} (see 'digiprov query --list')")


# ------------------------------------------------------------------ parameters

_PNAME = re.compile(r"^([A-Za-z][\w.-]*)?:([\w-][\w.-]*)?$")
_INT = re.compile(r"^[+-]?\d+$")
_DEC = re.compile(r"^[+-]?\d*\.\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_QUOTED = re.compile(r'^"(.*)"(?:@([A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^(.+))?$', re.S)


def _iri(text: str, raw: str) -> URIRef:
    if not text or _IRI_BAD.search(text) or ":" not in text:
        raise InputError(f"parameter value {raw!r} is not a valid absolute IRI")
    return URIRef(text)


def parse_param(value: str) -> Node:
    """One ``--param`` value -> an RDF term.

    ``<iri>``, ``prefix:name`` (a predeclared prefix) and bare ``http(s)://`` / ``urn:`` IRIs
    -> URIRef; ``2021-03-31`` -> xsd:date; ``42`` -> xsd:integer; ``3.5`` -> xsd:decimal;
    ``"text"@zh`` -> language literal; ``"text"^^xsd:date`` -> typed literal; ``"text"`` and
    anything else -> plain string.
    """
    v = value
    if v.startswith("<") and v.endswith(">"):
        return _iri(v[1:-1], value)
    if re.match(r"^(https?|urn|ftp|file|mailto):", v) and not any(c.isspace() for c in v):
        return _iri(v, value)
    m = _QUOTED.match(v)
    if m:
        text, lang, dt = m[1], m[2], m[3]
        if lang:
            return Literal(text, lang=lang)
        if dt:
            dt_term = parse_param(dt)
            if not isinstance(dt_term, URIRef):
                raise InputError(f"parameter value {value!r}: datatype must be an IRI")
            return Literal(text, datatype=dt_term)
        return Literal(text)
    pm = _PNAME.match(v)
    if pm and pm[1] is not None:
        if pm[1] not in PREFIXES:
            raise InputError(f"parameter value {value!r}: unknown prefix '{pm[1]}:' (known: "
                             f"{', '.join(PREFIXES)}); quote it (\"...\") to pass a string")
        return URIRef(PREFIXES[pm[1]] + (pm[2] or ""))
    if _DATE.match(v):
        try:
            datetime.date.fromisoformat(v)
        except ValueError:
            raise InputError(f"parameter value {value!r} looks like a date but is not one; "
                             'quote it ("...") to pass a string') from None
        return Literal(v, datatype=XSD.date)
    if _INT.match(v):
        return Literal(v, datatype=XSD.integer)
    if _DEC.match(v):
        return Literal(v, datatype=XSD.decimal)
    return Literal(v)


def parse_params(pairs: Iterable[str]) -> dict[str, str]:
    """``["name=value", ...]`` -> ``{"name": "value"}`` (values still text)."""
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise InputError(f"--param {pair!r}: expected name=value with a SPARQL variable name")
        if name in out:
            raise InputError(f"--param {name} given twice")
        out[name] = value
    return out


def _variables(text: str) -> set[str]:
    return {m for m in re.findall(r"[?$]([A-Za-z_]\w*)", _strip_strings_comments(text))}


def bind_terms(text: str, params: dict[str, str] | None) -> dict[str, Node]:
    """Parse parameter values and check each names a variable of the query."""
    if not params:
        return {}
    known = _variables(text)
    out: dict[str, Node] = {}
    for name, value in params.items():
        if name not in known:
            raise InputError(f"--param {name}: the query has no variable ?{name} "
                             f"(variables: {', '.join(sorted(known)) or 'none'})")
        out[name] = parse_param(value)
    return out


# ------------------------------------------------------------------ running


def run_query(ds: DigiDataset, text: str, params: dict[str, str] | None = None, *,
              union: bool = True, default_graphs: list[URIRef] | None = None,
              named_graphs: list[URIRef] | None = None) -> QueryResult:
    """Run ``text`` on ``ds`` with ``params`` (text values) bound as RDF terms."""
    bindings = bind_terms(text, params)
    try:
        return ds.query(text, bindings=bindings or None, union=union,
                        default_graphs=default_graphs, named_graphs=named_graphs)
    except QueryError as e:
        m = re.search(r"variable \?(\w+) in its SELECT projection", str(e))
        if bindings and m:
            # Oxigraph binds by substitution (SEP-0007), which keeps the variable in the result.
            raise InputError(f"--param {m[1]}: ?{m[1]} must be in the SELECT clause to be "
                             f"bound (add it there, or use SELECT *)") from None
        raise


def run_remote(endpoint: str, text: str, params: dict[str, str] | None = None, *,
               timeout: float = 60.0, user: str | None = None, password: str | None = None
               ) -> QueryResult:
    """Run a query on a SPARQL 1.1 Protocol endpoint; results come back as rdflib terms."""
    import urllib.parse

    bindings = bind_terms(text, params)
    body_text = with_prologue(bind_as_values(text, bindings))
    body = urllib.parse.urlencode({"query": body_text}).encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/sparql-results+json, application/n-triples;q=0.9",
    }
    status, ctype, data = http_request("POST", endpoint, body, headers, timeout=timeout,
                                       user=user, password=password, what="SPARQL endpoint")
    if status == 400:
        raise QueryError(f"endpoint {endpoint} rejected the query: {_excerpt(data)}")
    if status >= 300:
        raise RemoteError(f"endpoint {endpoint} answered HTTP {status}: {_excerpt(data)}")
    ctype = ctype.split(";")[0].strip().lower()
    if ctype in ("application/sparql-results+json", "application/json"):
        return parse_results_json(data)
    if ctype in ("application/n-triples", "text/plain", "text/turtle", "application/trig",
                 "application/n-quads"):
        return _parse_graph(data, ctype)
    raise RemoteError(f"endpoint {endpoint} answered with unsupported content type {ctype!r}")


def http_request(method: str, url: str, body: bytes | None, headers: dict[str, str], *,
                 timeout: float, user: str | None = None, password: str | None = None,
                 what: str = "server") -> tuple[int, str, bytes]:
    """One HTTP request -> (status, content type, body); network trouble -> RemoteError.
    HTTP error statuses are returned, not raised.

    The body goes out in chunks, and a server that answers before it has read all of it
    (Virtuoso refusing a large PUT with 500, then closing) has its answer read and returned
    instead of surfacing as a "broken pipe" that hides the status."""
    import base64
    import http.client
    import select
    import urllib.parse

    if not re.match(r"^https?://", url):
        raise InputError(f"{what} URL {url!r} must start with http:// or https://")
    parts = urllib.parse.urlsplit(url)
    headers = dict(headers)
    if user is not None:
        token = base64.b64encode(f"{user}:{password or ''}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    conn_cls = (http.client.HTTPSConnection if parts.scheme == "https"
                else http.client.HTTPConnection)
    try:
        conn = conn_cls(parts.hostname or "", parts.port, timeout=timeout)
    except (ValueError, http.client.InvalidURL) as e:
        raise InputError(f"{what} URL {url!r} is not valid: {e}") from None
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        try:
            conn.putrequest(method, target, skip_accept_encoding=True)
            for k, v in headers.items():
                conn.putheader(k, v)
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders()
            view = memoryview(body or b"")
            for i in range(0, len(view), 1 << 16):
                # an answer already waiting means the server stopped reading the body
                if conn.sock is not None and select.select([conn.sock], [], [], 0)[0]:
                    break
                conn.sock.sendall(view[i:i + (1 << 16)])
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may have answered and closed: read what it said below
        try:
            resp = conn.getresponse()
            data = resp.read()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as e:
            raise RemoteError(f"cannot reach {what} at {url}: the connection closed before an "
                              f"answer ({e.__class__.__name__})") from None
        return resp.status, resp.getheader("Content-Type", "") or "", data
    except TimeoutError:
        raise RemoteError(f"{what} at {url} did not answer within {timeout:g} s") from None
    except (OSError, http.client.HTTPException) as e:
        raise RemoteError(f"cannot reach {what} at {url}: {e}") from None
    finally:
        conn.close()


def _excerpt(data: bytes, n: int = 200) -> str:
    s = " ".join(data.decode("utf-8", "replace").split())
    return (s[:n] + "…") if len(s) > n else (s or "(empty body)")


def _json_term(b: dict) -> Node:
    t = b.get("type")
    v = b.get("value", "")
    if t == "uri":
        return URIRef(v)
    if t == "bnode":
        return BNode(v)
    if t in ("literal", "typed-literal"):
        if "xml:lang" in b:
            return Literal(v, lang=b["xml:lang"])
        if b.get("datatype") and b["datatype"] != str(XSD.string):
            return Literal(v, datatype=URIRef(b["datatype"]))
        return Literal(v)
    raise RemoteError(f"unsupported term type {t!r} in SPARQL JSON results")


def parse_results_json(data: bytes) -> QueryResult:
    """SPARQL 1.1 Query Results JSON -> QueryResult with rdflib terms."""
    try:
        doc = json.loads(data)
    except ValueError as e:
        raise RemoteError(f"endpoint sent malformed JSON results: {e}") from None
    if "boolean" in doc:
        return QueryResult("ask", boolean=bool(doc["boolean"]))
    names = list(doc.get("head", {}).get("vars", []))
    rows = []
    for b in doc.get("results", {}).get("bindings", []):
        rows.append(tuple(_json_term(b[n]) if n in b else None for n in names))
    return QueryResult("select", vars=names, rows=rows)


def _parse_graph(data: bytes, ctype: str) -> QueryResult:
    import pyoxigraph as ox

    from .terms import from_ox

    fmt = ox.RdfFormat.from_media_type(ctype) or ox.RdfFormat.N_TRIPLES
    try:
        triples = [(from_ox(q.subject), from_ox(q.predicate), from_ox(q.object))
                   for q in ox.parse(data, fmt)]
    except SyntaxError as e:
        raise RemoteError(f"endpoint sent malformed RDF: {e}") from None
    return QueryResult("graph", triples=triples)  # type: ignore[arg-type]


# ------------------------------------------------------------------ formatting


def check_format(res: QueryResult, fmt: str) -> str:
    """The format to use for ``res``: graph results default to Turtle, tabular to table."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format '{fmt}' (use {', '.join(FORMATS)})")
    if res.kind == "graph":
        if fmt == "table":
            return "turtle"
        if fmt not in GRAPH_FORMATS:
            raise InputError(f"format {fmt} is for SELECT/ASK results; CONSTRUCT and DESCRIBE "
                             f"give {', '.join(GRAPH_FORMATS)}")
    elif fmt in GRAPH_FORMATS:
        raise InputError(f"format {fmt} is for CONSTRUCT/DESCRIBE; SELECT and ASK give "
                         f"{', '.join(SELECT_FORMATS)}")
    return fmt


def render(res: QueryResult, fmt: str, *, pretty: bool = False, id_base: str | None = None
           ) -> bytes:
    """Serialize a result in one of :data:`FORMATS` (see :func:`check_format`)."""
    fmt = check_format(res, fmt)
    if res.kind == "graph":
        return _render_graph(res, fmt)
    if fmt == "json":
        return results_json(res, pretty=pretty).encode()
    if fmt == "xml":
        return results_xml(res).encode()
    if fmt == "csv":
        return results_csv(res).encode()
    if fmt == "tsv":
        return results_tsv(res).encode()
    return results_table(res, id_base=id_base).encode()


def _json_binding(t: Node) -> dict:
    if isinstance(t, URIRef):
        return {"type": "uri", "value": str(t)}
    if isinstance(t, BNode):
        return {"type": "bnode", "value": str(t)}
    assert isinstance(t, Literal)
    b = {"type": "literal", "value": str(t)}
    if t.language:
        b["xml:lang"] = t.language
    elif t.datatype and t.datatype != XSD.string:
        b["datatype"] = str(t.datatype)
    return b


def results_json(res: QueryResult, pretty: bool = False) -> str:
    if res.kind == "ask":
        doc: dict = {"head": {}, "boolean": bool(res.boolean)}
    else:
        doc = {"head": {"vars": list(res.vars)}, "results": {"bindings": [
            {v: _json_binding(t) for v, t in zip(res.vars, row, strict=True) if t is not None}
            for row in res.rows]}}
    return json.dumps(doc, ensure_ascii=False, indent=2 if pretty else None) + "\n"


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(s: str, attr: bool = False) -> str:
    from xml.sax.saxutils import escape, quoteattr

    # XML 1.0 cannot carry most control characters at all, not even escaped.
    s = _XML_BAD.sub("\ufffd", s)
    return quoteattr(s) if attr else escape(s)


def results_xml(res: QueryResult) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<sparql xmlns="{SERVICE_NS["sparql-results"]}">', "  <head>"]
    if res.kind == "ask":
        out += ["  </head>", f"  <boolean>{'true' if res.boolean else 'false'}</boolean>",
                "</sparql>"]
        return "\n".join(out) + "\n"
    out += [f"    <variable name={_x(v, True)}/>" for v in res.vars]
    out += ["  </head>", "  <results>"]
    for row in res.rows:
        out.append("    <result>")
        for v, t in zip(res.vars, row, strict=True):
            if t is None:
                continue
            if isinstance(t, URIRef):
                val = f"<uri>{_x(str(t))}</uri>"
            elif isinstance(t, BNode):
                val = f"<bnode>{_x(str(t))}</bnode>"
            else:
                assert isinstance(t, Literal)
                attrs = ""
                if t.language:
                    attrs = f" xml:lang={_x(t.language, True)}"
                elif t.datatype and t.datatype != XSD.string:
                    attrs = f" datatype={_x(str(t.datatype), True)}"
                val = f"<literal{attrs}>{_x(str(t))}</literal>"
            out.append(f"      <binding name={_x(v, True)}>{val}</binding>")
        out.append("    </result>")
    out += ["  </results>", "</sparql>"]
    return "\n".join(out) + "\n"


def _csv_value(t: Node | None) -> str:
    if t is None:
        return ""
    if isinstance(t, BNode):
        return f"_:{t}"
    return str(t)


def results_csv(res: QueryResult) -> str:
    """SPARQL 1.1 CSV: bare values (IRIs, lexical forms), RFC 4180 quoting, CRLF lines."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    if res.kind == "ask":
        w.writerow(["_askResult"])
        w.writerow(["true" if res.boolean else "false"])
        return buf.getvalue()
    w.writerow(res.vars)
    for row in res.rows:
        w.writerow([_csv_value(t) for t in row])
    return buf.getvalue()


def _tsv_value(t: Node | None) -> str:
    if t is None:
        return ""
    if isinstance(t, BNode):
        return f"_:{t}"
    # N-Triples escapes cover \n and \r; a TAB must be escaped too in TSV.
    return nt_term(t).replace("\t", "\\t")


def results_tsv(res: QueryResult) -> str:
    """SPARQL 1.1 TSV: ?var header, terms in N-Triples/Turtle syntax, tab-separated."""
    if res.kind == "ask":
        return "?_askResult\n" + ("true" if res.boolean else "false") + "\n"
    lines = ["\t".join("?" + v for v in res.vars)]
    lines += ["\t".join(_tsv_value(t) for t in row) for row in res.rows]
    return "\n".join(lines) + "\n"


def display_width(s: str) -> int:
    """Terminal columns ``s`` takes: wide and fullwidth (CJK) characters take two."""
    w = 0
    for ch in s:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def display_term(t: Node | None, id_base: str | None = None) -> str:
    """A term for people: literals as their text, IRIs as prefixed names where possible."""
    if t is None:
        return ""
    if isinstance(t, Literal):
        s = str(t)
    elif isinstance(t, BNode):
        s = f"_:{t}"
    else:
        s = str(t)
        for p, ns in PREFIXES.items():
            if s.startswith(ns) and re.fullmatch(r"[\w-]+", s[len(ns):]):
                s = f"{p}:{s[len(ns):]}"
                break
        else:
            if id_base and s.startswith(id_base):
                s = "id:" + s[len(id_base):]
            else:
                s = f"<{s}>"
    return "".join(ch if ch.isprintable() else " " for ch in s)


def results_table(res: QueryResult, id_base: str | None = None) -> str:
    """An aligned table (CJK-width aware) with a row count; ASK gives true or false."""
    if res.kind == "ask":
        return ("true" if res.boolean else "false") + "\n"
    cells = [[display_term(t, id_base) for t in row] for row in res.rows]
    widths = [display_width(v) for v in res.vars]
    for row in cells:
        widths = [max(w, display_width(c)) for w, c in zip(widths, row, strict=True)]

    def line(values: list[str]) -> str:
        return "  ".join(v + " " * (w - display_width(v))
                         for v, w in zip(values, widths, strict=True)).rstrip()

    out = [line(list(res.vars)), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    n = len(res.rows)
    out.append(f"({n} row{'s' if n != 1 else ''})")
    if id_base and any(c.startswith("id:") for r in cells for c in r):
        out.append(f"(id: = {id_base})")
    return "\n".join(out) + "\n"


def _render_graph(res: QueryResult, fmt: str) -> bytes:
    import pyoxigraph as ox

    from .terms import to_ox

    if RDF_FORMATS[fmt].quads:
        items = [ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in res.triples]
    else:
        items = [ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in res.triples]
    rdf_format = getattr(ox.RdfFormat, RDF_FORMATS[fmt].ox)
    prefixes = PREFIXES if fmt in ("turtle", "trig", "rdfxml") else None
    return ox.serialize(items, format=rdf_format, prefixes=prefixes)


__all__ = ["NamedQuery", "list_queries", "load_query", "parse_param", "parse_params",
           "bind_terms", "run_query", "run_remote", "bind_as_values", "render", "check_format",
           "results_json", "results_xml", "results_csv", "results_tsv", "results_table",
           "display_width", "parse_results_json", "FORMATS", "SELECT_FORMATS", "GRAPH_FORMATS",
           "MEDIA_TYPES", "QUERIES_DIR", "http_request", "nt_term"]

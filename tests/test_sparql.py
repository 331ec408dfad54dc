"""digiprov query and digiprov.sparql: named queries, parameter binding, result formats."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from digiprov.errors import InputError, QueryError
from digiprov.vocab import DP, RDF, SKOS, XSD

FIXTURE_QUERIES = Path(__file__).parent / "fixtures" / "sparql"
EX = "http://example.org/"
HOSTILE = '"} } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o } #\\ \' \n\t'
SRX = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module")
def tiny():
    """Two provinces, one with a Chinese label, one label full of CSV/TSV/XML specials."""
    from digiprov.store import memory_oxigraph

    a, b, g1 = URIRef(EX + "a"), URIRef(EX + "b"), URIRef(EX + "g1")
    d = DATASET_DEFAULT_GRAPH_ID
    return memory_oxigraph([
        (a, RDF.type, DP.Province, g1),
        (a, SKOS.prefLabel, Literal("山东省", lang="zh"), g1),
        (a, DP.areaCode, Literal("370000"), g1),
        (b, RDF.type, DP.Province, d),
        (b, SKOS.prefLabel, Literal('Comma, "quote"\nline\tTab <&>', lang="en"), d),
        (b, DP.launchYear, Literal("2021", datatype=XSD.gYear), d),
        (b, SKOS.altLabel, Literal(HOSTILE), d),
    ])


def sel(ds, text, **params):
    from digiprov.sparql import run_query

    return run_query(ds, text, params or None)


# ------------------------------------------------------------------ named queries


def test_named_query_header_is_parsed():
    from digiprov.sparql import list_queries, load_query

    q = load_query("labels-of-class", [FIXTURE_QUERIES])
    assert q.title == "Labels of the members of a class"
    assert q.description.startswith("Every member of a class with its label in one language.")
    assert "Example: --param class=dp:Province" in q.description  # continuation line joined
    assert q.params == [("class", "the class IRI (e.g. dp:Province)"),
                        ("lang", 'a language tag as a string, e.g. "zh"')]
    assert q.examples == {"class": "dp:Province", "lang": '"zh"'}
    names = [x.name for x in list_queries([FIXTURE_QUERIES])]
    assert names == sorted(names) and "labels-of-class" in names
    # an extra directory shadows a packaged query of the same name
    assert load_query("milestones-2021", [FIXTURE_QUERIES]).text.lstrip().startswith(
        "# title: Test copy")


def test_every_packaged_query_has_title_description_and_runs(dataset):
    from digiprov.sparql import list_queries, run_query

    queries = list_queries()
    assert queries, "no named queries in graph/digiprov/queries"
    for q in queries:
        assert q.title != q.name and q.description, q.name
        declared = {p for p, _ in q.params}
        assert set(q.examples) <= declared, q.name
        res = run_query(dataset, q.text, q.examples)
        assert res.kind in ("select", "ask", "graph")


def test_unknown_name_lists_close_names():
    from digiprov.sparql import load_query

    with pytest.raises(InputError, match=r"did you mean: labels-of-class"):
        load_query("labels-of-clas", [FIXTURE_QUERIES])
    with pytest.raises(InputError, match=r"no named query 'zzz'; known: .*labels-of-class"):
        load_query("zzz", [FIXTURE_QUERIES])


# ------------------------------------------------------------------ parameters


@pytest.mark.parametrize("value, term", [
    ("<http://example.org/x>", URIRef("http://example.org/x")),
    ("https://w3id.org/digiprov/id/place/shandong",
     URIRef("https://w3id.org/digiprov/id/place/shandong")),
    ("dp:Province", DP.Province),
    ("skos:prefLabel", SKOS.prefLabel),
    ("2021-03-31", Literal("2021-03-31", datatype=XSD.date)),
    ("42", Literal("42", datatype=XSD.integer)),
    ("-7", Literal("-7", datatype=XSD.integer)),
    ("3.5", Literal("3.5", datatype=XSD.decimal)),
    ('"山东省"@zh', Literal("山东省", lang="zh")),
    ('"Shandong"@en-GB', Literal("Shandong", lang="en-GB")),
    ('"2021"^^xsd:gYear', Literal("2021", datatype=XSD.gYear)),
    ('"quoted text"', Literal("quoted text")),
    ("plain words", Literal("plain words")),
    ("10:30", Literal("10:30")),
    (HOSTILE, Literal(HOSTILE)),
])
def test_parse_param(value, term):
    from digiprov.sparql import parse_param

    got = parse_param(value)
    assert got == term and type(got) is type(term)
    if isinstance(term, Literal):
        assert (got.language, got.datatype) == (term.language, term.datatype)


@pytest.mark.parametrize("value, message", [
    ("2021-02-30", "looks like a date"),
    ("nope:thing", "unknown prefix 'nope:'"),
    ("<http://exa mple.org/>", "not a valid absolute IRI"),
    ("<relative>", "not a valid absolute IRI"),
])
def test_parse_param_rejects(value, message):
    from digiprov.sparql import parse_param

    with pytest.raises(InputError, match=message):
        parse_param(value)


def test_params_are_bound_as_terms(tiny):
    q = "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label }"
    assert sel(tiny, q, label='"山东省"@zh').column("s") == [URIRef(EX + "a")]
    # the same text without the language tag is a different term: no match
    assert sel(tiny, q, label="山东省").rows == []
    assert sorted(sel(tiny, "SELECT * WHERE { ?s a ?c }", c="dp:Province").column("s")) == \
        [URIRef(EX + "a"), URIRef(EX + "b")]
    assert sel(tiny, "ASK { ?s dp:launchYear ?y }", y='"2021"^^xsd:gYear').boolean
    assert not sel(tiny, "ASK { ?s dp:launchYear ?y }", y="2021").boolean
    # bound as a VALUES block, so the variable need not be projected (Oxigraph's own
    # substitutions require that)
    assert sorted(sel(tiny, "SELECT ?s WHERE { ?s a ?c }", c="dp:Province").column("s")) == \
        [URIRef(EX + "a"), URIRef(EX + "b")]
    # a hostile value stays one term
    assert sel(tiny, "SELECT ?s WHERE { ?s skos:prefLabel ?l }",
               l='"x" } ?s ?p ?o { "').rows == []


def test_hostile_string_is_one_literal(tiny):
    from digiprov.sparql import bind_as_values, bind_terms

    q = "SELECT ?s ?v WHERE { ?s skos:altLabel ?v }"
    res = sel(tiny, q, v=HOSTILE)
    assert res.rows == [(URIRef(EX + "b"), Literal(HOSTILE))]
    assert sel(tiny, q, v=HOSTILE[:-1]).rows == []
    # the remote path writes the term into a VALUES block; the query keeps its structure
    text = bind_as_values(q, bind_terms(q, {"v": HOSTILE}))
    assert "DROP ALL" in text and text.count("VALUES") == 1
    assert tiny.query(text).rows == res.rows
    # and an update smuggled in a value is never executed on the store
    assert len(tiny) == 7


def test_inline_terms_writes_bound_variables_as_terms():
    from digiprov.sparqltext import inline_terms

    q = ('SELECT ?s ?c WHERE { ?s a ?c ; skos:prefLabel ?l . # ?c in a comment\n'
         '  FILTER(?l != "?c" && $c != <urn:?c>) BIND(1 AS ?c) } ORDER BY ?c')
    out = inline_terms(q, {"c": DP.Province})
    p = f"<{DP.Province}>"
    # the VALUES block opens the group; uses become the term (the $c spelling too); the
    # comment, the string, the IRI, the BIND target and the ORDER BY after the group do not
    assert out.startswith(f"SELECT ?s ?c WHERE {{ VALUES (?c) {{ ({p}) }}  ?s a {p} ;")
    assert "# ?c in a comment" in out and '"?c"' in out and "<urn:?c>" in out
    assert f"&& {p} != <urn:?c>" in out and "BIND(1 AS ?c)" in out
    assert out.endswith("} ORDER BY ?c")
    # a subquery is inside the outer group: its uses are written as terms too
    sub = "SELECT * WHERE { { SELECT ?s WHERE { ?s a ?c } } }"
    assert inline_terms(sub, {"c": DP.Province}).count(p) == 2


def test_inlined_parameter_falls_back_to_values_where_a_term_cannot_stand(tiny):
    # bound(<iri>) does not parse; the store then runs the VALUES block alone
    q = "SELECT ?s WHERE { ?s a ?c . FILTER(bound(?c)) }"
    assert sorted(sel(tiny, q, c="dp:Province").column("s")) == [URIRef(EX + "a"),
                                                                 URIRef(EX + "b")]
    # a date range: the filter gets constants, the answers are those of the VALUES form
    from digiprov.sparqltext import bind_as_values

    q = ("SELECT ?s ?y ?from WHERE { ?s dp:launchYear ?y . "
         "FILTER(str(?y) >= str(?from)) }")
    got = sel(tiny, q, **{"from": '"2020"^^xsd:gYear'})
    assert got.rows == [(URIRef(EX + "b"), Literal("2021", datatype=XSD.gYear),
                         Literal("2020", datatype=XSD.gYear))]
    assert tiny.query(bind_as_values(q, {"from": Literal("2020", datatype=XSD.gYear)})
                      ).rows == got.rows


def test_param_must_name_a_variable(tiny):
    with pytest.raises(InputError, match=r"no variable \?lable.*label"):
        sel(tiny, "SELECT * WHERE { ?s skos:prefLabel ?label }", lable="x")
    # ?x inside a string or an IRI is not a variable
    with pytest.raises(InputError, match=r"no variable \?x"):
        sel(tiny, 'SELECT ?s WHERE { ?s skos:prefLabel "?x" }', x="1")


def test_values_binding_matches_local_binding_for_every_named_query(dataset):
    """The text form used for remote endpoints gives the answers the bindings API gives."""
    from digiprov.sparql import bind_as_values, bind_terms, list_queries, run_query

    checked = 0
    for q in list_queries([FIXTURE_QUERIES]):
        if not q.examples:
            continue
        local = run_query(dataset, q.text, q.examples)
        remote_text = bind_as_values(q.text, bind_terms(q.text, q.examples))
        assert dataset.query(remote_text).rows == local.rows, q.name
        checked += 1
    assert checked >= 1


# ------------------------------------------------------------------ result formats


def test_json_results_format(tiny):
    from digiprov.sparql import results_json

    res = sel(tiny, "SELECT ?s ?l ?y WHERE { ?s a dp:Province ; skos:prefLabel ?l "
                    "OPTIONAL { ?s dp:launchYear ?y } } ORDER BY ?s")
    doc = json.loads(results_json(res))
    assert doc["head"] == {"vars": ["s", "l", "y"]}
    a, b = doc["results"]["bindings"]
    assert a == {"s": {"type": "uri", "value": EX + "a"},
                 "l": {"type": "literal", "value": "山东省", "xml:lang": "zh"}}  # y unbound
    assert b["y"] == {"type": "literal", "value": "2021", "datatype": str(XSD.gYear)}
    ask = json.loads(results_json(sel(tiny, "ASK { ?s a dp:Province }")))
    assert ask == {"head": {}, "boolean": True}
    # plain strings carry no datatype (RDF 1.1: xsd:string is implied)
    res = sel(tiny, "SELECT ?v WHERE { ?s skos:altLabel ?v }")
    assert json.loads(results_json(res))["results"]["bindings"][0]["v"] == \
        {"type": "literal", "value": HOSTILE}


def test_xml_results_format(tiny):
    from digiprov.sparql import results_xml

    res = sel(tiny, "SELECT ?s ?l ?b WHERE { ?s skos:prefLabel ?l BIND(BNODE() AS ?b) } "
                    "ORDER BY ?s")
    root = ET.fromstring(results_xml(res).encode())
    assert root.tag == f"{SRX}sparql"
    assert [v.get("name") for v in root.iter(f"{SRX}variable")] == ["s", "l", "b"]
    first = root.find(f"{SRX}results/{SRX}result")
    bindings = {b.get("name"): b[0] for b in first}
    assert bindings["s"].tag == f"{SRX}uri" and bindings["s"].text == EX + "a"
    lit = bindings["l"]
    assert lit.tag == f"{SRX}literal" and lit.text == "山东省"
    assert lit.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh"
    assert bindings["b"].tag == f"{SRX}bnode"
    second = root.findall(f"{SRX}results/{SRX}result")[1]
    assert second[1][0].text == 'Comma, "quote"\nline\tTab <&>'  # escaped and round-tripped
    ask = ET.fromstring(results_xml(sel(tiny, "ASK { ?s a dp:City }")).encode())
    assert ask.find(f"{SRX}boolean").text == "false"


def test_csv_results_format(tiny):
    from digiprov.sparql import results_csv

    res = sel(tiny, "SELECT ?s ?l ?y WHERE { ?s skos:prefLabel ?l "
                    "OPTIONAL { ?s dp:launchYear ?y } } ORDER BY ?s")
    text = results_csv(res)
    assert text == ('s,l,y\r\n'
                    'http://example.org/a,山东省,\r\n'
                    'http://example.org/b,"Comma, ""quote""\nline\tTab <&>",2021\r\n')
    assert list(csv.reader(io.StringIO(text, newline="")))[2][1] == 'Comma, "quote"\nline\tTab <&>'


def test_tsv_results_format(tiny):
    from digiprov.sparql import results_tsv

    res = sel(tiny, "SELECT ?s ?l ?y WHERE { ?s skos:prefLabel ?l "
                    "OPTIONAL { ?s dp:launchYear ?y } } ORDER BY ?s")
    assert results_tsv(res).split("\n") == [
        "?s\t?l\t?y",
        '<http://example.org/a>\t"山东省"@zh\t',
        '<http://example.org/b>\t"Comma, \\"quote\\"\\nline\\tTab <&>"@en\t'
        '"2021"^^<http://www.w3.org/2001/XMLSchema#gYear>',
        "",
    ]


def test_table_is_aligned_for_cjk(tiny):
    from digiprov.sparql import display_width, results_table

    res = sel(tiny, "SELECT ?l ?c WHERE { ?s skos:prefLabel ?l FILTER(lang(?l) = 'zh') "
                    "OPTIONAL { ?s dp:areaCode ?c } }")
    lines = results_table(res).splitlines()
    assert lines[0].startswith("l       c") and lines[2].startswith("山东省  370000")
    # the second column starts at the same terminal column in every line
    col = display_width(lines[0][:lines[0].index("c")])
    assert display_width(lines[2][:lines[2].index("370000")]) == col
    assert lines[-1] == "(1 row)"
    assert display_width("山东a") == 5


def test_graph_results_formats_round_trip(tiny):
    from digiprov.sparql import render

    res = sel(tiny, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert len(res.triples) == 7
    expected = Graph()
    for t in res.triples:
        expected.add(t)
    for fmt, rdflib_fmt in [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"),
                            ("rdfxml", "xml"), ("trig", "trig")]:
        g = Graph()
        g.parse(data=render(res, fmt), format=rdflib_fmt)
        assert isomorphic(g, expected), fmt
    assert render(res, "table").startswith(b"@prefix")  # table means Turtle for graphs
    with pytest.raises(InputError, match="for SELECT/ASK results"):
        render(res, "csv")
    with pytest.raises(InputError, match="for CONSTRUCT/DESCRIBE"):
        render(sel(tiny, "SELECT * { ?s ?p ?o }"), "turtle")


def test_union_default_graph_and_graph_keyword(tiny):
    assert len(sel(tiny, "SELECT * { ?s a dp:Province }").rows) == 2  # union of all graphs
    res = sel(tiny, "SELECT ?g ?s { GRAPH ?g { ?s a dp:Province } }")
    assert res.rows == [(URIRef(EX + "g1"), URIRef(EX + "a"))]
    from digiprov.sparql import run_query

    only_default = run_query(tiny, "SELECT * { ?s a dp:Province }", union=False)
    assert only_default.column("s") == [URIRef(EX + "b")]


def test_remote_json_results_parse_back_to_the_same_terms(tiny):
    from digiprov.sparql import parse_results_json, results_json

    res = sel(tiny, "SELECT ?s ?l ?y ?b WHERE { ?s skos:prefLabel ?l "
                    "OPTIONAL { ?s dp:launchYear ?y } BIND(BNODE('x') AS ?b) } ORDER BY ?s")
    back = parse_results_json(results_json(res).encode())
    assert back.vars == res.vars
    for r1, r2 in zip(back.rows, res.rows, strict=True):
        assert r1[:3] == r2[:3] and isinstance(r1[3], BNode)


# ------------------------------------------------------------------ the CLI


def test_cli_every_input_way(run_cli, tmp_path):
    q = 'SELECT ?p WHERE { ?p a dp:Province ; dp:areaCode "370000" }'
    expected = "https://w3id.org/digiprov/id/place/shandong"
    f = tmp_path / "q.rq"
    f.write_text(q, encoding="utf-8")
    for args, stdin in [((q,), None), (("-f", str(f)), None), (("-f", "-"), q), (("-",), q)]:
        r = run_cli("query", *args, "--format", "csv", input=stdin)
        assert r.exit_code == 0, r.output
        assert r.output.splitlines() == ["p", expected], args
    r = run_cli("query", "--queries", str(FIXTURE_QUERIES), "--name", "labels-of-class",
                "-p", "class=dp:Province", "-p", 'lang="en"', "--format", "csv")
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == "member,label,class,lang"
    assert f"{expected},Shandong Province,{DP.Province},en" in lines[1:]


def test_cli_needs_exactly_one_source(run_cli):
    r = run_cli("query")
    assert r.exit_code == 2 and "give exactly one query" in r.output
    r = run_cli("query", "ASK {}", "--name", "milestones-2021")
    assert r.exit_code == 2 and "give exactly one query" in r.output
    r = run_cli("query", "-f", "/nonexistent/q.rq")
    assert r.exit_code == 2 and "cannot read query file /nonexistent/q.rq" in r.output


def test_cli_ask_exit_codes(run_cli):
    r = run_cli("query", "ASK { ?x a dp:Province }")
    assert (r.exit_code, r.output) == (0, "true\n")
    r = run_cli("query", "ASK { ?x a dp:Province ; skos:prefLabel 'Atlantis' }")
    assert (r.exit_code, r.output) == (1, "false\n")
    r = run_cli("query", "ASK { ?x a dp:Province }", "--format", "json")
    assert r.exit_code == 0 and json.loads(r.output) == {"head": {}, "boolean": True}


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { ?s ?p }",
    # an unclosed group: Oxigraph's message lists the expected tokens over several lines
    "SELECT ?s WHERE { ?s ?p ?o FILTER(?o = 1) ",
])
def test_cli_syntax_error_is_one_line(run_cli, text):
    r = run_cli("query", text)
    assert r.exit_code == 2
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("digiprov: error: SPARQL syntax error:")
    assert len(lines[0]) < 320


def test_cli_unknown_name_and_bad_param(run_cli):
    r = run_cli("query", "--name", "milestone-2021")
    assert r.exit_code == 2 and "did you mean: milestones-2021" in r.output
    r = run_cli("query", "SELECT ?s { ?s a ?c }", "-p", "c")
    assert r.exit_code == 2 and "expected name=value" in r.output
    r = run_cli("query", "SELECT ?s { ?s a ?c }", "-p", "c=dp:Province", "-p", "c=dp:City")
    assert r.exit_code == 2 and "--param c given twice" in r.output


def test_cli_hostile_param(run_cli):
    q = "SELECT ?x ?label WHERE { ?x skos:prefLabel ?label }"
    r = run_cli("query", q, "-p", f"label={HOSTILE}", "--format", "csv")
    assert (r.exit_code, r.stdout_bytes) == (0, b"x,label\r\n")
    r = run_cli("query", q, "-p", 'label="山东省"@zh', "--format", "csv")
    assert r.output.splitlines() == ["x,label", "https://w3id.org/digiprov/id/place/shandong,山东省"]


def test_cli_list(run_cli):
    from digiprov.sparql import list_queries

    r = run_cli("query", "--list", "--queries", str(FIXTURE_QUERIES))
    assert r.exit_code == 0
    for q in list_queries([FIXTURE_QUERIES]):
        assert f"{q.name}\n  {q.title}\n" in r.output
    assert "  --param class=...  the class IRI (e.g. dp:Province)" in r.output


def test_cli_formats_agree_on_real_data(run_cli):
    from digiprov.sparql import list_queries

    name = "milestones-2021" if any(q.name == "milestones-2021" for q in list_queries()) \
        else None
    args = ("--name", name) if name else (
        "SELECT ?m ?d WHERE { ?m a dp:Milestone ; dp:deadline ?d } ORDER BY ?d ?m",)
    out = {f: run_cli("query", *args, "--format", f) for f in ("table", "json", "csv", "tsv")}
    assert all(r.exit_code == 0 for r in out.values())
    doc = json.loads(out["json"].output)
    vars_ = doc["head"]["vars"]
    from_json = [[b.get(v, {}).get("value", "") for v in vars_]
                 for b in doc["results"]["bindings"]]
    rows = list(csv.reader(io.StringIO(out["csv"].output, newline="")))
    assert rows[0] == vars_ and rows[1:] == from_json and len(from_json) >= 3
    table = out["table"].output.splitlines()
    assert table[-1] == f"({len(from_json)} rows)" and len(table) == len(from_json) + 3
    for line, row in zip(table[2:-1], from_json, strict=True):
        assert all(v in line for v in row if not v.startswith("http"))
    tsv = out["tsv"].output.splitlines()
    assert tsv[0] == "\t".join("?" + v for v in vars_) and len(tsv) == len(from_json) + 1


def test_cli_construct_and_output_file(run_cli, tmp_path):
    dest = tmp_path / "p.ttl"
    r = run_cli("query", 'CONSTRUCT WHERE { ?p a dp:Province ; dp:areaCode "370000" ; '
                "skos:prefLabel ?l }", "-o", str(dest))
    assert r.exit_code == 0 and r.output == ""
    g = Graph().parse(dest, format="turtle")
    assert len(g) == 4  # the type, the area code, a zh and an en label
    r = run_cli("query", "CONSTRUCT WHERE { ?p a dp:Province }", "--format", "csv")
    assert r.exit_code == 2 and "for SELECT/ASK results" in r.output


def test_cli_graph_keyword_and_no_union(run_cli):
    q = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = run_cli("query", q, "--format", "csv")
    assert int(r.output.splitlines()[1]) > 50  # one graph per statement
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?m a dp:Milestone }"
    union = int(run_cli("query", q, "--format", "csv").output.splitlines()[1])
    default_only = int(run_cli("query", q, "--format", "csv", "--no-union")
                       .output.splitlines()[1])
    assert union > 0 and default_only < union


def test_cli_endpoint_unreachable(run_cli):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = run_cli("query", "ASK {}", "--endpoint", f"http://127.0.0.1:{port}/sparql",
                "--timeout", "5")
    assert r.exit_code == 2
    assert r.output.startswith(f"digiprov: error: cannot reach SPARQL endpoint at "
                               f"http://127.0.0.1:{port}/sparql")
    assert len(r.output.strip().splitlines()) == 1
    r = run_cli("query", "ASK {}", "--endpoint", "ftp://x")
    assert r.exit_code == 2 and "must start with http" in r.output
    r = run_cli("query", "ASK {}", "--endpoint", f"http://127.0.0.1:{port}/", "--no-union")
    assert r.exit_code == 2 and "--no-union applies to the local dataset" in r.output


def test_help_has_examples(run_cli):
    for cmd in ("query", "serve", "push"):
        r = run_cli(cmd, "--help")
        assert r.exit_code == 0 and "Example:" in r.output, cmd


def test_syntax_error_from_library(tiny):
    with pytest.raises(QueryError, match="SPARQL syntax error"):
        sel(tiny, "SELECT WHERE")


def test_end_to_end_subprocess(built_out):
    """Once as a real process: the console script, stdin, exit codes, UTF-8 output."""
    import subprocess
    import sys

    exe = Path(sys.executable).with_name("digiprov")
    base = [str(exe), "--out", str(built_out), "--seeds", str(Path(__file__).parent.parent /
                                                               "seeds"), "query"]
    p = subprocess.run([*base, "-"], input="ASK { ?p skos:prefLabel '山东省'@zh }",
                       capture_output=True, text=True, timeout=120)
    assert (p.returncode, p.stdout) == (0, "true\n")
    p = subprocess.run([*base, "ASK { ?p skos:prefLabel '不存在'@zh }"], capture_output=True,
                       text=True, timeout=120)
    assert (p.returncode, p.stdout) == (1, "false\n")
    p = subprocess.run([*base, "SELECT ?l WHERE { ?p a dp:Province ; dp:areaCode '370000' ; "
                        "skos:prefLabel ?l FILTER(lang(?l) = 'zh') }"], capture_output=True,
                       timeout=120)
    assert p.returncode == 0 and p.stdout.decode("utf-8").splitlines()[2] == "山东省"
    p = subprocess.run([*base, "SELECT"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.startswith("digiprov: error: SPARQL syntax error") and \
        p.stderr.count("\n") == 1


def test_syntax_error_with_parameters_points_into_the_users_text(tiny):
    bad = "SELECT ?s WHERE { ?s a ?c . FILTER(?c = ) }"
    with pytest.raises(QueryError) as plain:
        tiny.query(bad)
    with pytest.raises(QueryError) as bound:
        tiny.query(bad, {"c": DP.Province})
    # the same message as without parameters, not a column shifted by the VALUES block
    assert str(bound.value) == str(plain.value)
    from digiprov.sparqltext import bind_as_values

    with pytest.raises(QueryError) as shifted:
        tiny.query(bind_as_values(bad, {"c": DP.Province}))
    assert str(shifted.value) != str(plain.value)

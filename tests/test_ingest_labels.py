"""The zh-label rule, decided once for the seed checker and the SHACL shapes: a Chinese label holds
a Chinese character or is one Latin name as Chinese text writes it (GDP, 5G, COSMOPlat)."""

from __future__ import annotations

import pytest
from rdflib import RDF, Graph, Literal, URIRef

from digiprov.errors import SeedError
from digiprov.seeds import is_zh_label, load_seeds
from digiprov.validate import validate_graph
from digiprov.vocab import DP, SKOS

ACCEPTED = ["GDP", "5G", "COSMOPlat", "Geega", "i山东", "“爱山东”APP", "O2O", "B2B", "AT&T",
            "Wi-Fi", "山东省大数据局"]
# A spaced phrase is English or pinyin; a number or version names nothing on its own.
REJECTED = ["Lian Kai", "5+", "2021", "3.0", "—", "“ ”", "Haier COSMOPlat", "++"]


@pytest.mark.parametrize("label", ACCEPTED)
def test_latin_and_mixed_names_are_zh_labels(label):
    assert is_zh_label(label)


@pytest.mark.parametrize("label", REJECTED)
def test_phrases_numbers_and_punctuation_are_not(label):
    assert not is_zh_label(label)


def _seed_dir(tmp_path, zh: str):
    d = tmp_path / "seeds"
    d.mkdir()
    (d / "x.yaml").write_text(
        "indicators:\n  - key: ind-gdp\n    zh: " + repr(zh).replace("'", '"') +
        "\n    en: GDP\n", encoding="utf-8")
    return d


def test_seed_checker_accepts_gdp(tmp_path):
    ss = load_seeds(_seed_dir(tmp_path, "GDP"))
    assert ss.records["ind-gdp"].fields["zh"] == "GDP"


def test_seed_checker_rejects_a_number_with_file_line_entry(tmp_path):
    with pytest.raises(SeedError) as e:
        load_seeds(_seed_dir(tmp_path, "5+"))
    assert str(e.value) == ("seeds/x.yaml:2: entry 'ind-gdp': zh label '5+' contains no Chinese "
                            "characters and is not one Latin name (GDP, 5G, COSMOPlat)")


def _graph(zh: str) -> Graph:
    g = Graph()
    s = URIRef("https://w3id.org/digiprov/id/indicator/x")
    g.add((s, RDF.type, DP.Indicator))
    g.add((s, SKOS.prefLabel, Literal(zh, lang="zh")))
    g.add((s, SKOS.prefLabel, Literal("X", lang="en")))
    return g


@pytest.mark.parametrize("zh", ["GDP", "COSMOPlat", "i山东", "“爱山东”APP", "数字经济总量"])
def test_shapes_accept_what_the_checker_accepts(zh):
    assert validate_graph(_graph(zh)).conforms


@pytest.mark.parametrize("zh", ["Lian Kai", "5+", "2021"])
def test_shapes_reject_what_the_checker_rejects(zh):
    rep = validate_graph(_graph(zh))
    assert [p.message for p in rep.violations] == [
        "the @zh label needs a Chinese character or must be one Latin name (GDP, 5G)"]

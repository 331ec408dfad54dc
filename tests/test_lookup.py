"""Entity lookup: IRI, labels, aliases, pinyin, normalisation, fuzzy, ambiguity."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from digiprov.errors import EntityNotFound
from digiprov.lookup import candidates, latin_key, normalize, pinyin_keys, resolve
from digiprov.vocab import DP, RDF, SKOS

ID = "https://w3id.org/digiprov/id/"
G = URIRef(ID + "graph/curated")


def _ent(tail, cls, zh, en=None, aliases=()):
    s = URIRef(ID + tail)
    q = [(s, RDF.type, cls, G), (s, SKOS.prefLabel, Literal(zh, lang="zh"), G)]
    if en:
        q.append((s, SKOS.prefLabel, Literal(en, lang="en"), G))
    q += [(s, SKOS.altLabel, Literal(a, lang="zh"), G) for a in aliases]
    return q


@pytest.fixture(scope="module")
def tiny():
    from digiprov.store import memory_oxigraph

    return memory_oxigraph(
        _ent("place/jinan", DP.City, "济南市", "Jinan", ["济南"])
        + _ent("place/qingdao", DP.City, "青岛市", "Qingdao")
        + _ent("org/bdb", DP.GovernmentAgency, "山东省大数据局", "Shandong Big Data Bureau",
               ["大数据局"])
        + _ent("org/bdb-qd", DP.GovernmentAgency, "青岛市大数据局", "Qingdao Big Data Bureau",
               ["大数据局"])
        + _ent("place/changqing", DP.District, "长清区", "Changqing")
        + _ent("concept/unit-item", DP.Unit, "项", "item"))  # folded: not an entity


@pytest.mark.parametrize("text", [
    "jinan", "Jinan", "JINAN", "Jǐnán", "ji nan shi", "ji3 nan2", "jinanshi", "济南", "济南市",
    "濟南市", "ｊｉｎａｎ", ID + "place/jinan", "place/jinan", " 济南市 ",
])
def test_resolve_jinan(tiny, text):
    assert resolve(tiny, text) == ID + "place/jinan"


def test_label_beats_pinyin_and_alias_tiers(tiny):
    assert resolve(tiny, "Qingdao Big Data Bureau") == ID + "org/bdb-qd"
    assert resolve(tiny, "山东省大数据局") == ID + "org/bdb"


def test_polyphonic(tiny):
    # 长 is chang here; both readings are indexed so the right one is found
    assert resolve(tiny, "changqing") == ID + "place/changqing"


def test_ambiguous_alias_lists_both(tiny):
    with pytest.raises(EntityNotFound) as e:
        resolve(tiny, "大数据局")
    msg = str(e.value)
    assert "ambiguous" in msg and "org/bdb (山东省大数据局)" in msg and "org/bdb-qd" in msg
    assert sorted(e.value.candidates) == [ID + "org/bdb", ID + "org/bdb-qd"]


def test_no_match_suggests(tiny):
    with pytest.raises(EntityNotFound) as e:
        resolve(tiny, "济南是")
    assert str(e.value).startswith("no entity matches '济南是'; did you mean place/jinan (济南市)")
    with pytest.raises(EntityNotFound, match="no entity matches 'xyzzy'$"):
        resolve(tiny, "xyzzy")
    with pytest.raises(EntityNotFound, match="empty"):
        resolve(tiny, "  ")


def test_folded_concepts_are_not_entities(tiny):
    with pytest.raises(EntityNotFound):
        resolve(tiny, "concept/unit-item")


def test_fuzzy_unique_strong_match_resolves(tiny):
    assert resolve(tiny, "Shandong Big Data Bureaus") == ID + "org/bdb"


def test_candidates(tiny):
    c = candidates(tiny, "大数据局", limit=5)
    assert [x[0] for x in c[:2]] == [ID + "org/bdb", ID + "org/bdb-qd"]
    assert c[0][1:] == ("山东省大数据局", 1.0)
    assert all(0 < s <= 1 for _i, _l, s in c)
    assert candidates(tiny, "zzzz") == []


def test_graph_and_dataset_agree(tiny):
    from digiprov.projection import project

    Gr = project(tiny)
    for text in ("jinan", "大数据局局", "Qingdao"):
        assert candidates(Gr, text) == candidates(tiny, text)


def test_pinyin_keys():
    assert pinyin_keys("济南市")[:4] == ["jinanshi", "ji nan shi", "jinan", "ji nan"]
    assert "chongqing" in pinyin_keys("重慶")  # traditional input
    assert "changqingqu" in pinyin_keys("长清区")
    assert pinyin_keys("COSMOPlat") == []
    assert "cosmoplat ka ao si" in pinyin_keys("COSMOPlat卡奥斯")


def test_normalisation():
    assert normalize("ＣＯＳＭＯＰｌａｔ") == "cosmoplat"
    assert normalize("數據共享“高速通道”") == "数据共享高速通道"
    assert latin_key("Jǐ Nán Shì") == "jinanshi"
    assert latin_key("ji3nan2") == "jinan"


@pytest.mark.parametrize("text, tail", [
    ("济南", "place/jinan"), ("jinan", "place/jinan"), ("Jǐnán", "place/jinan"),
    ("ji nan shi", "place/jinan"), ("省大数据局", "org/shandong-big-data-bureau"),
    ("卡奥斯", "platform/cosmoplat"), ("kaaosi", "platform/cosmoplat"),
    ("Inspur", "org/inspur"), ("山东", "place/shandong"), ("shandong", "place/shandong"),
])
def test_real_dataset(dataset, text, tail):
    assert resolve(dataset, text) == ID + tail


def test_real_dataset_did_you_mean(dataset):
    with pytest.raises(EntityNotFound) as e:
        resolve(dataset, "高速通道")
    assert "platform/data-sharing-expressway" in str(e.value)


def test_exact_names_resolve_from_the_store_as_the_index_does(dataset):
    """Exact labels, aliases and IRI tails are looked up in the store without building the
    name index; every one gives what the index gives (or the same ambiguity)."""
    from digiprov.errors import EntityNotFound
    from digiprov.lookup import _direct, resolve
    from digiprov.projection import project

    G = project(dataset)
    names = {x for _n, d in G.nodes(data=True)
             for x in [d["label_zh"], d["label_en"], *d["aliases"]] if x}
    names |= {n.split("/id/", 1)[1] for n in G}
    direct = 0
    for name in sorted(names):
        try:
            want = resolve(G, name)
        except EntityNotFound as e:
            want = ("ambiguous", tuple(e.candidates))
        tier, hits = _direct(dataset, name)
        direct += bool(hits)
        if len(hits) == 1:
            assert hits[0] == want, name
        elif hits:
            assert want == ("ambiguous", tuple(hits)), name
    assert direct == len(names)  # every exact name skips the index

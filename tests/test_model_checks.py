"""The eight errors of issue #17 item 8, each in a small seed fixture (tests/tiny_world.py).

Where the check needs the source text (a span inside its paragraph, a span containing its
phrase) the seed loader makes it when the corpus is present; the rest are SHACL constraints in
ontology/shapes.ttl, tested on both validation paths (pyshacl over the in-memory union, and the
Oxigraph fast path of validate.validate_store)."""

from __future__ import annotations

import pytest
import tiny_world as tw

from digiprov.errors import SeedError, ValidationFailed
from digiprov.pipeline import run_build
from digiprov.seeds import load_seeds

STORES = ("memory", "oxigraph")


def _violations(tmp_path, monkeypatch, yaml_text: str, store: str, corpus: bool = True
                ) -> list[str]:
    seeds, corpus_dir = tw.write(tmp_path, yaml_text)
    monkeypatch.setenv("DIGIPROV_CORPUS", str(corpus_dir if corpus else tmp_path / "none"))
    try:
        ds, _report = run_build(seeds, tmp_path / "out", store=store)
    except ValidationFailed as e:
        # The line without "(value: …)": a node-level SPARQL constraint reports the focus there.
        return sorted(f"{p.severity}: {p.focus_label} <{p.focus}> {p.path}: {p.message}"
                      for p in e.problems)
    ds.close()
    return []


def _seed_error(tmp_path, yaml_text: str) -> str:
    seeds, corpus = tw.write(tmp_path, yaml_text)
    with pytest.raises(SeedError) as e:
        load_seeds(seeds, corpus=corpus)
    return str(e.value)


@pytest.mark.parametrize("store", STORES)
def test_the_tiny_world_is_clean(tmp_path, monkeypatch, store):
    assert _violations(tmp_path, monkeypatch, tw.seeds_yaml(), store) == []


# 1. a deadline contradicting its 3月底前 phrase ------------------------------------------
@pytest.mark.parametrize("store", STORES)
def test_deadline_contradicting_its_phrase(tmp_path, monkeypatch, store):
    bad = tw.edited("deadline: 2021-03-31", "deadline: 2021-04-30")
    assert _violations(tmp_path, monkeypatch, bad, store) == [
        "Violation: 数据共享高速通道建成 <https://w3id.org/digiprov/id/milestone/"
        "ms-sharing-expressway> : the deadline's month is not the month its phrase "
        "(dp:deadlineText) names"]


@pytest.mark.parametrize("store", STORES)
def test_deadline_not_the_end_of_the_month_its_phrase_says(tmp_path, monkeypatch, store):
    bad = tw.edited("deadline: 2021-03-31", "deadline: 2021-03-15")
    assert [v.split(": ", 2)[-1] for v in _violations(tmp_path, monkeypatch, bad, store)] == [
        "the phrase says the end of a month or year (底/末) but the deadline is not its last day"]


# 2. 253 against the text's 235项 -----------------------------------------------------------
@pytest.mark.parametrize("store", STORES)
def test_value_not_the_number_of_its_phrase(tmp_path, monkeypatch, store):
    bad = tw.edited("value: 235", "value: 253")
    assert _violations(tmp_path, monkeypatch, bad, store) == [
        "Violation: 已发布地方标准：235项 <https://w3id.org/digiprov/id/observation/"
        "obs-local-standards> : the value is not the number its phrase (dp:valueText) states"]


def test_phrase_the_span_does_not_contain(tmp_path):
    bad = tw.edited("value: 235", "value: 253").replace("value_text: 235项", "value_text: 253项")
    msg = _seed_error(tmp_path, bad)
    line = tw.line_of(bad, "value, value_text, unit, qualifier: {para: 3")
    i = tw.TEXT.index("235项")
    assert msg == (f"seeds/tiny.yaml:{line}: entry 'obs-local-standards': field 'value, "
                   f"value_text, unit, qualifier': span p3 [{i}, {i + 4}) of tiny-article reads "
                   f"'235项' and does not contain '253项' (field 'value_text')")


# 3. "more than" on 近98% -------------------------------------------------------------------
@pytest.mark.parametrize("store", STORES)
def test_qualifier_contradicting_the_words(tmp_path, monkeypatch, store):
    bad = tw.edited("qualifier: qualifier-nearly", "qualifier: qualifier-more-than")
    assert _violations(tmp_path, monkeypatch, bad, store) == [
        "Violation: 政务数据共享需求满足率：近98% <https://w3id.org/digiprov/id/observation/"
        "obs-qingdao-sharing-rate> : the qualifier contradicts the words of the value's phrase "
        "(dp:valueText names another qualifier)"]


# 4. duplicate area codes --------------------------------------------------------------------
@pytest.mark.parametrize("store", STORES)
def test_duplicate_area_codes(tmp_path, monkeypatch, store):
    bad = tw.edited('code: "370200"', 'code: "370000"')
    assert _violations(tmp_path, monkeypatch, bad, store) == [
        f"Violation: {name} <https://w3id.org/digiprov/id/place/{key}> : area code: another "
        "area has the same GB/T 2260 code" for name, key in (("山东省", "shandong"),
                                                              ("青岛市", "qingdao"))]


# 5. a made-up Wikidata id -------------------------------------------------------------------
@pytest.mark.parametrize("store", STORES)
def test_wikidata_id_outside_the_verified_list(tmp_path, monkeypatch, store):
    bad = tw.edited("wikidata: Q43407", "wikidata: Q4340799")
    assert _violations(tmp_path, monkeypatch, bad, store) == [
        "Violation: 山东省 <https://w3id.org/digiprov/id/place/shandong> : skos:exactMatch: a "
        "Wikidata id that is not in the verified list (ontology/shapes.ttl)"]


# 6. offsets past the end of the file --------------------------------------------------------
def _past_end() -> str:
    n = len(tw.TEXT)
    return tw.edited(f"zh: {tw.span('李四')}", f"zh: {{para: 5, start: {n - 3}, end: {n + 4}}}")


def test_offsets_past_the_end_of_the_text(tmp_path):
    bad = _past_end()
    n = len(tw.TEXT)
    assert _seed_error(tmp_path, bad) == (
        f"seeds/tiny.yaml:{tw.line_of(bad, f'end: {n + 4}')}: entry 'li-si': field 'zh': span "
        f"p5 [{n - 3}, {n + 4}) of tiny-article ends past the end of the text ({n} characters)")


@pytest.mark.parametrize("store", STORES)
def test_offsets_past_the_end_without_the_text(tmp_path, monkeypatch, store):
    # The source's `chars` lets SHACL see it when the corpus is absent.
    got = _violations(tmp_path, monkeypatch, _past_end(), store, corpus=False)
    st = "https://w3id.org/digiprov/id/statement/tiny-article/li-si/zh"
    assert got == [f"Violation: {st} <{st}> : the span ends past the end of its source's text "
                   "(dp:characterCount)"]


# 7. a wrong paragraph number ----------------------------------------------------------------
def test_wrong_paragraph_number(tmp_path):
    good = f"zh: {tw.span('张三')}"
    wrong = f"zh: {tw.span('张三', para=3)}"
    bad = tw.edited(good, wrong)
    i = tw.TEXT.index("张三")
    p3_start = tw.TEXT.index("全省")
    p3_end = tw.TEXT.index("\n", p3_start)
    assert _seed_error(tmp_path, bad) == (
        f"seeds/tiny.yaml:{tw.line_of(bad, wrong)}: entry 'zhang-san': field 'zh': span "
        f"p3 [{i}, {i + 2}) of tiny-article lies outside paragraph 3 (characters "
        f"[{p3_start}, {p3_end})); it starts in paragraph 4")


# 8. a quotation whose speaker is not the person of its membership ----------------------------
@pytest.mark.parametrize("store", STORES)
def test_speaker_not_the_member(tmp_path, monkeypatch, store):
    bad = tw.edited("    membership: zhang-san-bdb\n", "    membership: li-si-qingdao-bdb\n")
    assert [v.split(": ", 2)[-1] for v in _violations(tmp_path, monkeypatch, bad, store)] == [
        "the speaker is not the person of the membership the quotation is said in (dp:inRole)"]


# and the span of a reference must name what it refers to ------------------------------------
def test_reference_whose_span_names_another_entity(tmp_path):
    bad = tw.edited("    responsible: bdb\n", "    responsible: qingdao-bdb\n")
    msg = _seed_error(tmp_path, bad)
    assert msg.startswith(f"seeds/tiny.yaml:{tw.line_of(bad, 'responsible: {para')}: entry "
                          "'ms-sharing-expressway': field 'responsible': span p2 ")
    assert msg.endswith("reads '山东省大数据局计划' and names none of qingdao-bdb's names "
                        "(青岛市大数据局) (field 'responsible')")


@pytest.mark.parametrize("store", STORES)
def test_unit_multiplier_against_the_phrase(tmp_path, monkeypatch, store):
    bad = tw.edited("    unit: unit-item\n    qualifier: qualifier-exactly\n",
                    "    unit: unit-item\n    unit_mult: 4\n    qualifier: qualifier-exactly\n")
    assert [v.split(": ", 2)[-1] for v in _violations(tmp_path, monkeypatch, bad, store)] == [
        "the unit multiplier does not match the 万/亿 of the value's phrase (dp:valueText)"]

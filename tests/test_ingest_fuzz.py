"""Ingest never fails on a candidate: a bad one is repaired or dropped with a warning naming it,
the rest is written; and hostile input ends with a proposal that loads or a one-line error."""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

import pytest

from digiprov.errors import SeedError
from digiprov.ingest.records import Candidate, Result

REPO = Path(__file__).resolve().parent.parent


def _result(*cands: Candidate) -> Result:
    return Result("src", True, {}, list(cands), {}, [], "utf-8", 0, 0)


def _ind(key, zh, aliases=None, ev=((3, 10, 13),)):
    f = {"zh": zh, "en": "X"}
    if aliases:
        f["aliases"] = aliases
    return Candidate("indicators", key, f, list(ev))


def _obs(key, indicator):
    return Candidate("observations", key, {"indicator": indicator, "value": 1, "unit": "u",
                                           "qualifier": "q", "value_text": "1个",
                                           "period": "2021", "area": "a"}, [(3, 20, 23)])


def test_a_label_that_names_nothing_is_dropped_with_its_dependents():
    from digiprov.ingest.settle import precheck

    r = _result(_ind("ind-x", "5+"), _obs("obs-1", "ind-x"), _ind("ind-ok", "GDP"))
    warnings = precheck(r, lambda k: k in {"u", "q", "a"}, "a.txt")
    assert [c.key for c in r.candidates] == ["ind-ok"]
    assert warnings == [
        "a.txt:3:10: dropped indicators 'ind-x' (5+): label '5+' names nothing (no Chinese "
        "character, not one Latin name)",
        "a.txt:3:20: dropped observations 'obs-1' (1个): its indicator 'ind-x' was dropped"]


def test_a_label_is_repaired_from_a_chinese_alias():
    from digiprov.ingest.settle import precheck

    r = _result(_ind("ind-y", "2021", aliases=["示例指标"]))
    warnings = precheck(r, lambda k: False, "a.txt")
    assert r.candidates[0].fields["zh"] == "示例指标"
    assert r.candidates[0].fields["aliases"] == ["2021"]
    assert warnings == ["a.txt:3:10: repaired indicators 'ind-y': label '2021' replaced by its "
                        "alias '示例指标'"]


def test_dangling_optional_reference_is_removed_required_one_drops():
    from digiprov.ingest.settle import precheck

    place = Candidate("places", "p", {"type": "city", "zh": "甲市", "within": "nowhere"}, [])
    r = _result(place, _obs("obs-2", "missing"))
    warnings = precheck(r, lambda k: k in {"u", "q", "a"}, "a.txt")
    assert "within" not in place.fields
    assert [c.key for c in r.candidates] == ["p"]
    assert warnings == ["a.txt:3:20: dropped observations 'obs-2' (1个): its indicator refers to "
                        "'missing', which is not proposed"]


def test_an_entry_the_loader_refuses_is_dropped_and_the_rest_loads():
    from digiprov.ingest.settle import settle

    r = _result(_ind("ind-a", "甲"), _ind("ind-b", "乙", ev=((5, 1, 2),)))

    def load(text):
        if "ind-b" in text:
            raise SeedError("some rule added later", "c.yaml", 9, "ind-b")
        return "loaded"

    text, loaded, warnings = settle(r, lambda res: " ".join(c.key for c in res.candidates),
                                    load, "a.txt")
    assert (text, loaded) == ("ind-a", "loaded")
    assert warnings == ["a.txt:5:1: dropped indicators 'ind-b' (乙): some rule added later"]


def test_the_issues_gdp_text_is_written(tmp_path):
    """The issue's failure: an indicator labelled GDP stopped the whole proposal."""
    from digiprov.ingest.api import ingest
    from digiprov.ingest.gazetteer import Gazetteer
    from digiprov.seeds import load_seeds

    p = tmp_path / "gdp.txt"
    p.write_text("2021年，青岛市GDP突破1.4万亿元，5G基站达到3万个。\n", encoding="utf-8")
    ingest(p, tmp_path / "o", title="示例", publisher="示例社", date="2022-01-10",
           gz=Gazetteer())
    d = tmp_path / "s"
    d.mkdir()
    (d / "c.yaml").write_text((tmp_path / "o" / "candidates.yaml").read_text(encoding="utf-8"),
                              encoding="utf-8")
    ss = load_seeds(d)
    assert "GDP" in {r.fields.get("zh") for r in ss.records.values()}


def _texts(corpus_dir: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(corpus_dir.glob("*.txt"))]


def test_fuzzed_corpus_ends_in_a_proposal_or_a_one_line_error(corpus_dir, tmp_path):
    """Seeded and bounded: the same cases every run, within a time budget (scripts/fuzz_ingest
    runs as many as asked)."""
    from digiprov.ingest.fuzz import run_case, variant

    texts = _texts(corpus_dir)
    budget = float(os.environ.get("DIGIPROV_FUZZ_SECONDS", "25"))
    t0 = time.perf_counter()
    outcomes = []
    for n in range(40):
        rng = random.Random(f"ci-{n}")
        text, _names = variant(rng, texts)
        outcomes.append(run_case(text, tmp_path))
        if time.perf_counter() - t0 > budget:
            break
    assert len(outcomes) >= 10
    assert outcomes.count("ok") >= len(outcomes) // 2


def test_fuzzed_corpus_linked_to_the_real_seeds(corpus_dir, tmp_path):
    from digiprov.ingest.fuzz import run_case, variant
    from digiprov.ingest.gazetteer import from_seeds

    gz = from_seeds(REPO / "seeds")
    for n in range(4):
        text, _names = variant(random.Random(f"ci-linked-{n}"), _texts(corpus_dir))
        res = run_case(text, tmp_path, gz, REPO / "seeds")  # raises FuzzFailure on a failure
        assert res == "ok" or res.startswith("input error: ")


@pytest.mark.parametrize("text", [
    "\x07\x08\x0b",                        # nothing but control characters
    "《" * 3000,                           # unbalanced brackets, one long line
    "<p>" + "“" * 500 + "</p>\n" * 50,     # stray HTML and quotes
    "5+" * 2000,                           # a name-like token that names nothing
    "１２３４５６７８９０％" * 300,          # full-width digits only
])
def test_degenerate_inputs(tmp_path, text):
    from digiprov.ingest.fuzz import run_case

    res = run_case(text, tmp_path)
    assert res == "ok" or res.startswith("input error: ")


def test_devset_split_and_gold_files_are_complete():
    """Every development text has a gold file that parses, and both halves are real (the texts
    themselves live outside the repository: scripts/devset, scripts/eval_devset)."""
    from digiprov.ingest.evaluate import read_gold

    gold = REPO / "tests" / "gold" / "devset"
    rows = [ln.split("\t") for ln in (gold / "SPLIT.tsv").read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.startswith(("#", "stem\t"))]
    assert all(len(r) == 11 for r in rows)
    halves = {r[0]: r[1] for r in rows}
    assert set(halves.values()) == {"tune", "test"}
    assert sum(h == "test" for h in halves.values()) >= 18 and len(halves) >= 54
    # Each test batch is reported apart (batch 6 was added and scored once, at the end of a round).
    assert {r[10] for r in rows if r[1] == "test"} == {"1", "3", "6"}
    assert sum(r[1] == "tune" and r[10] == "5" for r in rows) == 6
    for stem in halves:
        assert read_gold(gold / f"{stem}.tsv"), stem

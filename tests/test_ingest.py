"""Unit tests of the ingest pipeline on tiny hand-written texts (no corpus needed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from digiprov.errors import InputError

# A tiny text written for these tests (not from the corpus).
TINY = (
    "示例新闻标题\n"
    "\n"
    "山东省大数据局副局长王小明表示，省大数据局将印发《示例数据共享实施方案（2021—2023年）》。\n"
    "6月底前，建成示例数据共享平台（省大数据局牵头）。\n"
    "“十三五”期间，全省示例指数突破5万亿元，示例覆盖率超过90%，建设示例基地7万家。\n"
)
SEED_ORG = """\
source: tiny-src
sources:
  - {key: tiny-src, zh: 示例来源, publisher: 示例出版社, date: 2021-01}
places:
  - {key: shandong, type: province, zh: 山东省, aliases: [山东, 全省], code: "370000"}
organizations:
  - key: shandong-big-data-bureau
    type: agency
    zh: 山东省大数据局
    aliases: [省大数据局]
    jurisdiction: shandong
concepts:
  - {key: unit-trillion-yuan, type: unit, zh: 万亿元, en: trillion yuan}
"""


@pytest.fixture
def tiny_seeds(tmp_path: Path) -> Path:
    d = tmp_path / "seeds"
    d.mkdir()
    (d / "base.yaml").write_text(SEED_ORG, encoding="utf-8")
    return d


@pytest.fixture
def tiny_text(tmp_path: Path) -> Path:
    p = tmp_path / "tiny-news.txt"
    p.write_text(TINY, encoding="utf-8")
    return p


# ------------------------------------------------------------------ text handling

def test_normalize_keeps_length_and_folds_width_and_script():
    from digiprov.ingest.textio import label_key, normalize

    src = "（２０２１－２０２３年）數據局"
    out = normalize(src)
    assert len(out) == len(src)
    assert out.startswith("(2021-2023年)")
    assert out.endswith("数据局")
    assert label_key("“统云”") == label_key("统云")


@pytest.mark.parametrize("enc", ["gb18030", "big5"])
def test_detect_legacy_encodings(enc):
    from digiprov.ingest.textio import detect_encoding

    text = "山東省大數據局發布數字政府建設實施方案，推進政務服務一網通辦。" * 3
    if enc == "gb18030":
        text = "山东省大数据局发布数字政府建设实施方案，推进政务服务一网通办。" * 3
    assert detect_encoding(text.encode(enc)) == enc
    assert detect_encoding(text.encode("utf-8")) == "utf-8"


def test_paragraph_offsets_are_code_points(tmp_path):
    from digiprov.ingest.textio import paragraphs

    p = tmp_path / "crlf.txt"
    p.write_bytes("\ufeff第一段\r\n\r\n第二段文字\r\n".encode())
    paras = list(paragraphs(p, "utf-8-sig"))
    assert [(x.para, x.text) for x in paras] == [(1, "第一段"), (3, "第二段文字")]
    whole = p.read_bytes().decode("utf-8-sig")
    for x in paras:
        assert whole[x.start:x.start + len(x.text)] == x.text


# ------------------------------------------------------------------ patterns

@pytest.mark.parametrize("title,period,dtype", [
    ("《示例发展规划(2018-2022年)》", "2018-2022", "规划"),
    ("《示例发展规划（2018—2022年）》", "2018-2022", "规划"),
    ("《示例行动计划（2021－2023年）》", "2021-2023", "行动计划"),
    ("《示例工作要点》", None, "工作要点"),
    ("《关于示例工作的指导意见》", None, "指导意见"),
])
def test_titles_type_and_period(title, period, dtype):
    from digiprov.ingest.extract import find_titles
    from digiprov.ingest.textio import normalize

    (span,) = find_titles(normalize("今年印发" + title + "。"))
    assert span.attrs.get("period") == period
    assert span.attrs["doctype"][0] == dtype


def test_short_references_are_not_documents():
    from digiprov.ingest.extract import find_titles

    assert find_titles("根据《条例》要求") == []
    assert find_titles("刊登于《示例日报》") == []


@pytest.mark.parametrize("phrase,expected", [
    ("3月底前，完成", dt.date(2021, 3, 31)),
    ("12月底前，完成", dt.date(2021, 12, 31)),
    ("年底前，完成", dt.date(2021, 12, 31)),
    ("计划于2022年底，建成", dt.date(2022, 12, 31)),
    ("2月底前，完成", dt.date(2021, 2, 28)),
])
def test_deadlines_resolve_against_document_date(phrase, expected):
    from digiprov.ingest.extract import find_deadlines

    (d,) = find_deadlines(phrase, dt.date(2021, 3, 1))
    assert d.attrs["date"] == expected
    assert d.text in phrase


def test_vague_periods_are_not_deadlines():
    from digiprov.ingest.extract import find_deadlines

    assert find_deadlines("年内开展了试点工作", dt.date(2020, 1, 31)) == []


@pytest.mark.parametrize("text,value,unit,qual", [
    ("示例总量突破3万亿元", 3, "万亿元", "more"),
    ("建设示例基地7万家", 70000, "家", "exactly"),
    ("满足率近98%", 98, "%", "nearly"),
    ("打造100个左右示例场景", 100, "个", "nearly"),
    ("建设16家以上智能牧场", 16, "家", "more"),
    ("互动次数达4.4万余次", 44000, "次", "more"),
])
def test_quantities(text, value, unit, qual):
    from digiprov.ingest.extract import find_quantities

    (q,) = find_quantities(text)
    assert (q.attrs["value"], q.attrs["unit"], q.attrs["qualifier"]) == (value, unit, qual)


def test_spelled_numbers_in_names_are_not_quantities():
    from digiprov.ingest.extract import find_quantities

    assert find_quantities("打通最后一公里，构建一张网") == []


def test_person_with_position():
    from digiprov.ingest.extract import find_people

    (p,) = find_people("示例省示例局副局长王小明表示")
    assert p.text == "王小明" and p.attrs["role"] == "副局长"


def test_lead_note_lists_organisations():
    from digiprov.ingest.extract import find_lead_notes

    (n,) = find_lead_notes("推进示例工作。（省大数据局、省委网信办牵头）")
    assert [o[0] for o in n.attrs["orgs"]] == ["省大数据局", "省委网信办"]
    assert n.attrs["lead"] is True


def test_keys_are_ascii_and_unique():
    from digiprov.ingest.keys import KeyMaker, slugify
    from digiprov.seeds import KEY_RE

    assert slugify("数字山东") == "shu-zi-shan-dong"
    km = KeyMaker({"shu-zi-shan-dong"})
    k = km.make(slugify("数字山东"))
    assert k == "shu-zi-shan-dong-2" and KEY_RE.match(k)


# ------------------------------------------------------------------ linking, output, accept

def test_ingest_links_and_writes_loadable_candidates(tiny_text, tiny_seeds, tmp_path):
    from digiprov.ingest.api import ingest
    from digiprov.ingest.gazetteer import from_seeds
    from digiprov.seeds import load_seeds

    out = tmp_path / "cand"
    rep = ingest(tiny_text, out, title="示例新闻", publisher="示例社", date="2021-03-15",
                 gz=from_seeds(tiny_seeds), seeds_dir=tiny_seeds)
    r = rep.result
    # 省大数据局 and 山东省大数据局 are the existing bureau; no new bureau is proposed.
    assert "shandong-big-data-bureau" in r.linked
    assert not [c for c in r.candidates if c.fields.get("zh") == "山东省大数据局"]
    by = {c.section: c for c in r.candidates}
    ms = by["milestones"]
    assert ms.fields["deadline"] == "2021-06-30"
    assert ms.fields["responsible"] == "shandong-big-data-bureau"
    mem = by["memberships"]
    assert mem.fields["organization"] == "shandong-big-data-bureau"
    doc = by["documents"]
    assert doc.fields["period"] == "2021-2023"
    obs = {c.fields["value"]: c for c in r.by_section("observations")}
    assert obs[5].fields["unit"] == "unit-trillion-yuan"   # linked concept, not a new one
    assert obs[70000].fields["qualifier"] == "qualifier-exactly"
    assert obs[90].fields["qualifier"] == "qualifier-more-than"
    assert obs[5].fields["period"] == "13th-fyp"
    for c in r.candidates:
        for _para, start, end in c.evidence:
            assert 0 <= start < end <= len(TINY)
    # The candidates file is a seed file: it loads together with the seeds.
    ss = load_seeds(tiny_seeds, extra_files=[out / "candidates.yaml"])
    assert "tiny-news" in ss.records
    text = (out / "candidates.yaml").read_text(encoding="utf-8")
    assert "# confidence:" in text
    # The TriG preview holds only new quads, in per-statement named graphs.
    from rdflib import Dataset

    ds = Dataset()
    ds.parse(out / "candidates.trig", format="trig")
    graphs = {str(g.identifier) for g in ds.graphs()}
    assert any("/id/statement/tiny-news/" in g for g in graphs)
    assert not any("/id/org/shandong-big-data-bureau" == str(s)[-33:]
                   for s in ds.subjects(None, None) if "prefLabel" in str(s))


def test_evidence_offsets_point_at_the_mention(tiny_text, tiny_seeds, tmp_path):
    from digiprov.ingest.api import ingest
    from digiprov.ingest.gazetteer import Gazetteer

    rep = ingest(tiny_text, tmp_path / "c", title="示例新闻", publisher="示例社",
                 date="2021-03-15", gz=Gazetteer())
    whole = TINY
    person = next(c for c in rep.result.candidates if c.section == "people")
    (_p, s, e), = person.evidence
    assert whole[s:e] == "王小明"


def test_accept_is_atomic_idempotent_and_respects_confidence(tiny_text, tiny_seeds, tmp_path):
    from digiprov.ingest.accept import accept_candidates
    from digiprov.ingest.api import ingest
    from digiprov.ingest.gazetteer import from_seeds
    from digiprov.seeds import load_seeds

    out = tmp_path / "cand"
    ingest(tiny_text, out, title="示例新闻", publisher="示例社", date="2021-03-15",
           gz=from_seeds(tiny_seeds), seeds_dir=tiny_seeds)
    before = len(load_seeds(tiny_seeds))
    high = accept_candidates(out / "candidates.yaml", tiny_seeds, min_confidence=0.99)
    assert high.dropped_low > 0
    first = accept_candidates(out / "candidates.yaml", tiny_seeds)
    assert first.total > 0
    after = load_seeds(tiny_seeds)
    assert len(after) == before + high.total + first.total
    again = accept_candidates(out / "candidates.yaml", tiny_seeds)
    assert again.total == 0
    assert len(load_seeds(tiny_seeds)) == len(after)


def test_accept_refuses_what_would_break_the_seeds(tmp_path, tiny_seeds):
    from digiprov.ingest.accept import accept_candidates

    bad = tmp_path / "bad.yaml"
    bad.write_text("source: tiny-src\nmilestones:\n  - {key: m1, zh: 示例, deadline: 2021-01-01, "
                   "deadline_text: 年底, responsible: no-such-org}\n", encoding="utf-8")
    with pytest.raises(InputError, match="would break the seeds"):
        accept_candidates(bad, tiny_seeds)
    assert not (tiny_seeds / "ingested").exists() or not any((tiny_seeds / "ingested").iterdir())


def test_bad_arguments_fail_before_writing(tiny_text, tmp_path):
    from digiprov.ingest.api import ingest
    from digiprov.ingest.gazetteer import Gazetteer

    out = tmp_path / "never"
    for kwargs, msg in [({"date": "2021-02-30"}, "not a date"), ({"date": "soon"}, "not a date"),
                        ({"title": "no chinese"}, "Chinese")]:
        args = {"title": "示例", "publisher": "示例社", "date": "2021-03-01", **kwargs}
        with pytest.raises(InputError, match=msg):
            ingest(tiny_text, out, gz=Gazetteer(), **args)
    assert not out.exists()


def test_non_utf8_is_converted_or_refused(tmp_path):
    from digiprov.ingest.api import ingest
    from digiprov.ingest.gazetteer import Gazetteer

    p = tmp_path / "gbk.txt"
    p.write_bytes(TINY.encode("gb18030"))
    rep = ingest(p, tmp_path / "ok", title="示例", publisher="示例社", date="2021-03-01",
                 gz=Gazetteer())
    assert rep.result.encoding == "gb18030"
    assert any("GB18030" in w for w in rep.result.warnings)
    with pytest.raises(InputError, match="GB18030"):
        ingest(p, tmp_path / "no", title="示例", publisher="示例社", date="2021-03-01",
               gz=Gazetteer(), strict=True)
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("content", [b"", b"\n \n\t\n", b"\x00\x00binary"])
def test_empty_or_binary_input(tmp_path, content):
    from digiprov.ingest.api import ingest
    from digiprov.ingest.gazetteer import Gazetteer

    p = tmp_path / "in.txt"
    p.write_bytes(content)
    with pytest.raises(InputError):
        ingest(p, tmp_path / "o", title="示例", publisher="示例社", date="2021-03-01",
               gz=Gazetteer())
    assert not (tmp_path / "o").exists()


def test_gold_reader_and_scoring(tmp_path):
    from digiprov.ingest.evaluate import Item, match, read_gold

    g = tmp_path / "g.tsv"
    g.write_text("# c\norg\t山东省大数据局|省大数据局\nquantity\t总量\t3\t万亿元\t\t突破\n"
                 "deadline\t3月底前\t\t\t2021-03-31\n", encoding="utf-8")
    gold = read_gold(g)
    # quantity is read as its newer name, value
    assert [x.kind for x in gold] == ["org", "value", "deadline"]
    pred = [Item("org", frozenset({"省大数据局"})), Item("value", frozenset(), (3.0, "万亿元"),
                                                      "more"),
            Item("org", frozenset({"别的局"}))]
    s = match(pred, gold)
    assert (s.tp, s.pred, s.gold) == (2, 3, 3)
    bad = tmp_path / "bad.tsv"
    bad.write_text("nonsense\tx\n", encoding="utf-8")
    with pytest.raises(InputError, match="bad.tsv:1"):
        read_gold(bad)


def test_traditional_and_full_width_text_links_like_simplified(tmp_path, tiny_seeds):
    import zhconv

    from digiprov.ingest.api import ingest
    from digiprov.ingest.gazetteer import from_seeds

    p = tmp_path / "trad.txt"
    trad = zhconv.convert(TINY, "zh-tw").replace("5萬億元", "５萬億元")
    p.write_text(trad, encoding="utf-8")
    r = ingest(p, tmp_path / "o", title="示例", publisher="示例社", date="2021-03-15",
               gz=from_seeds(tiny_seeds), seeds_dir=tiny_seeds).result
    assert "shandong-big-data-bureau" in r.linked
    values = {c.fields["value"] for c in r.by_section("observations")}
    assert {5, 90, 70000} <= values
    # Offsets still point into the original (traditional) text.
    person = next(c for c in r.candidates if c.section == "people")
    (_p, s, e), = person.evidence
    assert trad[s:e] == person.fields["zh"] == "王小明"


@pytest.mark.slow
def test_cli_end_to_end_as_a_subprocess(tiny_text, tiny_seeds, tmp_path):
    import subprocess
    import sys

    exe = Path(sys.executable).parent / "digiprov"
    cmd = [str(exe), "--seeds", str(tiny_seeds), "--out", str(tmp_path / "no-build"), "ingest",
           str(tiny_text), "--title", "示例新闻", "--publisher", "示例社", "--date",
           "2021-03-15", "-o", str(tmp_path / "cand")]
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr
    assert "linked entities: " in res.stdout and "shandong-big-data-bureau" in res.stdout
    res = subprocess.run([str(exe), "--seeds", str(tiny_seeds), "accept",
                          str(tmp_path / "cand")], capture_output=True, text=True, check=False)
    assert res.returncode == 0 and "accepted" in res.stdout
    bad = subprocess.run([*cmd[:-2], "-o", str(tmp_path / "x"), "--date", "2021-99-01"],
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1


def test_output_directory_with_other_files_is_refused(tiny_text, tmp_path):
    from digiprov.ingest.api import ingest
    from digiprov.ingest.gazetteer import Gazetteer

    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(InputError, match="holds other files"):
        ingest(tiny_text, out, title="示例", publisher="示例社", date="2021-03-01",
               gz=Gazetteer())
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"
    # Re-running into its own previous output is fine.
    again = tmp_path / "again"
    for _ in range(2):
        ingest(tiny_text, again, title="示例", publisher="示例社", date="2021-03-01",
               gz=Gazetteer())
    assert sorted(p.name for p in again.iterdir()) == ["candidates.trig", "candidates.yaml"]

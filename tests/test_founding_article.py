"""The seeds cover the founding article, and every evidence span points where it should."""

from __future__ import annotations

import hashlib
import re

import pytest

SOURCE_FILE = "shandong-2021-digital-shandong.txt"
STRIP = str.maketrans("", "", "“”\"'‘’《》")


@pytest.fixture(scope="module")
def text(corpus_dir) -> str:
    return (corpus_dir / SOURCE_FILE).read_text(encoding="utf-8")


def test_source_checksum_pins_the_text(seedset, corpus_dir):
    src = seedset.records["ifeng-2021-digital-shandong"]
    data = (corpus_dir / src.get("file")).read_bytes()
    assert hashlib.sha256(data).hexdigest() == src.get("sha256")


def _names(seedset, rec) -> list[str]:
    names = [rec.get("zh", ""), *rec.get("aliases", [])]
    return [n.translate(STRIP) for n in names if n]


def test_every_span_lies_in_its_paragraph_and_names_its_entry(seedset, text):
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    checked = 0
    for rec in seedset.records.values():
        for i, ev in enumerate(rec.evidence):
            para_start, para_end = starts[ev.para - 1], starts[ev.para - 1] + len(lines[ev.para - 1])
            assert para_start <= ev.start < ev.end <= para_end, \
                f"{rec.file}:{rec.line} {rec.key}: span outside paragraph {ev.para}"
            span = text[ev.start:ev.end].translate(STRIP)
            f = rec.fields
            if rec.section == "milestones":
                ok = f["deadline_text"] in span
            elif rec.section == "observations":
                number = re.sub(r"\.0$", "", str(f["value"]))
                ok = f["value_text"].translate(STRIP) in span or number in span
            elif rec.section == "memberships":
                person, role = seedset.records[f["person"]], seedset.records[f["role"]]
                ok = person.get("zh") in span and role.get("zh") in span
            elif rec.section == "recognitions":
                ok = any(n in span for n in _names(seedset, seedset.records[f["recipient"]]))
            elif rec.section in ("quotes", "goals"):
                ok = True  # paraphrased summaries; the span is the quotation or goal statement
            elif i > 0:
                ok = True  # later spans may state another fact of the entry (e.g. architecture)
            else:
                names = _names(seedset, rec)
                ok = any(n in span or span in n for n in names)
            assert ok, f"{rec.file}:{rec.line} {rec.key}: span {span!r} does not state it"
            checked += 1
    assert checked > 90


# An independent list of what the article states, by label (any language, pref or alt) ...
ENTITIES = [
    "山东省", "济南市", "青岛市", "淄博市", "烟台市", "德州市", "湖北省", "中国",
    "凤凰网山东", "东明石化", "搬家式驰援湖北", "新旧动能转换", "一群两心三圈", "数字中国建设",
    "山东省大数据局", "省大数据局", "省市场监管局", "山东省工业和信息化厅", "山东省政府新闻办",
    "山东省委", "山东省中国特色社会主义理论体系研究中心",
    "廉凯", "李向东", "张述存", "副局长", "二级巡视员", "研究员",
    "海尔卡奥斯", "卡奥斯", "COSMOPlat", "浪潮云洲", "济南政务云中心", "益农信息社",
    "一体化综合指挥平台", "山东全省市场监管一体化平台", "基层一体化平台", "数据交易行业协会",
    "数字山东发展规划(2018-2022年)", "数字政府建设实施方案(2019-2022年)", "支持数字经济发展的意见",
    "山东省电子政务和政务数据管理办法", "数字基础设施建设的指导意见", "加快推进新型智慧城市建设的指导意见",
    "德州市新型智慧城市建设三年行动计划(2021-2023年)",
    "统云", "并网", "聚数", "四个一", "一网通办", "一次办好", "个十百工程", "数字山东标准提升工程",
    "数字烟台", "数智德州", "乡村振兴齐鲁样板", "智慧社区(村居)建设突破行动", "新型智慧城市建设",
    "互联网+政务服务", "智能化绿色化技改工程",
    "数字基础设施", "数字政府", "数字社会", "数字经济", "数字生态",
    "十三五", "十四五", "数字强省建设",
]
# ... and by value: (indicator label fragment, value, unit label)
FIGURES = [
    ("数字经济总量", "3", "万亿元"), ("数字经济年均增速", "30", "百分比"),
    ("已发布地方标准", "235", "项"), ("已发布工程标准", "18", "项"),
    ("正在制修订地方标准", "156", "项"), ("正在制修订工程标准", "29", "项"),
    ("部门(单位)数", "313", "个"), ("业务数", "1568", "项"), ("共享需求满足率", "98", "百分比"),
    ("省级工业互联网平台数", "115", "个"), ("全国排名", "2", "名次"),
    ("5G试点示范项目数", "603", "个"), ("人工智能”试点示范项目数", "370", "个"),
    ("智慧农业应用基地数", "232", "个"), ("益农信息社数", "70000", "家"),
    ("行政村覆盖率", "95", "百分比"), ("高频电子证照类型数", "34", "类"),
]


def test_article_entities_are_all_present(dataset):
    res = dataset.query("SELECT DISTINCT ?l WHERE { ?s skos:prefLabel|skos:altLabel ?l }")
    labels = {str(r[0]).translate(STRIP) for r in res.rows}
    missing = [e for e in ENTITIES if e.translate(STRIP) not in labels]
    assert not missing, missing


def test_article_figures_are_all_present(dataset):
    res = dataset.query("""
        SELECT ?ind ?v ?unit WHERE {
          ?o a dp:Observation ; dp:indicator/skos:prefLabel ?ind ; sdmx-measure:obsValue ?v ;
             sdmx-attribute:unitMeasure/skos:prefLabel ?unit .
          FILTER(lang(?ind) = "zh" && lang(?unit) = "zh") }""")
    rows = [(str(i), str(v), str(u)) for i, v, u in res.rows]
    for frag, value, unit in FIGURES:
        assert any(frag in i and v == value and u == unit for i, v, u in rows), (frag, value, unit)


def test_press_conference_and_national_recognition(dataset):
    assert dataset.query("""ASK {
        ?e a dp:PressConference ; schema:startDate "2021-03-10"^^xsd:date ; dp:seriesNumber 14 ;
           schema:organizer/skos:altLabel "省政府新闻办"@zh ;
           schema:attendee/skos:altLabel "省大数据局"@zh , "省市场监管局"@zh . }""").boolean
    n = dataset.query("""SELECT (COUNT(?r) AS ?n) WHERE {
        ?r dp:designation/skos:prefLabel "国家跨行业跨领域工业互联网平台"@zh }""").rows[0][0]
    assert int(n) == 2


def test_every_fact_is_traceable_to_a_span(dataset):
    """Every triple about an entity, except curated ones, sits in a statement's graph."""
    res = dataset.query("""
        SELECT (COUNT(*) AS ?n) WHERE {
          GRAPH ?g { ?s ?p ?o }
          FILTER(?g != <https://w3id.org/digiprov/id/graph/curated>
                 && ?g != <https://w3id.org/digiprov/def/>)
          FILTER NOT EXISTS { ?g a dp:Statement ; oa:hasSelector/oa:start ?start ;
                                 prov:wasDerivedFrom/a dp:SourceDocument }
        }""", union=False)
    assert int(res.rows[0][0]) == 0

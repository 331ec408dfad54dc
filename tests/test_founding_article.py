"""The seeds cover the founding article, and every evidence span points where it should."""

from __future__ import annotations

import hashlib

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


def _names(seedset, key) -> list[str]:
    f = seedset.records[key].fields
    return [n.translate(STRIP) for n in [f.get("zh", ""), *f.get("aliases", []),
                                         *f.get("mentions", [])] if n]


PHRASES = ("zh", "en", "aliases", "mentions", "value_text", "deadline_text", "date_text",
           "period_text", "qualifier_text", "target_text")
NAMED = ("places", "organizations", "people", "platforms", "documents", "programmes", "events")


def test_every_span_lies_in_its_paragraph_and_states_its_fields(seedset, text):
    """Written apart from the loader's own check, from the text: each span is inside its
    paragraph and contains what its fields say (a label, a phrase, a name of what a
    reference points at)."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    checked = 0
    for rec in seedset.records.values():
        for ev in rec.evidence:
            para_start, para_end = starts[ev.para - 1], starts[ev.para - 1] + len(lines[ev.para - 1])
            where = f"{rec.file}:{ev.line} {rec.key} {ev.fields}"
            assert para_start <= ev.start < ev.end <= para_end, f"{where}: outside paragraph"
            assert ev.fields, f"{where}: founding-article seeds give evidence per field"
            span = text[ev.start:ev.end].translate(STRIP)
            for name in ev.fields:
                value = rec.fields.get(name)
                values = [ev.item] if ev.item is not None else (
                    value if isinstance(value, list) else [value])
                if name in PHRASES:
                    assert all(str(v).translate(STRIP) in span for v in values), (where, name)
                elif isinstance(value, dict):  # architecture, series: the Chinese is stated
                    assert value["zh"].translate(STRIP) in span, (where, name)
                elif isinstance(values[0], str) and values[0] in seedset.records \
                        and seedset.records[values[0]].section in NAMED:
                    for target in values:
                        assert any(n in span for n in _names(seedset, target)), (where, name)
                checked += 1
    assert checked > 400


def test_curated_facts_never_sit_in_an_article_graph(dataset):
    """Area codes, Wikidata links and English names are nowhere an article states them."""
    res = dataset.query("""
        SELECT ?p (COUNT(*) AS ?n) WHERE {
          GRAPH ?g { ?s ?p ?o } ?g a dp:Statement .
          FILTER(?p IN (dp:areaCode, skos:exactMatch) || (isLiteral(?o) && lang(?o) = "en"))
        } GROUP BY ?p""", union=False)
    assert res.rows == []
    auth = dict(dataset.query("""
        SELECT ?p ?title WHERE { GRAPH ?g { ?s ?p ?o } ?g a dp:CuratedGraph ;
            prov:wasDerivedFrom/dcterms:title ?title .
          FILTER(?p IN (dp:areaCode, skos:exactMatch) && lang(?title) = "en") }
        GROUP BY ?p ?title""", union=False).rows)
    assert {str(k).rsplit("/", 1)[-1].rsplit("#", 1)[-1]: str(v) for k, v in auth.items()} == {
        "areaCode": "Codes for the administrative divisions of the People's Republic of China "
                    "(GB/T 2260)", "exactMatch": "Wikidata"}


def test_each_fact_of_an_entry_sits_with_its_own_span(dataset):
    """The market-regulation platform's architecture is stated at 3105-3131, not where the
    platform is first named; Digital Shandong's goal and themes in paragraph 25."""
    def where(s, p):
        return {(int(para), int(a), int(b)) for para, a, b in dataset.query(f"""
            SELECT ?para ?a ?b WHERE {{ GRAPH ?g {{ <{s}> {p} ?o }}
              ?g dp:paragraph ?para ; oa:hasSelector ?sel . ?sel oa:start ?a ; oa:end ?b }}
            """).rows}

    ID = "https://w3id.org/digiprov/id/"
    arch = where(ID + "platform/market-regulation-platform", "dp:architecture")
    assert arch == {(81, 3105, 3131)}
    assert {p for p, _a, _b in where(ID + "programme/digital-shandong", "dp:statesGoal")} == {25}
    assert {p for p, _a, _b in where(ID + "programme/digital-shandong", "dp:theme")} == {25}
    resp = where(ID + "milestone/bdb-2021-03-data-sharing-expressway", "dp:responsibleAgent")
    assert {p for p, _a, _b in resp} == {79}
    span = dataset.query(f"""SELECT ?x WHERE {{ GRAPH ?g {{
        <{ID}milestone/bdb-2021-03-data-sharing-expressway> dp:responsibleAgent ?o }}
        ?g oa:hasSelector/oa:exact ?x }}""").rows
    assert [str(r[0]).startswith("省大数据局") for r in span] == [True]


def test_mentions_are_hidden_labels_and_parts_are_nodes(dataset):
    hidden = {str(r[0]) for r in dataset.query(
        "SELECT ?l WHERE { ?s skos:hiddenLabel ?l }").rows}
    alt = {str(r[0]) for r in dataset.query("SELECT ?l WHERE { ?s skos:altLabel ?l }").rows}
    for m in ("我省", "全省", "市场监管系统", "济南全市"):
        assert m in hidden and m not in alt, m
    parts = {str(r[0]) for r in dataset.query("""SELECT ?l WHERE {
        ?part dp:partOf/skos:prefLabel "“4”化协同发展"@zh ; skos:prefLabel ?l .
        FILTER(lang(?l) = "zh") }""").rows}
    assert parts == {"数据要素化", "数字产业化", "产业数字化", "治理现代化"}
    assert not alt & parts


def test_links_the_article_states(dataset):
    """The audit's list of what the article states but the graph lacked."""
    asks = {
        "document sets up a programme": """ASK { ?d a dp:PolicyDocument ;
            skos:prefLabel "数字山东发展规划(2018-2022年)"@zh ;
            dp:setsUp/skos:prefLabel "数字山东"@zh }""",
        "press conference announces the goal and directions": """ASK {
            ?e a dp:PressConference ; dp:announces/skos:prefLabel "数字强省建设"@zh ,
               "数字基础设施"@zh , "数字政府"@zh , "数字社会"@zh , "数字经济"@zh , "数字生态"@zh }""",
        "Digital Shandong contributes to Digital China": """ASK {
            ?p skos:prefLabel "数字山东"@zh ; dp:contributesTo/skos:prefLabel "数字中国建设"@zh }""",
        "the Dezhou plan sets up 数智德州 and has an issuer": """ASK {
            ?d skos:prefLabel "德州市新型智慧城市建设三年行动计划(2021-2023年)"@zh ;
               dp:setsUp/skos:prefLabel "数智德州"@zh ;
               eli:passed_by/skos:hiddenLabel "德州市"@zh }""",
        "数字经济发展走在全国前列 is a goal": """ASK {
            ?g a dp:Goal ; skos:prefLabel "数字经济发展走在全国前列"@zh .
            ?h dp:partOf ?g ; skos:prefLabel "“4”化协同发展"@zh }""",
    }
    for what, q in asks.items():
        assert dataset.query(q).boolean, what
    works = {str(r[0]) for r in dataset.query("""SELECT ?l WHERE { ?w a dp:Programme ;
        dcterms:spatial/skos:prefLabel "济南市"@zh ; skos:altLabel ?l }""").rows}
    assert works == {"数据整合共享", "数字政府建设", "智慧城市建设"}


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
    ("智慧农业应用基地数", "232", "个"), ("益农信息社数", "7", "家"),
    ("行政村覆盖率", "95", "百分比"),
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
    assert len(rows) == len(FIGURES)  # the 34 licence types are a target (a milestone's)
    periods = dict(dataset.query("""SELECT ?t (COUNT(?p) AS ?n) WHERE {
        ?o a dp:Observation ; dp:valueText ?t . OPTIONAL { ?o sdmx-dimension:refPeriod ?p } }
        GROUP BY ?t""").rows)
    undated = {str(t) for t, n in periods.items() if int(n) == 0}
    assert undated == {"突破3万亿元", "近98%", "全国排名第二", "超过95%"}


def test_press_conference_and_national_recognition(dataset):
    assert dataset.query("""ASK {
        ?e a dp:PressConference ; schema:startDate "2021-03-10"^^xsd:date ; dp:seriesNumber 14 ;
           schema:organizer/skos:altLabel "省政府新闻办"@zh ;
           schema:attendee/skos:altLabel "省大数据局"@zh , "省市场监管局"@zh . }""").boolean
    n = dataset.query("""SELECT (COUNT(?r) AS ?n) WHERE {
        ?r dp:designation/skos:prefLabel "国家跨行业跨领域工业互联网平台"@zh }""").rows[0][0]
    assert int(n) == 2


def test_every_fact_is_traceable_to_a_span(dataset):
    """Every triple sits in a statement's graph or in a curated graph that names its authority."""
    res = dataset.query("""
        SELECT (COUNT(*) AS ?n) WHERE {
          GRAPH ?g { ?s ?p ?o }
          FILTER(?g != <https://w3id.org/digiprov/def/>)
          FILTER NOT EXISTS { ?g a dp:CuratedGraph ; prov:wasDerivedFrom/a dp:SourceDocument }
          FILTER NOT EXISTS { ?g a dp:Statement ; oa:hasSelector/oa:start ?start ;
                                 oa:hasSource/a dp:SourceDocument }
        }""", union=False)
    assert int(res.rows[0][0]) == 0

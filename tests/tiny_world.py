"""A tiny source text and the seeds that describe it, for tests of the seed format and the
model's checks. Spans are computed from phrases here, so a test that breaks one fact edits
one line of YAML and the rest stays right."""

from __future__ import annotations

import hashlib
from pathlib import Path

SOURCE = "tiny-article"
FILE = "tiny-article.txt"
TEXT = (
    "数字山东小记\n"
    "山东省大数据局计划，3月底前打造数据共享高速通道。\n"
    "全省已发布地方标准235项，青岛市政务数据共享需求满足率近98%。\n"
    "省大数据局副局长张三表示，数据共享成效显著。\n"
    "青岛市大数据局局长李四出席。\n"
)


def span(phrase: str, nth: int = 1, para: int | None = None, end_past: int = 0) -> str:
    """``{para: N, start: A, end: B}`` of the nth occurrence of ``phrase`` in TEXT."""
    i = -1
    for _ in range(nth):
        i = TEXT.index(phrase, i + 1)
    line = TEXT.count("\n", 0, i) + 1
    return f"{{para: {para or line}, start: {i}, end: {i + len(phrase) + end_past}}}"


def seeds_yaml() -> str:
    sha = hashlib.sha256(TEXT.encode("utf-8")).hexdigest()
    return f"""\
source: {SOURCE}
sources:
  - key: {SOURCE}
    zh: 数字山东小记
    publisher: 测试报
    date: 2021-03
    file: {FILE}
    sha256: {sha}
    chars: {len(TEXT)}
places:
  - key: shandong
    type: province
    zh: 山东省
    en: Shandong
    mentions: [全省]
    code: "370000"
    wikidata: Q43407
    evidence:
      zh: {span("山东省")}
      mentions: {span("全省")}
  - key: qingdao
    type: city
    zh: 青岛市
    en: Qingdao
    code: "370200"
    within: shandong
    evidence:
      zh: {span("青岛市", 1)}
organizations:
  - key: bdb
    type: agency
    zh: 山东省大数据局
    en: Shandong Big Data Bureau
    aliases: [省大数据局]
    jurisdiction: shandong
    evidence:
      zh, jurisdiction: {span("山东省大数据局")}
      aliases: {span("省大数据局", 2)}
  - key: qingdao-bdb
    type: agency
    zh: 青岛市大数据局
    en: Qingdao Big Data Bureau
    jurisdiction: qingdao
    evidence:
      zh, jurisdiction: {span("青岛市大数据局")}
roles:
  - {{key: role-deputy-director, zh: 副局长, en: Deputy director-general}}
  - {{key: role-director, zh: 局长, en: Director-general}}
people:
  - key: zhang-san
    zh: 张三
    en: Zhang San
    evidence:
      zh: {span("张三")}
  - key: li-si
    zh: 李四
    en: Li Si
    evidence:
      zh: {span("李四")}
memberships:
  - key: zhang-san-bdb
    person: zhang-san
    organization: bdb
    role: role-deputy-director
    as_of: 2021-03
    evidence:
      person, organization, role: {span("省大数据局副局长张三")}
  - key: li-si-qingdao-bdb
    person: li-si
    organization: qingdao-bdb
    role: role-director
    evidence:
      person, organization, role: {span("青岛市大数据局局长李四")}
quotes:
  - key: quote-zhang-san
    speaker: zhang-san
    membership: zhang-san-bdb
    zh: 数据共享成效显著
    en: Data sharing has worked well
    evidence:
      speaker, membership, zh: {span("张三表示，数据共享成效显著")}
concepts:
  - {{key: unit-item, type: unit, zh: 项, en: items}}
  - {{key: unit-percent, type: unit, zh: 百分比, en: percent, symbol: "%"}}
  - {{key: qualifier-more-than, type: qualifier, zh: 超过, en: more than, aliases: [突破]}}
  - {{key: qualifier-nearly, type: qualifier, zh: 近, en: nearly}}
  - {{key: qualifier-exactly, type: qualifier, zh: 精确, en: exactly}}
indicators:
  - {{key: ind-local-standards, zh: 已发布地方标准, en: Local standards issued}}
  - {{key: ind-sharing-rate, zh: 政务数据共享需求满足率, en: Data-sharing demand satisfaction rate}}
observations:
  - key: obs-local-standards
    indicator: ind-local-standards
    value: 235
    unit: unit-item
    qualifier: qualifier-exactly
    value_text: 235项
    area: shandong
    note: The text gives no reference period.
    evidence:
      area: {span("全省")}
      indicator: {span("已发布地方标准")}
      value, value_text, unit, qualifier: {span("235项")}
  - key: obs-qingdao-sharing-rate
    indicator: ind-sharing-rate
    value: 98
    unit: unit-percent
    qualifier: qualifier-nearly
    value_text: 近98%
    area: qingdao
    evidence:
      area, indicator: {span("青岛市政务数据共享需求满足率")}
      value, value_text, unit, qualifier: {span("近98%")}
milestones:
  - key: ms-sharing-expressway
    zh: 数据共享高速通道建成
    en: Data-sharing expressway in place
    deadline: 2021-03-31
    deadline_text: 3月底前
    responsible: bdb
    evidence:
      deadline, deadline_text: {span("3月底前打造数据共享高速通道")}
      responsible: {span("山东省大数据局计划")}
"""


def write(tmp: Path, yaml_text: str | None = None) -> tuple[Path, Path]:
    """Seeds dir and corpus dir under ``tmp``; returns (seeds, corpus)."""
    seeds, corpus = tmp / "seeds", tmp / "corpus"
    seeds.mkdir(parents=True)
    corpus.mkdir()
    (corpus / FILE).write_text(TEXT, encoding="utf-8")
    (seeds / "tiny.yaml").write_text(seeds_yaml() if yaml_text is None else yaml_text,
                                     encoding="utf-8")
    return seeds, corpus


def edited(old: str, new: str) -> str:
    """The tiny seeds with one change (the old text must occur exactly once)."""
    text = seeds_yaml()
    assert text.count(old) == 1, f"fixture text occurs {text.count(old)} times: {old!r}"
    return text.replace(old, new)


def line_of(yaml_text: str, needle: str) -> int:
    for i, line in enumerate(yaml_text.splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)

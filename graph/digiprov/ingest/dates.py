"""Dated targets in Chinese policy text: every usual way of saying "by when", resolved against the
document's date (到2025年, 2022年底前, 6月底前, 4月26日（周五）前, 年内, 今年底, 上半年, 三季度末,
and a target year opening a clause of a plan: "2020年，全市实现…").

Dates of past events (1月18日…发布, 截至2022年7月) and years before the document's year are not
targets. The phrase is kept as written (``deadline_text``), the resolved date is the last day
of the period it names.
"""

from __future__ import annotations

import datetime as _dt
import re
from calendar import monthrange
from dataclasses import dataclass

CN_Q = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
NOTE = r"(?:[（(][^（）()]{1,4}[）)])?"          # （周五）
DEADLINE_RE = re.compile(
    # 2019年5月3日前, 6月底前, 4月26日（周五）前, 到9月底
    rf"(?P<pre1>到|至|于)?(?:(?P<y1>\d{{4}})\s?年)?(?P<m>\d{{1,2}})\s?月"
    rf"(?:(?P<d>\d{{1,2}})\s?[日号])?{NOTE}(?P<s1>底前|底|末前|末|以前|之前|前)|"
    # 2022年底前, 到2021年底, 2025年内
    r"(?P<pre2>到|至|于|在)?(?P<y2>\d{4})\s?年(?P<s2>底前|底|末前|末|内|前(?!期|后))|"
    # 2021年上半年, 2022年三季度末
    r"(?P<pre5>到|至|于)?(?P<y5>\d{4})\s?年(?:(?P<h>上半年|下半年)|第?(?P<q>[一二三四1-4])季度)"
    r"(?P<s5>末前|末|底前|底|前)?|"
    # 到2025年 (not 到2021年的…, an amount reached by then)
    r"(?P<pre3>到|至)(?P<y3>\d{4})\s?年(?![的底末内上下第一二三四0-9])|"
    # 今年底前, 年底前, 年内, 明年底
    r"(?P<rel>今年|明年)?(?P<s4>年底前|年底|年末|年内|底前)(?<!^底前)|"
    # 今年河北省将…: this year opening a plan for it
    r"(?P<this>今年)(?![底末内以上下一二三四前])(?=[^，,。；;]{0,10}?(?:将|要|力争|计划|争取|确保))|"
    # 上半年 / 下半年 / 三季度末 of the document's year
    r"(?<![年\d])(?P<h6>上半年|下半年)(?P<s6>前|内)?|"
    r"(?<![年\d])(?P<q6>[一二三四])季度(?P<s7>末前|末|底前|底)"
)
# A year opening a clause of a plan ("2020年，全市实现…", "2019年重点工作：").
YEAR_HEAD_RE = re.compile(
    r"(?:^|(?<=[。；;：:\n!?！？]))\s*(?P<y>\d{4})\s?年(?=\s*[，,：:]|重点工作)")
PAST_AFTER_RE = re.compile(r"[，,]?(?:已|已经|[^，,。；;]{1,6}了)")
PAST_CUE_RE = re.compile(r"(截至|截止|自|从|以来|同比|比)$")


@dataclass
class Deadline:
    phrase: str          # as written (到2025年)
    start: int
    end: int
    date: _dt.date
    conf: float
    head: bool = False   # a year heading a clause: its target is the rest of the paragraph


def _last_day(year: int, month: int) -> _dt.date:
    return _dt.date(year, month, monthrange(year, month)[1])


def _resolve(m: re.Match, doc: _dt.date) -> tuple[_dt.date, float] | None:
    g = m.groupdict()
    try:
        if g["m"]:
            year = int(g["y1"]) if g["y1"] else doc.year
            month = int(g["m"])
            if g["d"]:
                return _dt.date(year, month, int(g["d"])), 0.9
            return _last_day(year, month), 0.9
        if g["y2"]:
            if g["s2"] == "内":
                return _dt.date(int(g["y2"]), 12, 31), 0.7
            return _dt.date(int(g["y2"]), 12, 31), 0.9
        if g["y5"]:
            year = int(g["y5"])
            if g["h"]:
                return (_dt.date(year, 6, 30) if g["h"] == "上半年" else _dt.date(year, 12, 31)), \
                    (0.8 if g["s5"] else 0.6)
            return _last_day(year, 3 * CN_Q[g["q"]]), (0.8 if g["s5"] else 0.6)
        if g["y3"]:
            return _dt.date(int(g["y3"]), 12, 31), 0.85
        if g["s4"]:
            year = doc.year + (1 if g["rel"] == "明年" else 0)
            if g["s4"] == "底前" and not g["rel"]:
                return None  # "…月底前" is the month alternative; a lone 底前 names no period
            return _dt.date(year, 12, 31), (0.5 if g["s4"] == "年内" else 0.85)
        if g["this"]:
            return _dt.date(doc.year, 12, 31), 0.5
        if g["h6"]:
            return (_dt.date(doc.year, 6, 30) if g["h6"] == "上半年" else
                    _dt.date(doc.year, 12, 31)), 0.5
        if g["q6"]:
            return _last_day(doc.year, 3 * CN_Q[g["q6"]]), 0.7
    except ValueError:
        return None  # 2月30日, 13月
    return None


def find(text: str, doc: _dt.date) -> list[Deadline]:
    """Every dated target of ``text`` (one paragraph), in order."""
    out: list[Deadline] = []
    taken: list[tuple[int, int]] = []
    for m in DEADLINE_RE.finditer(text):
        phrase = m.group(0)
        if not phrase.strip():
            continue
        if PAST_CUE_RE.search(text[max(0, m.start() - 3):m.start()]):
            continue
        res = _resolve(m, doc)
        if res is None:
            continue
        day, conf = res
        if day.year < doc.year:
            continue  # a year before the document's is a report of the past, not a target
        if PAST_AFTER_RE.match(text, m.end()):
            continue  # 年内开展了…, 6月底前已完成: done, not due
        start = m.start() + (1 if phrase.startswith(("于", "在")) else 0)  # only a preposition
        out.append(Deadline(text[start:m.end()], start, m.end(), day, conf))
        taken.append((m.start(), m.end()))
    for m in YEAR_HEAD_RE.finditer(text):
        y = int(m.group("y"))
        s = m.start("y")
        if y < doc.year or any(a <= s < b for a, b in taken):
            continue
        out.append(Deadline(text[s:m.end()].strip(), s, m.end(), _dt.date(y, 12, 31), 0.6,
                            head=True))
    return sorted(out, key=lambda d: d.start)


def phrase_key(phrase: str) -> str:
    """A deadline phrase without what varies in how it is written: 到/至/于 in front, a bracketed
    weekday, spaces (到2025年 = 2025年; 4月26日（周五）前 = 4月26日前)."""
    p = re.sub(r"[（(][^（）()]{1,4}[）)]", "", phrase)
    p = re.sub(r"\s+", "", p)
    return re.sub(r"^(到|至|于|在)", "", p)

"""The extractor's general rules and the calibration, on tiny sentences written for these tests
(not taken from the corpus or the development set)."""

from __future__ import annotations

import datetime as dt

import pytest

from digiprov.ingest import calibration as C
from digiprov.ingest import dates as D
from digiprov.ingest import extract as X


def test_lead_note_reads_the_leading_clause_apart_from_those_that_assist():
    (note,) = X.find_lead_notes(
        "年底前，建成示例平台（省政府办公厅牵头，省大数据局配合，各有关部门、各市政府分工负责）。")
    assert note.attrs == {"orgs": [("省政府办公厅", 11, 17), ("省大数据局", 20, 25)],
                          "lead": True, "n_leads": 1}


def test_a_ministry_is_named_by_itself_and_linked_by_its_short_form():
    from digiprov.ingest.gazetteer import Gazetteer
    from digiprov.ingest.linker import Linker

    spans = X.find_orgs("1月3日，住建部发布通知。大部分城市都按住建部的要求")
    assert [s.text for s in spans] == ["住建部", "住建部"]
    lk = Linker(Gazetteer(), dt.date(2019, 1, 1), "src")
    a = lk.mention("org", "住建部", 1, 5, 8, 0.85, {"type": "agency"})
    b = lk.mention("org", "住房城乡建设部", 2, 0, 7, 0.85, {"type": "agency"})
    assert a == b and lk.cands[a].fields["zh"] == "住房和城乡建设部"


@pytest.mark.parametrize("title,suffix", [
    ("人民法院第五个五年改革纲要（2019一2023）", "纲要"),   # 一 typed for a dash
    ("示例遴选办法（试行）", "办法"),                         # a status after the type word
])
def test_title_type_behind_a_period_or_status(title, suffix):
    assert X.doc_type(title)[0] == suffix


def test_a_notice_issuing_a_document_names_it_and_a_bracketed_year_is_its_period():
    found = [(s.text, s.attrs.get("period")) for s in X.find_titles(
        "住建部发布《关于印发示例城市遴选办法（试行）的通知》。对照《示例评价报告（2018）》")]
    assert found == [("示例城市遴选办法（试行）", None),
                     ("关于印发示例城市遴选办法（试行）的通知", None),
                     ("示例评价报告（2018）", "2018")]


@pytest.mark.parametrize("text,expected", [
    ("建设统一的12368质效评估子系统，", [("platforms", "12368质效评估子系统")]),
    ("大力推进“个十百”示例平台培育工程建设", [("programmes", "“个十百”示例平台培育工程")]),
    ("有机融合地理信息系统与示例信息平台", [("platforms", "示例信息平台")]),  # a dictionary word
    ("以工业互联网平台为载体，", []),       # a role a kind of platform plays
    ("推广手机APP", []),                     # one common word before a generic head
    ("雄安新区工程建设项目应按照约定", []),  # construction work, no project's name
])
def test_platform_and_programme_names(text, expected):
    assert [(s.kind, s.text) for s in X.find_programmes(text, [])] == expected


def test_a_range_is_no_value_and_months_are_a_unit():
    got = [(s.attrs["value"], s.attrs["unit"], s.attrs["qualifier"])
           for s in X.find_quantities("选取3—5个重点领域，仅2个月左右")]
    assert got == [(2, "个月", "nearly")]


def test_this_year_opening_a_plan_is_a_target_but_not_this_year_so_far():
    got = [(d.phrase, d.date) for d in D.find("今年河北省将把审批时间压减至100天。今年以来，",
                                               dt.date(2019, 3, 1))]
    assert got == [("今年", dt.date(2019, 12, 31))]


def test_lower_bound_and_cells():
    assert C.lower_bound(9, 10) == pytest.approx(0.71783, abs=1e-5)
    assert C.lower_bound(0, 0) == 0.0
    assert C.cell(0.87) == "0.85" and C.cell(1.3) == "1.00"


def test_fit_shrinks_small_cells_to_their_kind_and_scales_by_the_held_out_gap():
    judged = {"place": [(0.85, True)] * 9 + [(0.85, False)], "org": [(0.7, True), (0.7, False)]}
    assert C.fit(judged) == {
        "org": {"kind": 0.164, "n": 2, "held_out_ratio": 1.0, "cells": {"0.70": 0.252}},
        "place": {"kind": 0.718, "n": 10, "held_out_ratio": 1.0, "cells": {"0.85": 0.726}}}
    ratios, overall = C.gap_ratios({"a": [10, 9, 10, 6], "b": [20, 20, 0, 0]})
    assert (ratios, overall) == ({"a": 0.67, "b": 0.621}, 0.621)
    # place did 6/10 held out against 9/10 tuned; org, never measured, takes the overall ratio.
    scaled = C.fit(judged, gap={"place": [10, 9, 10, 6]})
    assert scaled == {
        "org": {"kind": 0.11, "n": 2, "held_out_ratio": 0.667, "cells": {"0.70": 0.168}},
        "place": {"kind": 0.497, "n": 10, "held_out_ratio": 0.693, "cells": {"0.85": 0.503}}}
    assert C.calibrate("place", 0.86, scaled) == 0.5       # the 0.85 cell
    assert C.calibrate("place", 0.60, scaled) == 0.5       # unseen cell: the kind's estimate
    assert C.calibrate("unknown-kind", 0.42, scaled) == 0.42


def test_a_note_closing_a_target_names_its_responsible_body_and_leads_the_task(tmp_path):
    from digiprov.ingest.api import ingest
    from digiprov.ingest.gazetteer import Gazetteer

    p = tmp_path / "plan.txt"
    p.write_text("1.推进示例改革。深入实施“示例通办”改革，完善省示例服务平台（省示例局牵头，"
                 "省财政厅配合）。年底前，全省实现示例服务全覆盖（省政府办公厅牵头，"
                 "省示例局配合）。\n", encoding="utf-8")
    res = ingest(p, None, title="山东省示例方案", publisher="山东省人民政府办公厅",
                 date="2019-03-01", gz=Gazetteer()).result
    by_zh = {c.fields.get("zh"): c for c in res.candidates}
    lead = by_zh["山东省示例局"].key
    assert by_zh["“示例通办”改革"].fields["lead"] == lead
    assert by_zh["山东省示例服务平台"].fields["operator"] == lead
    (ms,) = [c for c in res.candidates if c.section == "milestones"]
    assert ms.fields["responsible"] == by_zh["山东省政府办公厅"].key
    assert "concerns" not in ms.fields  # the note's bodies are who, not what


def test_the_shipped_table_is_fitted_with_a_measured_gap():
    """calibration.json as scripts/calibrate_ingest writes it: every kind has its estimate, its
    cells and a held-out ratio below 1, from at least one measurement of the gap."""
    import json

    doc = json.loads(C.TABLE.read_text(encoding="utf-8"))
    assert doc["gap"]["measurements"] and doc["gap"]["counts"]
    for kind in ("place", "org", "document", "platform", "programme", "type", "value",
                 "deadline", "leadAgency"):
        t = doc["kinds"][kind]
        assert 0 < t["held_out_ratio"] < 1 and t["cells"]
        assert all(0 <= v <= 1 for v in t["cells"].values())

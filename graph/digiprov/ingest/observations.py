"""Figures of one paragraph -> indicators and observations (value, unit, qualifier, area,
period)."""

from __future__ import annotations

from . import extract as X
from . import lexicon as L
from .keys import slugify
from .records import Candidate
from .textio import label_key


def observations(ps, lk) -> None:
    places = [(s, k) for s, k in ps.keyed if lk.section(k) == "places"]
    for q in X.find_quantities(ps.text):
        observation(ps, lk, q, places)


def observation(ps, lk, q: X.Span, places) -> None:
    t, p, off = ps.text, ps.para, ps.off
    a = q.attrs
    measure = a["measure"]
    if a["unit"] == "名次":
        ukey = lk.concept(*L.UNIT_RANK[:1], "unit", L.UNIT_RANK[1], L.UNIT_RANK[2])
    else:
        k, zh, en = L.UNITS[a["unit"]]
        ukey = lk.concept(k, "unit", zh, en, "%" if a["unit"] == "%" else None)
    qk, qzh, qen, qsym = L.QUALIFIERS[a["qualifier"]]
    qkey = lk.concept(qk, "qualifier", qzh, qen, qsym)
    # Area: the nearest place named before the number, else the document's place.
    area = None
    for s, k in places:
        if s.end <= q.start:
            area = k
    area = area or lk.main_place()
    if area is None:
        lk.warnings.append(f"p{p.para}: quantity '{q.text}' has no place; skipped")
        return
    conf = q.conf if measure else min(q.conf, 0.5)
    lk.found.append(("quantity", a["value"], a["unit"], a["qualifier"], measure, area, conf))
    if lk.seen_fact(("observations", float(a["value"]), ukey, area)):
        return
    period, ptext = _period(t, q, lk)
    if measure:
        ent = lk.known(measure, ("indicators",))
        ikey = ent.key if ent else lk.by_label.get(("indicators", label_key(measure)))
        if ikey is None:
            ikey = lk.keys.make("ind-" + slugify(measure, 6))
            lk.cands[ikey] = Candidate("indicators", ikey, {"zh": measure}, [], conf,
                                       ["new indicator: name what is measured"])
            lk.by_label[("indicators", label_key(measure))] = ikey
    else:
        ikey = lk.keys.make("ind-" + slugify(a["unit"], 3) + "-count")
        lk.cands[ikey] = Candidate("indicators", ikey, {"zh": f"未命名指标（{q.text}）"}, [],
                                   0.4, ["indicator not found in the text: name it"])
    key = lk.keys.make(f"obs-{lk.src[:24]}-p{p.para}-{off + q.start}")
    f = {"indicator": ikey, "value": a["value"], "unit": ukey, "qualifier": qkey,
         "value_text": q.text}
    if period:
        f["period"] = period
    if ptext:
        f["period_text"] = ptext
    f["area"] = area
    start = off + (a["measure_start"] if a["measure_start"] < q.start else q.start)
    end = off + max(q.end, a["measure_start"] + len(measure))
    lk.cands[key] = Candidate("observations", key, f, [(p.para, start, end)], conf,
                              ["observation: check the indicator and the period"])


def _period(t: str, q: X.Span, lk) -> tuple[str | None, str | None]:
    """A period phrase before the number in the paragraph (or the deadline of its clause). The
    seeds never invent a period: with no phrase, or only 目前, the observation has none (the
    phrase stays in ``period_text``)."""
    ctx = X.find_period_context(t, q.start)
    lo = max(0, q.start - X.CONTEXT)
    dl = [d for d in X.find_deadlines(t[lo:q.start], lk.date)
          if X.clause_bounds(t, q.start) - 40 <= d.start + lo]
    if dl:
        return str(dl[-1].attrs["date"].year), dl[-1].text
    if ctx is None:
        return None, None
    if ctx[0] == "now":
        return None, ctx[1]
    if ctx[0] in ("13th-fyp", "14th-fyp"):
        return lk.period(ctx[0]), ctx[1]
    return ctx

"""Dated targets of one paragraph -> milestones (deadline, responsible body, what they concern)."""

from __future__ import annotations

import re

from . import extract as X
from .records import Candidate


def milestones(ps, lk, notes: list[X.Span]) -> None:
    """The responsible organisation is named before the first target of a run
    ("省大数据局…3月底前…；6月底前…"), never inside an earlier target; else the next 牵头 note."""
    t, para = ps.text, ps.para.para
    orgs = [(s, k) for s, k in ps.keyed if lk.section(k) == "organizations"]
    deadlines = X.find_deadlines(t, lk.date)
    for d in deadlines:
        # A task's note (（X牵头）) ends the target: what it names is who, not what.
        cut = [n.start for n in notes if d.end <= n.start < d.attrs["target_start"] +
               len(d.attrs["target"])]
        if cut:
            d.attrs["target"] = t[d.attrs["target_start"]:cut[0]]
            d.attrs["noted"] = True
    targets = [(d.start, d.attrs["target_start"] + len(d.attrs["target"])) for d in deadlines]
    for d in deadlines:
        resp = None
        tend = d.attrs["target_start"] + len(d.attrs["target"])
        # The note closing the target's own sentence names its responsible body first.
        own = [n for n in notes if n.start == tend and d.attrs.get("noted")]
        if own:
            text, a, b = own[0].attrs["orgs"][0]
            resp = lk.mention("org", text, para, ps.off + a, ps.off + b, 0.85)
        for s, k in orgs if resp is None else ():
            if s.end <= d.start and not any(a <= s.start < b for a, b in targets) \
                    and not any(n.start <= s.start < n.end for n in notes):
                resp = k
        if resp is None:
            after = [n for n in notes if n.start >= d.end]
            if after:
                text, a, b = after[0].attrs["orgs"][0]
                resp = lk.mention("org", text, para, ps.off + a, ps.off + b, 0.85)
        conf = d.conf
        if resp is None and lk.last_org:
            resp, conf = lk.last_org, min(conf, 0.5)
        lk.found.append(("deadline", d.text, d.attrs["date"].isoformat(), resp, conf))
        if resp is None:
            resp, conf = lk.government(), min(conf, 0.45)
        if resp is None:
            lk.warnings.append(f"p{para}: target '{d.text}' has no responsible organisation; "
                               "skipped")
            continue
        target = d.attrs["target"]
        clause = re.sub(r"^[，,：:]", "", target)
        if lk.seen_milestone(d.attrs["date"].isoformat(), resp, clause):
            continue
        concerns = [k for s, k in ps.keyed if d.end <= s.start and s.end <= tend
                    and lk.section(k) in ("platforms", "programmes", "organizations")
                    and k != resp]
        concerns = list(dict.fromkeys(concerns))
        # The label is made of names, not of the source's sentence (which stays in the
        # review comment of the candidates file and never reaches the seeds).
        names = [lk.label_of(k) for k in concerns[:3]]
        head = re.split(r"[，,、；;：:（(]", clause)[0][:12]
        zh = f"{d.text}目标：" + ("、".join(names) if names else head or "待定")
        mk = lk.keys.make(f"ms-{lk.src[:24]}-p{para}-{ps.off + d.start}")
        f = {"zh": zh, "deadline": d.attrs["date"].isoformat(), "deadline_text": d.text,
             "responsible": resp}
        j = lk.main_place()
        if j:
            f["jurisdiction"] = j
        if concerns:
            f["concerns"] = concerns
        lk.cands[mk] = Candidate("milestones", mk, f, [(para, ps.off + d.start, ps.off + tend)],
                                 conf, [f"milestone: target as stated: {clause[:60]}; "
                                        "rewrite the label in your own words"])
    if orgs:
        lk.last_org = orgs[-1][1]

"""Facts between the names of one paragraph: parent organisations, people in post, document
type/period/issuer, programme parts and lead agencies. One function per relation; each reads the
linked spans (:class:`.spans.ParaSpans`) and writes through the :class:`.linker.Linker`."""

from __future__ import annotations

import re

from . import extract as X
from . import lexicon as L
from .records import Candidate
from .textio import label_key


def of_section(ps, lk, *sections: str) -> list:
    return [(s, k) for s, k in ps.keyed if lk.section(k) in sections]


def org_parents(ps, lk) -> None:
    """Parent organisations named inside a name: 山东省政府新闻办 -> 山东省政府."""
    for s, k in of_section(ps, lk, "organizations"):
        c = lk.cands.get(k)
        if c is None or "within" in c.fields:
            continue
        m = re.match(r"^(.{2,10}?(?:人民政府|政府|省委|市委))(.{2,})$", c.fields["zh"]) or \
            re.match(r"^(.{3,20}?[局厅])(.{2,12}处)$", c.fields["zh"])
        if m and c.fields["type"] in ("office", "agency", "party-committee") \
                and m.group(2) not in ("人民政府",):
            parent = lk.mention("org", m.group(1), ps.para.para, ps.off + s.start,
                                ps.off + s.end, 0.75,
                                {"type": X.org_type(m.group(1)), "implied": True})
            if parent and parent != k and lk.section(parent) == "organizations":
                c.fields["within"] = parent


# A government's own posts: after 、 they belong to the place's government, not to the body
# named before the first post (天津市委常委、常务副市长马顺清).
GOVERNMENT_ROLES = ("省长", "副省长", "常务副省长", "市长", "副市长", "常务副市长",
                    "区长", "副区长", "县长", "副县长")


def memberships(ps, lk) -> None:
    """People with a position: ORG + ROLE + NAME -> person, role, membership; ORG + ROLE兼ROLE +
    NAME gives both positions at ORG."""
    orgs = of_section(ps, lk, "organizations")
    for s, k in ps.keyed:
        if lk.section(k) != "people" or "role" not in s.attrs:
            continue
        lk.people[s.text] = k
        roles = s.attrs.get("roles") or [(s.attrs["role"], s.attrs["role_start"])]
        rs = roles[0][1]
        org = None
        conf = 0.85
        for os_, ok in reversed(orgs):
            if os_.end == rs:
                org = (os_, ok)
                break
        if org is None:
            prior = [(os_, ok) for os_, ok in orgs if os_.end <= rs
                     and X.clause_bounds(ps.text, rs) <= os_.start]
            org = prior[-1] if prior else None
            conf = 0.6
        if org is None:
            continue
        if s.conf < 0.85:
            conf = min(conf, 0.75)  # the second name of a list after the position
        for i, (role, at) in enumerate(roles):
            if i and ps.text[at - 1] == "、" and role in GOVERNMENT_ROLES:
                continue
            role_key = lk.role(role)
            lk.found.append(("membership", k, role, org[1], conf))
            if lk.seen_fact(("memberships", k, org[1], role_key)):
                continue
            mk = lk.keys.make(f"{k}-{org[1]}"[:60])
            lk.cands[mk] = Candidate(
                "memberships", mk, {"person": k, "organization": org[1], "role": role_key},
                [(ps.para.para, ps.off + org[0].start, ps.off + s.end)], conf,
                ["membership: person, role and organisation as the text states them"])


def documents(ps, lk) -> None:
    """Documents: type, period, issuer, jurisdiction, the document a title is based on."""
    for s, k in ps.keyed:
        if s.kind != "document" or "doctype" not in s.attrs:
            continue
        lk.found.append(("doctype", k, L.DOC_TYPE_ZH.get(s.attrs["doctype"][1],
                                                         s.attrs["doctype"][0])))
        if "period" in s.attrs:
            lk.found.append(("period", k, s.attrs["period"]))
        elif "period_key" in s.attrs:
            lk.found.append(("period", k, {"14th-fyp": "2021-2025"}[s.attrs["period_key"]]))
        if k not in lk.cands:
            continue
        c = lk.cands[k]
        if "doctype" in c.fields:
            continue
        suffix, dkey, den = s.attrs["doctype"]
        c.fields["doctype"] = lk.concept(dkey, "document-type",
                                         L.DOC_TYPE_ZH.get(dkey, suffix), den)
        if "period" in s.attrs:
            c.fields["period"] = s.attrs["period"]
        elif "period_key" in s.attrs:
            c.fields["period"] = lk.period(s.attrs["period_key"])
        if "issuer_text" in s.attrs:
            ik = lk.mention("org", s.attrs["issuer_text"], ps.para.para, ps.off + s.start,
                            ps.off + s.start + len(s.attrs["issuer_text"]), 0.8,
                            {"type": X.org_type(s.attrs["issuer_text"])})
            if ik and lk.section(ik) == "organizations":
                c.fields["issuer"] = ik
                lk.found.append(("issuer", k, ik))
        juris = lk.place_in(c.fields["zh"])
        if "issued_by_span" in s.attrs:
            for pk in _issuers(ps, lk, s.attrs["issued_by_span"]):
                if lk.section(pk) == "organizations":
                    # The seeds hold one issuer; every co-issuer is still a fact found.
                    c.fields.setdefault("issuer", pk)
                    lk.found.append(("issuer", k, pk))
                elif juris is None:
                    juris = pk
        c.fields["jurisdiction"] = juris or lk.main_place() or c.fields.get("jurisdiction")
        if c.fields["jurisdiction"] is None:
            del c.fields["jurisdiction"]
        if "based_on_title" in s.attrs:
            inner = s.attrs["based_on_title"]
            ent = lk.known(inner, ("documents",))
            bk = ent.key if ent else lk.by_label.get(("documents", label_key(inner)))
            if bk:
                c.fields["based_on"] = [bk]


def _issuers(ps, lk, vpos: int) -> list[str]:
    """The organisations (or the place) named right before a verb of issuing, following a list
    joined by 和/、/与/及 leftwards (省工业和信息化厅和省教育厅联合下发)."""
    out: list[str] = []
    pos = vpos
    while True:
        hit = [(s_, k) for s_, k in ps.keyed if s_.end <= pos and pos - s_.end <= 2
               and lk.section(k) in ("organizations", "places")]
        if not hit:
            return out
        s_, k = hit[-1]
        out.append(k)
        if lk.section(k) == "places" or s_.start == 0 or ps.text[s_.start - 1] not in "和、与及":
            return out
        pos = s_.start - 1


OPERATE_RE = re.compile(r"^(?:基本|全面|正式|率先|已|已经|共同|联合|自主)?"
                        r"(?:搭建|建设|推出|上线|打造|开发|建成|运营|开通|发布|研发|构建)"
                        r"(?:好|了|完成)?(?:的)?(?:全市|全省|全国|全区|统一的|一个)?$")
# X牵头/负责/推进Y: the body right before the verb leads the programme; a programme named right
# after a body (住建部BIM/CIM试点) is that body's.
LEAD_RE = re.compile(r"^(?:(?:积极|全力|大力|加快|全面|深入|率先|组织|决定|联合|共同)?"
                     r"(?:负责|牵头|组织|主导|推进|推动|实施|开展|启动|推行)"
                     r"(?:建立|组织|实施|推进|开展|建设|制定|推动)?)?$")


def operators(ps, lk) -> None:
    """X搭建/推出/上线Y平台: the organisation named before the verb operates the platform."""
    orgs = [(s, k) for s, k in ps.keyed if lk.section(k) == "organizations"]
    for s, k in ps.keyed:
        c = lk.cands.get(k)
        if c is None or c.section not in ("platforms", "programmes"):
            continue
        s0 = s.start - 1 if s.start > 0 and ps.text[s.start - 1] == "“" else s.start
        cstart = X.clause_bounds(ps.text, s0)
        for os_, ok in reversed(orgs):
            if os_.end > s.start or os_.start < cstart:
                continue
            between = ps.text[os_.end:s.start].rstrip("“")
            # 工业和信息化部、公安部…决定开展X: the first of the bodies listed leads.
            first = ok
            for ps_, pk in reversed([o for o in orgs if o[0].end <= os_.start]):
                if ps.text[ps_.end:ps_.end + 1] == "、" and ps_.end + 1 == \
                        next((o[0].start for o in orgs if o[0].start > ps_.start), -1):
                    first = pk
                else:
                    break
            if c.section == "platforms" and OPERATE_RE.match(between):
                c.fields.setdefault("operator", first)
            elif c.section == "programmes" and LEAD_RE.match(between):
                c.fields.setdefault("lead", first)
            break


def part_of(ps, lk) -> None:
    """Programmes named in a quoted sequence are parts of the whole (“统云”“并网”… 三大攻坚行动)."""
    for s, k in ps.keyed:
        if "part_of_span" in s.attrs and k in lk.cands:
            a, b = s.attrs["part_of_span"]
            for ps_, pk in ps.keyed:
                if ps_.start == a and ps_.end == b and pk != k \
                        and lk.section(pk) == "programmes":
                    lk.cands[k].fields.setdefault("part_of", pk)


# The verb before a platform in a task a note leads: building it (建设/完善/升级…) makes the
# lead its operator; docking to it (对接/接入/依托/纳入) does not.
BUILD_BEFORE_RE = re.compile(r"(建设|完善|升级|搭建|建成|打造|推广|优化|改造|迭代|上线|构建|开发|"
                             r"建立|整合|推进|应用|深化|运营)[\u4e00-\u9fff]{0,4}$")


def lead_notes(ps, lk) -> list[X.Span]:
    """（省大数据局牵头） -> lead of the programmes, and operator of the platforms built, in the
    task before it (back to the previous note); returns the notes."""
    notes = X.find_lead_notes(ps.text)
    prev_end = 0
    for n in notes:
        lead_key = None
        for i, (text, a, b) in enumerate(n.attrs["orgs"]):
            k = lk.mention("org", text, ps.para.para, ps.off + a, ps.off + b, 0.85,
                           {"type": X.org_type(text)})
            if i == 0:
                lead_key = k
        if n.attrs["lead"] and lead_key and lk.section(lead_key) == "organizations":
            before = [(s, k) for s, k in ps.keyed if prev_end <= s.start < n.start
                      and k in lk.cands and lk.cands[k].section in ("programmes", "platforms")
                      and k != lead_key]
            # A task under a heading (（一）实施…行动。 then the task with its note): the
            # heading's programme is what the note's body leads.
            if not any(lk.cands[k].section == "programmes" for _s, k in before) \
                    and lk.heading in lk.cands:
                before.append((None, lk.heading))
            for s, k in before:
                c = lk.cands[k]
                if c.section == "programmes":
                    c.fields.setdefault("lead", lead_key)
                elif s is not None and BUILD_BEFORE_RE.search(
                        ps.text[X.clause_bounds(ps.text, s.start):s.start]):
                    c.fields.setdefault("operator", lead_key)
        prev_end = n.end
    progs = [k for s, k in ps.keyed if k in lk.cands and lk.cands[k].section == "programmes"]
    if len(ps.text) <= 40 and progs:
        lk.heading = progs[-1]
    return notes

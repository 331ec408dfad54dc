"""Text file -> candidate seed records, linked to the graph's entities.

Two streaming passes over the file: the first counts place names (to know which province a
bare "省大数据局" belongs to), the second runs the patterns of :mod:`.extract` paragraph by
paragraph and turns spans into seed records (:class:`Candidate`).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from . import extract as X
from . import lexicon as L
from .gazetteer import Gazetteer, KnownEntity
from .keys import KeyMaker, slugify
from .segment import add_words
from .textio import Paragraph, label_key, normalize, open_text, paragraphs, sha256_of

ENTITY_SECTIONS = ("places", "organizations", "people", "documents", "platforms", "programmes")
KIND_OF_SECTION = {"places": "place", "organizations": "org", "people": "person",
                   "documents": "document", "platforms": "platform", "programmes": "programme"}
LOW_CONFIDENCE = 0.7


@dataclass
class Candidate:
    """One seed entry the analyst reviews: ``fields`` are exactly the seed fields."""

    section: str
    key: str
    fields: dict
    evidence: list[tuple[int, int, int]] = field(default_factory=list)
    confidence: float = 0.8
    review: list[str] = field(default_factory=list)
    labels: set[str] = field(default_factory=set)

    def add_evidence(self, para: int, start: int, end: int) -> None:
        ev = (para, start, end)
        if ev not in self.evidence and len(self.evidence) < 5:
            self.evidence.append(ev)


@dataclass
class Linked:
    key: str
    section: str
    label: str
    mentions: list[tuple[int, int, int, str]] = field(default_factory=list)


@dataclass
class Result:
    source_key: str
    source_is_new: bool
    source_fields: dict
    candidates: list[Candidate]
    linked: dict[str, Linked]
    warnings: list[str]
    encoding: str
    chars: int
    paragraphs: int
    known_facts: int = 0
    found: list = field(default_factory=list)
    labels: dict = field(default_factory=dict)   # key -> (section, set of labels)

    def by_section(self, section: str) -> list[Candidate]:
        return [c for c in self.candidates if c.section == section]


def parse_doc_date(value: str) -> _dt.date:
    """YYYY-MM-DD (or YYYY-MM, as the founding source gives) -> a date for resolving phrases."""
    v = (value or "").strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            return _dt.date.fromisoformat(v)
        if re.fullmatch(r"\d{4}-\d{2}", v):
            return _dt.date(int(v[:4]), int(v[5:]), 1)
    except ValueError:
        pass
    raise InputError(f"--date '{value}' is not a date (expected YYYY-MM-DD, e.g. 2021-04-15)")


class Ingestor:
    def __init__(self, gz: Gazetteer, doc_date: _dt.date, source_key: str):
        self.gz = gz
        self.date = doc_date
        self.src = source_key
        self.keys = KeyMaker(set(gz.entities))
        self.cands: dict[str, Candidate] = {}
        self.by_label: dict[tuple[str, str], str] = {}
        self.linked: dict[str, Linked] = {}
        self.province: str | None = None     # short name, e.g. 山东
        self.city: str | None = None
        self.last_org: str | None = None
        self.people: dict[str, str] = {}     # name -> key (found with a role earlier)
        self.gaz_re: re.Pattern | None = None
        self.publisher: str | None = None
        self.warnings: list[str] = []
        self.own_facts: set[tuple] = set()
        self.found: list[tuple] = []        # everything extracted, for evaluation
        self.known_facts = 0

    # ------------------------------------------------------------ pass 1
    def survey(self, paras) -> None:
        prov, city = Counter(), Counter()
        for p in paras:
            t = normalize(p.text)
            for m in X.PROV_RE.finditer(t):
                prov[m.group(1)] += 1
            for m in X.SHORT_CITY_RE.finditer(t):
                city[m.group(1)] += 1
                code = L.CITIES[m.group(1)][0]
                for short, (_f, pcode, _e) in L.PROVINCES.items():
                    if pcode[:2] == code[:2]:
                        prov[short] += 0.5
        if prov:
            self.province = prov.most_common(1)[0][0]
        # A city text (青岛 named far more than any province) resolves "市…" to that city.
        if city:
            name, n = city.most_common(1)[0]
            top_prov = prov.most_common(1)[0][1] if prov else 0
            if n >= 3 and n > 2 * top_prov:
                self.city = name
        labels = [lab for lab in self.gz.labels() if len(lab) >= 2]
        add_words(labels)
        if labels:
            alts = sorted({normalize(x) for x in labels}, key=len, reverse=True)
            self.gaz_re = re.compile("|".join(re.escape(a) for a in alts))

    # ------------------------------------------------------------ entities
    def known(self, label: str, sections: tuple[str, ...]) -> KnownEntity | None:
        for variant in self.variants(label):
            ent = self.gz.lookup(variant, sections)
            if ent is not None:
                return ent
        return None

    def variants(self, label: str) -> list[str]:
        out = [label]
        p = self.province
        if p and label.startswith("省") and not label.startswith("省会"):
            full = L.PROVINCES[p][0]
            out += [full + label[1:], p + label[1:], p + label]
        if label.startswith("市") and (self.city or p in L.MUNICIPALITIES):
            c = self.city or p
            out += [c + "市" + label[1:], c + label[1:]]
        if p and label.startswith(L.PROVINCES[p][0]):
            out.append("省" + label[len(L.PROVINCES[p][0]):])
        # 上海市人民政府办公厅 = 上海市政府办公厅
        out += [v.replace("人民政府", "政府") for v in out if "人民政府" in v] + \
            [v.replace("政府", "人民政府") for v in out if "政府" in v and "人民政府" not in v]
        return out

    def canonical(self, kind: str, text: str, attrs: dict) -> tuple[str, list[str]]:
        aliases = []
        if kind == "place":
            short = attrs.get("short", text)
            if attrs.get("type") == "country":
                return "中国", ([text] if text != "中国" else [])
            if attrs.get("type") == "district":
                full = text if text.endswith(("区", "县")) else text + attrs.get("suffix", "区")
                return full, ([text] if full != text else [])
            full = L.PROVINCES[short][0] if attrs.get("type") == "province" and short in \
                L.PROVINCES else (short + "市" if not text.endswith(("市", "区", "县")) else text)
            if full != text:
                aliases.append(text)
            return full, aliases
        if kind == "org":
            p = self.province
            if p and text.startswith("省") and not text.startswith("省会"):
                aliases.append(text)
                return L.PROVINCES[p][0] + text[1:], aliases
            if text.startswith("市") and (self.city or p in L.MUNICIPALITIES):
                aliases.append(text)
                c = self.city or p
                return c + "市" + text[1:], aliases
            if re.fullmatch(r".{2,8}(省委|市委|县委)", text) and not text.startswith("中共"):
                return "中共" + text, [text]
        return text, aliases

    def mention(self, kind: str, text: str, para: int, start: int, end: int, conf: float,
                attrs: dict | None = None) -> str | None:
        """Link a mention to a known entity or to a new candidate; return its key."""
        attrs = attrs or {}
        key = self._mention(kind, text, para, start, end, conf, attrs)
        if key:
            self.found.append(("entity", key, text))
        return key

    def _mention(self, kind, text, para, start, end, conf, attrs) -> str | None:
        if not X.has_cjk(text):
            return None  # the seeds need a Chinese label; "5+" alone names nothing
        if kind == "org" and text in ("省委", "市委", "省政府", "市政府", "区政府", "县政府"):
            canon, _ = self.canonical(kind, text, attrs)
            if canon == text:
                return None  # "市委" of an unknown city names no one
        sections = {"place": ("places",), "org": ("organizations",), "person": ("people",),
                    "document": ("documents",), "platforms": ("platforms", "programmes"),
                    "programmes": ("programmes", "platforms")}[kind]
        ent = self.known(text, sections)
        canon, aliases = self.canonical(kind, text, attrs)
        if ent is None and canon != text:
            ent = self.known(canon, sections)
        if ent is not None:
            ln = self.linked.setdefault(ent.key, Linked(ent.key, ent.section, ent.zh or text))
            ln.mentions.append((para, start, end, text))
            return ent.key
        section = sections[0]
        lk = (section if section not in ("platforms", "programmes") else "prog", label_key(canon))
        key = self.by_label.get(lk)
        if key is None:
            for a in [*aliases, *self.variants(canon), *self.variants(text)]:
                key = key or self.by_label.get((lk[0], label_key(a)))
        if key is not None:
            c = self.cands[key]
            c.add_evidence(para, start, end)
            c.confidence = max(c.confidence, conf)
            if text != c.fields["zh"] and text not in c.fields.get("aliases", []) \
                    and label_key(text) != label_key(c.fields["zh"]):
                c.fields.setdefault("aliases", []).append(text)
            return key
        return self.new_entity(section, kind, canon, aliases, para, start, end, conf, attrs, lk)

    def new_entity(self, section, kind, canon, aliases, para, start, end, conf, attrs, lk):
        f: dict = {}
        review = []
        if section == "places":
            short = attrs.get("short", canon)
            typ = attrs.get("type", "city")
            prefix = ""
            f["type"] = typ
            f["zh"] = canon
            if typ == "country":
                f["en"], f["wikidata"] = "China", "Q148"
            elif typ == "province" and short in L.PROVINCES:
                f["en"] = L.PROVINCES[short][2]
                f["code"] = L.PROVINCES[short][1]
            elif short in L.CITIES:
                f["en"] = L.CITIES[short][1]
                f["code"] = L.CITIES[short][0]
                prov = self.province_of_code(L.CITIES[short][0])
                if prov:
                    f["within"] = prov
            if typ == "province":
                china = self.known("中国", ("places",))
                ck = china.key if china else self.by_label.get(("places", label_key("中国")))
                if ck:
                    f["within"] = ck
            elif typ == "district":
                parent = (self.place_key(self.city, "city") if self.city else
                          self.place_key(self.province, "province") if self.province else None)
                if parent:
                    f["within"] = parent
                review.append("district: parent place is the text's city or province; check it")
            else:
                # SHACL wants a city inside a larger area: guess the text's province.
                prov = self.place_key(self.province, "province") if self.province else None
                if prov:
                    f["within"] = prov
                review.append("area code unknown; parent place guessed from the text's province")
            en = f.get("en", "")
            key_base = re.sub(r"[^a-z0-9]", "", en.split()[0].lower()) if en else \
                slugify(short).replace("-", "")
        else:
            f["zh"] = canon
            prefix = ""
            if section == "organizations":
                f["type"] = attrs.get("type") or X.org_type(canon)
                juris = self.jurisdiction_of(canon)
                if juris:
                    f["jurisdiction"] = juris
            elif section == "programmes":
                f["type"] = attrs.get("type") or "programme"
            key_base = place_slug(canon)
        if aliases:
            f["aliases"] = [a for a in dict.fromkeys(aliases) if a != canon]
            if not f["aliases"]:
                del f["aliases"]
        key = self.keys.make(key_base, prefix)
        review.append("new entity: review the proposed key (pinyin suggestion)")
        c = Candidate(section, key, f, [], conf, review, {canon, *aliases})
        c.add_evidence(para, start, end)
        self.cands[key] = c
        self.by_label[lk] = key
        for a in aliases:
            self.by_label.setdefault((lk[0], label_key(a)), key)
        if section in ("programmes", "platforms") and "jurisdiction" not in f:
            j = self.place_in(canon) or self.main_place()
            if j:
                f["jurisdiction"] = j
        return key

    def province_of_code(self, code: str) -> str | None:
        for short, (_full, pcode, _e) in L.PROVINCES.items():
            if pcode[:2] == code[:2]:
                return self.place_key(short, "province")
        return None

    def place_key(self, short: str, typ: str, para: int = 0, start: int = 0,
                  end: int = 0) -> str | None:
        """Key of a place by short name, creating the candidate if the graph lacks it."""
        text = L.PROVINCES[short][0] if typ == "province" else short + "市"
        ent = self.known(text, ("places",)) or self.known(short, ("places",))
        if ent:
            return ent.key
        lk = ("places", label_key(text))
        if lk in self.by_label:
            return self.by_label[lk]
        c_key = self.new_entity("places", "place", text, [short] if short != text else [],
                                para, start, end, 0.8, {"type": typ, "short": short}, lk)
        c = self.cands[c_key]
        if not end:
            c.evidence.clear()
            c.review.append("implied by other names (no mention of its own)")
        return c_key

    def jurisdiction_of(self, name: str) -> str | None:
        return self.place_in(name) or self.main_place()

    def place_in(self, name: str) -> str | None:
        for short in sorted(L.CITIES, key=len, reverse=True):
            if name.startswith(short):
                return self.place_key(short, "city")
        for short in sorted(L.PROVINCES, key=len, reverse=True):
            if name.startswith(short) and short not in L.MUNICIPALITIES:
                return self.place_key(short, "province")
            if name.startswith(short):
                return self.place_key(short, "province")
        if name.startswith("省") and self.province:
            return self.place_key(self.province, "province")
        if name.startswith("市") and self.city:
            return self.place_key(self.city, "city")
        return None

    def main_place(self) -> str | None:
        if self.city:
            return self.place_key(self.city, "city")
        if self.province:
            return self.place_key(self.province, "province")
        return None

    def label_table(self) -> dict:
        out = {}
        for k, ent in self.gz.entities.items():
            out[k] = (ent.section, {ent.zh, *ent.labels} - {""})
        for k, c in self.cands.items():
            out[k] = (c.section, {c.fields.get("zh", ""), *c.fields.get("aliases", []),
                                  *c.labels} - {""})
        return out

    def seen_milestone(self, deadline: str, resp: str, zh: str) -> bool:
        """Same deadline, same responsible body and a label sharing a good part of its words."""
        def grams(t: str) -> set[str]:
            t = label_key(t)
            return {t[i:i + 2] for i in range(len(t) - 1)}

        mine = grams(zh)
        for f in list(self.gz.facts) + list(self.own_facts):
            if f[0] == "milestones" and f[1] == deadline and f[2] == resp:
                other = grams(f[3]) if len(f) > 3 else set()
                if mine and other and len(mine & other) / min(len(mine), len(other)) >= 0.3:
                    self.known_facts += 1
                    return True
        self.own_facts.add(("milestones", deadline, resp, zh))
        return False

    def seen_fact(self, sig: tuple) -> bool:
        """True (and counted) when the graph or this run already holds the fact."""
        # Two observations of one text may share value, unit and area (10个左右 twice):
        # only the graph's facts count as seen for them.
        if sig in self.gz.facts or (sig in self.own_facts and sig[0] != "observations"):
            self.known_facts += 1
            return True
        self.own_facts.add(sig)
        return False

    # ------------------------------------------------------------ concepts, periods
    def concept(self, key: str, typ: str, zh: str, en: str, symbol: str | None = None,
                aliases: tuple[str, ...] = ()) -> str:
        if key in self.gz.entities or key in self.cands:
            return key
        for ent in self.gz.entities.values():
            if ent.section == "concepts" and ent.kind == typ and label_key(ent.zh) == label_key(zh):
                return ent.key
        f = {"type": typ, "zh": zh, "en": en}
        if symbol:
            f["symbol"] = symbol
        if aliases:
            f["aliases"] = list(aliases)
        key = self.keys.make(key) if key in self.keys.taken else key
        self.keys.taken.add(key)
        self.cands[key] = Candidate("concepts", key, f, [], 0.9,
                                    ["new concept: not yet in the graph"])
        return key

    def period(self, value: str) -> str:
        """A period key or inline period text the seeds accept."""
        fyp = {"13th-fyp": ("十三五", "13th Five-Year Plan period", 2016),
               "14th-fyp": ("十四五", "14th Five-Year Plan period", 2021)}
        if value in fyp:
            ent = self.gz.entities.get(value)
            if ent is not None:
                return value
            for e in self.gz.entities.values():
                if e.section == "periods" and label_key(e.zh) == label_key(fyp[value][0]):
                    return e.key
            if value not in self.cands:
                zh, en, y = fyp[value]
                self.cands[value] = Candidate(
                    "periods", value, {"zh": zh, "en": en, "start": f"{y}-01-01",
                                       "end": f"{y + 4}-12-31"}, [], 0.95,
                    ["new period: five-year plan"])
            return value
        return value

    # ------------------------------------------------------------ pass 2
    def run_paragraph(self, p: Paragraph) -> None:
        t = normalize(p.text)
        off = p.start
        spans: list[X.Span] = []
        # Gazetteer hits first: known names win over pattern guesses of the same length.
        if self.gaz_re is not None:
            for m in self.gaz_re.finditer(t):
                ent = self.known(m.group(0), ENTITY_SECTIONS)
                if ent is None:
                    continue
                kind = {"places": "place", "organizations": "org", "people": "person",
                        "documents": "document", "platforms": "platforms",
                        "programmes": "programmes"}[ent.section]
                spans.append(X.Span(kind, m.group(0), m.start(), m.end(), 0.95, {"gaz": ent.key}))
        for name, key in self.people.items():
            for m in re.finditer(re.escape(name), t):
                spans.append(X.Span("person", name, m.start(), m.end(), 0.8, {"seen": key}))
        # The publisher given on the command line is an organisation wherever the text names it.
        if self.publisher and len(self.publisher) >= 3:
            for m in re.finditer(re.escape(normalize(self.publisher)), t):
                spans.append(X.Span("org", m.group(0), m.start(), m.end(), 0.9,
                                    {"type": "enterprise" if "网" in m.group(0) else "agency"}))
        titles = X.find_titles(t)
        spans += titles
        spans += X.find_orgs(t)
        spans += X.find_places(t)
        people = X.find_people(t)
        spans += people
        spans += X.find_programmes(t, [(s.start - 1, s.end + 1) for s in titles])
        # A gazetteer hit wins over a pattern hit on the same span but keeps what the pattern
        # learnt (a person's position, a title's type and period).
        same: dict[tuple[int, int], list[X.Span]] = {}
        for sp in spans:
            same.setdefault((sp.start, sp.end), []).append(sp)
        for group in same.values():
            gaz = [g for g in group if "gaz" in g.attrs]
            for g in gaz:
                for other in group:
                    if "gaz" not in other.attrs:
                        g.attrs.update({k: v for k, v in other.attrs.items() if k not in g.attrs})
        chosen = self.resolve(spans)
        keyed: list[tuple[X.Span, str]] = []
        for sp in chosen:
            key = self.mention(sp.kind, sp.text, p.para, off + sp.start, off + sp.end, sp.conf,
                               sp.attrs)
            if key:
                keyed.append((sp, key))
        keyed.sort(key=lambda x: x[0].start)
        self.relations(t, p, keyed, titles)

    @staticmethod
    def resolve(spans: list[X.Span]) -> list[X.Span]:
        """Longest span wins; among equal spans the gazetteer hit, then the higher confidence."""
        order = sorted(spans, key=lambda s: (-(s.end - s.start), "gaz" not in s.attrs, -s.conf,
                                             s.start))
        taken = X.Occupied(max((s.end for s in spans), default=0))
        out = []
        for s in order:
            nested = "part_of_span" in s.attrs or "nested" in s.attrs
            if nested or taken.free(s.start, s.end):
                out.append(s)
                taken.append((s.start, s.end))
        return sorted(out, key=lambda s: s.start)

    def relations(self, t: str, p: Paragraph, keyed: list[tuple[X.Span, str]],
                  titles: list[X.Span]) -> None:
        off = p.start
        sec = lambda k: (self.cands[k].section if k in self.cands  # noqa: E731
                         else self.gz.entities[k].section)
        orgs = [(s, k) for s, k in keyed if sec(k) == "organizations"]
        places = [(s, k) for s, k in keyed if sec(k) == "places"]

        # Parent organisations named inside a name: 山东省政府新闻办 -> 山东省政府.
        for s, k in orgs:
            c = self.cands.get(k)
            if c is None or "within" in c.fields:
                continue
            m = re.match(r"^(.{2,10}?(?:人民政府|政府|省委|市委))(.{2,})$", c.fields["zh"]) or \
                re.match(r"^(.{3,20}?[局厅])(.{2,12}处)$", c.fields["zh"])
            if m and c.fields["type"] in ("office", "agency", "party-committee") \
                    and m.group(2) not in ("人民政府",):
                parent = self.mention("org", m.group(1), p.para, off + s.start,
                                      off + s.end, 0.75, {"type": X.org_type(m.group(1))})
                if parent and parent != k and sec(parent) == "organizations":
                    c.fields["within"] = parent

        # People with a position: ORG + ROLE + NAME -> person, role, membership.
        for s, k in keyed:
            if sec(k) != "people" or "role" not in s.attrs:
                continue
            self.people[s.text] = k
            role = s.attrs["role"]
            role_key = self.role(role)
            rs = s.attrs["role_start"]
            org = None
            conf = 0.85
            for os_, ok in reversed(orgs):
                if os_.end == rs:
                    org = (os_, ok)
                    break
            if org is None:
                prior = [(os_, ok) for os_, ok in orgs if os_.end <= rs
                         and X.clause_bounds(t, rs) <= os_.start]
                org = prior[-1] if prior else None
                conf = 0.6
            if org is None:
                continue
            self.found.append(("membership", k, role, org[1]))
            if self.seen_fact(("memberships", k, org[1], role_key)):
                continue
            mk = self.keys.make(f"{k}-{org[1]}"[:60])
            self.cands[mk] = Candidate(
                "memberships", mk, {"person": k, "organization": org[1], "role": role_key},
                [(p.para, off + org[0].start, off + s.end)], conf,
                ["membership: person, role and organisation as the text states them"])

        # Documents: type, period, issuer, jurisdiction.
        for s, k in keyed:
            if s.kind != "document" or "doctype" not in s.attrs:
                continue
            self.found.append(("doctype", k, L.DOC_TYPE_ZH.get(s.attrs["doctype"][1],
                                                               s.attrs["doctype"][0])))
            if "period" in s.attrs:
                self.found.append(("period", k, s.attrs["period"]))
            elif "period_key" in s.attrs:
                self.found.append(("period", k, {"14th-fyp": "2021-2025"}[s.attrs["period_key"]]))
            if k not in self.cands:
                continue
            c = self.cands[k]
            if "doctype" in c.fields:
                continue
            suffix, dkey, den = s.attrs["doctype"]
            c.fields["doctype"] = self.concept(dkey, "document-type",
                                               L.DOC_TYPE_ZH.get(dkey, suffix), den)
            if "period" in s.attrs:
                c.fields["period"] = s.attrs["period"]
            elif "period_key" in s.attrs:
                c.fields["period"] = self.period(s.attrs["period_key"])
            if "issuer_text" in s.attrs:
                ik = self.mention("org", s.attrs["issuer_text"], p.para, off + s.start,
                                  off + s.start + len(s.attrs["issuer_text"]), 0.8,
                                  {"type": X.org_type(s.attrs["issuer_text"])})
                if ik and sec(ik) == "organizations":
                    c.fields["issuer"] = ik
                    self.found.append(("issuer", k, ik))
            juris = self.place_in(c.fields["zh"])
            if "issued_by_span" in s.attrs:
                vpos = s.attrs["issued_by_span"]
                for ps, pk in keyed:
                    if ps.end == vpos or (ps.end <= vpos and vpos - ps.end <= 2):
                        if sec(pk) == "organizations" and "issuer" not in c.fields:
                            c.fields["issuer"] = pk
                            self.found.append(("issuer", k, pk))
                        elif sec(pk) == "places" and juris is None:
                            juris = pk
            c.fields["jurisdiction"] = juris or self.main_place() or c.fields.get("jurisdiction")
            if c.fields["jurisdiction"] is None:
                del c.fields["jurisdiction"]
            if "based_on_title" in s.attrs:
                inner = s.attrs["based_on_title"]
                ent = self.known(inner, ("documents",))
                bk = ent.key if ent else self.by_label.get(("documents", label_key(inner)))
                if bk:
                    c.fields["based_on"] = [bk]

        # Programmes: part_of from quoted sequences.
        for s, k in keyed:
            if "part_of_span" in s.attrs and k in self.cands:
                a, b = s.attrs["part_of_span"]
                for ps, pk in keyed:
                    if ps.start == a and ps.end == b and pk != k \
                            and sec(pk) in ("programmes",):
                        self.cands[k].fields.setdefault("part_of", pk)

        # Lead notes: （省大数据局牵头） -> lead of the programmes stated before it.
        notes = X.find_lead_notes(t)
        prev_end = 0
        for n in notes:
            lead_key = None
            for text, a, b in n.attrs["orgs"]:
                k = self.mention("org", text, p.para, off + a, off + b, 0.85,
                                 {"type": X.org_type(text)})
                lead_key = lead_key or k
            if n.attrs["lead"] and lead_key and sec(lead_key) == "organizations":
                for s, k in keyed:
                    if prev_end <= s.start < n.start and k in self.cands \
                            and self.cands[k].section == "programmes":
                        self.cands[k].fields.setdefault("lead", lead_key)
            prev_end = n.end

        # Dated targets -> milestones. The responsible organisation is named before the first
        # target of a run ("省大数据局…3月底前…；6月底前…"), never inside an earlier target.
        deadlines = X.find_deadlines(t, self.date)
        targets = [(d.start, d.attrs["target_start"] + len(d.attrs["target"])) for d in deadlines]
        for d in deadlines:
            resp = None
            for s, k in orgs:
                if s.end <= d.start and not any(a <= s.start < b for a, b in targets):
                    resp = k
            if resp is None:
                after = [n for n in notes if n.start >= d.end]
                if after:
                    text, a, b = after[0].attrs["orgs"][0]
                    resp = self.mention("org", text, p.para, off + a, off + b, 0.85)
            conf = d.conf
            if resp is None and self.last_org:
                resp, conf = self.last_org, min(conf, 0.5)
            if resp is None:
                self.warnings.append(f"p{p.para}: target '{d.text}' has no responsible "
                                     "organisation; skipped")
                continue
            self.found.append(("deadline", d.text, d.attrs["date"].isoformat(), resp))
            target = d.attrs["target"]
            clause = re.sub(r"^[，,：:]", "", target)
            if self.seen_milestone(d.attrs["date"].isoformat(), resp, clause):
                continue
            tend = d.attrs["target_start"] + len(target)
            concerns = [k for s, k in keyed if d.end <= s.start and s.end <= tend
                        and sec(k) in ("platforms", "programmes", "organizations")
                        and k != resp]
            concerns = list(dict.fromkeys(concerns))
            # The label is made of names, not of the source's sentence (which stays in the
            # review comment of the candidates file and never reaches the seeds).
            names = [self.label_of(k) for k in concerns[:3]]
            head = re.split(r"[，,、；;：:（(]", clause)[0][:12]
            zh = f"{d.text}目标：" + ("、".join(names) if names else head or "待定")
            mk = self.keys.make(f"ms-{self.src[:24]}-p{p.para}-{off + d.start}")
            f = {"zh": zh, "deadline": d.attrs["date"].isoformat(), "deadline_text": d.text,
                 "responsible": resp}
            j = self.main_place()
            if j:
                f["jurisdiction"] = j
            if concerns:
                f["concerns"] = concerns
            self.cands[mk] = Candidate("milestones", mk, f, [(p.para, off + d.start, off + tend)],
                                       conf, [f"milestone: target as stated: {clause[:60]}; "
                                              "rewrite the label in your own words"])
        if orgs:
            self.last_org = orgs[-1][1]

        # Quantities -> indicators + observations.
        for q in X.find_quantities(t):
            self.observation(t, p, q, keyed, places)

    def english_placeholders(self) -> None:
        """Every labelled candidate gets an @en label (SHACL requires one): pinyin for names,
        a pattern for milestones. The review note says it is a placeholder."""
        from .keys import pinyin_label

        for c in self.cands.values():
            f = c.fields
            if "zh" not in f or "en" in f or c.section == "sources":
                continue
            if c.section == "milestones":
                names = [self.en_of(k) for k in f.get("concerns", [])[:3]]
                f["en"] = f"Target by {f['deadline']}" + (": " + ", ".join(names) if names
                                                           else "")
            else:
                f["en"] = pinyin_label(f["zh"])
            c.review.append("English label is a pinyin placeholder: translate it")

    def en_of(self, key: str) -> str:
        from .keys import pinyin_label

        if key in self.cands:
            f = self.cands[key].fields
            return f.get("en") or pinyin_label(f.get("zh", key))
        ent = self.gz.entities.get(key)
        for lab in sorted(ent.labels if ent else ()):
            if not X.has_cjk(lab):
                return lab
        return pinyin_label(ent.zh) if ent and ent.zh else key

    def label_of(self, key: str) -> str:
        if key in self.cands:
            return self.cands[key].fields.get("zh", key)
        ent = self.gz.entities.get(key)
        return ent.zh if ent and ent.zh else key

    def role(self, zh: str) -> str:
        ent = self.known(zh, ("roles",))
        if ent:
            return ent.key
        key = L.ROLE_KEYS.get(zh) or "role-" + slugify(zh)
        if key in self.cands:
            return key
        if key in self.gz.entities:
            key = self.keys.make(key)
        self.keys.taken.add(key)
        self.cands[key] = Candidate("roles", key, {"zh": zh, "en": L.ROLES.get(zh, zh)}, [],
                                    0.9, ["new role"])
        return key

    def observation(self, t: str, p: Paragraph, q: X.Span, keyed, places) -> None:
        off = p.start
        a = q.attrs
        measure = a["measure"]
        if a["unit"] == "名次":
            ukey = self.concept(*L.UNIT_RANK[:1], "unit", L.UNIT_RANK[1], L.UNIT_RANK[2])
        else:
            k, zh, en = L.UNITS[a["unit"]]
            ukey = self.concept(k, "unit", zh, en, "%" if a["unit"] == "%" else None)
        qk, qzh, qen, qsym = L.QUALIFIERS[a["qualifier"]]
        qkey = self.concept(qk, "qualifier", qzh, qen, qsym)
        # Area: the nearest place named before the number, else the document's place.
        area = None
        for s, k in places:
            if s.end <= q.start:
                area = k
        area = area or self.main_place()
        if area is None:
            self.warnings.append(f"p{p.para}: quantity '{q.text}' has no place; skipped")
            return
        self.found.append(("quantity", a["value"], a["unit"], a["qualifier"], measure, area))
        if self.seen_fact(("observations", float(a["value"]), ukey, area)):
            return
        # Period: a phrase before the number in the paragraph, else the document's quarter.
        ctx = X.find_period_context(t, q.start)
        lo = max(0, q.start - X.CONTEXT)
        dl = [d for d in X.find_deadlines(t[lo:q.start], self.date)
              if X.clause_bounds(t, q.start) - 40 <= d.start + lo]
        quarter = f"{self.date.year}-Q{(self.date.month - 1) // 3 + 1}"
        if dl:
            period, ptext = str(dl[-1].attrs["date"].year), dl[-1].text
        elif ctx is None:
            period, ptext = quarter, None
        elif ctx[0] == "now":
            period, ptext = quarter, ctx[1]
        elif ctx[0] in ("13th-fyp", "14th-fyp"):
            period, ptext = self.period(ctx[0]), ctx[1]
        else:
            period, ptext = ctx
        # Indicator: a known one with this label, or a new one.
        conf = q.conf
        if measure:
            ent = self.known(measure, ("indicators",))
            ikey = ent.key if ent else self.by_label.get(("indicators", label_key(measure)))
            if ikey is None:
                ikey = self.keys.make("ind-" + slugify(measure, 6))
                self.cands[ikey] = Candidate("indicators", ikey, {"zh": measure}, [], conf,
                                             ["new indicator: name what is measured"])
                self.by_label[("indicators", label_key(measure))] = ikey
        else:
            ikey = self.keys.make("ind-" + slugify(a["unit"], 3) + "-count")
            self.cands[ikey] = Candidate("indicators", ikey, {"zh": f"未命名指标（{q.text}）"}, [],
                                         0.4, ["indicator not found in the text: name it"])
            conf = min(conf, 0.5)
        key = self.keys.make(f"obs-{self.src[:24]}-p{p.para}-{off + q.start}")
        f = {"indicator": ikey, "value": a["value"], "unit": ukey, "qualifier": qkey,
             "value_text": q.text, "period": period}
        if ptext:
            f["period_text"] = ptext
        f["area"] = area
        start = off + (a["measure_start"] if a["measure_start"] < q.start else q.start)
        end = off + max(q.end, a["measure_start"] + len(measure))
        self.cands[key] = Candidate("observations", key, f, [(p.para, start, end)], conf,
                                    ["observation: check the indicator and the period"])


def place_slug(name: str) -> str:
    """A key suggestion that spells a leading place in English: 山东省司法厅 -> shandong-si-fa-ting
    (the seeds' style), else plain pinyin."""
    for short, (full, _code, en) in sorted(L.PROVINCES.items(), key=lambda x: -len(x[1][0])):
        for prefix in (full, short):
            if name.startswith(prefix) and len(name) > len(prefix) + 1:
                head = re.sub(r"[^a-z]", "", en.split()[0].lower())
                return f"{head}-{slugify(name[len(prefix):], 7)}"
    for short, (_code, en) in sorted(L.CITIES.items(), key=lambda x: -len(x[0])):
        for prefix in (short + "市", short):
            if name.startswith(prefix) and len(name) > len(prefix) + 1:
                head = re.sub(r"[^a-z]", "", en.lower())
                return f"{head}-{slugify(name[len(prefix):], 7)}"
    return slugify(name)


def source_key_for(path: Path, gz: Gazetteer, title: str) -> str:
    stem = path.stem.lower()
    base = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")
    if not base or re.search(r"[\u3400-\u9fff]", path.stem):
        base = slugify(title, 6)
    return KeyMaker(set(gz.entities)).make(base or "source")


def run(path: str | Path, *, title: str, publisher: str, date: str, url: str | None,
        gz: Gazetteer, strict: bool = False) -> Result:
    """Extract candidates from ``path`` (see module docstring)."""
    from ..seeds import CJK_RE

    path = Path(path)
    doc_date = parse_doc_date(date)
    if not title or not CJK_RE.search(title):
        raise InputError(f"--title '{title}' has no Chinese characters; the seeds need a "
                         "Chinese title (zh)")
    if not publisher or not publisher.strip():
        raise InputError("--publisher is empty")
    if url is not None and not re.match(r"^https?://\S+$", url):
        raise InputError(f"--url '{url}' is not an http(s) URL")
    encoding, warnings = open_text(path, strict)
    sha = sha256_of(path)
    existing = gz.source_by_sha(sha)
    if existing is not None:
        skey, is_new = existing.key, False
        warnings.append(f"{path.name} is already in the graph as source '{skey}'; linking to it")
    else:
        skey, is_new = source_key_for(path, gz, title), True
    src_fields = {"zh": title.strip(), "publisher": publisher.strip(), "date": date.strip(),
                  "file": path.name, "sha256": sha}
    if url:
        src_fields["url"] = url
    ing = Ingestor(gz, doc_date, skey)
    ing.publisher = publisher.strip()
    ing.survey(paragraphs(path, encoding))
    n_par = chars = 0
    for para in paragraphs(path, encoding):
        n_par += 1
        chars += len(para.text)
        ing.run_paragraph(para)
    if n_par == 0:
        raise InputError(f"input file {path} is empty")
    ing.english_placeholders()
    return Result(skey, is_new, src_fields, list(ing.cands.values()), ing.linked,
                  warnings + ing.warnings, encoding, chars, n_par, ing.known_facts,
                  ing.found, ing.label_table())

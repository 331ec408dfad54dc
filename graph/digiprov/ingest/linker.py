"""Mentions -> keys: link a name to an entity the graph knows, or to a new candidate entry.

The :class:`Linker` holds the state of one run (the candidates so far, their labels, the text's
province and city) and is the only place candidates of entities, concepts, periods and roles
are created, so one name never gets two keys.
"""

from __future__ import annotations

import datetime as _dt
import re

from ..seeds import is_zh_label
from . import extract as X
from . import lexicon as L
from .gazetteer import Gazetteer, KnownEntity
from .keys import KeyMaker, slugify
from .records import LINK_SECTIONS, Candidate, Linked
from .textio import label_key

# Bare names of bodies that need a place to name anyone.
PLACELESS_ORGS = ("省委", "市委", "省政府", "市政府", "区政府", "县政府")


class Linker:
    def __init__(self, gz: Gazetteer, doc_date: _dt.date, source_key: str):
        self.gz = gz
        self.date = doc_date
        self.src = source_key
        self.keys = KeyMaker(set(gz.entities))
        self.cands: dict[str, Candidate] = {}
        self.by_label: dict[tuple[str, str], str] = {}
        self.by_abbrev: dict[str, str] = {}  # organisations by their short form
        self.linked: dict[str, Linked] = {}
        self.province: str | None = None     # short name, e.g. 山东
        self.city: str | None = None
        self.national = False                # the text is about the whole country
        self.last_org: str | None = None
        self.heading: str | None = None      # the programme of the last heading paragraph
        self.people: dict[str, str] = {}     # name -> key (found with a role earlier)
        self.publisher: str | None = None
        self.publisher_re: re.Pattern | None = None  # compiled once, used on every paragraph
        self.warnings: list[str] = []
        self.own_facts: set[tuple] = set()
        self.found: list[tuple] = []        # everything extracted, for evaluation
        self.known_facts = 0

    def section(self, key: str) -> str:
        return self.cands[key].section if key in self.cands else self.gz.entities[key].section

    # ------------------------------------------------------------ lookup
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
        """The name an entity is proposed under, and the mention as an alias if it differs."""
        aliases = []
        if kind == "place":
            short = attrs.get("short", text)
            if attrs.get("type") == "country":
                return "中国", ([text] if text != "中国" else [])
            if attrs.get("type") == "district":
                suffix = attrs.get("suffix", "区")
                full = text if text.endswith((suffix, *X.DISTRICT_SUFFIXES)) else text + suffix
                aliases = [text] if full != text else []
                if attrs.get("parent") and attrs.get("named_parent", True):
                    # 江北新区 is also written 南京市江北新区 (and 南京江北新区)
                    p_short, p_typ = attrs["parent"]
                    p_full = L.PROVINCES[p_short][0] if p_typ == "province" else p_short + "市"
                    aliases += [p_full + full, p_short + full]
                return full, aliases
            full = L.PROVINCES[short][0] if attrs.get("type") == "province" and short in \
                L.PROVINCES else (short + "市" if not text.endswith(("市", "区", "县")) else text)
            if full != text:
                aliases.append(text)
            return full, aliases
        if kind in ("platforms", "programmes") and self.province and text.startswith("省") \
                and len(text) > 3:  # 省政务服务网 of a Zhejiang text is 浙江省政务服务网
            return L.PROVINCES[self.province][0] + text[1:], [text]
        if kind == "org":
            if text in L.MINISTRY_FULL:
                return L.MINISTRY_FULL[text], [text]
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
            if text == "党中央":
                return "中共中央", [text]
        return text, aliases

    # ------------------------------------------------------------ mentions
    def mention(self, kind: str, text: str, para: int, start: int, end: int, conf: float,
                attrs: dict | None = None) -> str | None:
        """Link a mention to a known entity or to a new candidate; return its key."""
        attrs = attrs or {}
        key = self._mention(kind, text, para, start, end, conf, attrs)
        # A parent body named only inside a longer name (山东省政府 of 山东省政府办公厅) is a
        # field of that body, not a mention of its own.
        if key and not attrs.get("implied"):
            self.found.append(("entity", key, text))
        return key

    def place_in_name(self, text: str, para: int, start: int, kind: str = "") -> None:
        """南京市住房保障和房产局 names 南京市 too: a mention of the place of its own; a law of
        the 中华人民共和国 names China (中国银保监会 is a body's name, no mention of China)."""
        c = re.match(r"中华人民共和国" if kind != "document" else r"中华人民共和国|中国(?!特色)",
                     text)
        if c and len(text) > len(c.group(0)) + 1:  # 中华人民共和国网络安全法 names China
            self.mention("place", c.group(0), para, start, start + len(c.group(0)), 0.8,
                         {"type": "country", "short": "中国"})
            return
        m = X.PARENT_RE.match(text) or re.match(rf"[{X.CJK}]{{2,3}}?[市州]", text)
        if not m or len(m.group(0)) >= len(text) - 1 or not X._anchored(m.group(0)):
            return
        name = m.group(0)
        short = name[:-1] if name.endswith(("省", "市")) and name[:-1] in (
            *L.PROVINCES, *L.CITIES) else name
        short = next((k for k, v in L.PROVINCES.items() if v[0] == name), short)
        # 常德市, 楚雄州 are cities whatever the table knows; only a province is a province.
        typ = "province" if short in L.PROVINCES else \
            "district" if name.endswith(("县", "区")) else "city"
        self.mention("place", name, para, start, start + len(name), 0.85,
                     {"type": typ, "short": short})

    def _mention(self, kind, text, para, start, end, conf, attrs) -> str | None:
        if not is_zh_label(text):
            return None  # the seeds need a label that names something; "5+" alone does not
        if kind == "org" and text in PLACELESS_ORGS:
            canon, _ = self.canonical(kind, text, attrs)
            if canon == text:
                return None  # "市委" of an unknown city names no one
        sections = LINK_SECTIONS[kind]
        ent = self.known(text, sections)
        canon, aliases = self.canonical(kind, text, attrs)
        extra = [*attrs.get("aliases", ()), *([attrs["alias"]] if attrs.get("alias") else [])]
        aliases += [a for a in extra if a != canon and is_zh_label(a) and a not in aliases]
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
        if key is None and section == "organizations":
            key = self.by_abbrev.get(abbrev_key(canon))
        if key is None and attrs.get("quoted") and section == "platforms":
            # “山东通”移动办公平台 after “山东通”APP: the quoted name is the platform already met.
            key = self.by_label.get(("prog", label_key(attrs["quoted"])))
            if key is not None and self.cands[key].section != "platforms":
                key = None
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
            key_base = self._place_fields(f, review, canon, attrs)
        else:
            f["zh"] = canon
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
        key = self.keys.make(key_base)
        review.append("new entity: review the proposed key (pinyin suggestion)")
        c = Candidate(section, key, f, [], conf, review, {canon, *aliases})
        c.add_evidence(para, start, end)
        self.cands[key] = c
        self.by_label[lk] = key
        for a in aliases:
            self.by_label.setdefault((lk[0], label_key(a)), key)
        if section == "organizations":
            self.by_abbrev.setdefault(abbrev_key(canon), key)
        if section in ("programmes", "platforms") and "jurisdiction" not in f:
            j = self.place_in(canon) or self.main_place()
            if j:
                f["jurisdiction"] = j
        return key

    def _place_fields(self, f: dict, review: list[str], canon: str, attrs: dict) -> str:
        """Type, English name, area code and parent of a new place; returns the key base."""
        short = attrs.get("short", canon)
        typ = attrs.get("type", "city")
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
            named = self.place_key(*attrs["parent"]) if attrs.get("parent") else None
            parent = named or (
                self.place_key(self.city, "city") if self.city else
                self.place_key(self.province, "province") if self.province else None)
            if parent:
                f["within"] = parent
            if not named:
                review.append("district: parent place is the text's city or province; check it")
        elif "within" not in f and typ != "country":
            # SHACL wants a city inside a larger area: guess the text's province.
            prov = self.place_key(self.province, "province") if self.province else None
            if prov:
                f["within"] = prov
            review.append("area code unknown; parent place guessed from the text's province")
        en = f.get("en", "")
        return re.sub(r"[^a-z0-9]", "", en.split()[0].lower()) if en else \
            slugify(short).replace("-", "")

    # ------------------------------------------------------------ places
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
        """The place a name starts with (山东省大数据局 -> Shandong), if any."""
        for short in sorted(L.CITIES, key=len, reverse=True):
            if name.startswith(short):
                return self.place_key(short, "city")
        for short in sorted(L.PROVINCES, key=len, reverse=True):
            if name.startswith(short):
                return self.place_key(short, "province")
        if name.startswith("省") and self.province:
            return self.place_key(self.province, "province")
        if name.startswith("市") and self.city:
            return self.place_key(self.city, "city")
        return None

    def country(self) -> str:
        ent = self.known("中国", ("places",))
        if ent:
            return ent.key
        lk = ("places", label_key("中国"))
        if lk in self.by_label:
            return self.by_label[lk]
        key = self.new_entity("places", "place", "中国", [], 0, 0, 0, 0.8,
                              {"type": "country", "short": "中国"}, lk)
        self.cands[key].evidence.clear()
        self.cands[key].review.append("implied by a national text (no mention of its own)")
        return key

    def government(self) -> str | None:
        """The government of the text's main place, as the body responsible for a target the
        text assigns to no one (a guess, flagged for review; never counted as a mention)."""
        place = self.main_place()
        if place is None:
            return None
        name = self.label_of(place)
        if name == "中国":
            name = "国务院"
        elif not name.endswith("人民政府"):
            name += "人民政府"
        ent = self.known(name, ("organizations",))
        if ent:
            return ent.key
        lk = ("organizations", label_key(name))
        if lk in self.by_label:
            return self.by_label[lk]
        key = self.new_entity("organizations", "org", name, [], 0, 0, 0, 0.45,
                              {"type": "agency"}, lk)
        c = self.cands[key]
        c.evidence.clear()
        c.review.append("implied: the text names no responsible body; its government is assumed")
        return key

    def main_place(self) -> str | None:
        if self.national:
            return self.country()
        if self.city:
            return self.place_key(self.city, "city")
        if self.province:
            return self.place_key(self.province, "province")
        return None

    # ------------------------------------------------------------ labels and known facts
    def label_table(self) -> dict:
        out = {}
        for k, ent in self.gz.entities.items():
            out[k] = (ent.section, {ent.zh, *ent.labels} - {""})
        for k, c in self.cands.items():
            out[k] = (c.section, {c.fields.get("zh", ""), *c.fields.get("aliases", []),
                                  *c.labels} - {""})
        return out

    def label_of(self, key: str) -> str:
        if key in self.cands:
            return self.cands[key].fields.get("zh", key)
        ent = self.gz.entities.get(key)
        return ent.zh if ent and ent.zh else key

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

    # ------------------------------------------------------------ concepts, periods, roles
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


def abbrev_key(name: str) -> str:
    """An organisation's name as its short form writes it: 国家发展和改革委员会 and
    国家发展改革委, 天津市住房和城乡建设委员会 and 天津市住房城乡建设委 meet here."""
    k = label_key(name).replace("人民政府", "政府").replace("委员会", "委")
    return re.sub(r"[和与及]", "", k)


def place_slug(name: str) -> str:
    """A key suggestion that spells a leading place in English: 山东省司法厅 -> shandong-si-fa-ting
    (the seeds' style), else plain pinyin."""
    for _short, (full, _code, en) in sorted(L.PROVINCES.items(), key=lambda x: -len(x[1][0])):
        for prefix in (full, _short):
            if name.startswith(prefix) and len(name) > len(prefix) + 1:
                head = re.sub(r"[^a-z]", "", en.split()[0].lower())
                return f"{head}-{slugify(name[len(prefix):], 7)}"
    for short, (_code, en) in sorted(L.CITIES.items(), key=lambda x: -len(x[0])):
        for prefix in (short + "市", short):
            if name.startswith(prefix) and len(name) > len(prefix) + 1:
                head = re.sub(r"[^a-z]", "", en.lower())
                return f"{head}-{slugify(name[len(prefix):], 7)}"
    return slugify(name)

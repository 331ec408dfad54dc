"""One paragraph -> the name spans it holds: gazetteer hits, names seen earlier, the publisher and
every pattern of :mod:`.extract`; overlapping guesses are settled (longest span wins)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import extract as X
from .records import ENTITY_SECTIONS, KIND_OF_SECTION
from .textio import Paragraph, label_key, normalize

# Entity section -> the pattern kind a gazetteer hit of it stands for.
PATTERN_KIND = {s: ("platforms" if s == "platforms" else "programmes" if s == "programmes"
                    else KIND_OF_SECTION[s]) for s in ENTITY_SECTIONS}


@dataclass
class ParaSpans:
    """A paragraph's normalised text and its spans; ``keyed`` is filled by linking."""

    para: Paragraph
    text: str
    chosen: list[X.Span]
    titles: list[X.Span]
    keyed: list[tuple[X.Span, str]] = field(default_factory=list)

    @property
    def off(self) -> int:
        return self.para.start


def find_spans(p: Paragraph, linker, gaz_re: re.Pattern | None) -> ParaSpans:
    t = normalize(p.text)
    spans: list[X.Span] = []
    # Gazetteer hits first: known names win over pattern guesses of the same length.
    if gaz_re is not None:
        for m in gaz_re.finditer(t):
            ent = linker.known(m.group(0), ENTITY_SECTIONS)
            if ent is None:
                continue
            spans.append(X.Span(PATTERN_KIND[ent.section], m.group(0), m.start(), m.end(), 0.95,
                                {"gaz": ent.key}))
    for name, key in linker.people.items():
        for m in re.finditer(re.escape(name), t):
            spans.append(X.Span("person", name, m.start(), m.end(), 0.8, {"seen": key}))
    # The publisher given on the command line is an organisation wherever the text names it.
    if linker.publisher and len(linker.publisher) >= 3:
        if linker.publisher_re is None:
            linker.publisher_re = re.compile(re.escape(normalize(linker.publisher)))
        for m in linker.publisher_re.finditer(t):
            spans.append(X.Span("org", m.group(0), m.start(), m.end(), 0.9,
                                {"type": "enterprise" if "网" in m.group(0) else "agency"}))
    titles = X.find_titles(t)
    titles += X.find_plain_titles(t, [(s.start - 1, s.end + 1) for s in titles])
    spans += titles
    spans += X.find_orgs(t)
    spans += X.find_places(t)
    spans += X.find_people(t)
    spans += X.find_programmes(t, [(s.start - 1, s.end + 1) for s in titles])
    # A quoted name met earlier in the text is a mention of it (“山东通”移动办公落地应用).
    for m in X.QUOTE_RE.finditer(t):
        key = linker.by_label.get(("prog", label_key(m.group(1))))
        if key is not None and key in linker.cands:
            sec = linker.cands[key].section
            spans.append(X.Span(sec, m.group(1), m.start() + 1, m.end() - 1, 0.7, {"seen": key}))
    _merge_same(spans)
    return ParaSpans(p, t, resolve(spans), titles)


def _merge_same(spans: list[X.Span]) -> None:
    """A gazetteer hit wins over a pattern hit on the same span but keeps what the pattern
    learnt (a person's position, a title's type and period)."""
    same: dict[tuple[int, int], list[X.Span]] = {}
    for sp in spans:
        same.setdefault((sp.start, sp.end), []).append(sp)
    for group in same.values():
        for g in (g for g in group if "gaz" in g.attrs):
            for other in group:
                if "gaz" not in other.attrs:
                    g.attrs.update({k: v for k, v in other.attrs.items() if k not in g.attrs})


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


def link_spans(ps: ParaSpans, linker) -> None:
    """Give every chosen span a key (known entity or new candidate)."""
    last_city = None
    for sp in ps.chosen:
        if sp.kind == "place":
            if sp.attrs.get("type") == "city":
                last_city = sp.attrs.get("short")
            elif sp.attrs.get("type") == "district" and "parent" not in sp.attrs and last_city:
                # 青岛。…以崂山区、城阳区为核心: a district of the city the paragraph is about.
                sp.attrs["parent"] = (last_city, "city")
                sp.attrs["named_parent"] = False
            if sp.attrs.get("suffix") in X.PARK_SUFFIX:
                for pm in X.PARENT_RE.finditer(sp.text):  # 国家集成电路设计济南产业化基地
                    linker.place_in_name(sp.text[pm.start():], ps.para.para,
                                         ps.off + sp.start + pm.start())
        key = linker.mention(sp.kind, sp.text, ps.para.para, ps.off + sp.start, ps.off + sp.end,
                             sp.conf, sp.attrs)
        if key:
            ps.keyed.append((sp, key))
            if sp.kind != "place" and sp.kind != "person":
                linker.place_in_name(sp.text, ps.para.para, ps.off + sp.start, sp.kind)
    ps.keyed.sort(key=lambda x: x[0].start)

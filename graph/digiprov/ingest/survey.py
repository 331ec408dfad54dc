"""Pass 1 over the text: which province (and city) it is about, so a bare "省大数据局" or
"市政府" resolves, and the gazetteer's labels as one regex and as jieba user words."""

from __future__ import annotations

import re
from collections import Counter

from . import extract as X
from . import lexicon as L
from .segment import add_words
from .textio import normalize

NATIONAL_RE = re.compile(r"我国|全国|中国(?!特色)|国务院|党中央|中共中央")


def survey(paras, linker) -> re.Pattern | None:
    """Set ``linker.province``/``city`` from the place names of ``paras``; return the regex of
    the gazetteer's labels (longest first), or None when the graph knows nothing."""
    prov, city = Counter(), Counter()
    national = 0
    for p in paras:
        t = normalize(p.text)
        national += len(NATIONAL_RE.findall(t))
        for m in X.PROV_RE.finditer(t):
            prov[m.group(1)] += 1
        for m in X.SHORT_CITY_RE.finditer(t):
            city[m.group(1)] += 1
            code = L.CITIES[m.group(1)][0]
            for short, (_f, pcode, _e) in L.PROVINCES.items():
                if pcode[:2] == code[:2]:
                    prov[short] += 0.5
    if prov:
        linker.province = prov.most_common(1)[0][0]
    # A national text (我国…, 全国…) names provinces as examples: its place is the country.
    top = max([*prov.values(), *city.values(), 0])
    if national >= 2 and national >= 2 * top:
        linker.national = True
    # A text naming no province or city, from a national body or saying 全国 once, is national.
    pub = linker.publisher or ""
    if top == 0 and (national or re.match(r"(国家|国务院|中央|中共中央|最高人民)", pub)
                     or any(pub.startswith(m) for m in L.MINISTRIES)):
        linker.national = True
    # A city text (青岛 named far more than any province) resolves "市…" to that city.
    if city:
        name, n = city.most_common(1)[0]
        top_prov = prov.most_common(1)[0][1] if prov else 0
        if n >= 3 and n > 2 * top_prov:
            linker.city = name
    labels = [lab for lab in linker.gz.labels() if len(lab) >= 2]
    add_words(labels)
    if not labels:
        return None
    alts = sorted({normalize(x) for x in labels}, key=len, reverse=True)
    return re.compile("|".join(re.escape(a) for a in alts))

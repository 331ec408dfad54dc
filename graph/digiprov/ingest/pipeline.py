"""Text file -> candidate seed records, linked to the graph's entities.

Two streaming passes over the file: :mod:`.survey` finds which province the text is about,
then every paragraph goes through the steps below, each in its own module:

1. :mod:`.spans` — names (gazetteer hits and the patterns of :mod:`.extract`), overlaps settled;
2. :mod:`.linker` — each name linked to a known entity or a new candidate;
3. :mod:`.relations` — parents, memberships, document facts, programme parts, lead agencies;
4. :mod:`.milestones` and :mod:`.observations` — dated targets and figures;

and :mod:`.english` adds the @en placeholders at the end.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from pathlib import Path

from ..errors import InputError
from . import relations as R
from .english import english_placeholders
from .gazetteer import Gazetteer
from .keys import KeyMaker, slugify
from .linker import Linker
from .milestones import milestones
from .observations import observations
from .records import Result, parse_doc_date
from .spans import find_spans, link_spans
from .survey import survey
from .textio import Paragraph, open_text, paragraphs, sha256_of


def run_paragraph(p: Paragraph, lk: Linker, gaz_re) -> None:
    ps = find_spans(p, lk, gaz_re)
    link_spans(ps, lk)
    R.org_parents(ps, lk)
    R.memberships(ps, lk)
    R.documents(ps, lk)
    R.part_of(ps, lk)
    R.operators(ps, lk)
    notes = R.lead_notes(ps, lk)
    milestones(ps, lk, notes)
    observations(ps, lk)


# Candidate field -> the fact kind the evaluation judges it as.
FIELD_FACT = {"type": "type", "doctype": "type", "within": "locatedIn", "issuer": "issuedBy",
              "lead": "leadAgency", "operator": "operatedBy", "part_of": "partOf",
              "concerns": "mentions", "period": "period"}


def calibrate_all(lk: Linker) -> None:
    """Raw pattern scores -> calibrated confidences (:mod:`.calibration`): of each candidate,
    of each fact it states, and of the facts found (what the evaluation judges)."""
    from .calibration import SECTION_KIND, calibrate

    for c in lk.cands.values():
        if c.section not in SECTION_KIND:
            continue
        raw = c.confidence
        for name, kind in FIELD_FACT.items():
            if name in c.fields:
                # A parent place guessed from the text's province is less sure than its name.
                r = min(raw, 0.5) if name == "within" and any("guess" in x for x in c.review) \
                    else raw
                c.fact_conf[kind] = calibrate(kind, r)
        c.confidence = calibrate(SECTION_KIND[c.section], raw)
    at = {"membership": (4, "holdsPosition"), "deadline": (4, "deadline"),
          "quantity": (6, "value")}
    for i, f in enumerate(lk.found):
        if f[0] in at and len(f) > at[f[0]][0]:
            n, kind = at[f[0]]
            lk.found[i] = (*f[:n], calibrate(kind, f[n]), *f[n + 1:])


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
    for name, value in (("--title", title), ("--publisher", publisher), ("--url", url or "")):
        if any(unicodedata.category(ch)[0] == "C" for ch in value):
            raise InputError(f"{name} {value!r} contains control characters")
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
    lk = Linker(gz, doc_date, skey)
    lk.publisher = publisher.strip()
    # The title names the place of a text that never does ("重庆推进…" over "全市…").
    gaz_re = survey(itertools.chain([Paragraph(0, 0, title)], paragraphs(path, encoding)), lk)
    n_par = chars = 0
    for para in paragraphs(path, encoding):
        n_par += 1
        chars += len(para.text)
        run_paragraph(para, lk, gaz_re)
    if n_par == 0:
        raise InputError(f"input file {path} is empty")
    english_placeholders(lk)
    calibrate_all(lk)
    return Result(skey, is_new, src_fields, list(lk.cands.values()), lk.linked,
                  warnings + lk.warnings, encoding, chars, n_par, lk.known_facts,
                  lk.found, lk.label_table())

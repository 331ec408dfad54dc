"""Confidence that means something: a pattern's raw score mapped to how often candidates and facts
of that kind and score were right on texts the rules were tuned on (the corpus gold files and the
tuning half of the development set, never its test half).

Each pattern gives its own raw score (a title in 《》 0.9, a quoted slogan after a verb 0.55 …),
so the raw score rounded to 0.05 stands for the pattern. ``calibration.json`` beside this module
holds, per kind (place, org, …, type, leadAgency, value, deadline) and raw score, a conservative
estimate of the share of right ones: the cell's share shrunk towards its kind's, then the lower
end of a one-sided interval, since the rules were tuned on these very texts and new text does
worse. ``scripts/calibrate_ingest`` refits it and reports a leave-one-text-out check. A kind or
score it has not seen keeps the kind's estimate, or the raw score for an unseen kind.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from .records import KIND_OF_SECTION

TABLE = Path(__file__).with_name("calibration.json")
# entity sections by their ingest kind (registry), and the sections that hold one fact kind
SECTION_KIND = KIND_OF_SECTION | {
    "observations": "value", "milestones": "deadline", "memberships": "holdsPosition"}
ENABLED = True  # scripts/calibrate_ingest fits on raw scores
SHRINK = 3.0     # pseudo-observations of the kind's share in each cell
Z = 1.28         # one-sided 90% lower bound


def cell(raw: float) -> str:
    return f"{round(max(0.0, min(raw, 1.0)) * 20) / 20:.2f}"


@lru_cache(maxsize=1)
def table() -> dict:
    if not TABLE.is_file():
        return {}
    return json.loads(TABLE.read_text(encoding="utf-8")).get("kinds", {})


def calibrate(kind: str, raw: float, tab: dict | None = None) -> float:
    if not ENABLED and tab is None:
        return raw
    t = (table() if tab is None else tab).get(kind)
    if not t:
        return raw
    v = t["cells"].get(cell(raw), t["kind"])
    return min(round(v, 2), 0.99)


def lower_bound(right: float, n: float, z: float = Z) -> float:
    """Wilson score interval, lower end."""
    if n <= 0:
        return 0.0
    p = right / n
    d = 1 + z * z / n
    centre = p + z * z / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, (centre - margin) / d)


def gap_ratios(gap: dict[str, list[int]] | None, m: float = 10.0) -> tuple[dict, float]:
    """How much worse each kind did on text the rules had not been tuned on than on the text
    they had: ``gap`` holds, per kind, [n, right] on the tuned texts and [n, right] on held-out
    ones (measured once by ``scripts/calibrate_ingest --measure-gap``). Each kind's ratio is
    shrunk towards the overall one; none is above 1."""
    if not gap:
        return {}, 1.0
    na = sum(v[0] for v in gap.values())
    ra = sum(v[1] for v in gap.values())
    nb = sum(v[2] for v in gap.values())
    rb = sum(v[3] for v in gap.values())
    g = min(1.0, (rb / nb) / (ra / na)) if na and nb and ra else 1.0
    out = {}
    for kind, (n_a, r_a, n_b, r_b) in gap.items():
        pa = (r_a + 1) / (n_a + 2)
        pb = (r_b + m * g * pa) / (n_b + m)
        out[kind] = round(min(1.0, pb / pa), 3)
    return out, round(g, 3)


def fit(judged: dict[str, list[tuple[float, bool]]], shrink: float = SHRINK,
        z: float = Z, gap: dict | None = None) -> dict:
    """Per kind and raw score: lower bound of (right + shrink * kind share) / (n + shrink),
    times the kind's held-out ratio (:func:`gap_ratios`)."""
    ratios, g = gap_ratios(gap)
    out: dict[str, dict] = {}
    for kind, items in sorted(judged.items()):
        if not items:
            continue
        r = ratios.get(kind, g)
        right = sum(ok for _c, ok in items)
        share = (right + 1) / (len(items) + 2)
        cells: dict[str, list[bool]] = {}
        for raw, ok in items:
            cells.setdefault(cell(raw), []).append(ok)
        out[kind] = {
            "kind": round(r * lower_bound(right, len(items), z), 3), "n": len(items),
            "held_out_ratio": r,
            "cells": {c: round(r * lower_bound(sum(v) + shrink * share, len(v) + shrink, z), 3)
                      for c, v in sorted(cells.items())}}
    return out

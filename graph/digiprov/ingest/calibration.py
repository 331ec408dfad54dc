"""Confidence that means something: a pattern's raw score mapped to how often candidates of that
kind and score were right on the texts the rules were tuned on (the corpus gold files and the
tuning half of the development set, never its test half).

``calibration.json`` beside this module holds, per kind (place, org, …, value, deadline,
holdsPosition) and raw band, the smoothed share of right candidates; ``scripts/calibrate_ingest``
refits it. A kind or band it has not seen keeps the raw score.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).with_name("calibration.json")
BANDS = [0.0, 0.5, 0.6, 0.7, 0.8, 0.9]
SECTION_KIND = {"places": "place", "organizations": "org", "people": "person",
                "documents": "document", "platforms": "platform", "programmes": "programme",
                "observations": "value", "milestones": "deadline",
                "memberships": "holdsPosition"}
ENABLED = True  # scripts/calibrate_ingest fits on raw scores


def band(raw: float) -> str:
    lo = max(b for b in BANDS if raw >= b - 1e-9) if raw >= 0 else 0.0
    return f"{lo:.1f}"


@lru_cache(maxsize=1)
def table() -> dict:
    if not TABLE.is_file():
        return {}
    return json.loads(TABLE.read_text(encoding="utf-8")).get("kinds", {})


def calibrate(kind: str, raw: float) -> float:
    if not ENABLED:
        return raw
    cell = table().get(kind, {}).get(band(raw))
    return min(round(cell, 2), 0.99) if cell is not None else raw


def fit(judged: dict[str, list[tuple[float, bool]]], weight: float = 2.0) -> dict:
    """Per kind and band: (right + weight * kind's smoothed share) / (n + weight)."""
    out: dict[str, dict[str, float]] = {}
    for kind, items in sorted(judged.items()):
        if not items:
            continue
        # Laplace: a kind right 40 times of 40 is not certain.
        prior = (sum(ok for _c, ok in items) + 1) / (len(items) + 2)
        cells: dict[str, list[bool]] = {}
        for raw, ok in items:
            cells.setdefault(band(raw), []).append(ok)
        out[kind] = {b: round((sum(v) + weight * prior) / (len(v) + weight), 3)
                     for b, v in sorted(cells.items())}
    return out

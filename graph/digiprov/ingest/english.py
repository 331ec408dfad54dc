"""@en placeholders for new candidates (SHACL expects one): pinyin for names, a pattern for
milestones; the review note says a human translates them."""

from __future__ import annotations


def english_placeholders(lk) -> None:
    from .keys import pinyin_label

    for c in lk.cands.values():
        f = c.fields
        if "zh" not in f or "en" in f or c.section == "sources":
            continue
        if c.section == "milestones":
            names = [lk.en_of(k) for k in f.get("concerns", [])[:3]]
            f["en"] = f"Target by {f['deadline']}" + (": " + ", ".join(names) if names else "")
        else:
            f["en"] = pinyin_label(f["zh"])
        c.review.append("English label is a pinyin placeholder: translate it")

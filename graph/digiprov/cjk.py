"""Which characters are Chinese: one definition of the CJK ideograph ranges.

Labels are told apart by it (a prefLabel without a language tag is zh when it has one),
the view wraps and transliterates by it, the seed checks refuse Chinese in an ``en`` field by
it and the lookup picks pinyin by it. Stdlib only.
"""

from __future__ import annotations

import re

# Unified ideographs, extension A, compatibility ideographs, and the supplementary planes'
# extensions B-G with the compatibility supplement (rare characters in personal and place
# names). U+4DC0-4DFF between extension A and the unified block are Yijing hexagrams, not Han.
CJK_RANGES = ("\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
              "\U00020000-\U0002fa1f\U00030000-\U0003134f")
CJK_RE = re.compile(f"[{CJK_RANGES}]")


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds at least one CJK ideograph."""
    return CJK_RE.search(text) is not None


def label_lang(value: str, tag: str | None) -> str:
    """The language a label is shown for: its tag's primary subtag (``zh-Hans`` -> ``zh``),
    or without a tag ``zh`` when it holds Chinese, else ``en``."""
    return (tag or "").split("-")[0] or ("zh" if CJK_RE.search(value) else "en")


__all__ = ["CJK_RANGES", "CJK_RE", "has_cjk", "label_lang"]

"""Proposed ASCII keys for new entities (pypinyin is a suggestion only; review them)."""

from __future__ import annotations

import re

from ..seeds import KEY_RE


def slugify(text: str, max_syllables: int = 8) -> str:
    from pypinyin import lazy_pinyin

    parts: list[str] = []
    for piece in lazy_pinyin(text, errors=lambda s: [s]):
        piece = re.sub(r"[^a-z0-9]+", "-", piece.lower()).strip("-")
        if piece:
            parts.extend(p for p in piece.split("-") if p)
    slug = "-".join(parts[:max_syllables]) or "entity"
    return slug


class KeyMaker:
    """Unique keys: never one already known, never the same twice in one run."""

    def __init__(self, taken: set[str]):
        self.taken = set(taken)

    def make(self, base: str, prefix: str = "") -> str:
        base = re.sub(r"-+", "-", f"{prefix}{base}".lower()).strip("-")[:80].strip("-")
        if not KEY_RE.match(base):
            base = "entity-" + re.sub(r"[^a-z0-9-]", "", base).strip("-") or "entity"
        key, n = base, 2
        while key in self.taken:
            key = f"{base}-{n}"
            n += 1
        self.taken.add(key)
        return key


def pinyin_label(text: str) -> str:
    """An English-label placeholder: the words of ``text`` in toneless pinyin (青岛市政府 ->
    Qingdaoshi Zhengfu). SHACL wants an @en label on every entity; a human translates it."""
    from pypinyin import lazy_pinyin

    from .segment import cut

    words = []
    for w, _s, _e in cut(text):
        if re.search(r"[\u3400-\u9fff]", w):
            words.append("".join(lazy_pinyin(w)).capitalize())
        else:
            w = w.replace("“", '"').replace("”", '"').replace("（", "(").replace("）", ")")
            w = w.replace("、", ", ").replace("，", ", ").replace("：", ": ")
            if w.strip():
                words.append(w.strip())
    out = " ".join(words)
    out = re.sub(r"\s+([,):])", r"\1", out)
    out = re.sub(r"([(])\s+", r"\1", out)
    return "".join(ch for ch in out if ord(ch) < 0x3000) or "Untitled"

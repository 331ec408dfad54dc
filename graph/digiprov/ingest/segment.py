"""jieba, loaded offline from the dictionary it ships, plus the graph's labels as user words."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache

_ADDED: set[str] = set()


@lru_cache(maxsize=1)
def tokenizer():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()  # default dictionary bundled in the wheel; no download
    tk.initialize()
    return tk


@lru_cache(maxsize=1)
def tags() -> dict[str, str]:
    """Part-of-speech tag per dictionary word (jieba's dict.txt carries them)."""
    import jieba.posseg

    return jieba.posseg.dt.word_tag_tab if jieba.posseg.dt.word_tag_tab else {}


def word_freq() -> dict[str, int]:
    return tokenizer().FREQ


def add_words(words: Iterable[str]) -> None:
    """Make gazetteer labels single tokens, so a known name is never split."""
    tk = tokenizer()
    for w in words:
        w = w.strip()
        if len(w) >= 2 and w not in _ADDED:
            tk.add_word(w, freq=max(tk.suggest_freq(w), 1000))
            _ADDED.add(w)
            _cut_short.cache_clear()


def cut(text: str) -> list[tuple[str, int, int]]:
    """Tokens with their [start, end) offsets in ``text``."""
    if len(text) <= 32:
        return list(_cut_short(text))
    return _cut(text)


@lru_cache(maxsize=20_000)
def _cut_short(text: str) -> tuple[tuple[str, int, int], ...]:
    # The short windows before a name repeat (省大数据局, 全市…): jieba cuts each once. The cache
    # is dropped when user words change the dictionary (add_words).
    return tuple(_cut(text))


def _cut(text: str) -> list[tuple[str, int, int]]:
    out, pos = [], 0
    for tok in tokenizer().cut(text, HMM=True):
        out.append((tok, pos, pos + len(tok)))
        pos += len(tok)
    return out

"""Hostile variants of real texts, for the robustness check of the whole ingest pipeline
(tests/test_ingest_fuzz.py runs a few, scripts/fuzz_ingest as many as asked).

Every variant is made from a seeded ``random.Random``, so a failure is reproduced by its seed
and number: random cuts and concatenations of the corpus, stray HTML, full-width punctuation and
digits, very long paragraphs, tables flattened to text, traditional characters, control
characters and lone surrogates' replacement, unbalanced brackets and quotes.
"""

from __future__ import annotations

import random

HTML_BITS = ["<p>", "</p>", "<br/>", "<span style=\"color:#000\">", "</span>", "&nbsp;", "&amp;",
             "<td>", "</td>", "<div class='x'>", "</div>", "<!-- 注释 -->", "<a href=\"x\">",
             "</a>", "<img src=\"a.png\"/>"]
ODD = ["《", "》", "“", "”", "（", "）", "【", "】", "…", "——", "\t", "\u3000", "\ufeff",
       "\u200b", "\ufffd", "\x07", "’", "‘", "「", "」", "<", ">", "|", "*", "#", "5+", "++",
       "GDP", "5G", "i山东", "“爱山东”APP", "COSMOPlat", "0.", "100%%", "第", "年", "月底前"]
FULL = {c: chr(ord(c) + 0xFEE0) for c in "0123456789%+-.,:;()ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


def _cut(rng: random.Random, text: str) -> str:
    if len(text) < 2:
        return text
    a = rng.randrange(len(text))
    b = rng.randrange(a, min(len(text), a + rng.choice([5, 50, 500, 5000])) + 1)
    return text[a:b]


def _html(rng: random.Random, text: str) -> str:
    out = []
    for ch in text:
        if rng.random() < 0.03:
            out.append(rng.choice(HTML_BITS))
        out.append(ch)
    return "".join(out)


def _full_width(rng: random.Random, text: str) -> str:
    return "".join(FULL.get(ch, ch) if rng.random() < 0.7 else ch for ch in text)


def _long(rng: random.Random, text: str) -> str:
    return text.replace("\n", rng.choice(["", "。", " ", "；"]))


def _table(rng: random.Random, text: str) -> str:
    """A table flattened to text: cells separated by tabs, pipes or runs of spaces."""
    sep = rng.choice(["\t", " | ", "    ", "｜"])
    rows = []
    for line in text.split("\n")[: rng.randint(2, 12)]:
        cells = [line[i:i + rng.randint(2, 9)] for i in range(0, min(len(line), 60), 7)]
        rows.append(sep.join(cells + [str(rng.randint(0, 99999)), f"{rng.random() * 100:.1f}%"]))
    return "\n".join(rows)


def _traditional(rng: random.Random, text: str) -> str:
    import zhconv

    return zhconv.convert(text, rng.choice(["zh-tw", "zh-hk", "zh-hant"]))


def _odd(rng: random.Random, text: str) -> str:
    out = list(text)
    for _ in range(max(1, len(out) // 40)):
        out.insert(rng.randrange(len(out) + 1), rng.choice(ODD))
    return "".join(out)


MUTATIONS = [_cut, _html, _full_width, _long, _table, _traditional, _odd]


def variant(rng: random.Random, texts: list[str]) -> tuple[str, list[str]]:
    """One hostile text from ``texts`` and the names of the mutations applied."""
    parts = [_cut(rng, rng.choice(texts)) if rng.random() < 0.7 else rng.choice(texts)
             for _ in range(rng.randint(1, 4))]
    text = rng.choice(["\n", "", "\n\n", "。"]).join(parts)
    names = ["cut+concat"]
    for m in rng.sample(MUTATIONS[1:], rng.randint(1, 3)):
        text = m(rng, text)
        names.append(m.__name__.lstrip("_"))
    return text, names


class FuzzFailure(AssertionError):
    """The pipeline crashed, wrote half an output, or wrote a proposal that does not load."""


def run_case(text: str, workdir, gz=None, seeds_dir=None) -> str:
    """Ingest ``text``; return "ok" or the one-line input error. Raise FuzzFailure otherwise."""
    import shutil
    from pathlib import Path

    from ..errors import DigiprovError
    from ..seeds import load_seeds
    from .api import CANDIDATES, PREVIEW, ingest
    from .gazetteer import Gazetteer

    work = Path(workdir)
    src = work / "fuzz-input.txt"
    src.write_text(text, encoding="utf-8", errors="surrogatepass")
    out = work / "out"
    if out.exists():
        shutil.rmtree(out)
    try:
        ingest(src, out, title="模糊测试文本", publisher="测试发布者", date="2021-06-01",
               gz=gz if gz is not None else Gazetteer(), seeds_dir=seeds_dir)
    except DigiprovError as e:
        msg = str(e)
        if "\n" in msg or msg.startswith("internal") or not msg.strip():
            raise FuzzFailure(f"not a one-line input error: {msg!r}") from None
        if out.exists():
            raise FuzzFailure(f"output left behind after an error: {msg}") from None
        return f"input error: {msg}"
    except Exception as e:  # noqa: BLE001 - any other exception is the failure we look for
        raise FuzzFailure(f"crash: {type(e).__name__}: {e}") from e
    if sorted(p.name for p in out.iterdir()) != sorted([CANDIDATES, PREVIEW]):
        raise FuzzFailure(f"unexpected output files: {sorted(p.name for p in out.iterdir())}")
    check = work / "check"
    if check.exists():
        shutil.rmtree(check)
    check.mkdir()
    if seeds_dir is not None:
        load_seeds(seeds_dir, extra_files=[out / CANDIDATES])
    else:
        shutil.copy(out / CANDIDATES, check / CANDIDATES)
        load_seeds(check)
    return "ok"

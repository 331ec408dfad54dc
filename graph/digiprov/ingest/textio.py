"""Read a text file as paragraphs (one per line) with code-point offsets, whatever its encoding.

Offsets count Unicode code points of the decoded text (a UTF-8 byte-order mark is skipped), so
they are the offsets the seeds' ``evidence`` uses. The file is read in chunks: memory stays
bounded by the longest line, not the file size.
"""

from __future__ import annotations

import codecs
import hashlib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import InputError

CHUNK = 1 << 20
SNIFF = 1 << 16
# Trial order: UTF-8 first (strict), then the legacy encodings of Chinese text.
LEGACY = ("gb18030", "big5")


@dataclass
class Paragraph:
    para: int       # 1-based line number
    start: int      # code-point offset of the line in the file
    text: str       # the line without its line break


def detect_encoding(head: bytes) -> str:
    """Name the encoding of ``head`` (the first bytes of a file) by trial decoding.

    UTF-8 wins whenever it decodes. Otherwise GB18030 and Big5 are both tried and the one whose
    text holds more common Chinese words wins (a wrong legacy decoding yields rare characters)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    scores = {}
    for enc in LEGACY:
        try:
            text = codecs.getincrementaldecoder(enc)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        scores[enc] = _chinese_score(text)
    if not scores:
        raise InputError("cannot decode the file as UTF-8, GB18030 or Big5")
    return max(scores, key=lambda e: (scores[e], e == "gb18030"))


def _chinese_score(text: str) -> int:
    from .segment import word_freq

    freq = word_freq()
    return sum(1 for i in range(len(text) - 1) if text[i:i + 2] in freq)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def open_text(path: str | Path, strict: bool = False) -> tuple[str, list[str]]:
    """Check ``path`` is a readable, non-empty text file; return (encoding, warnings)."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"input file {p} does not exist")
    if p.is_dir():
        raise InputError(f"input {p} is a directory, not a text file")
    try:
        with p.open("rb") as fh:
            head = fh.read(SNIFF)
    except OSError as e:
        raise InputError(f"cannot read {p}: {e.strerror}") from None
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise InputError(f"input file {p} is empty")
    if b"\x00" in head:
        raise InputError(f"input file {p} looks binary (NUL bytes); expected text")
    # Cut a multi-byte character split at the sniff boundary.
    enc = detect_encoding(head if len(head) < SNIFF else head[:-4])
    warnings = []
    if enc not in ("utf-8", "utf-8-sig"):
        if strict:
            raise InputError(f"{p} is not UTF-8 (detected {enc.upper()}); convert it first or "
                             "drop --strict to convert on the fly")
        warnings.append(f"{p.name}: not UTF-8, detected {enc.upper()}; converted, offsets count "
                        "code points of the converted text")
    return enc, warnings


def paragraphs(path: str | Path, encoding: str) -> Iterator[Paragraph]:
    """Yield the non-empty lines of ``path`` with their 1-based number and code-point offset."""
    dec = codecs.getincrementaldecoder(encoding)()
    pos = 0
    lineno = 0
    buf = ""
    p = Path(path)
    with p.open("rb") as fh:
        while True:
            raw = fh.read(CHUNK)
            try:
                buf += dec.decode(raw, final=not raw)
            except UnicodeDecodeError as e:
                raise InputError(f"{p}: invalid {encoding} near line {lineno + 1} "
                                 f"({e.reason}); the file is truncated or mixes encodings"
                                 ) from None
            *lines, buf = buf.split("\n")
            for line in lines:
                lineno += 1
                if line.strip():
                    yield Paragraph(lineno, pos, line.rstrip("\r"))
                pos += len(line) + 1
            if not raw:
                break
    if buf.strip():
        yield Paragraph(lineno + 1, pos, buf.rstrip("\r"))


class _CharMap(dict):
    """str.translate table filled on first sight of a character (NFKC width folding, dashes,
    control characters), so each character is looked up in C after that."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        n = unicodedata.normalize("NFKC", ch)
        if len(n) != 1:
            n = ch
        # Control and format characters (BEL, zero-width space, a stray BOM) are not text;
        # a space keeps the offsets and ends a name as punctuation would.
        if unicodedata.category(n) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp") and n != "\t":
            n = " "
        n = {"—": "-", "–": "-", "－": "-", "～": "-", "~": "-", "‐": "-", "―": "-",
             "〜": "-"}.get(n, n)
        self[code] = n
        return n


_CHAR_MAP = _CharMap()


def normalize(text: str) -> str:
    """Full-width -> half-width and traditional -> simplified, keeping the length (so offsets
    into the result are offsets into ``text``)."""
    import zhconv

    conv = zhconv.convert(text, "zh-cn")
    if len(conv) != len(text):
        conv = text
    return conv.translate(_CHAR_MAP)


@lru_cache(maxsize=200_000)
def label_key(text: str) -> str:
    """Lookup form of a label: normalized, without quotes, spaces and brackets' width."""
    t = normalize(text)
    return "".join(ch for ch in t if ch not in "“”\"'‘’「」『』 \u3000·").lower()

"""Write candidates in the seeds' own format, read them back, and preview them as TriG.

Format: a seed file (same sections and fields as seeds/*.yaml) whose top-level ``source`` is the
ingested document. The seed loader rejects unknown fields, so each entry's confidence and review
note live in the YAML comment line directly above it::

    # confidence: 0.85 | review: new entity: review the proposed key (pinyin suggestion)
    - key: ...

Entities that link to the graph get no entry (their keys are used by reference); they are
listed in the header comment.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..seeds import SECTIONS

CONF_RE = re.compile(r"^\s*#\s*confidence:\s*([0-9.]+)")
FIELD_ORDER = ["key", "type", "zh", "en", "aliases"]


def scalar(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v) if isinstance(v, float) else str(v)
    s = str(v)
    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", s) and not re.fullmatch(r"[0-9.e-]+", s) \
            and s not in ("null", "true", "false", "yes", "no", "on", "off"):
        return s
    return json.dumps(s, ensure_ascii=False)


def value(v) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {value(x)}" for k, x in v.items()) + "}"
    return scalar(v)


def printable(text: str) -> str:
    """A comment line YAML accepts: no line breaks, control or format characters."""
    import unicodedata

    return "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")
                   else ch for ch in text)


def entry_lines(key: str, fields: dict, evidence: list[dict] | None, comment: str | None
                ) -> list[str]:
    out = []
    if comment:
        out.append(f"  # {printable(comment)}")
    names = [n for n in FIELD_ORDER if n in fields] + \
        [n for n in fields if n not in FIELD_ORDER and n != "evidence"]
    first = True
    for n in ["key"] + [x for x in names if x != "key"]:
        v = key if n == "key" else fields[n]
        out.append(f"  {'- ' if first else '  '}{n}: {value(v)}")
        first = False
    if evidence:
        out.append(f"    evidence: {value(evidence)}")
    return out


def render(source_key: str, sections: dict[str, list[tuple[str, dict, list, str | None]]],
           header: list[str]) -> str:
    """sections: name -> [(key, fields, evidence dicts, comment)] in the loader's order."""
    lines = [f"# {printable(h)}" if h else "#" for h in header]
    lines.append(f"source: {source_key}")
    for name in SECTIONS:
        entries = sections.get(name)
        if not entries:
            continue
        lines.append("")
        lines.append(f"{name}:")
        for key, fields, ev, comment in entries:
            lines.extend(entry_lines(key, fields, ev, comment))
    return "\n".join(lines) + "\n"


def read(path: str | Path) -> tuple[dict, dict[int, float]]:
    """(parsed YAML with line numbers, line -> confidence of the entry starting there)."""
    from ..errors import InputError
    from ..seeds import read_yaml

    p = Path(path)
    if not p.is_file():
        raise InputError(f"candidates file {p} does not exist")
    data = read_yaml(p)
    if not isinstance(data, dict):
        raise InputError(f"{p} is not a candidates file (expected seed sections)")
    conf: dict[int, float] = {}
    lines = p.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines, 1):
        m = CONF_RE.match(line)
        if m:
            try:
                conf[i + 1] = float(m.group(1))
            except ValueError:
                pass
    return data, conf

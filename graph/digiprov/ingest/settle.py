"""Make a proposal the seed checker accepts, whatever the text held: a candidate it would reject
is repaired (a Latin-only label replaced by a Chinese alias, a Chinese @en label by pinyin, a
dangling optional reference removed) or dropped together with the entries that need it, each
with one warning line naming the candidate (file:para:offset, what and why).

Two stages: :func:`precheck` applies the rules known here to every candidate; then
:func:`settle` loads the proposal with the real loader (``seeds.load_seeds``) and drops any entry
it still refuses, so a rule added to the checker later cannot make ingest fail either.
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import InputError, SeedError
from ..seeds import CJK_RE, KEY_RE, SECTIONS, is_zh_label
from .records import Candidate, Result

MAX_ROUNDS = 50


def where(c: Candidate, file: str) -> str:
    if c.evidence:
        para, start, _end = c.evidence[0]
        return f"{file}:{para}:{start}"
    return f"{file}:-"


def _refs(c: Candidate) -> list[tuple[str, str | list]]:
    """(field, value) of the fields that refer to other entries."""
    kinds = SECTIONS.get(c.section, {}).get("fields", {})
    return [(n, v) for n, v in c.fields.items()
            if str(kinds.get(n, "")).startswith(("ref:", "refs:"))]


def _required(c: Candidate) -> set[str]:
    return set(SECTIONS.get(c.section, {}).get("required", []))


def drop(result: Result, key: str, why: str, file: str, warnings: list[str]) -> None:
    """Drop ``key`` and, in turn, every candidate that cannot stand without it; remove it from
    the optional references of the others."""
    pending = [(key, why)]
    while pending:
        k, reason = pending.pop()
        c = next((x for x in result.candidates if x.key == k), None)
        if c is None:
            continue
        result.candidates.remove(c)
        warnings.append(f"{where(c, file)}: dropped {c.section} '{k}' "
                        f"({c.fields.get('zh') or c.fields.get('value_text') or k}): {reason}")
        for other in list(result.candidates):
            for name, value in _refs(other):
                if value == k and name in _required(other):
                    pending.append((other.key, f"its {name} '{k}' was dropped"))
                elif value == k:
                    del other.fields[name]
                elif isinstance(value, list) and k in value:
                    rest = [v for v in value if v != k]
                    if rest:
                        other.fields[name] = rest
                    elif name in _required(other):
                        pending.append((other.key, f"its {name} '{k}' was dropped"))
                    else:
                        del other.fields[name]


def precheck(result: Result, known: Callable[[str], bool], file: str) -> list[str]:
    """Repair or drop the candidates the seed checker would reject (rules known here)."""
    from .keys import pinyin_label

    warnings: list[str] = []
    for c in list(result.candidates):
        if c not in result.candidates:
            continue  # dropped with an earlier one
        f = c.fields
        if not KEY_RE.match(c.key):
            drop(result, c.key, f"key {c.key!r} is not a seed key", file, warnings)
            continue
        if "zh" in f and not is_zh_label(f["zh"]):
            alias = next((a for a in f.get("aliases", []) if is_zh_label(a)), None)
            if alias is None:
                drop(result, c.key, f"label {f['zh']!r} names nothing (no Chinese character, "
                     "not one Latin name)", file, warnings)
                continue
            warnings.append(f"{where(c, file)}: repaired {c.section} '{c.key}': label "
                            f"{f['zh']!r} replaced by its alias {alias!r}")
            f["aliases"] = [a for a in f["aliases"] if a != alias] + [f["zh"]]
            f["zh"] = alias
        if "en" in f and CJK_RE.search(f["en"]):
            f["en"] = pinyin_label(f["en"])
        for a in list(f.get("aliases", [])):
            if not a.strip():
                f["aliases"].remove(a)
        if f.get("aliases") == []:
            del f["aliases"]
        keys = {x.key for x in result.candidates}
        for name, value in _refs(c):
            targets = value if isinstance(value, list) else [value]
            missing = [t for t in targets if t not in keys and not known(t)]
            if not missing:
                continue
            if name in _required(c) and (not isinstance(value, list) or
                                         len(missing) == len(targets)):
                drop(result, c.key, f"its {name} refers to '{missing[0]}', which is not proposed",
                     file, warnings)
                break
            if isinstance(value, list) and len(missing) < len(targets):
                f[name] = [t for t in targets if t not in missing]
            else:
                del f[name]
    return warnings


def settle(result: Result, render: Callable[[Result], str], load: Callable[[str], object],
           file: str) -> tuple[str, object, list[str]]:
    """Render and load the proposal, dropping each entry the loader refuses, until it loads.

    ``load(text)`` raises SeedError naming the entry; returns what ``load`` returned."""
    warnings: list[str] = []
    for _ in range(MAX_ROUNDS):
        text = render(result)
        try:
            return text, load(text), warnings
        except SeedError as e:
            keys = {c.key for c in result.candidates}
            if e.entry not in keys:
                raise InputError(f"internal: candidates do not load with the seeds ({e})"
                                 ) from None
            drop(result, e.entry, e.detail, file, warnings)
    raise InputError(f"internal: candidates still do not load after dropping {MAX_ROUNDS} "
                     "entries; see the warnings")

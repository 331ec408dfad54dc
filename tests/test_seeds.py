"""Bad seeds: one clear message naming file, line and entry; non-zero exit; old build untouched."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from digiprov.cli import main
from digiprov.errors import SeedError
from digiprov.seeds import load_seeds, period_from_text

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    dst = tmp_path / "seeds"
    shutil.copytree(REPO / "seeds", dst)
    return dst


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {path.name}: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)




def test_dangling_reference_names_file_line_entry(seeds_copy):
    f = seeds_copy / "places.yaml"
    _edit(f, '    code: "370300"\n    within: shandong', '    code: "370300"\n    within: nowhere')
    with pytest.raises(SeedError) as e:
        load_seeds(seeds_copy)
    msg = str(e.value)
    assert msg.startswith(f"seeds/places.yaml:{_line_of(f, '- key: zibo')}: entry 'zibo': ")
    assert "unknown key 'nowhere'" in msg


def test_duplicate_field_is_reported_at_its_line(seeds_copy):
    f = seeds_copy / "places.yaml"
    _edit(f, "  - key: jinan\n    type: city",
          "  - key: jinan\n    type: city\n    type: province")
    with pytest.raises(SeedError, match=r"places.yaml:\d+: duplicate field 'type'"):
        load_seeds(seeds_copy)


def test_missing_chinese_label(seeds_copy):
    f = seeds_copy / "organizations.yaml"
    _edit(f, "    zh: 廉凯\n", "")
    with pytest.raises(SeedError) as e:
        load_seeds(seeds_copy)
    assert str(e.value) == (f"seeds/organizations.yaml:{_line_of(f, '- key: lian-kai')}: "
                            "entry 'lian-kai': missing a Chinese label (zh)")


def test_zh_label_without_chinese(seeds_copy):
    _edit(seeds_copy / "organizations.yaml", "    zh: 廉凯\n", "    zh: Lian Kai\n")
    with pytest.raises(SeedError, match="entry 'lian-kai': zh label 'Lian Kai' contains no Chinese"):
        load_seeds(seeds_copy)


def test_impossible_date(seeds_copy):
    f = seeds_copy / "milestones.yaml"
    _edit(f, "deadline: 2021-06-30", "deadline: 2021-06-31")
    with pytest.raises(SeedError) as e:
        load_seeds(seeds_copy)
    line = _line_of(f, "- key: bdb-2021-06-data-trading-association")
    assert str(e.value).startswith(
        f"seeds/milestones.yaml:{line}: entry 'bdb-2021-06-data-trading-association': "
        "field 'deadline': '2021-06-31' is an impossible date")


def test_reversed_period(seeds_copy):
    _edit(seeds_copy / "documents.yaml", "period: 2019-2022", "period: 2022-2019")
    with pytest.raises(SeedError, match="ends before it starts"):
        load_seeds(seeds_copy)


def test_duplicate_key_across_files(seeds_copy):
    (seeds_copy / "zz-extra.yaml").write_text(
        "places:\n  - key: jinan\n    type: city\n    zh: 济南\n    within: shandong\n",
        encoding="utf-8")
    with pytest.raises(SeedError) as e:
        load_seeds(seeds_copy)
    line = _line_of(seeds_copy / "places.yaml", "- key: jinan")
    assert str(e.value) == ("seeds/zz-extra.yaml:2: entry 'jinan': duplicate key (first "
                            f"defined at seeds/places.yaml:{line})")


def test_malformed_yaml_names_the_line(seeds_copy):
    (seeds_copy / "broken.yaml").write_text("places:\n  - key: x\n   zh: [unclosed\n",
                                            encoding="utf-8")
    with pytest.raises(SeedError, match=r"^seeds/broken.yaml:\d+: malformed YAML"):
        load_seeds(seeds_copy)


def test_not_utf8(seeds_copy):
    (seeds_copy / "gbk.yaml").write_bytes("places:\n  - key: x\n    zh: 济南\n".encode("gb18030"))
    with pytest.raises(SeedError, match=r"^seeds/gbk.yaml: not UTF-8"):
        load_seeds(seeds_copy)


def test_unknown_field_and_section(seeds_copy):
    _edit(seeds_copy / "programmes.yaml", "    operator: haier\n", "    operater: haier\n")
    with pytest.raises(SeedError, match="entry 'cosmoplat': unknown field 'operater'"):
        load_seeds(seeds_copy)
    (seeds_copy / "programmes.yaml").write_text("platfroms: []\n", encoding="utf-8")
    with pytest.raises(SeedError, match="unknown section 'platfroms'"):
        load_seeds(seeds_copy)


def test_reference_to_wrong_kind(seeds_copy):
    _edit(seeds_copy / "programmes.yaml", "    operator: haier\n", "    operator: jinan\n")
    with pytest.raises(SeedError, match="field 'operator' must refer to organizations, but "
                                        "'jinan' is in places"):
        load_seeds(seeds_copy)


def test_evidence_must_name_a_known_source(seeds_copy):
    _edit(seeds_copy / "places.yaml", "source: ifeng-2021-digital-shandong", "source: nope")
    with pytest.raises(SeedError, match="evidence refers to unknown source document 'nope'"):
        load_seeds(seeds_copy)


def test_hostile_strings_survive_as_literals(tmp_path):
    """Quotes, backslashes, newlines and markup in labels stay data, never syntax."""
    from digiprov.build import build_dataset
    from digiprov.store import memory_oxigraph

    seeds = tmp_path / "s"
    seeds.mkdir()
    hostile = 'X<img src=x onerror=alert(1)> "q" \\\\ \'s\' `b` 😀'
    (seeds / "a.yaml").write_text(
        "places:\n  - key: evil\n    type: province\n"
        f"    zh: \"恶意{hostile.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}\\n第二行\"\n",
        encoding="utf-8")
    ds = build_dataset(load_seeds(seeds))
    labels = [str(q[2]) for q in ds.quads((None, None, None, None)) if str(q[2]).startswith("恶意")]
    assert labels == ["恶意" + hostile + "\n第二行"]
    ox = memory_oxigraph((s, p, o, g) for s, p, o, g in ds.quads((None, None, None, None)))
    res = ox.query("SELECT ?l WHERE { ?s a dp:Province ; skos:prefLabel ?l }")
    assert [str(r[0]) for r in res.rows] == labels


@pytest.mark.parametrize("text,expected", [
    ("2018-2022", ("2018-01-01", "2022-12-31")),
    ("2020-H1", ("2020-01-01", "2020-06-30")),
    ("2021-Q1", ("2021-01-01", "2021-03-31")),
    ("2021-Q4", ("2021-10-01", "2021-12-31")),
    ("2021", ("2021-01-01", "2021-12-31")),
])
def test_inline_periods(text, expected):
    p = period_from_text(text)
    assert (p.start.isoformat(), p.end.isoformat()) == expected


# ---------------------------------------------------------------- CLI: exit codes, atomicity


def _cli(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_failed_build_leaves_previous_dataset_untouched(seeds_copy, tmp_path):
    out = tmp_path / "out"
    ok = _cli("--seeds", str(seeds_copy), "--out", str(out), "build")
    assert ok.exit_code == 0, ok.output
    before = os.readlink(out / "dataset")
    _edit(seeds_copy / "milestones.yaml", "deadline: 2021-06-30", "deadline: 2021-13-01")
    bad = _cli("--seeds", str(seeds_copy), "--out", str(out), "build")
    assert bad.exit_code == 2
    assert bad.stderr.count("\n") == 1 and bad.stderr.startswith("digiprov: error: seeds/milestones.yaml:")
    assert os.readlink(out / "dataset") == before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_shacl_violation_fails_build_and_validate_reports_it(seeds_copy, tmp_path):
    out = tmp_path / "out"
    # A city that is contained in nothing passes the loader but violates the shapes.
    _edit(seeds_copy / "places.yaml", "    code: \"370600\"\n    within: shandong\n",
          "    code: \"370600\"\n")
    res = _cli("--seeds", str(seeds_copy), "--out", str(out), "build")
    assert res.exit_code == 1
    assert res.stderr.splitlines()[-1] == ("digiprov: error: 1 SHACL violation(s); nothing was "
                                           "written, the previous build is kept")
    assert "烟台市 <https://w3id.org/digiprov/id/place/yantai>" in res.stderr.splitlines()[0]
    assert not (out / "dataset").exists()
    res = _cli("--seeds", str(seeds_copy), "--out", str(out), "build", "--no-validate")
    assert res.exit_code == 0
    res = _cli("--seeds", str(seeds_copy), "--out", str(out), "validate")
    assert res.exit_code == 1
    assert ("Violation: 烟台市 <https://w3id.org/digiprov/id/place/yantai> schema:containedInPlace: "
            "a city or district must be contained in a larger area") in res.stdout


def test_stale_dataset_asks_for_a_build(seeds_copy, tmp_path):
    out = tmp_path / "out"
    assert _cli("--seeds", str(seeds_copy), "--out", str(out), "build").exit_code == 0
    f = seeds_copy / "places.yaml"
    f.write_text(f.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    res = _cli("--seeds", str(seeds_copy), "--out", str(out), "stats")
    assert res.exit_code == 2
    assert "stale" in res.stderr and "run 'digiprov build'" in res.stderr


def test_missing_dataset_asks_for_a_build(tmp_path):
    res = _cli("--out", str(tmp_path / "nothing"), "stats")
    assert res.exit_code == 2
    assert res.stderr.strip() == (f"digiprov: error: no built dataset at {tmp_path}/nothing/dataset; "
                                  "run 'digiprov build' first")

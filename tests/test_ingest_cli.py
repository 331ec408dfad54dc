"""The ingest and accept commands in-process (CliRunner) against the session build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TEXT = "示例\n山东省大数据局副局长王小明表示，9月底前，建成示例共享平台。\n示例指数突破2万亿元。\n"
ARGS = ["--title", "示例新闻", "--publisher", "示例社", "--date", "2021-03-10"]


@pytest.fixture
def text_file(tmp_path) -> Path:
    p = tmp_path / "news-2021.txt"
    p.write_text(TEXT, encoding="utf-8")
    return p


def test_help_has_examples(run_cli):
    for cmd in ("ingest", "accept"):
        res = run_cli(cmd, "--help")
        assert res.exit_code == 0 and "Example:" in res.output


def test_ingest_links_to_the_built_dataset_and_accept_merges(run_cli, text_file, tmp_path):
    out = tmp_path / "cand"
    res = run_cli("ingest", str(text_file), *ARGS, "-o", str(out))
    assert res.exit_code == 0, res.output
    assert "linked entities:" in res.output and "shandong-big-data-bureau" in res.output
    text = (out / "candidates.yaml").read_text(encoding="utf-8")
    assert "responsible: shandong-big-data-bureau" in text
    assert "deadline: \"2021-09-30\"" in text
    seeds = tmp_path / "seeds"
    shutil.copytree(REPO / "seeds", seeds)
    res = run_cli("accept", str(out), "--seeds", str(seeds))
    assert res.exit_code == 0, res.output
    assert (seeds / "ingested" / "news-2021.yaml").is_file()
    res = run_cli("accept", str(out / "candidates.yaml"), "--seeds", str(seeds))
    assert res.exit_code == 0 and "accepted 0 entries" in res.output
    from digiprov.seeds import load_seeds

    load_seeds(seeds)


def test_evaluate_prints_precision_and_recall(run_cli, corpus_dir):
    stem = "shandong-2021-digital-shandong"
    res = run_cli("ingest", str(corpus_dir / f"{stem}.txt"), "--title", "数字山东", "--publisher",
                  "凤凰网山东", "--date", "2021-03", "--evaluate",
                  str(REPO / "tests" / "gold" / f"{stem}.tsv"), "--json")
    assert res.exit_code == 0, res.output
    import json

    data = json.loads(res.output)
    assert data["entities"]["recall"] >= 0.9 and data["facts"]["precision"] >= 0.8


@pytest.mark.parametrize("extra,msg", [
    (["--date", "2021-02-30"], "is not a date"),
    (["--date", "next week"], "is not a date"),
    ([], "missing -o"),
])
def test_bad_arguments_are_one_line_errors(run_cli, text_file, tmp_path, extra, msg):
    args = ARGS[:4] + (["--date", "2021-03-10"] if "--date" not in extra else []) + extra
    if msg != "missing -o":
        args += ["-o", str(tmp_path / "o")]
    res = run_cli("ingest", str(text_file), *args)
    assert res.exit_code == 2
    lines = [x for x in res.output.splitlines() if x.strip()]
    assert len(lines) == 1 and msg in lines[0]
    assert not (tmp_path / "o").exists()


def test_bad_files(run_cli, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    gb = tmp_path / "gb.txt"
    gb.write_bytes(TEXT.encode("gb18030"))
    for f, extra, msg in [(empty, [], "is empty"), (tmp_path / "nope.txt", [], "does not exist"),
                          (gb, ["--strict"], "detected GB18030")]:
        res = run_cli("ingest", str(f), *ARGS, "-o", str(tmp_path / "o"), *extra)
        assert res.exit_code == 2 and msg in res.output, res.output
        assert not (tmp_path / "o").exists()
    res = run_cli("ingest", str(gb), *ARGS, "-o", str(tmp_path / "o"))
    assert res.exit_code == 0 and "GB18030" in res.output


def test_accept_errors(run_cli, tmp_path):
    res = run_cli("accept", str(tmp_path / "missing.yaml"), "--seeds", str(tmp_path))
    assert res.exit_code == 2 and "does not exist" in res.output
    res = run_cli("accept", str(tmp_path / "x.yaml"), "--seeds", str(tmp_path / "no-dir"))
    assert res.exit_code == 2

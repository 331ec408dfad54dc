"""``digiprov ingest`` (text -> candidate seed entries) and ``digiprov accept`` (-> seeds/)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .options import format_option, json_alias, resolve_format


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--title", required=True, help="Chinese title of the document (the source's zh).")
@click.option("--publisher", required=True, help="Who published it (as printed).")
@click.option("--date", "date", required=True, metavar="YYYY-MM-DD",
              help="Publication date; relative phrases (3月底前, 今年底) resolve against it. "
                   "YYYY-MM is accepted when the day is unknown.")
@click.option("--url", default=None, help="Where the document was published.")
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Directory for candidates.yaml and candidates.trig (replaced atomically).")
@click.option("--strict", is_flag=True,
              help="Refuse a file that is not UTF-8 instead of converting it.")
@click.option("--linking", type=click.Choice(["graph", "none"]), default=None,
              help="graph: link mentions to the built dataset (or the seeds when no build "
                   "exists); none: treat every mention as new. [default: graph; none with "
                   "--evaluate, so the curated graph cannot leak answers into the score]")
@click.option("--evaluate", "gold", type=click.Path(path_type=Path), default=None,
              metavar="GOLD.tsv", help="Report precision and recall against a gold file.")
@format_option(("table", "json"), help="How --evaluate prints its report.")
@json_alias()
@click.option("--no-preview", is_flag=True,
              help="Skip candidates.trig (for very large inputs).")
@click.pass_obj
def ingest(cfg, file, title, publisher, date, url, out_dir, strict, linking, gold, fmt,
           as_json, no_preview):
    """Propose entities and facts from a Chinese text as reviewable seed entries.

    Writes OUT/candidates.yaml (seed format: review it, then 'digiprov accept') and
    OUT/candidates.trig (the new quads, modelled as the built dataset models them), and
    prints a summary. Nothing is merged into seeds/ here.

    \b
    Example:
      digiprov ingest ../shared/corpus/shandong-2021-digital-shandong-action-plan.txt \\
          --title 数字山东2021行动方案 --publisher 山东省人民政府办公厅 \\
          --date 2021-04-15 -o out/ingest/action-plan
      digiprov ingest plan.txt --title 数字山东2021行动方案 --publisher 山东省人民政府办公厅 \\
          --date 2021-04-15 --evaluate tests/gold/plan.tsv
    """
    from ..errors import InputError
    from ..ingest.api import evaluate_run, load_gazetteer
    from ..ingest.api import ingest as do_ingest
    from ..ingest.gazetteer import Gazetteer
    from ..ingest.records import parse_doc_date
    from ..paths import default_seeds_dir

    if out_dir is None and gold is None:
        raise InputError("missing -o DIR (where candidates.yaml and candidates.trig go)")
    parse_doc_date(date)
    if gold is not None and not Path(gold).is_file():
        raise InputError(f"gold file {gold} does not exist")
    mode = linking or ("none" if gold is not None else "graph")
    seeds = Path(cfg.seeds) if cfg.seeds else default_seeds_dir()
    gz = Gazetteer() if mode == "none" else load_gazetteer(cfg.open, seeds, cfg.base)
    report = do_ingest(file, out_dir, title=title, publisher=publisher, date=date, url=url,
                       gz=gz, seeds_dir=seeds if mode == "graph" else None, strict=strict,
                       preview=not no_preview)
    for w in report.result.warnings[:1] if report.result.encoding not in (
            "utf-8", "utf-8-sig") else []:
        click.echo(f"digiprov: warning: {w}", err=True)
    if out_dir is not None:
        click.echo(report.summary())
    if gold is not None:
        ev = evaluate_run(report, gold)
        if resolve_format(fmt, as_json) == "json":
            import json

            click.echo(json.dumps(ev.as_dict(), ensure_ascii=False, indent=2))
        else:
            click.echo(f"evaluation against {gold} (linking: {mode}):")
            click.echo(ev.table())

@click.command()
@click.argument("candidates", type=click.Path(path_type=Path))
@click.option("--seeds", "seeds_dir", type=click.Path(path_type=Path), default=None,
              help="Seeds directory to merge into [default: the global --seeds, else ./seeds].")
@click.option("--min-confidence", type=float, default=0.0, show_default=True,
              help="Drop entries whose confidence is below this (and entries that need them).")
@click.pass_obj
def accept(cfg, candidates, seeds_dir, min_confidence):
    """Merge reviewed candidates into SEEDS/ingested/<source>.yaml (atomically).

    Entries already present (same key, or an entity with the same label) are skipped, so
    accepting twice adds nothing. The merged seeds must load before anything is written.

    \b
    Example:
      digiprov accept out/ingest/action-plan/candidates.yaml --min-confidence 0.7
      digiprov build
    """
    from ..ingest.api import CANDIDATES
    from ..ingest.api import accept as do_accept
    from ..paths import default_seeds_dir

    path = Path(candidates)
    if path.is_dir():
        path = path / CANDIDATES
    target = seeds_dir or (Path(cfg.seeds) if cfg.seeds else default_seeds_dir())
    report = do_accept(path, target, min_confidence)
    click.echo(report.summary())
    if report.total == 0:
        print("nothing to add (already accepted?)", file=sys.stderr)


def register(main: click.Group) -> None:
    main.add_command(ingest)
    main.add_command(accept)

"""The ``digiprov`` command: a thin click layer over the library.

Core commands live here; feature commands live in ``digiprov/commands/*.py``, each module
exposing ``register(main)``. They are discovered at start-up, so their imports must stay light
(heavy libraries are imported inside the command functions).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from . import __version__
from .commands.options import format_option, json_alias, output_option, resolve_format
from .errors import DigiprovError


@dataclass
class Config:
    out: Path
    seeds: Path | None
    store: str
    base: str

    def open(self, check_stale: bool = True):
        from .store import open_dataset

        return open_dataset(self.out, store=self.store, seeds_dir=self.seeds,
                            check_stale=check_stale, base=self.base)


class DigiGroup(click.Group):
    """Turns library errors into one line on stderr and their exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DigiprovError as e:
            # one line whatever the message holds (parser messages can span several)
            click.echo(f"digiprov: error: {' '.join(str(e).split())}", err=True)
            ctx.exit(e.exit_code)
        except BrokenPipeError:
            sys.stderr.close()
            ctx.exit(0)


pass_config = click.make_pass_decorator(Config)


@click.group(cls=DigiGroup, context_settings={"help_option_names": ["-h", "--help"],
                                              "max_content_width": 100})
@click.version_option(__version__, prog_name="digiprov")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), envvar="DIGIPROV_OUT",
              default="out", show_default=True, help="Where the built dataset and outputs live.")
@click.option("--seeds", type=click.Path(file_okay=False, path_type=Path),
              envvar="DIGIPROV_SEEDS", default=None,
              help="Seed directory [default: ./seeds, else the packaged seeds].")
@click.option("--store", type=click.Choice(["oxigraph", "memory"]), default="oxigraph",
              show_default=True, envvar="DIGIPROV_STORE",
              help="oxigraph: the persisted store from 'build'; memory: plain rdflib, "
                   "built from the seeds on every call.")
@click.option("--base", default=None, envvar="DIGIPROV_BASE",
              help="Base IRI of entity IRIs (used by build) [default: https://w3id.org/digiprov/].")
@click.pass_context
def main(ctx: click.Context, out: Path, seeds: Path | None, store: str, base: str | None):
    """digiprov — a knowledge graph of China's digital-province initiatives.

    \b
    Example:
      digiprov build && digiprov query --name documents-and-periods
    """
    from .vocab import DEFAULT_BASE

    ctx.obj = Config(out, seeds, store, base or DEFAULT_BASE)


@main.command()
@click.option("--no-validate", is_flag=True, help="Skip SHACL validation (not recommended).")
@pass_config
def build(cfg: Config, no_validate: bool):
    """Build the dataset from the seeds, validate it and persist it under OUT/dataset.

    A failed build (bad seed, SHACL violation) leaves the previous dataset untouched.

    \b
    Example:
      digiprov build
      digiprov --seeds my-seeds --out /tmp/out build
    """
    from .errors import ValidationFailed
    from .pipeline import run_build

    try:
        ds, report = run_build(cfg.seeds, cfg.out, base=cfg.base, store=cfg.store,
                               validate=not no_validate)
    except ValidationFailed as e:
        shown = e.problems[:20]
        for p in shown:
            click.echo(p.line(), err=True)
        if len(e.problems) > len(shown):
            click.echo(f"... and {len(e.problems) - len(shown)} more", err=True)
        raise
    where = ds.path if ds.path else "memory"
    click.echo(f"built {len(ds)} quads in {len(ds.graph_names())} named graphs -> {where}")
    if report is not None:
        click.echo(f"validated: conforms ({len(report.warnings)} warning(s))")


@main.command()
@click.option("--warnings/--no-warnings", default=True, show_default=True,
              help="Also list SHACL warnings.")
@pass_config
def validate(cfg: Config, warnings: bool):
    """Validate the built dataset against ontology/shapes.ttl (exit 1 on violations).

    \b
    Example:
      digiprov validate
    """
    from .validate import validate_dataset

    with cfg.open() as ds:
        report = validate_dataset(ds)
    shown = report.problems if warnings else report.violations
    for p in shown:
        click.echo(p.line())
    click.echo(f"{len(report.violations)} violation(s), {len(report.warnings)} warning(s)")
    if not report.conforms:
        sys.exit(1)


def _export_formats() -> list[str]:
    from .exporters import FORMATS

    return sorted(FORMATS)


@main.command()
@format_option(None, default=None, required=True, metavar="FORMAT",
               help=f"{' | '.join(_export_formats())}. Turtle/N-Triples hold the union graph.")
@output_option(help="Output file (or directory for neo4j-csv); '-' is stdout.")
@pass_config
def export(cfg: Config, fmt: str, output: str):
    """Export the whole dataset.

    \b
    Example:
      digiprov export --format trig -o out/digiprov.trig
      digiprov export -f turtle | head
    """
    from .exporters import export as do_export

    with cfg.open() as ds:
        summary = do_export(ds, fmt, None if output == "-" else output)
    if output != "-":
        click.echo(summary, err=True)


@main.command()
@format_option(("table", "json"), help="table: aligned tables; json: one JSON document.")
@json_alias()
@pass_config
def stats(cfg: Config, fmt: str, as_json: bool):
    """Counts per class, per predicate and per source document.

    \b
    Example:
      digiprov stats
      digiprov stats --format json
    """
    from .stats import dataset_stats, format_stats

    with cfg.open() as ds:
        st = dataset_stats(ds)
    if resolve_format(fmt, as_json) == "json":
        import json

        click.echo(json.dumps(st, ensure_ascii=False, indent=2))
    else:
        click.echo(format_stats(st))


def _register_feature_commands() -> None:
    from . import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        mod = importlib.import_module(f"{commands.__name__}.{info.name}")
        if hasattr(mod, "register"):  # options.py holds shared decorators, not commands
            mod.register(main)


_register_feature_commands()

if __name__ == "__main__":  # pragma: no cover
    main()

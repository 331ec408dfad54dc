"""``digiprov load``: bulk-load an RDF dataset file (TriG, N-Quads ...) into OUT/dataset."""

from __future__ import annotations

from pathlib import Path

import click


def register(main: click.Group) -> None:
    main.add_command(load)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True,
              help="Make the file the whole dataset instead of adding it to the current one.")
@click.pass_obj
def load(cfg, file: Path, replace: bool):
    """Bulk-load FILE (.trig, .nq, .nt, .ttl) into the persisted store under OUT/dataset.

    Oxigraph's own parser streams the file to disk, so memory stays flat however big the
    file is. The new store is published with one atomic rename: a missing file or a parse
    error leaves the current dataset untouched. The result has no seeds behind it, so it is
    never reported stale; 'digiprov build' replaces it with the seeds again.

    \b
    Example:
      scripts/synth --triples 1000000 -o /tmp/synth-1m.nq
      digiprov --out /tmp/big load /tmp/synth-1m.nq --replace
      digiprov --out /tmp/big query --name milestones-2021
    """
    import time

    from .. import persist, store

    t0 = time.perf_counter()
    target = persist.load_file(file, cfg.out, replace=replace)
    with store.open_dataset(cfg.out, check_stale=False) as ds:
        n = len(ds)
    click.echo(f"loaded {file} -> {target.parent / persist.STORE_LINK} ({n} quads in the dataset, "
               f"{time.perf_counter() - t0:.1f} s)")

"""Publishing the persisted dataset: staging, bulk loading, the manifest and staleness.

``OUT/dataset`` is a symlink to a versioned directory ``OUT/.dataset-*`` holding an Oxigraph
store (``oxigraph/``) and ``manifest.json``. A build or load writes a new directory
(:func:`stage`, :func:`load_file`) and :func:`publish` swaps the link with one atomic rename,
so a failed build leaves the previous dataset intact and readers never see a half-written
store. :mod:`digiprov.store` opens what is published here; this module never opens a dataset
object itself.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import shutil
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from rdflib import BNode

from . import __version__, paths
from .errors import InputError, StoreError
from .terms import Quad, nquad_lines, to_ox

STORE_LINK = "dataset"
MANIFEST = "manifest.json"


def dataset_path(out_dir: str | Path) -> Path:
    """Where ``out_dir``'s published dataset is (the link, whether it exists or not)."""
    return Path(out_dir) / STORE_LINK


def read_manifest(path: Path) -> dict[str, Any]:
    """The manifest of the published dataset directory ``path``."""
    try:
        return json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise StoreError(f"dataset at {path} has no readable manifest ({e}); "
                         "run 'digiprov build'") from None


# ------------------------------------------------------------------ parallel bulk loading

# Bytes of N-Quads text per bulk-loader call. Measured on the 1M-quad synthetic file (2 cores,
# before compaction): 16 MB chunks on two threads load in 3.0 s with a 348 MB peak; 32 MB
# chunks take as long and peak at 600 MB; the whole file in one call takes 6.7 s and 1.4 GB.
LOAD_CHUNK_BYTES = 16 << 20


def _load_threads() -> int:
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return max(1, min(4, cpus))


class _ChunkSyntaxError(Exception):
    def __init__(self, line: int, column: int | None, message: str):
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


# "Parser error at line 3 column 23: ..." / "... at line 2 between columns 29 and 32: ...":
# the position is relative to the chunk, so it goes; the caller adds the line in the file.
_PARSER_PREFIX = re.compile(r"^Parser error\b[^:]*: ")


def _syntax_parts(e: SyntaxError, first_line: int = 1) -> tuple[int | None, int | None, str]:
    """(line in the whole input, column, message without pyoxigraph's chunk-relative prefix)."""
    msg = str(e.msg if getattr(e, "msg", None) else e)
    line = e.lineno + first_line - 1 if getattr(e, "lineno", None) else None
    column = e.offset if getattr(e, "offset", None) else None
    return line, column, _PARSER_PREFIX.sub("", msg)


class _BulkFeeder:
    """Feeds chunks of N-Quads / N-Triples bytes to Oxigraph's bulk loader on worker threads.

    pyoxigraph releases the GIL while it parses and indexes a chunk, so chunks load in
    parallel with each other and with whatever produces them (the builder, the file reader):
    on 2 cores `digiprov load` of the 1M-quad file takes 4.1-4.6 s instead of 6.7 s. The queue
    is bounded, so memory stays at a few chunks whatever the input size.

    Each chunk is parsed on its own, and Oxigraph gives a blank-node label a fresh node in
    every parse: feed only text without blank nodes (``_:``); see :func:`stage` and
    :func:`load_file` for how each keeps them whole. The first error (a syntax error carries
    the line number in the whole input) is raised from :meth:`put` or :meth:`close`."""

    def __init__(self, store: Any, fmt: Any, threads: int | None = None):
        import queue
        import threading

        self._store, self._fmt = store, fmt
        n = threads or _load_threads()
        self._queue: queue.Queue = queue.Queue(maxsize=n)
        self._errors: list[BaseException] = []
        self._stopped = False
        self._threads = [threading.Thread(target=self._work, name=f"digiprov-load-{i}",
                                          daemon=True) for i in range(n)]
        for t in self._threads:
            t.start()

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._errors or self._stopped:
                continue  # drain: one error fails the whole load
            data, first_line = item
            try:
                self._store.bulk_load(data, format=self._fmt)
            except SyntaxError as e:
                self._errors.append(_ChunkSyntaxError(*_syntax_parts(e, first_line)))
            except BaseException as e:  # noqa: BLE001 - re-raised in the feeding thread
                self._errors.append(e)

    def _raise(self) -> None:
        if self._errors:
            syntax = [e for e in self._errors if isinstance(e, _ChunkSyntaxError)]
            raise min(syntax, key=lambda e: e.line) if syntax else self._errors[0]

    def put(self, data: bytes, first_line: int = 1) -> None:
        self._raise()
        self._queue.put((data, first_line))

    def _join(self) -> None:
        for _ in self._threads:
            self._queue.put(None)
        for t in self._threads:
            t.join()
        self._threads = []

    def close(self) -> None:
        """Wait for every chunk; raise the first error."""
        self._join()
        self._raise()

    def __enter__(self) -> _BulkFeeder:
        return self

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        if exc_type is None:
            self.close()
        else:  # stop feeding, let the running chunks end, keep the original exception
            self._stopped = True
            self._join()


# ------------------------------------------------------------------ staging and publishing


def persist(quads: Iterable[Quad], out_dir: str | Path, manifest: dict[str, Any],
            chunk: int = 200_000, extra_files: Iterable[Path] = ()) -> Path:
    """Write quads into a new Oxigraph store under ``out_dir`` and atomically publish it."""
    target = stage(quads, out_dir, chunk)
    return finish(target, Path(out_dir), manifest)


def _new_target(out: Path) -> Path:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StoreError(f"cannot create output directory {out}: {e.strerror}") from None
    name = f".dataset-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    return out / name


def stage(quads: Iterable[Quad], out_dir: str | Path, chunk: int = 200_000) -> Path:
    """Stream quads into a new, unpublished store directory under ``out_dir``.

    Nothing is visible to readers until :func:`finish` publishes it; call :func:`discard` if
    a later step (validation) fails. Quads go to Oxigraph's bulk loader as N-Quads text in
    chunks, so memory stays bounded by ``chunk`` whatever the dataset size."""

    out = Path(out_dir)
    target = _new_target(out)
    with _discard_on_failure(target, out):
        (target / "oxigraph").mkdir(parents=True)
        _stage_into(target / "oxigraph", quads, chunk)
    return target


def _stage_into(dest: Path, quads: Iterable[Quad], chunk: int) -> None:
    # A function of its own, so that the store is closed (its frame cleared, see discard)
    # before a failed stage removes the directory.
    import pyoxigraph as ox

    store = ox.Store(str(dest))
    # Quads with a blank node go in last, as pyoxigraph terms: BlankNode(label) keeps its
    # label, whereas every parsed chunk would give the same label a new node.
    with_bnodes: list[Quad] = []

    def plain() -> Iterator[Quad]:
        for q in quads:
            if isinstance(q[0], BNode) or isinstance(q[2], BNode) or isinstance(q[3], BNode):
                with_bnodes.append(q)
            else:
                yield q

    with _BulkFeeder(store, ox.RdfFormat.N_QUADS) as feeder:
        buf: list[str] = []
        for line in nquad_lines(plain()):
            buf.append(line)
            if len(buf) >= chunk:
                feeder.put("".join(buf).encode())
                buf.clear()
        if buf:
            feeder.put("".join(buf).encode())
    if with_bnodes:
        store.bulk_extend(
            ox.Quad(to_ox(s), to_ox(p), to_ox(o),
                    ox.DefaultGraph() if g is None else to_ox(g))
            for s, p, o, g in with_bnodes)
    store.flush()
    # Compacting the freshly bulk-loaded files makes every later read-only query 2-2.5x
    # faster (uncompacted chunks overlap, so each lookup visits all of them).
    store.optimize()


@contextlib.contextmanager
def _discard_on_failure(target: Path, out: Path) -> Iterator[None]:
    """Remove a staged store if anything goes wrong; OS errors become one-line StoreErrors."""
    try:
        yield
    except OSError as e:
        discard(target, e)
        raise StoreError(f"cannot write the dataset under {out}: {e}") from None
    except BaseException as e:
        discard(target, e)
        raise


def discard(target: Path, error: BaseException | None = None) -> None:
    """Remove a staged store directory.

    A store still open would write its files back into the removed directory when it is
    finally closed; with ``error``, the locals of the finished frames its traceback (and the
    tracebacks of the errors it was raised from) keep alive are cleared first, so the store
    closes before the removal."""
    if error is not None:
        import gc
        import traceback

        seen: set[int] = set()
        while error is not None and id(error) not in seen:  # the error and what led to it
            seen.add(id(error))
            if error.__traceback__ is not None:
                traceback.clear_frames(error.__traceback__)
            error = error.__cause__ or error.__context__
        gc.collect()  # a store caught in a reference cycle
    shutil.rmtree(target, ignore_errors=True)


def finish(target: Path, out: Path, manifest: dict[str, Any],
           quads: int | None = None) -> Path:
    """Write the manifest (with the quad count) into a staged store and publish it."""
    import pyoxigraph as ox

    with _discard_on_failure(target, out):
        if quads is None:
            store = ox.Store.read_only(str(target / "oxigraph"))
            quads = len(store)
            del store
        manifest = {**manifest, "quads": quads, "digiprov": __version__,
                    "built": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        (target / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False),
                                       encoding="utf-8")
        publish(target, out)
    return target


# ------------------------------------------------------------------ loading an RDF file

LOAD_BATCH = 200_000
LOAD_FORMATS = {".trig": "TRIG", ".nq": "N_QUADS", ".nquads": "N_QUADS", ".nt": "N_TRIPLES",
                ".ttl": "TURTLE"}


class _HasBlankNodes(Exception):
    pass


def _line_chunks(f: IO[bytes], size: int) -> Iterator[tuple[bytes, int]]:
    """Blocks of about ``size`` bytes of whole lines, each with the number of its first line."""
    line, rest = 1, b""
    while block := f.read(size):
        block = rest + block
        cut = block.rfind(b"\n") + 1  # 0: no line end yet, one very long line
        chunk, rest = block[:cut], block[cut:]
        if chunk:
            yield chunk, line
            line += chunk.count(b"\n")
    if rest:
        yield rest, line


def _fill(dest: Path, src: Path, fmt_name: str, base_store: Any, *, parallel: bool) -> int:
    """Load ``src`` into a new store at ``dest`` (a hard-linked backup of ``base_store`` when
    given), compact it and return its quad count.

    Line-based files (N-Quads, N-Triples) are cut at line ends into chunks that load on
    several threads; a chunk with ``_:`` in it raises :class:`_HasBlankNodes` so the caller
    can start again with ``parallel=False``, where Oxigraph's parser reads the whole file in
    one pass feeding the bulk loader in batches."""
    import pyoxigraph as ox


    if base_store is not None:
        base_store.backup(str(dest))  # hard links: instant, no copy
    else:
        dest.mkdir()
    store = ox.Store(str(dest))
    fmt = getattr(ox.RdfFormat, fmt_name)
    label = fmt_name.replace("_", "-")
    try:
        if parallel and fmt_name in ("N_QUADS", "N_TRIPLES"):
            with _BulkFeeder(store, fmt) as feeder, open(src, "rb") as f:
                for chunk, line in _line_chunks(f, LOAD_CHUNK_BYTES):
                    if b"_:" in chunk:
                        raise _HasBlankNodes
                    feeder.put(chunk, line)
        else:
            quads = ox.parse(path=str(src), format=fmt)
            while batch := list(itertools.islice(quads, LOAD_BATCH)):
                store.bulk_extend(batch)
    except _ChunkSyntaxError as e:
        col = f" (column {e.column})" if e.column else ""
        raise InputError(f"{src}:{e.line}: not valid {label}: {e.message}{col}") from None
    except SyntaxError as e:
        line_no, column, message = _syntax_parts(e)
        where = f":{line_no}" if line_no else ""
        col = f" (column {column})" if column else ""
        raise InputError(f"{src}{where}: not valid {label}: {message}{col}") from None
    except UnicodeDecodeError as e:
        raise InputError(f"{src}: not UTF-8 ({e.reason} at byte {e.start})") from None
    except (OSError, ValueError) as e:
        raise InputError(f"{src}: cannot load: {e}") from None
    store.flush()
    # Compacting the freshly bulk-loaded files costs ~0.8 s per million quads and makes every
    # later read-only query 2-2.5x faster (uncompacted chunks overlap, so each lookup visits
    # all of them).
    store.optimize()
    n = len(store)
    del store
    return n


def load_file(file: str | Path, out_dir: str | Path, *, replace: bool = False) -> Path:
    """Bulk-load an RDF dataset file into ``out_dir/dataset`` and publish it atomically.

    Without ``replace`` the file's quads are added to the current dataset (the new store starts
    as a hard-linked backup of it); with ``replace`` the file becomes the whole dataset. A
    parse error names the file and line and leaves the current dataset untouched."""
    import pyoxigraph as ox

    src = Path(file)
    fmt_name = LOAD_FORMATS.get(src.suffix.lower())
    if fmt_name is None:
        raise InputError(f"{src}: unknown RDF file type '{src.suffix}' "
                         f"(use {', '.join(sorted(LOAD_FORMATS))})")
    if not src.is_file():
        raise InputError(f"{src}: no such file")
    out = Path(out_dir)
    current = dataset_path(out)
    previous: dict[str, Any] = {}
    base_store = None
    if not replace and current.exists():
        try:
            previous = json.loads((current / MANIFEST).read_text(encoding="utf-8"))
            base_store = ox.Store.read_only(str(current / "oxigraph"))
        except (OSError, ValueError) as e:
            raise StoreError(f"cannot read the current dataset at {current} ({e}); "
                             "use --replace") from None
    target = _new_target(out)
    try:
        target.mkdir()
        try:
            n = _fill(target / "oxigraph", src, fmt_name, base_store, parallel=True)
        except _HasBlankNodes as e:
            # One parse over the whole file keeps each blank node one node.
            discard(target / "oxigraph", e)
            n = _fill(target / "oxigraph", src, fmt_name, base_store, parallel=False)
        del base_store
    except BaseException as e:
        discard(target, e)
        raise
    loaded = [] if replace else list(previous.get("loaded", []))
    loaded.append(str(src.resolve()))
    manifest: dict[str, Any] = {"loaded": loaded}
    if not replace and previous.get("base"):
        manifest["base"] = previous["base"]
    if not replace and previous.get("seeds_dir"):
        manifest["built_from_seeds"] = previous["seeds_dir"]
    return finish(target, out, manifest, quads=n)


def publish(target: Path, out: Path) -> None:
    """Point ``out/dataset`` at ``target`` with one atomic rename, then prune old builds."""
    link = out / STORE_LINK
    tmp_link = out / f".{STORE_LINK}.lnk-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(target.name)
    if link.exists() and not link.is_symlink():
        raise StoreError(f"{link} exists and is not a digiprov dataset link; move it away")
    os.replace(tmp_link, link)
    # Keep the previous build for readers that opened it just before the swap.
    builds = sorted((p for p in out.glob(".dataset-*") if p.is_dir()),
                    key=lambda p: p.stat().st_mtime)
    for old in builds[:-2]:
        if old.resolve() != target.resolve():
            shutil.rmtree(old, ignore_errors=True)


# ------------------------------------------------------------------ staleness


def stat_fingerprint(files: Iterable[Path]) -> list[list[Any]]:
    return [[str(p), p.stat().st_size, p.stat().st_mtime_ns] for p in sorted(files)]


def inputs_of(seeds_dir: Path) -> list[Path]:
    from .seeds import seed_files

    return seed_files(seeds_dir) + [paths.ontology_file(), paths.shapes_file()]


def check_stale(path: Path, manifest: dict[str, Any], seeds_dir: str | Path | None) -> None:
    """Raise :class:`StoreError` if the seeds or ontology changed since ``path`` was built."""
    built_from = manifest.get("seeds_dir")
    if not built_from:
        return  # loaded from an RDF file, not from seeds: nothing to compare with
    sdir = Path(seeds_dir) if seeds_dir else Path(built_from)
    if not sdir.is_dir():
        return
    if stat_fingerprint(inputs_of(sdir)) != manifest.get("inputs"):
        raise StoreError(f"dataset at {path} is stale: seeds or ontology changed since it was "
                         "built; run 'digiprov build'")


__all__ = ["STORE_LINK", "MANIFEST", "dataset_path", "read_manifest", "persist", "stage",
           "finish", "discard", "publish", "load_file", "stat_fingerprint", "inputs_of",
           "check_stale", "LOAD_FORMATS"]

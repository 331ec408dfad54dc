"""Options that several commands share, declared once so a spelling means one thing
everywhere: ``--format``/``-f`` is the output format, ``-o``/``--output`` the file written
(``-`` is stdout), ``--lang`` the label language, ``--password`` a secret read from an
environment variable when not given. Click only: the CLI imports this at start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import click

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def format_option(choices: Sequence[str] | None = None, *, default: str | None = "table",
                  short: bool = True, help: str = "Output format.", **kw: Any) -> Decorator:
    """``--format`` (and ``-f``) into the ``fmt`` parameter. ``choices=None`` leaves the check
    to the command (export formats are registered lazily, see exporters.py)."""
    decls = ["--format", *(["-f"] if short else []), "fmt"]
    if choices is not None:
        kw.setdefault("type", click.Choice(list(choices)))
    if default is not None:
        kw.update(default=default, show_default=True)
    return click.option(*decls, help=help, **kw)


def json_alias(dest: str = "as_json") -> Decorator:
    """``--json``, the old spelling of ``--format json``: still accepted, no longer shown in
    --help; the command reads it with :func:`resolve_format`. Silent, so an old pipeline's
    output stays the same."""
    return click.option("--json", dest, is_flag=True, hidden=True,
                        help="Deprecated: use --format json.")


def resolve_format(fmt: str, as_json: bool) -> str:
    return "json" if as_json else fmt


def output_option(help: str = "Write the result to a file (atomically); '-' is stdout.",
                  **kw: Any) -> Decorator:
    kw.setdefault("default", "-")
    kw.setdefault("show_default", True)
    return click.option("-o", "--output", help=help, **kw)


def lang_option(help: str = "Language of labels and headers.") -> Decorator:
    return click.option("--lang", type=click.Choice(["zh", "en"]), default="zh",
                        show_default=True, help=help)


def password_option(envvar: str, help: str) -> Decorator:
    """``--password``, else ``$envvar`` (shown in --help), so a secret need not be typed on a
    command line where ``ps`` and the shell history see it."""
    return click.option("--password", envvar=envvar, show_envvar=True, help=help)


def queries_option(help: str = "Extra directory of named .rq queries (searched before the "
                               "packaged ones).") -> Decorator:
    return click.option("--queries", "queries_dirs", multiple=True, metavar="DIR",
                        envvar="DIGIPROV_QUERIES", help=help)


__all__ = ["format_option", "json_alias", "resolve_format", "output_option", "lang_option",
           "password_option", "queries_option"]

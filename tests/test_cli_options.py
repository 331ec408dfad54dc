"""One spelling, one meaning: --format/-f is the output format, passwords come from their
environment variables, and every command is a module-level click object."""

import json
import sys

import click
import pytest
from click.testing import CliRunner

from digiprov.cli import main


def _commands(group: click.Group, ctx: click.Context):
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        yield cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, ctx)


def _all_commands():
    with click.Context(main) as ctx:
        return list(_commands(main, ctx))


@pytest.mark.parametrize("cmd", _all_commands(), ids=lambda c: c.name)
def test_every_command_is_defined_at_module_level(cmd):
    module = sys.modules[cmd.callback.__module__]
    assert any(v is cmd for v in vars(module).values()), (
        f"{cmd.name} is built inside a function of {module.__name__}")


@pytest.mark.parametrize("cmd", _all_commands(), ids=lambda c: c.name)
def test_f_and_format_mean_the_output_format(cmd):
    for p in cmd.params:
        if not isinstance(p, click.Option):
            continue
        if "--format" in p.opts:
            assert p.name == "fmt", cmd.name
        # query keeps -f as the hidden old spelling of --file (tests and scripts use it)
        if "-f" in p.opts and not p.hidden:
            assert "--format" in p.opts, f"{cmd.name}: -f is {p.opts}"


def test_query_help_does_not_offer_f_for_the_file():
    res = CliRunner().invoke(main, ["query", "--help"])
    assert res.exit_code == 0
    assert "--file FILE.rq" in res.output and "-f," not in res.output


def test_stats_format_json_and_the_old_json_flag_agree(run_cli):
    new, old = run_cli("stats", "--format", "json"), run_cli("stats", "--json")
    assert new.exit_code == old.exit_code == 0
    assert json.loads(new.stdout) == json.loads(old.stdout)
    assert json.loads(run_cli("stats", "-f", "json").stdout) == json.loads(new.stdout)
    assert "--json" not in run_cli("stats", "--help").stdout


def test_query_file_given_twice_is_refused(run_cli, tmp_path):
    f = tmp_path / "q.rq"
    f.write_text("ASK {}", encoding="utf-8")
    res = run_cli("query", "--file", str(f), "-f", str(f))
    assert res.exit_code == 2 and "give the query file once" in res.stderr


@pytest.mark.parametrize("args,var", [(["push"], "DIGIPROV_PUSH_PASSWORD"),
                                      (["neo4j", "load"], "NEO4J_PASSWORD")])
def test_passwords_come_from_their_environment_variable(args, var):
    cmd = main
    with click.Context(main) as ctx:
        for a in args:
            cmd = cmd.get_command(ctx, a)
    pw = next(p for p in cmd.params if p.name == "password")
    assert (pw.envvar, pw.show_envvar) == (var, True)
    res = CliRunner().invoke(main, [*args, "--help"])
    assert var in res.output

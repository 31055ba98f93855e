"""Every command documents itself with an example (as sqlite-utils' test_docs does)."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from pipeline.cli import main


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


ALL_COMMANDS = list(_commands(main))


def test_the_contract_commands_exist() -> None:
    names = {" ".join(c) for c in ALL_COMMANDS}
    for required in ("ingest", "status", "facts"):
        assert required in names


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output, f"`claimtracker {' '.join(path)} --help` has no example"


#: Commands that read no database: they work on text given to them.
DB_FREE = {("tag",)}


def test_every_command_that_reads_the_db_takes_db_flag() -> None:
    for path in ALL_COMMANDS:
        if path in DB_FREE:
            continue
        command: click.Command = main
        for part in path:
            assert isinstance(command, click.Group)
            command = command.commands[part]
        if isinstance(command, click.Group):
            continue
        assert "--db" in {opt for p in command.params for opt in getattr(p, "opts", [])}, path

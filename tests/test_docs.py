"""README.md and docs/ stay true to the code, as sqlite-utils keeps its docs: docs/cli.md is every
command's --help (regenerate it with `make docs`), and every `imr ...` the prose shows names a
command that exists, with options that command has."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from imr.cli import main

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "docs" / "cli.md"
PROSE = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# A command line as the docs show one: in backticks or on a line of a code block.
_COMMAND = re.compile(r"(?:^|[`\s/])imr ([a-z][a-z-]*)((?: +(?:\[?--?[a-z][a-z-]*\]?|[^\s`|]+))*)", re.MULTILINE)
_OPTION = re.compile(r"--[a-z][a-z-]*")


def reference() -> str:
    """docs/cli.md as the code says it should read."""
    runner = CliRunner()
    parts = [
        "# Command reference\n\n"
        "Every `imr` command's `--help`, generated from the code (`make docs`); `tests/test_docs.py` "
        "fails when this file and the code disagree.\n"
    ]
    for name in ["", *_commands()]:
        result = runner.invoke(main, [*name.split(), "--help"], prog_name="imr", terminal_width=100)
        assert result.exit_code == 0, result.output
        parts.append(f"\n## `imr{' ' + name if name else ''}`\n\n```\n{result.output.rstrip()}\n```\n")
    return "".join(parts)


def _commands(group: click.Group = main, prefix: str = "") -> dict[str, click.Command]:
    """Every command by its name after `imr`, a group's commands after the group ("aside list")."""
    found: dict[str, click.Command] = {}
    for name in sorted(group.commands):
        command = group.commands[name]
        found[prefix + name] = command
        if isinstance(command, click.Group):
            found.update(_commands(command, f"{prefix}{name} "))
    return found


def test_cli_reference_is_current() -> None:
    assert REFERENCE.read_text(encoding="utf-8") == reference(), "docs/cli.md is stale: run `make docs`"


def test_every_command_and_option_is_in_the_prose() -> None:
    text = "\n".join(path.read_text(encoding="utf-8") for path in PROSE if path != REFERENCE)
    missing = []
    for name, command in _commands().items():
        if f"imr {name}" not in text:
            missing.append(f"imr {name}")
        missing += [f"imr {name} {option}" for option in _options(command) if option not in text]
    assert missing == []


def test_every_command_line_in_the_docs_exists() -> None:
    wrong = []
    for path in PROSE:
        for match in _COMMAND.finditer(path.read_text(encoding="utf-8")):
            name, rest = match.group(1), match.group(2)
            command = main.commands.get(name)
            if command is None:
                wrong.append(f"{path.name}: imr {name}: no such command")
                continue
            if isinstance(command, click.Group) and rest.split()[:1] and rest.split()[0] in command.commands:
                command = command.commands[rest.split()[0]]
            known = set(_options(command)) | {"--help"}
            wrong += [f"{path.name}: imr {name} {option}: no such option" for option in _OPTION.findall(rest) if option not in known]
    assert wrong == []


def _options(command: click.Command) -> list[str]:
    return [opt for param in command.params if isinstance(param, click.Option) for opt in param.opts if opt.startswith("--")]


if __name__ == "__main__":  # `make docs`
    REFERENCE.write_text(reference(), encoding="utf-8")
    sys.stdout.write(f"wrote {REFERENCE}\n")

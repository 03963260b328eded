"""Every `printforge` command, found from the real parser, answers `--help`.

The command list comes from walking build_parser()'s sub-parsers (and theirs, such as
`keys create`), so a command added as a new cmd_*.py module is covered without touching this
file. Each `--help` runs in-process through main(), the console script's entry point: argparse
prints the usage and exits 0 before any handler (or heavy import) runs.
"""

from __future__ import annotations

import argparse
import pkgutil
from collections.abc import Iterator

import pytest

import printforge_cli as cli_package
from printforge_cli.main import build_parser, main


def _subcommands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command path under `parser`, depth first: ("keys",), ("keys", "create"), ...

    An alias maps to the same parser as its command and would print the command's usage, so
    each parser is visited under its first name only.
    """
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            seen: set[int] = set()
            for name, sub in action.choices.items():
                if id(sub) in seen:
                    continue
                seen.add(id(sub))
                yield (*path, name)
                yield from _subcommands(sub, (*path, name))


COMMANDS = sorted(_subcommands(build_parser()))


def test_the_walk_finds_every_command_module_and_nested_actions() -> None:
    """Guards the discovery itself: an empty or shallow walk would make the test below vacuous."""
    modules = [m.name for m in pkgutil.iter_modules(cli_package.__path__) if m.name.startswith("cmd_")]
    top_level = [path for path in COMMANDS if len(path) == 1]
    assert len(top_level) >= len(modules) > 0
    assert {("keys", "create"), ("keys", "list"), ("keys", "revoke")} <= set(COMMANDS)


@pytest.mark.parametrize("path", [(), *COMMANDS], ids=lambda path: " ".join(path) or "printforge")
def test_help_exits_zero_with_a_usage_line(path: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*path, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    usage = " ".join(("printforge", *path))
    assert out.startswith(f"usage: {usage}"), out[:200]
    assert "-h, --help" in out


def test_a_named_command_imports_only_its_own_module() -> None:
    """`printforge analyze FILE` is timed whole-process: the other command modules stay unloaded."""
    import subprocess
    import sys

    code = (
        "import sys\nfrom printforge_cli.main import main\ntry:\n    main(['analyze', '--help'])\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(n for n in sys.modules if n.startswith('printforge_cli.cmd_')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "['printforge_cli.cmd_analyze']"

from __future__ import annotations

import pytest

from govdoc.cli import main


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("govdoc run", "govdoc demo", "govdoc worker", "govdoc migrate"):
        assert command in out

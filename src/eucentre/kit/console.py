"""Lines a person copies from a terminal (addresses, accounts, secrets, keys): each value whole on
its own line and never wrapped, so it can be copied from a terminal of any width (a table folds
e-mails and secrets across lines)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rich.console import Console
from rich.text import Text


@dataclass(frozen=True)
class Line:
    text: str
    heading: bool = False


def show(console: Console, lines: Iterable[Line]) -> None:
    # soft_wrap: Rich neither folds nor crops; a line wider than the terminal stays one line,
    # which the terminal may show over two rows but copies whole.
    for line in lines:
        console.print(
            Text(line.text, style="bold" if line.heading else ""), soft_wrap=True, highlight=False
        )

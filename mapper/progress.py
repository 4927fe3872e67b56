"""How long work says how far it got: the caller passes a :data:`Progress` callable (the CLI's
progress bar) and the work calls it as rows are done, ``progress(stage, rows, total)``: ``rows``
more rows of ``stage`` are done, of ``total`` (None while the total is not known). The library
draws nothing itself."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, int | None], None]


def silent(stage: str, rows: int, total: int | None) -> None:
    """The default: nobody is watching."""

"""Errors mapper reports to a user instead of a traceback."""

from __future__ import annotations


class MapperError(Exception):
    """Base class for every error mapper reports as one clear line (CLI exit code 2)."""


def one_line(text: str) -> str:
    """``text`` with its line breaks (and the indentation after them) made single spaces:
    an error is one line on a terminal, in a log and in the web page."""
    return " ".join(text.split()) if "\n" in text or "\r" in text else text


def reason(error: BaseException) -> str:
    """A library error's message as one line: its first line, without the context lines
    (calamine's "Context: 0: …", a schema dump) that follow."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


class InputError(MapperError):
    """A catalog or reference file mapper cannot read, naming the file, row and column."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.detail = message
        super().__init__(self.render())

    def render(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        prefix = ", ".join(where)
        detail = one_line(self.detail)
        return f"{prefix}: {detail}" if prefix else detail


class ConfigError(MapperError):
    """A bad option value or combination."""

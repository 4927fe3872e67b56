"""Errors mapper reports to a user instead of a traceback."""

from __future__ import annotations


class MapperError(Exception):
    """Base class for every error mapper reports as one clear line (CLI exit code 2)."""


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
        return f"{prefix}: {self.detail}" if prefix else self.detail


class ConfigError(MapperError):
    """A bad option value or combination."""

"""What a writer is: a named output format that writes a check result to a folder and,
where it makes sense, renders it for standard output."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from mapper.result import CheckResult


class Writer:
    """Base class; subclasses set ``name``/``description`` and implement :meth:`write`."""

    name: ClassVar[str]
    description: ClassVar[str]

    def write(self, result: CheckResult, out_dir: Path) -> list[Path]:
        """Write the result's files into ``out_dir``; return the paths written."""
        raise NotImplementedError  # pragma: no cover - every registered writer overrides it

    def render(self, result: CheckResult) -> str | None:
        """The result as text for standard output, or None for binary formats."""
        return None

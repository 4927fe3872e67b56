"""A progress bar on standard error for long work: reading and checking each file, writing
each output. Shown only when standard error is a terminal, not under ``--quiet``, and only once
the work has taken more than a second, so quick runs and CI logs stay clean.

Each stage counts rows: a file's rows once it is read and checked, every output's rows as it
is written (the label names the output being written); rich shows rows done, the rate and the
time left. A streamed check (``--out DIR --out-format parquet``) reports each chunk of rows read
and written (:mod:`mapper.progress`); an in-memory check of one file is one step, since it has
no chunks to report.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

DELAY = 1.0  # seconds of work before a bar appears


class RateColumn(ProgressColumn):
    """Rows per second."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} rows/s" if speed else "", style="progress.data.speed")


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


class Bar:
    """The bar of one command run; ``stage`` is one step with a row count."""

    def __init__(self, enabled: bool, console: Console | None = None, delay: float = DELAY) -> None:
        self.enabled = enabled
        self.delay = delay
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("rows"),
            RateColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console or Console(stderr=True),
            transient=False,
        )
        self._timer: threading.Timer | None = None
        self.shown = False
        self._stages: dict[str, TaskID] = {}

    def _show(self) -> None:
        self.shown = True
        self._progress.start()

    def __enter__(self) -> Bar:
        if self.enabled:
            self._timer = threading.Timer(self.delay, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer.join()  # a timer firing now has shown the bar once this returns
        if self.shown:
            self._progress.stop()

    def report(self, stage: str, rows: int, total: int | None) -> None:
        """A :data:`mapper.progress.Progress`: ``rows`` more rows of ``stage`` done."""
        if stage not in self._stages:
            self._stages[stage] = self._progress.add_task(stage, total=total)
        elif total is not None:
            self._progress.update(self._stages[stage], total=total)
        self._progress.advance(self._stages[stage], rows)

    @contextmanager
    def stage(self, label: str, total: int | None) -> Iterator[Advance]:
        """A step of ``total`` rows (None: not known yet); advance it by rows done."""
        task = self._progress.add_task(label, total=total)
        yield Advance(self._progress, task)
        self._progress.update(task, completed=self._progress.tasks[task].total or 0)


class Advance:
    """Moves one stage on: ``advance(rows)``, ``total(rows)`` once the size is known."""

    def __init__(self, progress: Progress, task: TaskID) -> None:
        self._progress, self._task = progress, task

    def __call__(self, rows: int) -> None:
        self._progress.advance(self._task, rows)

    def total(self, rows: int) -> None:
        self._progress.update(self._task, total=rows)

    def describe(self, label: str) -> None:
        """Say what the stage is doing now (which output is being written)."""
        self._progress.update(self._task, description=label)

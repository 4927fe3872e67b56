"""Each web check in its own process, under a memory limit and a time limit.

A hostile or broken upload (a workbook whose sheet range reaches the last cell, a shared-strings
bomb, a file that makes a reader spin) must cost only its own job: the server and the other
jobs carry on. So a check never runs in the server process. A supervising thread starts a fresh
``spawn``ed process per job (nothing inherited from the server's threads), and:

- the child caps its own address space (``RLIMIT_AS``) at the memory limit plus
  :data:`ADDRESS_RESERVE_MB`, so one absurd allocation fails in the child at once, whatever the
  machine's overcommit policy (polars, its allocator and the thread stacks reserve address space
  they never touch: about 2.4 GB reserved for 240 MB resident after a sample check);
- the supervisor reads the child's resident memory every :data:`POLL_SECONDS` and kills it past
  the memory limit, the limit that means what it says;
- and kills it past the time limit.

The child reports its stages and its result over a pipe; its stderr goes to ``worker.log`` in
the job folder (never downloadable), which the server logs when the child dies. What the user
gets is one line, Chinese then English (:data:`MESSAGES`).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapper.errors import MapperError

if TYPE_CHECKING:
    from mapper.web.jobs import Job

log = logging.getLogger("mapper.web")

ADDRESS_RESERVE_MB = 4096
POLL_SECONDS = 0.1
LOG = "worker.log"
LONGEST_MESSAGE = 400  # characters of a job's error line

MESSAGES = {
    "memory": "检查此文件所需内存超过上限 {limit}，文件可能过大或结构异常（例如工作表范围"
    "延伸到最后一个单元格）。Checking this file needed more than the {limit} memory limit: "
    "the file may be too large or malformed (for example a sheet whose range reaches the last "
    "cell).",
    "time": "检查此文件超过时间上限 {limit}。"
    "Checking this file took longer than the {limit} limit.",
    "crash": "检查进程意外终止（{signal}），请联系管理员。"
    "The check stopped unexpectedly ({signal}); the server log has the details.",
    "internal": "内部错误，请联系管理员。Internal error while checking this file.",
}


@dataclass(frozen=True)
class Limits:
    """What one check may use: resident memory (MB) and wall-clock time (seconds)."""

    memory_mb: int = 2048
    seconds: float = 600.0

    @property
    def memory_text(self) -> str:
        return f"{self.memory_mb} MB"

    @property
    def time_text(self) -> str:
        minutes = self.seconds / 60
        return f"{minutes:g} 分钟 minutes" if minutes >= 1 else f"{self.seconds:g} 秒 seconds"


@dataclass
class Outcome:
    """How a check ended: ``error`` is None when it is done."""

    error: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    suggestions: bool = False


def one_line(text: str, upload: Path, display_name: str) -> str:
    """An error for the page: the server's path replaced by the file's name, one line, short."""
    line = " ".join(text.replace(str(upload), display_name).split())
    return line if len(line) <= LONGEST_MESSAGE else line[: LONGEST_MESSAGE - 1] + "…"


def resident_mb(pid: int) -> float | None:
    """A process's resident memory in MB (Linux ``/proc``; None where unavailable)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        return None
    return None


def _child(
    conn: Connection, job: Job, upload: Path, reference: Path | None, limits: Limits
) -> None:
    """The check, in the child process (``job`` is the server's job, copied)."""
    logfile = os.open(job.directory / LOG, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(logfile, 2)  # native crash messages ("memory allocation of … failed") land here
    try:
        import resource

        ceiling = (limits.memory_mb + ADDRESS_RESERVE_MB) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    except (ImportError, ValueError, OSError):
        pass  # not on this platform: the resident-memory watch still applies
    try:
        from mapper.web.results import write_results

        write_results(job, upload, reference, stage=lambda text: conn.send(("stage", text)))
        conn.send(("done", job.summary, job.suggestions))
    except MapperError as exc:
        conn.send(("failed", str(exc)))
    except MemoryError:
        conn.send(("memory",))
    except Exception:
        logging.getLogger("mapper.web").exception("job %s failed", job.id)
        conn.send(("internal",))


def _read_log(directory: Path) -> str:
    """The start of the child's stderr: a native crash says why in its first line."""
    try:
        with (directory / LOG).open("rb") as handle:
            return handle.read(64 * 1024).decode("utf-8", errors="replace")
    except OSError:
        return ""


def run_isolated(
    job: Job,
    upload: Path,
    reference: Path | None,
    limits: Limits,
    *,
    on_stage: Callable[[str], None],
    on_start: Callable[[BaseProcess], None] = lambda proc: None,
) -> Outcome:
    """Run ``job``'s check in a child process under ``limits``; block until it ends."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    proc = context.Process(
        target=_child,
        args=(send, job, upload, reference, limits),
        name=f"mapper-check-{job.id[:8]}",
        daemon=True,
    )
    proc.start()
    send.close()  # the child holds the only sending end: its exit is EOF here
    on_start(proc)
    deadline = time.monotonic() + limits.seconds
    outcome: Outcome | None = None
    killed_for = ""
    try:
        while outcome is None:
            if receive.poll(POLL_SECONDS):
                try:
                    message = receive.recv()
                except EOFError:
                    break
                if message[0] == "stage":
                    on_stage(message[1])
                else:
                    outcome = _outcome(message, upload, job.display_name, limits)
                continue
            rss = resident_mb(proc.pid) if proc.pid else None
            if rss is not None and rss > limits.memory_mb:
                killed_for = "memory"
            elif time.monotonic() > deadline:
                killed_for = "time"
            if killed_for:
                proc.kill()
                break
    finally:
        receive.close()
        proc.join(10)
        if proc.is_alive():
            proc.kill()
            proc.join()
    if outcome is not None:
        return outcome
    return _death(job, proc.exitcode, killed_for, limits)


def _outcome(message: tuple[Any, ...], upload: Path, name: str, limits: Limits) -> Outcome:
    kind = message[0]
    if kind == "done":
        return Outcome(None, message[1], message[2])
    if kind == "failed":
        return Outcome(one_line(message[1], upload, name))
    if kind == "memory":
        return Outcome(MESSAGES["memory"].format(limit=limits.memory_text))
    return Outcome(MESSAGES["internal"])


def _death(job: Job, exitcode: int | None, killed_for: str, limits: Limits) -> Outcome:
    """The message for a child that ended without a result, and a log line for the server."""
    text = _read_log(job.directory)
    if killed_for == "time":
        log.warning("job %s: killed after %s s", job.id, limits.seconds)
        return Outcome(MESSAGES["time"].format(limit=limits.time_text))
    out_of_memory = killed_for == "memory" or any(
        sign in text for sign in ("memory allocation of", "MemoryError", "std::bad_alloc")
    )
    first = " | ".join(text.strip().splitlines()[:3])
    log.warning("job %s: check process ended (exit %s): %s", job.id, exitcode, first)
    if out_of_memory or exitcode == -signal.SIGKILL:  # SIGKILL from outside: the OOM killer
        return Outcome(MESSAGES["memory"].format(limit=limits.memory_text))
    try:
        name = signal.Signals(-exitcode).name if exitcode and exitcode < 0 else f"exit {exitcode}"
    except ValueError:
        name = f"signal {-exitcode}" if exitcode else "no exit code"
    return Outcome(MESSAGES["crash"].format(signal=name))

"""Jobs: one random directory per upload under a temp root, checked in a worker process
(:mod:`~mapper.web.worker`, under a memory and a time limit) that a pool thread supervises,
and deleted after the retention period.

A job directory holds only files with fixed names (``upload.csv`` or ``upload.xlsx``, the
report and the downloads); nothing from the request names a path. Job ids are 32 random hex
digits, checked against :data:`JOB_ID` before any lookup.
"""

from __future__ import annotations

import logging
import re
import secrets
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from mapper.web.worker import MESSAGES, Limits, Outcome, run_isolated

log = logging.getLogger("mapper.web")

JOB_ID = re.compile(r"[0-9a-f]{32}")

# Downloads by the name in the URL: (file in the job directory, media type, label).
DOWNLOADS: dict[str, tuple[str, str, str]] = {
    "findings.csv": ("findings.csv", "text/csv; charset=utf-8", "问题清单 findings (CSV)"),
    "findings.xlsx": (
        "findings.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "问题清单 findings (XLSX)",
    ),
    "catalog.csv": (
        "catalog.csv",
        "text/csv; charset=utf-8",
        "目录及状态 catalog with status (CSV)",
    ),
    "catalog.xlsx": (
        "catalog.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "目录及状态 catalog with status (XLSX)",
    ),
    "report.html": ("report.html", "text/html; charset=utf-8", "报告 report (HTML)"),
}


@dataclass
class Job:
    """One upload and its check. ``state``: uploading, queued, checking, writing, done, failed."""

    id: str
    directory: Path
    display_name: str
    policy: str
    as_of: date
    state: str = "uploading"
    stage: str = "上传中 uploading"
    error: str | None = None
    created: float = field(default_factory=time.time)
    summary: dict[str, Any] = field(default_factory=dict)
    suggestions: bool = False

    def status(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "state": self.state,
            "stage": self.stage,
            "error": self.error,
            "summary": self.summary,
        }


class JobStore:
    """Jobs in memory, their files under ``root``; a thread pool runs the checks."""

    def __init__(
        self,
        root: Path,
        *,
        retention_seconds: float,
        reference: Path | None = None,
        workers: int = 1,
        limits: Limits | None = None,
    ) -> None:
        self.root = root
        self.retention_seconds = retention_seconds
        self.reference = reference
        self.limits = limits or Limits()
        self.jobs: dict[str, Job] = {}
        self.processes: set[BaseProcess] = set()  # checks running now, killed on close
        self.lock = threading.Lock()
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mapper-check")
        root.mkdir(parents=True, exist_ok=True)

    def create(self, display_name: str, policy: str, as_of: date) -> Job:
        job_id = secrets.token_hex(16)
        directory = self.root / job_id
        directory.mkdir(mode=0o700)
        job = Job(job_id, directory, display_name, policy, as_of)
        with self.lock:
            self.jobs[job_id] = job
        return job

    def get(self, job_id: str) -> Job | None:
        if not JOB_ID.fullmatch(job_id):
            return None
        with self.lock:
            return self.jobs.get(job_id)

    def discard(self, job: Job) -> None:
        with self.lock:
            self.jobs.pop(job.id, None)
        shutil.rmtree(job.directory, ignore_errors=True)

    def submit(self, job: Job, upload: Path) -> None:
        job.state, job.stage = "queued", "排队中 queued"
        self.pool.submit(self._run, job, upload)

    def _run(self, job: Job, upload: Path) -> None:
        def started(proc: BaseProcess) -> None:
            with self.lock:
                self.processes.add(proc)
            running.append(proc)

        def stage(text: str) -> None:
            job.stage = text

        running: list[BaseProcess] = []
        job.state, job.stage = "checking", "检查中 checking"
        try:
            outcome = run_isolated(
                job, upload, self.reference, self.limits, on_stage=stage, on_start=started
            )
        except Exception:  # a bug must not take the server down; the user gets a message
            log.exception("job %s: could not run its check", job.id)
            outcome = Outcome(MESSAGES["internal"])
        finally:
            with self.lock:
                self.processes.difference_update(running)
        if outcome.error is None:
            job.summary, job.suggestions = outcome.summary, outcome.suggestions
            job.state, job.stage = "done", "完成 done"
        else:
            job.state, job.stage, job.error = "failed", "失败 failed", outcome.error

    def sweep(self, now: float | None = None) -> int:
        """Delete jobs (and stray directories) older than the retention period."""
        now = time.time() if now is None else now
        cutoff = now - self.retention_seconds
        removed = 0
        with self.lock:
            expired = [j for j in self.jobs.values() if j.created < cutoff]
            for job in expired:
                del self.jobs[job.id]
        for job in expired:
            shutil.rmtree(job.directory, ignore_errors=True)
            removed += 1
        # Directories left by an earlier run of the server (the in-memory jobs are gone).
        for path in self.root.iterdir():
            if JOB_ID.fullmatch(path.name) and path.name not in self.jobs:
                try:
                    stale = path.stat().st_mtime < cutoff
                except FileNotFoundError:
                    continue
                if stale:
                    shutil.rmtree(path, ignore_errors=True)
                    removed += 1
        return removed

    def close(self) -> None:
        """Stop the workers and delete this run's jobs: nobody can reach them after a restart."""
        self.pool.shutdown(wait=False, cancel_futures=True)
        with self.lock:
            jobs, self.jobs = list(self.jobs.values()), {}
            for proc in self.processes:
                proc.kill()
        for job in jobs:
            shutil.rmtree(job.directory, ignore_errors=True)

"""The Starlette app: an upload page, a job API the page polls, the report and downloads.

The upload is the request body itself (``POST /api/jobs?name=…&policy=…&as_of=…``), sent by
the page with XMLHttpRequest so the browser shows upload progress; the server streams it to the
job directory in chunks and stops at the size limit. The check runs in a worker process under a
memory and a time limit (:mod:`~mapper.web.worker`); the page polls ``GET /api/jobs/{id}``
for its stage and then opens ``/jobs/{id}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mapper.policy import shipped_profiles
from mapper.policy.moments import parse_moment
from mapper.web.jobs import DOWNLOADS, Job, JobStore
from mapper.web.results import PAGE, has_suggest
from mapper.web.uploads import (
    ALLOWED,
    MESSAGES,
    content_matches,
    display_name,
    extension,
    human_size,
)
from mapper.web.worker import Limits
from mapper.writers.html import environment

CHUNK_HEAD = 8192  # bytes kept to check the file's magic number
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; style-src 'unsafe-inline'; "
     b"script-src 'unsafe-inline'; img-src data:; connect-src 'self'; form-action 'self'; "
     b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]  # fmt: skip


@dataclass
class Settings:
    """Limits and places. Defaults: 50 MB uploads, results kept one hour, each check in its
    own process with at most 2 GB of memory and 10 minutes (:class:`~mapper.web.worker.Limits`)."""

    root: Path = field(default_factory=lambda: Path(tempfile.gettempdir()) / "mapper-web")
    max_upload_bytes: int = 50 * 1024 * 1024
    retention_seconds: float = 3600.0
    cleanup_interval: float = 60.0
    reference: Path | None = None
    workers: int = 1
    limits: Limits = field(default_factory=Limits)


class _TooLarge(Exception):
    pass


class SecurityHeaders:
    """Adds CSP, nosniff, no-referrer, no-framing and no-store to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers if scope["type"] == "http" else send)


def _error(key: str, status: int, **values: str) -> JSONResponse:
    return JSONResponse({"error": MESSAGES[key].format(**values)}, status_code=status)


def _page(name: str, status: int = 200, **context: object) -> HTMLResponse:
    context.setdefault("home_url", "/")
    html = environment().get_template(name).render(**context)
    return HTMLResponse(html, status_code=status)


def create_app(settings: Settings | None = None) -> Starlette:
    """The web app with its job store; ``settings`` default to :class:`Settings`."""
    settings = settings or Settings()
    store = JobStore(
        settings.root,
        retention_seconds=settings.retention_seconds,
        reference=settings.reference,
        workers=settings.workers,
        limits=settings.limits,
    )
    profiles = shipped_profiles()
    limit_text = human_size(settings.max_upload_bytes)

    async def upload_page(request: Request) -> HTMLResponse:
        return _page(
            "upload.html",
            profiles=profiles,
            today=date.today().isoformat(),
            limit=limit_text,
            limit_bytes=settings.max_upload_bytes,
            retention_minutes=round(settings.retention_seconds / 60),
            suggest=has_suggest(),
            home_url=None,
        )

    async def create_job(request: Request) -> JSONResponse:
        params = request.query_params
        name = params.get("name", "")
        ext = extension(name)
        if ext not in ALLOWED:
            return _error("type", 415)
        policy = params.get("policy") or "national"
        if policy not in profiles:  # never a path: load_policy would read a .toml file
            return _error("policy", 400, value=display_name(policy))
        try:
            as_of = parse_moment(params.get("as_of") or date.today().isoformat())
        except ValueError:
            return _error("date", 400)
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit():
            if int(declared) > settings.max_upload_bytes:
                return _error("too_large", 413, limit=limit_text)
            if int(declared) == 0:
                return _error("empty", 400)
        job = store.create(display_name(name), policy, as_of)
        upload = job.directory / ALLOWED[ext]
        try:
            size, head = await _receive(request, upload, settings.max_upload_bytes)
        except _TooLarge:
            store.discard(job)
            return _error("too_large", 413, limit=limit_text)
        except ClientDisconnect:
            store.discard(job)
            return _error("disconnect", 400)
        if size == 0:
            store.discard(job)
            return _error("empty", 400)
        if not content_matches(ext, head):
            store.discard(job)
            return _error("magic", 415, ext=ext)
        store.submit(job, upload)
        return JSONResponse(
            {
                "id": job.id,
                "status_url": f"/api/jobs/{job.id}",
                "report_url": f"/jobs/{job.id}",
                "bytes": size,
            },
            status_code=202,
        )

    async def job_status(request: Request) -> JSONResponse:
        job = store.get(request.path_params["job_id"])
        if job is None:
            return _error("not_found", 404)
        return JSONResponse(job.status())

    async def job_page(request: Request) -> Response:
        job = store.get(request.path_params["job_id"])
        if job is None:
            return _page("status.html", 404, job=None, error=MESSAGES["not_found"])
        if job.state == "done":
            return FileResponse(job.directory / PAGE, media_type="text/html; charset=utf-8")
        status = 422 if job.state == "failed" else 200
        return _page("status.html", status, job=job, error=job.error)

    async def download(request: Request) -> Response:
        job = store.get(request.path_params["job_id"])
        entry = DOWNLOADS.get(request.path_params["name"])
        if job is None or entry is None or job.state != "done":
            return _error("not_found", 404)
        filename, media_type, _ = entry
        stem = display_name(job.display_name).rsplit(".", 1)[0]
        return FileResponse(
            job.directory / filename,  # a fixed name from DOWNLOADS, never the request's
            media_type=media_type,
            filename=f"{stem}-{filename}",
        )

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True, "jobs": len(store.jobs)})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store.sweep()  # results of an earlier run past their retention
        task = asyncio.create_task(_cleanup(store, settings.cleanup_interval))
        try:
            yield
        finally:
            task.cancel()
            store.close()

    app = Starlette(
        routes=[
            Route("/", upload_page),
            Route("/api/jobs", create_job, methods=["POST"]),
            Route("/api/jobs/{job_id}", job_status),
            Route("/jobs/{job_id}", job_page),
            Route("/jobs/{job_id}/download/{name}", download),
            Route("/healthz", health),
        ],
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.settings = settings
    app.add_middleware(SecurityHeaders)
    return app


async def _receive(request: Request, path: Path, limit: int) -> tuple[int, bytes]:
    """Stream the body to ``path``; return its size and first bytes. Stops past ``limit``."""
    size, head = 0, b""
    with path.open("wb") as handle:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise _TooLarge
            if len(head) < CHUNK_HEAD:
                head += chunk[: CHUNK_HEAD - len(head)]
            handle.write(chunk)
    return size, head


async def _cleanup(store: JobStore, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        await asyncio.to_thread(store.sweep)


__all__ = ["Job", "Settings", "create_app"]

"""``mapper serve``: the upload web app on localhost (needs the ``web`` extra)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. The app has no login: keep it on localhost.",
)
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--max-upload-mb",
    default=50,
    show_default=True,
    type=click.IntRange(min=1),
    help="Largest catalog accepted, in MB.",
)
@click.option(
    "--retention-minutes",
    default=60,
    show_default=True,
    type=click.IntRange(min=1),
    help="Uploads and results are deleted this long after the upload.",
)
@click.option(
    "--job-memory-mb",
    default=2048,
    show_default=True,
    type=click.IntRange(min=64),
    help="Memory one check may use; past it the check is stopped and its job fails.",
)
@click.option(
    "--job-timeout-minutes",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Time one check may take; past it the check is stopped and its job fails.",
)
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for job files (default: <temp>/mapper-web).",
)
@click.option(
    "--reference",
    type=click.Path(file_okay=False, path_type=Path),
    help="Reference store folder (default: the shipped reference_codes/).",
)
def serve(
    host: str,
    port: int,
    max_upload_mb: int,
    retention_minutes: int,
    job_memory_mb: int,
    job_timeout_minutes: float,
    root: Path | None,
    reference: Path | None,
) -> None:
    """Start the upload page: check a CSV/XLSX catalog in the browser and download the results."""
    try:
        import uvicorn

        from mapper.web.app import Settings, create_app
        from mapper.web.worker import Limits
    except ImportError as exc:
        raise click.ClickException(
            f"mapper serve needs the web extra ({exc.name} is missing): pip install 'mapper[web]'"
        ) from None
    settings = Settings(
        max_upload_bytes=max_upload_mb * 1024 * 1024,
        retention_seconds=retention_minutes * 60.0,
        reference=reference,
        limits=Limits(memory_mb=job_memory_mb, seconds=job_timeout_minutes * 60),
    )
    if root is not None:
        settings.root = root
    click.echo(f"mapper: serving on http://{host}:{port}/ (files in {settings.root})", err=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")

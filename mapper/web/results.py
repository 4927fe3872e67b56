"""What a finished job leaves in its directory: the report page, the standalone report, and
the downloads (findings and the catalog with status, as CSV and XLSX, formula-safe)."""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable
from pathlib import Path

import polars as pl
import xlsxwriter

from mapper import api
from mapper.policy.moments import china_date
from mapper.web.cells import neutralise
from mapper.web.jobs import DOWNLOADS, Job
from mapper.writers.html import render_report
from mapper.writers.xlsx import _write as write_sheet

log = logging.getLogger("mapper.web")

PAGE = "page.html"  # the report as the app shows it (with download links)


def has_suggest() -> bool:
    """True when this mapper has the code-suggestion feature (``mapper.suggest``)."""
    return importlib.util.find_spec("mapper.suggest") is not None


def suggested_codes(job: Job, upload: Path, reference: Path | None) -> pl.DataFrame | None:
    """The best suggested code per item that needs one, or None without ``mapper.suggest``."""
    if not has_suggest():
        return None
    from mapper.suggest import suggest

    try:
        best = suggest(upload, reference, k=1, as_of=china_date(job.as_of))  # validity by day
    except Exception:  # suggestions are a bonus: the check result stands without them
        log.exception("job %s: suggesting codes failed", job.id)
        return None
    return best.filter(pl.col("rank") == 1).select(
        "row",
        suggested_code=pl.col("code"),
        suggested_name=pl.col("cand_name"),
        suggested_score=pl.col("score"),
        suggested_matched_on=pl.col("matched_on"),
    )


def _save(frame: pl.DataFrame, directory: Path, stem: str, sheet: str) -> None:
    safe = neutralise(frame)
    safe.write_csv(directory / f"{stem}.csv", include_bom=True)
    options = {"strings_to_formulas": False, "strings_to_urls": False}
    with xlsxwriter.Workbook(directory / f"{stem}.xlsx", options) as book:
        write_sheet(book, sheet, safe)


def write_results(
    job: Job, upload: Path, reference: Path | None, stage: Callable[[str], None]
) -> None:
    """Check the upload and write the page, the report and the downloads into the job folder;
    ``job.summary`` gets the counts, ``stage`` each stage's label as it starts."""
    result = api.check(upload, reference, as_of=job.as_of, policy=job.policy)
    s = result.summary
    job.summary = {
        "rows_read": s.rows_read,
        "coded_ok": s.coded_ok,
        "coded_rate": round(s.coded_rate, 4),
        "by_status": s.by_status,
        "findings": result.findings.height,
        "cutover": s.cutover.to_dict() if s.cutover is not None else None,
    }
    catalog = result.items
    stage("查找建议编码 suggesting codes")
    suggestions = suggested_codes(job, upload, reference)
    if suggestions is not None:
        job.suggestions = True
        catalog = catalog.join(suggestions, on="row", how="left", maintain_order="left")
    stage("生成下载文件 writing downloads")
    _save(result.findings, job.directory, "findings", "问题清单 findings")
    _save(catalog, job.directory, "catalog", "商品状态 items")
    # The uploaded file's name is shown (escaped), never the server's path.
    result.catalog = job.display_name
    (job.directory / "report.html").write_text(render_report(result), encoding="utf-8")
    downloads = [
        {"key": key.replace(".", "-"), "url": f"/jobs/{job.id}/download/{key}", "label": label}
        for key, (_, _, label) in DOWNLOADS.items()
    ]
    page = render_report(result, downloads=downloads, home_url="/")
    (job.directory / PAGE).write_text(page, encoding="utf-8")

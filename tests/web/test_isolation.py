"""Web jobs run in their own process under a memory and a time limit (issue 18): a hostile
upload fails its own job with one clear line, and the server answers the next upload normally.

The memory limit here (600 MB) is small enough for the shared-strings bomb to hit while the
sample catalogs check well under it. The catalog readers may refuse the hostile workbooks
themselves (their own size limits, the first line of defence); the isolation must hold without
them, so one test hits the limit with a well-formed catalog no reader limit applies to.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

import mapper
from mapper.web.app import Settings, create_app
from mapper.web.worker import Limits, one_line
from tests.web.hostile import corner_cell_xlsx, shared_strings_bomb
from tests.web.support import AS_OF, PHARMACY, PHARMACY_XLSX, upload, wait

LIMITS = Limits(memory_mb=600, seconds=120)
HOSTILE = {"corner-cell": corner_cell_xlsx, "shared-strings-bomb": shared_strings_bomb}


def make_client(tmp_path: Path, limits: Limits = LIMITS, workers: int = 1) -> TestClient:
    settings = Settings(root=tmp_path / "jobs", limits=limits, workers=workers)
    return TestClient(create_app(settings))


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with make_client(tmp_path) as test_client:
        yield test_client


def check_sample(client: TestClient, sample: Path = PHARMACY) -> None:
    response = upload(client, sample.name, sample.read_bytes())
    assert response.status_code == 202, response.text
    status = wait(client, response.json()["id"], timeout=120)
    assert status["state"] == "done", status
    assert status["summary"]["rows_read"] == mapper.check(sample, as_of=AS_OF).summary.rows_read


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_upload_fails_its_job_and_the_next_upload_is_checked(
    client: TestClient, case: str
) -> None:
    response = upload(client, f"{case}.xlsx", HOSTILE[case]())
    assert response.status_code == 202, response.text
    status = wait(client, response.json()["id"], timeout=120)
    assert status["state"] == "failed", status
    error = status["error"]
    assert "\n" not in error
    # Stopped at the memory limit, or refused by the reader naming the upload.
    assert ("内存" in error and "600 MB memory limit" in error) or error.startswith(case)
    assert client.get("/healthz").json()["ok"]
    check_sample(client)


def test_a_catalog_needing_more_than_the_limit_fails_and_the_server_carries_on(
    tmp_path: Path,
) -> None:
    raw = PHARMACY.read_bytes()
    header, _, rows = raw.partition(b"\n")
    big = header + b"\n" + rows * 400  # 159,200 well-formed rows, about 20 MB
    with make_client(tmp_path, Limits(memory_mb=500, seconds=300)) as client:
        response = upload(client, "big.csv", big)
        assert response.status_code == 202, response.text
        status = wait(client, response.json()["id"], timeout=300)
        assert status["state"] == "failed", status
        assert "500 MB memory limit" in status["error"] and "\n" not in status["error"]
        check_sample(client)


def test_other_jobs_carry_on_beside_a_hostile_one(tmp_path: Path) -> None:
    with make_client(tmp_path, workers=2) as client:
        bomb = upload(client, "bomb.xlsx", shared_strings_bomb()).json()["id"]
        check_sample(client, PHARMACY_XLSX)
        assert wait(client, bomb, timeout=120)["state"] == "failed"
        check_sample(client)


def test_a_check_past_the_time_limit_fails_with_the_limit(tmp_path: Path) -> None:
    with make_client(tmp_path, Limits(memory_mb=600, seconds=0.3)) as client:
        response = upload(client, PHARMACY.name, PHARMACY.read_bytes())
        status = wait(client, response.json()["id"], timeout=60)
    assert status["state"] == "failed"
    assert "时间上限" in status["error"] and "0.3 秒 seconds limit" in status["error"]


def test_a_broken_workbook_fails_with_one_line_naming_the_upload(client: TestClient) -> None:
    truncated = PHARMACY_XLSX.read_bytes()[:3000]
    response = upload(client, "目录.xlsx", truncated)
    status = wait(client, response.json()["id"], timeout=120)
    assert status["state"] == "failed"
    assert "\n" not in status["error"] and status["error"].startswith("目录.xlsx")
    assert "upload.xlsx" not in status["error"]  # the server's path stays hidden


def test_one_line_hides_the_path_and_folds_lines() -> None:
    upload_path = Path("/srv/jobs/abc/upload.xlsx")
    text = f"{upload_path}: cannot be read\nContext:\n    0: sheet\n" + "x" * 1000
    line = one_line(text, upload_path, "目录.xlsx")
    assert line.startswith("目录.xlsx: cannot be read Context: 0: sheet")
    assert "\n" not in line and len(line) == 400 and line.endswith("…")


def test_excel_unicode_text_export_is_checked_like_on_the_command_line(
    client: TestClient, tmp_path: Path
) -> None:
    """Excel's "Unicode text": tab-separated UTF-16LE with a BOM (issue 18 #14)."""
    text = PHARMACY.read_bytes().decode("gb18030").replace(",", "\t")
    assert "\t" in text and '"' not in text  # the sample has no quoted commas to keep
    body = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    saved = tmp_path / "目录.txt"
    saved.write_bytes(body)
    response = upload(client, saved.name, body)
    assert response.status_code == 202, response.text
    status = wait(client, response.json()["id"], timeout=120)
    assert status["state"] == "done", status
    expected = mapper.check(saved, as_of=AS_OF)
    assert status["summary"]["rows_read"] == expected.summary.rows_read > 0
    assert status["summary"]["findings"] == expected.findings.height

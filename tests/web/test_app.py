"""The web app through Starlette's test client: uploads, limits, downloads, cleanup."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from starlette.testclient import TestClient

import mapper
from mapper.web.app import Settings, create_app
from tests.web.support import AS_OF, FORMULA_CSV, PHARMACY, PHARMACY_XLSX, upload, wait

LIMIT = 64 * 1024


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(root=tmp_path / "jobs", max_upload_bytes=LIMIT, retention_seconds=600)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_upload_page_lists_profiles_and_limit(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "huzhou-2022" in page.text and "64 KB" in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("sample", [PHARMACY, PHARMACY_XLSX], ids=["csv", "xlsx"])
def test_sample_summary_equals_mapper_check(client: TestClient, sample: Path) -> None:
    response = upload(client, sample.name, sample.read_bytes())
    assert response.status_code == 202, response.text
    status = wait(client, response.json()["id"])
    assert status["state"] == "done", status
    expected = mapper.check(sample, as_of=AS_OF)
    assert status["summary"]["rows_read"] == expected.summary.rows_read
    assert status["summary"]["by_status"] == expected.summary.by_status
    assert status["summary"]["findings"] == expected.findings.height
    page = client.get(response.json()["report_url"])
    assert page.status_code == 200 and "医保贯标检查报告" in page.text
    found = client.get(f"/jobs/{status['id']}/download/findings.csv")
    assert found.headers["content-type"].startswith("text/csv")
    frame = pl.read_csv(io.BytesIO(found.content))
    assert frame.height == expected.findings.height
    assert sorted(frame.get_column("rule")) == sorted(expected.findings.get_column("rule"))
    catalog = pl.read_excel(
        io.BytesIO(client.get(f"/jobs/{status['id']}/download/catalog.xlsx").content)
    )
    assert catalog.height == expected.summary.rows_read
    assert "status" in catalog.columns and "suggested_code" in catalog.columns


def test_empty_file_is_rejected(client: TestClient) -> None:
    response = upload(client, "empty.csv", b"")
    assert response.status_code == 400
    assert "文件为空" in response.json()["error"] and "empty" in response.json()["error"]


def test_file_over_the_limit_is_rejected(client: TestClient, tmp_path: Path) -> None:
    response = upload(client, "big.csv", b"a,b\n" + b"1,2\n" * LIMIT)
    assert response.status_code == 413
    assert "64 KB" in response.json()["error"] and "文件太大" in response.json()["error"]
    assert list((tmp_path / "jobs").iterdir()) == []  # nothing left behind


def test_streamed_body_over_the_limit_is_cut_off(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: the server counts as it streams
        for _ in range(LIMIT // 1024 + 2):
            yield b"x" * 1024

    response = client.post("/api/jobs", params={"name": "big.csv"}, content=chunks())
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("name", "body", "status", "words"),
    [
        ("catalog.pdf", b"%PDF-1.4", 415, "不支持的文件类型"),
        ("catalog", b"a,b\n", 415, "Unsupported file type"),
        ("catalog.xlsx", b"a,b\n1,2\n", 415, "does not match"),
        ("catalog.csv", b"PK\x03\x04zipped", 415, "does not match"),
        ("catalog.csv", b"a,b\x00\n", 415, "does not match"),
    ],
)
def test_wrong_types_are_rejected(
    client: TestClient, name: str, body: bytes, status: int, words: str
) -> None:
    response = upload(client, name, body)
    assert response.status_code == status
    assert words in response.json()["error"]


def test_bad_policy_and_date_are_rejected(client: TestClient) -> None:
    body = PHARMACY.read_bytes()
    bad_policy = upload(client, "a.csv", body, policy="../../etc/x.toml")
    assert bad_policy.status_code == 400 and "policy" in bad_policy.json()["error"]
    assert upload(client, "a.csv", body, as_of="tomorrow").status_code == 400


def test_a_date_time_places_the_upload_on_the_cut_over(client: TestClient) -> None:
    """湖州: “会导致2022年2月10日23时-2022年2月14日24时，暂停医保实时结算（含医保电子凭证）……”"""
    body = PHARMACY.read_bytes()
    for as_of, phase in (("2022-02-10T22:59", "before_suspension"),
                         ("2022-02-10T23:00", "settlement_suspended")):  # fmt: skip
        response = upload(client, PHARMACY.name, body, policy="huzhou-2022", as_of=as_of)
        assert response.status_code == 202, response.text
        status = wait(client, response.json()["id"])
        assert status["summary"]["cutover"]["phase"] == phase
        page = client.get(response.json()["report_url"]).text
        assert f'data-phase="{phase}"' in page and 'id="countdown"' in page
    assert upload(client, "a.csv", body, as_of="2022-02-10T25:00").status_code == 400


@pytest.mark.parametrize(
    "sample", ["broken_no_code_column.csv", "broken_ragged_rows.csv", "empty.csv"]
)
def test_malformed_file_gives_a_clear_message(client: TestClient, sample: str) -> None:
    path = PHARMACY.parent / sample
    response = upload(client, f"<b>{sample}", path.read_bytes())
    if response.status_code != 202:  # a 0-byte sample never reaches the check
        assert response.status_code == 400
        return
    status = wait(client, response.json()["id"])
    assert status["state"] == "failed" and status["error"]
    assert str(PHARMACY.parent) not in status["error"]  # no server path in the message
    page = client.get(response.json()["report_url"])
    assert page.status_code == 422
    assert "<b>" not in page.text and "&lt;b&gt;" in page.text  # the name is escaped
    assert client.get(f"/jobs/{status['id']}/download/findings.csv").status_code == 404


def test_formula_cells_are_neutralised_in_downloads(client: TestClient) -> None:
    response = upload(client, "formula.csv", FORMULA_CSV)
    status = wait(client, response.json()["id"])
    assert status["state"] == "done", status
    base = f"/jobs/{status['id']}/download"
    for name in ("findings", "catalog"):
        csv = pl.read_csv(io.BytesIO(client.get(f"{base}/{name}.csv").content), infer_schema=False)
        xlsx = pl.read_excel(
            io.BytesIO(client.get(f"{base}/{name}.xlsx").content), infer_schema_length=0
        )
        for frame in (csv, xlsx):
            cells = [v for col in frame.iter_columns() for v in col.drop_nulls()] + frame.columns
            assert not [v for v in cells if v[:1] in ("=", "+", "@", "\t", "\r")], frame
            assert not [v for v in cells if v.startswith("-") and not v.lstrip("-").isdigit()]
    catalog = pl.read_csv(io.BytesIO(client.get(f"{base}/catalog.csv").content), infer_schema=False)
    assert "'=1+1" in catalog.get_column("item_id").to_list()
    assert "-5" in catalog.get_column("spec").to_list()  # a plain number stays a number


@pytest.mark.parametrize(
    "path",
    [
        "/jobs/..%2F..%2Fetc%2Fpasswd",
        "/jobs/0123456789abcdef0123456789abcdef",
        "/jobs/ZZZ/download/findings.csv",
        "/api/jobs/..",
    ],
)
def test_unknown_or_invalid_job_ids_are_404(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


def test_download_names_come_from_a_fixed_list(client: TestClient) -> None:
    response = upload(client, "a.csv", PHARMACY.read_bytes())
    job_id = wait(client, response.json()["id"])["id"]
    assert client.get(f"/jobs/{job_id}/download/upload.csv").status_code == 404
    assert client.get(f"/jobs/{job_id}/download/..%2Fupload.csv").status_code == 404
    assert client.get(f"/jobs/{job_id}/download/report.html").status_code == 200


def test_expired_jobs_and_stray_folders_are_deleted(client: TestClient, tmp_path: Path) -> None:
    response = upload(client, "a.csv", PHARMACY.read_bytes())
    job_id = wait(client, response.json()["id"])["id"]
    stray = tmp_path / "jobs" / ("f" * 32)  # left by an earlier run of the server
    stray.mkdir()
    store = client.app.state.store  # type: ignore[attr-defined]
    assert store.sweep() == 0
    assert store.sweep(now=time.time() + 601) == 2
    assert not (tmp_path / "jobs" / job_id).exists() and not stray.exists()
    assert client.get(f"/api/jobs/{job_id}").status_code == 404


def test_startup_removes_stale_job_folders(tmp_path: Path) -> None:
    stale = tmp_path / "jobs" / ("a" * 32)
    stale.mkdir(parents=True)
    (stale / "upload.csv").write_text("x")
    os.utime(stale, (0, 0))
    settings = Settings(root=tmp_path / "jobs", retention_seconds=60)
    with TestClient(create_app(settings)):
        assert not stale.exists()


def test_shutdown_deletes_this_runs_jobs(tmp_path: Path) -> None:
    settings = Settings(root=tmp_path / "jobs", max_upload_bytes=LIMIT)
    with TestClient(create_app(settings)) as client:
        job_id = wait(client, upload(client, "a.csv", PHARMACY.read_bytes()).json()["id"])["id"]
        assert (tmp_path / "jobs" / job_id).exists()
    assert list((tmp_path / "jobs").iterdir()) == []

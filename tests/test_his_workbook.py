"""The HIS workbook sample (issue 17): one run reads its three catalog sheets, skips and lists
the section and total rows and the cover sheet, and finds every planted problem at the sheet
and row Excel shows, nothing else; a CSV with such rows streams to the same result."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
from click.testing import CliRunner

import mapper
from mapper.cli.main import cli
from mapper.stream import check_to
from tests.support import REPO

SAMPLES = REPO / "sample_catalogs"
WORKBOOK = SAMPLES / "his_workbook.xlsx"
AS_OF = dt.date(2026, 11, 23)


def _planted() -> pl.DataFrame:
    return pl.read_csv(SAMPLES / "his_workbook_planted.csv", infer_schema=False)


def test_check_reads_every_sheet_and_lists_what_it_skipped(tmp_path: Path) -> None:
    out = CliRunner().invoke(
        cli, ["check", str(WORKBOOK), "--as-of", "2026-11-23", "--out", str(tmp_path)]
    )
    assert out.exit_code == 1, out.output  # the planted errors
    text = out.output
    for sheet in ("药品目录", "卫生材料", "诊疗项目"):
        assert sheet in text
    assert "说明" in text and "not read: no code column" in text
    assert "卫生材料: code column 国家码 (found by its values" in text
    assert "一、西药" in text and "合计：18 条" in text and "共 10 条" in text
    assert "药品目录!7" in text  # the uncoded drug, where Excel shows it
    report = json.loads((tmp_path / "report.json").read_text("utf-8"))
    assert [s["sheet"] for s in report["sheets_read"]] == ["药品目录", "卫生材料", "诊疗项目"]
    assert [s["sheet"] for s in report["sheets_skipped"]] == ["说明"]
    assert [s["sheet"] for s in report["summary"]["by_sheet"]] == [
        "药品目录",
        "卫生材料",
        "诊疗项目",
    ]
    skipped = pl.read_csv(SAMPLES / "his_workbook_skipped.csv", infer_schema=False)
    listed = [(r["sheet"], str(r["row"]), r["kind"], r["text"]) for r in report["skipped_rows"]]
    assert listed == skipped.rows()
    assert pl.read_csv(tmp_path / "skipped_rows.csv").height == skipped.height
    findings = pl.read_csv(tmp_path / "findings.csv", infer_schema=False)
    assert {"sheet", "sheet_row"} <= set(findings.columns)
    html = (tmp_path / "report.html").read_text("utf-8")
    assert 'id="sheets"' in html and 'id="skipped-rows"' in html and "药品目录!7" in html


def test_every_planted_problem_and_nothing_else() -> None:
    result = mapper.check(WORKBOOK, as_of=AS_OF)
    found = result.located_findings.select(
        "sheet", pl.col("sheet_row").cast(pl.String), "item_id", "rule"
    )
    wanted = _planted().select("sheet", "row", "item_id", "rule")
    assert sorted(found.rows()) == sorted(wanted.rows())
    items = result.items
    assert items.get_column("row").n_unique() == items.height  # row stays a unique key
    assert items.height == 38 and result.summary.rows_read == 38
    # Each sheet's rows: items + skipped rows + its header (and the title row of 药品目录).
    last_row = {"药品目录": 25, "卫生材料": 14, "诊疗项目": 13}
    skipped = result.reading.skipped
    for sheet, last in last_row.items():
        own = items.filter(pl.col("sheet") == sheet).height
        heads = 2 if sheet == "药品目录" else 1
        assert own + skipped.filter(pl.col("sheet") == sheet).height + heads == last


def test_structure_rows_stream_as_they_are_read(tmp_path: Path) -> None:
    rows = [
        "院内编码,药品名称,医保编码,单价",
        ",一、西药,,",
        "XY1,小儿化痰止咳颗粒,ZA06BCX0395010205092,5.20",
        "XY2,阿莫西林胶囊,,12.50",
        ",合计,,17.70",
    ]
    path = tmp_path / "c.csv"
    path.write_text("\n".join(rows) + "\n", "utf-8")
    eager = mapper.check(path, as_of=AS_OF)
    streamed = check_to(path, tmp_path / "out", as_of=AS_OF)
    assert streamed.reading.skipped.equals(eager.reading.skipped)
    assert eager.reading.skipped.select("row", "kind").rows() == [(2, "section"), (5, "total")]
    assert streamed.items.get_column("row").to_list() == eager.items.get_column("row").to_list()
    assert eager.items.get_column("sheet").to_list() == [None, None]
    assert eager.items.get_column("sheet_row").to_list() == [3, 4]

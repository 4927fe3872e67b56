"""Validating a release file row by row, on whole columns.

Every check is a filter producing rows of one *problems* frame (``row``, ``column`` — the
published header —, ``value``, ``reason``); :func:`validate` returns it with the records that
passed, converted to the reference schema. Checks: the code is present and well-formed for the
system, no code appears twice, required attributes are present, dates parse and are ordered,
the payment category is 甲/乙/丙.
"""

from __future__ import annotations

import polars as pl

from mapper.codes import SYSTEMS, system_expr
from mapper.reference.layouts import LAYOUTS
from mapper.reference.release_file import ReleaseFile
from mapper.reference.schema import REFERENCE_SCHEMA

PROBLEMS_SCHEMA = {"row": pl.Int64, "column": pl.String, "value": pl.String, "reason": pl.String}

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日")
# Published "not in the insurance list" spellings: stored as null, not rejected.
NOT_LISTED = ("无", "非医保", "-", "/", "—")


def parse_date(text: pl.Expr) -> pl.Expr:
    """A date from the spellings release files use (a trailing time of day is ignored)."""
    day = text.str.replace(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$", "")
    return pl.coalesce([day.str.to_date(f, strict=False) for f in DATE_FORMATS])


def payment_expr(text: pl.Expr) -> pl.Expr:
    """甲/乙/丙 from 甲类, 乙类, 丙类, 自费 …; null for empty or not-listed; else "?"."""
    return (
        pl.when(text.is_null() | text.is_in(NOT_LISTED))
        .then(pl.lit(None, pl.String))
        .when(text.str.contains("甲"))
        .then(pl.lit("甲"))
        .when(text.str.contains("乙"))
        .then(pl.lit("乙"))
        .when(text.str.contains("丙|自费"))
        .then(pl.lit("丙"))
        .otherwise(pl.lit("?"))
    )


def _problems(
    frame: pl.LazyFrame, condition: pl.Expr, header: str, value: str, reason: pl.Expr
) -> pl.LazyFrame:
    return frame.filter(condition).select(
        pl.col("row"),
        pl.lit(header).alias("column"),
        pl.col(value).cast(pl.String).alias("value"),
        reason.alias("reason"),
    )


def _code_problems(frame: pl.LazyFrame, system: str, header: str) -> list[pl.LazyFrame]:
    spec = SYSTEMS[system]
    code = pl.col("code")
    other = system_expr(code)
    wrong_system = pl.format(
        "是{}编码，不是{}编码 / a {} code, not a {} code",
        other,
        pl.lit(spec.label),
        other,
        pl.lit(system),
    )
    malformed = frame.filter(code.is_not_null() & ~code.str.contains(spec.regex))
    duplicates = (
        frame.filter(code.is_not_null())
        .group_by("code")
        .agg(pl.col("row").sort().alias("rows"))
        .filter(pl.col("rows").list.len() > 1)
        .with_columns(
            reason=pl.format(
                "编码重复（第{}行） / duplicate code, rows {}",
                pl.col("rows").cast(pl.List(pl.String)).list.join(", "),
                pl.col("rows").cast(pl.List(pl.String)).list.join(", "),
            )
        )
        .explode("rows")
        .rename({"rows": "row"})
    )
    return [
        _problems(frame, code.is_null(), header, "code", pl.lit("缺少编码 / missing code")),
        _problems(
            malformed,
            pl.lit(True),
            header,
            "code",
            pl.when(other.is_not_null()).then(wrong_system).otherwise(spec.explain_expr(code)),
        ),
        duplicates.select(
            "row", pl.lit(header).alias("column"), pl.col("code").alias("value"), "reason"
        ),
    ]


def _date_problems(frame: pl.LazyFrame, columns: dict[str, str]) -> list[pl.LazyFrame]:
    out = []
    for name in ("valid_from", "valid_to"):
        if name in columns:
            out.append(
                _problems(
                    frame,
                    pl.col(name).is_not_null() & parse_date(pl.col(name)).is_null(),
                    columns[name],
                    name,
                    pl.lit("不是日期 / not a date (use YYYY-MM-DD)"),
                )
            )
    if "valid_from" in columns and "valid_to" in columns:
        out.append(
            _problems(
                frame,
                parse_date(pl.col("valid_to")) < parse_date(pl.col("valid_from")),
                columns["valid_to"],
                "valid_to",
                pl.format(
                    "结束日期早于开始日期{} / ends before it starts ({})",
                    pl.col("valid_from"),
                    pl.col("valid_from"),
                ),
            )
        )
    return out


def find_problems(release: ReleaseFile) -> pl.DataFrame:
    """Every problem of the file, one row per (row, column, reason), ordered by row."""
    layout = LAYOUTS[release.system]
    cols = release.columns
    frame = release.frame.lazy()
    parts = _code_problems(frame, release.system, cols["code"])
    for src in layout.sources:
        if src.required and src.column != "code":
            parts.append(
                _problems(
                    frame,
                    pl.col(src.column).is_null(),
                    cols[src.column],
                    src.column,
                    pl.lit(f"缺少必填项{cols[src.column]} / required value missing"),
                )
            )
    parts.extend(_date_problems(frame, cols))
    if "payment_category" in cols:
        parts.append(
            _problems(
                frame,
                payment_expr(pl.col("payment_category")) == "?",
                cols["payment_category"],
                "payment_category",
                pl.lit("医保类别应为甲/乙/丙 / payment category must be 甲, 乙 or 丙"),
            )
        )
    return (
        pl.concat([p.cast(PROBLEMS_SCHEMA) for p in parts])  # type: ignore[arg-type]
        .sort("row", "column", maintain_order=True)
        .collect()
    )


def to_records(release: ReleaseFile, source: str) -> pl.DataFrame:
    """The file's rows in the reference schema (plus ``extra``); run on validated rows."""
    layout = LAYOUTS[release.system]
    name = pl.col("name")
    generic = pl.col("generic_name")
    return release.frame.select(
        pl.col("code"),
        pl.lit(release.system).alias("system"),
        name,
        (pl.coalesce(generic, name) if layout.generic_from_name else generic).alias("generic_name"),
        *[pl.col(c) for c in ("spec", "dosage_form", "package", "unit", "manufacturer")],
        pl.col("approval_no"),
        pl.col("base_code"),
        payment_expr(pl.col("payment_category")).alias("payment_category"),
        parse_date(pl.col("valid_from")).alias("valid_from"),
        parse_date(pl.col("valid_to")).alias("valid_to"),
        pl.col("market_status"),
        pl.lit(source).alias("source"),
        pl.col("extra"),
    ).cast(dict(REFERENCE_SCHEMA))  # type: ignore[arg-type]


def validate(release: ReleaseFile, source: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(records of the rows without problems, problems frame)."""
    problems = find_problems(release)
    bad = problems.get_column("row").unique()
    good = release.frame.filter(~pl.col("row").is_in(bad.implode()))
    kept = ReleaseFile(
        path=release.path,
        system=release.system,
        frame=good,
        columns=release.columns,
        encoding=release.encoding,
        blank_rows=release.blank_rows,
    )
    return to_records(kept, source), problems

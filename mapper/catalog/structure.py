"""Rows that structure a catalog rather than list an item: section headers and totals.

HIS and POS exports put group rows between the items (``一、西药``, ``(三)卫生材料``,
``第一类``, ``中成药类``, a merged row whose one text sits in its first cell or is repeated
across the merge) and total rows below them (``合计``, ``小计``, ``合计：300 条``, ``共 300 条``,
often with amounts in the money columns). They are not items: they are never checked and count
in no rate, but they are listed with their row numbers (:data:`SKIPPED_SCHEMA`), so no row of
the file disappears silently.

A row is one of them only when all of this holds, judged column by column for every row at once:

- its code and local-id cells are empty (or hold the row's one text, repeated by a merge);
- apart from numbers (counts, amounts), its non-empty cells hold one text, at most;
- that text reads as a total (:data:`TOTAL`) or a section heading (:data:`SECTION`).

An uncoded item that has only a name is therefore still an item: a row is skipped for what its
text says, never for being sparse.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import polars as pl

Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)

# What a skipped row is reported as: its row, its sheet (null outside workbooks), what kind of
# row it is (section | total) and its text.
SKIPPED_SCHEMA = pl.Schema(
    {"row": pl.Int64(), "sheet": pl.String(), "kind": pl.String(), "text": pl.String()}
)
KIND = "structure"  # the column flagging these rows while reading (null on items)

# A cell that is only a number: a count, an amount (¥1,234.50, 300元, -12.5, 15%).
NUMBER = r"^[¥￥$]?[-+]?\d[\d,]*(?:\.\d+)?(?:元|%)?$|^[-+]?\.\d+$"
# Totals: 合计 / 小计 / 总计 / 共计 (also 西药小计, 本页合计, 合计：300 条), 共 300 条, Total.
TOTAL = (
    r"^.{0,12}(?:合计|小计|总计|共计)(?:$|[\s:(（\[【].*$|\d.*$|金额.*$|数量.*$)"
    r"|^共\s*\d[\d,]*\s*(?:条|项|行|个|种|笔|条记录|项目)(?:记录)?$"
    r"|^(?i:(?:sub|grand)?\s*totals?)\b.*$"
)
NUMBERED = r"[一二三四五六七八九十百零〇]+"
# Category words a group row names (alone, or after its numbering): the line types a HIS or
# POS catalog groups by.
GROUP_WORDS = (
    "药品", "西药", "中成药", "中药", "中草药", "草药", "中药饮片", "饮片", "配方颗粒", "化学药",
    "化学药品", "生物制品", "民族药", "医疗机构制剂", "院内制剂", "制剂", "卫生材料", "医用耗材",
    "耗材", "材料", "医疗器械", "器械", "诊疗项目", "医疗服务", "医疗服务项目", "服务项目",
    "检查", "检验", "化验", "治疗", "手术", "护理", "床位", "非药品", "保健品", "保健食品",
    "消毒用品", "日用品", "其他", "其它",
)  # fmt: skip
_GROUP = "|".join(sorted(GROUP_WORDS, key=len, reverse=True))
_GROUP_NAME = rf"[\[【]?(?:{_GROUP})(?:类|部分|目录|项目|清单|明细)?[\]】]?(?:\s*\([^)]{{0,12}}\))?"
# Sections: numbered in Chinese (一、西药, (三)卫生材料, 第一类, 第二部分 中成药: any short
# heading), numbered in digits (1. 西药, (2)卫生材料: a category word only, since an item can
# be named 1.5%过氧化氢), or a bare category word with an optional suffix (中成药类, 西药部分,
# 诊疗项目目录, 【卫生材料】, 西药(共120项)).
SECTION = (
    rf"^{NUMBERED}\s*[、.]\s*\S.{{0,24}}$"
    rf"|^[(\[【]\s*{NUMBERED}\s*[)\]】]\s*\S.{{0,24}}$"
    rf"|^第\s*(?:{NUMBERED}|\d{{1,2}})\s*(?:类|部分|章|节|篇|大类|组)(?:\s*[:、.]?\s*.{{0,24}})?$"
    rf"|^(?:\d{{1,2}}\s*[、.]|[(\[【]\s*\d{{1,2}}\s*[)\]】])?\s*{_GROUP_NAME}$"
)


def source_cells(columns: Sequence[str]) -> list[str]:
    """The columns of a canonical frame that hold the file's cells (not the row number, the
    sheet name or a flag the reader added)."""
    return [c for c in columns if c not in ("row", "sheet", "blank", KIND)]


def _cell(column: str, candidate: pl.Expr | None = None) -> pl.Expr:
    """A cell's text, stripped; null when empty or only a number (or, with ``candidate``,
    on rows that cannot be a heading: the text work then skips them)."""
    text = pl.col(column).cast(pl.String)
    if candidate is not None:
        text = pl.when(candidate).then(text)
    text = text.str.strip_chars()
    return pl.when(text.is_not_null() & (text != "") & ~text.str.contains(NUMBER)).then(text)


# A code or local id as catalogs write them: printable ASCII.
_ASCII_ID = r"^[\x20-\x7e]+$"


def _candidate(code: str, item_id: str) -> pl.Expr:
    """Rows that may be headings: no code and no local id written in ASCII (a heading's text
    repeated there by a merge is Chinese). An item with a code or id fails this cheap test, so
    the text work runs on the few rows left."""
    ids = [pl.col(c).cast(pl.String) for c in (code, item_id)]
    return pl.all_horizontal([(c.is_null() | ~c.str.contains(_ASCII_ID)) for c in ids])


def flag_structure(
    frame: Frame, cells: Sequence[str], code: str = "code", item_id: str = "item_id"
) -> Frame:
    """``frame`` with :data:`KIND`: ``section``, ``total`` or null for every row, from its
    ``cells`` (every source column, ``code`` and ``item_id`` among them). In steps, each on
    the columns of the last: one expression repeats the row's text in every comparison."""
    texts = [f"__structure_text{i}" for i in range(len(cells))]
    candidate = pl.col("__structure_candidate")
    first = pl.col("__structure_first")

    def empty_or_merged(column: str) -> pl.Expr:  # empty, or the row's one text repeated
        cell = pl.col(column).cast(pl.String).str.strip_chars()
        return cell.is_null() | (cell == "") | (cell == first)

    folded = first.str.normalize("NFKC").str.replace_all(r"\s+", " ")
    kind = (
        pl.when(folded.str.contains(TOTAL))
        .then(pl.lit("total"))
        .when(folded.str.contains(SECTION))
        .then(pl.lit("section"))
    )
    # A row with a code, or with a local id (an uncoded item named 中药饮片 has one), is an item.
    no_code = empty_or_merged(code) & empty_or_merged(item_id)
    one_text = pl.all_horizontal([pl.col(t).is_null() | (pl.col(t) == first) for t in texts])
    return (
        frame.with_columns(_candidate(code, item_id).alias("__structure_candidate"))
        .with_columns(_cell(c, candidate).alias(t) for c, t in zip(cells, texts, strict=True))
        .with_columns(pl.coalesce(texts).alias("__structure_first"))
        .with_columns(pl.when(first.is_not_null() & no_code & one_text).then(kind).alias(KIND))
        .drop(*texts, "__structure_first", "__structure_candidate")
    )


def structure_text(cells: Sequence[str]) -> pl.Expr:
    """The row's one text (what a skipped row is listed with)."""
    return pl.coalesce([_cell(c) for c in cells]).alias("text")


def skipped_rows(frame: pl.DataFrame | pl.LazyFrame, cells: Sequence[str]) -> pl.LazyFrame:
    """The structure rows of a frame flagged in :data:`KIND`, as :data:`SKIPPED_SCHEMA`."""
    return (
        frame.lazy()
        .filter(pl.col(KIND).is_not_null())
        .select("row", "sheet", pl.col(KIND).alias("kind"), structure_text(cells))
        .cast(dict(SKIPPED_SCHEMA))  # type: ignore[arg-type]
    )


def no_skipped() -> pl.DataFrame:
    return pl.DataFrame(schema=SKIPPED_SCHEMA)

"""The streamed check (mapper.stream.check_to, `mapper check --out DIR --out-format parquet`)
gives exactly what the in-memory check gives, from files, without leaving work files behind."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from polars.testing import assert_frame_equal

import mapper
from mapper.cli.main import cli
from mapper.policy.readiness import cash_items
from mapper.stream import check_to

SAMPLES = Path(__file__).resolve().parents[1] / "sample_catalogs"
AS_OF = dt.date(2026, 11, 23)


def as_text(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.col(pl.Categorical).cast(pl.String))


@pytest.mark.parametrize(
    "name",
    [
        "pharmacy_catalog_gbk.csv",
        "hospital_catalog_gbk.csv",
        "hospital_catalog.xlsx",
        "pharmacy_catalog.xlsx",
    ],
)
def test_streamed_check_equals_the_in_memory_check(name: str, tmp_path: Path) -> None:
    eager = mapper.check(SAMPLES / name, as_of=AS_OF, policy="harbin-2021")
    streamed = check_to(SAMPLES / name, tmp_path, as_of=AS_OF, policy="harbin-2021")
    assert_frame_equal(streamed.findings, eager.findings)
    assert_frame_equal(as_text(streamed.items), eager.items)
    assert streamed.summary.to_dict() == eager.summary.to_dict()
    assert streamed.blank_rows == eager.blank_rows
    assert streamed.exit_code() == eager.exit_code()
    # Cash items are written with the items, not read back from them.
    cash = pl.read_parquet(tmp_path / "cash_items.parquet")
    assert_frame_equal(as_text(cash), cash_items(eager.items).collect())
    # Only the outputs remain: the per-row work files are gone.
    outputs = ["cash_items.parquet", "findings.parquet", "items.parquet"]
    assert sorted(p.name for p in tmp_path.iterdir()) == outputs


def test_duplicate_local_ids_found_across_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CAT rules see the whole catalog when its rows arrive in many chunks, and products
    checked in chunks give the same findings."""
    import mapper.pipeline.driver as stream

    monkeypatch.setattr(stream, "CHUNK_ROWS", 50)
    monkeypatch.setattr(stream, "PRODUCT_CHUNK", 120)
    source = SAMPLES / "hospital_catalog_gbk.csv"
    eager = mapper.check(source, as_of=AS_OF)
    streamed = check_to(source, tmp_path, as_of=AS_OF)
    assert_frame_equal(streamed.findings, eager.findings)
    cat = streamed.findings.filter(pl.col("rule").str.starts_with("CAT"))
    assert (
        cat.height > 0
        and cat.height == eager.findings.filter(pl.col("rule").str.starts_with("CAT")).height
    )
    assert_frame_equal(as_text(streamed.items), eager.items)
    cash = pl.read_parquet(tmp_path / "cash_items.parquet")  # from many chunks, in row order
    assert_frame_equal(as_text(cash), cash_items(eager.items).collect())


def test_a_product_kept_once_per_key_and_check_pair() -> None:
    from mapper.pipeline.driver import CHECK, PRODUCT, _unseen

    seen = pl.DataFrame(
        {PRODUCT: [5, 9], CHECK: [1, 2]}, schema=dict.fromkeys((PRODUCT, CHECK), pl.UInt64)
    )
    chunk = pl.DataFrame(
        {PRODUCT: [5, 5, 7, 9, 10, 1], CHECK: [1, 3, 1, 2, 0, 0], "name": list("abcdef")},
        schema_overrides={PRODUCT: pl.UInt64, CHECK: pl.UInt64},
    )
    # (5, 3): key 5 seen with another check, a collision, kept for the caller to find.
    assert _unseen(chunk, seen).get_column("name").to_list() == ["b", "c", "e", "f"]
    assert _unseen(chunk, seen.clear()).height == chunk.height


def test_colliding_product_keys_are_found_and_rekeyed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under the first seed every product gets the same key: the first pass finds the
    collision (across chunks too) and keys again with the next seed, so the result is exact."""
    import mapper.pipeline.driver as stream
    from mapper.engine import HASH_SEEDS, PRODUCT

    real = stream.product_key
    seeds: list[int] = []

    def degenerate(seed: int) -> pl.Expr:
        seeds.append(seed)
        return pl.lit(0, pl.UInt64).alias(PRODUCT) if seed == HASH_SEEDS[0] else real(seed)

    monkeypatch.setattr(stream, "product_key", degenerate)
    monkeypatch.setattr(stream, "CHUNK_ROWS", 50)
    source = SAMPLES / "hospital_catalog_gbk.csv"
    eager = mapper.check(source, as_of=AS_OF)
    streamed = check_to(source, tmp_path, as_of=AS_OF)
    assert seeds[:2] == list(HASH_SEEDS[:2])
    assert_frame_equal(streamed.findings, eager.findings)
    assert_frame_equal(as_text(streamed.items), eager.items)


def test_a_collision_across_chunks_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two distinct products in different chunks under one key: the later chunk keeps its
    product (same key, another check hash), so the first pass reports the collision."""
    import mapper.pipeline.driver as stream
    from mapper.catalog.scan import scan_catalog
    from mapper.engine import HASH_SEEDS, PRODUCT, collision_free

    monkeypatch.setattr(stream, "product_key", lambda seed: pl.lit(7, pl.UInt64).alias(PRODUCT))
    monkeypatch.setattr(stream, "CHUNK_ROWS", 1)
    source = tmp_path / "two.csv"
    source.write_text(
        "院内编码,项目名称,国家医保编码,项目类别\n"
        "A1,阿莫西林胶囊,XJ01CAA040A001010104459,西药\n"
        "A2,布洛芬缓释胶囊,XN02BAB034E001010204476,西药\n",
        encoding="utf-8",
    )
    rows = stream.MemoryRows()
    with scan_catalog(source) as catalog:
        first = stream.first_pass(catalog, rows, HASH_SEEDS[0], chunk_rows=stream.CHUNK_ROWS)
    assert len(rows.frames) == 2  # one row a chunk
    assert first.products.height == 2 and not collision_free(first.products)


def test_item_text_has_the_same_categories_on_both_paths() -> None:
    """The catalog's own text comes back from the products (categorical already) or is cast:
    either way each item column has the same categories, so item tables concatenate."""
    from mapper.checking import CATALOG_TEXT, _categorical_items, categorical
    from mapper.engine import PRODUCT

    assessed = pl.DataFrame(
        {PRODUCT: [1, 2], **{c: ["a", "b"] for c in CATALOG_TEXT}, "line_type": ["drug"] * 2},
        schema_overrides={PRODUCT: pl.UInt64},
    )
    given = assessed.select(
        PRODUCT, *[pl.col(item).alias(column) for item, column in CATALOG_TEXT.items()]
    )
    fast = _categorical_items(assessed, categorical(given))
    slow = _categorical_items(assessed, given)
    assert fast.schema == slow.schema
    assert pl.concat([fast, slow]).height == 4
    assert as_text(fast).equals(assessed)
    # Products in another order than the items: each item still gets its own product's text.
    shuffled = _categorical_items(assessed, categorical(given).reverse())
    assert as_text(shuffled).equals(assessed)


def test_cli_streams_when_only_streamable_formats_are_asked(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        [
            "check",
            str(SAMPLES / "hospital_catalog_gbk.csv"),
            "--as-of",
            "2026-11-23",
            "--out",
            str(out),
            "--out-format",
            "parquet",
            "--out-format",
            "csv",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 1, result.output  # the sample has planted errors
    eager = mapper.check(SAMPLES / "hospital_catalog_gbk.csv", as_of=AS_OF)
    summary = json.loads(result.stdout)["summary"]
    assert summary["rows_read"] == eager.summary.rows_read == 1996
    assert summary["by_status"] == eager.summary.by_status
    items = pl.read_parquet(out / "items.parquet")
    assert items.height == 1996 and items.get_column("row").is_sorted()
    assert pl.read_csv(out / "items.csv").height == 1996
    assert pl.read_parquet(out / "findings.parquet").height == eager.findings.height
    assert not list(out.glob(".mapper-*"))  # work files removed
    assert not (out / "report.xlsx").exists()


def test_cli_streamed_bad_file_names_file_and_row(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "check",
            str(SAMPLES / "broken_ragged_rows.csv"),
            "--out",
            str(tmp_path),
            "--out-format",
            "parquet",
        ],
    )
    assert result.exit_code == 2
    assert "broken_ragged_rows.csv" in result.output
    assert "row" in result.output.lower() or "行" in result.output
    assert "Traceback" not in result.output
    assert not list(tmp_path.glob(".mapper-*"))


def test_bad_byte_after_pyarrow_takes_over_names_the_row(tmp_path: Path) -> None:
    """A quote inside an unquoted cell hands the file to pyarrow; a bad byte beyond the
    encoding-detection prefix must still end in the eager reader's error, with its row."""
    rows = [b"code,name,spec"] + [f"T{i:09d},drug{i},{i}g".encode() for i in range(1, 200_001)]
    rows[10] = b'T000000010,12"x,1g'
    rows[190_000] = b"T000190000,\xff\xfe,1g"  # neither UTF-8 nor GB18030, ~5 MB in
    path = tmp_path / "bad.csv"
    path.write_bytes(b"\n".join(rows) + b"\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["check", str(path), "--select", "COD001", "--out", str(out), "--out-format", "parquet"],
    )
    assert result.exit_code == 2
    assert "row 190001" in result.output and "unexpected" not in result.output
    assert not list(out.glob(".mapper-*"))


def test_out_format_needs_out() -> None:
    result = CliRunner().invoke(
        cli, ["check", str(SAMPLES / "pharmacy_catalog_gbk.csv"), "--out-format", "parquet"]
    )
    assert result.exit_code == 2 and "--out" in result.output


def test_item_columns_of_product_chunks_are_stacked_into_one_chunk() -> None:
    """The second pass gathers item columns by position, fastest from one chunk per column;
    stacking lets go of the chunks' frames (the list is emptied)."""
    from mapper.checking import _contiguous

    chunks = [
        pl.DataFrame({"product": [1, 2], "name": ["阿莫西林胶囊", None]}),
        pl.DataFrame({"product": [5], "name": ["布洛芬缓释胶囊"]}),
    ]
    expected = pl.concat(chunks)
    stacked = _contiguous(chunks)
    assert_frame_equal(stacked, expected)
    assert stacked.n_chunks("all") == [1, 1]
    assert chunks == []


def test_an_items_problem_shares_the_categories_of_finding_messages() -> None:
    """An item's problem is its worst finding's message: the product check in chunks keeps
    both as categoricals of one set, so the texts are held once."""
    from mapper.catalog.scan import scan_catalog
    from mapper.checking import prepare
    from mapper.engine import HASH_SEEDS
    from mapper.pipeline.driver import MemoryRows, first_pass

    setup = prepare(None, as_of=AS_OF)
    with scan_catalog(SAMPLES / "pharmacy_catalog_gbk.csv") as catalog:
        products = first_pass(catalog, MemoryRows(), HASH_SEEDS[0]).products
    checked = setup.check_products(products, chunk=40)
    problem, message = checked.assessed.get_column("problem"), checked.findings["message"]
    assert problem.dtype == message.dtype == pl.Categorical(pl.Categories("mapper.message"))
    worst = problem.drop_nulls().cast(pl.String)
    assert worst.len() > 0 and worst.is_in(message.cast(pl.String).implode()).all()


@pytest.fixture
def throwaway_rules() -> Iterator[tuple[str, str]]:
    """A row rule over every row (unit price above 100) and a product rule reading a
    release column no shipped rule reads (``ref_package``), registered for one test."""
    from mapper.rules import RULES, CheckContext, Rule, Severity, register

    class Expensive(Rule):
        """Unit price above 100."""

        code = "TMP901"
        scope = "row"
        name = "throwaway-expensive"
        severity = Severity.INFO
        field = "unit_price"
        message = "单价{actual}高于100 / unit price {actual} above 100"

        def condition(self, ctx: CheckContext) -> pl.Expr:
            return pl.col("unit_price").cast(pl.Float64, strict=False) > 100

    class Packaged(Rule):
        """The release lists a package for the code."""

        code = "TMP902"
        name = "throwaway-packaged"
        severity = Severity.INFO
        field = "code"
        message = "编码库包装“{expected}” / reference package '{expected}'"

        def condition(self, ctx: CheckContext) -> pl.Expr:
            return pl.col("ref_found") & pl.col("ref_package").is_not_null()

        def expected(self, ctx: CheckContext) -> pl.Expr:
            return pl.col("ref_package")

    for cls in (Expensive, Packaged):
        register(cls)
    try:
        yield Expensive.code, Packaged.code
    finally:
        for cls in (Expensive, Packaged):
            RULES.pop(cls.code, None)


@pytest.mark.parametrize("name", ["hospital_catalog_gbk.csv", "pharmacy_catalog_gbk.csv"])
def test_a_new_rule_gives_the_same_findings_eagerly_and_streamed(
    name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    throwaway_rules: tuple[str, str],
) -> None:
    """What a rule reads is derived from its expressions, and a row rule is handed the rows
    it asks for (all rows by default), so a rule added without touching the engine gives the
    same findings and items on both paths, across chunks too."""
    import mapper.pipeline.driver as stream

    monkeypatch.setattr(stream, "CHUNK_ROWS", 60)
    monkeypatch.setattr(stream, "PRODUCT_CHUNK", 50)
    eager = mapper.check(SAMPLES / name, as_of=AS_OF)
    streamed = check_to(SAMPLES / name, tmp_path, as_of=AS_OF)
    fired = eager.findings.group_by("rule").len()
    counts = dict(fired.iter_rows())
    rows = eager.summary.rows_read
    for code in throwaway_rules:
        assert 0 < counts.get(code, 0) < rows + 1, code
    assert_frame_equal(streamed.findings, eager.findings)
    assert_frame_equal(as_text(streamed.items), eager.items)
    assert streamed.summary.to_dict() == eager.summary.to_dict()

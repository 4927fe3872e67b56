"""Issue 19: the check's peers, doing the core subset of its rules on the same files.

The core subset: the code's shape per system (which system's pattern it matches, if any),
membership in the release, validity on the check date (revoked, not yet valid), and the
manufacturer compared with the release's without company suffixes. Each peer reads the
catalog CSV (all text) and the store's Parquet files, computes one verdict row per catalog row
and writes it to Parquet, as the check writes its item table; the counts it prints let the
report say that peer and check agree.

* DuckDB: one SQL statement (``COPY (SELECT …) TO … (FORMAT parquet)``), every thread.
* pandera: a ``DataFrameModel`` with custom checks run by its polars backend on the catalog
  joined with the release (pandera validates a frame; the join and the verdict columns are
  polars), ``lazy=True`` so that every failing row is collected, not the first.

The runners are scripts run in a fresh interpreter by bench/bench_scale.py (the ``bench``
extra installs duckdb and pandera; mapper itself never imports them).
"""

from __future__ import annotations

# The company suffixes and the system patterns are mapper's, passed in as arguments, so the
# peers compare exactly what the check compares.
DUCKDB_RUNNER = """
import json, sys, time
t0 = time.perf_counter()
import duckdb
catalog, store_glob, out, as_of, patterns, suffixes = sys.argv[1:7]
patterns = json.loads(patterns)
suffix = "(" + "|".join(json.loads(suffixes)) + ")$"
system = "CASE " + " ".join(
    f"WHEN regexp_full_match(c.code, '{p}') THEN '{name}'" for name, p in patterns.items()
) + " END"
maker = "regexp_replace(regexp_replace({0}, '{1}', ''), '{1}', '')"
con = duckdb.connect()
con.execute(f'''
COPY (
  WITH c AS (
    SELECT row_number() OVER () AS row, trim("国家医保编码") AS code, "生产企业" AS maker
    FROM read_csv('{catalog}', all_varchar = true, header = true)
  ), r AS (
    SELECT code, valid_from, valid_to, manufacturer FROM read_parquet('{store_glob}')
  )
  SELECT c.row, c.code, {system} AS system,
         r.code IS NOT NULL AS known,
         coalesce(r.valid_to < DATE '{as_of}', false) AS revoked,
         coalesce(r.valid_from > DATE '{as_of}', false) AS not_yet_valid,
         coalesce({maker.format("c.maker", suffix)} <> {maker.format("r.manufacturer", suffix)},
                  false) AS maker_differs
  FROM c LEFT JOIN r ON c.code = r.code
) TO '{out}' (FORMAT parquet)
''')
seconds = time.perf_counter() - t0
counts = con.execute(f'''
  SELECT count(*), count(*) FILTER (system IS NULL), count(*) FILTER (NOT known),
         count(*) FILTER (revoked), count(*) FILTER (maker_differs)
  FROM read_parquet('{out}')
''').fetchone()
names = ("rows", "malformed", "unknown", "revoked", "maker_differs")
print(json.dumps({"seconds": seconds, "counts": dict(zip(names, counts)),
                  "version": duckdb.__version__, "peak_mb": peak_rss_mb()}))
"""

PANDERA_RUNNER = """
import json, sys, time
t0 = time.perf_counter()
import datetime as dt
import polars as pl
import pandera.polars as pa
catalog, store_glob, out, as_of, patterns, suffixes = sys.argv[1:7]
patterns = json.loads(patterns)
as_of = dt.date.fromisoformat(as_of)
suffix = "(?:" + "|".join(json.loads(suffixes)) + ")$"
shape = "^(?:" + "|".join(p[1:-1] for p in patterns.values()) + ")$"

def strip(column):
    return pl.col(column).str.replace(suffix, "").str.replace(suffix, "")

ref = pl.scan_parquet(store_glob).select(
    "code", "valid_from", "valid_to", pl.col("manufacturer").alias("ref_maker"),
    pl.lit(True).alias("in_release"))
frame = (
    pl.scan_csv(catalog, infer_schema=False)
    .with_row_index("row", offset=1)
    .select("row", pl.col("国家医保编码").str.strip_chars().alias("code"),
            pl.col("生产企业").alias("maker"))
    .join(ref, on="code", how="left")
)

class CoreSubset(pa.DataFrameModel):
    code: str = pa.Field(nullable=True)

    @pa.dataframe_check
    def shaped(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("code").str.contains(shape).fill_null(False))

    @pa.dataframe_check
    def known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col("in_release").fill_null(False))

    @pa.dataframe_check
    def valid_on_date(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            ~((pl.col("valid_to") < as_of) | (pl.col("valid_from") > as_of)).fill_null(False))

    @pa.dataframe_check
    def same_maker(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((strip("maker") == strip("ref_maker")).fill_null(True))

    class Config:
        strict = False

collected = frame.collect()
failures = {}
cases = pl.DataFrame()
try:
    CoreSubset.validate(collected, lazy=True)
except pa.errors.SchemaErrors as errors:
    cases = errors.failure_cases
    failures = dict(cases.group_by("check").len().iter_rows())
# pandera's own output, its failure cases (one row per failing row and check), written as
# the check writes its findings.
cases.write_parquet(out)
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "counts": {"rows": collected.height, **failures},
                  "version": __import__("pandera").__version__,
                  "peak_mb": peak_rss_mb()}))
"""


def runner_args(store: str, as_of: str) -> list[str]:
    """The runners' arguments after catalog and out: store glob, date, patterns, suffixes."""
    import json

    from mapper.codes import SYSTEMS
    from mapper.normalize import COMPANY_SUFFIXES

    patterns = {name: s.regex for name, s in SYSTEMS.items()}
    return [f"{store}/*/*.parquet", as_of, json.dumps(patterns), json.dumps(COMPANY_SUFFIXES)]

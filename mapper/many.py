"""Several catalog files in one run, as ruff checks several files: one report, one exit code.

Each file is checked on its own (so duplicate-id rules apply within a file, never across
files), then the results are stacked: findings and items gain a ``catalog`` column naming
their file, the summary is recomputed over all of them and counts each file
(``summary.by_catalog``). The per-institution readiness table of province-scale runs builds on
this (issue 20).
"""

from __future__ import annotations

import glob
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

import polars as pl

from mapper.catalog import READERS
from mapper.errors import InputError
from mapper.policy.readiness import Readiness, payment_summary
from mapper.result import CATALOG, CheckResult, per_catalog, summarise
from mapper.rules import get_rule

# Taken from a folder: every catalog type but .txt, which folders hold for other reasons.
FOLDER_SUFFIXES = frozenset(s for s in READERS if s != ".txt")
GLOB_CHARS = frozenset("*?[")


def _wanted(folder: Path, path: Path) -> bool:
    """A catalog file of ``folder``: not hidden (nor in a hidden folder), not a lock file."""
    hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
    lock = path.name.startswith("~$")  # Excel's lock file beside an open workbook
    return path.suffix.lower() in FOLDER_SUFFIXES and not hidden and not lock and path.is_file()


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Files, folders (searched recursively for catalog files) and glob patterns as the list of
    catalog files, in the order given (a folder's files sorted), each once."""
    out: list[Path] = []
    for given in paths:
        p = Path(given)
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if _wanted(p, f))
            if not found:
                raise InputError(
                    "holds no catalog files (" + ", ".join(sorted(FOLDER_SUFFIXES)) + ")",
                    file=str(given),
                )
            out += found
        elif not p.exists() and GLOB_CHARS & set(str(given)):
            matched = sorted(Path(m) for m in glob.glob(str(given), recursive=True))
            files = [m for m in matched if m.is_file()]
            if not files:
                raise InputError("matches no file (没有匹配的文件)", file=str(given))
            out += files
        else:
            out.append(p)  # a file; reading it says what is wrong if it is not one
    seen: set[Path] = set()
    unique = []
    for f in out:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def combine(results: Sequence[CheckResult]) -> CheckResult:
    """One result for several files checked alike (same reference, date, rules, policy)."""
    if len(results) == 1:
        return results[0]
    first = results[0]
    names = [r.catalog for r in results]
    findings = pl.concat(
        [
            r.located_findings.select(pl.lit(r.catalog, pl.String).alias(CATALOG), pl.all())
            for r in results
        ],
        how="diagonal_relaxed",  # a workbook's findings carry its sheet, a CSV's none
    )
    items = pl.concat(
        [
            r.items_source.select(pl.lit(r.catalog, pl.String).alias(CATALOG), pl.all())
            for r in results
        ],
        how="diagonal_relaxed",
    )
    severity = dict(first.summary.by_rule.select("rule", "severity").iter_rows())
    summary = summarise(items, findings, [get_rule(code)() for code in first.rules], severity)
    summary.payment = payment_summary(items)
    summary.readiness = Readiness.combined(
        [r.summary.readiness for r in results if r.summary.readiness is not None]
    )
    summary.amount_basis = " · ".join(dict.fromkeys(r.summary.amount_basis for r in results))
    summary.by_catalog = per_catalog(items, findings, names)
    encodings = list(dict.fromkeys(r.encoding for r in results))
    return replace(
        first,
        findings=findings,
        items_source=items,
        summary=summary,
        catalog=f"{len(results)} catalogs",
        encoding=", ".join(encodings),
        blank_rows=sum(r.blank_rows for r in results),
        written={},
        catalogs=names,
    )

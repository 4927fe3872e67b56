"""Exit codes as documented in docs/ci.md: 0 nothing at or above --fail-on, 1 findings,
2 an input or usage error; --exit-zero turns 1 into 0 but never hides a 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ci.conftest import AS_OF, SAMPLE, run

CLEAN = ("--select", "COD003", "--ignore", "COD003")  # no rule runs: nothing to find


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ((*CLEAN,), 0),
        ((), 1),
        (("--select", "ATT004"), 0),  # one warning; fails only on warnings
        (("--select", "ATT004", "--fail-on", "warning"), 1),
        (("--fail-on", "never"), 0),
        (("--exit-zero",), 0),
        (("--exit-zero", "--fail-on", "info"), 0),
        (("--select", "NOPE"), 2),  # no rule matches
        (("--fail-on", "sometimes"), 2),  # click usage error
    ],
)
def test_exit_codes(args: tuple[str, ...], code: int) -> None:
    assert run("check", SAMPLE, *AS_OF, *args).exit_code == code


def test_exit_zero_still_reports_the_findings() -> None:
    result = run("check", SAMPLE, *AS_OF, "--exit-zero", "--format", "jsonl")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 37


@pytest.mark.parametrize("extra", [(), ("--exit-zero",)])
def test_input_errors_exit_2_even_with_exit_zero(tmp_path: Path, extra: tuple[str, ...]) -> None:
    missing = run("check", tmp_path / "missing.csv", *AS_OF, *extra)
    assert missing.exit_code == 2
    assert missing.stderr.startswith("mapper: error:")
    Path("mapper.toml").write_text("bogus = 1\n", "utf-8")
    assert run("check", SAMPLE, *AS_OF, *extra).exit_code == 2

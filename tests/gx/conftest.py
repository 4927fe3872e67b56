"""The gx tests need the ``gx`` extra. CI installs it (``make test`` installs ``.[dev,gx]``),
so there a missing install fails loudly; elsewhere the tests are skipped."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import mapper
from tests.support import REPO

if os.environ.get("CI"):
    import great_expectations  # noqa: F401 - fail, do not skip, when CI lacks the extra
else:
    pytest.importorskip("great_expectations")

from mapper.integrations import gx as mgx

SAMPLES = REPO / "sample_catalogs"
AS_OF = dt.date(2026, 11, 23)
CATALOGS = {"pharmacy": "pharmacy_catalog_gbk.csv", "hospital": "hospital_catalog_gbk.csv"}


@dataclass
class Validated:
    kind: str
    catalog: Path
    frame: Any  # pandas DataFrame
    run: mgx.GxRun
    checked: mapper.CheckResult
    docs: Path


@pytest.fixture(scope="session", params=list(CATALOGS))
def validated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Validated:
    """Each sample catalog through GX once (with Data Docs) and through ``mapper.check``."""
    kind = request.param
    catalog = SAMPLES / CATALOGS[kind]
    docs = tmp_path_factory.mktemp(f"docs-{kind}")
    frame = mgx.enriched_frame(catalog, as_of=AS_OF)
    run = mgx.validate(frame, kind=kind, docs_dir=docs)
    return Validated(kind, catalog, frame, run, mapper.check(catalog, as_of=AS_OF), docs)

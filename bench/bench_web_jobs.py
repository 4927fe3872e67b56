"""What running each web check in its own process costs (issue 18).

    python bench/bench_web_jobs.py --runs 4

Uploads the sample pharmacy catalog to the app (Starlette's test client) and times upload to
done, then times the same work (`write_results`) in this process, as the server did before.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.measure import machine  # noqa: E402

SAMPLE = REPO / "sample_catalogs" / "pharmacy_catalog_gbk.csv"


def main() -> None:
    from starlette.testclient import TestClient

    from mapper.web.app import Settings, create_app
    from mapper.web.jobs import Job
    from mapper.web.results import write_results

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=4)
    runs = parser.parse_args().runs
    isolated, inline = [], []
    with tempfile.TemporaryDirectory() as tmp:
        with TestClient(create_app(Settings(root=Path(tmp) / "jobs"))) as client:
            for _ in range(runs):
                start = time.perf_counter()
                query = {"name": SAMPLE.name, "as_of": "2026-11-23"}
                job = client.post("/api/jobs", params=query, content=SAMPLE.read_bytes()).json()
                while client.get(job["status_url"]).json()["state"] not in ("done", "failed"):
                    time.sleep(0.02)
                isolated.append(time.perf_counter() - start)
        for n in range(runs):
            folder = Path(tmp) / f"inline{n}"
            folder.mkdir()
            job = Job("0" * 32, folder, SAMPLE.name, "national", date(2026, 11, 23))
            start = time.perf_counter()
            write_results(job, SAMPLE, None, stage=lambda text: None)
            inline.append(time.perf_counter() - start)
    print(machine())
    print(
        f"own process: median {statistics.median(isolated):.2f} s {[round(t, 2) for t in isolated]}"
    )
    print(f"in process:  median {statistics.median(inline):.2f} s {[round(t, 2) for t in inline]}")


if __name__ == "__main__":
    main()

"""Screenshots of the real pages for docs/screenshots/ (run by hand, not by pytest):

    .venv/bin/python -m tests.web.screenshots

Starts the app on a free loopback port, uploads the sample pharmacy catalog in headless
chromium and saves the upload page, the report (desktop and phone width), a filtered table and
the report of a check inside Huzhou's settlement suspension (huzhou-2022, 2022-02-12 10:00).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tests.web.browser import launched_browser, running_app, settings_for
from tests.web.support import AS_OF, PHARMACY

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as root,
        running_app(settings_for(Path(root))) as url,
        launched_browser() as browser,
    ):
        page = browser.new_page()
        page.goto(url + "/")
        page.set_input_files("#file", str(PHARMACY))
        page.fill("#as_of", AS_OF.isoformat())
        page.screenshot(path=OUT / "upload.png", full_page=True)
        page.click("#submit")
        page.wait_for_url("**/jobs/*")
        report = page.url
        page.screenshot(path=OUT / "report.png", full_page=False)
        page.select_option("#f-rule", "COD001")
        page.evaluate("document.querySelector('.filters').scrollIntoView()")
        page.screenshot(path=OUT / "report-filtered.png", full_page=False)
        phone = browser.new_page()
        phone.set_viewport_size({"width": 390, "height": 844})
        phone.goto(report)
        phone.screenshot(path=OUT / "report-phone.png", full_page=False)
        phone.evaluate("document.querySelector('.filters').scrollIntoView()")
        phone.screenshot(path=OUT / "report-phone-findings.png", full_page=False)
        # Inside Huzhou's settlement suspension: the cut-over section and its guidance.
        page.goto(url + "/")
        page.set_input_files("#file", str(PHARMACY))
        page.select_option("#policy", "huzhou-2022")
        page.fill("#as_of", "2022-02-12")
        page.fill("#as_of_time", "10:00")
        page.click("#submit")
        page.wait_for_url("**/jobs/*")
        page.screenshot(path=OUT / "report-cutover.png", full_page=False)
    for path in sorted(OUT.glob("*.png")):
        print(path)


if __name__ == "__main__":
    main()

"""Make the README's screenshots: `make screenshot`.

Serves the web tests' corpus on a free local port and photographs the results page (on a desktop,
and on a phone 390 pixels wide, where the results come first) and an organisation's page with
Debian's Chromium. Kept out of the test run so tests never rewrite
tracked files.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
TESTS = DOCS.parent / "tests"
sys.path[:0] = [str(DOCS.parent), str(TESTS)]

from browser.conftest import CHROMIUM, CHROMIUM_ARGS, serving  # noqa: E402
from web.web_corpus import build_index, write_corpus  # noqa: E402

RESULTS = (DOCS / "screenshot-results.png", "/search?q=leadership&source=Council+Voices")
ORGANISATION = (DOCS / "screenshot-organisation.png", "/org/Local_Government_Association")
PHONE = (DOCS / "screenshot-phone.png", "/search?q=leadership&source=Council+Voices")
PHONE_SIZE = {"width": 390, "height": 844}


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        index_dir = Path(tmp) / "index"
        build_index(write_corpus(Path(tmp) / "corpus"), index_dir)
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        with serving(index_dir) as base_url:
            page = browser.new_page(viewport={"width": 1280, "height": 1500})
            page.goto(base_url + RESULTS[1])
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(RESULTS[0]))
            page = browser.new_page(viewport=PHONE_SIZE, device_scale_factor=1)
            page.goto(base_url + PHONE[1])
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(PHONE[0]))
            page = browser.new_page(viewport={"width": 1024, "height": 900})
            page.goto(base_url + ORGANISATION[1])
            page.wait_for_load_state("networkidle")
            column = page.locator(".app-org").bounding_box()
            page.screenshot(
                path=str(ORGANISATION[0]),
                clip={"x": column["x"] - 20, "y": column["y"] - 20, "width": column["width"] + 40, "height": 1000},
            )
        browser.close()
    print(f"Saved {RESULTS[0].name}, {PHONE[0].name} and {ORGANISATION[0].name} in {DOCS}")


if __name__ == "__main__":
    main()

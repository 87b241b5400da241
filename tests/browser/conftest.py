"""Browser test set-up: a real index, the app on a free local port, and Debian's Chromium.

Playwright drives /usr/bin/chromium (installed by `make chromium`); it never downloads a
browser. The README's screenshots are made by `make screenshot`, not by the tests.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

# The web tests' corpus, so both suites search the same known documents.
from web.conftest import app_for
from web.web_corpus import build_index, write_corpus

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("browser-corpus"))


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory, corpus_dir):
    index_dir = tmp_path_factory.mktemp("browser-index")
    build_index(corpus_dir, index_dir)
    return index_dir


@contextmanager
def serving(index_dir):
    """The app, as it runs for real (not in testing mode), served on 127.0.0.1 by a threaded
    werkzeug server in the background."""
    with app_for(index_dir, testing=False) as app:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, name="lgsearch-test-server", daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)


@pytest.fixture(scope="session")
def base_url(index_dir):
    with serving(index_dir) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("The browser tests need Debian's chromium at /usr/bin/chromium: run `make chromium`.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, base_url):
    """A page with JavaScript on and the real Content-Security-Policy enforced.

    `page.problems` collects console errors and uncaught exceptions: a CSP violation shows up there.
    """
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.problems = []
    page.on("console", lambda message: message.type == "error" and page.problems.append(message.text))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    yield page
    context.close()


@pytest.fixture
def no_js_page(browser, base_url):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe_script() -> Path:
    if not AXE.exists():
        pytest.fail(f"The accessibility tests need axe-core at {AXE}: run `npm ci`.")
    return AXE


@pytest.fixture
def axe_page(browser, base_url):
    """A page that lets axe-core be injected: the one place the CSP is bypassed."""
    context = browser.new_context(base_url=base_url, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()
